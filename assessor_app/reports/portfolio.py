"""The full portfolio (final report + every item in full) and the story for each report kind."""

from __future__ import annotations

from reportlab.platypus import Flowable, PageBreak

from assessor_app.domain.report_data import ReportData, ReportKind
from assessor_app.reports.blocks import Box, signatures_section
from assessor_app.reports.evidence_report import appendix, evidence_story
from assessor_app.reports.final_report import final_story
from assessor_app.reports.review_report import review_story


def portfolio_story(data: ReportData) -> list[Flowable]:
    """The final report's sections, then the appendix (section 9; signatures are 10)."""
    return [*final_story(data), PageBreak(), *appendix(data, "9")]


def story_for(data: ReportData, sink: dict[str, Box]) -> list[Flowable]:
    """A fresh list of flowables for ``data`` (flowables are single-use), signatures last.

    ``sink`` receives the signature boxes as the block is drawn.
    """
    kind = data.meta.kind
    if kind is ReportKind.FINAL:
        body, number = final_story(data), "9"
    elif kind is ReportKind.REVIEW:
        body, number = review_story(data), "6"
    elif kind is ReportKind.EVIDENCE:
        body, number = evidence_story(data), "2"
    else:  # portfolio and moderation: the same layout, the data decides what is shown
        body, number = portfolio_story(data), "10"
    names = {"assessor": _name(data, "assessor"), "manager": _name(data, "manager"),
             "practitioner": data.practitioner.name}
    return [*body, *signatures_section(names, sink, number)]


def _name(data: ReportData, role: str) -> str:
    p = data.person(role)
    return p.name if p else ""
