"""The programme's length and maximum in the reports, so the moderation panel sees an overrun.

The rules are the domain's (``domain.programme_length``); this module only words them
for the page, with the reports' long dates.
"""

from __future__ import annotations

from reportlab.platypus import Table

from assessor_app.domain.enums import LengthStatus
from assessor_app.domain.programme_length import LengthCheck
from assessor_app.domain.report_data import ReportData, long_date
from assessor_app.reports.blocks import note

INCLUDES = "including pauses, part-time hours and extensions"


def length_text(data: ReportData) -> str:
    """"12 months at full time; at most 24 months from the start, including ..."."""
    p = data.programme
    base = f"{p.months} months at full time"
    if p.max_total_months is None:
        return f"{base}; no maximum set"
    return f"{base}; at most {p.max_total_months} months from the start, {INCLUDES}"


def _end_words(check: LengthCheck) -> str:
    if check.ended:
        return f"completed {long_date(check.end)}"
    words = f"final review due {long_date(check.end)}"
    return words + (", later while the pause lasts" if check.still_paused else "")


def length_rows(data: ReportData) -> list[tuple[str, str]]:
    """Label/value rows for the identification table."""
    rows = [("Programme length", length_text(data))]
    check = data.length_check()
    if check is not None:
        rows += [("Latest permitted end", long_date(check.latest_end)),
                 ("Against the maximum", f"{check.phrase()} ({_end_words(check)})")]
    return rows


def length_summary(data: ReportData) -> tuple[str, str] | None:
    """One row for a report's summary table; None when the programme sets no maximum."""
    check = data.length_check()
    if check is None:
        return None
    return "Maximum length", check.phrase()


def length_note(data: ReportData) -> Table | None:
    """A shaded notice when the end falls beyond the maximum (None otherwise)."""
    check = data.length_check()
    if check is None or check.status is not LengthStatus.BEYOND:
        return None
    verb = "was completed" if check.ended else "is due to end"
    text = (f"Beyond the programme's maximum length: the programme {verb} on "
            f"{long_date(check.end)}, {check.over_text} after the latest permitted end "
            f"({long_date(check.latest_end)}). {data.programme.title} allows at most "
            f"{check.max_months} months from the start, {INCLUDES}.")
    if check.still_paused:
        text += " A pause is still open, so the end moves later each day it lasts."
    return note(text)
