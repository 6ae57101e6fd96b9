"""The server's retention purge at the protocol level, on both backends: what it leaves
alone, the pushes it refuses afterwards, the files it deletes, and its command line.
(tests/sync/test_server_retention.py runs it with real laptops end to end.)"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from assessor_app.cli import main as cli_main
from assessor_app.domain import retention as policy
from assessor_app.server import retention
from assessor_app.server.models import Blob, SyncRowVersion
from assessor_app.server.retention_guard import REFUSAL
from tests.server.conftest import BACKENDS, Device, new_id, row, unique

TODAY = date(2026, 11, 23)
DAYS = 3 * 365
NOTES = "Fictional observation notes zebraprotocol about the visit."


@pytest.fixture(params=BACKENDS)
def server(request: pytest.FixtureRequest, live_server):  # type: ignore[no-untyped-def]
    return live_server(request.param)


@pytest.fixture
def dev(server, devices) -> Device:  # type: ignore[no-untyped-def]
    name = unique("Assessor")
    server.add_user(name, "assessor")
    d = Device(server, name)
    devices.append(d)
    return d


def _portfolio(dev: Device, completed: str = "2019-09-30") -> dict[str, Any]:
    """A closed portfolio with one observation whose notes hold text (rev 1 everywhere)."""
    pid, eid, evid = new_id(), new_id(), new_id()
    fields = {"evidence_id": evid, "notes": NOTES, "setting": "home visit"}
    dev.push_ok([
        row("practitioner", pid, {"name": "Fictional Practitioner"}),
        row("enrolment", eid, {"practitioner_id": pid, "status": "completed",
                               "completed_on": completed, "extension_reason": ""}),
        row("evidence", evid, {"enrolment_id": eid, "kind": "observation", "status": "final",
                               "title": "Direct observation"}),
        row("observation", evid, fields)])
    return {"practitioner": pid, "observation": evid, "fields": fields}


def _laptop_purge(dev: Device, p: dict[str, Any]) -> dict[str, Any]:
    """What a laptop's purge sends for the observation: its notes cleared (rev 2)."""
    cleared = {**p["fields"], **policy.clearing("observation", p["fields"])}
    assert dev.push_ok([row("observation", p["observation"], cleared, base_rev=1)])[0][
        "status"] == "accepted"
    return cleared


def _purge(server, **kw: Any) -> retention.ServerPurgeReport:  # type: ignore[no-untyped-def]
    return retention.purge(server.engine, DAYS, today=TODAY, **kw)


def _versions(server, row_id: str) -> list[SyncRowVersion]:  # type: ignore[no-untyped-def]
    with Session(server.engine) as s:
        return list(s.scalars(select(SyncRowVersion).where(
            SyncRowVersion.table_name == "observation", SyncRowVersion.id == row_id)
            .order_by(SyncRowVersion.rev)))


def test_history_of_records_still_holding_notes_is_left_whole(server, dev: Device) -> None:
    """No laptop has purged the portfolio: its history stays, so merges keep their base."""
    p = _portfolio(dev)
    edited = {**p["fields"], "setting": "school"}
    dev.push_ok([row("observation", p["observation"], edited, base_rev=1)])
    report = _purge(server)
    assert (report.counts["portfolios"], report.counts["waiting"]) == (1, 1)
    assert report.counts["versions"] == 0
    assert [v.fields["notes"] for v in _versions(server, p["observation"])] == [NOTES, NOTES]
    # an offline edit from rev 1 still merges against it as before
    res = dev.push_ok([row("observation", p["observation"],
                           {**p["fields"], "notes": NOTES + " More."}, base_rev=1)])[0]
    assert res["status"] == "merged"
    assert res["row"]["fields"] == {**edited, "notes": NOTES + " More."}


def test_recent_and_open_portfolios_are_not_touched(server, dev: Device) -> None:
    recent = _portfolio(dev, completed="2026-06-30")
    _laptop_purge(dev, recent)
    report = _purge(server)
    assert report.counts["portfolios"] == 0
    assert _versions(server, recent["observation"])[0].fields["notes"] == NOTES


