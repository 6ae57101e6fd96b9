"""Render resources/icons/assessor-app.svg to the PNG sizes, a Windows .ico and a macOS .icns.

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/icons.py

Run after editing the SVG; the outputs are committed. Both container formats hold
PNG images (Windows Vista and later, macOS 10.7 and later read them), so nothing
beyond Qt is needed.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 256)
# icns element types holding PNG data, by pixel size.
ICNS_TYPES = ((b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256),
              (b"ic09", 512), (b"ic10", 1024))


def render(renderer: QSvgRenderer, size: int) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data().data())


def ico(images: dict[int, bytes]) -> bytes:
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in images.items():
        dim = 0 if size >= 256 else size  # 0 means 256 in the directory entry
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(png), offset + len(blobs))
        blobs += png
    return header + entries + blobs


def icns(images: dict[bytes, bytes]) -> bytes:
    body = b"".join(kind + struct.pack(">I", 8 + len(png)) + png for kind, png in images.items())
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv)
    renderer = QSvgRenderer(str(ICONS / "assessor-app.svg"))
    if not renderer.isValid():
        print(f"icons.py: {ICONS / 'assessor-app.svg'} is not a valid SVG", file=sys.stderr)
        return 1
    for size in PNG_SIZES:
        (ICONS / f"assessor-app-{size}.png").write_bytes(render(renderer, size))
    (ICONS / "assessor-app.ico").write_bytes(ico({s: render(renderer, s) for s in ICO_SIZES}))
    (ICONS / "assessor-app.icns").write_bytes(
        icns({kind: render(renderer, size) for kind, size in ICNS_TYPES}))
    print(f"icons.py: wrote {len(PNG_SIZES)} PNGs, assessor-app.ico and assessor-app.icns "
          f"to {ICONS}")
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
