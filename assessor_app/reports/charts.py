"""Vector charts drawn with reportlab graphics: standards coverage and the evidence timeline.

Every string sets its font explicitly (reportlab's graphics default is a
non-embedded Helvetica).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from reportlab.graphics.shapes import Drawing, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from assessor_app.domain.catalogue import Framework
from assessor_app.domain.enums import KIND_SHORT, EvidenceKind
from assessor_app.domain.report_data import ReportData, label_of
from assessor_app.domain.sufficiency import StatementCoverage
from assessor_app.reports.fonts import BOLD, FAMILY
from assessor_app.reports.printable import visual
from assessor_app.reports.styles import ACCENT, INK, MUTED, RULE, clean

#: bar colour by the number of distinct kinds of evidence behind a statement (0..3+)
LEVEL_COLOURS = (colors.HexColor("#d9534f"), colors.HexColor("#c6dbef"),
                 colors.HexColor("#6baed6"), colors.HexColor("#2163a5"))
LEVEL_LABELS = ("no evidence", "1 kind", "2 kinds", "3 or more kinds")

KIND_COLOURS: dict[EvidenceKind, colors.Color] = {
    EvidenceKind.OBSERVATION: colors.HexColor("#1b7837"),
    EvidenceKind.RECORD_REVIEW: colors.HexColor("#762a83"),
    EvidenceKind.FEEDBACK_LIVED: colors.HexColor("#d6604d"),
    EvidenceKind.FEEDBACK_PROFESSIONAL: colors.HexColor("#b35806"),
    EvidenceKind.REFLECTION: colors.HexColor("#2166ac"),
    EvidenceKind.SELF_ASSESSMENT: colors.HexColor("#35978f"),
    EvidenceKind.SUPERVISION: colors.HexColor("#777777"),
}
STAGE_FILLS = (colors.HexColor("#eef3f8"), colors.HexColor("#dde7f1"), colors.HexColor("#eef3f8"),
               colors.HexColor("#dde7f1"))


def _drawing(width: float, height: float) -> Drawing:
    d = Drawing(width, height)
    d.initialFontName = FAMILY  # else the renderer selects Helvetica (not embedded) first
    return d


def _text(x: float, y: float, s: str, size: float = 7.5, font: str = FAMILY,
          colour: colors.Color = INK, anchor: str = "start") -> String:
    return String(x, y, visual(clean(s)), fontName=font, fontSize=size, fillColor=colour, textAnchor=anchor)


def _fit(s: str, font: str, size: float, width: float) -> str:
    s = clean(s)
    if stringWidth(s, font, size) <= width:
        return s
    while s and stringWidth(s + "…", font, size) > width:
        s = s[:-1]
    return s.rstrip() + "…"


def _legend(d: Drawing, y: float, entries: Sequence[tuple[colors.Color, str]], x0: float = 0) -> None:
    x = x0
    for colour, label in entries:
        d.add(Rect(x, y, 8, 8, fillColor=colour, strokeColor=None))
        d.add(_text(x + 11, y + 1, label, 7, colour=MUTED))
        x += 11 + stringWidth(label, FAMILY, 7) + 12


def coverage_chart(framework: Framework, coverage: Sequence[StatementCoverage],
                   width: float) -> Drawing:
    """One horizontal bar per statement: length = items linked, colour = kinds behind them."""
    rows = [c for c in coverage if c.framework_id == framework.id]
    bar_h, pitch, top_pad, legend_h = 10.0, 15.0, 4.0, 16.0
    height = top_pad + pitch * len(rows) + legend_h
    d = _drawing(width, height)
    label_w = min(230.0, width * 0.48)
    x0 = label_w + 8
    plot_w = width - x0 - 28
    most = max((c.items for c in rows), default=0) or 1
    axis_y = legend_h
    for i, c in enumerate(rows):
        y = height - top_pad - pitch * (i + 1) + (pitch - bar_h) / 2
        label = _fit(f"{c.code}  {c.title}", FAMILY, 7.5, label_w)
        d.add(_text(label_w, y + 2, label, anchor="end"))
        level = c.level
        if c.items:
            w = max(2.0, plot_w * c.items / most)
            d.add(Rect(x0, y, w, bar_h, fillColor=LEVEL_COLOURS[level], strokeColor=None))
            end = x0 + w
        else:
            d.add(Rect(x0, y, 3, bar_h, fillColor=LEVEL_COLOURS[0], strokeColor=None))
            end = x0 + 3
        d.add(_text(end + 3, y + 2, str(c.items), 7.5, BOLD, INK if c.items else LEVEL_COLOURS[0]))
    d.add(Line(x0, axis_y, x0, height - top_pad, strokeColor=RULE, strokeWidth=0.6))
    _legend(d, 2, list(zip(LEVEL_COLOURS, LEVEL_LABELS, strict=True)), x0=x0)
    d.add(_text(x0 - 8, 3, "Bar: items linked; colour:", 7, colour=MUTED, anchor="end"))
    return d


def _month_starts(start: date, end: date) -> list[date]:
    out, m = [], date(start.year, start.month, 1)
    while m <= end:
        if m >= start:
            out.append(m)
        m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    return out


def _hatch(d: Drawing, x1: float, y1: float, x2: float, y2: float, step: float = 5.0) -> None:
    """Diagonal lines clipped to the rectangle by hand (graphics shapes have no clipping)."""
    d.add(Rect(x1, y1, x2 - x1, y2 - y1, fillColor=colors.HexColor("#fbe3d6"),
               strokeColor=colors.HexColor("#c0603a"), strokeWidth=0.5))
    h = y2 - y1
    k = x1 - h
    while k < x2:
        ax, ay = max(k, x1), y1 + max(0.0, x1 - k)
        bx, by = min(k + h, x2), y1 + min(h, x2 - k)
        if bx > ax:
            d.add(Line(ax, ay, bx, by, strokeColor=colors.HexColor("#c0603a"), strokeWidth=0.5))
        k += step


def timeline_chart(data: ReportData, width: float) -> Drawing:
    """Stages as bands, pauses hatched, reviews as markers, evidence as ticks by kind."""
    tl = data.timeline
    kinds = [k for k in EvidenceKind]
    start = tl.start
    last_evidence = max((e.occurred_on for e in data.evidence), default=start)
    end = max(tl.end, last_evidence, min(data.today, tl.end + timedelta(days=60)))
    span = max((end - start).days, 1)
    label_w, row_h = 92.0, 11.0
    band_h, review_h, axis_h, legend_h = 16.0, 22.0, 14.0, 14.0
    height = legend_h + axis_h + row_h * len(kinds) + review_h + band_h + 6
    d = _drawing(width, height)
    x0, x1 = label_w, width - 6

    def x(day: date) -> float:
        return x0 + (x1 - x0) * min(max((day - start).days, 0), span) / span

    ticks_y = legend_h + axis_h
    rows_top = ticks_y + row_h * len(kinds)
    band_y = rows_top + review_h
    for i, st in enumerate(tl.stages):
        a, b = x(st.start), x(min(st.end, end))
        d.add(Rect(a, band_y, b - a, band_h, fillColor=STAGE_FILLS[i % 4], strokeColor=RULE,
                   strokeWidth=0.4))
        title = st.title
        if stringWidth(title, FAMILY, 6.5) > b - a - 4:
            title = title.split(" (")[0]  # "Foundation (months 0–3)" → "Foundation"
        d.add(_text((a + b) / 2, band_y + 5, _fit(title, FAMILY, 6.5, b - a - 4), 6.5,
                    colour=ACCENT, anchor="middle"))
    for p in tl.pauses:
        a, b = x(p.start), x(p.end or min(data.today, end))
        if b - a >= 1:
            _hatch(d, a, ticks_y, b, band_y + band_h)
    d.add(_text(label_w - 6, band_y + 5, "Stages", 7, BOLD, MUTED, "end"))
    d.add(_text(label_w - 6, rows_top + 7, "Reviews", 7, BOLD, MUTED, "end"))
    for r in data.reviews:
        day = r.held_on or r.due
        if day is None:
            continue
        cx, cy = x(day), rows_top + 9
        d.add(Polygon([cx, cy - 5, cx + 5, cy, cx, cy + 5, cx - 5, cy], fillColor=ACCENT,
                      strokeColor=colors.white, strokeWidth=0.5))
        d.add(_text(cx, cy + 7, label_of(r.judgement) if r.held_on else "due", 5.5, colour=MUTED,
                    anchor="middle"))
    for row, kind in enumerate(kinds):
        y = rows_top - row_h * (row + 1)
        d.add(Line(x0, y + row_h / 2, x1, y + row_h / 2, strokeColor=colors.HexColor("#eeeeee"),
                   strokeWidth=0.4))
        d.add(_text(label_w - 6, y + 3, KIND_SHORT[kind], 7, colour=INK, anchor="end"))
        colour = KIND_COLOURS[kind]
        for e in data.evidence:
            if e.kind is kind:
                ex = x(e.occurred_on)
                d.add(Line(ex, y + 1.5, ex, y + row_h - 1.5, strokeColor=colour, strokeWidth=1.4,
                           strokeOpacity=0.45 if e.status == "draft" else 1))
    d.add(Line(x0, ticks_y, x1, ticks_y, strokeColor=MUTED, strokeWidth=0.6))
    months = _month_starts(start, end)
    every = max(1, round(len(months) / 9))
    for i, m in enumerate(months):
        mx = x(m)
        d.add(Line(mx, ticks_y, mx, ticks_y - 3, strokeColor=MUTED, strokeWidth=0.5))
        if i % every == 0:
            d.add(_text(mx, ticks_y - 10, f"{m:%b %y}", 6.5, colour=MUTED, anchor="middle"))
    legend = [(colors.HexColor("#fbe3d6"), "pause (hatched)"), (ACCENT, "review held (diamond)")]
    if data.today < end:
        tx = x(data.today)
        d.add(Line(tx, ticks_y, tx, band_y + band_h, strokeColor=colors.HexColor("#c00000"),
                   strokeWidth=0.6, strokeDashArray=[2, 2]))
        legend.append((colors.HexColor("#c00000"), "today (dashed)"))
    _legend(d, 0, legend, x0=x0)
    return d
