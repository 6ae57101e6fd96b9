"""Odd Unicode in report text: never a box, never silently gone, never backwards.

Unit checks of ``printable`` and ``visual``, then the real thing: a PDF laid out
with the embedded fonts and read back with poppler's pdftotext.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessor_app.paths import resources_dir
from assessor_app.reports import printable as pr
from assessor_app.reports.fonts import register_fonts
from assessor_app.reports.printable import collecting, notice_for, printable, visual
from assessor_app.reports.styles import clean
from tests.reports.conftest import pdf_text

FONTS = resources_dir() / "fonts"


@pytest.fixture(scope="module", autouse=True)
def fonts() -> None:
    register_fonts(FONTS)  # tells ``printable`` what the fonts can draw


def drawable(text: str) -> bool:
    return all(ord(ch) in pr._coverage or ch in "\n\t" for ch in text)


@pytest.mark.parametrize(("text", "shown"), [
    ("Thumbs 👍 up", "Thumbs [emoji] up"),
    ("family 👩\u200d👧\u200d👦 and 👍🏽👍🏽 done", "family [emoji] and [emoji] done"),
    ("flag 🇬🇧 and 🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f", "flag [emoji] and [emoji]"),
    ("keycap 1\ufe0f\u20e3", "keycap 1[emoji]"),
    ("王小明 and さくら and 김민준", "[Chinese or Japanese text] and [Japanese text] and [Korean text]"),
    ("王 小 明。", "[Chinese or Japanese text]"),
    ("Name: আমার নাম, age 9", "Name: [Bengali text], age 9"),
    ("private \U000f0001 use", "private [?] use"),
    ("Zoe\u0308 and Jose\u0301", "Zoë and José"),  # NFC: one accented letter each
    ("a\u200bb\u200cc\u200dd\u2060e\ufeff\u00adf\u200eg\u202eh", "abcdefgh"),  # invisible
    ("star ★ check ✓ smile ☺\ufe0f", "star ★ check ✓ smile ☺"),  # the font has these
    ("𝐛𝐨𝐥𝐝 and ＡＢＣ", "bold and ABC"),  # compatibility forms folded to drawable letters
    ("plain ASCII <b>&", "plain ASCII <b>&"),
])
def test_printable(text: str, shown: str) -> None:
    assert printable(text) == shown
    assert drawable(printable(text))


def test_placeholders_used_are_recorded_for_one_notice() -> None:
    with collecting() as found:
        printable("ok 👍 王 and 👍")
    assert found == {"[emoji]", "[Chinese or Japanese text]"}
    notice = notice_for(found)
    assert "[Chinese or Japanese text], [emoji]" in notice and "cannot be printed" in notice
    assert notice_for(set()) == ""
    assert printable("👍") == "[emoji]"  # outside ``collecting`` nothing is recorded, no error


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_any_text_comes_out_drawable_and_cleaning_twice_changes_nothing(text: str) -> None:
    once = clean(text)  # control characters out, then ``printable``
    assert drawable(once)
    assert clean(once) == once
    if text.strip():
        invisible = (pr._invisible(ch) or ch.isspace() or unicodedata.category(ch) == "Cc"
                     for ch in text)
        assert once.strip() or all(invisible), \
            "visible text never vanishes without a trace"


def test_right_to_left_runs_are_put_in_drawing_order() -> None:
    assert visual("Hebrew שלום עולם end") == "Hebrew םלוע\u00a0םולש end"
    assert visual("דירה 12 ב") == "ב\u00a012\u00a0הריד"  # the number keeps its own order
    assert visual("(שלום)") == "(םולש)"  # brackets around the run stay as they are
    assert visual("שלום (עולם) end") == "(םלוע)\u00a0םולש end"  # inside it: mirrored
    assert visual("מחיר 50% היום") == "םויה\u00a050%\u00a0ריחמ"  # the percentage kept whole
    assert visual("only LTR — café") == "only LTR — café"
    assert visual("line one\nשלום") == "line one\nםולש"


def test_arabic_letters_take_their_joined_forms() -> None:
    shown = visual("مرحبا")
    # م initial, ر final, ح initial, ب medial, ا final; drawn right to left
    assert shown == "\ufe8e\ufe92\ufea3\ufeae\ufee3"
    assert unicodedata.normalize("NFKC", shown)[::-1] == "مرحبا"
    assert visual("لا") == "\ufefb"  # lam-alef is one ligature
    # ب initial, ا final; ل initial (alef does not join on), ع medial, ا final; ل initial, م final
    assert visual("بالعالم") == "".join(reversed("\ufe91\ufe8e\ufedf\ufecc\ufe8e\ufedf\ufee2"))


def test_odd_text_in_a_pdf_reads_back_as_the_reader_should_see_it(tmp_path: Path) -> None:
    from assessor_app.reports.page import Furniture, build_pdf
    from assessor_app.reports.styles import paragraphs

    text = ("Emoji 👍 and 👩\u200d👧 here.\n\nArabic مرحبا بالعالم and Hebrew שלום עולם end.\n\n"
            "Accents Zoe\u0308 Łódź José.\n\nCJK 王小明 then さくら.\n\nJoiners a\u200db\u200cc.")
    with collecting() as found:
        story = paragraphs(text)
        pdf = build_pdf(story, Furniture("Odd text", "Ünïcødé 👍", "doc-1", "0" * 64)).pdf
    out = pdf_text(pdf, tmp_path)
    flat = " ".join(unicodedata.normalize("NFKC", out).split())
    assert "Emoji [emoji] and [emoji] here." in flat
    assert "מרחבא" not in flat and "مرحبا بالعالم" in flat and "שלום עולם" in flat
    assert "Accents Zoë Łódź José." in flat
    assert "CJK [Chinese or Japanese text] then [Japanese text]." in flat
    assert "Joiners abc." in flat
    assert "Ünïcødé [emoji]" in flat  # the running header too
    assert "\ufffd" not in out and "👍" not in out
    assert found == {"[emoji]", "[Chinese or Japanese text]", "[Japanese text]"}
