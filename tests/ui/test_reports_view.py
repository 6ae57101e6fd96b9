"""The Reports tab over a real encrypted demo store: generate, sign, countersign, verify,
save, open, refusals in words, and a window that keeps painting while a portfolio is built.

Set ASSESSOR_APP_SCREENSHOT_DIR to keep screenshots of the tab.
"""

from __future__ import annotations

import os
import re
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtWidgets import QLabel, QProgressBar, QWidget
from pytestqt.qtbot import QtBot

from assessor_app.app import AppContext, create_demo, demo_paths, open_context
from assessor_app.domain.enums import EnrolmentStatus
from assessor_app.domain.report_data import ReportKind
from assessor_app.keystore import MemorySecretStore
from assessor_app.services import report_jobs
from assessor_app.services.signing import SigningService
from assessor_app.settings import Settings, save_settings
from assessor_app.ui.tasks import DbRunner
from assessor_app.ui.views.practitioner_page import TAB_NAMES, PractitionerPageView
from assessor_app.ui.views.reports_view import ReportsView
from tests.reports.conftest import pdf_text
from tests.reports.logos import EMPLOYER, images_list, make_logo
from tests.review_demo import TODAY  # the date the shared demo_folder is made for

SCREENSHOT_ENV = "ASSESSOR_APP_SCREENSHOT_DIR"


def completed_enrolment(ctx: AppContext) -> str:
    """The demo's completed practitioner: every review held, a final assessment."""
    return next(r.enrolment_id for r in ctx.list_rows(TODAY)
                if r.status is EnrolmentStatus.COMPLETED)


def make_page(qtbot: QtBot, ctx: AppContext, runner: DbRunner,
              enrolment_id: str) -> PractitionerPageView:
    view = PractitionerPageView()
    qtbot.addWidget(view)
    view.resize(1100, 860)
    view.show()
    qtbot.waitExposed(view)
    view.set_services(runner, ctx)
    view.show_page(ctx.page(enrolment_id, TODAY))
    with qtbot.waitSignal(view.reports.documents_changed, timeout=10_000):
        view.show_tab("Reports")
    return view


@pytest.fixture
def page(qtbot: QtBot, ctx: AppContext, runner: DbRunner) -> Iterator[PractitionerPageView]:
    view = make_page(qtbot, ctx, runner, completed_enrolment(ctx))
    yield view
    view.reports.shutdown()


def act(qtbot: QtBot, reports: ReportsView, action: Callable[[], object], *,
        listed: bool = True, ok: bool = True) -> None:
    """Run a user action and wait for its job (and the list refresh that follows)."""
    results: list[bool] = []
    reports.job_finished.connect(results.append)
    signals = [reports.job_finished] + ([reports.documents_changed] if listed else [])
    try:
        with qtbot.waitSignals(signals, timeout=30_000, order="strict"):
            action()
    finally:
        reports.job_finished.disconnect(results.append)
    assert results == [ok], reports.message_label.text()


def generate(qtbot: QtBot, reports: ReportsView, kind: ReportKind) -> report_jobs.DocumentRow:
    reports.choose(kind)
    act(qtbot, reports, reports.generate_button.click)
    row = reports.selected_row()
    assert row is not None and row.kind is kind and row.version >= 1
    return row


def shot(view: QWidget, name: str) -> None:
    image = view.grab()
    assert not image.isNull() and image.width() > 800
    folder = os.environ.get(SCREENSHOT_ENV)
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        assert image.save(str(Path(folder) / f"{name}.png"))


def test_generating_a_final_report_lists_it_unsigned(qtbot: QtBot, page: PractitionerPageView,
                                                     ctx: AppContext) -> None:
    reports = page.reports
    before = reports.documents.topLevelItemCount()
    row = generate(qtbot, reports, ReportKind.FINAL)
    assert reports.documents.topLevelItemCount() == before + 1
    item = reports.documents.currentItem()
    assert item.text(0) == "Final assessment report"
    assert item.text(1) == str(row.version)
    assert item.text(3) == row.sha256[:12]
    assert item.text(4) == "Not signed; assessor to sign first"
    assert "generated" in reports.message_label.text() and "pages" in reports.message_label.text()
    assert not reports.progress.isVisible()
    stored = report_jobs.list_documents(ctx, completed_enrolment(ctx))
    assert row.id in {r.id for r in stored}
    assert report_jobs.document_content(ctx, row.id).startswith(b"%PDF-")


