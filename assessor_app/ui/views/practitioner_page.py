"""One practitioner's page: the header above tabs for the overview (timeline, evidence list,
minimums and coverage), reviews, the final assessment and reports.

``show_page`` only renders a DTO that was fetched on the DB thread; it never blocks on
I/O. ``render_page`` is the measured path the start-up/page benchmark times. Editors
for the Reviews and Final assessment tabs are dropped in with ``set_tab_widget``.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from assessor_app.domain.dto import PractitionerPage
from assessor_app.ui.accessibility import name_internal_parts
from assessor_app.ui.colours import muted_text
from assessor_app.ui.dates import long_date
from assessor_app.ui.models.practitioner_list_model import STATUS_LABELS
from assessor_app.ui.views.reports_view import ReportsView
from assessor_app.ui.widgets.coverage_heatmap import CoverageHeatmap
from assessor_app.ui.widgets.evidence_panel import EvidencePanel
from assessor_app.ui.widgets.programme_length_panel import ProgrammeLengthPanel
from assessor_app.ui.widgets.sufficiency_panel import SufficiencyPanel
from assessor_app.ui.widgets.timeline_view import TimelineView

if TYPE_CHECKING:
    from assessor_app.services.report_jobs import ReportContext
    from assessor_app.ui.pdf_pool import PdfPool
    from assessor_app.ui.tasks import DbRunner

TAB_OVERVIEW = "Overview"
TAB_REVIEWS = "Reviews"
TAB_FINAL = "Final assessment"
TAB_REPORTS = "Reports"
TAB_NAMES = (TAB_OVERVIEW, TAB_REVIEWS, TAB_FINAL, TAB_REPORTS)
PLACEHOLDERS = {TAB_REVIEWS: "Review meetings will be recorded here.",
                TAB_FINAL: "The final assessment will be written here."}

if TYPE_CHECKING:
    from assessor_app.ui.views.final_assessment_editor import FinalAssessmentEditor
    from assessor_app.ui.views.review_editor import ReviewEditor


def _nbsp(text: str) -> str:
    return escape(text).replace(" ", "&nbsp;")


def header_details(page: PractitionerPage) -> list[tuple[str, str]]:
    """Label/value pairs under the name (also the header's accessible text)."""
    row = page.row
    fte = "1.0 (full time)" if row.fte >= 1 else f"{row.fte:g} (part time)"
    programme = page.programme.title + (" (provisional)" if page.programme.provisional else "")
    return [
        ("Registration", page.registration_number or "not recorded"),
        ("Team", page.team or "not recorded"),
        ("Programme", programme),
        ("FTE", fte),
        ("Status", STATUS_LABELS[row.status]),
        ("Started", long_date(row.start_date)),
        ("Line manager", page.line_manager_name or "not recorded"),
        ("Assessor", row.assessor_name or "not recorded"),
    ]


class PractitionerPageView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Practitioner page")
        self.page: PractitionerPage | None = None

        self.name_label = QLabel(self)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.name_label.setFont(font)
        self.name_label.setAccessibleName("Practitioner name")
        self.details_label = QLabel(self)
        self.details_label.setWordWrap(True)
        self.details_label.setTextFormat(Qt.TextFormat.RichText)
        self.details_label.setAccessibleName("Practitioner details")

        self.timeline = TimelineView(self)
        self.evidence = EvidencePanel(self)
        self.length = ProgrammeLengthPanel(self)
        self.sufficiency = SufficiencyPanel(self)
        self.heatmap = CoverageHeatmap(self)
        heat_title = QLabel("<b>Standards coverage</b>", self)

        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(4, 0, 8, 0)
        side_layout.addWidget(self.length)
        side_layout.addSpacing(10)
        side_layout.addWidget(self.sufficiency)
        side_layout.addSpacing(10)
        side_layout.addWidget(heat_title)
        side_layout.addWidget(self.heatmap)
        side_layout.addStretch(1)
        self.side_scroll = QScrollArea(self)
        self.side_scroll.setWidget(side)
        self.side_scroll.setWidgetResizable(True)
        self.side_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.side_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.side_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.side_scroll.setAccessibleName("Minimums and coverage")

        self.lower = QSplitter(Qt.Orientation.Horizontal, self)
        self.lower.setChildrenCollapsible(False)
        self.lower.addWidget(self.evidence)
        self.lower.addWidget(self.side_scroll)
        self.lower.setStretchFactor(0, 3)
        self.lower.setStretchFactor(1, 2)
        self.lower.setSizes([680, 340])

        self.overview = QWidget(self)
        self.overview.setAccessibleName("Overview")
        body = QVBoxLayout(self.overview)
        body.setContentsMargins(0, 4, 0, 0)
        body.setSpacing(6)
        body.addWidget(self.timeline)
        body.addWidget(self.lower, 1)

        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Practitioner page sections")
        self.tabs.tabBar().setAccessibleName("Practitioner page tabs")
        self.tabs.setDocumentMode(True)
        self.reports = ReportsView(self)
        self.review_editor: ReviewEditor | None = None  # built once the store is open
        self.assessment_editor: FinalAssessmentEditor | None = None
        for name in TAB_NAMES:
            widget = {TAB_OVERVIEW: self.overview, TAB_REPORTS: self.reports}.get(name)
            if widget is None:
                widget = QLabel(PLACEHOLDERS[name], self)
                widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
                widget.setAccessibleName(name)
            self.tabs.addTab(widget, name)
        # QTabWidget handles these only while its own children have focus and let the key
        # through; item views keep Ctrl+Tab, so make them shortcuts for the whole page.
        for keys, step in (("Ctrl+Tab", 1), ("Ctrl+PgDown", 1),
                           ("Ctrl+Shift+Tab", -1), ("Ctrl+PgUp", -1)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda s=step: self.step_tab(s))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.setSpacing(6)
        layout.addWidget(self.name_label)
        layout.addWidget(self.details_label)
        layout.addWidget(self.tabs, 1)

        self.heatmap.statement_activated.connect(self._on_statement_activated)
        self.evidence.standard_filter_changed.connect(self.heatmap.set_selected)
        for first, second in ((self.timeline, self.evidence.kind_combo),
                              (self.evidence.table, self.heatmap)):
            QWidget.setTabOrder(first, second)

    def first_focus_widget(self) -> QWidget:
        """Where Ctrl+2 and opening a page put the focus: the evidence list, or the open tab."""
        current = self.tabs.currentWidget()
        if current is self.overview:
            return self.evidence.table
        if current is self.reports:
            return self.reports.kind_combo
        if current.focusPolicy() & Qt.FocusPolicy.TabFocus:
            return current
        return current.focusProxy() or self.tabs.tabBar()

    # -- tabs -----------------------------------------------------------------
    def set_services(self, runner: DbRunner, api: ReportContext,
                     pdf_pool: PdfPool | None = None) -> None:
        """Give the tabs the DB runner and the open store (once it is open)."""
        from assessor_app.ui.views.final_assessment_editor import FinalAssessmentEditor
        from assessor_app.ui.views.review_editor import ReviewEditor

        self.reports.set_services(runner, api, pdf_pool)
        editing = all(hasattr(type(api), name) for name in ("reviews", "assessment"))
        if self.review_editor is None and editing:
            self.review_editor = ReviewEditor(runner, api)
            self.set_tab_widget("Reviews", self.review_editor)
            self.assessment_editor = FinalAssessmentEditor(runner, api)
            self.set_tab_widget("Final assessment", self.assessment_editor)
            if self.page is not None:
                self._load_editors(self.page.row.enrolment_id)

    def set_tab_widget(self, name: str, widget: QWidget) -> None:
        """Put ``widget`` in the tab called ``name`` (replacing its placeholder), or add the tab."""
        for i in range(self.tabs.count()):
            if self.tabs.tabText(i).replace("&", "") == name:
                old = self.tabs.widget(i)
                current = self.tabs.currentIndex() == i
                self.tabs.removeTab(i)
                self.tabs.insertTab(i, widget, name)
                if current:
                    self.tabs.setCurrentIndex(i)
                if old is not None and old not in (self.overview, self.reports, widget):
                    old.deleteLater()
                break
        else:
            self.tabs.addTab(widget, name)
        if not widget.accessibleName():
            widget.setAccessibleName(name)
        name_internal_parts(widget)

    def tab_widget(self, name: str) -> QWidget | None:
        return next((self.tabs.widget(i) for i in range(self.tabs.count())
                     if self.tabs.tabText(i).replace("&", "") == name), None)

    def show_tab(self, name: str) -> None:
        widget = self.tab_widget(name)
        if widget is not None:
            self.tabs.setCurrentWidget(widget)

    def step_tab(self, step: int) -> None:
        """Ctrl+Tab / Ctrl+PgDown forward, Ctrl+Shift+Tab / Ctrl+PgUp back, wrapping round."""
        count = self.tabs.count()
        if count:
            self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % count)
            self.first_focus_widget().setFocus(Qt.FocusReason.TabFocusReason)

    def show_page(self, page: PractitionerPage) -> None:
        self.page = page
        row = page.row
        self.name_label.setText(row.name)
        details = header_details(page)
        muted = muted_text(self.palette()).name()
        self.details_label.setText(" · ".join(  # pairs never break inside; lines wrap between
            f"<span style='color:{muted}'>{_nbsp(k)}</span>&nbsp;{_nbsp(v)}" for k, v in details))
        self.details_label.setAccessibleDescription(
            "; ".join(f"{k}: {v}" for k, v in details))
        held = {r.review_point_id: r.held_on for r in page.reviews if r.held_on is not None}
        self.timeline.set_timeline(
            page.timeline, today=page.today, held=held,
            overdue_keys=frozenset(d.key for d in row.overdue),
            next_key=row.next_due.key if row.next_due else None,
            current_stage_title=row.stage_title, length=row.length)
        self.length.set_length(row.length, months=page.programme.months,
                               max_months=page.programme.max_total_months)
        self.evidence.set_evidence(page.evidence, page.programme.stages, page.frameworks)
        self.sufficiency.set_sufficiency(page.sufficiency)
        self.heatmap.set_coverage(page.frameworks, page.sufficiency.coverage)
        self.reports.set_page(page)
        self._load_editors(row.enrolment_id)

    def keep_typing(self) -> None:
        """Save the editors' unsaved typing as drafts (queued on the DB thread now): called
        before the window reads another practitioner's page, and when it closes."""
        for editor in (self.review_editor, self.assessment_editor):
            if editor is not None:
                editor.keep_typing()

    def _load_editors(self, enrolment_id: str) -> None:
        """The review and final assessment tabs follow the open practitioner."""
        for editor in (self.review_editor, self.assessment_editor):
            if editor is not None:
                editor.load(enrolment_id)

    def _on_statement_activated(self, key: object) -> None:
        self.evidence.set_standard_filter(key if isinstance(key, tuple) else None)


def render_page(page_widget: PractitionerPageView, dto: PractitionerPage) -> QPixmap:
    """Show ``dto`` and paint the page synchronously: what a user waits for when opening it.

    Time this call (benchmarks/) to check a 500-item page renders in ≤ 100 ms.
    """
    page_widget.show_page(dto)
    QApplication.sendPostedEvents()  # pending layout requests, resizes
    return page_widget.grab()
