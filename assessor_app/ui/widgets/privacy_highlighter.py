"""Privacy prompts in a text box: likely identifiers get a wavy underline and a tooltip.

``domain.pii.find_identifiers`` is pure Python and takes seconds on a 2 MB text, so it
runs on a small worker thread of its own (never the GUI thread, never the DB thread),
``DELAY_MS`` after the last edit, over the whole text. Every edit bumps a revision; a
result computed for an older revision is dropped. Between a change and the next result
the old spans are shifted with the text, so underlines stay on their words. Advisory
only: nothing here blocks typing or saving.

    PrivacyHighlighter(edit)          # a QPlainTextEdit / QTextEdit (adds the tooltips)
    replace_finding(edit, finding)    # one undoable edit; Ctrl+Z brings the text back
"""

from __future__ import annotations

import bisect
import logging
import re
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date

import shiboken6
from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QToolTip

from assessor_app.domain.pii import Finding, IdentifierKind, find_identifiers

log = logging.getLogger(__name__)

DELAY_MS = 400
PIECE = 65_536  # characters per detector call on long texts
CONTEXT = 256
PAINT_BUDGET_S = 0.008  # repainting many underlines is spread over event-loop turns
UNDERLINE = QColor("#c05000")  # dark orange; the wavy shape and the tooltip are the other cues

KIND_WORDS = {
    IdentifierKind.NAME: "a name",
    IdentifierKind.DATE_OF_BIRTH: "a date of birth",
    IdentifierKind.POSTCODE: "a postcode",
    IdentifierKind.PHONE: "a phone number",
    IdentifierKind.EMAIL: "an e-mail address",
    IdentifierKind.NHS_NUMBER: "an NHS number",
}

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_POOL: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="privacy-scan")
        return _POOL


def scan_in_pieces(text: str, detect: Callable[[str], list[Finding]], *,
                   piece: int = PIECE, context: int = CONTEXT) -> list[Finding]:
    """``detect`` over a long text a piece at a time, each with ``context`` characters around.

    One regex call over 2 MB holds the GIL for a long while, and the GUI thread with it;
    pieces of 64 KB keep each call short. A finding counts in the piece where it starts, so
    with context longer than any pattern's look-around the result is the whole-text one.
    """
    if len(text) <= piece:
        return detect(text)
    out: list[Finding] = []
    for start in range(0, len(text), piece):
        end = min(len(text), start + piece)
        lo = max(0, start - context)
        for f in detect(text[lo:min(len(text), end + context)]):
            at = f.start + lo
            if start <= at < end and (not out or at >= out[-1].end):
                out.append(replace(f, start=at, end=f.end + lo))
        time.sleep(0)  # let the GUI thread take the GIL between pieces
    return out


def tooltip_for(finding: Finding) -> str:
    what = KIND_WORDS.get(finding.kind, "an identifier")
    return f"This looks like {what}. Consider writing “{finding.suggestion}” instead."


@dataclass(frozen=True)
class _Span:
    """A finding placed in the document: ``start``/``end`` in Qt (UTF-16) positions."""

    start: int
    end: int
    finding: Finding
    shift: int = 0  # how far the text moved since the scan (applied to ``finding`` lazily)

    def current(self) -> Finding:
        f = self.finding
        return f if not self.shift else replace(f, start=f.start + self.shift,
                                                end=f.end + self.shift)


def _qt_spans(text: str, findings: Sequence[Finding]) -> list[_Span]:
    """Python offsets count code points, Qt positions UTF-16 units: they differ after emoji."""
    if text.isascii() or len(text.encode("utf-16-le")) == 2 * len(text):
        return [_Span(f.start, f.end, f) for f in findings]
    spans: list[_Span] = []
    extra, upto = 0, 0
    for f in findings:
        extra += len(_ASTRAL.findall(text, upto, f.start))
        start = f.start + extra
        extra += len(_ASTRAL.findall(text, f.start, f.end))
        upto = f.end
        spans.append(_Span(start, f.end + extra, f))
    return spans


