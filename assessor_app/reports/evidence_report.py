"""One evidence item in full: the single evidence record and the portfolio's appendix."""

from __future__ import annotations

from reportlab.platypus import CondPageBreak, Flowable, HRFlowable, KeepTogether, Paragraph

from assessor_app.domain.report_data import (
    EvidenceItem,
    ReportData,
    humanise,
    long_date,
    short_date,
)
from assessor_app.reports.blocks import data_table, facts_grid, gap, heading, note, pairs_table
from assessor_app.reports.final_report import title_block
from assessor_app.reports.styles import ACCENT, esc, paragraphs, styles

STRENGTHS = {1: "Some", 2: "Clear", 3: "Strong"}
STATUS = {"draft": "Draft (not counted towards the minimums)", "final": "Final", "signed": "Signed"}
AUTHORS = {"assessor": "Assessor", "practitioner": "Practitioner", "manager": "Line manager"}


def item_flowables(e: EvidenceItem, data: ReportData, *, headed: bool = True) -> list[Flowable]:
    """Every field of the item: facts table, rated criteria, narrative, links, attachments."""
    st = styles()
    out: list[Flowable] = []
    if headed:
        out.append(CondPageBreak(72))
        out.append(KeepTogether([
            HRFlowable(width="100%", thickness=1.2, color=ACCENT, spaceBefore=4, spaceAfter=4),
            Paragraph(f"<b>{e.ref}</b> · {esc(e.kind.label)} · {esc(long_date(e.occurred_on))}",
                      st.small),
            Paragraph(esc(e.title or e.kind.label), st.h2),
        ]))
    facts: list[tuple[str, str]] = [] if headed else [
        ("Reference", e.ref), ("Kind", e.kind.label), ("Date", long_date(e.occurred_on))]
    facts += [
        ("Stage", e.stage_title or e.stage_id), ("Status", STATUS.get(e.status, humanise(e.status))),
        ("Written by", AUTHORS.get(e.author_role, humanise(e.author_role))),
    ]
    if e.transcribed:
        facts.append(("Transcribed", "Typed in from a paper or emailed original"))
    facts += [(f.label, f.text) for f in e.fields if not f.long and not f.rows]
    out += [facts_grid(facts), gap(3)]
    for f in e.fields:
        if f.rows:
            out += [gap(4), pairs_table(f.label, f.rows), gap(4)]
    for f in e.fields:
        if f.long:
            out += paragraphs(f.text, st.dense, lead_in=f.label)
    if e.links:
        out.append(Paragraph("Standards this evidences", st.label))
        rows = [[f"{ln.framework_short} {ln.statement_code}", ln.statement_title,
                 STRENGTHS.get(ln.strength, str(ln.strength)), ln.comment] for ln in e.links]
        out.append(data_table(["Standard", "Title", "Strength", "Comment"], rows, [1.35, 2.4, 0.95, 3.3]))
    if e.attachments:
        out.append(Paragraph("Attachments", st.label))
        rows = [[a.filename, a.mime, f"{a.size:,} bytes", a.sha256] for a in e.attachments]
        out.append(data_table(["File", "Type", "Size", "sha256"], rows, [2, 1.4, 1, 3.6]))
    out.append(gap(10))
    return out


def appendix(data: ReportData, number: str) -> list[Flowable]:
    """Index of every item, then each item in full, oldest first."""
    out: list[Flowable] = [heading(f"{number} Appendix: every piece of evidence in full", 1)]
    if not data.evidence:
        return [*out, note("No evidence has been recorded yet.")]
    out.append(Paragraph(esc(
        f"{len(data.evidence)} items, oldest first. References (E1, E2, …) are the ones used "
        "in the summaries above."), styles().body))
    rows = [[e.ref, short_date(e.occurred_on), e.kind.label, e.title,
             STATUS.get(e.status, e.status).split(" (")[0]] for e in data.evidence]
    out.append(data_table(["Ref", "Date", "Kind", "Title", "Status"], rows, [0.6, 1.3, 1.9, 3.6, 0.8]))
    for e in data.evidence:
        out += item_flowables(e, data)
    return out


def evidence_story(data: ReportData) -> list[Flowable]:
    """A single evidence record (signatures are added by the caller)."""
    e = data.focus_evidence()
    if e is None:
        raise ValueError("the evidence record needs focus_evidence_id")
    out = title_block(data, e.title or e.kind.label)
    out.append(heading(f"1 {e.kind.label}", 1))
    out += item_flowables(e, data, headed=False)
    return out
