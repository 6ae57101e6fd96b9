"""The retention purge leaves no copy: sentinels in every narrative field, file and leftover
of an old closed portfolio are gone from every table, every decrypted page of the store and
its log, and every other file in the data folder; a recent portfolio keeps all of its own."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from assessor_app.app import AppContext, open_context
from assessor_app.keystore import MemorySecretStore
from assessor_app.paths import DataPaths
from assessor_app.services.retention import RetentionService
from assessor_app.store.keys import resolve_key
from assessor_app.store.models import (
    Attachment,
    Document,
    Evidence,
    FinalAssessment,
    Reflection,
    SyncState,
)
from tests.retention_store import (
    KEPT_TAG,
    OLD_TAG,
    RECENT_TAG,
    TODAY,
    YEARS,
    Portfolio,
    add_portfolio,
    add_sync_leftovers,
)
from tests.store_scan import decrypted_pages, find, folder_files, table_values


@dataclass
class Store:
    ctx: AppContext
    paths: DataPaths
    key: str
    old: Portfolio
    recent: Portfolio

    def tables(self, needle: str) -> list[str]:
        return find(table_values(self.paths.db, self.key), needle.encode())

    def pages(self, needle: str) -> list[str]:
        return find(decrypted_pages(self.paths.db, self.key), needle.encode())

    def files(self, needle: str) -> list[str]:
        return find(folder_files(self.paths.root, self.paths.db), needle.encode())


@pytest.fixture
def store(tmp_path) -> Iterator[Store]:  # type: ignore[no-untyped-def]
    secrets = MemorySecretStore()
    paths = DataPaths(tmp_path / "data")
    ctx = open_context(paths, secrets=secrets)
    old = add_portfolio(ctx, OLD_TAG, start=date(2018, 9, 3), completed=date(2019, 9, 30))
    recent = add_portfolio(ctx, RECENT_TAG, start=date(2025, 5, 1), completed=date(2026, 6, 30))
    add_sync_leftovers(ctx, old)
    store = Store(ctx, paths, resolve_key(paths, secrets, create=False).key_hex, old, recent)
    yield store
    ctx.close()


def _words(hits: list[str]) -> set[str]:
    return {h.rsplit(": ", 1)[1] for h in hits}


def test_the_fixture_puts_every_sentinel_in_the_store(store: Store) -> None:
    """The scan can see what it looks for: without this the purge test could pass on a
    store that never held the text."""
    found = _words(store.tables(OLD_TAG))
    assert set(store.old.sentinels) <= found, set(store.old.sentinels) - found
    assert store.pages(OLD_TAG), "the decrypted pages show the text before the purge"
    notes = next(w for w, where in store.old.sentinels.items() if where == "observation.notes")
    assert store.ctx.search.search(notes, 50)


def test_purge_leaves_no_copy_of_the_old_portfolio_anywhere(store: Store) -> None:
    report = RetentionService(store.ctx.database).purge(YEARS, today=TODAY)
    assert report.enrolments == 1
    # the app is still running (its connections open): nothing in any table, page or file
    assert store.tables(OLD_TAG) == []
    assert store.pages(OLD_TAG) == []
    assert store.files(OLD_TAG) == []
    # the recent portfolio keeps every word, the old one its kept records
    assert _words(store.tables(RECENT_TAG)) >= set(store.recent.sentinels)
    assert store.tables(KEPT_TAG)
    store.ctx.close()
    assert store.pages(OLD_TAG) == []


def test_purge_keeps_the_outcome_and_what_was_signed(store: Store) -> None:
    RetentionService(store.ctx.database).purge(YEARS, today=TODAY)
    old = store.old
    with store.ctx.database.uow() as uow:
        s = uow.session
        final = s.scalars(select(FinalAssessment).where(
            FinalAssessment.enrolment_id == old.enrolment_id)).one()
        assert (final.recommendation, final.status) == ("pass", "signed")
        assert KEPT_TAG in final.rationale and KEPT_TAG in final.judgements["pcf:PCF1"]["comment"]
        signed = s.get(Document, old.signed_document_id)
        assert signed is not None and signed.deleted_at is None and KEPT_TAG.encode() in signed.content
        draft = s.get(Document, old.unsigned_document_id)
        assert draft is not None and draft.deleted_at is not None and draft.content == b""
        signed_ev = s.get(Reflection, old.signed_evidence_id)
        assert signed_ev is not None and KEPT_TAG in signed_ev.body
        for aid in old.attachment_ids:
            a = s.get(Attachment, aid)
            assert a is not None and a.deleted_at is not None and (a.content, a.size) == (b"", 0)
        kinds = {e.kind: e.title for e in s.scalars(select(Evidence).where(
            Evidence.enrolment_id == old.enrolment_id, Evidence.status != "signed"))}
        assert kinds["observation"] == "Direct observation"
        # every purged row goes to the server at the next sync, as an ordinary edit
        assert all(e.dirty for e in s.scalars(select(Evidence).where(
            Evidence.enrolment_id == old.enrolment_id)))
        push = s.get(SyncState, "push")
        assert push is None or OLD_TAG not in str(push.value)


def test_search_no_longer_finds_the_purged_text(store: Store) -> None:
    old_words = [w for w, where in store.old.sentinels.items() if where.startswith(
        ("observation.notes", "evidence.title", "feedback.own_words", "reflection.body"))]
    recent_words = [w for w, where in store.recent.sentinels.items() if where.startswith(
        ("observation.notes", "evidence.title", "feedback.own_words", "reflection.body"))]
    search = store.ctx.search
    assert all(search.search(w, 50) for w in old_words + recent_words)
    RetentionService(store.ctx.database).purge(YEARS, today=TODAY)
    assert [w for w in old_words if search.search(w, 50)] == []
    assert [w for w in recent_words if not search.search(w, 50)] == []
    assert search.search(OLD_TAG, 50) == []  # not even as a prefix


def test_dry_run_reports_exactly_what_the_purge_then_clears(store: Store) -> None:
    service = RetentionService(store.ctx.database)
    dry = service.purge(YEARS, today=TODAY, dry_run=True)
    assert _words(store.tables(OLD_TAG)) >= set(store.old.sentinels)  # nothing changed
    text = dry.describe()
    assert text.startswith("1 portfolio(s)") and "would be cleared" in text
    assert OLD_TAG not in text and RECENT_TAG not in text
    real = service.purge(YEARS, today=TODAY)
    assert real.counts == dry.counts
    assert real.kept == dry.kept
    assert real.describe().replace("were cleared", "would be cleared") == text
    assert real.counts["attachments"] == 3 and real.counts["documents"] == 1
    assert real.kept["signed_documents"] == 1 and real.kept["signed_evidence"] == 1
    again = service.purge(YEARS, today=TODAY, dry_run=True)
    assert again.fields == 0 and sum(again.counts.values()) == again.enrolments == 1


def test_the_report_counts_backups_that_still_hold_the_text(store: Store) -> None:
    from assessor_app.services.backup import backup_now

    backup_now(store.paths, secrets=store.ctx.secrets)
    report = RetentionService(store.ctx.database).purge(YEARS, today=TODAY, dry_run=True)
    assert report.backups == 1
    assert "1 backup of this store made before now still holds the old text" in report.describe()
