"""``backup``, ``restore`` and ``recovery-passphrase`` end to end, in-process, real stores.

The autouse in-memory keyring of tests/conftest.py is the OS keyring here; clearing it
is the "new computer".
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assessor_app.cli import main
from assessor_app.paths import DataPaths
from tests.conftest import MemoryKeyring


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def real_dir(tmp_path: Path) -> Path:
    """A new real store, its key in the (in-memory) keyring."""
    from assessor_app.app import open_context

    d = tmp_path / "data"
    ctx = open_context(DataPaths(d))
    ctx.close()
    return d


def _passphrase(out: str) -> str:
    found = re.search(r"^\s+([0-9A-Z]{4}(?:-[0-9A-Z]{4}){4})\s*$", out, re.M)
    assert found, out
    return found.group(1)


def test_backup_and_restore_on_a_new_computer(real_dir: Path, tmp_path: Path, capsys,
                                              memory_keyring: MemoryKeyring) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, "recovery-passphrase", "--data-dir", str(real_dir))
    assert code == 0 and "shown only this once" in out
    phrase = _passphrase(out)
    code, out, err = run(capsys, "recovery-passphrase", "--data-dir", str(real_dir))
    assert code == 2 and "already has a recovery passphrase" in err  # no tty: needs --yes

    file = tmp_path / "laptop.awbackup"
    code, out, err = run(capsys, "backup", "--out", str(file), "--data-dir", str(real_dir))
    assert code == 0 and f"Wrote {file}" in out and "no recovery passphrase" not in err
    code, out, _ = run(capsys, "backup", "list", "--data-dir", str(real_dir))
    assert code == 0 and "No backups" in out  # --out wrote outside the backups folder
    code, out, _ = run(capsys, "backup", "--data-dir", str(real_dir))
    code, out, _ = run(capsys, "backup", "list", "--data-dir", str(real_dir))
    assert code == 0 and "manual" in out and ".awbackup" in out

    memory_keyring.store.clear()  # a new computer: empty keyring ...
    new = tmp_path / "new-laptop"  # ... and a new data folder
    code, _, err = run(capsys, "restore", str(file), "--data-dir", str(new))
    assert code == 2 and "--passphrase-file" in err  # no terminal to ask on
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("AAAA-BBBB-CCCC-DDDD-EEEE\n")
    code, _, err = run(capsys, "restore", str(file), "--passphrase-file", str(wrong),
                       "--data-dir", str(new))
    assert code == 11 and "not the one for this store" in err
    assert not (new / "workbench.db").exists()
    right = tmp_path / "right.txt"
    right.write_text(phrase + "\n")
    code, out, err = run(capsys, "restore", str(file), "--passphrase-file", str(right),
                         "--data-dir", str(new))
    assert code == 0, err
    assert "recovered with the passphrase" in out
    code, out, _ = run(capsys, "db", "check", "--data-dir", str(new))
    assert code == 0 and "Integrity:    ok" in out


def test_restore_refuses_another_store_then_replaces_and_keeps_it(
        real_dir: Path, tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from assessor_app.app import open_context

    other = tmp_path / "other"
    open_context(DataPaths(other)).close()
    theirs = tmp_path / "theirs.awbackup"
    assert run(capsys, "backup", "--out", str(theirs), "--data-dir", str(other))[0] == 0

    code, _, err = run(capsys, "restore", str(theirs), "--data-dir", str(real_dir))
    assert code == 12 and "another store" in err and "Traceback" not in err
    code, out, err = run(capsys, "restore", str(theirs), "--replace", "--data-dir", str(real_dir))
    assert code == 0, err
    assert "was backed up to" in out and "files were kept in" in out
    kept = re.search(r"backed up to (\S+)", out)
    assert kept and Path(kept.group(1)).exists()

    code, _, err = run(capsys, "restore", str(real_dir / "store.json"), "--data-dir", str(real_dir))
    assert code == 10 and "is not a workbench backup" in err


def test_passphrase_from_the_environment(real_dir: Path, tmp_path: Path, capsys, monkeypatch,
                                         memory_keyring: MemoryKeyring) -> None:  # type: ignore[no-untyped-def]
    phrase = _passphrase(run(capsys, "recovery-passphrase", "--data-dir", str(real_dir))[1])
    file = tmp_path / "b.awbackup"
    assert run(capsys, "backup", "--out", str(file), "--data-dir", str(real_dir))[0] == 0
    memory_keyring.store.clear()
    monkeypatch.setenv("ASSESSOR_APP_RECOVERY_PASSPHRASE", phrase.lower())
    code, out, err = run(capsys, "restore", str(file), "--data-dir", str(tmp_path / "n"))
    assert code == 0, err
    assert "recovered with the passphrase" in out


def test_backup_of_a_missing_store_and_to_an_unwritable_place(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(capsys, "backup", "--data-dir", str(tmp_path / "none"))
    assert code == 10 and "There is no store" in err and "Traceback" not in err
    from assessor_app.app import open_context

    d = tmp_path / "d"
    open_context(DataPaths(d)).close()
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run(capsys, "backup", "--out", str(blocker / "x.awbackup"), "--data-dir", str(d))
    assert code == 10 and "cannot be written to" in err
