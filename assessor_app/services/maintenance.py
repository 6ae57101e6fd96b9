"""`db check`, `audit verify` and the JSON export: whole-store operations for the CLI."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from assessor_app import __version__
from assessor_app.domain.audit import ChainReport, verify_chain
from assessor_app.errors import AppError
from assessor_app.paths import migrations_dir
from assessor_app.store import inspection
from assessor_app.store.audit import iter_records
from assessor_app.store.database import Database
from assessor_app.store.migrate import current_revision, script_info

EXPORT_FORMAT = "assessor-workbench-export"
EXPORT_VERSION = 1


@dataclass(frozen=True)
class CheckReport:
    integrity: inspection.IntegrityReport
    revision: str | None
    head: str
    audit: ChainReport

    @property
    def ok(self) -> bool:
        return self.integrity.ok and self.revision == self.head and self.audit.ok


def verify_audit(database: Database) -> ChainReport:
    with database.uow() as uow:
        return verify_chain(iter_records(uow.session))


def check(database: Database) -> CheckReport:
    with database.uow() as uow:
        report = inspection.integrity(uow.session)
    return CheckReport(report, current_revision(database.engine),
                       script_info(migrations_dir()).head, verify_audit(database))


def export_json(database: Database, out: Path) -> dict[str, int]:
    """Write the whole store as JSON (docs/export-format.md); atomic: all or nothing."""
    out = out.expanduser().resolve()
    if out.is_dir():
        raise AppError(f"{out} is a folder.", "Give a file name, e.g. --out portfolio-export.json")
    if not out.parent.is_dir():
        raise AppError(f"The folder {out.parent} does not exist.", "Create it or choose another.")
    counts: dict[str, int] = {}
    fd, tmp_name = tempfile.mkstemp(prefix=".export-", suffix=".json.part", dir=out.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f, database.uow() as uow:
            header = {
                "format": EXPORT_FORMAT,
                "format_version": EXPORT_VERSION,
                "app_version": __version__,
                "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "store_id": database.store_id,
                "schema_revision": current_revision(database.engine),
                "demo": database.demo,
            }
            f.write("{\n")
            for k, v in header.items():
                f.write(f"  {json.dumps(k)}: {json.dumps(v)},\n")
            f.write('  "tables": {')
            for i, name in enumerate(inspection.table_names()):
                f.write("," if i else "")
                f.write(f"\n    {json.dumps(name)}: {{\"columns\": {json.dumps(inspection.column_names(name))}, \"rows\": [")
                n = 0
                for row in inspection.dump_table(uow.session, name):
                    f.write(("," if n else "") + "\n      " + json.dumps(row, ensure_ascii=False))
                    n += 1
                f.write("\n    ]}" if n else "]}")
                counts[name] = n
            f.write("\n  }\n}\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise AppError(f"Could not write {out}: {exc.strerror or exc}.",
                       "Check there is free space and that you may write there; nothing was written.") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    with contextlib.suppress(OSError):
        os.chmod(out, 0o600)
    return counts
