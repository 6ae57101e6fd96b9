"""Building blocks shared by every layout: tables, narrative, notes and the signatures block."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from assessor_app.reports.fonts import BOLD, FAMILY
from assessor_app.reports.page import FRAME_WIDTH
from assessor_app.reports.printable import visual
from assessor_app.reports.styles import (
    ACCENT,
    HEADER_BG,
    INK,
    MUTED,
    RULE,
    WARN_BG,
    ZEBRA,
    clean,
    esc,
    para,
    paragraphs,
    styles,
)

Cell = str | Flowable
SIGNERS = (("assessor", "Assessor"), ("practitioner", "Practitioner"), ("manager", "Line manager"))
BOX_W, BOX_H = 165.0, 70.0


CELL_SIZE, CELL_LEADING, _PAD = 8.5, 11.0, 8.0


def table_style(cmds: Sequence[tuple]) -> TableStyle:
    """Table commands with the embedded font set for plain-string cells (a table's default
    cell font is Helvetica, which would be referenced but not embedded)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), FAMILY), ("FONTSIZE", (0, 0), (-1, -1), CELL_SIZE),
                       ("LEADING", (0, 0), (-1, -1), CELL_LEADING), ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                       *cmds])


def _cell(value: Cell, width: float, *, bold: bool = False, head: bool = False) -> Cell:
    """Text that fits on one line stays a plain string (the table draws it, far cheaper than
    a Paragraph); anything longer becomes a wrapping Paragraph."""
    if isinstance(value, Flowable):
        return value
    text = clean(value)
    font = BOLD if bold or head else FAMILY
    if "\n" not in text and stringWidth(text, font, CELL_SIZE) <= width - _PAD:
        return visual(text)
    st = styles()
    return Paragraph(esc(text), st.cell_head if head else st.cell_bold if bold else st.cell)


_PADDING = [("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("VALIGN", (0, 0), (-1, -1), "TOP")]


def data_table(header: Sequence[str], rows: Sequence[Sequence[Cell]], widths: Sequence[float],
               *, first_bold: bool = False) -> Table:
    """A table whose header row repeats on every page it runs onto; rows never split mid-row."""
    total = sum(widths)
    scaled = [w * FRAME_WIDTH / total for w in widths]
    body = [[_cell(h, scaled[i], head=True) for i, h in enumerate(header)]]
    body += [[_cell(v, scaled[i], bold=first_bold and i == 0) for i, v in enumerate(r)] for r in rows]
    t = Table(body, colWidths=scaled, repeatRows=1, hAlign="LEFT")
    cmds: list[tuple] = [
        ("FONTNAME", (0, 0), (-1, 0), BOLD), ("TEXTCOLOR", (0, 0), (-1, 0), ACCENT),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG), ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE), *_PADDING,
    ]
    if first_bold:
        cmds.append(("FONTNAME", (0, 1), (0, -1), BOLD))
    cmds += [("BACKGROUND", (0, i), (-1, i), ZEBRA) for i in range(2, len(body), 2)]
    t.setStyle(table_style(cmds))
    return t


def kv_table(rows: Sequence[tuple[str, Cell]], label_width: float = 150) -> Table:
    """Label / value pairs (identification, summaries); empty values shown as a dash."""
    value_w = FRAME_WIDTH - label_width
    body = [[_cell(k, label_width, bold=True), _cell(v if v not in ("", None) else "—", value_w)]
            for k, v in rows]
    t = Table(body, colWidths=[label_width, value_w], hAlign="LEFT")
    t.setStyle(table_style([
        ("FONTNAME", (0, 0), (0, -1), BOLD), ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
        ("BACKGROUND", (0, 0), (0, -1), ZEBRA), *_PADDING,
    ]))
    return t


def facts_grid(pairs: Sequence[tuple[str, str]], wide_after: int = 48) -> Table:
    """Short label / value pairs two to a row (half the height of a list); a value
    longer than ``wide_after`` characters gets a row of its own."""
    label_w, value_w = 104.0, FRAME_WIDTH / 2 - 104.0
    body: list[list[Cell]] = []
    spans: list[tuple] = []
    pending: list[tuple[str, str]] = []

    def flush() -> None:
        if pending:
            row: list[Cell] = []
            for k, v in pending:
                row += [_cell(k, label_w, bold=True), _cell(v or "—", value_w)]
            if len(pending) == 2:
                spans.append(("BACKGROUND", (2, len(body)), (2, len(body)), ZEBRA))
            body.append(row + ["", ""] * (2 - len(pending)))
            pending.clear()

    for k, v in pairs:
        if len(v) > wide_after:
            flush()
            body.append([_cell(k, label_w, bold=True), _cell(v, FRAME_WIDTH - label_w), "", ""])
            spans.append(("SPAN", (1, len(body) - 1), (3, len(body) - 1)))
        else:
            pending.append((k, v))
            if len(pending) == 2:
                flush()
    flush()
    t = Table(body, colWidths=[label_w, value_w, label_w, value_w], hAlign="LEFT")
    t.setStyle(table_style([
        ("FONTNAME", (0, 0), (0, -1), BOLD), ("FONTNAME", (2, 0), (2, -1), BOLD),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
        ("BACKGROUND", (0, 0), (0, -1), ZEBRA),
        *_PADDING, ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        *spans]))
    return t


