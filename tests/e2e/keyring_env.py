"""A real, throwaway Secret Service (gnome-keyring on a private D-Bus) for subprocesses.

Everything lives in a fresh temporary folder: HOME, the XDG folders, the bus
socket and the ``login`` keyring file. The user's own keyring is never touched.

Both daemons run in the foreground as children of the test process, so teardown
stops exactly the processes it started (no pid guessing, no ``pkill``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

SKIP_REASON = "install gnome-keyring and dbus (the CI script does)"
SECRETS_BUS_NAME = "org.freedesktop.secrets"
KEYRING_PASSWORD = "test-login-password"
STARTUP_TIMEOUT_S = 10.0


class RealKeyringUnavailable(RuntimeError):
    """The daemons are not installed (callers turn this into a skip)."""


def missing_tools() -> list[str]:
    return [t for t in ("dbus-daemon", "gnome-keyring-daemon") if shutil.which(t) is None]


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def _read_bus_address(proc: subprocess.Popen[bytes], log: Path) -> str:
    assert proc.stdout is not None
    line = proc.stdout.readline().decode().strip()
    if not line.startswith("unix:"):
        raise RuntimeError(
            f"dbus-daemon printed no bus address (got {line!r}); see {log}: "
            + log.read_text(errors="replace")
        )
    return line


def _wait_for_secret_service(address: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    """Poll the bus until gnome-keyring owns org.freedesktop.secrets."""
    # jeepney is keyring's own D-Bus library on Linux (via secretstorage).
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection

    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    with open_dbus_connection(bus=address) as conn:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"gnome-keyring-daemon exited with {proc.returncode}: "
                    + log.read_text(errors="replace")
                )
            reply = conn.send_and_get_reply(message_bus.NameHasOwner(SECRETS_BUS_NAME))
            if reply.body[0]:
                return
            time.sleep(0.05)
    raise RuntimeError(
        f"gnome-keyring-daemon did not claim {SECRETS_BUS_NAME} within "
        f"{STARTUP_TIMEOUT_S:.0f} s: " + log.read_text(errors="replace")
    )


@contextlib.contextmanager
def real_keyring() -> Iterator[dict[str, str]]:
    """Start dbus-daemon + gnome-keyring-daemon; yield an environment for subprocesses.

    In that environment ``keyring`` picks ``keyring.backends.SecretService.Keyring``.
    Raises RealKeyringUnavailable if the daemons are not installed.
    """
    missing = missing_tools()
    if missing:
        raise RealKeyringUnavailable(f"{', '.join(missing)} not found: {SKIP_REASON}")

    # Short path under /tmp: the bus and keyring sockets must fit in 108 bytes.
    root = Path(tempfile.mkdtemp(prefix="akr-"))
    home = root / "home"
    runtime = root / "run"
    for folder in (home, runtime):
        folder.mkdir(mode=0o700)
    runtime.chmod(0o700)  # mkdir's mode is masked by the umask

    env = dict(os.environ)
    env.pop("PYTHON_KEYRING_BACKEND", None)
    env.pop("GNOME_KEYRING_CONTROL", None)
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_RUNTIME_DIR=str(runtime),
    )

    started: list[subprocess.Popen[bytes]] = []
    dbus_log = root / "dbus-daemon.log"
    keyring_log = root / "gnome-keyring-daemon.log"
    try:
        with dbus_log.open("wb") as err:
            dbus = subprocess.Popen(
                [
                    "dbus-daemon", "--session", "--nofork", "--nopidfile",
                    "--print-address=1", f"--address=unix:path={runtime / 'bus'}",
                ],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err, env=env,
            )  # fmt: skip
        started.append(dbus)
        address = _read_bus_address(dbus, dbus_log)
        env["DBUS_SESSION_BUS_ADDRESS"] = address

        with keyring_log.open("wb") as out:
            gkd = subprocess.Popen(
                ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
                stdin=subprocess.PIPE, stdout=out, stderr=subprocess.STDOUT, env=env,
            )  # fmt: skip
        started.append(gkd)
        assert gkd.stdin is not None
        gkd.stdin.write(KEYRING_PASSWORD.encode())  # --unlock reads the password until EOF
        gkd.stdin.close()
        _wait_for_secret_service(address, gkd, keyring_log)

        yield env
    finally:
        for proc in reversed(started):
            _stop(proc)
            if proc.stdout is not None:
                proc.stdout.close()
        shutil.rmtree(root, ignore_errors=True)
