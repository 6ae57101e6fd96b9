"""``assessor-app report KIND --practitioner REF --out FILE.pdf [--sign]``: parsing and output only.

Services are imported inside the command (no SQLAlchemy or Qt here). The PDF is
kept in the store as the next version of that report (so it can be countersigned
later with ``assessor-app sign``) and written to ``--out`` atomically: on any
error nothing is left at the output path.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from assessor_app.errors import UsageError

KINDS = ("final", "review", "evidence", "portfolio", "moderation")


def register(sub: argparse._SubParsersAction,  # type: ignore[type-arg]
             data_dir_option: Callable[..., None]) -> dict[str, Callable[[argparse.Namespace], int]]:
    """Add ``report`` to the top-level subparsers; returns {"report": handler}.

    ``data_dir_option(parser, top=False)`` adds --data-dir (``cli._data_dir_option``).
    """
    p = sub.add_parser(
        "report", help="generate a PDF report (final, review, evidence, portfolio, moderation)",
        description="Generate a PDF report for one practitioner. 'moderation' is the portfolio "
                    "anonymised for a moderation panel. The employer's logo and name set in "
                    "Settings → Reports head every report but the anonymised one; a logo that "
                    "cannot be used is left out with a warning.")
    p.add_argument("kind", choices=KINDS, metavar="{" + ",".join(KINDS) + "}")
    p.add_argument("--practitioner", required=True, metavar="REF",
                   help="the practitioner's id (as in the JSON export) or a unique part of the name")
    p.add_argument("--out", required=True, type=Path, metavar="FILE.pdf")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--review", metavar="ID", help="review report: the review's id")
    which.add_argument("--stage", metavar="REVIEW_POINT_ID",
                       help="review report: the review point, e.g. review-3, review-6, final "
                            "(default: the latest review held)")
    p.add_argument("--evidence", metavar="ID", help="evidence record: the evidence item's id")
    p.add_argument("--sign", action="store_true", help="sign the report as the assessor")
    p.add_argument("--today", type=date.fromisoformat, default=None, help=argparse.SUPPRESS)
    data_dir_option(p, top=False)
    p.set_defaults(handler=cmd_report)
    return {"report": cmd_report}


def _check_args(args: argparse.Namespace) -> None:
    if args.kind == "evidence" and not args.evidence:
        raise UsageError("An evidence record needs --evidence ID.",
                         "Find the id in the JSON export (assessor-app export).")
    if args.kind != "evidence" and args.evidence:
        raise UsageError("--evidence is only for 'report evidence'.")
    if args.kind != "review" and (args.review or args.stage):
        raise UsageError("--review and --stage are only for 'report review'.")
    if args.sign and args.kind == "moderation":
        raise UsageError("The moderation portfolio is not signed: a signature would put the "
                         "signer's name and registration in an anonymised file.",
                         "Sign the named portfolio instead (report portfolio --sign).")
    out: Path = args.out
    if not out.parent.is_dir():
        raise UsageError(f"The folder {out.parent} does not exist.", "Create it or choose another --out.")
    if out.is_dir():
        raise UsageError(f"{out} is a folder.", "Give a file name ending in .pdf.")


def cmd_report(args: argparse.Namespace) -> int:
    """Build, store (as the next version) and write a report; sign it as the assessor if asked.

    The same steps as the Reports view (``services/report_jobs``), run one after another,
    with the same branding (employer name and logo from the settings file).
    """
    from assessor_app import app
    from assessor_app.paths import DataPaths
    from assessor_app.services import report_jobs
    from assessor_app.services.branding import current_choice
    from assessor_app.services.reports import write_atomic

    _check_args(args)
    today = args.today or date.today()
    branding = current_choice()  # the employer's name and logo from Settings, if any
    ctx = app.open_context(DataPaths.resolve(getattr(args, "data_dir", None)), create=False)
    try:
        enrolment_id = ctx.reports.resolve_practitioner(args.practitioner)
        review_id = args.review
        if args.kind == "review" and args.stage:
            review_id = ctx.reports.review_for_point(enrolment_id, args.stage)
        built = report_jobs.build_report(ctx, args.kind, enrolment_id, today=today,
                                         review_id=review_id, evidence_id=args.evidence,
                                         branding=branding)
        rendered = report_jobs.render_report(built)
        for notice in rendered.notices:  # e.g. the logo was left out: said once, then go on
            print(f"assessor-app: warning: {notice}", file=sys.stderr)
        row = report_jobs.store_report(ctx, built, rendered)
        if args.sign:
            row = report_jobs.sign_document(ctx, row.id, "assessor")
        write_atomic(args.out, report_jobs.document_content(ctx, row.id))
    finally:
        ctx.close()
    meta = built.data.meta
    print(f"Wrote {args.out}: {meta.title}, {rendered.pages} pages, document {meta.document_id}")
    print(f"Evidence set sha256: {meta.evidence_set_sha256}")
    if args.sign:
        print(f"{row.status}. Countersign with: assessor-app sign {args.out} "
              "--role practitioner|manager")
    return 0
