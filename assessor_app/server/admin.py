"""Administration: users, assignments, enrolment codes, devices (CLI and tests call these)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, or_, select, update
from sqlalchemy.orm import Session

from assessor_app.server import scope_exits
from assessor_app.server.config import ServerError
from assessor_app.server.db import write_session
from assessor_app.server.models import Assignment, Device, EnrolCode, SyncRow, User

ROLES = ("assessor", "practitioner", "manager", "coordinator")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(dt: datetime) -> datetime:
    """SQLite gives naive datetimes back; every stamp we write is UTC."""
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _user(s: Session, name: str) -> User:
    user = s.scalar(select(User).where(User.name == name))
    if user is None:
        user = s.get(User, name)
    if user is None:
        raise ServerError(f"There is no user called {name!r} on this server.",
                          "See them with: assessor-app server list")
    return user


def _check_role(role: str, practitioner_id: str | None) -> None:
    if role not in ROLES:
        raise ServerError(f"Unknown role {role!r}.", f"Use one of: {', '.join(ROLES)}.")
    if role == "practitioner" and not practitioner_id:
        raise ServerError("A practitioner user needs --practitioner-id (their practitioner "
                          "record's id).")


def add_user(engine: Engine, name: str, role: str, practitioner_id: str | None = None) -> str:
    name = name.strip()
    if not name:
        raise ServerError("A user needs a name.")
    _check_role(role, practitioner_id)
    with write_session(engine) as s:
        if s.scalar(select(User.id).where(User.name == name)):
            raise ServerError(f"There is already a user called {name!r}.")
        uid = str(uuid.uuid4())
        s.add(User(id=uid, name=name, role=role,
                   practitioner_id=practitioner_id if role == "practitioner" else None,
                   created_at=utcnow()))
    return uid


def find_practitioner(s: Session, ref: str) -> str:
    """A practitioner row's id from its id or a unique (part of its) name."""
    if s.get(SyncRow, ("practitioner", ref)) is not None:
        return ref
    rows = s.scalars(select(SyncRow).where(SyncRow.table_name == "practitioner",
                                           SyncRow.deleted.is_(False))).all()
    exact = [r.id for r in rows if str(r.fields.get("name", "")).casefold() == ref.casefold()]
    hits = exact or [r.id for r in rows
                     if ref.casefold() in str(r.fields.get("name", "")).casefold()]
    if len(hits) == 1:
        return hits[0]
    if not hits:
        # not on the server yet: an assessor may be assigned before the record is pushed
        try:
            uuid.UUID(ref)
        except ValueError:
            raise ServerError(f"No practitioner on the server matches {ref!r}.",
                              "Give the practitioner's id, or sync their record first.") from None
        return ref
    raise ServerError(f"{len(hits)} practitioners match {ref!r}.", "Give the id instead.")


def next_seq(s: Session) -> int:
    """The next seq to hand out (rows and scope exits share one sequence)."""
    return scope_exits.max_seq(s) + 1


def restamp(s: Session, practitioner_id: str) -> int:
    """Give a practitioner's rows fresh seqs (above every current one, exits included), so
    devices already past them receive them on their next pull. Keeps their relative order."""
    hi = scope_exits.max_seq(s)
    lo = s.scalar(select(func.min(SyncRow.seq)).where(SyncRow.practitioner_id == practitioner_id))
    if lo is None:
        return 0
    # every new seq is above every current one, so the update never collides with itself
    shift = int(hi) - int(lo) + 1
    res = s.execute(update(SyncRow).where(SyncRow.practitioner_id == practitioner_id)
                    .values(seq=SyncRow.seq + shift))
    return int(res.rowcount or 0)


def assign(engine: Engine, user: str, practitioner: str, *,
           role: str | None = None) -> tuple[str, int]:
    """Give ``user`` (an assessor or manager) ``practitioner``; returns (practitioner id,
    rows re-stamped)."""
    with write_session(engine) as s:
        u = _user(s, user)
        if u.role not in ("assessor", "manager"):
            raise ServerError(f"{u.name} is a {u.role}; only assessors and managers are "
                              "assigned practitioners.")
        if role and u.role != role:
            raise ServerError(f"{u.name} is a {u.role}, not a {role}.")
        pid = find_practitioner(s, practitioner)
        if s.get(Assignment, (u.id, pid)) is not None:
            return pid, 0
        s.add(Assignment(user_id=u.id, practitioner_id=pid, created_at=utcnow()))
        s.flush()
        return pid, restamp(s, pid)


def unassign(engine: Engine, user: str, practitioner: str, *,
             role: str | None = None) -> str:
    """Take ``practitioner`` away from ``user``: their devices drop its records at their next
    sync (unsent changes are kept aside there, see the client). Returns the practitioner id."""
    with write_session(engine) as s:
        u = _user(s, user)
        if role and u.role != role:
            raise ServerError(f"{u.name} is a {u.role}, not a {role}.")
        pid = find_practitioner(s, practitioner)
        held = s.get(Assignment, (u.id, pid))
        if held is None:
            raise ServerError(f"Practitioner {pid} is not assigned to {u.name}.",
                              "See who has what with: assessor-app server list")
        s.delete(held)
        s.flush()
        scope_exits.record_left(s, u.id, [pid], "unassigned")
        return pid


