"""The input widget for each kind of field (``FieldDef.widget``), as plain strings.

Every value crosses to the services as the text typed; sizes follow the font so the
editors grow with the OS text size.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QWidget

from assessor_app.domain.evidence_forms import FieldDef

LONG_FIELDS = frozenset({"notes", "body", "commentary", "own_words", "case_discussion"})


def make_input(f: FieldDef, parent: QWidget) -> QWidget:
    if f.widget in ("text", "lines"):
        box = QPlainTextEdit(parent)
        box.setTabChangesFocus(True)
        if f.hint:
            box.setPlaceholderText(f.hint)
        return box
    if f.widget == "choice":
        combo = QComboBox(parent)
        combo.setEditable(True)
        combo.addItems(["", *f.choices])
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line = combo.lineEdit()
        if line is not None:
            line.setAccessibleName(f.label)
        return combo
    if f.widget == "yesno":
        return QCheckBox(parent)
    line = QLineEdit(parent)
    placeholder = {"date": "YYYY-MM-DD", "time": "HH:MM", "minutes": "minutes"}
    line.setPlaceholderText(f.hint or placeholder.get(f.widget, ""))
    if f.widget == "minutes":
        line.setValidator(QIntValidator(0, 24 * 60, line))
    return line


def fit_to_font(widget: QWidget, f: FieldDef) -> None:
    """Sizes that follow the font (called again when the OS or app font changes).

    Text boxes have a fixed height in lines (scrolling inside keeps the form compact; the
    main text is taller); date, time and minutes boxes are as wide as their pattern.
    """
    metrics = widget.fontMetrics()
    if isinstance(widget, QPlainTextEdit):
        lines = 3 if f.widget == "lines" else 9 if f.name in LONG_FIELDS else 5
        margins = widget.contentsMargins()
        frame = 2 * widget.document().documentMargin() + margins.top() + margins.bottom()
        widget.setFixedHeight(int(metrics.lineSpacing() * lines + frame + 4))
    elif isinstance(widget, QLineEdit) and f.widget in ("date", "time", "minutes"):
        widget.setMaximumWidth(metrics.horizontalAdvance("YYYY-MM-DD__") + 24)


def input_text(widget: QWidget) -> str:
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QCheckBox):
        return "yes" if widget.isChecked() else "no"
    assert isinstance(widget, QLineEdit)
    return widget.text()


def set_text(widget: QWidget, text: str) -> None:
    if isinstance(widget, QPlainTextEdit):
        widget.setPlainText(text)
    elif isinstance(widget, QComboBox):
        widget.setCurrentText(text)
    elif isinstance(widget, QCheckBox):
        widget.setChecked(text == "yes")
    else:
        assert isinstance(widget, QLineEdit)
        widget.setText(text)


def change_signal(widget: QWidget) -> Any:
    if isinstance(widget, QPlainTextEdit):
        return widget.textChanged
    if isinstance(widget, QComboBox):
        return widget.currentTextChanged
    if isinstance(widget, QCheckBox):
        return widget.toggled
    return widget.textEdited  # type: ignore[attr-defined]
