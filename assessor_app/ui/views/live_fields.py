"""Putting a value that arrived from elsewhere into an input without losing the person's place.

When a sync (or another window) changes a field the person has not touched, the editor
shows the new value in place: only the part of the text that changed is replaced, as one
undoable step, so the cursor, the selection and the scroll position stay where they were
when the change is elsewhere in the text (and move with the text when it is before them).
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QWidget

from assessor_app.domain.edit_merge import RecordChange
from assessor_app.ui.views.evidence_inputs import set_text


def diff_span(old: str, new: str) -> tuple[int, int, int]:
    """(start, end in ``old``, end in ``new``) of the one stretch that differs."""
    limit = min(len(old), len(new))
    start = 0
    while start < limit and old[start] == new[start]:
        start += 1
    tail = 0
    while tail < limit - start and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return start, len(old) - tail, len(new) - tail


def moved_position(old: str, new: str, pos: int) -> int:
    """Where a cursor at ``pos`` in ``old`` belongs in ``new``: unchanged before the change,
    shifted after it, at the end of the new stretch when it was inside the old one."""
    start, end_old, end_new = diff_span(old, new)
    if pos <= start:
        return pos
    if pos >= end_old:
        return pos + len(new) - len(old)
    return end_new


def _u16(text: str, index: int) -> int:
    """A Python string index as Qt counts it (UTF-16 code units: an emoji is two)."""
    return len(text[:index].encode("utf-16-le")) // 2


def replace_text(widget: QWidget, text: str) -> None:
    """Show ``text`` in ``widget``, keeping the person's place (see the module docstring)."""
    if isinstance(widget, QPlainTextEdit):
        old = widget.toPlainText()
        if old == text:
            return
        start, end_old, end_new = diff_span(old, text)
        cursor = QTextCursor(widget.document())
        cursor.beginEditBlock()
        cursor.setPosition(_u16(old, start))
        cursor.setPosition(_u16(old, end_old), QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(text[start:end_new])
        cursor.endEditBlock()
    elif isinstance(widget, QLineEdit):
        old = widget.text()
        if old == text:
            return
        pos = moved_position(old, text, widget.cursorPosition())
        widget.setText(text)
        widget.setCursorPosition(pos)
    else:
        set_text(widget, text)


def clock_text(at: datetime | None) -> str:
    """'14:32' in local time (now, when not known)."""
    local = (at.astimezone() if at.tzinfo else at) if at is not None else datetime.now()
    return f"{local:%H:%M}"


def updated_words(change: RecordChange, parts: str = "") -> str:
    """"Updated from your other device at 14:32: Notes." """
    return f"Updated {change.words} at {clock_text(change.at)}" + (f": {parts}." if parts
                                                                     else ".")


def conflict_words(change: RecordChange | None, parts: str = "") -> str:
    """The notice for a record whose text was changed in two places (both kept)."""
    what = f" ({parts})" if parts else ""
    if change is not None:
        return (f"This record was also changed {change.where}{what}. Both versions are kept: "
                "your text is in the record, the other version is waiting for you to compare.")
    return (f"Parts of this record were changed on two devices{what}. Both versions are kept "
            "until you choose.")


def kept_aside_words(words: str, typed: bool) -> str:
    """The notice of an editor whose record left this laptop (a scope exit): ``words`` say
    why, then whether its typing was kept aside."""
    kept = ("Your typing is kept aside, encrypted, on this laptop with your other "
            "kept-aside changes: it goes back into the record if the practitioner is "
            "assigned to you again (assessor-app sync --kept-aside lists it)."
            if typed else "Everything you typed had been saved, so nothing is lost.")
    return f"{words} {kept} You can close this editor."


def keep_aside_failed_words(what: str, exc: BaseException) -> str:
    """The typing of an editor whose ``what`` ("record", "practitioner") left this laptop
    could not be kept aside: it is still in the editor."""
    return (f"This {what} is no longer on this laptop and your typing could not be kept aside "
            f"({getattr(exc, 'message', '') or type(exc).__name__}). It is still in this "
            "editor: copy it somewhere safe before closing.")
