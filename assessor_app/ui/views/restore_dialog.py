"""When the store fails to open or fails its integrity check: say so plainly, offer a backup.

The dialog names the problem, shows the newest backup whose contents check out, and
restores it (or a file the user picks) on the DB thread. The current store is never
deleted: the restore service keeps it as a backup and moves its files aside. A
backup from another computer asks for the recovery passphrase.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from assessor_app.paths import DataPaths
from assessor_app.ui.tasks import DbRunner

_LABELS = {"daily": "daily backup", "manual": "backup you made",
           "before-migration": "backup before an update", "before-restore": "backup before a restore"}


# -- work for the DB thread: plain functions, no widgets ------------------------------------

def find_backup(paths: DataPaths) -> dict[str, Any] | None:
    """The newest good backup as plain values for the dialog, or None."""
    from assessor_app.services.backup import latest_good_backup

    info = latest_good_backup(paths)
    return None if info is None else describe_file(paths, info.path)


def describe_file(paths: DataPaths, file: Path) -> dict[str, Any]:
    """What the dialog shows about a backup file (raises AppError for a non-backup file)."""
    import json

    from assessor_app.services.backup import backup_info
    from assessor_app.services.restore import needs_passphrase

    header = backup_info(file).header
    try:
        here = json.loads((paths.root / "store.json").read_text("utf-8")).get("store_id")
    except (OSError, ValueError, AttributeError):
        here = None
    return {"path": file, "created_at": header.created_at, "label": header.label,
            "size": file.stat().st_size, "other_store": bool(here) and here != header.store_id,
            "needs_passphrase": needs_passphrase(paths, file)}


def do_restore(paths: DataPaths, file: Path, passphrase: str | None,
               before: Callable[[], object] | None) -> str:
    from assessor_app.services.restore import restore

    if before is not None:
        before()  # close the open store first: its files are about to be moved aside
    result = restore(paths, file, passphrase or None, replace=True)
    return result.backup_created_at


def _when(iso: str) -> str:
    from datetime import datetime

    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%d %b %Y at %H:%M")
    except ValueError:
        return iso


class RestoreDialog(QDialog):
    """``restored`` is emitted (on the GUI thread) once a backup is in place."""

    restored = Signal(str)

    def __init__(self, runner: DbRunner, paths: DataPaths, problem: str, *,
                 before_restore: Callable[[], object] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner, self.paths, self._before = runner, paths, before_restore
        self._choice: dict[str, Any] | None = None
        self.setWindowTitle("Restore your store")
        self.setAccessibleName("Restore your store from a backup")
        self.setMinimumWidth(560)

        self.heading = QLabel("<b>Your store needs attention</b>")
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(
            QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(32, 32))
        head_row = QHBoxLayout()
        head_row.addWidget(icon)
        head_row.addWidget(self.heading, 1)
        self.problem = QLabel(problem)
        self.problem.setWordWrap(True)
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem.setAccessibleName("What is wrong")
        reassure = QLabel("Nothing has been changed or deleted. Restoring keeps a copy of the "
                          "current store beside your backups.")
        reassure.setWordWrap(True)

        self.backup_label = QLabel("Looking for your newest good backup…")
        self.backup_label.setWordWrap(True)
        self.backup_label.setTextFormat(Qt.TextFormat.RichText)
        self.backup_label.setAccessibleName("Backup to restore")

        self.pass_label = QLabel("&Recovery passphrase:")
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText("the one you were shown at set-up, e.g. 7KQM-3XPD-…")
        self.passphrase.setAccessibleName("Recovery passphrase")
        self.pass_label.setBuddy(self.passphrase)
        pass_row = QHBoxLayout()
        pass_row.addWidget(self.pass_label)
        pass_row.addWidget(self.passphrase, 1)
        self._show_passphrase(False)

        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.status.setAccessibleName("Restore status")

        buttons = QDialogButtonBox()
        self.restore_button = QPushButton("&Restore this backup")
        self.restore_button.setAccessibleName("Restore this backup")
        self.restore_button.setEnabled(False)
        self.choose_button = QPushButton("&Choose another backup file…")
        self.choose_button.setAccessibleName("Choose another backup file")
        self.close_button = QPushButton("Close &without restoring")
        self.close_button.setAccessibleName("Close without restoring")
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.choose_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.restore_button.clicked.connect(self._restore)
        self.choose_button.clicked.connect(self._choose)
        self.close_button.clicked.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+O"), self, activated=self._choose)

        layout = QVBoxLayout(self)
        layout.addLayout(head_row)
        for w in (self.problem, reassure, self.backup_label):
            layout.addWidget(w)
        layout.addLayout(pass_row)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.setTabOrder(self.passphrase, self.restore_button)
        self.setTabOrder(self.restore_button, self.choose_button)
        self.setTabOrder(self.choose_button, self.close_button)
        self.runner.run_op(find_backup, paths).on_success(self._show_choice) \
            .on_failure(lambda exc: self._show_choice(None))

    # -- showing a choice ---------------------------------------------------------------
    def _show_passphrase(self, visible: bool) -> None:
        self.pass_label.setVisible(visible)
        self.passphrase.setVisible(visible)

    def _show_choice(self, choice: dict[str, Any] | None) -> None:
        self._choice = choice
        if choice is None:
            self.backup_label.setText(
                "No good backup of this store was found in its backups folder. If you have a "
                "backup file elsewhere (a USB stick, a network drive), choose it.")
            self.restore_button.setEnabled(False)
            self._show_passphrase(False)
            self.choose_button.setDefault(True)
            self.adjustSize()
            return
        kind = _LABELS.get(choice["label"], "backup")
        other = ("<br><b>This is a backup of a different store</b>: it will take the current "
                 "store's place." if choice["other_store"] else "")
        path = Path(choice["path"])
        self.backup_label.setText(
            f"Newest good backup: the {kind} made on {_when(choice['created_at'])} "
            f"({choice['size'] / 1_000_000:.1f} MB)<br><small>{_escape(path.name)} in "
            f"{_escape(str(path.parent))}</small>{other}")
        self.backup_label.setToolTip(str(path))
        self._show_passphrase(bool(choice["needs_passphrase"]))
        self.restore_button.setEnabled(True)
        self.restore_button.setDefault(True)
        (self.passphrase if choice["needs_passphrase"] else self.restore_button).setFocus()
        self.adjustSize()

    def _choose(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Choose a backup", str(self.paths.backups),
                                              "Workbench backups (*.awbackup);;All files (*)")
        if name:
            self.choose_file(Path(name))

    def choose_file(self, file: Path) -> None:
        """Show ``file`` as the backup to restore (or why it cannot be)."""
        self.status.setText("")
        self.runner.run_op(describe_file, self.paths, file).on_success(self._show_choice) \
            .on_failure(self._show_error)

    # -- restoring ------------------------------------------------------------------------
    def _restore(self) -> None:
        if self._choice is None:
            return
        phrase = self.passphrase.text() if self.passphrase.isVisible() else None
        if self.passphrase.isVisible() and not phrase:
            self.status.setText("Type the recovery passphrase you were given when the store "
                                "was set up.")
            self.passphrase.setFocus()
            return
        self._busy(True)
        self.status.setText("Restoring… (checking the backup before anything is changed)")
        self.runner.run_op(do_restore, self.paths, self._choice["path"], phrase, self._before) \
            .on_success(self._done).on_failure(self._show_error)

    def _busy(self, busy: bool) -> None:
        for b in (self.restore_button, self.choose_button, self.close_button):
            b.setEnabled(not busy)
        self.passphrase.setEnabled(not busy)

    def _done(self, created_at: str) -> None:
        self._busy(False)
        self.status.setText(f"Restored the backup made on {_when(created_at)}.")
        self.restored.emit(created_at)
        self.accept()

    def _show_error(self, exc: BaseException) -> None:
        self._busy(False)
        self.restore_button.setEnabled(self._choice is not None)
        message = getattr(exc, "message", "") or "The backup could not be restored."
        hint = getattr(exc, "hint", "")
        self.status.setText(f"<b>{_escape(message)}</b><br>{_escape(hint)}")
        if "passphrase" in message.lower():
            self._show_passphrase(True)
            self.passphrase.selectAll()
            self.passphrase.setFocus()
        self.adjustSize()


def _escape(text: str) -> str:
    from html import escape

    return escape(text)
