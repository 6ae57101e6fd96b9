"""Start-up figures for issue 2: first paint and list ready, as ratios to a bare Qt window.

Both the baseline and the app are timed the same way, from the parent: spawn the
process, read its stdout, note when the probe line arrives. Medians of N runs.
Also times opening a practitioner page with 500 evidence items (service + render).

    python benchmarks/startup.py [--json] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BARE_QT = r"""
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication(sys.argv)
w = QMainWindow(); w.setCentralWidget(QLabel("Hello")); w.resize(1280, 800)
class Probe(QObject):
    done = False
    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Type.Paint and not self.done:
            self.done = True
            QTimer.singleShot(0, lambda: (print("first_paint", flush=True), app.quit()))
        return False
p = Probe(); w.installEventFilter(p); w.show()
app.exec()
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["ASSESSOR_APP_STARTUP_PROBE"] = "1"
    env["ASSESSOR_APP_STARTUP_PROBE_QUIT"] = "1"
    return env


def _time_lines(cmd: list[str], wanted: tuple[str, ...], timeout: float = 60.0) -> dict[str, float]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=_env(),
                            text=True, cwd=ROOT)
    seen: dict[str, float] = {}
    assert proc.stdout is not None
    for line in proc.stdout:
        key = line.split(" ", 1)[0].strip()
        if key in wanted and key not in seen:
            seen[key] = time.perf_counter() - t0
        if len(seen) == len(wanted):
            break
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
    missing = [w for w in wanted if w not in seen]
    if missing:
        raise SystemExit(f"{' '.join(cmd)} never printed {missing}")
    return seen


def _page_ms(demo_dir: Path, runs: int) -> float:
    """Open a practitioner with 500 evidence items: service query + DTOs + widget render."""
    from assessor_app.app import open_context
    from assessor_app.paths import DataPaths
    from assessor_app.store.models import Evidence, StandardLink

    ctx = open_context(DataPaths(demo_dir), create=False)
    today = date.today()
    rows = ctx.list_rows(today)
    target = rows[0].enrolment_id
    have = len(ctx.page(target, today).evidence)
    kinds = ["observation", "record_review", "feedback_lived", "feedback_professional",
             "reflection", "supervision"]
    with ctx.database.uow("bench") as uow:
        for i in range(max(0, 500 - have)):
            ev = Evidence(enrolment_id=target, kind=kinds[i % len(kinds)],
                          occurred_on=today - timedelta(days=i % 300), title=f"Benchmark item {i}",
                          status="final", stage_id="stage-1")
            uow.add(ev)
            uow.session.flush()
            uow.add(StandardLink(evidence_id=ev.id, framework_id="pcf", framework_version="2018",
                                 statement_code=str(1 + i % 9)))
        uow.commit()

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from assessor_app.ui.views.practitioner_page import PractitionerPageView, render_page

    app = QApplication.instance() or QApplication([])
    view = PractitionerPageView()
    view.resize(1000, 760)
    view.show()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        page = ctx.page(target, today)
        render_page(view, page)
        app.processEvents()
        times.append((time.perf_counter() - t0) * 1000)
    assert len(page.evidence) >= 500
    ctx.close()
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    runs = max(5, args.runs)
    py = sys.executable
    tmp = Path(tempfile.mkdtemp(prefix="assessor-bench-"))
    try:
        demo = tmp / "demo"
        subprocess.run([py, "-m", "assessor_app", "--data-dir", str(demo), "demo"], check=True,
                       stdout=subprocess.DEVNULL, cwd=ROOT)
        app_cmd = [py, "-m", "assessor_app", "--demo", "--data-dir", str(demo)]
        # warm the page cache and .pyc files once, untimed
        _time_lines([py, "-c", BARE_QT], ("first_paint",))
        _time_lines(app_cmd, ("first_paint", "list_ready"))
        bare, paint, ready = [], [], []
        for _ in range(runs):  # interleave, so machine noise hits both alike
            bare.append(_time_lines([py, "-c", BARE_QT], ("first_paint",))["first_paint"])
            t = _time_lines(app_cmd, ("first_paint", "list_ready"))
            paint.append(t["first_paint"])
            ready.append(t["list_ready"])
        b, fp, lr = statistics.median(bare), statistics.median(paint), statistics.median(ready)
        page_ms = _page_ms(demo, runs)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result = {
        "runs": runs,
        "bare_qt_s": round(b, 4),
        "first_paint_s": round(fp, 4),
        "list_ready_s": round(lr, 4),
        "first_paint_ratio": round(fp / b, 3),
        "list_ready_ratio": round(lr / b, 3),
        "practitioner_page_ms": round(page_ms, 1),
        "targets": {"first_paint_ratio": 1.5, "list_ready_ratio": 4.0, "practitioner_page_ms": 100},
    }
    if args.json:
        print(json.dumps(result))
    else:
        for k, v in result.items():
            print(f"{k:>22}: {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
