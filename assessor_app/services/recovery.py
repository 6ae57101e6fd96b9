"""The recovery passphrase: the one way to open a store (or its backups) on a new computer.

The passphrase is 20 characters of Crockford base32 in five groups (100 bits), e.g.
``7KQM-3XPD-W9HT-...``: readable aloud, no I, L, O or U to confuse, and typed back in
any case with or without the dashes. It is shown once and never stored or logged.
What is stored, in ``recovery.json`` beside ``store.json`` and in every backup's
header, is the store key wrapped with AES-256-GCM under a key derived from the
passphrase with scrypt (salt and cost parameters stored with it).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import secrets as pysecrets
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assessor_app.keystore import SecretStore
from assessor_app.paths import DataPaths
from assessor_app.store.backup_file import (
    RECOVERY_FILE,
    BackupInvalid,
    BackupWrongPassphrase,
    load_envelope,
)
from assessor_app.store.keys import is_demo_folder, resolve_key

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
GROUPS, GROUP_LEN = 5, 4  # 20 symbols x 5 bits = 100 bits
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**16, 8, 1  # about 0.25 s and 64 MiB here
_MAX_N = 2**20
_ENVELOPE_FORMAT = 1
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})


def generate_passphrase() -> str:
    symbols = [pysecrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LEN)]
    return "-".join("".join(symbols[i:i + GROUP_LEN]) for i in range(0, len(symbols), GROUP_LEN))


def normalise(passphrase: str) -> str:
    """What the user typed, in canonical form: upper case, no spaces or dashes, O→0, I/L→1."""
    return "".join(c for c in passphrase.upper() if c.isalnum()).translate(_CONFUSABLE)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _kek(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(normalise(passphrase).encode("ascii", "ignore"), salt=salt, n=n, r=r,
                          p=p, maxmem=256 * r * n + (1 << 20), dklen=32)


def wrap_key(key_hex: str, passphrase: str, store_id: str) -> dict[str, Any]:
    """The store key sealed under the passphrase; the store id is bound in as associated data."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt, nonce = os.urandom(16), os.urandom(12)
    kek = _kek(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    sealed = AESGCM(kek).encrypt(nonce, bytes.fromhex(key_hex), store_id.encode("utf-8"))
    return {
        "format": _ENVELOPE_FORMAT, "store_id": store_id,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "kdf": {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "salt": _b64(salt)},
        "cipher": {"name": "AES-256-GCM", "nonce": _b64(nonce), "sealed": _b64(sealed)},
    }


def unwrap_key(envelope: dict[str, Any], passphrase: str) -> str:
    """The store key (hex) from an envelope; BackupWrongPassphrase if the passphrase is wrong."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        kdf, cipher = envelope["kdf"], envelope["cipher"]
        n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
        salt = base64.b64decode(kdf["salt"], validate=True)
        nonce = base64.b64decode(cipher["nonce"], validate=True)
        sealed = base64.b64decode(cipher["sealed"], validate=True)
        store_id = str(envelope["store_id"])
        if kdf["name"] != "scrypt" or cipher["name"] != "AES-256-GCM":
            raise ValueError("unknown algorithm")
        if not (2 <= n <= _MAX_N and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16):
            raise ValueError("cost parameters out of range")
    except (KeyError, TypeError, ValueError):
        raise BackupInvalid("The recovery data is damaged or from an unknown version.",
                            "Use another backup, or a newer version of the app.") from None
    try:
        key = AESGCM(_kek(passphrase, salt, n, r, p)).decrypt(nonce, sealed, store_id.encode())
    except (InvalidTag, ValueError):
        raise BackupWrongPassphrase(
            "That recovery passphrase is not the one for this store.",
            "Check it against the copy you kept (letters and digits only; case, spaces and "
            "dashes do not matter). Nothing was changed.") from None
    return key.hex()


def recovery_file(paths: DataPaths) -> Path:
    return paths.root / RECOVERY_FILE


def read_envelope(paths: DataPaths) -> dict[str, Any] | None:
    """This store's passphrase-wrapped key, or None if no passphrase was created."""
    return load_envelope(paths.root)


def write_envelope(paths: DataPaths, envelope: dict[str, Any]) -> None:
    """Atomically (temporary file + rename), readable by the user only."""
    paths.ensure()
    fd, tmp = tempfile.mkstemp(prefix=".recovery-", suffix=".part", dir=paths.root)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(envelope, f, indent=2)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        with contextlib.suppress(OSError):
            os.chmod(tmp, 0o600)
        os.replace(tmp, recovery_file(paths))
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def store_secrets(paths: DataPaths, secrets: SecretStore | None) -> SecretStore | None:
    """The given secrets, else the OS keyring (none for demo folders, which use the demo key)."""
    if secrets is not None or is_demo_folder(paths):
        return secrets
    from assessor_app.keystore import KeyringSecretStore

    return KeyringSecretStore("store")


def create_recovery_passphrase(paths: DataPaths, secrets: SecretStore | None = None) -> str:
    """A new passphrase for the store in ``paths``: returned once, to show once.

    It **replaces** any previous one: from now on only the new passphrase opens
    ``recovery.json`` and the backups made after this call. Backups made earlier still
    carry the old wrapping, so they need the old passphrase on a new computer (or this
    computer's keyring). The store must exist (or be creatable: the key is made here
    the same way the store makes it).
    """
    sk = resolve_key(paths, store_secrets(paths, secrets), create=True)
    phrase = generate_passphrase()
    write_envelope(paths, wrap_key(sk.key_hex, phrase, sk.store_id))
    return phrase


def has_recovery_passphrase(paths: DataPaths) -> bool:
    """Whether the store in ``paths`` has a recovery passphrase (its envelope is there)."""
    envelope = read_envelope(paths)
    if envelope is None:
        return False
    try:
        meta = json.loads((paths.root / "store.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(meta, dict) and meta.get("store_id") == envelope.get("store_id")


def check_recovery_passphrase(paths: DataPaths, passphrase: str) -> bool:
    """True if ``passphrase`` opens this store's recovery envelope (about a quarter second)."""
    envelope = read_envelope(paths)
    if envelope is None:
        return False
    try:
        unwrap_key(envelope, passphrase)
    except (BackupWrongPassphrase, BackupInvalid):
        return False
    return True
