"""``assessor-app sign`` and ``assessor-app verify``: argument parsing and output only.

``verify`` needs no store and no keyring, so it works on any machine. Services
are imported inside the commands to keep start-up fast.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assessor_app.errors import AppError, UsageError

if TYPE_CHECKING:
    from assessor_app.services.signing import SignatureCheck, VerificationReport

COUNTERSIGNING_ROLES = ("practitioner", "manager")
_ROLE_WORDS = {"assessor": "Assessor", "practitioner": "Practitioner", "manager": "Line manager"}


def register(sub: argparse._SubParsersAction,  # type: ignore[type-arg]
             data_dir_option: Callable[..., None]) -> dict[str, Callable[[argparse.Namespace], int]]:
    """Add ``sign`` and ``verify`` to the top-level subparsers; returns their handlers."""
    s = sub.add_parser("sign", help="countersign a report as the practitioner or line manager",
                       description="Countersign a report this store produced, in the role's own "
                                   "signature field. The assessor signs first.")
    s.add_argument("file", type=Path, metavar="FILE.pdf")
    s.add_argument("--role", required=True, choices=COUNTERSIGNING_ROLES)
    s.add_argument("--out", type=Path, metavar="FILE", default=None,
                   help="write the signed PDF here (default: replace FILE.pdf)")
    s.add_argument("--new-key", action="store_true",
                   help="make a new signing key for this signer first (when the old one "
                        "cannot be opened); nothing is deleted")
    data_dir_option(s, top=False)
    s.set_defaults(handler=cmd_sign)

    v = sub.add_parser("verify", help="check every signature of a PDF (no store needed)",
                       description="List every signature of a PDF: signer, role, time, intact, "
                                   "trusted, changed after signing. Exit 0 only if all pass.")
    v.add_argument("file", type=Path, metavar="FILE.pdf")
    v.add_argument("--trust", type=Path, action="append", default=[], metavar="CERT.pem",
                   help="a certificate to trust (PEM or DER); repeat for several")
    v.add_argument("--json", action="store_true", help="machine-readable output")
    data_dir_option(v, top=False)
    v.set_defaults(handler=cmd_verify)
    return dict(COMMANDS)


# -- verify ---------------------------------------------------------------------------


def _yes(flag: bool) -> str:
    return "yes" if flag else "NO"


def _when(check: SignatureCheck) -> str:
    return check.signed_at.strftime("%d %b %Y %H:%M %Z").strip() if check.signed_at else "unknown"


def _changed(check: SignatureCheck) -> str:
    if check.modified_after:
        return "YES - the file was changed after this signature"
    if check.later_signatures:
        n = check.later_signatures
        return f"no (only {n} later signature{'s' if n != 1 else ''} added)"
    return "no"


def _human(path: Path, report: VerificationReport) -> str:
    lines = [f"File: {path}"]
    total = len(report.signatures)
    for i, c in enumerate(report.signatures, 1):
        trusted = ("not checked (give --trust CERT.pem)" if c.trusted is None
                   else _yes(c.trusted))
        lines += [
            "",
            f"Signature {i} of {total} (field {c.field})",
            f"  Signer:               {c.signer}",
            f"  Role:                 {_ROLE_WORDS.get(c.role, c.role or 'not stated')}",
            f"  Registration number:  {c.registration_number or 'not stated'}",
            f"  Signed at:            {_when(c)}",
            f"  Intact:               {_yes(c.intact and c.valid)}",
            f"  Trusted:              {trusted}",
            f"  Changed after it:     {_changed(c)}",
        ]
        if c.problems:
            lines.append(f"  Problems:             {'; '.join(c.problems)}")
    lines.append("")
    if not total:
        lines.append("Verdict: NOT VERIFIED - this PDF has no signatures.")
    elif report.all_ok:
        trust = ("and trusted" if report.trust_checked
                 else "(trust not checked: give --trust CERT.pem to check who signed)")
        lines.append(f"Verdict: OK - {total} signature{'s' if total != 1 else ''} intact, "
                     f"nothing changed after signing {trust}.")
    else:
        bad = [f"{i} ({c.signer})" for i, c in enumerate(report.signatures, 1) if not c.ok]
        lines.append(f"Verdict: FAILED - signature {', '.join(bad)} did not pass.")
    return "\n".join(lines)


def cmd_verify(args: argparse.Namespace) -> int:
    from assessor_app.services.signing import read_pdf, verify_pdf

    pdf = read_pdf(args.file)
    report = verify_pdf(pdf, args.trust)
    if args.json:
        payload: dict[str, Any] = {
            "file": str(args.file),
            "signatures": [c.as_json() for c in report.signatures],
            "trust_checked": report.trust_checked,
            "all_ok": report.all_ok,
        }
        print(json.dumps(payload, indent=2))
    else:
        print(_human(args.file, report))
    return 0 if report.all_ok else 1


# -- sign -----------------------------------------------------------------------------


def _write_atomically(target: Path, data: bytes) -> Path:
    """Write beside ``target`` and return the temporary path (renamed by the caller)."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise AppError(f"Cannot write {target} ({exc.strerror or exc}).",
                       "Choose another place with --out; nothing was signed.") from None
    return tmp


