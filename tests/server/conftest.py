"""Server test helpers: a device client over real HTTP, row builders, both backends."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from assessor_app.sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION

BACKENDS = ["sqlite", "postgresql"]


def new_id() -> str:
    return str(uuid.uuid4())


def row(table: str, id_: str, fields: dict[str, Any], base_rev: int = 0,
        deleted: bool = False) -> dict[str, Any]:
    return {"table": table, "id": id_, "base_rev": base_rev, "deleted": deleted,
            "fields": fields}


class Device:
    """One enrolled device talking to the live server over HTTP."""

    def __init__(self, server: Any, user: str, token: str | None = None,
                 whoami: dict[str, Any] | None = None) -> None:
        self.server = server
        self.user = user
        if token is None:
            token, whoami = server.enrol(user)
        self.token = token
        self.whoami = whoami or {}
        self.http = httpx.Client(base_url=server.url, timeout=30,
                                 headers={"Authorization": f"Bearer {token}",
                                          PROTOCOL_HEADER: str(PROTOCOL_VERSION)})

    def push(self, rows: list[dict[str, Any]], batch_id: str | None = None) -> httpx.Response:
        return self.http.post("/v1/push", json={"batch_id": batch_id or new_id(), "rows": rows})

    def push_ok(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        r = self.push(rows)
        assert r.status_code == 200, r.text
        return r.json()["results"]

    def pull_all(self, cursor: str = "0", limit: int = 500) -> tuple[list[dict[str, Any]], str]:
        rows: list[dict[str, Any]] = []
        while True:
            r = self.http.get("/v1/pull", params={"cursor": cursor, "limit": limit})
            assert r.status_code == 200, r.text
            page = r.json()
            rows.extend(page["rows"])
            cursor = page["cursor"]
            if not page["more"]:
                return rows, cursor

    def close(self) -> None:
        self.http.close()


@pytest.fixture
def devices() -> Iterator[list[Device]]:
    made: list[Device] = []
    yield made
    for d in made:
        d.close()


def practitioner_tree(pid: str | None = None, name: str = "Practitioner") -> dict[str, Any]:
    """Rows for a practitioner, an enrolment and an evidence item with an observation."""
    pid = pid or new_id()
    eid, evid, oid = new_id(), new_id(), new_id()
    return {
        "pid": pid, "enrolment": eid, "evidence": evid, "observation": oid,
        "rows": [
            row("practitioner", pid, {"name": name, "team": "North"}),
            row("enrolment", eid, {"practitioner_id": pid, "status": "active"}),
            row("evidence", evid, {"enrolment_id": eid, "title": "Home visit", "status": "draft"}),
            row("observation", oid, {"evidence_id": evid, "narrative": "Original text.",
                                     "strengths": "Clear."}),
        ],
    }


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest, live_server_module: Any) -> Any:
    """One live server per backend per module (PostgreSQL: a fresh database, dropped after)."""
    return live_server_module(request.param)


def unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:6]}"
