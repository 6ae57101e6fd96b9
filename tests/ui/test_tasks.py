"""The DB worker thread: results on the GUI thread, failures to on_failure, strict order."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from assessor_app.errors import StoreLocked
from assessor_app.ui.tasks import DbRunner


def test_result_is_delivered_on_the_gui_thread(qtbot: QtBot, runner: DbRunner) -> None:
    gui = threading.get_ident()
    seen: dict[str, object] = {}

    def work() -> int:
        seen["worker"] = threading.get_ident()
        return 42

    def done(result: int) -> None:
        seen["result"] = result
        seen["callback"] = threading.get_ident()
        seen["qt_gui_thread"] = QThread.currentThread() is QApplication.instance().thread()

    runner.run_op(work).on_success(done)
    qtbot.waitUntil(lambda: "result" in seen, timeout=3000)
    assert seen["result"] == 42
    assert seen["worker"] != gui
    assert seen["callback"] == gui
    assert seen["qt_gui_thread"] is True


def test_exception_goes_to_on_failure_not_on_success(qtbot: QtBot, runner: DbRunner) -> None:
    failures: list[BaseException] = []
    successes: list[object] = []

    def boom() -> None:
        raise StoreLocked("Your store could not be unlocked.", "Try again.")

    runner.run_op(boom).on_success(successes.append).on_failure(failures.append)
    qtbot.waitUntil(lambda: bool(failures), timeout=3000)
    assert successes == []
    assert isinstance(failures[0], StoreLocked)
    assert failures[0].message == "Your store could not be unlocked."


def test_ops_run_one_at_a_time_in_submission_order_on_one_thread(
        qtbot: QtBot, runner: DbRunner) -> None:
    started: list[int] = []
    threads: set[int] = set()
    active = [0, 0]  # now, maximum
    results: list[int] = []

    def work(i: int) -> int:
        active[0] += 1
        active[1] = max(active)
        started.append(i)
        threads.add(threading.get_ident())
        time.sleep(0.002 * (i % 3))  # uneven durations would reorder a pool
        active[0] -= 1
        return i

    for i in range(25):
        runner.run_op(work, i).on_success(results.append)
    qtbot.waitUntil(lambda: len(results) == 25, timeout=5000)
    assert started == list(range(25))
    assert results == list(range(25))
    assert len(threads) == 1
    assert threading.get_ident() not in threads
    assert active[1] == 1


def test_unhandled_failure_is_reported_by_signal(qtbot: QtBot, runner: DbRunner) -> None:
    with qtbot.waitSignal(runner.unhandled_failure, timeout=3000) as blocker:
        runner.run_op(lambda: 1 / 0)
    assert isinstance(blocker.args[0], ZeroDivisionError)


def test_cancelled_op_delivers_nothing(qtbot: QtBot, runner: DbRunner) -> None:
    got: list[object] = []
    op = runner.run_op(lambda: "stale").on_success(got.append)
    op.cancel()
    runner.run_op(lambda: "fresh").on_success(got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=3000)
    qtbot.wait(50)
    assert got == ["fresh"]


def test_shutdown_runs_final_after_queued_ops_on_the_worker(qapp: QApplication) -> None:
    runner = DbRunner()
    order: list[tuple[str, int]] = []
    runner.run_op(lambda: (time.sleep(0.05), order.append(("op", threading.get_ident()))))
    runner.shutdown(final=lambda: order.append(("final", threading.get_ident())))
    assert [name for name, _ in order] == ["op", "final"]
    assert order[0][1] == order[1][1] != threading.get_ident()
    assert runner.thread.isFinished()
    with pytest.raises(RuntimeError):
        runner.run_op(lambda: None)
