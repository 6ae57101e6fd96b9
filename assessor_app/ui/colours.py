"""Colours that carry meaning (overdue, coverage levels, stages), chosen to work in light
and dark palettes and for colour-blind users. Meaning is never colour alone: every use
also has text, a number or a shape.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

# ColorBrewer "Blues": a single-hue sequential scale, safe for all common colour blindness.
HEAT_FILLS = ("#c6dbef", "#6baed6", "#2171b5")  # levels 1, 2, 3+
HEAT_TEXT = ("#0b1f33", "#0b1f33", "#ffffff")

# Okabe–Ito qualitative colours, used translucently for stage bands.
STAGE_HUES = ("#56b4e9", "#e69f00", "#009e73", "#cc79a7", "#f0e442", "#0072b2")


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def overdue_red(palette: QPalette) -> QColor:
    """A red that reads on the window background (darker on light, lighter on dark)."""
    return QColor("#ff7070") if is_dark(palette) else QColor("#c62828")


def badge_red() -> QColor:
    """Pill background under white text: 5.6:1 contrast in either palette."""
    return QColor("#c62828")


def heat_fill(level: int, palette: QPalette) -> QColor:
    if level <= 0:
        return palette.color(QPalette.ColorRole.AlternateBase if is_dark(palette)
                             else QPalette.ColorRole.Base)
    return QColor(HEAT_FILLS[min(level, 3) - 1])


def heat_text(level: int, palette: QPalette) -> QColor:
    if level <= 0:
        return palette.color(QPalette.ColorRole.Text)
    return QColor(HEAT_TEXT[min(level, 3) - 1])


def stage_fill(index: int, palette: QPalette, *, current: bool) -> QColor:
    colour = QColor(STAGE_HUES[index % len(STAGE_HUES)])
    # Stage titles are drawn on the band: on dark, lighter hues need a thinner wash (4.5:1).
    colour.setAlpha((80 if current else 50) if is_dark(palette) else (110 if current else 60))
    return colour


def muted_text(palette: QPalette) -> QColor:
    return palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.PlaceholderText)
