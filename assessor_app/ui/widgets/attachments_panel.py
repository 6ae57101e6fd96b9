"""The attachments of one piece of evidence: add (dialog or drag-and-drop), list, open, save, remove.

All store work runs on the DB thread (``attachments`` service). Opening writes a private
decrypted copy (0600 in a 0700 folder) for the system viewer; the copies are deleted when
the editor closes and when the app quits. Photos (PNG, JPEG, GIF) get a thumbnail.
"""

from __future__ import annotations

import atexit
from collections.abc import Callable
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QBuffer, QByteArray, QSize, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import (
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QIcon,
    QImage,
    QImageReader,
    QKeySequence,
    QPixmap,
    QShortcut,
)
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from assessor_app.domain.attachments import MAX_ATTACHMENT_BYTES, AttachmentRow, size_text
from assessor_app.services.report_jobs import PrivateCopies
from assessor_app.ui.tasks import DbRunner, on_worker

ID_ROLE = Qt.ItemDataRole.UserRole + 1


def thumbnail_image(data: bytes, side: int) -> QImage:
    """Decode a picture straight at thumbnail size (a big JPEG decodes scaled, fast).

    Runs on the worker thread (QImage, unlike QPixmap, may be made off the GUI thread), so
    an editor with a dozen phone photos opens without a stall; a null image when the bytes
    are not a picture Qt can read.
    """
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    reader = QImageReader(buffer)
    size = reader.size()
    if size.isValid():
        reader.setScaledSize(size.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio))
    return reader.read()


def _thumbnail_on_worker(api: Any, side: int) -> Callable[[str], QImage]:
    fetch = on_worker(api, "attachments", "thumbnail_bytes")

    def call(attachment_id: str) -> QImage:
        return thumbnail_image(fetch(attachment_id), side)

    call.__name__ = "attachments.thumbnail"
    return call


