"""EvidenceService over a real encrypted demo store: create, autosave, reload, finalise."""

from __future__ import annotations

import pytest

from assessor_app.app import AppContext
from assessor_app.domain.enums import EvidenceKind
from assessor_app.domain.evidence_forms import FORMS, form_for
from assessor_app.errors import NotFound, UsageError
from tests.review_demo import TODAY  # the date the shared demo_folder is made for


def _enrolment(ctx: AppContext) -> str:
    return ctx.list_rows(TODAY)[0].enrolment_id


def sample(kind: str) -> dict[str, str]:
    """A distinct, storable value for every field of ``kind`` (as an editor would send)."""
    out = {}
    for i, f in enumerate(form_for(kind)):
        out[f.name] = {
            "date": f"2026-10-{i + 1:02d}", "time": "14:05", "minutes": str(30 + i),
            "yesno": "yes" if i % 2 else "no", "lines": "mother\nchild, 7",
            "choice": f.choices[-1] if f.choices else "x",
            "text": f"Line one of {f.name} — café ✓\n\nشكرا line two",
        }.get(f.widget, f"{f.name} value {i}")
    return out


@pytest.mark.parametrize("kind", [k.value for k in FORMS])
def test_every_field_of_every_kind_round_trips(ctx: AppContext, kind: str) -> None:
    eid = ctx.evidence.create(_enrolment(ctx), kind, TODAY)
    form = ctx.evidence.load(eid)
    assert form.status == "draft" and form.kind == kind
    values = sample(kind)
    result = ctx.evidence.autosave(eid, values)
    assert result.invalid == ()
    assert ctx.evidence.load(eid).values == values


def test_new_draft_has_the_stage_of_its_date_and_a_date_change_moves_it(ctx: AppContext) -> None:
    enrolment = _enrolment(ctx)
    eid = ctx.evidence.create(enrolment, "observation", TODAY)
    form = ctx.evidence.load(eid)
    expected = ctx.evidence.suggest_stage(enrolment, TODAY)
    assert form.stage_id == expected[0] and form.stage_title == expected[1]
    start = ctx.page(enrolment, TODAY).timeline.stages[0]
    result = ctx.evidence.autosave(eid, {"occurred_on": start.start.isoformat()})
    assert (result.stage_id, result.stage_title) == (start.id, start.title)
    assert ctx.evidence.load(eid).stage_id == start.id


def test_half_typed_values_are_left_out_and_the_rest_is_saved(ctx: AppContext) -> None:
    eid = ctx.evidence.create(_enrolment(ctx), "observation", TODAY)
    result = ctx.evidence.autosave(eid, {"consent_on": "2026-1", "start_time": "9:7",
                                         "duration_minutes": "ab", "notes": "kept"})
    assert set(result.invalid) == {"consent_on", "start_time", "duration_minutes"}
    values = ctx.evidence.load(eid).values
    assert values["notes"] == "kept" and values["consent_on"] == ""


def test_finalise_needs_the_required_fields(ctx: AppContext) -> None:
    eid = ctx.evidence.create(_enrolment(ctx), "observation", TODAY)
    with pytest.raises(UsageError, match="Observation notes"):
        ctx.evidence.finalise(eid)
    ctx.evidence.autosave(eid, sample("observation"))
    assert ctx.evidence.finalise(eid).status == "final"
    with pytest.raises(UsageError, match="final"):
        ctx.evidence.autosave(eid, {"notes": "changed after marking final"})
    assert ctx.evidence.load(eid).values["notes"] != "changed after marking final"
    assert ctx.evidence.reopen(eid).status == "draft"
    ctx.evidence.autosave(eid, {"notes": "corrected"})
    assert ctx.evidence.load(eid).values["notes"] == "corrected"


def test_new_evidence_appears_on_the_practitioner_page(ctx: AppContext) -> None:
    enrolment = _enrolment(ctx)
    before = len(ctx.page(enrolment, TODAY).evidence)
    eid = ctx.evidence.create(enrolment, EvidenceKind.REFLECTION.value, TODAY)
    ctx.evidence.autosave(eid, {"title": "Reflection on a home visit"})
    rows = ctx.page(enrolment, TODAY).evidence
    assert len(rows) == before + 1
    assert any(r.id == eid and r.title == "Reflection on a home visit" for r in rows)


def test_unknown_evidence_and_fields_are_refused(ctx: AppContext) -> None:
    with pytest.raises(NotFound):
        ctx.evidence.load("no-such-id")
    eid = ctx.evidence.create(_enrolment(ctx), "reflection", TODAY)
    with pytest.raises(ValueError, match="not a field"):
        ctx.evidence.autosave(eid, {"notes": "observation only"})


def test_every_demo_record_opens_in_its_editor(ctx: AppContext) -> None:
    for row in ctx.list_rows(TODAY):
        for ev in ctx.page(row.enrolment_id, TODAY).evidence:
            form = ctx.evidence.load(ev.id)
            assert set(form.values) == {f.name for f in form.fields}
            assert form.values["title"] == ev.title
