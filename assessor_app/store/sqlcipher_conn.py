"""Raw SQLCipher connections: the key first, then the pragmas. No SQLAlchemy here.

Used by the engine for every pooled connection and, at start-up, to read the
practitioner list before SQLAlchemy (about 0.6 s to import) is loaded.
"""

from __future__ import annotations

import re
from pathlib import Path

import sqlcipher3

from assessor_app.errors import StoreCorrupt, StoreLocked

HEX_KEY = re.compile(r"^[0-9a-f]{64}$")
_PLAIN_SQLITE_HEADER = b"SQLite format 3\x00"


def connect(path: Path, key_hex: str, synchronous: str = "NORMAL") -> sqlcipher3.Connection:
    """A connection with the key applied and WAL set outside any transaction."""
    if not HEX_KEY.match(key_hex):
        raise ValueError("store key must be 64 lowercase hex digits")
    if synchronous not in {"NORMAL", "FULL"}:
        raise ValueError("synchronous must be NORMAL or FULL")
    conn = sqlcipher3.connect(str(path), check_same_thread=False, timeout=10.0)
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA key = \"x'{key_hex}'\"")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 10000")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA synchronous = {synchronous}")
    return conn


def probe(path: Path, key_hex: str) -> None:
    """Open the file with the key and read its schema, or raise a user-facing error."""
    try:
        conn = sqlcipher3.connect(str(path), check_same_thread=False)
    except sqlcipher3.Error as exc:
        raise StoreCorrupt(f"The store {path} cannot be opened ({exc}).",
                           "Check the file's permissions and the disk.") from None
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{key_hex}'\"")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError:
        raise _classify_unreadable(path) from None
    finally:
        conn.close()


def _classify_unreadable(path: Path) -> Exception:
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError:
        head = b""
    if head == _PLAIN_SQLITE_HEADER:
        return StoreLocked(
            f"{path} is an unencrypted SQLite file, not a workbench store.",
            "Choose another data folder with --data-dir; the file was left as it is.",
        )
    return StoreLocked(
        f"The store {path} cannot be read with the key in this computer's keyring.",
        "Either the key is wrong (a store copied from another computer, or the keyring "
        "entry was replaced) or the file is damaged or not a workbench store. Nothing was "
        "changed. Restore it from a backup with its recovery passphrase, or use another "
        "data folder with --data-dir.",
    )


def stored_revision(conn: sqlcipher3.Connection) -> str | None:
    """The Alembic revision recorded in the store, or None for a store never migrated."""
    row = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'").fetchone()
    if row is None:
        return None
    found = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return found[0] if found else None
