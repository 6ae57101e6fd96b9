"""Records from other devices that wait on this one: what they are and why, in plain words.

A pulled row the store cannot apply yet waits in the inbox (``store/sync_pull.py``): a row
it names has not arrived, or two devices each made the one record a portfolio has one of.
Every sync tries them again. Here each becomes a ``ParkedItem`` a person can read: the kind
of record, whose it is (the practitioner's name when this device has them, else a short
reference), why it waits and what happens next. Nothing here is logged: the words name
people, and a row's text never leaves the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assessor_app.store.database import Database
    from assessor_app.store.sync_pull import ParkedRow

#: what a person calls each kind of record (the table names are for programmers)
KINDS = {
    "person": "Person",
    "catalogue_entry": "Framework or programme",
    "practitioner": "Practitioner",
    "enrolment": "Portfolio",
    "pause": "Pause",
    "agreement": "Learning agreement",
    "evidence": "Piece of evidence",
    "observation": "Observation",
    "record_review": "Review of case records",
    "feedback": "Feedback",
    "reflection": "Reflection",
    "self_assessment": "Self-assessment",
    "supervision_entry": "Supervision notes",
    "standard_link": "Link to a standard",
    "attachment": "Attached file",
    "review": "Progress review",
    "final_assessment": "Final assessment",
    "document": "Report",
    "signature": "Signature",
    "conflict": "Conflict",
}


def kind(table: str) -> str:
    return KINDS.get(table, table.replace("_", " ").capitalize())


def short_ref(row_id: str) -> str:
    """A reference a coordinator can look up (the start of the id), never a name."""
    return row_id.replace("-", "")[:8].upper()


@dataclass(frozen=True)
class ParkedItem:
    table: str
    row_id: str
    kind: str  # "Observation"
    practitioner: str  # a name, or where it cannot be known, what is known
    reason: str  # "parent" | "clash"
    why: str  # a few words, for a list
    explanation: str  # the full story: why, what happens next, what to do
    written_by: str
    since: datetime | None


def _practitioner(p: ParkedRow) -> str:
    if p.employer_wide:
        return "Everyone at your employer"
    if p.practitioner_name:
        return p.practitioner_name
    if p.practitioner_id:
        return f"Not on this computer yet (ref {short_ref(p.practitioner_id)})"
    if p.reason == "parent" and p.waits_for:
        return f"Known once its {kind(p.waits_for[0]).lower()} arrives"
    return "Not known yet"


def _words(p: ParkedRow) -> tuple[str, str]:
    what = kind(p.table).lower()
    if p.reason == "clash":
        whose = "This practitioner's" if p.practitioner_id else "The"
        return ("Made on two devices", (
            f"{whose} {what} was started on this computer and on another device before "
            f"either synced, so there are two, and a portfolio holds only one. The one on "
            f"this computer stays in use; the other device's {what} is kept safely here and on "
            "the server, so nothing written is lost. Each sync tries again. If both versions "
            "matter, ask your coordinator to combine them (quote the reference "
            f"{short_ref(p.id)})."))
    parent = kind(p.waits_for[0]).lower() if p.waits_for else "record it belongs to"
    return (f"Waiting for its {parent}", (
        f"This {what} was written on another device for a {parent} this computer has not "
        f"received yet. It is kept here, unchanged, and added by itself as soon as that {parent} "
        "arrives: each sync tries again. If it is still waiting after a few syncs, tell your "
        f"coordinator (quote the reference {short_ref(p.id)}): the {parent} may have been "
        "deleted, or moved to someone else's practitioners."))


def parked_items(database: Database) -> list[ParkedItem]:
    """Every record waiting in the inbox, oldest first, in words a person can act on."""
    from assessor_app.store.sync_repo import SyncRepository

    with database.uow() as uow:
        rows = SyncRepository(uow.session).parked_rows()
    out = []
    for p in rows:
        why, explanation = _words(p)
        try:
            since = datetime.fromisoformat(p.since) if p.since else None
        except ValueError:
            since = None
        out.append(ParkedItem(p.table, p.id, kind(p.table), _practitioner(p), p.reason, why,
                              explanation, p.updated_by, since))
    return out
