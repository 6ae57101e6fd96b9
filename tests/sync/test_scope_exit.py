"""A practitioner leaving an assessor's scope leaves that assessor's laptop too: real server,
real encrypted stores. Reassigned, the old assessor's device holds no row of theirs (every
table scanned, the search index and the pseudonym map too) while the new assessor's device
has them all; an edit not yet sent is kept aside (never silently lost), the user is told,
and it is sent once the practitioner is assigned back."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, text

from assessor_app.app import AppContext
from assessor_app.errors import AppError
from assessor_app.services.maintenance import verify_audit
from assessor_app.store.models import AuditEvent, Observation, Pseudonym
from tests.sync.devices import Devices, add_portfolio, blobs, table_contents

NOTES = "Zanzibarish notes of the visit"  # a word found nowhere else in the store


def _coordinator_portfolio(server: Any, devices: Devices, name: str = "Sam Example") -> tuple[AppContext, dict[str, Any]]:
    server.add_user("Fictional Coordinator", "coordinator")
    coord = devices.enrolled("coord", server, "Fictional Coordinator")
    tree = add_portfolio(coord, name, evidence=3, file_bytes=3000)
    with coord.database.uow("tester") as uow:
        obs = uow.session.get(Observation, tree["evidence"][0])
        obs.notes = NOTES
        uow.add(Pseudonym(scope=tree["enrolment"], kind="practitioner", real=name,
                          pseudonym="Practitioner A"))
        uow.commit()
    assert coord.sync.sync().refused == 0
    return coord, tree


def _ids_of(ctx: AppContext, tree: dict[str, Any]) -> set[str]:
    """Every id of ``tree`` (and of rows hanging from it) this device holds, in any table."""
    wanted = {tree["practitioner"], tree["enrolment"], *tree["evidence"]}
    held: set[str] = set()
    for table, rows in table_contents(ctx).items():
        for rid, (fields, _deleted) in rows.items():
            links = {fields.get(k) for k in ("practitioner_id", "enrolment_id", "evidence_id",
                                             "entity_id")}
            if rid in wanted or links & wanted:
                held.add(f"{table}:{rid}")
    return held


def _search_traces(ctx: AppContext, word: str) -> list[Any]:
    """Documents and index terms still holding ``word`` (FTS vocabulary, not just a query)."""
    with ctx.database.uow() as uow:
        conn = uow.session.connection()
        docs = conn.execute(text("SELECT evidence_id FROM evidence_text WHERE body LIKE :w"),
                            {"w": f"%{word}%"}).all()
        conn.execute(text("CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_terms "
                          "USING fts5vocab(main, evidence_fts, row)"))
        terms = conn.execute(text("SELECT term FROM temp.fts_terms WHERE term = :t"),
                             {"t": word.lower()}).all()
        return [*docs, *terms]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_reassigned_practitioner_leaves_the_old_assessors_laptop(  # type: ignore[no-untyped-def]
        live_server, devices: Devices, backend: str) -> None:
    server = live_server(backend)
    server.add_user("Assessor One", "assessor")
    server.add_user("Assessor Two", "assessor")
    coord, tree = _coordinator_portfolio(server, devices)
    server.assign("Assessor One", tree["practitioner"])
    one = devices.enrolled("one", server, "Assessor One")
    one.sync.sync()
    held = _ids_of(one, tree)
    assert len(held) == 1 + 1 + 3 * 3 + 1  # practitioner, enrolment, 3 x (evidence, obs, link), file
    assert _search_traces(one, "Zanzibarish")
    two = devices.enrolled("two", server, "Assessor Two")
    two.sync.sync()
    assert _ids_of(two, tree) == set()

    server.reassign(tree["practitioner"], "Assessor Two")
    report = one.sync.sync()
    assert _ids_of(one, tree) == set()
    assert not [v for v in blobs(one).values() if v]  # the file's bytes went with its row
    assert _search_traces(one, "Zanzibarish") == []
    with one.database.uow() as uow:
        assert uow.session.scalars(select(Pseudonym)).all() == []
    notice = ("Sam Example's portfolio was moved to another assessor and has been removed "
              "from this laptop.")
    assert report.notices == (notice,)
    assert one.sync.status().notices == (notice,)
    one.sync.dismiss_notices()
    assert one.sync.status().notices == ()

    two.sync.sync()
    assert _ids_of(two, tree) == held
    mine = table_contents(coord)
    for table, rows in table_contents(two).items():  # two holds the coordinator's version
        assert {i: mine[table][i] for i in rows} == rows

    # the removal is audited: per row and once in all, with ids and counts, never the text
    assert verify_audit(one.database).ok
    with one.database.uow() as uow:
        events = uow.session.execute(select(AuditEvent.action, AuditEvent.entity,
                                            AuditEvent.entity_id, AuditEvent.fields)).all()
    summary = [e for e in events if e.action == "scope-removal"]
    assert [(e.entity, e.entity_id) for e in summary] == [("practitioner", tree["practitioner"])]
    assert "reason=reassigned" in summary[0].fields and "kept_aside=0" in summary[0].fields
    purged = {e.entity_id for e in events if e.action == "purge"}
    assert {h.split(":")[1] for h in held} <= purged
    for e in events:
        assert "Sam Example" not in str(e.fields) and "Zanzibarish" not in str(e.fields)


def test_an_unsent_edit_is_kept_aside_told_and_sent_when_assigned_back(  # type: ignore[no-untyped-def]
        live_server, devices: Devices) -> None:
    server = live_server("sqlite")
    server.add_user("Assessor One", "assessor")
    server.add_user("Assessor Two", "assessor")
    coord, tree = _coordinator_portfolio(server, devices)
    server.assign("Assessor One", tree["practitioner"])
    one = devices.enrolled("one", server, "Assessor One")
    one.sync.sync()
    edited = "Typed on the home visit, not sent yet"
    with one.database.uow("Assessor One") as uow:
        uow.session.get(Observation, tree["evidence"][1]).notes = edited
        uow.commit()
    assert one.sync.status().waiting == 1

    server.reassign(tree["practitioner"], "Assessor Two")
    report = one.sync.sync()
    assert _ids_of(one, tree) == set()  # the portfolio is gone …
    status = one.sync.status()
    assert status.kept_aside == 1 and status.waiting == 0  # … but not the edit
    [kept] = one.sync.kept_aside()
    assert (kept.practitioner_name, kept.changes) == ("Sam Example", 1)
    with one.database.uow() as uow:
        raw = uow.session.connection().execute(text("SELECT row FROM kept_aside")).scalar_one()
    assert edited in raw  # kept in the encrypted store, as it would have been sent
    [notice] = report.notices
    assert notice.startswith("Sam Example's portfolio was moved to another assessor")
    assert "1 change you made could not be sent" in notice
    assert "programme coordinator" in notice and "assign Sam Example back" in notice
    assert report.kept_aside == 1

    # the coordinator assigns Sam back for a moment: the edit goes in, merged, and is sent
    server.assign("Assessor One", tree["practitioner"])
    report = one.sync.sync()
    assert one.sync.status().kept_aside == 0 and one.sync.status().waiting == 0
    assert report.notices == ("Sam Example is assigned to you again: the 1 change kept aside "
                              "on this laptop was put back and will be sent with your other "
                              "changes.",)
    coord.sync.sync()
    with coord.database.uow() as uow:
        assert uow.session.get(Observation, tree["evidence"][1]).notes == edited


def test_an_edit_made_during_the_sync_is_tried_then_kept_aside(  # type: ignore[no-untyped-def]
        live_server, devices: Devices) -> None:
    """Typing goes on while a sync runs: an edit made after the push, before the pull that
    brings the revocation, is pushed first (refused: the scope is gone) and kept aside."""
    server = live_server("sqlite")
    server.add_user("Assessor One", "assessor")
    server.add_user("Assessor Two", "assessor")
    _coord, tree = _coordinator_portfolio(server, devices)
    server.assign("Assessor One", tree["practitioner"])
    one = devices.enrolled("one", server, "Assessor One")
    one.sync.sync()
    server.reassign(tree["practitioner"], "Assessor Two")
    typed: list[str] = []

    def progress(p: Any) -> None:
        if p.phase == "push" and p.done == p.total and not typed:
            typed.append("x")
            with one.database.uow("Assessor One") as uow:
                uow.session.get(Observation, tree["evidence"][2]).notes = "Typed mid-sync"
                uow.commit()

    report = one.sync.sync(progress=progress)
    assert typed
    assert report.refused == 1  # it was offered to the server first
    assert _ids_of(one, tree) == set()
    [kept] = one.sync.kept_aside()
    assert kept.changes == 1
    # the coordinator says it is not needed: the user discards it, and that is audited
    with pytest.raises(AppError, match="No kept-aside changes match"):
        one.sync.discard_kept_aside("Someone Else")
    assert one.sync.discard_kept_aside("Sam Example") == 1
    assert one.sync.kept_aside() == [] and one.sync.status().kept_aside == 0
    with one.database.uow() as uow:
        conn = uow.session.connection()
        assert conn.execute(text("SELECT count(*) FROM kept_aside")).scalar_one() == 0
        discarded = conn.execute(select(AuditEvent.entity, AuditEvent.entity_id).where(
            AuditEvent.action == "discard")).all()
    assert [tuple(d) for d in discarded] == [("observation", tree["evidence"][2])]


def test_a_record_moved_to_another_practitioner_leaves_devices_outside_its_new_scope(  # type: ignore[no-untyped-def]
        live_server, devices: Devices) -> None:
    from assessor_app.store.models import Enrolment

    server = live_server("sqlite")
    server.add_user("Assessor One", "assessor")
    server.add_user("Assessor Two", "assessor")
    coord, first = _coordinator_portfolio(server, devices)
    second = add_portfolio(coord, "Alex Other", evidence=1)
    coord.sync.sync()
    server.assign("Assessor One", first["practitioner"])
    server.assign("Assessor Two", second["practitioner"])
    one = devices.enrolled("one", server, "Assessor One")
    two = devices.enrolled("two", server, "Assessor Two")
    one.sync.sync()
    two.sync.sync()
    moving = _ids_of(one, first) - {f"practitioner:{first['practitioner']}"}

    with coord.database.uow("Fictional Coordinator") as uow:  # recorded under the wrong person
        uow.session.get(Enrolment, first["enrolment"]).practitioner_id = second["practitioner"]
        uow.commit()
    assert coord.sync.sync().refused == 0
    report = one.sync.sync()
    assert _ids_of(one, first) == {f"practitioner:{first['practitioner']}"}  # only Sam stays
    assert _search_traces(one, "Zanzibarish") == []
    assert report.notices == ("Part of Sam Example's portfolio was moved to a practitioner you "
                              "are not assigned and has been removed from this laptop.",)
    two.sync.sync()
    theirs = {f"{t}:{i}" for t, rows in table_contents(two).items() for i in rows}
    assert moving <= theirs
