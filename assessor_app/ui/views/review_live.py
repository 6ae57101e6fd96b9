"""The review editor kept in step with its review while syncs run (``FormLive``): its parts
as flat fields (``domain.review_fields``), their names in the notices, putting a part that
changed on another device into the form in place, and a review deleted elsewhere."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from assessor_app.domain.review_dto import PARTIES, PARTY_LABELS, ReviewEditorData
from assessor_app.domain.review_fields import review_fields, review_from_fields
from assessor_app.ui.views.form_live import FormLive
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


class ReviewLive:
    """Mixed into ``ReviewEditor``: reading the review again after a sync, without losing
    typing (``FormLive``), and a review deleted elsewhere while shown."""

    data: ReviewEditorData | None
    live: FormLive
    _review_id: str | None
    _enrolment_id: str
    _prefilled: dict[str, str]

    def _on_watch(self, record_id: str, origin: object) -> None:
        """A sync or a resolved conflict may have changed the review shown: read it again."""
        import shiboken6

        e: Any = self
        if (shiboken6.isValid(e) and origin is not self and self.data is not None
                and (not record_id or record_id == self._review_id)):
            e.load(self._enrolment_id, e.current_point() or None)

    def _take_in(self) -> None:
        """The point shown, read again: what changed elsewhere shows where nothing is typed."""
        assert self.data is not None
        e: Any = self
        rec = self.data.review_for(e.current_point())
        if rec is None:
            if self._review_id is not None:  # deleted elsewhere; the form keeps the text
                self._show_deleted("This review was deleted on another device.")
            return
        self._review_id = rec.id
        self.live.take_in(review_fields(rec.data), rec.change, rec.conflicts)
        e._set_locked(rec.locked)
        e._show_status(rec)

    def _labels(self, names: object) -> str:
        return field_labels(names)  # type: ignore[arg-type]

    def _current_fields(self) -> dict[str, object]:
        """The form as flat fields; a check still holding the summary's automatic words
        counts as untouched, so a person's text from another device replaces it."""
        e: Any = self
        flat = review_fields(e.current_input())
        for key, name in (("supervision", "supervision_check"), ("workload", "workload_check")):
            auto = self._prefilled.get(key, "").strip()
            if auto and flat[name] == auto and self.live.base is not None:
                flat[name] = self.live.base.get(name, "")
        return flat

    def _show_fields(self, values: dict[str, object]) -> None:
        """Put parts that changed elsewhere in place (the person had not touched them)."""
        for key, name in (("supervision", "supervision_check"), ("workload", "workload_check")):
            if name in values:
                self._prefilled.pop(key, None)  # a person's words now, not the summary's
        e: Any = self
        show_review_fields(e, values)
        e._update_buttons()

    def _show_deleted(self, what: str) -> None:
        e: Any = self
        self._review_id = None  # the next save records the form as a new review
        self.live.notice.show_notice(
            "deleted", f"{what} Your text is still here and nothing is lost.",
            (("Save it as a &new review", "Save the text as a new review",
              lambda: e.save(final=False)),), closable=False)
