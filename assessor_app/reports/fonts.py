"""DejaVu Sans (regular, bold, oblique, bold-oblique) registered as one embedded family.

Wide Unicode coverage (Latin, Greek, Cyrillic, Hebrew, Arabic letters and their
presentation forms, many symbols). Characters the regular and bold faces both
lack (most emoji, CJK, Indic scripts) would print as an empty box: registering
tells ``printable`` which characters those are, so it can print a placeholder
instead; it also orders right-to-left text and joins Arabic letters (reportlab
does neither without optional packages that are not dependencies).
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from assessor_app.reports.printable import set_coverage

FAMILY = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
OBLIQUE = "DejaVuSans-Oblique"
BOLD_OBLIQUE = "DejaVuSans-BoldOblique"

_FILES = {FAMILY: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf", OBLIQUE: "DejaVuSans-Oblique.ttf",
          BOLD_OBLIQUE: "DejaVuSans-BoldOblique.ttf"}


def register_fonts(folder: Path) -> str:
    """Register the family once per process (reportlab's registry is global); returns its name.

    Raises FileNotFoundError naming the missing file.
    """
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, filename in _FILES.items():
        if name in registered:
            continue
        path = Path(folder) / filename
        if not path.is_file():
            raise FileNotFoundError(f"font file missing: {path}")
        pdfmetrics.registerFont(TTFont(name, str(path)))
    addMapping(FAMILY, 0, 0, FAMILY)
    addMapping(FAMILY, 1, 0, BOLD)
    addMapping(FAMILY, 0, 1, OBLIQUE)
    addMapping(FAMILY, 1, 1, BOLD_OBLIQUE)
    # Only the Basic Multilingual Plane: reportlab writes a broken ToUnicode entry for a
    # character past U+FFFF (five hex digits), so the PDF's text layer (copy, search,
    # screen readers, pdftotext) would give another character: 😀 reads back as ὠ.
    set_coverage(frozenset(cp for cp in pdfmetrics.getFont(FAMILY).face.charToGlyph
                           if cp <= 0xFFFF) & frozenset(pdfmetrics.getFont(BOLD).face.charToGlyph))
    return FAMILY
