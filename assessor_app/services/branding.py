"""The employer's branding on reports, from the user's settings to a checked DTO.

Two steps, so each can run on the right thread: ``BrandingChoice`` is what the
settings say (two strings, read in a moment), ``resolve`` reads and checks the
logo file (PDF worker: decoding a picture is image work). A logo that cannot be
used never stops a report: the report is made without it and ``resolve`` says
why in one sentence, for the GUI's status line or the CLI's stderr.

``logo_problem`` is the same check the settings dialog shows under the logo field.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from assessor_app.domain.branding import ReportBranding, ReportLogo

if TYPE_CHECKING:
    from assessor_app.settings import Settings

LOGO_SUFFIXES = (".png", ".jpg", ".jpeg")
WHERE_TO_FIX = "Choose another logo in Settings → Reports, or clear the field."


@dataclass(frozen=True)
class BrandingChoice:
    """What the settings ask for: an employer name and a logo path (both may be empty)."""

    employer_name: str = ""
    logo_path: str = ""

    @classmethod
    def from_settings(cls, settings: Settings) -> BrandingChoice:
        return cls(settings.employer_name.strip(), settings.report_logo.strip())


def current_choice(settings_path: Path | None = None) -> BrandingChoice:
    """The branding the settings file asks for now (defaults if there is no file)."""
    from assessor_app.settings import load_settings

    return BrandingChoice.from_settings(load_settings(settings_path).settings)


@dataclass(frozen=True)
class BrandingResult:
    branding: ReportBranding
    notice: str = ""  # why the logo was left out; empty when all went well


def resolve(choice: BrandingChoice | None) -> BrandingResult:
    """The checked branding; a logo that cannot be used is left out with a notice."""
    if choice is None:
        return BrandingResult(ReportBranding())
    logo: ReportLogo | None = None
    notice = ""
    if choice.logo_path:
        try:
            logo = load_logo(choice.logo_path)
        except LogoProblem as exc:
            notice = f"The logo was left out of this report: {exc} {WHERE_TO_FIX}"
    return BrandingResult(ReportBranding(choice.employer_name, logo), notice)


class LogoProblem(ValueError):
    """Why a logo path cannot be used, as a sentence for the user."""


def _file_problem(path: Path) -> str | None:
    if path.suffix.lower() not in LOGO_SUFFIXES:
        return "The logo must be a PNG or JPEG picture."
    if not path.is_file() or not os.access(path, os.R_OK):
        return "There is no picture at that path (or it cannot be read)."
    from assessor_app.reports.logo import MAX_FILE_BYTES

    try:
        size = path.stat().st_size
    except OSError:
        return "There is no picture at that path (or it cannot be read)."
    if size > MAX_FILE_BYTES:
        return f"That picture is over {MAX_FILE_BYTES // 1_000_000} MB; use a smaller one."
    return None


def load_logo(text: str) -> ReportLogo:
    """The logo at ``text``, checked and shrunk; raises LogoProblem with a plain reason."""
    path = Path(text).expanduser()
    problem = _file_problem(path)
    if problem:
        raise LogoProblem(problem)
    try:
        stat = path.stat()
        return _decoded(str(path), stat.st_size, stat.st_mtime_ns)
    except OSError:
        raise LogoProblem("There is no picture at that path (or it cannot be read).") from None


@lru_cache(maxsize=4)
def _decoded(path: str, size: int, mtime_ns: int) -> ReportLogo:
    """Cached by path, size and modification time: the dialog re-checks on every keystroke."""
    from assessor_app.reports.logo import MAX_FILE_BYTES, LogoUnusable, prepare_logo

    with open(path, "rb") as fh:
        data = fh.read(MAX_FILE_BYTES + 1)
    try:
        return prepare_logo(data)
    except LogoUnusable as exc:
        raise LogoProblem(str(exc)) from None


def logo_problem(text: str) -> str | None:
    """None if ``text`` is empty or names a usable logo, else what is wrong (one sentence)."""
    if not text.strip():
        return None
    try:
        load_logo(text.strip())
    except LogoProblem as exc:
        return str(exc)
    return None
