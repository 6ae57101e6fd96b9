"""Tab order, accessible names and fonts for the evidence editors, from their layouts.

Parts of an editor are made at different times (the standards picker and attachments at
start, the fields when the record has loaded, the criteria rows inserted mid-form), so
Qt's default order (creation order) would jump about. ``layout_focus_order`` walks the
layouts top to bottom, left to right, which is the order a user sees.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QComboBox, QFormLayout, QLayout, QWidget

_ROLES = (QFormLayout.ItemRole.LabelRole, QFormLayout.ItemRole.FieldRole,
          QFormLayout.ItemRole.SpanningRole)


def _hidden(widget: QWidget) -> bool:
    """Hidden on purpose (a new child of a shown window is "hidden" until its layout shows it)."""
    return widget.isHidden() and widget.testAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide)


def _takes_tab(widget: QWidget) -> bool:
    return bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus) and not _hidden(widget)


def _from_widget(widget: QWidget) -> Iterator[QWidget]:
    if _hidden(widget):
        return
    inner = widget.layout()
    if _takes_tab(widget) or inner is None:
        if _takes_tab(widget):
            yield widget
        return
    yield from layout_focus_order(inner)


def layout_focus_order(layout: QLayout) -> Iterator[QWidget]:
    """Focusable widgets of ``layout`` in visual order (form rows, then left to right)."""
    if isinstance(layout, QFormLayout):
        items = [layout.itemAt(row, role) for row in range(layout.rowCount()) for role in _ROLES]
    else:
        items = [layout.itemAt(i) for i in range(layout.count())]
    for item in items:
        if item is None:
            continue
        if item.widget() is not None:
            yield from _from_widget(item.widget())
        elif item.layout() is not None:
            yield from layout_focus_order(item.layout())


def bold_font() -> QFont:
    """Bold and nothing else set, so the size still follows the parent's (and the OS's)."""
    font = QFont()
    font.setBold(True)
    return font


def set_chain(widgets: list[QWidget]) -> None:
    """Tab goes through ``widgets`` in this order."""
    for first, second in pairwise(widgets):
        QWidget.setTabOrder(first, second)


def name_popups(root: QWidget) -> None:
    """A combo's text field and its pop-up list take the combo's name."""
    for combo in root.findChildren(QComboBox):
        name = combo.accessibleName()
        edit = combo.lineEdit()
        if edit is not None and not edit.accessibleName():
            edit.setAccessibleName(name)
        if not combo.view().accessibleName():
            combo.view().setAccessibleName(f"{name}: choices")
