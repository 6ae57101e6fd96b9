"""The settings dialog: every field, inline problems, Save/Cancel, live effects, the PIN."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit
from pytestqt.qtbot import QtBot

from assessor_app.keystore import PIN_ENTRY, MemorySecretStore, check_pin
from assessor_app.settings import Settings, load_settings
from assessor_app.ui.colours import is_dark
from assessor_app.ui.main_window import MainWindow
from assessor_app.ui.preferences import Preferences
from assessor_app.ui.tasks import DbRunner
from assessor_app.ui.theme import apply_theme
from assessor_app.ui.views.settings_dialog import SettingsDialog, wizard_available
from assessor_app.ui.widgets import autosave
from tests.reports.logos import bad_logo, make_logo

SHOTS = Path(__file__).resolve().parents[2] / "screenshots"


@pytest.fixture
def prefs(tmp_path: Path, qapp: QApplication):  # type: ignore[no-untyped-def]
    secrets = MemorySecretStore()
    p = Preferences(Settings(employer_name="Testshire", backups_kept=9),
                    tmp_path / "config" / "settings.json", secrets=lambda: secrets)
    p.test_secrets = secrets  # type: ignore[attr-defined]
    yield p
    apply_theme("light")
    apply_theme("system")
    autosave.set_default_delay_ms(autosave.DELAY_MS)


@pytest.fixture
def dialog(qtbot: QtBot, prefs: Preferences, runner: DbRunner) -> SettingsDialog:
    d = SettingsDialog(prefs, runner, None)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    return d


def edit(d: SettingsDialog, name: str) -> QLineEdit:
    widget = d.edits[name]
    assert isinstance(widget, QLineEdit)
    return widget


def test_it_shows_the_current_settings_and_every_tab(qtbot: QtBot, dialog: SettingsDialog) -> None:
    assert edit(dialog, "employer_name").text() == "Testshire"
    assert dialog.edits["backups_kept"].value() == 9  # type: ignore[attr-defined]
    tabs = [dialog.tabs.tabText(i).replace("&", "") for i in range(dialog.tabs.count())]
    assert tabs == ["Folders", "Server", "Autosave and lock", "Reports", "Retention",
                    "Appearance", "You"]
    assert dialog.save_button.isEnabled()
    for w in dialog.findChildren(QLineEdit) + dialog.findChildren(QComboBox):
        if w.objectName() != "qt_spinbox_lineedit":  # inside a named spin box
            assert w.accessibleName(), w
    SHOTS.mkdir(exist_ok=True)
    for i, tab in enumerate(tabs):
        dialog.tabs.setCurrentIndex(i)
        dialog.grab().save(str(SHOTS / f"settings-{i + 1}-{tab.split()[0].lower()}.png"))


def test_problems_are_shown_inline_and_block_saving(qtbot: QtBot, dialog: SettingsDialog,
                                                    tmp_path: Path) -> None:
    edit(dialog, "server_address").setText("asye.example.org")
    problem = dialog.problems["server_address"]
    assert not problem.isHidden() and "https://" in problem.text()
    assert not dialog.save_button.isEnabled()
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x")
    edit(dialog, "backup_folder").setText(str(a_file / "backups"))
    assert "is a file" in dialog.problems["backup_folder"].text()
    edit(dialog, "report_logo").setText(str(a_file))
    assert "PNG or JPEG" in dialog.problems["report_logo"].text()
    dialog.tabs.setCurrentIndex(0)
    dialog.grab().save(str(SHOTS / "settings-problems.png"))
    edit(dialog, "server_address").setText("https://asye.example.org")
    edit(dialog, "backup_folder").setText(str(tmp_path / "new" / "backups"))  # created later
    edit(dialog, "report_logo").setText("")
    assert dialog.validate() == {} and dialog.save_button.isEnabled()
    assert dialog.problems["server_address"].isHidden()


def test_the_logo_is_checked_as_the_reports_will_use_it(dialog: SettingsDialog,
                                                       tmp_path: Path) -> None:
    """The same check as report generation: a renamed text file or a cut-short picture is
    refused here, before a report has to leave the logo out."""
    for bad, reason in (("not an image", "not a picture"), ("corrupt", "damaged")):
        edit(dialog, "report_logo").setText(str(bad_logo(bad, tmp_path)))
        assert reason in dialog.problems["report_logo"].text()
        assert not dialog.save_button.isEnabled()
    edit(dialog, "report_logo").setText(str(make_logo(tmp_path / "good.png")))
    assert dialog.problems["report_logo"].isHidden() and dialog.save_button.isEnabled()


def test_a_folder_that_cannot_be_written_is_refused(dialog: SettingsDialog,
                                                    unwritable_folder: Path) -> None:
    edit(dialog, "data_folder").setText(str(unwritable_folder))
    assert "cannot write" in dialog.problems["data_folder"].text()


def test_save_writes_the_file_and_applies_live_settings(
        qtbot: QtBot, dialog: SettingsDialog, prefs: Preferences, qapp: QApplication) -> None:
    dialog.edits["autosave_seconds"].setValue(3.5)  # type: ignore[attr-defined]
    theme = dialog.edits["theme"]
    assert isinstance(theme, QComboBox)
    theme.setCurrentIndex(theme.findData("dark"))
    edit(dialog, "assessor_name").setText("Rosalind Achterberg")
    with qtbot.waitSignal(prefs.changed, timeout=2000):
        dialog.save_button.click()
    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    on_disk = load_settings(prefs.path).settings
    assert (on_disk.autosave_seconds, on_disk.theme, on_disk.assessor_name) == \
        (3.5, "dark", "Rosalind Achterberg")
    assert on_disk.employer_name == "Testshire"
    assert autosave.default_delay_ms() == 3500
    assert is_dark(qapp.palette())


def test_cancel_changes_nothing(qtbot: QtBot, dialog: SettingsDialog, prefs: Preferences) -> None:
    edit(dialog, "employer_name").setText("Another council")
    dialog.reject()
    assert prefs.settings.employer_name == "Testshire"
    assert prefs.path is not None and not prefs.path.exists()


def test_the_idle_lock_needs_a_pin_which_goes_to_the_keyring_only(
        qtbot: QtBot, dialog: SettingsDialog, prefs: Preferences) -> None:
    secrets: MemorySecretStore = prefs.test_secrets  # type: ignore[attr-defined]
    dialog.tabs.setCurrentIndex(2)
    dialog.edits["idle_lock_minutes"].setValue(10)  # type: ignore[attr-defined]
    assert "Set a PIN" in dialog.problems["idle_lock_minutes"].text()
    assert not dialog.save_button.isEnabled()
    box = dialog.pin_box
    assert box.state.text() == "No PIN set."
    box.toggle.click()
    box.new.setText("12")
    box.repeat.setText("12")
    box.save_button.click()
    assert "at least 4" in box.message.text()
    box.new.setText("2468")
    box.repeat.setText("2469")
    box.save_button.click()
    assert "not the same" in box.message.text()
    box.repeat.setText("2468")
    with qtbot.waitSignal(box.pin_changed, timeout=5000):
        box.save_button.click()
    assert box.state.text() == "A PIN is set." and check_pin(secrets, "2468")
    assert secrets.get(PIN_ENTRY).startswith("scrypt$") and "2468" not in secrets.get(PIN_ENTRY)
    assert dialog.problems["idle_lock_minutes"].isHidden() and dialog.save_button.isEnabled()
    # Changing it needs the current PIN.
    box.toggle.click()
    assert box.current.isVisible()
    box.current.setText("0000")
    box.new.setText("1357")
    box.repeat.setText("1357")
    box.save_button.click()
    qtbot.waitUntil(lambda: "not right" in box.message.text(), timeout=5000)
    assert check_pin(secrets, "2468")
    dialog.grab().save(str(SHOTS / "settings-pin.png"))
    dialog.save_button.click()
    assert prefs.path is not None
    text = prefs.path.read_text()
    assert json.loads(text)["idle_lock_minutes"] == 10
    assert "2468" not in text and "scrypt" not in text


def test_the_wizard_button_is_there_only_with_the_wizard(dialog: SettingsDialog) -> None:
    assert wizard_available() and dialog.wizard_button.isVisibleTo(dialog)
    assert not dialog.wizard_button.isEnabled()  # no open store to set up


def test_ctrl_comma_opens_the_settings(qtbot: QtBot, window: MainWindow) -> None:
    assert window.settings_action.shortcut().toString() == "Ctrl+,"
    window.settings_action.trigger()
    dialog = window.settings_dialog
    assert isinstance(dialog, SettingsDialog) and dialog.isVisible()
    dialog.reject()


def test_retention_preview_then_purge_with_confirmation(
        qtbot: QtBot, prefs: Preferences, runner: DbRunner, review_template: Path,
        tmp_path: Path) -> None:
    from datetime import date

    from PySide6.QtWidgets import QMessageBox

    from assessor_app.app import demo_paths, open_context
    from tests.review_demo import TODAY, copy_store

    ctx = open_context(demo_paths(copy_store(review_template, tmp_path / "demo")), create=False)
    try:
        d = SettingsDialog(prefs, runner, ctx)
        qtbot.addWidget(d)
        d.show()
        d.tabs.setCurrentIndex(4)
        box = d.retention_box
        box.today = lambda: date(TODAY.year + 3, TODAY.month, TODAY.day)
        assert not box.preview_button.isEnabled()  # "keep for ever"
        d.edits["retention_years"].setValue(2)  # type: ignore[attr-defined]
        assert box.preview_button.isEnabled()
        with qtbot.waitSignal(box.finished, timeout=10_000) as preview:
            box.preview_button.click()
        assert preview.args[0].dry_run and preview.args[0].enrolments == 1
        assert "would be cleared" in box.result.text()
        d.grab().save(str(SHOTS / "settings-retention-preview.png"))
        box.purge_button.click()
        confirm = box.confirm_box
        assert confirm.isVisible()
        confirm.button(QMessageBox.StandardButton.Cancel).click()  # Cancel: nothing happens
        assert "would be cleared" in box.result.text()
        box.purge_button.click()
        remove = next(b for b in box.confirm_box.buttons() if b.text() == "Remove notes")
        with qtbot.waitSignal(box.finished, timeout=10_000) as purged:
            remove.click()
        assert not purged.args[0].dry_run and purged.args[0].fields > 0
        assert "were cleared" in box.result.text()
        again = ctx.retention.purge(2, today=box.today())
        assert again.fields == 0  # really gone from the store
    finally:
        ctx.close()


def test_run_first_time_set_up_again_opens_the_wizard(
        qtbot: QtBot, prefs: Preferences, runner: DbRunner, review_template: Path,
        tmp_path: Path) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QWizard

    from assessor_app.app import demo_paths, open_context
    from tests.review_demo import copy_store

    ctx = open_context(demo_paths(copy_store(review_template, tmp_path / "demo")), create=False)
    seen: list[str] = []

    def cancel_wizard() -> None:
        wizard = next((w for w in QApplication.topLevelWidgets()
                       if isinstance(w, QWizard) and w.isVisible()), None)
        if wizard is None:
            QTimer.singleShot(20, cancel_wizard)
            return
        seen.append(wizard.windowTitle())
        wizard.reject()

    try:
        d = SettingsDialog(prefs, runner, ctx)
        qtbot.addWidget(d)
        d.show()
        assert d.wizard_button.isVisible() and d.wizard_button.isEnabled()
        QTimer.singleShot(0, cancel_wizard)
        d.wizard_button.click()  # runs the wizard modally until it is cancelled
        assert len(seen) == 1
        assert d.isVisible() and prefs.settings.employer_name == "Testshire"
    finally:
        ctx.close()


def test_a_new_data_folder_is_explained_before_the_dialog_closes(
        qtbot: QtBot, dialog: SettingsDialog, prefs: Preferences, tmp_path: Path) -> None:
    edit(dialog, "data_folder").setText(str(tmp_path / "elsewhere"))
    dialog.save_button.click()
    box = dialog.restart_notice
    assert box.isVisible() and dialog.isVisible()
    assert "next starts" in box.text() and "no store in that folder" in box.text()
    box.grab().save(str(SHOTS / "settings-saved-restart.png"))
    box.button(box.StandardButton.Ok).click()
    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    assert load_settings(prefs.path).settings.data_folder == str(tmp_path / "elsewhere")


def test_a_relative_folder_is_refused(dialog: SettingsDialog) -> None:
    edit(dialog, "backup_folder").setText("backups")
    assert "full path" in dialog.problems["backup_folder"].text()
    assert not dialog.save_button.isEnabled()
