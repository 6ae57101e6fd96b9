"""Sync server under load (issue 5): many devices pushing at once, on PostgreSQL.

Starts ``assessor-app serve`` in its own process on a fresh PostgreSQL database
(127.0.0.1:5432, user postgres), enrols N devices (one assessor per 5 devices, each with
a practitioner), then every device pushes B batches of R new rows one after another, all
devices at once (asyncio + httpx). Prints per-batch latency p50/p99 and throughput.
The database is dropped afterwards.

    python benchmarks/sync_server.py [--json] [--devices 50] [--batches 20] [--rows 10]
                                     [--servers 1]
"""

from __future__ import annotations

import argparse
import asyncio
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

PG_ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _percentile(values: list[float], pct: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def _rows(parent: str, n: int) -> list[dict[str, Any]]:
    return [{"table": "evidence", "id": str(uuid.uuid4()), "base_rev": 0,
             "fields": {"enrolment_id": parent, "title": "Benchmark item", "status": "draft",
                        "notes": "Fictional benchmark text. " * 8}} for _ in range(n)]


async def _device(client: Any, url: str, token: str, parent: str, batches: int, rows: int,
                  latencies: list[float]) -> None:
    import httpx

    headers = {"Authorization": f"Bearer {token}", "X-Sync-Protocol": "1"}
    for _ in range(batches):
        body = {"batch_id": str(uuid.uuid4()), "rows": _rows(parent, rows)}
        t0 = time.perf_counter()
        for attempt in range(3):  # a kept-alive connection the server just closed: resend
            try:
                r = await client.post(f"{url}/v1/push", json=body, headers=headers)
                break
            except httpx.TransportError:
                if attempt == 2:
                    raise
        latencies.append((time.perf_counter() - t0) * 1000)
        r.raise_for_status()


async def _load(devices: list[tuple[str, str, str]], batches: int, rows: int
                ) -> tuple[list[float], float]:
    import httpx

    latencies: list[float] = []
    limits = httpx.Limits(max_connections=len(devices) + 5)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        t0 = time.perf_counter()
        await asyncio.gather(*(_device(client, url, tok, parent, batches, rows, latencies)
                               for url, tok, parent in devices))
        wall = time.perf_counter() - t0
    return latencies, wall


def _setup(urls: list[str], database_url: str, devices: int) -> list[tuple[str, str, str]]:
    """Users, practitioners and enrolled devices: [(server url, token, enrolment id)];
    device i talks to server i mod len(urls)."""
    import httpx

    from assessor_app.server import admin
    from assessor_app.server.db import make_engine

    engine = make_engine(database_url)
    out: list[tuple[str, str, str]] = []
    try:
        with httpx.Client(timeout=60) as client:
            for i in range(devices):
                url = urls[i % len(urls)]
                name = f"Bench assessor {i // 5}"
                if i % 5 == 0:
                    admin.add_user(engine, name, "assessor")
                code = admin.issue_code(engine, name)
                r = client.post(f"{url}/v1/enrol", json={"code": code,
                                                         "device_name": f"dev {i}"})
                r.raise_for_status()
                token = r.json()["token"]
                pid, eid = str(uuid.uuid4()), str(uuid.uuid4())
                r = client.post(f"{url}/v1/push", headers={"Authorization": f"Bearer {token}"},
                                json={"batch_id": str(uuid.uuid4()), "rows": [
                                    {"table": "practitioner", "id": pid, "base_rev": 0,
                                     "fields": {"name": f"Bench practitioner {i}"}},
                                    {"table": "enrolment", "id": eid, "base_rev": 0,
                                     "fields": {"practitioner_id": pid}}]})
                r.raise_for_status()
                out.append((url, token, eid))
    finally:
        engine.dispose()
    return out


def run(devices: int = 50, batches: int = 20, rows: int = 10,
        servers: int = 1) -> dict[str, Any]:
    """Start ``servers`` instances of ``assessor-app serve`` on one fresh PostgreSQL database
    (stateless: they share it), load them, and drop the database."""
    import psycopg

    db = f"assessor_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{db}"')
    database_url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{db}"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory() as tmp, open(Path(tmp) / "server.log", "wb") as log:
        try:
            urls = []
            for _ in range(servers):
                port = _free_port()
                procs.append(subprocess.Popen(
                    [sys.executable, "-m", "assessor_app", "--data-dir", tmp, "serve",
                     "--port", str(port), "--database-url", database_url],
                    stdout=subprocess.DEVNULL, stderr=log, env=env))
                urls.append(f"http://127.0.0.1:{port}")
                _wait(urls[-1], procs[-1])  # one at a time: the first creates the schema
            plan = _setup(urls, database_url, devices)
            latencies, wall = asyncio.run(_load(plan, batches, rows))
        except Exception:
            print((Path(tmp) / "server.log").read_text()[-3000:], file=sys.stderr)
            raise
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(timeout=30)
            with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    n = len(latencies)
    return {"devices": devices, "batches_per_device": batches, "rows_per_batch": rows,
            "batches": n, "p50_ms": round(_percentile(latencies, 50), 1),
            "p99_ms": round(_percentile(latencies, 99), 1),
            "max_ms": round(max(latencies), 1), "batches_per_s": round(n / wall, 1),
            "rows_per_s": round(n * rows / wall, 1), "wall_s": round(wall, 2),
            "backend": "postgresql", "server_processes": servers}


def _wait(url: str, proc: subprocess.Popen[bytes]) -> None:
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("the server did not start (is PostgreSQL running?)")
        try:
            httpx.get(f"{url}/openapi.json", timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit("the server did not start within 60 s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--devices", type=int, default=50)
    ap.add_argument("--batches", type=int, default=20)
    ap.add_argument("--rows", type=int, default=10)
    ap.add_argument("--servers", type=int, default=1,
                    help="server processes sharing the database (default 1)")
    a = ap.parse_args()
    result = run(a.devices, a.batches, a.rows, a.servers)
    if a.json:
        print(json.dumps(result))
    else:
        for k, v in result.items():
            print(f"{k:>20}: {v}")


if __name__ == "__main__":
    main()
