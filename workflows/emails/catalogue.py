"""Every email the programme sends, with the context keys its templates require.

:data:`EMAILS` is handed to :func:`notifications.queue.queue_email` by the three places that
send mail (the reminder sweep, review notices, evaluation-window notices), so the notification
layer renders words it does not own. Adding a kind means a subject, text and HTML template in
each locale under ``templates/`` and a line here; a test checks the two agree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from notifications.render import Catalogue

#: The programme's default email language (the settings' ``mail_locale`` picks per install).
DEFAULT_LOCALE: Final = "id"

EMAILS: Final = Catalogue(
    templates=Path(__file__).resolve().parent / "templates",
    kinds={
        "reminder_digest": ("recipient_name", "region_name", "region_code", "zone", "items",
                            "app_url"),
        "escalation": ("recipient_name", "region_name", "region_code", "zone", "items"),
        "window_opened": ("recipient_name", "region_name", "window_name", "closes_local"),
        "window_closing": ("recipient_name", "region_name", "window_name", "closes_local",
                           "days_left"),
        "review_rejected": ("recipient_name", "region_name", "round", "comment", "mentor_name",
                            "app_url"),
        "review_requested": ("recipient_name", "region_name", "region_code", "round",
                             "app_url"),
    },
    locales=(DEFAULT_LOCALE, "en"),
    digests=frozenset({"reminder_digest", "escalation"}),
)
