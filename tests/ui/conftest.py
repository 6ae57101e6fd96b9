"""GUI fixtures: a real DB-thread runner and a main window over hand-built DTOs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from assessor_app.ui.main_window import MainWindow
from assessor_app.ui.tasks import DbRunner
from tests.sync.devices import devices  # noqa: F401  (fixture: enrolled device stores)
from tests.ui.factories import TODAY, InMemoryWorkbench
from tests.ui.sync_parts import controllers  # noqa: F401  (fixture)


@pytest.fixture
def runner(qapp: object) -> Iterator[DbRunner]:
    r = DbRunner()
    yield r
    r.shutdown()


@pytest.fixture
def api() -> InMemoryWorkbench:
    return InMemoryWorkbench()


@pytest.fixture
def window(qtbot: QtBot, runner: DbRunner, api: InMemoryWorkbench) -> MainWindow:
    """The main window, shown, with the list loaded."""
    w = MainWindow(runner, today=lambda: TODAY)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    with qtbot.waitSignal(w.list_ready, timeout=5000):
        w.set_api(api)
    return w


def open_page(qtbot: QtBot, window: MainWindow, enrolment_id: str = "e1") -> None:
    with qtbot.waitSignal(window.page_ready, timeout=5000):
        window.open_practitioner(enrolment_id)
