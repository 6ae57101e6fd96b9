"""API fuzz run: schemathesis against /openapi.json of a live server, authorised: no 5xx,
and every documented response (errors included) matches its schema.

Runs the schemathesis CLI in a subprocess (time-boxed) on both backends, with real rows
on the server so pushes hit the merge, conflict and scope paths.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.server.conftest import Device, practitioner_tree, unique

FUZZ_SECONDS = 20


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_fuzzing_the_api_finds_no_server_errors(live_server, devices, tmp_path: Path,
                                                backend: str) -> None:
    srv = live_server(backend)
    name = unique("Fuzz Assessor")
    srv.add_user(name, "assessor")
    dev = Device(srv, name)
    devices.append(dev)
    dev.push_ok(practitioner_tree()["rows"])
    exe = Path(sys.executable).with_name("schemathesis")
    report = tmp_path / "report.json"
    cmd = [str(exe), "run", f"{srv.url}/openapi.json",
           "--header", f"Authorization: Bearer {dev.token}",
           "--checks", "not_a_server_error,response_schema_conformance",
           "--max-time", str(FUZZ_SECONDS), "--workers", "1",
           "--seed", "20261122", "--generation-database", "none",
           "--request-timeout", "20", "--no-color",
           "--report", "json", "--report-json-path", str(report)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=FUZZ_SECONDS * 4 + 60,
                       env=dict(os.environ, SCHEMATHESIS_HOOKS=""))
    tail = r.stdout[-4000:]
    assert r.returncode == 0, tail
    generated = re.search(r"(\d+) generated", r.stdout)
    assert generated and int(generated.group(1)) >= 100, tail  # it really ran
