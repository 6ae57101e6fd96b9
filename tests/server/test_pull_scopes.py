"""Pull by cursor in pages, and who sees and writes what: every role against another's data,
on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib

from assessor_app.sync.protocol import PullPage
from tests.server.conftest import Device, new_id, practitioner_tree, row, unique


def _user(server, devices, role: str, practitioner_id: str | None = None) -> Device:
    name = unique(role.title())
    server.add_user(name, role, practitioner_id)
    d = Device(server, name)
    devices.append(d)
    return d


def test_pull_pages_in_seq_order_and_resumes_from_the_cursor(server, devices) -> None:
    dev = _user(server, devices, "assessor")
    tree = practitioner_tree()
    extra = [row("evidence", new_id(), {"enrolment_id": tree["enrolment"], "title": f"E{i}"})
             for i in range(21)]
    dev.push_ok(tree["rows"] + extra)
    pages, cursor, seen = 0, "0", []
    while True:
        r = dev.http.get("/v1/pull", params={"cursor": cursor, "limit": 7})
        page = r.json()
        PullPage.model_validate(page)  # the hand-written JSON keeps to the protocol
        assert len(page["rows"]) <= 7
        seen.extend(page["rows"])
        pages += 1
        assert int(page["cursor"]) >= int(cursor)
        cursor = page["cursor"]
        if not page["more"]:
            break
    assert pages == 4
    assert len(seen) == 25 and len({r["id"] for r in seen}) == 25
    # nothing new: the same cursor comes back with no rows
    r = dev.http.get("/v1/pull", params={"cursor": cursor}).json()
    assert (r["rows"], r["cursor"], r["more"]) == ([], cursor, False)
    # an edit appears after the cursor
    dev.push_ok([row("evidence", extra[0]["id"], {**extra[0]["fields"], "title": "New"},
                     base_rev=1)])
    r = dev.http.get("/v1/pull", params={"cursor": cursor}).json()
    assert [x["fields"]["title"] for x in r["rows"]] == ["New"]


def test_bad_cursor_and_limit_are_4xx(server, devices) -> None:
    dev = _user(server, devices, "assessor")
    for params in ({"cursor": "abc"}, {"cursor": "-1"}, {"cursor": "9" * 30},
                   {"limit": 0}, {"limit": 10**9}):
        r = dev.http.get("/v1/pull", params=params)
        assert 400 <= r.status_code < 500, params
        assert r.json()["detail"]["message"]


def test_each_user_pulls_only_their_scope(server, devices) -> None:
    a = _user(server, devices, "assessor")
    b = _user(server, devices, "assessor")
    ta, tb = practitioner_tree(name=unique("Pat A")), practitioner_tree(name=unique("Pat B"))
    person = row("person", new_id(), {"name": "Employer-wide person"})
    a.push_ok([*ta["rows"], person])
    b.push_ok(tb["rows"])
    ids_a = {r["id"] for r in a.pull_all()[0]}
    ids_b = {r["id"] for r in b.pull_all()[0]}
    tree_a = {x["id"] for x in ta["rows"]}
    tree_b = {x["id"] for x in tb["rows"]}
    assert tree_a <= ids_a and not (tree_b & ids_a)
    assert tree_b <= ids_b and not (tree_a & ids_b)
    assert person["id"] in ids_a and person["id"] in ids_b  # employer-wide: everyone

    coord = _user(server, devices, "coordinator")
    ids_c = {r["id"] for r in coord.pull_all()[0]}
    assert tree_a | tree_b | {person["id"]} <= ids_c

    prac = _user(server, devices, "practitioner", practitioner_id=ta["pid"])
    ids_p = {r["id"] for r in prac.pull_all()[0]}
    assert tree_a <= ids_p and not (tree_b & ids_p)


def test_assignment_restamps_rows_so_devices_past_them_receive_them(server, devices) -> None:
    a = _user(server, devices, "assessor")
    tree = practitioner_tree(name=unique("Restamp"))
    a.push_ok(tree["rows"])
    mgr = _user(server, devices, "manager")
    before, cursor = mgr.pull_all()
    assert not ({x["id"] for x in tree["rows"]} & {r["id"] for r in before})
    server.assign(mgr.user, tree["pid"])
    after, _ = mgr.pull_all(cursor)
    assert {x["id"] for x in tree["rows"]} <= {r["id"] for r in after}
    # the assessor (already holding them) gets them again at the same revision: harmless
    assert all(r["rev"] == 1 for r in after if r["id"] in {x["id"] for x in tree["rows"]})


def test_assign_by_practitioner_name(server, devices) -> None:
    a = _user(server, devices, "assessor")
    name = unique("Named Practitioner")
    tree = practitioner_tree(name=name)
    a.push_ok(tree["rows"])
    second = _user(server, devices, "assessor")
    assert server.assign(second.user, name) == tree["pid"]
    assert tree["pid"] in {r["id"] for r in second.pull_all()[0]}


def _others_data(server, devices):  # type: ignore[no-untyped-def]
    """Another assessor's practitioner with evidence and an attachment blob."""
    owner = _user(server, devices, "assessor")
    tree = practitioner_tree(name=unique("Private"))
    data = b"private attachment bytes"
    sha = hashlib.sha256(data).hexdigest()
    r = owner.http.patch(f"/v1/blobs/{sha}", content=data,
                         headers={"Upload-Offset": "0", "Upload-Length": str(len(data))})
    assert r.status_code == 204
    att = row("attachment", new_id(), {"evidence_id": tree["evidence"], "content": sha,
                                       "filename": "x.pdf"})
    owner.push_ok([*tree["rows"], att])
    assert owner.http.get(f"/v1/blobs/{sha}").content == data
    return tree, sha


