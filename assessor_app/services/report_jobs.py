"""Generating and signing a stored report in phases, so a GUI can run each on the right thread.

The CLI does build → render → store → sign in one go; the GUI must keep database
work on its one DB thread and PDF work (layout, signing, verification) elsewhere.
So each step here is a separate call, marked with where it belongs:

- DB thread: ``build_report``, ``store_report``, ``list_documents``,
  ``prepare_signing``, ``record_signature``, ``document_content``,
  ``save_document``, ``open_copy``;
- PDF worker (no database): ``render_report``, ``sign_job``, ``verify_document``.

``generate`` and ``sign_document`` chain the phases in one thread for callers
that need no split (the CLI, tests). The signing rules (assessor first, one
signature per role, newest version only, the moderation copy never) live in
``signing_refusal`` so the GUI can explain a refusal before it asks.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from assessor_app.domain.report_data import ReportData, ReportKind
from assessor_app.errors import AppError, UsageError

if TYPE_CHECKING:
    from assessor_app.reports import RenderedReport
    from assessor_app.services.branding import BrandingChoice
    from assessor_app.services.documents import DocumentInfo, DocumentService
    from assessor_app.services.reports import ReportService
    from assessor_app.services.signing import SignerIdentity, SigningService, VerificationReport
    from assessor_app.store.database import Database

ROLE_ORDER = ("assessor", "practitioner", "manager")
ROLE_WORDS = {"assessor": "assessor", "practitioner": "practitioner", "manager": "line manager"}
ACTOR = "app"
Progress = Callable[[str], None]


class ReportContext(Protocol):
    """What these jobs need of an open store (``app.AppContext`` is one)."""

    @property
    def database(self) -> Database: ...
    @property
    def reports(self) -> ReportService: ...
    @property
    def signing(self) -> SigningService: ...


def _documents(ctx: ReportContext) -> DocumentService:
    from assessor_app.services.documents import DocumentService

    return DocumentService(ctx.database, actor=ACTOR)


# -- rows the GUI lists ------------------------------------------------------------


@dataclass(frozen=True)
class DocumentRow:
    """One stored version of a report, as the Reports view lists it."""

    id: str
    kind: ReportKind
    version: int
    created_at: datetime
    sha256: str
    evidence_set_sha256: str
    size: int
    pages: int | None  # known just after generating; None when listed from the store
    signed_roles: tuple[str, ...]
    newest_version: int  # the highest version of this kind, about the same subject

    @property
    def title(self) -> str:
        return self.kind.title

    @property
    def superseded(self) -> bool:
        return self.version < self.newest_version

    @property
    def status(self) -> str:
        """e.g. 'Signed by assessor, practitioner; line manager to sign'."""
        return signature_status(self.kind, self.signed_roles)


def signature_status(kind: ReportKind, signed_roles: tuple[str, ...]) -> str:
    if kind is ReportKind.MODERATION:
        return "Not signed (anonymised copies are never signed)"
    done = [ROLE_WORDS[r] for r in ROLE_ORDER if r in signed_roles]
    todo = [ROLE_WORDS[r] for r in ROLE_ORDER if r not in signed_roles]
    if not done:
        return "Not signed; assessor to sign first"
    text = "Signed by " + ", ".join(done)
    if todo:
        text += "; " + " and ".join(todo) + " to sign"
    return text


def _row(info: DocumentInfo, newest: int, pages: int | None = None) -> DocumentRow:
    roles = tuple(r for r in ROLE_ORDER if info.signed_by(r))
    return DocumentRow(info.id, ReportKind(info.kind), info.version, info.created_at, info.sha256,
                       info.evidence_set_sha256, info.size, pages, roles, newest)


def signing_refusal(row: DocumentRow, role: str) -> AppError | None:
    """Why ``role`` may not sign this version now (an error to show), or None when it may."""
    who = ROLE_WORDS.get(role)
    if who is None:
        return UsageError(f"Unknown signing role {role!r}.", "Nothing was signed.")
    if row.kind is ReportKind.MODERATION:
        return UsageError("The moderation portfolio is not signed: a signature would put the "
                          "signer's name and registration number in an anonymised file.",
                          "Sign the named portfolio instead.")
    if row.superseded:
        return UsageError(f"This is version {row.version} of the {row.title.lower()}; version "
                          f"{row.newest_version} replaces it.", "Sign the newest version.")
    if role in row.signed_roles:
        return UsageError(f"The {who} has already signed this version.",
                          "Each role signs once. A correction needs a new version: generate "
                          "the report again.")
    if role != "assessor" and "assessor" not in row.signed_roles:
        return UsageError("The assessor has not signed this version yet.",
                          f"The assessor signs first; then the {who} can countersign.")
    return None


def list_documents(ctx: ReportContext, enrolment_id: str) -> list[DocumentRow]:
    """[DB thread] Every stored report of the enrolment, newest first."""
    docs = _documents(ctx)
    rows: list[DocumentRow] = []
    for kind in ReportKind:
        versions = docs.versions(enrolment_id, kind.value)
        newest: dict[str, int] = {}
        for v in versions:
            newest[v.subject_id] = max(newest.get(v.subject_id, 0), v.version)
        rows += [_row(v, newest[v.subject_id]) for v in versions]
    rows.sort(key=lambda r: (r.created_at, r.version), reverse=True)
    return rows


# -- generating ---------------------------------------------------------------------


@dataclass(frozen=True)
class BuiltReport:
    """Report data read from the store, with the (database-free) renderer to lay it out."""

    enrolment_id: str
    data: ReportData
    renderer: Callable[..., RenderedReport]  # (data, branding) -> RenderedReport
    subject_id: str = ""  # the review or evidence record it is about
    branding: BrandingChoice | None = None  # the employer's name and logo, from the settings


def build_report(ctx: ReportContext, kind: str | ReportKind, enrolment_id: str, *, today: date,
                 review_id: str | None = None, evidence_id: str | None = None,
                 branding: BrandingChoice | None = None) -> BuiltReport:
    """[DB thread] Read everything the report shows (and keep moderation pseudonyms).

    ``branding`` is what the settings ask for (``services.branding.current_choice``);
    the anonymised moderation copy never carries it.
    """
    data = ctx.reports.build(kind, enrolment_id, review_id=review_id, evidence_id=evidence_id,
                             today=today)
    if data.meta.anonymised:
        branding = None
    return BuiltReport(enrolment_id, data, ctx.reports.render_data,
                       data.focus_review_id or data.focus_evidence_id, branding)


def render_report(built: BuiltReport, progress: Progress | None = None) -> RenderedReport:
    """[PDF worker] Lay out the PDF (with empty signature fields); no database access.

    The logo is read and checked here (image work); one that cannot be used is
    left out and its reason joins ``notices``, which the caller shows once.
    """
    from assessor_app.services.branding import resolve

    if progress:
        progress(f"Laying out the {built.data.meta.title.lower()}…")
    branding = resolve(built.branding)
    rendered = built.renderer(built.data, branding.branding)
    if progress:
        progress(f"Laid out {rendered.pages} pages")
    if branding.notice:
        rendered = replace(rendered, notices=(branding.notice, *rendered.notices))
    return rendered


def store_report(ctx: ReportContext, built: BuiltReport, rendered: RenderedReport) -> DocumentRow:
    """[DB thread] Keep the PDF as the next version of this kind of report."""
    info = _documents(ctx).store(built.enrolment_id, built.data.meta.kind.value, rendered.pdf,
                                 evidence_set_sha256=built.data.meta.evidence_set_sha256,
                                 document_id=built.data.meta.document_id,
                                 subject_id=built.subject_id)
    return _row(info, info.version, rendered.pages)


def generate(ctx: ReportContext, kind: str | ReportKind, enrolment_id: str, *, today: date,
             review_id: str | None = None, evidence_id: str | None = None,
             branding: BrandingChoice | None = None) -> DocumentRow:
    """All generating phases in this thread (tests; the CLI keeps the notices too)."""
    built = build_report(ctx, kind, enrolment_id, today=today, review_id=review_id,
                         evidence_id=evidence_id, branding=branding)
    return store_report(ctx, built, render_report(built))


# -- signing ------------------------------------------------------------------------


@dataclass(frozen=True)
class SigningJob:
    """Everything the PDF worker needs to sign one stored version (the key is decrypted)."""

    document_id: str
    role: str
    pdf: bytes
    identity: SignerIdentity
    key_pair: Any = None  # reports.certificates.KeyPair, opaque to callers

    def __repr__(self) -> str:  # never print key material or names
        return f"SigningJob(document_id={self.document_id!r}, role={self.role!r})"


def _current_row(ctx: ReportContext, document_id: str) -> DocumentRow:
    docs = _documents(ctx)
    info = docs.get(document_id)
    newest = info.version
    if info.enrolment_id:
        newest = max(v.version for v in docs.versions(info.enrolment_id, info.kind)
                     if v.subject_id == info.subject_id)
    return _row(info, newest)


def prepare_signing(ctx: ReportContext, document_id: str, role: str) -> SigningJob:
    """[DB thread] Check the rules, find or make the signer's identity, open the key.

    Raises UsageError (a rule), SigningKeyMissing (no passphrase in the keyring) or
    KeyDecryptError (a wrong one): AppErrors with a plain message. Nothing is signed then,
    though a signer's identity may be created on first use.
    """
    refusal = signing_refusal(_current_row(ctx, document_id), role)
    if refusal is not None:
        raise refusal
    docs = _documents(ctx)
    party = docs.parties(document_id).get(role)
    if party is None:
        raise UsageError(f"This practitioner's enrolment has no {ROLE_WORDS[role]} recorded.",
                         "Add them to the enrolment first; nothing was signed.")
    ident = ctx.signing.identity(party.subject_kind, party.subject_id, party.name, role,
                                 party.registration_number, party.employer)
    pair = ctx.signing.signer_for(ident)
    return SigningJob(document_id, role, docs.content(document_id), ident, pair)


def sign_job(job: SigningJob) -> bytes:
    """[PDF worker] The signed file: the stored one plus an incremental update."""
    from assessor_app.reports import pdfsign
    from assessor_app.services.signing import REASONS

    return pdfsign.sign(job.pdf, job.key_pair, job.role, reason=REASONS[job.role])


def record_signature(ctx: ReportContext, job: SigningJob, signed: bytes) -> DocumentRow:
    """[DB thread] Store the signed file; refused unless it only appends one valid signature."""
    from assessor_app.services.signing import field_for

    _documents(ctx).add_signature(job.document_id, signed, job.identity, job.role,
                                  field_for(job.role))
    return _current_row(ctx, job.document_id)


def sign_document(ctx: ReportContext, document_id: str, role: str) -> DocumentRow:
    """All signing phases in this thread (CLI, tests)."""
    job = prepare_signing(ctx, document_id, role)
    return record_signature(ctx, job, sign_job(job))


# -- reading, saving, opening, verifying ------------------------------------------------


def document_content(ctx: ReportContext, document_id: str) -> bytes:
    """[DB thread] The stored PDF as it is now (with every signature so far)."""
    return _documents(ctx).content(document_id)


def save_document(ctx: ReportContext, document_id: str, out: str | Path) -> Path:
    """[DB thread] Write the stored PDF to ``out`` atomically (nothing half-written)."""
    from assessor_app.services.reports import write_atomic

    path = Path(out)
    write_atomic(path, document_content(ctx, document_id))
    return path


def verify_document(pdf: bytes) -> VerificationReport:
    """[PDF worker] Check every signature of the file (no store, no keyring)."""
    from assessor_app.services.signing import verify_pdf

    return verify_pdf(pdf)


class PrivateCopies:
    """Decrypted copies of stored PDFs, for opening in the system's PDF reader.

    The store is encrypted; these copies are NOT. They live in one private folder
    (0700, files 0600) made on first use, and ``clear`` deletes the folder: call
    it when the app closes.
    """

    def __init__(self) -> None:
        self._folder: Path | None = None

    @property
    def folder(self) -> Path | None:
        return self._folder

    def write(self, name: str, pdf: bytes) -> Path:
        if self._folder is None or not self._folder.is_dir():
            self._folder = Path(tempfile.mkdtemp(prefix="assessor-open-"))
        path = self._folder / name
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pdf)
        return path

    def clear(self) -> None:
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


def copy_name(row: DocumentRow) -> str:
    """A file name with no personal details: kind, version and a short document id."""
    return f"{row.kind.value}-report-v{row.version}-{row.id[:8]}.pdf"


def open_copy(ctx: ReportContext, row: DocumentRow, copies: PrivateCopies) -> Path:
    """[DB thread] Write a private decrypted copy of the stored PDF; returns its path."""
    try:
        return copies.write(copy_name(row), document_content(ctx, row.id))
    except OSError as exc:
        raise AppError(f"Could not make a copy to open ({exc.strerror or exc}).",
                       "Use Save as… instead.") from None
