"""Typed, defaulted, versioned preferences in one JSON file (never secrets).

Modelled on Picard's typed options: each setting is declared once in ``FIELDS`` with
its type, default and check. A bad value falls back to its default with a warning
naming the field; a file that is not JSON at all is moved aside as
``settings.json.bad-<timestamp>`` (never deleted) and the app starts on defaults.
Saving writes a temporary file and renames it over the old one, so a crash mid-save
leaves the previous file intact.

No dataclasses: this module is on the GUI's path to the first paint (see paths.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SETTINGS_VERSION = 2
THEMES = ("system", "light", "dark")
MAX_TEXT = 500


def _text(v: Any) -> str | None:
    if not isinstance(v, str) or len(v) > MAX_TEXT or any(ord(c) < 32 for c in v):
        return "must be a line of text"
    return None


def _folder(v: Any) -> str | None:
    problem = _text(v)
    if problem or not v:
        return problem
    return None if os.path.isabs(os.path.expanduser(v)) else "must be a full path (or empty)"


def _int_range(lo: int, hi: int) -> Callable[[Any], str | None]:
    def check(v: Any) -> str | None:
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
            return f"must be a whole number from {lo} to {hi}"
        return None
    return check


def _float_range(lo: float, hi: float) -> Callable[[Any], str | None]:
    def check(v: Any) -> str | None:
        if isinstance(v, bool) or not isinstance(v, int | float) or not lo <= v <= hi:
            return f"must be a number from {lo:g} to {hi:g}"
        return None
    return check


def _bool(v: Any) -> str | None:
    return None if isinstance(v, bool) else "must be true or false"


def _server(v: Any) -> str | None:
    problem = _text(v)
    if problem or not v:
        return problem
    if not v.startswith(("https://", "http://")) or " " in v or len(v) < 10:
        return "must be a web address such as https://asye.example.org"
    return None


def server_key(url: str) -> str:
    """An address reduced to what names a server: 'HTTPS://Sync.Example.org/' and
    'https://sync.example.org' are the same server (scheme and host are case-blind, a
    trailing slash means nothing)."""
    url = url.strip().rstrip("/")
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url.lower()
    host, slash, path = rest.partition("/")
    return f"{scheme.lower()}://{host.lower()}{slash}{path}"


def same_server(a: str, b: str) -> bool:
    return server_key(a) == server_key(b)


def _theme(v: Any) -> str | None:
    return None if v in THEMES else "must be one of " + ", ".join(THEMES)


class Field:
    """One setting: its name, default, check (None if fine, else what is wrong) and label."""

    __slots__ = ("check", "default", "label", "name")

    def __init__(self, name: str, default: Any, check: Callable[[Any], str | None],
                 label: str) -> None:
        self.name, self.default, self.check, self.label = name, default, check, label


FIELDS: tuple[Field, ...] = (
    Field("data_folder", "", _folder, "Data folder"),
    Field("backup_folder", "", _folder, "Backup folder"),  # empty: <data folder>/backups
    Field("backups_kept", 7, _int_range(1, 365), "Backups kept"),
    Field("server_address", "", _server, "Server address"),
    Field("autosave_seconds", 0.5, _float_range(0.2, 60), "Autosave delay"),
    Field("idle_lock_minutes", 0, _int_range(0, 480), "Lock when idle for"),  # 0: off
    Field("report_logo", "", _text, "Report logo"),
    Field("employer_name", "", _text, "Employer name on reports"),
    Field("retention_years", 0, _int_range(0, 100), "Years to keep raw notes"),  # 0: forever
    Field("theme", "system", _theme, "Theme"),
    Field("assessor_name", "", _text, "Your name"),
    Field("assessor_role", "", _text, "Your role"),
    Field("assessor_registration", "", _text, "Registration number"),
    Field("assessor_employer", "", _text, "Your employer"),
    Field("first_run_done", False, _bool, "First-time set-up done"),
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}


class Settings:
    """The current preferences. Attribute names are the JSON keys (see ``FIELDS``)."""

    __slots__ = ("_extra", *(f.name for f in FIELDS))

    data_folder: str
    backup_folder: str
    backups_kept: int
    server_address: str
    autosave_seconds: float
    idle_lock_minutes: int
    report_logo: str
    employer_name: str
    retention_years: int
    theme: str
    assessor_name: str
    assessor_role: str
    assessor_registration: str
    assessor_employer: str
    first_run_done: bool

    def __init__(self, **values: Any) -> None:
        self._extra: dict[str, Any] = {}  # keys a newer version wrote: kept, written back
        for f in FIELDS:
            setattr(self, f.name, f.default)
        for name, value in values.items():
            if name not in FIELD_BY_NAME:
                raise TypeError(f"unknown setting {name!r}")
            setattr(self, name, value)

    def replace(self, **changes: Any) -> Settings:
        new = Settings(**{**self.as_dict(), **changes})
        new._extra = dict(self._extra)
        return new

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in FIELDS}

    def problems(self) -> dict[str, str]:
        """{field: what is wrong} for every value that fails its check."""
        out = {}
        for f in FIELDS:
            problem = f.check(getattr(self, f.name))
            if problem:
                out[f.name] = problem
        return out

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Settings) and other.as_dict() == self.as_dict()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Settings({self.as_dict()!r})"


class LoadResult:
    """What loading found: the settings, per-field warnings, and a notice to show once."""

    __slots__ = ("kept_aside", "notice", "settings", "warnings")

    def __init__(self, settings: Settings, warnings: list[str], notice: str = "",
                 kept_aside: Path | None = None) -> None:
        self.settings, self.warnings, self.notice, self.kept_aside = (
            settings, warnings, notice, kept_aside)

    @property
    def bad_fields(self) -> list[str]:
        """The names of the settings that fell back to their defaults (safe to log)."""
        return [w.split("'")[1] for w in self.warnings if w.count("'") >= 2]


# -- migrations: each takes the dict of version N and returns version N+1 ----------------

def _from_v1(raw: dict[str, Any]) -> dict[str, Any]:
    """Version 1 (and unversioned files) named the server ``server_url``, the autosave delay
    in milliseconds (``autosave_ms``) and the idle lock as on/off plus minutes."""
    out = dict(raw)
    if "server_url" in out:
        out.setdefault("server_address", out.pop("server_url"))
    ms = out.pop("autosave_ms", None)
    if isinstance(ms, int | float) and not isinstance(ms, bool):
        out.setdefault("autosave_seconds", ms / 1000)
    enabled = out.pop("idle_lock", None)
    if enabled is False:
        out["idle_lock_minutes"] = 0
    return out


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _from_v1}


def migrate(raw: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Bring an older file's dict up to ``SETTINGS_VERSION``; returns (dict, version it had)."""
    version = raw.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        version = 1
    found = version
    while version < SETTINGS_VERSION:
        raw = MIGRATIONS[version](raw)
        version += 1
    return raw, found


