"""The parts of the Reports tab that only show things: the report chooser, the stored
reports list and the signature check, with the words they use.

No jobs start here; ``reports_view.ReportsView`` wires these to the DB thread and
the PDF worker.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assessor_app.domain.enums import KIND_LABELS
from assessor_app.domain.report_data import ReportKind
from assessor_app.ui.dates import day_month_year

if TYPE_CHECKING:
    from assessor_app.domain.dto import PractitionerPage
    from assessor_app.services.report_jobs import DocumentRow
    from assessor_app.services.signing import SignatureCheck, VerificationReport

KIND_CHOICES = (
    (ReportKind.FINAL, "Final assessment report"),
    (ReportKind.REVIEW, "Review report"),
    (ReportKind.EVIDENCE, "Single evidence record"),
    (ReportKind.PORTFOLIO, "Full portfolio (report and every piece of evidence)"),
    (ReportKind.MODERATION, "Anonymised portfolio for moderation"),
)
SIGN_BUTTONS = (("assessor", "Sign as &assessor"),
                ("practitioner", "Countersign as &practitioner"),
                ("manager", "Countersign as line &manager"))
ROLE_TITLES = {"assessor": "Assessor", "practitioner": "Practitioner", "manager": "Line manager"}
DOC_COLUMNS = ("Report", "Version", "Created", "sha256", "Signatures")
SIG_COLUMNS = ("Signer", "Role", "Signed at", "Intact", "Changed after it")
GENERIC_ERROR = "Something went wrong with this report; nothing was changed. Try again."


# -- words ---------------------------------------------------------------------------


def plain_text(exc: BaseException) -> str:
    """An AppError's message and hint; a generic sentence for anything else (never a traceback)."""
    message = getattr(exc, "message", None)
    if isinstance(message, str) and message:
        hint = getattr(exc, "hint", "")
        return f"{message} {hint}".strip() if isinstance(hint, str) else message
    return GENERIC_ERROR


def when(at: datetime | None) -> str:
    """'7 Dec 2026 14:03' in local time."""
    if at is None:
        return "unknown"
    local = at.astimezone()
    return f"{day_month_year(local.date())} {local:%H:%M}"


def changed_after(c: SignatureCheck) -> str:
    if c.modified_after:
        return "YES: the file was changed after this signature"
    if c.later_signatures:
        n = c.later_signatures
        return f"No (only {n} later signature{'s' if n != 1 else ''} added)"
    return "No"


def verdict(report: VerificationReport) -> str:
    n = len(report.signatures)
    if not n:
        return "This file has no signatures yet."
    if report.all_ok:
        which = "The signature is" if n == 1 else ("Both signatures are" if n == 2
                                                   else f"All {n} signatures are")
        return (f"{which} intact and nothing was changed after signing. The certificates are "
                "self-signed, so who signed is not checked against a trusted list.")
    bad = [str(i) for i, c in enumerate(report.signatures, 1) if not c.ok]
    return f"Signature {', '.join(bad)} did NOT pass: do not rely on this file."


def next_step(row: DocumentRow) -> str:
    if row.kind is ReportKind.MODERATION:
        return "An anonymised copy for a moderation panel: it is never signed. Open or save it."
    if row.superseded:
        return f"Version {row.newest_version} replaces this one; sign the newest version."
    if "assessor" not in row.signed_roles:
        return "Next: the assessor signs (Sign as assessor); then the others countersign."
    left = [ROLE_TITLES[r].lower() for r in ("practitioner", "manager")
            if r not in row.signed_roles]
    if left:
        return f"Next: the {' and the '.join(left)} countersign{'s' if len(left) == 1 else ''}."
    return "Signed by everyone. A correction needs a new version: generate the report again."


def suggested_file_name(row: DocumentRow, practitioner: str) -> str:
    """A file name for Save as…; the anonymised copy never carries the practitioner's name."""
    title = ("Anonymised portfolio for moderation" if row.kind is ReportKind.MODERATION
             else f"{practitioner} - {row.title}")
    return re.sub(r'[\\/:*?"<>|]+', " ", f"{title} v{row.version}.pdf").strip()


