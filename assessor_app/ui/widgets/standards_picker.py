"""A picker of framework statements: tick the ones a piece of evidence shows, with a comment.

A tree of the enrolment's frameworks → statements with checkboxes, a filter box over
codes and titles, and for each statement a one-line comment field (enabled once the
statement is ticked) with a strength (some / clear / strong evidence: StandardLink.strength
1–3). ``changed`` fires on every tick, comment keystroke and strength; ``links()`` gives
the current selection as (framework id, framework version, code, comment, strength).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:  # plain DTOs; importing the service module here would load the store
    from assessor_app.services.evidence import EvidenceLinks

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
STRENGTHS = ((1, "Some evidence"), (2, "Clear evidence"), (3, "Strong evidence"))


class StandardsPicker(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Standards this evidence shows")
        self.filter_box = QLineEdit(self)
        self.filter_box.setPlaceholderText("Filter statements by code or words…")
        self.filter_box.setAccessibleName("Filter standards statements")
        self.filter_box.textChanged.connect(self.apply_filter)
        self.summary = QLabel(self)
        self.summary.setAccessibleName("Linked statements count")
        self.tree = QTreeWidget(self)
        self.tree.setAccessibleName("Framework statements")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Statement", "Comment (why this evidence shows it)",
                                   "Strength"])
        self.tree.setUniformRowHeights(False)  # rows as tall as their comment fields
        header = self.tree.header()
        header.setAccessibleName("Statement and comment columns")
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.setStretchLastSection(False)
        self.tree.itemChanged.connect(self._on_item_changed)
        self.comments: dict[tuple[str, str], QLineEdit] = {}
        self.strengths: dict[tuple[str, str], QComboBox] = {}  # ticked rows only
        self._strength: dict[tuple[str, str], int] = {}  # kept while a row is unticked
        self.items: dict[tuple[str, str], QTreeWidgetItem] = {}
        self._versions: dict[str, str] = {}
        self._short: dict[str, str] = {}
        self._loading = False
        self._editable = True
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter_box)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.summary)
        self._fit_columns()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_columns()

    def _fit_columns(self) -> None:
        """The strength column is as wide as its longest choice in the current font."""
        widest = max(self.fontMetrics().horizontalAdvance(text) for _, text in STRENGTHS)
        self.tree.header().resizeSection(2, widest + 48)

    # -- filling --------------------------------------------------------------
    def set_data(self, data: EvidenceLinks) -> None:
        """Show ``data``'s frameworks and tick its links (no ``changed`` emitted)."""
        self._loading = True
        try:
            self.tree.clear()
            self.comments.clear()
            self.strengths.clear()
            self._strength.clear()
            self.items.clear()
            self._versions = {fw.id: fw.version for fw in data.frameworks}
            self._short = {fw.id: fw.short_title for fw in data.frameworks}
            probe = QComboBox()  # rows fit a strength box, ticked or not
            row = probe.sizeHint().height()
            probe.deleteLater()
            current = {(x.framework_id, x.statement_code): x.comment for x in data.links}
            strength = {(x.framework_id, x.statement_code): x.strength for x in data.links}
            for fw in data.frameworks:
                top = QTreeWidgetItem(self.tree, [f"{fw.short_title} — {fw.title} ({fw.version})"])
                top.setFlags(Qt.ItemFlag.ItemIsEnabled)
                for st in fw.statements:
                    key = (fw.id, st.code)
                    item = QTreeWidgetItem(top, [f"{st.code}  {st.title}"])
                    item.setToolTip(0, st.title)
                    item.setData(0, KEY_ROLE, key)
                    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                                  | Qt.ItemFlag.ItemIsUserCheckable)
                    ticked = key in current
                    item.setCheckState(0, Qt.CheckState.Checked if ticked
                                       else Qt.CheckState.Unchecked)
                    comment = QLineEdit(self.tree)
                    comment.setAccessibleName(f"Comment for {fw.short_title} {st.code}")
                    comment.setMaxLength(500)
                    comment.setText(current.get(key, ""))
                    comment.textEdited.connect(lambda *_: self.changed.emit())
                    self.tree.setItemWidget(item, 1, comment)
                    item.setSizeHint(0, QSize(0, max(comment.sizeHint().height(), row) + 2))
                    self.comments[key] = comment
                    self._strength[key] = strength.get(key, 1)
                    self.items[key] = item
                    self._enable_comment(key)
                top.setExpanded(True)
            self._update_summary()
            self.apply_filter(self.filter_box.text())
        finally:
            self._loading = False

    def set_editable(self, editable: bool) -> None:
        """A final record shows its links read-only."""
        self._editable = editable
        self._loading = True
        try:
            for key, item in self.items.items():
                flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                if editable:
                    flags |= Qt.ItemFlag.ItemIsUserCheckable
                item.setFlags(flags)
                self._enable_comment(key)
        finally:
            self._loading = False

    # -- reading --------------------------------------------------------------
    def is_checked(self, key: tuple[str, str]) -> bool:
        return self.items[key].checkState(0) == Qt.CheckState.Checked

    def set_checked(self, key: tuple[str, str], checked: bool) -> None:
        self.items[key].setCheckState(0, Qt.CheckState.Checked if checked
                                      else Qt.CheckState.Unchecked)

    def links(self) -> list[tuple[str, str, str, str, int]]:
        """(framework id, version, statement code, comment, strength) of every ticked row."""
        return [(fw, self._versions.get(fw, ""), code, self.comments[(fw, code)].text().strip(),
                 self._strength.get((fw, code), 1))
                for (fw, code) in self.items if self.is_checked((fw, code))]

    # -- behaviour ------------------------------------------------------------
    def apply_filter(self, text: str) -> None:
        words = text.lower().split()
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            shown = 0
            for j in range(top.childCount()):
                child = top.child(j)
                hay = child.text(0).lower()
                hide = bool(words) and not all(w in hay for w in words)
                child.setHidden(hide)
                shown += not hide
            top.setHidden(shown == 0)

    def _on_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        key: Any = item.data(0, KEY_ROLE)
        if column != 0 or key is None:
            return
        key = tuple(key)
        if key in self.comments:
            self._enable_comment(key)
        self._update_summary()
        if not self._loading:
            self.changed.emit()

    def _enable_comment(self, key: tuple[str, str]) -> None:
        on = self._editable and self.is_checked(key)
        box = self.comments[key]
        box.setEnabled(on)
        box.setPlaceholderText("short comment: what this evidence shows" if on else "")
        ticked = self.is_checked(key)
        if ticked and key not in self.strengths:  # an unticked row has no strength to show
            self.strengths[key] = self._strength_box(key)
        elif not ticked and key in self.strengths:
            self.tree.removeItemWidget(self.items[key], 2)
            self.strengths.pop(key)
        if key in self.strengths:
            self.strengths[key].setEnabled(self._editable)

    def _strength_box(self, key: tuple[str, str]) -> QComboBox:
        combo = QComboBox(self.tree)
        code = f"{self._short.get(key[0], key[0])} {key[1]}"
        combo.setAccessibleName(f"Strength for {code}")
        combo.setToolTip("How well this evidence shows the statement")
        combo.view().setAccessibleName(f"Strengths for {code}")
        for value, text in STRENGTHS:
            combo.addItem(text, value)
        combo.setCurrentIndex(max(combo.findData(self._strength.get(key, 1)), 0))

        def chosen(_: int) -> None:
            self._strength[key] = int(combo.currentData() or 1)
            self.changed.emit()

        combo.activated.connect(chosen)
        self.tree.setItemWidget(self.items[key], 2, combo)
        return combo

    def _update_summary(self) -> None:
        n = sum(1 for key in self.items if self.is_checked(key))
        self.summary.setText("No statements linked yet." if n == 0 else
                             f"{n} statement{'s' if n != 1 else ''} linked.")
