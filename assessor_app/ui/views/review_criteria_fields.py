"""The record-review editor's criteria: one row of choices per criterion, from data.

The criteria, their scale and the grades come from ``resources/record_review/criteria.yaml``
(carried on the form). Each answer is autosaved as ``criterion:<id>``; an answer stored
under an id the file no longer has is still shown, so nothing saved is hidden.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QButtonGroup, QComboBox, QFormLayout, QLabel, QRadioButton, QWidget

from assessor_app.domain.evidence_forms import EvidenceForm
from assessor_app.domain.record_review import CRITERION_PREFIX, Criterion
from assessor_app.domain.report_fields import KEY_LABELS
from assessor_app.ui.views.editor_focus import bold_font
from assessor_app.ui.views.editor_parts import radio_row


class CriteriaRows:
    """The radio groups, by criterion id; ``answers()`` reads them back."""

    def __init__(self) -> None:
        self.groups: dict[str, QButtonGroup] = {}
        self.buttons: dict[str, dict[str, QRadioButton]] = {}
        self.labels: dict[str, str] = {}

    def answers(self) -> dict[str, str]:
        out = {}
        for cid, buttons in self.buttons.items():
            chosen = next((v for v, b in buttons.items() if b.isChecked()), "")
            if chosen:
                out[cid] = chosen
        return out

    def choose(self, cid: str, value: str) -> None:
        """Show ``value`` as the answer ("" or an unknown value: none chosen)."""
        buttons, group = self.buttons.get(cid), self.groups.get(cid)
        if buttons is None or group is None:
            return
        if value in buttons:
            buttons[value].setChecked(True)
            return
        group.setExclusive(False)  # an exclusive group keeps one checked
        for b in buttons.values():
            b.setChecked(False)
        group.setExclusive(True)

    def set_enabled(self, on: bool) -> None:
        for buttons in self.buttons.values():
            for b in buttons.values():
                b.setEnabled(on)


def review_criteria_rows(form: EvidenceForm, owner: QWidget, parent: QWidget,
                         layout: QFormLayout, inputs: dict[str, QWidget],
                         on_change: Callable[[str, str], None]) -> CriteriaRows:
    rows = CriteriaRows()
    data = form.criteria_set
    if data is None:
        return rows
    grade = inputs.get("grade")
    if isinstance(grade, QComboBox):  # the grade options come from the same file
        current = grade.currentText()
        grade.blockSignals(True)
        grade.clear()
        grade.addItems(["", *(g.value for g in data.grades)])
        for i, g in enumerate(data.grades, 1):
            grade.setItemData(i, g.label, Qt.ItemDataRole.ToolTipRole)
        grade.setCurrentText(current)  # an older grade stays as it was
        grade.blockSignals(False)
    heading = QLabel(data.title, parent)
    heading.setFont(bold_font())
    heading.setAccessibleName("Criteria section")
    anchor = inputs.get("record_type")  # criteria after the record type, before the grade
    at = layout.getWidgetPosition(anchor)[0] + 1 if anchor is not None else layout.rowCount()
    layout.insertRow(at, heading)
    known = {c.id for c in data.criteria}
    extra = [Criterion(k, KEY_LABELS.get(k, k.replace("_", " ").capitalize()))
             for k in form.criteria if k not in known]
    scale = {s.value: s.label for s in data.scale}
    for c in (*data.criteria, *extra):
        group, buttons, row = radio_row(owner, parent, c.label, scale)
        label = QLabel(c.label, parent)
        if c.hint:
            label.setToolTip(c.hint)
            for b in buttons.values():
                b.setToolTip(c.hint)
        if form.criteria.get(c.id) in buttons:
            buttons[form.criteria[c.id]].setChecked(True)
        first = next(iter(buttons.values()))
        label.setBuddy(first)
        at += 1
        layout.insertRow(at, label, row)
        rows.groups[c.id], rows.buttons[c.id], rows.labels[c.id] = group, buttons, c.label
        for value, b in buttons.items():
            b.toggled.connect(lambda on, cid=c.id, v=value: on and on_change(
                CRITERION_PREFIX + cid, v))
    return rows
