"""About the workbench: version, what it is, and the licence notices of what it bundles.

Library names, versions and licences are read from the installed packages'
metadata (``importlib.metadata``), with the full licence text where the package
ships one, so the notices cannot go stale. Fonts come from resources/fonts.
"""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass
from importlib import metadata

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from assessor_app import __version__
from assessor_app.paths import resources_dir

#: (shown name, distribution names to try, licence to state when the metadata has none)
LIBRARIES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("PySide6 / Qt", ("PySide6", "PySide6_Essentials"), "LGPL-3.0-only"),
    ("SQLAlchemy", ("SQLAlchemy",), ""),
    ("Alembic", ("alembic",), ""),
    ("SQLCipher (sqlcipher3)", ("sqlcipher3", "sqlcipher3-wheels", "sqlcipher3-binary"),
     "zlib (sqlcipher3); SQLCipher itself: BSD-style (Zetetic)"),
    ("keyring", ("keyring",), ""),
    ("ReportLab", ("reportlab",), ""),
    ("pyHanko", ("pyHanko",), ""),
    ("pyhanko-certvalidator", ("pyhanko-certvalidator",), ""),
    ("cryptography", ("cryptography",), ""),
    ("pydantic", ("pydantic",), ""),
    ("HTTPX", ("httpx",), ""),
    ("platformdirs", ("platformdirs",), ""),
    ("PyYAML", ("PyYAML",), ""),
)
QT_NOTE = (
    "Qt and PySide6 are used under the GNU Lesser General Public License version 3 "
    "(LGPL-3.0). You may replace the Qt and PySide6 libraries this app uses with your own "
    "builds; their source code is available from https://download.qt.io/ and "
    "https://code.qt.io/. The licence text: https://www.gnu.org/licenses/lgpl-3.0.html"
)
ABOUT = ("The assessor workbench keeps the portfolios of early-career social workers "
         "(ASYE) for their assessors: observations, feedback, reviews and the final "
         "assessment, in an encrypted store on this computer, with signed PDF reports.")


@dataclass(frozen=True)
class Notice:
    name: str
    version: str
    licence: str
    text: str


def _licence_of(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    expression = meta.get("License-Expression")
    if expression:
        return str(expression)
    short = (meta.get("License") or "").strip()
    if short and "\n" not in short and len(short) < 80:
        return short
    classifiers = [c.rsplit("::", 1)[-1].strip() for c in meta.get_all("Classifier") or []
                   if c.startswith("License ::")]
    return ", ".join(classifiers) or (short.splitlines()[0][:80] if short else "")


def _licence_text(dist: metadata.Distribution) -> str:
    texts = []
    for f in dist.files or []:
        if f.name.upper().startswith(("LICENSE", "LICENCE", "COPYING")) and "dist-info" in str(f):
            body = f.read_text(encoding="utf-8")
            if body:
                texts.append(body.strip())
    return "\n\n".join(texts)


def library_notices() -> list[Notice]:
    out = []
    for name, candidates, stated in LIBRARIES:
        dist = None
        for candidate in candidates:
            try:
                dist = metadata.distribution(candidate)
                break
            except metadata.PackageNotFoundError:
                continue
        if dist is None:
            out.append(Notice(name, "not installed", stated or "unknown", ""))
            continue
        licence = _licence_of(dist) or stated or "see the licence text"
        try:
            text = _licence_text(dist)
        except (OSError, UnicodeDecodeError):
            text = ""
        if name.startswith("PySide6"):
            text = QT_NOTE + ("\n\n" + text if text else "")
        out.append(Notice(name, dist.version, licence, text or "No licence file was bundled "
                          f"with this package; its licence is {licence}."))
    return out


def font_notice() -> Notice:
    path = resources_dir() / "fonts" / "LICENSE-DejaVu.txt"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        text = f"The font licence file is missing ({path})."
    return Notice("DejaVu fonts (in reports)", "", "Bitstream Vera / DejaVu licence", text)


def version_details() -> str:
    """What support staff need, one fact a line (no names, paths or keys)."""
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    lines = [f"Assessor workbench {__version__}",
             f"Python {platform.python_version()} ({sys.platform}, {platform.machine()})",
             f"PySide6 {pyside_version}, Qt {qVersion()}"]
    lines += [f"{n.name} {n.version}" for n in library_notices() if not n.name.startswith("PySide")]
    return "\n".join(lines)


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About the assessor workbench")
        self.setAccessibleName("About the assessor workbench")
        self.resize(760, 600)
        heading = QLabel(f"<h2>Assessor workbench {__version__}</h2><p>{ABOUT}</p>", self)
        heading.setWordWrap(True)
        heading.setAccessibleName("About this app")
        heading.setTextFormat(Qt.TextFormat.RichText)
        self.notices = [font_notice(), *library_notices()]
        self.list = QListWidget(self)
        self.list.setAccessibleName("Bundled fonts and libraries")
        for n in self.notices:
            version = f" {n.version}" if n.version else ""
            self.list.addItem(f"{n.name}{version} — {n.licence}")
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Licence text")
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.list)
        split.addWidget(self.text)
        split.setSizes([200, 360])
        self.list.currentRowChanged.connect(self._show)
        self.list.setCurrentRow(0)
        licences = QLabel("&Licences of the fonts and libraries it includes:", self)
        licences.setBuddy(self.list)
        self.copy_button = QPushButton("&Copy version details", self)
        self.copy_button.setAccessibleName("Copy version details")
        self.copy_button.clicked.connect(self.copy_details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(licences)
        layout.addWidget(split, 1)
        layout.addWidget(buttons)

    def _show(self, row: int) -> None:
        if 0 <= row < len(self.notices):
            self.text.setPlainText(self.notices[row].text)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(version_details())
        self.copy_button.setText("Copied ✓")