# -- panels --------------------------------------------------------------------------


class ReportChooser(QGroupBox):
    """Kind, which review or record, the Generate button and the progress of a job."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("New report", parent)
        self.kind_combo = QComboBox(self)
        self.kind_combo.setAccessibleName("Report kind")
        for kind, label in KIND_CHOICES:
            self.kind_combo.addItem(label, kind.value)
        self.which_combo = QComboBox(self)
        self.which_combo.setAccessibleName("Which review or evidence record")
        self.which_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.which_combo.setMinimumContentsLength(60)
        self.which_combo.currentTextChanged.connect(self.which_combo.setToolTip)
        self.generate_button = QPushButton("Gene&rate report", self)
        self.generate_button.setAccessibleName("Generate report")
        self.generate_button.setToolTip("Build the chosen report and keep it in your store")
        kind_label = QLabel("Report &kind:", self)
        kind_label.setBuddy(self.kind_combo)
        self.which_label = QLabel("&Which:", self)
        self.which_label.setBuddy(self.which_combo)
        self._form = QFormLayout()
        self._form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self._form.addRow(kind_label, self.kind_combo)
        self._form.addRow(self.which_label, self.which_combo)
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName("Report progress")
        self.progress.setRange(0, 0)  # busy: how far a layout has got is not known
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(160)
        self.progress_label = QLabel("", self)
        self.progress_label.setAccessibleName("Report progress text")
        row = QHBoxLayout()
        row.addWidget(self.generate_button)
        row.addWidget(self.progress)
        row.addWidget(self.progress_label, 1)
        box = QVBoxLayout(self)
        box.addLayout(self._form)
        box.addLayout(row)
        self._page: PractitionerPage | None = None
        self.kind_combo.currentIndexChanged.connect(self._fill_which)
        self._fill_which()

    @property
    def kind(self) -> ReportKind:
        return ReportKind(self.kind_combo.currentData())

    @property
    def which(self) -> str | None:
        """The chosen review or evidence id ('' items mean there is none)."""
        return self.which_combo.currentData() or None

    def set_page(self, page: PractitionerPage) -> None:
        self._page = page
        self._fill_which()

    def choose(self, kind: ReportKind, item_id: str | None = None) -> None:
        """Select a kind (and a review or evidence id) as a user would."""
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind.value))
        if item_id is not None:
            self.which_combo.setCurrentIndex(self.which_combo.findData(item_id))

    def set_busy(self, text: str | None) -> None:
        self.progress.setVisible(text is not None)
        self.progress_label.setText(text or "")
        self.generate_button.setEnabled(text is None)

    def _fill_which(self) -> None:
        kind, page = self.kind, self._page
        self.which_combo.clear()
        if kind is ReportKind.REVIEW:
            held = [r for r in (page.reviews if page else ()) if r.held_on is not None]
            for r in reversed(held):  # the latest review first: the usual choice
                assert r.held_on is not None
                self.which_combo.addItem(f"{r.title}, held {day_month_year(r.held_on)}", r.id)
            if not held:
                self.which_combo.addItem("No review meeting recorded yet", "")
        elif kind is ReportKind.EVIDENCE:
            for e in page.evidence if page else ():
                self.which_combo.addItem(
                    f"{day_month_year(e.occurred_on)} · {KIND_LABELS[e.kind]} · {e.title}", e.id)
            if not page or not page.evidence:
                self.which_combo.addItem("No evidence recorded yet", "")
        self._form.setRowVisible(self.which_combo,
                                 kind in (ReportKind.REVIEW, ReportKind.EVIDENCE))
        self.which_label.setText("&Which review:" if kind is ReportKind.REVIEW
                                 else "&Which record:")


class DocumentList(QTreeWidget):
    """The stored versions of this practitioner's reports, newest first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Stored reports")
        self.setHeaderLabels(list(DOC_COLUMNS))
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for col, width in enumerate((250, 90, 130, 100)):
            self.setColumnWidth(col, width)

    def fill(self, rows: Sequence[DocumentRow], select_id: str | None) -> None:
        self.clear()
        for r in rows:
            version = f"{r.version}" + (" (replaced)" if r.superseded else "")
            item = QTreeWidgetItem([r.title, version, when(r.created_at), r.sha256[:12], r.status])
            item.setData(0, Qt.ItemDataRole.UserRole, r.id)
            item.setToolTip(0, r.title)
            item.setToolTip(3, f"sha256 of this file: {r.sha256}")
            item.setToolTip(4, r.status)
            self.addTopLevelItem(item)
            if r.id == select_id:
                self.setCurrentItem(item)
                item.setSelected(True)

    def selected_id(self) -> str | None:
        items = self.selectedItems()
        return items[0].data(0, Qt.ItemDataRole.UserRole) if items else None

    def statuses(self) -> list[str]:
        return [self.topLevelItem(i).text(4) for i in range(self.topLevelItemCount())]


