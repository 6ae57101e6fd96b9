"""The moderation copy of a report: names pseudonymised, identifiers removed (pure).

What is replaced, everywhere in the data including narrative text:
- every person's name (practitioner, assessor, manager, coordinator, anyone named
  in a name field or as a review attendee) by a stable pseudonym from the map the
  store keeps ("Practitioner A", "Assessor 1", ...); the full name, the surname
  (and each part of a hyphenated surname) and the first name alone, matched
  case-insensitively on word boundaries;
- registration numbers and case references (from their fields, plus anything
  matching ``IDENTIFIER_PATTERNS``), team and employer names, by ``[removed]``.

Catalogue data (frameworks, programme) is not touched: it is not personal, and a
first name such as "Law" must not rewrite a standard's title. First names that
are also common words are still replaced in narrative text (an accepted cost:
a leaked name is worse than an odd sentence).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from enum import Enum

from assessor_app.domain.catalogue import Framework, Programme, Statement
from assessor_app.domain.report_data import (
    DetailField,
    FieldTag,
    PersonInfo,
    PractitionerInfo,
    ReportData,
)
from assessor_app.domain.sufficiency import Sufficiency
from assessor_app.domain.timeline import Timeline

REMOVED = "[removed]"

#: formats of identifiers removed wherever they appear (this employer's case references
#: "C-1234" / "A-1234" and Social Work England numbers "SW123456"); extend per employer
IDENTIFIER_PATTERNS: tuple[str, ...] = (r"\b[A-Z]{1,3}-\d{4,}\b", r"\bSW\d{5,}\b")

#: surname particles not replaced on their own ("van" is also a vehicle)
_PARTICLES = frozenset({"van", "von", "de", "der", "den", "da", "di", "del", "della", "du", "la",
                        "le", "st", "bin", "ibn", "al", "el", "ter", "ten", "mac"})

#: pseudonym kinds: the label and whether it counts with letters (A, B) or numbers
_KIND_LABELS = {"practitioner": ("Practitioner", True), "assessor": ("Assessor", False),
                "manager": ("Line manager", False), "coordinator": ("Coordinator", False),
                "person": ("Person", False)}


def pseudonym_label(kind: str, n: int) -> str:
    """The n-th pseudonym (1-based) of a kind: "Practitioner A", "Assessor 2"."""
    word, letters = _KIND_LABELS.get(kind, _KIND_LABELS["person"])
    if not letters:
        return f"{word} {n}"
    tag = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        tag = chr(65 + r) + tag
    return f"{word} {tag}"


def _name_fields(data: ReportData) -> Iterable[str]:
    for e in data.evidence:
        for f in e.fields:
            if f.tag is FieldTag.NAME and f.text:
                yield f.text
    for r in data.reviews:
        for a in r.attendees:
            yield a.name
    for p in data.dates.pauses:
        if p.agreed_by:
            yield p.agreed_by


def names_to_pseudonymise(data: ReportData) -> list[tuple[str, str]]:
    """(kind, real name) of everyone named in ``data``, practitioner first, no repeats."""
    out: list[tuple[str, str]] = [("practitioner", data.practitioner.name)]
    seen = {data.practitioner.name.casefold()}
    for p in data.people:
        if p.name and p.name.casefold() not in seen:
            seen.add(p.name.casefold())
            out.append((p.role if p.role in _KIND_LABELS else "person", p.name))
    for name in _name_fields(data):
        name = name.strip()
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(("person", name))
    return out


def _name_variants(name: str) -> list[str]:
    """The full name, each part, each part of a hyphenated part (particles skipped)."""
    parts = name.split()
    out = [name]
    if len(parts) > 1:
        out.append(" ".join(parts[1:]))  # the surname with any particles
    for part in parts:
        out.append(part)
        if "-" in part:
            out += part.split("-")
    return [v for v in out if len(v) >= 2 and v.casefold() not in _PARTICLES]


class Scrubber:
    """One compiled pass over a string: names to pseudonyms, identifiers to [removed]."""

    def __init__(self, pseudonyms: Mapping[str, str], identifiers: Iterable[str],
                 patterns: Iterable[str] = IDENTIFIER_PATTERNS) -> None:
        table: dict[str, str] = {}
        for real, alias in pseudonyms.items():
            for variant in _name_variants(real.strip()):
                table.setdefault(variant.casefold(), alias)  # the first holder keeps a shared part
        for ident in identifiers:
            if ident and len(ident.strip()) >= 2:
                table[ident.strip().casefold()] = REMOVED
        self._table = table
        alternatives = [re.escape(k) for k in sorted(table, key=len, reverse=True)]
        alternatives += [f"(?:{p})" for p in patterns]
        self._re = re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)",
                              re.IGNORECASE) if alternatives else None

    def _sub(self, m: re.Match[str]) -> str:
        return self._table.get(m.group(0).casefold(), REMOVED)

    def __call__(self, text: str) -> str:
        if self._re is None or not text:
            return text
        return self._re.sub(self._sub, text)


_SKIP = (Programme, Framework, Statement, Sufficiency, Timeline)  # catalogue text only


def _walk(obj: object, scrub: Scrubber) -> object:
    if type(obj) is str:
        return scrub(obj)
    if obj is None or isinstance(obj, (Enum, *_SKIP)):
        return obj
    if isinstance(obj, tuple):
        return tuple(_walk(v, scrub) for v in obj)
    if isinstance(obj, list):
        return [_walk(v, scrub) for v in obj]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        changes = {}
        for f in dataclasses.fields(obj):
            if not f.init:
                continue
            old = getattr(obj, f.name)
            new = _walk(old, scrub)
            if new is not old:
                changes[f.name] = new
        return dataclasses.replace(obj, **changes) if changes else obj
    return obj


def _field(f: DetailField, scrub: Scrubber, pseudonyms: Mapping[str, str]) -> DetailField:
    if f.tag in (FieldTag.CASE, FieldTag.REGISTRATION):
        return dataclasses.replace(f, text=REMOVED, rows=())
    if f.tag is FieldTag.NAME:
        alias = pseudonyms.get(f.text.strip())
        if alias is None:
            cleaned = scrub(f.text)
            alias = cleaned if cleaned != f.text else REMOVED  # an unknown name: drop it
        return dataclasses.replace(f, text=alias)
    return f


def identifiers_of(data: ReportData) -> list[str]:
    """Registration numbers, case references, team and employer named in ``data``."""
    out = [data.practitioner.registration_number, data.practitioner.team,
           data.practitioner.employer]
    out += [p.registration_number for p in data.people]
    out += [f.text for e in data.evidence for f in e.fields
            if f.tag in (FieldTag.CASE, FieldTag.REGISTRATION)]
    return [s for s in out if s]


def anonymise(data: ReportData, pseudonyms: Mapping[str, str], *,
              identifiers: Iterable[str] = (),
              patterns: Iterable[str] = IDENTIFIER_PATTERNS) -> ReportData:
    """An anonymised copy of ``data`` (rules in the module docstring).

    ``pseudonyms`` maps every real name to its pseudonym (see
    ``names_to_pseudonymise``); a name missing from it in a name field is removed.
    """
    scrub = Scrubber(pseudonyms, [*identifiers_of(data), *identifiers], patterns)
    evidence = tuple(
        dataclasses.replace(e, fields=tuple(_field(f, scrub, pseudonyms) for f in e.fields))
        for e in data.evidence)
    pr = data.practitioner
    practitioner = PractitionerInfo(
        id=pr.id, name=pseudonyms.get(pr.name, pseudonym_label("practitioner", 1)),
        registration_number=REMOVED if pr.registration_number else "",
        team=REMOVED if pr.team else "", employer=REMOVED if pr.employer else "", fte=pr.fte)
    people = tuple(PersonInfo(p.role, pseudonyms.get(p.name, REMOVED), scrub(p.job_title),
                              REMOVED if p.registration_number else "") for p in data.people)
    shell = dataclasses.replace(data, evidence=evidence)
    out = _walk(shell, scrub)
    assert isinstance(out, ReportData)
    return dataclasses.replace(out, practitioner=practitioner, people=people,
                               meta=dataclasses.replace(data.meta, anonymised=True))
