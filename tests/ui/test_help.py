"""Help pages cannot drift: every view has one, every key a page lists exists in the code.

Also F1 in the real main window, the Help menu, and the About box's licence notices.
Set ASSESSOR_APP_SCREENSHOT_DIR to keep screenshots.
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

import assessor_app.ui
from assessor_app.ui.help import NO_HELP, TOPICS, HelpDialog, help_dir, page_text
from assessor_app.ui.main_window import MainWindow
from assessor_app.ui.views.about_dialog import AboutDialog, library_notices, version_details
from tests.ui.conftest import open_page

UI = Path(assessor_app.ui.__file__).parent
VIEW_NAME = re.compile(r"(View|Editor|Dialog|Wizard|Window)$")
#: How the code names keys (Qt.Key.Key_X and QKeySequence.StandardKey.X) → how pages write them.
KEY_NAMES = {"Return": "Enter", "Enter": "Enter", "Space": "Space", "Left": "Left",
             "Right": "Right", "Up": "Up", "Down": "Down", "Home": "Home", "End": "End"}
STANDARD_KEYS = {"Save": "Ctrl+S"}
SEQUENCE = re.compile(r"""["']((?:Ctrl|Alt|Shift|Meta)\+[^"']+|F\d{1,2})["']""")


def _ui_sources() -> list[Path]:
    return sorted(UI.rglob("*.py"))


def view_classes() -> set[str]:
    """Every widget class in ui/ whose name says it is a view, editor, dialog or window."""
    found = set()
    for path in _ui_sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and VIEW_NAME.search(node.name) \
                    and not node.name.startswith("_") and node.bases:
                found.add(node.name)
    return found


def keys_in_code() -> set[str]:
    keys: set[str] = set()
    for path in _ui_sources():
        text = path.read_text(encoding="utf-8")
        keys.update(SEQUENCE.findall(text))
        keys.update(KEY_NAMES[k] for k in re.findall(r"Qt\.Key\.Key_(\w+)", text) if k in KEY_NAMES)
        keys.update(STANDARD_KEYS[k] for k in re.findall(r"StandardKey\.(\w+)", text)
                    if k in STANDARD_KEYS)
    return keys


def keys_in_page(text: str) -> list[str]:
    """The bold keys in the page's "Keyboard shortcuts" section."""
    section = text.split("## Keyboard shortcuts", 1)
    if len(section) < 2:
        return []
    body = section[1].split("\n## ", 1)[0]
    return re.findall(r"\*\*([^*]+)\*\*", body)


def test_every_view_has_a_help_page_and_every_page_a_topic() -> None:
    views = view_classes()
    assert {"PractitionerListView", "ReviewEditor", "SearchDialog", "SetupWizard"} <= views
    covered = {v for t in TOPICS.values() for v in t.views}
    missing = sorted(views - covered - set(NO_HELP))
    assert not missing, f"views without a help page: {missing}"
    files = {p.stem for p in help_dir().glob("*.md")}
    assert files == set(TOPICS), (sorted(set(TOPICS) - files), sorted(files - set(TOPICS)))
    for topic in TOPICS:
        text = page_text(topic)
        assert text.startswith("# ") and len(text) < 3000  # short, with a title


def test_every_shortcut_a_page_lists_exists_in_the_code() -> None:
    code = keys_in_code()
    assert {"Ctrl+F", "F1", "Ctrl+S", "Enter", "Ctrl+Tab"} <= code
    listed = 0
    for topic in TOPICS:
        for key in keys_in_page(page_text(topic)):
            assert key in code, f"{topic}.md lists {key!r}, which no code in ui/ defines"
            listed += 1
    assert listed > 40


def test_links_between_pages_point_at_pages() -> None:
    for topic in TOPICS:
        for target in re.findall(r"\]\(([^)]+)\)", page_text(topic)):
            assert target.endswith(".md") and target[:-3] in TOPICS, (topic, target)