def _qt_position(text: str, offset: int) -> int:
    return offset + len(_ASTRAL.findall(text, 0, offset))


class _Bridge(QObject):
    """Carries a result from the worker thread to the GUI thread (a queued signal)."""

    done = Signal(int, object)  # revision, list[Finding]


class PrivacyHighlighter(QSyntaxHighlighter):
    findings_changed = Signal()  # new findings for the current text
    detection_started = Signal(int)  # the revision being scanned (tests and status lines)

    def __init__(self, target: QPlainTextEdit | QTextEdit | QTextDocument,
                 parent: QObject | None = None, *, delay_ms: int = DELAY_MS,
                 today: date | None = None,
                 detect: Callable[[str], list[Finding]] | None = None) -> None:
        document = target if isinstance(target, QTextDocument) else target.document()
        super().__init__(parent if parent is not None else document)
        self._detect = detect or (lambda text: find_identifiers(text, today=today))
        self._spans: list[_Span] = []
        self._starts: list[int] = []
        self._revision = 0
        self._latest = [0]  # read by the worker to skip queued scans that are already stale
        self.dropped = 0  # stale results thrown away (for tests)
        self.running = False
        self._format = QTextCharFormat()
        self._format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        self._format.setUnderlineColor(UNDERLINE)
        self._bridge = _Bridge()  # no parent: it outlives us while a scan is running
        self._bridge.done.connect(self._on_result)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(delay_ms)
        self.timer.timeout.connect(self._start_scan)
        self._paint: list[tuple[list[_Span], int]] = []  # spans (from index) to repaint
        self._paint_timer = QTimer(self)
        self._paint_timer.setSingleShot(True)
        self._paint_timer.setInterval(0)
        self._paint_timer.timeout.connect(self._paint_some)
        # Connected before setDocument, so spans are shifted before Qt re-highlights the block.
        document.contentsChange.connect(self._on_change)
        self.setDocument(document)
        self._edit: QPlainTextEdit | QTextEdit | None = None
        if isinstance(target, QPlainTextEdit | QTextEdit):
            self._edit = target
            target.viewport().installEventFilter(self)
        if document.characterCount() > 1:
            self.timer.start()

    # -- queries --------------------------------------------------------------------------
    def findings(self) -> list[Finding]:
        """The current findings, in text order (Python offsets into ``toPlainText()``)."""
        return [s.current() for s in self._spans]

    def finding_at(self, position: int) -> Finding | None:
        """The finding under a Qt cursor position (also just after its last character)."""
        i = bisect.bisect_right(self._starts, position) - 1
        if i >= 0 and self._spans[i].start <= position <= self._spans[i].end:
            return self._spans[i].current()
        return None

    def suggestion_at(self, position: int) -> str | None:
        found = self.finding_at(position)
        return found.suggestion if found is not None else None

    @property
    def painting(self) -> bool:
        """Underlines of the latest result are still being applied, a batch per turn."""
        return bool(self._paint)

    @property
    def revision(self) -> int:
        return self._revision

    # -- edits ------------------------------------------------------------------------------
    def _on_change(self, position: int, removed: int, added: int) -> None:
        if not removed and not added:
            return  # a format change (our own highlighting), not the text
        self._revision += 1
        self._latest[0] = self._revision
        if self._spans:
            delta, end = added - removed, position + removed
            # spans before the edit stay as they are; Qt re-highlights the edited block itself
            i = bisect.bisect_left(self._starts, position)
            head = self._spans[:i]
            while head and head[-1].end > position:
                head.pop()  # the edit touched it: gone until the next scan
            tail = [_Span(s.start + delta, s.end + delta, s.finding, s.shift + delta)
                    for s in self._spans[i:] if s.start >= end and (s.start > position or not removed)]
            self._spans = head + tail
            self._starts = [s.start for s in self._spans]
        self.timer.start()

    def _start_scan(self) -> None:
        document = self.document()
        if document is None:
            return
        text = document.toPlainText()
        revision = self._revision
        latest, detect, bridge = self._latest, self._detect, self._bridge

        def scan() -> None:  # on the worker thread: only the text, no widget
            if latest[0] != revision:
                return  # already stale: a newer scan is queued behind this one
            try:
                found = scan_in_pieces(text, detect)
                spans = _qt_spans(text, found)
            except Exception:
                log.exception("Privacy scan failed")
                spans = None
            if shiboken6.isValid(bridge):
                bridge.done.emit(revision, spans)

        self.running = True
        self.detection_started.emit(revision)
        _pool().submit(scan)

    def _on_result(self, revision: int, spans: list[_Span] | None) -> None:
        if revision != self._revision:
            self.dropped += 1
            return
        self.running = False
        if spans is None:
            return
        self._set_spans(spans)
        self.findings_changed.emit()

    def _set_spans(self, spans: list[_Span]) -> None:
        """New spans; the blocks they (and the old ones) touch are repainted a batch at a time.

        Repainting a block always uses the current spans, so a block visited twice, or at a
        position an edit has since moved, is still painted right.
        """
        old = self._spans
        self._spans = spans
        self._starts = [s.start for s in spans]
        self._paint = [q for q in (*self._paint, (old, 0), (spans, 0)) if q[1] < len(q[0])]
        self._paint_some()

    def _paint_some(self) -> None:
        document = self.document()
        if document is None:
            self._paint = []
            return
        deadline = time.perf_counter() + PAINT_BUDGET_S
        while self._paint and time.perf_counter() < deadline:
            spans, i = self._paint[0]
            done_block = -1
            stop = min(len(spans), i + 50)
            for s in spans[i:stop]:
                block = document.findBlock(s.start)
                while block.isValid() and block.position() < max(s.end, s.start + 1):
                    if block.blockNumber() > done_block:
                        self.rehighlightBlock(block)
                        done_block = block.blockNumber()
                    block = block.next()
            if stop >= len(spans):
                self._paint.pop(0)
            else:
                self._paint[0] = (spans, stop)
        if self._paint:
            self._paint_timer.start()

    # -- highlighting ---------------------------------------------------------------------
    def highlightBlock(self, text: str) -> None:
        if not self._spans:
            return
        block = self.currentBlock()
        begin = block.position()
        end = begin + block.length()
        i = max(0, bisect.bisect_right(self._starts, begin) - 1)
        while i < len(self._spans) and self._spans[i].start < end:
            s = self._spans[i]
            lo, hi = max(s.start, begin), min(s.end, end)
            if hi > lo:
                fmt = QTextCharFormat(self._format)
                fmt.setToolTip(tooltip_for(s.finding))
                self.setFormat(lo - begin, hi - lo, fmt)
            i += 1

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        edit = self._edit
        if (edit is not None and event.type() == QEvent.Type.ToolTip
                and watched is edit.viewport()):
            pos = event.pos()  # type: ignore[attr-defined]
            found = self.finding_at(edit.cursorForPosition(pos).position())
            if found is not None:
                QToolTip.showText(event.globalPos(), tooltip_for(found), edit)  # type: ignore[attr-defined]
                return True
        return super().eventFilter(watched, event)


def replace_finding(edit: QPlainTextEdit | QTextEdit, finding: Finding,
                    text: str | None = None) -> bool:
    """Replace ``finding``'s span with ``text`` (its suggestion by default), undoably.

    Returns False, changing nothing, if the text there is no longer what was found.
    """
    new = finding.suggestion if text is None else text
    plain = edit.toPlainText()
    if plain[finding.start:finding.end] != finding.text:
        return False
    start, end = _qt_position(plain, finding.start), _qt_position(plain, finding.end)
    cursor = QTextCursor(edit.document())
    cursor.beginEditBlock()
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    cursor.insertText(new)
    cursor.endEditBlock()
    return True
