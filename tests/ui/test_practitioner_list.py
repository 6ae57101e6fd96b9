"""The practitioner list: populates, sorts, filters, badges, Enter opens."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from assessor_app.ui.models.practitioner_list_model import Column, next_due_text
from assessor_app.ui.views.practitioner_list import OPENING_TEXT, PractitionerListView
from tests.ui.factories import PEOPLE, TODAY, make_row


def _view(qtbot: QtBot) -> PractitionerListView:
    view = PractitionerListView()
    qtbot.addWidget(view)
    view.resize(1280, 600)
    view.show()
    qtbot.waitExposed(view)
    view.set_rows([make_row(p) for p in PEOPLE], TODAY)
    return view


def _column(view: PractitionerListView, col: Column) -> list[str]:
    return [view.proxy.index(r, col).data() for r in range(view.proxy.rowCount())]


def test_shows_opening_placeholder_before_rows(qtbot: QtBot) -> None:
    view = PractitionerListView()
    qtbot.addWidget(view)
    assert view.stack.currentWidget() is view.placeholder
    assert view.placeholder.text() == OPENING_TEXT


def test_populates_and_sorts_by_next_due_then_by_any_column(qtbot: QtBot) -> None:
    view = _view(qtbot)
    assert view.proxy.rowCount() == len(PEOPLE)
    assert view.stack.currentWidget() is view.table
    # Default: soonest next due first; paused and completed (no date) last.
    rows = [view.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 2) for r in range(len(PEOPLE))]
    dated = [r.next_due.due for r in rows if r.next_due and r.status.value in ("active", "extended")]
    assert dated == sorted(dated) and len(dated) >= 5
    assert {rows[-1].status.value, rows[-2].status.value} == {"paused", "completed"}

    view.table.sortByColumn(Column.NAME, Qt.SortOrder.AscendingOrder)
    names = _column(view, Column.NAME)
    assert names == sorted(names, key=str.casefold)
    view.table.sortByColumn(Column.NAME, Qt.SortOrder.DescendingOrder)
    assert _column(view, Column.NAME) == sorted(names, key=str.casefold, reverse=True)

    view.table.sortByColumn(Column.OVERDUE, Qt.SortOrder.DescendingOrder)
    top = _column(view, Column.OVERDUE)[:2]
    assert top == ["1 overdue", "1 overdue"]


def test_header_click_sorts(qtbot: QtBot) -> None:
    view = _view(qtbot)
    header = view.table.horizontalHeader()
    x = header.sectionViewportPosition(Column.ASSESSOR) + 10
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assessors = _column(view, Column.ASSESSOR)
    assert header.sortIndicatorSection() == Column.ASSESSOR
    assert assessors in (sorted(assessors), sorted(assessors, reverse=True))
    assert assessors[0] != assessors[-1]


def test_filter_box_matches_any_column_and_says_when_nothing_matches(qtbot: QtBot) -> None:
    view = _view(qtbot)
    qtbot.keyClicks(view.filter_edit, "kelly")
    assert view.visible_names() == ["Siobhan Kelly"]
    view.filter_edit.clear()
    qtbot.keyClicks(view.filter_edit, "okonkwo")  # assessor column
    assert sorted(view.visible_names()) == ["Jack Nowak", "Siobhan Kelly"]
    view.filter_edit.clear()
    qtbot.keyClicks(view.filter_edit, "zzz")
    assert view.proxy.rowCount() == 0
    assert view.stack.currentWidget() is view.placeholder
    assert "zzz" in view.placeholder.text()
    view.filter_edit.clear()
    assert view.proxy.rowCount() == len(PEOPLE)


def test_enter_and_double_click_open_the_selected_practitioner(qtbot: QtBot) -> None:
    view = _view(qtbot)
    view.table.sortByColumn(Column.NAME, Qt.SortOrder.AscendingOrder)
    view.table.setFocus()
    view.table.selectRow(0)
    first = view.current_enrolment_id()
    with qtbot.waitSignal(view.open_requested, timeout=2000) as blocker:
        qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert blocker.args == [first]
    rect = view.table.visualRect(view.proxy.index(2, Column.NAME))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(view.open_requested, timeout=2000) as blocker:
        qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [view.proxy.index(2, Column.NAME).data(Qt.ItemDataRole.UserRole + 2).enrolment_id]


def test_enter_in_filter_box_opens_the_first_match(qtbot: QtBot) -> None:
    view = _view(qtbot)
    qtbot.keyClicks(view.filter_edit, "nowak")
    with qtbot.waitSignal(view.open_requested, timeout=2000) as blocker:
        qtbot.keyClick(view.filter_edit, Qt.Key.Key_Return)
    assert blocker.args == ["e6"]


def test_overdue_badge_is_a_red_pill_and_status_shows_as_text(qtbot: QtBot) -> None:
    view = _view(qtbot)
    view.table.clearSelection()
    view.table.setCurrentIndex(view.proxy.index(-1, -1))
    overdue = _column(view, Column.OVERDUE)
    stage = _column(view, Column.STAGE)
    assert "Paused" in overdue and "Completed" in overdue
    assert any(s.endswith("(paused)") for s in stage)
    row = overdue.index("1 overdue")
    image = view.table.viewport().grab(
        view.table.visualRect(view.proxy.index(row, Column.OVERDUE))).toImage()
    reds = sum(1 for x in range(image.width()) for y in range(image.height())
               if _is_badge_red(image.pixelColor(x, y)))
    assert reds > 40, "the delegate should paint a red pill"
    # A row with no overdue items has no pill.
    clear_row = overdue.index("")
    image = view.table.viewport().grab(
        view.table.visualRect(view.proxy.index(clear_row, Column.OVERDUE))).toImage()
    assert not any(_is_badge_red(image.pixelColor(x, y))
                   for x in range(image.width()) for y in range(image.height()))


def _is_badge_red(c: QColor) -> bool:
    return c.red() > 170 and c.green() < 80 and c.blue() < 80


def test_next_due_text_has_date_then_title() -> None:
    row = make_row(PEOPLE[1])
    assert next_due_text(row) == "Mon 7 Dec · First observation (months 0–3)"


def test_coming_up_lists_overdue_first(qtbot: QtBot) -> None:
    view = _view(qtbot)
    assert view.agenda.isVisible()
    lines = view.agenda.lines
    assert lines[0].startswith("Overdue: ") and lines[1].startswith("Overdue: ")
    assert not lines[2].startswith("Overdue")
    assert any("Callum Brightwater" in line for line in lines)
