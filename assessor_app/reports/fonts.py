"""DejaVu Sans (regular, bold, oblique, bold-oblique) registered as one embedded family.

Wide Unicode coverage (Latin, Greek, Cyrillic, Hebrew, Arabic letters, many
symbols); glyphs it lacks (most emoji, CJK) print as an empty box, never fail.
Right-to-left text is laid out in logical order without shaping (reportlab
shapes only with uharfbuzz, which is not a dependency).
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

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
    return FAMILY
