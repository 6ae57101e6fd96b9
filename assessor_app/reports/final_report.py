"""The final assessment report (DOMAIN.md §4), section by section.

Sections: identification and dates; support provided; evidence summary by
standard with the judgements; progression across the reviews; strengths;
development and year-2 plan; recommendation; comments. The signatures close
every report and are added by the caller.
"""

from __future__ import annotations

from collections import Counter

from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table

from assessor_app.domain.enums import KIND_SHORT, EvidenceKind
from assessor_app.domain.report_data import ReportData, label_of, long_date, short_date
from assessor_app.reports.blocks import (
    data_table,
    gap,
    heading,
    kv_table,
    narrative,
    note,
    table_style,
)
from assessor_app.reports.charts import coverage_chart, timeline_chart
from assessor_app.reports.page import FRAME_WIDTH
from assessor_app.reports.programme_length import length_note, length_rows, length_summary
from assessor_app.reports.styles import ACCENT, HEADER_BG, esc, para, styles

ANON_NOTE = ("Anonymised for moderation. People are named by pseudonyms (Practitioner A, "
             "Assessor 1, …); case references, registration numbers, team and employer are "
             "removed. The key to the pseudonyms stays in the assessor's encrypted store.")


def _hm(minutes: int) -> str:
    h, m = divmod(int(minutes), 60)
    return f"{h} h {m:02d} min" if h else f"{m} min"


def title_block(data: ReportData, subtitle: str) -> list[Flowable]:
    st = styles()
    p = data.programme
    out: list[Flowable] = [
        Paragraph(esc(data.meta.title), st.title),
        Paragraph(esc(f"{subtitle} · {p.title} ({p.version})"), st.subtitle),
        Paragraph(esc(data.practitioner.name), st.name),
    ]
    if data.meta.anonymised:
        out += [note(ANON_NOTE), gap(8)]
    return out


def summary_block(data: ReportData) -> list[Flowable]:
    f = data.final
    rec = label_of(f.recommendation) if f and f.recommendation else "Not yet made"
    final = sum(1 for e in data.evidence if e.status != "draft")
    suf = data.sufficiency
    rows = [
        ("Recommendation", rec),
        ("Assessment status", label_of(f.status) if f else "No final assessment recorded"),
        ("Evidence", f"{len(data.evidence)} items ({final} final or signed)"),
        ("Programme minimums", "All met" if suf.all_minimums_met else "Not all met (see section 3)"),
        ("Standards without evidence", str(len(suf.uncovered())) if suf.uncovered() else "None"),
        *([row] if (row := length_summary(data)) else []),
        ("Generated", f"{long_date(data.meta.generated_at.date())} "
                      f"{data.meta.generated_at:%H:%M} UTC"),
    ]
    out: list[Flowable] = [kv_table(rows)]
    if (overrun := length_note(data)) is not None:
        out += [gap(8), overrun]
    if f is None:
        out += [gap(8), note("No final assessment has been recorded yet: this report shows the "
                             "evidence so far, and the judgement sections are empty.")]
    return out


def identification(data: ReportData, n: str) -> list[Flowable]:
    pr, dt, p = data.practitioner, data.dates, data.programme
    fws = "; ".join(f"{f.title} ({f.version})" + (" — provisional" if f.provisional else "")
                    for f in data.frameworks)
    ext = (f"{dt.extension_months:g} months: {dt.extension_reason}" if dt.extension_months else "None")
    rows = [
        ("Practitioner", pr.name), ("Social Work England registration", pr.registration_number),
        ("Team", pr.team), ("Employer", pr.employer),
        ("Hours", "Full time" if pr.fte >= 1 else f"Part time, {pr.fte:g} FTE"),
        ("Programme", f"{p.title} (version {p.version})"), ("Standards", fws),
        ("Start date", long_date(dt.start)), *length_rows(data),
        ("Final review due", long_date(dt.final_review_due)),
        ("Moderation panel due", long_date(dt.moderation_due)),
        ("Status", label_of(dt.status) + (f", {label_of(dt.outcome)}" if dt.outcome else "")),
        ("Completed on", long_date(dt.completed_on)), ("Extension", ext),
    ]
    out = [heading(f"{n} Identification and dates"), kv_table(rows), heading("Pauses", 2)]
    if dt.pauses:
        prow = []
        for ps in dt.pauses:
            days = f"{(ps.end - ps.start).days} days" if ps.end else "still paused"
            reason = ps.reason + (f": {ps.detail}" if ps.detail else "")
            prow.append([short_date(ps.start), short_date(ps.end) or "—", days, reason, ps.agreed_by])
        out.append(data_table(["From", "To", "Length", "Reason", "Agreed by"], prow,
                              [1.2, 1.2, 0.9, 3.4, 1.5]))
    else:
        out.append(para("No pauses.", styles().body))
    out.append(heading("People", 2))
    rows2 = [[p_.role_label, p_.name, p_.job_title, p_.registration_number or "—"] for p_ in data.people]
    out.append(data_table(["Role", "Name", "Job title", "Registration"], rows2, [1.3, 1.7, 3, 1.2]))
    if data.agreement and data.agreement.planned_dates:
        held = {r.title: r.held_on for r in data.reviews}
        rows3 = [[t, long_date(d), long_date(held.get(t)) or "—"] for t, d in data.agreement.planned_dates]
        out += [heading("Planned and actual dates", 2),
                data_table(["Review or panel", "Planned in the agreement", "Held"], rows3, [3, 2, 2])]
    return out


