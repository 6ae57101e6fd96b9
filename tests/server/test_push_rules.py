"""Push rules beyond the merge: signing an older revision, moves between practitioners,
what a practitioner user may write."""

from __future__ import annotations

from sqlalchemy import select

from assessor_app.server.models import SyncRow
from tests.server.conftest import Device, new_id, practitioner_tree, row, unique


def _assessor(server, devices, n: int = 1) -> list[Device]:  # type: ignore[no-untyped-def]
    name = unique("Assessor")
    server.add_user(name, "assessor")
    made = [Device(server, name) for _ in range(n)]
    devices.extend(made)
    return made


def test_signing_an_older_revision_keeps_what_was_signed_and_lists_edits_made_meanwhile(
        server, devices) -> None:  # type: ignore[no-untyped-def]
    a, b = _assessor(server, devices, 2)
    tree = practitioner_tree()
    a.push_ok(tree["rows"])
    ev = tree["evidence"]
    base = tree["rows"][2]["fields"]
    b.push_ok([row("evidence", ev, {**base, "title": "Renamed on B", "notes": "B's note"},
                   base_rev=1)])
    signed = {**base, "status": "signed", "signed_at": "2026-11-20T10:00:00+00:00"}
    [res] = a.push_ok([row("evidence", ev, signed, base_rev=1)])
    assert res["status"] == "conflict"
    fields = res["row"]["fields"]
    assert fields["status"] == "signed" and fields["title"] == "Home visit"  # as A signed it
    assert fields["notes"] == "B's note"  # a field A's device does not hold is not lost either
    pulled, _ = b.pull_all()
    conflicts = {c["fields"]["field"]: c["fields"] for c in pulled if c["table"] == "conflict"
                 and c["id"] in res["conflict_ids"]}
    assert set(conflicts) == {"title"}
    c = conflicts["title"]
    assert (c["kept_value"], c["other_value"], c["base_value"]) == \
        ("Home visit", "Renamed on B", "Home visit")
    assert c["other_user"] == b.user and c["other_device"]
    # and the signed record now refuses edits as any signed record does
    [again] = b.push_ok([row("evidence", ev, {**fields, "title": "Later"}, base_rev=res["rev"])])
    assert again["status"] == "refused"


def test_signing_from_the_current_revision_is_a_plain_accept(server, devices) -> None:  # type: ignore[no-untyped-def]
    (a,) = _assessor(server, devices)
    tree = practitioner_tree()
    a.push_ok(tree["rows"])
    [res] = a.push_ok([row("evidence", tree["evidence"],
                           {**tree["rows"][2]["fields"], "status": "signed"}, base_rev=1)])
    assert res["status"] == "accepted" and res["conflict_ids"] == []


def _practitioner_and_assessor(server, devices):  # type: ignore[no-untyped-def]
    (a,) = _assessor(server, devices)
    tree = practitioner_tree(name=unique("Self"))
    fa, review = new_id(), new_id()
    enrol = tree["enrolment"]
    tree["fa"], tree["review"] = fa, review
    tree["fa_fields"] = {"enrolment_id": enrol, "recommendation": "pass", "rationale": "Met.",
                         "practitioner_comments": "", "status": "draft"}
    tree["review_fields"] = {"enrolment_id": enrol, "judgement": "on_track", "reasons": "Fine.",
                             "comments": {"assessor": "Good progress."}, "signoffs": {}}
    a.push_ok(tree["rows"] + [row("final_assessment", fa, tree["fa_fields"]),
                              row("review", review, tree["review_fields"])])
    name = unique("Practitioner")
    server.add_user(name, "practitioner", tree["pid"])
    me = Device(server, name)
    devices.append(me)
    return a, me, tree


def test_a_practitioner_writes_their_own_part_but_not_the_assessors_judgements(
        server, devices) -> None:  # type: ignore[no-untyped-def]
    _a, me, tree = _practitioner_and_assessor(server, devices)
    obs = tree["rows"][3]["fields"]
    fa, rv = tree["fa_fields"], tree["review_fields"]
    res = me.push_ok([
        row("final_assessment", tree["fa"], {**fa, "practitioner_comments": "I agree."},
            base_rev=1),
        row("review", tree["review"], {**rv, "comments": {**rv["comments"],
                                                          "practitioner": "Thank you."},
                                       "signoffs": {"practitioner": "2026-11-20"}}, base_rev=1),
        row("observation", tree["observation"], {**obs, "practitioner_reflection": "I learnt."},
            base_rev=1),
    ])
    assert [r["status"] for r in res] == ["accepted"] * 3, res
    refused = me.push_ok([
        row("final_assessment", tree["fa"], {**fa, "practitioner_comments": "I agree.",
                                             "recommendation": "fail"}, base_rev=2),
        row("review", tree["review"], {**rv, "judgement": "serious_concerns",
                                       "comments": {"assessor": "Rewritten.",
                                                    "practitioner": "Thank you."},
                                       "signoffs": {"practitioner": "2026-11-20"}},
            base_rev=2),
        row("observation", tree["observation"], {**obs, "practitioner_reflection": "I learnt.",
                                                 "assessor_judgement": "Outstanding!"},
            base_rev=2),
        row("evidence", tree["evidence"], {"enrolment_id": tree["enrolment"],
                                           "title": "Renamed", "status": "draft"}, base_rev=1),
        row("evidence", new_id(), {"enrolment_id": tree["enrolment"], "title": "Posing",
                                   "author_role": "assessor"}),
        row("enrolment", tree["enrolment"], {"practitioner_id": tree["pid"],
                                             "status": "completed"}, base_rev=1),
        row("observation", tree["observation"], obs, base_rev=2, deleted=True),
    ])
    assert [r["status"] for r in refused] == ["refused"] * 7
    assert "judgement is not theirs" in refused[0]["reason"]
    assert "other parties" in refused[1]["reason"]
    assert "judgement is not theirs" in refused[2]["reason"]
    assert "evidence they wrote" in refused[3]["reason"]
    assert "read but not change enrolment" in refused[5]["reason"]
    assert refused[0]["row"]["fields"]["recommendation"] == "pass"  # the server's row comes back


