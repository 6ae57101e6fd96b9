"""Two laptops of one assessor for the editor tests: real encrypted stores, a real sync server.

Laptop A has the editors open and syncs the way the app does (its sync controller, on its
own thread, and the "finished" signal the window hears); laptop B is the other laptop.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from assessor_app.app import AppContext
from assessor_app.store.models import Evidence, Observation
from assessor_app.ui.sync_ui import SyncUi
from assessor_app.ui.tasks import DbRunner
from tests.sync.devices import Devices, add_portfolio


@dataclass
class Laptops:
    a: AppContext  # the editor is open here
    b: AppContext  # the assessor's other laptop
    evidence_id: str
    ui: SyncUi  # laptop A's sync, as the main window runs it
    enrolment_id: str = ""

    def b_writes(self, **fields: str) -> None:
        self.b.evidence.autosave(self.evidence_id, fields)
        self.b.sync.sync()

    def b_deletes(self) -> None:
        from assessor_app.store.base import utcnow

        with self.b.database.uow("tester") as uow:
            uow.session.get(Evidence, self.evidence_id).deleted_at = utcnow()
            uow.commit()
        self.b.sync.sync()

    def notes(self, ctx: AppContext | None = None) -> str:
        with (ctx or self.a).database.uow() as uow:
            return uow.session.get(Observation, self.evidence_id).notes  # type: ignore[no-any-return]


@pytest.fixture(name="laptops")
def laptops_fixture(live_server: Any, tmp_path: Path, qtbot: QtBot,
                    runner: DbRunner) -> Iterator[Laptops]:
    """Laptops A and B with one practitioner and one observation, synced both ways."""
    server = live_server("sqlite")
    server.add_user("Fictional Assessor", "assessor")
    devices = Devices(tmp_path / "devices")
    a = devices.enrolled("a", server, "Fictional Assessor")
    b = devices.enrolled("b", server, "Fictional Assessor")
    made = add_portfolio(a, evidence=1)
    a.sync.sync()
    b.sync.sync()
    window = QMainWindow()
    qtbot.addWidget(window)
    ui = SyncUi(window, runner, refresh=lambda: None)
    ui.set_api(a, first_delay_ms=3_600_000, interval_ms=3_600_000)
    yield Laptops(a, b, made["evidence"][0], ui, made["enrolment"])
    ui.stop()
    devices.close()


def a_syncs(qtbot: QtBot, laptops: Laptops) -> None:
    """Laptop A syncs in the background, as the app does, and the app hears it finish."""
    controller = laptops.ui.controller
    assert controller is not None
    with qtbot.waitSignal(controller.sync_finished, timeout=30_000):
        if not controller.sync_now():  # the state is read first, then it syncs
            controller.refresh_status(then_schedule=0)


def drain(qtbot: QtBot, runner: DbRunner) -> None:
    """Wait until every DB op queued so far has run and reported back (one DB thread, in
    order): an editor's read of its record after a sync has been taken in."""
    done: list[bool] = []
    runner.run_op(lambda: None).on_success(lambda _r: done.append(True))
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)
