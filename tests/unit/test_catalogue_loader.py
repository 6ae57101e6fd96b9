"""The YAML loader: built-in files load exactly, and every mistake names its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessor_app.domain.catalogue import Framework, Programme
from assessor_app.domain.enums import EvidenceKind
from assessor_app.errors import CatalogueError
from assessor_app.services.catalogue_loader import (
    build_catalogue,
    load_builtin,
    load_file,
    parse_detailed,
    parse_text,
)

SRC = "resources/programmes/x.yaml"

PROGRAMME = """\
# A fictional programme for tests
kind: programme
id: test-prog
version: "1"
title: Test programme
months: 12
frameworks: [fw-a]
stages:
  - id: s1
    title: First
    start_month: 0
    end_month: 6
  - id: s2
    title: Second
    start_month: 6
    end_month: 12
review_points:
  - {id: r6, title: Six, month: 6}
  - {id: fin, title: Final, month: 12, final: true}
observation_windows:
  - {id: w1, title: Window one, start_month: 0, end_month: 6}
reflections:
  - {id: ref12, title: Reflection, month: 12}
minimums:
  - {kind: observation, count: 3, label: Observations}
  - {kind: reflection, count: 1}
"""

FRAMEWORK = """\
kind: framework
id: fw-a
version: "1"
title: Framework A
short_title: FA
statements:
  - code: "1"
    title: One
    summary: The first.
  - code: "2"
    title: Two
"""


def line_of(text: str, marker: str) -> int:
    """1-based line of the first line containing ``marker`` (computed, not hard-coded)."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if marker in line)


def mutate(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} must occur once"
    return text.replace(old, new)


def fails(text: str, source: str = SRC) -> CatalogueError:
    with pytest.raises(CatalogueError) as info:
        parse_text(text, source)
    return info.value


# --- the templates themselves are valid ---------------------------------------------------


def test_templates_parse() -> None:
    p = parse_text(PROGRAMME, SRC)
    assert isinstance(p, Programme)
    assert (p.id, p.version, p.months, p.frameworks) == ("test-prog", "1", 12, ("fw-a",))
    assert [s.id for s in p.stages] == ["s1", "s2"]
    assert [r.final for r in p.review_points] == [False, True]
    assert p.minimums[1].kind is EvidenceKind.REFLECTION and p.minimums[1].label == ""
    assert (p.agreement_due_month, p.moderation_after_final_months, p.max_total_months) == (1.0, 1.0, None)
    assert p.source == SRC
    f = parse_text(FRAMEWORK, "fw.yaml")
    assert isinstance(f, Framework)
    assert [s.code for s in f.statements] == ["1", "2"] and f.statements[1].summary == ""
    assert f.provisional is False and f.note == ""


def test_numbers_as_versions_and_codes_are_kept_as_written() -> None:
    text = mutate(mutate(FRAMEWORK, 'version: "1"', "version: 2019.10"), 'code: "2"', "code: 02")
    f = parse_text(text, "fw.yaml")
    assert isinstance(f, Framework)
    assert f.version == "2019.10" and f.statements[1].code == "02"


# --- every rule, with the exact line ----------------------------------------------------------

