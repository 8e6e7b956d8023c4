"""The backup archive: a ``.tar.gz`` of the database and the uploads, with ``manifest.json``.

Layout::

    database/smartcity.db      SQLite: a consistent copy made with SQLite's backup API
    database/smartcity.dump    PostgreSQL: pg_dump's custom format (-Fc)
    uploads/ab/ab12...         every uploaded file, under the path it has in the uploads folder
    manifest.json              written last: format version, when, app version, backend,
                               schema revision, every file with its size and SHA-256, counts

Every file is hashed while it is written into the archive (read once), so the manifest comes
last. A restore reads the archive member by member into a scratch folder, hashing as it goes,
and only trusts it when the manifest is there, names exactly the files found and every size
and checksum agrees: a truncated, corrupted or edited archive is refused before anything is
touched. Member names are checked too (no absolute paths, no ``..``, no links or devices, no
file that is also another member's folder, as ``uploads/a`` and ``uploads/a/b``), so an archive
from elsewhere cannot write outside the scratch folder, and a name the scratch folder cannot
hold is the archive's fault, refused like any bad member, not an error of the disk.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO, Protocol

from config.messages import text
from engine import InvalidInputError

FORMAT = "smartcity-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/smartcity.db"
POSTGRES_MEMBER = "database/smartcity.dump"
UPLOADS = "uploads"
CHUNK = 1024 * 1024


class Progress(Protocol):
    """``interfaces.cli.progress.task``'s shape: a labelled task yielding ``advance(n)``."""

    def __call__(self, label: str, total: int | None = None
                 ) -> AbstractContextManager[Callable[..., None]]: ...


@contextmanager
def quiet(label: str, total: int | None = None) -> Iterator[Callable[..., None]]:
    """No progress shown (tests, other callers)."""
    yield lambda steps=1: None


@dataclass
class Manifest:
    """What ``manifest.json`` says about the archive it closes."""

    created_at: str
    app_version: str
    database_backend: str
    alembic_revision: str | None
    files: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    tables: dict[str, int] = field(default_factory=dict)
    database_server: str | None = None

    @property
    def database_member(self) -> str:
        return SQLITE_MEMBER if self.database_backend == "sqlite" else POSTGRES_MEMBER

    def to_json(self) -> bytes:
        body = {"format": FORMAT, "format_version": FORMAT_VERSION, **self.__dict__}
        return json.dumps(body, indent=2, ensure_ascii=False).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        try:
            body = json.loads(data.decode("utf-8"))
            if body.get("format") != FORMAT:
                raise ValueError("not a smartcity backup")
            if body.get("format_version") != FORMAT_VERSION:
                raise InvalidInputError("backup.format_unknown",
                                        version=str(body.get("format_version")),
                                        known=FORMAT_VERSION)
            known = {k: body[k] for k in cls.__dataclass_fields__ if k in body}
            manifest = cls(**known)
            for entry in manifest.files:
                if not (isinstance(entry["path"], str) and isinstance(entry["size"], int)
                        and isinstance(entry["sha256"], str)):
                    raise ValueError("bad file entry")
        except InvalidInputError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError):
            raise InvalidInputError("backup.bad_manifest") from None
        return manifest


class _Hashing(io.RawIOBase):
    """Reads a file, hashing and counting what passes (tarfile reads through it)."""

    def __init__(self, inner: BinaryIO, seen: Callable[[int], None]) -> None:
        self.inner, self.seen, self.digest, self.size = inner, seen, hashlib.sha256(), 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        data = self.inner.read(n)
        self.digest.update(data)
        self.size += len(data)
        self.seen(len(data))
        return data


class Writer:
    """Adds files to a new archive, remembering each one's size and checksum."""

    def __init__(self, tar: tarfile.TarFile) -> None:
        self.tar = tar
        self.files: list[dict[str, Any]] = []

    def add(self, source: Path, name: str, seen: Callable[[int], None] = lambda n: None) -> None:
        info = tarfile.TarInfo(name)
        stat = source.stat()
        info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o600
        with source.open("rb") as handle:
            reader = _Hashing(handle, seen)
            self.tar.addfile(info, reader)
        if reader.size != info.size:  # the file changed while it was read
            raise InvalidInputError("backup.file_changed", path=str(source))
        self.files.append({"path": name, "size": info.size,
                           "sha256": reader.digest.hexdigest()})

    def close(self, manifest: Manifest) -> None:
        manifest.files = self.files
        body = manifest.to_json()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode = len(body), 0o600
        info.mtime = int(datetime.fromisoformat(manifest.created_at).timestamp())
        self.tar.addfile(info, io.BytesIO(body))


