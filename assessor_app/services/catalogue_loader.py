"""Framework and programme YAML → domain dataclasses, with every error naming file and line.

Employers edit these files by hand, so a mistake must point at its line: a small checker over
PyYAML's node tree (``yaml.compose`` keeps the marks) is fast at start-up and needs no schema
library. Only this module imports yaml.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from assessor_app.domain import catalogue as cat
from assessor_app.domain.catalogue import Catalogue, Framework, Programme
from assessor_app.domain.enums import EvidenceKind
from assessor_app.errors import CatalogueError

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: faster
_T = "tag:yaml.org,2002:"
_TEXT_TAGS = frozenset({_T + "str", _T + "int", _T + "float"})
_NUM_TAGS = frozenset({_T + "int", _T + "float"})
_IDENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
_SCALARS = yaml.constructor.SafeConstructor()
RESERVED_DUE_KEYS = frozenset({"agreement", "moderation"})  # timeline keys (domain/timeline.py)
MAX_IDENT, MAX_VERSION, MAX_TITLE = 64, 32, 300  # column sizes of CatalogueEntry
_KINDS = ", ".join(k.value for k in EvidenceKind)
_COMMON = ("kind", "id", "version", "title")
_OPTIONAL = ("provisional", "note")
_SPAN_KEYS = (("id", "title", "start_month", "end_month"), ())
_FRAMEWORK_KEYS = (*_COMMON, "short_title", "statements"), _OPTIONAL
_PROGRAMME_KEYS = ((*_COMMON, "months", "frameworks", "stages", "review_points",
                    "observation_windows", "reflections", "minimums"),
                   ("agreement_due_month", "moderation_after_final_months", "max_total_months",
                    *_OPTIONAL))


@dataclass(frozen=True)
class Parsed:
    """A parsed file plus the lines that checks across files need (duplicates, references)."""

    item: Framework | Programme
    where: str  # what error messages call the file
    id_line: int | None = None
    ref_lines: Mapping[str, int] = field(default_factory=dict)  # framework id → line

    @property
    def kind(self) -> str:
        return "framework" if isinstance(self.item, Framework) else "programme"


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _T + "null"


def _line(node: Node | None) -> int | None:
    return node.start_mark.line + 1 if node is not None else None


class _Checker:
    """Reads typed values out of nodes; raises CatalogueError at the offending node."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, node: Node | None, problem: str) -> CatalogueError:
        return CatalogueError(self.where, _line(node), problem)

    def mapping(self, node: Node, what: str, keys: tuple[tuple[str, ...], tuple[str, ...]],
                ) -> dict[str, Node]:
        required, optional = keys
        if not isinstance(node, MappingNode):
            raise self.fail(node, f"{what} must be a mapping of 'key: value' lines")
        out: dict[str, Node] = {}
        for key, value in node.value:
            if not isinstance(key, ScalarNode) or key.tag not in _TEXT_TAGS:
                raise self.fail(key, f"{what} has a key that is not a plain name")
            name = key.value
            if name in out:
                raise self.fail(key, f"key '{name}' appears twice in {what}")
            if name not in required and name not in optional:
                allowed = (*required, *optional)
                close = difflib.get_close_matches(name, allowed, n=1)
                tip = f"did you mean '{close[0]}'?" if close else "allowed: " + ", ".join(allowed)
                raise self.fail(key, f"unknown key '{name}' in {what} ({tip})")
            out[name] = value
        missing = [k for k in required if k not in out]
        if missing:
            raise self.fail(node, f"{what} is missing the key '{missing[0]}'")
        return out

    def seq(self, node: Node, what: str, *, nonempty: bool = False) -> list[Node]:
        if _is_null(node) and not nonempty:
            return []
        if not isinstance(node, SequenceNode):
            raise self.fail(node, f"{what} must be a list")
        if nonempty and not node.value:
            raise self.fail(node, f"{what} must not be empty")
        return list(node.value)

    def text(self, node: Node, what: str, max_len: int = 0) -> str:
        if not isinstance(node, ScalarNode) or _is_null(node):
            raise self.fail(node, f"{what} {'has no value' if _is_null(node) else 'must be text'}")
        if node.tag not in _TEXT_TAGS:
            raise self.fail(node, f"{what} must be text (put '{node.value}' in quotes)")
        value = node.value.strip()
        if not value:
            raise self.fail(node, f"{what} must not be empty")
        if max_len and len(value) > max_len:
            raise self.fail(node, f"{what} is longer than {max_len} characters")
        return value

    def ident(self, node: Node, what: str, max_len: int = MAX_IDENT) -> str:
        value = self.text(node, what, max_len)
        if not _IDENT.match(value):
            raise self.fail(node, f"{what} '{value}' may use only letters, digits, '.', '_' and '-'")
        return value

    def flag(self, node: Node | None, what: str) -> bool:
        if node is None:  # absent: the dataclass default
            return False
        if not isinstance(node, ScalarNode) or node.tag != _T + "bool":
            raise self.fail(node, f"{what} must be true or false")
        return bool(_SCALARS.construct_yaml_bool(node))

    def number(self, node: Node, what: str, *, minimum: float = 0.0,
               maximum: float | None = None, whole: bool = False) -> float:
        tags = {_T + "int"} if whole else _NUM_TAGS
        if not isinstance(node, ScalarNode) or node.tag not in tags:
            raise self.fail(node, f"{what} must be a {'whole ' if whole else ''}number")
        if node.tag == _T + "int":
            value: float = _SCALARS.construct_yaml_int(node)
        else:
            value = _SCALARS.construct_yaml_float(node)
            if not math.isfinite(value):
                raise self.fail(node, f"{what} must be a finite number")
        if value < minimum:
            raise self.fail(node, f"{what} must be at least {minimum:g} (it is {value:g})")
        if maximum is not None and value > maximum:
            raise self.fail(node, f"{what} must be at most {maximum:g} (it is {value:g})")
        return value

    def document(self, text: str, keys: tuple[tuple[str, ...], tuple[str, ...]],
                 kind: str) -> dict[str, Node]:
        """A whole data file of one ``kind`` (feedback sets, review criteria): its top mapping,
        or a CatalogueError with the line for bad YAML, an empty file or another kind."""
        try:
            root = yaml.compose(text, Loader=_LOADER)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise CatalogueError(self.where, mark.line + 1 if mark else None,
                                 f"not valid YAML ({getattr(exc, 'problem', '') or exc})") from None
        if root is None:
            raise CatalogueError(self.where, None, "the file is empty")
        top = self.mapping(root, "the file", keys)
        found = self.text(top["kind"], "'kind'")
        if found != kind:
            raise self.fail(top["kind"], f"'kind' must be {kind} (it is '{found}')")
        return top

    def unique(self, seen: dict[str, str], value: str, node: Node, what: str, group: str) -> None:
        if value in seen:
            raise self.fail(node, f"{what} '{value}' is used twice ({seen[value]} and {group})")
        seen[value] = group