def test_old_text_cannot_come_back_after_the_purge(server, dev: Device) -> None:
    p = _portfolio(dev)
    cleared = _laptop_purge(dev, p)
    report = _purge(server)
    assert (report.counts["records"], report.counts["versions"]) == (1, 1)
    first, second = _versions(server, p["observation"])
    assert first.fields == cleared and first.purged_at is not None
    assert second.purged_at is None  # the current version is never changed
    obs = p["observation"]

    # an edit from before the purge that carries the old notes: refused, without the row
    # (a device given the row would keep its notes as a conflict and send them back)
    for base in (1, 0):
        res = dev.push([row("observation", obs, {**p["fields"], "setting": "school"},
                            base_rev=base)]).json()["results"][0]
        assert (res["status"], res["reason"], res["row"]) == ("refused", REFUSAL, None)
    # a conflict row carrying the old notes about the purged record: refused too
    conflict = {"practitioner_id": p["practitioner"], "entity": "observation", "entity_id": obs,
                "field": "notes", "kept_value": "", "other_value": NOTES, "base_value": None,
                "other_user": "Fictional Assessor", "other_device": "laptop", "resolution": "",
                "resolved_by": "", "resolved_at": None}
    res = dev.push([row("conflict", new_id(), conflict)]).json()["results"][0]
    assert (res["status"], res["reason"]) == ("refused", REFUSAL)
    # once that device's own purge cleared its copy, the same edit merges (notes stay clear)
    res = dev.push_ok([row("observation", obs, {**cleared, "setting": "school"},
                           base_rev=1)])[0]
    assert res["status"] == "merged" and res["row"]["fields"] == {**cleared, "setting": "school"}
    settled = {**conflict, "kept_value": None, "other_value": None, "resolution": "kept"}
    assert dev.push_ok([row("conflict", new_id(), settled)])[0]["status"] == "accepted"
    # and an edit from the current revision is an ordinary edit
    res = dev.push_ok([row("observation", obs, {"notes": "New fictional note."},
                           base_rev=3)])[0]
    assert res["status"] == "accepted"


def _upload(dev: Device, data: bytes) -> str:
    sha = hashlib.sha256(data).hexdigest()
    r = dev.http.patch(f"/v1/blobs/{sha}", content=data, headers={
        "Upload-Offset": "0", "Upload-Length": str(len(data)),
        "Content-Type": "application/offset+octet-stream"})
    assert r.status_code == 204, r.text
    return sha


def test_files_no_record_names_are_deleted_but_not_a_fresh_upload(server, dev: Device) -> None:
    p = _portfolio(dev, completed="2026-06-30")  # nothing to purge: only the files
    named = _upload(dev, b"fictional named file")
    dev.push_ok([row("attachment", new_id(), {"evidence_id": p["observation"],
                                              "filename": "a.png", "content": named})])
    abandoned = _upload(dev, b"fictional abandoned upload")
    fresh = _upload(dev, b"fictional upload whose row is on its way")
    with server.engine.begin() as conn:
        conn.execute(update(Blob).where(Blob.sha256.in_([named, abandoned])).values(
            created_at=datetime.now(UTC) - timedelta(days=2)))
    assert _purge(server, dry_run=True).counts["files"] == 1
    report = _purge(server)
    assert report.counts["files"] == 1 and "1 file (26 bytes)" in report.describe()
    with server.engine.connect() as conn:
        assert set(conn.execute(select(Blob.sha256)).scalars()) == {named, fresh}
    assert dev.http.get(f"/v1/blobs/{named}").content == b"fictional named file"


def _cli(server, capsys, *args: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    code = cli_main(["--data-dir", str(server.data_dir), "server", "retention", *args,
                     "--database-url", server.database_url])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_period_comes_from_the_server_or_the_option(server, dev: Device, capsys) -> None:
    p = _portfolio(dev)
    _laptop_purge(dev, p)
    code, _, err = _cli(server, capsys, "purge", "--today", TODAY.isoformat())
    assert code == 2 and "No retention period is set on this server" in err
    assert "Traceback" not in err and _versions(server, p["observation"])[0].purged_at is None
    code, _, err = _cli(server, capsys, "purge", "--older-than-days", "0")
    assert code == 2 and "--older-than-days must be 1 or more" in err
    code, out, _ = _cli(server, capsys, "period", "--days", str(DAYS))
    assert code == 0 and out.strip() == f"Retention period: {DAYS} days"
    code, out, _ = _cli(server, capsys, "purge", "--today", TODAY.isoformat())
    assert code == 0 and out.startswith("1 portfolio closed before 24 November 2023")
    assert "zebraprotocol" not in out and "Fictional" not in out
    assert _versions(server, p["observation"])[0].purged_at is not None
    code, out, _ = _cli(server, capsys, "period")
    assert code == 0 and "1 portfolio(s), 1 earlier version(s), 0 file(s)" in out
