"""Conflicts (Sync ▸ Conflicts…): the same text changed on two devices, and the person chooses.

The list shows every open conflict; for the selected one the version now in the record and
the other version sit side by side, read-only, with the words that differ highlighted (and
bold, so colour is not the only cue). The choices: keep the version in the record, use the
other version, or merge the two by hand in an editor that starts with both. Each choice is
written on the DB thread (``api.sync.resolve``) and syncs like any other edit.

A second tab lists the records from other devices that wait on this computer because they
cannot be added yet (``api.sync.parked``): what each is, whose, why it waits and what
happens next. There is nothing to decide, so there are no buttons: each sync tries them
again, and the list is read again after every sync, so one that fitted is gone.
"""

from __future__ import annotations

import difflib
import re
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QTextEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assessor_app.ui.dates import day_month_year
from assessor_app.ui.tasks import DbRunner, on_worker

if TYPE_CHECKING:
    from assessor_app.services.sync import ConflictItem, ParkedItem

ID_ROLE = Qt.ItemDataRole.UserRole + 1
KEPT_MARK = "#cfe8ff"  # words only in the version in the record (light blue)
OTHER_MARK = "#ffe0a3"  # words only in the other version (light amber)
_TOKENS = re.compile(r"\s+|[^\s]+")


def diff_html(mine: str, theirs: str, mark: str) -> str:
    """``mine`` as HTML, with the words that are not in ``theirs`` highlighted and bold.

    Word by word, so a changed sentence shows the changed words, not the whole paragraph.
    The text is always escaped; line breaks and spaces are kept (pre-wrap).
    """
    if not mine:
        return "<i>(empty — nothing written here)</i>"
    a, b = _TOKENS.findall(mine), _TOKENS.findall(theirs)
    parts: list[str] = []
    for op, i1, i2, _j1, _j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        chunk = escape("".join(a[i1:i2]))
        if op == "equal" or not chunk.strip():
            parts.append(chunk)
        else:
            parts.append(f'<span style="background-color:{mark}; color:#000000;'
                         f' font-weight:bold;">{chunk}</span>')
    return f'<div style="white-space:pre-wrap;">{"".join(parts)}</div>'


def when_text(at: datetime | None) -> str:
    """'22 Nov 2026 14:05' in local time; '' when unknown."""
    if at is None:
        return ""
    local = at.astimezone() if at.tzinfo else at
    return f"{day_month_year(local.date())} {local:%H:%M}"


def tidy_title(title: str) -> str:
    """'Observation: Observation 1: visit' → 'Observation 1: visit' (the kind said twice)."""
    kind, sep, rest = title.partition(": ")
    return rest if sep and rest.lower().startswith(kind.lower()) else title


def other_author(item: ConflictItem) -> str:
    who = item.other_user or "someone"
    return f"{who} on {item.other_device}" if item.other_device else who


def _table(parent: QWidget, name: str, headers: list[str], *, stretch: int) -> QTreeWidget:
    """A flat list with columns sized to their contents but ``stretch``, which takes the rest."""
    table = QTreeWidget(parent)
    table.setAccessibleName(name)
    table.setRootIsDecorated(False)
    table.setAlternatingRowColors(True)
    table.setHeaderLabels(headers)
    header = table.header()
    for col in range(len(headers)):
        header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch if col == stretch
                                    else QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(False)
    return table

