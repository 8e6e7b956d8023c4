"""The generated secret key: written once, whole, and the same for everyone who asks at once.

The burst test of the sign-in throttle once caught a thread reading the key file between its
creation and its write, and hashing under an empty key; these hold the key file to its
promise directly.
"""

from __future__ import annotations

import stat
import threading
from pathlib import Path

from pydantic import SecretStr

from config.settings import Settings
from workflows.access.links import secret_key


def test_threads_starting_at_once_agree_on_one_whole_key(tmp_path: Path) -> None:
    for attempt in range(20):  # many fresh folders: the race window is small
        folder = tmp_path / str(attempt)
        settings = Settings(data_dir=folder)
        start = threading.Barrier(8)
        keys: list[str] = []

        def ask(start: threading.Barrier = start, keys: list[str] = keys,
                settings: Settings = settings) -> None:
            start.wait()
            keys.append(secret_key(settings))

        threads = [threading.Thread(target=ask) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(set(keys)) == 1 and len(keys[0]) >= 48, keys
        key_file = folder / "secret.key"
        assert key_file.read_text() == keys[0]
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        assert [p.name for p in folder.iterdir()] == ["secret.key"]  # no scratch file left


def test_an_empty_key_file_is_replaced_never_used(tmp_path: Path) -> None:
    (tmp_path / "secret.key").write_text("")
    key = secret_key(Settings(data_dir=tmp_path))
    assert len(key) >= 48
    assert secret_key(Settings(data_dir=tmp_path)) == key


def test_a_configured_key_wins_and_writes_nothing(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, secret_key=SecretStr("k" * 40))
    assert secret_key(settings) == "k" * 40
    assert not (tmp_path / "secret.key").exists()
