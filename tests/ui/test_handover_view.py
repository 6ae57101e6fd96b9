"""Hand-over mode over a real encrypted demo store, driven by the keyboard offscreen.

Set ASSESSOR_APP_SCREENSHOT_DIR to keep a grab of every page of each version.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from assessor_app.app import AppContext
from assessor_app.domain.feedback_sets import HandoverStart
from assessor_app.ui.tasks import DbRunner
from assessor_app.ui.views.handover_setup import HandoverSetupDialog
from assessor_app.ui.views.handover_view import STILL_SAVING, HandoverWindow
from tests.review_demo import TODAY

PIN = "2468"
RESPONDENT = {"adult": ("parent", ""), "easy-read": ("carer", ""),
              "child": ("child or young person", "7-9")}


@pytest.fixture
def open_handover(qtbot: QtBot, runner: DbRunner, ctx: AppContext,
                  ) -> Iterator[Callable[..., HandoverWindow]]:
    made: list[HandoverWindow] = []

    def make(set_id: str, evidence_id: str = "", *, track: bool = True) -> HandoverWindow:
        who, band = RESPONDENT[set_id]
        enrolment = ctx.list_rows(TODAY)[0].enrolment_id
        session = ctx.handover.start(enrolment, HandoverStart(set_id, who, band), evidence_id,
                                     today=TODAY)
        w = HandoverWindow(runner, ctx, session, PIN, delay_ms=50)
        made.append(w)
        if track:  # an untracked window is one the test destroys itself
            qtbot.addWidget(w)
        w.resize(1280, 800)  # offscreen "full screen" is the virtual screen's size
        w.showFullScreen()
        qtbot.waitExposed(w)
        with qtbot.waitActive(w, timeout=5_000):
            w.activateWindow()
        return w

    yield make
    for w in made:
        if shiboken6.isValid(w) and w.locked:
            w.drop()  # the test's end, not an unlock: put the event filter away


def focused(w: HandoverWindow) -> QWidget:
    widget = w.focusWidget()
    assert widget is not None
    return widget


def shot(qtbot: QtBot, w: HandoverWindow, name: str) -> None:
    folder = os.environ.get("ASSESSOR_APP_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        qtbot.wait(30)  # let the page's layout settle, as it does before a person sees it
        assert w.grab().save(str(Path(folder) / f"handover-{name}.png"))


def press(qtbot: QtBot, w: HandoverWindow, key: Qt.Key,
          mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(focused(w), key, mods)


def unlock(qtbot: QtBot, w: HandoverWindow, pin: str = PIN) -> None:
    qtbot.keyClicks(w.pin_edit, pin)
    qtbot.keyClick(w.pin_edit, Qt.Key.Key_Return)


def drive(qtbot: QtBot, w: HandoverWindow, choices: list[int], texts: list[str],
          set_id: str) -> None:
    """Consent, anonymity (keep anonymous), one digit per question, typed answers, finish."""
    assert w.current() is w.consent_page and focused(w) is w.yes_button
    shot(qtbot, w, f"{set_id}-1-consent")
    press(qtbot, w, Qt.Key.Key_Space)
    assert w.current() is w.anonymity_page
    assert focused(w).text() == w.fset.anonymous_yes
    press(qtbot, w, Qt.Key.Key_Space)  # "keep it anonymous"
    shot(qtbot, w, f"{set_id}-2-anonymity")
    press(qtbot, w, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    for n, choice in enumerate(choices):
        assert w.progress.text() == f"Question {n + 1} of {w.fset.steps}"
        press(qtbot, w, getattr(Qt.Key, f"Key_{choice}"))
        shot(qtbot, w, f"{set_id}-3-question-{n + 1}")
        press(qtbot, w, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    for n, text in enumerate(texts):
        box = focused(w)
        assert isinstance(box, QPlainTextEdit)
        qtbot.keyClicks(box, text)
        shot(qtbot, w, f"{set_id}-4-text-{n + 1}")
        last = n == len(texts) - 1
        assert w.next_button.text() == ("Finish" if last else "Next →")
        press(qtbot, w, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    assert w.current() is w.thanks_page
    shot(qtbot, w, f"{set_id}-5-thank-you")


@pytest.mark.parametrize("set_id", ["adult", "easy-read", "child"])
def test_a_whole_hand_over_by_keyboard_is_saved_as_feedback(
        qtbot: QtBot, ctx: AppContext, open_handover: Callable[..., HandoverWindow],
        set_id: str) -> None:
    w = open_handover(set_id)
    scale = [o.value for o in w.fset.scale]
    choices = [(n % len(scale)) + 1 for n in range(len(w.fset.questions))]
    texts = [f"Answer {n}: she listened, and came back when she said" for n in
             range(len(w.fset.prompts))]
    drive(qtbot, w, choices, texts, set_id)
    press(qtbot, w, Qt.Key.Key_Space)  # "Assessor: unlock"
    assert w.current() is w.lock_page and not w.resume_button.isVisible()
    shot(qtbot, w, f"{set_id}-6-pin")
    with qtbot.waitSignal(w.unlocked, timeout=5_000) as unlocked:
        unlock(qtbot, w)
    assert unlocked.args == [w.evidence_id] and not w.isVisible()
    qtbot.waitUntil(lambda: w.autosaver.clean, timeout=5_000)
    form = ctx.evidence.load(w.evidence_id)
    v = form.values
    assert (form.kind, form.status, v["method"], v["format"]) == (
        "feedback_lived", "draft", "hand-over", w.fset.format)
    assert v["consent"] == w.fset.consent_kind and v["anonymous"] == "yes"
    assert v["respondent_ref"].startswith("R-") and v["transcribed"] == "no"
    assert v["respondent_type"] == RESPONDENT[set_id][0] and v["age_band"] == RESPONDENT[set_id][1]
    assert form.ratings == {q.id: scale[c - 1] for q, c in zip(w.fset.questions, choices,
                                                                strict=True)}
    assert [v[p.field] for p in w.fset.prompts] == texts


def test_declining_ends_politely_and_keeps_no_words(
        qtbot: QtBot, ctx: AppContext, open_handover: Callable[..., HandoverWindow]) -> None:
    w = open_handover("child")
    press(qtbot, w, Qt.Key.Key_Tab)
    assert focused(w) is w.no_button
    with qtbot.waitSignal(w.answered, timeout=5_000):
        press(qtbot, w, Qt.Key.Key_Space)
    assert w.current() is w.declined_page and not w.next_button.isVisible()
    shot(qtbot, w, "child-0-declined")
    v = ctx.evidence.load(w.evidence_id).values
    assert v["consent"] == "declined" and "declined" in v["title"]
    assert not any(v[f] for f in ("went_well", "could_be_better", "own_words"))
    press(qtbot, w, Qt.Key.Key_Escape)
    assert w.current() is w.lock_page and not w.resume_button.isVisible()
    unlock(qtbot, w)
    assert not w.locked


def test_escape_close_and_alt_f4_ask_for_the_pin_and_a_wrong_pin_keeps_it_locked(
        qtbot: QtBot, open_handover: Callable[..., HandoverWindow]) -> None:
    app_window = QMainWindow()
    app_window.setWindowTitle("Assessor workbench")
    qtbot.addWidget(app_window)
    app_window.show()
    qtbot.waitExposed(app_window)
    w = open_handover("adult")
    assert not app_window.isVisible()  # nothing of the app behind the family's screen
    press(qtbot, w, Qt.Key.Key_Space)
    press(qtbot, w, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    question = w.current()
    for leave in (lambda: press(qtbot, w, Qt.Key.Key_Escape),
                  lambda: press(qtbot, w, Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier),
                  lambda: press(qtbot, w, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier),
                  lambda: press(qtbot, w, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier),
                  lambda: press(qtbot, w, Qt.Key.Key_Tab, Qt.KeyboardModifier.AltModifier),
                  w.close):
        leave()
        assert w.isVisible() and w.current() is w.lock_page and w.locked
        assert focused(w) is w.pin_edit
        if w._pin.tries < 3:  # wrong tries add up: five in all pause the PIN box (below)
            unlock(qtbot, w, "1357")
            assert "not right" in w.lock_message.text() and w.locked and w.isVisible()
            shot(qtbot, w, "adult-7-wrong-pin")
        assert not app_window.isVisible()
        qtbot.mouseClick(w.resume_button, Qt.MouseButton.LeftButton)
        assert w.current() is question  # back where they were, without the PIN
    press(qtbot, w, Qt.Key.Key_Escape)
    while w._pin.tries < 4:
        unlock(qtbot, w, "0000")
        assert w.pin_edit.isEnabled()
    unlock(qtbot, w, "0000")  # the fifth wrong PIN
    assert not w.pin_edit.isEnabled() and "wait" in w.lock_message.text()
    # Something of the app pops up meanwhile (a message, a dialog): it waits out of sight.
    popup = QMessageBox(QMessageBox.Icon.Information, "Sync", "Synced 3 records", parent=app_window)
    popup.open()
    qtbot.waitUntil(lambda: not popup.isVisible(), timeout=5_000)
    w._allow_again()  # the pause is a timer; its end is what matters here
    with qtbot.waitSignal(w.unlocked, timeout=5_000):
        unlock(qtbot, w)
    assert app_window.isVisible() and popup.isVisible() and not w.isVisible()


def test_a_crash_mid_hand_over_keeps_the_typed_text_as_a_draft(
        qtbot: QtBot, ctx: AppContext, open_handover: Callable[..., HandoverWindow]) -> None:
    w = open_handover("adult", track=False)
    press(qtbot, w, Qt.Key.Key_Space)
    for _ in range(1 + len(w.fset.questions)):
        press(qtbot, w, Qt.Key.Key_3) if w.current() in w.steps else None
        press(qtbot, w, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    box = focused(w)
    assert isinstance(box, QPlainTextEdit)
    qtbot.keyClicks(box, "She always rang back the same day")
    qtbot.waitUntil(lambda: w.autosaver.clean and
                    ctx.evidence.load(w.evidence_id).values["went_well"] != "", timeout=5_000)
    eid = w.evidence_id
    w.drop()  # no PIN, no close: the window just goes, as in a crash
    w.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(w), timeout=5_000)
    form = ctx.evidence.load(eid)
    assert form.status == "draft" and form.values["went_well"] == "She always rang back the same day"
    again = open_handover("adult", eid)  # the assessor starts it again from the record
    assert again.current() is again.consent_page  # consent is asked again
    assert again.texts["went_well"].toPlainText() == "She always rang back the same day"
    checked = [b.property("value") for g in again.buttons.values() for b in g.buttons()
               if b.isChecked()]
    assert checked.count("3") == len(w.fset.questions) and "yes" not in checked
    assert again.autosaver.clean  # showing kept answers is not a new answer


def test_odd_input_is_kept_exactly(qtbot: QtBot, ctx: AppContext,
                                   open_handover: Callable[..., HandoverWindow]) -> None:
    w = open_handover("easy-read")
    press(qtbot, w, Qt.Key.Key_Space)
    while w.current() not in w.texts.values() and focused(w) not in w.texts.values():
        press(qtbot, w, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    odd = "Très bien 👍🏽 — شكرا لك، كانت لطيفة — e\u0301 ok\n" * 3
    big = ("Long paste. " * 180_000)[: 2 * 1024 * 1024]
    boxes = list(w.texts.values())
    QApplication.clipboard().setText(big)
    boxes[0].setFocus()
    qtbot.keySequence(boxes[0], QKeySequence.StandardKey.Paste)
    press(qtbot, w, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    boxes[1].setPlainText(odd)
    assert boxes[0].toPlainText() == big
    qtbot.waitUntil(lambda: w.autosaver.clean, timeout=10_000)
    v = ctx.evidence.load(w.evidence_id).values
    assert v[w.fset.prompts[0].field] == big and v[w.fset.prompts[1].field] == odd


def test_switching_to_another_window_shows_the_pin_page_and_comes_back(
        qtbot: QtBot, open_handover: Callable[..., HandoverWindow]) -> None:
    w = open_handover("easy-read")
    press(qtbot, w, Qt.Key.Key_Space)
    other = QWidget()  # stands in for whatever Alt+Tab brought to the front
    other.setAccessibleName("Another program")
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: w.current() is w.lock_page, timeout=5_000)
    qtbot.waitActive(w, timeout=5_000)  # the feedback screen takes the front again
    assert w.locked and w.isVisible()


def test_the_set_up_dialog_wants_a_pin_typed_twice(qtbot: QtBot, ctx: AppContext) -> None:
    dialog = HandoverSetupDialog(ctx.handover.sets())
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.form.currentData() == "adult" and not dialog.age_band.isEnabled()
    qtbot.keyClicks(dialog.pin, "12")
    qtbot.keyClicks(dialog.pin_again, "12")
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert "at least 4" in dialog.message.text() and dialog.result() == 0
    dialog.form.setCurrentIndex(dialog.form.findData("easy-read"))
    dialog.respondent.setCurrentText("child or young person")
    assert dialog.form.currentData() == "easy-read"  # a deliberate choice is kept
    dialog.pin.setText("24680")
    dialog.pin_again.setText("24680")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert dialog.choice() == HandoverStart("easy-read", "child or young person", "", False)


@pytest.mark.parametrize("set_id", ["adult", "easy-read", "child"])
def test_every_control_has_an_accessible_name_and_type_follows_the_os_font(
        qtbot: QtBot, open_handover: Callable[..., HandoverWindow], set_id: str) -> None:
    w = open_handover(set_id)
    controls = [c for c in w.findChildren(QWidget)
                if isinstance(c, QLineEdit | QPlainTextEdit | QComboBox | QAbstractButton)]
    assert len(controls) > 15
    assert [type(c).__name__ for c in controls if not c.accessibleName()] == []
    base = QApplication.font().pointSizeF()
    heading, *body = [x for x in w.consent_page.findChildren(QLabel)]
    assert heading.font().pointSizeF() == pytest.approx(base * 2.3, abs=0.1)
    assert body[0].font().pointSizeF() == pytest.approx(base * 1.7, abs=0.1)
    assert w.yes_button.font().pointSizeF() == pytest.approx(base * 1.7, abs=0.1)
    answers = w.buttons["rating:listened"].buttons()
    line = QFontMetrics(QApplication.font()).height()
    assert min(b.minimumHeight() for b in answers) > 3 * line  # big enough for a finger
    assert all(not b.icon().isNull() for b in answers) == (set_id == "child")


class DiskFullOnce:
    """The real hand-over service, whose first write fails as a full disk would."""

    def __init__(self, real: object) -> None:
        self._real = real
        self.failures = 1

    def answer(self, evidence_id: str, fields: dict[str, str]) -> None:
        if self.failures:
            self.failures -= 1
            raise OSError("database or disk is full")
        self._real.answer(evidence_id, fields)  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self._real, name)


def test_a_full_disk_keeps_the_answer_says_so_gently_and_saves_on_retry(
        qtbot: QtBot, runner: DbRunner, ctx: AppContext) -> None:
    enrolment = ctx.list_rows(TODAY)[0].enrolment_id
    session = ctx.handover.start(enrolment, HandoverStart("adult", "carer"), today=TODAY)
    api = type("Api", (), {"handover": DiskFullOnce(ctx.handover)})()
    w = HandoverWindow(runner, api, session, PIN, delay_ms=50, hide_others=False)
    qtbot.addWidget(w)
    w.show()
    w.agree()
    qtbot.waitUntil(lambda: w.save_note.text() == STILL_SAVING, timeout=5_000)
    assert "disk" not in w.save_note.text()
    qtbot.waitUntil(lambda: w.autosaver.clean, timeout=10_000)  # retried after two seconds
    assert ctx.evidence.load(w.evidence_id).values["consent"] == "consent"
    assert w.save_note.text() == ""
    w.drop()


def test_a_larger_os_font_makes_every_page_larger(
        qtbot: QtBot, open_handover: Callable[..., HandoverWindow]) -> None:
    before = QApplication.font()
    bigger = QFont(before)
    bigger.setPointSizeF(before.pointSizeF() * 1.5)  # the OS's "large text" setting
    QApplication.setFont(bigger)
    try:
        w = open_handover("adult")
        label = w.consent_page.findChildren(QLabel)[1]
        assert label.font().pointSizeF() == pytest.approx(bigger.pointSizeF() * 1.7, abs=0.1)
        assert w.next_button.minimumHeight() > 2 * QFontMetrics(bigger).height() * 1.7
    finally:
        QApplication.setFont(before)