PROGRAMME_CASES = [
    # (old, new, marker of the expected line, words the problem must contain)
    ("    end_month: 12\n", "    end_month: 12\n    ned_month: 3\n", "ned_month",
     "unknown key 'ned_month' in stage 2 (did you mean 'end_month'?)"),
    ("months: 12\n", "months: 12\ncolour: blue\n", "colour", "unknown key 'colour'"),
    ("  - id: s2\n    title: Second\n", "  - id: s2\n", "- id: s2", "stage 2 is missing the key 'title'"),
    ("months: 12\n", "", "kind: programme", "the programme is missing the key 'months'"),
    ("    start_month: 6\n    end_month: 12", "    start_month: 6\n    end_month: 5", "end_month: 5",
     "stage 's2' ends (month 5) before it starts (month 6)"),
    ("    start_month: 6\n    end_month: 12", "    start_month: 6\n    end_month: 6 # same",
     "# same", "stage 's2' starts and ends at month 6"),
    ("    start_month: 6\n", "    start_month: 7\n", "start_month: 7", "stage 's2' starts at month 7 but the previous stage ends at month 6"),
    ("    start_month: 0\n", "    start_month: 1\n", "start_month: 1", "the first stage must start at month 0"),
    ("    end_month: 12\n", "    end_month: 11\n", "end_month: 11", "the last stage ends at month 11 but 'months' is 12"),
    ("  - id: s2\n", "  - id: s1 # again\n", "# again", "id 's1' is used twice"),
    ("{id: r6, title: Six, month: 6}", "{id: r6, title: Six, month: 13}", "month: 13", "review point 'r6': 'month' must be at most 12 (it is 13)"),
    ("{id: r6, title: Six, month: 6}", "{id: r6, title: Six, month: -1}", "month: -1", "must be at least 0"),
    ("month: 12, final: true}", "month: 12}", "{id: r6", "no review point has 'final: true'"),
    ("{id: r6, title: Six, month: 6}", "{id: r6, title: Six, month: 6,\n     final: 'yes'}",
     "final: 'yes'", "review point 'r6': 'final' must be true or false"),
    ("{id: r6, title: Six, month: 6}", "{id: r6, title: Six, month: 12, final: true}",
     "id: fin", "second final review point"),
    ("month: 12, final: true}", "month: 11, final: true}", "month: 11", "final review point 'fin' is at month 11 but 'months' is 12"),
    ("month: 12, final: true}", "month: 12, final: true,\n     optional: true}", "optional: true",
     "is final, so it cannot be optional"),
    ("{id: r6, title: Six, month: 6}", "{id: r6, title: Six, month: 6, optional: maybe}", "maybe",
     "'optional' must be true or false"),
    ("{id: w1, title: Window one, start_month: 0, end_month: 6}",
     "{id: w1, title: Window one, start_month: 0, end_month: 14}", "end_month: 14",
     "observation window 'w1': 'end_month' must be at most 12"),
    ("{id: w1,", "{id: r6,", "{id: r6, title: Window", "id 'r6' is used twice ('review_points' and 'observation_windows')"),
    ("{id: ref12,", "{id: agreement,", "agreement", "id 'agreement' is used twice (reserved"),
    ("{kind: observation,", "{kind: obsrevation,", "obsrevation", "kind 'obsrevation' is not one of: observation,"),
    ("count: 3, label: Observations", "count: -1, label: Observations", "count: -1", "minimum 'observation': 'count' must be at least 0 (it is -1)"),
    ("count: 3, label: Observations", "count: 2.5, label: Observations", "2.5", "'count' must be a whole number"),
    ("{kind: reflection, count: 1}", "{kind: observation, count: 1}", "{kind: observation, count: 1}",
     "minimum kind 'observation' is used twice"),
    ("months: 12\n", "months: twelve\n", "months: twelve", "'months' must be a whole number"),
    ("months: 12\n", "months: 12\nmax_total_months: 6\n", "max_total", "'max_total_months' must be at least 12"),
    ("months: 12\n", "months: 12\nagreement_due_month: 13\n", "agreement", "'agreement_due_month' must be at most 12"),
    ("frameworks: [fw-a]", "frameworks: [fw-a, fw-a]", "frameworks:", "framework 'fw-a' is listed twice"),
    ("frameworks: [fw-a]", "frameworks: []", "frameworks:", "'frameworks' must not be empty"),
    ("frameworks: [fw-a]", "frameworks: fw-a", "frameworks:", "'frameworks' must be a list"),
    ("title: Test programme", 'title: ""', 'title: ""', "'title' must not be empty"),
    ("title: Test programme", "title:", "title:", "'title' has no value"),
    ("title: Test programme", "title: [a, b]", "title: [a", "'title' must be text"),
    ("title: Test programme", "title: yes", "title: yes", "'title' must be text (put 'yes' in quotes)"),
    ("id: test-prog", "id: test prog", "id: test prog", "'id' 'test prog' may use only letters"),
    ("id: test-prog", "id: test-prog\nid: again", "id: again", "key 'id' appears twice in the programme"),
    ("kind: programme", "kind: programm", "kind: programm", "must be 'framework' or 'programme', not 'programm'"),
    ("kind: programme\n", "", "id: test-prog", "missing the key 'kind'"),
    ("  - id: s1\n", "  - nonsense\n  - id: s1\n", "- nonsense", "stage 1 must be a mapping"),
]


