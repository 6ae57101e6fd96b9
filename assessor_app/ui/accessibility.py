"""Names for the parts Qt builds inside composite widgets, so screen readers can say them.

A QTabWidget's tab bar, a spin or date box's text field and an editable combo's
text field are separate focusable widgets with no accessible name of their own;
they take their owner's name.
"""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QTabWidget, QWidget


def name_internal_parts(root: QWidget) -> None:
    for tabs in root.findChildren(QTabWidget):
        if not tabs.tabBar().accessibleName():
            tabs.tabBar().setAccessibleName(f"{tabs.accessibleName() or 'Sections'}: tabs")
    for box in root.findChildren(QAbstractSpinBox):
        edit = box.lineEdit()
        if edit is not None and not edit.accessibleName():
            edit.setAccessibleName(box.accessibleName())
    for combo in root.findChildren(QComboBox):
        edit = combo.lineEdit()
        if edit is not None and not edit.accessibleName():
            edit.setAccessibleName(combo.accessibleName())
