"""The installed Qt binding survives a long session.

PySide6 6.12.0 on CPython 3.11 drops a reference to None on every void Qt call
and aborts within minutes ("none_dealloc"); pyproject pins below it. This test
fails if such a build is ever installed again.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

LONG_SESSION = """
import sys
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()
before = sys.getrefcount(None)
for i in range(200_000):
    label.setText("x")
    label.update()
print(sys.getrefcount(None) - before)
"""


@pytest.mark.slow
def test_void_qt_calls_do_not_leak_references_to_none() -> None:
    proc = subprocess.run([sys.executable, "-c", LONG_SESSION], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={"QT_QPA_PLATFORM": "offscreen",
                                                       "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert abs(int(proc.stdout.strip())) < 1000, "None's reference count drifts"
