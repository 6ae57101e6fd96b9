"""Main window: the practitioner list on the left, the open practitioner's page on the right.

With no page open the list takes the whole width (every column); opening a practitioner
narrows it to names and badges so the page has room. All data comes through
``WorkbenchApi`` calls queued on the DB thread (``DbRunner``); this module only renders.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QMainWindow, QWidget

# ``Qt`` (the namespace) is imported inside the methods: its first import builds every one of
# its enums (~11 ms), which the first paint need not wait for. Same for QAction & co.
if TYPE_CHECKING:  # the views and DTO modules load after the first paint
    from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QPaintEvent
    from PySide6.QtWidgets import QSplitter

    from assessor_app.domain.dto import PractitionerPage, PractitionerRow
    from assessor_app.ui.api import WorkbenchApi
    from assessor_app.ui.preferences import Preferences
    from assessor_app.ui.sync_ui import SyncUi
    from assessor_app.ui.tasks import DbRunner, Op
    from assessor_app.ui.views.practitioner_list import PractitionerListView
    from assessor_app.ui.views.practitioner_page import PractitionerPageView

APP_TITLE = "Assessor workbench"
DEMO_MARKER = "Demo data — fictional"
COMPACT_LIST_WIDTH = 260
#: New evidence of each kind (observation is Ctrl+Shift+O); a test checks for clashes.
NEW_EVIDENCE_KEYS = (
    ("reflection", "New &reflection", "Ctrl+Shift+R"),
    ("supervision", "New &supervision log entry", "Ctrl+Shift+U"),
    ("feedback_professional", "New feedback from a &professional", "Ctrl+Shift+P"),
    ("feedback_lived", "New &family feedback (typed in)", "Ctrl+Shift+F"),
    ("record_review", "New review of &written work", "Ctrl+Shift+W"),
    ("self_assessment", "New self-&assessment", "Ctrl+Shift+A"),
)


def plain_error_text(exc: BaseException) -> str:
    """What to tell the user about a failed operation: the AppError text, never a traceback."""
    message = getattr(exc, "message", None)
    if isinstance(message, str) and message:
        hint = getattr(exc, "hint", "")
        return f"{message} {hint}".strip() if isinstance(hint, str) else message
    return "Something went wrong while reading your store. Try again (F5); if it keeps " \
           "happening, restart the app."


class MainWindow(QMainWindow):
    first_painted = Signal()
    list_ready = Signal()
    page_ready = Signal(str)  # enrolment id
    # built by ``complete()``
    list_view: PractitionerListView
    splitter: QSplitter
    sync_ui: SyncUi

    def __init__(self, runner: DbRunner, *, today: Callable[[], date] = date.today,
                 demo: bool = False, title: str = APP_TITLE,
                 parent: QWidget | None = None, deferred: bool = False) -> None:
        """``deferred``: build only the shell (title, menu titles, status bar, a placeholder)
        so the window can paint at once; ``complete()`` builds the rest (start-up, issue 2)."""
        super().__init__(parent)
        self.runner = runner
        self.api: WorkbenchApi | None = None
        self.demo = demo
        self._today = today
        self._painted = False
        self._completed = False
        self._page_op: Op | None = None
        self._open_enrolment: str | None = None
        self.evidence_dialog: QWidget | None = None  # the last editor window opened
        self.handover_launcher: QObject | None = None  # the last hand-over started
        self._warmed = False
        self.preferences: Preferences | None = None  # set by run_gui; built on demand otherwise
        self.setWindowTitle(f"{title} — {DEMO_MARKER}" if demo else title)
        self.setAccessibleName(title)
        self.resize(1280, 800)

        bar = self.menuBar()  # the titles now, so the bar does not jump when the rest arrives
        self.file_menu = bar.addMenu("&File")
        self.go_menu = bar.addMenu("&Go")
        self.evidence_menu = bar.addMenu("&Evidence")
        self.sync_menu = bar.addMenu("S&ync")
        self.help_menu = bar.addMenu("&Help")
        self.store_label = QLabel("Opening your store…", self)
        self.store_label.setAccessibleName("Store status")
        self.counts_label = QLabel("", self)
        self.counts_label.setAccessibleName("Practitioner counts")
        if demo:
            self.store_label.setText(DEMO_MARKER)
            self.store_label.setStyleSheet(
                "QLabel { background: #fff3cd; color: #5c4400; padding: 1px 8px;"
                " border-radius: 3px; font-weight: bold; }")
            self.store_label.setToolTip("This store holds made-up people for trying the app out")
        self.statusBar().addPermanentWidget(self.counts_label)
        self.statusBar().addPermanentWidget(self.store_label)
        self._page_view: PractitionerPageView | None = None  # built on first open (start-up time)
        if deferred:  # replaced by the list in ``complete()``; a style sheet, not Qt enums
            placeholder = QLabel("Opening your store…", self)
            placeholder.setObjectName("shellPlaceholder")
            placeholder.setStyleSheet("#shellPlaceholder { background: palette(base);"
                                      " color: palette(placeholder-text);"
                                      " qproperty-alignment: AlignCenter; }")
            placeholder.setAccessibleName("Practitioner list")
            self.setCentralWidget(placeholder)
        else:
            self.complete()

    def complete(self) -> None:
        """The list, the menus' actions and the sync parts (after the first paint when deferred)."""
        if self._completed:
            return
        self._completed = True
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QSplitter

        from assessor_app.ui.sync_ui import SyncUi
        from assessor_app.ui.views.practitioner_list import PractitionerListView

        self.list_view = PractitionerListView(self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.list_view)
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)  # the placeholder, if any, is deleted
        self.list_view.open_requested.connect(self.open_practitioner)
        self._build_actions()
        self.sync_ui = SyncUi(self, self.runner, refresh=self.refresh)  # indicator and Sync menu
        self.runner.unhandled_failure.connect(self._on_unhandled_failure)

    @property
    def completed(self) -> bool:
        return self._completed

    @property
    def page_view(self) -> PractitionerPageView:
        """The page widget, created the first time it is needed, not before the first paint."""
        if self._page_view is None:
            from assessor_app.ui.views import practitioner_page

            self._page_view = practitioner_page.PractitionerPageView(self)
            self._page_view.hide()
            self.splitter.addWidget(self._page_view)
            self.splitter.setStretchFactor(1, 1)
            QWidget.setTabOrder(self.list_view.filter_edit, self._page_view.timeline)
            self._page_view.evidence.evidence_activated.connect(self.open_evidence)
            if self.api is not None:
                self._page_view.set_services(self.runner, self.api)
                self.sync_ui.watch_editors(self._page_view)
        return self._page_view

    # -- actions --------------------------------------------------------------
    def _build_actions(self) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QAction, QKeySequence

        file_menu, go_menu = self.file_menu, self.go_menu

        def action(menu_text: str, shortcut: QKeySequence | str, slot: Callable[[], object],
                   tip: str, menu: object) -> QAction:
            act = QAction(menu_text, self)
            act.setShortcut(QKeySequence(shortcut))
            act.setStatusTip(tip)
            act.setToolTip(tip)
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(slot)
            menu.addAction(act)  # type: ignore[attr-defined]
            return act

        self.refresh_action = action("&Refresh", "F5", self.refresh,
                                     "Read the list and page again from your store", file_menu)
        self.settings_action = action("&Settings…", "Ctrl+,", self.open_settings,
                                      "Folders, server, autosave, idle lock, reports, theme",
                                      file_menu)
        self.backup_action = action("&Back up now", "Ctrl+Shift+B", self.back_up_now,
                                    "Write an encrypted backup of your store now", file_menu)
        file_menu.addSeparator()
        self.quit_action = action("&Quit", "Ctrl+Q", self.close, "Close the workbench", file_menu)
        self.focus_list_action = action("Practitioner &list", "Ctrl+1", self.focus_list,
                                        "Move to the practitioner list", go_menu)
        self.focus_page_action = action("Practitioner &page", "Ctrl+2", self.focus_page,
                                        "Move to the open practitioner's page", go_menu)
        self.filter_action = action("&Filter practitioners", "Ctrl+L", self.list_view.focus_filter,
                                    "Type to filter the practitioner list", go_menu)
        self.back_action = action("&Back to list", "Alt+Left", self.back_to_list,
                                  "Close the page and show the full list", go_menu)
        self.search_action = action("&Search all evidence…", "Ctrl+F", self.open_search,
                                    "Find words in any piece of evidence", go_menu)
        evidence_menu = self.evidence_menu
        self.new_observation_action = action(
            "New direct &observation", "Ctrl+Shift+O", lambda: self.new_evidence("observation"),
            "Record a direct observation for the open practitioner", evidence_menu)
        self.new_evidence_actions = {"observation": self.new_observation_action}
        for kind, text, keys in NEW_EVIDENCE_KEYS:
            self.new_evidence_actions[kind] = action(
                text, keys, lambda *_, k=kind: self.new_evidence(k),
                f"{text.replace('&', '')} for the open practitioner ({keys})", evidence_menu)
        evidence_menu.addSeparator()
        self.handover_action = action(
            "New feedback from a famil&y…", "Ctrl+Shift+H",
            lambda: self.start_handover(),
            "Full-screen feedback form for a parent, carer or child; coming back needs your PIN",
            evidence_menu)
        self._build_help_menu(action)

    def _build_help_menu(self, action: Callable[..., QAction]) -> None:
        """Help: F1 works in every window of the app (editors and dialogs too)."""
        from PySide6.QtCore import Qt

        help_menu = self.help_menu
        self.help_action = action("&Help for this view", "F1", self.show_help,
                                  "What this view is for and its keys", help_menu)
        self.help_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        from assessor_app.ui.help import install_f1

        self.f1_filter = install_f1(self)  # F1 in modal editors and dialogs too
        self.shortcuts_action = action("&Keyboard shortcuts", "", self.show_shortcuts,
                                       "Every keyboard shortcut of the workbench", help_menu)
        help_menu.addSeparator()
        self.about_action = action("&About the assessor workbench", "", self.show_about,
                                   "Version and licences", help_menu)

    def show_help(self) -> None:
        from assessor_app.ui.help import show_help

        self.help_dialog = show_help(self)

    def show_shortcuts(self) -> None:
        from assessor_app.ui.help import show_help

        self.help_dialog = show_help(self, "keyboard-shortcuts")

    def show_about(self) -> None:
        from PySide6.QtCore import Qt

        from assessor_app.ui.views.about_dialog import AboutDialog

        dialog = AboutDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    # -- store and data -------------------------------------------------------
    def set_api(self, api: WorkbenchApi) -> None:
        """Called once the store is open (on the GUI thread, after ``open_api`` ran on the DB thread)."""
        self.complete()
        self.api = api
        self.sync_ui.set_api(api)
        if self._page_view is not None:
            self._page_view.set_services(self.runner, api)
            self.sync_ui.watch_editors(self._page_view)
        if not self.demo:
            self.store_label.setText("Store open")
        self.refresh()

    def show_store_error(self, text: str) -> None:
        self.complete()
        self.store_label.setText("Store not open")
        self.list_view.set_status_text(text)

    def refresh(self) -> None:
        if self.api is None:
            self.statusBar().showMessage("Your store is still opening…", 3000)
            return
        today = self._today()
        self.runner.run_op(self.api.list_rows, today) \
            .on_success(self._on_rows).on_failure(self._on_failure)
        if self._open_enrolment:
            self.open_practitioner(self._open_enrolment, focus=False)

    def _on_rows(self, rows: list[PractitionerRow]) -> None:
        self.list_view.set_rows(rows, self._today())
        from assessor_app.ui.models.practitioner_list_model import RUNNING

        overdue = sum(1 for r in rows if r.overdue and r.status in RUNNING)
        people = f"{len(rows)} practitioner" + ("" if len(rows) == 1 else "s")
        self.counts_label.setText(f"{people} · {overdue} with overdue items")
        self.list_ready.emit()
        self.sync_ui.list_shown()  # the list is on screen: now check in with the server
        warm_up = getattr(self.api, "warm_up", None)
        if callable(warm_up) and not self._warmed:
            # The list came from the quick start-up path: load the rest while the user reads it.
            self._warmed = True
            self.runner.run_op(warm_up).on_failure(self._on_failure)

    def open_practitioner(self, enrolment_id: str, *, focus: bool = True) -> None:
        if self.api is None:
            return
        if self._page_op is not None:
            self._page_op.cancel()  # a newer request wins
        if self._page_view is not None and enrolment_id != self._open_enrolment:
            self._page_view.keep_typing()  # written before the next page is read
        self.statusBar().showMessage("Opening…")
        self._page_op = self.runner.run_op(self.api.page, enrolment_id, self._today()) \
            .on_success(lambda page: self._on_page(page, focus)).on_failure(self._on_failure)

    def _on_page(self, page: PractitionerPage, focus: bool) -> None:
        from PySide6.QtCore import Qt

        self._page_op = None
        self._open_enrolment = page.row.enrolment_id
        self.page_view.show_page(page)
        if not self.page_view.isVisible():
            self.list_view.set_compact(True)
            self.page_view.show()
            self.splitter.setSizes([COMPACT_LIST_WIDTH, max(self.width() - COMPACT_LIST_WIDTH, 400)])
        self.list_view.select_enrolment(page.row.enrolment_id)
        self.statusBar().showMessage(f"{page.row.name}: {len(page.evidence)} evidence items", 4000)
        if focus:
            self.page_view.first_focus_widget().setFocus(Qt.FocusReason.OtherFocusReason)
        self.page_ready.emit(page.row.enrolment_id)

    # -- evidence editors -----------------------------------------------------
    def open_search(self) -> None:
        """Ctrl+F: search every piece of evidence; a chosen result opens its page and editor."""
        from PySide6.QtCore import Qt

        if self.api is None:
            self.statusBar().showMessage("Your store is still opening…", 3000)
            return
        from assessor_app.ui.views.search_dialog import SearchDialog

        dialog = SearchDialog(self.runner, self.api, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.evidence_chosen.connect(self._open_search_result)
        self.search_dialog = dialog
        dialog.open()

    def _open_search_result(self, enrolment_id: str, evidence_id: str) -> None:
        self.open_practitioner(enrolment_id)
        self.open_evidence(evidence_id)

    def new_evidence(self, kind: str) -> None:
        """A new draft for the open practitioner, opened in its editor."""
        if self.api is None or not self._open_enrolment:
            self.statusBar().showMessage("Open a practitioner first (Ctrl+1, then Enter).", 5000)
            return
        from assessor_app.ui.tasks import on_worker

        self.runner.run_op(on_worker(self.api, "evidence", "create"), self._open_enrolment, kind,
                           self._today()).on_success(self.open_evidence) \
            .on_failure(self._on_failure)

    def open_evidence(self, evidence_id: str) -> None:
        """The evidence's editor in a window; closing it (everything is saved) refreshes the page."""
        from PySide6.QtCore import Qt

        if self.api is None:
            return
        from assessor_app.ui.views.evidence_editor import EvidenceDialog

        dialog = EvidenceDialog(self.runner, self.api, evidence_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda *_: self.refresh())  # after the dialog's last autosave
        dialog.editor.finalised.connect(self.refresh)
        dialog.step_requested.connect(lambda step, d=dialog: self.step_evidence(d, step))
        dialog.editor.handover_requested.connect(
            lambda eid, d=dialog: (d.accept(), self.start_handover(eid)))
        self.sync_ui.watch_saves(dialog.editor.saved)
        self.evidence_dialog = dialog
        dialog.open()

    def step_evidence(self, dialog: QWidget, step: int) -> None:
        """Alt+PgDown / Alt+PgUp in an editor: save it and open the next / previous record
        in the order the page's evidence list shows."""
        ids = self.page_view.evidence.visible_ids() if self.page_open else []
        current = getattr(getattr(dialog, "editor", None), "evidence_id", "")
        if current not in ids:
            self.statusBar().showMessage("This record is not in the evidence list shown; "
                                         "clear the list's filters to step through it.", 6000)
            return
        at = ids.index(current) + step
        if not 0 <= at < len(ids):
            where = "last" if step > 0 else "first"
            self.statusBar().showMessage(f"This is the {where} record in the list.", 4000)
            return
        dialog.accept()  # type: ignore[attr-defined]  # flushes the last keystrokes first
        self.page_view.evidence.select_evidence(ids[at])
        self.open_evidence(ids[at])

    def start_handover(self, evidence_id: str = "") -> None:
        """Hand-over mode for the open practitioner (a new record, or ``evidence_id``'s draft)."""
        if self.api is None or not (self._open_enrolment or evidence_id):
            self.statusBar().showMessage("Open a practitioner first (Ctrl+1, then Enter).", 5000)
            return
        from assessor_app.ui.views.handover_setup import HandoverLauncher

        launcher = HandoverLauncher(self.runner, self.api, self, self._open_enrolment or "",
                                    evidence_id, self._today())
        launcher.done.connect(lambda eid: (self.refresh(), self.open_evidence(eid)))
        launcher.failed.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        self.handover_launcher = launcher
        launcher.start()

    def _on_failure(self, exc: BaseException) -> None:
        self._page_op = None
        self.statusBar().clearMessage()
        text = plain_error_text(exc)
        self.statusBar().showMessage(text, 10_000)
        if self.list_view.model.rowCount() == 0:
            self.list_view.set_status_text(text)

    def _on_unhandled_failure(self, exc: object) -> None:
        if isinstance(exc, BaseException):
            from assessor_app.ui.error_dialog import show_error

            self.statusBar().showMessage(plain_error_text(exc), 10_000)
            show_error(exc, self)

    def open_settings(self) -> None:
        """Ctrl+,: the settings dialog (its changes apply at once where practical)."""
        from PySide6.QtCore import Qt

        from assessor_app.ui.views.settings_dialog import SettingsDialog

        if self.preferences is None:
            from assessor_app.settings import load_settings
            from assessor_app.ui.preferences import Preferences

            self.preferences = Preferences(load_settings().settings, parent=self)
        self.sync_ui.watch_preferences(self.preferences)  # a new server address shows at once
        dialog = SettingsDialog(self.preferences, self.runner, self.api, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.settings_dialog = dialog
        dialog.open()

    def back_up_now(self) -> None:
        """Ctrl+Shift+B: a backup into the backups folder, on the DB thread."""
        from assessor_app.ui.store_recovery import back_up_now

        back_up_now(self, self.runner, self.api)

    # -- navigation -----------------------------------------------------------
    def focus_list(self) -> None:
        self.list_view.focus_list()

    def focus_page(self) -> None:
        from PySide6.QtCore import Qt

        if self.page_open:
            self.page_view.first_focus_widget().setFocus(Qt.FocusReason.ShortcutFocusReason)
        else:
            self.statusBar().showMessage("Open a practitioner first (Enter on the list).", 4000)

    def back_to_list(self) -> None:
        if self._page_op is not None:
            self._page_op.cancel()
            self._page_op = None
        self._open_enrolment = None
        if self._page_view is not None:
            self._page_view.hide()
        self.list_view.set_compact(False)
        self.list_view.focus_list()

    @property
    def page_open(self) -> bool:
        return self._page_view is not None and self._page_view.isVisible()

    # -- events ---------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.first_painted.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._page_op is not None:
            self._page_op.cancel()
        if self._page_view is not None:
            self._page_view.keep_typing()  # queued before the DB thread shuts down
        if self._completed:
            self.sync_ui.stop()  # no sync thread outlives the window
        super().closeEvent(event)
