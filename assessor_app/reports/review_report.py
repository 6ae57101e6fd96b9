"""The review report: one review meeting with the evidence of its period summarised."""

from __future__ import annotations

from collections import Counter
from datetime import date

from reportlab.platypus import Flowable

from assessor_app.domain.enums import KIND_SHORT, EvidenceKind, EvidenceStatus
from assessor_app.domain.report_data import (
    ROLE_LABELS,
    EvidenceItem,
    PersonInfo,
    ReportData,
    label_of,
    long_date,
    short_date,
)
from assessor_app.domain.sufficiency import EvidenceFact, assess
from assessor_app.reports.blocks import data_table, gap, heading, kv_table, narrative, note
from assessor_app.reports.final_report import title_block
from assessor_app.reports.programme_length import length_note, length_summary, length_text
from assessor_app.reports.styles import para, styles

PARTIES = {"practitioner": "Practitioner", "assessor": "Assessor", "manager": "Line manager",
           "coordinator": "Programme coordinator"}


def _facts(items: list[EvidenceItem]) -> list[EvidenceFact]:
    return [EvidenceFact(e.id, e.kind, EvidenceStatus(e.status), e.occurred_on, e.stage_id,
                         tuple((ln.framework_id, ln.statement_code) for ln in e.links))
            for e in items]


def review_story(data: ReportData) -> list[Flowable]:
    """Every section but the signatures."""
    st = styles()
    r = data.focus_review()
    if r is None:
        raise ValueError("the review report needs focus_review_id")
    start, end = r.period_start or data.timeline.start, r.period_end or data.today
    period = [e for e in data.evidence if start <= e.occurred_on <= end]
    so_far = [e for e in data.evidence if e.occurred_on <= end]
    out = title_block(data, r.title)
    out.append(kv_table([
        ("Review", r.title), ("Due", long_date(r.due)), ("Held on", long_date(r.held_on) or "Not held yet"),
        ("Progress judgement", label_of(r.judgement)), ("Record status", label_of(r.status)),
        ("Period covered", f"{long_date(start)} to {long_date(end)}"),
        ("Assessor", (data.person("assessor") or _none()).name),
        ("Line manager", (data.person("manager") or _none()).name),
        ("Programme length", length_text(data)),
        *([row] if (row := length_summary(data)) else []),
    ]))
    if (overrun := length_note(data)) is not None:
        out += [gap(8), overrun]

    out.append(heading("1 The meeting"))
    rows = [[a.name, ROLE_LABELS.get(a.role, a.role.capitalize())] for a in r.attendees]
    out += [heading("Attendees", 2),
            data_table(["Name", "Role"], rows, [3, 2]) if rows else para("None recorded.", st.body)]
    out += [heading(f"Progress judgement: {label_of(r.judgement)}", 2)]
    out += narrative("Reasons", r.reasons, "None recorded.")

    out.append(heading("2 Evidence of the period"))
    out.append(para(f"{len(period)} items dated {long_date(start)} to {long_date(end)}; "
                    f"{len(so_far)} since the start of the programme.", st.body))
    in_period, total = Counter(e.kind for e in period), Counter(e.kind for e in so_far)
    minimum = {m.kind: m.count for m in data.programme.minimums}
    kinds = [[KIND_SHORT[k], str(in_period[k]), str(total[k]), str(minimum.get(k, "—"))]
             for k in EvidenceKind]
    out.append(data_table(["Kind", "In the period", "So far", "Programme minimum"], kinds, [3, 1.3, 1.3, 1.6]))
    suf_period = assess(data.programme, data.frameworks, _facts(period))
    suf_sofar = assess(data.programme, data.frameworks, _facts(so_far))
    by_key = {(c.framework_id, c.code): c for c in suf_sofar.coverage}
    for fw in data.frameworks:
        rows2 = [[c.code, c.title, str(c.items or ""), str(by_key[(fw.id, c.code)].items)]
                 for c in suf_period.coverage if c.framework_id == fw.id]
        out += [heading(f"Standards covered: {fw.short_title}", 3),
                data_table(["Code", "Statement", "In the period", "So far"], rows2, [0.7, 5, 1.1, 0.9])]
    out.append(heading("Still missing", 2))
    short = [f"{m.label}: {m.have} of {m.required}" for m in suf_sofar.minimums if not m.met]
    short_titles = {fw.id: fw.short_title for fw in data.frameworks}
    empty = [f"{short_titles.get(c.framework_id, c.framework_id)} {c.code}: {c.title}"
             for c in suf_sofar.uncovered()]
    if not short and not empty:
        out.append(para("Nothing: every minimum is met and every standard has evidence.", st.body))
    if short:
        out += narrative("Programme minimums not yet met (by the end of the year)", "\n".join(short))
    if empty:
        out += narrative("Standards with no final evidence yet", "\n".join(empty))
    if period:
        rows3 = [[e.ref, short_date(e.occurred_on), KIND_SHORT[e.kind], e.title, label_of(e.status)]
                 for e in period]
        out += [heading("Items in the period", 3),
                data_table(["Ref", "Date", "Kind", "Title", "Status"], rows3, [0.6, 1.4, 1.5, 4, 0.8])]

    out.append(heading("3 Workload and supervision"))
    a = data.agreement
    months = [m for m in data.support.months if start.replace(day=1) <= m.month <= end]
    sessions = [e for e in period if e.kind is EvidenceKind.SUPERVISION]
    held = [e for e in sessions if not any(f.label == "Held" and f.text == "No" for f in e.fields)]
    out.append(kv_table([
        ("Agreed workload", f"{a.workload_percent:g}%" if a else "No agreement recorded"),
        ("Agreed protected time", f"{a.protected_time_percent:g}%" if a else "—"),
        ("Supervision in the period", f"{len(held)} held, {len(sessions) - len(held)} cancelled, "
                                      f"over {len(months)} calendar months"),
    ]))
    out += narrative("Workload check", r.workload_check, "None recorded.")
    out += narrative("Supervision check", r.supervision_check, "None recorded.")

    out.append(heading("4 Development plan for the next period"))
    out += narrative("Professional development plan", r.pdp, "None recorded.")

    out.append(heading("5 Comments and sign-off"))
    for party, text in r.comments:
        out += narrative(f"{PARTIES.get(party, party.capitalize())}'s comments", text)
    if not r.comments:
        out.append(para("No comments recorded.", st.body))
    if r.signoffs:
        rows4 = [[PARTIES.get(p, p.capitalize()), _date_text(d)] for p, d in r.signoffs]
        out += [heading("Signed off in the workbench", 3), data_table(["Party", "Date"], rows4, [3, 2])]
    else:
        out.append(note("Not yet signed off by anyone."))
    return out


def _date_text(value: str) -> str:
    try:
        return long_date(date.fromisoformat(value))
    except ValueError:
        return value


def _none() -> PersonInfo:
    return PersonInfo("", "—")