def support(data: ReportData, n: str) -> list[Flowable]:
    st = styles()
    a, s = data.agreement, data.support
    out: list[Flowable] = [heading(f"{n} Support provided")]
    if a is None:
        out.append(note("No support and assessment agreement is recorded."))
    else:
        out.append(kv_table([
            ("Agreement signed", long_date(a.agreed_on) or "Not yet"),
            ("Workload", f"{a.workload_percent:g}% of an experienced social worker's"),
            ("Protected development time", f"{a.protected_time_percent:g}%"),
        ]))
        out += narrative("Supervision plan", a.supervision_plan)
        out += narrative("Workload arrangements", a.workload_notes)
        out += narrative("Initial professional development plan", a.initial_pdp)
    out.append(heading("Supervision log", 2))
    avg = _hm(round(s.average_minutes_per_month))
    out.append(kv_table([
        ("Sessions held", str(s.held)), ("Sessions cancelled or moved", str(s.cancelled)),
        ("Supervision time", _hm(s.minutes)), ("Average per month", avg),
        ("Months with no session held", str(sum(1 for m in s.months if m.held == 0)) or "0"),
    ]))
    if s.months:
        rows = [[f"{m.month:%B %Y}", str(m.held) if m.held else "none", str(m.cancelled or ""),
                 _hm(m.minutes) if m.minutes else "—"] for m in s.months]
        out += [gap(6), data_table(["Month", "Held", "Cancelled", "Time"], rows, [2, 1, 1, 1.5])]
    checks = [[r.title, r.workload_check, r.supervision_check] for r in data.reviews if r.held_on]
    if checks:
        out += [heading("Checked at the reviews", 2),
                data_table(["Review", "Workload", "Supervision"], checks, [1.4, 3, 3])]
    out.append(Paragraph(esc("Owed by the programme: supervision weekly for the first six weeks, "
                             "at least fortnightly to six months, then at least monthly; about "
                             "90% workload; 10% protected development time."), st.caption))
    return out


def _linked(data: ReportData, fw_id: str, code: str) -> list[str]:
    if data.final:
        j = next((j for j in data.final.judgements if j.framework_id == fw_id and j.code == code), None)
        if j is not None and j.evidence_ids:
            return list(j.evidence_ids)
    return [e.id for e in data.evidence if e.status != "draft"
            and any(ln.framework_id == fw_id and ln.statement_code == code for ln in e.links)]


