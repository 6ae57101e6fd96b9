"""Where things live on disk: data folders, bundled resources and migrations.

Resolved once in the composition root and passed down; nothing here creates
folders at import time. Works from a source checkout, an installed wheel and a
PyInstaller bundle (``sys._MEIPASS``).
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

APP_NAME = "assessor-app"
DB_FILENAME = "workbench.db"
ENV_DATA_DIR = "ASSESSOR_APP_DATA_DIR"
ENV_CONFIG_DIR = "ASSESSOR_APP_CONFIG_DIR"
ENV_LOG_DIR = "ASSESSOR_APP_LOG_DIR"
SETTINGS_FILENAME = "settings.json"
LOG_FILENAME = "assessor-app.log"


def _bundle_root() -> Path:
    """The folder that holds resources/ and migrations/ (the repo, or the frozen bundle)."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    here = _bundle_root() / "resources"
    if here.is_dir():
        return here
    return Path(__file__).resolve().parent / "resources"  # installed wheel layout


def migrations_dir() -> Path:
    here = _bundle_root() / "migrations"
    if here.is_dir():
        return here
    return Path(__file__).resolve().parent / "migrations"


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_demo_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False)) / "demo"


def config_dir() -> Path:
    """Where settings.json lives: outside the data folder, since the data folder is a setting."""
    env = os.environ.get(ENV_CONFIG_DIR)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


def settings_file() -> Path:
    return config_dir() / SETTINGS_FILENAME


def log_dir() -> Path:
    """The rotating log's folder (platformdirs' user log dir; ``ASSESSOR_APP_LOG_DIR`` wins)."""
    env = os.environ.get(ENV_LOG_DIR)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_log_dir

    return Path(user_log_dir(APP_NAME, appauthor=False))


def configured_data_folder() -> str | None:
    """The data folder chosen in the settings, read without side effects (None if unset or
    unreadable: ``settings.load_settings`` is what reports and repairs a bad file)."""
    import json

    try:
        with open(settings_file(), "rb") as fh:
            value = json.loads(fh.read(1_000_000)).get("data_folder")
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, str) and value.strip() else None


class DataPaths:
    """Every file the app keeps in one data folder.

    A plain immutable class rather than a dataclass: it is on the GUI's path to the
    first paint, and ``dataclasses`` (with ``inspect``) costs about 50 ms to import.
    """

    __slots__ = ("root",)
    root: Path

    def __init__(self, root: str | os.PathLike[str]) -> None:
        object.__setattr__(self, "root", Path(root))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("DataPaths is immutable")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DataPaths) and other.root == self.root

    def __hash__(self) -> int:
        return hash(self.root)

    def __repr__(self) -> str:
        return f"DataPaths({str(self.root)!r})"

    @classmethod
    def resolve(cls, data_dir: str | os.PathLike[str] | None) -> DataPaths:
        if data_dir:
            return cls(Path(data_dir).expanduser().resolve())
        env = os.environ.get(ENV_DATA_DIR) or configured_data_folder()
        if env:
            return cls(Path(env).expanduser().resolve())
        return cls(default_data_dir())

    @property
    def db(self) -> Path:
        return self.root / DB_FILENAME

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def settings(self) -> Path:
        return self.root / "settings.json"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def demo_marker(self) -> Path:
        """Present only in a demo data folder: its store uses the documented demo key."""
        return self.root / "DEMO-DATA-FICTIONAL.txt"

    def ensure(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            os.chmod(self.root, 0o700)
