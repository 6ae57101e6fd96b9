"""Opening (or creating) the encrypted store in a data folder: key (``keys.py``), migrate, wire."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from assessor_app.keystore import SecretStore
from assessor_app.paths import DataPaths
from assessor_app.store import engine as engine_mod
from assessor_app.store.keys import STORE_FILE, StoreKey, is_demo_folder, key_name, resolve_key
from assessor_app.store.migrate import MigrationResult, ensure_current
from assessor_app.store.uow import UnitOfWork, make_session_factory

__all__ = ["STORE_FILE", "Database", "is_demo_folder", "key_name", "open_database"]


@dataclass
class Database:
    """An open store: engine + session factory. Create units of work from it."""

    paths: DataPaths
    engine: Engine
    factory: sessionmaker[Session]
    store_id: str
    demo: bool
    migration: MigrationResult

    def uow(self, actor: str = "") -> UnitOfWork:
        return UnitOfWork(self.factory, actor)

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(
    paths: DataPaths,
    secrets: SecretStore | None,
    *,
    create: bool = True,
    migrations_dir: Path,
    synchronous: str = "NORMAL",
) -> Database:
    """Open the store in ``paths``; create it (and its key) if ``create`` and absent.

    ``secrets`` may be None only for demo folders.
    """
    sk = resolve_key(paths, secrets, create=create)
    store_id, key, demo, exists = sk.store_id, sk.key_hex, sk.demo, sk.existed
    if exists:
        engine_mod.probe(paths.db, key)
    eng = engine_mod.make_engine(paths.db, key, synchronous=synchronous)
    try:
        result = ensure_current(eng, paths.db, paths.backups, migrations_dir,
                                before=lambda label: _backup_before(paths, sk, label))
        factory = make_session_factory(eng)
        _ensure_meta(factory, store_id, demo)
    except BaseException:
        eng.dispose()
        raise
    return Database(paths, eng, factory, store_id, demo, result)


def _backup_before(paths: DataPaths, sk: StoreKey, label: str) -> Path:
    """A restorable backup (``backup_file.py``) in the data folder's backups folder."""
    from assessor_app import __version__
    from assessor_app.store import backup_file

    paths.backups.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    dest = backup_file.backup_name(paths.backups, label, now)
    backup_file.take_backup(paths.db, sk.key_hex, dest, store_id=sk.store_id, label=label,
                            demo=sk.demo, app_version=__version__, now=now)
    return dest


def _ensure_meta(factory: sessionmaker[Session], store_id: str, demo: bool) -> None:
    from assessor_app.store.models.system import StoreMeta

    with factory() as s:
        have = {m.key for m in s.execute(select(StoreMeta)).scalars()}
        if "store_id" in have:
            return
        s.add_all([
            StoreMeta(key="store_id", value=store_id),
            StoreMeta(key="created_at", value=datetime.now(UTC).isoformat()),
            StoreMeta(key="demo", value="1" if demo else "0"),
        ])
        s.commit()
