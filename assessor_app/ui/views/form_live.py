"""A whole-form editor (review meeting, final assessment) kept in step with its record.

These editors save on request ("Save draft"), and their page reloads them whenever the
window refreshes (after every sync that brought anything, after an evidence editor closes).
A reload must never put the stored text over typing that is not saved yet, and a save must
never put the form over parts a sync changed meanwhile. So the editor keeps, as flat fields
(``domain.review_fields``), what the form held when it was shown (its *base*):

- a reload shows the new value of each part the person has not touched, in place, and keeps
  the typing in the others (``domain.edit_merge.reconcile``);
- a save sends the base along; the service keeps both texts where both changed.

When the practitioner leaves this laptop while the editor is open (moved to another
assessor: a scope exit), the form can no longer be saved here: the editor says so plainly,
turns read only and keeps the typing not saved aside with the other kept-aside changes
(``removed_from_laptop``); it goes back into the record if the practitioner is assigned back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QWidget

from assessor_app.domain.edit_merge import RecordChange, reconcile
from assessor_app.errors import RecordRemoved
from assessor_app.ui.tasks import Op
from assessor_app.ui.views.live_fields import (
    conflict_words,
    keep_aside_failed_words,
    kept_aside_words,
    updated_words,
)
from assessor_app.ui.widgets.notice_bar import NoticeBar


class FormLive(QObject):
    def __init__(self, owner: QWidget, *, current: Callable[[], dict[str, Any]],
                 show: Callable[[dict[str, Any]], None],
                 labels: Callable[[Iterable[str]], str]) -> None:
        super().__init__(owner)
        self.owner = owner
        self._current = current
        self._show = show
        self._labels = labels
        self.base: dict[str, Any] | None = None
        self.notice = NoticeBar(owner)
        self.conflicts_dialog: Any = None
        self.removed = False  # the practitioner left this laptop: nothing is saved here

    @property
    def dirty(self) -> bool:
        """The form holds something not saved yet."""
        return self.base is not None and self._current() != self.base

    def shown(self, stored: dict[str, Any], conflicts: tuple[str, ...] = ()) -> None:
        """The form was filled from ``stored`` (another record, or the first time)."""
        self.base = dict(stored)
        self.removed = False
        self.notice.hide()
        if conflicts:
            self.show_conflicts(None, conflicts)

    def take_in(self, stored: dict[str, Any], change: RecordChange,
                conflicts: tuple[str, ...] = ()) -> None:
        """The same record, read again: untouched parts show the new value, typing stays."""
        if self.base is None or self.removed:  # (removed: the practitioner is back)
            self.shown(stored, conflicts)
            return
        result = reconcile(self.base, stored, self._current())
        self.base = result.base
        self._show(result.show)
        self._notices(result.show, change, conflicts)

    def saved(self, sent: dict[str, Any], stored: dict[str, Any],
              conflicted_with: RecordChange | None, conflicts: tuple[str, ...]) -> None:
        """A save came back: what the store kept shows where the form still holds what was
        sent (typing since stays, on the base it was typed on)."""
        result = reconcile(sent, stored, self._current())
        self.base = result.base
        self._show(result.show)
        if conflicted_with is not None:
            fields = [f for f in conflicts] or list(result.show)
            self.show_conflicts(conflicted_with, fields)
        else:
            self._notices({}, RecordChange(), conflicts)

    def _notices(self, shown: dict[str, Any], change: RecordChange,
                 conflicts: tuple[str, ...]) -> None:
        showing_conflict = self.notice.isVisible() and self.notice.tone == "conflict"
        if conflicts:
            if not showing_conflict:
                self.show_conflicts(None, conflicts)
        elif shown:
            self.notice.show_notice("info", updated_words(change, self._labels(shown)))
        elif showing_conflict:
            self.notice.hide()

    def show_conflicts(self, change: RecordChange | None, fields: Iterable[str]) -> None:
        self.notice.show_notice("conflict", conflict_words(change, self._labels(fields)), (
            ("Re&view…", "Review the two versions", self.open_conflicts),))

    def open_conflicts(self) -> None:
        """Sync ▸ Conflicts…, opened from the editor; a resolution reloads the editor."""
        from assessor_app.ui.record_watch import record_watch
        from assessor_app.ui.views.conflicts_view import ConflictsDialog

        owner: Any = self.owner
        dialog = ConflictsDialog(owner.runner, owner.api, owner)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.resolved.connect(lambda *_: record_watch().notify())
        self.conflicts_dialog = dialog
        dialog.open()

    # -- the practitioner removed from this laptop ------------------------------------------
    def removed_from_laptop(self, exc: RecordRemoved,
                            keep: Callable[[dict[str, Any], dict[str, Any]], Op],
                            pending: tuple[dict[str, Any], dict[str, Any]] | None = None) -> None:
        """Keep aside (``keep(typing, base)``) what a save that failed (``pending``: what it
        sent, on its base) and the form hold that is not saved, and say so plainly. The
        owner makes the form read only (``removed`` is set); called again, nothing happens
        beyond keeping a failed save's text."""
        typed = [p for p in (pending,) if p is not None and p[0] != p[1]]
        current = self._current()
        if (not self.removed and self.base is not None and current != self.base
                and all(current != sent for sent, _ in typed)):
            typed.append((current, dict(self.base)))
        if self.removed:
            for typing, base in typed:
                keep(typing, base)
            return
        self.removed = True
        self.notice.show_notice("removed", f"{exc.message} Keeping your typing aside…",
                                closable=False)
        ops = [keep(typing, base) for typing, base in typed] or [keep({}, {})]
        ops[-1].on_success(self._guarded(lambda words: self._kept_aside(str(words), bool(typed))))
        for op in ops:
            op.on_failure(self._guarded(self._keep_aside_failed))

    def _guarded(self, fn: Callable[[Any], None]) -> Callable[[Any], None]:
        import shiboken6

        def call(value: Any) -> None:
            if shiboken6.isValid(self.owner) and self.removed:
                fn(value)
        return call

    def _kept_aside(self, words: str, typed: bool) -> None:
        self.notice.show_notice("removed", kept_aside_words(words, typed), closable=False)
        owner: Any = self.owner
        owner.message.setText("Not saved here: kept aside." if typed else "")

    def _keep_aside_failed(self, exc: BaseException) -> None:
        self.notice.show_notice("removed", keep_aside_failed_words("practitioner", exc),
                                closable=False)
