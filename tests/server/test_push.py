"""Push against a real server on SQLite and PostgreSQL: accept, merge, conflict, refuse,
idempotent replay, one transaction per batch."""

from __future__ import annotations

import hashlib
import uuid

from sqlalchemy import func, select

from assessor_app.server.models import SyncRow, SyncRowVersion
from assessor_app.sync.protocol import PushResponse
from tests.server.conftest import Device, new_id, practitioner_tree, row, unique


def _assessor(server, devices, n: int = 1) -> list[Device]:
    name = unique("Assessor")
    server.add_user(name, "assessor")
    made = [Device(server, name) for _ in range(n)]
    devices.extend(made)
    return made


def test_new_rows_are_accepted_at_rev_1_with_rising_seqs(server, devices) -> None:
    (dev,) = _assessor(server, devices)
    tree = practitioner_tree()
    results = dev.push_ok(tree["rows"])
    assert [r["status"] for r in results] == ["accepted"] * 4
    assert [r["rev"] for r in results] == [1, 1, 1, 1]
    seqs = [r["seq"] for r in results]
    assert seqs == sorted(seqs) and len(set(seqs)) == 4
    pulled, _ = dev.pull_all()
    by_id = {r["id"]: r for r in pulled}
    assert by_id[tree["observation"]]["fields"]["narrative"] == "Original text."
    assert by_id[tree["observation"]]["rev"] == 1


def test_children_before_parents_in_one_batch_are_applied_in_rank_order(server, devices) -> None:
    (dev,) = _assessor(server, devices)
    tree = practitioner_tree()
    results = dev.push_ok(list(reversed(tree["rows"])))
    assert [r["status"] for r in results] == ["accepted"] * 4
    assert results[0]["id"] == tree["observation"]  # answers keep the request's order


def test_edit_from_current_rev_is_accepted(server, devices) -> None:
    (dev,) = _assessor(server, devices)
    tree = practitioner_tree()
    dev.push_ok(tree["rows"])
    res = dev.push_ok([row("observation", tree["observation"],
                           {"evidence_id": tree["evidence"], "narrative": "Edited.",
                            "strengths": "Clear."}, base_rev=1)])
    assert res[0]["status"] == "accepted" and res[0]["rev"] == 2


def test_different_fields_edited_on_two_devices_merge(server, devices) -> None:
    a, b = _assessor(server, devices, 2)
    tree = practitioner_tree()
    a.push_ok(tree["rows"])
    obs = tree["observation"]
    base = {"evidence_id": tree["evidence"], "narrative": "Original text.", "strengths": "Clear."}
    a.push_ok([row("observation", obs, {**base, "narrative": "A's narrative."}, base_rev=1)])
    res = b.push_ok([row("observation", obs, {**base, "strengths": "B's strengths."},
                         base_rev=1)])
    assert res[0]["status"] == "merged"
    assert res[0]["rev"] == 3
    merged = res[0]["row"]["fields"]
    assert merged["narrative"] == "A's narrative."
    assert merged["strengths"] == "B's strengths."
    pulled, _ = a.pull_all()
    latest = [r for r in pulled if r["id"] == obs][-1]
    assert latest["fields"] == merged


def test_same_field_edited_on_both_is_a_conflict_keeping_both_texts(server, devices) -> None:
    a, b = _assessor(server, devices, 2)
    tree = practitioner_tree(name="Conflict Case")
    a.push_ok(tree["rows"])
    obs = tree["observation"]
    base = {"evidence_id": tree["evidence"], "narrative": "Original text.", "strengths": "Clear."}
    a.push_ok([row("observation", obs, {**base, "narrative": "Text from A."}, base_rev=1)])
    res = b.push_ok([row("observation", obs, {**base, "narrative": "Text from B.",
                                              "strengths": "Also B."}, base_rev=1)])
    r = res[0]
    assert r["status"] == "conflict"
    assert len(r["conflict_ids"]) == 1
    assert r["row"]["fields"]["narrative"] == "Text from A."  # the server kept its value
    assert r["row"]["fields"]["strengths"] == "Also B."  # the other field still merged
    pulled, _ = a.pull_all()
    conflicts = [x for x in pulled if x["table"] == "conflict"]
    assert [c["id"] for c in conflicts] == r["conflict_ids"]
    f = conflicts[0]["fields"]
    assert f["practitioner_id"] == tree["pid"]
    assert (f["entity"], f["entity_id"], f["field"]) == ("observation", obs, "narrative")
    assert f["kept_value"] == "Text from A."
    assert f["other_value"] == "Text from B."
    assert f["base_value"] == "Original text."
    assert f["other_user"] == b.user and f["other_device"]
    assert (f["resolution"], f["resolved_by"], f["resolved_at"]) == ("", "", None)
    # the device that lost the field sees the conflict too, and can resolve it like any edit
    pulled_b, _ = b.pull_all()
    assert r["conflict_ids"][0] in {x["id"] for x in pulled_b}
    res = b.push_ok([row("conflict", r["conflict_ids"][0],
                         {**f, "resolution": "other", "resolved_by": b.user}, base_rev=1)])
    assert res[0]["status"] == "accepted"


