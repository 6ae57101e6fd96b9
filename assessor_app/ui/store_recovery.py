"""Start-up safety net: integrity check and daily backup after the list shows; restore offers.

``run_gui`` calls ``started`` once the practitioner list is on screen (so neither the
check nor the backup delays the first paint or the list) and ``recover`` when the
store fails to open. The check and the daily backup run on a second worker thread with
their own connections (about 0.06 s and 0.1 s for the demo store, 0.8 s and 2 s for a
60 MB one), so the user's clicks never queue behind them; restores run on the DB thread.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMainWindow, QWidget

from assessor_app.errors import StoreCorrupt, StoreKeyMissing, StoreLocked
from assessor_app.paths import DataPaths
from assessor_app.ui.tasks import DbRunner

log = logging.getLogger(__name__)

#: Opening failures a backup can cure: a damaged or unreadable file, a store.json gone,
#: a keyring without this store's key (a store moved from another computer).
RESTORABLE = (StoreLocked, StoreCorrupt, StoreKeyMissing)


def startup_checks(paths: DataPaths, demo: bool) -> dict[str, Any]:
    """On the DB thread: quick_check + cipher_integrity_check, then the daily backup if due."""
    from assessor_app.services.backup import daily_backup_if_due, store_health

    started = time.perf_counter()
    problems = store_health(paths)
    checked = time.perf_counter() - started
    log.info("integrity check took %.3f s", checked)
    daily_problem = ""
    if not problems and not demo:  # never back up a damaged store over good backups
        result = daily_backup_if_due(paths)
        daily_problem = result.problem
    return {"problems": problems, "daily_problem": daily_problem, "check_seconds": checked}


class StartupHooks:
    """The two callbacks ``run_gui`` takes; ``paths`` is resolved on first need."""

    def __init__(self, resolve_paths: Callable[[], DataPaths], *, demo: bool = False) -> None:
        self._resolve = resolve_paths
        self._paths: DataPaths | None = None
        self.demo = demo
        self.dialog: QWidget | None = None  # the restore dialog on screen, if any (tests)
        self._background: DbRunner | None = None

    def paths(self) -> DataPaths:
        if self._paths is None:
            self._paths = self._resolve()
        return self._paths

    def recover(self, exc: BaseException, window: QWidget, runner: DbRunner,
                reopen: Callable[[], None], give_up: Callable[[], None]) -> bool:
        """Offer a restore for a store that would not open; False: not something a backup cures."""
        if not isinstance(exc, RESTORABLE):
            return False
        text = f"{getattr(exc, 'message', '')}"
        self._offer(window, runner, text, None, reopen, give_up)
        return True

    def started(self, window: QWidget, runner: DbRunner, api: Any,
                reopen: Callable[[], None]) -> None:
        """After the list shows: check the store and take the daily backup, on the DB thread."""
        def done(report: dict[str, Any]) -> None:
            if report["problems"]:
                lines = [ln.strip(" *") for p in report["problems"] for ln in p.splitlines()]
                lines = [ln for ln in lines if ln and not ln.startswith("in database")]
                n = max(len(lines), 1)
                text = ("Your store failed its integrity check: part of the file is damaged "
                        f"({n} problem{'s' if n != 1 else ''} found; 'assessor-app db check' "
                        "lists them for IT support). Restore a backup before you carry on "
                        "working.")
                self._offer(window, runner, text, getattr(api, "close", None), reopen, None)
            elif report["daily_problem"] and isinstance(window, QMainWindow):
                window.statusBar().showMessage(
                    "No backup today: " + report["daily_problem"].splitlines()[0], 15_000)

        def failed(exc: BaseException) -> None:
            log.warning("start-up check failed (%s)", type(exc).__name__)

        self.background().run_op(startup_checks, self.paths(), self.demo) \
            .on_success(done).on_failure(failed)

    def background(self) -> DbRunner:
        """A second worker thread for the check and the daily backup: they use their own
        connections (WAL readers), so the user's database work never waits for them."""
        if self._background is None:
            self._background = DbRunner(thread_name="assessor-backup")
            app = QCoreApplication.instance()
            if app is not None:
                app.aboutToQuit.connect(self.shutdown)
        return self._background

    def shutdown(self) -> None:
        if self._background is not None and not self._background.stopped:
            self._background.shutdown()

    def _offer(self, window: QWidget, runner: DbRunner, problem: str,
               before: Callable[[], object] | None, reopen: Callable[[], None],
               give_up: Callable[[], None] | None) -> None:
        from assessor_app.ui.views.restore_dialog import RestoreDialog

        dialog = RestoreDialog(runner, self.paths(), problem, before_restore=before, parent=window)
        self.dialog = dialog
        dialog.restored.connect(lambda _when: reopen())
        if give_up is not None:
            dialog.rejected.connect(give_up)
        dialog.open()


def _backup_for(api: Any) -> Any:
    """On the DB thread: a backup of the api's store (``paths`` of AppContext/StartupApi)."""
    from assessor_app.services.backup import backup_now

    return backup_now(api.paths)


def back_up_now(window: QMainWindow, runner: DbRunner, api: Any) -> None:
    """File → Back up now: the result (or the reason it failed) in the status bar."""
    bar = window.statusBar()
    if api is None:
        bar.showMessage("Your store is still opening…", 3000)
        return
    bar.showMessage("Backing up…")

    def done(path: Any) -> None:
        bar.showMessage(f"Backed up to {path.name} in {path.parent}", 15_000)

    def failed(exc: BaseException) -> None:
        bar.showMessage("No backup: " + (getattr(exc, "message", "") or
                                         "the backup could not be written."), 20_000)

    runner.run_op(_backup_for, api).on_success(done).on_failure(failed)
