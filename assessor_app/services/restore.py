"""Restoring a backup: everything is checked before anything in the data folder changes.

Order: read the header → schema not too new → whose store, and may it go here →
the key (this computer's keyring, else the recovery passphrase) → unpack to a
temporary file, checksum → open it with the key and run quick_check → only then:
keep the current store (a backup of it, and its files moved aside, never deleted),
put the key in the keyring, and move the restored file into place.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets as pysecrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from assessor_app.errors import AppError, StoreTooNew
from assessor_app.keystore import DEMO_STORE_KEY_HEX, SecretStore
from assessor_app.paths import DataPaths, migrations_dir
from assessor_app.services.backup import backup_now, backups_folder
from assessor_app.services.recovery import (
    has_recovery_passphrase,
    store_secrets,
    unwrap_key,
    write_envelope,
)
from assessor_app.store import backup_file
from assessor_app.store.backup_file import BackupError, BackupHeader, BackupOtherStore
from assessor_app.store.keys import STORE_FILE, key_name
from assessor_app.store.revision import script_info

log = logging.getLogger(__name__)

NEEDS_PASSPHRASE_EXIT = 13
_DEMO_NOTICE = ("This folder holds DEMO data for the assessor workbench, restored from a demo "
                "backup.\nEvery person in it is fictional. Never put real data here.\n")


class PassphraseNeeded(BackupError):
    """This computer's keyring has no key for the backup's store: ask for the passphrase."""

    exit_code = NEEDS_PASSPHRASE_EXIT


@dataclass(frozen=True)
class RestoreResult:
    store_id: str
    backup_created_at: str
    used_passphrase: bool
    previous_backup: Path | None  # a backup of the store that was replaced
    previous_files: Path | None  # where the replaced store's files were moved


def _current_store_id(paths: DataPaths) -> str | None:
    try:
        data = json.loads((paths.root / STORE_FILE).read_text(encoding="utf-8"))
        return str(data["store_id"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def needs_passphrase(paths: DataPaths, file: Path, secrets: SecretStore | None = None) -> bool:
    """True when restoring ``file`` here will need the recovery passphrase."""
    header, _ = backup_file.read_header(file)
    if header.demo:
        return False
    got = store_secrets(paths, secrets)
    return got is None or not got.get(key_name(header.store_id))


def _check_schema(header: BackupHeader, file: Path) -> None:
    info = script_info(migrations_dir())
    if header.schema_revision is not None and header.schema_revision not in info.revisions:
        raise StoreTooNew(
            f"{file} was made by a newer version of the app (schema {header.schema_revision}).",
            "Install the newest version of the assessor workbench and restore again; nothing "
            "was changed.")


def _key_for(header: BackupHeader, file: Path, secrets: SecretStore | None,
             passphrase: str | None) -> tuple[str, bool]:
    """(key hex, whether it came from the passphrase)."""
    if header.demo:
        return DEMO_STORE_KEY_HEX, False
    stored = secrets.get(key_name(header.store_id)) if secrets is not None else None
    if stored:
        return stored, False
    if header.recovery is None:
        raise BackupError(
            f"{file} has no recovery passphrase and this computer's keyring has no key for it.",
            "It can only be restored on the computer that made it. Nothing was changed.")
    if passphrase is None:
        raise PassphraseNeeded(
            "This backup is from a store this computer does not know: it needs the store's "
            "recovery passphrase.",
            "Type the passphrase you were shown when the store was set up. Nothing was changed.")
    return unwrap_key(header.recovery, passphrase), True


_EXTRAS = (STORE_FILE, "recovery.json")


def _move_aside(paths: DataPaths) -> Path | None:
    """Move the current store's files (db, -wal, -shm; copies of store.json and recovery.json)
    into ``backups/replaced-<stamp>`` in the data folder (same disk: a rename). Never deletes;
    on failure whatever moved is put back."""
    names = [paths.db.name, paths.db.name + "-wal", paths.db.name + "-shm"]
    present = [n for n in names if (paths.root / n).exists()]
    if not present:
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = paths.backups / f"replaced-{stamp}-{pysecrets.token_hex(3)}"
    aside.mkdir(parents=True)
    for extra in _EXTRAS:
        src = paths.root / extra
        if src.exists():
            (aside / extra).write_bytes(src.read_bytes())
    try:
        for n in present:
            os.replace(paths.root / n, aside / n)
    except OSError:
        _put_back(paths, aside)
        raise
    return aside


def _put_back(paths: DataPaths, aside: Path) -> None:
    """Undo ``_move_aside`` (best effort: whatever cannot move stays safe in ``aside``)."""
    for f in aside.iterdir():
        with contextlib.suppress(OSError):
            if f.name in _EXTRAS:
                (paths.root / f.name).write_bytes(f.read_bytes())
            elif not (paths.root / f.name).exists():
                os.replace(f, paths.root / f.name)


def restore(paths: DataPaths, file: Path, passphrase: str | None = None, replace: bool = False,
            *, secrets: SecretStore | None = None, folder: Path | None = None) -> RestoreResult:
    """Put the store in backup ``file`` into the data folder ``paths``.

    On this computer the key comes from the keyring; on a new one (empty keyring, new
    data folder) ``passphrase`` unwraps it and it is stored in the keyring. A backup of
    another store is refused over an existing store unless ``replace``; the current store
    is always kept first. The app must not have the store open while this runs.
    """
    file = Path(file).expanduser()
    header, _ = backup_file.read_header(file)
    _check_schema(header, file)
    current = _current_store_id(paths) if paths.db.exists() else None
    if paths.db.exists() and current != header.store_id and not replace:
        raise BackupOtherStore(
            f"{file} is a backup of another store, not the one in {paths.root}.",
            "To put it in place of the current store, restore with --replace (the current "
            "store is kept as a backup first), or restore into another --data-dir.")
    secrets = store_secrets(paths, secrets) if not header.demo else secrets
    key, from_passphrase = _key_for(header, file, secrets, passphrase)

    paths.ensure()
    tmp = paths.root / f".restore-{pysecrets.token_hex(4)}.db"
    try:
        backup_file.extract_payload(file, tmp)
        try:
            problems = backup_file.check_opens(tmp, key)
        except AppError:
            raise BackupError(
                f"{file} cannot be opened with the key for its store.",
                "The backup or this computer's keyring entry is not what it should be. "
                "Try another backup; nothing was changed.") from None
        if problems:
            raise BackupError(f"{file} holds a damaged store ({problems[0]}).",
                              "Try an older backup; nothing was changed.")
        return _swap_in(paths, file, header, tmp, key, from_passphrase, secrets, folder)
    finally:
        tmp.unlink(missing_ok=True)


def _swap_in(paths: DataPaths, file: Path, header: BackupHeader, tmp: Path, key: str,
             from_passphrase: bool, secrets: SecretStore | None,
             folder: Path | None) -> RestoreResult:
    target = backups_folder(paths, folder)
    previous_backup = previous_files = None
    if not header.demo and secrets is not None and secrets.get(key_name(header.store_id)) != key:
        secrets.set(key_name(header.store_id), key)
        if secrets.get(key_name(header.store_id)) != key:
            raise BackupError("The keyring did not keep the restored store's key.",
                              "Check the keyring is unlocked and try again.")
    if paths.db.exists():
        try:
            previous_backup = backup_now(paths, label="before-restore", folder=target,
                                         secrets=secrets)
        except AppError as exc:  # e.g. the damaged store we are replacing: its files are kept
            log.warning("no backup of the replaced store (%s); its files are kept",
                        type(exc).__name__)
        try:
            previous_files = _move_aside(paths)
        except OSError as exc:
            raise BackupError(
                f"The current store could not be moved aside ({exc.strerror or exc}).",
                "Nothing was replaced. Close the workbench if it is open on this folder, "
                "and check the folder is writable.") from None
    had_passphrase = has_recovery_passphrase(paths) and _current_store_id(paths) == header.store_id
    try:
        (paths.root / STORE_FILE).write_text(
            json.dumps({"store_id": header.store_id, "format": 1, "demo": header.demo},
                       indent=2) + "\n", encoding="utf-8")
        if header.recovery is not None and not had_passphrase:
            write_envelope(paths, header.recovery)
        os.replace(tmp, paths.db)
    except OSError as exc:
        if previous_files is not None:
            _put_back(paths, previous_files)
        raise BackupError(f"The restored store could not be put in place ({exc.strerror or exc}).",
                          "The current store was put back as it was. Check the data folder is "
                          "writable and try again.") from None
    if header.demo:
        with contextlib.suppress(OSError):
            paths.demo_marker.write_text(_DEMO_NOTICE, encoding="utf-8")
    with contextlib.suppress(OSError):
        os.chmod(paths.db, 0o600)
    log.info("store restored from a %s backup", header.label or "manual")
    return RestoreResult(header.store_id, header.created_at, from_passphrase,
                         previous_backup, previous_files)
