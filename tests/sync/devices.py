"""Real devices for sync tests: data folders with encrypted stores, enrolled with a live server."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from assessor_app.app import AppContext, open_context
from assessor_app.keystore import MemorySecretStore
from assessor_app.paths import DataPaths
from assessor_app.store.sync_rows import all_shapes, to_wire


class Devices:
    """Opens devices in a test's temporary folder and closes them at the end."""

    def __init__(self, base: Path, demo_template: Path | None = None) -> None:
        self.base = base
        self.demo_template = demo_template
        self.opened: list[AppContext] = []

    def new(self, name: str, *, demo: bool = False) -> AppContext:
        folder = self.base / name
        if demo:
            assert self.demo_template is not None
            shutil.copytree(self.demo_template, folder)
            ctx = open_context(DataPaths(folder), create=False)
        else:
            ctx = open_context(DataPaths(folder), secrets=MemorySecretStore())
        self.opened.append(ctx)
        return ctx

    def enrolled(self, name: str, server: Any, user: str, *, demo: bool = False,
                 url: str | None = None) -> AppContext:
        ctx = self.new(name, demo=demo)
        ctx.sync.enrol(url or server.url, server.issue_code(user), f"{name} laptop")
        return ctx

    def close(self) -> None:
        for c in self.opened:
            c.close()


@pytest.fixture
def devices(tmp_path: Path, demo_folder: Path) -> Iterator[Devices]:
    d = Devices(tmp_path / "devices", demo_folder)
    yield d
    d.close()


def table_contents(ctx: AppContext, *, skip: frozenset[str] = frozenset()) -> dict[str, dict[str, Any]]:
    """Every syncable row's content (fields and tombstone), by table and id."""
    out: dict[str, dict[str, Any]] = {}
    with ctx.database.uow() as uow:
        conn = uow.session.connection()
        for sh in all_shapes():
            if sh.name in skip:
                continue
            rows = conn.execute(select(*sh.read_columns)).mappings()
            out[sh.name] = {r["id"]: (to_wire(sh, r), r["deleted_at"] is not None) for r in rows}
    return out


def blobs(ctx: AppContext) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    with ctx.database.uow() as uow:
        conn = uow.session.connection()
        for sh in all_shapes():
            if sh.blob_column:
                for rid, data in conn.execute(select(sh.table.c.id, sh.table.c[sh.blob_column])):
                    out[rid] = bytes(data)
    return out


def add_portfolio(ctx: AppContext, name: str = "Fictional Practitioner", *, evidence: int = 4,
                  file_bytes: int = 0) -> dict[str, Any]:
    """A small practitioner tree written through the unit of work (so it is dirty, audited):
    practitioner, enrolment, ``evidence`` items each with an observation and a link, and
    optionally one attachment of ``file_bytes`` bytes (several upload chunks if large)."""
    import hashlib
    import os
    from datetime import date

    from assessor_app.store.models import (
        Attachment,
        Enrolment,
        Evidence,
        Observation,
        Practitioner,
        StandardLink,
    )

    with ctx.database.uow("tester") as uow:
        p = Practitioner(name=name, team="North", employer="Fictional Council")
        uow.add(p)
        uow.session.flush()
        e = Enrolment(practitioner_id=p.id, programme_id="asye-children", programme_version="2025",
                      framework_versions={"pcf": "2018"}, start_date=date(2026, 9, 1))
        uow.add(e)
        uow.session.flush()
        ev_ids = []
        for i in range(evidence):
            ev = Evidence(enrolment_id=e.id, kind="observation", occurred_on=date(2026, 10, 1 + i),
                          title=f"Home visit {i + 1}")
            uow.add(ev)
            uow.session.flush()
            uow.add(Observation(id=ev.id, evidence_id=ev.id, notes=f"Notes of visit {i + 1}"))
            uow.add(StandardLink(evidence_id=ev.id, framework_id="pcf", framework_version="2018",
                                 statement_code=f"PCF{i + 1}", comment="Fictional comment"))
            ev_ids.append(ev.id)
        if file_bytes:
            data = os.urandom(file_bytes)
            uow.add(Attachment(evidence_id=ev_ids[0], filename="scan.bin", size=len(data),
                               sha256=hashlib.sha256(data).hexdigest(), content=data))
        uow.commit()
        return {"practitioner": p.id, "enrolment": e.id, "evidence": ev_ids}