def test_delete_against_an_edit_keeps_the_edit(server, devices) -> None:
    a, b = _assessor(server, devices, 2)
    tree = practitioner_tree()
    a.push_ok(tree["rows"])
    obs = tree["observation"]
    base = {"evidence_id": tree["evidence"], "narrative": "Original text.", "strengths": "Clear."}
    a.push_ok([row("observation", obs, {**base, "narrative": "Kept edit."}, base_rev=1)])
    res = b.push_ok([row("observation", obs, base, base_rev=1, deleted=True)])
    assert res[0]["status"] == "merged"
    assert res[0]["row"]["deleted"] is False
    assert res[0]["row"]["fields"]["narrative"] == "Kept edit."
    # a plain delete from the current revision is a tombstone that syncs
    res = b.push_ok([row("observation", obs, res[0]["row"]["fields"], base_rev=3, deleted=True)])
    assert res[0]["status"] == "accepted"
    pulled, _ = a.pull_all()
    assert [r for r in pulled if r["id"] == obs][-1]["deleted"] is True


def test_signed_and_immutable_rows_are_refused_with_a_reason(server, devices) -> None:
    (dev,) = _assessor(server, devices)
    tree = practitioner_tree()
    ev = tree["evidence"]
    rows = tree["rows"]
    rows[2]["fields"]["status"] = "signed"
    rows[2]["fields"]["signed_at"] = "2026-11-01T10:00:00+00:00"
    doc, sig = new_id(), new_id()
    doc_fields = {"enrolment_id": tree["enrolment"], "kind": "final", "content": "ab" * 32,
                  "sha256": "ab" * 32}
    sig_fields = {"document_id": doc, "signer_name": "A", "role": "assessor"}
    rows += [row("document", doc, doc_fields), row("signature", sig, sig_fields)]
    dev.push_ok(rows)
    res = dev.push_ok([
        row("evidence", ev, {**rows[2]["fields"], "title": "Changed"}, base_rev=1),
        row("document", doc, {**doc_fields, "kind": "changed"}, base_rev=1),
        row("signature", sig, {**sig_fields, "role": "manager"}, base_rev=1),
        row("document", doc, doc_fields, base_rev=1, deleted=True),
    ])
    assert [r["status"] for r in res] == ["refused"] * 4
    assert "signed on 2026-11-01" in res[0]["reason"] and "new version" in res[0]["reason"]
    assert res[0]["row"]["fields"]["title"] == "Home visit"
    assert "only a further signature" in res[1]["reason"]
    assert res[1]["row"]["fields"]["kind"] == "final"
    assert res[2]["row"]["fields"]["role"] == "assessor"
    assert "cannot be deleted" in res[3]["reason"]
    # re-sending exactly what the server has is not an edit: accepted, nothing changes
    same = dev.push_ok([row("document", doc, doc_fields)])
    assert same[0]["status"] == "accepted" and same[0]["rev"] == 1


def _upload(dev: Device, data: bytes) -> str:
    sha = hashlib.sha256(data).hexdigest()
    r = dev.http.patch(f"/v1/blobs/{sha}", content=data,
                       headers={"Upload-Offset": "0", "Upload-Length": str(len(data))})
    assert r.status_code == 204, r.text
    return sha


def test_an_unsigned_document_may_change(server, devices) -> None:
    (dev,) = _assessor(server, devices)
    tree = practitioner_tree()
    doc = new_id()
    first = _upload(dev, b"%PDF-1.7 first draft")
    fields = {"enrolment_id": tree["enrolment"], "kind": "final", "content": first,
              "sha256": first}
    dev.push_ok([*tree["rows"], row("document", doc, fields)])
    second = _upload(dev, b"%PDF-1.7 rewritten with signature fields")
    res = dev.push_ok([row("document", doc, {**fields, "content": second, "sha256": second},
                           base_rev=1)])
    assert res[0]["status"] == "accepted" and res[0]["rev"] == 2


def test_a_signed_document_only_grows_by_a_further_signature(server, devices) -> None:
    (dev,) = _assessor(server, devices)
    tree = practitioner_tree()
    doc = new_id()
    signed = b"%PDF-1.7 report signed by the assessor"
    first = _upload(dev, signed)
    fields = {"enrolment_id": tree["enrolment"], "kind": "final", "content": first,
              "sha256": first}
    dev.push_ok([*tree["rows"], row("document", doc, fields),
                 row("signature", new_id(), {"document_id": doc, "role": "assessor"})])
    rewrite = _upload(dev, b"%PDF-1.7 a different report altogether, longer than before")
    res = dev.push_ok([row("document", doc, {**fields, "content": rewrite, "sha256": rewrite},
                           base_rev=1)])
    assert res[0]["status"] == "refused"
    assert "does not extend" in res[0]["reason"]
    missing = "cd" * 32
    res = dev.push_ok([row("document", doc, {**fields, "content": missing, "sha256": missing},
                           base_rev=1)])
    assert res[0]["status"] == "refused" and "not reached the server" in res[0]["reason"]
    counter = _upload(dev, signed + b"\n% incremental update: the manager's signature")
    res = dev.push_ok([
        row("document", doc, {**fields, "content": counter, "sha256": counter}, base_rev=1),
        row("signature", new_id(), {"document_id": doc, "role": "manager"}),
    ])
    assert [r["status"] for r in res] == ["accepted", "accepted"]
    assert res[0]["rev"] == 2