def reassign(engine: Engine, practitioner: str, to: str) -> tuple[str, list[str], int]:
    """Give ``practitioner`` to assessor ``to`` in place of every other assessor (managers
    keep theirs). Returns (practitioner id, names of the assessors who lost it, rows
    re-stamped for the new assessor's devices)."""
    with write_session(engine) as s:
        u = _user(s, to)
        if u.role != "assessor":
            raise ServerError(f"{u.name} is a {u.role}, not an assessor.",
                              "Reassign to an assessor; give a manager a practitioner with "
                              "assessor-app server assign --manager NAME.")
        pid = find_practitioner(s, practitioner)
        others = s.execute(select(Assignment, User.name).join(User, User.id == Assignment.user_id)
                           .where(Assignment.practitioner_id == pid, User.role == "assessor",
                                  Assignment.user_id != u.id)).all()
        for a, _name in others:
            s.delete(a)
        s.flush()
        for a, _name in others:
            scope_exits.record_left(s, a.user_id, [pid], "reassigned")
        moved = 0
        if s.get(Assignment, (u.id, pid)) is None:
            s.add(Assignment(user_id=u.id, practitioner_id=pid, created_at=utcnow()))
            s.flush()
            moved = restamp(s, pid)
        return pid, sorted(name for _a, name in others), moved


def _scope_of(s: Session, u: User) -> set[str] | None:
    """The practitioners ``u`` reads (None: every one), as ``scopes.readable`` decides."""
    if u.role == "coordinator":
        return None
    if u.role == "practitioner":
        return {u.practitioner_id} if u.practitioner_id else set()
    return set(s.scalars(select(Assignment.practitioner_id)
                         .where(Assignment.user_id == u.id)).all())


def set_role(engine: Engine, user: str, role: str,
             practitioner_id: str | None = None) -> tuple[int, int]:
    """Change a user's role. Practitioners they no longer read leave their devices at the
    next sync; practitioners they now read are re-stamped so their devices receive them.
    Assignments mean nothing to a coordinator or a practitioner user, so they are ended.
    Returns (practitioners lost, practitioners gained)."""
    _check_role(role, practitioner_id)
    with write_session(engine) as s:
        u = _user(s, user)
        before = _scope_of(s, u)
        u.role = role
        u.practitioner_id = practitioner_id if role == "practitioner" else None
        if role not in ("assessor", "manager"):
            for a in s.scalars(select(Assignment).where(Assignment.user_id == u.id)).all():
                s.delete(a)
        s.flush()
        after = _scope_of(s, u)
        if before is None or after is None:
            everyone = set(s.scalars(select(SyncRow.id).where(
                SyncRow.table_name == "practitioner")).all())
            before = everyone if before is None else before
            after = everyone | before if after is None else after
        lost, gained = before - after, after - before
        scope_exits.record_left(s, u.id, lost, "role")
        for pid in sorted(gained):
            restamp(s, pid)
        return len(lost), len(gained)


def issue_code(engine: Engine, user: str, days: float = 7) -> str:
    """A one-time enrolment code for ``user`` (shown once; only its hash is kept)."""
    if days <= 0:
        raise ServerError("--days must be more than 0.")
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    with write_session(engine) as s:
        u = _user(s, user)
        now = utcnow()
        s.add(EnrolCode(code_hash=sha256_hex(raw), user_id=u.id, created_at=now,
                        expires_at=now + timedelta(days=days)))
    return "-".join(raw[i:i + 4] for i in range(0, 12, 4))


def revoke_device(engine: Engine, device: str) -> str:
    """Revoke a device by id or unique name; its token stops working at once."""
    with write_session(engine) as s:
        hits = s.scalars(select(Device).where(or_(Device.id == device,
                                                  Device.name == device))).all()
        if not hits:
            raise ServerError(f"No device matches {device!r}.",
                              "See them with: assessor-app server list")
        if len(hits) > 1:
            raise ServerError(f"{len(hits)} devices are called {device!r}.",
                              "Give the device id instead (assessor-app server list).")
        d = hits[0]
        if d.revoked_at is None:
            d.revoked_at = utcnow()
        return d.id


@dataclass(frozen=True)
class Listing:
    users: list[dict[str, object]]
    devices: list[dict[str, object]]


def listing(engine: Engine) -> Listing:
    with Session(engine) as s:
        users = s.scalars(select(User).order_by(User.name)).all()
        names = {u.id: u.name for u in users}
        assigned: dict[str, list[str]] = {}
        for a in s.scalars(select(Assignment)).all():
            assigned.setdefault(a.user_id, []).append(a.practitioner_id)
        devices = s.scalars(select(Device).order_by(Device.created_at)).all()
        return Listing(
            users=[{"id": u.id, "name": u.name, "role": u.role,
                    "practitioner_id": u.practitioner_id,
                    "practitioners": sorted(assigned.get(u.id, []))} for u in users],
            devices=[{"id": d.id, "name": d.name, "user": names.get(d.user_id, "?"),
                      "last_seen_at": aware(d.last_seen_at).isoformat(timespec="seconds"),
                      "revoked": d.revoked_at is not None} for d in devices],
        )
