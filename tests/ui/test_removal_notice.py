"""The app tells the user that a portfolio left the laptop: a real server reassigns the
practitioner, the app's own background sync removes it, and a notice says so in plain words
until the user says they have read it.

Set ASSESSOR_APP_SCREENSHOT_DIR to keep a grab of the notice.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QLabel, QMainWindow
from pytestqt.qtbot import QtBot

from assessor_app.app import StartupApi
from assessor_app.ui.sync_ui import SyncUi
from assessor_app.ui.tasks import DbRunner
from tests.sync.devices import Devices, add_portfolio

NOTICE = "Sam Example's portfolio was moved to another assessor and has been removed from this laptop."


def test_the_app_says_a_portfolio_left_this_laptop(qtbot: QtBot, runner: DbRunner,
                                                   devices: Devices, live_server: Any) -> None:
    server = live_server("sqlite")
    server.add_user("Fictional Coordinator", "coordinator")
    server.add_user("Assessor One", "assessor")
    server.add_user("Assessor Two", "assessor")
    coord = devices.enrolled("coord", server, "Fictional Coordinator")
    tree = add_portfolio(coord, "Sam Example", evidence=1)
    coord.sync.sync()
    server.assign("Assessor One", tree["practitioner"])
    one = devices.enrolled("one", server, "Assessor One")
    one.sync.sync()
    server.reassign(tree["practitioner"], "Assessor Two")

    w = QMainWindow()
    qtbot.addWidget(w)
    w.setCentralWidget(QLabel("Practitioner list", w))
    w.resize(900, 500)
    refreshed: list[int] = []
    ui = SyncUi(w, runner, refresh=lambda: refreshed.append(1))
    api = StartupApi(one.paths, one.secrets)
    ui.set_api(api, first_delay_ms=0)
    w.show()
    c = ui.controller
    assert c is not None
    with qtbot.waitSignal(c.sync_finished, timeout=60_000) as done:
        ui.list_shown()
    assert done.args[0].notices == (NOTICE,)
    assert refreshed  # the list is read again: Sam is no longer on it
    qtbot.waitUntil(lambda: ui.removal_notice is not None and ui.removal_notice.isVisible(),
                    timeout=10_000)
    notice = ui.removal_notice
    assert notice is not None and not notice.isModal()
    assert NOTICE in notice.text.text() and notice.text.accessibleDescription() == NOTICE
    assert notice.windowTitle() == "Removed from this laptop"
    folder = os.environ.get("ASSESSOR_APP_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        assert notice.grab().save(str(Path(folder) / "removal-notice.png"))

    # closing it without saying so keeps it for the next time …
    notice.reject()
    qtbot.waitUntil(lambda: ui.removal_notice is None, timeout=5000)
    with qtbot.waitSignal(c.status_changed, timeout=10_000) as read:
        c.refresh_status()
    assert read.args[0].notices == (NOTICE,)
    qtbot.waitUntil(lambda: ui.removal_notice is not None, timeout=5000)
    # … "I understand" marks it read
    with qtbot.waitSignal(c.status_changed, timeout=10_000) as read:
        ui.removal_notice.ok_button.click()
    assert read.args[0].notices == ()
    assert one.sync.status().notices == ()
    c.stop()
    runner.run_op(api.close)