class ConflictsDialog(QDialog):
    """``api`` offers ``sync.conflicts()``, ``sync.parked()`` and ``sync.resolve(id, choice,
    merged_text)`` (``None``: nothing is read, the caller shows items itself). ``section``
    "waiting" opens it on the waiting records; by default it opens on the conflicts, or on
    the waiting records when there are only those."""

    loaded = Signal(int)  # how many open conflicts are listed
    parked_loaded = Signal(int)  # how many waiting records are listed
    resolved = Signal(str)  # a conflict id, once its resolution is written
    failed = Signal(str)

    def __init__(self, runner: DbRunner, api: Any, parent: QWidget | None = None, *,
                 section: str = "") -> None:
        super().__init__(parent)
        self.runner = runner
        self.api = api
        self.items: dict[str, ConflictItem] = {}
        self.parked: list[ParkedItem] = []
        self.resolved_count = 0
        self.merge_dialog: MergeDialog | None = None
        self._section = section  # "" until the first reading decides; then never switched
        self.setWindowTitle("Conflicts and waiting records")
        self.setAccessibleName("Conflicts and waiting records")
        self.resize(1000, 680)

        intro = QLabel("The same text was changed on two devices and the changes could not be "
                       "combined. Nothing has been lost: both versions are below. Choose which "
                       "to keep, or merge them.", self)
        intro.setWordWrap(True)
        intro.setAccessibleName("About conflicts")
        self.status = QLabel("Reading conflicts…", self)
        self.status.setAccessibleName("Conflicts status")
        self.status.setWordWrap(True)

        self.list = _table(self, "Open conflicts",
                           ["Record", "Part", "Practitioner", "Other version by", "When"],
                           stretch=0)
        self.list.currentItemChanged.connect(lambda *_: self._show_current())

        self.kept_title = QLabel("In the record now", self)
        self.other_title = QLabel("The other version", self)
        for label in (self.kept_title, self.other_title):
            label.setWordWrap(True)
            font = label.font()
            font.setBold(True)
            label.setFont(font)
        self.kept_text = self._pane("Version in the record")
        self.other_text = self._pane("Other version")
        self.keep_button = QPushButton("&Keep this version", self)
        self.keep_button.setAccessibleName("Keep the version in the record")
        self.keep_button.setToolTip("Keep the text that is in the record now (Alt+K)")
        self.other_button = QPushButton("&Use the other version", self)
        self.other_button.setAccessibleName("Use the other version")
        self.other_button.setToolTip("Put the other version into the record instead (Alt+U)")
        self.merge_button = QPushButton("&Merge…", self)
        self.merge_button.setAccessibleName("Merge the two versions")
        self.merge_button.setToolTip("Write one text from both versions (Alt+M)")
        self.keep_button.clicked.connect(lambda: self.resolve_current("kept"))
        self.other_button.clicked.connect(lambda: self.resolve_current("other"))
        self.merge_button.clicked.connect(self.open_merge)
        self.legend = QLabel(
            "Words that differ are in bold, "
            f'<span style="background-color:{KEPT_MARK}; color:#000000;"><b>&nbsp;blue&nbsp;'
            f'</b></span> in the record and <span style="background-color:{OTHER_MARK}; '
            'color:#000000;"><b>&nbsp;amber&nbsp;</b></span> in the other version.', self)
        self.legend.setAccessibleName("How differences are shown")

        sides = QWidget(self)
        grid = QGridLayout(sides)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.kept_title, 0, 0)
        grid.addWidget(self.other_title, 0, 1)
        grid.addWidget(self.kept_text, 1, 0)
        grid.addWidget(self.other_text, 1, 1)
        grid.addWidget(self.keep_button, 2, 0, Qt.AlignmentFlag.AlignLeft)
        grid.addWidget(self.other_button, 2, 1, Qt.AlignmentFlag.AlignLeft)
        grid.setRowStretch(1, 1)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.list)
        split.addWidget(sides)
        split.setStretchFactor(1, 2)
        split.setSizes([170, 430])
        split.setChildrenCollapsible(False)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close conflicts")
        tools = QHBoxLayout()
        tools.addWidget(self.merge_button)
        tools.addWidget(self.legend, 1)
        conflicts_page = QWidget(self)
        page = QVBoxLayout(conflicts_page)
        page.addWidget(intro)
        page.addWidget(self.status)
        page.addWidget(split, 1)
        page.addLayout(tools)
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Conflicts and waiting records")
        self.tabs.addTab(conflicts_page, "&Conflicts")
        self.tabs.addTab(self._waiting_page(), "&Waiting to be added")
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        QWidget.setTabOrder(self.list, self.kept_text)
        QWidget.setTabOrder(self.kept_text, self.other_text)
        QWidget.setTabOrder(self.other_text, self.keep_button)
        QWidget.setTabOrder(self.keep_button, self.other_button)
        QWidget.setTabOrder(self.other_button, self.merge_button)
        QWidget.setTabOrder(self.merge_button, close)
        refresh = QShortcut(QKeySequence("F5"), self)
        refresh.activated.connect(self.reload)
        self._set_actions_enabled(False)
        self.show_section(section)
        self.reload()

    def _waiting_page(self) -> QWidget:
        page = QWidget(self)
        intro = QLabel("These records came from other devices but cannot be added on this "
                       "computer yet. Nothing is lost: each is kept here unchanged, each sync "
                       "tries again, and one that fits leaves this list by itself. There is "
                       "nothing to decide here.", page)
        intro.setWordWrap(True)
        intro.setAccessibleName("About waiting records")
        self.parked_status = QLabel("Reading waiting records…", page)
        self.parked_status.setAccessibleName("Waiting records status")
        self.parked_status.setWordWrap(True)
        self.parked_list = _table(page, "Records waiting to be added",
                                  ["Record", "Practitioner", "Why it waits", "Written by",
                                   "Waiting since"], stretch=2)
        self.parked_list.currentItemChanged.connect(lambda *_: self._show_parked())
        box = QFrame(page)
        box.setFrameShape(QFrame.Shape.StyledPanel)
        self.parked_title = QLabel("", box)
        self.parked_title.setWordWrap(True)
        font = self.parked_title.font()
        font.setBold(True)
        self.parked_title.setFont(font)
        self.parked_detail = QLabel("", box)
        self.parked_detail.setWordWrap(True)
        self.parked_detail.setAccessibleName("Why this record waits")
        self.parked_detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        inside = QVBoxLayout(box)
        inside.addWidget(self.parked_title)
        inside.addWidget(self.parked_detail)
        inside.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addWidget(self.parked_status)
        layout.addWidget(self.parked_list, 3)
        layout.addWidget(box, 2)
        return page

    def show_section(self, section: str) -> None:
        """"waiting" shows the waiting records, anything else the conflicts."""
        self._section = section
        self.tabs.setCurrentIndex(1 if section == "waiting" else 0)
        (self.parked_list if section == "waiting" else self.list).setFocus()

    def _pane(self, name: str) -> QTextBrowser:
        pane = QTextBrowser(self)
        pane.setAccessibleName(name)
        pane.setOpenLinks(False)
        pane.setLineWrapMode(QTextBrowser.LineWrapMode.WidgetWidth)
        pane.setTabChangesFocus(True)
        return pane

    # -- reading ---------------------------------------------------------------------------
    def reload(self) -> None:
        if self.runner.stopped or self.api is None:
            return
        self.runner.run_op(on_worker(self.api, "sync", "conflicts")) \
            .on_success(self.show_conflicts).on_failure(self._failed)
        self.runner.run_op(on_worker(self.api, "sync", "parked")) \
            .on_success(self.show_parked).on_failure(self._parked_failed)

    def show_parked(self, items: list[ParkedItem]) -> None:
        previous = self.current_parked()
        self.parked = list(items)
        self.parked_list.clear()
        for p in items:
            row = QTreeWidgetItem(self.parked_list, [p.kind, p.practitioner, p.why,
                                                     p.written_by or "someone",
                                                     when_text(p.since)])
            row.setData(0, ID_ROLE, (p.table, p.row_id))
            row.setToolTip(2, p.explanation)
        n = len(items)
        self.tabs.setTabText(1, f"&Waiting to be added ({n})" if n else "&Waiting to be added")
        if not items:
            self.parked_status.setText("Nothing is waiting: every record from other devices "
                                       "has been added.")
            self.parked_title.setText("")
            self.parked_detail.setText("")
        else:
            self.parked_status.setText(
                f"{n} record{'s' if n != 1 else ''} from other devices "
                f"{'is' if n == 1 else 'are'} waiting. Choose one to see why.")
            keys = [(p.table, p.row_id) for p in items]
            target = keys.index(previous) if previous in keys else 0
            self.parked_list.setCurrentItem(self.parked_list.topLevelItem(target))
            if not self._section and not self.items:
                self.show_section("waiting")  # only waiting records: show them
        if not self._section:  # decided once, at the first reading: never moved under a person
            self._section = "conflicts"
        self.parked_loaded.emit(n)

    def _parked_failed(self, exc: BaseException) -> None:
        message = getattr(exc, "message", "") or "The waiting records could not be read."
        self.parked_status.setText(f"{message} {getattr(exc, 'hint', '')}".strip())

    def current_parked(self) -> tuple[str, str] | None:
        row = self.parked_list.currentItem()
        return tuple(row.data(0, ID_ROLE)) if row is not None else None  # type: ignore[return-value]

    def _show_parked(self) -> None:
        key = self.current_parked()
        p = next((p for p in self.parked if (p.table, p.row_id) == key), None)
        if p is None:
            self.parked_title.setText("")
            self.parked_detail.setText("")
            return
        self.parked_title.setText(f"{p.kind} — {p.practitioner}")
        self.parked_detail.setText(p.explanation)

    def show_conflicts(self, items: list[ConflictItem]) -> None:
        previous = self.current_id()
        row_before = max(self.list.indexOfTopLevelItem(self.list.currentItem()), 0) \
            if self.list.currentItem() is not None else 0
        self.items = {item.id: item for item in items}
        self.list.clear()
        for item in items:
            when = when_text(item.created_at)
            row = QTreeWidgetItem(self.list, [tidy_title(item.record_title), item.field_label,
                                              item.practitioner_name, other_author(item), when])
            row.setData(0, ID_ROLE, item.id)
            row.setToolTip(0, tidy_title(item.record_title))
        self.tabs.setTabText(0, f"&Conflicts ({len(items)})" if items else "&Conflicts")
        if not items:
            self.status.setText("No conflicts are waiting. Everything that synced fitted "
                                "together.")
            self.kept_text.clear()
            self.other_text.clear()
            self.kept_title.setText("In the record now")
            self.other_title.setText("The other version")
            self._set_actions_enabled(False)
        else:
            n = len(items)
            self.status.setText(f"{n} conflict{'s' if n != 1 else ''} to resolve. "
                                "Choose one in the list, then choose what to keep.")
            target = next((i for i in range(n) if items[i].id == previous),
                          min(row_before, n - 1))
            self.list.setCurrentItem(self.list.topLevelItem(target))
        self.loaded.emit(len(items))

    def _failed(self, exc: BaseException) -> None:
        message = getattr(exc, "message", "") or "The conflicts could not be read or saved."
        hint = getattr(exc, "hint", "")
        text = f"{message} {hint}".strip()
        self.status.setText(text)
        self._set_actions_enabled(self.current_id() is not None)
        self.failed.emit(text)

    def current_id(self) -> str | None:
        row = self.list.currentItem()
        return row.data(0, ID_ROLE) if row is not None else None

    def current(self) -> ConflictItem | None:
        cid = self.current_id()
        return self.items.get(cid) if cid else None

    def _show_current(self) -> None:
        item = self.current()
        if item is None:
            self._set_actions_enabled(False)
            return
        self.kept_title.setText(f"In the record now — {item.field_label}")
        self.other_title.setText(f"The other version — by {other_author(item)}")
        self.kept_text.setHtml(diff_html(item.kept_value, item.other_value, KEPT_MARK))
        self.other_text.setHtml(diff_html(item.other_value, item.kept_value, OTHER_MARK))
        title = tidy_title(item.record_title)
        self.kept_text.setAccessibleDescription(f"{title}, {item.field_label}: "
                                                "the text in the record now")
        self.other_text.setAccessibleDescription(f"{title}, {item.field_label}: "
                                                 f"the text written by {other_author(item)}")
        self._set_actions_enabled(True)

    def _set_actions_enabled(self, enabled: bool) -> None:
        for button in (self.keep_button, self.other_button, self.merge_button):
            button.setEnabled(enabled)

    # -- resolving -------------------------------------------------------------------------
    def resolve_current(self, choice: str, merged_text: str | None = None) -> None:
        item = self.current()
        if item is None or self.runner.stopped:
            return
        self._set_actions_enabled(False)
        self.status.setText("Saving your choice…")
        self.runner.run_op(on_worker(self.api, "sync", "resolve"), item.id, choice, merged_text) \
            .on_success(lambda _r: self._resolved(item.id)).on_failure(self._failed)

    def _resolved(self, conflict_id: str) -> None:
        self.resolved_count += 1
        self.resolved.emit(conflict_id)
        self.reload()

    def open_merge(self) -> None:
        item = self.current()
        if item is None:
            return
        dialog = MergeDialog(item, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.merged.connect(lambda text: self.resolve_current("merged", text))
        self.merge_dialog = dialog
        dialog.open()


class MergeEditor(QPlainTextEdit):
    """Plain text that starts as both versions; each starting part keeps its tint while edited
    (the tints follow the text as it moves, and fade where it is rewritten)."""

    def __init__(self, kept: str, other: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setPlainText(f"{kept}\n\n{other}" if kept and other else kept or other)
        doc = self.document()
        spans = [(0, len(kept), KEPT_MARK)] if kept else []
        if other:
            start = len(kept) + 2 if kept else 0
            spans.append((start, start + len(other), OTHER_MARK))
        selections = []
        for start, end, colour in spans:
            cursor = QTextCursor(doc)
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            selection.format.setBackground(QColor(colour))
            selection.format.setForeground(QColor("#000000"))
            selections.append(selection)
        self.setExtraSelections(selections)


class MergeDialog(QDialog):
    """An editor that starts with both versions, one after the other, each tinted; the person
    edits it into one text and saves it."""

    merged = Signal(str)

    def __init__(self, item: ConflictItem, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Merge — {item.field_label}")
        self.setAccessibleName("Merge the two versions")
        self.resize(760, 560)
        self.caption = caption = QLabel(
            f"<b>{escape(tidy_title(item.record_title))} — {escape(item.field_label)}</b><br>"
            "The box below starts with both versions: first the text in the record now, then "
            f"the version by {escape(other_author(item))}. Edit it into the one text you want "
            "to keep, then choose Save merged text.", self)
        caption.setWordWrap(True)
        caption.setAccessibleName("How to merge")
        self.editor = MergeEditor(item.kept_value, item.other_value, self)
        self.editor.setAccessibleName("Merged text")
        legend = QLabel(
            f'<span style="background-color:{KEPT_MARK}; color:#000000;">&nbsp;In the record '
            f'now&nbsp;</span>&nbsp;&nbsp;<span style="background-color:{OTHER_MARK}; '
            f'color:#000000;">&nbsp;The other version&nbsp;</span>', self)
        legend.setAccessibleName("Which colour is which version")
        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton("&Save merged text",
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setAccessibleName("Save merged text")
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel merging")
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        self.editor.textChanged.connect(
            lambda: self.save_button.setEnabled(bool(self.editor.toPlainText().strip())))
        layout = QVBoxLayout(self)
        layout.addWidget(caption)
        layout.addWidget(legend)
        layout.addWidget(self.editor, 1)
        layout.addWidget(buttons)
        self.editor.setFocus()

    def _save(self) -> None:
        text = self.editor.toPlainText().strip()
        if text:
            self.merged.emit(text)
            self.accept()
