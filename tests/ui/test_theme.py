"""Theme: light, dark and following the OS; every meaning colour still readable in dark mode."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from assessor_app.ui import colours
from assessor_app.ui.main_window import MainWindow
from assessor_app.ui.theme import _follow, apply_theme, dark_palette
from assessor_app.ui.views.editor_parts import _TONES
from assessor_app.ui.widgets.privacy_highlighter import UNDERLINE
from tests.ui.conftest import open_page

SHOTS = Path(__file__).resolve().parents[2] / "screenshots"
R = QPalette.ColorRole


def luminance(c: QColor) -> float:
    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())


def contrast(a: QColor, b: QColor) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def over(fill: QColor, background: QColor) -> QColor:
    """A translucent fill as it looks on its background."""
    a = fill.alphaF()
    return QColor.fromRgbF(*(a * f + (1 - a) * b for f, b in zip(
        (fill.redF(), fill.greenF(), fill.blueF()),
        (background.redF(), background.greenF(), background.blueF()), strict=True)))


@pytest.fixture
def restore_theme(qapp: QApplication) -> Iterator[None]:
    yield
    apply_theme("light")
    apply_theme("system")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_meaning_colour_reads_on_its_background(qapp: QApplication, restore_theme: None,
                                                      theme: str) -> None:
    apply_theme(theme)
    pal = qapp.palette()
    assert colours.is_dark(pal) == (theme == "dark")
    window, base = pal.color(R.Window), pal.color(R.Base)
    text = pal.color(R.Text)
    assert contrast(text, base) >= 7
    assert contrast(colours.overdue_red(pal), window) >= 4.5
    assert contrast(QColor("#ffffff"), colours.badge_red()) >= 4.5
    for level in range(4):
        assert contrast(colours.heat_text(level, pal), colours.heat_fill(level, pal)) >= 4.5
    for i in range(len(colours.STAGE_HUES)):
        for current in (True, False):
            for background in (base, window):  # titles are drawn on the band
                band = over(colours.stage_fill(i, pal, current=current), background)
                assert contrast(pal.color(R.WindowText), band) >= 4.5, (i, current)
    assert contrast(colours.muted_text(pal), base) >= 4.5
    assert contrast(UNDERLINE, base) >= 3  # a non-text mark (WCAG 1.4.11)
    for background, foreground in _TONES.values():  # status chips carry their own background
        assert contrast(QColor(foreground), QColor(background)) >= 4.5


def test_system_follows_the_os_scheme(qapp: QApplication, restore_theme: None) -> None:
    apply_theme("system")
    light = qapp.palette().color(R.Window)
    hints = qapp.styleHints()
    hints.setColorScheme(Qt.ColorScheme.Dark)  # what the OS reports (offscreen: as asked)
    _follow(qapp)
    dark_now = colours.is_dark(qapp.palette())
    hints.unsetColorScheme()
    _follow(qapp)
    if hints.colorScheme() == Qt.ColorScheme.Dark:
        pytest.skip("the platform reports a dark scheme already")
    assert qapp.palette().color(R.Window) == light
    if qapp.styleHints().colorScheme() != Qt.ColorScheme.Unknown or dark_now:
        assert dark_now


def test_dark_then_light_overrides_and_screenshots(qtbot: QtBot, window: MainWindow,
                                                   restore_theme: None) -> None:
    open_page(qtbot, window, "e7")
    SHOTS.mkdir(exist_ok=True)
    for theme in ("light", "dark"):
        apply_theme(theme)
        with qtbot.waitSignal(window.page_ready, timeout=5000):
            window.refresh()  # what Preferences does after a theme change
        qtbot.wait(20)
        assert colours.is_dark(window.palette()) == (theme == "dark")
        image = window.grab()
        assert not image.isNull()
        image.save(str(SHOTS / f"theme-{theme}.png"))
    assert window.palette().color(R.Window) == dark_palette().color(R.Window)


def test_dialogs_in_dark_mode(qtbot: QtBot, runner: object, restore_theme: None,
                              tmp_path: Path) -> None:
    from assessor_app.settings import Settings
    from assessor_app.ui.error_dialog import ErrorDialog
    from assessor_app.ui.preferences import Preferences
    from assessor_app.ui.views.settings_dialog import SettingsDialog

    apply_theme("dark")
    prefs = Preferences(Settings(), tmp_path / "s.json")
    d = SettingsDialog(prefs, runner, None)  # type: ignore[arg-type]
    qtbot.addWidget(d)
    d.show()
    d.edits["server_address"].setText("not a web address")  # type: ignore[attr-defined]
    d.tabs.setCurrentIndex(1)
    qtbot.wait(50)  # let the tab lay out before the grab
    problem = d.problems["server_address"]
    assert contrast(problem.palette().color(R.WindowText), d.palette().color(R.Window)) >= 4.5 \
        or contrast(colours.overdue_red(d.palette()), d.palette().color(R.Window)) >= 4.5
    d.grab().save(str(SHOTS / "settings-dark.png"))
    e = ErrorDialog(RuntimeError("x"))
    qtbot.addWidget(e)
    e.show()
    e.grab().save(str(SHOTS / "error-dialog-dark.png"))
    assert colours.is_dark(e.palette())
