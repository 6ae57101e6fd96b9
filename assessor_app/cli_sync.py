"""``assessor-app enrol`` and ``assessor-app sync``: parsing and output only.

Services are imported inside the commands (no SQLAlchemy, httpx or Qt at parse time).
Errors are ``AppError``s the CLI prints plainly (exit non-zero); a sync that fails
part-way keeps everything already saved on this computer.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from collections.abc import Callable

from assessor_app.paths import DataPaths

#: services.sync_lock.BUSY_EXIT (not imported: that brings httpx to every CLI start)
BUSY_EXIT = 75
SYNC_EXIT_CODES = f"""exit status:
  0    synced (conflicts, refusals and records still waiting are listed, not failures)
  {BUSY_EXIT}   another sync of this data folder was running (the app's own, or another
       terminal's): nothing was done; run it again once that one has finished
  11   the sync did not finish (the message says why); nothing on this computer was lost
  2    a usage mistake; other codes: the store could not be opened (the message says why)
"""


def register(sub: argparse._SubParsersAction,  # type: ignore[type-arg]
             data_dir_option: Callable[..., None]) -> dict[str, Callable[[argparse.Namespace], int]]:
    """Add ``enrol`` and ``sync`` to the top-level subparsers; returns their handlers."""
    e = sub.add_parser(
        "enrol", help="enrol this computer with your employer's sync server",
        description="Exchange a one-time enrolment code (from your coordinator) for this "
                    "computer's sync token, kept in the OS keyring.")
    e.add_argument("--server", default=None, metavar="URL",
                   help="the sync server's address, e.g. https://sync.example.org "
                        "(default: the server address in the app's Settings)")
    e.add_argument("--code", required=True, metavar="CODE", help="the one-time enrolment code")
    e.add_argument("--ca-bundle", metavar="FILE", default=None,
                   help="your employer's CA certificate (PEM), if the server uses its own CA")
    e.add_argument("--device-name", metavar="NAME", default=None,
                   help="a name for this computer (default: its host name)")
    data_dir_option(e, top=False)
    s = sub.add_parser("sync", help="send this computer's changes and fetch everyone else's",
                       description="Push local changes to the sync server, then pull changes "
                                   "made elsewhere.",
                       epilog=SYNC_EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    s.add_argument("--json", action="store_true", help="machine-readable output")
    s.add_argument("--kept-aside", action="store_true",
                   help="list changes kept aside because their practitioner left your scope "
                        "(does not sync)")
    s.add_argument("--discard-kept-aside", metavar="PRACTITIONER", default=None,
                   help="delete for good the changes kept aside for PRACTITIONER (their name "
                        "as listed, or 'all'); ask your coordinator first (does not sync)")
    data_dir_option(s, top=False)
    return {"enrol": cmd_enrol, "sync": cmd_sync}


def _open(args: argparse.Namespace, *, create: bool = False):  # type: ignore[no-untyped-def]
    from assessor_app import app

    return app.open_context(DataPaths.resolve(args.data_dir), create=create)


def cmd_enrol(args: argparse.Namespace) -> int:
    from assessor_app.errors import UsageError
    from assessor_app.services.sync_address import AddressSetting

    server = args.server or AddressSetting(DataPaths.resolve(args.data_dir).root).wanted()
    if not server:  # asked before a store is made in a new folder
        raise UsageError("Which server? Give its address with --server URL.",
                         "Your coordinator sends it with the code; once set in the app's "
                         "Settings (Server), enrol uses it without --server.")
    ctx = _open(args, create=True)  # a new laptop enrols before it holds anything
    try:
        status = ctx.sync.enrol(server, args.code, args.device_name or platform.node()
                                or "computer", args.ca_bundle)
        if not args.server:
            print(f"Using the server address from Settings: {server}")
        print(f"Enrolled with {status.server_url} as {status.user_name} ({status.role}).")
        if status.enrolment == "switched":
            return _after_switch(ctx, status)
        if status.enrolment == "same":
            print("The same user as before: everything on this computer is kept.")
    finally:
        ctx.close()
    print(f"{status.waiting} change(s) wait to be sent: run 'assessor-app sync'.")
    return 0


def _after_switch(ctx, status) -> int:  # type: ignore[no-untyped-def]
    """Enrolled as someone else: say what was removed, then fetch the new user's records."""
    from assessor_app.errors import AppError

    for notice in status.notices:
        print(notice)
    ctx.sync.dismiss_notices(list(status.notices))  # printed: the user is told
    print(f"Fetching {status.user_name}'s records…", flush=True)
    try:
        report = ctx.sync.sync()
    except AppError as exc:
        print(f"assessor-app: the first sync did not finish: {exc.message}", file=sys.stderr)
        print("Nothing of the previous user's is left on this computer; run 'assessor-app "
              "sync' to fetch your records.", file=sys.stderr)
        return exc.exit_code
    print(f"Received {report.pulled} record(s) from {status.server_url}.")
    return 0


def _kept_aside(args: argparse.Namespace) -> int:
    ctx = _open(args)
    try:
        if args.discard_kept_aside is not None:
            which = args.discard_kept_aside.strip()
            n = ctx.sync.discard_kept_aside(None if which.casefold() == "all" else which)
            print(f"Discarded {n} kept-aside change(s).")
            return 0
        groups = ctx.sync.kept_aside()
    finally:
        ctx.close()
    if args.json:
        print(json.dumps([{"practitioner": g.practitioner_name, "id": g.practitioner_id,
                           "changes": g.changes, "kept_at": g.kept_at.isoformat()}
                          for g in groups]))
        return 0
    if not groups:
        print("No changes are kept aside on this computer.")
        return 0
    print("Changes kept aside (not sent: their practitioner left your scope):")
    for g in groups:
        print(f"  {g.practitioner_name or g.practitioner_id}: {g.changes} change(s), kept "
              f"since {g.kept_at:%d %b %Y}")
    print("Ask your programme coordinator to assign the practitioner back to you for a moment "
          "(the changes are then sent at the next sync), or whether they may be discarded "
          "(assessor-app sync --discard-kept-aside NAME).")
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    from assessor_app.services.sync_lock import SyncBusy

    if args.kept_aside or args.discard_kept_aside is not None:
        return _kept_aside(args)
    ctx = _open(args)
    try:
        report = ctx.sync.sync()
        status = ctx.sync.status()
        reasons = ctx.sync.refusal_reasons() if report.refused else []
        if status.notices:
            ctx.sync.dismiss_notices(list(status.notices))  # printed below: the user is told
    except SyncBusy as exc:
        if args.json:
            print(json.dumps({"busy": True, "message": exc.message}))
        print(f"assessor-app: {exc.message}", file=sys.stderr)
        print("Nothing was done, and nothing is wrong: run 'assessor-app sync' again once it "
              "has finished.", file=sys.stderr)
        return exc.exit_code
    finally:
        ctx.close()
    if args.json:
        print(json.dumps({"pushed": report.pushed, "pulled": report.pulled,
                          "merged": report.merged, "conflicts": report.conflicts,
                          "refused": report.refused, "seconds": round(report.seconds, 3),
                          "waiting": status.waiting, "open_conflicts": status.conflicts,
                          "parked": status.parked, "refused_reasons": reasons,
                          "notices": list(status.notices), "kept_aside": status.kept_aside}))
        return 0
    print(f"Synced with {status.server_url}: sent {report.pushed}, received {report.pulled}, "
          f"merged {report.merged}, conflicts {report.conflicts}, refused {report.refused} "
          f"({report.seconds:.1f} s).")
    if status.conflicts:
        print(f"{status.conflicts} conflict(s) need a decision: open the app's Conflicts view.")
    if report.refused:
        where = ("is kept as a conflict, waits here, or is kept aside" if report.kept_aside
                 else "is kept as a conflict or waits here")
        print(f"The server refused {report.refused} change(s); none of them was lost (a text "
              f"the server would not take {where}):")
        for reason in reasons:
            print(f"  - {reason}")
    if status.waiting:
        print(f"{status.waiting} change(s) still wait to be sent.")
    if status.parked:
        print(f"{status.parked} record(s) from other devices wait here until they can be added "
              "(each sync tries again; the app's Sync ▸ Conflicts… says why).")
    for notice in status.notices:
        print(notice)
    if status.kept_aside:
        print(f"{status.kept_aside} change(s) are kept aside on this computer: see "
              "assessor-app sync --kept-aside.")
    return 0
