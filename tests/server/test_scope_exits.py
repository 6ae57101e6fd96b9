"""Scope exits in the pull protocol, on SQLite and PostgreSQL: a device is told which
practitioners (or moved records) left its user's scope since its cursor, only while that is
still true; a protocol 1 device is stopped with "update the app" rather than told nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from assessor_app.server.config import ServerError
from assessor_app.sync.protocol import PROTOCOL_HEADER, PullPage
from tests.server.conftest import Device, new_id, practitioner_tree, row, unique


def _user(server, devices, role: str) -> Device:  # type: ignore[no-untyped-def]
    name = unique(role.title())
    server.add_user(name, role)
    d = Device(server, name)
    devices.append(d)
    return d


def _pull(dev: Device, cursor: str = "0", limit: int = 500,
          protocol: str | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str]:
    """Every page after ``cursor``: (rows, revoked, cursor)."""
    rows: list[dict[str, Any]] = []
    revoked: list[dict[str, Any]] = []
    headers = {PROTOCOL_HEADER: protocol} if protocol else None
    while True:
        r = dev.http.get("/v1/pull", params={"cursor": cursor, "limit": limit}, headers=headers)
        assert r.status_code == 200, r.text
        page = r.json()
        PullPage.model_validate(page)
        rows.extend(page["rows"])
        revoked.extend(page.get("revoked", []))
        assert int(page["cursor"]) >= int(cursor)
        cursor = page["cursor"]
        if not page["more"]:
            return rows, revoked, cursor


def _seed(server, devices, n: int = 1) -> tuple[Device, list[dict[str, Any]]]:  # type: ignore[no-untyped-def]
    """A coordinator device that pushed ``n`` practitioner trees."""
    coord = _user(server, devices, "coordinator")
    trees = [practitioner_tree(name=unique("Pat")) for _ in range(n)]
    coord.push_ok([r for t in trees for r in t["rows"]])
    return coord, trees


def test_unassigned_practitioner_is_revoked_once_and_its_rows_stop(server, devices) -> None:  # type: ignore[no-untyped-def]
    _coord, [tree] = _seed(server, devices)
    a = _user(server, devices, "assessor")
    server.assign(a.user, tree["pid"])
    rows, revoked, cursor = _pull(a)
    assert tree["pid"] in {r["id"] for r in rows} and revoked == []

    server.unassign(a.user, tree["pid"])
    rows, revoked, cursor2 = _pull(a, cursor)
    assert rows == []
    assert [(x["practitioner_id"], x["table"], x["id"], x["reason"]) for x in revoked] == [
        (tree["pid"], None, None, "unassigned")]
    # told once: past the cursor it is not sent again
    assert _pull(a, cursor2)[:2] == ([], [])
    # a device that never held it (cursor 0) is told too; holding nothing, it drops nothing
    fresh = Device(server, a.user)
    devices.append(fresh)
    rows, revoked, _ = _pull(fresh)
    assert tree["pid"] not in {r["id"] for r in rows}
    assert [x["practitioner_id"] for x in revoked] == [tree["pid"]]


def test_an_exit_undone_by_a_later_assignment_is_not_sent(server, devices) -> None:  # type: ignore[no-untyped-def]
    _coord, [tree] = _seed(server, devices)
    a = _user(server, devices, "assessor")
    server.assign(a.user, tree["pid"])
    _rows, _rev, cursor = _pull(a)
    server.unassign(a.user, tree["pid"])
    assert [x["practitioner_id"] for x in _pull(a, cursor)[1]] == [tree["pid"]]
    server.assign(a.user, tree["pid"])
    rows, revoked, _ = _pull(a, cursor)  # the same cursor, after the assignment came back
    assert revoked == []  # in scope again: nothing to drop
    assert {x["id"] for x in tree["rows"]} <= {r["id"] for r in rows}  # re-stamped, re-sent


def test_reassign_moves_the_practitioner_and_tells_only_the_old_assessor(server, devices) -> None:  # type: ignore[no-untyped-def]
    _coord, [tree] = _seed(server, devices)
    a, b = _user(server, devices, "assessor"), _user(server, devices, "assessor")
    mgr = _user(server, devices, "manager")
    for who in (a, mgr):
        server.assign(who.user, tree["pid"])
    cursors = {d.user: _pull(d)[2] for d in (a, b, mgr)}
    server.reassign(tree["pid"], b.user)
    _rows, revoked, _ = _pull(a, cursors[a.user])
    assert [(x["practitioner_id"], x["reason"]) for x in revoked] == [(tree["pid"], "reassigned")]
    rows, revoked, _ = _pull(b, cursors[b.user])
    assert revoked == [] and {x["id"] for x in tree["rows"]} <= {r["id"] for r in rows}
    assert _pull(mgr, cursors[mgr.user])[1] == []  # the line manager keeps theirs


def test_coordinators_are_never_sent_exits(server, devices) -> None:  # type: ignore[no-untyped-def]
    coord, [tree] = _seed(server, devices)
    a = _user(server, devices, "assessor")
    server.assign(a.user, tree["pid"])
    server.unassign(a.user, tree["pid"])
    assert [x["practitioner_id"] for x in _pull(a)[1]] == [tree["pid"]]
    assert _pull(coord)[1] == []


def test_a_record_moved_to_another_practitioner_is_revoked_where_the_new_one_is_not_read(
        server, devices) -> None:  # type: ignore[no-untyped-def]
    coord, [one, two] = _seed(server, devices, 2)
    only_one, both, only_two = (_user(server, devices, "assessor") for _ in range(3))
    server.assign(only_one.user, one["pid"])
    server.assign(both.user, one["pid"])
    server.assign(both.user, two["pid"])
    server.assign(only_two.user, two["pid"])
    cursors = {d.user: _pull(d)[2] for d in (only_one, both, only_two)}
    enrol = one["rows"][1]["fields"]
    [moved] = coord.push_ok([row("enrolment", one["enrolment"],
                                 {**enrol, "practitioner_id": two["pid"]}, base_rev=1)])
    assert moved["status"] == "accepted"

    rows, revoked, _ = _pull(only_one, cursors[only_one.user])
    assert rows == []
    assert [(x["practitioner_id"], x["table"], x["id"], x["reason"]) for x in revoked] == [
        (one["pid"], "enrolment", one["enrolment"], "moved")]
    rows, revoked, _ = _pull(both, cursors[both.user])
    assert revoked == [] and one["enrolment"] in {r["id"] for r in rows}
    rows, revoked, _ = _pull(only_two, cursors[only_two.user])
    assert revoked == []
    assert {one["enrolment"], one["evidence"], one["observation"]} <= {r["id"] for r in rows}


def test_exits_interleave_with_rows_across_pages(server, devices) -> None:  # type: ignore[no-untyped-def]
    coord, trees = _seed(server, devices, 3)
    a = _user(server, devices, "assessor")
    for t in trees:
        server.assign(a.user, t["pid"])
    _rows, _rev, cursor = _pull(a)
    server.unassign(a.user, trees[0]["pid"])
    coord.push_ok([row("evidence", new_id(), {"enrolment_id": trees[1]["enrolment"],
                                              "title": "New 0"})])
    server.unassign(a.user, trees[2]["pid"])
    for limit in (1, 2, 500):
        rows, revoked, _ = _pull(a, cursor, limit=limit)
        assert [x["practitioner_id"] for x in revoked] == [trees[0]["pid"], trees[2]["pid"]]
        assert [r["fields"]["title"] for r in rows] == ["New 0"]


def test_a_protocol_1_device_is_asked_to_update_instead_of_being_told_nothing(server, devices) -> None:  # type: ignore[no-untyped-def]
    _coord, [tree] = _seed(server, devices)
    a = _user(server, devices, "assessor")
    server.assign(a.user, tree["pid"])
    rows, _rev, cursor = _pull(a, protocol="1")
    assert tree["pid"] in {r["id"] for r in rows}
    r = a.http.get("/v1/pull", params={"cursor": cursor}, headers={PROTOCOL_HEADER: "1"})
    assert r.status_code == 200 and "revoked" not in r.json()  # the shape it knows
    server.unassign(a.user, tree["pid"])
    r = a.http.get("/v1/pull", params={"cursor": cursor}, headers={PROTOCOL_HEADER: "1"})
    assert r.status_code == 426
    detail = r.json()["detail"]
    assert detail["code"] == "update_needed" and "Update the app" in detail["message"]
    assert _pull(a, cursor)[1]  # the current protocol is told


def test_role_changes_remove_and_bring_practitioners(server, devices) -> None:  # type: ignore[no-untyped-def]
    _coord, [kept, other] = _seed(server, devices, 2)
    user = _user(server, devices, "coordinator")
    _rows, revoked, cursor = _pull(user)
    assert revoked == []
    server.set_role(user.user, "assessor")
    server.assign(user.user, kept["pid"])
    rows, revoked, cursor = _pull(user, cursor)
    assert other["pid"] in {x["practitioner_id"] for x in revoked}
    assert kept["pid"] not in {x["practitioner_id"] for x in revoked}
    assert {x["reason"] for x in revoked} == {"role"}
    server.set_role(user.user, "coordinator")
    rows, revoked, _ = _pull(user, cursor)
    assert revoked == [] and {x["id"] for x in other["rows"]} <= {r["id"] for r in rows}


def test_unassign_says_plainly_what_is_wrong(server, devices) -> None:  # type: ignore[no-untyped-def]
    _coord, [tree] = _seed(server, devices)
    a = _user(server, devices, "assessor")
    with pytest.raises(ServerError, match="not assigned"):
        server.unassign(a.user, tree["pid"])
    with pytest.raises(ServerError, match="no user called"):
        server.unassign("Nobody At All", tree["pid"])
    mgr = _user(server, devices, "manager")
    with pytest.raises(ServerError, match="not an assessor"):
        server.reassign(tree["pid"], mgr.user)


def test_protocol_header_missing_means_version_1(server, devices) -> None:  # type: ignore[no-untyped-def]
    _coord, [tree] = _seed(server, devices)
    a = _user(server, devices, "assessor")
    server.assign(a.user, tree["pid"])
    bare = {"Authorization": f"Bearer {a.token}"}
    r = httpx.get(f"{server.url}/v1/pull", headers=bare, timeout=30)
    assert r.status_code == 200 and "revoked" not in r.json()
    server.unassign(a.user, tree["pid"])
    r = httpx.get(f"{server.url}/v1/pull", headers=bare, timeout=30)
    assert r.status_code == 426 and r.json()["detail"]["code"] == "update_needed"
