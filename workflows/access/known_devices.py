"""Known devices: a browser that has signed in to an address before is told apart from strangers.

The sign-in throttle (:mod:`workflows.access.throttle`) has caps shared by many clients: one per
network (an IPv4 /24, an IPv6 /48) and one per address from everywhere. Shared caps are what
stop guessing spread over many machines, and also what a stranger with enough machines can use
to delay the owner. A *device cookie* (OWASP's "Slow Down Online Guessing Attacks with Device
Cookies") lets the owner through: at each successful sign-in the browser (or an API client that
keeps cookies) is given a long-lived cookie binding a random device id to the address, signed
with the programme's secret key. Presented with the same address later, it makes the attempt
count under the device instead of the network and client address: still 5 free wrong passwords,
then a growing delay for that device wherever it connects from, but never refused because of
the network's or the address's shared count. A stranger cannot forge one (HMAC-SHA256 under
``SMARTCITY_SECRET_KEY``), one made for another address does not count, and a stolen one is
throttled as one client, however many machines it is sent from.

The cookie is a hint for the throttle, not a credential: it signs nobody in, so it is not
stored server-side, and changing the secret key simply makes every browser a stranger again
until it signs in once more.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from config.settings import Settings
from workflows.access.links import secret_key

#: The cookie's name; sent with every request to the site (path ``/``), read only at sign-in.
COOKIE = "sc_device"
#: How long a device stays known after its last successful sign-in (each renews it).
KEPT = timedelta(days=365)
_LONGEST = 200  # characters; anything longer was not made here


def issue(settings: Settings, email: str, now: datetime) -> str:
    """A new device cookie for ``email``: ``issued.device.signature`` (a fresh random device id,
    so each browser is throttled on its own)."""
    issued = str(int(now.timestamp()))
    device = secrets.token_urlsafe(16)
    return f"{issued}.{device}.{_signature(settings, email, issued, device)}"


def device(settings: Settings, email: str, cookie: str | None, now: datetime) -> str | None:
    """The device id the cookie names, if it was issued here for ``email`` within
    :data:`KEPT`; None for no cookie, a forged or altered one, another address's, or an old one."""
    if not cookie or len(cookie) > _LONGEST:
        return None
    parts = cookie.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or len(parts[0]) > 12:
        return None
    issued, device_id, signature = parts
    if not hmac.compare_digest(signature, _signature(settings, email, issued, device_id)):
        return None
    if abs(now.timestamp() - int(issued)) > KEPT.total_seconds():
        return None
    return device_id


def _signature(settings: Settings, email: str, issued: str, device_id: str) -> str:
    message = "\x00".join(["known-device", email.strip().lower(), issued, device_id])
    digest = hmac.new(secret_key(settings).encode(), message.encode("utf-8", "surrogatepass"),
                      hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")
