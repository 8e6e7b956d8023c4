"""The known-device cookie: made for one address under the secret key, readable back for that
address for a year, and nothing else (another address's, altered, forged, under another key,
too old, too long or malformed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import SecretStr

from config.settings import Settings
from workflows.access import known_devices

NOW = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
EMAIL = "mentor@itb.ac.id"


def _settings(tmp_path: Path, key: str = "k" * 40) -> Settings:
    return Settings(data_dir=tmp_path, secret_key=SecretStr(key))


def test_a_cookie_names_a_new_device_for_its_address(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    first, second = (known_devices.issue(settings, EMAIL, NOW) for _ in range(2))
    device = known_devices.device(settings, EMAIL, first, NOW)
    assert device is not None and device in first and EMAIL not in first
    assert known_devices.device(settings, " Mentor@ITB.ac.id ", first, NOW) == device
    assert known_devices.device(settings, EMAIL, second, NOW) not in {device, None}
    later = NOW + known_devices.KEPT
    assert known_devices.device(settings, EMAIL, first, later) == device


def test_nothing_else_names_a_device(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    cookie = known_devices.issue(settings, EMAIL, NOW)
    issued, device, signature = cookie.split(".")
    refused = [
        None, "", "garbage", cookie + ".x", "x" * 300,
        known_devices.issue(settings, "other@itb.ac.id", NOW),
        f"{issued}.{device}x.{signature}", f"{int(issued) + 1}.{device}.{signature}",
        f"{issued}.{device}.{signature[:-1]}", f"-{issued}.{device}.{signature}",
        known_devices.issue(_settings(tmp_path, "a" * 40), EMAIL, NOW),
    ]
    assert [known_devices.device(settings, EMAIL, c, NOW) for c in refused] == [None] * 11
    too_late = NOW + known_devices.KEPT + timedelta(seconds=1)
    assert known_devices.device(settings, EMAIL, cookie, too_late) is None
