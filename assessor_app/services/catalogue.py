"""The catalogue use cases: what frameworks and programmes exist, and importing an employer's own.

Built-in versions come from resources/; imported versions live in the encrypted store as
the YAML text that was imported, so an enrolment that names an ``(id, version)`` can
always be rebuilt. A version is never overwritten: changed content needs a new version.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from assessor_app.domain.catalogue import Catalogue, Framework, Programme
from assessor_app.errors import CatalogueError
from assessor_app.services import catalogue_loader as loader
from assessor_app.services.catalogue_loader import Parsed
from assessor_app.store.catalogue_repo import CatalogueRepository, ImportedEntry
from assessor_app.store.database import Database

Origin = Literal["built-in", "imported"]
_SOURCE_NAME_MAX = 255  # CatalogueEntry.source_name


@dataclass(frozen=True)
class CatalogueListing:
    """One row of the catalogue screen."""

    kind: str  # "framework" / "programme"
    id: str
    version: str
    title: str
    provisional: bool
    origin: Origin
    count: int  # statements of a framework, months of a programme


def _same_content(a: Framework | Programme, b: Framework | Programme) -> bool:
    """Equal apart from where they came from (comments and layout of the YAML do not count)."""
    return type(a) is type(b) and dataclasses.replace(a, source="") == dataclasses.replace(b, source="")


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class CatalogueService:
    """Built-in plus imported frameworks and programmes; imports new versions."""

    def __init__(self, database: Database, resources_dir: Path) -> None:
        self._db = database
        self._resources = resources_dir
        self._builtin: list[Parsed] | None = None
        self._imported_cache: dict[tuple[str, str], Parsed] = {}  # (sha256, source) → parsed

    def _builtin_parsed(self) -> list[Parsed]:
        """Parsed once per service: the shipped files do not change while the app runs."""
        if self._builtin is None:
            parsed = loader.parse_builtin(self._resources)
            loader.build_catalogue(parsed)  # cross-file checks, once
            self._builtin = parsed
        return self._builtin

    def _parse_entry(self, entry: ImportedEntry) -> Parsed:
        key = (entry.sha256, entry.source_name)
        hit = self._imported_cache.get(key)
        if hit is None:
            hit = loader.parse_detailed(entry.yaml_text, f"imported file '{entry.source_name}'",
                                        f"imported:{entry.source_name}")
            self._imported_cache[key] = hit
        return hit

    def _imported_parsed(self, repo: CatalogueRepository) -> list[Parsed]:
        return [self._parse_entry(e) for e in repo.list_entries()]

    def catalogue(self) -> Catalogue:
        """Every version: built-in first, then imported ones in import order."""
        with self._db.uow() as uow:
            imported = self._imported_parsed(CatalogueRepository(uow.session))
        return loader.build_catalogue([*self._builtin_parsed(), *imported])

    def listing(self) -> list[CatalogueListing]:
        builtin = {(p.kind, p.item.id, p.item.version) for p in self._builtin_parsed()}
        cat = self.catalogue()
        rows: list[CatalogueListing] = []
        for item in (*cat.frameworks, *cat.programmes):
            kind = "framework" if isinstance(item, Framework) else "programme"
            count = len(item.statements) if isinstance(item, Framework) else item.months
            origin: Origin = "built-in" if (kind, item.id, item.version) in builtin else "imported"
            rows.append(CatalogueListing(kind, item.id, item.version, item.title,
                                         item.provisional, origin, count))
        return rows

    def import_file(self, path: Path, actor: str = "") -> Framework | Programme:
        """Validate ``path`` and store it as a new version; re-importing the same content is a no-op.

        Refuses a known (id, version) with different content: enrolments already use it.
        """
        text = loader.read_text(path)
        source_name = path.name[:_SOURCE_NAME_MAX]
        new = loader.parse_detailed(text, str(path), f"imported:{source_name}")
        item = new.item
        with self._db.uow(actor) as uow:
            repo = CatalogueRepository(uow.session)
            known = [*self._builtin_parsed(), *self._imported_parsed(repo)]
            same_key = next((p for p in known if (p.kind, p.item.id, p.item.version)
                             == (new.kind, item.id, item.version)), None)
            if same_key is not None:
                if _same_content(same_key.item, item):
                    return same_key.item
                origin = "built in" if same_key.item.source.startswith("builtin:") else "imported"
                raise CatalogueError(
                    str(path), new.id_line,
                    f"{new.kind} '{item.id}' version '{item.version}' already exists ({origin}) "
                    "with different content",
                    "Change 'version:' in the file (for example add '-local-1') and import it "
                    "again; enrolments that use the existing version keep it. Nothing was changed.")
            loader.build_catalogue([*known, new])  # the programme's frameworks must exist
            repo.add(new.kind, item.id, item.version, item.title, source_name, text, _sha256(text))
            uow.commit()
        return item
