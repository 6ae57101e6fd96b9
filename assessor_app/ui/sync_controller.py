"""Background sync for the GUI: when to sync, on which thread, and what to tell the window.

A sync waits on the network for seconds, so it runs on its own thread (never the GUI
thread, never the DB thread, which must stay free for autosaves). That thread is a daemon
``threading.Thread`` rather than a ``QThread``: a request stuck on a dead network must not
hold the app open at quit, and Qt aborts the process when a running ``QThread`` is destroyed.
Its results still reach the GUI thread as queued Qt signals. Reads of the sync state
(``status``, ``conflicts``) are quick DB reads and go through the ``DbRunner`` like any other.

When: once the list is on screen (``start``), every few minutes, a little after a burst of
edits settles (``changes_made``) and on demand (``sync_now``). One sync at a time; a request
that arrives during a sync runs once it ends. After a failure the automatic tries back off
(30 s, 1 min, 2 min … up to 30 min); Sync now always tries at once. Another sync of the
same data folder running (a terminal's ``assessor-app sync``, another window) is not a
failure: the indicator says so, nothing backs off, and this one tries again shortly.
When the settings name another server than the one this device is enrolled with, no
automatic sync runs until a person enrols again or puts the address back (read from the
status, so fixing the setting lets syncing resume at once). ``stop`` (the window is
closing) cancels a running sync between steps and waits a bounded time for its thread.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from assessor_app.ui.tasks import DbRunner, on_worker

log = logging.getLogger(__name__)

FIRST_DELAY_MS = 3_000  # after the list shows: let the user start reading first
INTERVAL_MS = 5 * 60_000
SETTLE_MS = 20_000  # quiet time after the last edit before its changes are sent
BACKOFF_FIRST_MS = 30_000
BACKOFF_MAX_MS = 30 * 60_000
LONG_SYNC_MS = 1_500  # a sync running longer than this shows a progress bar
PROGRESS_EVERY_S = 0.1  # at most ten progress updates a second cross to the GUI
STOP_WAIT_MS = 3_000
BUSY_RETRY_MS = 10_000  # another sync of this data folder was running: try again this soon


# The service's SyncError kinds, by class name (ui does not import the sync client, which
# would bring httpx with it): the server could not be reached, so simply try later …
OFFLINE_KINDS = {"ServerUnreachable"}
# … or trying again by itself cannot help: a person must enrol again, update the app, fix
# the certificate, or the server refused the request.
PERSON_KINDS = {"TokenRefused", "ProtocolTooNew", "TlsNotTrusted", "NotEnrolled",
                "RequestRefused", "ServerChanged"}
# … or another sync of the same data folder is running: not a failure, just wait for it.
BUSY_KINDS = {"SyncBusy"}


def _kinds(exc: BaseException) -> set[str]:
    return {cls.__name__ for cls in type(exc).__mro__}


# What to do, in the app's own words (the service's hints name the command-line options).
GUI_HINTS = {
    "TokenRefused": "Choose Sync ▸ Connect to a server… and type a new code from your "
                    "coordinator. Nothing on this computer was lost.",
    "NotEnrolled": "Choose Sync ▸ Connect to a server… and type the code from your coordinator.",
    "TlsNotTrusted": "If your employer uses its own certificates, connect again (Sync ▸ "
                     "Connect to a server…) and choose the certificate file from your IT team.",
    "ServerChanged": "To use the new server, choose Sync ▸ Connect to a server… (its address is "
                     "filled in) and type a new code from your coordinator. To keep the old "
                     "one, put its address back in Settings ▸ Server. Your work is safe on "
                     "this computer.",
}


def error_words(exc: BaseException) -> tuple[str, str]:
    """(what happened, what to do) for a failed sync or enrolment; never a traceback."""
    message = getattr(exc, "message", None)
    if not isinstance(message, str) or not message:
        return ("The sync did not finish.",
                "Try again with Sync now (Ctrl+Shift+Y). Nothing on this computer was lost.")
    hint = next((GUI_HINTS[k] for k in _kinds(exc) if k in GUI_HINTS), None)
    if hint is None:
        hint = getattr(exc, "hint", "")
        hint = hint if isinstance(hint, str) else ""
    return message, hint


def is_offline_error(exc: BaseException) -> bool:
    """True when the server could not be reached (the app should simply try later)."""
    return bool(_kinds(exc) & OFFLINE_KINDS)


def needs_person(exc: BaseException) -> bool:
    """True when trying again by itself cannot help (enrol again, update, certificate)."""
    return bool(_kinds(exc) & PERSON_KINDS)


def is_busy_error(exc: BaseException) -> bool:
    """True when another sync of this data folder was running (wait, do not back off)."""
    return bool(_kinds(exc) & BUSY_KINDS)


class _NetJob:
    __slots__ = ("args", "fn", "job_id", "kind", "kwargs")

    def __init__(self, job_id: int, kind: str, fn: Callable[..., Any], args: tuple[Any, ...],
                 kwargs: dict[str, Any]) -> None:
        self.job_id = job_id
        self.kind = kind
        self.fn = fn
        self.args = args
        self.kwargs = kwargs


class _NetWorker(QObject):
    """Runs the calls on the sync thread; its signals, emitted there, are queued to the GUI."""

    progressed = Signal(object)  # SyncProgress
    finished = Signal(int, str, bool, object)  # job id, kind, ok, result or exception

    def __init__(self) -> None:
        super().__init__()
        self._last_progress = 0.0
        self._last_phase = ""

    def report(self, progress: Any) -> None:
        """The service's progress callback (sync thread): throttled, so the GUI is not flooded."""
        now = time.monotonic()
        phase = getattr(progress, "phase", "")
        done = getattr(progress, "done", 0) == getattr(progress, "total", -1)
        if phase != self._last_phase or done or now - self._last_progress >= PROGRESS_EVERY_S:
            self._last_progress = now
            self._last_phase = phase
            self.progressed.emit(progress)

    def execute(self, job: _NetJob) -> None:
        self._last_phase = ""
        try:
            result = job.fn(*job.args, **job.kwargs)
        except Exception as exc:  # delivered to the GUI thread as a plain message
            self.finished.emit(job.job_id, job.kind, False, exc)
            return
        self.finished.emit(job.job_id, job.kind, True, result)


