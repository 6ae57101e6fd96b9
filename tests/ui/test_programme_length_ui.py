"""The programme's maximum length where an assessor looks: page panel, timeline, list, agenda."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtGui import QColor, QIcon
from pytestqt.qtbot import QtBot

from assessor_app.domain.dto import PractitionerPage, PractitionerRow
from assessor_app.domain.enums import LengthStatus
from assessor_app.domain.programme_length import check_length
from assessor_app.ui.models.practitioner_list_model import Column
from assessor_app.ui.views.practitioner_list import PractitionerListView
from assessor_app.ui.views.practitioner_page import PractitionerPageView, render_page
from assessor_app.ui.widgets.timeline_limit import limit_label_left
from tests.ui.factories import ASYE, PEOPLE, TODAY, make_page, make_row


def _person(key: str):  # type: ignore[no-untyped-def]
    return next(p for p in PEOPLE if p.key == key)


def capped_page(key: str, cap: int | None) -> PractitionerPage:
    """A factory page whose programme has ``cap`` as its maximum (checked by the domain)."""
    page = make_page(_person(key), n_evidence=20)
    programme = replace(ASYE, max_total_months=cap)
    check = check_length(programme, page.timeline)
    return replace(page, programme=programme, row=replace(page.row, length=check))


def capped_row(key: str, cap: int | None) -> PractitionerRow:
    return capped_page(key, cap).row


def _view(qtbot: QtBot, page: PractitionerPage) -> PractitionerPageView:
    view = PractitionerPageView()
    qtbot.addWidget(view)
    view.resize(1100, 740)
    view.show()
    qtbot.waitExposed(view)
    render_page(view, page)
    return view


def _reds(image, rect: QRectF) -> int:  # type: ignore[no-untyped-def]
    r = rect.toRect()
    return sum(1 for x in range(max(r.left(), 0), min(r.right(), image.width()))
               for y in range(max(r.top(), 0), min(r.bottom(), image.height()))
               if _is_red(image.pixelColor(QPoint(x, y))))


def _is_red(c: QColor) -> bool:
    return c.red() > 170 and c.green() < 90 and c.blue() < 90


# --- the page -----------------------------------------------------------------------------

def test_beyond_the_limit_says_so_in_red_with_the_dates(qtbot: QtBot) -> None:
    # Siobhan Kelly: started 6 Oct 2025, extended by 3 months: final review 6 Jan 2027.
    page = capped_page("e7", 14)
    assert page.row.length is not None and page.row.length.status is LengthStatus.BEYOND
    view = _view(qtbot, page)
    panel = view.length
    assert panel.status.text() == "✗ Beyond the 14-month limit by 1 month"
    assert panel.detail.text() == ("Final review due Wed 6 Jan 2027.\n"
                                   "Latest permitted end Sun 6 Dec 2026.")
    assert _is_red(panel.status.palette().color(panel.status.foregroundRole()))
    assert panel.status.font().bold()
    assert "including pauses, part-time hours and extensions" in panel.status.toolTip()
    assert panel.accessibleDescription().startswith("Beyond the 14-month limit by 1 month. ")
    assert "6 December 2026" in panel.accessibleDescription()
    # The timeline: a red dashed line where the limit falls, with a tooltip that says why.
    tips = dict((tip, rect) for rect, tip in view.timeline.hits())
    limit = next(t for t in tips if t.startswith("Beyond the 14-month limit"))
    assert "Latest permitted end Sun 6 Dec 2026" in limit
    assert _reds(view.timeline.grab().toImage(), tips[limit]) > 20
    assert ("Beyond the 14-month limit by 1 month. Latest permitted end 6 December 2026"
            in view.timeline.accessibleDescription())


def test_close_to_the_limit_stretches_the_axis_to_show_it(qtbot: QtBot) -> None:
    # Callum Brightwater: from 7 Sep 2026, final review 7 Sep 2027, moderation 7 Oct 2027.
    page = capped_page("e2", 14)
    check = page.row.length
    assert check is not None and check.status is LengthStatus.APPROACHING
    assert check.latest_end - max(i.due for i in page.timeline.items) > timedelta(days=30)
    view = _view(qtbot, page)
    assert view.length.status.text() == "! Close to the 14-month limit: 2 months to spare"
    assert not _is_red(view.length.status.palette().color(view.length.status.foregroundRole()))
    rect = next(r for r, tip in view.timeline.hits() if tip.startswith("Close to the 14-month"))
    assert view.timeline.rect().contains(rect.center().toPoint())
    assert _reds(view.timeline.grab().toImage(), rect) == 0  # not red: only beyond is


def test_within_the_limit_far_off_draws_no_line_and_says_within(qtbot: QtBot) -> None:
    view = _view(qtbot, capped_page("e1", 24))
    assert view.length.status.text() == "✓ Within the 24-month limit"
    assert not view.length.status.font().bold()
    assert not any("limit" in tip for _, tip in view.timeline.hits())
    assert "Within the 24-month limit" in view.timeline.accessibleDescription()


def test_a_programme_without_a_maximum_says_so(qtbot: QtBot) -> None:
    view = _view(qtbot, capped_page("e1", None))
    assert view.length.status.text() == ("12 months at full time. "
                                         "This programme sets no maximum length.")
    assert view.length.detail.isHidden()
    assert "limit" not in view.timeline.accessibleDescription()


def test_the_limit_label_keeps_clear_of_today() -> None:
    assert limit_label_left(500, 30, 90, 1000, None) == 466  # left of the line
    assert limit_label_left(500, 30, 90, 1000, (400, 440)) == 466  # "Today" is well clear
    assert limit_label_left(500, 30, 90, 1000, (440, 480)) == 504  # "Today" on the left
    assert limit_label_left(500, 30, 90, 1000, (470, 510)) == 516  # on the line: past it
    assert limit_label_left(100, 30, 90, 1000, None) == 104  # no room on the left
    assert limit_label_left(985, 30, 90, 990, (940, 980)) is None  # no room anywhere


# --- the list -------------------------------------------------------------------------------

def test_the_list_cues_beyond_and_close_to_the_limit_in_words(qtbot: QtBot) -> None:
    rows = [capped_row("e7", 14), capped_row("e3", 16), capped_row("e1", 24),
            capped_row("e5", 12)]  # e5 completed: no cue once the programme is over
    done = rows[3]
    assert done.length is not None and done.length.status is not LengthStatus.WITHIN
    view = PractitionerListView()
    qtbot.addWidget(view)
    view.resize(1280, 600)
    view.show()
    view.set_rows(rows, TODAY)
    by_name = {view.proxy.index(r, Column.NAME).data(): r for r in range(view.proxy.rowCount())}

    def role(key: str, r: Qt.ItemDataRole) -> object:
        name = _person(key).name
        return view.proxy.index(by_name[name], Column.NAME).data(r)

    beyond = role("e7", Qt.ItemDataRole.DecorationRole)
    near = role("e3", Qt.ItemDataRole.DecorationRole)
    assert isinstance(beyond, QIcon) and isinstance(near, QIcon)
    assert not beyond.isNull() and beyond.cacheKey() != near.cacheKey()
    assert role("e1", Qt.ItemDataRole.DecorationRole) is None
    assert role("e5", Qt.ItemDataRole.DecorationRole) is None
    assert role("e7", Qt.ItemDataRole.AccessibleTextRole) == (
        "Siobhan Kelly. Beyond the 14-month limit by 1 month")
    assert role("e1", Qt.ItemDataRole.AccessibleTextRole) == _person("e1").name
    assert role("e7", Qt.ItemDataRole.DisplayRole) == "Siobhan Kelly"  # filter and sort unchanged
    tip = str(role("e7", Qt.ItemDataRole.ToolTipRole))
    assert "Beyond the 14-month limit by 1 month\nFinal review due Wed 6 Jan 2027" in tip
    # The red hourglass is drawn beside the name.
    rect = view.table.visualRect(view.proxy.index(by_name["Siobhan Kelly"], Column.NAME))
    image = view.table.viewport().grab(rect).toImage()
    assert _reds(image, QRectF(0, 0, 30, image.height())) > 15
    # "Coming up" says it in words, between overdue items and what is due soon.
    lines = view.agenda.lines
    limits = [line for line in lines if line.startswith("Time limit: ")]
    assert limits == [
        "Time limit: Niamh Castellanos: close to the 16-month limit: 1 month to spare "
        "(latest permitted end Thu 1 Apr 2027)",
        "Time limit: Siobhan Kelly: beyond the 14-month limit by 1 month "
        "(latest permitted end Sun 6 Dec 2026)"]
    first_limit = lines.index(limits[0])
    assert all(line.startswith("Overdue") for line in lines[:first_limit])
    assert not any(line.startswith("Overdue") for line in lines[first_limit:])


def test_rows_without_a_check_show_no_cue(qtbot: QtBot) -> None:
    view = PractitionerListView()
    qtbot.addWidget(view)
    view.set_rows([make_row(p) for p in PEOPLE], TODAY)
    for r in range(view.proxy.rowCount()):
        assert view.proxy.index(r, Column.NAME).data(Qt.ItemDataRole.DecorationRole) is None
    assert not any(line.startswith("Time limit") for line in view.agenda.lines)
