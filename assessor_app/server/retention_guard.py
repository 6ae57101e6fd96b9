"""Pushes that meet the retention purge: text the server removed never comes back.

The server's retention purge (``server.retention``) replaces the notes of a purged
record's old versions with the current version's (cleared) notes and marks them
``purged_at``. A push based on such a version cannot be merged on those fields: the
server no longer knows what the device started from, so a three-way merge would take
the device's old text as a new edit (or keep it in a conflict row). Such a push is
refused when it carries notes other than the record's current ones, *without* the
server's row: a device given the row would keep its own text in a local conflict and
send that back. The device keeps its text (nothing typed is lost on it) and sees the
reason; its own retention purge clears the text, and the next sync goes through, other
fields merged as usual against the version's kept values. A conflict row about a purged
record that carries text is refused the same way.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from assessor_app.domain import retention as policy
from assessor_app.server.models import SyncRow, SyncRowVersion
from assessor_app.sync.tables import BY_NAME

REFUSAL = ("This record belongs to a portfolio closed long ago whose notes the server "
           "removed under the employer's retention policy, and this device still holds notes "
           "from before that. Nothing of this change was saved. Run the retention purge on "
           "this device (Settings → Retention, or: assessor-app retention purge), then sync "
           "again.")


def narrative_columns(table: str) -> tuple[str, ...]:
    """The fields the retention policy clears in ``table``, and the file it names."""
    spec = BY_NAME.get(table)
    blob = (spec.blob_column,) if spec is not None and spec.blob_column else ()
    return tuple(policy.CLEARED.get(table, {})) + blob


def differs(table: str, fields: dict[str, Any], current: dict[str, Any]) -> bool:
    """True when ``fields`` carries notes other than ``current``'s (fields it lacks: no)."""
    return any(c in fields and fields[c] != current.get(c) for c in narrative_columns(table))


def is_clear(table: str, fields: dict[str, Any]) -> bool:
    """True when no field the policy clears holds anything but its cleared value."""
    return not policy.clearing(table, fields, str(fields.get("kind") or ""))


def _has_purged_versions(s: Session, table: str, row_id: str) -> bool:
    return bool(s.scalar(select(exists().where(
        SyncRowVersion.table_name == table, SyncRowVersion.id == row_id,
        SyncRowVersion.purged_at.is_not(None)))))


def stale_text(s: Session, written: list[dict[str, Any]], current: SyncRow, base_rev: int,
               fields: dict[str, Any]) -> str:
    """Why an edit of ``current`` from ``base_rev`` (older than the current revision) is
    refused, or "" when it may be merged. ``written``: versions this batch wrote."""
    if not differs(current.table_name, fields, current.fields):
        return ""
    key = (current.table_name, current.id, base_rev)
    if any((v["table_name"], v["id"], v["rev"]) == key for v in written):
        return ""
    if base_rev > 0:
        ver = s.get(SyncRowVersion, key)
        purged = ver is not None and ver.purged_at is not None
    else:  # no base at all: every differing field would be kept as a conflict
        purged = _has_purged_versions(s, current.table_name, current.id)
    return REFUSAL if purged else ""


def conflict_text(s: Session, fields: dict[str, Any]) -> str:
    """Why a new conflict row is refused (it carries text about a record whose old notes
    the purge removed: most likely those very notes, kept by a device), or ""."""
    if is_clear("conflict", fields):
        return ""
    entity, entity_id = fields.get("entity"), fields.get("entity_id")
    if not isinstance(entity, str) or not isinstance(entity_id, str):
        return ""
    return REFUSAL if _has_purged_versions(s, entity, entity_id) else ""
