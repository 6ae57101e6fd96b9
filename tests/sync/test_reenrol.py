"""A laptop's store enrolled again as a different user (handed on, or another person's code)
or with another server keeps nothing of the previous user's practitioners: real server, real
encrypted stores, every table of the store scanned. With changes not yet sent it is not
switched at all; the same user enrolling again keeps everything."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select, text

from assessor_app.app import AppContext
from assessor_app.keystore import load_sync_token
from assessor_app.services.maintenance import verify_audit
from assessor_app.services.sync_enrol import EnrolRefused
from assessor_app.store.models import AuditEvent, Observation, Pseudonym
from tests.sync.devices import Devices, add_portfolio, table_contents
from tests.sync.test_cli_sync import cli, keyring_env  # noqa: F401  (fixture)
from tests.sync.test_scope_exit import NOTES, _ids_of, _search_traces

ONE, TWO = "Assessor One", "Assessor Two"


def _two_portfolios(server: Any, devices: Devices) -> tuple[AppContext, dict[str, Any],
                                                            dict[str, Any]]:
    """Sam (assigned to One, with a file, a pseudonym and a findable word) and Alex (Two)."""
    server.add_user("Fictional Coordinator", "coordinator")
    server.add_user(ONE, "assessor")
    server.add_user(TWO, "assessor")
    coord = devices.enrolled("coord", server, "Fictional Coordinator")
    sam = add_portfolio(coord, "Sam Example", evidence=3, file_bytes=3000)
    alex = add_portfolio(coord, "Alex Other", evidence=2)
    with coord.database.uow("tester") as uow:
        uow.session.get(Observation, sam["evidence"][0]).notes = NOTES
        uow.add(Pseudonym(scope=sam["enrolment"], kind="practitioner", real="Sam Example",
                          pseudonym="Practitioner A"))
        uow.commit()
    assert coord.sync.sync().refused == 0
    server.assign(ONE, sam["practitioner"])
    server.assign(TWO, alex["practitioner"])
    return coord, sam, alex


def _traces(ctx: AppContext, tree: dict[str, Any], name: str) -> list[str]:
    """Every table (synced or not, search index and sync state included) holding an id of
    ``tree``, the practitioner's name or the findable word. The audit trail may keep ids
    (the removal is audited), never the name or the text."""
    ids = {tree["practitioner"], tree["enrolment"], *tree["evidence"]}
    hits = []
    with ctx.database.uow() as uow:
        conn = uow.session.connection()
        names = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'")).scalars()
        for table in names:
            for row in conn.execute(text(f'SELECT * FROM "{table}"')).all():
                blob = " ".join(str(v) for v in row)
                words = [name, NOTES] if table == "audit_event" else [name, NOTES, *ids]
                hits.extend(f"{table}: {w}" for w in words if w in blob)
    return sorted(set(hits))


def test_a_laptop_enrolled_as_another_user_keeps_none_of_the_previous_users_practitioners(  # type: ignore[no-untyped-def]
        live_server, devices: Devices) -> None:
    server = live_server("sqlite")
    _coord, sam, alex = _two_portfolios(server, devices)
    laptop = devices.enrolled("laptop", server, ONE)
    laptop.sync.sync()
    assert _ids_of(laptop, sam) and _search_traces(laptop, "Zanzibarish")
    assert _traces(laptop, sam, "Sam Example")  # the scan finds what is there
    old = laptop.sync._read(lambda r: r.state("server"))
    secrets = laptop.sync._secrets()
    assert load_sync_token(secrets, old["server_id"], old["device_id"])

    status = laptop.sync.enrol(server.url, server.issue_code(TWO), "laptop")
    assert _traces(laptop, sam, "Sam Example") == []
    assert (status.user_name, status.enrolment) == (TWO, "switched")
    assert _ids_of(laptop, sam) == set() and _search_traces(laptop, "Zanzibarish") == []
    assert load_sync_token(secrets, old["server_id"], old["device_id"]) is None
    notice = ("This laptop was connected as Assessor One; the 1 practitioner's portfolio it "
              "held for them has been removed from it. Your own portfolios are fetched from "
              f"{server.url} at the first sync.")
    assert status.notices == (notice,)  # a count, never the name of whose it was

    report = laptop.sync.sync()
    assert report.refused == 0
    two = devices.enrolled("two", server, TWO)
    two.sync.sync()
    assert _ids_of(laptop, alex) == _ids_of(two, alex) != set()  # Two's practitioner is here
    assert _traces(laptop, sam, "Sam Example") == []  # and Sam did not come back
    assert verify_audit(laptop.database).ok
    with laptop.database.uow() as uow:
        summary = uow.session.execute(select(AuditEvent.entity_id, AuditEvent.fields).where(
            AuditEvent.action == "scope-removal")).all()
    assert [s.entity_id for s in summary] == [sam["practitioner"]]
    assert "reason=enrolment" in summary[0].fields


def test_unsent_changes_stop_an_enrolment_as_someone_else_and_nothing_changes(  # type: ignore[no-untyped-def]
        live_server, devices: Devices) -> None:
    server = live_server("sqlite")
    _coord, sam, _alex = _two_portfolios(server, devices)
    laptop = devices.enrolled("laptop", server, ONE)
    laptop.sync.sync()
    with laptop.database.uow(ONE) as uow:
        uow.session.get(Observation, sam["evidence"][1]).notes = "Typed, not sent yet"
        uow.commit()
    before = table_contents(laptop)
    state = laptop.sync._read(lambda r: r.state("server"))
    secrets = laptop.sync._secrets()
    held = dict(secrets._values)  # the in-memory keyring of the test device

    with pytest.raises(EnrolRefused) as err:
        laptop.sync.enrol(server.url, server.issue_code(TWO), "laptop")
    said = f"{err.value.message} {err.value.hint}"
    assert "1 change not yet sent by Assessor One" in said
    assert "nothing was changed or deleted" in said and "Sync first as Assessor One" in said
    assert table_contents(laptop) == before
    status = laptop.sync.status()
    assert (status.user_name, status.waiting) == (ONE, 1)
    assert laptop.sync._read(lambda r: r.state("server")) == state
    assert load_sync_token(secrets, state["server_id"], state["device_id"])
    assert dict(secrets._values) == held  # the refused enrolment's token was not kept
    assert laptop.sync.sync().pushed == 1  # still One's laptop: the change goes out


def test_the_same_user_enrolling_again_keeps_everything(  # type: ignore[no-untyped-def]
        live_server, devices: Devices) -> None:
    """A revoked laptop enrolled again by its own user: unsent work and all records stay."""
    server = live_server("sqlite")
    _coord, sam, _alex = _two_portfolios(server, devices)
    laptop = devices.enrolled("laptop", server, ONE)
    laptop.sync.sync()
    with laptop.database.uow(ONE) as uow:
        uow.session.get(Observation, sam["evidence"][1]).notes = "Typed, not sent yet"
        uow.commit()
    before = table_contents(laptop)
    server.revoke(laptop.sync._read(lambda r: r.state("server"))["device_id"])

    status = laptop.sync.enrol(server.url, server.issue_code(ONE), "laptop")
    assert (status.user_name, status.enrolment, status.waiting) == (ONE, "same", 1)
    assert table_contents(laptop) == before
    assert laptop.sync.sync().pushed == 1


def test_another_server_gets_a_clean_store_and_waiting_rows_stop_the_move(  # type: ignore[no-untyped-def]
        live_server, devices: Devices) -> None:
    server = live_server("sqlite")
    other = live_server("sqlite")
    other.add_user(ONE, "assessor")
    _coord, sam, _alex = _two_portfolios(server, devices)
    laptop = devices.enrolled("laptop", server, ONE)
    laptop.sync.sync()
    with laptop.database.uow(ONE) as uow:
        uow.session.get(Observation, sam["evidence"][1]).notes = "Typed, not sent yet"
        uow.commit()
    with pytest.raises(EnrolRefused, match="1 change not yet sent"):
        laptop.sync.enrol(other.url, other.issue_code(ONE), "laptop")
    assert laptop.sync.status().server_url == server.url
    assert laptop.sync.sync().pushed == 1  # sent where it belongs

    status = laptop.sync.enrol(other.url, other.issue_code(ONE), "laptop")
    assert _traces(laptop, sam, "Sam Example") == []
    assert status.enrolment == "switched" and f"on {server.url}" in status.notices[0]
    laptop.sync.sync()
    with other.engine.connect() as conn:  # nothing of Sam's was copied to the other server
        rows = conn.execute(text("SELECT id FROM sync_rows")).scalars().all()
    assert not {sam["practitioner"], sam["enrolment"], *sam["evidence"]} & set(rows)


@pytest.mark.slow
def test_enrol_on_the_command_line_as_another_user_says_what_went_and_fetches_theirs(  # type: ignore[no-untyped-def]
        live_server, devices: Devices, keyring_env, tmp_path) -> None:  # noqa: F811
    server = live_server("sqlite")
    _two_portfolios(server, devices)
    laptop = tmp_path / "laptop"
    res = cli(keyring_env, "enrol", "--server", server.url, "--code", server.issue_code(ONE),
              "--device-name", "laptop", "--data-dir", laptop)
    assert res.returncode == 0, res.stderr
    assert cli(keyring_env, "sync", "--data-dir", laptop).returncode == 0

    res = cli(keyring_env, "enrol", "--server", server.url, "--code", server.issue_code(ONE),
              "--device-name", "laptop", "--data-dir", laptop)
    assert res.returncode == 0, res.stderr
    assert "The same user as before: everything on this computer is kept." in res.stdout

    res = cli(keyring_env, "enrol", "--server", server.url, "--code", server.issue_code(TWO),
              "--device-name", "laptop", "--data-dir", laptop)
    assert res.returncode == 0, res.stderr
    out = " ".join(res.stdout.split())
    assert f"Enrolled with {server.url} as {TWO}" in out
    assert ("This laptop was connected as Assessor One; the 1 practitioner's portfolio it held "
            "for them has been removed from it.") in out
    assert "Sam Example" not in out
    assert f"Received {1 + 1 + 2 * 3} record(s)" in out, out  # Alex: practitioner, enrolment, 2 x 3
    res = cli(keyring_env, "sync", "--json", "--data-dir", laptop)
    assert res.returncode == 0 and json.loads(res.stdout)["pulled"] == 0  # all fetched already
