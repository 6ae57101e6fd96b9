"""``assessor-app --self-test`` from source, in a fresh interpreter as an installer would run it.

The frozen bundle runs the same command (packaging/build.py, .ci/run); here we check
that it passes on a sound installation and fails, clearly, on a broken one.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assessor_app.paths import migrations_dir
from assessor_app.selftest import CHECKS, ENV_MIGRATIONS

pytestmark = pytest.mark.slow

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def self_test(tmp_path: Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
    # Never the developer's own keyring: the frozen-keyring tests use a throwaway one.
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT), TMPDIR=str(tmp_path),
               PYTHONIOENCODING="utf-8", PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
               **extra_env)
    return subprocess.run([sys.executable, "-m", "assessor_app", "--self-test"], env=env,
                          cwd=tmp_path, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          encoding="utf-8", timeout=300)


def summary(proc: subprocess.CompletedProcess[str]) -> dict[str, object]:
    data: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return data


def check_lines(proc: subprocess.CompletedProcess[str]) -> dict[str, str]:
    """{check name: "ok" or "FAIL"} from the one-line-per-check output."""
    found = {}
    for line in proc.stdout.splitlines():
        words = line.split()
        if len(words) >= 2 and words[0] in ("ok", "FAIL") and words[1] in CHECKS:
            found[words[1]] = words[0]
    return found


def test_self_test_passes_and_names_every_check(tmp_path: Path) -> None:
    shots = tmp_path / "shots"
    proc = self_test(tmp_path, ASSESSOR_APP_SCREENSHOT_DIR=str(shots))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert check_lines(proc) == dict.fromkeys(CHECKS, "ok")
    data = summary(proc)
    assert data["ok"] is True and data["failed"] == [] and data["frozen"] is False
    checks = data["checks"]
    assert isinstance(checks, dict)
    heads = sorted("_".join(p.name.split("_")[:2]) for p in (migrations_dir() / "versions").glob("*.py"))
    assert checks["store"]["schema"] == heads[-1]
    assert checks["verify"]["intact"] is True and checks["verify"]["role"] == "assessor"
    assert checks["verify"]["tamper_detected"] is True
    assert checks["report"]["pages"] >= 1
    assert checks["qt"]["platform"] == "offscreen" and checks["qt"]["rows"] > 0
    assert "DejaVu Sans" in checks["qt"]["bundled_fonts"]
    assert {16, 32, 256} <= set(checks["qt"]["icon_sizes"])
    assert checks["qt"]["default_font"]  # a real face, not the empty name of "no font"
    # No usable keyring is reported, and is not a failure.
    assert checks["keyring"] == {"ok": True, "usable": False,
                                 "backend": "keyring.backends.fail.Keyring",
                                 "detail": checks["keyring"]["detail"],
                                 "seconds": checks["keyring"]["seconds"]}
    assert "no usable OS keyring" in checks["keyring"]["detail"]
    # Its temporary folder is gone, and nothing else was left in the temp dir either.
    assert data["temp_folder_removed"] is True
    assert not list(tmp_path.glob("assessor-selftest-*"))
    assert (shots / "selftest-window.png").stat().st_size > 10_000


def test_on_a_machine_without_fonts_the_bundled_font_is_used(tmp_path: Path) -> None:
    # A fontconfig that knows no font folder: as on a bare Linux with no font package.
    conf = tmp_path / "fonts.conf"
    conf.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
                    f"<fontconfig><cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>\n",
                    encoding="utf-8")
    proc = self_test(tmp_path, FONTCONFIG_FILE=str(conf))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    qt = summary(proc)["checks"]["qt"]
    assert qt["font_source"] == "bundled" and qt["default_font"] == "DejaVu Sans"
    assert qt["system_font_families"] <= 3  # only Qt's generic Sans Serif, Serif, Monospace


def _broken_migration(folder: Path) -> Path:
    shutil.copytree(migrations_dir(), folder, ignore=shutil.ignore_patterns("__pycache__"))
    head = max(p.name for p in (folder / "versions").glob("*.py")).split("_", 2)
    (folder / "versions" / "29991231_9999_broken.py").write_text(
        '"""A migration whose SQL is wrong."""\n'
        "from alembic import op\n\n"
        "revision = '29991231_9999'\n"
        f"down_revision = '{head[0]}_{head[1]}'\n"
        "branch_labels = None\ndepends_on = None\n\n\n"
        "def upgrade() -> None:\n"
        "    op.execute('ALTER TABLE no_such_table ADD COLUMN x TEXT')\n\n\n"
        "def downgrade() -> None:\n    pass\n",
        encoding="utf-8")
    return folder


def _empty_migrations(folder: Path) -> Path:
    (folder / "versions").mkdir(parents=True)  # as in a bundle built without the data files
    return folder


@pytest.mark.parametrize(("make", "message"), [
    (_broken_migration, "failed (OperationalError)"),
    (_empty_migrations, "No migration scripts were found"),
])
def test_a_broken_migrations_folder_fails_clearly(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    folder = make(tmp_path / "migrations")
    proc = self_test(tmp_path, **{ENV_MIGRATIONS: str(folder)})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = check_lines(proc)
    assert lines["store"] == "FAIL"
    # What needs the store is skipped (and says so); the rest still runs and passes.
    assert lines["report"] == lines["sign"] == lines["verify"] == "FAIL"
    assert lines["resources"] == lines["keyring"] == lines["qt"] == "ok"
    store_line = next(li for li in proc.stdout.splitlines() if li.startswith("FAIL  store"))
    assert message in store_line
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "Self-test FAILED: store, report, sign, verify." in proc.stdout
    data = summary(proc)
    assert data["ok"] is False and data["failed"] == ["store", "report", "sign", "verify"]
    assert "skipped" in data["checks"]["report"]["detail"]
    assert data["temp_folder_removed"] is True
