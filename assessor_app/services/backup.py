"""Backups: on demand, daily rolling, before migrations; listing and choosing one to restore.

A backup is one ``.awbackup`` file (``store/backup_file.py``): the store's encrypted
pages plus a header carrying the passphrase-wrapped key (``recovery.py``), so it
restores on this computer from the keyring and on a new one with the passphrase.
Restoring lives in ``restore.py``. Pruning removes only the oldest *daily* backups
beyond the number kept; manual, pre-migration and pre-restore backups stay.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from assessor_app import __version__
from assessor_app.errors import AppError
from assessor_app.keystore import SecretStore
from assessor_app.paths import DataPaths
from assessor_app.services.recovery import store_secrets
from assessor_app.store import backup_file
from assessor_app.store.backup_file import BackupError, BackupHeader, BackupInvalid
from assessor_app.store.keys import resolve_key

log = logging.getLogger(__name__)

DEFAULT_KEEP = 7
DAILY_EVERY = timedelta(hours=24)
AUTOMATIC = "daily"


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    header: BackupHeader
    size: int

    @property
    def created_at(self) -> datetime:
        try:
            return datetime.fromisoformat(self.header.created_at)
        except ValueError:
            return datetime.fromtimestamp(0, UTC)

    @property
    def store_id(self) -> str:
        return self.header.store_id

    @property
    def label(self) -> str:
        return self.header.label


@dataclass(frozen=True)
class DailyResult:
    """What the start-up backup did: a new file, nothing (not due), or a problem to show."""

    path: Path | None
    problem: str = ""


def preferences(keep: int | None = None, folder: Path | None = None) -> tuple[int, Path | None]:
    """(count kept, chosen folder or None): the arguments win, then the settings file."""
    if keep is not None and folder is not None:
        return keep, folder
    try:
        from assessor_app import settings as settings_mod

        s = settings_mod.load_settings().settings
        chosen = Path(s.backup_folder).expanduser() if s.backup_folder else None
        return (keep if keep is not None else int(s.backups_kept)), folder or chosen
    except Exception:  # no settings module, or an unreadable file: the defaults
        return (keep if keep is not None else DEFAULT_KEEP), folder


def backups_folder(paths: DataPaths, folder: Path | None = None) -> Path:
    return folder if folder is not None else preferences(DEFAULT_KEEP, None)[1] or paths.backups


def _prepare_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            os.chmod(folder, 0o700)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise BackupError(
            f"Backups cannot be written to {folder} ({exc.strerror or type(exc).__name__}).",
            "Choose a folder you can write to in Settings (or with --out); your store was "
            "not changed and earlier backups were not touched.") from None


def backup_now(paths: DataPaths, out: Path | None = None, *, label: str = "manual",
               folder: Path | None = None, secrets: SecretStore | None = None,
               now: datetime | None = None) -> Path:
    """Write a backup of the store in ``paths`` to ``out`` (or a new file in the backups
    folder) and return its path. Safe while the app is writing (WAL snapshot)."""
    if not paths.db.exists():
        raise BackupError(f"There is no store in {paths.root} to back up.",
                          "Check --data-dir; nothing was written.")
    sk = resolve_key(paths, store_secrets(paths, secrets), create=False)
    now = now or datetime.now(UTC)
    if out is not None:
        out = out.expanduser().resolve()
        if out.is_dir():
            raise BackupError(f"{out} is a folder.",
                              f"Give a file name, e.g. {out / ('workbench' + backup_file.SUFFIX)}")
        _prepare_folder(out.parent)
        dest = out
    else:
        target = backups_folder(paths, folder)
        _prepare_folder(target)
        dest = backup_file.backup_name(target, label, now)
    try:
        size = backup_file.take_backup(paths.db, sk.key_hex, dest, store_id=sk.store_id,
                                       label=label, demo=sk.demo, app_version=__version__,
                                       now=now)
    except OSError as exc:
        raise BackupError(f"The backup could not be written to {dest.parent} "
                          f"({exc.strerror or type(exc).__name__}).",
                          "Check there is free space; your store was not changed.") from None
    log.info("backup written (%s, %d bytes)", label, size)
    return dest


def list_backups(paths: DataPaths, folder: Path | None = None) -> list[BackupInfo]:
    """Every readable backup in the backups folder, newest first (other stores' too)."""
    target = backups_folder(paths, folder)
    found: list[BackupInfo] = []
    try:
        files = list(target.glob(f"*{backup_file.SUFFIX}"))
    except OSError:
        return []
    for f in files:
        try:
            header, _ = backup_file.read_header(f)
            found.append(BackupInfo(f, header, f.stat().st_size))
        except (BackupInvalid, OSError):
            continue
    found.sort(key=lambda b: (b.created_at, b.path.name), reverse=True)
    return found


def prune(paths: DataPaths, store_id: str, keep: int, folder: Path | None = None) -> list[Path]:
    """Remove this store's oldest *daily* backups beyond ``keep``; returns what was removed."""
    daily = [b for b in list_backups(paths, folder)
             if b.store_id == store_id and b.label == AUTOMATIC]
    removed = []
    for old in daily[max(keep, 1):]:
        with contextlib.suppress(OSError):
            old.path.unlink()
            removed.append(old.path)
    return removed


def daily_backup_if_due(paths: DataPaths, *, keep: int | None = None,
                        folder: Path | None = None, now: datetime | None = None,
                        secrets: SecretStore | None = None) -> DailyResult:
    """At start-up: a rolling backup when the newest of this store is 24 h old or more.

    Never raises for a folder it cannot write: the problem comes back to be shown,
    and the app carries on (nothing is lost; the store was not touched).
    """
    keep, chosen = preferences(keep, folder)
    now = now or datetime.now(UTC)
    try:
        sk = resolve_key(paths, store_secrets(paths, secrets), create=False)
        mine = [b for b in list_backups(paths, chosen) if b.store_id == sk.store_id]
        if mine and now - mine[0].created_at < DAILY_EVERY:
            return DailyResult(None)
        made = backup_now(paths, label=AUTOMATIC, folder=chosen or paths.backups,
                          secrets=secrets, now=now)
        prune(paths, sk.store_id, keep, chosen)
    except AppError as exc:  # a folder we cannot write, a locked keyring: say so, carry on
        log.warning("daily backup skipped: %s", type(exc).__name__)
        return DailyResult(None, str(exc))
    return DailyResult(made)


def latest_good_backup(paths: DataPaths, folder: Path | None = None,
                       store_id: str | None = None) -> BackupInfo | None:
    """The newest backup of this store whose contents match their checksum.

    ``store_id`` defaults to the one in store.json; with none there, any store's.
    """
    if store_id is None:
        with contextlib.suppress(Exception):
            import json

            store_id = json.loads((paths.root / "store.json").read_text("utf-8"))["store_id"]
    for info in list_backups(paths, folder):
        if store_id and info.store_id != store_id:
            continue
        try:
            backup_file.extract_payload(info.path, None)
            return info
        except BackupError:
            continue
    return None


def store_health(paths: DataPaths, secrets: SecretStore | None = None) -> list[str]:
    """``quick_check`` + ``cipher_integrity_check`` of the store: [] when healthy.

    Raises the usual AppError when the store cannot be opened at all.
    """
    sk = resolve_key(paths, store_secrets(paths, secrets), create=False)
    return backup_file.check_opens(paths.db, sk.key_hex)


def backup_info(file: Path) -> BackupInfo:
    """What a backup file says about itself; BackupInvalid for anything else."""
    header, _ = backup_file.read_header(file)
    return BackupInfo(file, header, file.stat().st_size)