def _header(c: _Checker, top: dict[str, Node]) -> tuple[str, str, str, bool, str]:
    """id, version, title, provisional, note: read first so errors come out top to bottom."""
    return (c.ident(top["id"], "'id'"), c.ident(top["version"], "'version'", MAX_VERSION),
            c.text(top["title"], "'title'", MAX_TITLE), c.flag(top.get("provisional"), "'provisional'"),
            c.text(top["note"], "'note'") if "note" in top else "")


def _framework(c: _Checker, top: dict[str, Node], source: str) -> Framework:
    fid, version, title, provisional, note = _header(c, top)
    short_title = c.text(top["short_title"], "'short_title'", MAX_TITLE)
    statements: list[cat.Statement] = []
    codes: dict[str, str] = {}
    for i, node in enumerate(c.seq(top["statements"], "'statements'", nonempty=True), 1):
        m = c.mapping(node, f"statement {i}", (("code", "title"), ("summary",)))
        code = c.ident(m["code"], f"statement {i}: 'code'", MAX_VERSION)
        c.unique(codes, code, m["code"], "statement code", f"statement {i}")
        summary = c.text(m["summary"], f"statement {i}: 'summary'") if "summary" in m else ""
        statements.append(cat.Statement(code, c.text(m["title"], f"statement {i}: 'title'"), summary))
    return Framework(fid, version, title, short_title, tuple(statements), provisional, note, source)


