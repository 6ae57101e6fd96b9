"""``backup``, ``restore`` and ``recovery-passphrase``: argument parsing and output only.

Services are imported inside the commands (no SQLAlchemy, no Qt here). The
recovery passphrase is read with getpass, from ``--passphrase-file`` or from the
``ASSESSOR_APP_RECOVERY_PASSPHRASE`` variable (scripts); it is never echoed or logged.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from assessor_app.errors import UsageError

PASSPHRASE_ENV = "ASSESSOR_APP_RECOVERY_PASSPHRASE"


def register(sub: argparse._SubParsersAction,  # type: ignore[type-arg]
             data_dir_option: Callable[..., None]) -> dict[str, Callable[[argparse.Namespace], int]]:
    """Add ``backup``, ``restore`` and ``recovery-passphrase``; returns their handlers."""
    b = sub.add_parser(
        "backup", help="write an encrypted backup of the store now, or list the backups",
        description="Write an encrypted backup of the store (default: a new file in the backups "
                    "folder), or 'backup list' to list the backups, newest first.")
    b.add_argument("action", nargs="?", choices=["list"], help="list the backups instead")
    b.add_argument("--out", type=Path, metavar="FILE", help="write the backup to this file")
    b.add_argument("--folder", type=Path, metavar="DIR",
                   help="the backups folder (default: from the settings, else <data folder>/backups)")
    data_dir_option(b, top=False)

    r = sub.add_parser(
        "restore", help="restore the store from a backup file",
        description="Restore the store from a backup. On a new computer (the key is not in "
                    "this keyring) you are asked for the store's recovery passphrase. The "
                    "current store is always kept (as a backup) before it is replaced.")
    r.add_argument("file", type=Path, metavar="FILE")
    r.add_argument("--replace", action="store_true",
                   help="allow a backup of ANOTHER store to replace the current one")
    r.add_argument("--passphrase-file", type=Path, metavar="FILE",
                   help=f"read the recovery passphrase from this file (or set {PASSPHRASE_ENV})")
    r.add_argument("--folder", type=Path, metavar="DIR", help=argparse.SUPPRESS)
    data_dir_option(r, top=False)

    p = sub.add_parser(
        "recovery-passphrase", help="create a new recovery passphrase (shown once)",
        description="Create the store's recovery passphrase, needed to restore on a new "
                    "computer. It replaces any previous one and is shown only once.")
    p.add_argument("--yes", action="store_true", help="replace an existing passphrase without asking")
    data_dir_option(p, top=False)
    return {"backup": cmd_backup, "restore": cmd_restore, "recovery-passphrase": cmd_passphrase}


def _paths(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from assessor_app.paths import DataPaths

    return DataPaths.resolve(getattr(args, "data_dir", None))


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n / 1000:.0f} kB"


def cmd_backup(args: argparse.Namespace) -> int:
    from assessor_app.services import backup, recovery

    paths = _paths(args)
    if args.action == "list":
        if args.out:
            raise UsageError("'backup list' takes no --out.")
        found = backup.list_backups(paths, args.folder)
        if not found:
            print(f"No backups in {backup.backups_folder(paths, args.folder)}")
            return 0
        here = _store_id(paths)
        for b in found:
            mine = "" if b.store_id == here else "  (another store)"
            print(f"{b.header.created_at}  {b.label:<17} {_size(b.size):>9}  {b.path}{mine}")
        return 0
    started = time.perf_counter()
    dest = backup.backup_now(paths, args.out, folder=args.folder)
    took = time.perf_counter() - started
    print(f"Wrote {dest} ({_size(dest.stat().st_size)}, {took:.1f} s)")
    if not recovery.has_recovery_passphrase(paths) and not paths.demo_marker.exists():
        print("Note: this store has no recovery passphrase, so this backup restores only on "
              "this computer. Create one with: assessor-app recovery-passphrase", file=sys.stderr)
    return 0


def _store_id(paths) -> str | None:  # type: ignore[no-untyped-def]
    import json

    try:
        return str(json.loads((paths.root / "store.json").read_text("utf-8"))["store_id"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _read_passphrase(args: argparse.Namespace) -> str:
    if args.passphrase_file:
        try:
            return args.passphrase_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise UsageError(f"{args.passphrase_file} cannot be read ({exc.strerror}).") from None
    env = os.environ.get(PASSPHRASE_ENV)
    if env:
        return env.strip()
    if not sys.stdin.isatty():
        raise UsageError(
            "This backup needs the store's recovery passphrase and there is no terminal to ask.",
            f"Pass it with --passphrase-file FILE or the {PASSPHRASE_ENV} variable.")
    import getpass

    return getpass.getpass("Recovery passphrase (letters and digits; dashes optional): ")


def cmd_restore(args: argparse.Namespace) -> int:
    from assessor_app.services import restore

    paths = _paths(args)
    passphrase = None
    if restore.needs_passphrase(paths, args.file):
        passphrase = _read_passphrase(args)
    result = restore.restore(paths, args.file, passphrase, args.replace, folder=args.folder)
    print(f"Restored the store from {args.file} (made {result.backup_created_at}) "
          f"into {paths.root}")
    if result.used_passphrase:
        print("Its key was recovered with the passphrase and put in this computer's keyring.")
    if result.previous_backup:
        print(f"The store it replaced was backed up to {result.previous_backup}")
    if result.previous_files:
        print(f"The replaced store's files were kept in {result.previous_files}")
    return 0


def cmd_passphrase(args: argparse.Namespace) -> int:
    from assessor_app.services import recovery

    paths = _paths(args)
    if recovery.has_recovery_passphrase(paths) and not args.yes:
        if not sys.stdin.isatty():
            raise UsageError("This store already has a recovery passphrase.",
                             "Add --yes to replace it (the old one stops working for new "
                             "backups).")
        answer = input("This store already has a recovery passphrase. Replace it? "
                       "The old one will not open backups made from now on. [y/N] ")
        if answer.strip().lower() not in {"y", "yes"}:
            print("Kept the existing passphrase.")
            return 0
    phrase = recovery.create_recovery_passphrase(paths)
    print("Your recovery passphrase (shown only this once):\n")
    print(f"    {phrase}\n")
    print("Write it down or keep it in your employer's password manager, away from this "
          "laptop. With it, a backup can be restored on a new computer; without it, only on "
          "this one. Backups made before now still need the previous passphrase.")
    return 0
