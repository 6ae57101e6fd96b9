"""Backup and restore of a real encrypted store: same computer, new computer, bad input."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from assessor_app.app import open_context
from assessor_app.keystore import MemorySecretStore
from assessor_app.paths import DataPaths
from assessor_app.services import backup, recovery, restore
from assessor_app.store.backup_file import (
    BackupInvalid,
    BackupOtherStore,
    BackupWrongPassphrase,
    read_header,
)
from tests.services.backup_store import RealStore, exported, make_real_store


def _digest(folder: Path) -> dict[str, str]:
    return {str(f.relative_to(folder)): hashlib.sha256(f.read_bytes()).hexdigest()
            for f in sorted(folder.rglob("*")) if f.is_file()}


def _change_every_team(s: RealStore) -> None:
    ctx = open_context(s.paths, create=False, secrets=s.secrets)
    with ctx.database.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE practitioner SET team = 'changed after the backup'")
    ctx.close()


def test_round_trip_on_the_same_computer_restores_the_data(store: RealStore, tmp_path: Path) -> None:
    before = exported(store.paths, store.secrets, tmp_path / "before.json")
    made = backup.backup_now(store.paths, secrets=store.secrets, folder=tmp_path / "bk")
    header, _ = read_header(made)
    assert header.recovery is not None and header.schema_revision
    _change_every_team(store)
    assert exported(store.paths, store.secrets, tmp_path / "changed.json") != before

    result = restore.restore(store.paths, made, secrets=store.secrets, folder=tmp_path / "bk")

    assert not result.used_passphrase
    assert exported(store.paths, store.secrets, tmp_path / "after.json") == before
    # the changed store was kept, as a backup and as its own files
    assert result.previous_backup is not None and result.previous_backup.exists()
    assert result.previous_files is not None and (result.previous_files / "workbench.db").exists()
    again = DataPaths(tmp_path / "kept")
    restore.restore(again, result.previous_backup, secrets=store.secrets)
    teams = {r["team"] for r in exported(again, store.secrets, tmp_path / "k.json")["tables"]
             ["practitioner"]["rows"]}
    assert teams == {"changed after the backup"}


def test_restore_on_a_new_computer_with_the_passphrase_only(store: RealStore, tmp_path: Path) -> None:
    before = exported(store.paths, store.secrets, tmp_path / "before.json")
    made = backup.backup_now(store.paths, out=tmp_path / "usb" / "portfolio.awbackup",
                             secrets=store.secrets)
    new_keyring = MemorySecretStore()  # an empty keyring
    new_folder = DataPaths(tmp_path / "new-laptop" / "data")  # does not exist yet

    assert restore.needs_passphrase(new_folder, made, new_keyring)
    with pytest.raises(restore.PassphraseNeeded):
        restore.restore(new_folder, made, secrets=new_keyring)
    typed = store.passphrase.lower().replace("-", " ")  # as someone might type it
    result = restore.restore(new_folder, made, typed, secrets=new_keyring)

    assert result.used_passphrase
    assert new_keyring.get(f"store-key:{result.store_id}")
    assert exported(new_folder, new_keyring, tmp_path / "after.json") == before
    assert recovery.has_recovery_passphrase(new_folder)
    assert recovery.check_recovery_passphrase(new_folder, store.passphrase)


def test_wrong_passphrase_is_refused_and_nothing_is_written(store: RealStore, tmp_path: Path) -> None:
    made = backup.backup_now(store.paths, secrets=store.secrets, folder=tmp_path / "bk")
    new_folder = DataPaths(tmp_path / "new")
    wrong = "0000-0000-0000-0000-0000"
    with pytest.raises(BackupWrongPassphrase) as err:
        restore.restore(new_folder, made, wrong, secrets=MemorySecretStore())
    assert "not the one for this store" in err.value.message
    assert "Nothing was changed" in err.value.hint
    assert not new_folder.root.exists()
    assert not recovery.check_recovery_passphrase(store.paths, wrong)


def test_a_backup_of_another_store_is_refused_unless_replace(
        store: RealStore, tmp_path: Path) -> None:
    other = make_real_store(tmp_path / "other", store.secrets, seed=7)
    theirs = backup.backup_now(other.paths, secrets=store.secrets, folder=tmp_path / "bk")
    mine_before = exported(store.paths, store.secrets, tmp_path / "mine.json")
    files_before = _digest(store.paths.root)

    with pytest.raises(BackupOtherStore) as err:
        restore.restore(store.paths, theirs, secrets=store.secrets, folder=tmp_path / "bk")
    assert "another store" in err.value.message and "--replace" in err.value.hint
    assert _digest(store.paths.root) == files_before

    result = restore.restore(store.paths, theirs, replace=True, secrets=store.secrets,
                             folder=tmp_path / "bk")
    assert result.store_id == read_header(theirs)[0].store_id
    assert json.loads((store.paths.root / "store.json").read_text())["store_id"] == result.store_id
    # the replaced store survives as a backup that restores to the same data
    assert result.previous_backup is not None
    back = DataPaths(tmp_path / "back")
    restore.restore(back, result.previous_backup, secrets=store.secrets)
    assert exported(back, store.secrets, tmp_path / "back.json") == mine_before


@pytest.mark.parametrize("damage", ["flip", "truncate", "not-a-backup", "empty", "header"])
def test_a_damaged_or_foreign_file_is_refused_plainly(
        store: RealStore, tmp_path: Path, damage: str) -> None:
    made = backup.backup_now(store.paths, secrets=store.secrets, folder=tmp_path / "bk")
    data = bytearray(made.read_bytes())
    bad = tmp_path / "bad.awbackup"
    expected = {"flip": "do not match their checksum", "truncate": "cut short",
                "not-a-backup": "is not a workbench backup", "empty": "is not a workbench backup",
                "header": "header is unreadable"}[damage]
    if damage == "flip":
        data[len(data) // 2] ^= 0x01
        bad.write_bytes(bytes(data))
    elif damage == "truncate":
        bad.write_bytes(bytes(data[: len(data) - 4096]))
    elif damage == "not-a-backup":
        bad.write_bytes(store.paths.db.read_bytes()[:8192])
    elif damage == "empty":
        bad.write_bytes(b"")
    else:
        i = data.rindex(b'"store_id"')  # the top-level key (keys are sorted)
        data[i:i + 10] = b'"stoer_id"'
        bad.write_bytes(bytes(data))
    files_before = _digest(store.paths.root)

    with pytest.raises(BackupInvalid) as err:
        restore.restore(store.paths, bad, secrets=store.secrets, folder=tmp_path / "bk")

    assert expected in err.value.message
    assert "Traceback" not in str(err.value)
    assert _digest(store.paths.root) == files_before
    assert not list(store.paths.root.glob(".restore-*"))


def test_latest_good_backup_skips_a_damaged_newer_one(store: RealStore, tmp_path: Path) -> None:
    folder = tmp_path / "bk"
    good = backup.backup_now(store.paths, secrets=store.secrets, folder=folder, label="daily")
    newer = backup.backup_now(store.paths, secrets=store.secrets, folder=folder)
    assert backup.latest_good_backup(store.paths, folder).path == newer  # type: ignore[union-attr]
    data = bytearray(newer.read_bytes())
    data[-100] ^= 0xFF
    newer.write_bytes(bytes(data))
    found = backup.latest_good_backup(store.paths, folder)
    assert found is not None and found.path == good


def test_new_passphrase_replaces_the_old_one(store: RealStore) -> None:
    assert recovery.check_recovery_passphrase(store.paths, store.passphrase)
    fresh = recovery.create_recovery_passphrase(store.paths, store.secrets)
    assert fresh != store.passphrase
    assert len(recovery.normalise(fresh)) == 20  # 100 bits
    assert recovery.check_recovery_passphrase(store.paths, fresh)
    assert not recovery.check_recovery_passphrase(store.paths, store.passphrase)


def test_a_passphrase_made_before_the_store_exists_opens_its_backups(tmp_path: Path) -> None:
    """The first-run wizard's order: passphrase first, then the store is created."""
    ring = MemorySecretStore()
    paths = DataPaths(tmp_path / "fresh")
    phrase = recovery.create_recovery_passphrase(paths, ring)
    assert recovery.has_recovery_passphrase(paths)
    assert not paths.db.exists()
    open_context(paths, secrets=ring).close()  # creates the store with the same key
    made = backup.backup_now(paths, secrets=ring, folder=tmp_path / "bk")
    elsewhere = DataPaths(tmp_path / "elsewhere")
    result = restore.restore(elsewhere, made, phrase, secrets=MemorySecretStore())
    assert result.used_passphrase
    assert backup.store_health(elsewhere, MemorySecretStore(dict(ring._values))) == []


