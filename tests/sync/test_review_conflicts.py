"""Review: conflicts meeting later edits — an edit typed while the batch is on the wire, and
an edit made after a conflict was listed. Every text must stay where a person can find it,
and what the conflicts view calls "kept" must be what the record holds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assessor_app.store.models import Observation
from tests.sync.devices import Devices, add_portfolio, table_contents
from tests.sync.fault_proxy import FaultProxy


def _set(ctx, row_id: str, notes: str) -> None:  # type: ignore[no-untyped-def]
    with ctx.database.uow("tester") as uow:
        uow.session.get(Observation, row_id).notes = notes
        uow.commit()


def _notes(ctx, row_id: str) -> str:  # type: ignore[no-untyped-def]
    with ctx.database.uow() as uow:
        return uow.session.get(Observation, row_id).notes  # type: ignore[no-any-return]


def _texts(ctx, row_id: str) -> set[str]:  # type: ignore[no-untyped-def]
    """Every notes text a person on this device can see: the record and its open conflicts."""
    out = {_notes(ctx, row_id)}
    for item in ctx.sync.conflicts():
        out |= {item.kept_value, item.other_value}
    return out


@pytest.fixture
def proxied(live_server) -> Iterator[tuple[object, FaultProxy]]:  # type: ignore[no-untyped-def]
    server = live_server("sqlite")
    server.add_user("Fictional Assessor", "assessor")
    proxy = FaultProxy(server.url)
    yield server, proxy
    proxy.close()


def test_an_edit_typed_while_a_conflicting_push_is_out_keeps_every_text(
        proxied, devices: Devices) -> None:  # type: ignore[no-untyped-def]
    server, proxy = proxied
    a = devices.enrolled("a", server, "Fictional Assessor", url=proxy.url)
    b = devices.enrolled("b", server, "Fictional Assessor")
    obs = add_portfolio(a)["evidence"][0]
    a.sync.sync()
    b.sync.sync()
    _set(b, obs, "B's text")
    b.sync.sync()
    _set(a, obs, "A's first text")
    typed = []

    def type_during_push(method: str, path: str) -> None:
        if path == "/v1/push" and not typed:
            typed.append(1)
            _set(a, obs, "A's second text, typed during the sync")

    proxy.on_request = type_during_push
    a.sync.sync()
    assert typed
    proxy.on_request = None
    a.sync.sync()
    b.sync.sync()
    a.sync.sync()
    wanted = {"B's text", "A's first text", "A's second text, typed during the sync"}
    for ctx in (a, b):
        assert wanted <= _texts(ctx, obs)
        for item in ctx.sync.conflicts():  # "kept" is what the record holds
            assert item.kept_value == _notes(ctx, obs)
    assert table_contents(a) == table_contents(b)
    # keeping what the view says is kept keeps it
    for item in a.sync.conflicts():
        a.sync.resolve(item.id, "kept")
    a.sync.sync()
    b.sync.sync()
    assert _notes(a, obs) == _notes(b, obs) == "B's text"


def test_a_conflict_shows_the_record_as_it_is_now(live_server, devices: Devices) -> None:  # type: ignore[no-untyped-def]
    server = live_server("sqlite")
    server.add_user("Fictional Assessor", "assessor")
    a = devices.enrolled("a", server, "Fictional Assessor")
    b = devices.enrolled("b", server, "Fictional Assessor")
    obs = add_portfolio(a)["evidence"][0]
    a.sync.sync()
    b.sync.sync()
    _set(a, obs, "A1")
    _set(b, obs, "B1")
    a.sync.sync()
    b.sync.sync()  # conflict: the server keeps A1, B1 is the other version
    assert _notes(b, obs) == "A1"
    _set(b, obs, "A1, then more written on B")  # B goes on writing on top of what it sees
    b.sync.sync()
    a.sync.sync()
    [item] = a.sync.conflicts()
    assert item.kept_value == "A1, then more written on B" == _notes(a, obs)
    assert item.other_value == "B1"
    a.sync.resolve(item.id, "merged", item.kept_value + "\n" + item.other_value)
    a.sync.sync()
    b.sync.sync()
    assert _notes(b, obs) == "A1, then more written on B\nB1"
    assert table_contents(a) == table_contents(b)


def test_a_cut_conflicting_push_replayed_after_another_edit_keeps_every_text(
        proxied, devices: Devices) -> None:  # type: ignore[no-untyped-def]
    from assessor_app.sync.client import SyncError

    server, proxy = proxied
    a = devices.enrolled("a", server, "Fictional Assessor", url=proxy.url)
    b = devices.enrolled("b", server, "Fictional Assessor")
    obs = add_portfolio(a)["evidence"][0]
    a.sync.sync()
    b.sync.sync()
    _set(b, obs, "B's text")
    b.sync.sync()
    _set(a, obs, "A's first text")
    proxy.arm(0, "response")  # the server commits the batch (a conflict); the answer is lost
    with pytest.raises(SyncError):
        a.sync.sync()
    _set(a, obs, "A's second text, after the cut")
    a.sync.sync()  # replays the same batch id, then sends the newer text
    b.sync.sync()
    a.sync.sync()
    wanted = {"B's text", "A's first text", "A's second text, after the cut"}
    for ctx in (a, b):
        assert wanted <= _texts(ctx, obs)
        for item in ctx.sync.conflicts():
            assert item.kept_value == _notes(ctx, obs)
    assert table_contents(a) == table_contents(b)