@pytest.mark.parametrize(("old", "new", "marker", "problem"), PROGRAMME_CASES,
                         ids=[c[3][:40] for c in PROGRAMME_CASES])
def test_programme_rule_names_file_and_line(old: str, new: str, marker: str, problem: str) -> None:
    text = mutate(PROGRAMME, old, new)
    err = fails(text)
    assert (err.path, err.line) == (SRC, line_of(text, marker)), err.problem
    assert problem in err.problem
    assert str(err).startswith(f"{SRC}, line {err.line}: {err.problem}")


FRAMEWORK_CASES = [
    ("statements:", "statments:", "statments", "unknown key 'statments' in the framework (did you mean 'statements'?)"),
    ('  - code: "2"', '  - code: "1" # dup', "# dup", "statement code '1' is used twice (statement 1 and statement 2)"),
    ("    title: Two", "    titel: Two", "titel", "unknown key 'titel' in statement 2 (did you mean 'title'?)"),
    ("    summary: The first.", "    summary: The first.\n    summary: Again.", "Again",
     "key 'summary' appears twice in statement 1"),
    ("short_title: FA\n", "", "kind: framework", "the framework is missing the key 'short_title'"),
    ("short_title: FA", "short_title: FA\nprovisional: 1", "provisional: 1",
     "'provisional' must be true or false"),
]


@pytest.mark.parametrize(("old", "new", "marker", "problem"), FRAMEWORK_CASES,
                         ids=[c[3][:40] for c in FRAMEWORK_CASES])
def test_framework_rule_names_file_and_line(old: str, new: str, marker: str, problem: str) -> None:
    text = mutate(FRAMEWORK, old, new)
    err = fails(text, "fw.yaml")
    assert (err.path, err.line) == ("fw.yaml", line_of(text, marker))
    assert problem in err.problem


def test_empty_statements_refused() -> None:
    text = mutate(FRAMEWORK, FRAMEWORK[FRAMEWORK.index("statements:"):], "statements: []\n")
    err = fails(text)
    assert (err.line, err.problem) == (line_of(text, "statements:"), "'statements' must not be empty")


# --- whole-file problems ----------------------------------------------------------------------


def test_yaml_syntax_error_reports_the_mark_line() -> None:
    text = mutate(PROGRAMME, "  - {id: r6, title: Six, month: 6}", "  - {id: r6, title: Six, month: 6")
    err = fails(text)
    assert err.problem.startswith("YAML syntax error")
    assert err.line == line_of(text, "id: fin")  # where the parser noticed
    assert f"flow mapping that starts on line {line_of(text, '{id: r6')}" in err.problem


def test_bad_indentation_is_a_syntax_error_on_its_line() -> None:
    text = mutate(PROGRAMME, "    title: First\n", "    title: First\n   bad: indent\n")
    err = fails(text)
    assert err.problem.startswith("YAML syntax error")
    assert err.line == line_of(text, "bad: indent")


def test_control_character_is_reported_on_its_line() -> None:
    text = mutate(PROGRAMME, "title: Second", "title: Sec\x07ond")
    err = fails(text)
    assert err.line == line_of(text, "Sec\x07ond")
    assert "unreadable character" in err.problem


@pytest.mark.parametrize("text", ["- kind: programme\n- id: x\n", "just some words\n"])
def test_file_that_is_not_a_mapping(text: str) -> None:
    err = fails(text)
    assert err.line == 1 and "must be a mapping" in err.problem


@pytest.mark.parametrize("text", ["", "   \n\n", "# only a comment\n"])
def test_empty_file(text: str) -> None:
    err = fails(text)
    assert (err.line, err.problem) == (None, "the file is empty")
    assert str(err).startswith(f"{SRC}: the file is empty")


