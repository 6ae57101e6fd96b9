"""Three-way merge of one row: pure functions, property-tested (tests/sync/test_merge.py).

``base`` is the version both sides started from, ``server`` what the server has now,
``incoming`` what a device sends. A field changed on one side only takes that side's
value; changed on both to the same value is no conflict; changed on both to different
values is a *hard conflict*: the server keeps its value and both are recorded, so no
text written on any device is lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class FieldConflict:
    field: str
    base: Any
    server: Any
    incoming: Any


@dataclass(frozen=True, slots=True)
class MergeOutcome:
    fields: dict[str, Any]
    #: fields both sides changed differently (the server's value is in ``fields``)
    hard: tuple[FieldConflict, ...] = ()
    #: fields taken from the incoming row although the server had moved on (for the record)
    soft: tuple[str, ...] = field(default=())

    @property
    def changed_from_server(self) -> bool:
        return bool(self.soft)


_MISSING = object()


def merge_fields(base: dict[str, Any] | None, server: dict[str, Any],
                 incoming: dict[str, Any]) -> MergeOutcome:
    """Merge ``incoming`` into ``server`` against ``base`` (None: no common version known,
    so every differing field is a hard conflict)."""
    base = {} if base is None else base
    known_base = bool(base)
    out = dict(server)
    hard: list[FieldConflict] = []
    soft: list[str] = []
    for name in sorted(set(server) | set(incoming)):
        mine = incoming.get(name, _MISSING)
        theirs = server.get(name, _MISSING)
        if mine is _MISSING:
            continue  # the device does not know this field (older schema): keep the server's
        if theirs is _MISSING:
            out[name] = mine
            continue
        if mine == theirs:
            continue
        was = base.get(name, _MISSING) if known_base else _MISSING
        if was is not _MISSING and mine == was:
            continue  # only the server changed it
        if was is not _MISSING and theirs == was:
            out[name] = mine  # only the device changed it
            soft.append(name)
            continue
        hard.append(FieldConflict(name, None if was is _MISSING else was, theirs, mine))
    return MergeOutcome(out, tuple(hard), tuple(soft))
