"""Text the embedded fonts can draw, in the order a reader expects.

The reports embed DejaVu Sans (Latin, Greek, Cyrillic, Hebrew, Arabic, many
symbols). reportlab draws a character the font lacks as an empty box and lays
every line out left to right, so without help an emoji or a Chinese name prints
as tofu and a Hebrew or Arabic name prints backwards, all without a word. Two
steps fix that:

``printable`` (idempotent; every piece of user text goes through it; "the fonts
can draw" means both text faces have the glyph and it is in the Basic
Multilingual Plane, see ``fonts.register_fonts``):
  - NFC: "e" + combining acute becomes one "é", drawn with the font's own accent;
  - invisible format characters (zero-width space and joiners, direction marks,
    byte-order mark, soft hyphen, variation selectors, tag characters) are
    dropped: they draw nothing, and some would draw a box in the bold face;
  - characters neither the regular nor the bold face can draw become a visible
    placeholder: ``[emoji]`` for emoji (a run of them, including skin tones and
    joined families, is one placeholder), ``[Chinese or Japanese text]``,
    ``[Korean text]``, ``[Bengali text]`` (named after the script; words of one
    script separated by spaces share one placeholder), ``[symbol]``, ``[?]``
    (unassigned or private-use). Each kind used is recorded (see ``collecting``)
    so the caller can say so once.

``visual`` (applied once, where a line is handed to reportlab): right-to-left
runs (Hebrew, Arabic) are put in visual order, numbers inside them kept left to
right and brackets mirrored; Arabic letters take their joined forms (initial,
medial, final, lam-alef) from the font's presentation forms. A run of up to
``KEEP_TOGETHER`` characters is bound with no-break spaces so that it is never
wrapped (wrapping happens after reordering and would put its lines in the wrong
order). Longer right-to-left passages still read right to left within each
line, but if one wraps, its lines run in left-to-right order: a known limit.
The PDF's text layer then holds the presentation forms in drawing order; a text
extractor (pdftotext) gives the words back in reading order, NFKC gives back
the plain letters.

This is a deliberate subset of the Unicode bidirectional algorithm (an LTR
paragraph holding RTL names and phrases, the case in English reports), not a
full implementation; it needs no dependency.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from itertools import chain

KEEP_TOGETHER = 60
EMOJI = "[emoji]"
UNKNOWN = "[?]"
SYMBOL = "[symbol]"
_SCRIPT_WORDS = {"CJK": "Chinese or Japanese", "IDEOGRAPHIC": "Chinese or Japanese",
                 "HIRAGANA": "Japanese", "KATAKANA": "Japanese", "HANGUL": "Korean",
                 "BOPOMOFO": "Chinese", "YI": "Yi"}
_MIRROR = dict(zip("()[]{}<>«»‹›", ")(][}{><»«›‹", strict=True))
_ZWJ, _ZWNJ, _TATWEEL = "\u200d", "\u200c", "\u0640"

_coverage: frozenset[int] = frozenset()
_found: ContextVar[set[str] | None] = ContextVar("printable_found", default=None)


def set_coverage(codepoints: frozenset[int]) -> None:
    """The characters every text face can draw (``fonts.register_fonts`` sets it).

    Until it is set nothing is replaced: placeholders need to know the font.
    """
    global _coverage
    _coverage = codepoints


@contextmanager
def collecting() -> Iterator[set[str]]:
    """Record the placeholders ``printable`` uses inside the block (one render)."""
    found: set[str] = set()
    token = _found.set(found)
    try:
        yield found
    finally:
        _found.reset(token)


def notice_for(found: set[str]) -> str:
    """One sentence for the person who made the report, or "" when nothing was replaced."""
    if not found:
        return ""
    kinds = ", ".join(sorted(found))
    return (f"Some characters cannot be printed with the report's font and are shown as "
            f"{kinds}; the full text is unchanged in the workbench.")


# -- printable ----------------------------------------------------------------------

def _invisible(ch: str) -> bool:
    cp = ord(ch)
    return (unicodedata.category(ch) == "Cf" or 0xFE00 <= cp <= 0xFE0F
            or 0xE0100 <= cp <= 0xE01EF)


def _is_emoji(cp: int) -> bool:
    return (0x1F000 <= cp <= 0x1FAFF or 0x2600 <= cp <= 0x27BF or 0x2B00 <= cp <= 0x2BFF
            or cp == 0x20E3)


def _label(ch: str) -> str:
    """The placeholder for a character the fonts cannot draw."""
    cp = ord(ch)
    if _is_emoji(cp):
        return EMOJI
    cat = unicodedata.category(ch)
    if cat in ("Co", "Cn", "Cs"):
        return UNKNOWN
    if cat[0] in "LMN":
        name = unicodedata.name(ch, "")
        word = name.split(" ", 1)[0].split("-", 1)[0] if name else ""
        if not word or word == "COMBINING":
            return UNKNOWN
        return f"[{_SCRIPT_WORDS.get(word, word.title())} text]"
    return SYMBOL


def printable(text: str) -> str:
    """``text`` normalised (NFC), invisible formatting dropped, undrawable runs replaced."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFC", text)
    if not _coverage:
        return "".join(ch for ch in text if not _invisible(ch))
    out: list[str] = []
    last = ""  # the placeholder just written, while only spaces or marks follow it
    pending_space = ""
    found = _found.get()
    for ch in text:
        if _invisible(ch):
            continue
        cp = ord(ch)
        if cp not in _coverage and ch not in "\n\t":
            if ch.isspace():
                ch, cp = " ", 32
            else:  # a compatibility form the font has (fullwidth letters, ligatures, ...)
                folded = unicodedata.normalize("NFKC", ch)
                if folded != ch and all(ord(c) in _coverage for c in folded):
                    out.append(pending_space + folded)
                    last = pending_space = ""
                    continue
        if cp in _coverage or ch in "\n\t":
            if last and ch == " ":
                pending_space += ch
                continue
            if last and unicodedata.category(ch).startswith("M"):
                continue  # a mark on a replaced character goes with it
            out.append(pending_space + ch)
            last = pending_space = ""
            continue
        label = _label(ch)
        if last and (label == last or unicodedata.category(ch)[0] in "MP"):
            pending_space = ""  # the same kind again (or its marks and punctuation), after
            continue  # spaces at most: one placeholder stands for all of it
        out.append(pending_space + label)
        pending_space, last = "", label
        if found is not None:
            found.add(label)
    out.append(pending_space)
    return "".join(out)