def _span(c: _Checker, m: dict[str, Node], what: str, months: float) -> tuple[float, float]:
    start = c.number(m["start_month"], f"{what}: 'start_month'", maximum=months)
    end = c.number(m["end_month"], f"{what}: 'end_month'", maximum=months)
    if end <= start:
        raise c.fail(m["end_month"], f"{what} ends (month {end:g}) before it starts (month {start:g})"
                     if end < start else f"{what} starts and ends at month {start:g}")
    return start, end


def _frameworks(c: _Checker, node: Node) -> dict[str, int]:
    """Framework ids in order (main first) → the line each is on, for reference errors."""
    refs: dict[str, int] = {}
    for item in c.seq(node, "'frameworks'", nonempty=True):
        fid = c.ident(item, "framework id")
        if fid in refs:
            raise c.fail(item, f"framework '{fid}' is listed twice in 'frameworks'")
        refs[fid] = _line(item) or 0
    return refs


def _each(c: _Checker, node: Node, key: str, noun: str, keys: tuple[tuple[str, ...], tuple[str, ...]],
          ids: dict[str, str], *, nonempty: bool = False) -> Iterator[tuple[str, str, dict[str, Node]]]:
    """Each item of list ``key`` as (its id, how errors name it, its values); ids unique in ``ids``."""
    for i, item in enumerate(c.seq(node, f"'{key}'", nonempty=nonempty), 1):
        m = c.mapping(item, f"{noun} {i}", keys)
        ident = c.ident(m["id"], f"{noun} {i}: 'id'")
        c.unique(ids, ident, m["id"], "id", f"'{key}'")
        yield ident, f"{noun} '{ident}'", m


def _stages(c: _Checker, node: Node, months: int) -> tuple[cat.Stage, ...]:
    stages: list[cat.Stage] = []
    m: dict[str, Node] = {}
    for sid, what, m in _each(c, node, "stages", "stage", _SPAN_KEYS, {}, nonempty=True):
        start, end = _span(c, m, what, months)
        expected = stages[-1].end_month if stages else 0
        if start != expected:
            after = (f"the previous stage ends at month {expected:g}" if stages
                     else "the first stage must start at month 0")
            raise c.fail(m["start_month"], f"{what} starts at month {start:g} but {after}")
        stages.append(cat.Stage(sid, c.text(m["title"], f"{what}: 'title'"), start, end))
    if stages[-1].end_month != months:
        raise c.fail(m["end_month"], f"the last stage ends at month {stages[-1].end_month:g} "
                                     f"but 'months' is {months}")
    return tuple(stages)


def _reviews(c: _Checker, node: Node, months: int, due: dict[str, str]) -> tuple[cat.ReviewPoint, ...]:
    reviews: list[cat.ReviewPoint] = []
    keys = (("id", "title", "month"), ("optional", "final"))
    for rid, what, m in _each(c, node, "review_points", "review point", keys, due, nonempty=True):
        rp = cat.ReviewPoint(rid, c.text(m["title"], f"{what}: 'title'"),
                         c.number(m["month"], f"{what}: 'month'", maximum=months),
                         c.flag(m.get("optional"), f"{what}: 'optional'"),
                         c.flag(m.get("final"), f"{what}: 'final'"))
        if rp.final:
            if any(r.final for r in reviews):
                raise c.fail(m["final"], f"{what} is a second final review point (only one may be final)")
            if rp.optional:
                raise c.fail(m["optional"], f"{what} is final, so it cannot be optional")
            if rp.month != months:
                raise c.fail(m["month"], f"the final {what} is at month {rp.month:g} "
                                         f"but 'months' is {months}")
        reviews.append(rp)
    if not any(r.final for r in reviews):
        raise c.fail(node, "no review point has 'final: true' (exactly one must)")
    return tuple(reviews)


