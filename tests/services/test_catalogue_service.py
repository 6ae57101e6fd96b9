"""CatalogueService against a real encrypted store: listing, importing, refusing conflicts."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest

from assessor_app.domain.catalogue import Framework, Programme
from assessor_app.errors import CatalogueError
from assessor_app.keystore import MemorySecretStore
from assessor_app.paths import DataPaths, migrations_dir
from assessor_app.services.catalogue import CatalogueService
from assessor_app.store import audit
from assessor_app.store.catalogue_repo import CatalogueRepository, ImportedEntry
from assessor_app.store.database import Database, open_database

# A fictional employer's edit of the PCF: a new version with a changed title.
LOCAL_PCF = """\
# Fictional employer: Northtown Council's local wording
kind: framework
id: pcf
version: 2018-northtown-1
title: Professional Capabilities Framework (Northtown ASYE wording)
short_title: PCF (Northtown)
statements:
  - {code: "1", title: Professionalism, summary: Behaves as a professional.}
  - {code: "2", title: Values and ethics}
"""

LOCAL_FRAMEWORK = """\
kind: framework
id: northtown-values
version: "1"
title: Northtown practice values (fictional)
short_title: Northtown values
statements:
  - {code: "1", title: Curiosity}
"""

LOCAL_PROGRAMME = """\
kind: programme
id: asye-northtown
version: "1"
title: ASYE — Northtown (fictional)
months: 12
frameworks:
  - pcf
  - northtown-values
stages:
  - {id: stage-1, title: Whole year, start_month: 0, end_month: 12}
review_points:
  - {id: final, title: Final review, month: 12, final: true}
observation_windows: []
reflections: []
minimums:
  - {kind: observation, count: 3}
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, marker: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if marker in line)


def stored(db: Database) -> tuple[list[ImportedEntry], int]:
    """The imported rows and the number of audit events, to prove what was (not) written."""
    with db.uow() as uow:
        entries = CatalogueRepository(uow.session).list_entries()
        events = len(list(audit.iter_records(uow.session)))
    return entries, events


@pytest.fixture
def service(db: Database, resources: Path) -> CatalogueService:
    return CatalogueService(db, resources)


def test_builtin_listing(service: CatalogueService) -> None:
    rows = service.listing()
    got = {(r.kind, r.id, r.version): (r.count, r.provisional, r.origin) for r in rows}
    assert got == {
        ("framework", "pqs-cf", "2018"): (10, False, "built-in"),
        ("framework", "ecs-cf", "2026-draft"): (6, True, "built-in"),
        ("framework", "kss-adults", "2015"): (10, True, "built-in"),
        ("framework", "pcf", "2018"): (9, False, "built-in"),
        ("framework", "swe", "2019"): (6, False, "built-in"),
        ("programme", "asye-children", "2025"): (12, False, "built-in"),
        ("programme", "asye-adults", "2025"): (12, False, "built-in"),
        ("programme", "ecp-children", "2027-draft"): (24, True, "built-in"),
    }
    assert len(rows) == len(got)


def test_import_round_trip_survives_reopening(db: Database, data_paths: DataPaths,
                                              secrets: MemorySecretStore, resources: Path,
                                              tmp_path: Path) -> None:
    path = write(tmp_path, "northtown-pcf.yaml", LOCAL_PCF)
    item = CatalogueService(db, resources).import_file(path, actor="assessor-1")
    assert isinstance(item, Framework)
    assert (item.id, item.version, len(item.statements)) == ("pcf", "2018-northtown-1", 2)

    entries, _ = stored(db)
    assert [(e.kind, e.ident, e.version, e.source_name) for e in entries] == [
        ("framework", "pcf", "2018-northtown-1", "northtown-pcf.yaml")]
    assert entries[0].yaml_text == LOCAL_PCF
    assert entries[0].sha256 == hashlib.sha256(LOCAL_PCF.encode("utf-8")).hexdigest()
    assert entries[0].imported_at.utcoffset() == timedelta(0)
    with db.uow() as uow:
        last = list(audit.iter_records(uow.session))[-1]
    assert (last.action, last.entity, last.actor) == ("insert", "catalogue_entry", "assessor-1")
    db.dispose()

    for f in (data_paths.db, data_paths.db.with_name(data_paths.db.name + "-wal")):
        if f.exists():  # encrypted at rest: the imported title is nowhere in plain text
            assert b"Northtown ASYE wording" not in f.read_bytes()

    reopened = open_database(data_paths, secrets, migrations_dir=migrations_dir())
    try:
        again = CatalogueService(reopened, resources)
        rows = {(r.id, r.version): r for r in again.listing()}
        assert rows[("pcf", "2018-northtown-1")].origin == "imported"
        assert rows[("pcf", "2018-northtown-1")].count == 2
        assert rows[("pcf", "2018")].origin == "built-in"
        cat = again.catalogue()
        assert cat.framework("pcf", "2018-northtown-1") == item  # same content, same source
        assert cat.framework("pcf") == item  # the latest import wins a lookup without version
        assert cat.framework("pcf", "2018") is not None  # old enrolments keep their version
    finally:
        reopened.dispose()


