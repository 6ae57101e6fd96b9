#!/usr/bin/env python3
"""Build the one-folder bundle here, measure it, and smoke-test the frozen app.

    python3 packaging/build.py                 build, measure, self-test, time the start-up
    python3 packaging/build.py --skip-build    measure and test an existing dist/assessor-app

Runs under the project's virtualenv (made by dev.py, as for the tests), installs
PyInstaller into it from the ``package`` extra if missing, then:

1. builds ``dist/assessor-app/`` from packaging/assessor-app.spec (log in build/pyinstaller.log);
2. prints the build time, bundle size, file count and biggest parts;
3. runs the frozen smoke test ``assessor-app --self-test`` offscreen (exit 1 if it fails);
   on Linux again with no system fonts (the bundled font must be used), and beside a
   throwaway Secret Service when gnome-keyring is installed (the frozen app must use it);
4. times the frozen start-up to the first painted window and to the filled list
   (offscreen, on a demo data folder; with --compare-source, from source too).

Figures go to build/packaging-report.json. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "assessor-app.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
LOG = ROOT / "build" / "pyinstaller.log"
REPORT = ROOT / "build" / "packaging-report.json"
NAME = "assessor-app"
STARTUP_RUNS = 3


def fail(message: str, code: int = 1) -> None:
    print(f"build.py: {message}", file=sys.stderr, flush=True)
    raise SystemExit(code)


def say(message: str) -> None:
    print(f"build.py: {message}", flush=True)


# -- the virtualenv and PyInstaller ---------------------------------------------------------


def in_project_venv() -> bool:
    try:
        import PySide6  # noqa: F401
        import sqlcipher3  # noqa: F401
    except ImportError:
        return False
    return True


def reexec_in_venv() -> None:
    """Run this script again with the venv's python (made by dev.py if need be)."""
    sys.path.insert(0, str(ROOT))
    import dev  # the project's own venv logic: same venv as `python3 dev.py test`

    python = dev.ensure_venv()
    if Path(sys.prefix).resolve() == dev.venv_dir():  # (a venv's python links to the base one)
        fail(f"{python} lacks the project's packages; delete its install stamp and try again.")
    raise SystemExit(subprocess.call([str(python), __file__, *sys.argv[1:]], cwd=ROOT))


def package_requirements() -> list[str]:
    import tomllib

    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return list(data["project"]["optional-dependencies"]["package"])


def ensure_pyinstaller() -> str:
    try:
        import PyInstaller
    except ImportError:
        reqs = package_requirements()
        say(f"installing {' '.join(reqs)} into {sys.prefix} ...")
        env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
        code = subprocess.call([sys.executable, "-m", "pip", "install", "-q", *reqs], env=env,
                               stdin=subprocess.DEVNULL)
        if code != 0:
            fail(f"installing {' '.join(reqs)} failed (exit {code})")
        import importlib

        importlib.invalidate_caches()  # the new package is not in the import system's cache yet
        import PyInstaller
    return str(PyInstaller.__version__)


# -- building and measuring -----------------------------------------------------------------


def build() -> float:
    if sys.platform.startswith("linux") and shutil.which("objdump") is None:
        fail("PyInstaller needs objdump on Linux: apt-get install binutils")
    LOG.parent.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
           "--distpath", str(DIST), "--workpath", str(WORK), str(SPEC)]
    say(f"building {DIST / NAME} (log: {LOG.relative_to(ROOT)}) ...")
    start = time.perf_counter()
    with LOG.open("w", encoding="utf-8") as out:
        code = subprocess.call(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=out,
                               stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - start
    if code != 0:
        tail = LOG.read_text(encoding="utf-8", errors="replace").splitlines()[-30:]
        fail(f"PyInstaller failed (exit {code}). Last lines of {LOG}:\n" + "\n".join(tail))
    return seconds


def _size(path: Path) -> int:
    if path.is_symlink():
        return 0
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def measure(bundle: Path) -> dict[str, object]:
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()]
    total = sum(p.stat().st_size for p in files)
    inner = bundle / "_internal"
    parts = {str(p.relative_to(bundle)): _size(p) for p in inner.iterdir()} if inner.is_dir() else {}
    for big in ("PySide6", "PySide6/Qt", "PySide6/Qt/lib"):  # where Qt's share goes
        folder = inner / big
        if folder.is_dir():
            parts.pop(str(folder.relative_to(bundle)), None)
            parts.update({str(p.relative_to(bundle)): _size(p) for p in folder.iterdir()})
    biggest = sorted(parts.items(), key=lambda kv: kv[1], reverse=True)[:12]
    return {
        "size_mb": round(total / 1e6, 1),
        "files": len(files),
        "biggest_mb": {k: round(v / 1e6, 1) for k, v in biggest},
        "top_level_libs": sorted(p.name for p in inner.glob("lib*.so*")) if inner.is_dir() else [],
    }


