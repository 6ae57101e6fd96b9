"""Three rough edges of sync as a person meets them, on real encrypted stores and a real
server: the server address in Settings, another sync of the same folder already running,
and records from other devices that wait on this one (parked) until they can be added."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from assessor_app.errors import UsageError
from assessor_app.services.sync_address import ServerChanged
from assessor_app.services.sync_lock import BUSY_EXIT, SyncBusy, folder_lock
from assessor_app.store.models import Evidence, FinalAssessment, Observation
from tests.sync.devices import Devices, add_portfolio, table_contents
from tests.sync.ux_helpers import (
    child_before_parent,
    governed_by_settings,
    set_server_address,
    setting,
)

USER = "Fictional Assessor"


# -- 1. the server_address setting ------------------------------------------------------------

def test_enrol_takes_the_address_from_settings_and_writes_back_the_one_it_used(
        live_server: Any, devices: Devices, monkeypatch: pytest.MonkeyPatch) -> None:
    server = live_server("sqlite")
    server.add_user(USER, "assessor")
    a = devices.new("a")
    governed_by_settings(monkeypatch, a)
    set_server_address(server.url + "/")  # as typed, with a trailing slash
    assert a.sync.settings_address().endswith("/")

    status = a.sync.enrol(None, server.issue_code(USER), "a laptop")
    assert status.server_url == server.url
    assert setting() == server.url  # the setting and the enrolment agree, word for word
    assert not status.server_changed and status.settings_url == server.url
    assert a.sync.sync().pushed == 0

    # enrolling with an address typed in the dialog or on the command line: written back too
    set_server_address("https://old.example-council.gov.uk")
    status = a.sync.enrol(server.url + "/", server.issue_code(USER), "a laptop")
    assert setting() == server.url and not status.server_changed


def test_enrol_without_an_address_anywhere_says_what_to_give(
        devices: Devices, monkeypatch: pytest.MonkeyPatch) -> None:
    a = devices.new("a")
    governed_by_settings(monkeypatch, a)
    with pytest.raises(UsageError) as err:
        a.sync.enrol(None, "ABCDEF-123456", "a laptop")
    assert "--server" in err.value.hint


def test_settings_speak_only_for_the_data_folder_they_choose(
        live_server: Any, devices: Devices, monkeypatch: pytest.MonkeyPatch) -> None:
    """A second folder opened with --data-dir follows its own enrolment, not the settings."""
    server = live_server("sqlite")
    server.add_user(USER, "assessor")
    main, other = devices.new("main"), devices.new("other")
    governed_by_settings(monkeypatch, main)
    set_server_address("https://elsewhere.example-council.gov.uk")
    other.sync.enrol(server.url, server.issue_code(USER), "other laptop")
    assert setting() == "https://elsewhere.example-council.gov.uk"  # not overwritten
    status = other.sync.status()
    assert status.settings_url == "" and not status.server_changed
    assert other.sync.sync().refused == 0


def test_a_changed_server_address_stops_sync_until_enrolled_there_or_put_back(
        live_server: Any, devices: Devices, monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = live_server("sqlite"), live_server("sqlite")
    for s in (old, new):
        s.add_user(USER, "assessor")
    a = devices.new("a")
    governed_by_settings(monkeypatch, a)
    a.sync.enrol(old.url, old.issue_code(USER), "a laptop")
    ids = add_portfolio(a)
    a.sync.sync()
    with a.database.uow("tester") as uow:
        uow.session.get(Evidence, ids["evidence"][0]).title = "Edited after the move"
        uow.commit()

    set_server_address(new.url)
    status = a.sync.status()
    assert status.server_changed and status.server_url == old.url
    assert status.settings_url == new.url
    with pytest.raises(ServerChanged) as err:
        a.sync.sync()
    assert old.url in err.value.message and new.url in err.value.message
    assert "enrol again" in err.value.hint and "put that address back" in err.value.hint
    assert a.sync.status().waiting == 1  # nothing was sent anywhere
    assert a.sync.status().last_error == ""  # a state of the settings, not a failed sync

    # putting the old address back: sync as before (a trailing slash is the same server)
    set_server_address(old.url + "/")
    assert not a.sync.status().server_changed
    assert a.sync.sync().pushed == 1

    # or enrolling with the new one (the address comes from Settings)
    set_server_address(new.url)
    status = a.sync.enrol(None, new.issue_code(USER), "a laptop")
    assert status.server_url == new.url and not status.server_changed
    assert setting() == new.url
    # the old server's portfolio is not copied to the new one: it left this laptop
    assert status.enrolment == "switched" and status.notices
    assert a.sync.sync().refused == 0
    held = table_contents(a)
    assert ids["practitioner"] not in held["practitioner"]
    assert not set(ids["evidence"]) & set(held["evidence"])


@pytest.mark.slow
def test_enrol_and_sync_on_the_command_line_follow_the_address_in_settings(
        live_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.e2e.keyring_env import RealKeyringUnavailable, real_keyring

    folder = tmp_path / "laptop"
    res = cli("enrol", "--code", "ABCDEF-123456", "--data-dir", folder)
    assert res.returncode == 2 and "--server URL" in res.stderr  # no address anywhere
    assert not folder.exists()  # asked before a store is made
    server = live_server("sqlite")
    server.add_user(USER, "assessor")
    monkeypatch.setenv("ASSESSOR_APP_DATA_DIR", str(folder))  # the folder the settings choose
    set_server_address(server.url)
    try:
        with real_keyring() as env:
            res = cli("enrol", "--code", server.issue_code(USER), "--device-name", "laptop",
                      env=env)
            assert res.returncode == 0, res.stderr
            assert f"from Settings: {server.url}" in res.stdout
            assert f"Enrolled with {server.url}" in res.stdout
            assert cli("sync", env=env).returncode == 0
            set_server_address("https://new-server.example-council.gov.uk")
            res = cli("sync", env=env)
    except RealKeyringUnavailable as exc:
        pytest.skip(str(exc))
    assert res.returncode == ServerChanged.exit_code and "Traceback" not in res.stderr
    said = " ".join(res.stderr.split())
    assert f"connected to {server.url}" in said
    assert "new-server.example-council.gov.uk" in said and "enrol again" in said


# -- 2. another sync of the same folder is running --------------------------------------------

def test_a_sync_while_another_runs_is_busy_not_a_failure(live_server: Any,
                                                         devices: Devices) -> None:
    server = live_server("sqlite")
    server.add_user(USER, "assessor")
    a = devices.enrolled("a", server, USER)
    add_portfolio(a)
    with folder_lock(a.paths.root), pytest.raises(SyncBusy) as err:  # a terminal's sync
        a.sync.sync()
    assert err.value.exit_code == BUSY_EXIT
    status = a.sync.status()
    assert status.last_error == "" and status.waiting > 0  # nothing recorded as a failure
    assert a.sync.sync().pushed == status.waiting  # and the next try just works


def cli(*argv: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = dict(env or os.environ, PYTHONPATH=os.getcwd())
    return subprocess.run([sys.executable, "-m", "assessor_app", *map(str, argv)],
                          capture_output=True, text=True, timeout=180, env=full)


@pytest.mark.slow
def test_the_command_line_says_another_sync_runs_with_its_own_exit_code(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    assert cli("demo", "--data-dir", folder).returncode == 0
    helped = cli("sync", "--help")
    assert helped.returncode == 0 and f"{BUSY_EXIT}" in helped.stdout
    assert "another sync of this data folder was running" in " ".join(helped.stdout.split())
    with folder_lock(folder):  # the app's background sync holds the folder
        res = cli("sync", "--data-dir", folder)
        as_json = cli("sync", "--json", "--data-dir", folder)
    assert res.returncode == BUSY_EXIT, res.stderr
    assert "Another sync of this data folder is running" in res.stderr
    assert "nothing is wrong" in res.stderr and "Traceback" not in res.stderr
    assert as_json.returncode == BUSY_EXIT and '"busy": true' in as_json.stdout
    after = cli("sync", "--data-dir", folder)  # free again: the usual answer (not enrolled)
    assert after.returncode not in (0, BUSY_EXIT) and "not enrolled" in after.stderr


# -- 3. parked rows ---------------------------------------------------------------------------

def test_rows_waiting_for_their_parent_are_listed_then_added_by_the_next_sync(
        live_server: Any, devices: Devices, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    _a, b, ids = child_before_parent(live_server, devices, monkeypatch)
    status = b.sync.status()
    assert status.parked == 2 and status.conflicts == 0
    items = b.sync.parked()
    assert sorted(i.kind for i in items) == ["Link to a standard", "Observation"]
    for i in items:
        assert i.reason == "parent" and i.why == "Waiting for its piece of evidence"
        assert i.written_by == USER and i.since is not None
        assert "added by itself" in i.explanation and "each sync tries again" in i.explanation
        # whose it is cannot be known yet: its evidence has not arrived
        assert i.practitioner == "Known once its piece of evidence arrives"
    obs = next(i for i in items if i.kind == "Observation")
    assert obs.row_id == ids["evidence"][0]
    assert obs.row_id.replace("-", "")[:8].upper() in obs.explanation  # a reference to quote

    b.sync.sync()  # the evidence arrives: both are added and leave the list
    assert b.sync.parked() == [] and b.sync.status().parked == 0
    with b.database.uow() as uow:
        assert uow.session.get(Observation, ids["evidence"][0]).notes == "Notes of visit 1"
    logged = caplog.text
    for private in ("Notes of visit", "Fictional Practitioner", "Home visit", "Fictional comment"):
        assert private not in logged


def test_a_record_made_on_two_devices_waits_and_names_its_practitioner(
        live_server: Any, devices: Devices) -> None:
    from assessor_app.store.base import new_id

    server = live_server("sqlite")
    server.add_user(USER, "assessor")
    a = devices.enrolled("a", server, USER)
    b = devices.enrolled("b", server, USER)
    ids = add_portfolio(a, "Fictional Practitioner")
    a.sync.sync()
    b.sync.sync()
    for ctx, text in ((a, "Strengths seen on A"), (b, "Strengths seen on B")):
        with ctx.database.uow("tester") as uow:
            uow.add(FinalAssessment(id=new_id(), enrolment_id=ids["enrolment"], judgements={},
                                    status="draft", strengths=text))
            uow.commit()
    a.sync.sync()
    b.sync.sync()
    a.sync.sync()  # b's final assessment reaches a, which has its own
    [item] = a.sync.parked()
    assert (item.kind, item.reason, item.practitioner) == (
        "Final assessment", "clash", "Fictional Practitioner")
    assert item.why == "Made on two devices"
    assert "nothing written is lost" in item.explanation
    assert a.sync.status().parked == 1 and a.sync.status().conflicts == 0
    since = item.since
    a.sync.sync()  # tried again, still waits: since when is kept
    [again] = a.sync.parked()
    assert again.since == since
    with a.database.uow() as uow:  # a's own stays in use
        assert uow.session.execute(select(FinalAssessment.strengths)).scalar_one() == \
            "Strengths seen on A"
