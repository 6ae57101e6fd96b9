"""Checking and shrinking an employer's logo before it goes into a report.

A logo comes from a path the user typed months ago: it may have gone, be some
other file renamed ``.png``, be cut short, or be a 20000 × 20000 poster that
would take a gigabyte to decode. ``prepare_logo`` reads only the header before
deciding to decode, then returns a small re-encoded copy (a few hundred pixels,
transparency flattened onto white), so every report embeds a light image and
never the original file. Each refusal is a sentence a user can act on.
"""

from __future__ import annotations

import io

from assessor_app.domain.branding import ReportLogo

MAX_FILE_BYTES = 5_000_000
MAX_PIXELS = 25_000_000  # e.g. 5000 × 5000; decoding is about 3 bytes a pixel
#: The embedded copy fits in this many pixels: about 300 dpi at the largest size
#: ``letterhead`` draws a logo (50 × 20 mm).
EMBED_BOX = (600, 240)
FORMATS = ("PNG", "JPEG")


class LogoUnusable(ValueError):
    """The picture cannot be used as a logo; ``str(exc)`` says why in plain words."""


def prepare_logo(data: bytes) -> ReportLogo:
    """A checked, shrunk copy of ``data`` (PNG or JPEG bytes); raises LogoUnusable."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if len(data) > MAX_FILE_BYTES:
        raise LogoUnusable(f"The logo file is {len(data) / 1_000_000:.0f} MB; use a picture "
                           "under 5 MB.")
    try:
        img = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        raise LogoUnusable("The logo picture has far too many pixels to use; save a smaller "
                           "copy (a few hundred pixels across is plenty).") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise LogoUnusable("The logo file is not a picture the app can read; choose a PNG or "
                           "JPEG picture.") from None
    with img:
        if img.format not in FORMATS:
            raise LogoUnusable(f"The logo is a {img.format or 'unknown'} picture; choose a PNG "
                               "or JPEG picture.")
        width, height = img.size
        if width < 1 or height < 1 or width * height > MAX_PIXELS:
            raise LogoUnusable(f"The logo picture is {width} × {height} pixels, too large to "
                               "use; save a smaller copy (a few hundred pixels across is "
                               "plenty).")
        fmt = img.format
        try:
            if fmt == "JPEG":
                img.draft("RGB", (EMBED_BOX[0] * 2, EMBED_BOX[1] * 2))  # decode at a reduced size
            img.load()
            small = _flatten(ImageOps.exif_transpose(img))
            small.thumbnail(EMBED_BOX, Image.Resampling.LANCZOS)
        except Exception:  # any decoder error means a damaged file
            raise LogoUnusable("The logo picture is damaged (it could not be read to the "
                               "end); save it again or choose another.") from None
    out = io.BytesIO()
    if fmt == "JPEG":
        small.save(out, "JPEG", quality=90, optimize=True)
    else:
        small.save(out, "PNG", optimize=True)
    return ReportLogo(out.getvalue(), fmt, small.width, small.height)


def _flatten(img):  # type: ignore[no-untyped-def]
    """RGB on white: transparency flattened (the page is white), palettes and CMYK converted."""
    from PIL import Image

    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    if img.mode.startswith("I"):  # 16-bit grey
        img = img.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    return img.convert("RGB")
