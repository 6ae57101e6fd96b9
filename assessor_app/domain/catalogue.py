"""Standards frameworks and programmes as data (loaded from resources/ YAML).

These are immutable value objects; loading and validating the YAML lives in
``services/catalogue_loader.py``. A framework or programme is identified by
``(id, version)`` so an enrolment keeps the version it started with.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assessor_app.domain.enums import EvidenceKind


@dataclass(frozen=True)
class Statement:
    """One standard, statement, capability domain or area of a framework."""

    code: str  # stable within the framework, e.g. "KSS-1" or "PCF-6"
    title: str
    summary: str = ""


@dataclass(frozen=True)
class Framework:
    id: str  # e.g. "pqs-cf"
    version: str  # e.g. "2018"
    title: str
    short_title: str
    statements: tuple[Statement, ...]
    provisional: bool = False
    note: str = ""  # e.g. "verify against the published text"
    source: str = ""  # file it came from ("builtin:..." or an imported path)

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    def statement(self, code: str) -> Statement | None:
        return next((s for s in self.statements if s.code == code), None)


@dataclass(frozen=True)
class Stage:
    id: str  # e.g. "foundation"
    title: str
    start_month: float  # months from the programme start (FTE 1.0, no pauses)
    end_month: float


@dataclass(frozen=True)
class ReviewPoint:
    id: str  # e.g. "review-3"
    title: str
    month: float
    optional: bool = False
    final: bool = False


@dataclass(frozen=True)
class ObservationWindow:
    id: str
    title: str
    start_month: float
    end_month: float


@dataclass(frozen=True)
class ReflectionDue:
    id: str
    title: str
    month: float


@dataclass(frozen=True)
class EvidenceMinimum:
    kind: EvidenceKind
    count: int
    label: str = ""


@dataclass(frozen=True)
class Programme:
    id: str  # e.g. "asye-children"
    version: str
    title: str
    months: int  # nominal length at FTE 1.0
    frameworks: tuple[str, ...]  # framework ids it assesses against (main one first)
    stages: tuple[Stage, ...]
    review_points: tuple[ReviewPoint, ...]
    observation_windows: tuple[ObservationWindow, ...]
    reflections: tuple[ReflectionDue, ...]
    minimums: tuple[EvidenceMinimum, ...]
    agreement_due_month: float = 1.0
    moderation_after_final_months: float = 1.0
    max_total_months: int | None = None  # some employers cap total length (e.g. 24)
    provisional: bool = False
    note: str = ""
    source: str = ""

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"


@dataclass(frozen=True)
class Catalogue:
    """Every framework and programme version known to this store."""

    frameworks: tuple[Framework, ...] = field(default_factory=tuple)
    programmes: tuple[Programme, ...] = field(default_factory=tuple)

    def framework(self, fid: str, version: str | None = None) -> Framework | None:
        found = [f for f in self.frameworks if f.id == fid and (version is None or f.version == version)]
        return found[-1] if found else None

    def programme(self, pid: str, version: str | None = None) -> Programme | None:
        found = [p for p in self.programmes if p.id == pid and (version is None or p.version == version)]
        return found[-1] if found else None
