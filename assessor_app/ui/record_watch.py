"""Tells open editors that records may have changed under them (a sync, another window).

An editor stays open while the background sync pulls other devices' work, and the same
record may be open in two windows. Whoever changes the store says so here; each open editor
then reads its record again and takes in what changed (``ui.views.live_fields``). One
watcher per application, made when first asked for; it holds no service and no widget.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Signal


class RecordWatch(QObject):
    #: (record id, or "" when any record may have changed; who changed it: the editor that
    #: saved, or None for a sync or a conflict resolved)
    changed = Signal(str, object)

    def notify(self, record_id: str = "", origin: object = None) -> None:
        self.changed.emit(record_id, origin)


_watch: RecordWatch | None = None


def record_watch() -> RecordWatch:
    """The application's watcher (parented to the application, so it goes with it)."""
    global _watch
    if _watch is None or not shiboken6.isValid(_watch):
        _watch = RecordWatch(QCoreApplication.instance())
    return _watch
