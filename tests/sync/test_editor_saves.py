"""An editor's autosave against a record a sync changed meanwhile (service level).

Two laptops of one assessor (real encrypted stores) and a real sync server on 127.0.0.1.
Laptop A's editor loaded a record, then laptop B's edit arrived by a pull (the real pull
path), or another window on A saved it. A's autosave says what each field held when the
editor loaded it (``base``); the store must never write over the other version blindly.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from assessor_app.app import AppContext
from assessor_app.errors import NotFound, RecordDeleted
from assessor_app.services.evidence import StandardLinkDTO
from assessor_app.store.base import utcnow
from assessor_app.store.models import Evidence, Observation
from tests.sync.devices import Devices, add_portfolio


@dataclass
class Pair:
    a: AppContext
    b: AppContext
    enrolment_id: str
    evidence_id: str

    def both_sync(self) -> None:
        self.a.sync.sync()
        self.b.sync.sync()
        self.a.sync.sync()


@pytest.fixture
def pair(live_server: Any, tmp_path: Path) -> Iterator[Pair]:
    server = live_server("sqlite")
    server.add_user("Fictional Assessor", "assessor")
    devices = Devices(tmp_path / "devices")
    a = devices.enrolled("a", server, "Fictional Assessor")
    b = devices.enrolled("b", server, "Fictional Assessor")
    made = add_portfolio(a, evidence=1)
    a.sync.sync()
    b.sync.sync()
    yield Pair(a, b, made["enrolment"], made["evidence"][0])
    devices.close()


def _notes(ctx: AppContext, evidence_id: str) -> str:
    with ctx.database.uow() as uow:
        return uow.session.get(Observation, evidence_id).notes  # type: ignore[no-any-return]


def test_a_stale_autosave_keeps_the_pulled_text_as_a_conflict_and_its_own_in_the_record(
        pair: Pair) -> None:
    a, b, eid = pair.a, pair.b, pair.evidence_id
    base = a.evidence.load(eid).editor_values()  # the editor opens the record
    b.evidence.autosave(eid, {"notes": "B's words from the other laptop."})
    b.sync.sync()
    a.sync.sync()  # the pull writes B's text into A's store under the open editor
    assert _notes(a, eid) == "B's words from the other laptop."

    result = a.evidence.autosave(eid, {"notes": "A's words typed in the editor."}, base=base)

    assert result.conflicts == ("notes",) and result.moved
    assert result.change.yours and result.change.by == "Fictional Assessor"
    assert _notes(a, eid) == "A's words typed in the editor."
    [c] = a.sync.conflicts()
    assert (c.entity, c.entity_id, c.field) == ("observation", eid, "notes")
    assert (c.kept_value, c.other_value, c.base_value) == (
        "A's words typed in the editor.", "B's words from the other laptop.", "Notes of visit 1")
    assert c.other_user == "Fictional Assessor"
    assert a.evidence.load(eid).conflicts == ("notes",)
    # both laptops end up with the same record and the same conflict: no text lost anywhere
    pair.both_sync()
    assert _notes(b, eid) == "A's words typed in the editor."
    assert [(x.kept_value, x.other_value) for x in b.sync.conflicts()] == [
        ("A's words typed in the editor.", "B's words from the other laptop.")]
    # choosing B's version on B puts it back, everywhere
    b.sync.resolve(b.sync.conflicts()[0].id, "other")
    pair.both_sync()
    assert _notes(a, eid) == _notes(b, eid) == "B's words from the other laptop."
    assert a.sync.conflicts() == b.sync.conflicts() == []


def test_a_field_the_editor_did_not_change_keeps_the_pulled_value(pair: Pair) -> None:
    a, b, eid = pair.a, pair.b, pair.evidence_id
    base = a.evidence.load(eid).editor_values()
    b.evidence.autosave(eid, {"notes": "B's newer notes."})
    b.sync.sync()
    a.sync.sync()
    # the editor sends the notes it still shows (typed, then typed back), with a new title
    result = a.evidence.autosave(eid, {"notes": base["notes"], "title": "Visit (renamed on A)"},
                                 base=base)
    assert result.conflicts == () and result.moved
    values = a.evidence.load(eid).values
    assert values["notes"] == "B's newer notes." and values["title"] == "Visit (renamed on A)"
    assert a.sync.conflicts() == []


def test_changes_to_different_fields_merge_without_a_conflict(pair: Pair) -> None:
    a, b, eid = pair.a, pair.b, pair.evidence_id
    base = a.evidence.load(eid).editor_values()
    b.evidence.autosave(eid, {"title": "Home visit 1 (B's title)"})
    b.sync.sync()
    a.sync.sync()
    result = a.evidence.autosave(eid, {"notes": "A's notes."}, base=base)
    assert result.conflicts == () and not result.moved
    pair.both_sync()
    for ctx in (a, b):
        values = ctx.evidence.load(eid).values
        assert (values["title"], values["notes"]) == ("Home visit 1 (B's title)", "A's notes.")
        assert ctx.sync.conflicts() == []


def test_two_editors_in_one_app_keep_both_texts(pair: Pair) -> None:
    a, eid = pair.a, pair.evidence_id
    first = a.evidence.load(eid).editor_values()
    second = a.evidence.load(eid).editor_values()
    a.evidence.autosave(eid, {"notes": "Typed in the second window."}, base=second)
    result = a.evidence.autosave(eid, {"notes": "Typed in the first window."}, base=first)
    assert result.conflicts == ("notes",)
    assert result.change.here and not result.change.yours
    assert _notes(a, eid) == "Typed in the first window."
    [c] = a.sync.conflicts()
    assert (c.kept_value, c.other_value) == ("Typed in the first window.",
                                             "Typed in the second window.")
    assert c.other_device == "a laptop"  # this computer, by its enrolled name


def test_dates_that_store_the_same_are_not_a_conflict(pair: Pair) -> None:
    a, eid = pair.a, pair.evidence_id
    a.evidence.autosave(eid, {"occurred_on": " 2026-10-03 "})
    base = {"occurred_on": " 2026-10-03 "}  # what the editor sent, as it typed it
    result = a.evidence.autosave(eid, {"occurred_on": "2026-10-04"}, base=base)
    assert result.conflicts == () and not result.moved
    assert a.evidence.load(eid).values["occurred_on"] == "2026-10-04"


def test_a_record_deleted_by_a_pull_is_named_so_and_can_be_restored(pair: Pair) -> None:
    a, b, eid = pair.a, pair.b, pair.evidence_id
    base = a.evidence.load(eid).editor_values()
    with b.database.uow("tester") as uow:
        uow.session.get(Evidence, eid).deleted_at = utcnow()
        uow.commit()
    b.sync.sync()
    a.sync.sync()
    with pytest.raises(RecordDeleted) as caught:
        a.evidence.autosave(eid, {"notes": "Typed as it went."}, base=base)
    assert caught.value.message == "This record was deleted on your other device."
    with pytest.raises(RecordDeleted):
        a.evidence.load(eid)
    form = a.evidence.restore(eid)
    assert form.values["notes"] == "Notes of visit 1"
    a.evidence.autosave(eid, {"notes": "Typed as it went."}, base=form.editor_values())
    pair.both_sync()
    assert _notes(b, eid) == "Typed as it went."
    with b.database.uow() as uow:
        assert uow.session.get(Evidence, eid).deleted_at is None


def test_a_record_deleted_by_a_pull_can_take_the_typing_as_a_new_record(pair: Pair) -> None:
    a, b, eid = pair.a, pair.b, pair.evidence_id
    with b.database.uow("tester") as uow:
        uow.session.get(Evidence, eid).deleted_at = utcnow()
        uow.commit()
    b.sync.sync()
    a.sync.sync()
    new = a.evidence.save_as_new(eid, {"notes": "Kept as new.", "start_time": "9:7"})
    form = a.evidence.load(new)
    assert form.kind == "observation" and form.enrolment_id == pair.enrolment_id
    assert form.values["notes"] == "Kept as new." and form.values["start_time"] == ""
    assert form.values["title"] == "Home visit 1" and form.values["occurred_on"] == "2026-10-01"
    with pytest.raises(RecordDeleted):
        a.evidence.load(eid)
    with pytest.raises(NotFound):
        a.evidence.save_as_new("no-such-record", {"notes": "x"})
    pair.both_sync()
    assert b.evidence.load(new).values["notes"] == "Kept as new."


def test_criteria_answers_conflict_one_criterion_at_a_time(pair: Pair) -> None:
    a, b = pair.a, pair.b
    eid = a.evidence.create(pair.enrolment_id, "record_review", date(2026, 10, 9))
    a.evidence.autosave(eid, {"criterion:child_views_recorded": "met"})
    pair.both_sync()
    base = a.evidence.load(eid).editor_values()
    b.evidence.autosave(eid, {"criterion:child_views_recorded": "partly",
                              "criterion:outcomes_clear": "met"})
    b.sync.sync()
    a.sync.sync()
    result = a.evidence.autosave(eid, {"criterion:child_views_recorded": "not_met"},
                                 base={**base, "criterion:child_views_recorded": "met"})
    assert result.conflicts == ("criterion:child_views_recorded",)
    assert a.evidence.load(eid).criteria == {"child_views_recorded": "not_met",
                                             "outcomes_clear": "met"}
    [c] = a.sync.conflicts()
    assert (c.field, c.field_label, c.kept_value, c.other_value) == (
        "criteria.child_views_recorded", "Criteria (child views recorded)", "not_met", "partly")
    assert a.evidence.load(eid).conflicts == ("criterion:child_views_recorded",)
    a.sync.resolve(c.id, "other")  # B's answer for that criterion; the others stay
    assert a.evidence.load(eid).criteria == {"child_views_recorded": "partly",
                                             "outcomes_clear": "met"}


def _link(code: str, comment: str = "", strength: int = 1) -> StandardLinkDTO:
    return StandardLinkDTO("pcf", code, comment, "2018", strength)


def _links(ctx: AppContext, eid: str) -> dict[str, tuple[str, int]]:
    return {x.statement_code: (x.comment, x.strength) for x in ctx.evidence.links(eid).links
            if x.framework_id == "pcf" and x.statement_code.isdigit()}


def test_standards_links_changed_on_the_other_laptop_are_kept(pair: Pair) -> None:
    a, b, eid = pair.a, pair.b, pair.evidence_id
    b.evidence.set_links(eid, [_link("1", "From B."), _link("2")])
    pair.both_sync()
    shown = [x for x in a.evidence.links(eid).links if x.statement_code.isdigit()]
    # meanwhile B comments on 1, adds 3 and removes 2
    b.evidence.set_links(eid, [_link("1", "From B, more."), _link("3", "B added this.")])
    b.sync.sync()
    a.sync.sync()
    # A's picker still shows 1 and 2; the person ticks 4
    a.evidence.set_links(eid, [*shown, _link("4", "A ticked this.")], base=shown)
    assert _links(a, eid) == {"1": ("From B, more.", 1), "3": ("B added this.", 1),
                              "4": ("A ticked this.", 1)}
    assert a.sync.conflicts() == []


def test_a_link_comment_changed_on_both_laptops_keeps_both(pair: Pair) -> None:
    a, b, eid = pair.a, pair.b, pair.evidence_id
    a.evidence.set_links(eid, [_link("1", "First comment.")])
    pair.both_sync()
    shown = [x for x in a.evidence.links(eid).links if x.statement_code.isdigit()]
    b.evidence.set_links(eid, [_link("1", "B's comment.", 2)])
    b.sync.sync()
    a.sync.sync()
    a.evidence.set_links(eid, [_link("1", "A's comment.", 2)], base=shown)
    assert _links(a, eid) == {"1": ("A's comment.", 2)}
    [c] = a.sync.conflicts()
    assert (c.entity, c.field, c.kept_value, c.other_value) == (
        "standard_link", "comment", "A's comment.", "B's comment.")
