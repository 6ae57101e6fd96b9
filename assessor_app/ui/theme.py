"""Light, dark, or whatever the OS says (Qt's colour scheme, followed as it changes).

Qt applies the OS scheme itself on most platforms; where it reports Dark but leaves a
light palette (some Linux desktops, the offscreen platform), or when the user forces a
scheme, the palettes below are set explicitly. ``colours.py`` reads the palette, so its
meaning colours switch with it.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from assessor_app.ui.colours import is_dark

_original: dict[int, QPalette] = {}
_following: dict[int, bool] = {}


def dark_palette() -> QPalette:
    p = QPalette()
    R, G = QPalette.ColorRole, QPalette.ColorGroup
    for role, colour in ((R.Window, "#2b2b2b"), (R.WindowText, "#e8e8e8"), (R.Base, "#1f1f1f"),
                         (R.AlternateBase, "#333333"), (R.ToolTipBase, "#3a3a3a"),
                         (R.ToolTipText, "#f0f0f0"), (R.Text, "#e8e8e8"), (R.Button, "#353535"),
                         (R.ButtonText, "#e8e8e8"), (R.BrightText, "#ffffff"),
                         (R.Highlight, "#3d7cc9"), (R.HighlightedText, "#ffffff"),
                         (R.Link, "#8ab4f8"), (R.LinkVisited, "#c58af9"),
                         (R.PlaceholderText, "#a0a0a0"), (R.Light, "#505050"),
                         (R.Midlight, "#404040"), (R.Mid, "#303030"), (R.Dark, "#1a1a1a"),
                         (R.Shadow, "#000000")):
        p.setColor(role, QColor(colour))
    for role in (R.WindowText, R.Text, R.ButtonText):
        p.setColor(G.Disabled, role, QColor("#7a7a7a"))
    return p


def light_palette(app: QApplication) -> QPalette:
    base = _original.get(id(app))
    if base is not None and not is_dark(base):
        return QPalette(base)
    return app.style().standardPalette() if not is_dark(app.style().standardPalette()) \
        else QPalette(QColor("#efefef"))


def system_is_dark(app: QApplication) -> bool:
    from PySide6.QtCore import Qt  # the namespace's first import builds its enums (~11 ms)

    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


def apply_theme(theme: str, app: QApplication | None = None, *, follow: bool = True) -> None:
    """"system", "light" or "dark"; takes effect at once, in every open window.

    ``follow=False`` (start-up, before the first paint): a "system" theme trusts the palette
    Qt chose and is checked against the OS scheme later (``Preferences.attach``); asking for
    the scheme costs the first paint ~11 ms. Where the platform reports Dark but leaves a
    light palette, the first frame is light.
    """
    app = app or QApplication.instance()  # type: ignore[assignment]
    if app is None or (theme == "system" and not follow):
        return  # nothing to change yet: Qt's own palette stands until it is checked
    key = id(app)
    if key not in _original:
        _original[key] = QPalette(app.palette())
        app.styleHints().colorSchemeChanged.connect(lambda _s: _follow(app))
    _following[key] = theme == "system"
    hints = app.styleHints()
    if theme in ("dark", "light"):
        from PySide6.QtCore import Qt
    if theme == "dark":
        hints.setColorScheme(Qt.ColorScheme.Dark)
        app.setPalette(dark_palette())
    elif theme == "light":
        hints.setColorScheme(Qt.ColorScheme.Light)
        app.setPalette(light_palette(app))
    else:
        hints.unsetColorScheme()
        if follow:
            _follow(app)


def _follow(app: QApplication) -> None:
    if not _following.get(id(app)):
        return
    original = _original[id(app)]
    if system_is_dark(app):
        wanted = original if is_dark(original) else dark_palette()
    else:
        wanted = original if not is_dark(original) else light_palette(app)
    if app.palette() != wanted:  # setting a palette repaints every widget: only on a change
        app.setPalette(wanted)
