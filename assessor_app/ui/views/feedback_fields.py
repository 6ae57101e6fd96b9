"""The family-feedback editor's extras: the ratings given, and the paper-form flag in step.

Ratings come from a hand-over (or the demo data) and are shown, not typed; ticking "Typed
in from a paper form" sets the method to "transcribed" and choosing that method ticks it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QWidget

from assessor_app.domain.evidence_forms import EvidenceForm
from assessor_app.domain.report_fields import KEY_LABELS


def ratings_text(ratings: dict[str, int]) -> str:
    """"Listened to me: 5 of 5" lines, in the order given; a plain note when there are none."""
    if not ratings:
        return "None given"
    return "\n".join(f"{KEY_LABELS.get(k, k.replace('_', ' ').capitalize())}: {v} of 5"
                     for k, v in ratings.items())


def feedback_extras(form: EvidenceForm, parent: QWidget, layout: QFormLayout,
                    inputs: dict[str, QWidget], ratings_label: QLabel) -> None:
    ratings_label.setParent(parent)
    ratings_label.setText(ratings_text(form.ratings))
    title = QLabel("Ratings given", parent)
    title.setBuddy(ratings_label)
    layout.addRow(title, ratings_label)
    ratings_label.show()
    method, paper = inputs.get("method"), inputs.get("transcribed")
    if not (isinstance(method, QComboBox) and isinstance(paper, QCheckBox)):
        return

    def method_changed(text: str) -> None:
        if (text == "transcribed") != paper.isChecked() and \
                (text == "transcribed" or text.strip() == ""):
            paper.setChecked(text == "transcribed")

    def paper_changed(on: bool) -> None:
        if on and method.currentText().strip() in ("", "form"):
            method.setCurrentText("transcribed")
        elif not on and method.currentText() == "transcribed":
            method.setCurrentText("form")

    method.currentTextChanged.connect(method_changed)
    paper.toggled.connect(paper_changed)
