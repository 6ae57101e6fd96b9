"""Settings: folders, server, autosave and idle lock, reports, retention, theme, you.

Every field is checked as it is typed, with the problem written under it; Save stays
off while anything is wrong. Saving goes through ``Preferences`` (the autosave delay,
idle lock and theme apply at once; the data folder at the next start). Under the server
address the dialog says which server this laptop is enrolled with, and when the address
typed names another one, that it must be enrolled again to use it (sync stops until then).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from assessor_app.paths import DB_FILENAME, default_data_dir
from assessor_app.settings import FIELD_BY_NAME, Settings, load_settings, same_server
from assessor_app.ui.colours import muted_text, overdue_red
from assessor_app.ui.preferences import Preferences
from assessor_app.ui.tasks import DbRunner, on_worker
from assessor_app.ui.views.settings_checks import folder_problem, logo_problem
from assessor_app.ui.views.settings_security import PinBox, RetentionBox

WIZARD_MODULE = "assessor_app.ui.views.first_run_wizard"
THEME_CHOICES = (("system", "Follow the system"), ("light", "Light"), ("dark", "Dark"))


def wizard_available() -> bool:
    return importlib.util.find_spec(WIZARD_MODULE) is not None


class SettingsDialog(QDialog):
    def __init__(self, prefs: Preferences, runner: DbRunner, api: Any | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prefs, self.runner, self.api = prefs, runner, api
        self.setWindowTitle("Settings")
        self.setAccessibleName("Settings")
        self.problems: dict[str, QLabel] = {}
        self.sync_status: Any = None  # this store's sync status, once read
        self.edits: dict[str, QWidget] = {}
        self.browse_buttons: dict[str, QPushButton] = {}
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Settings sections")
        self.tabs.addTab(self._folders_tab(), "&Folders")
        self.tabs.addTab(self._server_tab(), "Ser&ver")
        self.tabs.addTab(self._work_tab(), "&Autosave and lock")
        self.tabs.addTab(self._reports_tab(), "&Reports")
        self.retention_box = RetentionBox(runner, api, self)
        self.tabs.addTab(self._retention_tab(), "Re&tention")
        self.tabs.addTab(self._appearance_tab(), "A&ppearance")
        self.tabs.addTab(self._you_tab(), "&You")

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setAccessibleName("Save settings")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName(
            "Cancel: keep the settings as they were")
        self.wizard_button = QPushButton("Run first-time set-up &again…", self)
        self.wizard_button.setAccessibleName("Run the first-time set-up again")
        self.wizard_button.setVisible(wizard_available())
        self.wizard_button.setEnabled(api is not None)
        self.wizard_button.clicked.connect(self.run_wizard)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Settings message")
        bottom = QHBoxLayout()
        bottom.addWidget(self.wizard_button)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.status)
        layout.addLayout(bottom)
        self.resize(640, 460)
        self.load(prefs.settings)
        if api is not None and hasattr(type(api), "sync") and not runner.stopped:
            runner.run_op(on_worker(api, "sync", "status")).on_success(self._got_sync_status) \
                .on_failure(lambda _exc: None)  # the note stays empty; saving still works

    # -- building ---------------------------------------------------------------
    def _page(self) -> tuple[QWidget, QFormLayout]:
        page = QWidget(self)
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        return page, form

    def _row(self, form: QFormLayout, name: str, widget: QWidget, note: str = "",
             button: QPushButton | None = None) -> None:
        label = FIELD_BY_NAME[name].label
        widget.setAccessibleName(label)
        self.edits[name] = widget
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        if button is None:
            narrow = isinstance(widget, QSpinBox | QDoubleSpinBox | QComboBox)
            column.addWidget(widget, 0, Qt.AlignmentFlag.AlignLeft if narrow
                             else Qt.AlignmentFlag(0))
            if narrow:
                widget.setMinimumWidth(180)
        else:
            row = QHBoxLayout()
            row.addWidget(widget, 1)
            row.addWidget(button)
            column.addLayout(row)
        if note:
            hint = QLabel(note, box)
            hint.setWordWrap(True)
            c = muted_text(self.palette())  # may be translucent: name() would drop the alpha
            hint.setStyleSheet(f"QLabel {{ color: rgba({c.red()}, {c.green()}, {c.blue()}, "
                               f"{c.alpha()}); }}")
            column.addWidget(hint)
        problem = QLabel("", box)
        problem.setWordWrap(True)
        problem.setStyleSheet(f"QLabel {{ color: {overdue_red(self.palette()).name()}; }}")
        problem.setAccessibleName(f"Problem with {label.lower()}")
        problem.hide()
        column.addWidget(problem)
        self.problems[name] = problem
        caption = QLabel(f"{label}:", self)
        caption.setBuddy(widget)
        form.addRow(caption, box)
        if isinstance(widget, QLineEdit):
            widget.textChanged.connect(self.validate)
        elif isinstance(widget, QSpinBox | QDoubleSpinBox):
            widget.valueChanged.connect(self.validate)

    def _line(self, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(self)
        edit.setPlaceholderText(placeholder)
        edit.setClearButtonEnabled(True)
        return edit

    def _picker(self, form: QFormLayout, name: str, note: str, *, folder: bool,
                placeholder: str = "") -> None:
        edit = self._line(placeholder)
        button = QPushButton("&Browse…" if folder else "C&hoose…", self)
        button.setAccessibleName(f"Choose the {FIELD_BY_NAME[name].label.lower()}")
        button.clicked.connect(lambda: self._browse(edit, folder))
        self.browse_buttons[name] = button
        self._row(form, name, edit, note, button)

    def _browse(self, edit: QLineEdit, folder: bool) -> None:
        if folder:
            chosen = QFileDialog.getExistingDirectory(self, "Choose a folder", edit.text())
        else:
            chosen, _ = QFileDialog.getOpenFileName(self, "Choose a logo", edit.text(),
                                                    "Pictures (*.png *.jpg *.jpeg)")
        if chosen:
            edit.setText(chosen)

    def _folders_tab(self) -> QWidget:
        page, form = self._page()
        self._picker(form, "data_folder", "Where your encrypted store is kept. Empty: the "
                     "usual place. A change applies when the app next starts.", folder=True,
                     placeholder=str(default_data_dir()))
        self._picker(form, "backup_folder", "Empty: a 'backups' folder inside the data folder.",
                     folder=True, placeholder="In the data folder")
        kept = QSpinBox(self)
        kept.setRange(1, 365)
        self._row(form, "backups_kept", kept, "The oldest backups beyond this number are removed.")
        return page

    def _server_tab(self) -> QWidget:
        page = QWidget(self)
        outer = QVBoxLayout(page)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        outer.addLayout(form)
        self._row(form, "server_address", self._line("https://asye.your-employer.org"),
                  "Your employer's sync server. Empty: work on this laptop only.")
        # under the form, not in a row of it: a form row clips a wrapped label's second line
        self.server_note = QLabel("", page)
        self.server_note.setWordWrap(True)
        self.server_note.setAccessibleName("Sync connection")
        self.server_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.server_note.hide()
        outer.addWidget(self.server_note)
        outer.addStretch(1)
        return page

    def _got_sync_status(self, status: Any) -> None:
        self.sync_status = status
        self.validate()

    def server_words(self, typed: str) -> tuple[str, bool]:
        """(what to say under the server address, True when it must be acted on)."""
        status = self.sync_status
        if status is None:
            return "", False
        if not getattr(status, "configured", False):
            if typed:
                return ("This laptop is not enrolled with a server yet. To sync with this one, "
                        "choose Sync ▸ Connect to a server… (the address is filled in) and "
                        "type the code from your coordinator.", False)
            return "", False
        url = status.server_url
        if not typed or same_server(typed, url):
            return f"This laptop is enrolled with {url} and syncs with it.", False
        return (f"This laptop is enrolled with {url}, not {typed}. To use {typed} it must be "
                "enrolled again (Sync ▸ Connect to a server…, with a new code from your "
                "coordinator); until then it does not sync. Your work stays on this laptop.",
                True)

    def _work_tab(self) -> QWidget:
        page, form = self._page()
        delay = QDoubleSpinBox(self)
        delay.setRange(0.2, 60)
        delay.setDecimals(1)
        delay.setSingleStep(0.5)
        delay.setSuffix(" s")
        self._row(form, "autosave_seconds", delay, "Typing is saved this long after you pause.")
        idle = QSpinBox(self)
        idle.setRange(0, 480)
        idle.setSuffix(" min")
        idle.setSpecialValueText("Off")
        self._row(form, "idle_lock_minutes", idle, "Cover the screen and ask for your PIN "
                  "after this long without use. Needs a PIN.")
        self.pin_box = PinBox(self.prefs, self.runner, self)
        self.pin_box.pin_changed.connect(self.validate)
        form.addRow("PIN:", self.pin_box)
        return page

    def _reports_tab(self) -> QWidget:
        page, form = self._page()
        self._picker(form, "report_logo", "PNG or JPEG, shown at the top of reports.",
                     folder=False, placeholder="No logo")
        self._row(form, "employer_name", self._line("Your employer's name"))
        return page

    def _retention_tab(self) -> QWidget:
        page, form = self._page()
        years = QSpinBox(self)
        years.setRange(0, 100)
        years.setSuffix(" years")
        years.setSpecialValueText("Keep for ever")
        self._row(form, "retention_years", years, "For portfolios completed, withdrawn or left "
                  "longer ago than this, the written notes, attachments and unsigned reports "
                  "are removed. Dates, judgements, the final assessment and signed reports "
                  "are kept.")
        years.valueChanged.connect(self.retention_box.set_years)
        form.addRow("", self.retention_box)
        return page

    def _appearance_tab(self) -> QWidget:
        page, form = self._page()
        theme = QComboBox(self)
        for value, text in THEME_CHOICES:
            theme.addItem(text, value)
        self._row(form, "theme", theme, "Applies at once.")
        return page

    def _you_tab(self) -> QWidget:
        page, form = self._page()
        for name in ("assessor_name", "assessor_role", "assessor_registration",
                     "assessor_employer"):
            self._row(form, name, self._line())
        return page

    # -- values -----------------------------------------------------------------
    def load(self, s: Settings) -> None:
        for name, widget in self.edits.items():
            value = getattr(s, name)
            if isinstance(widget, QLineEdit):
                widget.setText(value)
            elif isinstance(widget, QSpinBox | QDoubleSpinBox):
                widget.setValue(value)
            elif isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(widget.findData(value), 0))
        self.retention_box.set_years(s.retention_years)
        self.validate()

    def candidate(self) -> Settings:
        values: dict[str, Any] = {}
        for name, widget in self.edits.items():
            if isinstance(widget, QLineEdit):
                values[name] = widget.text().strip()
            elif isinstance(widget, QSpinBox | QDoubleSpinBox):
                values[name] = widget.value()
            elif isinstance(widget, QComboBox):
                values[name] = widget.currentData()
        return self.prefs.settings.replace(**values)

    def validate(self) -> dict[str, str]:
        s = self.candidate()
        found = s.problems()
        for name in ("data_folder", "backup_folder"):
            problem = folder_problem(getattr(s, name))
            if problem:
                found[name] = problem
        problem = logo_problem(s.report_logo)
        if problem:
            found["report_logo"] = problem
        if s.idle_lock_minutes and not self.pin_box.pin_set:
            found["idle_lock_minutes"] = "Set a PIN below first, so that you can unlock it."
        for name, label in self.problems.items():
            text = found.get(name, "")
            if text.startswith("must "):  # from the settings' own checks
                text = f"{FIELD_BY_NAME[name].label} {text}."
            label.setText(f"⚠ {text}" if text else "")
            label.setVisible(bool(text))
        self.save_button.setEnabled(not found)
        words, act = self.server_words("" if "server_address" in found
                                       else self.candidate().server_address)
        self.server_note.setText(f"⚠ {words}" if act else words)
        self.server_note.setStyleSheet(
            f"QLabel {{ color: {overdue_red(self.palette()).name()}; }}" if act else "")
        self.server_note.setVisible(bool(words))
        return found

    def save(self) -> None:
        if self.validate():
            return
        from assessor_app.errors import AppError

        before = self.prefs.settings.server_address
        try:
            later = self.prefs.save(self.candidate())
        except (AppError, OSError) as exc:
            self.status.setText(f"Not saved: {getattr(exc, 'message', None) or exc}")
            return
        server = self.prefs.settings.server_address
        words, act = self.server_words(server)
        moved = act and not same_server(before, server)  # newly at odds with the enrolment
        if not later and not moved:
            self.accept()
            return
        texts = ["Saved."]
        if later:
            names = " and ".join(FIELD_BY_NAME[n].label.lower() for n in later)
            texts.append(f"The new {names} will be used when the app next starts.")
        folder = self.prefs.settings.data_folder
        if "data_folder" in later and folder and not (Path(folder).expanduser() / DB_FILENAME).exists():
            texts.append("There is no store in that folder yet: the app will set up a new, empty "
                         "one there. Your current store stays where it is; to move it, restore a "
                         "backup into the new folder.")
        if moved:
            texts.append(words)
        text = " ".join(texts)
        self.status.setText(text)
        icon = QMessageBox.Icon.Warning if moved else QMessageBox.Icon.Information
        box = QMessageBox(icon, "Settings saved", text,
                          QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setAccessibleName("Settings saved")
        box.finished.connect(lambda *_: self.accept())
        self.restart_notice = box
        box.open()

    def run_wizard(self) -> None:
        module = importlib.import_module(WIZARD_MODULE)
        if module.run_wizard(self, self.api, self.runner):
            # The wizard writes the settings file itself: pick up what it changed.
            self.prefs.settings = load_settings(self.prefs.path).settings
            self.load(self.prefs.settings)
            self.pin_box.refresh()
            self.status.setText("The set-up is done; its answers are shown here.")
        self.raise_()
        self.activateWindow()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.tabs.setFocus(Qt.FocusReason.OtherFocusReason)
