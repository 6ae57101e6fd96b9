"""The programme's length and maximum in the reports, so the moderation panel sees an overrun."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from assessor_app.domain.enums import EnrolmentStatus, LengthStatus
from assessor_app.domain.report_data import ReportData
from assessor_app.paths import resources_dir
from assessor_app.reports import render
from assessor_app.services.catalogue import CatalogueService
from assessor_app.services.practitioners import PractitionerService
from tests.reports.conftest import TODAY, DemoStore, pdf_text

FONTS = resources_dir() / "fonts"
LENGTH = ("Programme length 12 months at full time; at most 24 months from the start, "
          "including pauses, part-time hours and extensions")


@pytest.fixture(scope="module")
def extended(demo: DemoStore) -> str:
    """The demo's extended practitioner: a long illness and an extension, past the maximum."""
    rows = PractitionerService(demo.database,
                               CatalogueService(demo.database, resources_dir()).catalogue
                               ).list_rows(TODAY)
    return next(r.enrolment_id for r in rows if r.status is EnrolmentStatus.EXTENDED)


def _flat(data: ReportData, tmp: Path) -> str:
    return " ".join(pdf_text(render(data, FONTS).pdf, tmp).split())


def test_final_report_states_the_overrun_for_the_panel(demo: DemoStore, extended: str,
                                                       tmp_path: Path) -> None:
    data = demo.service.build("final", extended, today=TODAY)
    check = data.length_check()
    assert check is not None and check.status is LengthStatus.BEYOND
    assert check.over_text == "27 days"
    flat = _flat(data, tmp_path)
    assert "Maximum length Beyond the 24-month limit by 27 days" in flat  # the summary, page 1
    assert ("Beyond the programme's maximum length: the programme is due to end on 6 April "
            "2027, 27 days after the latest permitted end (10 March 2027).") in flat
    assert LENGTH in flat
    assert "Latest permitted end 10 March 2027" in flat
    assert ("Against the maximum Beyond the 24-month limit by 27 days "
            "(final review due 6 April 2027)") in flat


def test_the_anonymised_moderation_copy_keeps_it(demo: DemoStore, extended: str,
                                                 tmp_path: Path) -> None:
    data = demo.service.build("moderation", extended, today=TODAY)
    assert data.meta.anonymised
    flat = _flat(data, tmp_path)
    assert "Beyond the programme's maximum length" in flat
    assert "Maximum length Beyond the 24-month limit by 27 days" in flat


def test_review_report_states_length_and_overrun(demo: DemoStore, extended: str,
                                                 tmp_path: Path) -> None:
    flat = _flat(demo.service.build("review", extended, today=TODAY), tmp_path)
    assert LENGTH in flat
    assert "Maximum length Beyond the 24-month limit by 27 days" in flat
    assert "Beyond the programme's maximum length: the programme is due to end on" in flat


def test_a_completed_portfolio_within_the_limit_has_no_notice(demo: DemoStore,
                                                              tmp_path: Path) -> None:
    data = demo.service.build("final", demo.completed, today=TODAY)
    check = data.length_check()
    assert check is not None and check.ended and check.status is LengthStatus.WITHIN
    assert data.dates.completed_on is not None and check.end == data.dates.completed_on
    flat = _flat(data, tmp_path)
    assert "Maximum length Within the 24-month limit" in flat
    assert "(completed " in flat
    assert "Beyond the programme's maximum length" not in flat


def test_a_programme_without_a_maximum_says_so(demo: DemoStore, tmp_path: Path) -> None:
    data = demo.service.build("final", demo.mid_year, today=TODAY)
    data = dataclasses.replace(data, programme=dataclasses.replace(data.programme,
                                                                    max_total_months=None))
    assert data.length_check() is None
    flat = _flat(data, tmp_path)
    assert "Programme length 12 months at full time; no maximum set" in flat
    assert "Maximum length" not in flat and "Latest permitted end" not in flat
