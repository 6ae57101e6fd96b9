"""The practitioner page: header, evidence filters and sorting, heat map, minimums, timeline."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from assessor_app.domain.dto import PractitionerPage
from assessor_app.domain.enums import EvidenceKind, EvidenceStatus
from assessor_app.ui.models.evidence_model import ROW_ROLE, EvidenceColumn
from assessor_app.ui.views.practitioner_page import PractitionerPageView, render_page
from tests.ui.factories import PEOPLE, make_page


@pytest.fixture(scope="module")
def dto() -> PractitionerPage:
    return make_page(PEOPLE[0], n_evidence=500)


@pytest.fixture
def page(qtbot: QtBot, dto: PractitionerPage) -> PractitionerPageView:
    view = PractitionerPageView()
    qtbot.addWidget(view)
    view.resize(1020, 740)
    view.show()
    qtbot.waitExposed(view)
    pixmap = render_page(view, dto)
    assert not pixmap.isNull()
    return view


def _visible(view: PractitionerPageView) -> list:
    m = view.evidence.model
    return [m.index(r, 0).data(ROW_ROLE) for r in range(m.rowCount())]


def test_render_page_shows_all_500_items_and_the_header(page: PractitionerPageView,
                                                        dto: PractitionerPage) -> None:
    assert page.evidence.model.rowCount() == 500
    assert page.evidence.count_label.text() == "500 items"
    assert page.name_label.text() == dto.row.name
    details = page.details_label.accessibleDescription()
    for expected in (dto.registration_number, dto.team, dto.line_manager_name,
                     "FTE: 1.0 (full time)", "Status: Active", dto.programme.title):
        assert expected in details


def test_kind_stage_and_standard_filters_change_the_rows(page: PractitionerPageView,
                                                         dto: PractitionerPage) -> None:
    ev = page.evidence
    ev.set_kind_filter(EvidenceKind.OBSERVATION)
    expected = sum(1 for r in dto.evidence if r.kind is EvidenceKind.OBSERVATION)
    assert 0 < ev.model.rowCount() == expected < 500
    assert ev.count_label.text() == f"Showing {expected} of 500"

    ev.stage_combo.setCurrentIndex(ev.stage_combo.findData("stage-2"))
    expected = sum(1 for r in dto.evidence
                   if r.kind is EvidenceKind.OBSERVATION and r.stage_id == "stage-2")
    assert ev.model.rowCount() == expected
    assert all(r.stage_id == "stage-2" for r in _visible(page))

    ev.clear_filters()
    assert ev.model.rowCount() == 500
    ev.set_standard_filter(("pcf", "6"))
    expected = sum(1 for r in dto.evidence
                   if any((ln.framework_id, ln.statement_code) == ("pcf", "6") for ln in r.links))
    assert 0 < ev.model.rowCount() == expected < 500
    assert ev.standard_combo.currentText().startswith("PCF · 6 Critical reflection")


def test_standard_combo_lists_framework_and_code_with_titles(page: PractitionerPageView) -> None:
    texts = [page.evidence.standard_combo.itemText(i)
             for i in range(page.evidence.standard_combo.count())]
    assert "PQS (child and family) · 1 Relationships and effective direct work" in texts
    assert "SWE standards · 4 Maintain continuing professional development" in texts


@pytest.mark.parametrize("column", list(EvidenceColumn))
def test_every_column_sorts(page: PractitionerPageView, column: EvidenceColumn) -> None:
    table = page.evidence.table
    keys = {
        EvidenceColumn.DATE: lambda r: r.occurred_on,
        EvidenceColumn.KIND: lambda r: page.evidence.model._display(r, EvidenceColumn.KIND),
        EvidenceColumn.TITLE: lambda r: r.title.casefold(),
        EvidenceColumn.STAGE: lambda r: r.stage_id,  # programme order = stage ids here
        EvidenceColumn.STATUS: lambda r: list(EvidenceStatus).index(r.status),
        EvidenceColumn.STANDARDS: lambda r: len(r.links),
    }
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        table.sortByColumn(column, order)
        values = [keys[column](r) for r in _visible(page)]
        assert values == sorted(values, reverse=order == Qt.SortOrder.DescendingOrder)
        assert values[0] != values[-1]


def test_clicking_a_heat_map_cell_filters_and_clicking_again_clears(
        qtbot: QtBot, page: PractitionerPageView, dto: PractitionerPage) -> None:
    heat = page.heatmap
    key = ("pqs-cf", "3")
    page.side_scroll.ensureWidgetVisible(heat)
    qtbot.mouseClick(heat, Qt.MouseButton.LeftButton, pos=heat.cell_center(key).toPoint())
    expected = sum(1 for r in dto.evidence
                   if any((ln.framework_id, ln.statement_code) == key for ln in r.links))
    assert page.evidence.model.rowCount() == expected < 500
    assert page.evidence.current_standard() == key
    assert heat._selected == key
    qtbot.mouseClick(heat, Qt.MouseButton.LeftButton, pos=heat.cell_center(key).toPoint())
    assert page.evidence.model.rowCount() == 500
    assert heat._selected is None


def test_heat_map_works_from_the_keyboard(qtbot: QtBot, page: PractitionerPageView) -> None:
    heat = page.heatmap
    heat.setFocus()
    qtbot.keyClick(heat, Qt.Key.Key_Right)
    qtbot.keyClick(heat, Qt.Key.Key_Return)
    assert page.evidence.current_standard() == heat.cell_keys()[1]


def test_heat_map_cells_show_counts_for_every_statement(page: PractitionerPageView,
                                                        dto: PractitionerPage) -> None:
    keys = page.heatmap.cell_keys()
    assert len(keys) == sum(len(f.statements) for f in dto.frameworks) == 25
    assert "PQS (child and family): " in page.heatmap.accessibleDescription()


def test_sufficiency_rows_say_met_or_missing_in_words(page: PractitionerPageView) -> None:
    rows = page.sufficiency.rows_text
    assert rows[0].startswith("Direct observations of practice: ")
    assert all(("met" in r) or ("more needed" in r) for r in rows)


def test_sufficiency_shows_a_shortfall_and_drafts(qtbot: QtBot) -> None:
    view = PractitionerPageView()
    qtbot.addWidget(view)
    render_page(view, make_page(PEOPLE[1], n_evidence=6))
    texts = [w.text() for w in view.sufficiency.findChildren(type(view.name_label))]
    assert any(t.startswith("✗ ") and "more needed" in t for t in texts)
    assert any(" of 3" in t for t in texts)


def test_timeline_marks_overdue_and_describes_itself(qtbot: QtBot, page: PractitionerPageView,
                                                     dto: PractitionerPage) -> None:
    overdue = [d.title for d in dto.row.overdue]
    assert overdue == ["6-month review"]
    description = page.timeline.accessibleDescription()
    assert "Overdue: 6-month review" in description
    assert "Current stage: Development (months 6–12)" in description
    tips = [tip for _, tip in page.timeline.hits()]
    assert any(t.startswith("6-month review") and t.endswith("Overdue") for t in tips)
    assert any(t.startswith("3-month (foundational) review") and "Held on" in t for t in tips)


def test_timeline_markers_in_a_lane_do_not_overlap(page: PractitionerPageView) -> None:
    markers = [(rect, tip) for rect, tip in page.timeline.hits()
               if rect.width() <= 16 and rect.height() <= 16]
    assert len(markers) >= 8
    for i, (a, ta) in enumerate(markers):
        for b, tb in markers[i + 1:]:
            if abs(a.center().y() - b.center().y()) < 1:
                assert not a.intersects(b), (ta, tb)


def test_timeline_keyboard_steps_through_items(qtbot: QtBot, page: PractitionerPageView) -> None:
    page.timeline.setFocus()
    qtbot.keyClick(page.timeline, Qt.Key.Key_Right)
    first = page.timeline.focused_tooltip()
    qtbot.keyClick(page.timeline, Qt.Key.Key_Right)
    assert first and first.startswith("Learning agreement")
    assert page.timeline.focused_tooltip() != first


def test_timeline_draws_pauses_hatched(qtbot: QtBot) -> None:
    view = PractitionerPageView()
    qtbot.addWidget(view)
    view.resize(1020, 740)
    render_page(view, make_page(PEOPLE[5], n_evidence=10))  # paused 20 Jul – 17 Aug
    tips = [tip for _, tip in view.timeline.hits()]
    assert "Paused Mon 20 Jul 2026 to Mon 17 Aug 2026" in tips
    assert "Paused from 20 July 2026 to 17 August 2026." in view.timeline.accessibleDescription()
    # The hatch is drawn with the window text colour: dark pixels inside the pause block.
    rect = next(r for r, tip in view.timeline.hits() if tip.startswith("Paused"))
    image = view.timeline.grab().toImage()
    inside = rect.adjusted(2, 30, -2, -4).toRect()
    dark = sum(1 for x in range(inside.left(), inside.right())
               for y in range(inside.top(), inside.bottom())
               if image.pixelColor(QPoint(x, y)).lightness() < 160)
    assert dark > 20
