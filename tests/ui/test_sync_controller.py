"""The background sync controller and the enrol dialog, over the real SyncService, real
encrypted stores and a real sync server on 127.0.0.1 (``live_server``).

Set ASSESSOR_APP_SCREENSHOT_DIR to keep grabs of the enrol dialog and the window's status bar.
"""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QAbstractButton, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from assessor_app.app import AppContext, StartupApi
from assessor_app.ui import sync_controller
from assessor_app.ui.main_window import MainWindow
from assessor_app.ui.sync_controller import SyncController
from assessor_app.ui.tasks import DbRunner
from assessor_app.ui.views.enrol_dialog import EnrolDialog
from assessor_app.ui.widgets.sync_status import SyncStatusIndicator
from tests.review_demo import TODAY
from tests.sync.devices import Devices
from tests.ui.sync_parts import controller, read_status

USER = "Fictional Assessor"


def shot(widget: QWidget, name: str) -> None:
    image = widget.grab()
    assert not image.isNull()
    folder = os.environ.get("ASSESSOR_APP_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        assert image.save(str(Path(folder) / f"{name}.png"))


def test_not_enrolled_never_starts_a_sync(qtbot: QtBot, runner: DbRunner, devices: Devices,
                                          controllers: list[SyncController]) -> None:
    device = devices.new("fresh")
    c = controller(controllers, runner, device)
    with qtbot.waitSignal(c.status_changed, timeout=10_000) as got:
        c.start()
    assert got.args[0].configured is False
    ind = SyncStatusIndicator()
    qtbot.addWidget(ind)
    ind.set_status(got.args[0])
    assert ind.state_button.text() == "Not connected to a server"
    assert ind.connect_button.isVisibleTo(ind)
    assert c.sync_now() is False
    qtbot.wait(100)
    assert c.thread is None and not c.running and not c.timer.isActive()


def test_enrol_dialog_connects_then_the_first_sync_runs(
        qtbot: QtBot, runner: DbRunner, devices: Devices, live_server: Any,
        controllers: list[SyncController]) -> None:
    server = live_server("sqlite")
    server.add_user(USER, "assessor")
    device = devices.new("laptop", demo=True)
    c = controller(controllers, runner, device)
    with qtbot.waitSignal(c.status_changed, timeout=10_000):
        c.start()
    dialog = EnrolDialog(c, device_name="Work laptop")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    controls = dialog.findChildren(QAbstractButton) + dialog.findChildren(QLineEdit)
    assert all(w.accessibleName() for w in controls)
    assert dialog.focusWidget() is dialog.address_edit

    # a wrong code: the server's plain words, the typed values kept, nothing enrolled
    dialog.address_edit.setText(server.url)
    qtbot.keyClicks(dialog.code_edit, "WRONG-CODE-123")
    with qtbot.waitSignal(c.enrol_failed, timeout=20_000):
        dialog.submit()
    text = dialog.message.text()
    assert dialog.message.isVisible() and text
    assert "Traceback" not in text and "assessor-app" not in text and "--" not in text
    assert dialog.address_edit.text() == server.url and dialog.connect_button.isEnabled()
    assert dialog.focusWidget() is dialog.code_edit
    shot(dialog, "sync-enrol-error")
    assert read_status(qtbot, c).configured is False

    # the right code: connected as the user, and the first sync follows by itself
    dialog.code_edit.setText(server.issue_code(USER))
    with qtbot.waitSignal(c.sync_finished, timeout=60_000) as synced:
        dialog.submit()
        qtbot.waitUntil(lambda: dialog.connect_button.text() == "Close", timeout=20_000)
        assert f"as {USER} (assessor)" in dialog.message.text()
        shot(dialog, "sync-enrol-connected")
    report = synced.args[0]
    assert report.pushed > 500 and report.refused == 0
    status = read_status(qtbot, c)
    assert status.configured and status.waiting == 0 and status.last_sync_at is not None


def test_sync_runs_on_its_own_thread_and_reports_progress(
        qtbot: QtBot, runner: DbRunner, devices: Devices, live_server: Any,
        controllers: list[SyncController]) -> None:
    server = live_server("sqlite")
    server.add_user(USER, "assessor")
    device = devices.enrolled("a", server, USER, demo=True)
    waiting = device.sync.status().waiting
    c = controller(controllers, runner, device, long_sync_ms=0)
    read_status(qtbot, c)
    seen: list[Any] = []
    c.progressed.connect(seen.append)
    with qtbot.waitSignal(c.sync_finished, timeout=60_000) as done:
        assert c.sync_now()
        assert c.running
        assert c.sync_now()  # asked again while running: one more sync afterwards, not two at once
    assert done.args[0].pushed == waiting
    thread = c.thread
    assert thread is not None and thread.name == "assessor-sync" and thread.is_alive()
    assert thread is not threading.current_thread() and runner.thread.objectName() != thread.name
    assert {p.phase for p in seen} >= {"push", "pull"}
    pushes = [p for p in seen if p.phase == "push"]
    assert pushes[-1].done == pushes[-1].total == waiting
    with qtbot.waitSignal(c.sync_finished, timeout=60_000) as again:
        pass  # the sync asked for during the first one
    assert again.args[0].pushed == 0
    assert c.failures == 0 and c.timer.isActive()  # the next regular sync is planned
    assert read_status(qtbot, c).waiting == 0


def test_edits_settle_then_sync(qtbot: QtBot, runner: DbRunner, devices: Devices,
                                live_server: Any, controllers: list[SyncController]) -> None:
    server = live_server("sqlite")
    server.add_user(USER, "assessor")
    a = devices.enrolled("a", server, USER, demo=True)
    evidence_id = a.evidence.create(a.list_rows(TODAY)[0].enrolment_id, "observation", TODAY)
    a.sync.sync()
    c = controller(controllers, runner, a, settle_ms=200)
    read_status(qtbot, c)
    for word in ("Edited", "Edited twice", "Edited three times"):  # a burst of saves
        runner.run_op(a.evidence.autosave, evidence_id, {"title": word})
        c.changes_made()
    assert c.settle_timer.isActive() and not c.running
    with qtbot.waitSignal(c.sync_finished, timeout=60_000) as done:
        pass
    assert done.args[0].pushed >= 1 and c.syncs_run == 1  # one sync for the whole burst
    assert a.sync.status().waiting == 0


def test_offline_backs_off_then_recovers(qtbot: QtBot, runner: DbRunner, devices: Devices,
                                         live_server: Any,
                                         controllers: list[SyncController]) -> None:
    server = live_server("sqlite")
    server.add_user(USER, "assessor")
    a = devices.enrolled("a", server, USER, demo=True)
    port = int(server.url.rsplit(":", 1)[1])
    server.stop()
    c = controller(controllers, runner, a, backoff_first_ms=100, backoff_max_ms=250)
    read_status(qtbot, c)
    with qtbot.waitSignal(c.sync_failed, timeout=30_000) as failed:
        c.sync_now()
    assert c.offline and c.failures == 1
    assert "cannot be reached" in failed.args[0].message
    assert c.timer.isActive() and c.timer.interval() == 100
    status = read_status(qtbot, c)
    assert status.last_error and status.waiting > 0
    ind = SyncStatusIndicator()
    qtbot.addWidget(ind)
    ind.set_status(status, offline=c.offline)
    assert ind.state_button.text() == f"Offline — {status.waiting:,} changes waiting"
    assert "cannot be reached" in ind.state_button.toolTip()
    shot(ind, "sync-indicator-real-offline")
    # the automatic retries back off: 100 ms, 200 ms, then the 250 ms ceiling
    with qtbot.waitSignal(c.sync_failed, timeout=30_000):
        pass
    assert c.failures == 2 and c.timer.interval() == 200
    with qtbot.waitSignal(c.sync_failed, timeout=30_000):
        pass
    assert c.timer.interval() == 250
    # the server comes back on the same address: the next automatic try succeeds
    live_server("sqlite", data_dir=server.data_dir, database_url=server.database_url, port=port)
    with qtbot.waitSignal(c.sync_finished, timeout=60_000):
        pass
    assert c.failures == 0 and not c.offline and c.last_error is None
    status = read_status(qtbot, c)
    assert status.waiting == 0 and status.last_error == ""


def test_a_revoked_device_waits_for_a_person(qtbot: QtBot, runner: DbRunner, devices: Devices,
                                             live_server: Any,
                                             controllers: list[SyncController]) -> None:
    server = live_server("sqlite")
    server.add_user(USER, "assessor")
    a = devices.enrolled("a", server, USER)
    server.revoke("a laptop")
    c = controller(controllers, runner, a, backoff_first_ms=50)
    read_status(qtbot, c)
    with qtbot.waitSignal(c.sync_failed, timeout=30_000):
        c.sync_now()
    assert not c.offline and not c.timer.isActive()  # retrying by itself cannot help
    c.changes_made()
    assert not c.settle_timer.isActive()


def test_stopping_mid_sync_ends_the_thread_and_loses_nothing(
        qtbot: QtBot, runner: DbRunner, devices: Devices, live_server: Any,
        controllers: list[SyncController], monkeypatch: pytest.MonkeyPatch) -> None:
    server = live_server("sqlite")
    server.add_user(USER, "assessor")
    a = devices.enrolled("a", server, USER, demo=True)
    waiting = a.sync.status().waiting
    c = controller(controllers, runner, a)
    read_status(qtbot, c)
    real_report = sync_controller._NetWorker.report

    def report(self: Any, progress: Any) -> None:
        real_report(self, progress)
        if progress.phase == "push" and 0 < progress.done < progress.total:
            self.progressed.emit(progress)  # even if the throttle held it back
            c._cancel.wait(30)  # hold the sync after its first batch until stop() cancels it

    monkeypatch.setattr(sync_controller._NetWorker, "report", report)
    after_stop: list[Any] = []
    with qtbot.waitSignal(c.progressed, timeout=30_000,
                          check_params_cb=lambda p: p.phase == "push" and p.done > 0):
        c.sync_now()
    assert c.stop()  # cancelled between batches; the thread has ended
    assert c.thread is not None and not c.thread.is_alive()
    c.sync_finished.connect(after_stop.append)
    c.sync_failed.connect(after_stop.append)
    qtbot.wait(200)
    assert after_stop == [] and c.sync_now() is False
    left = a.sync.status().waiting
    assert 0 < left < waiting  # part was sent, the rest waits
    report = a.sync.sync()  # the next sync sends the rest, nothing twice
    assert report.pushed == left and report.refused == 0
    assert a.sync.status().waiting == 0


def test_main_window_indicator_menu_and_close(qtbot: QtBot, runner: DbRunner,
                                              devices: Devices, live_server: Any) -> None:
    server = live_server("sqlite")
    server.add_user(USER, "assessor")
    enrolled: AppContext = devices.enrolled("a", server, USER, demo=True)
    waiting = enrolled.sync.status().waiting
    # the app's own start-up api over that folder: quick list first, services built later
    a = StartupApi(enrolled.paths)
    w = MainWindow(runner, today=lambda: TODAY, demo=True)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.sync_ui.set_api(a, first_delay_ms=0, long_sync_ms=0)
    c = w.sync_ui.controller
    assert c is not None
    assert w.sync_ui.sync_now_action.shortcut().toString() == "Ctrl+Shift+Y"
    assert [act.text() for act in w.sync_ui.menu.actions() if act.text()] == [
        "&Sync now", "&Conflicts…", "Connect to a &server…"]
    ind = w.sync_ui.indicator
    mid_sync: list[tuple[bool, str]] = []

    def grab_mid_sync(p: Any) -> None:  # queued after the indicator's own slot
        if p.phase == "push" and 0 < p.done < p.total and not mid_sync:
            mid_sync.append((ind.progress.isVisible(), ind.progress_label.text()))
            shot(w, "sync-window-progress")

    c.progressed.connect(grab_mid_sync)
    with qtbot.waitSignal(c.sync_finished, timeout=60_000) as first:
        w.set_api(a)  # the list shows, then the first sync starts by itself
    assert first.args[0].pushed == waiting
    assert mid_sync and mid_sync[0][0] and mid_sync[0][1].startswith("Sending changes: ")
    qtbot.waitUntil(lambda: ind.state_button.text() == "Synced just now", timeout=10_000)
    assert ind.isVisible() and not ind.progress.isVisible()
    shot(w, "sync-window-synced")
    # a save in the page's review editor leads to a sync once the edits settle
    with qtbot.waitSignal(w.page_ready, timeout=10_000):
        w.open_practitioner(a.list_rows(TODAY)[0].enrolment_id)
    editor = w.page_view.review_editor
    assert editor is not None and not c.settle_timer.isActive()
    editor.saved.emit(None)
    assert c.settle_timer.isActive()
    c.settle_timer.stop()
    # Sync ▸ Conflicts… and the indicator's button open the view; Connect… the enrol dialog
    w.sync_ui.conflicts_action.trigger()
    view = w.sync_ui.conflicts_dialog
    assert view is not None
    with qtbot.waitSignal(view.loaded, timeout=10_000) as listed:
        pass
    assert listed.args == [0] and view.isVisible()
    view.reject()
    ind.conflicts_requested.emit()
    again = w.sync_ui.conflicts_dialog
    assert again is not None and again is not view
    qtbot.wait(50)  # the first one's deletion arrives: the newer dialog is still known
    assert w.sync_ui.conflicts_dialog is again
    again.reject()
    w.sync_ui.enrol_action.trigger()
    assert w.sync_ui.enrol_dialog is not None and w.sync_ui.enrol_dialog.isVisible()
    w.sync_ui.enrol_dialog.reject()
    # closing the window mid-sync stops the thread; nothing is left running
    with qtbot.waitSignal(c.sync_started, timeout=5000):
        w.sync_ui.sync_now_action.trigger()
    w.close()
    assert c.thread is not None and not c.thread.is_alive()
    runner.run_op(a.close)


def test_closing_does_not_wait_for_a_hung_server(qtbot: QtBot, runner: DbRunner,
                                                 devices: Devices, live_server: Any,
                                                 controllers: list[SyncController]) -> None:
    server = live_server("sqlite")
    server.add_user(USER, "assessor")
    a = devices.enrolled("a", server, USER, demo=True)
    port = int(server.url.rsplit(":", 1)[1])
    server.stop()
    silent = socket.socket()  # takes the connection, never answers
    silent.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    silent.bind(("127.0.0.1", port))
    silent.listen()
    silent.settimeout(30)
    c = controller(controllers, runner, a)
    read_status(qtbot, c)
    with qtbot.waitSignal(c.sync_started, timeout=5000):
        c.sync_now()
    conn, _addr = silent.accept()
    try:
        conn.settimeout(30)
        assert conn.recv(1024)  # the request arrived; the client now waits for an answer
        assert c.stop(timeout_ms=200) is False  # the window closes without waiting for it
        assert c.thread is not None and c.thread.daemon and c.thread.is_alive()
    finally:
        conn.close()  # the network gives up: the client sees a cut connection
        silent.close()
    c.thread.join(30)
    assert not c.thread.is_alive()
    status = a.sync.status()
    assert status.last_error and status.waiting > 0  # nothing was lost, it waits for next time


def test_enrol_over_tls_needs_the_employer_certificate(
        qtbot: QtBot, runner: DbRunner, devices: Devices, live_server: Any,
        controllers: list[SyncController]) -> None:
    server = live_server("sqlite", tls=True)
    server.add_user(USER, "assessor")
    device = devices.new("laptop")
    c = controller(controllers, runner, device)
    dialog = EnrolDialog(c, device_name="Work laptop")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.address_edit.setText(server.url.replace("https://", ""))  # https:// is added
    dialog.code_edit.setText(server.issue_code(USER))
    with qtbot.waitSignal(c.enrol_failed, timeout=30_000):
        dialog.submit()
    assert dialog.address_edit.text() == server.url
    text = dialog.message.text()
    assert "certificate" in text and "Employer certificate" in text  # names the field to fill
    assert "--ca-bundle" not in text
    assert dialog.focusWidget() is dialog.ca_edit
    shot(dialog, "sync-enrol-tls-error")
    dialog.ca_edit.setText(str(server.ca_bundle))
    with qtbot.waitSignal(c.enrolled, timeout=30_000) as done:
        dialog.submit()
    assert done.args[0].configured and done.args[0].server_url == server.url
