"""Hash chain of audit events (pure): each event's hash covers the previous hash.

The payload is canonical JSON of the event's non-narrative fields, so any edit,
insertion or deletion of an event breaks every later link.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditRecord:
    seq: int
    at: str  # ISO 8601 UTC
    actor: str
    action: str
    entity: str
    entity_id: str
    fields: tuple[str, ...]
    prev_hash: str
    hash: str


def event_hash(prev_hash: str, at: str, actor: str, action: str, entity: str,
               entity_id: str, fields: Iterable[str]) -> str:
    payload = json.dumps(
        [prev_hash, at, actor, action, entity, entity_id, sorted(fields)],
        ensure_ascii=True, separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    events: int
    ok: bool
    first_bad_seq: int | None = None
    problem: str = ""


def verify_chain(records: Iterable[AuditRecord]) -> ChainReport:
    prev = GENESIS
    n = 0
    last_seq = 0
    for r in records:
        n += 1
        if r.seq != last_seq + 1:
            return ChainReport(n, False, r.seq, f"event {last_seq + 1} is missing (next is {r.seq})")
        if r.prev_hash != prev:
            return ChainReport(n, False, r.seq, "it does not follow the event before it")
        expected = event_hash(r.prev_hash, r.at, r.actor, r.action, r.entity, r.entity_id, r.fields)
        if expected != r.hash:
            return ChainReport(n, False, r.seq, "its content was changed after it was written")
        prev = r.hash
        last_seq = r.seq
    return ChainReport(n, True)