def test_a_backup_from_a_newer_app_is_refused(store: RealStore, tmp_path: Path) -> None:
    from dataclasses import replace

    from assessor_app.errors import StoreTooNew
    from assessor_app.store import backup_file

    made = backup.backup_now(store.paths, secrets=store.secrets, folder=tmp_path / "bk")
    header, offset = read_header(made)
    payload = tmp_path / "payload.db"
    payload.write_bytes(made.read_bytes()[offset:])
    newer = tmp_path / "newer.awbackup"
    backup_file.write(newer, replace(header, schema_revision="29991231_9999"), payload)
    files_before = _digest(store.paths.root)
    with pytest.raises(StoreTooNew) as err:
        restore.restore(store.paths, newer, secrets=store.secrets)
    assert "newer version of the app" in err.value.message
    assert _digest(store.paths.root) == files_before


def test_a_failure_at_the_last_step_puts_the_current_store_back(
        store: RealStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import os

    from assessor_app.store.backup_file import BackupError

    made = backup.backup_now(store.paths, secrets=store.secrets, folder=tmp_path / "bk")
    _change_every_team(store)
    changed = exported(store.paths, store.secrets, tmp_path / "changed.json")
    real_replace = os.replace

    def disk_full_on_the_swap(src, dst):  # type: ignore[no-untyped-def]
        if Path(src).name.startswith(".restore-"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(restore.os, "replace", disk_full_on_the_swap)
    with pytest.raises(BackupError) as err:
        restore.restore(store.paths, made, secrets=store.secrets, folder=tmp_path / "bk")
    monkeypatch.undo()
    assert "could not be put in place" in err.value.message
    assert "put back as it was" in err.value.hint
    assert exported(store.paths, store.secrets, tmp_path / "after.json") == changed
