"""PDF work (laying out, signing, verifying) on its own worker, off the DB thread (DESIGN §3.4).

Rendering a 60-page portfolio takes about a second; on the DB thread it would hold
up every other read, and on the GUI thread it would freeze the window. So the
Reports view reads on the DB thread, lays out and signs here, and stores on the
DB thread again. Jobs here must never touch the database or a widget.

The handle is the same ``Op`` as ``DbRunner.run_op`` returns (callbacks on the GUI
thread, held only on the GUI side), plus ``on_progress`` for jobs that report
what they are doing:

    pool.run_with_progress(render_report, built).on_progress(label.setText) \\
        .on_success(store).on_failure(show_error)
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

from assessor_app.ui.tasks import Op, _Job

log = logging.getLogger(__name__)


class PdfOp(Op):
    """An ``Op`` that also passes on progress text from the worker (on the GUI thread)."""

    __slots__ = ("_progress",)

    def __init__(self, job: _Job) -> None:
        super().__init__(job)
        self._progress: list[Callable[[str], None]] = []

    def on_progress(self, callback: Callable[[str], None]) -> PdfOp:
        self._progress.append(callback)
        return self

    def on_success(self, callback: Callable[[Any], None]) -> PdfOp:
        super().on_success(callback)
        return self

    def on_failure(self, callback: Callable[[BaseException], None]) -> PdfOp:
        super().on_failure(callback)
        return self

    def _release(self) -> None:
        super()._release()
        self._progress.clear()


class _Relay(QObject):
    """Created on the GUI thread, so signals emitted on a worker are queued to it."""

    finished = Signal(int, bool, object)  # job id, succeeded, result or exception
    progressed = Signal(int, str)


class PdfPool(QObject):
    """A small thread pool (one thread by default: layout is CPU-bound under the GIL)."""

    unhandled_failure = Signal(object)

    def __init__(self, parent: QObject | None = None, *, max_threads: int = 1) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._pending: dict[int, PdfOp] = {}
        self._stopped = False
        # The pool is a child created before the relay, so deleting this object waits
        # for running jobs before the relay they report to goes away.
        self._pool = QThreadPool(self)
        self._pool.setObjectName("assessor-pdf")
        self._pool.setMaxThreadCount(max(1, max_threads))
        self._relay = _Relay(self)
        self._relay.finished.connect(self._deliver)
        self._relay.progressed.connect(self._deliver_progress)

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def run_op(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> PdfOp:
        """Queue ``fn(*args, **kwargs)`` on the PDF worker."""
        return self._start(fn, args, kwargs, progress=False)

    def run_with_progress(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> PdfOp:
        """Like ``run_op``, and ``fn`` gets ``progress=`` a callable taking a short text."""
        return self._start(fn, args, kwargs, progress=True)

    def _start(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any],
               *, progress: bool) -> PdfOp:
        if self._stopped:
            raise RuntimeError("The PDF worker has stopped.")
        job = _Job(next(self._ids), fn, args, kwargs)
        op = PdfOp(job)
        self._pending[job.job_id] = op
        relay = self._relay  # the worker sees the job and the relay, never this object's callers

        def run() -> None:
            _execute(job, relay, progress)

        self._pool.start(run)
        return op

    @Slot(int, bool, object)
    def _deliver(self, job_id: int, ok: bool, payload: Any) -> None:
        op = self._pending.pop(job_id, None)
        if op is None or op.cancelled:
            return
        callbacks: list[Callable[[Any], None]] = list(op._success if ok else op._failure)
        op._release()
        if not ok and not callbacks:
            log.error("PDF job %s failed (%s)", op.name, type(payload).__name__)
            self.unhandled_failure.emit(payload)
            return
        for callback in callbacks:
            callback(payload)

    @Slot(int, str)
    def _deliver_progress(self, job_id: int, text: str) -> None:
        op = self._pending.get(job_id)
        if op is None or op.cancelled:
            return
        for callback in list(op._progress):
            callback(text)

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Drop queued jobs, wait for the running one, forget every callback."""
        if self._stopped:
            return
        self._stopped = True
        self._pool.clear()
        if not self._pool.waitForDone(timeout_ms):
            log.warning("The PDF worker did not finish within %s ms", timeout_ms)
        for op in self._pending.values():
            op._release()
        self._pending.clear()


def _execute(job: _Job, relay: _Relay, with_progress: bool) -> None:
    """Runs on a pool thread: the call, then one queued signal back to the GUI thread."""
    if job.cancelled:
        relay.finished.emit(job.job_id, True, None)
        return
    kwargs = dict(job.kwargs)
    if with_progress:
        kwargs["progress"] = lambda text: relay.progressed.emit(job.job_id, str(text))
    try:
        result = job.fn(*job.args, **kwargs)
    except Exception as exc:  # delivered to the GUI thread, never swallowed
        relay.finished.emit(job.job_id, False, exc)
        return
    relay.finished.emit(job.job_id, True, result)
