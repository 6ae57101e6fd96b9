"""Checks behind the settings dialog's inline messages (no widgets: easy to test alone)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

LOGO_SUFFIXES = (".png", ".jpg", ".jpeg")


def folder_problem(text: str) -> str | None:
    """None if the app can write there (creating it if need be), else what is wrong."""
    if not text.strip():
        return None
    path = Path(text).expanduser()
    if not path.is_absolute():
        return "Give the full path of the folder."
    probe = path
    while not probe.exists():
        if probe.parent == probe:
            return "That folder cannot be created here."
        probe = probe.parent
    if not probe.is_dir():
        return f"{probe} is a file, not a folder."
    try:
        with tempfile.NamedTemporaryFile(dir=probe, prefix=".write-check-"):
            pass
    except OSError:
        return f"The app cannot write to {probe}. Choose a folder you can write to."
    return None


def logo_problem(text: str) -> str | None:
    if not text.strip():
        return None
    path = Path(text).expanduser()
    if path.suffix.lower() not in LOGO_SUFFIXES:
        return "The logo must be a PNG or JPEG picture."
    if not path.is_file() or not os.access(path, os.R_OK):
        return "There is no picture at that path (or it cannot be read)."
    with contextlib.suppress(OSError):
        if path.stat().st_size > 5_000_000:
            return "That picture is over 5 MB; use a smaller one."
    return None
