"""The parts hand-over pages are made of: big buttons, answer rows, headed pages, the style.

Sizes are multiples of the OS font (its point size and line height), never fixed pixels,
so the pages grow with the family's or the laptop's text-size setting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QBoxLayout,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from assessor_app.ui.widgets.face_icon import face_icon

BODY, TITLE, SMALL = 1.7, 2.3, 1.2  # times the OS font's point size
STYLE = """
QWidget#handover, QWidget#page, QScrollArea { background: palette(window); }
QWidget#handover QWidget { font-size: %(body).1fpt; }
QWidget#handover QLabel[heading="true"] { font-size: %(title).1fpt; font-weight: bold; }
QWidget#handover QLabel[small="true"] { font-size: %(small).1fpt; }
QToolButton[choice="true"], QPushButton[big="true"] {
    padding: 0.5em 0.5em; border-radius: 0.5em; border: 2px solid palette(mid);
    background: palette(button); }
QToolButton[choice="true"]:checked { background: palette(highlight);
    color: palette(highlighted-text); border-color: palette(highlight); }
QToolButton[choice="true"]:focus, QPushButton[big="true"]:focus { border: 3px solid #1c5fb8; }
QPushButton[quiet="true"] { border: 1px solid palette(mid); background: palette(window); }
QPlainTextEdit, QLineEdit { border: 2px solid palette(mid); border-radius: 0.4em;
    padding: 0.3em; background: palette(base); }
"""


def style_sheet(base_pt: float) -> str:
    return STYLE % {"body": base_pt * BODY, "title": base_pt * TITLE, "small": base_pt * SMALL}


def big_button(parent: QWidget, text: str, name: str, slot: Callable[[], Any],
               line: int, *, quiet: bool = False) -> QPushButton:
    button = QPushButton(text, parent)
    button.setProperty("big", True)
    button.setProperty("quiet", quiet)
    button.setAccessibleName(name)
    button.setMinimumHeight(int(line * 2.4))
    button.setAutoDefault(False)
    button.clicked.connect(slot)
    return button


def label(parent: QWidget, text: str, *, heading: bool = False, small: bool = False,
          name: str = "") -> QLabel:
    widget = QLabel(text, parent)
    widget.setWordWrap(True)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    widget.setProperty("heading", heading)
    widget.setProperty("small", small)
    widget.setAccessibleName(name or text)
    return widget


def page(stack: QStackedWidget, name: str, title: str, text: str = "",
         ) -> tuple[QWidget, QVBoxLayout]:
    """A page with a heading and (optionally) plain text under it.

    The page scrolls, so long wording under a large OS font is never cut off; the
    returned widget is the page as the stack shows it, the layout is its content's.
    """
    scroll = QScrollArea(stack)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setAccessibleName(name)
    content = QWidget(scroll)
    content.setObjectName("page")
    layout = QVBoxLayout(content)
    layout.setContentsMargins(2, 0, 2, 0)  # lines up with the Back and Next buttons
    layout.setSpacing(int(content.fontMetrics().height() * 0.8))
    layout.addWidget(label(content, title, heading=True))
    if text:
        layout.addWidget(label(content, text))
    scroll.setWidget(content)
    stack.addWidget(scroll)
    return scroll, layout


def choice_row(parent: QWidget, options: list[tuple[str, str, str]], about: str, line: int,
               ratio: float) -> tuple[QBoxLayout, QButtonGroup]:
    """Big exclusive buttons, one per (stored value, label, face); faces drawn above words.

    Faces and a few short words sit side by side like a scale; longer wording goes one
    answer a line, so no label is ever cut short on a small screen.
    """
    group = QButtonGroup(parent)
    group.setExclusive(True)
    faces = bool(options[0][2])
    side_by_side = faces or (len(options) <= 3 and max(len(o[1]) for o in options) <= 12)
    row: QBoxLayout = QHBoxLayout() if side_by_side else QVBoxLayout()
    for value, text, face in options:
        b = QToolButton(parent)
        b.setText(text)
        b.setCheckable(True)
        b.setProperty("choice", True)
        b.setProperty("value", value)
        b.setAccessibleName(text)
        b.setAccessibleDescription(about)
        b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        b.setMinimumWidth(line * 3)  # rows share the width; no answer pushes another off
        b.setMinimumHeight(int(line * (7 if faces else 2.6 if side_by_side else 2.2)))
        b.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        if face:
            side = int(line * 4)
            b.setIcon(face_icon(face, side, ratio))
            b.setIconSize(QSize(side, side))
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        group.addButton(b)
        row.addWidget(b)
    return row, group
