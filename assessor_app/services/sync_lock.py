"""One sync at a time per data folder, across processes (the app's background sync and
``assessor-app sync`` in a terminal each open their own store, so in-process locks cannot
see each other)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assessor_app.sync.client import SyncError

#: sysexits' EX_TEMPFAIL: nothing went wrong, try again in a moment (``assessor-app sync --help``)
BUSY_EXIT = 75


class SyncBusy(SyncError):
    """Another sync of the same data folder is running: not a failure, this one just waits."""

    exit_code = BUSY_EXIT


@contextmanager
def folder_lock(root: Path) -> Iterator[None]:
    """One sync per data folder across processes (the app's background sync and
    ``assessor-app sync`` in a terminal): an OS lock on ``sync.lock``, released when the
    process ends however it ends."""
    try:
        handle = open(root / "sync.lock", "a+b")  # noqa: SIM115  (held for the block)
    except OSError:
        yield  # a read-only folder cannot hold the lock; the store's own locking still applies
        return
    try:
        try:
            if sys.platform == "win32":
                import msvcrt

                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise SyncBusy("Another sync of this data folder is running (in the app or a "
                           "terminal).", "Wait for it to finish, then sync again.") from None
        yield
    finally:
        handle.close()
