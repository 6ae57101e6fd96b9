"""Every report kind renders from a real demo store: pages, fonts, furniture, signature boxes."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from pathlib import Path

import pytest

from assessor_app.domain.report_data import DetailField, ReportData, ReportKind
from assessor_app.paths import resources_dir
from assessor_app.reports import RenderedReport, render
from assessor_app.reports.blocks import BOX_H, BOX_W
from assessor_app.reports.page import FOOTER_TOP, HEADER_Y, PAGE_HEIGHT, PAGE_WIDTH
from tests.reports.conftest import TODAY, DemoStore, pdf_text, poppler

FONTS = resources_dir() / "fonts"
FINAL_HEADINGS = ("Identification and dates", "Support provided", "Evidence summary",
                  "Progression across the reviews", "Strengths",
                  "Areas for development and plan for year 2", "Recommendation", "Comments",
                  "Signatures")


def _build(demo: DemoStore, kind: str, enrolment: str) -> ReportData:
    kw = {}
    if kind == "evidence":
        full = demo.service.build("final", enrolment, today=TODAY)
        kw["evidence_id"] = next(e.id for e in full.evidence if e.kind.value == "observation")
    return demo.service.build(kind, enrolment, today=TODAY, **kw)


@pytest.fixture(scope="module")
def rendered(demo: DemoStore) -> dict[tuple[str, str], tuple[ReportData, RenderedReport]]:
    out = {}
    for who, enrolment in (("completed", demo.completed), ("mid", demo.mid_year)):
        for kind in ReportKind:
            data = _build(demo, kind.value, enrolment)
            out[(who, kind.value)] = (data, render(data, FONTS))
    return out


def _pages(pdf: bytes, tmp: Path) -> int:
    path = tmp / "info.pdf"
    path.write_bytes(pdf)
    return int(re.search(r"^Pages:\s+(\d+)", poppler("pdfinfo", str(path)), re.M).group(1))


@pytest.mark.parametrize("who", ["completed", "mid"])
@pytest.mark.parametrize("kind", [k.value for k in ReportKind])
def test_every_kind_renders_with_furniture_and_boxes(rendered, who: str, kind: str,
                                                     tmp_path: Path) -> None:
    data, r = rendered[(who, kind)]
    assert r.pdf.startswith(b"%PDF-")
    assert r.pages == _pages(r.pdf, tmp_path)
    first = pdf_text(r.pdf, tmp_path, 1, 1)
    last = pdf_text(r.pdf, tmp_path, r.pages, r.pages)
    assert f"Page 1 of {r.pages}" in first
    assert f"Page {r.pages} of {r.pages}" in last
    sha = data.meta.evidence_set_sha256
    assert re.fullmatch(r"[0-9a-f]{64}", sha)
    for text in (first, last):
        assert f"Evidence set sha256: {sha}" in text
        assert f"Document {data.meta.document_id}" in text
        assert data.meta.title in text
    assert "Signatures" in last and "Line manager" in last
    _check_boxes(r, last)


def _check_boxes(r: RenderedReport, last_text: str) -> None:
    assert set(r.signature_boxes) == {"assessor", "practitioner", "manager"}
    rects = []
    for page, (x1, y1, x2, y2) in r.signature_boxes.values():
        assert page == r.pages - 1, "the signatures close the report"
        assert 0 < x1 < x2 < PAGE_WIDTH and FOOTER_TOP < y1 < y2 < HEADER_Y - 4 < PAGE_HEIGHT
        assert x2 - x1 == pytest.approx(BOX_W) and y2 - y1 == pytest.approx(BOX_H)
        rects.append((x1, y1, x2, y2))
    for i, a in enumerate(rects):
        for b in rects[i + 1:]:
            assert a[3] <= b[1] or b[3] <= a[1] or a[2] <= b[0] or b[2] <= a[0], "boxes overlap"


def test_boxes_are_where_the_captions_were_drawn(rendered, tmp_path: Path) -> None:
    """The recorded rectangles match the page: each "Signature" caption sits on its box's top."""
    _, r = rendered[("completed", "final")]
    path = tmp_path / "b.pdf"
    path.write_bytes(r.pdf)
    html = poppler("pdftotext", "-bbox", "-f", str(r.pages), "-l", str(r.pages), str(path), "-")
    captions = [(float(m[0]), float(m[1])) for m in re.findall(
        r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="[\d.]+" yMax="([\d.]+)">Signature</word>', html)]
    assert len(captions) == 3
    for _, (x1, _y1, _x2, y2) in r.signature_boxes.values():
        top_from_top = PAGE_HEIGHT - y2
        assert any(abs(cx - x1) < 1.5 and 0 <= top_from_top - cy < 8 for cx, cy in captions)


def test_fonts_are_embedded_dejavu_only(rendered, tmp_path: Path) -> None:
    for key in (("completed", "portfolio"), ("mid", "review")):
        path = tmp_path / "f.pdf"
        path.write_bytes(rendered[key][1].pdf)
        rows = poppler("pdffonts", str(path)).splitlines()[2:]
        assert rows, "no fonts listed"
        names = " ".join(rows)
        assert "DejaVuSans" in names and "DejaVuSans-Bold" in names
        for row in rows:
            assert "Type 3" not in row
            emb = row.split()[-5]  # columns: ... emb sub uni object ID
            assert emb == "yes", row


def test_final_report_sections_and_judgements(rendered, tmp_path: Path) -> None:
    data, r = rendered[("completed", "final")]
    text = pdf_text(r.pdf, tmp_path)
    flat = " ".join(text.split())
    for h in FINAL_HEADINGS:
        assert h in flat, h
    assert "PASS" in text
    assert data.practitioner.registration_number in text
    # every standard of every framework is listed with its judgement
    for fw in data.frameworks:
        for st in fw.statements:
            assert f"{fw.short_title} {st.code} — " in flat
    assert "Supervision log" in text and "Sessions held" in text


def test_mid_year_final_report_says_nothing_is_decided(rendered, tmp_path: Path) -> None:
    data, r = rendered[("mid", "final")]
    assert data.final is None
    flat = " ".join(pdf_text(r.pdf, tmp_path).split())
    assert "No final assessment has been recorded yet" in flat
    assert "NOT YET MADE" in flat


def test_portfolio_appendix_has_every_item_and_field(rendered, tmp_path: Path) -> None:
    data, r = rendered[("completed", "portfolio")]
    flat = " ".join(pdf_text(r.pdf, tmp_path).split())
    assert "Appendix: every piece of evidence in full" in flat
    for e in data.evidence:
        assert f"{e.ref} · {e.kind.label}" in flat
        for f in e.fields:
            assert f.label in flat
            if f.long:  # the narrative's first words at least (it wraps and may split)
                words = " ".join(f.text.split()[:6])
                assert words in flat, (e.ref, f.label)


def test_review_report_is_about_one_meeting(rendered, tmp_path: Path) -> None:
    data, r = rendered[("mid", "review")]
    review = data.focus_review()
    assert review is not None and review.held_on is not None
    flat = " ".join(pdf_text(r.pdf, tmp_path).split())
    assert review.title in flat and "Evidence of the period" in flat and "Still missing" in flat
    assert " ".join(review.reasons.split()[:6]) in flat


NASTY = ("<b>not bold</b> & <i>nor this</i> &amp; 5 > 3 < 4; emoji 😀👩\u200d👧; "
         "Arabic مرحبا بالعالم; Hebrew שלום עולם; combining Zoe\u0308 and e\u0301; bell\x07; "
         "surrogate \ud800; " + "x" * 400)


def _nasty(data: ReportData, paragraphs: int = 1) -> ReportData:
    item = data.focus_evidence()
    assert item is not None
    long_text = "\n\n".join(f"Paragraph {i}. " + "Words that wrap across the line. " * 40
                            for i in range(paragraphs))
    fields = (DetailField("Nasty <field> & label", NASTY, long=True),
              DetailField("Short & nasty", "<script>alert(1)</script>"),
              DetailField("Long narrative", long_text, long=True), *item.fields)
    new = dataclasses.replace(item, title="Title with <tags> & ampersands 😀", fields=fields)
    return dataclasses.replace(data, evidence=tuple(new if e.id == item.id else e
                                                    for e in data.evidence))


def test_nasty_text_renders_literally(rendered, tmp_path: Path) -> None:
    data = _nasty(rendered[("mid", "evidence")][0], paragraphs=40)
    r = render(data, FONTS)
    assert r.pages >= 4, "40 long paragraphs split across pages"
    text = pdf_text(r.pdf, tmp_path)
    flat = " ".join(text.split())
    assert "<b>not bold</b> & <i>nor this</i> &amp; 5 > 3 < 4" in flat
    assert "<script>alert(1)</script>" in flat
    assert "Title with <tags> & ampersands" in flat
    assert "Nasty <field> & label" in flat
    assert "Paragraph 39." in flat
    assert "\x07" not in text
    # drawn right to left (Arabic in its joined forms), so a reader gets them back in order
    logical = unicodedata.normalize("NFKC", text)
    for words in ("שלום עולם", "مرحبا بالعالم"):
        assert words in logical
    assert "emoji [emoji];" in flat and "ampersands [emoji]" in flat  # not a box, not dropped
    assert "Zoë and é" in flat  # combining accents composed (NFC)
    assert r.notices and "[emoji]" in r.notices[0]
    assert "x" * 100 in flat.replace(" ", ""), "the 400-character word is split, not dropped"
    _check_boxes(r, pdf_text(r.pdf, tmp_path, r.pages, r.pages))


def test_text_never_runs_off_the_page(rendered, tmp_path: Path) -> None:
    """Every word of a nasty record lies inside the page margins (long words are broken)."""
    r = render(_nasty(rendered[("mid", "evidence")][0]), FONTS)
    path = tmp_path / "n.pdf"
    path.write_bytes(r.pdf)
    html = poppler("pdftotext", "-bbox", str(path), "-")
    boxes = [tuple(map(float, m)) for m in re.findall(
        r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', html)]
    assert boxes
    for x1, y1, x2, y2 in boxes:
        assert x1 >= 40 and x2 <= PAGE_WIDTH - 40 and y1 >= 20 and y2 <= PAGE_HEIGHT - 20


def test_table_header_repeats_on_every_page(tmp_path: Path) -> None:
    from assessor_app.reports.blocks import data_table
    from assessor_app.reports.fonts import register_fonts
    from assessor_app.reports.page import Furniture, build_pdf

    register_fonts(FONTS)
    rows = [[f"E{i}", "1 Jan 2026", "Observation", "A title " * (1 + i % 5)] for i in range(1, 301)]
    result = build_pdf([data_table(["Ref", "Date", "Kind", "Title"], rows, [1, 1.5, 2, 4])],
                       Furniture("T", "W", "id", "0" * 64))
    assert result.pages >= 3
    path = tmp_path / "t.pdf"
    path.write_bytes(result.pdf)
    for page in range(1, result.pages + 1):
        text = poppler("pdftotext", "-layout", "-f", str(page), "-l", str(page), str(path), "-")
        lines = [ln.split() for ln in text.splitlines() if ln.strip()]
        assert lines[1] == ["Ref", "Date", "Kind", "Title"], (page, lines[:3])
        assert lines[2][0].startswith("E"), "a data row follows the repeated header"
