"""Signing the final report as the assessor fixes the assessment it was built from."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assessor_app.app import create_demo, demo_paths, open_context
from assessor_app.domain.enums import EnrolmentStatus
from assessor_app.domain.review_dto import AssessmentInput
from assessor_app.services import report_jobs
from assessor_app.services.assessment import AssessmentSigned

TODAY = date(2026, 11, 23)


def test_assessor_signature_locks_the_final_assessment(tmp_path: Path) -> None:
    paths = demo_paths(tmp_path / "demo")
    create_demo(paths, today=TODAY)
    ctx = open_context(paths, create=False)
    try:
        done = next(r for r in ctx.list_rows(TODAY) if r.status is EnrolmentStatus.COMPLETED)
        before = ctx.assessment.get(done.enrolment_id)
        assert before is not None and before.status == "final"

        row = report_jobs.generate(ctx, "final", done.enrolment_id, today=TODAY)
        report_jobs.sign_document(ctx, row.id, "assessor")

        assert ctx.assessment.get(done.enrolment_id).status == "signed"
        with pytest.raises(AssessmentSigned):
            ctx.assessment.update(done.enrolment_id, AssessmentInput(strengths="A late change"))
        # A practitioner's countersignature changes nothing more and is still allowed.
        report_jobs.sign_document(ctx, row.id, "practitioner")
        assert ctx.assessment.get(done.enrolment_id).status == "signed"
    finally:
        ctx.close()


def test_the_document_id_on_the_page_is_the_stored_document(tmp_path: Path) -> None:
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed; .ci/run installs it")
    paths = demo_paths(tmp_path / "demo")
    create_demo(paths, today=TODAY)
    ctx = open_context(paths, create=False)
    try:
        first = ctx.list_rows(TODAY)[0]
        row = report_jobs.generate(ctx, "final", first.enrolment_id, today=TODAY)
        pdf = tmp_path / "r.pdf"
        pdf.write_bytes(report_jobs.document_content(ctx, row.id))
    finally:
        ctx.close()
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert f"Document {row.id}" in text


def test_each_review_report_has_its_own_versions(tmp_path: Path) -> None:
    paths = demo_paths(tmp_path / "demo")
    create_demo(paths, today=TODAY)
    ctx = open_context(paths, create=False)
    try:
        done = next(r for r in ctx.list_rows(TODAY) if r.status is EnrolmentStatus.COMPLETED)
        three = ctx.reports.review_for_point(done.enrolment_id, "review-3")
        six = ctx.reports.review_for_point(done.enrolment_id, "review-6")
        a = report_jobs.generate(ctx, "review", done.enrolment_id, today=TODAY, review_id=three)
        b = report_jobs.generate(ctx, "review", done.enrolment_id, today=TODAY, review_id=six)
        again = report_jobs.generate(ctx, "review", done.enrolment_id, today=TODAY, review_id=three)
        rows = {r.id: r for r in report_jobs.list_documents(ctx, done.enrolment_id)}
        assert (rows[a.id].version, rows[b.id].version, rows[again.id].version) == (1, 1, 2)
        assert rows[a.id].superseded and not rows[b.id].superseded
        # the 6-month review's report is still the newest of its own: it can be signed
        report_jobs.sign_document(ctx, b.id, "assessor")
    finally:
        ctx.close()
