"""The real `assessor-app` command in subprocesses, with its key in a real Secret Service."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assessor_app", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


@pytest.mark.slow
def test_real_store_lifecycle(real_keyring_env: dict[str, str], tmp_path: Path, resources: Path) -> None:
    data = tmp_path / "store"
    src = (resources / "programmes" / "asye-children.yaml").read_text(encoding="utf-8")
    edited = tmp_path / "asye-northmoor.yaml"
    edited.write_text(src.replace('version: "2025"', 'version: "2025-northmoor"', 1), encoding="utf-8")

    r = cli(real_keyring_env, "--data-dir", str(data), "frameworks", "import", str(edited))
    assert r.returncode == 0, r.stderr
    assert (data / "workbench.db").exists()
    assert not (data / "DEMO-DATA-FICTIONAL.txt").exists()
    assert json.loads((data / "store.json").read_text())["store_id"]
    key_files = list(Path(real_keyring_env["HOME"]).rglob("*.keyring"))
    assert key_files, "the store key went into the Secret Service's keyring file"

    r = cli(real_keyring_env, "db", "check", "--json", "--data-dir", str(data))
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["ok"] and report["integrity"] == ["ok"] and report["audit_events"] >= 1

    r = cli(real_keyring_env, "--data-dir", str(data), "frameworks", "list")
    assert r.returncode == 0 and "2025-northmoor" in r.stdout

    out = tmp_path / "export.json"
    r = cli(real_keyring_env, "--data-dir", str(data), "export", "--format", "json", "--out", str(out))
    assert r.returncode == 0, r.stderr
    exported = json.loads(out.read_text())
    assert [row["version"] for row in exported["tables"]["catalogue_entry"]["rows"]] == ["2025-northmoor"]

    # The same store without any keyring: a clear message, exit 3, nothing changed.
    before = hashlib.sha256((data / "workbench.db").read_bytes()).hexdigest()
    bare = {k: v for k, v in os.environ.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    bare["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    r = cli(bare, "--data-dir", str(data), "db", "check")
    assert r.returncode == 3
    assert "No OS keyring is available" in r.stderr and "Traceback" not in r.stderr
    assert hashlib.sha256((data / "workbench.db").read_bytes()).hexdigest() == before

    r = cli(real_keyring_env, "--data-dir", str(data), "audit", "verify")
    assert r.returncode == 0 and "hash chain verified" in r.stdout
