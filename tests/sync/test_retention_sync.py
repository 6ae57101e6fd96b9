"""The retention purge syncs: what one laptop clears, the server and the other laptop clear
too, and no later sync brings any of it back (nor the files, nor a conflict holding it)."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from assessor_app.app import AppContext
from assessor_app.server.models import SyncRow
from assessor_app.services.retention import RetentionService
from assessor_app.store.keys import resolve_key
from assessor_app.store.models import Attachment, Document
from tests.retention_store import OLD_TAG, RECENT_TAG, TODAY, YEARS, add_portfolio
from tests.store_scan import decrypted_pages, find, table_values
from tests.sync.devices import Devices, blobs, table_contents


def _tables(ctx: AppContext, needle: str) -> list[str]:
    key = resolve_key(ctx.paths, ctx.secrets, create=False).key_hex
    return find(table_values(ctx.paths.db, key), needle.encode())


def _pages(ctx: AppContext, needle: str) -> list[str]:
    key = resolve_key(ctx.paths, ctx.secrets, create=False).key_hex
    return find(decrypted_pages(ctx.paths.db, key), needle.encode())


def _server_rows(server, needle: str) -> list[str]:  # type: ignore[no-untyped-def]
    with server.engine.connect() as conn:
        rows = conn.execute(select(SyncRow.table_name, SyncRow.fields)).all()
    return [t for t, fields in rows if needle in json.dumps(fields)]


def test_a_purge_reaches_the_server_and_the_other_laptop_and_stays(live_server,  # type: ignore[no-untyped-def]
                                                                    devices: Devices) -> None:
    server = live_server("sqlite")
    server.add_user("Fictional Assessor", "assessor")
    a = devices.enrolled("a", server, "Fictional Assessor")
    b = devices.enrolled("b", server, "Fictional Assessor")
    old = add_portfolio(a, OLD_TAG, start=date(2018, 9, 3), completed=date(2019, 9, 30))
    recent = add_portfolio(a, RECENT_TAG, start=date(2025, 5, 1), completed=date(2026, 6, 30))
    assert a.sync.sync().refused == 0
    b.sync.sync()
    assert _tables(b, OLD_TAG) and _server_rows(server, OLD_TAG)
    assert all(blobs(b)[i] for i in old.attachment_ids[:2])  # b holds the live files too

    report = RetentionService(a.database).purge(YEARS, today=TODAY)
    assert report.enrolments == 1 and report.counts["attachments"] == 3
    sent = a.sync.sync()
    assert (sent.refused, sent.conflicts) == (0, 0), a.sync.refusal_reasons()
    assert a.sync.status().waiting == 0
    assert _server_rows(server, OLD_TAG) == []  # the server's records hold none of it
    assert len(_server_rows(server, RECENT_TAG)) > 10

    b.sync.sync()
    assert table_contents(a) == table_contents(b)
    with b.database.uow() as uow:
        for aid in old.attachment_ids:
            att = uow.session.get(Attachment, aid)
            assert att is not None and att.deleted_at is not None and att.content == b""
        draft = uow.session.get(Document, old.unsigned_document_id)
        assert draft is not None and draft.deleted_at is not None and draft.content == b""
        signed = uow.session.get(Document, old.signed_document_id)
        assert signed is not None and signed.content  # a signed report is kept whole
    # b's records are clear; its own purge also scrubs what its search index and file pages
    # still held of the text it had (nothing left to clear, the file is rewritten anyway)
    again = RetentionService(b.database).purge(YEARS, today=TODAY)
    assert again.fields == 0 and again.counts["attachments"] == 0
    assert _tables(b, OLD_TAG) == [] and _pages(b, OLD_TAG) == []

    # later syncs both ways bring nothing back, and the recent portfolio is whole everywhere
    for device in (a, b, a):
        device.sync.sync()
    local_only = {"pseudonym.real", "removed attachment.content"}  # never sent to a server
    for device in (a, b):
        assert _tables(device, OLD_TAG) == []
        found = {h.rsplit(": ", 1)[1] for h in _tables(device, RECENT_TAG)}
        assert found >= {w for w, where in recent.sentinels.items()
                         if device is a or where not in local_only}
    assert table_contents(a) == table_contents(b)
    assert not [r for r in (a.sync.status().waiting, b.sync.status().waiting) if r]
