"""Turn the database's "disk full" / "file too large" / I/O failures into a plain AppError.

SQLite reports a full disk as ``database or disk is full`` (SQLITE_FULL) or, when a
write is cut short, ``disk I/O error``; neither means anything to an assessor. The
transaction is rolled back either way, so what was saved before is intact.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import OperationalError

from assessor_app.errors import AppError

_DISK_WORDS = ("disk is full", "disk i/o error", "file too large", "no space", "readonly")


class DiskFull(AppError):
    """The store could not be written: the disk is full (or refused the write)."""


def is_disk_error(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)
    text = str(getattr(exc, "orig", exc)).lower()
    return isinstance(exc, OperationalError) and any(w in text for w in _DISK_WORDS)


@contextmanager
def disk_errors(what: str) -> Iterator[None]:
    """Re-raise a disk failure inside the block as ``DiskFull`` naming ``what``."""
    try:
        yield
    except (OperationalError, OSError) as exc:
        if not is_disk_error(exc):
            raise
        raise DiskFull(f"{what} could not be saved: the disk is full or would not take it.",
                       "Free some space on this computer; nothing saved before is lost."
                       ) from None
