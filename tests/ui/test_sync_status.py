"""The status-bar sync indicator: its words in every state, the conflicts button, the progress
bar of a long sync. Rendering tests build the service's own frozen DTOs (data, not behaviour);
the real service's answers are covered in test_sync_controller.py.

Set ASSESSOR_APP_SCREENSHOT_DIR to keep a grab of every state.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow
from pytestqt.qtbot import QtBot

from assessor_app.services.sync import SyncProgress, SyncStatus
from assessor_app.ui.widgets.sync_status import SyncStatusIndicator, ago, describe

NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
URL = "https://sync.example-council.gov.uk"


def status(*, configured: bool = True, last: datetime | None = None, error: str = "",
           waiting: int = 0, conflicts: int = 0, kept_aside: int = 0) -> SyncStatus:
    return SyncStatus(configured=configured, server_url=URL if configured else "",
                      user_name="Alex Morgan" if configured else "",
                      role="assessor" if configured else "", last_sync_at=last,
                      last_error=error, waiting=waiting, conflicts=conflicts,
                      kept_aside=kept_aside)


def shot(qtbot: QtBot, ind: SyncStatusIndicator, name: str) -> None:
    """The indicator in a window's status bar, as the user sees it."""
    folder = os.environ.get("ASSESSOR_APP_SCREENSHOT_DIR")
    if not folder:
        return
    w = QMainWindow()
    qtbot.addWidget(w)
    w.resize(900, 120)
    w.setCentralWidget(QLabel("Practitioner list", w))
    ind.setParent(w)
    w.statusBar().addPermanentWidget(ind)
    ind.show()
    w.show()
    qtbot.waitExposed(w)
    Path(folder).mkdir(parents=True, exist_ok=True)
    assert w.grab().save(str(Path(folder) / f"sync-indicator-{name}.png"))
    w.statusBar().removeWidget(ind)
    ind.setParent(None)  # the window goes when this returns; the indicator stays the test's
    ind.show()


@pytest.fixture
def ind(qtbot: QtBot) -> SyncStatusIndicator:
    widget = SyncStatusIndicator()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_each_state_in_plain_words() -> None:
    assert describe(None).text == "Checking sync…"
    off = describe(status(configured=False), now=NOW)
    assert off.text == "Not connected to a server"
    assert "Connect to a server" in off.tooltip and off.tone == "off"
    never = describe(status(waiting=4), now=NOW)
    assert never.text == "Not synced yet — 4 changes waiting"
    assert "has not synced yet" in never.tooltip
    fresh = describe(status(last=NOW - timedelta(minutes=3)), now=NOW)
    assert fresh.text == "Synced 3 minutes ago" and fresh.tone == "ok"
    assert f"Connected to {URL} as Alex Morgan." in fresh.tooltip
    one = describe(status(last=NOW - timedelta(minutes=1, seconds=5), waiting=1), now=NOW)
    assert one.text == "Synced 1 minute ago — 1 change waiting"
    assert "1 change on this device is waiting" in one.tooltip


def test_offline_and_other_failures_say_what_to_do() -> None:
    offline = describe(status(last=NOW - timedelta(days=3), error="The server could not be "
                              "reached.", waiting=12), offline=True, now=NOW)
    assert offline.text == "Offline — 12 changes waiting"
    assert offline.tone == "problem"
    assert "The server could not be reached." in offline.tooltip
    assert "tries again by itself" in offline.tooltip and "Ctrl+Shift+Y" in offline.tooltip
    refused = describe(status(last=NOW - timedelta(hours=1), error="This device's access was "
                              "withdrawn."), offline=False, now=NOW)
    assert refused.text == "Sync did not finish"
    assert "tell your coordinator" in refused.tooltip
    # never the words of an engineer
    for d in (offline, refused):
        for word in ("rev", "row", "entity", "HTTP", "Traceback"):
            assert f" {word} " not in f" {d.text} {d.tooltip} "


def test_kept_aside_changes_stay_in_view_with_whom_to_ask() -> None:
    d = describe(status(last=NOW - timedelta(minutes=3), kept_aside=2), now=NOW)
    assert d.text == "Synced 3 minutes ago — 2 kept aside" and d.tone == "waiting"
    assert "2 changes you made are kept aside on this computer" in d.tooltip
    assert "programme coordinator" in d.tooltip
    both = describe(status(last=NOW - timedelta(minutes=3), waiting=1, kept_aside=1), now=NOW)
    assert both.text == "Synced 3 minutes ago — 1 change waiting, 1 kept aside"


def test_syncing_wins_over_the_last_error() -> None:
    d = describe(status(error="The server could not be reached.", waiting=2), syncing=True,
                 offline=True, now=NOW)
    assert d.text == "Syncing…" and d.tone == "busy"