# -- visual order -------------------------------------------------------------------

@cache
def _arabic_tables() -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """({letter: {form: presentation char}}, {alef: {form: lam-alef ligature}}) from the
    Unicode database's compatibility decompositions (no hand-typed table)."""
    forms: dict[str, dict[str, str]] = {}
    lam_alef: dict[str, dict[str, str]] = {}
    pattern = re.compile(r"<(isolated|final|initial|medial)> ([0-9A-F]{4})(?: ([0-9A-F]{4}))?")
    for cp in chain(range(0xFE70, 0xFF00), range(0xFB50, 0xFE00)):
        m = pattern.fullmatch(unicodedata.decomposition(chr(cp)))
        if not m:
            continue
        form, first, second = m.groups()
        if second is None:
            forms.setdefault(chr(int(first, 16)), {}).setdefault(form, chr(cp))
        elif first == "0644":
            lam_alef.setdefault(chr(int(second, 16)), {}).setdefault(form, chr(cp))
    return forms, lam_alef


def _drawable(ch: str) -> bool:
    return not _coverage or ord(ch) in _coverage


def _shape_arabic(text: str) -> str:
    """Arabic letters in their joined presentation forms (logical order kept)."""
    forms, lam_alef = _arabic_tables()

    def joins_left(ch: str) -> bool:  # can connect to the letter after it
        f = forms.get(ch)
        return ch in (_TATWEEL, _ZWJ) or bool(f and ("initial" in f or "medial" in f))

    def joins_right(ch: str) -> bool:  # can connect to the letter before it
        f = forms.get(ch)
        return ch in (_TATWEEL, _ZWJ) or bool(f and "final" in f)

    letters = [i for i, ch in enumerate(text) if unicodedata.category(ch) != "Mn"]
    out = list(text)
    taken = -1  # the alef a lam-alef ligature has absorbed
    for n, i in enumerate(letters):
        ch = text[i]
        if ch not in forms or i == taken:
            continue
        prev = text[letters[n - 1]] if n else ""
        nxt = text[letters[n + 1]] if n + 1 < len(letters) else ""
        after_joined = bool(prev) and joins_left(prev) and joins_right(ch)
        if ch == "\u0644" and nxt in lam_alef:  # lam + alef: one mandatory ligature
            lig = lam_alef[nxt].get("final" if after_joined else "isolated")
            if lig and _drawable(lig):
                taken = letters[n + 1]
                out[i], out[taken] = lig, ""
                continue
        before_joined = bool(nxt) and joins_left(ch) and joins_right(nxt)
        form = {(True, True): "medial", (True, False): "final",
                (False, True): "initial"}.get((after_joined, before_joined), "isolated")
        shaped = forms[ch].get(form) or forms[ch].get("isolated")
        if shaped and _drawable(shaped):
            out[i] = shaped
    return "".join(out)


