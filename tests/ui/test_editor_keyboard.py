"""Keyboard and accessibility across every evidence editor, in the real main window.

Shortcuts: none bound twice (nor to a key text fields use); each new-evidence shortcut
opens its kind; Alt+PgDown / Alt+PgUp step through the page's list; Ctrl+Return saves and
closes. Tab order follows the layout top to bottom. Every focusable control has a name.
"""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QApplication, QTreeWidget, QWidget
from pytestqt.qtbot import QtBot

from assessor_app.app import AppContext
from assessor_app.domain.enums import EvidenceKind
from assessor_app.ui.main_window import MainWindow
from assessor_app.ui.tasks import DbRunner
from assessor_app.ui.views.evidence_editor import EvidenceDialog
from tests.review_demo import TODAY

KINDS = [k.value for k in EvidenceKind]


def text_field_keys() -> set[str]:
    """Keys a text field handles itself: no window shortcut may take them (needs the app)."""
    keys = {"Tab", "Backtab", "Return", "Esc", "Ctrl+Z", "Ctrl+Shift+Z", "Ctrl+Y"}
    for k in (QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo,
              QKeySequence.StandardKey.Copy, QKeySequence.StandardKey.Cut,
              QKeySequence.StandardKey.Paste, QKeySequence.StandardKey.SelectAll):
        keys |= {s.toString() for s in QKeySequence.keyBindings(k)}
    return keys


@pytest.fixture
def main(qtbot: QtBot, runner: DbRunner, ctx: AppContext) -> MainWindow:
    w = MainWindow(runner, today=lambda: TODAY, demo=True)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    with qtbot.waitSignal(w.list_ready, timeout=10_000):
        w.set_api(ctx)
    enrolment = ctx.list_rows(TODAY)[0].enrolment_id
    with qtbot.waitSignal(w.page_ready, timeout=10_000):
        w.open_practitioner(enrolment)
    return w


def _open_new(qtbot: QtBot, w: MainWindow, kind: str) -> EvidenceDialog:
    before = w.evidence_dialog
    w.new_evidence_actions[kind].trigger()
    qtbot.waitUntil(lambda: w.evidence_dialog is not before, timeout=10_000)
    dialog = w.evidence_dialog
    assert isinstance(dialog, EvidenceDialog)
    qtbot.waitUntil(lambda: bool(dialog.editor.inputs) and dialog.editor.links_loaded,
                    timeout=10_000)
    qtbot.waitExposed(dialog)
    return dialog


def _keys(owner: QWidget) -> list[str]:
    out = []
    for act in owner.findChildren(QAction):
        out += [s.toString() for s in act.shortcuts() if not s.isEmpty()]
    for sc in owner.findChildren(QShortcut):
        parent = sc.parent()
        if sc.context() == Qt.ShortcutContext.WidgetShortcut:
            continue  # acts in its one widget only
        if isinstance(parent, QWidget) and not parent.isVisible():
            continue  # like Qt: a hidden tab's shortcut is not live
        out.append(sc.key().toString())
    return out


def test_no_shortcut_is_bound_twice_or_to_a_text_field_key(qtbot: QtBot, main: MainWindow) -> None:
    dialogs = [_open_new(qtbot, main, kind) for kind in ("observation", "feedback_lived")]
    window_keys = _keys(main)  # the dialogs are its children: their keys are in here too
    per_dialog = [_keys(d) for d in dialogs]
    main_only = Counter(window_keys) - sum((Counter(k) for k in per_dialog), Counter())
    for keys in per_dialog:  # within one editor window, and against the main window's
        assert [k for k, n in Counter(keys).items() if n > 1] == []
        # Ctrl+S saves in the page's review editors and in this window alike: one meaning.
        assert set(keys) & set(main_only) - {"Ctrl+S"} == set()
        assert [k for k, n in main_only.items() if n > 1] == []
        assert set(keys) & text_field_keys() == set()
    assert set(window_keys) & text_field_keys() == set()
    shown = {main.new_evidence_actions[k].shortcut().toString() for k in KINDS}
    assert len(shown) == len(KINDS) and "" not in shown  # every kind has its own key
    for d in dialogs:
        assert "Ctrl+Return" in d.close_button.toolTip()
        d.accept()


