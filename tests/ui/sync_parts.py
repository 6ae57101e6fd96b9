"""Sync controllers for the GUI tests: made with no first delay, all stopped at the end."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from assessor_app.ui.sync_controller import SyncController
from assessor_app.ui.tasks import DbRunner


@pytest.fixture
def controllers() -> Iterator[list[SyncController]]:
    """Every controller a test makes is stopped at the end: no sync thread outlives a test."""
    made: list[SyncController] = []
    yield made
    for c in made:
        assert c.stop()


def controller(made: list[SyncController], runner: DbRunner, api: Any, **options: int,
               ) -> SyncController:
    c = SyncController(runner, api, first_delay_ms=0, **options)
    made.append(c)
    return c


def read_status(qtbot: QtBot, c: SyncController) -> Any:
    with qtbot.waitSignal(c.status_changed, timeout=10_000) as got:
        c.refresh_status()
    return got.args[0]
