"""The Qt part of ``assessor-app --self-test``: plugins, fonts and the real main window.

A frozen bundle that lost a Qt plugin or has no usable font still imports fine; it
fails only when a window is made. This shows the main window offscreen over the
self-test's store, waits for the practitioner list, and grabs it.

A missing platform plugin makes Qt abort the process (not raise), so the plugin
file is looked for first and reported as a failed check instead.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QEventLoop, QLibraryInfo, QTimer
from PySide6.QtGui import QFont, QFontDatabase, QFontInfo, QFontMetrics, QImage, QImageReader
from PySide6.QtWidgets import QApplication

LIST_TIMEOUT_MS = 20_000


class QtCheckFailed(Exception):
    """A Qt piece is missing or broken; the message says which."""


def _plugin_file(platform: str) -> Path | None:
    folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    for candidate in folder.glob(f"*q{platform}*"):
        return candidate
    return None


def _distinct_colours(image: QImage, samples: int = 40) -> int:
    seen = set()
    for i in range(samples):
        for j in range(samples):
            x = (image.width() - 1) * i // (samples - 1)
            y = (image.height() - 1) * j // (samples - 1)
            seen.add(image.pixel(x, y))
    return len(seen)


def _load_bundled_fonts(fonts_dir: Path) -> list[str]:
    families: list[str] = []
    for ttf in sorted(fonts_dir.glob("*.ttf")):
        font_id = QFontDatabase.addApplicationFont(str(ttf))
        if font_id < 0:
            raise QtCheckFailed(f"Qt could not load the bundled font {ttf.name}.")
        families += QFontDatabase.applicationFontFamilies(font_id)
    return sorted(set(families))


def check_window(api: Any, today: date, fonts_dir: Path, shot: Path | None = None) -> dict[str, Any]:
    """Show the main window over ``api`` (or empty if None); returns what was seen.

    Raises QtCheckFailed with a plain reason when something a user would see is broken.
    """
    platform = os.environ.get("QT_QPA_PLATFORM", "offscreen").split(":")[0]
    if _plugin_file(platform) is None:
        raise QtCheckFailed(f"The Qt platform plugin '{platform}' is not in the bundle "
                            f"({QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)}).")
    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)

    from assessor_app.ui.main_window import MainWindow
    from assessor_app.ui.qt_app import app_icon, use_bundled_font_if_needed
    from assessor_app.ui.tasks import DbRunner

    system_families = len(QFontDatabase.families())
    font_source = use_bundled_font_if_needed(app)  # as the app does at start-up
    face = QFontInfo(app.font()).family()
    if not face:
        raise QtCheckFailed("Qt found no font to draw text with: every letter would be a box.")
    bundled = _load_bundled_fonts(fonts_dir)
    if "DejaVu Sans" not in bundled:
        raise QtCheckFailed(f"The bundled fonts in {fonts_dir} did not include DejaVu Sans.")
    if QFontMetrics(QFont("DejaVu Sans", 10)).horizontalAdvance("Assessor") <= 0:
        raise QtCheckFailed("Text in DejaVu Sans has no width: Qt's font engine is not working.")

    icon_sizes = sorted(size.width() for size in app_icon().availableSizes())
    if not icon_sizes:
        raise QtCheckFailed("The app icon (resources/icons/assessor-app-*.png) is not in the bundle.")

    runner = DbRunner()
    window = MainWindow(runner, today=lambda: today)
    rows = -1
    try:
        window.show()
        if api is not None:
            loop = QEventLoop()
            window.list_ready.connect(loop.quit)
            timer = QTimer(window, singleShot=True, interval=LIST_TIMEOUT_MS)
            timer.timeout.connect(loop.quit)
            timer.start()
            window.set_api(api)
            loop.exec()
            rows = len(window.list_view.visible_names())
            if rows <= 0:
                raise QtCheckFailed("The main window showed no practitioners from the store.")
        app.processEvents()
        image = window.grab().toImage()
        if image.isNull() or image.width() < 400:
            raise QtCheckFailed("Grabbing the main window gave no picture.")
        colours = _distinct_colours(image)
        if colours < 3:
            raise QtCheckFailed("The main window painted as a blank rectangle.")
        if shot is not None:
            shot.parent.mkdir(parents=True, exist_ok=True)
            image.save(str(shot))
    finally:
        runner.shutdown()
        window.close()
        window.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    formats = {bytes(f.data()).decode() for f in QImageReader.supportedImageFormats()}
    return {
        "platform": app.platformName(),
        "qt": QLibraryInfo.version().toString(),
        "default_font": face,
        "font_source": font_source,
        "system_font_families": system_families,
        "bundled_fonts": bundled,
        "window": f"{image.width()}x{image.height()}",
        "colours": colours,
        "rows": rows,
        "svg": "svg" in formats,
        "icon_sizes": icon_sizes,
    }
