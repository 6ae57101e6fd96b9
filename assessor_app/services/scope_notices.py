"""What the user reads when records leave this laptop because they left the user's scope.

Plain sentences, one per practitioner affected, kept in ``sync_state["notices"]`` until the
user has seen them (the app's notice, ``assessor-app sync``). They name the practitioner (the
user knew them; the notice must say whose portfolio went) but never any record's text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assessor_app.store.scope_removal import Removed, Restored

CONTACT = "your programme coordinator"
MAX_NOTICES = 50


def _changes(n: int) -> str:
    return f"{n} change{'s' if n != 1 else ''}"


def _whose(name: str, *, first: bool = False) -> str:
    if name:
        return f"{name}'s"
    return "A practitioner's" if first else "a practitioner's"


def removed_words(r: Removed) -> str:
    name = r.practitioner_name
    if not r.whole:
        head = (f"Part of {_whose(name)} portfolio was moved to a practitioner you are not "
                "assigned and has been removed from this laptop.")
    elif r.reason == "reassigned":
        head = (f"{_whose(name, first=True)} portfolio was moved to another assessor and has "
                "been removed from this laptop.")
    elif r.reason == "role":
        head = (f"Your role on the sync server changed, so {_whose(name)} portfolio has been "
                "removed from this laptop.")
    else:
        head = (f"{_whose(name, first=True)} portfolio is no longer assigned to you and has "
                "been removed from this laptop.")
    if not r.kept_aside:
        return head
    name = name or "the practitioner"
    return (f"{head} {_changes(r.kept_aside)} you made could not be sent before that, so "
            f"{'they are' if r.kept_aside != 1 else 'it is'} kept aside, encrypted, on this "
            f"laptop. Ask {CONTACT} to assign {name} back to you for a moment (kept-aside "
            "changes are then sent at the next sync), or whether they may be discarded.")


def restored_words(r: Restored) -> str:
    name = r.practitioner_name or "a practitioner"
    were = "was" if r.changes == 1 else "were"
    return (f"{name} is assigned to you again: the {_changes(r.changes)} kept aside on this "
            f"laptop {were} put back and will be sent with your other changes.")
