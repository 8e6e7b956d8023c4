"""What the operating system refused, in the reader's language; a standard output closed early.

``OSError.strerror`` is the C library's English ("Is a directory"), and inside an Indonesian
sentence it reads as a stray foreign phrase ("tidak dapat menulis /tmp/x: Is a directory").
The failures a person meets writing a file or binding a port each have a catalogue text,
chosen by ``errno``; any other is named by its errno symbol (``EIO``), which a search finds in
every language.

A reader that stops early (``smartcity audit export | head -1``) closes the pipe: the next
write fails with ``BrokenPipeError``. Like other Unix tools the command then stops writing,
quietly and successfully: nobody is left to read the rest, and nothing went wrong.
"""

from __future__ import annotations

import errno
import os
import sys

from config.messages import text

#: errno -> the catalogue key of its text.
KEYS = {
    errno.ENOENT: "oserror.no_such_file",
    errno.EACCES: "oserror.permission_denied",
    errno.EPERM: "oserror.permission_denied",
    errno.EISDIR: "oserror.is_a_folder",
    errno.ENOTDIR: "oserror.not_a_folder",
    errno.ENOSPC: "oserror.disk_full",
    errno.EEXIST: "oserror.exists",
    errno.EROFS: "oserror.read_only",
    errno.EADDRINUSE: "oserror.address_in_use",
    errno.EADDRNOTAVAIL: "oserror.address_not_here",
}


def describe(exc: OSError) -> str:
    """``exc`` as a few words in the current language: "folder, bukan berkas"."""
    key = KEYS.get(exc.errno) if exc.errno is not None else None
    if key is not None:
        return text(key)
    code = errno.errorcode.get(exc.errno, str(exc.errno)) if exc.errno is not None \
        else type(exc).__name__
    return text("oserror.other", code=code)


def stdout_closed() -> None:
    """Standard output's reader has gone: send whatever is still buffered (and the flush at
    exit) to the null device, so nothing more fails and no warning reaches stderr."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, sys.stdout.fileno())
        finally:
            os.close(devnull)
    except (OSError, ValueError):  # no file descriptor (a test's captured output)
        pass