def _bidi(text: str, i: int) -> str:
    return unicodedata.bidirectional(text[i]) if 0 <= i < len(text) else ""


def _number_at(text: str, i: int) -> bool:
    return _bidi(text, i) in ("EN", "AN")


def _units(run: str) -> list[str]:
    """A right-to-left run cut into what keeps its inner order: numbers (with their
    separators), a letter with its marks, single neutrals (brackets mirrored)."""
    units: list[str] = []
    i = 0
    while i < len(run):
        ch = run[i]
        cls = unicodedata.bidirectional(ch)
        if cls in ("EN", "AN") or (cls == "ET" and _number_at(run, i + 1)):
            j = i + 1
            while j < len(run) and (_bidi(run, j) in ("EN", "AN", "ET") or (
                    _bidi(run, j) == "CS" and _number_at(run, j + 1))):
                j += 1
            units.append(run[i:j])
            i = j
            continue
        j = i + 1
        while j < len(run) and unicodedata.bidirectional(run[j]) == "NSM":
            j += 1
        units.append(_MIRROR.get(ch, ch) + run[i + 1:j])
        i = j
    return units


def _close_brackets(line: str, start: int, end: int, limit: int) -> int:
    """``end`` moved on to take in closing brackets (before ``limit``) whose opening
    bracket is inside the run, so a bracketed RTL phrase keeps both brackets."""
    for opening, closing in ("()", "[]", "{}"):
        depth = line.count(opening, start, end + 1) - line.count(closing, start, end + 1)
        k = end + 1
        while depth > 0 and k < limit:
            if line[k] == closing:
                depth -= 1
                end = k
            k += 1
    return end


def _visual_line(line: str) -> str:
    classes = [unicodedata.bidirectional(ch) for ch in line]
    out: list[str] = []
    i = 0
    while i < len(line):
        if classes[i] not in ("R", "AL"):
            out.append(line[i])
            i += 1
            continue
        end = i  # the run: from a strong RTL character to the last RTL, number or mark
        k = i + 1
        while k < len(line) and classes[k] != "L":
            if classes[k] in ("R", "AL", "EN", "AN") or (classes[k] == "NSM" and end == k - 1):
                end = k
            k += 1
        end = _close_brackets(line, i, end, k)
        run = "".join(reversed(_units(line[i:end + 1])))
        if len(run) <= KEEP_TOGETHER:
            run = run.replace(" ", "\u00a0")
        out.append(run)
        i = end + 1
    return "".join(out)


def visual(text: str) -> str:
    """``text`` (already ``printable``) with right-to-left runs in drawing order, line by line.

    Apply once, just before the text is drawn: it is not idempotent.
    """
    if text.isascii() or not any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text):
        return text
    return "\n".join(_visual_line(_shape_arabic(line)) for line in text.split("\n"))
