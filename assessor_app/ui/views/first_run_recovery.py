"""The first-run wizard's recovery passphrase page: shown once, checked, then forgotten.

The passphrase (``services.recovery``: five groups of four characters) is made and
checked against the store's key on the DB thread, shown in large monospace with copy,
save-as-text and print, and the user ticks "written down" and types two chosen groups
back before Next is enabled. Leaving the page removes it from the screen and from the
clipboard (if it is still what was copied).
"""

from __future__ import annotations

import importlib.util
import random
import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
)

from assessor_app.ui.views.first_run_pages import BusyPage, commit_button, info_label

WORD_SPLIT = re.compile(r"[\s\-]+")
#: Characters a reader confuses, typed back either way (the passphrase never holds O, I, L).
CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})


def canonical(word: str) -> str:
    return "".join(c for c in word.upper() if c.isalnum()).translate(CONFUSABLE)


class RecoveryPage(BusyPage):
    """Shows a new recovery passphrase once and checks the user kept it."""

    def __init__(self) -> None:
        super().__init__("Recovery passphrase",
                         "The only way to open a backup of your store on another computer.")
        self.passphrase = ""
        self.word_positions: tuple[int, int] = (0, 1)
        self.explain = info_label(
            "Write this passphrase down on paper and keep it somewhere safe, away from the "
            "laptop. It is shown only now. If this laptop is lost or replaced, your backup "
            "can be restored with it; nobody, including your employer, can recover it for you.",
            self, "About the recovery passphrase")
        self.shown = QLabel("", self)
        self.shown.setAccessibleName("Recovery passphrase")
        self.shown.setWordWrap(True)
        self.shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                           | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(max(mono.pointSizeF(), 10) * 1.6)
        mono.setWeight(QFont.Weight.Bold)
        self.shown.setFont(mono)
        self.shown.setStyleSheet("QLabel { padding: 10px; border: 1px solid palette(mid); }")
        self.copy_button = QPushButton("&Copy", self)
        self.copy_button.setAccessibleName("Copy the passphrase")
        self.copy_button.clicked.connect(self.copy)
        self.save_button = QPushButton("&Save as text file…", self)
        self.save_button.setAccessibleName("Save the passphrase as a text file")
        self.save_button.clicked.connect(self.save_as_text)
        self.print_button = QPushButton("&Print…", self)
        self.print_button.setAccessibleName("Print the passphrase")
        self.print_button.clicked.connect(self.print_passphrase)
        # The installers leave QtPrintSupport out; offer printing only where it exists.
        self.print_button.setVisible(importlib.util.find_spec("PySide6.QtPrintSupport") is not None)
        buttons = QHBoxLayout()
        for b in (self.copy_button, self.save_button, self.print_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.written = QCheckBox("I have &written it down and will keep it safe", self)
        self.written.setAccessibleName("I have written the passphrase down")
        self.first_word = QLineEdit(self)
        self.second_word = QLineEdit(self)
        self.check_intro = info_label("To check you have it, type two of its groups:", self,
                                  "Check the passphrase")
        self.check_form = QFormLayout()
        self.word_labels = (QLabel("Group:", self), QLabel("Group:", self))
        for label, edit in zip(self.word_labels, (self.first_word, self.second_word), strict=True):
            edit.textChanged.connect(self.completeChanged)
            edit.setMaximumWidth(160)
            self.check_form.addRow(label, edit)
        self.written.toggled.connect(self.completeChanged)
        for w in (self.explain, self.shown):
            self.layout_.addWidget(w)
        self.layout_.addLayout(buttons)
        self.layout_.addWidget(self.written)
        self.layout_.addWidget(self.check_intro)
        self.layout_.addLayout(self.check_form)
        self._set_content_enabled(False)
        self.add_feedback()
        self.setCommitPage(True)
        self.setButtonText(commit_button(), "&Next >")
        self.replace_button = QPushButton("&Make a new recovery passphrase", self)
        self.replace_button.setAccessibleName("Make a new recovery passphrase")
        self.replace_button.clicked.connect(self.make_new)
        self.replace_button.hide()
        row = QHBoxLayout()
        row.addWidget(self.replace_button)
        row.addStretch(1)
        at = next(i for i in range(self.layout_.count())
                  if self.layout_.itemAt(i).widget() is self.status)
        self.layout_.insertLayout(at + 1, row)
        self.keeping = False  # re-run: the user keeps the passphrase they already have
        self.confirmed = False

    def _set_content_enabled(self, on: bool) -> None:
        for w in (self.copy_button, self.save_button, self.print_button, self.written,
                  self.first_word, self.second_word):
            w.setEnabled(on)

    def start(self) -> None:
        if self.setup.rerun:
            self.step(self.setup.has_recovery_passphrase, then=self._existing,
                      status="Checking for a recovery passphrase…")
        else:
            self.make_new()

    def _show_passphrase_area(self, on: bool) -> None:
        for w in (self.explain, self.shown, self.copy_button, self.save_button,
                  self.print_button, self.written, self.check_intro, *self.word_labels,
                  self.first_word, self.second_word):
            w.setVisible(on)

    def _existing(self, has_one: bool) -> None:
        if not has_one:
            self.make_new()
            return
        self.keeping = True
        self._show_passphrase_area(False)
        self.status.setText("You already have a recovery passphrase. Keep using it, or make a "
                            "new one: it replaces the old one for backups made from now on.")
        self.replace_button.show()
        self.finished_ok()  # focuses Next: Enter keeps the passphrase, never replaces it

    def make_new(self) -> None:
        self.keeping = False
        self.done = False
        self.replace_button.hide()
        self._show_passphrase_area(True)
        self.step(self.setup.new_recovery_passphrase, then=self._made,
                  status="Making your recovery passphrase…")

    def _made(self, passphrase: str) -> None:
        self.passphrase = passphrase
        self.step(self.setup.check_recovery_passphrase, passphrase, then=self._checked,
                  status="Checking it opens your store…")

    def _checked(self, ok: bool) -> None:
        if not ok:
            self.failed(RuntimeError())
            self.error.setText("The new passphrase did not open your store's key. Try again; "
                               "nothing was lost.")
            return
        self.status.setText("✓ Checked: this passphrase opens your store's key.")
        self.shown.setText(self.passphrase)
        words = self.words()
        count = len(words)
        picks = sorted(random.sample(range(count), 2)) if count >= 2 else [0, 0]
        self.word_positions = (picks[0], picks[1])
        for row, pos in enumerate(self.word_positions):
            label = self.word_labels[row]
            label.setText(f"Type group &{pos + 1}:")
            edit = (self.first_word, self.second_word)[row]
            label.setBuddy(edit)
            edit.setAccessibleName(f"Group {pos + 1} of the passphrase")
        self._set_content_enabled(True)
        self.busy = False
        self.done = True
        self.progress.hide()
        self.completeChanged.emit()
        self.copy_button.setFocus()

    def words(self) -> list[str]:
        return [w for w in WORD_SPLIT.split(self.passphrase) if w]

    def isComplete(self) -> bool:
        if not super().isComplete():
            return False
        if self.keeping or self.confirmed:
            return True
        if not self.written.isChecked():
            return False
        words = self.words()
        typed = (canonical(self.first_word.text()), canonical(self.second_word.text()))
        wanted = tuple(canonical(words[p]) for p in self.word_positions) if words else ("", "")
        return typed == wanted

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.passphrase)
        self.status.setText("Copied. Paste it somewhere safe, then clear it from there.")

    def save_as_text(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save the recovery passphrase",
                                              "assessor-app-recovery-passphrase.txt",
                                              "Text files (*.txt)")
        if path:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(passphrase_sheet(self.passphrase))
            self.status.setText(f"Saved to {path}. Print it or copy it to paper, "
                                "then keep the file off this laptop.")

    def print_passphrase(self) -> None:
        from PySide6.QtGui import QTextDocument
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            doc = QTextDocument()
            doc.setPlainText(passphrase_sheet(self.passphrase))
            doc.print_(printer)

    def validatePage(self) -> bool:
        self.forget()
        return True

    def forget(self) -> None:
        """Leaving the page: the passphrase goes from the screen and the clipboard."""
        clipboard = QGuiApplication.clipboard()
        if self.passphrase and clipboard.text() == self.passphrase:
            clipboard.clear()
        if self.passphrase:
            self.shown.setText("(shown once — it is no longer displayed)")
        self.passphrase = ""
        self.confirmed = self.done  # the check was passed; nothing is left to type


def passphrase_sheet(passphrase: str) -> str:
    return ("Assessor workbench — recovery passphrase\n\n"
            f"    {passphrase}\n\n"
            "Keep this safe and away from the laptop. It opens backups of your encrypted store\n"
            "on another computer: assessor-app restore FILE\n")
