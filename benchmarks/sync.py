"""Sync client figures (issue 5): first sync of 20,000 rows, its ratio to a bare bulk insert,
an incremental sync of 100 changed rows; and the server under 50 concurrent devices.

A real server runs in its own process (SQLite in a temporary folder) and is seeded over
HTTP with a portfolio of ``--rows`` rows (practitioners, enrolments, evidence with
observations and links). Then:

- ``first_sync_s``: an empty, encrypted device enrols and syncs everything;
- ``raw_insert_s``: the same rows bulk-inserted (SQLAlchemy Core, one transaction) into
  another empty SQLCipher store, in the same run; ``first_sync_ratio`` = the two;
- ``incremental_100_ms``: 100 rows edited on the device, then one sync (push + pull),
  the median of ``--repeats`` rounds.

The concurrent part (PostgreSQL) is ``benchmarks/sync_server.py``'s ``run``.

    python benchmarks/sync.py [--json] [--rows 20000] [--no-postgresql]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVE = """
import sys, uvicorn
from assessor_app.server import ca, migrate
from assessor_app.server.app import create_app
from assessor_app.server.config import ServerConfig
cfg = ServerConfig.from_args(sys.argv[1], None)
migrate.open_engine(cfg).dispose()
ca.load_or_create(cfg.ca_dir)
uvicorn.run(create_app(cfg), host="127.0.0.1", port=int(sys.argv[2]), log_level="warning",
            access_log=False)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, proc: subprocess.Popen[bytes]) -> None:
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("the sync server did not start")
        try:
            httpx.get(f"{url}/openapi.json", timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit("the sync server did not start within 60 s")


def portfolio_rows(n: int) -> list[dict[str, Any]]:
    """``n`` wire rows shaped like real portfolios: per evidence item an observation and a
    link; a practitioner and enrolment per 100 items."""
    rows: list[dict[str, Any]] = []
    pid = eid = ""
    i = 0
    while len(rows) < n:
        if i % 100 == 0:
            pid, eid = str(uuid.uuid4()), str(uuid.uuid4())
            rows.append(_row("practitioner", pid, {"name": f"Bench practitioner {i}",
                                                    "team": "North", "employer": "Fictional",
                                                    "registration_number": "", "email": "",
                                                    "fte": 1.0}))
            rows.append(_row("enrolment", eid, {
                "practitioner_id": pid, "programme_id": "asye-children",
                "programme_version": "2025", "framework_versions": {"pcf": "2018"},
                "start_date": "2026-09-01", "fte": 1.0, "status": "active",
                "extension_months": 0.0, "extension_reason": "", "completed_on": None,
                "outcome": "", "assessor_id": None, "line_manager_id": None,
                "coordinator_id": None}))
        ev = str(uuid.uuid4())
        rows.append(_row("evidence", ev, {
            "enrolment_id": eid, "kind": "observation", "occurred_on": "2026-10-01",
            "title": f"Home visit {i}", "status": "draft", "stage_id": "", "author_role": "assessor",
            "transcribed": False}))
        rows.append(_row("observation", ev, {
            "evidence_id": ev, "notes": "Fictional observation notes. " * 20,
            "went_well": "Fictional. " * 10, "development": "", "people_present": ["mother"]}))
        rows.append(_row("standard_link", str(uuid.uuid4()), {
            "evidence_id": ev, "framework_id": "pcf", "framework_version": "2018",
            "statement_code": "PCF1", "comment": "Fictional comment", "strength": 2}))
        i += 1
    return rows[:n]


def _row(table: str, rid: str, fields: dict[str, Any]) -> dict[str, Any]:
    return {"table": table, "id": rid, "base_rev": 0, "fields": fields}


def _seed(url: str, server_dir: Path, rows: list[dict[str, Any]]) -> None:
    import httpx

    from assessor_app.server import admin
    from assessor_app.server.config import ServerConfig
    from assessor_app.server.db import make_engine

    engine = make_engine(ServerConfig.from_args(server_dir, None).database_url)
    try:
        admin.add_user(engine, "Bench assessor", "assessor")
        code = admin.issue_code(engine, "Bench assessor")
    finally:
        engine.dispose()
    with httpx.Client(base_url=url, timeout=120) as client:
        token = client.post("/v1/enrol", json={"code": code, "device_name": "seeder"}).json()["token"]
        for start in range(0, len(rows), 500):
            r = client.post("/v1/push", headers={"Authorization": f"Bearer {token}"},
                            json={"batch_id": str(uuid.uuid4()), "rows": rows[start:start + 500]})
            r.raise_for_status()
            bad = [x for x in r.json()["results"] if x["status"] != "accepted"]
            if bad:
                raise SystemExit(f"seeding failed: {bad[0]}")


def _code(server_dir: Path) -> str:
    from assessor_app.server import admin
    from assessor_app.server.config import ServerConfig
    from assessor_app.server.db import make_engine

    engine = make_engine(ServerConfig.from_args(server_dir, None).database_url)
    try:
        return admin.issue_code(engine, "Bench assessor")
    finally:
        engine.dispose()


def raw_insert(folder: Path, rows: list[dict[str, Any]]) -> float:
    """The same rows into an empty store with plain bulk inserts: the floor for a first sync."""
    from datetime import UTC, datetime

    from sqlalchemy import insert

    from assessor_app.app import open_context
    from assessor_app.keystore import MemorySecretStore
    from assessor_app.paths import DataPaths
    from assessor_app.store.sync_rows import from_wire, shape
    from assessor_app.sync.tables import RANK

    ctx = open_context(DataPaths(folder), secrets=MemorySecretStore())
    try:
        t0 = time.perf_counter()
        now = datetime.now(UTC)
        by_table: dict[str, list[dict[str, Any]]] = {}
        for r in rows:
            values = from_wire(shape(r["table"]), r["fields"])
            values.update(id=r["id"], rev=1, base_rev=1, dirty=False, created_at=now,
                          updated_at=now, updated_by="")
            by_table.setdefault(r["table"], []).append(values)
        with ctx.database.engine.begin() as conn:
            for table in sorted(by_table, key=RANK.__getitem__):
                conn.execute(insert(shape(table).table), by_table[table])
        return time.perf_counter() - t0
    finally:
        ctx.close()


def client_figures(n_rows: int, repeats: int) -> dict[str, Any]:
    from sqlalchemy import select

    from assessor_app.app import open_context
    from assessor_app.keystore import MemorySecretStore
    from assessor_app.paths import DataPaths
    from assessor_app.store.models import Observation

    rows = portfolio_rows(n_rows)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        with open(tmp_path / "server.log", "wb") as log:
            proc = subprocess.Popen([sys.executable, "-c", SERVE, str(tmp_path / "srv"), str(port)],
                                    stdout=subprocess.DEVNULL, stderr=log, env=env)
        try:
            _wait(url, proc)
            _seed(url, tmp_path / "srv", rows)
            device = open_context(DataPaths(tmp_path / "device"), secrets=MemorySecretStore())
            try:
                device.sync.enrol(url, _code(tmp_path / "srv"), "bench laptop")
                t0 = time.perf_counter()
                report = device.sync.sync()
                first = time.perf_counter() - t0
                if report.pulled != len(rows):
                    raise SystemExit(f"first sync pulled {report.pulled} of {len(rows)} rows")
                with device.database.uow() as uow:
                    ids = list(uow.session.execute(select(Observation.id).limit(100)).scalars())
                rounds = []
                for k in range(repeats):
                    with device.database.uow("bench") as uow:
                        for oid in ids:
                            uow.session.get(Observation, oid).notes = f"Edited in round {k}"
                        uow.commit()
                    t0 = time.perf_counter()
                    rep = device.sync.sync()
                    rounds.append(time.perf_counter() - t0)
                    if rep.pushed != len(ids):
                        raise SystemExit(f"incremental sync pushed {rep.pushed} of {len(ids)}")
            finally:
                device.close()
            raw = raw_insert(tmp_path / "raw", rows)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return {"first_sync_rows": len(rows), "first_sync_s": round(first, 2),
            "raw_insert_s": round(raw, 2), "first_sync_ratio": round(first / raw, 2),
            "incremental_100_ms": round(statistics.median(rounds) * 1000, 1),
            "incremental_rounds_ms": [round(r * 1000, 1) for r in rounds]}


def server_figures() -> dict[str, Any]:
    try:
        from benchmarks.sync_server import run
    except ImportError:
        return {"postgresql": "benchmarks/sync_server.py is missing"}
    try:
        return run(devices=50, batches=20, rows=10)
    except Exception as exc:  # PostgreSQL not running: say so, keep the client figures
        return {"postgresql": f"not measured ({type(exc).__name__}: {exc})"}


TARGETS = {"first_sync_s": 15.0, "first_sync_ratio": 5.0, "incremental_100_ms": 300.0,
           "p99_ms": 1000.0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--no-postgresql", action="store_true")
    a = ap.parse_args()
    out = client_figures(a.rows, a.repeats)
    if not a.no_postgresql:
        out.update(server_figures())
    out["targets_met"] = {k: out[k] <= v for k, v in TARGETS.items()
                          if isinstance(out.get(k), int | float)}
    if a.json:
        print(json.dumps(out))
    else:
        for k, v in out.items():
            print(f"{k:24} {v}")


if __name__ == "__main__":
    main()
