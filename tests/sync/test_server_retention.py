"""The server's retention purge on a real server (SQLite and PostgreSQL) with real laptops.

A laptop purges a portfolio closed years ago and syncs: the server's current rows are
clear, but its earlier versions, a conflict, its stored replies and the uploaded files
still hold the text. ``assessor-app server retention purge`` removes all of it (every
table and column of the server's database is scanned, and on SQLite the raw file too),
keeps a recent portfolio whole, and sync goes on working: a laptop that edited the purged
portfolio offline is refused (its text is kept on it, none comes back to the server) until
its own purge has run, and a new laptop pulls everything cleanly.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from assessor_app.app import AppContext
from assessor_app.cli import main as cli_main
from assessor_app.server.models import AdminEvent, SyncRow
from assessor_app.server.retention_guard import REFUSAL
from assessor_app.services.retention import RetentionService
from assessor_app.store.models import Observation, RecordReview
from tests.retention_store import TODAY, YEARS, Portfolio, add_portfolio
from tests.server_scan import server_values, sqlite_file_bytes
from tests.store_scan import find
from tests.sync.devices import Devices, blobs, table_contents

OLD, RECENT = "zebraserver", "yakserver"
#: the laptops keep these to themselves: never sent to a server
LOCAL_ONLY = {"pseudonym.real", "removed attachment.content"}
DAYS = 3 * 365


def _on_server(server, needle: str) -> list[str]:  # type: ignore[no-untyped-def]
    found = find(server_values(server.engine), needle.encode())
    if server.backend == "sqlite":
        found += find(sqlite_file_bytes(server.database_url), needle.encode())
    return found


def _server_purge(server, capsys: pytest.CaptureFixture[str], *extra: str) -> str:  # type: ignore[no-untyped-def]
    code = cli_main(["--data-dir", str(server.data_dir), "server", "retention", "purge",
                     "--older-than-days", str(DAYS), "--today", TODAY.isoformat(),
                     "--database-url", server.database_url, *extra])
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def _edit(ctx: AppContext, model, row_id: str, **values) -> None:  # type: ignore[no-untyped-def]
    with ctx.database.uow("tester") as uow:
        obj = uow.session.get(model, row_id)
        assert obj is not None
        for k, v in values.items():
            setattr(obj, k, v)
        uow.commit()


def _record_review_id(ctx: AppContext, p: Portfolio) -> str:
    with ctx.database.uow() as uow:
        return uow.session.scalars(select(RecordReview.id).where(
            RecordReview.evidence_id.in_(p.evidence_ids))).one()


def _sent_words(p: Portfolio) -> set[str]:
    return {w for w, where in p.sentinels.items() if where not in LOCAL_ONLY}


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_server_purge_leaves_no_old_text_and_sync_keeps_working(  # type: ignore[no-untyped-def]
        backend: str, live_server, devices: Devices, capsys) -> None:
    server = live_server(backend)
    server.add_user("Fictional Assessor", "assessor")
    a = devices.enrolled("a", server, "Fictional Assessor")
    b = devices.enrolled("b", server, "Fictional Assessor")
    old = add_portfolio(a, OLD, start=date(2018, 9, 3), completed=date(2019, 9, 30))
    recent = add_portfolio(a, RECENT, start=date(2025, 5, 1), completed=date(2026, 6, 30))
    assert a.sync.sync().refused == 0
    b.sync.sync()

    # more history: a second version of the notes, and a conflict holding b's version
    obs = old.observation_ids[0]
    _edit(a, Observation, obs, notes=old.text("observation.notes edited on a"))
    assert a.sync.sync().refused == 0
    _edit(b, Observation, obs, notes=old.text("observation.notes edited on b"))
    assert b.sync.sync().conflicts >= 1
    a.sync.sync()
    # b then goes offline with edits to the old portfolio: new notes, and a new grade
    offline_notes = old.text("observation.notes edited offline on b")
    _edit(b, Observation, obs, notes=offline_notes)
    review = _record_review_id(b, old)
    _edit(b, RecordReview, review, grade="inadequate")

    RetentionService(a.database).purge(YEARS, today=TODAY)
    sent = a.sync.sync()
    assert (sent.refused, sent.conflicts) == (0, 0), a.sync.refusal_reasons()
    with server.engine.connect() as conn:  # the laptops' purge cleared the current rows...
        current = [json.dumps(f) for f in conn.execute(select(SyncRow.fields)).scalars()]
    assert not [f for f in current if OLD in f]
    held = _on_server(server, OLD)  # ...but the server still held the text elsewhere
    assert {h.split(".")[0] for h in held} >= {"sync_row_versions", "batches", "blob_parts"}

    dry = _server_purge(server, capsys, "--dry-run")
    assert dry.startswith("Dry run: 1 portfolio closed before 24 November 2023")
    assert OLD not in dry and "Fictional" not in dry
    assert len(_on_server(server, OLD)) == len(held)  # a dry run changes nothing

    out = _server_purge(server, capsys)
    assert out.split(":")[0] == dry.removeprefix("Dry run: ").split(":")[0]
    assert OLD not in out and "Fictional" not in out
    assert _on_server(server, OLD) == []
    on_server = " ".join(_on_server(server, RECENT))
    assert {w for w in _sent_words(recent) if w not in on_server} == set()
    with server.engine.connect() as conn:
        event = conn.execute(select(AdminEvent)).one()
    assert event.command == "server retention purge"
    assert event.details["portfolios"] == 1 and event.details["versions"] > 10
    assert event.details["files"] == 3  # two attachments and the unsigned report
    assert OLD not in json.dumps(event.details)

    # the offline laptop's edits meet the purge: refused, its text kept on it, none sent
    late = b.sync.sync()
    assert late.refused == 2 and b.sync.refusal_reasons() == [REFUSAL]
    assert _on_server(server, OLD) == []
    with b.database.uow() as uow:
        assert uow.session.get(Observation, obs).notes == offline_notes
    # once b's own purge has run, its edits go through (the grade merges; no notes return)
    RetentionService(b.database).purge(YEARS, today=TODAY)
    again = b.sync.sync()
    assert (again.refused, again.conflicts) == (0, 0), b.sync.refusal_reasons()
    assert b.sync.status().waiting == 0
    assert _on_server(server, OLD) == []
    with server.engine.connect() as conn:
        graded = conn.execute(select(SyncRow.fields).where(
            SyncRow.table_name == "record_review", SyncRow.id == review)).scalar_one()
    assert graded["grade"] == "inadequate" and graded["commentary"] == ""

    # a new laptop pulls everything cleanly: the recent portfolio whole, files included
    a.sync.sync()
    c = devices.enrolled("c", server, "Fictional Assessor")
    first = c.sync.sync()
    assert first.refused == 0 and c.sync.status().waiting == 0
    assert table_contents(c) == table_contents(a)
    assert all(blobs(c)[i] for i in recent.attachment_ids[:2])
    with c.database.uow() as uow:
        gone = uow.session.get(Observation, obs)
        assert gone is not None and gone.notes == ""
    # a second run finds nothing left to remove
    assert "notes were removed from 0 earlier versions of 0 records" in _server_purge(
        server, capsys)
