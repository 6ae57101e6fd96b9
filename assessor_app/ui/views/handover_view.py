"""Hand-over mode: the family answers on the assessor's laptop, full screen, one question a page.

Consent (or a child's assent) comes first; saying no keeps only a note. Every answer is
kept as it is given (the editors' ``Autosaver``, on the DB thread), so nothing typed is
lost if the window goes away. Leaving needs the assessor's PIN: Escape, Alt+F4, closing
the window or switching away all show the PIN page instead, and the app's other windows
stay hidden until it is given. Type sizes are multiples of the OS font, never pixels.
"""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QFont, QFontMetrics, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QButtonGroup,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from assessor_app.ui.tasks import DbRunner, on_worker
from assessor_app.ui.views import handover_pages as parts
from assessor_app.ui.views.handover_lock import AppGuard, PinCheck
from assessor_app.ui.widgets.autosave import Autosaver

WAIT_MS = 30_000  # the pause after too many wrong PINs
STILL_SAVING = "Still saving your answers. Please carry on."


class HandoverWindow(QWidget):
    unlocked = Signal(str)  # evidence id: the assessor is back
    answered = Signal()  # an answer has been written to the store
    failed = Signal(str)

    def __init__(self, runner: DbRunner, api: Any, session: Any, pin: str,
                 parent: QWidget | None = None, *, delay_ms: int | None = None,
                 hide_others: bool = True) -> None:
        super().__init__(parent, Qt.WindowType.Window | Qt.WindowType.WindowStaysOnTopHint)
        self.setObjectName("handover")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._runner, self._api, self.session = runner, api, session
        self.evidence_id: str = session.evidence_id
        self.fset = session.feedback_set
        self._pin = PinCheck(pin)
        self.finished_feedback = False  # thanked or declined: no way back to the questions
        self.declined = False
        self._unlocked = False
        self._quiet = False  # restoring or declined: changes are not answers
        self.setWindowTitle("Feedback")
        self.setAccessibleName("Feedback form")
        save = on_worker(api, "handover", "answer")
        eid = self.evidence_id

        def save_answers(fields: dict[str, str]) -> None:  # runs on the DB thread
            save(eid, fields)

        kwargs = {} if delay_ms is None else {"delay_ms": delay_ms}
        self.autosaver = Autosaver(runner, save_answers, self, **kwargs)
        self.autosaver.saved.connect(lambda *_: self.answered.emit())
        self.autosaver.status_changed.connect(self._on_save_status)

        base = QApplication.font().pointSizeF()
        base = base if base > 0 else 10.0
        self.body_font = QFont(QApplication.font())
        self.body_font.setPointSizeF(base * parts.BODY)
        self.title_font = QFont(self.body_font)
        self.title_font.setPointSizeF(base * parts.TITLE)
        self.title_font.setBold(True)
        self.setFont(self.body_font)
        # A style sheet stops fonts reaching the children, so it carries the sizes itself.
        self.setStyleSheet(parts.style_sheet(base))
        self.line = QFontMetrics(self.body_font).height()

        self.stack = QStackedWidget(self)
        self.stack.setAccessibleName("Feedback pages")
        self.progress = parts.label(self, "", small=True, name="Progress")
        self.save_note = parts.label(self, "", small=True, name="Saving")
        self.back_button = parts.big_button(self, "← Back", "Back to the previous question",
                                            self.back, self.line, quiet=True)
        self.next_button = parts.big_button(self, "Next →", "Next question", self.next,
                                            self.line)
        # Explicit shortcuts, not mnemonics: no underlined letters to puzzle a family over.
        for keys, slot in (("Alt+N", self.next), ("Alt+B", self.back)):
            QShortcut(QKeySequence(keys), self, slot)
        self.buttons: dict[str, QButtonGroup] = {}
        self.texts: dict[str, QPlainTextEdit] = {}
        self._build_pages()

        footer = QHBoxLayout()
        footer.addWidget(self.back_button, 1)
        footer.addStretch(1)
        footer.addWidget(self.progress)
        footer.addStretch(1)
        footer.addWidget(self.next_button, 1)
        column = QWidget(self)
        column.setMaximumWidth(QFontMetrics(self.body_font).averageCharWidth() * 72)
        inner = QVBoxLayout(column)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self.stack, 1)
        inner.addWidget(self.save_note)
        inner.addLayout(footer)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(self.line, self.line, self.line, self.line)
        outer.addStretch(1)
        outer.addWidget(column, 30)
        outer.addStretch(1)
        self._restore(session.answers)
        self.go(self.consent_page)
        self.guard = AppGuard(self)
        self.guard.leave_requested.connect(self._way_out)
        self.guard.key_pressed.connect(self._key)
        self.guard.start(hide_others)

    # -- building -------------------------------------------------------------
    def _choices(self, key: str, options: list[tuple[str, str, str]], parent: QWidget,
                 about: str) -> QBoxLayout:
        row, group = parts.choice_row(parent, options, about, self.line,
                                      self.devicePixelRatioF())
        group.buttonToggled.connect(lambda b, on, k=key: on and self._chosen(k, b))
        self.buttons[key] = group
        return row

    def _unlock_button(self, page: QWidget) -> QPushButton:
        return parts.big_button(page, "For the assessor: unlock", "For the assessor: unlock",
                                self.ask_pin, self.line, quiet=True)

    def _build_pages(self) -> None:
        f, stack = self.fset, self.stack
        self.consent_page, lay = parts.page(stack, "Before we start", f.welcome, f.consent_text)
        lay.addSpacing(self.line)
        lay.addWidget(parts.label(self.consent_page, f.consent_question, heading=True))
        row = QHBoxLayout()
        self.yes_button = parts.big_button(self.consent_page, f.consent_yes, f.consent_yes,
                                           self.agree, self.line)
        self.no_button = parts.big_button(self.consent_page, f.consent_no, f.consent_no,
                                          self.decline, self.line)
        row.addWidget(self.yes_button, 1)
        row.addWidget(self.no_button, 1)
        lay.addLayout(row)
        lay.addStretch(1)
        self.declined_page, lay = parts.page(stack, "Thank you", *_lead(f.declined_text,
                                                                         f.hand_back))
        lay.addStretch(1)
        self.declined_unlock = self._unlock_button(self.declined_page)
        lay.addWidget(self.declined_unlock)
        self.anonymity_page, lay = parts.page(stack, "Your name", "Your name", f.anonymity_text)
        lay.addSpacing(self.line)
        lay.addLayout(self._choices("anonymous", [("yes", f.anonymous_yes, ""),
                                                  ("no", f.anonymous_no, "")],
                                    self.anonymity_page, f.anonymity_text))
        lay.addStretch(1)
        self.steps: list[QWidget] = []
        options = [(str(o.value), o.label, o.face) for o in f.scale]
        for q in f.questions:
            page, lay = parts.page(stack, q.text, q.text)
            lay.addSpacing(self.line)
            lay.addLayout(self._choices(f"rating:{q.id}", options, page, q.text))
            lay.addWidget(parts.label(page, "You can skip this question if you want to.",
                                      small=True))
            lay.addStretch(1)
            self.steps.append(page)
        for p in f.prompts:
            page, lay = parts.page(stack, p.text, p.text)
            if p.hint:
                lay.addWidget(parts.label(page, p.hint, small=True))
            box = QPlainTextEdit(page)
            box.setTabChangesFocus(True)
            box.setAccessibleName(p.text)
            box.setAccessibleDescription(p.hint)
            box.textChanged.connect(lambda b=box, n=p.field: self._send(n, b.toPlainText()))
            lay.addWidget(box, 1)
            self.texts[p.field] = box
            self.steps.append(page)
        self.thanks_page, lay = parts.page(stack, "Thank you", *_lead(f.thank_you, f.hand_back))
        lay.addStretch(1)
        lay.addWidget(self._unlock_button(self.thanks_page))
        self._build_lock_page()
        self.sequence = [self.consent_page, self.anonymity_page, *self.steps, self.thanks_page]

    def _build_lock_page(self) -> None:
        self.lock_page, lay = parts.page(
            self.stack, "For the assessor", "For the assessor",
            "To go back to the rest of the app, the assessor types their PIN here.")
        self.pin_edit = QLineEdit(self.lock_page)
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit.setAccessibleName("Assessor's PIN")
        self.pin_edit.setMaxLength(32)
        self.pin_edit.returnPressed.connect(self.try_unlock)
        self.lock_message = parts.label(self.lock_page, "", name="PIN message")
        row = QHBoxLayout()
        row.addWidget(self.pin_edit, 2)
        self.unlock_button = parts.big_button(self.lock_page, "Unlock", "Unlock with the PIN",
                                              self.try_unlock, self.line)
        row.addWidget(self.unlock_button, 1)
        lay.addLayout(row)
        lay.addWidget(self.lock_message)
        lay.addStretch(1)
        self.resume_button = parts.big_button(self.lock_page, "Go back to the questions",
                                              "Go back to the questions", self.resume,
                                              self.line, quiet=True)
        lay.addWidget(self.resume_button)
        self._return_to: QWidget = self.consent_page

    def _restore(self, answers: dict[str, str]) -> None:
        """A hand-over started again after a crash: show what was kept (not sent again)."""
        self._quiet = True
        for key, group in self.buttons.items():
            for b in group.buttons():
                if answers.get(key) == b.property("value"):
                    b.setChecked(True)
        for name, box in self.texts.items():
            if answers.get(name):
                box.setPlainText(answers[name])
        self._quiet = False

    # -- moving between pages -------------------------------------------------
    def go(self, page: QWidget) -> None:
        self.autosaver.flush()  # each answer is kept before the next page shows
        self.stack.setCurrentWidget(page)
        in_steps = page in self.steps
        self.progress.setText(f"Question {self.steps.index(page) + 1} of {len(self.steps)}"
                              if in_steps else "")
        self.back_button.setVisible(page in self.sequence[2:-1])
        self.next_button.setVisible(page in self.sequence[1:-1])
        self.next_button.setText("Finish" if page is self.steps[-1] else "Next →")
        self.next_button.setAccessibleName("Finish" if page is self.steps[-1]
                                           else "Next question")
        target: QWidget | None = None
        for box in self.texts.values():
            if page.isAncestorOf(box):
                target = box
        if page is self.lock_page:
            target = self.pin_edit
        elif target is None and page is self.consent_page:
            target = self.yes_button
        elif target is None:
            checked = [b for g in self.buttons.values() for b in g.buttons()
                       if page.isAncestorOf(b)]
            target = next((b for b in checked if b.isChecked()), checked[0] if checked else None)
        if target is None:  # the thank-you page: its one button
            target = next(iter(page.findChildren(QPushButton)), None)
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def current(self) -> QWidget:
        return self.stack.currentWidget()

    def next(self) -> None:
        page = self.current()
        if page in self.sequence[:-1] and page is not self.consent_page:
            self.go(self.sequence[self.sequence.index(page) + 1])
            if self.current() is self.thanks_page:
                self.finished_feedback = True

    def back(self) -> None:
        page = self.current()
        if page in self.sequence[2:-1]:
            self.go(self.sequence[self.sequence.index(page) - 1])

    def agree(self) -> None:
        self.autosaver.changed("consent", self.fset.consent_kind)
        self.go(self.anonymity_page)

    def decline(self) -> None:
        self.finished_feedback = self.declined = True
        self._quiet = True  # nothing of theirs is kept from now on
        self.autosaver.timer.stop()
        self._runner.run_op(on_worker(self._api, "handover", "decline"), self.evidence_id) \
            .on_success(lambda *_: self._alive() and self.answered.emit()) \
            .on_failure(self._failed)
        self.stack.setCurrentWidget(self.declined_page)
        self.back_button.hide()
        self.next_button.hide()
        self.progress.setText("")
        self.declined_unlock.setFocus(Qt.FocusReason.OtherFocusReason)

    def _chosen(self, key: str, button: Any) -> None:
        self._send(key, str(button.property("value")))

    def _send(self, key: str, value: str) -> None:
        if not self._quiet:
            self.autosaver.changed(key, value)

    # -- the PIN --------------------------------------------------------------
    def ask_pin(self) -> None:
        if self.current() is not self.lock_page:
            self._return_to = self.current()
        self.resume_button.setVisible(not self.finished_feedback)
        self.lock_message.setText("")
        self.pin_edit.clear()
        self.back_button.hide()
        self.next_button.hide()
        self.progress.setText("")
        self.autosaver.flush()
        self.stack.setCurrentWidget(self.lock_page)
        self.pin_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def resume(self) -> None:
        if self._return_to is self.declined_page or self.finished_feedback:
            return
        self.go(self._return_to)

    def try_unlock(self) -> None:
        if not self.pin_edit.isEnabled():
            return
        typed = self.pin_edit.text()
        self.pin_edit.clear()
        if self._pin.matches(typed):
            self.unlock()
            return
        if self._pin.too_many:
            self.lock_message.setText("That PIN is not right. Please wait a little, then "
                                      "give the laptop back to the assessor.")
            self.pin_edit.setEnabled(False)
            self.unlock_button.setEnabled(False)
            QTimer.singleShot(WAIT_MS, self._allow_again)
        else:
            self.lock_message.setText("Sorry, that PIN is not right. If you are not the "
                                      "assessor, please give the laptop back to them.")

    def _allow_again(self) -> None:
        if self._alive():
            self._pin.tries = 0
            self.pin_edit.setEnabled(True)
            self.unlock_button.setEnabled(True)
            self.lock_message.setText("")

    def unlock(self) -> None:
        """Back to the app; ``unlocked`` once the last answers are written (or failing and
        being retried by this window's autosaver, which lives on while hidden)."""
        if not self.declined:
            self.autosaver.flush()
        self._unlocked = True
        self._release()
        self.close()
        self._emit_when_saved()

    def _emit_when_saved(self) -> None:
        if not self._alive():
            return
        if self.declined or self.autosaver.clean or self.autosaver.status.startswith("Not saved"):
            self.unlocked.emit(self.evidence_id)
        else:
            QTimer.singleShot(20, self._emit_when_saved)

    def _release(self) -> None:
        self.guard.stop()

    @property
    def locked(self) -> bool:
        return not self._unlocked

    # -- keeping the app out of reach -----------------------------------------
    def _way_out(self) -> None:
        if self.locked and self.current() is not self.lock_page:
            self.ask_pin()

    def _key(self, event: QKeyEvent) -> None:
        if self.locked and self._digit_choice(event):
            self.guard.swallowed = True

    def _digit_choice(self, event: QKeyEvent) -> bool:
        """On a question page, 1, 2, 3… choose the first, second, third answer."""
        page = self.current()
        if page not in self.steps or page.findChild(QPlainTextEdit) is not None:
            return False
        if not Qt.Key.Key_1 <= event.key() <= Qt.Key.Key_9 or event.modifiers():
            return False
        buttons = [b for g in self.buttons.values() for b in g.buttons()
                   if page.isAncestorOf(b)]
        n = event.key() - Qt.Key.Key_1
        if n < len(buttons):
            buttons[n].setChecked(True)
            buttons[n].setFocus()
            return True
        return False

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange and self.locked and \
                not self.isActiveWindow() and self.isVisible():
            if self.current() is not self.lock_page:
                self.ask_pin()  # someone switched away: coming back needs the assessor
            QTimer.singleShot(0, self._come_back)

    def _come_back(self) -> None:
        if self._alive() and self.locked and self.isVisible():
            self.raise_()
            self.activateWindow()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.locked:
            event.ignore()
            self.ask_pin()
            return
        super().closeEvent(event)

    def drop(self) -> None:
        """Let the window go without the PIN (tests: a crash that skips every close step)."""
        self._unlocked = True
        self._release()

    def _alive(self) -> bool:
        return _valid(self)

    def _on_save_status(self, text: str) -> None:
        # A family needs no disk errors: their words stay on screen and saving is retried;
        # the assessor sees the details in the editor afterwards.
        slow = not text.startswith(("Saved", "Saving"))
        self.save_note.setText(STILL_SAVING if slow else "")

    def _failed(self, exc: BaseException) -> None:
        if self._alive():
            self.save_note.setText(STILL_SAVING)
            self.failed.emit(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)


def _lead(text: str, then: str) -> tuple[str, str]:
    """The first paragraph as the heading; the rest, then ``then``, as the text under it."""
    first, _, rest = text.strip().partition("\n\n")
    return first, "\n\n".join(x for x in (rest.strip(), then) if x)


def _valid(obj: QObject) -> bool:
    return shiboken6.isValid(obj)
