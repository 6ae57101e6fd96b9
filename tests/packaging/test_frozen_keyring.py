"""The frozen app's explicit keyring choice, taken from source with ASSESSOR_APP_EXPLICIT_KEYRING=1.

In a PyInstaller bundle keyring finds no entry points, so it loads none of its
backends and falls back to one that fails every call. Each check here runs in a
fresh interpreter with keyring's plugin loading switched off, as when frozen,
against a real Secret Service (gnome-keyring on a private bus) where one is needed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from assessor_app.keystore import EXPLICIT_BACKEND_ENV
from tests.e2e.keyring_env import RealKeyringUnavailable, real_keyring

pytestmark = pytest.mark.slow

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# As in the frozen app: keyring's entry points (which import its backends) are not there.
PROBE = """
import json
import keyring.backend
keyring.backend._load_plugins = lambda: None
from assessor_app.errors import KeyringUnavailable
from assessor_app.keystore import KeyringSecretStore, backend_status

name, usable = backend_status()
result = {"backend": name, "usable": usable}
try:
    store = KeyringSecretStore("frozen-test")
    store.set("probe", "kept")
    result["read_back"] = store.get("probe")
    store.delete("probe")
except KeyringUnavailable as exc:
    result["error"] = exc.message
print(json.dumps(result))
"""


def probe(env: dict[str, str], **extra: str) -> dict[str, object]:
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(PROBE)],
                          env={**env, "PYTHONPATH": str(PROJECT_ROOT), **extra},
                          cwd=PROJECT_ROOT, stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


@pytest.fixture(scope="module")
def secret_service() -> Iterator[dict[str, str]]:
    try:
        with real_keyring() as env:
            yield env
    except RealKeyringUnavailable as exc:
        pytest.skip(str(exc))


def test_without_entry_points_keyring_alone_finds_nothing(secret_service: dict[str, str]) -> None:
    # The reason for the explicit choice: the same bus, but no backend is found.
    result = probe(secret_service)
    assert result["usable"] is False
    assert result["backend"] == "keyring.backends.fail.Keyring"
    assert "No OS keyring" in str(result["error"])


def test_the_explicit_choice_finds_the_secret_service(secret_service: dict[str, str]) -> None:
    result = probe(secret_service, **{EXPLICIT_BACKEND_ENV: "1"})
    assert result == {"backend": "keyring.backends.SecretService.Keyring", "usable": True,
                      "read_back": "kept"}


def test_with_no_session_bus_it_reports_no_keyring(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DBUS_SESSION_BUS_ADDRESS", "PYTHON_KEYRING_BACKEND")}
    env.update(HOME=str(tmp_path), XDG_RUNTIME_DIR=str(tmp_path))
    result = probe(env, **{EXPLICIT_BACKEND_ENV: "1"})
    assert result["usable"] is False and result["backend"] == "keyring.backends.fail.Keyring"
    assert "No OS keyring" in str(result["error"])


def test_python_keyring_backend_still_wins(secret_service: dict[str, str]) -> None:
    result = probe(secret_service, **{EXPLICIT_BACKEND_ENV: "1",
                                      "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"})
    assert result["backend"] == "keyring.backends.null.Keyring"


def test_a_backend_that_cannot_load_is_reported_not_raised(tmp_path: Path) -> None:
    code = ("from assessor_app.keystore import backend_status\n"
            "print(backend_status())\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT),
                               "PYTHON_KEYRING_BACKEND": "no_such_module.Keyring"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ("('none (ModuleNotFoundError while loading the configured "
                                   "backend)', False)")
