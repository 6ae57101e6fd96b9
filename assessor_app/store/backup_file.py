"""The backup file: magic, version, a JSON header, then the store's pages, still encrypted.

    b"ASSESSOR-BACKUP\\0"  16 bytes
    format version         2 bytes, big-endian (1)
    header length          4 bytes, big-endian
    header                 UTF-8 JSON (store id, times, versions, payload sha256 and size,
                           the recovery envelope: the store key wrapped under the passphrase)
    payload                a ``VACUUM INTO`` copy of the store: SQLCipher pages under the
                           store key, so the file is as unreadable as the store itself

The payload is a consistent snapshot even while another connection writes (WAL): it
is made by SQLite from one read transaction, never by copying a half-written file.
Restore checks size and sha256 before anything in the data folder is touched.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import struct
import tempfile
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

import sqlcipher3

from assessor_app.errors import AppError
from assessor_app.store import sqlcipher_conn

RECOVERY_FILE = "recovery.json"  # beside store.json; written by services/recovery.py
MAGIC = b"ASSESSOR-BACKUP\x00"
FORMAT_VERSION = 1
SUFFIX = ".awbackup"
_FIXED = struct.Struct(">HI")
_MAX_HEADER = 1 << 20
_CHUNK = 1 << 20


class BackupError(AppError):
    """A backup could not be written, read or restored; nothing in the data folder changed."""

    exit_code = 10


class BackupInvalid(BackupError):
    """Not a backup file, or a damaged one."""


class BackupWrongPassphrase(BackupError):
    exit_code = 11


class BackupOtherStore(BackupError):
    exit_code = 12


@dataclass(frozen=True)
class BackupHeader:
    store_id: str
    created_at: str  # ISO 8601, UTC
    app_version: str
    schema_revision: str | None
    payload_sha256: str
    payload_size: int
    label: str  # manual, daily, before-migration, before-restore
    demo: bool
    recovery: dict[str, Any] | None  # the passphrase-wrapped store key (services/recovery.py)

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), sort_keys=True).encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes, where: Path) -> BackupHeader:
        try:
            data = json.loads(raw.decode("utf-8"))
            rec = data.get("recovery")
            header = cls(
                store_id=str(data["store_id"]), created_at=str(data["created_at"]),
                app_version=str(data["app_version"]),
                schema_revision=None if data["schema_revision"] is None
                else str(data["schema_revision"]),
                payload_sha256=str(data["payload_sha256"]), payload_size=int(data["payload_size"]),
                label=str(data.get("label", "")), demo=bool(data.get("demo", False)),
                recovery=rec if isinstance(rec, dict) else None,
            )
        except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
            raise _damaged(where, "its header is unreadable") from None
        if header.payload_size < 0 or len(header.payload_sha256) != 64:
            raise _damaged(where, "its header is inconsistent")
        return header


def _damaged(path: Path, why: str) -> BackupInvalid:
    return BackupInvalid(
        f"{path} is a damaged workbench backup ({why}).",
        "Choose another backup (the list shows the newest first); nothing was changed.")


def _read_exact(f: BinaryIO, n: int) -> bytes:
    data = f.read(n)
    return data if len(data) == n else b""


def read_header(path: Path) -> tuple[BackupHeader, int]:
    """The header and the offset where the payload starts; raises BackupInvalid."""
    try:
        with open(path, "rb") as f:
            magic = _read_exact(f, len(MAGIC))
            if magic != MAGIC:
                raise BackupInvalid(
                    f"{path} is not a workbench backup.",
                    "Backups end in .awbackup and are made by 'assessor-app backup' or "
                    "automatically; nothing was changed.")
            fixed = _read_exact(f, _FIXED.size)
            if not fixed:
                raise _damaged(path, "it is cut short")
            version, size = _FIXED.unpack(fixed)
            if version > FORMAT_VERSION:
                raise BackupInvalid(
                    f"{path} was made by a newer version of the app (backup format {version}).",
                    "Install the newest version of the assessor workbench and restore again.")
            if size > _MAX_HEADER:
                raise _damaged(path, "its header is too long")
            raw = _read_exact(f, size)
            if not raw:
                raise _damaged(path, "it is cut short")
    except IsADirectoryError:
        raise BackupInvalid(f"{path} is a folder, not a backup file.") from None
    except FileNotFoundError:
        raise BackupInvalid(f"There is no file {path}.", "Check the name and try again.") from None
    except OSError as exc:
        raise BackupInvalid(f"{path} cannot be read ({exc.strerror or exc}).",
                            "Check the file's permissions.") from None
    return BackupHeader.from_json(raw, path), len(MAGIC) + _FIXED.size + size


def extract_payload(path: Path, dest: Path | None) -> BackupHeader:
    """Copy the payload to ``dest`` (None: only check it), checking its size and sha256;
    ``dest`` is removed on failure."""
    header, offset = read_header(path)
    digest = hashlib.sha256()
    written = 0
    try:
        with open(path, "rb") as src, \
                (open(dest, "wb") if dest else contextlib.nullcontext()) as out:
            src.seek(offset)
            while chunk := src.read(_CHUNK):
                written += len(chunk)
                if written > header.payload_size:
                    break
                digest.update(chunk)
                if out is not None:
                    out.write(chunk)
            if out is not None:
                out.flush()
                os.fsync(out.fileno())
        if written < header.payload_size:
            raise _damaged(path, f"it is cut short: {written} of {header.payload_size} bytes")
        if written > header.payload_size:
            raise _damaged(path, "it has extra bytes at the end")
        if digest.hexdigest() != header.payload_sha256:
            raise _damaged(path, "its contents do not match their checksum")
    except OSError as exc:
        if dest:
            dest.unlink(missing_ok=True)
        raise BackupError(f"The backup could not be read or unpacked ({exc.strerror or exc}).",
                          "Check there is free space; nothing was changed.") from None
    except BaseException:
        if dest:
            dest.unlink(missing_ok=True)
        raise
    return header


def snapshot(db_path: Path, key_hex: str, dest: Path) -> str | None:
    """A consistent encrypted copy of the store at ``dest``; returns its schema revision.

    ``VACUUM INTO`` reads in one transaction, so writers on other connections (WAL) are
    neither blocked for long nor half-copied; the copy is encrypted with the same key.
    """
    try:
        conn = sqlcipher_conn.connect(db_path, key_hex)
    except sqlcipher3.DatabaseError:
        raise _unreadable_store(db_path) from None
    try:
        revision = sqlcipher_conn.stored_revision(conn)
        conn.execute("VACUUM INTO ?", (str(dest),))
    except sqlcipher3.OperationalError as exc:
        if "disk" in str(exc) or "full" in str(exc) or "open" in str(exc):
            raise BackupError(f"The backup could not be written to {dest.parent} ({exc}).",
                              "Check there is free space; your store was not changed.") from None
        raise _unreadable_store(db_path) from None
    except sqlcipher3.DatabaseError:
        raise _unreadable_store(db_path) from None
    finally:
        conn.close()
    return revision


def _unreadable_store(db_path: Path) -> BackupError:
    return BackupError(
        f"The store {db_path} could not be read to back it up: it is damaged or its key is wrong.",
        "Nothing was written. Run 'assessor-app db check', or restore the last good backup.")


def write(dest: Path, header: BackupHeader, payload: Path) -> None:
    """Header + payload into ``dest`` atomically (a temporary file, fsync, rename)."""
    raw = header.to_json()
    fd, tmp_name = tempfile.mkstemp(prefix=".backup-", suffix=".part", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out, open(payload, "rb") as src:
            out.write(MAGIC + _FIXED.pack(FORMAT_VERSION, len(raw)) + raw)
            while chunk := src.read(_CHUNK):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(OSError):
            os.chmod(tmp, 0o600)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def load_envelope(root: Path) -> dict[str, Any] | None:
    """The passphrase-wrapped key kept in a data folder (opaque here), or None."""
    try:
        data = json.loads((root / RECOVERY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and "cipher" in data else None


def take_backup(db_path: Path, key_hex: str, dest: Path, *, store_id: str, label: str,
                demo: bool, app_version: str, now: datetime) -> int:
    """Snapshot the store and write the backup file ``dest``; returns the payload size.

    The recovery envelope comes from the data folder (``db_path``'s folder).
    """
    fd, tmp_name = tempfile.mkstemp(prefix=".snapshot-", suffix=".db", dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # VACUUM INTO creates the file itself
    try:
        revision = snapshot(db_path, key_hex, tmp)
        sha, size = file_sha256(tmp)
        header = BackupHeader(
            store_id=store_id, created_at=now.isoformat(timespec="seconds"),
            app_version=app_version, schema_revision=revision, payload_sha256=sha,
            payload_size=size, label=label, demo=demo,
            recovery=None if demo else load_envelope(db_path.parent))
        write(dest, header, tmp)
    finally:
        tmp.unlink(missing_ok=True)
    return size


def backup_name(folder: Path, label: str, now: datetime) -> Path:
    """A new file name in ``folder``: workbench-<label>-<UTC stamp>[-n].awbackup."""
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    dest = folder / f"workbench-{label}-{stamp}{SUFFIX}"
    n = 1
    while dest.exists():
        n += 1
        dest = folder / f"workbench-{label}-{stamp}-{n}{SUFFIX}"
    return dest


def file_sha256(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def check_opens(db_path: Path, key_hex: str) -> list[str]:
    """``quick_check`` + ``cipher_integrity_check`` of a file: [] when healthy, else the problems.

    Raises StoreLocked (from ``probe``) when the key does not open it at all.
    """
    sqlcipher_conn.probe(db_path, key_hex)
    conn = sqlcipher3.connect(str(db_path), check_same_thread=False)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{key_hex}'\"")
        quick = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
        cipher = [r[0] for r in conn.execute("PRAGMA cipher_integrity_check").fetchall()]
    except sqlcipher3.DatabaseError as exc:
        return [f"unreadable ({exc})"]
    finally:
        conn.close()
    return ([] if quick == ["ok"] else quick) + cipher
