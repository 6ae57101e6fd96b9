"""Who sees what, from real devices: each role's device pulls exactly its scope, and an
assignment made later brings that practitioner's whole record to the assessor's device."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sync.devices import Devices, add_portfolio, table_contents


def _ids(ctx, table: str) -> set[str]:  # type: ignore[no-untyped-def]
    return set(table_contents(ctx)[table])


def _tree_ids(ctx) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return {(t, i) for t, rows in table_contents(ctx).items() for i in rows}


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_each_role_pulls_its_own_scope(live_server, devices: Devices, backend: str) -> None:  # type: ignore[no-untyped-def]
    server = live_server(backend)
    server.add_user("Assessor One", "assessor")
    server.add_user("Assessor Two", "assessor")
    server.add_user("Coordinator", "coordinator")
    one = devices.enrolled("one", server, "Assessor One")
    first: dict[str, Any] = add_portfolio(one, "Fictional First", file_bytes=2048)
    second: dict[str, Any] = add_portfolio(one, "Fictional Second")
    assert one.sync.sync().refused == 0
    everything = _tree_ids(one)

    coordinator = devices.enrolled("coord", server, "Coordinator")
    coordinator.sync.sync()
    assert _tree_ids(coordinator) == everything

    server.add_user("Fictional First", "practitioner", practitioner_id=first["practitioner"])
    own = devices.enrolled("own", server, "Fictional First")
    own.sync.sync()
    assert _ids(own, "practitioner") == {first["practitioner"]}
    assert _ids(own, "evidence") == set(first["evidence"])
    assert len(_ids(own, "attachment")) == 1

    two = devices.enrolled("two", server, "Assessor Two")
    two.sync.sync()
    assert _ids(two, "practitioner") == set() and _ids(two, "evidence") == set()
    server.assign("Assessor Two", second["practitioner"])
    assert two.sync.sync().pulled == 1 + 1 + 4 * 3
    assert _ids(two, "practitioner") == {second["practitioner"]}
    assert _ids(two, "evidence") == set(second["evidence"])
    theirs, mine = table_contents(two), table_contents(one)
    for table, rows in theirs.items():  # what two holds is exactly one's version of it
        assert {i: mine[table][i] for i in rows} == rows