def _shot(widget: object, name: str) -> None:
    folder = os.environ.get("ASSESSOR_APP_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        assert widget.grab().save(str(Path(folder) / f"{name}.png"))  # type: ignore[attr-defined]


def _help_after_f1(qtbot: QtBot, window: MainWindow) -> HelpDialog:
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: isinstance(getattr(window, "help_dialog", None), HelpDialog)
                    and window.help_dialog.isVisible(), timeout=3000)
    return window.help_dialog


def test_f1_shows_the_page_of_the_view_in_use(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    window.list_view.focus_list()
    dialog = _help_after_f1(qtbot, window)
    assert dialog.topic == "practitioner-list"
    assert "Practitioner list" in dialog.browser.toPlainText()
    _shot(dialog, "help-practitioner-list")
    dialog.close()

    open_page(qtbot, window)
    page = window.page_view
    page.tabs.setCurrentIndex([page.tabs.tabText(i) for i in range(page.tabs.count())]
                              .index("Reports"))
    window.activateWindow()
    page.first_focus_widget().setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.first_focus_widget(), timeout=2000)
    dialog = _help_after_f1(qtbot, window)
    assert dialog.topic == "reports" and "Verify signatures" in dialog.browser.toPlainText()

    dialog.browser.anchorClicked.emit(dialog.browser.document().baseUrl().resolved(
        __import__("PySide6.QtCore", fromlist=["QUrl"]).QUrl("keyboard-shortcuts.md")))
    assert dialog.topic == "keyboard-shortcuts"


def test_help_menu_has_help_shortcuts_and_about(window: MainWindow) -> None:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts == ["&Help for this view", "&Keyboard shortcuts", "&About the assessor workbench"]
    assert window.help_action.shortcut().toString() == "F1"
    assert window.help_action.shortcutContext() == Qt.ShortcutContext.ApplicationShortcut
    window.shortcuts_action.trigger()
    assert window.help_dialog.topic == "keyboard-shortcuts"


def test_about_box_lists_versions_and_full_licence_texts(qtbot: QtBot, qapp: object) -> None:
    notices = {n.name: n for n in library_notices()}
    assert notices["PySide6 / Qt"].licence.startswith("LGPL-3.0")
    assert "LGPL" in notices["PySide6 / Qt"].text
    assert notices["SQLAlchemy"].licence == "MIT" and "Permission is hereby granted" in \
        notices["SQLAlchemy"].text
    assert all(n.version != "not installed" for n in notices.values()), \
        [n.name for n in notices.values() if n.version == "not installed"]
    box = AboutDialog()
    qtbot.addWidget(box)
    box.show()
    assert "DejaVu" in box.list.item(0).text() and "Bitstream" in box.text.toPlainText()
    box.list.setCurrentRow(1 + list(notices).index("cryptography"))
    assert "Apache" in box.text.toPlainText()
    _shot(box, "about-box")
    qtbot.mouseClick(box.copy_button, Qt.MouseButton.LeftButton)
    copied = QApplication.clipboard().text()
    assert copied == version_details() and copied.startswith("Assessor workbench ")
    assert "SQLAlchemy" in copied


def test_f1_in_a_modal_dialog_shows_that_dialogs_page(qtbot: QtBot, window: MainWindow) -> None:
    window.open_search()
    dialog = window.search_dialog
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    dialog.query_edit.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.query_edit, timeout=2000)
    qtbot.keyClick(dialog.query_edit, Qt.Key.Key_F1)
    shown = window.f1_filter.last
    assert shown is not None and shown.isVisible() and shown.topic == "search"
    assert shown.parent() is dialog  # usable while the search dialog is modal
    _shot(shown, "help-search")
    qtbot.keyClick(dialog.query_edit, Qt.Key.Key_A)
    assert dialog.query_edit.text() == "a"  # other keys are left alone


def test_no_help_over_windows_that_show_none(qtbot: QtBot, qapp: object) -> None:
    from assessor_app.ui.help import topic_for_widget

    box = AboutDialog()
    qtbot.addWidget(box)
    assert topic_for_widget(box.copy_button) is None  # a window without a page shows nothing
    assert topic_for_widget(None) == "practitioner-list"