def evidence_summary(data: ReportData, n: str) -> list[Flowable]:
    st = styles()
    suf = data.sufficiency
    out: list[Flowable] = [heading(f"{n} Evidence summary"), heading("Programme minimums", 2)]
    rows = [[m.label, str(m.required), str(m.have), str(m.drafts or ""), "Met" if m.met else "Not met"]
            for m in suf.minimums]
    out.append(data_table(["Requirement", "Required", "Final or signed", "Drafts", "Met?"], rows,
                          [3.6, 0.9, 1.2, 0.8, 0.9]))
    stages = data.timeline.stages
    by = Counter((e.kind, e.stage_id) for e in data.evidence)
    totals = Counter(e.kind for e in data.evidence)
    rows2 = [[KIND_SHORT[k], *[str(by[(k, s.id)] or "") for s in stages], str(totals[k])]
             for k in EvidenceKind]
    out += [heading("Evidence by kind and stage", 2),
            data_table(["Kind", *[s.title for s in stages], "Total"], rows2,
                       [1.6] + [1.3] * len(stages) + [0.7])]
    out += [heading("Evidence timeline", 2), timeline_chart(data, FRAME_WIDTH),
            Paragraph("Each tick is one piece of evidence (faint: draft). Diamonds are review "
                      "meetings; hatched spans are pauses.", st.caption)]
    by_id = data.evidence_by_id()
    judgements = {(j.framework_id, j.code): j for j in (data.final.judgements if data.final else ())}
    for fw in data.frameworks:
        title = fw.title + (" (provisional)" if fw.provisional else "")
        cov = [c for c in suf.coverage if c.framework_id == fw.id]
        out += [heading(f"Standards: {title}", 2), coverage_chart(fw, cov, FRAME_WIDTH),
                Paragraph(esc(f"Items of final or signed evidence linked to each statement of "
                              f"{fw.short_title}; the colour shows how many different kinds of "
                              "evidence stand behind it."), st.caption)]
        rows3 = []
        for c in cov:
            j = judgements.get((fw.id, c.code))
            rows3.append([c.code, c.title, str(c.items), str(len(c.kinds)),
                          label_of(j.judgement) if j else "—"])
        out.append(data_table(["Code", "Statement", "Items", "Kinds", "Judgement"], rows3,
                              [0.7, 4.8, 0.7, 0.7, 1.1]))
        for c in cov:
            j = judgements.get((fw.id, c.code))
            head = f"{fw.short_title} {c.code} — {c.title}"
            verdict = f"Judgement: {label_of(j.judgement)}" if j else "No judgement recorded yet"
            block: list[Flowable] = [heading(head, 3), Paragraph(esc(verdict), st.cell_bold)]
            if j and j.comment:
                block.append(para(j.comment, st.body))
            ids = [i for i in _linked(data, fw.id, c.code) if i in by_id]
            if not ids:
                out += [*block, para("No evidence linked.", st.caption)]
                continue
            items = sorted((by_id[i] for i in ids), key=lambda e: (e.occurred_on, e.number))
            rows4 = [[e.ref, short_date(e.occurred_on), KIND_SHORT[e.kind], e.title] for e in items]
            table = data_table(["Ref", "Date", "Kind", "Title"], rows4, [0.6, 1.2, 1.6, 4.6])
            if len(rows4) <= 6:
                out.append(KeepTogether([*block, gap(2), table]))
            else:
                out += [*block, table]
            out.append(gap(4))
    return out


def progression(data: ReportData, n: str) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [heading(f"{n} Progression across the reviews")]
    if not data.reviews:
        return [*out, para("No review meetings have been held yet.", st.body)]
    rows = [[r.title, short_date(r.due) or "—", short_date(r.held_on) or "not held",
             label_of(r.judgement)] for r in data.reviews]
    out.append(data_table(["Review", "Due", "Held", "Progress judgement"], rows, [2.4, 1.5, 1.5, 1.6]))
    for r in data.reviews:
        out.append(heading(f"{r.title}: {label_of(r.judgement)}", 3))
        out += narrative("Reasons", r.reasons, "None recorded.")
        out += narrative("Development plan for the next period", r.pdp)
    return out


def _recommendation_box(data: ReportData) -> Table:
    st = styles()
    f = data.final
    word = label_of(f.recommendation).upper() if f and f.recommendation else "NOT YET MADE"
    t = Table([[Paragraph("Recommendation", st.cell_bold), Paragraph(esc(word), st.title)]],
              colWidths=[140, FRAME_WIDTH - 140])
    t.setStyle(table_style([("BACKGROUND", (0, 0), (-1, -1), HEADER_BG),
                           ("BOX", (0, 0), (-1, -1), 1, ACCENT), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                           ("TOPPADDING", (0, 0), (-1, -1), 8), ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
                           ("LEFTPADDING", (0, 0), (-1, -1), 10)]))
    return t


def judgement_sections(data: ReportData, first: int) -> list[Flowable]:
    """Strengths, development and year 2, recommendation, comments (numbered from ``first``)."""
    f = data.final
    missing = "Not recorded yet."
    out: list[Flowable] = [heading(f"{first} Strengths")]
    out += narrative("Strengths shown across the year", f.strengths if f else "", missing)
    out.append(heading(f"{first + 1} Areas for development and plan for year 2"))
    out += narrative("Areas for development", f.development if f else "", missing)
    out += narrative("Plan for year 2", f.year2_plan if f else "", missing)
    out += [heading(f"{first + 2} Recommendation"), _recommendation_box(data), gap(6)]
    out += narrative("Rationale", f.rationale if f else "", missing)
    if f and f.moderation_outcome:
        out += narrative("Moderation outcome", label_of(f.moderation_outcome))
    out.append(heading(f"{first + 3} Comments"))
    out += narrative("Practitioner's comments", f.practitioner_comments if f else "", missing)
    out += narrative("Line manager's comments", f.manager_comments if f else "", missing)
    return out


def final_story(data: ReportData) -> list[Flowable]:
    """Every section but the signatures (numbered 1 to 8; signatures are 9)."""
    out = title_block(data, "Final assessment")
    out += summary_block(data)
    out += identification(data, "1")
    out += support(data, "2")
    out += evidence_summary(data, "3")
    out += progression(data, "4")
    out += judgement_sections(data, 5)
    return out
