"""The Reports tab: choose, generate, sign, open, save and verify one practitioner's reports.

Each action is split by thread (``services.report_jobs``): reads and writes on the
DB thread, layout, signing and verification on the PDF worker (``ui.pdf_pool``),
so the window keeps painting while a portfolio is laid out. Failures appear as a
plain message in the view, never a traceback; logs carry no names or text.
"""

from __future__ import annotations

import atexit
import logging
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from assessor_app.domain.report_data import ReportKind
from assessor_app.services import report_jobs
from assessor_app.services.branding import BrandingChoice, current_choice
from assessor_app.ui.pdf_pool import PdfPool
from assessor_app.ui.views.reports_panels import (
    ROLE_TITLES,
    ReportChooser,
    SignatureCheckPanel,
    StoredReports,
    next_step,
    plain_text,
    suggested_file_name,
)

if TYPE_CHECKING:
    from assessor_app.domain.dto import PractitionerPage
    from assessor_app.services.report_jobs import (
        BuiltReport,
        DocumentRow,
        ReportContext,
        SigningJob,
    )
    from assessor_app.services.signing import VerificationReport
    from assessor_app.ui.tasks import DbRunner, Op

log = logging.getLogger(__name__)

class ReportsView(QWidget):
    documents_changed = Signal()  # the list was (re)filled from the store
    job_finished = Signal(bool)  # a generate/sign/save/open/verify job ended (ok?)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Reports")
        self._runner: DbRunner | None = None
        self._api: ReportContext | None = None
        self.pdf_pool: PdfPool | None = None
        self._copies: report_jobs.PrivateCopies | None = None  # made with the services
        self._page: PractitionerPage | None = None
        self._rows: list[DocumentRow] = []
        self._ops: set[Op] = set()
        self._stale = True
        self._busy = False
        self.last_report: VerificationReport | None = None
        #: Replaceable in tests: opening a file and asking where to save one.
        self.open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl
        self.choose_save_path: Callable[[str], str] = self._ask_save_path
        #: The employer's name and logo, read from the settings file at each generate, so
        #: a change saved in Settings applies to the next report.
        self.branding_source: Callable[[], BrandingChoice] = current_choice
        self._build()

    # -- layout -------------------------------------------------------------------
    def _build(self) -> None:
        self.chooser = ReportChooser(self)
        self.kind_combo, self.which_combo = self.chooser.kind_combo, self.chooser.which_combo
        self.generate_button = self.chooser.generate_button
        self.progress, self.progress_label = self.chooser.progress, self.chooser.progress_label

        self.message_label = QLabel("", self)
        self.message_label.setAccessibleName("Reports message")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.hide()

        stored = StoredReports(self)
        self.documents, self.hint_label = stored.documents, stored.hint_label
        self.sign_buttons = stored.sign_buttons
        self.open_button, self.save_button = stored.open_button, stored.save_button
        self.verify_button = stored.verify_button
        for role, b in self.sign_buttons.items():
            b.clicked.connect(lambda _=False, r=role: self.sign(r))
        self.check = SignatureCheckPanel(self)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 4)
        layout.addWidget(self.chooser)
        layout.addWidget(self.message_label)
        layout.addWidget(stored, 1)
        layout.addWidget(self.check)

        self.generate_button.clicked.connect(self.generate)
        self.documents.itemSelectionChanged.connect(self._selection_changed)
        self.documents.itemActivated.connect(lambda *_: self.open_selected())
        self.open_button.clicked.connect(self.open_selected)
        self.save_button.clicked.connect(lambda: self.save_selected())
        self.verify_button.clicked.connect(self.verify_selected)
        self._set_busy(None)

    # -- wiring -------------------------------------------------------------------
    def set_services(self, runner: DbRunner, api: ReportContext,
                     pdf_pool: PdfPool | None = None) -> None:
        """Connect to the open store; a PDF pool is made (and owned) here unless given."""
        self._runner, self._api = runner, api
        if self.pdf_pool is None:
            self.pdf_pool = pdf_pool or PdfPool(self)
        if self._copies is None:
            self._copies = report_jobs.PrivateCopies()
            atexit.register(self._copies.clear)  # the copies are decrypted: never leave them
            app = QCoreApplication.instance()
            if app is not None:
                app.aboutToQuit.connect(self.shutdown)
        self._stale = True
        if self.isVisible():
            self.refresh_documents()

    def set_page(self, page: PractitionerPage) -> None:
        changed = self._page is None or self._page.row.enrolment_id != page.row.enrolment_id
        self._page = page
        self.chooser.set_page(page)
        if changed:
            self._rows = []
            self._fill_documents(None)
            self.message_label.hide()
        self._stale = True
        if self.isVisible():
            self.refresh_documents()

    def shutdown(self) -> None:
        """Forget pending callbacks, stop the PDF worker and delete the decrypted copies."""
        for op in list(self._ops):
            op.cancel()
        self._ops.clear()
        if self.pdf_pool is not None:
            self.pdf_pool.shutdown()
        if self._copies is not None:
            self._copies.clear()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh_documents()

    # -- helpers --------------------------------------------------------------------
    def _ready(self) -> bool:
        if self._runner is None or self._api is None or self._page is None:
            self._say("Reports are available once your store is open and a practitioner is "
                      "chosen.", error=True)
            return False
        return True

    def _track(self, op: Op) -> Op:
        self._ops.add(op)
        op.on_success(lambda _r: self._ops.discard(op)).on_failure(lambda _e: self._ops.discard(op))
        return op

    def _db(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Op:
        assert self._runner is not None
        return self._track(self._runner.run_op(fn, self._api, *args, **kwargs))

    def _pdf(self, fn: Callable[..., Any], *args: Any, progress: bool = False) -> Op:
        assert self.pdf_pool is not None
        run = self.pdf_pool.run_with_progress if progress else self.pdf_pool.run_op
        op = run(fn, *args)
        if progress:
            op.on_progress(self.progress_label.setText)
        return self._track(op)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message_label.setText(text)
        self.message_label.show()
        # Fixed text colours on light tints read in light and dark palettes alike.
        self.message_label.setStyleSheet(
            "QLabel { background: #fdecea; color: #6b1414; padding: 6px 8px; border-radius: 3px; }"
            if error else
            "QLabel { background: #e8f1fb; color: #0b2a4a; padding: 6px 8px; border-radius: 3px; }")
        self.message_label.setAccessibleDescription(text)

    def _set_busy(self, text: str | None) -> None:
        self._busy = text is not None
        self.chooser.set_busy(text)
        self._update_actions()

    def _failed(self, exc: BaseException, text: str | None = None) -> None:
        if getattr(exc, "message", None) is None:  # a bug: log the type and frames, not the text
            log.error("Report job failed: %s\n%s", type(exc).__name__,
                      "".join(traceback.format_tb(exc.__traceback__)))
        self._set_busy(None)
        self._say(text or plain_text(exc), error=True)
        self.job_finished.emit(False)

    def _done(self, text: str, select_id: str | None = None) -> None:
        self._set_busy(None)
        self._say(text)
        self.refresh_documents(select_id)
        self.job_finished.emit(True)

    def selected_row(self) -> DocumentRow | None:
        doc_id = self.documents.selected_id()
        return next((r for r in self._rows if r.id == doc_id), None)

    def choose(self, kind: ReportKind, item_id: str | None = None) -> None:
        self.chooser.choose(kind, item_id)

    # -- generating -------------------------------------------------------------------
    def generate(self) -> None:
        if self._busy or not self._ready():
            return
        assert self._page is not None
        kind, which = self.chooser.kind, self.chooser.which
        if kind in (ReportKind.REVIEW, ReportKind.EVIDENCE) and not which:
            self._say(f"Choose which {'review' if kind is ReportKind.REVIEW else 'record'} "
                      "the report is about; there is none recorded yet.", error=True)
            return
        self._set_busy("Reading the store…")
        self._db(report_jobs.build_report, kind, self._page.row.enrolment_id,
                 today=self._page.today,
                 review_id=which if kind is ReportKind.REVIEW else None,
                 evidence_id=which if kind is ReportKind.EVIDENCE else None,
                 branding=self.branding_source()) \
            .on_success(self._render).on_failure(self._failed)

    def _render(self, built: BuiltReport) -> None:
        self._set_busy("Building the report…")
        self._pdf(report_jobs.render_report, built, progress=True) \
            .on_success(lambda rendered: self._store(built, rendered)).on_failure(self._failed)

    def _store(self, built: BuiltReport, rendered: Any) -> None:
        self._set_busy("Keeping the report in your store…")
        self._db(report_jobs.store_report, built, rendered) \
            .on_success(lambda row: self._done(
                f"{row.title} version {row.version} generated ({row.pages} "
                f"page{'' if row.pages == 1 else 's'}). "
                + ("" if row.kind is ReportKind.MODERATION else "Sign it as the assessor, ")
                + "open it or save a copy."
                + "".join(f"\n\n{notice}" for notice in rendered.notices), row.id)) \
            .on_failure(self._failed)

    # -- the documents list -----------------------------------------------------------
    def refresh_documents(self, select_id: str | None = None) -> None:
        if self._runner is None or self._api is None or self._page is None:
            return
        self._stale = False
        enrolment_id = self._page.row.enrolment_id
        keep = select_id or (self.selected_row().id if self.selected_row() else None)

        def fill(rows: list[DocumentRow]) -> None:
            if self._page is not None and self._page.row.enrolment_id == enrolment_id:
                self._rows = rows
                self._fill_documents(keep)
                self.documents_changed.emit()

        self._db(report_jobs.list_documents, enrolment_id).on_success(fill) \
            .on_failure(lambda exc: self._say(plain_text(exc), error=True))

    def _fill_documents(self, select_id: str | None) -> None:
        self.documents.fill(self._rows, select_id)
        if not self._rows:
            self.hint_label.setText("No reports kept for this practitioner yet: choose one above "
                                    "and generate it.")
        self._update_actions()

    def _selection_changed(self) -> None:
        self.check.clear()
        self._update_actions()

    def _update_actions(self) -> None:
        row = self.selected_row()
        for b in (*self.sign_buttons.values(), self.open_button, self.save_button,
                  self.verify_button):
            b.setEnabled(row is not None and not self._busy)
        if row is None:
            if self._rows:
                self.hint_label.setText("Select a report to sign, open, save or verify it.")
            return
        self.hint_label.setText(next_step(row))
        for role, b in self.sign_buttons.items():
            refusal = report_jobs.signing_refusal(row, role)
            b.setToolTip(plain_text(refusal) if refusal else f"Sign version {row.version} as "
                         f"{ROLE_TITLES[role].lower()}")

    # -- signing ----------------------------------------------------------------------
    def sign(self, role: str) -> None:
        row = self.selected_row()
        if self._busy or not self._ready():
            return
        if row is None:
            self._say("Select a report in the list first.", error=True)
            return
        refusal = report_jobs.signing_refusal(row, role)
        if refusal is not None:
            self._say(plain_text(refusal), error=True)
            return
        self._set_busy("Opening the signing key…")
        self._db(report_jobs.prepare_signing, row.id, role) \
            .on_success(self._sign_pdf).on_failure(self._failed)

    def _sign_pdf(self, job: SigningJob) -> None:
        self._set_busy("Signing…")
        self._pdf(report_jobs.sign_job, job) \
            .on_success(lambda signed: self._record(job, signed)).on_failure(self._failed)

    def _record(self, job: SigningJob, signed: bytes) -> None:
        self._set_busy("Keeping the signature in your store…")
        self._db(report_jobs.record_signature, job, signed) \
            .on_success(lambda row: self._done(
                f"Signed as {ROLE_TITLES[job.role].lower()}. Version {row.version}: "
                f"{row.status}.", row.id)) \
            .on_failure(self._failed)

    # -- open, save, verify -----------------------------------------------------------
    def open_selected(self) -> None:
        """Open the stored PDF in the system's reader, through a DECRYPTED temporary copy.

        The copy is the only plaintext of the report on disk: 0600 in a private 0700
        folder, deleted by ``shutdown`` when the app closes (and at interpreter exit).
        """
        row = self.selected_row()
        if row is None or self._busy or not self._ready():
            return
        self._set_busy("Opening…")

        def opened(path: Path) -> None:
            if self.open_url(QUrl.fromLocalFile(str(path))):
                self._done("Opened a private temporary copy; it is deleted when you close the "
                           "app. Use Save as… to keep one.", row.id)
            else:
                self._set_busy(None)
                self._say("No PDF reader is set up to open it. Use Save as… to keep a copy.",
                          error=True)
                self.job_finished.emit(False)

        self._db(report_jobs.open_copy, row, self._copies).on_success(opened) \
            .on_failure(self._failed)

    def _ask_save_path(self, suggested: str) -> str:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        path, _ = QFileDialog.getSaveFileName(self, "Save the report as",
                                              str(Path(folder) / suggested), "PDF files (*.pdf)")
        return path

    def save_selected(self, path: str | None = None) -> None:
        row = self.selected_row()
        if row is None or self._busy or not self._ready():
            return
        assert self._page is not None
        target = path or self.choose_save_path(suggested_file_name(row, self._page.row.name))
        if not target:
            return
        self._set_busy("Saving…")
        self._db(report_jobs.save_document, row.id, target) \
            .on_success(lambda p: self._done(f"Saved {row.title.lower()} version {row.version} "
                                             f"to {p}.", row.id)) \
            .on_failure(self._failed)

    def verify_selected(self) -> None:
        row = self.selected_row()
        if row is None or self._busy or not self._ready():
            return
        self._set_busy("Reading the file…")
        self._db(report_jobs.document_content, row.id) \
            .on_success(lambda pdf: self._verify_pdf(pdf)).on_failure(self._failed)

    def _verify_pdf(self, pdf: bytes) -> None:
        self._set_busy("Checking the signatures…")
        self._pdf(report_jobs.verify_document, pdf).on_success(self._show_report) \
            .on_failure(self._failed)

    def _show_report(self, report: VerificationReport) -> None:
        self._set_busy(None)
        self.last_report = report
        self.check.show_report(report)
        self.job_finished.emit(True)
