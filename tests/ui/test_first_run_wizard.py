"""The first-run wizard, driven with the keyboard over a real encrypted store in a temp folder.

Set ASSESSOR_APP_SCREENSHOT_DIR to keep a screenshot of every page.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWizard
from pytestqt.qtbot import QtBot

from assessor_app.app import open_context
from assessor_app.first_run import INCOMPLETE_MARKER, FirstRunSetup, needs_setup
from assessor_app.paths import DataPaths
from assessor_app.services import recovery
from assessor_app.services.assessor_profile import AssessorProfileService, Profile
from assessor_app.settings import load_settings
from assessor_app.ui.tasks import DbRunner
from assessor_app.ui.views.first_run_wizard import SetupWizard

STEP_MS = 30_000  # scrypt and migrations on a busy 2-core machine


@pytest.fixture
def paths(tmp_path: Path) -> DataPaths:
    return DataPaths(tmp_path / "new-laptop-data")


@pytest.fixture
def wizard(qtbot: QtBot, runner: DbRunner, paths: DataPaths) -> Iterator[SetupWizard]:
    setup = FirstRunSetup(paths)
    w = SetupWizard(setup, runner)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.ask_before_cancel = False  # pytest-qt closes it after a failure: no modal question then
    yield w
    runner.run_op(setup.close)


def shot(w: SetupWizard, name: str) -> None:
    image = w.grab()
    assert not image.isNull()
    folder = os.environ.get("ASSESSOR_APP_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        assert image.save(str(Path(folder) / f"wizard-{name}.png"))


def press_next(qtbot: QtBot, w: SetupWizard) -> None:
    """Enter: the wizard's default button (Next, Commit or Finish)."""
    qtbot.keyClick(w.focusWidget() or w, Qt.Key.Key_Return)


def wait_complete(qtbot: QtBot, page: object) -> None:
    qtbot.waitUntil(lambda: page.isComplete(), timeout=STEP_MS)  # type: ignore[attr-defined]