def _stamp() -> str:
    return time.strftime("%Y%m%d-%H%M%S")


def _aside_path(path: Path) -> Path:
    base = path.with_name(f"{path.name}.bad-{_stamp()}")
    candidate, n = base, 1
    while candidate.exists():
        candidate = base.with_name(f"{base.name}-{n}")
        n += 1
    return candidate


def load_settings(path: Path | None = None) -> LoadResult:
    """Read the settings file; never raises for a bad file and never deletes one."""
    from assessor_app.paths import settings_file

    path = path or settings_file()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return LoadResult(Settings(), [])
    except OSError as exc:
        return LoadResult(Settings(), [], f"Your settings file could not be read "
                          f"({exc.strerror or type(exc).__name__}); using the defaults for now.")
    try:
        raw = json.loads(data.decode("utf-8"))
        if not isinstance(raw, dict):
            raise ValueError("not an object")
    except (UnicodeDecodeError, ValueError, RecursionError):
        aside = _aside_path(path)
        try:
            os.replace(path, aside)
        except OSError:
            aside = None  # type: ignore[assignment]
        where = f" It was kept as {aside.name}." if aside else ""
        return LoadResult(Settings(), ["the settings file is not valid JSON"],
                          "Your settings file could not be read, so the app started with its "
                          f"default settings.{where} Check your folders in Settings.", aside)
    raw, found_version = migrate(raw)
    settings, warnings = Settings(), []
    for f in FIELDS:
        if f.name not in raw:
            continue
        value = raw[f.name]
        if isinstance(f.default, float) and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        problem = f.check(value)
        if problem:
            warnings.append(f"setting '{f.name}' {problem}; using the default")
        else:
            setattr(settings, f.name, value)
    settings._extra = {k: v for k, v in raw.items() if k not in FIELD_BY_NAME and k != "version"}
    if not warnings:
        if found_version < SETTINGS_VERSION:
            with contextlib.suppress(OSError):
                save_settings(settings, path)
        return LoadResult(settings, [])
    # Keep the hand-edited file as it was, then write the repaired one: the notice shows once.
    aside = _aside_path(path)
    try:
        aside.write_bytes(data)
        save_settings(settings, path)
    except OSError:
        aside = None  # type: ignore[assignment]
    names = ", ".join(w.split("'")[1] for w in warnings)
    where = f" The file as it was is kept as {aside.name}." if aside else ""
    return LoadResult(settings, warnings, f"Some settings were not valid ({names}), so their "
                      f"defaults are used.{where}", aside)


def read_settings_quietly(path: Path | None = None) -> Settings:
    """The settings as saved, for a quick look from a worker (the sync status): never
    writes, moves or warns; a bad or missing file, or a bad value, reads as the default.
    ``load_settings`` is what repairs a file and tells the user."""
    from assessor_app.paths import settings_file

    settings = Settings()
    try:
        raw = json.loads((path or settings_file()).read_bytes().decode("utf-8"))
        if not isinstance(raw, dict):
            return settings
        raw, _version = migrate(raw)
    except (OSError, UnicodeDecodeError, ValueError, RecursionError, KeyError, TypeError):
        return settings
    for f in FIELDS:
        if f.name in raw and f.check(raw[f.name]) is None:
            setattr(settings, f.name, raw[f.name])
    return settings


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write atomically (temporary file in the same folder, then rename)."""
    from assessor_app.paths import settings_file

    problems = settings.problems()
    if problems:
        from assessor_app.errors import UsageError

        name, problem = next(iter(problems.items()))
        raise UsageError(f"{FIELD_BY_NAME[name].label} {problem}.", "Nothing was saved.")
    path = path or settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"version": SETTINGS_VERSION, **settings._extra, **settings.as_dict()}
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(body, fh, indent=2, ensure_ascii=False)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return path
