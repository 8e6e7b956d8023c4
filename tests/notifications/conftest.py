"""Fixtures of the notification tests; they and the helpers live in ``smtpkit`` so test modules
can import the helpers by a name no other test folder uses (``conftest`` is ambiguous)."""

from smtpkit import db, planner, smtp_server

__all__ = ["db", "planner", "smtp_server"]