def test_the_assessor_still_writes_everything_in_scope(server, devices) -> None:  # type: ignore[no-untyped-def]
    a, _me, tree = _practitioner_and_assessor(server, devices)
    [res] = a.push_ok([row("final_assessment", tree["fa"],
                           {**tree["fa_fields"], "recommendation": "fail"}, base_rev=1)])
    assert res["status"] == "accepted"


def test_moving_a_row_to_another_practitioner_takes_its_children_along(server, devices) -> None:  # type: ignore[no-untyped-def]
    a, b = _assessor(server, devices, 2)
    one, two = practitioner_tree(name=unique("One")), practitioner_tree(name=unique("Two"))
    a.push_ok(one["rows"] + two["rows"][:1])
    obs = one["rows"][3]["fields"]
    # a conflict on the observation, so there is a conflict row to carry along too
    a.push_ok([row("observation", one["observation"], {**obs, "narrative": "A."}, base_rev=1)])
    [c] = b.push_ok([row("observation", one["observation"], {**obs, "narrative": "B."},
                         base_rev=1)])
    enrol = one["rows"][1]["fields"]
    [moved] = a.push_ok([row("enrolment", one["enrolment"],
                             {**enrol, "practitioner_id": two["pid"]}, base_rev=1)])
    assert moved["status"] == "accepted"
    with server.engine.begin() as conn:
        scopes = dict(conn.execute(select(SyncRow.id, SyncRow.practitioner_id).where(
            SyncRow.id.in_([one["enrolment"], one["evidence"], one["observation"],
                            *c["conflict_ids"]]))).all())
    assert set(scopes.values()) == {two["pid"]}
    # a user assigned only the second practitioner now receives the whole moved tree
    name = unique("Manager")
    server.add_user(name, "manager")
    server.assign(name, two["pid"])
    mgr = Device(server, name)
    devices.append(mgr)
    got = {r["id"]: r for r in mgr.pull_all()[0]}
    assert {one["enrolment"], one["evidence"], one["observation"], *c["conflict_ids"]} <= set(got)
    assert got[c["conflict_ids"][0]]["fields"]["practitioner_id"] == two["pid"]
    assert one["pid"] not in got


def _patch(dev: Device, sha: str, data: bytes, offset: int = 0):  # type: ignore[no-untyped-def]
    return dev.http.patch(f"/v1/blobs/{sha}", content=data, headers={
        "Upload-Offset": str(offset), "Upload-Length": str(offset + len(data))})


def test_a_file_already_on_the_server_is_named_only_by_who_sends_its_bytes(
        server, devices) -> None:  # type: ignore[no-untyped-def]
    import hashlib

    a, = _assessor(server, devices)
    b, = _assessor(server, devices)
    data = b"fictional shared leaflet " * 40
    sha = hashlib.sha256(data).hexdigest()
    assert _patch(a, sha, data).status_code == 204
    assert a.http.head(f"/v1/blobs/{sha}").status_code == 200  # the uploader holds it
    head = b.http.head(f"/v1/blobs/{sha}")
    assert (head.status_code, head.headers["Upload-Offset"]) == (404, "0")  # b must send it
    tree = practitioner_tree()
    b.push_ok(tree["rows"])
    att = row("attachment", new_id(), {"evidence_id": tree["evidence"], "filename": "l.pdf",
                                       "size": len(data), "sha256": sha, "content": sha})
    [res] = b.push_ok([att])
    assert res["status"] == "refused" and "was not uploaded from this account" in res["reason"]
    wrong = b.http.patch(f"/v1/blobs/{sha}", content=b"x" * len(data), headers={
        "Upload-Offset": "0", "Upload-Length": str(len(data))})
    assert wrong.status_code == 409
    half = len(data) // 2
    first = b.http.patch(f"/v1/blobs/{sha}", content=data[:half], headers={
        "Upload-Offset": "0", "Upload-Length": str(len(data))})
    assert (first.status_code, first.headers["Upload-Offset"]) == (204, str(half))
    rest = b.http.patch(f"/v1/blobs/{sha}", content=data[half:], headers={
        "Upload-Offset": str(half), "Upload-Length": str(len(data))})
    assert rest.status_code == 204
    assert b.http.head(f"/v1/blobs/{sha}").status_code == 200
    [res] = b.push_ok([att])
    assert res["status"] == "accepted"
    assert b.http.get(f"/v1/blobs/{sha}").content == data
