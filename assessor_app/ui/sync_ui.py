"""The main window's sync parts: the status-bar indicator, the Sync menu and the controller.

Kept out of ``main_window.py`` so the window only hands over its api and says when the list
is on screen, when something was saved and when it closes. Nothing heavy is imported here:
the dialogs load when first opened, and the service (and httpx) on the worker threads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, SignalInstance
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

from assessor_app.ui.tasks import DbRunner, on_worker

if TYPE_CHECKING:
    from assessor_app.ui.sync_controller import SyncController
    from assessor_app.ui.views.conflicts_view import ConflictsDialog
    from assessor_app.ui.views.enrol_dialog import EnrolDialog
    from assessor_app.ui.views.removal_notice import RemovalNotice
    from assessor_app.ui.widgets.sync_status import SyncStatusIndicator


class SyncUi(QObject):
    """Built by the window at start (cheap: Qt widgets only); comes alive in ``set_api``."""

    def __init__(self, window: QMainWindow, runner: DbRunner, *,
                 refresh: Callable[[], None]) -> None:
        super().__init__(window)
        self.window = window
        self.runner = runner
        self._refresh = refresh
        self.api: Any = None
        self._watched: set[int] = set()  # editors whose saves already lead to a sync
        self.controller: SyncController | None = None
        self.conflicts_dialog: ConflictsDialog | None = None
        self.enrol_dialog: EnrolDialog | None = None
        self.removal_notice: RemovalNotice | None = None
        self._indicator: SyncStatusIndicator | None = None  # built on first use, after the paint
        menu = getattr(window, "sync_menu", None) or window.menuBar().addMenu("S&ync")
        self.menu = menu

        def action(text: str, shortcut: str, slot: Callable[[], object], tip: str) -> QAction:
            act = QAction(text, window)
            if shortcut:
                act.setShortcut(QKeySequence(shortcut))
                act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.setStatusTip(tip)
            act.setToolTip(tip)
            act.triggered.connect(slot)
            act.setEnabled(False)  # until the store says it can sync
            menu.addAction(act)
            return act

        self.sync_now_action = action(
            "&Sync now", "Ctrl+Shift+Y", self.sync_now,
            "Send your changes to the server and fetch everyone else's now")
        self.conflicts_action = action(
            "&Conflicts…", "", self.open_conflicts,
            "Choose what to keep where two devices changed the same text")
        menu.addSeparator()
        self.enrol_action = action(
            "Connect to a &server…", "", self.open_enrol,
            "Connect this device to your employer's server with a one-time code")

    @property
    def indicator(self) -> SyncStatusIndicator:
        """The status-bar indicator, built when first needed: it stays hidden until the store
        says it can sync, so it need not cost the first paint anything."""
        if self._indicator is None:
            from assessor_app.ui.widgets.sync_status import SyncStatusIndicator

            ind = SyncStatusIndicator(self.window)
            ind.hide()  # shown once the store says it can sync
            self.window.statusBar().addPermanentWidget(ind)
            ind.sync_requested.connect(self.sync_now)
            ind.conflicts_requested.connect(self.open_conflicts)
            ind.parked_requested.connect(lambda: self.open_conflicts(section="waiting"))
            ind.enrol_requested.connect(self.open_enrol)
            self._indicator = ind
        return self._indicator

    # -- what the window tells us ---------------------------------------------------------
    def set_api(self, api: Any, **controller_options: int) -> None:
        """Wire the controller when the api offers sync (checked on the class, so nothing is
        built on the GUI thread)."""
        if self.controller is not None or not hasattr(type(api), "sync"):
            return
        from assessor_app.ui.sync_controller import SyncController, error_words

        self.api = api
        c = SyncController(self.runner, api, self, **controller_options)
        self.controller = c
        ind = self.indicator
        c.status_changed.connect(self._on_status)
        c.sync_started.connect(lambda: ind.set_syncing(True))
        c.long_sync.connect(ind.show_long)
        c.progressed.connect(ind.show_progress)
        c.sync_finished.connect(self._on_finished)
        c.sync_failed.connect(self._on_failed)
        c.sync_deferred.connect(self._on_deferred)
        c.status_failed.connect(
            lambda exc: self.indicator.show_unreadable(" ".join(error_words(exc)).strip()))
        for act in (self.conflicts_action, self.enrol_action):
            act.setEnabled(True)
        ind.show()
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)  # before the DB thread is shut down

    def list_shown(self) -> None:
        if self.controller is not None and not self.controller.started:
            self.controller.start()

    def watch_saves(self, saved: SignalInstance) -> None:
        """An editor's ``saved`` signal: a burst of saves is followed by a sync."""
        if self.controller is not None:
            saved.connect(self.controller.changes_made)

    def watch_editors(self, page: QWidget) -> None:
        """The page's review and final assessment editors (built with its services), once each."""
        for name in ("review_editor", "assessment_editor"):
            editor = getattr(page, name, None)
            saved = getattr(editor, "saved", None)
            if saved is not None and id(editor) not in self._watched:
                self._watched.add(id(editor))
                self.watch_saves(saved)

    def watch_preferences(self, prefs: QObject) -> None:
        """The window's ``Preferences``: a saved server address is checked at once against
        the server this device is enrolled with (once per preferences object)."""
        changed = getattr(prefs, "changed", None)
        if changed is not None and id(prefs) not in self._watched:
            self._watched.add(id(prefs))
            changed.connect(lambda *_: self.settings_changed())

    def settings_changed(self) -> None:
        if self.controller is not None:
            self.controller.settings_changed()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()

    # -- what the controller tells us -----------------------------------------------------
    def _message(self, text: str, ms: int) -> None:
        self.window.statusBar().showMessage(text, ms)

    def _on_status(self, status: Any) -> None:
        c = self.controller
        self.indicator.set_status(status, offline=c.offline if c else False)
        self.sync_now_action.setEnabled(bool(getattr(status, "configured", False)))
        notices = tuple(getattr(status, "notices", ()) or ())
        if notices:
            self.show_removal_notice(notices)

    def show_removal_notice(self, notices: tuple[str, ...]) -> None:
        """Records left this laptop: say so until the user says they have read it."""
        notice = self.removal_notice
        if notice is not None:
            notice.set_notices(notices)  # newer ones join the notice already open
            notice.raise_()
            return
        from assessor_app.ui.views.removal_notice import RemovalNotice

        notice = RemovalNotice(notices, self.window)
        notice.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        notice.acknowledged.connect(lambda: self._notices_read(notice.notices))
        key = id(notice)
        notice.destroyed.connect(lambda *_: self._forget("removal_notice", key))
        self.removal_notice = notice
        notice.show()

    def _notices_read(self, notices: tuple[str, ...]) -> None:
        """Only what was on screen is marked read (a sync may have added more meanwhile)."""
        c = self.controller
        if c is None or self.api is None:
            return
        self.runner.run_op(on_worker(self.api, "sync", "dismiss_notices"), list(notices)) \
            .on_success(lambda _r: c.refresh_status())

    def _on_finished(self, report: Any) -> None:
        from assessor_app.ui.record_watch import record_watch

        self.indicator.set_syncing(False)
        # open editors read their record again: a pull, a merge or a settled push may have
        # changed it under them (they show it in place, never over the person's typing)
        record_watch().notify()
        if getattr(report, "pulled", 0) or getattr(report, "merged", 0) \
                or getattr(report, "notices", ()):
            self._refresh()  # other devices' work arrived, or a portfolio left this laptop
        conflicts = getattr(report, "conflicts", 0)
        if conflicts:
            self._message(f"Sync finished: {conflicts} new conflict"
                          f"{'s' if conflicts != 1 else ''} to look at (Sync ▸ Conflicts…)",
                          10_000)
        if self.conflicts_dialog is not None and self.conflicts_dialog.isVisible():
            self.conflicts_dialog.reload()  # a waiting record the sync added leaves the list

    def _on_deferred(self, _exc: BaseException) -> None:
        self.indicator.set_waiting_for_other()
        self._message("Another sync of this data folder is running (another window or a "
                      "terminal); this one starts again by itself in a moment.", 8000)

    def _on_failed(self, exc: BaseException) -> None:
        from assessor_app.ui.sync_controller import error_words

        self.indicator.set_syncing(False)
        c = self.controller
        if c is not None and not c.offline:
            self._message("Sync did not finish: " + " ".join(error_words(exc)).strip(), 15_000)

    # -- actions --------------------------------------------------------------------------
    def sync_now(self) -> None:
        c = self.controller
        if c is None:
            return
        if not c.sync_now():
            self._message("This device is not connected to a server yet "
                          "(Sync ▸ Connect to a server…).", 6000)

    def open_conflicts(self, section: str = "") -> None:
        """The conflicts view; ``section="waiting"`` opens it on the records waiting here."""
        c = self.controller
        if c is None:
            return
        from assessor_app.ui.views.conflicts_view import ConflictsDialog

        if self.conflicts_dialog is not None and self.conflicts_dialog.isVisible():
            self.conflicts_dialog.show_section(section or "conflicts")
            self.conflicts_dialog.raise_()
            return
        dialog = ConflictsDialog(self.runner, self.api, self.window, section=section)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.resolved.connect(lambda *_: self._after_resolution())
        key = id(dialog)
        dialog.destroyed.connect(lambda *_: self._forget("conflicts_dialog", key))
        self.conflicts_dialog = dialog
        dialog.open()

    def _forget(self, name: str, key: int) -> None:
        """A closed dialog is gone; a newer one opened meanwhile is kept."""
        if id(getattr(self, name)) == key:
            setattr(self, name, None)

    def _after_resolution(self) -> None:
        from assessor_app.ui.record_watch import record_watch

        record_watch().notify()  # the chosen version shows in any editor open on the record
        self._refresh()
        if self.controller is not None:
            self.controller.refresh_status()
            self.controller.changes_made()

    def open_enrol(self) -> None:
        if self.controller is None:
            return
        from assessor_app.ui.views.enrol_dialog import EnrolDialog

        parent: QWidget = self.window
        dialog = EnrolDialog(self.controller, parent, status=self.controller.status)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        key = id(dialog)
        dialog.destroyed.connect(lambda *_: self._forget("enrol_dialog", key))
        self.enrol_dialog = dialog
        dialog.open()
