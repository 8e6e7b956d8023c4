"""Fixtures of the programme-layer tests beyond those of tests/conftest.py (``world``,
``make_prog``, ``module_world``, ...): a real SMTP server for the tests that deliver the
reminders they sweep (its helpers live in ``smtpkit``; ``conftest`` is ambiguous as a name)."""

from smtpkit import smtp_server

__all__ = ["smtp_server"]
