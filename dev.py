#!/usr/bin/env python3
"""Developer entry point. Standard library only: it runs before anything is installed.

    python3 dev.py demo [args]   the app on a demo cohort, in its own demo data folder
    python3 dev.py test [args]   ruff, import-linter, then pytest (args go to pytest)
    python3 dev.py run [args]    the app on your real data
    python3 dev.py bench         every script in benchmarks/ with --json

The first run creates a virtualenv in .venv (or $ASSESSOR_APP_VENV) and installs
the project into it with its dev extras; it reinstalls when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO, NoReturn

MIN_PYTHON = (3, 11)
ROOT = Path(__file__).resolve().parent
PYPROJECT = ROOT / "pyproject.toml"
VENV_ENV_VAR = "ASSESSOR_APP_VENV"
STAMP_NAME = ".assessor-app-installed"
LOG_NAME = ".assessor-app-install.log"
#: Bump when the install commands below change, so existing venvs reinstall.
INSTALL_RECIPE = "1: pip -U pip; pip --only-binary=sqlcipher3 -e .[dev]"

USAGE = __doc__.split("\n\n")[1].rstrip() if __doc__ else ""


def fail(message: str, code: int = 1) -> NoReturn:
    print(f"dev.py: {message}", file=sys.stderr)
    raise SystemExit(code)


def check_python() -> None:
    if sys.version_info < MIN_PYTHON:
        found = ".".join(str(n) for n in sys.version_info[:3])
        need = ".".join(str(n) for n in MIN_PYTHON)
        fail(
            f"Python {need} or newer is needed; this is Python {found} ({sys.executable}).\n"
            f"Install Python {need}+ and run this script with it, e.g.: python{need} dev.py test"
        )


# --- the virtualenv ----------------------------------------------------------------------


def venv_dir() -> Path:
    override = os.environ.get(VENV_ENV_VAR)
    return Path(override).expanduser().resolve() if override else ROOT / ".venv"


def scripts_dir(venv: Path) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin")


def venv_python(venv: Path) -> Path:
    return scripts_dir(venv) / ("python.exe" if os.name == "nt" else "python")


def venv_tool(venv: Path, name: str) -> str:
    found = shutil.which(name, path=str(scripts_dir(venv)))
    if found is None:
        fail(f"{name} is not installed in {venv}; delete {venv / STAMP_NAME} and run again.")
    return str(found)


def wanted_stamp() -> str:
    digest = hashlib.sha256()
    digest.update(INSTALL_RECIPE.encode())
    digest.update(PYPROJECT.read_bytes())
    return digest.hexdigest()


def python_works(python: Path) -> bool:
    if not python.exists():
        return False
    try:
        probe = subprocess.run(
            [str(python), "-c", "import sys; assert sys.version_info >= (3, 11)"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


def apt_hint() -> str:
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    sudo = "" if getattr(os, "geteuid", lambda: 1)() == 0 else "sudo "
    return (
        f"Python {version}'s venv module cannot install pip (ensurepip is missing).\n"
        "On Debian/Ubuntu install it with:\n"
        f"    {sudo}apt-get install -y python{version}-venv\n"
        "then run this command again."
    )


def create_venv(venv: Path) -> None:
    existed = venv.exists()
    if existed and any(venv.iterdir()) and not (venv / "pyvenv.cfg").exists():
        fail(f"{venv} exists and is not a virtualenv; move it away or set {VENV_ENV_VAR}.")
    try:
        import ensurepip  # noqa: F401  (Debian ships it in python3-venv)
    except ImportError:
        fail(apt_hint())
    print(f"dev.py: creating a virtualenv in {venv} ...", file=sys.stderr, flush=True)
    proc = subprocess.run(
        [sys.executable, "-m", "venv", "--clear", str(venv)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    if proc.returncode != 0:
        if not existed:  # don't leave a half-made venv that looks usable next time
            shutil.rmtree(venv, ignore_errors=True)
        if "ensurepip" in proc.stdout:
            fail(apt_hint())
        fail(f"`{sys.executable} -m venv {venv}` failed:\n{proc.stdout}")


def pip_install(venv: Path, log: Path) -> None:
    python = str(venv_python(venv))
    steps = [
        [python, "-m", "pip", "install", "-U", "pip"],
        [python, "-m", "pip", "install", "--only-binary=sqlcipher3", "-e", ".[dev]"],
    ]
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    env.pop("PYTHONPATH", None)
    with log.open("w", encoding="utf-8") as out:
        for cmd in steps:
            out.write(f"$ {' '.join(cmd)}\n")
            out.flush()
            code = subprocess.call(
                cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=out
            )
            if code != 0:
                out.close()
                tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-40:]
                fail(
                    f"`{' '.join(cmd[1:])}` failed (exit {code}). Last lines of the log:\n"
                    + "\n".join("    " + line for line in tail)
                    + f"\nFull log: {log}"
                )


class InstallLock:
    """An exclusive lock so that two dev.py runs don't set up one venv at the same time.

    The lock file sits in the temp folder, not in the venv (``venv --clear`` empties that).
    """

    def __init__(self, venv: Path) -> None:
        key = hashlib.sha256(str(venv).encode()).hexdigest()[:16]
        self.path = Path(tempfile.gettempdir()) / f"assessor-app-venv-{key}.lock"
        self.handle: IO[str] | None = None

    def __enter__(self) -> InstallLock:
        try:
            import fcntl
        except ImportError:  # Windows: no lock; concurrent first runs are rare there
            return self
        self.handle = self.path.open("w")
        fcntl.flock(self.handle, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.handle is not None:
            self.handle.close()  # closing releases the lock


def ensure_venv() -> Path:
    """The venv's python, after creating/updating the venv if needed."""
    venv = venv_dir()
    stamp = venv / STAMP_NAME
    want = wanted_stamp()

    def up_to_date() -> bool:
        return (
            stamp.is_file()
            and stamp.read_text().strip() == want
            and python_works(venv_python(venv))
        )

    if up_to_date():
        return venv_python(venv)
    with InstallLock(venv):
        if up_to_date():  # another dev.py finished the install while we waited
            return venv_python(venv)
        if not python_works(venv_python(venv)):
            create_venv(venv)
        stamp.unlink(missing_ok=True)
        log = venv / LOG_NAME
        print(
            f"dev.py: installing the project and its dev tools into {venv} "
            "(a minute or two the first time) ...",
            file=sys.stderr,
            flush=True,
        )
        pip_install(venv, log)
        stamp.write_text(want + "\n")
    return venv_python(venv)


