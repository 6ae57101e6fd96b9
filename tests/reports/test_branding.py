"""The employer's logo and name on a report: where they go, how big, and what is refused.

Layout is checked on the real PDF with poppler (pdftohtml positions, pdfimages,
pdftotext), rendered from a real encrypted demo store.
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest
from PIL import Image

from assessor_app.domain.branding import ReportBranding, ReportLogo
from assessor_app.domain.report_data import ReportData
from assessor_app.paths import resources_dir
from assessor_app.reports import render
from assessor_app.reports.letterhead import LOGO_BOX, logo_size
from assessor_app.reports.logo import EMBED_BOX, LogoUnusable, prepare_logo
from assessor_app.reports.page import PAGE_WIDTH
from assessor_app.reports.styles import PAGE_MARGIN_X
from tests.reports.conftest import TODAY, DemoStore, pdf_text
from tests.reports.logos import (
    BAD_KINDS,
    BAD_REASONS,
    EMPLOYER,
    bad_logo,
    first_page_layout,
    images_list,
    make_logo,
    png_bytes,
)

FONTS = resources_dir() / "fonts"


@pytest.fixture(scope="module")
def final(demo: DemoStore) -> ReportData:
    return demo.service.build("final", demo.completed, today=TODAY)


def logo_of(path: Path) -> ReportLogo:
    return prepare_logo(path.read_bytes())


# -- the logo file --------------------------------------------------------------------

def test_a_logo_is_shrunk_and_flattened_onto_white(tmp_path: Path) -> None:
    logo = logo_of(make_logo(tmp_path / "l.png", (3000, 1000)))
    assert (logo.format, logo.width, logo.height) == ("PNG", 600, 200)  # aspect kept
    img = Image.open(io.BytesIO(logo.data))
    assert img.mode == "RGB" and img.getpixel((599, 0)) == (255, 255, 255)  # was transparent
    assert img.getpixel((100, 100)) == (31, 90, 140)
    small = logo_of(make_logo(tmp_path / "s.png", (120, 40)))
    assert (small.width, small.height) == (120, 40)  # never enlarged
    jpeg = logo_of(make_logo(tmp_path / "j.jpg", (2400, 2400), "JPEG"))
    assert jpeg.format == "JPEG" and jpeg.width <= EMBED_BOX[0] and jpeg.height == EMBED_BOX[1]
    assert "bytes" in repr(jpeg) and str(jpeg.data[:8]) not in repr(jpeg)


@pytest.mark.parametrize("kind", [k for k in BAD_KINDS if k != "missing"])
def test_an_unusable_logo_is_refused_with_a_reason(kind: str, tmp_path: Path) -> None:
    path = bad_logo(kind, tmp_path)
    data = path.read_bytes()
    if kind == "30 MB":
        with pytest.raises(LogoUnusable, match="under 5 MB"):
            prepare_logo(data)
        return
    with pytest.raises(LogoUnusable, match=BAD_REASONS[kind]):
        prepare_logo(data)


def test_a_gif_or_a_picture_too_big_to_decode_is_refused(tmp_path: Path) -> None:
    buf = io.BytesIO()
    Image.new("RGB", (50, 50)).save(buf, "GIF")
    with pytest.raises(LogoUnusable, match="GIF picture; choose a PNG or JPEG"):
        prepare_logo(buf.getvalue())
    with pytest.raises(LogoUnusable, match="6000 × 5000 pixels, too large"):
        prepare_logo(png_bytes((6000, 5000)))


@pytest.mark.parametrize(("pixels", "drawn"), [
    ((600, 200), (LOGO_BOX[0], LOGO_BOX[0] / 3)),  # wide: as wide as the box
    ((240, 240), (LOGO_BOX[1], LOGO_BOX[1])),  # square: as high as the box
    ((100, 600), (LOGO_BOX[1] / 6, LOGO_BOX[1])),  # tall
    ((40, 20), (30.0, 15.0)),  # tiny: its own size at 96 dpi, not blown up
])
def test_logo_fits_the_box_with_its_aspect_kept(pixels: tuple[int, int],
                                                drawn: tuple[float, float]) -> None:
    w, h = logo_size(ReportLogo(b"", "PNG", *pixels))
    assert (w, h) == pytest.approx(drawn)
    assert w <= LOGO_BOX[0] + 1e-6 and h <= LOGO_BOX[1] + 1e-6


# -- on the page ------------------------------------------------------------------------

def test_logo_heads_page_one_above_the_title_and_the_name_runs_in_every_footer(
        final: ReportData, tmp_path: Path) -> None:
    branding = ReportBranding(EMPLOYER, logo_of(make_logo(tmp_path / "l.png")))
    r = render(final, FONTS, branding)
    images, texts = first_page_layout(r.pdf, tmp_path)
    assert len(images) == 1
    logo = images[0]
    assert logo.width == pytest.approx(LOGO_BOX[0], abs=1.5)
    assert logo.height == pytest.approx(LOGO_BOX[0] / 3, abs=1.5)
    assert logo.left == pytest.approx(PAGE_MARGIN_X, abs=1.5)
    header, title = [b for t, b in texts if t == "Final assessment report"]  # header, title
    assert header.bottom < logo.top, "the logo sits below the running header"
    assert logo.bottom + 10 < title.top, "and well clear of the title"
    name = next(b for t, b in texts if t == EMPLOYER)
    assert name.left > logo.left + logo.width and logo.top <= name.top <= logo.bottom
    assert [row["page"] for row in images_list(r.pdf, tmp_path)] == ["1"]  # on page 1 only
    for page in (1, r.pages // 2, r.pages):
        footer = pdf_text(r.pdf, tmp_path, page, page)
        assert f"Page {page} of {r.pages}" in footer and EMPLOYER in footer
    assert r.notices == ()


def test_without_branding_the_report_is_as_before(final: ReportData, tmp_path: Path) -> None:
    plain = render(final, FONTS)
    empty = render(final, FONTS, ReportBranding())
    assert pdf_text(plain.pdf, tmp_path) == pdf_text(empty.pdf, tmp_path)
    assert plain.pages == empty.pages
    assert images_list(plain.pdf, tmp_path) == []
    named = render(final, FONTS, ReportBranding(EMPLOYER))
    assert images_list(named.pdf, tmp_path) == []
    assert pdf_text(named.pdf, tmp_path, 1, 1).count(EMPLOYER) == 2  # letterhead and footer


def test_a_long_employer_name_is_shortened_in_the_footer_not_run_into_the_page_number(
        final: ReportData, tmp_path: Path) -> None:
    long_name = "The Royal Borough of " + "Very Long Name " * 8 + "Council"
    r = render(final, FONTS, ReportBranding(long_name))
    _, texts = first_page_layout(r.pdf, tmp_path)
    page_no = next(b for t, b in texts if t.startswith("Page 1 of"))
    footer_name = next(b for t, b in texts if t.startswith("The Royal") and t.endswith("…"))
    assert footer_name.left + footer_name.width < page_no.left
    assert page_no.left + page_no.width <= PAGE_WIDTH - PAGE_MARGIN_X + 1


def test_an_anonymised_copy_never_carries_the_branding(demo: DemoStore, tmp_path: Path) -> None:
    data = demo.service.build("moderation", demo.completed, today=TODAY)
    assert data.meta.anonymised
    r = render(data, FONTS, ReportBranding(EMPLOYER, logo_of(make_logo(tmp_path / "l.png"))))
    assert EMPLOYER not in pdf_text(r.pdf, tmp_path)
    assert images_list(r.pdf, tmp_path) == []
    named = dataclasses.replace(data, meta=dataclasses.replace(data.meta, anonymised=False))
    assert EMPLOYER in pdf_text(render(named, FONTS, ReportBranding(EMPLOYER)).pdf, tmp_path)


def test_a_logo_without_a_name_heads_the_page_alone(final: ReportData, tmp_path: Path) -> None:
    r = render(final, FONTS, ReportBranding("", logo_of(make_logo(tmp_path / "l.png"))))
    images, texts = first_page_layout(r.pdf, tmp_path)
    assert len(images) == 1
    footer = [t for t, b in texts if b.top > images[0].bottom and t.startswith("Document ")]
    assert footer == [f"Document {final.meta.document_id}"]  # nothing squeezed in beside it