def safe_member(name: str) -> bool:
    """A relative POSIX path inside the archive's own folders, nothing that climbs out."""
    path = PurePosixPath(name)
    return (bool(name) and not path.is_absolute() and "\\" not in name
            and ".." not in path.parts and path.parts[0] in ("database", UPLOADS)
            and all(part not in ("", ".") for part in path.parts))


def unpack(archive: Path, scratch: Path, progress: Progress = quiet) -> Manifest:
    """Read ``archive`` into ``scratch``, checking it whole; its manifest once it is sound.

    Refused (:class:`InvalidInputError`, nothing outside ``scratch`` written): not a gzip'd
    tar or cut short, no manifest, a member that is not a plain file under ``database/`` or
    ``uploads/``, a file missing from the archive or from the manifest, or one whose size or
    SHA-256 differs from what the manifest says.
    """
    if not archive.is_file():
        raise InvalidInputError("backup.no_archive", path=str(archive))
    found: dict[str, tuple[int, str]] = {}
    folders: set[str] = set()
    manifest_bytes: bytes | None = None
    with archive.open("rb") as raw, progress(text("backup.progress.verify"),
                                             archive.stat().st_size) as advance:
        counted = _Hashing(raw, advance)
        try:
            with tarfile.open(fileobj=counted, mode="r|gz") as tar:
                for member in tar:
                    manifest_bytes = _read_member(tar, member, scratch, found, folders,
                                                  manifest_bytes)
        except (tarfile.TarError, EOFError, OSError, UnicodeError, zlib.error) as exc:
            if isinstance(exc, OSError) and exc.errno is not None:
                raise  # the disk, not the archive
            raise InvalidInputError("backup.not_an_archive", path=str(archive)) from None
    if manifest_bytes is None:
        raise InvalidInputError("backup.no_manifest", path=str(archive))
    manifest = Manifest.from_json(manifest_bytes)
    listed = {f["path"]: (f["size"], f["sha256"]) for f in manifest.files}
    for name in sorted(set(listed) | set(found)):
        if name not in found:
            raise InvalidInputError("backup.file_missing", path=name)
        if name not in listed:
            raise InvalidInputError("backup.file_unlisted", path=name)
        if found[name] != listed[name]:
            raise InvalidInputError("backup.checksum_mismatch", path=name)
    if manifest.database_member not in found:
        raise InvalidInputError("backup.file_missing", path=manifest.database_member)
    return manifest


def _read_member(tar: tarfile.TarFile, member: tarfile.TarInfo, scratch: Path,
                 found: dict[str, tuple[int, str]], folders: set[str],
                 manifest: bytes | None) -> bytes | None:
    """Copy one member into ``scratch`` (hashing it), or keep the manifest's bytes.

    ``folders`` holds every folder the files so far sit in: a file named like one of them, or
    one inside a path already taken by a file, is a bad member (its ``mkdir`` or ``open``
    would fail). Any other failure to create the folder or the file is the name's fault too
    (too long, say): only writing the bytes can fail for the disk's sake (full, read-only).
    """
    if member.isdir():
        return manifest
    if member.name == MANIFEST and member.isfile():
        handle = tar.extractfile(member)
        assert handle is not None
        return handle.read(16 * CHUNK)
    parents = [p.as_posix() for p in PurePosixPath(member.name).parents][:-1]  # not "."
    if (not member.isfile() or not safe_member(member.name) or member.name in found
            or member.name in folders or any(p in found for p in parents)):
        raise InvalidInputError("backup.bad_member", name=member.name)
    target = scratch / member.name
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        out = target.open("xb")
    except OSError:
        raise InvalidInputError("backup.bad_member", name=member.name) from None
    folders.update(parents)
    digest, size = hashlib.sha256(), 0
    source = tar.extractfile(member)
    assert source is not None
    with out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    found[member.name] = (size, digest.hexdigest())
    return manifest
