"""A value from another device put into an input: the person's place in the text is kept."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from assessor_app.ui.views.live_fields import diff_span, moved_position, replace_text


def test_the_changed_stretch_and_where_a_cursor_moves() -> None:
    assert diff_span("the cat sat", "the dog sat") == (4, 7, 7)
    assert diff_span("abc", "abc!") == (3, 3, 4)
    assert moved_position("the cat sat", "the big dog sat", 2) == 2  # before: stays
    assert moved_position("the cat sat", "the big dog sat", 9) == 13  # after: moves along
    assert moved_position("the cat sat", "the big dog sat", 5) == 11  # inside: end of new


def test_a_text_box_keeps_the_cursor_and_undo(qtbot: QtBot) -> None:
    box = QPlainTextEdit()
    qtbot.addWidget(box)
    box.setPlainText("👍 Mother was calm. Child played.")
    cursor = box.textCursor()
    cursor.setPosition(len("👍 Mother".encode("utf-16-le")) // 2)  # Qt counts UTF-16 units
    box.setTextCursor(cursor)
    replace_text(box, "👍 Mother was calm. Child played with blocks.")
    assert box.toPlainText() == "👍 Mother was calm. Child played with blocks."
    assert box.textCursor().position() == 9
    replace_text(box, "Earlier: 👍 Mother was calm. Child played with blocks.")
    assert box.textCursor().position() == 9 + len("Earlier: ")  # moved with its text
    box.undo()
    assert box.toPlainText() == "👍 Mother was calm. Child played with blocks."


def test_a_line_keeps_the_cursor(qtbot: QtBot) -> None:
    line = QLineEdit("Home visit")
    qtbot.addWidget(line)
    line.setCursorPosition(4)
    replace_text(line, "Home visit 1")
    assert line.text() == "Home visit 1" and line.cursorPosition() == 4
