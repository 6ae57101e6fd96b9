"""Dates as the UI shows them, in British English whatever the process locale.

Qt calls ``setlocale`` at start-up, so ``strftime('%a')`` could come out in
another language; these fixed names keep the interface in British English.
"""

from __future__ import annotations

from datetime import date

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_NAMES_LONG = ("January", "February", "March", "April", "May", "June", "July",
                    "August", "September", "October", "November", "December")


def short_date(day: date) -> str:
    """'Mon 7 Dec': for due dates, which are nearly always within the year."""
    return f"{DAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]}"


def long_date(day: date) -> str:
    """'Mon 7 Dec 2026': tooltips and anywhere the year may be in doubt."""
    return f"{short_date(day)} {day.year}"


def day_month_year(day: date) -> str:
    """'7 Dec 2026': compact, for table columns that span years."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def spoken_date(day: date) -> str:
    """'7 December 2026': for screen readers, which mispronounce abbreviations."""
    return f"{day.day} {MONTH_NAMES_LONG[day.month - 1]} {day.year}"


def month_tick(day: date) -> str:
    """'Dec 26': axis labels on the timeline."""
    return f"{MONTH_NAMES[day.month - 1]} {day.year % 100:02d}"
