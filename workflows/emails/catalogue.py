"""Every email the programme sends, with the context keys its templates require.

:data:`EMAILS` is handed to :func:`notifications.queue.queue_email` by the places that send
mail (the reminder sweep, review notices, extension notices, evaluation-window notices), so
the notification layer renders words it does not own. Adding a kind means a subject, text and
HTML template in each locale under ``templates/`` and a line here; a test checks the two agree.

The digests (``reminder_digest``, ``escalation``) list items that may belong to several
regions (a mentor's, a coordinator's); each item names its region, and its deadline comes in
the region's zone with the zone it was announced in alongside (``deadline_announced``, empty
when the two are the same).
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
        # items: region_name, region_code, stage, label, action, deadline_local,
        # deadline_announced, days_left, kind ("overdue"/"before"), link
        # Every kind but the account emails may also carry "salutation": how the letter opens,
        # to the office-holder (workflows.emails.salutation); "Yth. <recipient_name>" without.
        "reminder_digest": ("recipient_name", "zone", "items", "app_url"),
        # items: region_name, region_code, stage, deadline_local, deadline_announced,
        # days_left, days_overdue, late (list of who, role, label)
        "escalation": ("recipient_name", "zone", "items"),
        "window_opened": ("recipient_name", "region_name", "window_name", "closes_local"),
        "window_closing": ("recipient_name", "region_name", "window_name", "closes_local",
                           "days_left"),
        "review_requested": ("recipient_name", "region_name", "region_code", "round",
                             "app_url"),
        "review_rejected": ("recipient_name", "region_name", "round", "comment", "mentor_name",
                            "revision_due", "app_url"),
        "review_approved": ("recipient_name", "region_name", "round", "comment", "mentor_name",
                            "next_stage", "app_url"),
        "extension_requested": ("recipient_name", "region_name", "region_code",
                                "requester_name", "stage", "due_local", "requested_local",
                                "reason", "request_id", "app_url"),
        "extension_decided": ("recipient_name", "region_name", "region_code", "stage",
                              "granted", "comment", "due_local", "requested_local",
                              "request_id", "app_url"),
        # app_url: the signed link to the page that sets a password (workflows.access.links)
        "account_invite": ("recipient_name", "email", "role", "region_name", "inviter_name",
                           "app_url", "expires", "login_url"),
        "password_reset": ("recipient_name", "email", "app_url", "expires"),
    },
    locales=(DEFAULT_LOCALE, "en"),
    digests=frozenset({"reminder_digest", "escalation"}),
)
