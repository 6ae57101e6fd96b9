"""Debounced autosave: edits are collected on the GUI thread and written on the DB thread.

``changed(name, text)`` after every keystroke restarts a single-shot timer; when it fires
(``DELAY_MS`` after the last keystroke) the pending values go to the DB thread in one op.
The GUI never waits: while a save runs, new edits collect and go in the next one. A save
that fails puts its values back (newer typing wins), says so in plain words and retries.
Nothing here touches the text widgets, so the typed text always stays where it is.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import datetime
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

from assessor_app.ui.tasks import DbRunner

DELAY_MS = 500
RETRY_MS = 2_000
_default_delay_ms = DELAY_MS  # the settings' autosave delay; changes apply to the next keystroke


def set_default_delay_ms(ms: int) -> None:
    """Set by the settings (``autosave_seconds``) for every editor that did not ask for its own."""
    global _default_delay_ms
    _default_delay_ms = max(int(ms), 100)


def default_delay_ms() -> int:
    return _default_delay_ms


def freeze_long_lived() -> None:
    """Keep Python's full garbage collections off the typing path.

    With the store, catalogue and page loaded the interpreter tracks ~150,000 objects; a
    full (generation 2) collection walks them all and holds the GIL for 55-95 ms, which
    is a visible stall when it lands mid-typing (an autosave allocates enough to trigger
    one now and then). Called when an editor has loaded: young garbage is collected
    (a few ms), then everything alive is moved out of the collector's way (``gc.freeze``),
    so later full collections only walk what is new.
    """
    gc.collect(1)
    gc.freeze()


class Autosaver(QObject):
    saved = Signal(object)  # the save function's result, after a commit
    status_changed = Signal(str)  # "Saving…", "Saved 14:02", or a plain error
    failed = Signal(object)  # the exception of a save that failed (its values are kept)

    def __init__(self, runner: DbRunner, save_fn: Callable[[Any], Any],
                 parent: QObject | None = None, *, delay_ms: int | None = None,
                 clock: Callable[[], datetime] = datetime.now,
                 prepare: Callable[[dict[str, str]], Any] | None = None) -> None:
        """``prepare`` (GUI thread, when a batch goes out) turns the batch into what
        ``save_fn`` gets: an editor adds the values each field started from."""
        super().__init__(parent)
        self._runner = runner
        self._save_fn = save_fn  # runs on the DB thread: must hold no widget
        self._prepare = prepare
        self._clock = clock
        self._pending: dict[str, str] = {}
        self._in_flight: dict[str, str] | None = None
        self._held = False
        self.status = ""
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self._delay = delay_ms
        self.timer.timeout.connect(self.flush)

    @property
    def clean(self) -> bool:
        """Nothing typed is waiting or being written."""
        return not self._pending and self._in_flight is None

    def busy_with(self, name: str) -> bool:
        """A value of ``name`` is waiting or being written."""
        return name in self._pending or (self._in_flight is not None and name in self._in_flight)

    def pending(self) -> dict[str, str]:
        """What is typed and not written yet (a copy), the batch being written included."""
        return {**(self._in_flight or {}), **self._pending}

    def take_pending(self) -> dict[str, str]:
        """Hand over everything not written yet (written another way, e.g. as a new record);
        a batch being written meanwhile is let go."""
        values = self.pending()
        self._pending, self._in_flight = {}, None
        self.timer.stop()
        return values

    def hold(self) -> None:
        """Keep what is typed but stop sending (the record is gone until the person chooses
        to restore it or save it as new); ``release`` sends it."""
        self._held = True
        self.timer.stop()

    def release(self) -> None:
        self._held = False
        if self._pending:
            self.flush()

    def changed(self, name: str, text: str) -> None:
        self._pending[name] = text
        # restarts: the delay after the last keystroke
        self.timer.start(self._delay if self._delay is not None else _default_delay_ms)

    def flush(self) -> None:
        """Send what is pending now (also used when the editor closes)."""
        self.timer.stop()
        if self._held or self._in_flight is not None or not self._pending:
            return  # the running save's success sends the rest
        batch, self._pending = self._pending, {}
        self._in_flight = batch
        self._set_status("Saving…")
        arg = self._prepare(dict(batch)) if self._prepare is not None else dict(batch)
        self._runner.run_op(self._save_fn, arg) \
            .on_success(self._on_saved).on_failure(self._on_failed)

    def _alive(self) -> bool:
        return shiboken6.isValid(self)

    def _on_saved(self, result: Any) -> None:
        if not self._alive():
            return
        self._in_flight = None
        self._set_status(f"Saved {self._clock():%H:%M}")
        self.saved.emit(result)
        if self._pending:
            self.flush()

    def _on_failed(self, exc: BaseException) -> None:
        if not self._alive():
            return
        batch, self._in_flight = self._in_flight or {}, None
        self._pending = {**batch, **self._pending}  # newer typing wins
        message, hint = getattr(exc, "message", None), getattr(exc, "hint", "")
        if not isinstance(message, str) or not message:  # not an AppError: its first line
            message, hint = (str(exc).splitlines() or [type(exc).__name__])[0], ""
        hint = f" {hint.strip()}" if isinstance(hint, str) and hint.strip() else ""
        self.failed.emit(exc)  # a slot may hold the saver (the record was deleted)
        if self._held:
            self._set_status(f"Not saved yet: {message.rstrip('.')}. Your text is kept.")
            return
        self._set_status(f"Not saved yet: {message.rstrip('.')}.{hint} Your text is kept; "
                         "trying again…")
        self.timer.start(RETRY_MS)

    def _set_status(self, text: str) -> None:
        self.status = text
        self.status_changed.emit(text)
