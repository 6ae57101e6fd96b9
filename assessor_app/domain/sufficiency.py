"""Is there enough evidence, of enough kinds, against every standard? (pure)

Minimums count evidence that is final or signed (drafts are reported apart).
Coverage counts every non-draft link to a statement and the distinct evidence
kinds behind it: moderators look for breadth, not ticks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from assessor_app.domain.catalogue import EvidenceMinimum, Framework, Programme
from assessor_app.domain.enums import EvidenceKind, EvidenceStatus


@dataclass(frozen=True)
class EvidenceFact:
    """What sufficiency needs to know of one piece of evidence (no text)."""

    id: str
    kind: EvidenceKind
    status: EvidenceStatus
    occurred_on: date
    stage_id: str
    links: tuple[tuple[str, str], ...]  # (framework_id, statement_code)


@dataclass(frozen=True)
class MinimumStatus:
    kind: EvidenceKind
    label: str
    required: int
    have: int  # final or signed
    drafts: int

    @property
    def met(self) -> bool:
        return self.have >= self.required


@dataclass(frozen=True)
class StatementCoverage:
    framework_id: str
    code: str
    title: str
    items: int  # non-draft evidence linked
    kinds: frozenset[EvidenceKind]

    @property
    def level(self) -> int:
        """0 none, 1 one kind, 2 two kinds, 3 three or more kinds: the heat map's scale."""
        return min(len(self.kinds), 3)


@dataclass(frozen=True)
class Sufficiency:
    minimums: tuple[MinimumStatus, ...]
    coverage: tuple[StatementCoverage, ...]  # in framework order, statement order

    @property
    def all_minimums_met(self) -> bool:
        return all(m.met for m in self.minimums)

    def uncovered(self, framework_id: str | None = None) -> tuple[StatementCoverage, ...]:
        return tuple(c for c in self.coverage
                     if c.items == 0 and (framework_id is None or c.framework_id == framework_id))


_COUNTED = frozenset({EvidenceStatus.FINAL, EvidenceStatus.SIGNED})


def _minimum_status(minimum: EvidenceMinimum, facts: Sequence[EvidenceFact]) -> MinimumStatus:
    of_kind = [f for f in facts if f.kind == minimum.kind]
    return MinimumStatus(
        kind=minimum.kind,
        label=minimum.label or minimum.kind.label,
        required=minimum.count,
        have=sum(1 for f in of_kind if f.status in _COUNTED),
        drafts=sum(1 for f in of_kind if f.status == EvidenceStatus.DRAFT),
    )


def assess(programme: Programme, frameworks: Sequence[Framework],
           facts: Sequence[EvidenceFact]) -> Sufficiency:
    """Minimums of ``programme`` and coverage of every statement of ``frameworks`` (in order).

    A fact linked twice to one statement counts once; links to statements not in
    ``frameworks`` are ignored (a framework may be dropped from an enrolment).
    """
    minimums = tuple(_minimum_status(m, facts) for m in programme.minimums)
    linked: dict[tuple[str, str], dict[str, EvidenceKind]] = {}
    for fact in facts:
        if fact.status == EvidenceStatus.DRAFT:
            continue
        for link in fact.links:
            linked.setdefault(link, {})[fact.id] = fact.kind
    coverage = []
    for fw in frameworks:
        for st in fw.statements:
            by_id = linked.get((fw.id, st.code), {})
            coverage.append(StatementCoverage(
                framework_id=fw.id, code=st.code, title=st.title,
                items=len(by_id), kinds=frozenset(by_id.values())))
    return Sufficiency(minimums=minimums, coverage=tuple(coverage))
