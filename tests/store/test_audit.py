"""Every change leaves a hash-chained audit event, with no narrative text in it."""

from __future__ import annotations

import json

from sqlalchemy import text

from assessor_app.domain.audit import verify_chain
from assessor_app.store.audit import iter_records
from assessor_app.store.models import Practitioner


def _events(db):  # type: ignore[no-untyped-def]
    with db.uow() as uow:
        return list(iter_records(uow.session))


def test_insert_update_tombstone_each_write_an_event(db) -> None:  # type: ignore[no-untyped-def]
    with db.uow("alice") as uow:
        p = Practitioner(name="Fictional Person One", team="Team North")
        uow.add(p)
        uow.commit()
    with db.uow("bob") as uow:
        q = uow.session.get(Practitioner, p.id)
        q.team = "Team South — narrative-free?"
        uow.commit()
    with db.uow("bob") as uow:
        q = uow.session.get(Practitioner, p.id)
        from datetime import UTC, datetime

        q.deleted_at = datetime.now(UTC)
        uow.commit()
    events = _events(db)
    assert [(e.action, e.actor) for e in events] == [("insert", "alice"), ("update", "bob"), ("delete", "bob")]
    assert events[1].fields == ("team",)
    assert all(e.entity == "practitioner" and e.entity_id == p.id for e in events)
    assert verify_chain(events).ok


def test_sync_columns_maintained(db) -> None:  # type: ignore[no-untyped-def]
    with db.uow("alice") as uow:
        p = Practitioner(name="Fictional Person Two")
        uow.add(p)
        uow.commit()
        assert p.dirty is True and p.updated_by == "alice" and p.rev == 0


def test_no_narrative_text_in_the_log(db) -> None:  # type: ignore[no-untyped-def]
    marker = "Fictional-Narrative-Marker-93a1"
    with db.uow("alice") as uow:
        uow.add(Practitioner(name=marker, team=marker))
        uow.commit()
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM audit_event")).fetchall()
    assert rows
    assert marker not in json.dumps([list(map(str, r)) for r in rows])


def test_rollback_leaves_no_event(db) -> None:  # type: ignore[no-untyped-def]
    with db.uow("alice") as uow:
        uow.add(Practitioner(name="Never committed"))
        uow.session.flush()
    assert _events(db) == []


def test_tampering_is_detected(db) -> None:  # type: ignore[no-untyped-def]
    with db.uow("alice") as uow:
        for i in range(3):
            uow.add(Practitioner(name=f"Fictional {i}"))
            uow.session.flush()
        uow.commit()
    assert verify_chain(_events(db)).ok
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET actor = 'mallory' WHERE seq = 2"))
    report = verify_chain(_events(db))
    assert not report.ok and report.first_bad_seq == 2
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET actor = 'alice' WHERE seq = 2"))
        conn.execute(text("DELETE FROM audit_event WHERE seq = 2"))
    report = verify_chain(_events(db))
    assert not report.ok and report.first_bad_seq == 3
