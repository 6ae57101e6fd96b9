"""``assessor-app serve`` and ``assessor-app server ...``: the sync server's commands.

Parsing and output only; the work is in ``assessor_app.server`` (imported inside each
command, so ``--help`` stays fast). Never imports Qt.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from assessor_app.errors import UsageError

Handler = Callable[[argparse.Namespace], int]
ROLES = ("assessor", "practitioner", "manager", "coordinator")


def _db_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--database-url", metavar="URL", default=None,
                   help="postgresql+psycopg://user@host/db (default: SQLite in "
                        "<data-dir>/server/server.db; env ASSESSOR_SERVER_DATABASE_URL)")


def register(sub: argparse._SubParsersAction,  # type: ignore[type-arg]
             data_dir_option: Callable[..., None]) -> dict[str, Handler]:
    """Add ``serve`` and ``server`` to the top-level subparsers; returns their handlers."""
    s = sub.add_parser("serve", help="run the employer's sync server",
                       description="Run the sync server (FastAPI on uvicorn). Prints its URL "
                                   "and the employer CA's fingerprint for enrolling devices.")
    _db_option(s)
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    s.add_argument("--tls-cert", type=Path, metavar="FILE", help="TLS certificate (PEM)")
    s.add_argument("--tls-key", type=Path, metavar="FILE", help="TLS private key (PEM)")
    data_dir_option(s, top=False)

    a = sub.add_parser("server", help="administer the sync server (users, codes, devices, "
                                      "retention)",
                       description="Administer the sync server's users, assignments, "
                                   "enrolment codes and devices, and remove old notes from "
                                   "its history (retention).")
    data_dir_option(a, top=False)
    acts = a.add_subparsers(dest="server_command", metavar="ACTION", required=True)

    def act(name: str, help_: str) -> argparse.ArgumentParser:
        p = acts.add_parser(name, help=help_, description=help_)
        _db_option(p)
        data_dir_option(p, top=False)
        return p

    p = act("add-user", "add a user (an assessor, practitioner, manager or coordinator)")
    p.add_argument("--name", required=True)
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--practitioner-id", metavar="ID",
                   help="for a practitioner: the id of their practitioner record")
    def staff_and_practitioner(p: argparse.ArgumentParser) -> None:
        who = p.add_mutually_exclusive_group(required=True)
        who.add_argument("--assessor", metavar="NAME")
        who.add_argument("--manager", metavar="NAME")
        p.add_argument("--practitioner", required=True, metavar="P",
                       help="the practitioner record's id, or a unique name on the server")

    staff_and_practitioner(
        act("assign", "give an assessor or manager a practitioner (their records sync to them)"))
    staff_and_practitioner(
        act("unassign", "take a practitioner away from an assessor or manager (their "
                        "devices remove that practitioner's records at their next sync)"))
    p = act("reassign", "move a practitioner to another assessor (the previous assessors' "
                        "devices remove that practitioner's records at their next sync)")
    p.add_argument("--practitioner", required=True, metavar="P",
                   help="the practitioner record's id, or a unique name on the server")
    p.add_argument("--to", required=True, metavar="NAME", help="the assessor who takes over")
    p = act("set-role", "change a user's role (records they may no longer read are removed "
                        "from their devices at the next sync)")
    p.add_argument("--user", required=True, metavar="NAME")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--practitioner-id", metavar="ID",
                   help="for a practitioner: the id of their practitioner record")
    p = act("issue-code", "print a one-time enrolment code for a user")
    p.add_argument("--user", required=True, metavar="NAME")
    p.add_argument("--days", type=float, default=7, help="days until it expires (default 7)")
    p = act("revoke-device", "revoke a device at once (a lost or retired laptop)")
    p.add_argument("device", metavar="DEVICE", help="the device's id or unique name")
    p = act("list", "list users and devices")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    _register_retention(acts, data_dir_option)
    return {"serve": cmd_serve, "server": cmd_server}


RETENTION_HELP = (
    "Retention on the server. A laptop's purge (assessor-app retention purge) clears the "
    "notes of portfolios completed, withdrawn or left more than the retention period ago, "
    "and sync clears them from the server's current records; but the server also keeps "
    "every earlier version of each record and the files laptops uploaded. 'purge' removes "
    "the notes from those earlier versions (dates, ratings and judgements stay), deletes "
    "files no record names and rewrites the database. It touches only records whose "
    "current version is clear already (or signed: kept as signed); records still holding "
    "notes are counted and left alone until a laptop's purge has cleared them. A laptop "
    "that edited a purged record offline is refused, with a message, until it runs its own "
    "purge. See docs/employers/retention.md.")


def _register_retention(acts: argparse._SubParsersAction,  # type: ignore[type-arg]
                        data_dir_option: Callable[..., None]) -> None:
    r = acts.add_parser("retention", help="remove old notes the server still keeps "
                                          "(see purge --dry-run)",
                        description=RETENTION_HELP)
    data_dir_option(r, top=False)
    ra = r.add_subparsers(dest="retention_command", metavar="ACTION", required=True)
    p = ra.add_parser("purge", help="remove the notes of earlier versions of portfolios "
                                    "closed before the retention period (see --dry-run)",
                      description=RETENTION_HELP)
    p.add_argument("--dry-run", action="store_true",
                   help="only count what would be removed (nothing changes, nothing is "
                        "recorded)")
    p.add_argument("--older-than-days", type=int, default=None, metavar="DAYS",
                   help="the retention period in days: portfolios closed more than DAYS ago "
                        "(default: the server's period, see 'retention period'; none is set "
                        "at first, as on the laptops, and then nothing is removed)")
    p.add_argument("--no-rewrite", action="store_true",
                   help="do not rewrite the database afterwards (SQLite VACUUM, PostgreSQL "
                        "VACUUM FULL, which locks the sync tables for a while); removed text "
                        "then stays in free space until you vacuum it in a maintenance window")
    p.add_argument("--today", type=_iso_date, default=None, help=argparse.SUPPRESS)
    _db_option(p)
    data_dir_option(p, top=False)
    p = ra.add_parser("period", help="show or set the server's retention period and list "
                                     "the latest purges",
                      description="Show the server's retention period and the latest "
                                  "purges, or set the period with --days (0: keep notes "
                                  "for ever, the default).")
    p.add_argument("--days", type=int, default=None,
                   help="set the period: portfolios closed more than DAYS ago are purged")
    _db_option(p)
    data_dir_option(p, top=False)


def _iso_date(text: str):  # type: ignore[no-untyped-def]
    from datetime import date

    return date.fromisoformat(text)


def _config(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from assessor_app.server.config import ServerConfig

    return ServerConfig.from_args(getattr(args, "data_dir", None), args.database_url)


def cmd_serve(args: argparse.Namespace) -> int:
    if bool(args.tls_cert) != bool(args.tls_key):
        raise UsageError("Give both --tls-cert and --tls-key, or neither.")
    for f in (args.tls_cert, args.tls_key):
        if f is not None and not f.is_file():
            raise UsageError(f"{f} does not exist.")
    import uvicorn

    from assessor_app.server.app import create_app

    config = _config(args)
    app = create_app(config)
    scheme = "https" if args.tls_cert else "http"
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"Sync server: {scheme}://{host}:{args.port}")
    print(f"Employer CA: {config.ca_dir / 'ca-cert.pem'}")
    print(f"CA fingerprint (SHA-256): {app.state.authority.fingerprint}")
    print(f"Database: {'PostgreSQL' if config.database_url.startswith('postgresql') else 'SQLite'}")
    if not args.tls_cert and args.host not in ("127.0.0.1", "localhost", "::1"):
        print("Warning: no TLS. Put the server behind HTTPS before devices use it over a "
              "network.", file=sys.stderr)
    sys.stdout.flush()
    ssl = {"ssl_certfile": str(args.tls_cert), "ssl_keyfile": str(args.tls_key)} \
        if args.tls_cert else {}
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", **ssl)
    return 0


def cmd_server(args: argparse.Namespace) -> int:
    from assessor_app.server import admin, migrate

    engine = migrate.open_engine(_config(args))
    try:
        return _admin(args, admin, engine)
    finally:
        engine.dispose()


def _admin(args: argparse.Namespace, admin, engine) -> int:  # type: ignore[no-untyped-def]
    action = args.server_command
    if action == "add-user":
        uid = admin.add_user(engine, args.name, args.role, args.practitioner_id)
        print(f"Added {args.role} {args.name} ({uid})")
    elif action == "assign":
        user = args.assessor or args.manager
        role = "assessor" if args.assessor else "manager"
        pid, moved = admin.assign(engine, user, args.practitioner, role=role)
        print(f"Assigned practitioner {pid} to {user}"
              + (f" ({moved} records will sync to their devices)" if moved else ""))
    elif action == "unassign":
        user = args.assessor or args.manager
        role = "assessor" if args.assessor else "manager"
        pid = admin.unassign(engine, user, args.practitioner, role=role)
        print(f"Unassigned practitioner {pid} from {user}: their devices remove its records "
              "at their next sync.")
    elif action == "reassign":
        pid, previous, moved = admin.reassign(engine, args.practitioner, args.to)
        print(f"Practitioner {pid} is now assessed by {args.to}"
              + (f" ({moved} records will sync to their devices)" if moved else "") + ".")
        if previous:
            print(f"Removed from {', '.join(previous)}: their devices remove its records at "
                  "their next sync.")
    elif action == "set-role":
        lost, gained = admin.set_role(engine, args.user, args.role, args.practitioner_id)
        article = "an" if args.role[0] in "aeiou" else "a"
        print(f"{args.user} is now {article} {args.role}"
              + (f"; {lost} practitioner(s) leave their devices at the next sync" if lost
                 else "")
              + (f"; {gained} practitioner(s) will sync to them" if gained else "") + ".")
    elif action == "issue-code":
        code = admin.issue_code(engine, args.user, args.days)
        print(code)
        print(f"One-time enrolment code for {args.user}, valid for {args.days:g} days. "
              "Give it to them privately; it works once.", file=sys.stderr)
    elif action == "revoke-device":
        did = admin.revoke_device(engine, args.device)
        print(f"Revoked device {did}: its token no longer works.")
    elif action == "retention":
        return _retention(args, engine)
    elif action == "list":
        listing = admin.listing(engine)
        if args.json:
            import json

            print(json.dumps({"users": listing.users, "devices": listing.devices}, indent=2))
            return 0
        print("Users:")
        for u in listing.users:
            extra = f" practitioners: {len(u['practitioners'])}" if u["practitioners"] else ""
            print(f"  {u['name']:<30} {u['role']:<13} {u['id']}{extra}")
        print("Devices:")
        for d in listing.devices:
            state = "revoked" if d["revoked"] else f"last seen {d['last_seen_at']}"
            print(f"  {d['name']:<30} {d['user']:<24} {d['id']}  {state}")
    return 0


def _retention(args: argparse.Namespace, engine) -> int:  # type: ignore[no-untyped-def]
    from assessor_app.server import retention

    if args.retention_command == "period":
        if args.days is not None:
            retention.set_period(engine, args.days)
        days = retention.period(engine)
        print(f"Retention period: {days} days" if days else
              "Retention period: none (notes are kept for ever)")
        for run in retention.runs(engine):
            print(f"  purged {run['at']} by {run['actor'] or '?'}: {run.get('portfolios', 0)} "
                  f"portfolio(s), {run.get('versions', 0)} earlier version(s), "
                  f"{run.get('files', 0)} file(s)")
        return 0
    if args.older_than_days is not None and args.older_than_days < 1:
        raise UsageError("--older-than-days must be 1 or more.")
    report = retention.purge(engine, args.older_than_days, today=args.today,
                             dry_run=args.dry_run, rewrite=not args.no_rewrite)
    text = report.describe()
    print(f"Dry run: {text[0].lower()}{text[1:]}" if report.dry_run else text)
    return 0