# -- running the frozen app -----------------------------------------------------------------


def program(bundle: Path) -> Path:
    exe = bundle / (f"{NAME}-cli.exe" if os.name == "nt" else NAME)
    if not exe.exists():
        fail(f"{exe} is missing: build first (without --skip-build)")
    return exe


def offscreen_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LANG=os.environ.get("LANG", "C.UTF-8"),
               PYTHONIOENCODING="utf-8", **extra)
    env.pop("PYTHONPATH", None)  # the frozen app must not see the source tree
    return env


def self_test(exe: Path, env: dict[str, str], label: str) -> dict[str, object]:
    start = time.perf_counter()
    proc = subprocess.run([str(exe), "--self-test"], env=env, cwd=tempfile.gettempdir(),
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          encoding="utf-8", timeout=600)
    wall = time.perf_counter() - start
    lines = proc.stdout.strip().splitlines()
    for line in lines[:-1]:
        print(f"    {line}")
    try:
        summary = json.loads(lines[-1]) if lines else {}
    except ValueError:
        summary = {}
    if proc.returncode != 0 or not summary.get("ok"):
        print(proc.stderr, file=sys.stderr)
        fail(f"the frozen self-test ({label}) FAILED with exit {proc.returncode}")
    checks = summary.get("checks", {})
    keyring = checks.get("keyring", {}) if isinstance(checks, dict) else {}
    qt = checks.get("qt", {}) if isinstance(checks, dict) else {}
    return {"wall_s": round(wall, 2), "reported_s": summary.get("seconds"),
            "font": qt.get("default_font"), "font_source": qt.get("font_source"),
            "keyring": keyring.get("backend"), "keyring_usable": keyring.get("usable"),
            "keyring_round_trip": keyring.get("round_trip")}


def keyring_self_test(exe: Path) -> dict[str, object] | None:
    """The frozen self-test beside a private gnome-keyring (tests/e2e/keyring_env.py)."""
    sys.path.insert(0, str(ROOT))
    try:
        from tests.e2e.keyring_env import RealKeyringUnavailable, real_keyring
    except ImportError:
        return None
    try:
        with real_keyring() as env:
            say("frozen self-test beside a throwaway Secret Service (gnome-keyring):")
            env = {**env, "QT_QPA_PLATFORM": "offscreen", "PYTHONIOENCODING": "utf-8"}
            env.pop("PYTHONPATH", None)
            result = self_test(exe, env, "with a Secret Service")
    except RealKeyringUnavailable as exc:
        say(f"no Secret Service check: {exc}")
        return None
    if not (result["keyring_usable"] and result["keyring_round_trip"]):
        fail(f"the frozen app did not use the Secret Service: {result}")
    return result


def no_fonts_self_test(exe: Path) -> dict[str, object]:
    """The frozen self-test with a fontconfig that knows no fonts, as on a bare Linux."""
    with tempfile.TemporaryDirectory(prefix="assessor-nofonts-") as tmp:
        conf = Path(tmp) / "fonts.conf"
        conf.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
                        f"<fontconfig><cachedir>{tmp}/cache</cachedir></fontconfig>\n",
                        encoding="utf-8")
        say("frozen self-test with no system fonts (the bundled DejaVu Sans must be used):")
        result = self_test(exe, offscreen_env(FONTCONFIG_FILE=str(conf)), "no system fonts")
    if result["font_source"] != "bundled":
        fail(f"with no system fonts the frozen app did not use the bundled font: {result}")
    return result


