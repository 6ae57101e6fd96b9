"""The programme's maximum length in the interface's words and dates.

Shared by the page's summary panel, the timeline's limit marker and the list's cue, so
all three say the same thing. The status is always in words, never colour alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assessor_app.domain.enums import LengthStatus
from assessor_app.ui.dates import long_date, spoken_date

if TYPE_CHECKING:  # the DTO modules load with the store, after the first paint
    from assessor_app.domain.programme_length import LengthCheck

INCLUDES = "including pauses, part-time hours and extensions"
SYMBOLS = {LengthStatus.WITHIN: "✓", LengthStatus.APPROACHING: "!", LengthStatus.BEYOND: "✗"}


def needs_attention(check: LengthCheck | None) -> bool:
    """True when the end is close to, on or beyond the limit (the list shows a cue)."""
    return check is not None and check.status is not LengthStatus.WITHIN


def status_line(check: LengthCheck) -> str:
    """"✗ Beyond the 24-month limit by 1 month and 5 days"."""
    return f"{SYMBOLS[check.status]} {check.phrase()}"


def end_words(check: LengthCheck, *, spoken: bool = False) -> str:
    """"Final review due Mon 12 Apr 2027" or "Completed Mon 12 Apr 2027"."""
    when = spoken_date(check.end) if spoken else long_date(check.end)
    return f"Completed {when}" if check.ended else f"Final review due {when}"


def limit_words(check: LengthCheck, *, spoken: bool = False, why: bool = True) -> str:
    """"Latest permitted end Mon 3 Mar 2028 (24 months from the start, including ...)"."""
    when = spoken_date(check.latest_end) if spoken else long_date(check.latest_end)
    reason = f" ({check.max_months} months from the start, {INCLUDES})" if why else ""
    return f"Latest permitted end {when}{reason}"


def paused_words(check: LengthCheck) -> str:
    return "Still paused: the end moves later each day the pause lasts." \
        if check.still_paused else ""


def detail_text(check: LengthCheck, *, spoken: bool = False, why: bool = True,
                sep: str = " ") -> str:
    """The dates behind the status, as sentences (``why``: say what the limit counts)."""
    parts = [f"{end_words(check, spoken=spoken)}.",
             f"{limit_words(check, spoken=spoken, why=why)}."]
    if paused := paused_words(check):
        parts.append(paused)
    return sep.join(parts)


def tooltip(check: LengthCheck) -> str:
    """Several lines: the status, then the dates (the list's cue and the timeline's marker)."""
    lines = [check.phrase(), end_words(check), limit_words(check)]
    if paused := paused_words(check):
        lines.append(paused)
    return "\n".join(lines)


def no_check_text(months: int, max_months: int | None) -> str:
    """What the page says when there is nothing to check."""
    if max_months is None:
        return f"{months} months at full time. This programme sets no maximum length."
    return (f"{months} months at full time, at most {max_months} months in all. "
            "Not checked: the practitioner has left the programme.")
