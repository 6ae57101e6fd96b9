"""Migrations from an empty DB match the models; upgrades copy first; failures keep both files."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from assessor_app.errors import MigrationFailed, StoreTooNew
from assessor_app.paths import DataPaths, migrations_dir
from assessor_app.store.base import Base
from assessor_app.store.database import open_database
from assessor_app.store.migrate import current_revision, script_info


def test_head_is_read_without_alembic_and_is_linear() -> None:
    info = script_info(migrations_dir())
    assert info.revisions[-1] == info.head
    assert len(set(info.revisions)) == len(info.revisions)
    for rev in info.revisions:
        assert rev[:8].isdigit(), "revision ids start with their date"


def test_empty_db_migrated_to_head_matches_models(db) -> None:  # type: ignore[no-untyped-def]
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    assert current_revision(db.engine) == script_info(migrations_dir()).head
    from assessor_app.store.search import is_search_table

    def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
        # the FTS index (migration 0003) has no model; tests/store/test_search.py checks it
        return not (type_ == "table" and reflected and compare_to is None and is_search_table(name))

    with db.engine.connect() as conn:
        opts = {"compare_type": True, "include_object": include_object}
        diffs = compare_metadata(MigrationContext.configure(conn, opts=opts), Base.metadata)
    assert diffs == []


def _copy_migrations(tmp_path: Path) -> Path:
    dest = tmp_path / "migrations"
    shutil.copytree(migrations_dir(), dest, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def _add_revision(mig: Path, body: str) -> str:
    head = script_info(mig).head
    rev = "29990101_0001"
    (mig / "versions" / f"{rev}_test.py").write_text(
        f'revision = "{rev}"\ndown_revision = "{head}"\n'
        "import sqlalchemy as sa\nfrom alembic import op\n\n"
        f"def upgrade():\n{body}\n\ndef downgrade():\n    pass\n"
    )
    return rev


def test_upgrade_copies_the_file_first(db, data_paths: DataPaths, secrets, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db.dispose()
    mig = _copy_migrations(tmp_path)
    rev = _add_revision(mig, '    op.add_column("practitioner", sa.Column("nickname", sa.String(50)))')
    upgraded = open_database(data_paths, secrets, create=False, migrations_dir=mig)
    try:
        assert upgraded.migration.migrated
        assert upgraded.migration.to_revision == rev
        backup = upgraded.migration.backup
        assert backup is not None and backup.exists()
        assert backup.parent == data_paths.backups
        with upgraded.engine.connect() as conn:
            cols = [r[1] for r in conn.exec_driver_sql("PRAGMA table_info(practitioner)")]
        assert "nickname" in cols
    finally:
        upgraded.dispose()


def test_failed_upgrade_keeps_both_files(db, data_paths: DataPaths, secrets, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    head = current_revision(db.engine)
    db.dispose()
    mig = _copy_migrations(tmp_path)
    _add_revision(mig, '    op.add_column("practitioner", sa.Column("x", sa.String(5)))\n'
                       '    op.execute("THIS IS NOT SQL")')
    with pytest.raises(MigrationFailed) as err:
        open_database(data_paths, secrets, create=False, migrations_dir=mig)
    assert "Nothing was deleted" in err.value.hint
    backups = list(data_paths.backups.glob("*.db"))
    assert len(backups) == 1
    assert str(backups[0]) in err.value.message
    again = open_database(data_paths, secrets, create=False, migrations_dir=migrations_dir())
    try:  # the original is still at the old head, unharmed
        assert current_revision(again.engine) == head
        with again.engine.connect() as conn:
            cols = [r[1] for r in conn.exec_driver_sql("PRAGMA table_info(practitioner)")]
        assert "x" not in cols
    finally:
        again.dispose()


def test_store_from_a_newer_version_is_refused(db, data_paths: DataPaths, secrets) -> None:  # type: ignore[no-untyped-def]
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '29991231_9999'"))
    db.dispose()
    before = hashlib.sha256(data_paths.db.read_bytes()).hexdigest()
    with pytest.raises(StoreTooNew) as err:
        open_database(data_paths, secrets, create=False, migrations_dir=migrations_dir())
    assert "newer version" in err.value.message
    assert hashlib.sha256(data_paths.db.read_bytes()).hexdigest() == before
    assert not data_paths.backups.exists()


def test_upgrade_from_the_first_release_keeps_the_data(tmp_path: Path, secrets) -> None:  # type: ignore[no-untyped-def]
    """A store written at the first schema (20261122_0001) opens, is copied, upgraded, intact."""
    from datetime import date

    from assessor_app.store import engine as engine_mod
    from assessor_app.store.database import key_name
    from assessor_app.store.migrate import upgrade

    paths = DataPaths(tmp_path / "old")
    paths.ensure()
    (paths.root / "store.json").write_text('{"store_id": "old-store"}')
    key = "0f" * 32
    secrets.set(key_name("old-store"), key)
    eng = engine_mod.make_engine(paths.db, key)
    upgrade(eng, migrations_dir(), "20261122_0001")
    with eng.begin() as conn:
        conn.execute(text(
            "INSERT INTO practitioner (id, name, registration_number, team, employer, email, fte, rev,"
            " base_rev, dirty, created_at, updated_at, updated_by)"
            " VALUES ('p1', 'Fictional Olderstore', 'SW000001', '', '', '', 1.0, 0, 0, 1,"
            " '2026-01-01', '2026-01-01', '')"))
        conn.execute(text(
            "INSERT INTO enrolment (id, practitioner_id, programme_id, programme_version,"
            " framework_versions, start_date, fte, status, extension_months, extension_reason,"
            " outcome, rev, base_rev, dirty, created_at, updated_at, updated_by)"
            " VALUES ('e1', 'p1', 'asye-children', '2025', '{}', :d, 1.0, 'active', 0, '', '',"
            " 0, 0, 1, '2026-01-01', '2026-01-01', '')"), {"d": date(2026, 1, 5)})
    eng.dispose()

    db = open_database(paths, secrets, create=False, migrations_dir=migrations_dir())
    try:
        assert db.migration.from_revision == "20261122_0001"
        assert db.migration.to_revision == script_info(migrations_dir()).head
        assert db.migration.backup is not None and db.migration.backup.exists()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM practitioner")).scalar() == "Fictional Olderstore"
            tables = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"signing_identity", "pseudonym"} <= tables
    finally:
        db.dispose()
    old = engine_mod.make_engine(db.migration.backup, key)  # the copy is still the old schema
    try:
        assert current_revision(old) == "20261122_0001"
    finally:
        old.dispose()
