"""What the final assessment should say, and what is missing before it can be marked final (pure).

Moderators look for a recommendation that is explained, evidence that is sufficient
and varied, and judgements that agree with the recommendation (DOMAIN.md §5). So
the rules split in two: *blocking* ones (no recommendation, no or too short a
rationale, a fail without areas for development, a standard left without a
judgement) stop "Mark final"; the rest are warnings the assessor should read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from assessor_app.domain.enums import EvidenceStatus
from assessor_app.domain.review_dto import (
    RECOMMENDATIONS,
    STANDARD_JUDGEMENTS,
    AssessmentInput,
    EvidenceBrief,
    EvidenceOption,
    StandardRef,
    standards_text,
)
from assessor_app.domain.sufficiency import MinimumStatus

#: a rationale shorter than this cannot explain a recommendation to a panel
MIN_RATIONALE_CHARS = 100


class Severity(StrEnum):
    BLOCKING = "blocking"  # must be put right before marking final
    WARNING = "warning"  # worth reading; does not stop anything


@dataclass(frozen=True)
class RuleWarning:
    code: str
    severity: Severity
    message: str
    key: str = ""  # the standard ("fw:code") it is about, if any
    action: str = ""  # blocking ones: what to do, short enough for the "Mark final" hint

    @property
    def blocking(self) -> bool:
        return self.severity is Severity.BLOCKING


def evidence_options(evidence: Iterable[EvidenceBrief],
                     standards: Sequence[StandardRef]) -> dict[str, tuple[EvidenceOption, ...]]:
    """Per standard, the evidence linked to it: final before draft, strongest, then newest first.

    An item linked twice to one standard appears once, with its strongest link.
    """
    wanted = {s.key for s in standards}
    best: dict[str, dict[str, EvidenceOption]] = {k: {} for k in wanted}
    for e in evidence:
        for ln in e.links:
            if ln.key not in wanted:
                continue
            have = best[ln.key].get(e.id)
            if have is None or ln.strength > have.strength:
                best[ln.key][e.id] = EvidenceOption(e.id, e.title, e.kind, e.occurred_on,
                                                    ln.strength, e.status)
    return {k: tuple(sorted(v.values(), key=lambda o: (o.status is EvidenceStatus.DRAFT,
                                                        -o.strength, -o.occurred_on.toordinal(),
                                                        o.id)))
            for k, v in best.items()}


def suggested_evidence(options: Mapping[str, Sequence[EvidenceOption]]) -> dict[str, tuple[str, ...]]:
    """Evidence to pre-select per standard: every non-draft linked item, strongest first."""
    return {k: tuple(o.id for o in opts if o.status is not EvidenceStatus.DRAFT)
            for k, opts in options.items()}


def _label(std: StandardRef) -> str:
    return f"{std.framework_title} {std.code}: {std.title}"


def check(standards: Sequence[StandardRef], minimums: Sequence[MinimumStatus],
          options: Mapping[str, Sequence[EvidenceOption]], data: AssessmentInput,
          *, min_rationale: int = MIN_RATIONALE_CHARS) -> tuple[RuleWarning, ...]:
    """Every rule the assessment breaks, blocking ones first, then in form order."""
    out: list[RuleWarning] = []
    block, warn = Severity.BLOCKING, Severity.WARNING
    rec = data.recommendation
    if rec not in RECOMMENDATIONS:
        out.append(RuleWarning("recommendation_missing", block,
                               "Choose the recommendation: pass or fail.",
                               action="choose pass or fail"))
    rationale = data.rationale.strip()
    if not rationale:
        out.append(RuleWarning("rationale_missing", block,
                               "Write the rationale for the recommendation.",
                               action="write the rationale"))
    elif len(rationale) < min_rationale:
        out.append(RuleWarning(
            "rationale_short", block,
            f"The rationale is too short to explain the recommendation: at least {min_rationale} "
            f"characters ({len(rationale)} so far).",
            action=f"lengthen the rationale to {min_rationale} characters ({len(rationale)} so far)"))
    if rec == "fail" and not data.development.strip():
        out.append(RuleWarning("fail_without_development", block,
                               "A fail recommendation needs the areas for development.",
                               action="give the areas for development"))
    undecided = [s for s in standards
                 if data.judgements.get(s.key) is None
                 or data.judgements[s.key].judgement not in STANDARD_JUDGEMENTS]
    if undecided:
        out.append(RuleWarning(
            "judgement_missing", block,
            f"Give a judgement for {len(undecided)} more standard"
            f"{'s' if len(undecided) != 1 else ''}: {standards_text(undecided)}.",
            undecided[0].key, action=f"judge every standard ({len(undecided)} left)"))

    for m in minimums:
        if not m.met:
            drafts = f"; {m.drafts} in draft, not yet counted" if m.drafts else ""
            out.append(RuleWarning(
                "minimum_not_met", warn,
                f"{m.label}: {m.have} of {m.required} ({m.required - m.have} more needed{drafts})."))
    judged = {s.key: data.judgements.get(s.key) for s in standards}
    bare = [s for s in standards
            if not any(o.status is not EvidenceStatus.DRAFT for o in options.get(s.key, ()))]
    for fw in dict.fromkeys(s.framework_title for s in bare):  # one warning per framework
        mine = [s for s in bare if s.framework_title == fw]
        what = f"{_label(mine[0])}" if len(mine) == 1 else standards_text(mine)
        out.append(RuleWarning("standard_no_evidence", warn,
                               f"No final evidence is linked to {what}.", mine[0].key))
    for s in standards:
        j = judged[s.key]
        if j is not None and j.judgement == "met" and not j.evidence_ids:
            out.append(RuleWarning("demonstrated_without_evidence", warn,
                                   f"{s.framework_title} {s.code} is judged demonstrated but no "
                                   "evidence is chosen for it.", s.key))
        linked = {o.id for o in options.get(s.key, ())}
        gone = [i for i in (j.evidence_ids if j else ()) if i not in linked]
        if gone:
            out.append(RuleWarning("evidence_not_linked", warn,
                                   f"{s.framework_title} {s.code} cites {len(gone)} item"
                                   f"{'s' if len(gone) != 1 else ''} no longer linked to it.",
                                   s.key))
    not_yet = [s for s in standards if (j := judged[s.key]) is not None and j.judgement == "not_met"]
    if rec == "pass" and not_yet:
        out.append(RuleWarning(
            "pass_with_not_yet", warn,
            f"The recommendation is pass but {len(not_yet)} standard"
            f"{'s are' if len(not_yet) != 1 else ' is'} judged not yet demonstrated."))
    if rec == "fail" and standards and all(
            (j := judged[s.key]) is not None and j.judgement == "met" for s in standards):
        out.append(RuleWarning("fail_all_demonstrated", warn,
                               "The recommendation is fail but every standard is judged "
                               "demonstrated: explain why in the rationale."))
    if rec == "pass" and not data.year2_plan.strip():
        out.append(RuleWarning("year2_plan_missing", warn,
                               "Add a development plan for year 2."))
    return tuple(out)


def blocking(warnings: Iterable[RuleWarning]) -> tuple[RuleWarning, ...]:
    return tuple(w for w in warnings if w.blocking)