def test_identical_reimport_writes_nothing(service: CatalogueService, db: Database,
                                           tmp_path: Path) -> None:
    first = service.import_file(write(tmp_path, "a.yaml", LOCAL_PCF))
    before = stored(db)
    # Same content, different comments and layout: still the same version.
    relaid = LOCAL_PCF.replace("# Fictional employer", "# Re-saved by an editor\n# Fictional")
    second = service.import_file(write(tmp_path, "b.yaml", relaid))
    assert second == first
    assert stored(db) == before


def test_identical_copy_of_builtin_writes_nothing(service: CatalogueService, db: Database,
                                                 resources: Path) -> None:
    before = stored(db)
    item = service.import_file(resources / "programmes" / "asye-children.yaml")
    assert isinstance(item, Programme) and item.source == "builtin:programmes/asye-children.yaml"
    assert stored(db) == before


def test_conflicting_reimport_refused(service: CatalogueService, db: Database,
                                      tmp_path: Path) -> None:
    service.import_file(write(tmp_path, "a.yaml", LOCAL_PCF))
    before = stored(db)
    changed = LOCAL_PCF.replace("Behaves as a professional.", "Acts as a professional.")
    path = write(tmp_path, "a-edited.yaml", changed)
    with pytest.raises(CatalogueError) as info:
        service.import_file(path)
    err = info.value
    assert (err.path, err.line) == (str(path), line_of(changed, "id: pcf"))
    assert "framework 'pcf' version '2018-northtown-1' already exists (imported)" in err.problem
    assert "version:" in err.hint
    assert stored(db) == before
    assert service.catalogue().framework("pcf", "2018-northtown-1").statements[0].summary == (  # type: ignore[union-attr]
        "Behaves as a professional.")


def test_changed_builtin_version_refused(service: CatalogueService, db: Database,
                                         resources: Path, tmp_path: Path) -> None:
    text = (resources / "frameworks" / "swe.yaml").read_text(encoding="utf-8")
    edited = text.replace("SWE standards", "SWE (edited)")
    assert edited != text
    before = stored(db)
    with pytest.raises(CatalogueError) as info:
        service.import_file(write(tmp_path, "swe.yaml", edited))
    assert "framework 'swe' version '2019' already exists (built in)" in info.value.problem
    assert stored(db) == before


def test_programme_with_unknown_framework_refused(service: CatalogueService, db: Database,
                                                  tmp_path: Path) -> None:
    path = write(tmp_path, "programme.yaml", LOCAL_PROGRAMME)
    before = stored(db)
    with pytest.raises(CatalogueError) as info:
        service.import_file(path)
    err = info.value
    assert (err.path, err.line) == (str(path), line_of(LOCAL_PROGRAMME, "- northtown-values"))
    assert "refers to framework 'northtown-values', which is not in the catalogue" in err.problem
    assert stored(db) == before

    service.import_file(write(tmp_path, "values.yaml", LOCAL_FRAMEWORK))  # now it exists
    programme = service.import_file(path)
    assert isinstance(programme, Programme) and programme.frameworks == ("pcf", "northtown-values")
    listed = {(r.kind, r.id): r.origin for r in service.listing()}
    assert listed[("programme", "asye-northtown")] == "imported"
    assert len(stored(db)[0]) == 2


def test_invalid_file_refused_with_line(service: CatalogueService, db: Database,
                                        tmp_path: Path) -> None:
    bad = LOCAL_PCF.replace("short_title:", "short_titel:")
    path = write(tmp_path, "bad.yaml", bad)
    before = stored(db)
    with pytest.raises(CatalogueError) as info:
        service.import_file(path)
    assert (info.value.path, info.value.line) == (str(path), line_of(bad, "short_titel"))
    assert stored(db) == before
