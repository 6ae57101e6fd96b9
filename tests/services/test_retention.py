"""Retention purge on a real demo store: dry run counts, purge clears notes, keeps the rest."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from assessor_app.app import AppContext, demo_paths, open_context
from assessor_app.cli import main
from assessor_app.domain.audit import verify_chain
from assessor_app.errors import UsageError
from assessor_app.services.retention import RetentionService, years_before
from assessor_app.store.audit import iter_records
from assessor_app.store.models.assessment import Document, Review
from assessor_app.store.models.evidence import Evidence, Observation, Reflection
from assessor_app.store.models.people import Enrolment
from assessor_app.store.models.system import AuditEvent
from tests.review_demo import TODAY, copy_store

LATER = date(TODAY.year + 3, TODAY.month, TODAY.day)  # the completed portfolio is old by then


@pytest.fixture
def store(review_template: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    ctx = open_context(demo_paths(copy_store(review_template, tmp_path / "demo")), create=False)
    yield ctx
    ctx.close()


def _texts(ctx: AppContext) -> dict[str, list[str]]:
    """Non-empty notes per enrolment status: observation notes, reflections, review reasons."""
    out: dict[str, list[str]] = {}
    with ctx.database.uow() as uow:
        s = uow.session
        for status, notes in s.execute(
                select(Enrolment.status, Observation.notes).join(
                    Evidence, Evidence.enrolment_id == Enrolment.id).join(
                    Observation, Observation.evidence_id == Evidence.id)):
            if notes:
                out.setdefault(status, []).append(notes)
        for status, body in s.execute(
                select(Enrolment.status, Reflection.body).join(
                    Evidence, Evidence.enrolment_id == Enrolment.id).join(
                    Reflection, Reflection.evidence_id == Evidence.id)):
            if body:
                out.setdefault(status, []).append(body)
        for status, reasons in s.execute(select(Enrolment.status, Review.reasons).join(
                Review, Review.enrolment_id == Enrolment.id)):
            if reasons:
                out.setdefault(status, []).append(reasons)
    return out


def _count(ctx: AppContext, model: type) -> int:
    with ctx.database.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model)) or 0


def test_dry_run_counts_and_changes_nothing(store: AppContext) -> None:
    before = _texts(store)
    assert before.get("completed"), "the demo's completed portfolio has notes"
    events = _count(store, AuditEvent)
    report = RetentionService(store.database).purge(2, today=LATER, dry_run=True)
    assert report.dry_run and report.enrolments == 1
    assert report.evidence > 0 and report.fields >= report.evidence
    assert "would be cleared" in report.describe()
    assert _texts(store) == before
    assert _count(store, AuditEvent) == events


def test_purge_clears_closed_notes_and_keeps_structure(store: AppContext) -> None:
    before = _texts(store)
    evidence, documents, reviews = (_count(store, m) for m in (Evidence, Document, Review))
    report = RetentionService(store.database).purge(2, today=LATER)
    after = _texts(store)
    assert report.enrolments == 1 and report.fields > 0
    assert "completed" not in after
    assert {k: v for k, v in after.items()} == {k: v for k, v in before.items()
                                                 if k != "completed"}
    assert (_count(store, Evidence), _count(store, Document), _count(store, Review)) == \
        (evidence, documents, reviews)
    with store.database.uow() as uow:
        assert verify_chain(iter_records(uow.session)).ok
        fields = uow.session.scalars(select(AuditEvent.fields).where(
            AuditEvent.action == "retention")).one()
    assert f"fields={report.fields}" in fields
    assert all("=" in f for f in fields)  # counts and the date only
    again = RetentionService(store.database).purge(2, today=LATER)
    assert again.fields == 0


def test_nothing_is_purged_within_the_period(store: AppContext) -> None:
    report = RetentionService(store.database).purge(2, today=TODAY)
    assert (report.enrolments, report.fields) == (0, 0)
    assert "nothing to remove" in report.describe()


def test_no_period_set_is_a_plain_error(store: AppContext) -> None:
    with pytest.raises(UsageError, match="No retention period"):
        RetentionService(store.database).purge(0)


def test_leap_day_cutoff() -> None:
    assert years_before(date(2028, 2, 29), 3) == date(2025, 2, 28)


def test_cli_dry_run_then_purge(review_template: Path, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    folder = copy_store(review_template, tmp_path / "cli-demo")
    args = ["retention", "purge", "--years", "2", "--today", LATER.isoformat(),
            "--data-dir", str(folder)]
    assert main([*args, "--dry-run"]) == 0
    assert capsys.readouterr().out.startswith("Dry run: 1 portfolio(s)")
    assert main(args) == 0
    assert "were cleared" in capsys.readouterr().out
    assert main(["retention", "purge", "--data-dir", str(folder)]) == 2  # none set in Settings
    assert "No retention period" in capsys.readouterr().err


def test_cli_commands_write_counts_to_the_log_file(review_template: Path, tmp_path: Path,
                                                   user_dirs: Path) -> None:
    import logging

    folder = copy_store(review_template, tmp_path / "log-demo")
    assert main(["retention", "purge", "--years", "2", "--today", LATER.isoformat(),
                 "--data-dir", str(folder)]) == 0
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = (user_dirs / "log" / "assessor-app.log").read_text(encoding="utf-8")
    assert "retention purge: 1 enrolments" in text


def test_purged_notes_leave_the_search_index(store: AppContext) -> None:
    done = next(r for r in store.list_rows(TODAY) if r.status.value == "completed")
    with store.database.uow() as uow:
        notes = uow.session.scalars(select(Observation.notes).join(
            Evidence, Evidence.id == Observation.evidence_id).where(
            Evidence.enrolment_id == done.enrolment_id, Observation.notes != "")).first()
    assert notes
    phrase = " ".join(notes.split()[3:6])  # a few words from the middle of the notes
    assert store.search.search(f'"{phrase}"', 50, enrolment_id=done.enrolment_id)
    RetentionService(store.database).purge(2, today=LATER)
    assert store.search.search(f'"{phrase}"', 50, enrolment_id=done.enrolment_id) == []