# --- commands ------------------------------------------------------------------------------


def run(cmd: list[str], env: dict[str, str] | None = None) -> int:
    try:
        return subprocess.call(cmd, cwd=ROOT, env=env)
    except KeyboardInterrupt:
        return 130


def cmd_app(python: Path, args: list[str]) -> int:
    return run([str(python), "-m", "assessor_app", *args])


def cmd_test(python: Path, args: list[str]) -> int:
    venv = venv_dir()
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    checks: list[tuple[str, list[str], bool]] = [
        # (name, command, stream its output?) — quiet checks show output only on failure.
        ("ruff check", [venv_tool(venv, "ruff"), "check", "."], False),
        ("lint-imports", [venv_tool(venv, "lint-imports")], False),
        ("pytest", [str(python), "-m", "pytest", *args], True),
    ]
    for name, cmd, stream in checks:
        if stream:
            code = run(cmd, env)
        else:
            proc = subprocess.run(
                cmd,
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            code = proc.returncode
            if code != 0:
                print(proc.stdout, end="" if proc.stdout.endswith("\n") else "\n")
            else:
                print(f"dev.py: {name}: ok", flush=True)
        if code != 0:
            print(f"dev.py test: FAILED at {name} (exit {code})", file=sys.stderr)
            return code
    print("dev.py test: all checks passed (ruff check, lint-imports, pytest)")
    return 0


def cmd_bench(python: Path, args: list[str]) -> int:
    folder = ROOT / "benchmarks"
    scripts = sorted(p for p in folder.glob("*.py") if not p.name.startswith("_"))
    if not scripts:
        print(f"dev.py bench: no benchmark scripts in {folder}")
        return 0
    failed = []
    for script in scripts:
        code = run([str(python), str(script), "--json", *args])
        if code != 0:
            failed.append(f"{script.name} (exit {code})")
    if failed:
        print(f"dev.py bench: FAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str]) -> int:
    check_python()
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return 0 if argv else 2
    command, args = argv[0], argv[1:]
    handlers = {
        "demo": lambda py: cmd_app(py, ["--demo", *args]),
        "run": lambda py: cmd_app(py, args),
        "test": lambda py: cmd_test(py, args),
        "bench": lambda py: cmd_bench(py, args),
    }
    handler = handlers.get(command)
    if handler is None:
        print(f"dev.py: unknown command {command!r}\n{USAGE}", file=sys.stderr)
        return 2
    return handler(ensure_venv())


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