class AttachmentsPanel(QWidget):
    changed = Signal()  # the list was read again after an add or a removal
    finished = Signal(bool)  # an add/open/save/remove ended (ok?)

    def __init__(self, runner: DbRunner, api: Any, evidence_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._api, self.evidence_id = runner, api, evidence_id
        self.rows: list[AttachmentRow] = []
        self.copies = PrivateCopies()
        atexit.register(self.copies.clear)  # decrypted copies never outlive the app
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.copies.clear)
        self._editable = True
        self._after: tuple[str, bool] | None = None  # said once the list is read again
        #: Replaceable in tests: the system viewer and the file dialogs.
        self.open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl
        self.choose_files: Callable[[], list[str]] = self._ask_files
        self.choose_save_path: Callable[[str], str] = self._ask_save_path
        self.confirm_remove: Callable[[str], bool] = self._ask_remove

        self.setAccessibleName("Attachments")
        self.setAcceptDrops(True)
        self.list = QListWidget(self)
        self.list.setAccessibleName("Attached files")
        self.list.setToolTip("Scanned forms, photos and documents kept with this evidence. "
                             "Drop files here to attach them.")
        side = self.fontMetrics().height() * 4
        self.list.setIconSize(QSize(side, side))
        self.list.setMinimumHeight(side + 12)
        self.list.setMaximumHeight(side * 3)
        self.list.itemActivated.connect(lambda *_: self.open_selected())
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self.add_button = QPushButton("&Attach files…", self)
        self.add_button.setAccessibleName("Attach files")
        self.add_button.setToolTip(f"Scans, photos or documents, up to "
                                   f"{size_text(MAX_ATTACHMENT_BYTES)} each (or drop files on "
                                   "the list)")
        self.open_button = QPushButton("&Open", self)
        self.open_button.setAccessibleName("Open the attachment")
        self.open_button.setToolTip("Opens a private temporary copy in your viewer; it is "
                                    "deleted when the editor closes")
        self.save_button = QPushButton("Save a cop&y as…", self)
        self.save_button.setAccessibleName("Save a copy of the attachment")
        self.remove_button = QPushButton("Remo&ve…", self)
        self.remove_button.setAccessibleName("Remove the attachment")
        self.add_button.clicked.connect(self.add_from_dialog)
        self.open_button.clicked.connect(self.open_selected)
        self.save_button.clicked.connect(lambda: self.save_selected())
        self.remove_button.clicked.connect(self.remove_selected)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.list,
                           self.remove_selected)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.message = QLabel("No files attached. Drop files here or choose Attach files…",
                              self)
        self.message.setAccessibleName("Attachments message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        buttons = QHBoxLayout()
        for b in (self.add_button, self.open_button, self.save_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self._update_buttons()

    # -- reading ------------------------------------------------------------------
    def _op(self, method: str, *args: Any) -> Any:
        return self._runner.run_op(on_worker(self._api, "attachments", method), *args)

    def _guard(self, fn: Callable[..., None]) -> Callable[..., None]:
        def call(*args: Any) -> None:
            if shiboken6.isValid(self):
                fn(*args)
        return call

    def reload(self) -> None:
        self._op("list", self.evidence_id).on_success(self._guard(self._show)) \
            .on_failure(self._guard(self._failed))

    def _show(self, rows: list[AttachmentRow]) -> None:
        self.rows = rows
        self.list.clear()
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)
        for row in rows:
            item = QListWidgetItem(icon, f"{row.filename}\n{row.size_text} · {row.type_label}")
            item.setData(ID_ROLE, row.id)
            tip = f"{row.filename} — {row.type_label}, {row.size_text}"
            item.setToolTip(f"{tip}\n{row.note}" if row.note else tip)
            self.list.addItem(item)
            if row.is_picture:
                side = self.list.iconSize().width()
                self._runner.run_op(_thumbnail_on_worker(self._api, side), row.id) \
                    .on_success(self._guard(lambda image, i=row.id: self._thumbnail(i, image)))
        notes = [f"{r.filename}: {r.note}" for r in rows if r.note]
        if notes:
            self.message.setText(" ".join(notes))
        elif not rows:
            self.message.setText("No files attached. Drop files here or choose Attach files…")
        else:
            self.message.setText(f"{len(rows)} file{'s' if len(rows) != 1 else ''} attached.")
        self._update_buttons()
        self.changed.emit()
        if self._after is not None:
            (text, ok), self._after = self._after, None
            if text:
                self.message.setText(text)
            self.finished.emit(ok)

    def _thumbnail(self, attachment_id: str, image: QImage) -> None:
        if image.isNull():
            return
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(ID_ROLE) == attachment_id:
                item.setIcon(QIcon(QPixmap.fromImage(image)))

    def selected(self) -> AttachmentRow | None:
        item = self.list.currentItem()
        if item is None or not item.isSelected():
            return None
        return next((r for r in self.rows if r.id == item.data(ID_ROLE)), None)

    def set_editable(self, editable: bool) -> None:
        self._editable = editable
        self.setAcceptDrops(editable)
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        self.add_button.setEnabled(self._editable)
        self.remove_button.setEnabled(self._editable and chosen)
        self.open_button.setEnabled(chosen)
        self.save_button.setEnabled(chosen)

    # -- adding -------------------------------------------------------------------
    def _ask_files(self) -> list[str]:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Attach files", folder,
            "Scans, photos and documents (*.pdf *.png *.jpg *.jpeg *.gif *.tif *.tiff *.heic "
            "*.docx *.doc *.odt *.rtf *.txt);;All files (*)")
        return paths

    def add_from_dialog(self) -> None:
        if self._editable:
            self.add_files(self.choose_files())

    def add_files(self, paths: list[str]) -> None:
        """Attach each file in turn (on the DB thread); each one's problem is said plainly."""
        if not paths:
            return
        self.message.setText(f"Attaching {len(paths)} file{'s' if len(paths) != 1 else ''}…")
        problems: list[str] = []
        remaining = list(paths)

        def next_one(_: Any = None) -> None:
            if not shiboken6.isValid(self):
                return
            if not remaining:
                self._after = (" ".join(problems), not problems)
                self.reload()
                return
            path = remaining.pop(0)

            def failed(exc: BaseException) -> None:
                problems.append(f"{Path(path).name}: {_plain(exc)}")
                next_one()

            self._op("add_file", self.evidence_id, path).on_success(next_one) \
                .on_failure(failed)

        next_one()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._editable and event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if self._editable and paths:
            event.acceptProposedAction()
            self.add_files(paths)

    # -- open, save, remove -------------------------------------------------------
    def open_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        self.message.setText("Opening…")

        def opened(path: Path) -> None:
            if self.open_url(QUrl.fromLocalFile(str(path))):
                self._said(f"Opened a private temporary copy of {row.filename}; it is deleted "
                           "when you close this editor.", ok=True)
            else:
                self._said("No program is set up to open this kind of file. Use Save a copy "
                           "as… to keep one.", ok=False)

        self._op("open_copy", row.id, self.copies).on_success(self._guard(opened)) \
            .on_failure(self._guard(self._failed))

    def _ask_save_path(self, suggested: str) -> str:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        path, _ = QFileDialog.getSaveFileName(self, "Save a copy as", str(Path(folder) / suggested))
        return path

    def save_selected(self, path: str | None = None) -> None:
        row = self.selected()
        if row is None:
            return
        target = path or self.choose_save_path(row.filename)
        if not target:
            return
        self.message.setText("Saving a copy…")
        self._op("save_copy", row.id, target) \
            .on_success(self._guard(lambda p: self._said(f"Saved a copy to {p}.", ok=True))) \
            .on_failure(self._guard(self._failed))

    def _ask_remove(self, filename: str) -> bool:
        answer = QMessageBox.question(
            self, "Remove the attachment",
            f"Remove {filename} from this evidence? Keep a copy first if you may need it.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def remove_selected(self) -> None:
        row = self.selected()
        if row is None or not self._editable or not self.confirm_remove(row.filename):
            return
        def removed(_: Any) -> None:
            self._after = (f"Removed {row.filename}.", True)
            self.reload()

        self._op("remove", row.id).on_success(self._guard(removed)) \
            .on_failure(self._guard(self._failed))

    def clear_copies(self) -> None:
        """Delete the decrypted copies made for the viewer (the editor is closing)."""
        self.copies.clear()

    def _failed(self, exc: BaseException) -> None:
        self._said(_plain(exc), ok=False)

    def _said(self, text: str, *, ok: bool) -> None:
        self.message.setText(text)
        self.finished.emit(ok)


def _plain(exc: BaseException) -> str:
    message = getattr(exc, "message", None)
    if isinstance(message, str) and message:
        hint = getattr(exc, "hint", "")
        return f"{message} {hint}".strip()
    return "Something went wrong with the file; try again."