def test_two_documents_refused() -> None:
    text = FRAMEWORK + "---\n" + FRAMEWORK
    err = fails(text)
    assert err.line == line_of(text, "---") and "YAML syntax error" in err.problem


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    data = PROGRAMME.encode("utf-8").replace(b"Second", b"Sec\xf6nd")  # Latin-1 "ö"
    path = tmp_path / "latin1.yaml"
    path.write_bytes(data)
    with pytest.raises(CatalogueError) as info:
        load_file(path)
    assert (info.value.path, info.value.line) == (str(path), line_of(PROGRAMME, "Second"))
    assert info.value.problem == "the file is not UTF-8 text"


def test_utf8_with_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + FRAMEWORK.encode("utf-8"))
    item = load_file(path)
    assert isinstance(item, Framework) and item.source == str(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError) as info:
        load_file(tmp_path / "nope.yaml")
    assert info.value.line is None and "cannot be read" in info.value.problem


# --- across files ---------------------------------------------------------------------------


def test_unknown_framework_reference_names_its_line() -> None:
    text = mutate(PROGRAMME, "frameworks: [fw-a]", "frameworks:\n  - fw-a\n  - fw-b")
    programme = parse_detailed(text, SRC)
    framework = parse_detailed(FRAMEWORK, "fw.yaml")
    with pytest.raises(CatalogueError) as info:
        build_catalogue([framework, programme])
    err = info.value
    assert (err.path, err.line) == (SRC, line_of(text, "- fw-b"))
    assert "programme 'test-prog' refers to framework 'fw-b', which is not in the catalogue" in err.problem
    with pytest.raises(CatalogueError) as plain:  # plain dataclasses: the file, without a line
        build_catalogue([framework.item, programme.item])
    assert (plain.value.path, plain.value.line) == (SRC, None)


def test_build_catalogue_keeps_order_so_later_versions_win() -> None:
    one = parse_text(FRAMEWORK, "one.yaml")
    two = parse_text(mutate(FRAMEWORK, 'version: "1"', 'version: "2"'), "two.yaml")
    cat = build_catalogue([one, two, parse_text(PROGRAMME, SRC)])
    assert cat.framework("fw-a") == two and cat.framework("fw-a", "1") == one
    assert cat.programme("test-prog") is not None