def fill_identity(qtbot: QtBot, w: SetupWizard, registration: str = "sw 123456") -> None:
    assert w.currentPage() is w.identity
    qtbot.keyClick(w, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    assert w.focusWidget() is w.identity.name_edit
    qtbot.keyClicks(w.identity.name_edit, "Aisha Fictional")
    qtbot.keyClick(w, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClicks(w.identity.employer_edit, "Northshire County Council (fictional)")
    qtbot.keyClick(w, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    assert w.focusWidget() is w.identity.registration_edit
    qtbot.keyClicks(w.identity.registration_edit, registration)


def through_recovery(qtbot: QtBot, w: SetupWizard) -> str:
    page = w.recovery
    qtbot.waitUntil(lambda: page.done, timeout=STEP_MS)
    passphrase = page.passphrase
    assert page.shown.text() == passphrase and len(page.words()) >= 2
    assert not page.isComplete()  # not before the box is ticked and two groups typed
    qtbot.keyClick(w, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)  # "I have written it down"
    qtbot.waitUntil(page.written.isChecked, timeout=2000)  # a mnemonic "animates" the click
    words = page.words()
    for pos, edit in zip(page.word_positions, (page.first_word, page.second_word), strict=True):
        qtbot.keyClick(w, getattr(Qt.Key, f"Key_{pos + 1}"), Qt.KeyboardModifier.AltModifier)
        assert w.focusWidget() is edit
        qtbot.keyClicks(edit, "XXXX")
        assert not page.isComplete()  # a wrong group keeps Next disabled
        edit.clear()
        qtbot.keyClicks(edit, words[pos].lower())
    assert page.isComplete()
    return passphrase


def test_full_wizard_by_keyboard_makes_a_working_store(qtbot: QtBot, wizard: SetupWizard,
                                                       paths: DataPaths) -> None:
    w = wizard
    assert needs_setup(paths)
    shot(w, "1-welcome")
    press_next(qtbot, w)
    fill_identity(qtbot, w, registration="SW12")
    assert w.identity.problem.isVisible() and not w.identity.isComplete()
    assert not w.button(QWizard.WizardButton.NextButton).isEnabled()
    shot(w, "2a-who-you-are-bad-number")
    w.identity.registration_edit.clear()
    qtbot.keyClicks(w.identity.registration_edit, "sw 123456")
    assert w.identity.isComplete()
    shot(w, "2-who-you-are")
    assert not paths.root.exists()  # nothing is written before the store page
    press_next(qtbot, w)

    assert w.currentPage() is w.store
    wait_complete(qtbot, w.store)
    assert paths.db.exists() and (paths.root / INCOMPLETE_MARKER).exists()
    assert "Keyring" in w.store.backend_label.text()
    shot(w, "3-store")
    press_next(qtbot, w)

    assert w.currentPage() is w.recovery
    passphrase = through_recovery(qtbot, w)
    shot(w, "4-recovery")
    qtbot.keyClick(w, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)  # Copy
    qtbot.waitUntil(lambda: QApplication.clipboard().text() == passphrase, timeout=2000)
    press_next(qtbot, w)
    assert QApplication.clipboard().text() == ""  # leaving the page clears what it copied

    assert w.currentPage() is w.signing
    wait_complete(qtbot, w.signing)
    assert w.recovery.shown.text() != passphrase  # shown once: gone from the screen
    shot(w, "5-signing")
    press_next(qtbot, w)

    assert w.currentPage() is w.server
    assert w.button(QWizard.WizardButton.NextButton).text().replace("&", "").startswith("Skip")
    qtbot.waitUntil(lambda: bool(w.server.note.text()) or w.server.can_enrol, timeout=STEP_MS)
    shot(w, "6-server")
    press_next(qtbot, w)

    assert w.currentPage() is w.done_page
    wait_complete(qtbot, w.done_page)
    shot(w, "7-done")
    assert "Aisha Fictional" in w.done_page.summary.text()
    with qtbot.waitSignal(w.finished, timeout=5000):
        press_next(qtbot, w)
    assert w.result() == QWizard.DialogCode.Accepted

    # The store is real, encrypted, complete; the passphrase opens its key.
    assert not needs_setup(paths) and not (paths.root / INCOMPLETE_MARKER).exists()
    assert recovery.check_recovery_passphrase(paths, passphrase)
    assert recovery.check_recovery_passphrase(paths, passphrase.lower().replace("-", " "))
    assert not recovery.check_recovery_passphrase(paths, "0000-0000-0000-0000-0000")
    assert b"SQLite format 3" not in paths.db.read_bytes()[:16]
    ctx = open_context(paths, create=False)
    try:
        profile = AssessorProfileService(ctx.database).current()
        assert profile is not None
        assert (profile.name, profile.role, profile.registration_number) == (
            "Aisha Fictional", "assessor", "SW123456")
        ident = ctx.signing.identity("person", profile.person_id, profile.name, profile.role,
                                     profile.registration_number)
        assert ident.id == w.signing.identity.id  # the wizard's key, not a new one
        ctx.signing.signer_for(ident)  # its private key opens with the keyring's passphrase
    finally:
        ctx.close()
    s = load_settings().settings
    assert (s.assessor_name, s.assessor_registration, s.first_run_done) == (
        "Aisha Fictional", "SW123456", True)


def test_cancel_before_the_store_leaves_nothing(qtbot: QtBot, wizard: SetupWizard,
                                                paths: DataPaths) -> None:
    press_next(qtbot, wizard)
    fill_identity(qtbot, wizard)
    with qtbot.waitSignal(wizard.rejected, timeout=5000):
        qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    assert not paths.root.exists()
    assert needs_setup(paths)
    assert not json.loads(Path(os.environ["ASSESSOR_APP_CONFIG_DIR"], "settings.json")
                          .read_text()).get("first_run_done", False) \
        if Path(os.environ["ASSESSOR_APP_CONFIG_DIR"], "settings.json").exists() else True


def test_cancel_after_the_store_resumes_next_time(qtbot: QtBot, wizard: SetupWizard,
                                                  runner: DbRunner, paths: DataPaths,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    press_next(qtbot, wizard)
    fill_identity(qtbot, wizard)
    press_next(qtbot, wizard)
    wait_complete(qtbot, wizard.store)
    press_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.recovery.done, timeout=STEP_MS)
    asked: list[str] = []

    def answer(_parent: object, _title: str, text: str, *_a: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    wizard.ask_before_cancel = True
    with qtbot.waitSignal(wizard.rejected, timeout=5000):
        qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    assert "carry on from where you stopped" in asked[0]
    store_id = json.loads((paths.root / "store.json").read_text())["store_id"]
    assert needs_setup(paths) and (paths.root / INCOMPLETE_MARKER).exists()
    runner.run_op(wizard.setup.close)

    # Next start: the same store is opened, not replaced, and the set-up completes.
    again = SetupWizard(FirstRunSetup(paths), runner)
    qtbot.addWidget(again)
    again.ask_before_cancel = False
    again.show()
    qtbot.waitExposed(again)
    again.activateWindow()
    qtbot.waitUntil(again.isActiveWindow, timeout=2000)
    press_next(qtbot, again)
    fill_identity(qtbot, again)
    press_next(qtbot, again)
    wait_complete(qtbot, again.store)
    assert "is open" in again.store.result.text()
    press_next(qtbot, again)
    passphrase = through_recovery(qtbot, again)
    for page in (again.signing, again.server, again.done_page):
        press_next(qtbot, again)
        assert again.currentPage() is page
        if page is not again.server:
            wait_complete(qtbot, page)
    press_next(qtbot, again)
    assert again.result() == QWizard.DialogCode.Accepted
    runner.run_op(again.setup.close)
    assert json.loads((paths.root / "store.json").read_text())["store_id"] == store_id
    assert recovery.check_recovery_passphrase(paths, passphrase)
    assert not needs_setup(paths)


def test_no_keyring_gives_a_clear_message_and_writes_nothing(
        qtbot: QtBot, wizard: SetupWizard, paths: DataPaths) -> None:
    keyring.set_keyring(fail.Keyring())  # the autouse fixture restores the previous one
    press_next(qtbot, wizard)
    fill_identity(qtbot, wizard)
    press_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.store.error.isVisible(), timeout=STEP_MS)
    text = wizard.store.error.text()
    assert "No OS keyring is available" in text and "PYTHON_KEYRING_BACKEND" in text
    assert "Traceback" not in text
    assert wizard.store.retry.isVisible() and wizard.focusWidget() is wizard.store.retry
    assert not wizard.button(QWizard.WizardButton.CommitButton).isEnabled()
    shot(wizard, "3x-no-keyring")
    assert not paths.root.exists()
    qtbot.keyClick(wizard.store.retry, Qt.Key.Key_F1)  # help works before any main window exists
    assert wizard.f1_filter.last is not None and wizard.f1_filter.last.topic == "first-run"
    wizard.f1_filter.last.close()


def test_rerun_from_the_settings_keeps_the_store_and_updates_the_same_person(
        qtbot: QtBot, runner: DbRunner, paths: DataPaths) -> None:
    from assessor_app.first_run import FirstRunSetup as Setup

    ctx = open_context(paths, create=True)
    try:
        first = Setup(api=ctx)
        saved = first.save_profile(Profile("Aisha Fictional", "assessor", "SW123456",
                                           "Northshire (fictional)"))
        phrase = first.new_recovery_passphrase()
        w = SetupWizard(Setup(api=ctx), runner)
        qtbot.addWidget(w)
        w.ask_before_cancel = False
        w.show()
        qtbot.waitUntil(lambda: w.identity.name_edit.text() == "Aisha Fictional", timeout=STEP_MS)
        press_next(qtbot, w)
        w.identity.employer_edit.selectAll()
        qtbot.keyClicks(w.identity.employer_edit, "Southshire (fictional)")
        press_next(qtbot, w)
        wait_complete(qtbot, w.store)
        assert "is open" in w.store.result.text()
        press_next(qtbot, w)
        wait_complete(qtbot, w.recovery)  # an existing passphrase may be kept
        assert w.recovery.keeping and w.recovery.replace_button.isVisible()
        shot(w, "4b-recovery-rerun")
        for _ in range(3):
            press_next(qtbot, w)
            if w.currentPage() is not w.server:
                wait_complete(qtbot, w.currentPage())
        press_next(qtbot, w)
        assert w.result() == QWizard.DialogCode.Accepted
        profile = AssessorProfileService(ctx.database).current()
        assert profile is not None and profile.person_id == saved.person_id
        assert profile.employer == "Southshire (fictional)"
        assert recovery.check_recovery_passphrase(paths, phrase)  # the kept one still works
    finally:
        ctx.close()


def test_profile_rules() -> None:
    from assessor_app.errors import UsageError
    from assessor_app.services.assessor_profile import registration_problem, validate

    assert validate(Profile(" Aisha  Fictional ", "manager", "sw 12345", " X ")).registration_number \
        == "SW12345"
    assert registration_problem("", "coordinator") == ""  # coordinators need no number
    assert registration_problem("", "assessor") and registration_problem("12345", "manager")
    with pytest.raises(UsageError, match="employer"):
        validate(Profile("A", "assessor", "SW123456", ""))


def test_the_app_starts_with_the_wizard_and_stopping_it_opens_nothing(
        qapp: object, tmp_path: Path) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from assessor_app import gui_launch

    folder = tmp_path / "fresh"
    seen: list[str] = []

    def cancel_wizard() -> None:
        wizards = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, SetupWizard) and w.isVisible()]
        if not wizards:
            QTimer.singleShot(20, cancel_wizard)
            return
        seen.append(wizards[0].windowTitle())
        wizards[0].reject()

    QTimer.singleShot(0, cancel_wizard)
    assert gui_launch.run(str(folder)) == 0
    assert seen == ["Set up the assessor workbench"]
    assert not folder.exists()


def test_rerun_can_replace_the_recovery_passphrase(qtbot: QtBot, runner: DbRunner,
                                                   paths: DataPaths) -> None:
    ctx = open_context(paths, create=True)
    try:
        old = FirstRunSetup(api=ctx).new_recovery_passphrase()
        w = SetupWizard(FirstRunSetup(api=ctx), runner)
        qtbot.addWidget(w)
        w.ask_before_cancel = False
        w.show()
        w.identity.fill(Profile("Aisha Fictional", "assessor", "SW123456", "Northshire"))
        for page in (w.identity, w.store, w.recovery):
            press_next(qtbot, w)
            if page is not w.identity:
                wait_complete(qtbot, w.currentPage())
        assert w.recovery.keeping and not w.recovery.shown.isVisible()
        qtbot.keyClick(w, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)  # "Make a new …"
        qtbot.waitUntil(lambda: bool(w.recovery.passphrase) and w.recovery.done, timeout=STEP_MS)
        new = w.recovery.passphrase
        assert new != old and w.recovery.shown.isVisible() and not w.recovery.isComplete()
        assert recovery.check_recovery_passphrase(paths, new)
        assert not recovery.check_recovery_passphrase(paths, old)
    finally:
        ctx.close()
