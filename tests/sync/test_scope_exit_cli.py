"""``assessor-app sync`` tells the user, in plain words, that a portfolio left the laptop."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.sync.devices import Devices, add_portfolio
from tests.sync.test_cli_sync import cli, keyring_env  # noqa: F401  (fixture)

pytestmark = pytest.mark.slow


def test_sync_prints_the_removal_notice_once(live_server, keyring_env, devices: Devices,  # type: ignore[no-untyped-def]  # noqa: F811
                                             tmp_path: Path) -> None:
    server = live_server("sqlite")
    server.add_user("Fictional Coordinator", "coordinator")
    server.add_user("Assessor One", "assessor")
    server.add_user("Assessor Two", "assessor")
    coord = devices.enrolled("coord", server, "Fictional Coordinator")
    tree = add_portfolio(coord, "Sam Example", evidence=2)
    coord.sync.sync()
    server.assign("Assessor One", tree["practitioner"])
    laptop = tmp_path / "laptop"
    res = cli(keyring_env, "enrol", "--server", server.url, "--code",
              server.issue_code("Assessor One"), "--device-name", "laptop", "--data-dir", laptop)
    assert res.returncode == 0, res.stderr
    res = cli(keyring_env, "sync", "--json", "--data-dir", laptop)
    assert json.loads(res.stdout)["pulled"] == 1 + 1 + 2 * 3

    server.reassign(tree["practitioner"], "Assessor Two")
    res = cli(keyring_env, "sync", "--data-dir", laptop)
    assert res.returncode == 0, res.stderr
    assert ("Sam Example's portfolio was moved to another assessor and has been removed from "
            "this laptop.") in res.stdout
    res = cli(keyring_env, "sync", "--data-dir", laptop)
    assert "Sam Example" not in res.stdout  # told once
    res = cli(keyring_env, "sync", "--kept-aside", "--data-dir", laptop)
    assert res.returncode == 0 and "No changes are kept aside" in res.stdout
    res = cli(keyring_env, "sync", "--discard-kept-aside", "Sam Example", "--data-dir", laptop)
    assert res.returncode != 0 and "Traceback" not in res.stderr
    assert "No kept-aside changes match" in res.stderr