class StoredReports(QGroupBox):
    """The list of stored reports, what to do next, and the buttons that act on one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Stored reports", parent)
        self.documents = DocumentList(self)
        docs_label = QLabel("&Documents kept for this practitioner:", self)
        docs_label.setBuddy(self.documents)
        self.hint_label = QLabel("", self)
        self.hint_label.setAccessibleName("Next step")
        self.hint_label.setWordWrap(True)
        self.sign_buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for role, text in SIGN_BUTTONS:
            self.sign_buttons[role] = b = QPushButton(text, self)
            b.setAccessibleName(text.replace("&", ""))
            row.addWidget(b)
        row.addStretch(1)
        self.open_button = QPushButton("&Open", self)
        self.save_button = QPushButton("&Save as…", self)
        self.verify_button = QPushButton("&Verify signatures", self)
        for b, tip in ((self.open_button, "Open a private temporary copy in your PDF reader"),
                       (self.save_button, "Save a copy of this PDF to a file"),
                       (self.verify_button, "Check every signature in this PDF")):
            b.setAccessibleName(b.text().replace("&", "").rstrip("…"))
            b.setToolTip(tip)
            row.addWidget(b)
        box = QVBoxLayout(self)
        box.addWidget(docs_label)
        box.addWidget(self.documents, 1)
        box.addWidget(self.hint_label)
        box.addLayout(row)


class SignatureCheckPanel(QGroupBox):
    """What a verification found: one line per signature and a verdict in words."""

    PROMPT = "Select a report and choose Verify signatures to check the file."

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Signature check", parent)
        self.table = QTreeWidget(self)
        self.table.setAccessibleName("Signatures in the selected report")
        self.table.setHeaderLabels(list(SIG_COLUMNS))
        self.table.setRootIsDecorated(False)
        self.table.setColumnWidth(0, 200)
        self.table.setColumnWidth(1, 100)
        self.table.setColumnWidth(2, 130)
        self.table.setColumnWidth(3, 60)
        self.table.setMaximumHeight(110)
        self.verdict_label = QLabel(self.PROMPT, self)
        self.verdict_label.setAccessibleName("Verification result")
        self.verdict_label.setWordWrap(True)
        box = QVBoxLayout(self)
        box.addWidget(self.table)
        box.addWidget(self.verdict_label)

    def clear(self) -> None:
        self.table.clear()
        self.verdict_label.setText(self.PROMPT)

    def show_report(self, report: VerificationReport) -> None:
        self.table.clear()
        for c in report.signatures:
            QTreeWidgetItem(self.table, [
                c.signer, ROLE_TITLES.get(c.role, c.role or "not stated"), when(c.signed_at),
                "Yes" if c.intact and c.valid else "NO", changed_after(c)])
        self.verdict_label.setText(verdict(report))
        self.verdict_label.setAccessibleDescription(self.verdict_label.text())