def _windows(c: _Checker, node: Node, months: int, due: dict[str, str]) -> tuple[cat.ObservationWindow, ...]:
    items = _each(c, node, "observation_windows", "observation window", _SPAN_KEYS, due)
    return tuple(cat.ObservationWindow(wid, c.text(m["title"], f"{what}: 'title'"),
                                       *_span(c, m, what, months)) for wid, what, m in items)


def _reflections(c: _Checker, node: Node, months: int, due: dict[str, str]) -> tuple[cat.ReflectionDue, ...]:
    items = _each(c, node, "reflections", "reflection", (("id", "title", "month"), ()), due)
    return tuple(cat.ReflectionDue(fid, c.text(m["title"], f"{what}: 'title'"),
                                   c.number(m["month"], f"{what}: 'month'", maximum=months))
                 for fid, what, m in items)


def _minimums(c: _Checker, node: Node) -> tuple[cat.EvidenceMinimum, ...]:
    out: list[cat.EvidenceMinimum] = []
    kinds: dict[str, str] = {}
    for item in c.seq(node, "'minimums'"):
        m = c.mapping(item, "a minimum", (("kind", "count"), ("label",)))
        raw = c.text(m["kind"], "minimum 'kind'")
        if raw not in EvidenceKind._value2member_map_:
            raise c.fail(m["kind"], f"minimum kind '{raw}' is not one of: {_KINDS}")
        c.unique(kinds, raw, m["kind"], "minimum kind", "'minimums'")
        count = int(c.number(m["count"], f"minimum '{raw}': 'count'", whole=True))
        label = c.text(m["label"], f"minimum '{raw}': 'label'") if "label" in m else ""
        out.append(cat.EvidenceMinimum(EvidenceKind(raw), count, label))
    return tuple(out)


def _programme(c: _Checker, top: dict[str, Node], source: str) -> tuple[Programme, dict[str, int]]:
    pid, version, title, provisional, note = _header(c, top)
    months = int(c.number(top["months"], "'months'", minimum=1, whole=True))
    refs = _frameworks(c, top["frameworks"])
    due: dict[str, str] = dict.fromkeys(RESERVED_DUE_KEYS, "reserved")  # one timeline namespace
    cap_node = top.get("max_total_months")
    cap = None if cap_node is None or _is_null(cap_node) else int(
        c.number(cap_node, "'max_total_months'", minimum=months, whole=True))
    programme = Programme(
        id=pid, version=version, title=title, months=months,
        frameworks=tuple(refs), stages=_stages(c, top["stages"], months),
        review_points=_reviews(c, top["review_points"], months, due),
        observation_windows=_windows(c, top["observation_windows"], months, due),
        reflections=_reflections(c, top["reflections"], months, due),
        minimums=_minimums(c, top["minimums"]),
        agreement_due_month=_optional_number(c, top, "agreement_due_month", months),
        moderation_after_final_months=_optional_number(c, top, "moderation_after_final_months", None),
        max_total_months=cap, provisional=provisional, note=note, source=source)
    return programme, refs


def _optional_number(c: _Checker, top: dict[str, Node], key: str, maximum: float | None) -> float:
    return c.number(top[key], f"'{key}'", maximum=maximum) if key in top else 1.0  # the default


