"""Secrets (the store key, later tokens and passphrases): the only keyring importer.

There is no plaintext fallback. With no working keyring backend we fail with a
clear message; ``PYTHON_KEYRING_BACKEND`` (keyring's own variable) selects a
backend explicitly for headless machines.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
from typing import Any, Protocol

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


#: Set to 1 to take the frozen app's explicit backend choice from source (tests).
EXPLICIT_BACKEND_ENV = "ASSESSOR_APP_EXPLICIT_KEYRING"
#: The platform's backends in order of preference, as (module, class) in keyring.backends.
_PLATFORM_BACKENDS: dict[str, tuple[tuple[str, str], ...]] = {
    "win32": (("Windows", "WinVaultKeyring"),),
    "darwin": (("macOS", "Keyring"),),
    "linux": (("SecretService", "Keyring"), ("kwallet", "DBusKeyring")),
}
_explicit_done = False


def _explicit_backend(platform: str) -> Any:
    """The first usable backend of ``platform``, else keyring's always-failing one."""
    import importlib

    from keyring.backends import fail

    for module, name in _PLATFORM_BACKENDS.get(platform, _PLATFORM_BACKENDS["linux"]):
        try:
            cls = getattr(importlib.import_module(f"keyring.backends.{module}"), name)
        except ImportError:
            continue
        if cls.viable:  # False when its library, bus or service is missing
            return cls()
    return fail.Keyring()


def select_backend_if_frozen() -> None:
    """A frozen app has no entry points, so keyring would find no backend: name it ourselves.

    Only when frozen (or forced by ``ASSESSOR_APP_EXPLICIT_KEYRING=1``), only once, and
    never over ``PYTHON_KEYRING_BACKEND``, which still wins as in keyring itself.
    """
    global _explicit_done
    forced = os.environ.get(EXPLICIT_BACKEND_ENV) == "1"
    if _explicit_done or not (getattr(sys, "frozen", False) or forced):
        return
    _explicit_done = True
    if os.environ.get("PYTHON_KEYRING_BACKEND"):
        return
    import keyring

    keyring.set_keyring(_explicit_backend(sys.platform))


def backend_status() -> tuple[str, bool]:
    """(the keyring backend in use, whether it can store anything); never raises."""
    select_backend_if_frozen()
    import keyring
    from keyring.backends import fail

    try:
        backend = keyring.get_keyring()
    except Exception as exc:  # e.g. PYTHON_KEYRING_BACKEND names a module that is not there
        return f"none ({type(exc).__name__} while loading the configured backend)", False
    chain = getattr(backend, "backends", None)
    found = list(chain) if chain is not None else [backend]
    usable = [b for b in found if not isinstance(b, fail.Keyring)]
    names = [f"{type(b).__module__}.{type(b).__name__}" for b in usable or found]
    return ", ".join(names), bool(usable)


class KeyringSecretStore:
    """Secrets in the OS keyring, one entry per name under a per-store service name."""

    def __init__(self, scope: str) -> None:
        select_backend_if_frozen()
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


# -- the idle-lock PIN: only a salted scrypt hash is kept, in the keyring ------------------

PIN_ENTRY = "idle-lock-pin"
PIN_MIN_LENGTH = 4
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


def app_secrets() -> SecretStore:
    """The keyring entries that belong to the app rather than to one store (the PIN)."""
    return KeyringSecretStore("app")


def hash_pin(pin: str) -> str:
    """``scrypt$n$r$p$salt$hash`` (hex): slow on purpose, salted, never the PIN itself."""
    import hashlib

    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R,
                            p=_SCRYPT_P, dklen=32)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    import hashlib
    import hmac

    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(pin.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r),
                             p=int(p), dklen=len(digest) // 2)
    except ValueError:
        return False
    return hmac.compare_digest(got.hex(), digest)


def set_pin(store: SecretStore, pin: str) -> None:
    from assessor_app.errors import UsageError

    if len(pin) < PIN_MIN_LENGTH or pin.strip() != pin:
        raise UsageError(f"A PIN needs at least {PIN_MIN_LENGTH} characters, with no spaces "
                         "at either end.", "Choose a longer PIN.")
    store.set(PIN_ENTRY, hash_pin(pin))


def has_pin(store: SecretStore) -> bool:
    return bool(store.get(PIN_ENTRY))


def check_pin(store: SecretStore, pin: str) -> bool:
    stored = store.get(PIN_ENTRY)
    return bool(stored) and pin_matches(pin, stored or "")


def clear_pin(store: SecretStore) -> None:
    store.delete(PIN_ENTRY)
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