def test_missing_parent_and_bad_rows_are_refused(server, devices) -> None:
    (dev,) = _assessor(server, devices)
    res = dev.push_ok([
        row("evidence", new_id(), {"enrolment_id": new_id(), "title": "Orphan"}),
        row("no_such_table", new_id(), {}),
        row("attachment", new_id(), {"evidence_id": new_id(), "content": "raw bytes here"}),
        row("practitioner", new_id(), {"name": "Never sent"}, base_rev=4),
    ])
    assert [r["status"] for r in res] == ["refused"] * 4
    assert "not on the server" in res[0]["reason"]
    assert "does not sync" in res[1]["reason"] or "not a table" in res[1]["reason"]
    assert "sha256" in res[2]["reason"]
    assert "base_rev 0" in res[3]["reason"]


def test_replayed_batch_returns_the_same_answer_and_writes_once(server, devices) -> None:
    (dev,) = _assessor(server, devices)
    tree = practitioner_tree()
    batch_id = str(uuid.uuid4())
    first = dev.push(tree["rows"], batch_id)
    again = dev.push(tree["rows"], batch_id)
    assert first.status_code == again.status_code == 200
    PushResponse.model_validate(first.json())
    assert first.json() == again.json()
    with server.engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(SyncRowVersion)
                         .where(SyncRowVersion.id == tree["pid"])).scalar()
    assert n == 1
    other = dev.push(tree["rows"][:1], batch_id)
    assert other.status_code == 409
    assert "batch id" in other.json()["detail"]["message"]


def _install_failing_trigger(server, bad_id: str) -> None:
    """A real database trigger that makes inserting one row fail, part-way through a batch."""
    with server.engine.begin() as conn:
        if server.backend == "sqlite":
            conn.exec_driver_sql(
                f"CREATE TRIGGER fail_one BEFORE INSERT ON sync_rows WHEN NEW.id = '{bad_id}' "
                "BEGIN SELECT RAISE(ABORT, 'injected failure'); END")
        else:
            conn.exec_driver_sql(
                "CREATE OR REPLACE FUNCTION fail_one() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.id = '{bad_id}' THEN RAISE EXCEPTION 'injected failure'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql")
            conn.exec_driver_sql("CREATE TRIGGER fail_one BEFORE INSERT ON sync_rows "
                                 "FOR EACH ROW EXECUTE FUNCTION fail_one()")


def _drop_failing_trigger(server) -> None:
    with server.engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS fail_one" if server.backend == "sqlite"
                             else "DROP TRIGGER IF EXISTS fail_one ON sync_rows")


def test_a_batch_is_one_transaction(server, devices) -> None:
    """A batch that fails part-way (the database refuses its last row) leaves nothing behind,
    and the same batch id can be sent again once the problem is gone."""
    (dev,) = _assessor(server, devices)
    tree = practitioner_tree()
    bad = new_id()
    rows = tree["rows"] + [row("evidence", bad, {"enrolment_id": tree["enrolment"],
                                                  "title": "Fails"})]
    _install_failing_trigger(server, bad)
    try:
        batch_id = str(uuid.uuid4())
        r = dev.push(rows, batch_id)
        assert r.status_code == 500
        assert "saved nothing" in r.json()["detail"]["message"]
        with server.engine.connect() as conn:
            n = conn.execute(select(func.count()).select_from(SyncRow)
                             .where(SyncRow.id.in_([x["id"] for x in rows]))).scalar()
        assert n == 0
    finally:
        _drop_failing_trigger(server)
    again = dev.push(rows, batch_id)
    assert again.status_code == 200
    assert [x["status"] for x in again.json()["results"]] == ["accepted"] * 5


def test_text_the_database_cannot_hold_is_a_clear_422(server, devices) -> None:
    (dev,) = _assessor(server, devices)
    tree = practitioner_tree()
    rows = tree["rows"] + [row("evidence", new_id(), {"enrolment_id": tree["enrolment"],
                                                       "title": "bad\u0000nul"})]
    r = dev.push(rows)
    assert r.status_code == 422
    assert "NUL" in r.json()["detail"]["message"]
    with server.engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(SyncRow)
                         .where(SyncRow.id == tree["pid"])).scalar()
    assert n == 0
