"""Main window: opening pages, shortcuts, focus, accessibility, threading of API calls."""

from __future__ import annotations

import threading
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from assessor_app.domain.dto import PractitionerPage, PractitionerRow
from assessor_app.errors import NotFound
from assessor_app.ui.main_window import DEMO_MARKER, MainWindow
from assessor_app.ui.tasks import DbRunner
from tests.ui.conftest import open_page
from tests.ui.factories import TODAY, InMemoryWorkbench


def test_window_title_size_and_counts(window: MainWindow) -> None:
    assert "Assessor workbench" in window.windowTitle()
    assert DEMO_MARKER not in window.windowTitle()
    assert (window.width(), window.height()) == (1280, 800)
    assert window.counts_label.text() == "8 practitioners · 2 with overdue items"
    assert window.store_label.text() == "Store open"


def test_demo_marker_in_title_and_status_bar(qtbot: QtBot, runner: DbRunner) -> None:
    w = MainWindow(runner, today=lambda: TODAY, demo=True)
    qtbot.addWidget(w)
    w.show()
    assert DEMO_MARKER in w.windowTitle()
    assert w.store_label.text() == DEMO_MARKER
    assert w.store_label.isVisible()


def test_enter_opens_the_page_and_alt_left_goes_back(qtbot: QtBot, window: MainWindow) -> None:
    table = window.list_view.table
    table.setFocus()
    window.list_view.select_enrolment("e3")
    with qtbot.waitSignal(window.page_ready, timeout=5000) as blocker:
        qtbot.keyClick(table, Qt.Key.Key_Return)
    assert blocker.args == ["e3"]
    assert window.page_open and window.list_view.compact
    assert window.page_view.name_label.text() == "Niamh Castellanos"
    assert window.page_view.evidence.table.hasFocus()
    assert table.isColumnHidden(1) and not table.isColumnHidden(0)

    qtbot.keyClick(window.page_view.evidence.table, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert not window.page_open and not window.list_view.compact
    assert not table.isColumnHidden(1)
    assert table.hasFocus()


def test_shortcuts_move_focus(qtbot: QtBot, window: MainWindow) -> None:
    open_page(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.list_view.filter_edit.hasFocus()
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.list_view.table.hasFocus()
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.page_view.evidence.table.hasFocus()
    shortcuts = {a.shortcut().toString() for a in (
        window.refresh_action, window.quit_action, window.focus_list_action,
        window.focus_page_action, window.filter_action, window.back_action)}
    assert shortcuts == {"F5", "Ctrl+Q", "Ctrl+1", "Ctrl+2", "Ctrl+L", "Alt+Left"}


def test_f5_reads_the_list_and_open_page_again(qtbot: QtBot, window: MainWindow,
                                               api: InMemoryWorkbench) -> None:
    open_page(qtbot, window, "e2")
    before = len(api.calls)
    with qtbot.waitSignal(window.page_ready, timeout=5000):
        qtbot.keyClick(window, Qt.Key.Key_F5)
    assert api.calls[before:] == [("list_rows", TODAY.isoformat()), ("page", "e2")]


def test_ctrl_q_closes(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not window.isVisible()


def test_every_focusable_widget_has_an_accessible_name(qtbot: QtBot, window: MainWindow) -> None:
    open_page(qtbot, window)
    unnamed = [f"{type(w).__name__} {w.objectName()!r} under {type(w.parentWidget()).__name__}"
               for w in window.findChildren(QWidget)
               if w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.window() is window
               and not w.accessibleName().strip()]
    assert unnamed == []


def test_tab_goes_from_list_to_filter_to_page(qtbot: QtBot, window: MainWindow) -> None:
    open_page(qtbot, window)
    window.activateWindow()
    window.list_view.table.setFocus()
    assert window.list_view.table.hasFocus()
    qtbot.keyClick(window.list_view.table, Qt.Key.Key_Tab)
    assert window.list_view.filter_edit.hasFocus()
    qtbot.keyClick(window.list_view.filter_edit, Qt.Key.Key_Tab)
    focused = QApplication.focusWidget()
    assert focused is not None and window.page_view.isAncestorOf(focused)
    assert focused is window.page_view.timeline


class ThreadRecordingApi(InMemoryWorkbench):
    """The same data, noting which thread each call ran on."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: set[int] = set()

    def list_rows(self, today: date) -> list[PractitionerRow]:
        self.threads.add(threading.get_ident())
        return super().list_rows(today)

    def page(self, enrolment_id: str, today: date) -> PractitionerPage:
        self.threads.add(threading.get_ident())
        return super().page(enrolment_id, today)


def test_api_calls_run_on_the_db_thread_not_the_gui(qtbot: QtBot, runner: DbRunner) -> None:
    api = ThreadRecordingApi()
    w = MainWindow(runner, today=lambda: TODAY)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.list_ready, timeout=5000):
        w.set_api(api)
    open_page(qtbot, w, "e4")
    assert len(api.threads) == 1
    assert threading.get_ident() not in api.threads


class FailingPageApi(InMemoryWorkbench):
    def page(self, enrolment_id: str, today: date) -> PractitionerPage:
        raise NotFound("That practitioner is no longer in your store.",
                       "They may have been removed on another device; press F5.")


def test_a_failed_page_shows_plain_words_in_the_status_bar(qtbot: QtBot, runner: DbRunner) -> None:
    w = MainWindow(runner, today=lambda: TODAY)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.list_ready, timeout=5000):
        w.set_api(FailingPageApi())
    w.open_practitioner("e1")
    qtbot.waitUntil(lambda: "no longer" in w.statusBar().currentMessage(), timeout=3000)
    message = w.statusBar().currentMessage()
    assert message.startswith("That practitioner is no longer in your store.")
    assert "Traceback" not in message and "NotFound" not in message
    assert not w.page_open


def test_opening_placeholder_before_the_store_opens(qtbot: QtBot, runner: DbRunner) -> None:
    w = MainWindow(runner, today=lambda: TODAY)
    qtbot.addWidget(w)
    w.show()
    assert w.list_view.placeholder.isVisible()
    assert w.list_view.placeholder.text() == "Opening your store…"
    assert w.store_label.text() == "Opening your store…"


def _menu_titles(w: MainWindow) -> list[str]:
    return [a.text() for a in w.menuBar().actions()]


def test_a_deferred_window_is_a_shell_until_completed(qtbot: QtBot, runner: DbRunner,
                                                      api: InMemoryWorkbench) -> None:
    """Start-up paints the shell first (issue 2): the menu titles and status bar are there,
    so nothing jumps when the list and the menus' actions arrive in ``complete()``."""
    w = MainWindow(runner, today=lambda: TODAY, deferred=True)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    titles = ["&File", "&Go", "&Evidence", "S&ync", "&Help"]
    assert _menu_titles(w) == titles
    assert not w.completed and not hasattr(w, "list_view")
    assert w.file_menu.actions() == [] and w.sync_menu.actions() == []
    assert w.centralWidget().accessibleName() == "Practitioner list"
    assert w.store_label.text() == "Opening your store…"

    with qtbot.waitSignal(w.list_ready, timeout=5000):
        w.set_api(api)  # completes the window first
    assert w.completed and w.centralWidget() is w.splitter
    assert _menu_titles(w) == titles  # the sync parts used the Sync menu, not a new one
    assert w.refresh_action in w.file_menu.actions()
    assert w.sync_ui.sync_now_action in w.sync_menu.actions()
    assert w.list_view.model.rowCount() == 8


def test_a_store_error_before_completion_still_shows_in_the_list(qtbot: QtBot,
                                                                 runner: DbRunner) -> None:
    w = MainWindow(runner, today=lambda: TODAY, deferred=True)
    qtbot.addWidget(w)
    w.show_store_error("Your store is locked by another copy of the app.")
    assert w.completed and w.store_label.text() == "Store not open"
    assert "locked" in w.list_view.placeholder.text()
    assert w.list_view.stack.currentWidget() is w.list_view.placeholder


def test_closing_a_shell_window_is_safe(qtbot: QtBot, runner: DbRunner) -> None:
    w = MainWindow(runner, today=lambda: TODAY, deferred=True)
    qtbot.addWidget(w)
    w.show()
    assert w.close()
