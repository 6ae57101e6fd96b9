"""Which tables sync, in which order, and what decides a row's scope.

A row's *scope* is the practitioner it belongs to, found by walking parent
links up to ``practitioner``; rows with no practitioner (people, imported
frameworks) are employer-wide. Parents always come before children
(``RANK``), so a device can apply a page in rank order.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TableSpec:
    name: str
    #: (column, parent table) the row hangs from; None for top-level rows
    parent: tuple[str, str] | None
    #: a binary column sent as a content-addressed blob (the row carries its sha256)
    blob_column: str | None = None
    #: True when rows never change once the server has them (signed documents)
    immutable: bool = False
    #: rows every enrolled user of the employer sees (no practitioner scope)
    employer_wide: bool = False


SPECS: tuple[TableSpec, ...] = (
    TableSpec("person", None, employer_wide=True),
    TableSpec("catalogue_entry", None, employer_wide=True),
    TableSpec("practitioner", None),
    TableSpec("enrolment", ("practitioner_id", "practitioner")),
    TableSpec("pause", ("enrolment_id", "enrolment")),
    TableSpec("agreement", ("enrolment_id", "enrolment")),
    TableSpec("evidence", ("enrolment_id", "enrolment")),
    TableSpec("observation", ("evidence_id", "evidence")),
    TableSpec("record_review", ("evidence_id", "evidence")),
    TableSpec("feedback", ("evidence_id", "evidence")),
    TableSpec("reflection", ("evidence_id", "evidence")),
    TableSpec("self_assessment", ("evidence_id", "evidence")),
    TableSpec("supervision_entry", ("evidence_id", "evidence")),
    TableSpec("standard_link", ("evidence_id", "evidence")),
    TableSpec("attachment", ("evidence_id", "evidence"), blob_column="content"),
    TableSpec("review", ("enrolment_id", "enrolment")),
    TableSpec("final_assessment", ("enrolment_id", "enrolment")),
    # a document changes while unsigned (signature fields added); once a signature names it,
    # it may only be appended to (a countersignature), which the server checks on the bytes
    TableSpec("document", ("enrolment_id", "enrolment"), blob_column="content"),
    TableSpec("signature", ("document_id", "document"), immutable=True),
    # conflicts are rows too: the server writes them, every device in scope lists them,
    # and a person's resolution syncs back like any edit
    # (practitioner_id may be empty: a conflict on an employer-wide row is employer-wide)
    TableSpec("conflict", ("practitioner_id", "practitioner")),
)

BY_NAME: dict[str, TableSpec] = {s.name: s for s in SPECS}
RANK: dict[str, int] = {s.name: i for i, s in enumerate(SPECS)}

#: the columns every syncable row carries that are bookkeeping, not content
SYNC_COLUMNS = frozenset({"id", "rev", "base_rev", "dirty", "deleted_at", "created_at",
                          "updated_at", "updated_by"})

#: a row whose ``status`` field has one of these values on the server is signed: edits are refused
SIGNED_STATUSES = frozenset({"signed"})


def is_syncable(table: str) -> bool:
    return table in BY_NAME