def _probe_run(cmd: list[str], data: Path, env: dict[str, str]) -> dict[str, float]:
    env = {**env, "ASSESSOR_APP_STARTUP_PROBE": "1", "ASSESSOR_APP_STARTUP_PROBE_QUIT": "1"}
    start = time.perf_counter()
    proc = subprocess.run([*cmd, "--demo", "--data-dir", str(data)], env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        fail(f"start-up probe failed (exit {proc.returncode}): {proc.stderr.strip()[-500:]}")
    got = {k: float(v) for k, v in (line.split() for line in proc.stdout.splitlines()
                                    if line.startswith(("first_paint ", "list_ready ")))}
    return {**got, "wall": wall}


def startup(cmd: list[str], env: dict[str, str], label: str) -> dict[str, object]:
    """Seconds from process start to the first painted window and the filled list (median)."""
    with tempfile.TemporaryDirectory(prefix="assessor-startup-") as tmp:
        data = Path(tmp) / "demo"
        made = subprocess.run([*cmd, "demo", "--data-dir", str(data)], env=env,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300)
        if made.returncode != 0:
            fail(f"creating the demo folder ({label}) failed: {made.stderr.strip()[-500:]}")
        runs = [_probe_run(cmd, data, env) for _ in range(STARTUP_RUNS)]
    result: dict[str, object] = {"runs": STARTUP_RUNS}
    for key in ("first_paint", "list_ready", "wall"):
        values = [r[key] for r in runs if key in r]
        if values:
            result[f"{key}_s"] = round(statistics.median(values), 3)
            result[f"{key}_first_run_s"] = round(values[0], 3)
    return result


# -- main -------------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-build", action="store_true", help="use the existing bundle")
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up timing")
    parser.add_argument("--compare-source", action="store_true",
                        help="also time the start-up from source, for comparison")
    args = parser.parse_args(argv)
    if not in_project_venv():
        reexec_in_venv()
    report: dict[str, object] = {"platform": sys.platform, "python": sys.version.split()[0],
                                 "pyinstaller": ensure_pyinstaller(), "cpus": os.cpu_count()}
    if not args.skip_build:
        report["build_s"] = round(build(), 1)
        say(f"built in {report['build_s']} s")
    bundle = DIST / NAME
    sizes = measure(bundle)
    report["bundle"] = sizes
    say(f"bundle {bundle}: {sizes['size_mb']} MB in {sizes['files']} files; biggest parts (MB):")
    for part, mb in sizes["biggest_mb"].items():  # type: ignore[union-attr]
        print(f"    {mb:7.1f}  {part}")

    exe = program(bundle)
    say("frozen self-test (offscreen):")
    report["self_test"] = self_test(exe, offscreen_env(), "offscreen")
    if sys.platform.startswith("linux"):
        report["self_test_no_fonts"] = no_fonts_self_test(exe)
    with_keyring = keyring_self_test(exe) if sys.platform.startswith("linux") else None
    if with_keyring:
        say(f"frozen self-test with a Secret Service: keyring {with_keyring['keyring']}, "
            "probe entry round trip ok")
        report["self_test_secret_service"] = with_keyring
    if not args.no_startup:
        timings = {"frozen": startup([str(exe)], offscreen_env(), "frozen")}
        if args.compare_source:
            source_env = {**offscreen_env(), "PYTHONPATH": str(ROOT)}
            timings["source"] = startup([sys.executable, "-m", "assessor_app"], source_env,
                                        "source")
        for label, r in timings.items():
            report[f"startup_{label}"] = r
            say(f"start-up ({label}, offscreen, median of {STARTUP_RUNS}): first paint "
                f"{r.get('first_paint_s')} s, list filled {r.get('list_ready_s')} s, "
                f"process wall {r.get('wall_s')} s (first run {r.get('wall_first_run_s')} s)")
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    say(f"self-test passed in {report['self_test']['wall_s']} s "  # type: ignore[index]
        f"(keyring: {report['self_test']['keyring']}); figures in {REPORT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