@pytest.mark.parametrize(("delta", "expected"), [
    (timedelta(seconds=-3600 * 30), "just now"),  # the laptop's clock is a day behind
    (timedelta(seconds=20), "just now"),
    (timedelta(minutes=59), "59 minutes ago"),
    (timedelta(hours=2, minutes=5), "2 hours ago"),
])
def test_relative_times(delta: timedelta, expected: str) -> None:
    assert ago(NOW - delta, NOW) == expected


def test_older_syncs_name_the_day() -> None:
    then = NOW - timedelta(days=5)
    local = then.astimezone()
    assert ago(then, NOW) == f"on {('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun')[local.weekday()]}" \
        f" {local.day} Nov at {local:%H:%M}"
    naive = datetime(2026, 11, 22, 14, 50)  # a naive time compares with a naive now
    assert ago(naive, datetime(2026, 11, 22, 15, 0)) == "10 minutes ago"


def test_not_connected_offers_to_connect(qtbot: QtBot, ind: SyncStatusIndicator) -> None:
    ind.set_status(status(configured=False))
    assert ind.state_button.text() == "Not connected to a server"
    assert ind.connect_button.isVisible() and not ind.conflicts_button.isVisible()
    with qtbot.waitSignal(ind.enrol_requested, timeout=1000):
        qtbot.mouseClick(ind.connect_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(ind.enrol_requested, timeout=1000):
        qtbot.mouseClick(ind.state_button, Qt.MouseButton.LeftButton)
    shot(qtbot, ind, "not-connected")


def test_conflicts_button_opens_the_view(qtbot: QtBot, ind: SyncStatusIndicator) -> None:
    ind.set_status(status(last=datetime.now(UTC) - timedelta(hours=2), waiting=2, conflicts=2))
    assert ind.state_button.text() == "Synced 2 hours ago — 2 changes waiting"
    assert ind.conflicts_button.isVisible() and ind.conflicts_button.text() == "2 conflicts"
    assert ind.conflicts_button.accessibleName() == "Open 2 conflicts"
    assert not ind.connect_button.isVisible()
    with qtbot.waitSignal(ind.conflicts_requested, timeout=1000):
        qtbot.mouseClick(ind.conflicts_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(ind.sync_requested, timeout=1000):  # the words themselves: Sync now
        qtbot.mouseClick(ind.state_button, Qt.MouseButton.LeftButton)
    shot(qtbot, ind, "conflicts")
    ind.set_status(status(last=datetime.now(UTC), conflicts=1))
    assert ind.conflicts_button.text() == "1 conflict"
    ind.set_status(status(last=datetime.now(UTC)))
    assert not ind.conflicts_button.isVisible()


def test_screenshots_of_the_quiet_states(qtbot: QtBot) -> None:
    cases = {
        "checking": None,
        "not-synced-yet": status(waiting=4),
        "synced": status(last=datetime.now(UTC) - timedelta(minutes=3)),
        "offline": status(last=datetime.now(UTC) - timedelta(days=3), waiting=12,
                          error="The server could not be reached."),
    }
    for name, st in cases.items():
        ind = SyncStatusIndicator()
        qtbot.addWidget(ind)
        if st is not None:
            ind.set_status(st, offline=True)
        assert ind.state_button.toolTip()  # every state explains itself
        assert ind.state_button.accessibleDescription() == ind.state_button.toolTip()
        shot(qtbot, ind, name)


def test_progress_bar_only_for_a_long_sync(qtbot: QtBot, ind: SyncStatusIndicator) -> None:
    ind.set_status(status(last=datetime.now(UTC) - timedelta(minutes=10)))
    ind.set_syncing(True)
    assert ind.state_button.text() == "Syncing…"
    ind.show_progress(SyncProgress(phase="push", done=10, total=40))
    assert not ind.progress.isVisible()  # a short sync never flashes a bar
    ind.show_long()
    assert ind.progress.isVisible() and not ind.state_button.isVisible()
    assert (ind.progress.value(), ind.progress.maximum()) == (10, 40)
    assert ind.progress_label.text() == "Sending changes: 10 of 40"
    ind.show_progress(SyncProgress(phase="pull", done=4200, total=20000))
    assert ind.progress_label.text() == "Receiving changes: 4,200 of 20,000"
    assert ind.progress.value() == 4200
    shot(qtbot, ind, "progress")
    ind.show_progress(SyncProgress(phase="files", done=0, total=0))
    assert ind.progress.maximum() == 0  # total unknown: a busy bar, not 0 %
    assert ind.progress_label.text() == "Sending files…"
    ind.set_syncing(False)
    assert not ind.progress.isVisible() and not ind.progress_label.isVisible()
    assert ind.state_button.isVisible() and ind.state_button.text().startswith("Synced")


def test_unreadable_state_says_so_until_the_next_read(ind: SyncStatusIndicator) -> None:
    ind.show_unreadable("The store is locked by another program.")
    assert ind.state_button.text() == "Sync status unknown"
    assert "locked by another program" in ind.state_button.toolTip()
    ind.set_status(status(last=datetime.now(UTC)))
    assert ind.state_button.text() == "Synced just now"
