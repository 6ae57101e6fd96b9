"""Push rules beyond the merge: signing an older revision, moves between practitioners,
what a practitioner user may write."""

from __future__ import annotations

from tests.server.conftest import Device, practitioner_tree, row, unique


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
