"""Tiny ``open_api`` factories for start-up tests run in a subprocess (``python -c``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assessor_app.errors import StoreLocked

if TYPE_CHECKING:
    from tests.ui.factories import InMemoryWorkbench

LOCKED_MESSAGE = "Your store could not be unlocked."
LOCKED_HINT = "Check that you are signed in to this computer as yourself, then try again."


def open_api() -> InMemoryWorkbench:
    """Imports the test data here, on the DB thread, like a real store open would."""
    from tests.ui.factories import InMemoryWorkbench

    return InMemoryWorkbench()


def open_locked() -> InMemoryWorkbench:
    raise StoreLocked(LOCKED_MESSAGE, LOCKED_HINT)