def test_sign_then_countersign_updates_status_and_verify_shows_two_intact_signatures(
        qtbot: QtBot, page: PractitionerPageView) -> None:
    reports = page.reports
    generate(qtbot, reports, ReportKind.FINAL)
    shot(page, "01-generated")
    act(qtbot, reports, reports.sign_buttons["assessor"].click)
    assert reports.documents.currentItem().text(4) == \
        "Signed by assessor; practitioner and line manager to sign"
    act(qtbot, reports, reports.sign_buttons["practitioner"].click)
    assert reports.documents.currentItem().text(4) == \
        "Signed by assessor, practitioner; line manager to sign"
    assert "line manager countersigns" in reports.hint_label.text()

    act(qtbot, reports, reports.verify_button.click, listed=False)
    report = reports.last_report
    assert report is not None and report.all_ok and len(report.signatures) == 2
    table = reports.check.table
    assert table.topLevelItemCount() == 2
    rows = [[table.topLevelItem(i).text(c) for c in range(5)] for i in range(2)]
    assert [r[1] for r in rows] == ["Assessor", "Practitioner"]
    assert [r[3] for r in rows] == ["Yes", "Yes"]
    assert rows[0][4] == "No (only 1 later signature added)" and rows[1][4] == "No"
    assert all(r[0] for r in rows)
    assert "Both signatures are intact" in reports.check.verdict_label.text()
    shot(page, "02-signed-and-verified")


def test_a_report_carries_the_employers_name_and_logo_from_settings(
        qtbot: QtBot, page: PractitionerPageView, ctx: AppContext, tmp_path: Path) -> None:
    """Saved in Settings → Reports, read at Generate: the stored PDF is branded."""
    save_settings(Settings(employer_name=EMPLOYER,
                           report_logo=str(make_logo(tmp_path / "logo.png"))))
    reports = page.reports
    row = generate(qtbot, reports, ReportKind.FINAL)
    assert "logo" not in reports.message_label.text()  # nothing to warn about
    pdf = report_jobs.document_content(ctx, row.id)
    assert EMPLOYER in pdf_text(pdf, tmp_path, 1, 1)
    assert [i["page"] for i in images_list(pdf, tmp_path)] == ["1"]


def test_a_logo_that_has_gone_is_left_out_and_the_status_says_so_once(
        qtbot: QtBot, page: PractitionerPageView, ctx: AppContext, tmp_path: Path) -> None:
    save_settings(Settings(employer_name=EMPLOYER, report_logo=str(tmp_path / "gone.png")))
    reports = page.reports
    row = generate(qtbot, reports, ReportKind.FINAL)  # the job still succeeds
    message = reports.message_label.text()
    assert message.startswith(f"Final assessment report version {row.version} generated")
    assert message.count("The logo was left out of this report") == 1
    assert "There is no picture at that path" in message and "Settings → Reports" in message
    assert reports.message_label.isVisible()
    shot(page, "02-logo-left-out")
    pdf = report_jobs.document_content(ctx, row.id)
    assert EMPLOYER in pdf_text(pdf, tmp_path, 1, 1) and images_list(pdf, tmp_path) == []


def test_countersigning_first_or_twice_is_explained_not_done(qtbot: QtBot,
                                                             page: PractitionerPageView) -> None:
    reports = page.reports
    generate(qtbot, reports, ReportKind.REVIEW)
    reports.sign_buttons["manager"].click()  # no job starts: the rule is checked first
    assert "assessor has not signed" in reports.message_label.text()
    assert "assessor signs first" in reports.sign_buttons["practitioner"].toolTip()
    act(qtbot, reports, reports.sign_buttons["assessor"].click)
    reports.sign_buttons["assessor"].click()
    assert "already signed" in reports.message_label.text()
    assert reports.documents.currentItem().text(4).startswith("Signed by assessor;")
    shot(page, "03-refusal-explained")


def test_the_moderation_portfolio_cannot_be_signed(qtbot: QtBot,
                                                   page: PractitionerPageView) -> None:
    reports = page.reports
    row = generate(qtbot, reports, ReportKind.MODERATION)
    assert reports.documents.currentItem().text(4).startswith("Not signed (anonymised")
    reports.sign_buttons["assessor"].click()
    assert "moderation portfolio is not signed" in reports.message_label.text()
    assert "never signed" in reports.hint_label.text()
    assert report_jobs.signing_refusal(row, "assessor") is not None