def parse_detailed(text: str, where: str, source: str | None = None) -> Parsed:
    """Parse one file's text; ``where`` names it in errors, ``source`` goes on the item."""
    c = _Checker(where)
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as e:
        mark, ctx = e.problem_mark or e.context_mark, e.context_mark
        line = mark.line + 1 if mark is not None else None
        opened = (f" ({e.context} that starts on line {ctx.line + 1})"
                  if ctx is not None and e.context and ctx.line + 1 != line else "")
        raise CatalogueError(where, line, f"YAML syntax error: {e.problem or e.context}{opened}") from None
    except yaml.reader.ReaderError as e:
        line = text[: max(e.position, 0)].count("\n") + 1
        raise CatalogueError(where, line, f"unreadable character ({e.reason})") from None
    except yaml.YAMLError as e:
        raise CatalogueError(where, None, f"YAML error: {e}") from None
    if root is None:
        raise CatalogueError(where, None, "the file is empty")
    if not isinstance(root, MappingNode):
        raise c.fail(root, "the file must be a mapping of 'key: value' lines (kind, id, version, ...)")
    kind_node = next((v for k, v in root.value if isinstance(k, ScalarNode) and k.value == "kind"), None)
    if kind_node is None:
        raise c.fail(root, "the file is missing the key 'kind' (framework or programme)")
    kind = c.text(kind_node, "'kind'")
    src = where if source is None else source
    if kind == "framework":
        top = c.mapping(root, "the framework", _FRAMEWORK_KEYS)
        return Parsed(_framework(c, top, src), where, _line(top["id"]))
    if kind == "programme":
        top = c.mapping(root, "the programme", _PROGRAMME_KEYS)
        programme, refs = _programme(c, top, src)
        return Parsed(programme, where, _line(top["id"]), refs)
    raise c.fail(kind_node, f"'kind' must be 'framework' or 'programme', not '{kind}'")


def parse_text(text: str, source: str) -> Framework | Programme:
    """Parse one framework or programme; ``source`` names it in errors and on the item."""
    return parse_detailed(text, source).item


def read_text(path: Path) -> str:
    """The file's text; refuses bytes that are not UTF-8 and names the line they are on."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise CatalogueError(str(path), None, f"cannot be read ({e.strerror or e})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise CatalogueError(str(path), line, "the file is not UTF-8 text",
                             "Save it as UTF-8 in your editor and try again.") from None


def load_file(path: Path) -> Framework | Programme:
    """Read and parse one YAML file."""
    return parse_detailed(read_text(path), str(path)).item


def parse_builtin(resources_dir: Path) -> list[Parsed]:
    """Every file under frameworks/ and programmes/, sorted; no cross-file checks."""
    out: list[Parsed] = []
    for sub in ("frameworks", "programmes"):
        for path in sorted((resources_dir / sub).glob("*.y*ml")):
            out.append(parse_detailed(read_text(path), str(path), f"builtin:{sub}/{path.name}"))
    return out


def load_builtin(resources_dir: Path) -> Catalogue:
    """The catalogue shipped in resources/, checked across files."""
    return build_catalogue(parse_builtin(resources_dir))


def build_catalogue(items: Iterable[Framework | Programme | Parsed]) -> Catalogue:
    """A catalogue in the given order (later versions win lookups without a version).

    Refuses a repeated (kind, id, version) and a programme naming an unknown framework.
    """
    parsed = [i if isinstance(i, Parsed) else Parsed(i, i.source or i.key) for i in items]
    seen: dict[tuple[str, str, str], Parsed] = {}
    for p in parsed:
        key = (p.kind, p.item.id, p.item.version)
        if key in seen:
            raise CatalogueError(
                p.where, p.id_line,
                f"{p.kind} '{p.item.id}' version '{p.item.version}' is also defined in {seen[key].where}",
                "Give one of them a different 'version:'.")
        seen[key] = p
    frameworks: list[Framework] = [p.item for p in parsed if isinstance(p.item, Framework)]
    known = {f.id for f in frameworks}
    programmes: list[Programme] = []
    for p in parsed:
        if isinstance(p.item, Programme):
            for fid in p.item.frameworks:
                if fid not in known:
                    raise CatalogueError(
                        p.where, p.ref_lines.get(fid),
                        f"programme '{p.item.id}' refers to framework '{fid}', which is not in the "
                        f"catalogue (known: {', '.join(sorted(known)) or 'none'})",
                        "Import the framework first, or correct the id.")
            programmes.append(p.item)
    return Catalogue(frameworks=tuple(frameworks), programmes=tuple(programmes))
