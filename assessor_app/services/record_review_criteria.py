"""Record-review criteria: ``resources/record_review/criteria.yaml`` → ``domain.record_review``.

Edited by hand like the catalogue, so each mistake names the file and line (the catalogue
loader's node checker does the work).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from yaml.nodes import Node

from assessor_app.domain.record_review import Choice, Criterion, ReviewCriteria
from assessor_app.errors import CatalogueError
from assessor_app.paths import resources_dir
from assessor_app.services.catalogue_loader import MAX_TITLE, _Checker

_KEYS = (("kind", "id", "version", "title", "scale", "criteria", "grades"), ("note",))
MAX_CRITERIA = 30
MAX_WORDING = 500


def _choices(c: _Checker, node: Node, what: str, low: int, high: int) -> tuple[Choice, ...]:
    items = c.seq(node, f"'{what}'", nonempty=True)
    if not low <= len(items) <= high:
        raise c.fail(node, f"'{what}' needs {low} to {high} entries (it has {len(items)})")
    seen: dict[str, str] = {}
    out = []
    for i, item in enumerate(items, 1):
        m = c.mapping(item, f"entry {i} of '{what}'", (("value", "label"), ()))
        value = c.text(m["value"], f"entry {i} of '{what}': 'value'", 32)
        c.unique(seen, value, m["value"], f"{what} value", f"entry {i}")
        out.append(Choice(value, c.text(m["label"], f"entry {i} of '{what}': 'label'",
                                        MAX_TITLE)))
    return tuple(out)


def _criteria(c: _Checker, node: Node) -> tuple[Criterion, ...]:
    items = c.seq(node, "'criteria'", nonempty=True)
    if len(items) > MAX_CRITERIA:
        raise c.fail(node, f"'criteria' can hold at most {MAX_CRITERIA} (it has {len(items)})")
    seen: dict[str, str] = {}
    out = []
    for i, item in enumerate(items, 1):
        m = c.mapping(item, f"criterion {i}", (("id", "label"), ("hint",)))
        cid = c.ident(m["id"], f"criterion {i}: 'id'")
        c.unique(seen, cid, m["id"], "criterion id", f"criterion {i}")
        hint = c.text(m["hint"], f"criterion {i}: 'hint'", MAX_WORDING) if "hint" in m else ""
        out.append(Criterion(cid, c.text(m["label"], f"criterion {i}: 'label'", MAX_TITLE),
                             hint))
    return tuple(out)


def parse_criteria(text: str, where: str) -> ReviewCriteria:
    """One file's text → its criteria; CatalogueError naming ``where`` and the line."""
    c = _Checker(where)
    top = c.document(text, _KEYS, "record_review_criteria")
    return ReviewCriteria(
        id=c.ident(top["id"], "'id'"), version=c.text(top["version"], "'version'", 32),
        title=c.text(top["title"], "'title'", MAX_TITLE),
        scale=_choices(c, top["scale"], "scale", 2, 6), criteria=_criteria(c, top["criteria"]),
        grades=_choices(c, top["grades"], "grades", 2, 8), source=where)


def load_criteria(path: Path) -> ReviewCriteria:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(str(path), None, f"cannot be read ({exc})") from None
    return parse_criteria(text, path.name)


@lru_cache(maxsize=1)
def default_criteria() -> ReviewCriteria:
    """The app's criteria file, read once."""
    return load_criteria(resources_dir() / "record_review" / "criteria.yaml")
