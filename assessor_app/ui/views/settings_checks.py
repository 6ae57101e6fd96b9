"""Checks behind the settings dialog's inline messages (no widgets: easy to test alone).

The logo check lives with the reports' branding (``services.branding``), so the
dialog and every report judge a logo the same way.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from assessor_app.services.branding import logo_problem

__all__ = ["folder_problem", "logo_problem"]


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
