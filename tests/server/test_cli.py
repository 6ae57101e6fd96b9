"""The server's commands in real subprocesses: serve answers, admin commands work, no Qt."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path) -> dict[str, str]:
    """PYTHONPATH with a PySide6 that explodes on import: any Qt import fails the command."""
    trap = tmp_path / "trap" / "PySide6"
    trap.mkdir(parents=True, exist_ok=True)
    (trap / "__init__.py").write_text("raise ImportError('PySide6 imported by a server command')")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(trap.parent)])
    env.pop("ASSESSOR_SERVER_DATABASE_URL", None)
    return env


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assessor_app", "--data-dir",
                           str(tmp_path / "data"), *args], capture_output=True, text=True,
                          env=_env(tmp_path), timeout=120)


def test_server_commands_do_not_load_qt(tmp_path: Path) -> None:
    code = ("import sys\nfrom assessor_app.cli import main\n"
            "try:\n    main(['serve', '--help'])\nexcept SystemExit:\n    pass\n"
            "main(['--data-dir', sys.argv[1], 'server', 'list'])\n"
            "print('QT' if any(m.startswith('PySide6') for m in sys.modules) else 'NO-QT')\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-c", code, str(tmp_path / "d")], capture_output=True,
                       text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().endswith("NO-QT")


def test_admin_commands_end_to_end(tmp_path: Path) -> None:
    r = _run(tmp_path, "server", "add-user", "--name", "Ann Assessor", "--role", "assessor")
    assert r.returncode == 0, r.stderr
    r = _run(tmp_path, "server", "add-user", "--name", "Mo Manager", "--role", "manager")
    assert r.returncode == 0, r.stderr
    r = _run(tmp_path, "server", "issue-code", "--user", "Ann Assessor", "--days", "2")
    assert r.returncode == 0, r.stderr
    code = r.stdout.strip()
    assert len(code.replace("-", "")) == 12
    pid = "0b6c1f0e-3c5e-4f0e-9a55-2f7d7c1c0a11"
    r = _run(tmp_path, "server", "assign", "--manager", "Mo Manager", "--practitioner", pid)
    assert r.returncode == 0, r.stderr
    r = _run(tmp_path, "server", "assign", "--assessor", "Mo Manager", "--practitioner", pid)
    assert r.returncode == 2 and "is a manager" in r.stderr
    r = _run(tmp_path, "server", "add-user", "--name", "Ann Assessor", "--role", "assessor")
    assert r.returncode == 2 and "already a user" in r.stderr
    assert "Traceback" not in r.stderr
    r = _run(tmp_path, "server", "list", "--json")
    listing = json.loads(r.stdout)
    assert {u["name"] for u in listing["users"]} == {"Ann Assessor", "Mo Manager"}
    mo = next(u for u in listing["users"] if u["name"] == "Mo Manager")
    assert mo["practitioners"] == [pid]
    r = _run(tmp_path, "server", "revoke-device", "no such laptop")
    assert r.returncode == 2 and "No device matches" in r.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_serve_prints_url_and_fingerprint_and_answers(tmp_path: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "assessor_app", "--data-dir",
                             str(tmp_path / "data"), "serve", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=_env(tmp_path))
    try:
        lines = [proc.stdout.readline() for _ in range(4)]  # type: ignore[union-attr]
        assert lines[0].strip() == f"Sync server: http://127.0.0.1:{port}", lines
        assert lines[2].startswith("CA fingerprint (SHA-256): ")
        fingerprint = lines[2].split(": ", 1)[1].strip()
        assert len(fingerprint.split(":")) == 32
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=5)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read()  # type: ignore[union-attr]
                assert time.monotonic() < deadline
                time.sleep(0.2)
        assert r.status_code == 200
        assert "/v1/push" in r.json()["paths"]
        assert httpx.get(f"http://127.0.0.1:{port}/v1/whoami").status_code == 401
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_serve_checks_its_tls_options(tmp_path: Path) -> None:
    r = _run(tmp_path, "serve", "--tls-cert", str(tmp_path / "c.pem"))
    assert r.returncode == 2 and "both --tls-cert and --tls-key" in r.stderr
    r = _run(tmp_path, "serve", "--database-url", "mysql://x/y")
    assert r.returncode == 2 and "database URL" in r.stderr


@pytest.mark.slow
def test_serve_with_tls_is_trusted_through_the_employer_ca(tmp_path: Path) -> None:
    import ssl

    from assessor_app.server import ca

    authority = ca.load_or_create(tmp_path / "data" / "server" / "ca")
    cert, key = ca.issue_server_cert(authority, tmp_path / "tls")
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "assessor_app", "--data-dir",
                             str(tmp_path / "data"), "serve", "--port", str(port),
                             "--tls-cert", str(cert), "--tls-key", str(key)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=_env(tmp_path))
    try:
        first = proc.stdout.readline()  # type: ignore[union-attr]
        assert first.strip() == f"Sync server: https://127.0.0.1:{port}"
        trust = ssl.create_default_context(cafile=str(tmp_path / "data" / "server" / "ca" /
                                                      "ca-cert.pem"))
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"https://127.0.0.1:{port}/v1/whoami", verify=trust, timeout=5)
                break
            except httpx.ConnectError as exc:
                assert "CERTIFICATE_VERIFY_FAILED" not in str(exc)
                assert proc.poll() is None, proc.stderr.read()  # type: ignore[union-attr]
                assert time.monotonic() < deadline
                time.sleep(0.2)
        assert r.status_code == 401  # trusted TLS, and the API answers
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"https://127.0.0.1:{port}/v1/whoami", timeout=5)  # system trust: no
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_unassign_reassign_and_set_role_commands(tmp_path: Path) -> None:
    for name, role in (("Ann Assessor", "assessor"), ("Bo Assessor", "assessor"),
                       ("Cy Coordinator", "coordinator")):
        r = _run(tmp_path, "server", "add-user", "--name", name, "--role", role)
        assert r.returncode == 0, r.stderr
    pid = "0b6c1f0e-3c5e-4f0e-9a55-2f7d7c1c0a11"
    assert _run(tmp_path, "server", "assign", "--assessor", "Ann Assessor",
                "--practitioner", pid).returncode == 0
    r = _run(tmp_path, "server", "reassign", "--practitioner", pid, "--to", "Bo Assessor")
    assert r.returncode == 0, r.stderr
    assert "now assessed by Bo Assessor" in r.stdout and "Removed from Ann Assessor" in r.stdout

    def practitioners() -> dict[str, list[str]]:
        listing = json.loads(_run(tmp_path, "server", "list", "--json").stdout)
        return {u["name"]: u["practitioners"] for u in listing["users"]}

    assert practitioners()["Ann Assessor"] == [] and practitioners()["Bo Assessor"] == [pid]
    r = _run(tmp_path, "server", "unassign", "--assessor", "Ann Assessor", "--practitioner", pid)
    assert r.returncode == 2 and "not assigned to Ann Assessor" in r.stderr
    assert "Traceback" not in r.stderr
    r = _run(tmp_path, "server", "unassign", "--assessor", "Bo Assessor", "--practitioner", pid)
    assert r.returncode == 0, r.stderr
    assert "remove its records at their next sync" in r.stdout
    assert practitioners()["Bo Assessor"] == []
    r = _run(tmp_path, "server", "set-role", "--user", "Cy Coordinator", "--role", "assessor")
    assert r.returncode == 0, r.stderr
    assert "Cy Coordinator is now an assessor" in r.stdout
    listing = json.loads(_run(tmp_path, "server", "list", "--json").stdout)
    assert {u["name"]: u["role"] for u in listing["users"]}["Cy Coordinator"] == "assessor"
