"""pytest plugin: ``live_server`` — a real sync server (uvicorn on 127.0.0.1) for tests.

``live_server(backend="sqlite"|"postgresql", *, tls=False, data_dir=None, database_url=None,
port=None)`` starts a server in a thread on a free port and returns a ``LiveServer`` with
``.url``, ``.data_dir``, ``.database_url``, ``.ca_bundle`` and admin helpers (``add_user``,
``assign``, ``unassign``, ``reassign``, ``set_role``, ``issue_code``, ``revoke``, ``enrol``) that call the server's own admin
operations. PostgreSQL gets a fresh database (user postgres on 127.0.0.1:5432, trust auth),
dropped afterwards. Pass another server's ``data_dir`` and ``database_url`` to run a second
instance on the same storage. ``live_server`` stops its servers at the end of the test,
``live_server_module`` at the end of the module.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

PG_ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/{name}"



#: a stopped PostgreSQL hides every PostgreSQL test: fail and say how to start it
PG_DOWN = ("PostgreSQL is not running on 127.0.0.1:5432; start it with "
           "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start")

def postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_DSN, connect_timeout=3):
            return True
    except Exception:
        return False


def create_pg_database() -> tuple[str, str]:
    """A fresh, empty PostgreSQL database: (name, SQLAlchemy URL)."""
    import psycopg

    name = f"assessor_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, PG_URL.format(name=name)


def drop_pg_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class LiveServer:
    url: str
    data_dir: Path  # the --data-dir given to serve (the server keeps <data_dir>/server/)
    database_url: str
    ca_bundle: Path  # the employer CA certificate (also signs the TLS certificate with tls=True)
    backend: str
    _server: Any = field(repr=False, default=None)
    _thread: threading.Thread | None = field(repr=False, default=None)
    _engine: Any = field(repr=False, default=None)
    _socket: socket.socket | None = field(repr=False, default=None)

    # --- admin helpers (the same operations as `assessor-app server ...`) ---
    def add_user(self, name: str, role: str, practitioner_id: str | None = None) -> str:
        from assessor_app.server import admin

        return admin.add_user(self._engine, name, role, practitioner_id)

    def assign(self, assessor: str, practitioner: str) -> str:
        """Assign a practitioner (row id or unique name) to an assessor or manager."""
        from assessor_app.server import admin

        return admin.assign(self._engine, assessor, practitioner)[0]

    def unassign(self, assessor: str, practitioner: str) -> str:
        from assessor_app.server import admin

        return admin.unassign(self._engine, assessor, practitioner)

    def reassign(self, practitioner: str, to: str) -> str:
        """Move a practitioner to assessor ``to`` in place of every other assessor."""
        from assessor_app.server import admin

        return admin.reassign(self._engine, practitioner, to)[0]

    def set_role(self, user: str, role: str, practitioner_id: str | None = None) -> None:
        from assessor_app.server import admin

        admin.set_role(self._engine, user, role, practitioner_id)

    def issue_code(self, user: str, days: float = 7) -> str:
        from assessor_app.server import admin

        return admin.issue_code(self._engine, user, days)

    def revoke(self, device: str) -> str:
        from assessor_app.server import admin

        return admin.revoke_device(self._engine, device)

    def enrol(self, user: str, device_name: str | None = None) -> tuple[str, dict[str, Any]]:
        """Enrol a new device for ``user`` over HTTP: (token, whoami)."""
        import ssl

        import httpx

        code = self.issue_code(user)
        r = httpx.post(f"{self.url}/v1/enrol", json={
            "code": code, "device_name": device_name or f"{user} device {uuid.uuid4().hex[:6]}"},
            verify=ssl.create_default_context(cafile=str(self.ca_bundle)), timeout=30)
        r.raise_for_status()
        body = r.json()
        return body["token"], body["whoami"]

    @property
    def engine(self) -> Any:
        """The server database's engine (for assertions on what the server stored)."""
        return self._engine

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=15)
            self._thread = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        if self._engine is not None:
            self._engine.dispose()


def _free_socket(port: int | None) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port or 0))
    return sock


def start_server(base: Path, backend: str = "sqlite", *, tls: bool = False,
                 data_dir: Path | None = None, database_url: str | None = None,
                 port: int | None = None) -> LiveServer:
    import uvicorn

    from assessor_app.server import ca, migrate
    from assessor_app.server.app import create_app
    from assessor_app.server.config import ServerConfig

    data_dir = data_dir or base / f"server-{uuid.uuid4().hex[:8]}"
    if backend == "postgresql" and database_url is None:
        raise ValueError("start_server: give a PostgreSQL database_url")
    config = ServerConfig.from_args(data_dir, database_url)
    app = create_app(config)
    engine = migrate.open_engine(config)
    authority = ca.load_or_create(config.ca_dir)
    ssl: dict[str, Any] = {}
    if tls:
        cert, key = ca.issue_server_cert(authority, config.data_dir / "tls")
        ssl = {"ssl_certfile": str(cert), "ssl_keyfile": str(key)}
    sock = _free_socket(port)
    host, bound = sock.getsockname()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False,
                                           lifespan="on", **ssl))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True,
                              name=f"live-server-{bound}")
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the live sync server did not start")
        time.sleep(0.02)
    scheme = "https" if tls else "http"
    return LiveServer(url=f"{scheme}://{host}:{bound}", data_dir=data_dir,
                      database_url=config.database_url, ca_bundle=config.ca_dir / "ca-cert.pem",
                      backend=backend, _server=server, _thread=thread, _engine=engine,
                      _socket=sock)


class _Factory:
    def __init__(self, base: Path) -> None:
        self.base = base
        self.servers: list[LiveServer] = []
        self.databases: list[str] = []

    def __call__(self, backend: str = "sqlite", **kw: Any) -> LiveServer:
        if backend not in ("sqlite", "postgresql"):
            raise ValueError(f"unknown backend {backend!r}")
        if backend == "postgresql" and kw.get("database_url") is None:
            if not postgres_available():
                pytest.fail(PG_DOWN)
            name, url = create_pg_database()
            self.databases.append(name)
            kw["database_url"] = url
        server = start_server(self.base, backend, **kw)
        self.servers.append(server)
        return server

    def close(self) -> None:
        for s in reversed(self.servers):
            s.stop()
        for name in self.databases:
            with contextlib.suppress(Exception):
                drop_pg_database(name)


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[_Factory]:
    factory = _Factory(tmp_path)
    yield factory
    factory.close()


@pytest.fixture(scope="module")
def live_server_module(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Factory]:
    factory = _Factory(tmp_path_factory.mktemp("live-server"))
    yield factory
    factory.close()
