"""``assessor-app enrol`` and ``assessor-app sync`` in subprocesses, with a real keyring daemon."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.keyring_env import RealKeyringUnavailable, real_keyring

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def keyring_env() -> Iterator[dict[str, str]]:
    try:
        with real_keyring() as env:
            yield env
    except RealKeyringUnavailable as exc:
        pytest.skip(str(exc))


def cli(env: dict[str, str], *argv: str | Path) -> subprocess.CompletedProcess[str]:
    full = dict(env, PYTHONPATH=os.getcwd())
    return subprocess.run([sys.executable, "-m", "assessor_app", *map(str, argv)],
                          capture_output=True, text=True, timeout=180, env=full)


def test_enrol_and_sync_from_the_command_line(live_server, keyring_env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server = live_server("sqlite")
    server.add_user("Fictional Assessor", "assessor")
    a, b = tmp_path / "a", tmp_path / "b"
    assert cli(keyring_env, "demo", "--data-dir", a).returncode == 0

    res = cli(keyring_env, "enrol", "--server", server.url, "--code",
              server.issue_code("Fictional Assessor"), "--device-name", "laptop A", "--data-dir", a)
    assert res.returncode == 0, res.stderr
    assert "Enrolled with" in res.stdout and "Fictional Assessor" in res.stdout
    res = cli(keyring_env, "sync", "--json", "--data-dir", a)
    assert res.returncode == 0, res.stderr
    pushed = json.loads(res.stdout)
    assert pushed["pushed"] > 500 and pushed["refused"] == 0 and pushed["waiting"] == 0

    res = cli(keyring_env, "enrol", "--server", server.url, "--code",
              server.issue_code("Fictional Assessor"), "--device-name", "laptop B", "--data-dir", b)
    assert res.returncode == 0, res.stderr
    res = cli(keyring_env, "sync", "--data-dir", b)
    assert res.returncode == 0, res.stderr
    assert f"received {pushed['pushed']}" in res.stdout

    # a code used once is refused, plainly
    res = cli(keyring_env, "enrol", "--server", server.url, "--code", "not-a-real-code",
              "--data-dir", b)
    assert res.returncode != 0 and "Traceback" not in res.stderr
    assert "new one" in res.stderr  # what to do about it

    # a revoked device is stopped at once, with what to do
    server.revoke("laptop B")
    res = cli(keyring_env, "sync", "--data-dir", b)
    assert res.returncode != 0 and "Traceback" not in res.stderr
    assert "enrol" in res.stderr.lower()

    # a server that has gone away: a clear message, non-zero, nothing lost
    server.stop()
    res = cli(keyring_env, "sync", "--data-dir", a)
    assert res.returncode != 0 and "cannot be reached" in res.stderr