def _resources(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_load_builtin_refuses_duplicate_id_and_version(tmp_path: Path) -> None:
    copy = "# a copy\n" + FRAMEWORK
    root = _resources(tmp_path, {"frameworks/a.yaml": FRAMEWORK, "frameworks/b.yaml": copy,
                                 "programmes/p.yaml": PROGRAMME})
    with pytest.raises(CatalogueError) as info:
        load_builtin(root)
    err = info.value
    assert (err.path, err.line) == (str(root / "frameworks/b.yaml"), line_of(copy, "id: fw-a"))
    assert f"framework 'fw-a' version '1' is also defined in {root / 'frameworks/a.yaml'}" in err.problem


def test_load_builtin_refuses_unknown_framework(tmp_path: Path) -> None:
    root = _resources(tmp_path, {"programmes/p.yaml": PROGRAMME})
    with pytest.raises(CatalogueError) as info:
        load_builtin(root)
    assert (info.value.path, info.value.line) == (str(root / "programmes/p.yaml"),
                                                  line_of(PROGRAMME, "frameworks:"))


# --- the shipped files ----------------------------------------------------------------------

FRAMEWORKS = {  # id: (version, statements, short title, provisional)
    "pqs-cf": ("2018", 10, "PQS (child and family)", False),
    "ecs-cf": ("2026-draft", 6, "Early career standards", True),
    "kss-adults": ("2015", 10, "KSS (adults)", True),
    "pcf": ("2018", 9, "PCF", False),
    "swe": ("2019", 6, "SWE standards", False),
}


def test_builtin_frameworks(resources: Path) -> None:
    cat = load_builtin(resources)
    assert {f.id for f in cat.frameworks} == set(FRAMEWORKS)
    for f in cat.frameworks:
        version, count, short, provisional = FRAMEWORKS[f.id]
        assert (f.version, len(f.statements), f.short_title, f.provisional) == (version, count, short, provisional)
        assert [s.code for s in f.statements] == [str(n) for n in range(1, count + 1)]
        assert all(s.title and s.summary.endswith(".") for s in f.statements), f.id
        assert f.source == f"builtin:frameworks/{f.id}.yaml"
    pqs = cat.framework("pqs-cf")
    assert pqs is not None and "verify against the published text" in pqs.note.lower()
    assert pqs.title == ("Post-qualifying standard: knowledge and skills statement for child "
                         "and family practitioners")
    assert [pqs.statements[i].title for i in (0, 6, 7)] == [
        "Relationships and effective direct work", "Analysis, decision-making, planning and review",
        "The law and the family and youth justice systems"]
    ecs = cat.framework("ecs-cf")
    assert ecs is not None and "provisional" in ecs.note.lower()
    assert [s.title for s in ecs.statements] == [
        "Anti-discriminatory practice", "Relationships and communication", "Assessment and planning",
        "Intervention", "Reflection and learning", "Leadership and management"]
    kss = cat.framework("kss-adults")
    assert kss is not None and "verify" in kss.note and "unconfirmed" in kss.note
    assert kss.statements[9].title == "Social work with adults: legal literacy"
    pcf = cat.framework("pcf")
    assert pcf is not None and pcf.statements[5].title == "Critical reflection and analysis"
    swe = cat.framework("swe")
    assert swe is not None and swe.statements[3].title == "Maintain continuing professional development"


def test_builtin_programmes(resources: Path) -> None:
    cat = load_builtin(resources)
    assert {(p.id, p.version) for p in cat.programmes} == {
        ("asye-children", "2025"), ("asye-adults", "2025"), ("ecp-children", "2027-draft")}
    asye = cat.programme("asye-children")
    adults = cat.programme("asye-adults")
    ecp = cat.programme("ecp-children")
    assert asye is not None and adults is not None and ecp is not None
    assert (asye.months, asye.frameworks, asye.provisional) == (12, ("pqs-cf", "pcf", "swe"), False)
    assert adults.frameworks == ("kss-adults", "pcf", "swe") and adults.title == "ASYE — adult services"
    assert [(s.id, s.start_month, s.end_month) for s in asye.stages] == [
        ("stage-1", 0, 3), ("stage-2", 3, 6), ("stage-3", 6, 12)]
    assert [(r.id, r.month, r.optional, r.final) for r in asye.review_points] == [
        ("review-3", 3, False, False), ("review-6", 6, False, False),
        ("review-9", 9, True, False), ("final", 12, False, True)]
    assert [(w.id, w.start_month, w.end_month) for w in asye.observation_windows] == [
        ("obs-1", 0, 3), ("obs-2", 3, 6), ("obs-3", 6, 12)]
    assert [(r.id, r.month) for r in asye.reflections] == [("reflection-6", 6), ("reflection-12", 12)]
    counts = {m.kind.value: m.count for m in asye.minimums}
    assert counts == {"observation": 3, "feedback_lived": 3, "feedback_professional": 3,
                      "record_review": 3, "reflection": 2}
    assert (asye.agreement_due_month, asye.moderation_after_final_months, asye.max_total_months) == (1, 1, 24)
    for field in ("months", "stages", "review_points", "observation_windows", "reflections",
                  "max_total_months"):
        assert getattr(adults, field) == getattr(asye, field), field
    assert {m.kind.value: m.count for m in adults.minimums} == counts
    assert (ecp.months, ecp.provisional, ecp.max_total_months) == (24, True, 36)
    assert ecp.frameworks == ("ecs-cf", "pcf", "swe")
    assert [(s.id, s.start_month, s.end_month) for s in ecp.stages] == [
        ("stage-1", 0, 6), ("stage-2", 6, 12), ("stage-3", 12, 18), ("stage-4", 18, 24)]
    assert [(r.id, r.month, r.final) for r in ecp.review_points] == [
        ("review-3", 3, False), ("review-6", 6, False), ("review-12", 12, False),
        ("review-18", 18, False), ("final", 24, True)]
    assert len(ecp.observation_windows) == len(ecp.stages)
    assert [r.month for r in ecp.reflections] == [12, 24]
    assert {m.kind.value: m.count for m in ecp.minimums} == {
        "observation": 4, "feedback_lived": 4, "feedback_professional": 4, "record_review": 4,
        "reflection": 2}
