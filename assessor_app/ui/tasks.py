"""Background operations: all database work on ONE dedicated thread (DESIGN §3.4).

SQLite/SQLCipher connections belong to the thread that opened them, and one writer at
a time keeps the unit-of-work story simple, so every op runs on a single long-lived
``QThread`` in submission order. Results come back to the GUI thread through queued
signals; nothing that runs on the worker may touch a widget.

    runner.run_op(api.page, enrolment_id, today).on_success(view.show_page).on_failure(show_error)

Only the call (``fn`` and its arguments) crosses to the worker; the callbacks, which
usually hold widgets, stay in a table on the GUI thread. Otherwise the worker could drop
the last reference to a widget and destroy it on the wrong thread (a crash, not an error).
So ``fn`` and its arguments must not hold widgets either.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

log = logging.getLogger(__name__)


class _Job:
    """What the worker sees: the call, and a flag the GUI may set to skip it."""

    __slots__ = ("args", "cancelled", "fn", "job_id", "kwargs")

    def __init__(self, job_id: int, fn: Callable[..., Any], args: tuple[Any, ...],
                 kwargs: dict[str, Any]) -> None:
        self.job_id = job_id
        self.fn = fn
        self.args = args
        self.kwargs = kwargs
        self.cancelled = False


class Op:
    """The GUI-side handle of a submitted call; callbacks run on the GUI thread.

    Results are delivered only after the current GUI-thread code has returned to the
    event loop, so chaining ``.on_success(...)`` right after ``run_op`` never misses one.
    """

    __slots__ = ("_failure", "_job", "_success", "name")

    def __init__(self, job: _Job) -> None:
        self._job = job
        self.name = getattr(job.fn, "__qualname__", repr(job.fn))
        self._success: list[Callable[[Any], None]] = []
        self._failure: list[Callable[[BaseException], None]] = []

    def on_success(self, callback: Callable[[Any], None]) -> Op:
        self._success.append(callback)
        return self

    def on_failure(self, callback: Callable[[BaseException], None]) -> Op:
        self._failure.append(callback)
        return self

    def cancel(self) -> None:
        """Forget the callbacks (a stale request); the call is skipped if it has not started."""
        self._job.cancelled = True
        self._release()

    @property
    def cancelled(self) -> bool:
        return self._job.cancelled

    def _release(self) -> None:
        self._success.clear()
        self._failure.clear()


class _Worker(QObject):
    """Lives on the DB thread; runs jobs one at a time."""

    succeeded = Signal(int, object)  # job id, result
    failed = Signal(int, object)  # job id, exception

    @Slot(object)
    def execute(self, job: _Job) -> None:
        if job.cancelled:
            self.succeeded.emit(job.job_id, None)  # lets the GUI side drop its entry
            return
        try:
            result = job.fn(*job.args, **job.kwargs)
        except Exception as exc:  # delivered to the GUI thread, never swallowed
            self.failed.emit(job.job_id, exc)
            return
        self.succeeded.emit(job.job_id, result)


class DbRunner(QObject):
    """Owns the DB thread. Create one per application, on the GUI thread."""

    _submit = Signal(object)
    unhandled_failure = Signal(object)  # an exception no op asked to handle

    def __init__(self, parent: QObject | None = None, *, thread_name: str = "assessor-db") -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._pending: dict[int, Op] = {}
        self._stopped = False
        self._thread = QThread()
        self._thread.setObjectName(thread_name)
        self._worker = _Worker()
        self._worker.moveToThread(self._thread)
        # The worker lives on another thread, so both directions are queued connections.
        self._submit.connect(self._worker.execute)
        self._worker.succeeded.connect(self._deliver_success)
        self._worker.failed.connect(self._deliver_failure)
        self._thread.start()

    @property
    def thread(self) -> QThread:
        return self._thread

    @property
    def stopped(self) -> bool:
        """True once ``shutdown`` began; late timers check this instead of queuing."""
        return self._stopped

    def run_op(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Op:
        """Queue ``fn(*args, **kwargs)`` on the DB thread; returns the op to attach callbacks to."""
        if self._stopped:
            raise RuntimeError("The database thread has stopped.")
        job = _Job(next(self._ids), fn, args, kwargs)
        op = Op(job)
        self._pending[job.job_id] = op
        self._submit.emit(job)
        return op

    @Slot(int, object)
    def _deliver_success(self, job_id: int, result: Any) -> None:
        op = self._pending.pop(job_id, None)
        if op is None or op.cancelled:
            return
        callbacks = list(op._success)
        op._release()
        for callback in callbacks:
            callback(result)

    @Slot(int, object)
    def _deliver_failure(self, job_id: int, exc: BaseException) -> None:
        op = self._pending.pop(job_id, None)
        if op is None or op.cancelled:
            return
        callbacks = list(op._failure)
        op._release()
        if not callbacks:
            log.error("Background operation %s failed", op.name, exc_info=exc)
            self.unhandled_failure.emit(exc)
            return
        for callback in callbacks:
            callback(exc)

    def shutdown(self, final: Callable[[], Any] | None = None, timeout_ms: int = 10_000) -> None:
        """Run ``final`` (e.g. closing the store) on the DB thread after queued ops, then stop it."""
        if self._stopped:
            return

        def stop() -> None:
            try:
                if final is not None:
                    final()
            finally:
                QThread.currentThread().quit()

        # A sentinel job, so ``final`` and the stop come after every job already queued.
        self._submit.emit(_Job(0, stop, (), {}))
        self._stopped = True
        if not self._thread.wait(timeout_ms):
            log.warning("The database thread did not stop within %s ms", timeout_ms)
        for op in self._pending.values():
            op._release()
        self._pending.clear()


def on_worker(api: Any, service: str, method: str) -> Callable[..., Any]:
    """``api.<service>.<method>``, looked up when the op runs on the worker, not now.

    Building a service may open the store (start-up hands the GUI a lazy api), which
    must never happen on the GUI thread. Captures only the api object, no widget.
    """

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(getattr(api, service), method)(*args, **kwargs)

    call.__name__ = f"{service}.{method}"
    return call