class _SyncThread(threading.Thread):
    """One long-lived daemon thread taking jobs from a queue, one at a time (``None`` ends it)."""

    def __init__(self, worker: _NetWorker) -> None:
        super().__init__(name="assessor-sync", daemon=True)
        self.jobs: queue.SimpleQueue[_NetJob | None] = queue.SimpleQueue()
        self.worker = worker

    def run(self) -> None:
        while (job := self.jobs.get()) is not None:
            self.worker.execute(job)


class SyncController(QObject):
    """Owns the sync thread and the timers; the window connects the signals to its widgets."""

    status_changed = Signal(object)  # SyncStatus, after every read
    sync_started = Signal()
    long_sync = Signal()  # the running sync has taken long enough to show progress
    progressed = Signal(object)  # SyncProgress
    sync_finished = Signal(object)  # SyncReport
    sync_failed = Signal(object)  # the exception (an AppError with message and hint)
    sync_deferred = Signal(object)  # another sync of this folder was running (the SyncBusy)
    enrolled = Signal(object)  # SyncStatus after a successful enrolment
    enrol_failed = Signal(object)  # the exception
    status_failed = Signal(object)  # the sync state could not be read (the exception)

    def __init__(self, runner: DbRunner, api: Any, parent: QObject | None = None, *,
                 first_delay_ms: int = FIRST_DELAY_MS, interval_ms: int = INTERVAL_MS,
                 settle_ms: int = SETTLE_MS, backoff_first_ms: int = BACKOFF_FIRST_MS,
                 backoff_max_ms: int = BACKOFF_MAX_MS, long_sync_ms: int = LONG_SYNC_MS,
                 busy_retry_ms: int = BUSY_RETRY_MS) -> None:
        super().__init__(parent)
        self.runner = runner
        self.api = api
        self.status: Any = None  # the last SyncStatus read
        self.last_error: BaseException | None = None
        self.offline = False
        self.failures = 0  # consecutive failed syncs (drives the back-off)
        self.syncs_run = 0
        self.deferred = 0  # tries that found another sync of this folder running
        self.waiting_for_other = False  # the last try found another sync running
        self.started = False  # start() has been called
        self._first_delay = first_delay_ms
        self._interval = interval_ms
        self._backoff_first = backoff_first_ms
        self._backoff_max = backoff_max_ms
        self._busy_retry = busy_retry_ms
        self._running: str | None = None  # "sync" or "enrol" while the thread is busy
        self._again = False  # a sync was asked for while one ran
        self._stopped = False
        self._paused_for_person = False  # a failure only a person can fix: no automatic tries
        self._paused_kind = ""  # the kind of that failure ("ServerChanged" clears by itself)
        self._ids = 0
        self._cancel = threading.Event()
        self._thread: _SyncThread | None = None

        self.timer = QTimer(self, singleShot=True)  # the next automatic sync
        self.timer.timeout.connect(lambda: self._auto("timer"))
        self.settle_timer = QTimer(self, singleShot=True, interval=settle_ms)
        self.settle_timer.timeout.connect(lambda: self._auto("edits"))
        self._long_timer = QTimer(self, singleShot=True, interval=long_sync_ms)
        self._long_timer.timeout.connect(self._on_long)

    # -- public ---------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._running is not None

    @property
    def thread(self) -> threading.Thread | None:
        """The sync thread (made on the first sync or enrolment, not before)."""
        return self._thread

    @property
    def configured(self) -> bool:
        return bool(getattr(self.status, "configured", False))

    def start(self) -> None:
        """The list is on screen: read the state, then sync shortly if enrolled."""
        if self._stopped:
            return
        self.started = True
        self.refresh_status(then_schedule=self._first_delay)

    def refresh_status(self, then_schedule: int | None = None) -> None:
        if self._stopped or self.runner.stopped:
            return

        def got(status: Any) -> None:
            if self._stopped:
                return
            was_changed = (getattr(self.status, "server_changed", False)
                           or self._paused_kind == "ServerChanged")
            self.status = status
            delay = then_schedule
            if was_changed and not getattr(status, "server_changed", False):
                # the settings and the enrolment agree again: sync without waiting for a person
                if self._paused_kind == "ServerChanged":
                    self._paused_for_person = False
                    self._paused_kind = ""
                delay = 0
            self.status_changed.emit(status)
            if delay is not None and status.configured and not self.running:
                self._schedule(delay)

        self.runner.run_op(on_worker(self.api, "sync", "status")) \
            .on_success(got).on_failure(self._status_failed)

    def sync_now(self) -> bool:
        """Sync at once (the user asked). False when not enrolled."""
        if self._stopped:
            return False
        if self.status is not None and not self.status.configured:
            return False
        self._paused_for_person = False
        self._paused_kind = ""
        self._begin_sync()
        return True

    def settings_changed(self) -> None:
        """The settings were saved: the server address may now agree with the enrolment,
        or no longer (read the status again; syncing resumes if they agree again)."""
        self.refresh_status()

    def changes_made(self) -> None:
        """Something was saved: sync once the edits have settled."""
        if not self._stopped and self.configured and not self._paused_for_person:
            self.settle_timer.start()

    def enrol(self, server_url: str, code: str, device_name: str,
              ca_bundle: str | None = None) -> None:
        """Exchange a one-time code on the sync thread; answers with enrolled or enrol_failed."""
        if self._stopped or self.running:
            self.enrol_failed.emit(RuntimeError("A sync is running; try again in a moment."))
            return
        self._submit("enrol", on_worker(self.api, "sync", "enrol"),
                     (server_url, code, device_name, ca_bundle))

    def stop(self, timeout_ms: int = STOP_WAIT_MS) -> bool:
        """The window is closing: no more syncs; a running one stops at its next step.
        True when the sync thread has ended."""
        self._stopped = True
        for timer in (self.timer, self.settle_timer, self._long_timer):
            timer.stop()
        self._cancel.set()
        if self._thread is None:
            return True
        self._thread.jobs.put(None)
        self._thread.join(timeout_ms / 1000)
        ended = not self._thread.is_alive()
        if not ended:
            # Stuck in a network read (the client's own timeout ends it later). It is a daemon
            # thread, so the app quits without it; a batch cut off here is replayed with the
            # same id by the next sync, and SQLite rolls back anything not committed.
            log.warning("The sync thread did not stop within %s ms", timeout_ms)
        return ended

    # -- scheduling -----------------------------------------------------------------------
    def next_delay_ms(self) -> int:
        if self.failures == 0:
            return self._interval
        return min(self._backoff_first * 2 ** (self.failures - 1), self._backoff_max)

    def _schedule(self, delay_ms: int) -> None:
        if not self._stopped and not self._paused_for_person:
            self.timer.start(delay_ms)

    def _auto(self, _why: str) -> None:
        if self._stopped or self._paused_for_person or not self.configured:
            return
        if getattr(self.status, "server_changed", False):
            return  # the indicator says why; fixing the setting or enrolling resumes syncing
        self._begin_sync()

    def _begin_sync(self) -> None:
        if self.running:
            self._again = True
            return
        self.timer.stop()
        self.settle_timer.stop()
        if self.status is None:  # not read yet: read it, then go on if enrolled
            self.refresh_status(then_schedule=0)
            return
        worker = self._ensure_thread()
        self._cancel.clear()
        self.waiting_for_other = False
        self._submit("sync", on_worker(self.api, "sync", "sync"), (),
                     {"progress": worker.report, "cancelled": self._cancel.is_set})
        self._long_timer.start()
        self.sync_started.emit()

    # -- the thread -----------------------------------------------------------------------
    def _ensure_thread(self) -> _NetWorker:
        if self._thread is None:
            worker = _NetWorker()
            worker.progressed.connect(self._on_progress)  # queued: emitted on the sync thread
            worker.finished.connect(self._on_finished)
            self._thread = _SyncThread(worker)
            self._thread.start()
        return self._thread.worker

    def _submit(self, kind: str, fn: Callable[..., Any], args: tuple[Any, ...],
                kwargs: dict[str, Any] | None = None) -> None:
        """Queue ``fn`` on the sync thread; ``fn`` looks the service up there, not here, so
        nothing is built (nor httpx imported) on the GUI thread."""
        self._ensure_thread()
        assert self._thread is not None
        self._ids += 1
        self._running = kind
        self._thread.jobs.put(_NetJob(self._ids, kind, fn, args, kwargs or {}))

    @Slot(object)
    def _on_progress(self, progress: Any) -> None:
        if self._running == "sync" and not self._stopped:
            self.progressed.emit(progress)

    def _on_long(self) -> None:
        if self._running == "sync" and not self._stopped:
            self.long_sync.emit()

    @Slot(int, str, bool, object)
    def _on_finished(self, _job_id: int, kind: str, ok: bool, result: Any) -> None:
        self._running = None
        self._long_timer.stop()
        if self._stopped:
            return
        if kind == "enrol":
            self._enrol_done(ok, result)
            return
        if not ok and is_busy_error(result):
            # not a failure: no back-off, no error kept; the indicator shows the wait
            self.deferred += 1
            self.waiting_for_other = True
            self.sync_deferred.emit(result)
            self._again = False
            self._schedule(self._busy_retry)
            return
        self.syncs_run += 1
        if ok:
            self.failures = 0
            self.last_error = None
            self.offline = False
            self.sync_finished.emit(result)
        else:
            self.failures += 1
            self.last_error = result
            self.offline = is_offline_error(result)
            if needs_person(result):
                self._paused_for_person = True
                self._paused_kind = next(iter(_kinds(result) & PERSON_KINDS), "")
            self.sync_failed.emit(result)
        self.refresh_status()
        if self._again and ok:
            self._again = False
            self._begin_sync()
            return
        self._again = False
        self._schedule(self.next_delay_ms())

    def _enrol_done(self, ok: bool, result: Any) -> None:
        if not ok:
            self.enrol_failed.emit(result)
            return
        self.status = result
        self.failures = 0
        self.last_error = None
        self.offline = False
        self._paused_for_person = False
        self._paused_kind = ""
        self.enrolled.emit(result)
        self.status_changed.emit(result)
        self._schedule(0)  # the first sync right away

    def _status_failed(self, exc: BaseException) -> None:
        log.warning("Could not read the sync state: %s", type(exc).__name__)
        if not self._stopped:
            self.status_failed.emit(exc)
