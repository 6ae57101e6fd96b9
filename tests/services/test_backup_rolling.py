"""Automatic backups (daily rolling, before migrations), folders that cannot be written,
snapshots under concurrent writes, the start-up health check, and where the passphrase is not."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlcipher3

from assessor_app.keystore import MemorySecretStore
from assessor_app.paths import DataPaths, migrations_dir
from assessor_app.services import backup, restore
from assessor_app.store.backup_file import BackupError, read_header
from assessor_app.store.database import open_database
from tests.services.backup_store import RealStore, exported


def test_daily_backup_only_when_due_and_the_newest_n_kept(store: RealStore, tmp_path: Path) -> None:
    folder = tmp_path / "bk"
    manual = backup.backup_now(store.paths, secrets=store.secrets, folder=folder)
    fresh = backup.daily_backup_if_due(store.paths, keep=2, folder=folder, secrets=store.secrets)
    assert fresh.path is None and not fresh.problem  # not due: a backup minutes old exists
    made = []
    for days in (1, 2, 3):
        later = datetime.now(UTC) + timedelta(days=days, minutes=1)
        r = backup.daily_backup_if_due(store.paths, keep=2, folder=folder, now=later,
                                       secrets=store.secrets)
        assert r.path is not None and r.path.exists()
        made.append(r.path)
        assert len(made) < 2 or not r.path.samefile(made[-2])
        not_due = backup.daily_backup_if_due(store.paths, keep=2, folder=folder,
                                             now=later - timedelta(hours=12), secrets=store.secrets)
        assert not_due.path is None
    daily = [b.path for b in backup.list_backups(store.paths, folder) if b.label == "daily"]
    assert sorted(daily) == sorted(made[-2:])  # the two newest daily backups
    assert manual.exists()  # pruning never touches a manual backup


def test_an_unwritable_backup_folder_is_a_clear_message_and_nothing_is_lost(
        store: RealStore, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    before = store.paths.db.read_bytes()
    try:
        backup.backup_now(store.paths, secrets=store.secrets, folder=blocker / "backups")
    except BackupError as exc:
        assert "cannot be written to" in exc.message
        assert "Choose a folder you can write to" in exc.hint
    else:
        raise AssertionError("a backup into a path under a file must fail")
    r = backup.daily_backup_if_due(store.paths, keep=3, folder=blocker / "backups",
                                   secrets=store.secrets)
    assert r.path is None and "cannot be written to" in r.problem
    assert store.paths.db.read_bytes() == before
    if os.geteuid() != 0:  # root writes anywhere
        ro = tmp_path / "read-only"
        ro.mkdir()
        ro.chmod(0o500)
        r = backup.daily_backup_if_due(store.paths, keep=3, folder=ro, secrets=store.secrets)
        assert r.path is None and "cannot be written to" in r.problem
        ro.chmod(0o700)


def test_a_backup_taken_while_another_connection_writes_is_consistent(
        store: RealStore, tmp_path: Path) -> None:
    """A writer adds one row to each of two tables per transaction; every snapshot must hold
    equal counts, however the backup interleaves with the writes."""
    key = store.secrets.get(next(iter(store.secrets._values)))
    assert key
    setup = sqlcipher3.connect(str(store.paths.db))
    setup.execute(f"PRAGMA key = \"x'{key}'\"")
    setup.execute("CREATE TABLE pair_a (n INTEGER)")
    setup.execute("CREATE TABLE pair_b (n INTEGER)")
    setup.commit()
    setup.close()
    stop = threading.Event()
    written = [0]

    def writer() -> None:
        conn = sqlcipher3.connect(str(store.paths.db), isolation_level=None, timeout=10)
        conn.execute(f"PRAGMA key = \"x'{key}'\"")
        while not stop.is_set():
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO pair_a VALUES (?)", (written[0],))
            conn.execute("INSERT INTO pair_b VALUES (?)", (written[0],))
            conn.execute("COMMIT")
            written[0] += 1
        conn.close()

    t = threading.Thread(target=writer)
    t.start()
    try:
        snaps, counts_at = [], []
        for i in range(5):
            counts_at.append(written[0])
            snaps.append(backup.backup_now(store.paths, tmp_path / f"s{i}.awbackup",
                                           secrets=store.secrets))
    finally:
        stop.set()
        t.join()
    assert written[0] > counts_at[0]  # the writer really ran during the backups
    seen = []
    for i, snap in enumerate(snaps):
        dest = DataPaths(tmp_path / f"r{i}")
        restore.restore(dest, snap, secrets=store.secrets)
        conn = sqlcipher3.connect(str(dest.db))
        conn.execute(f"PRAGMA key = \"x'{key}'\"")
        a = conn.execute("SELECT count(*) FROM pair_a").fetchone()[0]
        b = conn.execute("SELECT count(*) FROM pair_b").fetchone()[0]
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        conn.close()
        assert a == b
        seen.append(a)
    assert seen == sorted(seen) and seen[-1] > 0


def test_a_migration_writes_a_restorable_backup_first(store: RealStore, tmp_path: Path) -> None:
    from tests.store.test_migrations import _add_revision, _copy_migrations

    before = exported(store.paths, store.secrets, tmp_path / "before.json")
    mig = _copy_migrations(tmp_path)
    _add_revision(mig, '    op.add_column("practitioner", sa.Column("nickname", sa.String(50)))')
    db = open_database(store.paths, store.secrets, create=False, migrations_dir=mig)
    db.dispose()
    made = [b for b in backup.list_backups(store.paths, store.paths.backups)
            if b.label == "before-migration"]
    assert len(made) == 1
    assert made[0].header.schema_revision != db.migration.to_revision
    assert list(store.paths.backups.glob("*.db"))  # the exact copy is still made as well
    elsewhere = DataPaths(tmp_path / "elsewhere")
    restore.restore(elsewhere, made[0].path, store.passphrase, secrets=MemorySecretStore())
    assert exported(elsewhere, MemorySecretStore(dict(store.secrets._values)),
                    tmp_path / "after.json")["tables"] == before["tables"]
    assert migrations_dir() != mig


def test_store_health_finds_a_damaged_page(store: RealStore) -> None:
    assert backup.store_health(store.paths, store.secrets) == []
    size = store.paths.db.stat().st_size
    with open(store.paths.db, "r+b") as f:
        f.seek(size // 2 + 100)
        f.write(os.urandom(64))
    problems = backup.store_health(store.paths, store.secrets)
    assert problems  # HMAC failure on that page


def test_the_passphrase_is_in_no_file_of_the_data_folder(store: RealStore, tmp_path: Path,
                                                         user_dirs: Path) -> None:
    from assessor_app.services.recovery import create_recovery_passphrase, normalise

    phrase = create_recovery_passphrase(store.paths, store.secrets)
    backup.backup_now(store.paths, secrets=store.secrets)
    backup.daily_backup_if_due(store.paths, keep=3, secrets=store.secrets)
    restore.restore(DataPaths(tmp_path / "copy"), read_and_pick(store.paths), phrase,
                    secrets=MemorySecretStore())
    forms = {phrase, normalise(phrase), phrase.lower(), normalise(phrase).lower()}
    checked = 0
    for root in (store.paths.root, tmp_path / "copy", user_dirs):
        for f in root.rglob("*"):
            if f.is_file():
                data = f.read_bytes()
                checked += 1
                for form in forms:
                    assert form.encode() not in data, f"passphrase found in {f}"
                    assert form.encode("utf-16-le") not in data
    assert checked >= 6


def read_and_pick(paths: DataPaths) -> Path:
    newest = backup.list_backups(paths, paths.backups)[0]
    assert read_header(newest.path)[0].recovery is not None
    return newest.path
