"""Migration 0005: a store at 0004 with conflict rows (and evidence) upgrades intact."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from assessor_app.paths import DataPaths, migrations_dir
from assessor_app.store.base import Base
from assessor_app.store.database import key_name, open_database
from assessor_app.store.migrate import current_revision, script_info


def _store_at_0004(tmp_path: Path, secrets) -> DataPaths:  # type: ignore[no-untyped-def]
    from assessor_app.store import engine as engine_mod
    from assessor_app.store.migrate import upgrade

    paths = DataPaths(tmp_path / "old")
    paths.ensure()
    (paths.root / "store.json").write_text('{"store_id": "old-store"}')
    key = "1e" * 32
    secrets.set(key_name("old-store"), key)
    eng = engine_mod.make_engine(paths.db, key)
    upgrade(eng, migrations_dir(), "20261122_0004")
    with eng.begin() as conn:
        conn.execute(text(
            "INSERT INTO conflict (id, entity, entity_id, field, local_value, server_value,"
            " created_at, resolved_at) VALUES"
            " ('c1', 'observation', 'o1', 'notes', '\"mine\"', '\"theirs\"',"
            "  '2026-10-01 09:00:00.000000', NULL),"
            " ('c2', 'evidence', 'e1', 'title', '\"a\"', '\"b\"',"
            "  '2026-10-01 09:00:00.000000', '2026-10-02 10:30:00.000000')"))
    eng.dispose()
    return paths


def test_upgrade_from_0004_keeps_conflicts_and_matches_models(tmp_path: Path, secrets) -> None:  # type: ignore[no-untyped-def]
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from assessor_app.store.search import is_search_table

    paths = _store_at_0004(tmp_path, secrets)
    db = open_database(paths, secrets, create=False, migrations_dir=migrations_dir())
    try:
        assert db.migration.from_revision == "20261122_0004"
        assert current_revision(db.engine) == script_info(migrations_dir()).head
        with db.engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT id, kept_value, other_value, resolution, resolved_at, rev, dirty"
                " FROM conflict ORDER BY id")).all()
            triggers = {r[0] for r in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'")}

            def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
                return not (type_ == "table" and reflected and compare_to is None
                            and is_search_table(name))

            diffs = compare_metadata(MigrationContext.configure(
                conn, opts={"compare_type": True, "include_object": include_object}),
                Base.metadata)
        assert diffs == []
        assert [tuple(r) for r in rows] == [
            ("c1", '"theirs"', '"mine"', "", None, 0, 1),
            ("c2", '"b"', '"a"', "kept", "2026-10-02T10:30:00+00:00", 0, 1),
        ]
        assert triggers, "the evidence search triggers survive"
    finally:
        db.dispose()


def test_conflict_is_a_syncable_row(db) -> None:  # type: ignore[no-untyped-def]
    from assessor_app.store.models import Conflict

    with db.uow("tester") as uow:
        uow.add(Conflict(entity="observation", entity_id="o1", field="notes",
                         kept_value="kept text", other_value="other text", base_value=None))
        uow.commit()
    with db.uow() as uow:
        c = uow.session.query(Conflict).one()
        assert (c.dirty, c.rev, c.resolution, c.kept_value, c.other_value) == (
            True, 0, "", "kept text", "other text")
