"""Secrets (the store key, later tokens and passphrases): the only keyring importer.

There is no plaintext fallback. With no working keyring backend we fail with a
clear message; ``PYTHON_KEYRING_BACKEND`` (keyring's own variable) selects a
backend explicitly for headless machines.
"""

from __future__ import annotations

import contextlib
import secrets
from typing import Protocol

from assessor_app.errors import KeyringUnavailable

SERVICE = "assessor-app"

#: The documented key of *demo* data folders only. Their data is fictional, so
#: the demo runs on machines with no keyring. A real store never uses it.
DEMO_STORE_KEY_HEX = "64656d6f2d6f6e6c792d66696374696f6e616c2d646174612d6e6f747265616c"  # "demo-only-fictional-data-notreal"


class SecretStore(Protocol):
    def get(self, name: str) -> str | None: ...
    def set(self, name: str, value: str) -> None: ...
    def delete(self, name: str) -> None: ...
    def describe(self) -> str: ...


class MemorySecretStore:
    """In-process secrets: tests, and the fixed demo key."""

    def __init__(self, initial: dict[str, str] | None = None) -> None:
        self._values = dict(initial or {})

    def get(self, name: str) -> str | None:
        return self._values.get(name)

    def set(self, name: str, value: str) -> None:
        self._values[name] = value

    def delete(self, name: str) -> None:
        self._values.pop(name, None)

    def describe(self) -> str:
        return "in-memory"


_NO_BACKEND_HINT = (
    "The app keeps its encryption key in the operating system's keyring "
    "(Windows Credential Manager, macOS Keychain, or a Secret Service such as "
    "GNOME Keyring or KWallet on Linux) and none is available here. Unlock or "
    "install one, or set PYTHON_KEYRING_BACKEND to a working backend. "
    "To try the app without a keyring, run the demo: assessor-app --demo"
)


class KeyringSecretStore:
    """Secrets in the OS keyring, one entry per name under a per-store service name."""

    def __init__(self, scope: str) -> None:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
        chain = getattr(backend, "backends", None)
        usable = [b for b in chain] if chain is not None else [backend]
        usable = [b for b in usable if not isinstance(b, fail.Keyring)]
        if not usable:
            raise KeyringUnavailable("No OS keyring is available.", _NO_BACKEND_HINT)
        self._keyring = keyring
        self._backend = backend
        self._service = f"{SERVICE}:{scope}"

    def _call(self, fn, *args):  # type: ignore[no-untyped-def]
        from keyring.errors import KeyringError, PasswordDeleteError

        try:
            return fn(*args)
        except PasswordDeleteError:
            raise
        except KeyringError as exc:
            raise KeyringUnavailable(
                f"The OS keyring refused the request ({type(exc).__name__}).", _NO_BACKEND_HINT
            ) from None
        except EOFError:
            raise KeyringUnavailable(
                "The keyring asked for a password on a terminal with no input.", _NO_BACKEND_HINT
            ) from None

    def get(self, name: str) -> str | None:
        return self._call(self._keyring.get_password, self._service, name)

    def set(self, name: str, value: str) -> None:
        self._call(self._keyring.set_password, self._service, name, value)

    def delete(self, name: str) -> None:
        from keyring.errors import PasswordDeleteError

        with contextlib.suppress(PasswordDeleteError):
            self._call(self._keyring.delete_password, self._service, name)

    def describe(self) -> str:
        b = self._backend
        return f"{type(b).__module__}.{type(b).__name__}"


def new_store_key_hex() -> str:
    """A random 256-bit raw SQLCipher key, hex encoded."""
    return secrets.token_hex(32)


# -- sync device tokens ------------------------------------------------------------------------
SYNC_TOKEN_PREFIX = "sync-token:"


def sync_token_name(server_id: str, device_id: str) -> str:
    """One entry per enrolled device (two data folders on one computer each have their own)."""
    return f"{SYNC_TOKEN_PREFIX}{server_id}:{device_id}"


def save_sync_token(store: SecretStore, server_id: str, device_id: str, token: str) -> None:
    """Keep a device token; fails clearly if the keyring does not keep it."""
    name = sync_token_name(server_id, device_id)
    store.set(name, token)
    if store.get(name) != token:
        raise KeyringUnavailable("The keyring did not keep this computer's sync token.",
                                 "Check the keyring is unlocked and enrol again.")


def load_sync_token(store: SecretStore, server_id: str, device_id: str) -> str | None:
    return store.get(sync_token_name(server_id, device_id))


def forget_sync_token(store: SecretStore, server_id: str, device_id: str) -> None:
    store.delete(sync_token_name(server_id, device_id))
