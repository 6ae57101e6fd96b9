"""An open editor's save checked against the values it started from: pure rules, no I/O.

An editor loads a record, and while it is open a sync (or another editor) may change the
same record. So every save says, for each field it writes, the value the editor last saw
in the store (its *base*). Against what the store holds now, each field is one of:

- unchanged in the store since: the editor's value is written;
- changed in the store, not in the editor (its value is still the base): the store's newer
  value stays, and the editor is told to show it (``taken``);
- changed in both, to different values: the editor's value goes into the record (it is
  what the person is looking at and typing into) and the store's version is returned as a
  conflict, to be kept where the person can compare and choose. Nobody's words are lost.

Values are whatever the caller compares (the editors' strings, or a record's fields).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class EditConflict:
    field: str
    base: Any  # what the editor started from
    theirs: Any  # what the store held (written elsewhere meanwhile): kept in a conflict row
    mine: Any  # what the editor saves: goes into the record


@dataclass(frozen=True, slots=True)
class EditMerge:
    #: the fields to write (the editor's value, including where it conflicts)
    write: dict[str, Any]
    conflicts: tuple[EditConflict, ...] = ()
    #: fields the store changed and the editor did not: the store's value stays
    taken: tuple[str, ...] = ()

    @property
    def moved(self) -> bool:
        """The store had changed under the editor (the editor should look again)."""
        return bool(self.conflicts or self.taken)


@dataclass(frozen=True, slots=True)
class RecordChange:
    """Who last changed a record, as far as this device can tell (for an editor's notice
    and the conflict row's "other version by")."""

    by: str = ""  # a person's name; "" when not known
    yours: bool = False  # the user this device is enrolled as (so: on their other device)
    here: bool = False  # on this computer (another window), not synced yet
    at: datetime | None = None
    #: the device the change was made on, when known (a conflict row names it)
    device: str = ""

    @property
    def words(self) -> str:
        """"from your other device", "by Pat Practitioner", … (after "Updated")."""
        if self.here:
            return "in another window on this computer"
        if self.yours:
            return "from your other device"
        return f"by {self.by}" if self.by else "on another device"

    @property
    def where(self) -> str:
        """"on your other device", "by Pat Practitioner", … (after "deleted")."""
        if self.here:
            return "in another window on this computer"
        if self.yours:
            return "on your other device"
        return f"by {self.by}" if self.by else "on another device"


def merge_edit(base: Mapping[str, Any] | None, stored: Mapping[str, Any],
               mine: Mapping[str, Any]) -> EditMerge:
    """What to write of ``mine`` over ``stored``, given the editor's ``base`` (None: the
    caller does not know what it started from, so every field is written as before)."""
    if base is None:
        return EditMerge(dict(mine))
    write: dict[str, Any] = {}
    conflicts: list[EditConflict] = []
    taken: list[str] = []
    for name, value in mine.items():
        was = base.get(name, stored.get(name))  # no base for it: nothing to compare
        now = stored.get(name)
        if now == was:
            write[name] = value  # nobody else touched it
        elif value == now:
            continue  # both arrived at the same value
        elif value == was:
            taken.append(name)  # only the store changed it: keep the newer value
        else:
            write[name] = value
            conflicts.append(EditConflict(name, was, now, value))
    return EditMerge(write, tuple(conflicts), tuple(taken))


def flatten(values: Mapping[str, Any], nested: tuple[str, ...]) -> dict[str, Any]:
    """``values`` with each dict named in ``nested`` spread out as ``"name.key"`` entries, so
    two people writing different keys of one dict (two parties' comments) do not clash."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name in nested and isinstance(value, Mapping):
            out.update((f"{name}.{key}", v) for key, v in value.items())
        else:
            out[name] = value
    return out


def align(*maps: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Copies of ``maps`` that all have every key any of them has (missing ones as None):
    a key one side lacks (no judgement for that standard yet) is an empty value there."""
    keys = dict.fromkeys(k for m in maps for k in m)
    return [{k: m.get(k) for k in keys} for m in maps]


def unflatten(values: Mapping[str, Any], nested: tuple[str, ...]) -> dict[str, Any]:
    """The inverse of ``flatten`` (a nested dict with no entries comes back empty)."""
    out: dict[str, Any] = {name: {} for name in nested}
    for name, value in values.items():
        head, dot, key = name.partition(".")
        if dot and head in nested:
            out[head][key] = value
        else:
            out[name] = value
    return out


@dataclass(frozen=True, slots=True)
class Reconciled:
    #: fields to show the store's new value in (the person had not touched them)
    show: dict[str, Any]
    #: fields the store changed while the person has typing in them: the typing stays, and
    #: its save meets the change (a conflict, both kept)
    kept: tuple[str, ...]
    #: the editor's base values from now on
    base: dict[str, Any]


def reconcile(base: Mapping[str, Any], stored: Mapping[str, Any], current: Mapping[str, Any],
              busy: frozenset[str] = frozenset()) -> Reconciled:
    """What an open editor does when it reads its record again: ``stored`` is the record
    now, ``current`` what its inputs hold, ``busy`` the fields with typing not yet written.
    A field the store did not change is left alone; one the person did not touch shows the
    new value; one with typing keeps the typing (and its old base)."""
    show: dict[str, Any] = {}
    kept: list[str] = []
    new_base = dict(base)
    for name, value in stored.items():
        was = base.get(name, value)
        if value == was:
            continue
        now = current.get(name, was)
        if now == value and name not in busy:
            new_base[name] = value  # the editor already holds it
        elif now == was and name not in busy:
            show[name] = value
            new_base[name] = value
        else:
            kept.append(name)
    return Reconciled(show, tuple(kept), new_base)
