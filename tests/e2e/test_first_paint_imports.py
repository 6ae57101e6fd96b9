"""The window paints before any slow library loads: a regression here costs every start.

Runs the real command (``python -m assessor_app --demo``) with the start-up probe, which
names the slow modules already imported when the first paint happens.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_no_slow_module_is_imported_before_the_first_paint(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ASSESSOR_APP_STARTUP_PROBE": "1",
           "ASSESSOR_APP_STARTUP_PROBE_QUIT": "1", "ASSESSOR_APP_STARTUP_PROBE_MODULES": "1"}
    folder = tmp_path / "demo"
    subprocess.run([sys.executable, "-m", "assessor_app", "--data-dir", str(folder), "demo"],
                   check=True, cwd=ROOT, env=env, capture_output=True, timeout=120)
    proc = subprocess.run([sys.executable, "-m", "assessor_app", "--demo", "--data-dir",
                           str(folder)], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.splitlines()[0].startswith("first_paint ")
    line = next(x for x in proc.stderr.splitlines() if x.startswith("loaded_at_first_paint"))
    assert line.split()[1] == "-", f"imported before the first paint: {line.split()[1]}"
