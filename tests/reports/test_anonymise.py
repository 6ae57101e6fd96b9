"""The moderation copy: no name, surname, registration number or case reference survives."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from assessor_app.domain.anonymise import (
    REMOVED,
    Scrubber,
    anonymise,
    names_to_pseudonymise,
    pseudonym_label,
)
from assessor_app.domain.report_data import DetailField, FieldTag, ReportData
from tests.reports.conftest import TODAY, DemoStore

CASE_REF = re.compile(r"\b[AC]-\d{4}\b")


def strings(obj: object) -> Iterator[str]:
    """Every string anywhere inside a (nested) dataclass."""
    if isinstance(obj, str):
        yield str(obj)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            yield from strings(getattr(obj, f.name))
    elif isinstance(obj, tuple | list | frozenset | set):
        for v in obj:
            yield from strings(v)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from strings(k)
            yield from strings(v)


def identifiers(data: ReportData) -> set[str]:
    """Names (whole, each part, each hyphenated part), registration numbers, case references."""
    names = {n for _, n in names_to_pseudonymise(data)}
    out = {data.practitioner.registration_number, data.practitioner.team, data.practitioner.employer}
    out |= {p.registration_number for p in data.people if p.registration_number}
    for n in names:
        out.add(n)
        for part in n.split():
            out.add(part)
            out |= set(part.split("-"))
    for s in strings(data):
        out |= set(CASE_REF.findall(s))
    return {x for x in out if x}


def leaks(data: ReportData, found: set[str]) -> list[str]:
    pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, found)) + r")(?!\w)", re.I)
    return sorted({m.group(0) for s in strings(data) for m in pattern.finditer(s)})


def _mapping(data: ReportData) -> dict[str, str]:
    counts: dict[str, int] = {}
    out = {}
    for kind, real in names_to_pseudonymise(data):
        counts[kind] = counts.get(kind, 0) + 1
        out[real] = pseudonym_label(kind, counts[kind])
    return out


def test_demo_portfolios_leave_no_identifier(demo: DemoStore) -> None:
    for enrolment in (demo.completed, demo.mid_year):
        data = demo.service.build("portfolio", enrolment, today=TODAY)
        found = identifiers(data)
        assert any(CASE_REF.fullmatch(x) for x in found), "the demo has case references"
        assert leaks(data, found), "the named portfolio is full of them"
        anon = anonymise(data, _mapping(data))
        assert leaks(anon, found) == []
        assert anon.meta.anonymised and anon.practitioner.name == "Practitioner A"
        assert {p.name for p in anon.people} == {"Assessor 1", "Line manager 1", "Coordinator 1"}
        assert anon.practitioner.registration_number == REMOVED
        # what is not identifying stays: the evidence, its dates and the standards
        assert [e.occurred_on for e in anon.evidence] == [e.occurred_on for e in data.evidence]
        assert anon.sufficiency == data.sufficiency and anon.frameworks == data.frameworks


def test_names_inside_narrative_are_replaced(demo: DemoStore) -> None:
    data = demo.service.build("final", demo.completed, today=TODAY)
    item = data.evidence[0]
    first, *_, surname = data.practitioner.name.split()
    assessor = data.person("assessor").name
    text = (f"{data.practitioner.name} met {first.upper()} and {surname.lower()}'s mother; "
            f"{assessor.split()[0]} observed. {surname.split('-')[-1]} agreed. Ref C-1234 and "
            f"SW123456. Theodora is a stranger.")
    item = dataclasses.replace(item, fields=(DetailField("Notes", text, long=True),
                                             DetailField("Observer", "Someone Unknown",
                                                         tag=FieldTag.NAME)))
    data = dataclasses.replace(data, evidence=(item, *data.evidence[1:]))
    mapping = _mapping(data)
    assert mapping.pop("Someone Unknown") == "Person 1", "a named observer gets a pseudonym"
    anon = anonymise(data, mapping)
    notes, observer = anon.evidence[0].fields
    assert notes.text == ("Practitioner A met Practitioner A and Practitioner A's mother; "
                          "Assessor 1 observed. Practitioner A agreed. Ref [removed] and "
                          "[removed]. Theodora is a stranger.")
    assert observer.text == REMOVED, "a name without a pseudonym is dropped"


def test_pseudonym_labels() -> None:
    assert pseudonym_label("practitioner", 1) == "Practitioner A"
    assert pseudonym_label("practitioner", 27) == "Practitioner AA"
    assert pseudonym_label("manager", 2) == "Line manager 2"
    assert pseudonym_label("somebody", 3) == "Person 3"


_PART = st.from_regex(r"[A-Z][a-z]{2,8}", fullmatch=True)
_VOCAB = {"practitioner", "assessor", "line", "manager", "coordinator", "person", "removed"}


@settings(max_examples=150, deadline=None)
@given(first=_PART, last=_PART, hyphen=st.one_of(st.none(), _PART),
       before=st.text(alphabet=st.characters(categories=("Ll", "Zs", "Po")), max_size=40),
       after=st.text(alphabet=st.characters(categories=("Ll", "Zs", "Po")), max_size=40))
def test_any_name_is_scrubbed_wherever_it_stands(first: str, last: str, hyphen: str | None,
                                                 before: str, after: str) -> None:
    surname = f"{last}-{hyphen}" if hyphen else last
    name = f"{first} {surname}"
    parts = {first, last, *([hyphen] if hyphen else [])}
    assume(not {p.lower() for p in parts} & _VOCAB)
    scrub = Scrubber({name: "Person 1"}, ["SW123456"])
    for shown in (name, first, surname, last, name.upper(), surname.lower()):
        out = scrub(f"{before} {shown}, {after}")
        for p in parts:
            assert not re.search(rf"(?<!\w){re.escape(p)}(?!\w)", out, re.I), (shown, out)
    assert scrub("x SW123456 y") == f"x {REMOVED} y"
