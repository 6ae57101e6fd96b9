"""Branding from Settings to the stored PDF, over a real encrypted demo store.

The settings file is the real one (in the test's own config folder); reports are
generated, stored and signed by ``report_jobs`` as the GUI and the CLI do, and
read back with poppler (pdftotext, pdfimages, pdfsig) and pyHanko.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from assessor_app.app import AppContext
from assessor_app.cli_reports import register
from assessor_app.services import report_jobs
from assessor_app.services.branding import (
    BrandingChoice,
    current_choice,
    logo_problem,
    resolve,
)
from assessor_app.services.signing import verify_pdf
from assessor_app.settings import Settings, save_settings
from tests.reports.conftest import COMPLETED, pdf_text
from tests.reports.logos import (
    BAD_KINDS,
    BAD_REASONS,
    EMPLOYER,
    bad_logo,
    images_list,
    make_logo,
)
from tests.reports.test_pdfsign import pdfsig
from tests.review_demo import TODAY


def use_settings(**values: str) -> BrandingChoice:
    """Save ``values`` to the settings file the app reads; returns what reports will use."""
    save_settings(Settings(**values))
    return current_choice()


def generate(ctx: AppContext, kind: str = "final",
             branding: BrandingChoice | None = None) -> tuple[bytes, tuple[str, ...]]:
    """The stored PDF and the notices, through the same phases as the Reports view."""
    enrolment = ctx.reports.resolve_practitioner(COMPLETED)
    built = report_jobs.build_report(ctx, kind, enrolment, today=TODAY, branding=branding)
    rendered = report_jobs.render_report(built)
    row = report_jobs.store_report(ctx, built, rendered)
    return report_jobs.document_content(ctx, row.id), rendered.notices


def test_employer_name_and_logo_from_settings_are_on_the_report(
        ctx: AppContext, tmp_path: Path) -> None:
    logo = make_logo(tmp_path / "westbrook.png")
    choice = use_settings(employer_name=f"  {EMPLOYER} ", report_logo=str(logo))
    assert choice == BrandingChoice(EMPLOYER, str(logo))
    pdf, notices = generate(ctx, branding=choice)
    assert notices == ()
    text = pdf_text(pdf, tmp_path)
    assert text.count(EMPLOYER) >= 2  # the letterhead, then every footer
    assert EMPLOYER in pdf_text(pdf, tmp_path, 1, 1)
    images = images_list(pdf, tmp_path)
    assert [(i["page"], i["type"]) for i in images] == [("1", "image")]
    assert int(images[0]["width"]) <= 600 and int(images[0]["height"]) <= 240


def test_no_settings_means_no_branding(ctx: AppContext, tmp_path: Path) -> None:
    choice = current_choice()  # no settings file in this test's config folder
    assert choice == BrandingChoice()
    pdf, notices = generate(ctx, branding=choice)
    assert notices == () and images_list(pdf, tmp_path) == []
    assert EMPLOYER not in pdf_text(pdf, tmp_path)


def test_the_moderation_copy_is_never_branded(ctx: AppContext, tmp_path: Path) -> None:
    choice = use_settings(employer_name=EMPLOYER,
                          report_logo=str(make_logo(tmp_path / "l.png")))
    pdf, notices = generate(ctx, "moderation", choice)
    assert notices == () and images_list(pdf, tmp_path) == []
    assert EMPLOYER not in pdf_text(pdf, tmp_path)


@pytest.mark.parametrize("kind", BAD_KINDS)
def test_a_bad_logo_is_left_out_and_said_once_and_the_report_is_still_made(
        ctx: AppContext, tmp_path: Path, kind: str) -> None:
    path = bad_logo(kind, tmp_path)
    choice = BrandingChoice(EMPLOYER, str(path))
    pdf, notices = generate(ctx, branding=choice)
    assert pdf.startswith(b"%PDF-")
    assert EMPLOYER in pdf_text(pdf, tmp_path, 1, 1)  # the name is kept
    assert images_list(pdf, tmp_path) == []
    assert len(notices) == 1
    assert notices[0].startswith("The logo was left out of this report:")
    assert BAD_REASONS[kind] in notices[0] and "Settings → Reports" in notices[0]
    # the settings dialog shows the same reason under the logo field
    assert logo_problem(str(path)) in notices[0]


def test_the_dialog_check_accepts_a_good_logo_and_no_logo(tmp_path: Path) -> None:
    assert logo_problem(str(make_logo(tmp_path / "ok.jpg", fmt="JPEG"))) is None
    assert logo_problem("") is None
    assert "PNG or JPEG" in (logo_problem(str(tmp_path / "logo.gif")) or "")
    assert resolve(None).branding.empty and resolve(BrandingChoice()).notice == ""


def test_a_signed_branded_report_verifies_with_pyhanko_and_pdfsig(
        ctx: AppContext, tmp_path: Path) -> None:
    choice = BrandingChoice(EMPLOYER, str(make_logo(tmp_path / "l.png")))
    enrolment = ctx.reports.resolve_practitioner(COMPLETED)
    row = report_jobs.generate(ctx, "final", enrolment, today=TODAY, branding=choice)
    report_jobs.sign_document(ctx, row.id, "assessor")
    report_jobs.sign_document(ctx, row.id, "practitioner")
    signed = report_jobs.document_content(ctx, row.id)
    assert len(images_list(signed, tmp_path)) == 1 and EMPLOYER in pdf_text(signed, tmp_path, 1, 1)
    report = verify_pdf(signed)
    assert [s.role for s in report.signatures] == ["assessor", "practitioner"]
    assert report.all_ok and all(s.intact for s in report.signatures)
    out = pdfsig(tmp_path, signed)
    assert out.count("Signature is Valid.") == 2, out
    assert "Total document signed" in out


# -- the CLI --------------------------------------------------------------------------

def run_report(argv: list[str]) -> int:
    def data_dir(p: argparse.ArgumentParser, top: bool = False) -> None:
        p.add_argument("--data-dir", default=None)

    parser = argparse.ArgumentParser(prog="assessor-app")
    handlers = register(parser.add_subparsers(dest="command"), data_dir)
    args = parser.parse_args(argv)
    return handlers["report"](args)


def test_cli_report_uses_the_settings_and_warns_once_about_a_bad_logo(
        demo_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "final.pdf"
    argv = ["report", "final", "--practitioner", "tomasz", "--out", str(out),
            "--data-dir", str(demo_folder), "--today", TODAY.isoformat()]
    use_settings(employer_name=EMPLOYER, report_logo=str(make_logo(tmp_path / "l.png")))
    assert run_report(argv) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and f"Wrote {out}" in captured.out
    assert EMPLOYER in pdf_text(out.read_bytes(), tmp_path, 1, 1)
    assert len(images_list(out.read_bytes(), tmp_path)) == 1

    (tmp_path / "l.png").unlink()  # the logo was moved away since it was chosen
    assert run_report(argv) == 0
    captured = capsys.readouterr()
    warnings = [ln for ln in captured.err.splitlines() if "warning" in ln]
    assert warnings == ["assessor-app: warning: The logo was left out of this report: There is "
                        "no picture at that path (or it cannot be read). Choose another logo in "
                        "Settings → Reports, or clear the field."]
    assert f"Wrote {out}" in captured.out
    assert EMPLOYER in pdf_text(out.read_bytes(), tmp_path, 1, 1)
    assert images_list(out.read_bytes(), tmp_path) == []