def cmd_sign(args: argparse.Namespace) -> int:
    from assessor_app import app
    from assessor_app.paths import DataPaths
    from assessor_app.services.documents import DocumentService
    from assessor_app.services.signing import (
        REASONS,
        SigningService,
        field_for,
        read_pdf,
        signing_secrets,
    )

    role: str = args.role
    pdf = read_pdf(args.file)
    target: Path = args.out or args.file
    ctx = app.open_context(DataPaths.resolve(getattr(args, "data_dir", None)), create=False)
    try:
        docs = DocumentService(ctx.database, actor="cli")
        info = docs.find_file(pdf)
        if info is None:
            raise AppError(f"This PDF was not produced by this store: {args.file}",
                           "Sign the file the app wrote (or use the right --data-dir). "
                           "Nothing was signed.")
        if info.enrolment_id and info.kind:
            newest = docs.versions(info.enrolment_id, info.kind)[-1]
            if newest.id != info.id:
                raise UsageError(
                    f"This is version {info.version} of the report; version {newest.version} "
                    "replaces it.", "Sign the newest version. Nothing was signed.")
        if not info.signed_by("assessor"):
            raise UsageError("The assessor has not signed this report yet.",
                             "The assessor signs first; nothing was signed.")
        if info.signed_by(role):
            raise UsageError(f"The {_ROLE_WORDS[role].lower()} has already signed this report.",
                             "A correction needs a new version of the report. Nothing was signed.")
        party = docs.parties(info.id).get(role)
        if party is None:
            raise UsageError(f"This practitioner's enrolment has no {_ROLE_WORDS[role].lower()} "
                             "recorded.", "Add them to the enrolment first; nothing was signed.")
        current = docs.content(info.id)
        if hashlib.sha256(pdf).hexdigest() != info.sha256:
            print(f"Note: {args.file} is an older copy; signing the store's latest version "
                  f"({len(info.signatures)} signature(s)).", file=sys.stderr)
        signing = SigningService(ctx.database, signing_secrets(ctx.database, app.keyring_secrets))
        ident = signing.identity(party.subject_kind, party.subject_id, party.name, role,
                                 party.registration_number, party.employer)
        if args.new_key:
            ident = signing.new_identity(ident, party.employer)
        field = field_for(role)
        signed = signing.sign_pdf(current, role=role, identity=ident, reason=REASONS[role])
        tmp = _write_atomically(target, signed)
        try:
            done = docs.add_signature(info.id, signed, ident, role, field)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        try:
            os.replace(tmp, target)
        except OSError as exc:
            raise AppError(f"The signature is recorded, but {target} could not be replaced "
                           f"({exc.strerror or exc}).",
                           f"The signed PDF is at {tmp}; move it where you need it.") from None
    finally:
        ctx.close()
    reg = f", {ident.registration_number}" if ident.registration_number else ""
    print(f"Signed {target} as {_ROLE_WORDS[role].lower()} ({ident.name}{reg}); "
          f"{len(done.signatures)} signature(s) on version {done.version}.")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"sign": cmd_sign, "verify": cmd_verify}