def pairs_table(title: str, rows: Sequence[tuple[str, str]]) -> Table:
    """Criteria or ratings, two (label, value) pairs to a row under a title row."""
    label_w = FRAME_WIDTH * 0.36
    value_w = FRAME_WIDTH / 2 - label_w
    body: list[list[Cell]] = [[_cell(title, FRAME_WIDTH, head=True), "", "", ""]]
    for i in range(0, len(rows), 2):
        row: list[Cell] = []
        for k, v in rows[i:i + 2]:
            row += [_cell(k, label_w), _cell(v, value_w, bold=True)]
        body.append(row + ["", ""] * (2 - len(rows[i:i + 2])))
    t = Table(body, colWidths=[label_w, value_w, label_w, value_w], repeatRows=1, hAlign="LEFT")
    t.setStyle(table_style([
        ("SPAN", (0, 0), (-1, 0)), ("FONTNAME", (0, 0), (-1, 0), BOLD),
        ("TEXTCOLOR", (0, 0), (-1, 0), ACCENT), ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("FONTNAME", (1, 1), (1, -1), BOLD), ("FONTNAME", (3, 1), (3, -1), BOLD),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE), ("LINEAFTER", (1, 1), (1, -1), 0.3, RULE),
        *_PADDING, ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5)]))
    return t


def narrative(label: str, text: str, empty: str = "") -> list[Flowable]:
    """A labelled block of prose that splits across pages paragraph by paragraph."""
    st = styles()
    body = paragraphs(text) if text and text.strip() else []
    if not body:
        if not empty:
            return []
        body = [para(empty, st.caption)]
    return [Paragraph(esc(label), st.label), *body]


def note(text: str) -> Table:
    """A shaded notice (draft, anonymised, missing data)."""
    t = Table([[Paragraph(esc(text), styles().note)]], colWidths=[FRAME_WIDTH])
    t.setStyle(table_style([("BACKGROUND", (0, 0), (-1, -1), WARN_BG),
                           ("BOX", (0, 0), (-1, -1), 0.5, colors.HexColor("#e0b060")),
                           ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                           ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    return t


def heading(text: str, level: int = 1) -> Paragraph:
    st = styles()
    return Paragraph(esc(text), {1: st.h1, 2: st.h2, 3: st.h3}[level])


def gap(h: float = 6) -> Spacer:
    return Spacer(1, h)


# -- signatures --------------------------------------------------------------------------

@dataclass(frozen=True)
class Signer:
    key: str  # "assessor", "practitioner", "manager"
    label: str
    name: str


Box = tuple[int, tuple[float, float, float, float]]


class SignatureBlock(Flowable):
    """Three labelled, empty boxes (the PDF signature fields go on top of them).

    Records where each box was drawn, in PDF user space on its page, into
    ``sink`` as {key: (page index from 0, (x1, y1, x2, y2))}.
    """

    ROW_H = BOX_H + 30

    def __init__(self, signers: Sequence[Signer], sink: dict[str, Box]) -> None:
        super().__init__()
        self.signers = tuple(signers)
        self.sink = sink
        self.width = FRAME_WIDTH
        self.height = self.ROW_H * len(self.signers)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        return availWidth, self.height

    def draw(self) -> None:
        c = self.canv
        text_w = self.width - BOX_W - 24
        for i, s in enumerate(self.signers):
            top = self.height - i * self.ROW_H
            box_x, box_y = self.width - BOX_W, top - 20 - BOX_H
            c.setStrokeColor(RULE)
            c.setLineWidth(0.4)
            if i:
                c.line(0, top + 2, self.width, top + 2)
            c.setFillColor(ACCENT)
            c.setFont(BOLD, 10.5)
            c.drawString(0, top - 20, s.label)
            c.setFillColor(INK)
            c.setFont(FAMILY, 9)
            lines = [visual(x) for x in simpleSplit(clean(s.name) or "—", FAMILY, 9, text_w)[:2]]
            for n, line in enumerate(lines):
                c.drawString(0, top - 35 - 12 * n, line)
            c.setFillColor(MUTED)
            c.setFont(FAMILY, 8)
            c.drawString(0, box_y + 6, "Date: ______________________")
            c.drawString(box_x, top - 15, "Signature")
            c.setStrokeColor(MUTED)
            c.setLineWidth(0.8)
            c.rect(box_x, box_y, BOX_W, BOX_H, stroke=1, fill=0)
            x1, y1 = c.absolutePosition(box_x, box_y)
            x2, y2 = c.absolutePosition(box_x + BOX_W, box_y + BOX_H)
            self.sink[s.key] = (c.getPageNumber() - 1,
                                (round(x1, 2), round(y1, 2), round(x2, 2), round(y2, 2)))


def signatures_section(names: dict[str, str], sink: dict[str, Box],
                       number: str = "") -> list[Flowable]:
    """The closing section; its last flowable is the SignatureBlock, kept on one page."""
    block = SignatureBlock([Signer(k, lbl, names.get(k, "")) for k, lbl in SIGNERS], sink)
    intro = para("Each person signs in their own box: digitally in this PDF (each signature "
                 "is checked by the workbench's verify command), or by hand on a printed copy.",
                 styles().body)
    title = heading(f"{number} Signatures".strip(), 1)
    need = block.height + 80
    return [CondPageBreak(need), KeepTogether([title, intro]), block]