def test_review_and_evidence_reports_are_about_the_chosen_item(
        qtbot: QtBot, page: PractitionerPageView, ctx: AppContext) -> None:
    reports, dto = page.reports, page.page
    assert dto is not None
    first = next(r for r in dto.reviews if r.held_on)
    reports.choose(ReportKind.REVIEW, first.id)
    assert reports.which_combo.isVisible() and reports.chooser.which == first.id
    act(qtbot, reports, reports.generate_button.click)
    evidence = dto.evidence[-1]
    reports.choose(ReportKind.EVIDENCE, evidence.id)
    assert evidence.title in reports.which_combo.currentText()
    act(qtbot, reports, reports.generate_button.click)
    assert reports.selected_row().kind is ReportKind.EVIDENCE  # type: ignore[union-attr]
    shot(page, "04-evidence-record")
    reports.choose(ReportKind.FINAL)
    assert not reports.which_combo.isVisible()


def test_a_missing_signing_passphrase_is_a_plain_message(qtbot: QtBot,
                                                         page: PractitionerPageView,
                                                         ctx: AppContext) -> None:
    reports = page.reports
    generate(qtbot, reports, ReportKind.PORTFOLIO)
    act(qtbot, reports, reports.sign_buttons["assessor"].click)  # the identity now exists
    row = generate(qtbot, reports, ReportKind.PORTFOLIO)
    ctx.__dict__["signing"] = SigningService(ctx.database, MemorySecretStore())  # empty keyring
    act(qtbot, reports, reports.sign_buttons["assessor"].click, listed=False, ok=False)
    text = reports.message_label.text()
    assert "keyring has no passphrase" in text and "Traceback" not in text
    assert not reports.progress.isVisible() and reports.generate_button.isEnabled()
    assert reports.selected_row() == row  # still unsigned, still selected


def test_save_as_writes_the_file_and_open_uses_a_private_copy_deleted_on_close(
        qtbot: QtBot, page: PractitionerPageView, ctx: AppContext, tmp_path: Path) -> None:
    reports = page.reports
    row = generate(qtbot, reports, ReportKind.FINAL)
    asked: list[str] = []
    target = tmp_path / "final.pdf"
    reports.choose_save_path = lambda suggested: asked.append(suggested) or str(target)
    act(qtbot, reports, reports.save_button.click)
    assert target.read_bytes() == report_jobs.document_content(ctx, row.id)
    assert asked[0].endswith(f"Final assessment report v{row.version}.pdf")
    assert [p.name for p in tmp_path.iterdir()] == ["final.pdf"]  # no temporary left behind

    opened: list[QUrl] = []
    reports.open_url = lambda url: opened.append(url) or True
    act(qtbot, reports, reports.open_button.click)
    copy = Path(opened[0].toLocalFile())
    assert copy.read_bytes() == target.read_bytes()
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700
    assert page.page is not None and page.page.row.name.split()[0] not in copy.name
    reports.shutdown()
    assert not copy.exists() and not copy.parent.exists()


def test_a_long_portfolio_keeps_the_window_responsive(qtbot: QtBot, runner: DbRunner,
                                                      tmp_path: Path) -> None:
    from benchmarks.report import _top_up

    paths = demo_paths(tmp_path / "big")
    create_demo(paths, today=TODAY)
    ctx = open_context(paths, create=False)
    try:
        enrolment = completed_enrolment(ctx)
        _top_up(ctx.database, enrolment, 110)
        view = make_page(qtbot, ctx, runner, enrolment)
        reports = view.reports
        reports.choose(ReportKind.PORTFOLIO)
        ticks: list[float] = []
        timer = QTimer(view, interval=10)
        timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
        timer.start()
        started = time.perf_counter()
        QTimer.singleShot(600, view, lambda: shot(view, "00-building-a-long-portfolio"))  # not after it is gone
        act(qtbot, reports, reports.generate_button.click)
        elapsed = time.perf_counter() - started
        timer.stop()
        during = [t for t in ticks if t <= started + elapsed]
        gaps = [b - a for a, b in zip([started, *during], during, strict=False)]
        pages = re.search(r"\((\d+) pages\)", reports.message_label.text())
        assert pages and int(pages[1]) >= 40, reports.message_label.text()
        # enough ticks for the checks below to mean something (a count, not a time: a fast
        # machine renders sooner and ticks as often)
        assert len(during) >= 20, (len(during), elapsed)
        # Laid out on the GUI thread, the window would stop for the whole layout (about 4
        # ticks a second were seen that way). On the PDF worker it keeps ticking; the worst
        # pauses are the worker's garbage collections. Both checks are relative to this
        # render's own length, not absolute times, so a busy machine does not fail them.
        assert len(during) >= elapsed / 0.1, (len(during), elapsed)
        assert max(gaps) < elapsed / 2, (max(gaps), elapsed)
        print(f"portfolio of {pages[1]} pages in {elapsed:.2f} s: {len(during)} ticks, "
              f"longest gap {max(gaps) * 1000:.0f} ms")
        reports.shutdown()
    finally:
        runner.shutdown()
        ctx.close()


