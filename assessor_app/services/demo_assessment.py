"""Demo standard links, review meetings and the final assessment.

Links are deliberately uneven: each scenario names statements it never or rarely
evidences, and each kind of evidence leans towards the statements it usually
shows, so the coverage heat map has gaps and hot spots to display.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from assessor_app.domain.enums import EvidenceKind, ProgressJudgement, Recommendation
from assessor_app.services.demo_people import Member
from assessor_app.services.demo_schedule import workday
from assessor_app.services.demo_text import weighted_sample
from assessor_app.store.base import new_id
from assessor_app.store.models import Evidence, FinalAssessment, Review, StandardLink

#: how many statements of (main framework, PCF, SWE) one item links to, by total
_SPLITS = {2: ((1, 1, 0), (1, 0, 1)), 3: ((1, 1, 1), (2, 1, 0)), 4: ((2, 1, 1),)}


def _weights(m: Member, kind: EvidenceKind, fw_id: str, codes: list[str]) -> list[float]:
    affinity = set(m.ph.get("links.affinity").get(kind.value, ()))
    out = []
    for code in codes:
        key = f"{fw_id}:{code}"
        w = 3.0 if key in affinity else 1.0
        if key in m.scenario.thin:
            w *= 0.12
        if key in m.scenario.empty:
            w = 0.0
        out.append(w)
    return out


def _link(m: Member, ev: Evidence, fw_index: int, code: str, comment: str = "") -> StandardLink:
    """Comments fit the kind: feedback and self-written pieces get their own phrasing."""
    fw = m.frameworks[fw_index]
    own = m.ph.get("links.by_kind")
    path = f"links.by_kind.{ev.kind}" if ev.kind in own else f"links.{fw.id}.{code}"
    return StandardLink(id=new_id(), evidence_id=ev.id, framework_id=fw.id,
                        framework_version=fw.version, statement_code=code,
                        comment=comment or m.ph.deal(path),
                        strength=m.ph.rng.choice((1, 2, 2, 3)))


def _suggested(m: Member, ev: Evidence, suggested: dict[str, str]) -> list[StandardLink]:
    """An observation links to what its scenario shows, minus the scenario's gaps."""
    rng = m.ph.rng
    index = {fw.id: i for i, fw in enumerate(m.frameworks)}
    keys = [k for k in suggested
            if k.split(":")[0] in index and k not in m.scenario.empty
            and (k not in m.scenario.thin or rng.random() < 0.15)]
    chosen = [k for k in keys if rng.random() < 0.8][:4] or keys[:2]
    out = []
    for key in chosen:
        fw_id, code = key.split(":")
        out.append(_link(m, ev, index[fw_id], code, suggested[key]))
    return out


def links_for(m: Member, ev: Evidence, kind: EvidenceKind) -> list[StandardLink]:
    """2–4 links across the programme's frameworks (none for supervision)."""
    if kind is EvidenceKind.SUPERVISION:
        return []
    suggested, m.suggested_links = m.suggested_links, {}  # used once, by this item
    if suggested:
        links = _suggested(m, ev, suggested)
        if len(links) >= 2:
            return links
    rng = m.ph.rng
    split = rng.choice(_SPLITS[rng.choice((2, 3, 3, 3, 4))])
    out: list[StandardLink] = []
    for fw_index, (fw, count) in enumerate(zip(m.frameworks, split, strict=False)):
        codes = [s.code for s in fw.statements]
        for code in weighted_sample(rng, codes, _weights(m, kind, fw.id, codes), count):
            out.append(_link(m, ev, fw_index, code))
    return out


def top_up(m: Member, evidence: list[Evidence], links: list[StandardLink]) -> list[StandardLink]:
    """Links for any statement still unevidenced (a finished portfolio covers them all)."""
    per_item: dict[str, int] = defaultdict(int)
    have = set()
    for ln in links:
        per_item[ln.evidence_id] += 1
        have.add((ln.framework_id, ln.statement_code))
    candidates = [e for e in evidence
                  if e.kind != EvidenceKind.SUPERVISION.value and e.status != "draft"]
    added: list[StandardLink] = []
    for fw_index, fw in enumerate(m.frameworks):
        for st in fw.statements:
            if (fw.id, st.code) in have or not candidates:
                continue
            room = [e for e in candidates if per_item[e.id] < 4] or candidates
            ev = m.ph.rng.choice(room)
            per_item[ev.id] += 1
            added.append(_link(m, ev, fw_index, st.code))
    return added


