"""The practitioner list straight from the encrypted file, before SQLAlchemy is loaded.

Start-up shows the list from here (raw SQLCipher, the same SQL and row rules as
the practitioner service) while the full context is built afterwards on the same
DB thread. When the store needs a migration, or does not exist yet, there is no
quick path: the caller opens the full context instead.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from assessor_app.domain.catalogue import Catalogue
from assessor_app.domain.dto import PractitionerRow
from assessor_app.keystore import SecretStore
from assessor_app.paths import DataPaths
from assessor_app.services import catalogue_loader as loader
from assessor_app.services.practitioner_rows import build_row
from assessor_app.store import sqlcipher_conn
from assessor_app.store.keys import resolve_key
from assessor_app.store.records import enrolment_records, imported_catalogue
from assessor_app.store.revision import script_info


class QuickList:
    def __init__(self, conn: sqlcipher_conn.sqlcipher3.Connection, catalogue: Catalogue) -> None:
        self._conn = conn
        self._catalogue = catalogue

    @classmethod
    def open(cls, paths: DataPaths, secrets: SecretStore | None, *, resources: Path,
             migrations: Path) -> QuickList | None:
        """A quick list, or None when only the full path can open this store."""
        if not paths.db.exists():
            return None
        key = resolve_key(paths, secrets, create=False)
        sqlcipher_conn.probe(paths.db, key.key_hex)
        conn = sqlcipher_conn.connect(paths.db, key.key_hex)
        try:
            if sqlcipher_conn.stored_revision(conn) != script_info(migrations).head:
                conn.close()
                return None
            imported = [loader.parse_detailed(text, f"imported file '{src}'", f"imported:{src}")
                        for text, src, _sha in imported_catalogue(conn)]
            catalogue = loader.build_catalogue([*loader.parse_builtin(resources), *imported])
        except BaseException:
            conn.close()
            raise
        return cls(conn, catalogue)

    def list_rows(self, today: date) -> list[PractitionerRow]:
        return [build_row(r, self._catalogue, today)[0] for r in enrolment_records(self._conn)]

    def close(self) -> None:
        self._conn.close()
