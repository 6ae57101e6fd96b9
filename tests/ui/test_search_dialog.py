"""Ctrl+F search over a real demo store: grouped results, highlighted matches, Enter opens."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from assessor_app.app import AppContext, demo_paths, open_context
from assessor_app.ui.tasks import DbRunner
from assessor_app.ui.views.search_dialog import HTML_ROLE, TARGET_ROLE, SearchDialog, snippet_html
from tests.ui.test_real_store import TODAY


@pytest.fixture
def dialog(qtbot: QtBot, qapp: object, demo_folder: Path) -> Iterator[tuple[SearchDialog, AppContext]]:
    ctx = open_context(demo_paths(demo_folder), create=False)
    runner = DbRunner()
    d = SearchDialog(runner, ctx)
    qtbot.addWidget(d)
    d.show()
    yield d, ctx
    runner.shutdown()
    ctx.close()


def _search(qtbot: QtBot, d: SearchDialog, text: str) -> None:
    d.query_edit.clear()
    qtbot.keyClicks(d.query_edit, text)
    # Wait for this query's own answer, not a status left by the one before.
    qtbot.waitUntil(lambda: f"“{text}”" in d.status.text() or "could not" in d.status.text(),
                    timeout=5000)


def test_results_are_grouped_and_match_the_service(qtbot: QtBot, dialog) -> None:  # type: ignore[no-untyped-def]
    d, ctx = dialog
    _search(qtbot, d, "supervision")
    groups = ctx.search.search("supervision", 50)
    assert d.results.topLevelItemCount() == len(groups) > 1
    for i, group in enumerate(groups):
        top = d.results.topLevelItem(i)
        assert top.text(0).startswith(group.practitioner_name)
        assert top.childCount() == len(group.hits)
        first = top.child(0)
        assert first.data(0, TARGET_ROLE) == (group.hits[0].enrolment_id, group.hits[0].evidence_id)
        html = first.data(0, HTML_ROLE)
        # the match is highlighted in the snippet, or it was in the title
        assert "<b>" in html or "supervision" in group.hits[0].title.lower()


def test_enter_opens_the_current_result(qtbot: QtBot, dialog) -> None:  # type: ignore[no-untyped-def]
    d, _ctx = dialog
    _search(qtbot, d, "supervision")
    expected = d.results.currentItem().data(0, TARGET_ROLE)
    with qtbot.waitSignal(d.evidence_chosen, timeout=2000) as blocker:
        qtbot.keyClick(d.query_edit, "\r")
    assert tuple(blocker.args) == expected


def test_odd_input_and_nothing_found(qtbot: QtBot, dialog) -> None:  # type: ignore[no-untyped-def]
    d, _ = dialog
    for text in ('"unbalanced', "NEAR(", "-*", "zzqxjv"):
        _search(qtbot, d, text)
        assert "could not" not in d.status.text()
    assert d.status.text().startswith("Nothing found")
    assert d.results.topLevelItemCount() == 0


def test_snippet_html_escapes_the_text() -> None:
    assert snippet_html([("<b>&", False), ("plan", True)]) == "&lt;b&gt;&amp;<b>plan</b>"


def test_every_control_is_named(dialog) -> None:  # type: ignore[no-untyped-def]
    d, _ = dialog
    for w in (d, d.query_edit, d.status, d.results):
        assert w.accessibleName()


def test_ctrl_f_in_the_main_window_finds_and_opens_a_record(qtbot: QtBot, qapp: object,
                                                             demo_folder: Path) -> None:
    from assessor_app.ui.main_window import MainWindow

    ctx = open_context(demo_paths(demo_folder), create=False)
    runner = DbRunner()
    try:
        w = MainWindow(runner, today=lambda: TODAY, demo=True)
        qtbot.addWidget(w)
        w.show()
        qtbot.waitExposed(w)
        with qtbot.waitSignal(w.list_ready, timeout=10_000):
            w.set_api(ctx)
        w.search_action.trigger()
        d = w.search_dialog
        _search(qtbot, d, "supervision")
        enrolment_id, evidence_id = d.results.currentItem().data(0, TARGET_ROLE)
        with qtbot.waitSignal(w.page_ready, timeout=10_000):
            qtbot.keyClick(d.query_edit, "\r")
        qtbot.waitUntil(lambda: getattr(w, "evidence_dialog", None) is not None, timeout=5000)
        assert w.list_view.current_enrolment_id() == enrolment_id
        assert w.evidence_dialog.editor.evidence_id == evidence_id
        w.evidence_dialog.close()
    finally:
        runner.shutdown()
        ctx.close()
