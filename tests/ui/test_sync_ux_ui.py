"""The sync experience in the window, over real encrypted stores, a real server on 127.0.0.1
and real widgets: the server address in Settings (enrol dialog, settings dialog, indicator),
another sync of the same folder running (a neutral wait, no back-off), and records from
other devices waiting here (their own section of the conflicts view, "2 waiting to be added").

Set ASSESSOR_APP_SCREENSHOT_DIR to keep grabs of the indicator states and the waiting section.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QWidget
from pytestqt.qtbot import QtBot

from assessor_app.keystore import MemorySecretStore
from assessor_app.services.sync import ParkedItem, SyncStatus
from assessor_app.services.sync_lock import folder_lock
from assessor_app.settings import load_settings
from assessor_app.ui.preferences import Preferences
from assessor_app.ui.sync_controller import SyncController
from assessor_app.ui.sync_ui import SyncUi
from assessor_app.ui.tasks import DbRunner
from assessor_app.ui.views.conflicts_view import ConflictsDialog
from assessor_app.ui.views.enrol_dialog import EnrolDialog
from assessor_app.ui.views.settings_dialog import SettingsDialog
from assessor_app.ui.widgets.sync_status import SyncStatusIndicator, describe
from tests.sync.devices import Devices, add_portfolio
from tests.sync.ux_helpers import (
    USER,
    child_before_parent,
    governed_by_settings,
    set_server_address,
    setting,
)
from tests.ui.sync_parts import controller, read_status

URL = "https://sync.example-council.gov.uk"
NEW_URL = "https://asye.example-trust.nhs.uk"


def shot(qtbot: QtBot, widget: QWidget, name: str, *, in_status_bar: bool = False) -> None:
    """A grab as the user sees it (the indicator inside a window's status bar)."""
    folder = os.environ.get("ASSESSOR_APP_SCREENSHOT_DIR")
    target = widget
    if in_status_bar:
        w = QMainWindow()
        qtbot.addWidget(w)
        w.resize(1000, 120)
        w.setCentralWidget(QLabel("Practitioner list", w))
        widget.setParent(w)
        w.statusBar().addPermanentWidget(widget)
        widget.show()
        w.show()
        qtbot.waitExposed(w)
        target = w
    QApplication.processEvents()  # pending layout requests: grab what the user would see
    image = target.grab()
    assert not image.isNull()
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        assert image.save(str(Path(folder) / f"{name}.png"))
    if in_status_bar:
        target.statusBar().removeWidget(widget)  # type: ignore[attr-defined]
        widget.setParent(None)
        widget.show()


def status(**values: Any) -> SyncStatus:
    base: dict[str, Any] = dict(configured=True, server_url=URL, user_name="Alex Morgan",
                                role="assessor",
                                last_sync_at=datetime.now(UTC) - timedelta(minutes=3),
                                last_error="", waiting=0, conflicts=0)
    base.update(values)
    return SyncStatus(**base)


# -- the indicator's words ---------------------------------------------------------------------

def test_indicator_waiting_for_another_sync_is_calm_not_a_problem(qtbot: QtBot) -> None:
    d = describe(status(waiting=3, last_error="The server could not be reached."),
                 waiting_for_other=True, offline=True)
    assert d.text == "Waiting for the other sync…" and d.tone == "busy"
    assert "nothing is wrong" in d.tooltip and "starts again by itself" in d.tooltip
    ind = SyncStatusIndicator()
    qtbot.addWidget(ind)
    ind.set_status(status(waiting=3))
    ind.set_waiting_for_other()
    assert ind.state_button.text() == "Waiting for the other sync…"
    assert ind.state_button.property("tone") == "busy" and ind.state_button.styleSheet() == ""
    shot(qtbot, ind, "syncux-indicator-waiting-for-other", in_status_bar=True)
    ind.set_syncing(True)  # the retry starts: the wait is over
    assert ind.state_button.text() == "Syncing…"


def test_indicator_says_the_laptop_must_be_enrolled_again_for_the_new_server(
        qtbot: QtBot) -> None:
    st = status(settings_url=NEW_URL + "/")
    assert st.server_changed
    assert not status(settings_url=URL.upper().replace("HTTPS", "https") + "/").server_changed
    ind = SyncStatusIndicator()
    qtbot.addWidget(ind)
    ind.set_status(st)
    assert ind.state_button.text() == "Not syncing: connect again to use asye.example-trust.nhs.uk"
    tip = ind.state_button.toolTip()
    assert f"connected to {URL} as Alex Morgan" in tip and NEW_URL in tip
    assert "has not been enrolled with" in tip and "put that address back" in tip
    assert ind.state_button.property("tone") == "problem"
    assert ind.connect_button.isVisibleTo(ind)
    with qtbot.waitSignal(ind.enrol_requested, timeout=1000):  # the words lead to the fix
        qtbot.mouseClick(ind.state_button, Qt.MouseButton.LeftButton)
    shot(qtbot, ind, "syncux-indicator-server-changed", in_status_bar=True)


def test_indicator_counts_waiting_records_apart_from_conflicts(qtbot: QtBot) -> None:
    ind = SyncStatusIndicator()
    qtbot.addWidget(ind)
    ind.show()
    ind.set_status(status(parked=2, conflicts=1, waiting=4))
    assert ind.conflicts_button.text() == "1 conflict"
    assert ind.parked_button.isVisible() and ind.parked_button.text() == "2 waiting to be added"
    assert ind.parked_button.accessibleName() == "Open 2 records waiting to be added"
    assert "nothing is lost" in ind.parked_button.toolTip()
    assert ind.parked_button.styleSheet() != ind.conflicts_button.styleSheet()
    assert "2 records from other devices are waiting" in ind.state_button.toolTip()
    with qtbot.waitSignal(ind.parked_requested, timeout=1000):
        qtbot.mouseClick(ind.parked_button, Qt.MouseButton.LeftButton)
    shot(qtbot, ind, "syncux-indicator-parked-and-conflict", in_status_bar=True)
    ind.set_status(status(parked=2))
    shot(qtbot, ind, "syncux-indicator-parked", in_status_bar=True)
    ind.set_status(status())
    assert not ind.parked_button.isVisible()


# -- another sync of the same folder ---------------------------------------------------------

def test_the_app_waits_for_a_terminal_sync_without_backing_off(
        qtbot: QtBot, runner: DbRunner, devices: Devices, live_server: Any,
        controllers: list[SyncController]) -> None:
    server = live_server("sqlite")
    server.add_user(USER, "assessor")
    a = devices.enrolled("a", server, USER)
    add_portfolio(a)
    c = controller(controllers, runner, a, busy_retry_ms=300, backoff_first_ms=60_000)
    ind = SyncStatusIndicator()
    qtbot.addWidget(ind)
    c.sync_started.connect(lambda: ind.set_syncing(True))
    c.sync_deferred.connect(lambda _e: ind.set_waiting_for_other())
    c.status_changed.connect(ind.set_status)
    failed: list[object] = []
    c.sync_failed.connect(failed.append)
    read_status(qtbot, c)
    with folder_lock(a.paths.root):  # `assessor-app sync` in a terminal holds the folder
        with qtbot.waitSignal(c.sync_deferred, timeout=30_000):
            c.sync_now()
        assert c.failures == 0 and not c.offline and c.last_error is None
        assert c.waiting_for_other and c.timer.isActive() and c.timer.interval() == 300
        assert ind.state_button.text() == "Waiting for the other sync…"
        shot(qtbot, ind, "syncux-indicator-real-waiting-for-other", in_status_bar=True)
        with qtbot.waitSignal(c.sync_deferred, timeout=30_000):
            pass  # it tried again by itself, soon, and is still waiting: still no failure
        assert c.failures == 0 and c.deferred == 2
    with qtbot.waitSignal(c.sync_finished, timeout=60_000) as done:
        pass  # the terminal's sync ended: the next try goes ahead
    assert done.args[0].pushed > 0 and failed == []
    assert not c.waiting_for_other and c.timer.interval() == c.next_delay_ms()
    assert read_status(qtbot, c).last_error == ""


# -- the server address in Settings ------------------------------------------------------------

def test_enrol_dialog_starts_with_the_address_in_settings_and_writes_back_the_one_used(
        qtbot: QtBot, runner: DbRunner, devices: Devices, live_server: Any,
        controllers: list[SyncController], monkeypatch: pytest.MonkeyPatch) -> None:
    server = live_server("sqlite")
    server.add_user(USER, "assessor")
    device = devices.new("laptop")
    governed_by_settings(monkeypatch, device)
    set_server_address(server.url + "/")
    c = controller(controllers, runner, device)
    st = read_status(qtbot, c)
    assert not st.configured and st.settings_url == server.url + "/"
    dialog = EnrolDialog(c, device_name="Work laptop", status=st)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.address_edit.text() == server.url + "/"
    assert dialog.focusWidget() is dialog.code_edit  # only the code is left to type
    assert not dialog.current.isVisible()
    dialog.code_edit.setText(server.issue_code(USER))
    with qtbot.waitSignal(c.enrolled, timeout=30_000) as done:
        dialog.submit()
    assert done.args[0].server_url == server.url
    assert setting() == server.url  # the two agree
    assert not read_status(qtbot, c).server_changed

    # connecting again: the dialog says what this laptop is connected to now
    again = EnrolDialog(c, status=c.status)
    qtbot.addWidget(again)
    again.show()
    assert again.current.isVisible() and server.url in again.current.text()
    assert "replaces that connection" in again.current.text()


def test_a_new_address_in_settings_pauses_sync_and_putting_it_back_resumes(
        qtbot: QtBot, runner: DbRunner, devices: Devices, live_server: Any,
        controllers: list[SyncController], monkeypatch: pytest.MonkeyPatch) -> None:
    server = live_server("sqlite")
    server.add_user(USER, "assessor")
    a = devices.enrolled("a", server, USER)
    governed_by_settings(monkeypatch, a)
    set_server_address(server.url)
    prefs = Preferences(load_settings().settings, secrets=MemorySecretStore)
    window = QMainWindow()
    qtbot.addWidget(window)
    window.resize(1000, 300)
    window.setCentralWidget(QLabel("Practitioner list", window))
    window.show()
    ui = SyncUi(window, runner, refresh=lambda: None)
    ui.set_api(a, first_delay_ms=0, settle_ms=50)
    c = ui.controller
    assert c is not None
    controllers.append(c)
    ui.watch_preferences(prefs)
    with qtbot.waitSignal(c.sync_finished, timeout=60_000):
        ui.list_shown()
    c.timer.stop()

    # the settings dialog says what changing the address means, as it is typed and on Save
    settings = SettingsDialog(prefs, runner, a, window)
    qtbot.addWidget(settings)
    settings.show()
    qtbot.waitUntil(lambda: settings.sync_status is not None, timeout=10_000)
    settings.tabs.setCurrentIndex(1)
    assert f"enrolled with {server.url} and syncs with it" in settings.server_note.text()
    settings.edits["server_address"].setText(NEW_URL)  # type: ignore[attr-defined]
    note = settings.server_note.text()
    assert note.startswith("⚠") and f"enrolled with {server.url}, not {NEW_URL}" in note
    assert settings.save_button.isEnabled()  # a choice, not a mistake
    shot(qtbot, settings, "syncux-settings-server-changed")
    with qtbot.waitSignal(c.status_changed, timeout=10_000) as read:
        settings.save_button.click()
    box = settings.restart_notice
    assert box.isVisible() and "it must be enrolled again" in box.text()
    shot(qtbot, box, "syncux-settings-saved-server-changed")
    assert "next starts" not in box.text()  # it applies now
    box.close()
    assert read.args[0].server_changed and setting() == NEW_URL
    ind = ui.indicator
    assert ind.state_button.text().startswith("Not syncing: connect again to use")
    shot(qtbot, window, "syncux-window-server-changed")

    # edits no longer lead to a sync (nothing may go to a server the person moved away from)
    c.changes_made()
    qtbot.wait(300)
    assert not c.running and c.syncs_run == 1
    # asked for anyway: the plain words, and no automatic retries
    with qtbot.waitSignal(c.sync_failed, timeout=10_000) as failed:
        ui.sync_now()
    assert server.url in failed.args[0].message and NEW_URL in failed.args[0].message
    assert "Connect to a server" in window.statusBar().currentMessage()
    assert not c.timer.isActive()

    # putting the old address back in Settings: syncing resumes by itself
    prefs.save(prefs.settings.replace(server_address=server.url))
    with qtbot.waitSignal(c.sync_finished, timeout=60_000):
        pass
    assert not c.status.server_changed and ind.state_button.text() == "Synced just now"


# -- records waiting to be added ----------------------------------------------------------------

def parked(kind: str, practitioner: str, reason: str, why: str, explanation: str,
           minutes: int) -> ParkedItem:
    return ParkedItem(kind.lower().replace(" ", "_"), f"id-{kind}", kind, practitioner, reason, why,
                      explanation, "Sam Patel",
                      datetime(2026, 11, 22, 10, 0, tzinfo=UTC) + timedelta(minutes=minutes))


def test_the_waiting_section_explains_each_record(qtbot: QtBot, runner: DbRunner) -> None:
    d = ConflictsDialog(runner, None)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    d.show_conflicts([])
    with qtbot.waitSignal(d.parked_loaded, timeout=1000) as got:
        d.show_parked([
            parked("Observation", "Known once its piece of evidence arrives", "parent",
                   "Waiting for its piece of evidence",
                   "This observation was written on another device for a piece of evidence "
                   "this computer has not received yet.", 0),
            parked("Final assessment", "Priya Shah", "clash", "Made on two devices",
                   "This practitioner's final assessment was started on this computer and on "
                   "another device before either synced.", 5),
        ])
    assert got.args == [2]
    assert d.tabs.currentIndex() == 1  # only waiting records: shown first
    assert d.tabs.tabText(1) == "&Waiting to be added (2)"
    assert d.parked_list.topLevelItemCount() == 2
    row = d.parked_list.topLevelItem(1)
    assert [row.text(i) for i in range(4)] == ["Final assessment", "Priya Shah",
                                                "Made on two devices", "Sam Patel"]
    assert row.text(4).startswith("22 Nov 2026")
    assert d.parked_detail.text().startswith("This observation was written")
    d.parked_list.setFocus()
    qtbot.keyClick(d.parked_list, Qt.Key.Key_Down)
    assert d.parked_title.text() == "Final assessment — Priya Shah"
    assert "started on this computer" in d.parked_detail.text()
    assert "2 records from other devices are waiting" in d.parked_status.text()
    shot(qtbot, d, "syncux-conflicts-view-waiting-rendered")
    d.show_conflicts([])
    d.show_parked([])
    assert d.parked_status.text().startswith("Nothing is waiting")
    assert d.tabs.tabText(1) == "&Waiting to be added" and d.parked_detail.text() == ""


def test_real_waiting_records_are_listed_then_leave_once_a_sync_adds_them(
        qtbot: QtBot, runner: DbRunner, devices: Devices, live_server: Any,
        controllers: list[SyncController], monkeypatch: pytest.MonkeyPatch) -> None:
    _a, b, _ids = child_before_parent(live_server, devices, monkeypatch)
    window = QMainWindow()
    qtbot.addWidget(window)
    window.resize(1100, 760)
    window.setCentralWidget(QLabel("Practitioner list", window))
    window.show()
    ui = SyncUi(window, runner, refresh=lambda: None)
    ui.set_api(b, first_delay_ms=60_000)
    c = ui.controller
    assert c is not None
    controllers.append(c)
    st = read_status(qtbot, c)
    assert st.parked == 2 and st.conflicts == 0
    ind = ui.indicator
    assert ind.parked_button.isVisible() and ind.parked_button.text() == "2 waiting to be added"
    assert not ind.conflicts_button.isVisible()
    shot(qtbot, window, "syncux-window-real-parked")

    ind.parked_button.click()  # opens the view on the waiting records
    d = ui.conflicts_dialog
    assert d is not None
    qtbot.waitUntil(lambda: d.parked_list.topLevelItemCount() == 2, timeout=10_000)
    assert d.tabs.currentIndex() == 1
    kinds = sorted(d.parked_list.topLevelItem(i).text(0) for i in range(2))
    assert kinds == ["Link to a standard", "Observation"]
    assert d.parked_list.topLevelItem(0).text(2) == "Waiting for its piece of evidence"
    assert "each sync tries again" in d.parked_detail.text()
    assert USER in {d.parked_list.topLevelItem(i).text(3) for i in range(2)}
    shot(qtbot, d, "syncux-conflicts-view-waiting")

    # the next sync adds them: the open view and the indicator follow
    with qtbot.waitSignal(d.parked_loaded, timeout=60_000,
                          check_params_cb=lambda n: n == 0):
        ui.sync_now()
    assert d.parked_list.topLevelItemCount() == 0
    assert d.parked_status.text().startswith("Nothing is waiting")
    qtbot.waitUntil(lambda: not ind.parked_button.isVisible(), timeout=10_000)
    d.reject()
    QApplication.processEvents()


def test_enrol_dialog_says_when_connecting_as_someone_else_is_refused_or_removes_portfolios(
        qtbot: QtBot, runner: DbRunner, devices: Devices, live_server: Any,
        controllers: list[SyncController]) -> None:
    from assessor_app.store.models import Evidence

    server = live_server("sqlite")
    server.add_user(USER, "assessor")
    server.add_user("Other Assessor", "assessor")
    device = devices.enrolled("laptop", server, USER)
    ids = add_portfolio(device, "Sam Example", evidence=1)
    device.sync.sync()
    with device.database.uow("tester") as uow:
        uow.session.get(Evidence, ids["evidence"][0]).title = "Typed, not sent"
        uow.commit()
    c = controller(controllers, runner, device)
    dialog = EnrolDialog(c, device_name="Work laptop", status=read_status(qtbot, c))
    qtbot.addWidget(dialog)
    dialog.show()
    assert "another person's code, the portfolios it holds are removed" in dialog.current.text()
    dialog.code_edit.setText(server.issue_code("Other Assessor"))
    with qtbot.waitSignal(c.enrol_failed, timeout=30_000):
        dialog.submit()
    said = " ".join(dialog.message.text().split())
    assert f"1 change not yet sent by {USER}" in said and "Sync first" in said
    assert read_status(qtbot, c).user_name == USER

    device.sync.sync()  # sent: now the laptop may be handed on
    dialog.code_edit.setText(server.issue_code("Other Assessor"))
    with qtbot.waitSignal(c.enrolled, timeout=30_000):
        dialog.submit()
    said = " ".join(dialog.message.text().split())
    assert "as Other Assessor" in said and f"connected as {USER}" in said
    assert "portfolio it held for them has been removed" in said and "Sam Example" not in said
    dialog.grab().save("/tmp/reenrol-dialog.png")
