"""Typing of the review-meeting and final-assessment editors whose practitioner left this
laptop (a scope exit) while they were open.

Like the evidence editor's (``EvidenceService.keep_aside``), the typing is kept aside with
the removal's other unsent changes, keyed by the enrolment, as the editor's flat fields
(``domain.review_fields``) with the base they were typed on; the sync puts it back through
the editor's service when the practitioner is assigned back (where the record changed
meanwhile, both texts are kept as a conflict, as for any save with a base).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from assessor_app.errors import NotFound, RecordRemoved
from assessor_app.store.database import Database
from assessor_app.store.write_errors import disk_errors

KEPT_HINT = ("Your typing is kept aside, encrypted, on this laptop with your other kept-aside "
             "changes (assessor-app sync --kept-aside lists them); it goes back into the record "
             "if the practitioner is assigned to you again.")
_GONE = ("That practitioner is not in this store.",
         "It may have been removed; refresh the list (F5).")


def removed_words(item: dict[str, Any]) -> str:
    """Why a record left this laptop with its practitioner (``SyncRepository.removal_of``)."""
    if not item.get("whole"):
        return ("This record was moved to a practitioner you are not assigned and has been "
                "removed from this laptop.")
    reason = item.get("reason")
    if reason == "reassigned":
        return "This portfolio was moved to another assessor and removed from this laptop."
    if reason == "role":
        return "Your role on the sync server changed, so this portfolio was removed from this laptop."
    return "This portfolio is no longer assigned to you and was removed from this laptop."


def removed_error(db: Database, enrolment_id: str) -> RecordRemoved | None:
    """RecordRemoved when the enrolment left this laptop with its practitioner."""
    from assessor_app.store.sync_repo import SyncRepository

    with db.uow() as uow:
        item = SyncRepository(uow.session).removal_of(enrolment_id)
    return None if item is None else RecordRemoved(removed_words(item), KEPT_HINT)


def or_removed(db: Database, enrolment_id: str, exc: NotFound) -> NotFound:
    """A NotFound about an enrolment's record, said plainly when it left with a removal."""
    return removed_error(db, enrolment_id) or exc


def keep_aside(db: Database, kind: str, enrolment_id: str, typing: dict[str, Any],
               base: dict[str, Any], extra: dict[str, Any] | None = None) -> str:
    """Keep an editor's typing aside (nothing typed: nothing kept); the plain words for
    the editor. NotFound when the enrolment did not leave with a removal."""
    from assessor_app.store.sync_repo import sync_transaction

    with disk_errors("Your typing"), sync_transaction(db, "assessor") as repo:
        item = repo.keep_typing_aside(enrolment_id, typing, base, kind=kind, extra=extra)
    if item is None:
        raise NotFound(*_GONE)
    return removed_words(item)


def put_back(db: Database, kind: str,
             save: Callable[[dict[str, Any]], None]) -> list[tuple[str, int]]:
    """Kept-aside typing of ``kind`` whose enrolment is here again, saved by ``save`` (given
    the entry's row: typing, base and extras) and dropped from the kept-aside changes.
    An entry ``save`` refuses (the record was signed meanwhile) stays kept aside, listed by
    ``assessor-app sync --kept-aside``. Returns (practitioner name, changes)."""
    from assessor_app.errors import AppError
    from assessor_app.store.sync_repo import SyncRepository, sync_transaction

    with db.uow() as uow:
        entries = SyncRepository(uow.session).typing_to_put_back(kind)
    done: dict[str, int] = {}
    for e in entries:
        try:
            save({**e["row"], "enrolment_id": e["row_id"]})
        except AppError:
            continue  # nothing is lost: it stays kept aside
        with sync_transaction(db, "assessor") as repo:
            repo.drop_kept([e["id"]])
        name = e["practitioner_name"] or "a practitioner"
        done[name] = done.get(name, 0) + 1
    return sorted(done.items())
