"""The app icon: the shipped files are sound, and the window uses them."""

from __future__ import annotations

import struct

from PySide6.QtCore import QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from assessor_app.paths import resources_dir
from assessor_app.ui.qt_app import app_icon, run_gui
from tests.ui.factories import TODAY, InMemoryWorkbench

ICONS = resources_dir() / "icons"


def test_every_png_size_is_square_and_not_blank(qapp: QApplication) -> None:
    sizes = []
    for png in sorted(ICONS.glob("assessor-app-*.png")):
        image = QImage(str(png))
        size = int(png.stem.rsplit("-", 1)[1])
        assert (image.width(), image.height()) == (size, size), png.name
        centre = image.pixelColor(size // 2, size // 2)
        corner = image.pixelColor(0, 0)
        assert centre.alpha() == 255 and corner.alpha() == 0, png.name  # rounded, opaque face
        sizes.append(size)
    assert {16, 32, 48, 256, 512} <= set(sizes)


def test_ico_and_icns_hold_several_png_sizes() -> None:
    ico = (ICONS / "assessor-app.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1) and count >= 4
    dims = [ico[6 + 16 * i] or 256 for i in range(count)]
    assert {16, 32, 48, 256} <= set(dims)
    icns = (ICONS / "assessor-app.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    assert b"ic07" in icns and b"ic10" in icns and icns.count(b"\x89PNG") >= 5


def test_the_running_app_uses_the_icon(qapp: QApplication) -> None:
    assert {16, 32, 256} <= {s.width() for s in app_icon().availableSizes()}
    seen: dict[str, object] = {}

    def look_and_quit() -> None:  # once the window is up and its list filled
        windows = [w for w in QApplication.topLevelWidgets()
                   if hasattr(w, "list_view") and w.isVisible()]
        if not (windows and windows[-1].list_view.model.rowCount()):
            QTimer.singleShot(20, look_and_quit)
            return
        seen["sizes"] = {s.width() for s in QApplication.windowIcon().availableSizes()}
        seen["window"] = {s.width() for s in windows[-1].windowIcon().availableSizes()}
        seen["desktop"] = QApplication.desktopFileName()
        QApplication.instance().exit(0)

    QTimer.singleShot(0, look_and_quit)
    assert run_gui(InMemoryWorkbench, today=TODAY, demo=True) == 0
    assert {16, 32, 256} <= seen["sizes"]  # type: ignore[operator]
    assert seen["window"] == seen["sizes"]  # the main window shows the app's icon
    assert seen["desktop"] == "assessor-app"
