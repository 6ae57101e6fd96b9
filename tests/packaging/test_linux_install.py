"""packaging/linux: the desktop entry is well formed; install.sh installs and removes cleanly.

install.sh is run on a stand-in bundle (one executable script) so that this needs no
PyInstaller build; packaging/build.py checks the real bundle.
"""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def desktop_entry(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  (keys are case-sensitive)
    parser.read(path, encoding="utf-8")
    return parser


def test_the_desktop_entry_names_the_program_and_icon() -> None:
    entry = desktop_entry(LINUX / "assessor-app.desktop")["Desktop Entry"]
    assert entry["Type"] == "Application" and entry["Terminal"] == "false"
    assert entry["Exec"] == entry["TryExec"] == entry["Icon"] == "assessor-app"
    assert entry["StartupWMClass"] == "assessor-app"  # = QApplication.desktopFileName()
    assert entry["Categories"].endswith(";") and "Office;" in entry["Categories"]
    assert all(ord(c) < 128 for c in entry["Name"] + entry["Comment"])
    assert (ROOT / "resources" / "icons" / "assessor-app.svg").is_file()


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sh", str(LINUX / "install.sh"), *map(str, args)],
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PATH": "/usr/bin:/bin"})


@pytest.mark.skipif(shutil.which("sh") is None, reason="needs a POSIX shell")
def test_install_then_uninstall_leaves_nothing_of_the_app(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    (bundle / "_internal").mkdir(parents=True)
    program = bundle / "assessor-app"
    program.write_text("#!/bin/sh\necho stand-in bundle\n")
    program.chmod(0o755)
    prefix = tmp_path / "prefix"

    done = run("--prefix", prefix, "--bundle", bundle)
    assert done.returncode == 0, done.stderr
    app_dir = prefix / "lib" / "assessor-app"
    assert (app_dir / "_internal").is_dir()
    link = prefix / "bin" / "assessor-app"
    assert link.is_symlink() and link.resolve() == (app_dir / "assessor-app").resolve()
    entry = desktop_entry(prefix / "share" / "applications" / "assessor-app.desktop")
    assert entry["Desktop Entry"]["Exec"] == str(app_dir / "assessor-app")
    assert entry["Desktop Action Demo"]["Exec"] == f"{app_dir / 'assessor-app'} --demo"
    icons = prefix / "share" / "icons" / "hicolor"
    for size in SIZES:
        assert (icons / f"{size}x{size}" / "apps" / "assessor-app.png").is_file()
    assert subprocess.run([str(link)], capture_output=True, text=True).stdout.strip() == \
        "stand-in bundle"

    again = run("--prefix", prefix, "--bundle", bundle)  # reinstalling replaces the folder
    assert again.returncode == 0, again.stderr

    data = prefix / "share" / "assessor-app"  # the default data folder for this prefix
    data.mkdir(parents=True)
    (data / "workbench.db").write_bytes(b"user data")
    gone = run("--uninstall", "--prefix", prefix)
    assert gone.returncode == 0, gone.stderr
    left = sorted(str(p.relative_to(prefix)) for p in prefix.rglob("*") if p.is_file())
    assert [p for p in left if "assessor-app" in p] == ["share/assessor-app/workbench.db"]


def test_install_without_a_bundle_says_how_to_build_one(tmp_path: Path) -> None:
    done = run("--prefix", tmp_path / "p", "--bundle", tmp_path / "none")
    assert done.returncode == 1
    assert "python3 packaging/build.py" in done.stderr
    assert not (tmp_path / "p").exists()
