"""Paragraph styles, colours and the text helpers every layout uses.

User text goes through ``esc``/``paragraphs`` before it reaches reportlab's
Paragraph markup (``line`` before the canvas or a table cell): ``&``, ``<`` and
``>`` are escaped, control characters and lone surrogates dropped, line breaks
kept, and characters the fonts lack shown as placeholders (see ``printable``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from assessor_app.reports.fonts import BOLD, FAMILY, OBLIQUE
from assessor_app.reports.printable import printable, visual

INK = colors.HexColor("#1a1a1a")
ACCENT = colors.HexColor("#1f3a5f")  # headings, rules
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#b8c2cc")
HEADER_BG = colors.HexColor("#e3e9f0")
ZEBRA = colors.HexColor("#f5f7fa")
WARN_BG = colors.HexColor("#fff4e0")
WARN_INK = colors.HexColor("#7a4b00")

PAGE_MARGIN_X = 22 * mm
PAGE_MARGIN_TOP = 26 * mm
PAGE_MARGIN_BOTTOM = 26 * mm

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANK_LINE = re.compile(r"\n\s*\n")


def clean(text: object) -> str:
    """Printable text: control characters and lone surrogates removed, line ends normalised,
    NFC, characters the fonts lack replaced by a placeholder (``printable``). Idempotent."""
    s = str(text).encode("utf-8", "replace").decode("utf-8")
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    return printable(_CONTROL.sub("", s))


def plain(text: object) -> str:
    """Text for the PDF's metadata (title, subject): only control characters removed, since
    a viewer shows it in the system's own fonts and direction."""
    s = str(text).encode("utf-8", "replace").decode("utf-8")
    return _CONTROL.sub("", s.replace("\r\n", " ").replace("\r", " ").replace("\n", " "))


def line(text: object) -> str:
    """``clean`` text in drawing order, for the canvas and table cells (see ``visual``)."""
    return visual(clean(text))


def esc(text: object) -> str:
    """User text made safe for Paragraph markup; single line breaks kept as <br/>."""
    return escape(line(text)).replace("\n", "<br/>")


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    name: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    body: ParagraphStyle
    label: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_head: ParagraphStyle
    small: ParagraphStyle
    note: ParagraphStyle
    caption: ParagraphStyle
    dense: ParagraphStyle
    employer: ParagraphStyle


@cache
def styles() -> Styles:
    """One set per process (the fonts must be registered before a document is built)."""
    base = ParagraphStyle("body", fontName=FAMILY, fontSize=9.5, leading=13.5, textColor=INK,
                          alignment=TA_LEFT, spaceAfter=5)
    cell = ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11, spaceAfter=0)
    return Styles(
        title=ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=20, leading=25,
                             textColor=ACCENT, spaceAfter=4),
        subtitle=ParagraphStyle("subtitle", parent=base, fontSize=11, leading=15, textColor=MUTED,
                                spaceAfter=10),
        name=ParagraphStyle("name", parent=base, fontName=BOLD, fontSize=15, leading=19,
                            spaceAfter=10),
        h1=ParagraphStyle("h1", parent=base, fontName=BOLD, fontSize=14, leading=18,
                          textColor=ACCENT, spaceBefore=14, spaceAfter=8, keepWithNext=1),
        h2=ParagraphStyle("h2", parent=base, fontName=BOLD, fontSize=11.5, leading=15,
                          textColor=ACCENT, spaceBefore=10, spaceAfter=5, keepWithNext=1),
        h3=ParagraphStyle("h3", parent=base, fontName=BOLD, fontSize=10, leading=13.5,
                          spaceBefore=7, spaceAfter=3, keepWithNext=1),
        body=base,
        label=ParagraphStyle("label", parent=base, fontName=BOLD, fontSize=8.5, leading=11,
                             textColor=MUTED, spaceBefore=4, spaceAfter=1, keepWithNext=1),
        cell=cell,
        cell_bold=ParagraphStyle("cell_bold", parent=cell, fontName=BOLD),
        cell_head=ParagraphStyle("cell_head", parent=cell, fontName=BOLD, textColor=ACCENT),
        small=ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5, textColor=MUTED),
        note=ParagraphStyle("note", parent=base, fontSize=9, leading=12.5, textColor=WARN_INK,
                            spaceAfter=0),
        dense=ParagraphStyle("dense", parent=base, fontSize=9, leading=12.2, spaceAfter=3),
        caption=ParagraphStyle("caption", parent=base, fontName=OBLIQUE, fontSize=8, leading=10.5,
                               textColor=MUTED, spaceBefore=2, spaceAfter=8),
        employer=ParagraphStyle("employer", parent=base, fontName=BOLD, fontSize=12, leading=15,
                                textColor=ACCENT, spaceAfter=0),
    )


def para(text: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(esc(text), style)


def paragraphs(text: object, style: ParagraphStyle | None = None,
               lead_in: str = "") -> list[Paragraph]:
    """Narrative text as one Paragraph per blank-line-separated block (so it splits across pages).

    ``lead_in`` (plain text) starts the first paragraph as a bold run-in label.
    """
    st = style or styles().body
    blocks = [escape(visual(b.strip())).replace("\n", "<br/>")
              for b in _BLANK_LINE.split(clean(text)) if b.strip()]
    if lead_in and blocks:
        blocks[0] = f'<font color="#555555"><b>{esc(lead_in)}.</b></font> {blocks[0]}'
    return [Paragraph(b, st) for b in blocks]
