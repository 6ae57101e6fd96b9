"""The running app's settings: saved through here, applied at once where that is practical.

Autosave delay, idle lock and theme change live; the data folder applies at the next start
(the store is already open). The server address is checked against this device's
enrolment at once (the sync status reads it; the window's sync part listens to ``changed``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QWidget

from assessor_app.settings import Settings, save_settings
from assessor_app.ui.theme import apply_theme
from assessor_app.ui.widgets.autosave import set_default_delay_ms

if TYPE_CHECKING:
    from assessor_app.keystore import SecretStore
    from assessor_app.ui.idle_lock import IdleLock
    from assessor_app.ui.tasks import DbRunner

log = logging.getLogger(__name__)

RESTART_FIELDS = ("data_folder",)


def default_secrets() -> SecretStore:
    from assessor_app.keystore import app_secrets

    return app_secrets()


class Preferences(QObject):
    changed = Signal(object)  # the new Settings

    def __init__(self, settings: Settings, path: Path | None = None, *,
                 secrets: Callable[[], SecretStore] = default_secrets,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.path = path  # None: the user's config folder
        self._secrets_factory = secrets
        self._secrets: SecretStore | None = None
        self.idle_lock: IdleLock | None = None
        self._window: QWidget | None = None

    def secrets(self) -> SecretStore:
        """The keyring entries for the PIN (built on first use: it may raise KeyringUnavailable)."""
        if self._secrets is None:
            self._secrets = self._secrets_factory()
        return self._secrets

    def save(self, new: Settings) -> list[str]:
        """Write the file, apply what can change live; returns the labels needing a restart."""
        save_settings(new, self.path)
        old, self.settings = self.settings, new
        log.info("settings saved (%d changed)", sum(
            1 for k, v in new.as_dict().items() if old.as_dict()[k] != v))
        self.apply()
        if old.theme != new.theme:
            self.repaint_views()
        self.changed.emit(new)
        return [k for k in RESTART_FIELDS if getattr(old, k) != getattr(new, k)]

    def apply_theme(self) -> None:
        apply_theme(self.settings.theme)

    def repaint_views(self) -> None:
        """Views that put palette colours into rich text render again (list, page, agenda)."""
        refresh = getattr(self._window, "refresh", None)
        if self._window is not None and shiboken6.isValid(self._window) and callable(refresh):
            refresh()

    def apply(self) -> None:
        s = self.settings
        set_default_delay_ms(round(s.autosave_seconds * 1000))
        self.apply_theme()
        if self.idle_lock is not None:  # the keyring is asked only when a lock is wanted
            on = s.idle_lock_minutes > 0 and self._pin_set()
            self.idle_lock.configure(minutes=s.idle_lock_minutes if on else 0)

    def _pin_set(self) -> bool:
        from assessor_app.errors import AppError
        from assessor_app.keystore import has_pin

        try:
            return has_pin(self.secrets())
        except AppError:
            return False

    def check_pin(self, pin: str) -> bool:
        from assessor_app.keystore import check_pin

        return check_pin(self.secrets(), pin)

    def attach(self, window: QWidget, runner: DbRunner | None = None) -> None:
        """Theme, autosave delay and the idle lock for this window."""
        from assessor_app.ui.idle_lock import IdleLock

        if self.idle_lock is not None or not shiboken6.isValid(window):
            return
        def run_check(fn: Callable[[], bool], done: Callable[[bool], None]) -> None:
            if runner is None or runner.stopped:
                done(fn())
                return
            runner.run_op(fn).on_success(done).on_failure(lambda _exc: done(False))

        self._window = window
        self.idle_lock = IdleLock(window, self.check_pin, run_check=run_check)
        self.apply()
        app = QApplication.instance()
        if isinstance(app, QApplication):  # the OS switched light/dark: theme.py has followed
            app.styleHints().colorSchemeChanged.connect(self._on_scheme_changed)

    def _on_scheme_changed(self, _scheme: object) -> None:  # a method: disconnected with self
        if self.settings.theme == "system":
            self.repaint_views()
