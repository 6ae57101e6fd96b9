"""The restore dialog over real encrypted stores: a damaged store, a new computer, no backups."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
from pytestqt.qtbot import QtBot

from assessor_app.errors import MigrationFailed, StoreKeyMissing, StoreLocked
from assessor_app.keystore import KeyringSecretStore, MemorySecretStore
from assessor_app.paths import DataPaths
from assessor_app.services import backup
from assessor_app.ui.qt_app import run_gui
from assessor_app.ui.store_recovery import StartupHooks
from assessor_app.ui.tasks import DbRunner
from assessor_app.ui.views.restore_dialog import RestoreDialog
from tests.services.backup_store import RealStore, copy_real_store, make_real_store
from tests.ui.factories import TODAY, InMemoryWorkbench

SHOTS = Path(__file__).resolve().parents[2] / "screenshots"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> RealStore:
    return make_real_store(tmp_path_factory.mktemp("gui-real") / "store", MemorySecretStore())


@pytest.fixture
def keyed(template: RealStore, tmp_path: Path) -> RealStore:
    """A copy of the store, its key in the (in-memory) OS keyring, one daily backup."""
    s = copy_real_store(template, tmp_path / "data")
    ring = KeyringSecretStore("store")
    for name, value in s.secrets._values.items():
        ring.set(name, value)
    backup.backup_now(s.paths, label="daily")
    return s


def _damage(paths: DataPaths) -> None:
    size = paths.db.stat().st_size
    with open(paths.db, "r+b") as f:
        f.seek(size // 2 + 100)
        f.write(os.urandom(64))


def _shot(widget: RestoreDialog, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    widget.grab().save(str(SHOTS / name))


def _wait_dialog(qtbot: QtBot, hooks: StartupHooks) -> RestoreDialog:
    qtbot.waitUntil(lambda: hooks.dialog is not None and hooks.dialog.isVisible(), timeout=10_000)
    dialog = hooks.dialog
    assert isinstance(dialog, RestoreDialog)
    qtbot.waitUntil(lambda: "Looking" not in dialog.backup_label.text(), timeout=10_000)
    return dialog


def test_a_damaged_store_is_found_after_start_and_the_last_good_backup_restored(
        qtbot: QtBot, runner: DbRunner, keyed: RealStore) -> None:
    _damage(keyed.paths)
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    reopened: list[bool] = []
    hooks = StartupHooks(lambda: keyed.paths)
    hooks.started(window, runner, None, lambda: reopened.append(True))
    qtbot.waitUntil(lambda: hooks.dialog is not None, timeout=10_000)
    hooks.shutdown()

    dialog = _wait_dialog(qtbot, hooks)
    assert "failed its integrity check" in dialog.problem.text()
    assert "Newest good backup: the daily backup made on" in dialog.backup_label.text()
    assert not dialog.passphrase.isVisible()  # this computer's keyring has the key
    assert dialog.restore_button.isEnabled() and dialog.restore_button.isDefault()
    _shot(dialog, "restore-dialog-damaged.png")

    with qtbot.waitSignal(dialog.restored, timeout=20_000):
        dialog.restore_button.click()
    assert reopened == [True]
    assert backup.store_health(keyed.paths) == []
    kept = list(keyed.paths.backups.glob("replaced-*/workbench.db"))
    assert len(kept) == 1  # the damaged file was moved aside, not deleted


def test_a_store_from_another_computer_asks_for_the_passphrase(
        qtbot: QtBot, runner: DbRunner, keyed: RealStore, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    memory_keyring.store.clear()  # the keyring of a new computer
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    outcome: list[str] = []
    hooks = StartupHooks(lambda: keyed.paths)
    exc = StoreKeyMissing("This computer's keyring has no key for the store in the folder.")
    assert hooks.recover(exc, window, runner, lambda: outcome.append("reopen"),
                         lambda: outcome.append("gave up"))

    dialog = _wait_dialog(qtbot, hooks)
    assert dialog.passphrase.isVisible()
    dialog.passphrase.setText("AAAA-BBBB-CCCC-DDDD-EEEE")
    dialog.restore_button.click()
    qtbot.waitUntil(lambda: "not the one for this store" in dialog.status.text(), timeout=20_000)
    _shot(dialog, "restore-dialog-passphrase.png")
    assert outcome == []

    dialog.passphrase.setText(keyed.passphrase.lower())
    with qtbot.waitSignal(dialog.restored, timeout=20_000):
        dialog.restore_button.click()
    assert outcome == ["reopen"]
    assert any(k[1].startswith("store-key:") for k in memory_keyring.store)


def test_no_backup_means_no_restore_button_and_closing_gives_up(
        qtbot: QtBot, runner: DbRunner, tmp_path: Path) -> None:
    outcome: list[str] = []
    hooks = StartupHooks(lambda: DataPaths(tmp_path / "empty"))
    window = QMainWindow()
    qtbot.addWidget(window)
    assert hooks.recover(StoreLocked("The store cannot be read."), window, runner,
                         lambda: outcome.append("reopen"), lambda: outcome.append("gave up"))
    dialog = _wait_dialog(qtbot, hooks)
    assert "No good backup" in dialog.backup_label.text()
    assert not dialog.restore_button.isEnabled()
    _shot(dialog, "restore-dialog-none.png")
    dialog.close_button.click()
    assert outcome == ["gave up"]
    assert not hooks.recover(MigrationFailed("x"), window, runner, lambda: None, lambda: None)


def test_choosing_a_file_that_is_not_a_backup_says_so(
        qtbot: QtBot, runner: DbRunner, keyed: RealStore) -> None:
    dialog = RestoreDialog(runner, keyed.paths, "The store cannot be read.")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: "Newest good backup" in dialog.backup_label.text(), timeout=10_000)
    dialog.choose_file(keyed.paths.root / "store.json")
    qtbot.waitUntil(lambda: "is not a workbench backup" in dialog.status.text(), timeout=10_000)


def test_run_gui_hands_a_failed_open_to_recover_and_calls_on_started(qapp: QApplication) -> None:
    seen: list[str] = []

    def recover(exc, window, runner, reopen, give_up) -> bool:  # type: ignore[no-untyped-def]
        seen.append(type(exc).__name__)
        QTimer.singleShot(0, give_up)
        return True

    def open_locked() -> InMemoryWorkbench:
        raise StoreLocked("The store cannot be read.")

    assert run_gui(open_locked, today=TODAY, recover=recover) == 4
    assert seen == ["StoreLocked"]

    def started(window, runner, api, reopen) -> None:  # type: ignore[no-untyped-def]
        seen.append(type(api).__name__)
        QApplication.instance().exit(0)  # type: ignore[union-attr]

    assert run_gui(InMemoryWorkbench, today=TODAY, demo=True, on_started=started) == 0
    assert seen == ["StoreLocked", "InMemoryWorkbench"]


def test_started_takes_the_daily_backup_in_the_chosen_folder_or_says_why_not(
        qtbot: QtBot, runner: DbRunner, keyed: RealStore, tmp_path: Path) -> None:
    from assessor_app.settings import Settings, save_settings

    for old in keyed.paths.backups.glob("*.awbackup"):
        old.unlink()  # no backup yet today
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    save_settings(Settings(backup_folder=str(blocker / "backups"), backups_kept=3))
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    hooks = StartupHooks(lambda: keyed.paths)
    hooks.started(window, runner, None, lambda: None)
    qtbot.waitUntil(lambda: "No backup today" in window.statusBar().currentMessage(),
                    timeout=10_000)
    assert "cannot be written to" in window.statusBar().currentMessage()
    assert hooks.dialog is None  # a healthy store: no restore offered

    chosen = tmp_path / "usb-drive"
    save_settings(Settings(backup_folder=str(chosen), backups_kept=3))
    hooks.started(window, runner, None, lambda: None)
    qtbot.waitUntil(lambda: len(list(chosen.glob("workbench-daily-*.awbackup"))) == 1,
                    timeout=10_000)
    hooks.shutdown()


def test_the_app_offers_the_last_good_backup_for_a_damaged_store_and_reopens_it(
        qapp: QApplication, tmp_path: Path) -> None:
    """Through gui_launch.run: a damaged demo store → the dialog → restore → the list again."""
    from assessor_app import gui_launch
    from assessor_app.app import create_demo, demo_paths
    from tests.review_demo import TODAY as DEMO_TODAY

    paths = demo_paths(tmp_path / "demo")
    create_demo(paths, today=DEMO_TODAY)
    backup.backup_now(paths, label="daily")
    _damage(paths)
    seen: list[str] = []

    def step() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
        dialog = next((w for w in windows if isinstance(w, RestoreDialog)), None)
        main = next((w for w in windows if hasattr(w, "list_view")), None)
        if dialog is not None and dialog.restore_button.isEnabled() and "restore" not in seen:
            seen.append("restore")
            dialog.grab().save(str(SHOTS / "restore-dialog-app.png"))
            dialog.restore_button.click()
        elif "restore" in seen and dialog is None and main is not None \
                and main.list_view.model.rowCount() == 6:
            seen.append("listed again")
            QApplication.instance().exit(0)  # type: ignore[union-attr]
            return
        QTimer.singleShot(50, step)

    SHOTS.mkdir(exist_ok=True)
    QTimer.singleShot(0, step)
    assert gui_launch.run(str(paths.root), demo=True) == 0
    assert seen == ["restore", "listed again"]
    assert backup.store_health(paths) == []
    assert list(paths.backups.glob("replaced-*/workbench.db"))


def test_back_up_now_from_the_file_menu(qtbot: QtBot, runner: DbRunner, keyed: RealStore) -> None:
    from assessor_app.app import open_context
    from assessor_app.ui.main_window import MainWindow
    from tests.review_demo import TODAY as DEMO_TODAY

    ctx = open_context(keyed.paths, create=False)
    window = MainWindow(runner, today=lambda: DEMO_TODAY)
    qtbot.addWidget(window)
    window.show()
    try:
        with qtbot.waitSignal(window.list_ready, timeout=10_000):
            window.set_api(ctx)
        before = set(keyed.paths.backups.glob("*.awbackup"))
        assert window.backup_action.shortcut().toString() == "Ctrl+Shift+B"
        window.backup_action.trigger()
        qtbot.waitUntil(lambda: "Backed up to" in window.statusBar().currentMessage(),
                        timeout=10_000)
        made = set(keyed.paths.backups.glob("*.awbackup")) - before
        assert len(made) == 1
        assert backup.backup_info(made.pop()).label == "manual"
    finally:
        runner.run_op(ctx.close)
