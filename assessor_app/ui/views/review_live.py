"""The review editor's parts as flat fields (``domain.review_fields``): their names in the
notices, and putting a part that changed on another device into the form in place."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from assessor_app.domain.review_dto import PARTIES, PARTY_LABELS
from assessor_app.domain.review_fields import review_fields, review_from_fields
from assessor_app.ui.views.live_fields import replace_text

if TYPE_CHECKING:
    from assessor_app.ui.views.review_editor import ReviewEditor

#: how the notices name each part of the form
FIELD_LABELS = {"held_on": "meeting date", "attendees": "attendees",
                "judgement": "progress judgement", "reasons": "reasons",
                "workload_check": "workload check", "supervision_check": "supervision check",
                "pdp": "PDP", "review_point_id": "review point",
                **{f"comments.{p}": f"{PARTY_LABELS[p].lower()}'s comments" for p in PARTIES},
                **{f"signoffs.{p}": f"{PARTY_LABELS[p].lower()}'s sign-off" for p in PARTIES}}


def field_labels(names: Iterable[str]) -> str:
    """"Reasons, PDP" for the notices."""
    text = ", ".join(dict.fromkeys(FIELD_LABELS.get(n, n) for n in names))
    return text[:1].upper() + text[1:]


def show_review_fields(editor: ReviewEditor, values: dict[str, object]) -> None:
    """Put ``values`` (flat fields) into the editor's inputs, text boxes keeping the cursor."""
    assert editor.data is not None
    boxes = {"reasons": editor.reasons, "workload_check": editor.workload,
             "supervision_check": editor.supervision, "pdp": editor.pdp,
             **{f"comments.{p}": editor.comments[p] for p in PARTIES}}
    data = review_from_fields({**review_fields(editor.current_input()), **values})
    default_day = data.held_on or editor.data.today
    for name in values:
        if name in boxes:
            replace_text(boxes[name], str(values[name] or ""))
        elif name == "held_on":
            editor.held.set_value(data.held_on, editor.held.value() or default_day)
        elif name == "attendees":
            editor.attendees.set_attendees(data.attendees)
        elif name == "judgement":
            editor.judgement_group.setExclusive(False)  # "" unticks every choice
            for value, button in editor.judgement_buttons.items():
                button.setChecked(value == data.judgement)
            editor.judgement_group.setExclusive(True)
        elif name.startswith("signoffs."):
            party = name.split(".", 1)[1]
            if party in editor.signoffs:
                editor.signoffs[party].set_value(data.signoffs.get(party), default_day)
