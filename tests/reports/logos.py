"""Logo files for the branding tests: a good one, and each way a logo goes wrong."""

from __future__ import annotations

import html
import io
import re
import struct
import subprocess
import zlib
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from tests.reports.conftest import poppler

EMPLOYER = "Westbrook Metropolitan Borough Council"  # fictional; not in the demo data


def make_logo(path: Path, size: tuple[int, int] = (900, 300), fmt: str = "PNG") -> Path:
    """A fictional logo: a blue disc and bar on a transparent (PNG) or white (JPEG) ground."""
    w, h = size
    img = Image.new("RGBA", size, (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.ellipse((0, 0, min(w, h) - 1, min(w, h) - 1), fill=(31, 90, 140, 255))
    if w > h:
        d.rectangle((h, h // 3, w - 1, 2 * h // 3), fill=(200, 60, 40, 255))
    if fmt == "JPEG":
        img = img.convert("RGB")
    img.save(path, fmt)
    return path


def huge_png_header(path: Path, width: int = 20000, height: int = 20000) -> Path:
    """A valid PNG signature and header claiming ``width`` × ``height`` pixels, with a tiny
    image body: what a decompression bomb looks like before anything is decoded."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
                     + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))
    return path


def bad_logo(kind: str, folder: Path) -> Path:
    """A logo path that cannot be used, of the given kind."""
    if kind == "missing":
        return folder / "moved-away.png"
    if kind == "not an image":
        path = folder / "minutes.png"
        path.write_text("Minutes of the team meeting\n", encoding="utf-8")
        return path
    if kind == "30 MB":
        path = folder / "poster.png"
        with open(path, "wb") as fh:
            fh.truncate(30_000_000)
        return path
    if kind == "20000 px":
        return huge_png_header(folder / "enormous.png")
    if kind == "corrupt":
        good = make_logo(folder / "whole.png", (800, 400)).read_bytes()
        path = folder / "cut-short.png"
        path.write_bytes(good[: len(good) // 2])
        return path
    raise ValueError(kind)


BAD_KINDS = ("missing", "not an image", "30 MB", "20000 px", "corrupt")
#: A word of the reason each kind gives (the reason itself is a whole sentence).
BAD_REASONS = {"missing": "no picture at that path", "not an image": "not a picture",
               "30 MB": "over 5 MB", "20000 px": "too many pixels", "corrupt": "damaged"}


@dataclass(frozen=True)
class Box:
    top: float  # points from the top of the page
    left: float
    width: float
    height: float

    @property
    def bottom(self) -> float:
        return self.top + self.height


def first_page_layout(pdf: bytes, tmp: Path) -> tuple[list[Box], list[tuple[str, Box]]]:
    """(images, [(text line, box)]) on page 1, in points from the top left (pdftohtml)."""
    path = tmp / "layout.pdf"
    path.write_bytes(pdf)
    poppler("pdftohtml", "-v")  # skips when poppler-utils is missing
    xml = subprocess.run(["pdftohtml", "-xml", "-zoom", "1", "-f", "1", "-l", "1", "-stdout",
                          str(path)], cwd=tmp, check=True, capture_output=True,
                         text=True).stdout
    images = [Box(*map(float, m)) for m in re.findall(
        r'<image top="([\d.]+)" left="([\d.]+)" width="([\d.]+)" height="([\d.]+)"', xml)]
    texts = [(html.unescape(re.sub(r"<[^>]+>", "", m[4])), Box(*map(float, m[:4])))
             for m in re.findall(r'<text top="([\d.]+)" left="([\d.]+)" width="([\d.]+)" '
                                 r'height="([\d.]+)"[^>]*>(.*?)</text>', xml)]
    return images, sorted(texts, key=lambda t: (t[1].top, t[1].left))


def images_list(pdf: bytes, tmp: Path) -> list[dict[str, str]]:
    """``pdfimages -list`` as rows of {column: value}: every image XObject, page by page."""
    path = tmp / "images.pdf"
    path.write_bytes(pdf)
    lines = poppler("pdfimages", "-list", str(path)).splitlines()
    header = lines[0].split()
    return [dict(zip(header, ln.split(), strict=False)) for ln in lines[2:] if ln.strip()]


def png_bytes(size: tuple[int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (10, 20, 30)).save(buf, "PNG")
    return buf.getvalue()
