"""Which store is in a data folder and where its key is: no SQLAlchemy here.

The data folder holds ``store.json`` (the store's id; not secret) beside the
encrypted DB. The 256-bit key lives in the OS keyring under that id, never on
disk. Demo folders (marked by a file) use the documented demo key instead.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from assessor_app.errors import StoreCorrupt, StoreKeyMissing
from assessor_app.keystore import DEMO_STORE_KEY_HEX, SecretStore, new_store_key_hex
from assessor_app.paths import DataPaths

STORE_FILE = "store.json"


@dataclass(frozen=True)
class StoreKey:
    store_id: str
    key_hex: str
    demo: bool
    existed: bool  # the DB file was there before this call


def key_name(store_id: str) -> str:
    return f"store-key:{store_id}"


def _read_store_file(paths: DataPaths) -> dict[str, object]:
    f = paths.root / STORE_FILE
    if not f.exists():
        return {}
    try:
        data = json.loads(f.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise StoreCorrupt(
            f"{f} is not readable.",
            "It only names the store's key in your keyring. Restore it from a backup of the "
            "data folder; the encrypted store itself was not touched.",
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("store_id"), str):
        raise StoreCorrupt(f"{f} does not name a store id.",
                           "Restore the file from a backup of the data folder.")
    return data


def is_demo_folder(paths: DataPaths) -> bool:
    return paths.demo_marker.exists()


def resolve_key(paths: DataPaths, secrets: SecretStore | None, *, create: bool) -> StoreKey:
    """The store's id and key; creates both (and store.json) for a new store if ``create``."""
    demo = is_demo_folder(paths)
    meta = _read_store_file(paths)
    exists = paths.db.exists()

    if exists and not meta:
        raise StoreCorrupt(
            f"{paths.root / STORE_FILE} is missing, so the key of {paths.db} cannot be found.",
            "Restore the data folder from a backup; nothing was changed.",
        )
    if not exists and not create:
        raise StoreKeyMissing(f"There is no store in {paths.root}.",
                              "Run the app once to create it, or pass the right --data-dir.")

    if demo:
        key = DEMO_STORE_KEY_HEX
        store_id = str(meta.get("store_id") or uuid.uuid4())
    else:
        if secrets is None:
            raise StoreKeyMissing("No keyring was given for a real store.")
        if exists:
            store_id = str(meta["store_id"])
            stored = secrets.get(key_name(store_id))
            if not stored:
                raise StoreKeyMissing(
                    f"This computer's keyring has no key for the store in {paths.root}.",
                    "If you moved the store from another computer, restore it with its recovery "
                    "passphrase. Nothing was changed.",
                )
            key = stored
        else:
            store_id = str(meta.get("store_id") or uuid.uuid4())
            key = secrets.get(key_name(store_id)) or new_store_key_hex()
            secrets.set(key_name(store_id), key)
            if secrets.get(key_name(store_id)) != key:
                raise StoreKeyMissing("The keyring did not keep the new store key.",
                                      "Check the keyring is unlocked and try again.")

    paths.ensure()
    if not meta:
        (paths.root / STORE_FILE).write_text(
            json.dumps({"store_id": store_id, "format": 1, "demo": demo}, indent=2) + "\n",
            encoding="utf-8",
        )
    return StoreKey(store_id, key, demo, exists)