def reviews_for(m: Member, today: date) -> list[Review]:
    """A final review record for every review point already past (unless skipped)."""
    ph, rng = m.ph, m.ph.rng
    due = {i.key: i.due for i in m.timeline.items}
    out = []
    for rp in m.programme.review_points:
        when = due.get(rp.id)
        if when is None or when > today or rp.id in m.scenario.skip_reviews:
            continue
        if m.pause and m.pause[1] is None and when >= m.pause[0]:
            continue
        held = workday(min(today, when + timedelta(days=rng.randint(-4, 3))))
        concern = rp.id == m.scenario.concerns_at
        judgement = ProgressJudgement.SOME_CONCERNS if concern else ProgressJudgement.ON_TRACK
        reasons = ph.get("reviews.reasons")
        by_point = reasons[judgement.value].get(rp.id) or reasons["on_track"][rp.id]
        attendees = [
            {"name": m.practitioner.name, "role": "practitioner"},
            {"name": m.assessor.name, "role": "assessor"},
            {"name": m.manager.name, "role": "line manager"},
        ]
        if concern or rp.final:
            attendees.append({"name": m.coordinator.name, "role": "coordinator"})
        signoffs = {}
        day = held
        for party in ("practitioner", "assessor", "manager"):
            day = workday(day + timedelta(days=rng.randint(1, 4)))
            if day <= today:
                signoffs[party] = day.isoformat()
        comments = ph.get(f"reviews.comments.{judgement.value}")
        out.append(Review(
            id=new_id(), enrolment_id=m.enrolment.id, review_point_id=rp.id, held_on=held,
            attendees=attendees, judgement=judgement.value, reasons=rng.choice(by_point),
            workload_check=ph.pick("reviews.workload_check." + ("high" if concern else "ok")),
            supervision_check=ph.pick("reviews.supervision_check." + ("gap" if concern else "ok")),
            pdp=rng.choice(ph.get("reviews.pdp").get(rp.id) or ph.get("reviews.pdp.review-6")),
            comments={"practitioner": rng.choice(comments["practitioner"]),
                      "manager": rng.choice(comments["manager"])},
            signoffs=signoffs, status="final",
        ))
    return out


def final_assessment(m: Member, evidence: list[Evidence],
                     links: list[StandardLink]) -> FinalAssessment:
    """A passed portfolio: every statement met, with the evidence behind it."""
    ph = m.ph
    order = {e.id: (e.occurred_on, e.id) for e in evidence if e.status != "draft"}
    behind: dict[str, list[str]] = defaultdict(list)
    for ln in links:
        key = f"{ln.framework_id}:{ln.statement_code}"
        if ln.evidence_id in order and ln.evidence_id not in behind[key]:
            behind[key].append(ln.evidence_id)
    judgements = {}
    for fw in m.frameworks:
        for st in fw.statements:
            key = f"{fw.id}:{st.code}"
            ids = sorted(behind[key], key=order.__getitem__)
            judgements[key] = {"judgement": "met", "evidence_ids": ids,
                               "comment": ph.deal("reviews.final.judgement_comment").format(n=len(ids))}
    f = "reviews.final."
    return FinalAssessment(
        id=new_id(), enrolment_id=m.enrolment.id, judgements=judgements,
        strengths=ph.pick(f + "strengths"), development=ph.pick(f + "development"),
        year2_plan=ph.pick(f + "year2_plan"), recommendation=Recommendation.PASS.value,
        rationale=ph.pick(f + "rationale"),
        practitioner_comments=ph.pick(f + "practitioner_comments"),
        manager_comments=ph.pick(f + "manager_comments"),
        moderation_outcome="confirmed", status="final",
    )
