"""The store side of sync, on real encrypted stores: rows out and in, inbox, mark-clean rules."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from assessor_app.app import AppContext, open_context
from assessor_app.paths import DataPaths
from assessor_app.services.maintenance import verify_audit
from assessor_app.store.models import (
    Attachment,
    CatalogueEntry,
    Conflict,
    Document,
    Evidence,
    Observation,
    Signature,
)
from assessor_app.store.sync_repo import SyncRepository, Who, sync_transaction
from assessor_app.store.sync_rows import all_shapes, shape
from tests.review_demo import copy_store

WHO = Who("Fictional Assessor", "test laptop")


@pytest.fixture
def source(demo_folder: Path, tmp_path: Path) -> Iterator[AppContext]:
    """The demo cohort plus one row of each table the demo leaves empty."""
    folder = copy_store(demo_folder, tmp_path / "source")
    c = open_context(DataPaths(folder), create=False)
    with c.database.uow("tester") as uow:
        s = uow.session
        ev = s.execute(select(Evidence).limit(1)).scalar_one()
        pdf = b"%PDF-1.7 fictional"
        uow.add(CatalogueEntry(kind="framework", ident="pcf", version="2099", title="Test framework",
                               yaml_text="id: pcf\n", sha256="0" * 64))
        uow.add(Attachment(evidence_id=ev.id, filename="notes.txt", mime="text/plain",
                           sha256=hashlib.sha256(b"hello").hexdigest(), size=5, content=b"hello"))
        doc = Document(enrolment_id=ev.enrolment_id, kind="evidence", subject_id=ev.id, version=1,
                       sha256=hashlib.sha256(pdf).hexdigest(), content=pdf)
        uow.add(doc)
        s.flush()
        uow.add(Signature(document_id=doc.id, signer_name="Fictional Signer", role="assessor",
                          cert_fingerprint="ab" * 32,
                          signed_at=datetime(2026, 11, 20, 9, 30, 5, 123456, tzinfo=UTC)))
        uow.add(Conflict(practitioner_id=None, entity="observation", entity_id="x", field="notes",
                         kept_value={"a": [1, 2]}, other_value="text", base_value=None,
                         resolved_at="2026-11-21T10:00:00+00:00", resolution="kept"))
        uow.commit()
    yield c
    c.close()


@pytest.fixture
def target(tmp_path: Path, secrets) -> Iterator[AppContext]:  # type: ignore[no-untyped-def]
    c = open_context(DataPaths(tmp_path / "target"), secrets=secrets)
    yield c
    c.close()


def _all_rows(ctx: AppContext) -> list[dict]:  # type: ignore[type-arg]
    with sync_transaction(ctx.database) as repo:
        keys = []
        for sh in all_shapes():
            ids = repo._conn.execute(select(sh.table.c.id).order_by(sh.table.c.id)).scalars()
            keys.extend((sh.name, i) for i in ids)
        return repo.read_rows(keys)


def _as_pulled(rows: list[dict], rev: int = 1) -> list[dict]:  # type: ignore[type-arg]
    return [dict(r, rev=rev, base_rev=rev) for r in rows]


def test_every_syncable_table_round_trips(source: AppContext, target: AppContext) -> None:
    rows = _all_rows(source)
    assert {r["table"] for r in rows} == {sh.name for sh in all_shapes()}
    # children first, to show the page order does not matter
    with sync_transaction(target.database) as repo:
        stats = repo.apply_page(_as_pulled(rows[::-1]))
    assert (stats.applied, stats.parked) == (len(rows), 0)
    back = _all_rows(target)
    strip = lambda rs: sorted(((r["table"], r["id"], r["deleted"], r["fields"]) for r in rs),  # noqa: E731
                              key=lambda t: (t[0], t[1]))
    assert strip(back) == strip(rows)
    sig = next(r for r in back if r["table"] == "signature")
    assert sig["fields"]["signed_at"] == "2026-11-20T09:30:05.123456+00:00"
    with sync_transaction(target.database) as repo:
        assert repo.count_dirty() == 0, "pulled rows are not marked for pushing"
        missing = repo.missing_blobs()
        assert missing == sorted({hashlib.sha256(b"hello").hexdigest(),
                                  hashlib.sha256(b"%PDF-1.7 fictional").hexdigest()})
        assert repo.fill_blob(hashlib.sha256(b"hello").hexdigest(), b"hello") == 1
        assert repo.missing_blobs() == [hashlib.sha256(b"%PDF-1.7 fictional").hexdigest()]
    report = verify_audit(target.database)
    assert report.ok and report.events >= len(rows)


def test_rows_whose_parent_is_missing_wait_in_the_inbox(source: AppContext,
                                                         target: AppContext) -> None:
    rows = _as_pulled(_all_rows(source))
    parents = [r for r in rows
               if r["table"] in {"person", "practitioner", "catalogue_entry", "conflict"}]
    children = [r for r in rows if r not in parents]
    with sync_transaction(target.database) as repo:
        stats = repo.apply_page(children)
        assert stats.applied == 0 and stats.parked == len(children)
        assert repo.inbox_size() == len(children)
    with sync_transaction(target.database) as repo:
        stats = repo.apply_page(parents)
        assert (stats.applied, stats.parked) == (len(rows), 0)
        assert repo.inbox_size() == 0
    assert len(_all_rows(target)) == len(rows)


def _observation(ctx: AppContext) -> Observation:
    with ctx.database.uow() as uow:
        obs = uow.session.execute(select(Observation).order_by(Observation.id).limit(1)).scalar_one()
        uow.session.expunge(obs)
        return obs


def _edit(ctx: AppContext, obs_id: str, **values: object) -> None:
    with ctx.database.uow("tester") as uow:
        obs = uow.session.get(Observation, obs_id)
        for k, v in values.items():
            setattr(obs, k, v)
        uow.commit()


def _push_one(ctx: AppContext, obs_id: str) -> dict:  # type: ignore[type-arg]
    with sync_transaction(ctx.database) as repo:
        return repo.read_rows([("observation", obs_id)])[0]


def _settle(ctx: AppContext, sent: dict, status: str, rev: int, row: dict | None = None):  # type: ignore[no-untyped-def, type-arg]
    with sync_transaction(ctx.database) as repo:
        return repo.settle(sent, status, rev, row, WHO)


def test_a_pushed_row_becomes_clean_only_if_unchanged(source: AppContext) -> None:
    obs = _observation(source)
    sent = _push_one(source, obs.id)
    assert sent["base_rev"] == 0 and sent["fields"]["notes"] == obs.notes
    _settle(source, sent, "accepted", 1)
    after = _observation(source)
    assert (after.dirty, after.rev, after.base_rev) == (False, 1, 1)

    _edit(source, obs.id, notes="first edit")
    sent = _push_one(source, obs.id)
    assert sent["base_rev"] == 1
    _edit(source, obs.id, notes="typed while the batch was out")  # the autosave wins the race
    result = _settle(source, sent, "accepted", 2)
    after = _observation(source)
    assert result.still_dirty
    assert (after.dirty, after.rev, after.base_rev, after.notes) == (
        True, 2, 2, "typed while the batch was out")


def test_a_merged_answer_keeps_an_edit_made_meanwhile(source: AppContext) -> None:
    obs = _observation(source)
    _settle(source, _push_one(source, obs.id), "accepted", 1)
    _edit(source, obs.id, notes="device notes")
    sent = _push_one(source, obs.id)
    _edit(source, obs.id, went_well="typed meanwhile")
    # the server merged a change another device made to a third field
    server_row = dict(sent, rev=3, fields=dict(sent["fields"], consent_how="server side"))
    _settle(source, sent, "merged", 3, server_row)
    after = _observation(source)
    assert (after.dirty, after.rev, after.base_rev) == (True, 3, 3)
    assert (after.notes, after.went_well, after.consent_how) == (
        "device notes", "typed meanwhile", "server side")


def test_a_merged_answer_is_applied_when_nothing_changed_meanwhile(source: AppContext) -> None:
    obs = _observation(source)
    _settle(source, _push_one(source, obs.id), "accepted", 1)
    _edit(source, obs.id, notes="device notes")
    sent = _push_one(source, obs.id)
    server_row = dict(sent, rev=3, fields=dict(sent["fields"], consent_how="server side"))
    _settle(source, sent, "conflict", 3, server_row)
    after = _observation(source)
    assert (after.dirty, after.rev, after.notes, after.consent_how) == (
        False, 3, "device notes", "server side")


def test_a_pulled_row_never_overwrites_an_unpushed_edit(source: AppContext) -> None:
    obs = _observation(source)
    _settle(source, _push_one(source, obs.id), "accepted", 1)
    _edit(source, obs.id, notes="unpushed local text")
    pulled = dict(_push_one(source, obs.id), rev=2, base_rev=2)
    pulled["fields"] = dict(pulled["fields"], notes="someone else's text")
    with sync_transaction(source.database) as repo:
        stats = repo.apply_page([pulled])
    after = _observation(source)
    assert stats.kept_local == 1
    assert (after.notes, after.dirty, after.rev, after.base_rev) == ("unpushed local text", True, 2, 1)


def test_a_refused_edit_keeps_the_local_text_as_a_conflict(source: AppContext) -> None:
    obs = _observation(source)
    _settle(source, _push_one(source, obs.id), "accepted", 1)
    _edit(source, obs.id, notes="edit to a signed record")
    sent = _push_one(source, obs.id)
    server_row = dict(sent, rev=1, fields=dict(sent["fields"], notes="the signed text"))
    result = _settle(source, sent, "refused", 1, server_row)
    after = _observation(source)
    assert (after.notes, after.dirty) == ("the signed text", False)
    assert len(result.conflicts) == 1
    with source.database.uow() as uow:
        c = uow.session.get(Conflict, result.conflicts[0])
        assert (c.entity, c.entity_id, c.field) == ("observation", obs.id, "notes")
        assert (c.kept_value, c.other_value, c.dirty) == ("the signed text", "edit to a signed record", True)
        assert c.other_user == WHO.user_name and c.practitioner_id
    assert verify_audit(source.database).ok


def test_dates_and_json_survive_the_wire() -> None:
    from assessor_app.store.sync_rows import from_wire, to_wire

    sh = shape("enrolment")
    values = {name: None for name in sh.fields}
    values.update(start_date=date(2026, 1, 5), framework_versions={"pcf": "2018"}, fte=0.6)
    wire = to_wire(sh, values)
    assert wire["start_date"] == "2026-01-05" and wire["framework_versions"] == {"pcf": "2018"}
    assert from_wire(sh, wire)["start_date"] == date(2026, 1, 5)
    assert SyncRepository  # the module's public class is importable from the store package
