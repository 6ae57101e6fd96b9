"""Which server a store syncs with: its enrolment, checked against the ``server_address`` setting.

The enrolment kept in the store (``sync_state["server"]``: address, server id, device id,
CA bundle, with the device token in the keyring filed under server and device id) is the
truth about *where this device can sync*: only that server knows this device and its
token. The setting is what the person *wants*: it fills in the address when they enrol,
every enrolment writes it back (so the two agree), and when it later names another server
sync stops and says so plainly, instead of sending work to a server the person has moved
away from or ignoring what they typed. Another server needs a new enrolment (a code).

settings.json lives outside the data folder and names one data folder (``data_folder``,
or the usual place), so the setting speaks for that store only: a store opened with
``--data-dir`` elsewhere (a second folder, a test device) follows its own enrolment.
"""

from __future__ import annotations

import logging
from pathlib import Path

from assessor_app.sync.client import SyncError

log = logging.getLogger(__name__)


class ServerChanged(SyncError):
    """The settings name another server than the one this device is enrolled with."""


def server_changed_error(enrolled: str, wanted: str) -> ServerChanged:
    return ServerChanged(
        f"This laptop is connected to {enrolled}, but Settings name {wanted} as your server. "
        f"It has not been enrolled with {wanted}, so nothing was sent to either server.",
        f"To use {wanted}, enrol again with a new code from your coordinator "
        "(assessor-app enrol --code CODE takes the address from Settings). "
        f"To keep using {enrolled}, put that address back in Settings.")


class AddressSetting:
    """The ``server_address`` setting as it applies to the store in ``root``."""

    def __init__(self, root: Path, settings_path: Path | None = None) -> None:
        self._root = root
        self._path = settings_path

    def applies(self) -> bool:
        """True when the settings describe this store (it is the data folder they choose)."""
        from assessor_app.paths import DataPaths

        try:
            chosen = DataPaths.resolve(None).root.expanduser().resolve()
            return chosen == self._root.expanduser().resolve()
        except (OSError, RuntimeError):
            return False

    def wanted(self) -> str:
        """The address the settings name for this store ("" when none, or not this store)."""
        if not self.applies():
            return ""
        from assessor_app.settings import read_settings_quietly

        return read_settings_quietly(self._path).server_address

    def remember(self, url: str) -> None:
        """After an enrolment: the setting names the server this store is now enrolled with.
        A settings file that cannot be written does not undo the enrolment (it is logged;
        the mismatch then shows in the sync status until the setting is fixed)."""
        if not self.applies():
            return
        from assessor_app import settings
        from assessor_app.errors import AppError

        try:
            current = settings.load_settings(self._path).settings
            if current.server_address != url:
                settings.save_settings(current.replace(server_address=url), self._path)
        except (AppError, OSError) as exc:
            log.warning("could not write the server address to the settings (%s)",
                        type(exc).__name__)
