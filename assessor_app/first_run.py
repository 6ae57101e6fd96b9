"""First-run set-up without Qt: the steps the wizard runs, each on the GUI's DB thread.

Creating a store writes ``SETUP-INCOMPLETE`` into the data folder first; the last
step removes it. A set-up stopped half-way (cancelled, crashed) therefore leaves a
store the next start recognises and resumes, never a half-made one it ignores.
Nothing here deletes anything.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from assessor_app.errors import AppError
from assessor_app.paths import DataPaths

if TYPE_CHECKING:
    from assessor_app.app import AppContext
    from assessor_app.services.assessor_profile import Profile
    from assessor_app.services.signing import SignerIdentity

log = logging.getLogger(__name__)

INCOMPLETE_MARKER = "SETUP-INCOMPLETE"
#: store.keys.STORE_FILE, not imported: this module is on every start's path before the
#: first paint, and store.keys brings keystore and dataclasses (~12 ms).
STORE_FILE = "store.json"
#: keystore's "module.Class" of a keyring backend → what a user knows it as.
BACKEND_NAMES = {
    "keyring.backends.SecretService.Keyring": "Secret Service (GNOME Keyring or KWallet)",
    "keyring.backends.kwallet.DBusKeyring": "KWallet",
    "keyring.backends.Windows.WinVaultKeyring": "Windows Credential Manager",
    "keyring.backends.macOS.Keyring": "macOS Keychain",
    "keyring.backends.chainer.ChainerBackend": "the operating system's keyring",
    "keyrings.cryptfile.cryptfile.CryptFileKeyring": "encrypted keyring file (keyrings.cryptfile)",
}


def needs_setup(paths: DataPaths) -> bool:
    """True for a new data folder (no store yet) or a set-up that was not finished."""
    if paths.demo_marker.exists():
        return False
    if (paths.root / INCOMPLETE_MARKER).exists():
        return True
    # store.json without the DB is a damaged store: the start-up recovery offers a backup.
    return not paths.db.exists() and not (paths.root / STORE_FILE).exists()


def backend_label(described: str) -> str:
    return BACKEND_NAMES.get(described, described)


class FirstRunSetup:
    """The wizard's back end: owns (or borrows) the store context while the wizard runs.

    Built on the GUI thread (it only stores arguments); every other method runs on the
    DB thread. ``api`` is the running app's api when the wizard is re-run from the
    settings; otherwise the store is created here in ``paths``.
    """

    def __init__(self, paths: DataPaths | None = None, api: Any = None) -> None:
        if paths is None and api is None:
            raise ValueError("FirstRunSetup needs a data folder or the app's api")
        self._paths = paths
        self._api = api
        self._ctx: AppContext | None = None
        self._owns_ctx = False

    # -- the store ------------------------------------------------------------------
    @property
    def rerun(self) -> bool:
        return self._api is not None

    def context(self) -> AppContext:
        if self._ctx is None:
            if self._api is not None:
                build = getattr(self._api, "context", None)
                self._ctx = build() if callable(build) else self._api
            else:
                from assessor_app.app import open_context

                assert self._paths is not None
                self._ctx = open_context(self._paths, create=False)
                self._owns_ctx = True
        return self._ctx

    @property
    def paths(self) -> DataPaths:
        return self._paths if self._paths is not None else self.context().paths

    def store_exists(self) -> bool:
        return self.rerun or self.paths.db.exists()

    def keyring_backend(self) -> str:
        """The keyring the key goes to, in words; KeyringUnavailable when there is none."""
        from assessor_app.app import keyring_secrets

        return backend_label(keyring_secrets().describe())

    def create_store(self) -> tuple[str, bool]:
        """Create (or, when resuming, open) the encrypted store: (its file, True if it existed)."""
        if self.store_exists():
            self.context()
            return str(self.paths.db), True
        from assessor_app.app import keyring_secrets, open_context

        secrets = keyring_secrets()  # no keyring: stop before anything is written
        paths = self.paths
        paths.ensure()
        marker = paths.root / INCOMPLETE_MARKER
        marker.write_text("The first-run set-up of this store was not finished; the app "
                          "resumes it on the next start.\n", encoding="utf-8")
        try:
            self._ctx = open_context(paths, create=True, secrets=secrets)
        except BaseException:
            if not paths.db.exists():
                marker.unlink(missing_ok=True)  # our own note; no store was made
            raise
        self._owns_ctx = True
        log.info("new store created by the first-run set-up")
        return str(paths.db), False

    # -- recovery passphrase (services.recovery) --------------------------------------
    def has_recovery_passphrase(self) -> bool:
        from assessor_app.services import recovery

        return recovery.has_recovery_passphrase(self.paths)

    def new_recovery_passphrase(self) -> str:
        from assessor_app.services import recovery

        return recovery.create_recovery_passphrase(self.paths, self.context().secrets)

    def check_recovery_passphrase(self, passphrase: str) -> bool:
        from assessor_app.services import recovery

        return recovery.check_recovery_passphrase(self.paths, passphrase)

    # -- who the user is ------------------------------------------------------------
    def current_profile(self) -> Profile | None:
        from assessor_app.services.assessor_profile import AssessorProfileService

        profile = AssessorProfileService(self.context().database).current()
        if profile is None:
            profile = _profile_from_settings()
        return profile

    def save_profile(self, profile: Profile) -> Profile:
        from assessor_app.services.assessor_profile import AssessorProfileService

        saved = AssessorProfileService(self.context().database).save(profile)
        _write_settings(identity=saved)
        return saved

    def signing_identity(self, profile: Profile) -> SignerIdentity | None:
        """The user's signing key (made now if new); None for roles that never sign."""
        if not profile.signs_reports or not profile.person_id:
            return None
        from assessor_app.services.signing import SigningKeyMissing

        signing = self.context().signing
        identity = signing.identity("person", profile.person_id, profile.name, profile.role,
                                    profile.registration_number, profile.employer)
        try:
            signing.signer_for(identity)
        except SigningKeyMissing:  # a store restored on a new laptop: its keyring lacks the key
            identity = signing.new_identity(identity, profile.employer)
        return identity

    # -- server ---------------------------------------------------------------------
    def can_enrol(self) -> bool:
        sync = getattr(self.context(), "sync", None)
        return callable(getattr(sync, "enrol", None))

    def enrol(self, server: str, code: str) -> object:
        sync = getattr(self.context(), "sync", None)
        enrol = getattr(sync, "enrol", None)
        if not callable(enrol):
            raise AppError("This version of the app cannot connect to a server yet.",
                           "Skip this step; you can enrol later from the Sync menu.")
        import platform

        # services.sync.SyncService.enrol(server_url, code, device_name, ca_bundle=None)
        result = enrol(server.strip(), code.strip(), platform.node() or "computer")
        # the address as the enrolment keeps it (normalised), so the two always agree
        _write_settings(server=getattr(result, "server_url", "") or server.strip())
        return result

    def server_address(self) -> str:
        """The address in the settings (to fill in the server page when run again)."""
        from assessor_app import settings

        return settings.read_settings_quietly().server_address

    # -- the end --------------------------------------------------------------------
    def finish(self) -> None:
        marker = self.paths.root / INCOMPLETE_MARKER
        if marker.exists():
            marker.unlink()
        _write_settings(done=True)

    def close(self) -> None:
        if self._ctx is not None and self._owns_ctx:
            self._ctx.close()
        self._ctx = None


def _profile_from_settings() -> Profile | None:
    from assessor_app import settings

    try:
        loaded = settings.load_settings()
    except (AppError, OSError, ValueError):
        return None
    s = loaded.settings
    if not s.assessor_name:
        return None
    from assessor_app.services.assessor_profile import Profile

    return Profile(s.assessor_name, s.assessor_role or "assessor", s.assessor_registration,
                   s.assessor_employer)


def _write_settings(*, identity: Profile | None = None, server: str | None = None,
                    done: bool = False) -> None:
    """Record who the user is, the server and that the set-up is done, in settings.json."""
    from assessor_app import settings

    current = settings.load_settings().settings
    changes: dict[str, object] = {}
    if identity is not None:
        changes.update(assessor_name=identity.name, assessor_role=identity.role,
                       assessor_registration=identity.registration_number,
                       assessor_employer=identity.employer)
        if not current.employer_name:
            changes["employer_name"] = identity.employer
    if server is not None:
        changes["server_address"] = server
    if done:
        changes["first_run_done"] = True
    changes = {k: v for k, v in changes.items() if k in settings.FIELD_BY_NAME}
    if changes:
        settings.save_settings(current.replace(**changes))
