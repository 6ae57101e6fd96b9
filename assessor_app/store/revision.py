"""The schema head, read from the migration scripts with a regex: no Alembic, no SQLAlchemy.

So a store that is already current opens without importing either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from assessor_app.errors import MigrationFailed

_REV = re.compile(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision\s*=\s*(None|['\"]([^'\"]+)['\"])", re.M)


@dataclass(frozen=True)
class ScriptInfo:
    head: str
    revisions: tuple[str, ...]  # oldest first


def script_info(migrations_dir: Path) -> ScriptInfo:
    parents: dict[str, str | None] = {}
    for f in sorted((migrations_dir / "versions").glob("*.py")):
        src = f.read_text(encoding="utf-8")
        rev, down = _REV.search(src), _DOWN.search(src)
        if rev and down:
            parents[rev.group(1)] = down.group(2)
    if not parents:
        raise MigrationFailed(f"No migration scripts were found in {migrations_dir}.",
                              "The installation is incomplete: reinstall the app.")
    children = {p for p in parents.values() if p}
    heads = [r for r in parents if r not in children]
    if len(heads) != 1:
        raise MigrationFailed(f"The migration scripts have {len(heads)} heads; expected one.",
                              "The installation is inconsistent: reinstall the app.")
    chain: list[str] = []
    cur: str | None = heads[0]
    while cur:
        chain.append(cur)
        cur = parents.get(cur)
    return ScriptInfo(head=heads[0], revisions=tuple(reversed(chain)))
