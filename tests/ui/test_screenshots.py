"""Screenshots of the main window (list, pages, dark palette) for people to look at.

Set ASSESSOR_APP_SCREENSHOT_DIR to save them; otherwise they are rendered and checked
only (non-null, full size, not blank).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage, QPalette, QPixmap
from pytestqt.qtbot import QtBot

from assessor_app.ui.main_window import MainWindow
from assessor_app.ui.tasks import DbRunner
from tests.ui.conftest import open_page
from tests.ui.factories import TODAY, InMemoryWorkbench

SCREENSHOT_ENV = "ASSESSOR_APP_SCREENSHOT_DIR"


def dark_palette() -> QPalette:
    pal = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#2b2b2b", QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1e1e1e", QPalette.ColorRole.AlternateBase: "#262626",
        QPalette.ColorRole.Text: "#e6e6e6", QPalette.ColorRole.Button: "#353535",
        QPalette.ColorRole.ButtonText: "#e6e6e6", QPalette.ColorRole.Highlight: "#3d8ee6",
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.Mid: "#5a5a5a",
        QPalette.ColorRole.PlaceholderText: "#9a9a9a", QPalette.ColorRole.ToolTipBase: "#353535",
        QPalette.ColorRole.ToolTipText: "#e6e6e6", QPalette.ColorRole.Link: "#7ab8ff",
    }
    for role, colour in colours.items():
        pal.setColor(role, QColor(colour))
    return pal


def _check_and_save(pixmap: QPixmap, name: str) -> None:
    assert not pixmap.isNull()
    assert pixmap.width() >= 1000 and pixmap.height() >= 700
    image = pixmap.toImage().convertToFormat(QImage.Format.Format_RGB32)
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 20, "the grab looks blank"
    folder = os.environ.get(SCREENSHOT_ENV)
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        assert pixmap.save(str(Path(folder) / f"{name}.png"))


def _window(qtbot: QtBot, runner: DbRunner, *, demo: bool = True,
            palette: QPalette | None = None) -> MainWindow:
    w = MainWindow(runner, today=lambda: TODAY, demo=demo)
    if palette is not None:
        w.setPalette(palette)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    with qtbot.waitSignal(w.list_ready, timeout=5000):
        w.set_api(InMemoryWorkbench(n_evidence=45))
    qtbot.wait(20)  # let the status bar lay out its new text
    return w


def test_screenshot_list(qtbot: QtBot, runner: DbRunner) -> None:
    _check_and_save(_window(qtbot, runner).grab(), "01-practitioner-list")


@pytest.mark.parametrize(("enrolment", "name"), [("e1", "02-page-overdue"),
                                                 ("e6", "03-page-paused-earlier"),
                                                 ("e4", "04-page-paused-now")])
def test_screenshot_page(qtbot: QtBot, runner: DbRunner, enrolment: str, name: str) -> None:
    w = _window(qtbot, runner)
    open_page(qtbot, w, enrolment)
    qtbot.wait(20)
    _check_and_save(w.grab(), name)


def test_screenshot_dark_palette(qtbot: QtBot, runner: DbRunner) -> None:
    w = _window(qtbot, runner, demo=False, palette=dark_palette())
    open_page(qtbot, w, "e7")
    w.page_view.evidence.set_standard_filter(("pqs-cf", "6"))
    qtbot.wait(20)
    _check_and_save(w.grab(), "05-page-dark")
