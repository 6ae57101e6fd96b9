"""``assessor-app retention purge [--dry-run] [--years N]``: parsing and output only."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date


def register(sub: argparse._SubParsersAction,  # type: ignore[type-arg]
             data_dir_option: Callable[..., None]) -> dict[str, Callable[[argparse.Namespace], int]]:
    p = sub.add_parser(
        "retention", help="remove the raw notes of portfolios closed long ago (reports kept)",
        description="Retention: for portfolios completed, withdrawn or left more than the "
                    "retention period ago, clear the written notes and remove attachments and "
                    "unsigned reports; dates, judgements, the final assessment and signed "
                    "reports are kept. The next sync passes the change on. See "
                    "docs/employers/retention.md.")
    actions = p.add_subparsers(dest="retention_command", metavar="ACTION", required=True)
    purge = actions.add_parser("purge", help="clear the old notes (see --dry-run)")
    purge.add_argument("--dry-run", action="store_true",
                       help="only count what would be cleared, by kind (nothing changes)")
    purge.add_argument("--years", type=int, default=None,
                       help="the retention period (default: the one in Settings)")
    purge.add_argument("--today", type=date.fromisoformat, default=None, help=argparse.SUPPRESS)
    data_dir_option(purge, top=False)
    data_dir_option(p, top=False)
    return {"retention": cmd_retention}


def cmd_retention(args: argparse.Namespace) -> int:
    from assessor_app import app
    from assessor_app.paths import DataPaths
    from assessor_app.services.retention import RetentionService

    years = args.years
    if years is None:
        from assessor_app.settings import load_settings

        years = load_settings().settings.retention_years
    ctx = app.open_context(DataPaths.resolve(args.data_dir), create=False)
    try:
        report = RetentionService(ctx.database).purge(years, today=args.today,
                                                      dry_run=args.dry_run, actor="cli")
    finally:
        ctx.close()
    print(("Dry run: " if args.dry_run else "") + report.describe())
    return 0
