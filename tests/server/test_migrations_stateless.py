"""Server migrations on both backends match the models; two instances share one PostgreSQL."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import inspect

from assessor_app.server import migrate
from assessor_app.server.db import make_engine
from tests.server.conftest import Device, new_id, practitioner_tree, row, unique
from tests.sync_server import PG_DOWN, create_pg_database, drop_pg_database, postgres_available


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'server.db'}")
        yield engine
        engine.dispose()
        return
    if not postgres_available():
        pytest.fail(PG_DOWN)
    name, url = create_pg_database()
    engine = make_engine(url)
    yield engine
    engine.dispose()
    drop_pg_database(name)


def test_upgrade_from_empty_matches_the_models(empty_engine) -> None:
    assert migrate.current(empty_engine) is None
    migrate.upgrade(empty_engine)
    assert migrate.current(empty_engine) == "s0004"
    assert migrate.schema_diff(empty_engine) == []
    migrate.upgrade(empty_engine)  # a second run is a no-op
    tables = set(inspect(empty_engine).get_table_names())
    assert {"users", "devices", "sync_rows", "sync_row_versions", "batches", "blobs"} <= tables


def test_downgrade_and_upgrade_again(empty_engine) -> None:
    migrate.upgrade(empty_engine)
    from alembic import command

    with empty_engine.begin() as conn:
        command.downgrade(migrate._config(conn), "base")
    assert "sync_rows" not in inspect(empty_engine).get_table_names()
    migrate.upgrade(empty_engine)
    assert migrate.schema_diff(empty_engine) == []


def test_two_instances_on_one_postgresql_serve_the_same_data(live_server, devices) -> None:
    one = live_server("postgresql")
    two = live_server("postgresql", database_url=one.database_url, data_dir=one.data_dir)
    assert one.url != two.url
    name = unique("Shared")
    one.add_user(name, "assessor")
    a = Device(one, name)
    token_b, who_b = two.enrol(name)  # enrolled through the second instance
    b = Device(two, name, token_b, who_b)
    devices.extend([a, b])
    tree = practitioner_tree()
    a.push_ok(tree["rows"])
    pulled, _ = b.pull_all()
    assert {x["id"] for x in tree["rows"]} <= {r["id"] for r in pulled}
    # revoking through one instance stops the device on the other at once
    one.revoke(who_b["device_id"])
    assert b.http.get("/v1/whoami").status_code == 401



@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_concurrent_pushes_through_two_instances_never_skip_a_row(live_server, devices,
                                                                   backend: str) -> None:
    one = live_server(backend)
    two = live_server(backend, database_url=one.database_url, data_dir=one.data_dir)
    name = unique("Busy")
    one.add_user(name, "assessor")
    c, d = Device(one, name), Device(two, name)
    devices.extend([c, d])
    tree = practitioner_tree()
    c.push_ok(tree["rows"])
    _, start = c.pull_all()
    sent: list[str] = []
    errors: list[str] = []

    def pusher(dev: Device) -> None:
        for _ in range(8):
            rows = [row("evidence", new_id(), {"enrolment_id": tree["enrolment"],
                                               "title": "t"}) for _ in range(5)]
            r = dev.push(rows, str(uuid.uuid4()))
            if r.status_code != 200:
                errors.append(r.text)
                continue
            sent.extend(x["id"] for x in rows)

    seen: list[str] = []
    done = threading.Event()

    def puller() -> None:
        """Pulls while the pushes run: a seq committed out of order would be skipped."""
        cursor = start
        while True:
            finished = done.is_set()
            rows, cursor = c.pull_all(cursor)
            seen.extend(r["id"] for r in rows if r["table"] == "evidence")
            if finished:
                return

    threads = [threading.Thread(target=pusher, args=(x,)) for x in (c, d)]
    reader = threading.Thread(target=puller)
    reader.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    reader.join()
    assert not errors
    assert len(sent) == 80
    assert sorted(seen) == sorted(sent)  # each once, none skipped