@pytest.mark.parametrize("kind", KINDS)
def test_each_new_evidence_shortcut_opens_its_kind(qtbot: QtBot, main: MainWindow,
                                                   kind: str) -> None:
    main.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is main, timeout=5_000)
    before = main.evidence_dialog
    keys = main.new_evidence_actions[kind].shortcut()
    qtbot.keySequence(main, keys)
    qtbot.waitUntil(lambda: main.evidence_dialog is not before, timeout=10_000)
    dialog = main.evidence_dialog
    assert isinstance(dialog, EvidenceDialog)
    qtbot.waitUntil(lambda: dialog.editor.form is not None, timeout=10_000)
    assert dialog.editor.form is not None and dialog.editor.form.kind == kind
    dialog.accept()


def test_next_previous_record_and_save_and_close(qtbot: QtBot, main: MainWindow,
                                                 ctx: AppContext) -> None:
    ids = main.page_view.evidence.visible_ids()
    assert len(ids) > 3
    main.open_evidence(ids[1])
    first = main.evidence_dialog
    assert isinstance(first, EvidenceDialog)
    qtbot.waitUntil(lambda: bool(first.editor.inputs), timeout=10_000)
    qtbot.waitExposed(first)
    qtbot.keySequence(first, QKeySequence("Alt+PgDown"))
    qtbot.waitUntil(lambda: main.evidence_dialog is not first, timeout=10_000)
    second = main.evidence_dialog
    assert isinstance(second, EvidenceDialog) and second.editor.evidence_id == ids[2]
    qtbot.waitUntil(lambda: bool(second.editor.inputs), timeout=10_000)
    qtbot.waitExposed(second)
    qtbot.keySequence(second, QKeySequence("Alt+PgUp"))
    qtbot.waitUntil(lambda: main.evidence_dialog is not second, timeout=10_000)
    third = main.evidence_dialog
    assert isinstance(third, EvidenceDialog) and third.editor.evidence_id == ids[1]
    qtbot.waitUntil(lambda: bool(third.editor.inputs), timeout=10_000)
    qtbot.waitExposed(third)
    if third.editor.form is not None and third.editor.form.status == "draft":
        title = third.editor.inputs["title"]
        title.setFocus()
        qtbot.keyClicks(title, " (checked)")
        expected = title.text()  # type: ignore[attr-defined]
    else:
        expected = ctx.evidence.load(ids[1]).values["title"]
    with qtbot.waitSignal(third.finished, timeout=5_000):
        qtbot.keySequence(third, QKeySequence("Ctrl+Return"))
    qtbot.waitUntil(lambda: ctx.evidence.load(ids[1]).values["title"] == expected,
                    timeout=10_000)


def _place(widget: QWidget, root: QWidget) -> tuple[int, int]:
    """Where ``widget`` sits in ``root``; a control inside a list counts as the list."""
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, QAbstractItemView):
            widget = parent
        parent = parent.parentWidget()
    p = widget.mapTo(root, QPoint(0, 0))
    return p.y(), p.x()


@pytest.mark.parametrize("kind", KINDS)
def test_tab_follows_the_layout_top_to_bottom_and_every_control_is_named(
        qtbot: QtBot, main: MainWindow, kind: str) -> None:
    dialog = _open_new(qtbot, main, kind)
    editor = dialog.editor
    unnamed = [f"{type(w).__name__} near {w.parentWidget().accessibleName()!r}"
               for w in dialog.findChildren(QWidget)
               if (w.focusPolicy() != Qt.FocusPolicy.NoFocus or isinstance(w, QAbstractItemView))
               and not w.accessibleName()]
    assert unnamed == []

    first = next(iter(editor.inputs.values()))
    first.setFocus()
    qtbot.waitUntil(lambda: first.hasFocus() or first.isAncestorOf(QApplication.focusWidget()),
                    timeout=2_000)
    seen: list[QWidget] = []
    for _ in range(400):
        now = QApplication.focusWidget()
        if now is dialog.close_button or now in seen:
            break
        seen.append(now)
        qtbot.keyClick(now, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.close_button, [w.accessibleName() for w in seen]
    in_form = [w for w in seen if editor.form_widget.isAncestorOf(w)]
    names = {w.accessibleName() for w in in_form}
    assert set(f.label for f in editor.form.fields) <= names  # type: ignore[union-attr]
    assert {"Filter standards statements", "Attach files"} <= names
    places = [_place(w, editor.form_widget) for w in in_form]
    backwards = [(in_form[i].accessibleName(), in_form[i + 1].accessibleName())
                 for i in range(len(places) - 1) if places[i + 1] < places[i]
                 and not isinstance(in_form[i].parentWidget(), QTreeWidget)]
    assert backwards == []
    dialog.accept()
