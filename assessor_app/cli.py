"""Command line: argument parsing only; each command calls a service.

Non-GUI commands never import PySide6. Errors print a plain message (and what
to do) to stderr and exit non-zero; never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from assessor_app import __version__
from assessor_app.errors import AppError
from assessor_app.paths import DataPaths

EXIT_UNEXPECTED = 70


def _data_dir_option(p: argparse.ArgumentParser, *, top: bool) -> None:
    p.add_argument(
        "--data-dir", metavar="DIR",
        default=None if top else argparse.SUPPRESS,
        help="the data folder to use (default: your user data folder; env ASSESSOR_APP_DATA_DIR)",
    )


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="assessor-app",
        description="Assessor workbench: portfolios for assessors of early-career social workers. "
                    "With no command, opens the desktop app.",
    )
    p.add_argument("--version", action="version", version=f"assessor-app {__version__}")
    _data_dir_option(p, top=True)
    p.add_argument("--demo", action="store_true",
                   help="open the app on the demo cohort (fictional data), creating it on first run")
    p.add_argument("--self-test", action="store_true",
                   help="check this installation (store, reports, signatures, window, keyring) "
                        "in a temporary folder; exit 0 if all is well")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def cmd(name: str, help_: str) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help_, description=help_)
        _data_dir_option(sp, top=False)
        return sp

    d = cmd("demo", "create a fictional demo cohort in a new or empty data folder")
    d.add_argument("--seed", type=int, default=2026, help=argparse.SUPPRESS)

    fw = cmd("frameworks", "list or import standards frameworks and programmes")
    fws = fw.add_subparsers(dest="fw_command", metavar="ACTION", required=True)
    fl = fws.add_parser("list", help="list the installed frameworks and programmes")
    fl.add_argument("--json", action="store_true", help="machine-readable output")
    _data_dir_option(fl, top=False)
    fi = fws.add_parser("import", help="import an employer's edited framework or programme (YAML)")
    fi.add_argument("file", type=Path, metavar="FILE")
    _data_dir_option(fi, top=False)

    au = cmd("audit", "check the tamper-evident audit log")
    aus = au.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    _data_dir_option(aus.add_parser("verify", help="verify the audit log's hash chain"), top=False)

    dbp = cmd("db", "store maintenance")
    dbs = dbp.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    dc = dbs.add_parser("check", help="integrity and migration state of the store")
    dc.add_argument("--json", action="store_true", help="machine-readable output")
    _data_dir_option(dc, top=False)

    ex = cmd("export", "export the whole store (data portability)")
    ex.add_argument("--format", choices=["json"], default="json")
    ex.add_argument("--out", type=Path, required=True, metavar="FILE")

    from assessor_app import (
        cli_backup,
        cli_reports,
        cli_retention,
        cli_server,
        cli_signing,
        cli_sync,
    )

    cli_signing.register(sub, _data_dir_option)
    _COMMANDS.update(cli_signing.COMMANDS)
    for module in (cli_reports, cli_sync, cli_server, cli_backup, cli_retention):
        _COMMANDS.update(module.register(sub, _data_dir_option))
    return p


def _gui_args(argv: Sequence[str]) -> argparse.Namespace | None:
    """The arguments when they only open the GUI, parsed without building every command:
    the full parser imports the report and signing commands, which the first paint need not wait for."""
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--data-dir", default=None)
    p.add_argument("--demo", action="store_true")
    args, rest = p.parse_known_args(list(argv))
    if rest:
        return None
    args.command = None
    return args


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv == ["--self-test"]:  # the installer's smoke test: no parser, no data folder
        from assessor_app.selftest import main as self_test

        return self_test()
    args = _gui_args(argv)
    if args is None:
        args = build_parser().parse_args(argv)
    try:
        return _dispatch(args)
    except AppError as exc:
        print(f"assessor-app: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(exc.hint, file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("assessor-app: interrupted.", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: say so plainly, keep the detail out of the user's face
        from assessor_app.crashlog import record_crash

        where = record_crash(exc, getattr(args, "data_dir", None))
        print(f"assessor-app: something went wrong ({type(exc).__name__}). Nothing was deleted.",
              file=sys.stderr)
        if where:
            print(f"Details for your IT support were written to {where}", file=sys.stderr)
        return EXIT_UNEXPECTED


def _dispatch(args: argparse.Namespace) -> int:
    if getattr(args, "self_test", False):
        from assessor_app.selftest import main as self_test

        return self_test()
    if args.command is None:
        from assessor_app.gui_launch import run

        return run(args.data_dir, demo=args.demo)
    handler: Callable[[argparse.Namespace], int] = _COMMANDS[args.command]
    if args.command != "serve":  # the server logs through uvicorn to its own output
        from assessor_app.logsetup import setup_logging

        setup_logging()
    return handler(args)


def _paths(args: argparse.Namespace) -> DataPaths:
    return DataPaths.resolve(args.data_dir)


def _open(args: argparse.Namespace, *, create: bool = False):  # type: ignore[no-untyped-def]
    from assessor_app import app

    return app.open_context(_paths(args), create=create)


def _cmd_demo(args: argparse.Namespace) -> int:
    from assessor_app import app

    paths = app.demo_paths(args.data_dir)
    summary = app.create_demo(paths, seed=args.seed)
    print(f"Created the demo cohort in {paths.root}")
    print(f"  {summary.describe()}")
    extra = f" --data-dir {paths.root}" if args.data_dir else ""
    print(f"Open it with: assessor-app --demo{extra}")
    return 0


def _cmd_frameworks(args: argparse.Namespace) -> int:
    ctx = _open(args, create=args.fw_command == "import")
    try:
        if args.fw_command == "import":
            item = ctx.catalogue.import_file(args.file, actor="cli")
            print(f"Imported {type(item).__name__.lower()} {item.id} version {item.version}: {item.title}")
            return 0
        rows = ctx.catalogue.listing()
        if args.json:
            import json

            print(json.dumps([r.__dict__ for r in rows], indent=2, default=str))
            return 0
        for r in rows:
            flag = " (provisional)" if r.provisional else ""
            print(f"{r.kind:<10} {r.id + '@' + r.version:<26} {r.origin:<9} {r.title}{flag}")
        return 0
    finally:
        ctx.close()


def _cmd_audit(args: argparse.Namespace) -> int:
    from assessor_app.services.maintenance import verify_audit

    ctx = _open(args)
    try:
        report = verify_audit(ctx.database)
    finally:
        ctx.close()
    if report.ok:
        print(f"Audit log intact: {report.events} events, hash chain verified.")
        return 0
    print(f"Audit log BROKEN at event {report.first_bad_seq}: {report.problem}.", file=sys.stderr)
    print("The log was changed outside the app. Keep this store as it is and tell your "
          "information governance lead.", file=sys.stderr)
    return 9


def _cmd_db(args: argparse.Namespace) -> int:
    from assessor_app.services.maintenance import check

    ctx = _open(args)
    try:
        r = check(ctx.database)
    finally:
        ctx.close()
    if args.json:
        import json

        print(json.dumps({
            "ok": r.ok, "integrity": list(r.integrity.integrity),
            "cipher_integrity": list(r.integrity.cipher_integrity),
            "foreign_key_problems": r.integrity.foreign_key_problems,
            "cipher_version": r.integrity.cipher_version, "journal_mode": r.integrity.journal_mode,
            "schema_revision": r.revision, "schema_head": r.head,
            "audit_events": r.audit.events, "audit_ok": r.audit.ok, "tables": r.integrity.tables,
        }, indent=2))
    else:
        i = r.integrity
        print(f"Store:        {ctx.paths.db}")
        print(f"Encryption:   SQLCipher {i.cipher_version}, journal {i.journal_mode}")
        print(f"Integrity:    {'ok' if i.integrity == ('ok',) else '; '.join(i.integrity)}"
              + ("" if not i.cipher_integrity else f"; cipher: {'; '.join(i.cipher_integrity)}"))
        print(f"Foreign keys: {'ok' if not i.foreign_key_problems else f'{i.foreign_key_problems} problems'}")
        state = "current" if r.revision == r.head else f"behind (head {r.head})"
        print(f"Schema:       {r.revision} ({state})")
        print(f"Audit log:    {r.audit.events} events, "
              + ("chain intact" if r.audit.ok else f"BROKEN at {r.audit.first_bad_seq}"))
        print(f"Records:      {i.tables.get('practitioner', 0)} practitioners, "
              f"{i.tables.get('evidence', 0)} evidence items")
    return 0 if r.ok else 4


def _cmd_export(args: argparse.Namespace) -> int:
    from assessor_app.services.maintenance import export_json

    ctx = _open(args)
    try:
        counts = export_json(ctx.database, args.out)
    finally:
        ctx.close()
    print(f"Exported {sum(counts.values())} rows from {len(counts)} tables to {args.out}")
    return 0


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "demo": _cmd_demo,
    "frameworks": _cmd_frameworks,
    "audit": _cmd_audit,
    "db": _cmd_db,
    "export": _cmd_export,
}
