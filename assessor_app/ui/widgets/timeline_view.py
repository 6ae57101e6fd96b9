"""The enrolment timeline, painted: stage bands on a date axis, reviews, observation windows,
reflections, final review, moderation, pauses (hatched), a "Today" line and the programme's
latest permitted end (a dashed "Limit" line, when it falls in view).

Geometry is computed once per size/data in ``_layout`` and shared by painting, tooltips
and keyboard navigation, so what you hover is exactly what was drawn. Shapes differ by
kind and overdue items are red *and* say "Overdue" in their tooltip and in the
accessible description, so colour is never the only signal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from assessor_app.domain.enums import DueKind
from assessor_app.domain.timeline import DueItem, Timeline
from assessor_app.ui import length_words
from assessor_app.ui.colours import is_dark, muted_text, overdue_red, stage_fill
from assessor_app.ui.dates import long_date, month_tick
from assessor_app.ui.widgets.timeline_limit import paint_limit
from assessor_app.ui.widgets.timeline_marks import marker_path
from assessor_app.ui.widgets.timeline_text import describe_timeline, item_tooltip
from assessor_app.ui.wording import short_label, short_stage_title

if TYPE_CHECKING:
    from assessor_app.domain.programme_length import LengthCheck

GUTTER = 92  # lane labels on the left
RIGHT = 14
LANES = ("Stages", "Reviews", "Observations", "Reflections")
MARKER_LANE = {DueKind.AGREEMENT: 1, DueKind.REVIEW: 1, DueKind.FINAL_REVIEW: 1,
               DueKind.MODERATION: 1, DueKind.OBSERVATION_WINDOW: 2, DueKind.REFLECTION: 3}


@dataclass(frozen=True)
class _Hit:
    rect: QRectF
    tooltip: str
    item: DueItem | None = None


@dataclass(frozen=True)
class _Geometry:
    d0: date
    d1: date
    band: QRectF  # stage band
    lane_y: tuple[float, float, float, float]  # centre line of each lane
    axis_y: float
    label_h: float


class TimelineView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Programme timeline")
        self.setMinimumHeight(150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self._timeline: Timeline | None = None
        self._today = date.today()
        self._held: dict[str, date] = {}
        self._overdue: frozenset[str] = frozenset()
        self._next_key: str | None = None
        self._current_stage: str | None = None
        self._length: LengthCheck | None = None
        self._hits: list[_Hit] = []
        self._geo: _Geometry | None = None
        self._laid_out_for: QSize | None = None
        self._focus_item = -1

    # -- data -----------------------------------------------------------------
    def set_timeline(self, timeline: Timeline, *, today: date, held: dict[str, date],
                     overdue_keys: frozenset[str], next_key: str | None,
                     current_stage_title: str = "", length: LengthCheck | None = None) -> None:
        """``held`` maps review-point ids to the date held; ``overdue_keys`` come from the row DTO.

        ``length`` places the latest permitted end on the axis when it falls in view; the axis
        stretches to show it when the end is close to or beyond it.
        """
        self._timeline = timeline
        self._length = length
        self._today = today
        self._held = dict(held)
        self._overdue = overdue_keys
        self._next_key = next_key
        self._current_stage = current_stage_title or None
        self._laid_out_for = None
        self._focus_item = -1
        self.setAccessibleDescription(describe_timeline(
            timeline, today=today, held=held, overdue_keys=overdue_keys,
            current_stage_title=current_stage_title, length=length))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(600, self._height())

    def minimumSizeHint(self) -> QSize:
        return QSize(GUTTER + 200, self._height())

    def _height(self) -> int:
        h = self.fontMetrics().height()
        return max(150, int(h * 5 + 88))

    def hits(self) -> list[tuple[QRectF, str]]:
        """Hover regions and their tooltips (tests check markers do not overlap)."""
        self._layout()
        return [(h.rect, h.tooltip) for h in self._hits]

    # -- geometry -------------------------------------------------------------
    def _x(self, day: date) -> float:
        geo = self._geo
        assert geo is not None
        span = max((geo.d1 - geo.d0).days, 1)
        return GUTTER + (day - geo.d0).days / span * (self.width() - GUTTER - RIGHT)

    def _layout(self) -> None:
        if self._timeline is None or self._laid_out_for == self.size():
            return
        self._laid_out_for = self.size()
        t = self._timeline
        last = max([t.end, *(i.due for i in t.items)])
        if length_words.needs_attention(self._length):
            assert self._length is not None
            last = max(last, self._length.latest_end)
        d0 = t.start.replace(day=1)
        # At least ~2 weeks after the last item, so its marker and label are not cut off.
        d1 = ((last + timedelta(days=14)).replace(day=1) + timedelta(days=32)).replace(day=1)
        h = float(self.fontMetrics().height())
        band = QRectF(GUTTER, h + 6, 0, h + 10)
        lane1 = band.bottom() + 12
        lane2 = lane1 + 12 + h + 4
        lane3 = lane2 + 16
        axis = lane3 + 14
        self._geo = _Geometry(d0, d1, band, (band.center().y(), lane1, lane2, lane3), axis, h)
        self._hits = self._build_hits()

    def _build_hits(self) -> list[_Hit]:
        t, geo = self._timeline, self._geo
        assert t is not None and geo is not None
        hits: list[_Hit] = []
        for item in t.items:
            lane_y = geo.lane_y[MARKER_LANE[item.kind]]
            tip = item_tooltip(item, today=self._today, held=self._held, overdue=self._overdue)
            if item.kind is DueKind.OBSERVATION_WINDOW and item.window_start:
                x0, x1 = self._x(item.window_start), self._x(item.due)
                hits.append(_Hit(QRectF(x0 + 1, lane_y - 5, max(x1 - x0 - 2, 4), 10), tip, item))
            else:
                size = 16.0 if item.kind is DueKind.FINAL_REVIEW else 12.0
                x = self._x(item.due)
                hits.append(_Hit(QRectF(x - size / 2, lane_y - size / 2, size, size), tip, item))
        limit = self._limit_x()
        if limit is not None and self._length is not None:
            rect = QRectF(limit - 4, geo.band.top() - geo.label_h - 2, 8,
                          geo.axis_y - geo.band.top() + geo.label_h + 2)
            hits.append(_Hit(rect, length_words.tooltip(self._length)))
        for pause in t.pauses:
            end = pause.end or self._today
            x0, x1 = self._x(pause.start), self._x(end)
            rect = QRectF(x0, geo.band.top(), max(x1 - x0, 3), geo.axis_y - geo.band.top())
            hits.append(_Hit(rect, f"Paused {long_date(pause.start)} to {long_date(end)}"
                             + ("" if pause.end else " (still paused)")))
        for stage in t.stages:
            x0, x1 = self._x(stage.start), self._x(stage.end)
            rect = QRectF(x0, geo.band.top(), x1 - x0, geo.band.height())
            hits.append(_Hit(rect, f"{stage.title}\n{long_date(stage.start)} to "
                                   f"{long_date(stage.end - timedelta(days=1))}"))
        return hits

    # -- painting -------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        pal = self.palette()
        if self._timeline is None:
            p.setPen(muted_text(pal))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No timeline yet")
            return
        self._layout()
        assert self._geo is not None
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_lanes_and_axis(p, pal)
        self._paint_stages(p, pal)
        self._paint_pauses(p, pal)
        self._paint_stage_titles(p, pal)
        self._paint_today(p, pal)  # under the markers, so they and their labels stay readable
        self._paint_limit(p, pal)
        self._paint_items(p, pal)
        p.end()

    def _small_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(self.font().pointSizeF() * 0.85, 6.5))
        return font

    def _paint_lanes_and_axis(self, p: QPainter, pal: QPalette) -> None:
        geo = self._geo
        assert geo is not None
        right = self.width() - RIGHT
        p.setPen(muted_text(pal))
        small = self._small_font()
        p.setFont(small)
        for y, name in zip(geo.lane_y, LANES, strict=True):
            p.drawText(QRectF(4, y - geo.label_h / 2, GUTTER - 10, geo.label_h),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)
        grid = QColor(pal.color(QPalette.ColorRole.Mid))
        grid.setAlpha(90)
        axis_pen = QPen(pal.color(QPalette.ColorRole.Mid), 1)
        p.setPen(axis_pen)
        p.drawLine(QPointF(GUTTER, geo.axis_y), QPointF(right, geo.axis_y))
        metrics = QFontMetrics(small)
        month = geo.d0
        last_label_right = -1e9
        while month <= geo.d1:
            x = self._x(month)
            p.setPen(QPen(grid, 1, Qt.PenStyle.DotLine))
            p.drawLine(QPointF(x, geo.band.bottom()), QPointF(x, geo.axis_y))
            p.setPen(axis_pen)
            p.drawLine(QPointF(x, geo.axis_y), QPointF(x, geo.axis_y + 4))
            text = month_tick(month)
            w = metrics.horizontalAdvance(text)
            if x - w / 2 > last_label_right + 6 and x + w / 2 <= self.width() - 2:
                p.setPen(pal.color(QPalette.ColorRole.WindowText))
                p.drawText(QPointF(x - w / 2, geo.axis_y + 6 + metrics.ascent()), text)
                last_label_right = x + w / 2
            month = (month + timedelta(days=32)).replace(day=1)

    def _paint_stages(self, p: QPainter, pal: QPalette) -> None:
        t, geo = self._timeline, self._geo
        assert t is not None and geo is not None
        for i, stage in enumerate(t.stages):
            current = stage.title == self._current_stage
            x0, x1 = self._x(stage.start), self._x(stage.end)
            rect = QRectF(x0, geo.band.top(), x1 - x0, geo.band.height())
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(stage_fill(i, pal, current=current))
            p.drawRect(rect.adjusted(0.5, 0, -0.5, 0))

    def _paint_stage_titles(self, p: QPainter, pal: QPalette) -> None:
        """After the pauses, in the part of each band before any pause, shortened to fit."""
        t, geo = self._timeline, self._geo
        assert t is not None and geo is not None
        p.setPen(pal.color(QPalette.ColorRole.WindowText))
        for stage in t.stages:
            x0, x1 = self._x(stage.start), self._x(stage.end)
            for pause in t.pauses:
                px = self._x(pause.start)
                if x0 + 4 < px < x1:
                    x1 = px
            font = QFont(self.font())
            font.setBold(stage.title == self._current_stage)
            metrics = QFontMetrics(font)
            room = int(x1 - x0 - 8)
            text = stage.title if metrics.horizontalAdvance(stage.title) <= room \
                else metrics.elidedText(short_stage_title(stage.title), Qt.TextElideMode.ElideRight, room)
            p.setFont(font)
            p.drawText(QRectF(x0 + 4, geo.band.top(), max(room, 0), geo.band.height()),
                       Qt.AlignmentFlag.AlignVCenter, text)

    def _paint_pauses(self, p: QPainter, pal: QPalette) -> None:
        t, geo = self._timeline, self._geo
        assert t is not None and geo is not None
        hatch = QColor(pal.color(QPalette.ColorRole.WindowText))
        hatch.setAlpha(110)
        for pause in t.pauses:
            x0, x1 = self._x(pause.start), self._x(pause.end or self._today)
            rect = QRectF(x0, geo.band.top(), max(x1 - x0, 3), geo.axis_y - geo.band.top())
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(pal.color(QPalette.ColorRole.Window))
            p.drawRect(rect)
            p.setBrush(QBrush(hatch, Qt.BrushStyle.BDiagPattern))
            p.drawRect(rect)
            p.setPen(QPen(hatch, 1))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(rect)
            small = self._small_font()
            if rect.width() > QFontMetrics(small).horizontalAdvance("Paused") + 6:
                p.setFont(small)
                p.setPen(pal.color(QPalette.ColorRole.WindowText))
                label = QRectF(rect.left(), geo.band.top() - geo.label_h - 2, rect.width(), geo.label_h)
                need = QFontMetrics(small).horizontalAdvance("Paused") + 4
                today = self._today_label_span()
                if today is not None and label.center().x() + need / 2 > today[0] - 4:
                    # An open pause ends today: keep its label clear of the "Today" label.
                    right = min(label.right(), today[0] - 4)
                    label = QRectF(right - need, label.top(), need, label.height())
                if label.left() >= rect.left() - 1:
                    p.drawText(label, Qt.AlignmentFlag.AlignCenter, "Paused")

    def _paint_items(self, p: QPainter, pal: QPalette) -> None:
        geo = self._geo
        assert geo is not None
        red = overdue_red(pal)
        ink = pal.color(QPalette.ColorRole.WindowText)
        window_fill = QColor(pal.color(QPalette.ColorRole.Highlight))
        window_fill.setAlpha(150 if is_dark(pal) else 120)
        small = self._small_font()
        metrics = QFontMetrics(small)
        last_label_right = -1e9
        for hit in self._hits:
            item = hit.item
            if item is None:
                continue
            overdue = item.key in self._overdue
            done = item.key in self._held
            colour = red if overdue else ink
            if item.kind is DueKind.OBSERVATION_WINDOW:
                p.setPen(QPen(red, 1.5) if overdue else Qt.PenStyle.NoPen)
                p.setBrush(red if overdue else window_fill)
                p.drawRoundedRect(hit.rect.adjusted(0, 2, 0, -2), 3, 3)
                continue
            pen = QPen(colour, 1.6, Qt.PenStyle.DashLine if item.optional else Qt.PenStyle.SolidLine)
            p.setPen(pen)
            p.setBrush(colour if (done or overdue) else pal.color(QPalette.ColorRole.Base))
            p.drawPath(marker_path(item.kind, hit.rect))
            if item.key == self._next_key:
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.setPen(QPen(pal.color(QPalette.ColorRole.Highlight), 2))
                p.drawEllipse(hit.rect.adjusted(-4, -4, 4, 4))
            if MARKER_LANE[item.kind] == 1 and item.kind is not DueKind.AGREEMENT:
                text = short_label(item)
                w = metrics.horizontalAdvance(text)
                left = min(max(hit.rect.center().x() - w / 2, GUTTER - 8), self.width() - 2 - w)
                if left > last_label_right + 4:  # skip a label rather than overlap one
                    p.setFont(small)
                    p.setPen(colour)
                    p.drawText(QPointF(left, hit.rect.bottom() + 3 + metrics.ascent()), text)
                    last_label_right = left + w
            if self.hasFocus() and self._focus_item >= 0 and self._hits[self._focus_item] is hit:
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.setPen(QPen(ink, 1, Qt.PenStyle.DotLine))
                p.drawRect(hit.rect.adjusted(-5, -5, 5, 5))

    def _paint_today(self, p: QPainter, pal: QPalette) -> None:
        geo = self._geo
        assert geo is not None
        colour = pal.color(QPalette.ColorRole.Highlight)
        metrics = QFontMetrics(self.font())
        if self._today < geo.d0 or self._today > geo.d1:
            arrow = "◂ Today" if self._today < geo.d0 else "Today ▸"
            x = GUTTER if self._today < geo.d0 else self.width() - RIGHT - metrics.horizontalAdvance(arrow)
            p.setPen(colour)
            p.drawText(QPointF(x, metrics.ascent() + 2), arrow)
            return
        x = self._x(self._today)
        p.setPen(QPen(colour, 2))
        p.drawLine(QPointF(x, geo.band.top() - 2), QPointF(x, geo.axis_y + 2))
        font = QFont(self.font())
        font.setBold(True)
        p.setFont(font)
        span = self._today_label_span()
        assert span is not None
        p.drawText(QPointF(span[0], metrics.ascent() + 2), "Today")

    def _limit_x(self) -> float | None:
        """Where the latest permitted end falls on the axis; None without one or out of view."""
        geo, check = self._geo, self._length
        if geo is None or check is None or not geo.d0 <= check.latest_end <= geo.d1:
            return None
        return self._x(check.latest_end)

    def _paint_limit(self, p: QPainter, pal: QPalette) -> None:
        geo, x = self._geo, self._limit_x()
        if geo is not None and x is not None and self._length is not None:
            paint_limit(p, pal, self._length, self.font(), x=x, top=geo.band.top() - 2,
                        bottom=geo.axis_y + 2, lo=GUTTER, hi=self.width() - RIGHT,
                        avoid=self._today_label_span())

    def _today_label_span(self) -> tuple[float, float] | None:
        """Left and right x of the "Today" label above the line, or None when it is off the axis."""
        geo = self._geo
        if geo is None or self._today < geo.d0 or self._today > geo.d1:
            return None
        font = QFont(self.font())
        font.setBold(True)
        w = QFontMetrics(font).horizontalAdvance("Today")
        left = min(max(self._x(self._today) - w / 2, GUTTER), self.width() - RIGHT - w)
        return left, left + w

    # -- tooltips and keyboard ------------------------------------------------
    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            self._layout()
            pos = QPointF(event.pos())
            hit = next((h for h in self._hits if h.rect.adjusted(-3, -3, 3, 3).contains(pos)), None)
            if hit is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), hit.tooltip, self)
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Left/Right step through dated items and show each one's tooltip."""
        self._layout()
        items = [i for i, h in enumerate(self._hits) if h.item is not None]
        key = event.key()
        if not items or key not in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Home, Qt.Key.Key_End):
            super().keyPressEvent(event)
            return
        pos = items.index(self._focus_item) if self._focus_item in items else -1
        if key == Qt.Key.Key_Home:
            pos = 0
        elif key == Qt.Key.Key_End:
            pos = len(items) - 1
        else:
            pos = max(0, min(len(items) - 1, pos + (1 if key == Qt.Key.Key_Right else -1)))
        self._focus_item = items[pos]
        hit = self._hits[self._focus_item]
        QToolTip.showText(self.mapToGlobal(hit.rect.bottomLeft().toPoint()), hit.tooltip, self)
        self.update()

    def focused_tooltip(self) -> str | None:
        return self._hits[self._focus_item].tooltip if self._focus_item >= 0 else None
