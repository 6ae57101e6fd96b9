"""Schema migrations at start-up: copy the file first, then upgrade with Alembic.

The head revision is read from the migration scripts with a regex (``revision.py``)
so that a store that is already current never imports Alembic (about 0.3-0.9 s here).
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, inspect, text

from assessor_app.errors import MigrationFailed, StoreTooNew
from assessor_app.store.revision import script_info

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MigrationResult:
    from_revision: str | None
    to_revision: str
    backup: Path | None

    @property
    def migrated(self) -> bool:
        return self.from_revision != self.to_revision


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _has_user_tables(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(inspect(conn).get_table_names())


def backup_copy(engine: Engine, db_path: Path, backups: Path, label: str) -> Path:
    """An exact (still encrypted) copy of the store, taken after a WAL checkpoint."""
    backups.mkdir(parents=True, exist_ok=True)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    dest = backups / f"{db_path.stem}-{label}-{stamp}.db"
    n = 1
    while dest.exists():
        n += 1
        dest = backups / f"{db_path.stem}-{label}-{stamp}-{n}.db"
    shutil.copy2(db_path, dest)
    return dest


def upgrade(engine: Engine, migrations_dir: Path, revision: str = "head") -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def ensure_current(engine: Engine, db_path: Path, backups: Path, migrations_dir: Path,
                   before: Callable[[str], object] | None = None) -> MigrationResult:
    """Upgrade to head. First the exact file copy (the fallback a failed upgrade leaves
    beside the store), then ``before(label)``: a restorable backup (backup_file.py)."""
    info = script_info(migrations_dir)
    current = current_revision(engine)
    if current == info.head:
        return MigrationResult(current, info.head, None)
    if current is not None and current not in info.revisions:
        raise StoreTooNew(
            f"The store {db_path} was written by a newer version of the app (schema {current}).",
            "Install the newest version of the assessor workbench; the file was left as it is.",
        )
    backup = None
    if current is not None or _has_user_tables(engine):
        backup = backup_copy(engine, db_path, backups, f"before-{info.head}")
        if before is not None:
            try:
                before("before-migration")
            except Exception as exc:  # the exact copy above is the fallback
                log.warning("no backup file before the migration (%s)", type(exc).__name__)
    try:
        upgrade(engine, migrations_dir)
    except Exception as exc:
        where = f" A copy taken before the upgrade is at {backup}." if backup else ""
        raise MigrationFailed(
            f"Upgrading the store {db_path} from schema {current or 'empty'} to {info.head} "
            f"failed ({type(exc).__name__}).{where}",
            "Nothing was deleted: both files were kept. Send the log to your IT support.",
        ) from exc
    return MigrationResult(current, info.head, backup)