def test_every_role_is_refused_anothers_data_for_read_and_write(server, devices) -> None:
    tree, sha = _others_data(server, devices)
    own = practitioner_tree(name=unique("Own"))
    outsiders = [
        _user(server, devices, "assessor"),
        _user(server, devices, "manager"),
        _user(server, devices, "practitioner", practitioner_id=own["pid"]),
    ]
    obs_fields = {"evidence_id": tree["evidence"], "narrative": "Overwritten!", "strengths": ""}
    for dev in outsiders:
        role = dev.whoami["role"]
        pulled = {r["id"] for r in dev.pull_all()[0]}
        assert not (pulled & {x["id"] for x in tree["rows"]}), role
        assert dev.http.get(f"/v1/blobs/{sha}").status_code == 404, role
        res = dev.push_ok([
            row("observation", tree["observation"], obs_fields, base_rev=1),
            row("practitioner", tree["pid"], {"name": "Renamed"}, base_rev=1),
            row("evidence", new_id(), {"enrolment_id": tree["enrolment"], "title": "Sneaked"}),
            row("evidence", tree["evidence"], {"enrolment_id": tree["enrolment"],
                                               "title": "Deleted"}, base_rev=1, deleted=True),
        ])
        assert [r["status"] for r in res] == ["refused"] * 4, role
        assert all("scope" in r["reason"] for r in res), role
        assert all(r["row"] is None for r in res), role  # nothing of theirs is shown
    coord = _user(server, devices, "coordinator")
    rows = {r["id"]: r for r in coord.pull_all()[0]}
    assert rows[tree["observation"]]["fields"]["narrative"] == "Original text."
    assert rows[tree["pid"]]["fields"]["name"].startswith("Private")
    assert rows[tree["evidence"]]["deleted"] is False


def test_practitioner_users_write_their_own_records_only(server, devices) -> None:
    a = _user(server, devices, "assessor")
    tree = practitioner_tree(name=unique("Self"))
    a.push_ok(tree["rows"])
    me = _user(server, devices, "practitioner", practitioner_id=tree["pid"])
    mine = new_id()
    res = me.push_ok([
        row("evidence", mine, {"enrolment_id": tree["enrolment"], "title": "My reflection",
                               "author_role": "practitioner"}),
        row("reflection", new_id(), {"evidence_id": mine, "body": "My reflection"}),
        row("person", new_id(), {"name": "Not allowed"}),
        row("practitioner", new_id(), {"name": "Someone new"}),
    ])
    assert [r["status"] for r in res] == ["accepted", "accepted", "refused", "refused"]
    assert tree["pid"] in {r["id"] for r in me.pull_all()[0]}


def test_an_assessor_who_creates_a_practitioner_owns_them(server, devices) -> None:
    a = _user(server, devices, "assessor")
    tree = practitioner_tree()
    a.push_ok(tree["rows"][:1])
    res = a.push_ok(tree["rows"][1:])  # a later batch: the practitioner is now in scope
    assert [r["status"] for r in res] == ["accepted"] * 3
