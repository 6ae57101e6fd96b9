"""The store is unreadable without its key, readable with it, and bad files are left untouched."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from assessor_app.errors import StoreCorrupt, StoreKeyMissing, StoreLocked
from assessor_app.keystore import MemorySecretStore
from assessor_app.paths import DataPaths, migrations_dir
from assessor_app.store.database import key_name, open_database
from assessor_app.store.models import Enrolment, Evidence, Observation, Practitioner

SECRET_NAME = "Zoë Ashworth-Kowalski"
SECRET_NOTE = "Mother described the night-time routine in detail; fictional marker ⚑ 7c1e"


def _fill(db) -> None:  # type: ignore[no-untyped-def]
    with db.uow("tester") as uow:
        p = Practitioner(name=SECRET_NAME)
        uow.add(p)
        uow.session.flush()
        e = Enrolment(practitioner_id=p.id, programme_id="asye-children", programme_version="2025",
                      start_date=date(2026, 9, 7))
        uow.add(e)
        uow.session.flush()
        ev = Evidence(enrolment_id=e.id, kind="observation", occurred_on=date(2026, 10, 1),
                      title="Home visit")
        uow.add(ev)
        uow.session.flush()
        uow.add(Observation(evidence_id=ev.id, notes=SECRET_NOTE))
        uow.commit()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_file_is_unreadable_without_the_key(db, data_paths: DataPaths) -> None:
    _fill(db)
    with db.engine.connect() as conn:  # content is in the WAL until checkpointed: check both
        raw_wal = (data_paths.root / "workbench.db-wal").read_bytes()
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = data_paths.db.read_bytes()
    assert not raw.startswith(b"SQLite format 3")
    for blob in (raw, raw_wal):
        assert SECRET_NAME.encode() not in blob
        assert b"7c1e" not in blob
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(data_paths.db).execute("SELECT * FROM sqlite_master").fetchall()


def test_readable_with_the_key_after_reopening(db, data_paths: DataPaths, secrets) -> None:  # type: ignore[no-untyped-def]
    _fill(db)
    db.dispose()
    again = open_database(data_paths, secrets, create=False, migrations_dir=migrations_dir())
    try:
        with again.uow() as uow:
            names = [p.name for p in uow.session.query(Practitioner)]
            notes = [o.notes for o in uow.session.query(Observation)]
        assert names == [SECRET_NAME]
        assert notes == [SECRET_NOTE]
        assert again.migration.migrated is False
    finally:
        again.dispose()


def test_pragmas_on_every_connection(db) -> None:  # type: ignore[no-untyped-def]
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000
        assert conn.exec_driver_sql("PRAGMA cipher_version").scalar().startswith("4.")


def test_foreign_keys_are_enforced(db) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy.exc import IntegrityError

    with db.uow() as uow:
        uow.add(Enrolment(practitioner_id="no-such-practitioner", programme_id="x",
                          programme_version="1", start_date=date(2026, 1, 1)))
        with pytest.raises(IntegrityError):
            uow.commit()


def test_wrong_key_is_refused_and_file_untouched(db, data_paths: DataPaths, secrets) -> None:  # type: ignore[no-untyped-def]
    _fill(db)
    db.dispose()
    before = _sha(data_paths.db)
    store_id = next(k for k in secrets._values if k.startswith("store-key:"))
    secrets.set(store_id, "ab" * 32)
    with pytest.raises(StoreLocked) as err:
        open_database(data_paths, secrets, create=False, migrations_dir=migrations_dir())
    assert "cannot be read with the key" in err.value.message
    assert "Nothing was changed" in err.value.hint
    assert _sha(data_paths.db) == before


def test_missing_key_in_keyring(db, data_paths: DataPaths) -> None:  # type: ignore[no-untyped-def]
    db.dispose()
    before = _sha(data_paths.db)
    with pytest.raises(StoreKeyMissing) as err:
        open_database(data_paths, MemorySecretStore(), create=False, migrations_dir=migrations_dir())
    assert "has no key" in err.value.message
    assert _sha(data_paths.db) == before


def test_plain_sqlite_file_is_named_as_such(tmp_path: Path, secrets) -> None:  # type: ignore[no-untyped-def]
    paths = DataPaths(tmp_path / "foreign")
    paths.ensure()
    sqlite3.connect(paths.db).execute("CREATE TABLE t(x)").connection.commit()
    (paths.root / "store.json").write_text('{"store_id": "abc"}')
    secrets.set(key_name("abc"), "cd" * 32)
    before = _sha(paths.db)
    with pytest.raises(StoreLocked) as err:
        open_database(paths, secrets, create=False, migrations_dir=migrations_dir())
    assert "unencrypted SQLite file" in err.value.message
    assert _sha(paths.db) == before


@pytest.mark.parametrize("content", [b"", b"\x00" * 4096, b"%PDF-1.7 not a database" * 100])
def test_corrupt_or_foreign_file(tmp_path: Path, secrets, content: bytes) -> None:  # type: ignore[no-untyped-def]
    paths = DataPaths(tmp_path / "corrupt")
    paths.ensure()
    paths.db.write_bytes(content)
    (paths.root / "store.json").write_text('{"store_id": "abc"}')
    secrets.set(key_name("abc"), "cd" * 32)
    if content:
        with pytest.raises(StoreLocked):
            open_database(paths, secrets, create=False, migrations_dir=migrations_dir())
        assert paths.db.read_bytes() == content
    else:  # SQLite treats an empty file as a new database: that is not an error worth refusing
        d = open_database(paths, secrets, create=False, migrations_dir=migrations_dir())
        d.dispose()


def test_store_json_damaged(db, data_paths: DataPaths, secrets) -> None:  # type: ignore[no-untyped-def]
    db.dispose()
    (data_paths.root / "store.json").write_text("{not json")
    with pytest.raises(StoreCorrupt) as err:
        open_database(data_paths, secrets, create=False, migrations_dir=migrations_dir())
    assert "store.json" in err.value.message
    (data_paths.root / "store.json").unlink()
    with pytest.raises(StoreCorrupt) as err2:
        open_database(data_paths, secrets, create=False, migrations_dir=migrations_dir())
    assert "missing" in err2.value.message
