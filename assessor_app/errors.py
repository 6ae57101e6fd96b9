"""The project's exceptions: each carries a message a user can act on.

The CLI prints ``str(error)`` and exits with ``error.exit_code``; the GUI shows
the same text in a dialog. Never a traceback.
"""

from __future__ import annotations


class AppError(Exception):
    """Base class: ``message`` says what happened, ``hint`` what to do about it."""

    exit_code = 1

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n{self.hint}" if self.hint else self.message


class UsageError(AppError):
    exit_code = 2


class KeyringUnavailable(AppError):
    """No OS keyring backend works here; there is no plaintext fallback."""

    exit_code = 3


class StoreKeyMissing(AppError):
    exit_code = 3


class StoreLocked(AppError):
    """Wrong key, or not an SQLCipher database we can open."""

    exit_code = 4


class StoreCorrupt(AppError):
    exit_code = 4


class StoreTooNew(AppError):
    """The file was written by a newer version of the app."""

    exit_code = 5


class MigrationFailed(AppError):
    exit_code = 6


class CatalogueError(AppError):
    """A framework or programme file is invalid: names the file, line and problem."""

    exit_code = 7

    def __init__(self, path: str, line: int | None, problem: str, hint: str = "") -> None:
        where = f"{path}, line {line}" if line else path
        super().__init__(
            f"{where}: {problem}",
            hint or "Fix the file (or remove it) and try again; nothing was changed.",
        )
        self.path = path
        self.line = line
        self.problem = problem


class NotFound(AppError):
    exit_code = 8


class RecordFinal(UsageError):
    """An autosave for a record that is final or signed (perhaps marked so on another device
    while the editor was open): nothing was written; the editor keeps the typing."""


class RecordDeleted(NotFound):
    """The record was deleted (on another device, by a sync) while an editor had it open.
    The editor keeps what was typed and offers to restore the record or save it as new."""


class RecordRemoved(NotFound):
    """The record left this laptop while an editor had it open: its practitioner was moved
    to another assessor (or out of the user's scope) by a sync. The editor keeps its typing
    aside with the other kept-aside changes; nothing can be restored or saved here."""


class AuditChainBroken(AppError):
    exit_code = 9
