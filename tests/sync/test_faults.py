"""The connection cut at every step of push and pull, then a retry: nothing lost, nothing twice.

A fault-injecting proxy on loopback (``fault_proxy.py``) sits between the devices and a
real server. Batches and pages are made small so a little portfolio takes many steps:
each scenario cuts one request of device A's first sync (files, push batches, pull
pages) and one of device B's (pull pages, file download), in each of three places
(before the server acts, after it committed, half-way through its answer).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest

from assessor_app.services import sync as sync_service
from assessor_app.sync import client as sync_client
from assessor_app.sync.client import SyncError
from tests.sync.devices import Devices, add_portfolio, blobs, table_contents
from tests.sync.fault_proxy import MODES, FaultProxy

pytestmark = pytest.mark.slow  # about 40 small scenarios, each with its own devices

CHUNK = 64 * 1024
FILE_BYTES = CHUNK + CHUNK // 2  # two upload chunks
EVIDENCE = 2


@pytest.fixture
def small_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sync_service, "PUSH_BATCH", 4)
    monkeypatch.setattr(sync_service, "PULL_LIMIT", 5)
    monkeypatch.setattr(sync_client, "BLOB_CHUNK_BYTES", CHUNK)


@pytest.fixture(params=["sqlite", "postgresql"])
def proxied(live_server, request) -> Iterator[tuple[object, FaultProxy]]:  # type: ignore[no-untyped-def]
    server = live_server(request.param)
    proxy = FaultProxy(server.url)
    yield server, proxy
    proxy.close()


def _sync_with_cut(ctx, proxy: FaultProxy, nth: int | None, mode: str) -> tuple[bool, int]:  # type: ignore[no-untyped-def]
    """Sync with the nth request cut (if any), then again: (the cut hit a request, requests
    the first sync made)."""
    before, first = len(proxy.cuts), proxy.count
    if nth is not None:
        proxy.arm(nth, mode)
    with contextlib.suppress(SyncError):
        ctx.sync.sync()
    made = proxy.count - first
    proxy.disarm()
    ctx.sync.sync()
    return len(proxy.cuts) > before, made


def _scenario(devices: Devices, server, proxy: FaultProxy, n: int, a_step: int | None,  # type: ignore[no-untyped-def]
              b_step: int | None, mode: str) -> tuple[tuple[bool, int], tuple[bool, int]]:
    user = f"Assessor {n}"
    server.add_user(user, "assessor")
    a = devices.enrolled(f"a{n}", server, user, url=proxy.url)
    b = devices.enrolled(f"b{n}", server, user, url=proxy.url)
    add_portfolio(a, f"Practitioner {n}", evidence=EVIDENCE, file_bytes=FILE_BYTES)
    hit_a = _sync_with_cut(a, proxy, a_step, mode)
    hit_b = _sync_with_cut(b, proxy, b_step, mode)
    a.sync.sync()  # A sees what B's sync brought (nothing new) and settles
    contents_a, contents_b = table_contents(a), table_contents(b)
    assert contents_a == contents_b, f"devices differ after a cut ({mode}, A {a_step}, B {b_step})"
    assert sum(len(rows) for rows in contents_a.values()) == 1 + 1 + EVIDENCE * 3 + 1
    assert contents_a["conflict"] == {}, "a replayed batch was applied twice"
    assert blobs(a) == blobs(b) and len(next(iter(blobs(b).values()))) == FILE_BYTES
    for ctx in (a, b):
        st = ctx.sync.status()
        assert (st.waiting, st.conflicts, st.last_error) == (0, 0, "")
    with a.database.uow() as uow:  # every row went in exactly once: revision 1
        from assessor_app.store.sync_rows import all_shapes

        conn = uow.session.connection()
        revs = {r for sh in all_shapes()
                for r in conn.execute(sh.table.select().with_only_columns(sh.table.c.rev)).scalars()}
    assert revs <= {1}
    return hit_a, hit_b


def test_a_cut_at_every_step_loses_and_duplicates_nothing(proxied, devices: Devices,  # type: ignore[no-untyped-def]
                                                          small_steps: None) -> None:
    server, proxy = proxied
    # a clean run first, to count the steps of each device's first sync
    start = proxy.count
    (_, a_steps), (_, b_steps) = _scenario(devices, server, proxy, 0, None, None, "request")
    kinds = {(m, p.split("?")[0].rsplit("/", 1)[0]) for m, p in proxy.log[start:]}
    assert {("PATCH", "/v1/blobs"), ("POST", "/v1"), ("GET", "/v1/blobs")} <= kinds
    assert a_steps >= 6 and b_steps >= 3
    n, hits = 1, 0
    for mode in MODES:
        for step in range(max(a_steps, b_steps)):
            (hit_a, _), (hit_b, _) = _scenario(
                devices, server, proxy, n, step if step < a_steps else None,
                step if step < b_steps else None, mode)
            hits += hit_a + hit_b
            n += 1
    assert hits == len(MODES) * (a_steps + b_steps), "every scenario cut the request it aimed at"
    cut_paths = {(mode, method, path.split("?")[0].rsplit("/", 1)[0])
                 for mode, method, path, _batch in proxy.cuts}
    # a push cut after the server committed was replayed with the same id (answered from the
    # server's record, not applied twice: every row above is at revision 1)
    replayed = [batch for mode, _m, path, batch in proxy.cuts if path == "/v1/push"]
    assert replayed and all(proxy.batch_ids.count(b) >= 2 for b in replayed)
    for mode in MODES:  # each place was cut in push, pull, upload and download
        assert {(mode, "POST", "/v1"), (mode, "GET", "/v1"), (mode, "PATCH", "/v1/blobs"),
                (mode, "GET", "/v1/blobs")} <= cut_paths
