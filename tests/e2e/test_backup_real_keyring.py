"""A new computer for real: two separate Secret Services, the `assessor-app` command in subprocesses.

The old computer's keyring holds the store key; the new one starts empty, with a new
data folder, and gets the key only through the recovery passphrase.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.keyring_env import RealKeyringUnavailable, real_keyring

ROOT = Path(__file__).resolve().parents[2]


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assessor_app", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


def _tables(env: dict[str, str], data: Path, out: Path) -> dict[str, object]:
    r = cli(env, "--data-dir", str(data), "export", "--format", "json", "--out", str(out))
    assert r.returncode == 0, r.stderr
    return json.loads(out.read_text())["tables"]


@pytest.mark.slow
def test_restore_on_a_new_computer_with_an_empty_real_keyring(tmp_path: Path,
                                                              resources: Path) -> None:
    src = (resources / "programmes" / "asye-children.yaml").read_text(encoding="utf-8")
    edited = tmp_path / "asye-northmoor.yaml"
    edited.write_text(src.replace('version: "2025"', 'version: "2025-northmoor"', 1),
                      encoding="utf-8")
    old_data, new_data = tmp_path / "old-laptop", tmp_path / "new-laptop"
    file = tmp_path / "usb" / "workbench.awbackup"
    file.parent.mkdir()
    try:
        with real_keyring() as old_pc:
            r = cli(old_pc, "--data-dir", str(old_data), "frameworks", "import", str(edited))
            assert r.returncode == 0, r.stderr
            r = cli(old_pc, "recovery-passphrase", "--data-dir", str(old_data))
            assert r.returncode == 0, r.stderr
            phrase = re.search(r"^\s+([0-9A-Z]{4}(?:-[0-9A-Z]{4}){4})\s*$", r.stdout, re.M)
            assert phrase
            r = cli(old_pc, "backup", "--out", str(file), "--data-dir", str(old_data))
            assert r.returncode == 0, r.stderr
            before = _tables(old_pc, old_data, tmp_path / "before.json")

        with real_keyring() as new_pc:
            r = cli(new_pc, "restore", str(file), "--data-dir", str(new_data))
            assert r.returncode == 2 and "recovery passphrase" in r.stderr
            assert not (new_data / "workbench.db").exists()
            r = cli(new_pc | {"ASSESSOR_APP_RECOVERY_PASSPHRASE": "AAAA-BBBB-CCCC-DDDD-EEEE"},
                    "restore", str(file), "--data-dir", str(new_data))
            assert r.returncode == 11 and "not the one for this store" in r.stderr
            r = cli(new_pc | {"ASSESSOR_APP_RECOVERY_PASSPHRASE": phrase.group(1)},
                    "restore", str(file), "--data-dir", str(new_data))
            assert r.returncode == 0, r.stderr
            # from now on the new computer's own keyring opens it, no passphrase needed
            r = cli(new_pc, "db", "check", "--data-dir", str(new_data))
            assert r.returncode == 0 and "Integrity:    ok" in r.stdout, r.stderr
            assert _tables(new_pc, new_data, tmp_path / "after.json") == before
            assert list(Path(new_pc["HOME"]).rglob("*.keyring"))
    except RealKeyringUnavailable as exc:
        pytest.skip(str(exc))