def test_every_control_has_an_accessible_name(page: PractitionerPageView) -> None:
    unnamed = [f"{type(w).__name__} {w.objectName()!r}" for w in page.findChildren(QWidget)
               if (w.focusPolicy() & Qt.FocusPolicy.TabFocus or isinstance(w, QProgressBar))
               and w.window() is page and not w.accessibleName().strip()]
    assert unnamed == []
    labels = [w for w in page.reports.findChildren(QLabel) if w.accessibleName()]
    assert {"Reports message", "Next step", "Verification result",
            "Report progress text"} <= {w.accessibleName() for w in labels}


def test_ctrl_tab_and_ctrl_page_down_switch_tabs_and_editors_drop_in(
        qtbot: QtBot, page: PractitionerPageView) -> None:
    page.show_tab("Overview")
    page.evidence.table.setFocus()
    qtbot.waitUntil(page.evidence.table.hasFocus)
    qtbot.keyClick(page.evidence.table, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert page.tabs.tabText(page.tabs.currentIndex()) == TAB_NAMES[1]
    qtbot.keyClick(page.focusWidget() or page, Qt.Key.Key_PageDown,
                   Qt.KeyboardModifier.ControlModifier)
    assert page.tabs.tabText(page.tabs.currentIndex()) == TAB_NAMES[2]
    qtbot.keyClick(page.focusWidget() or page, Qt.Key.Key_PageUp,
                   Qt.KeyboardModifier.ControlModifier)
    assert page.tabs.tabText(page.tabs.currentIndex()) == TAB_NAMES[1]

    editor = QLabel("a review editor")
    page.set_tab_widget("Reviews", editor)
    assert page.tab_widget("Reviews") is editor and page.tabs.count() == len(TAB_NAMES)
    assert page.tabs.currentWidget() is editor and editor.accessibleName() == "Reviews"


def test_pdf_pool_runs_off_the_gui_thread_and_reports_back_on_it(qtbot: QtBot) -> None:
    import threading

    from assessor_app.errors import AppError
    from assessor_app.ui.pdf_pool import PdfPool

    pool = PdfPool()
    gui = threading.get_ident()
    seen: dict[str, object] = {}

    def work(n: int, progress: Callable[[str], None]) -> int:
        seen["worker"] = threading.get_ident()
        progress("half way")
        return n * 2

    def fail() -> None:
        raise AppError("No can do.", "Try again.")

    try:
        texts: list[tuple[str, int]] = []
        op = pool.run_with_progress(work, 21) \
            .on_progress(lambda t: texts.append((t, threading.get_ident())))
        op.on_success(lambda r: seen.update(result=r, callback=threading.get_ident()))
        failed: list[BaseException] = []
        pool.run_op(fail).on_failure(failed.append)
        skipped = pool.run_op(work, 1, progress=print)
        skipped.on_success(lambda r: seen.update(skipped=r))
        skipped.cancel()
        qtbot.waitUntil(lambda: "result" in seen and bool(failed), timeout=5000)
        assert seen["result"] == 42 and seen["worker"] != gui and seen["callback"] == gui
        assert texts == [("half way", gui)]
        assert isinstance(failed[0], AppError) and failed[0].message == "No can do."
        qtbot.waitUntil(lambda: not pool.busy, timeout=5000)
        assert "skipped" not in seen
    finally:
        pool.shutdown()
    with pytest.raises(RuntimeError):
        pool.run_op(fail)
