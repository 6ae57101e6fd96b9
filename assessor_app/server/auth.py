"""Device tokens and enrolment: a one-time code becomes a device token (the server keeps
only sha256 of each); revoked, unknown or long-idle tokens are refused at once."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from assessor_app.server import admin
from assessor_app.server.admin import aware, sha256_hex, utcnow
from assessor_app.server.db import write_session
from assessor_app.server.models import Device, EnrolCode, Meta, User
from assessor_app.sync.protocol import EnrolRequest, EnrolResponse, WhoAmI

IDLE_LIMIT = timedelta(days=180)
#: last_seen_at is written at most this often (not one write per request)
SEEN_EVERY = timedelta(minutes=10)


class AuthFailed(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class EnrolFailed(AuthFailed):
    pass


@dataclass(frozen=True)
class Caller:
    user_id: str
    user_name: str
    role: str
    practitioner_id: str | None
    device_id: str
    device_name: str


def server_id(s: Session) -> str:
    return s.get(Meta, "server_id").value  # type: ignore[union-attr]


def authenticate(engine: Engine, token: str) -> Caller:
    with engine.connect() as conn:  # Core columns: this runs on every request
        device = conn.execute(select(
            Device.id, Device.name, Device.revoked_at, Device.last_seen_at, User.id.label("uid"),
            User.name.label("uname"), User.role, User.practitioner_id)
            .join(User, User.id == Device.user_id)
            .where(Device.token_hash == sha256_hex(token))).first()
        if device is None:
            raise AuthFailed("token_unknown", "This device is not enrolled with the server (its "
                             "token is not recognised). Enrol it again with a new code.")
        if device.revoked_at is not None:
            raise AuthFailed("device_revoked", "This device has been revoked by the server's "
                             "administrator. Ask them for a new enrolment code.")
        now = utcnow()
        seen = aware(device.last_seen_at)
        if now - seen > IDLE_LIMIT:
            raise AuthFailed("token_expired", "This device has not synced for over 180 days, "
                             "so its enrolment has lapsed. Enrol again with a new code.")
        caller = Caller(device.uid, device.uname, device.role, device.practitioner_id,
                        device.id, device.name)
    if now - seen > SEEN_EVERY:
        with write_session(engine) as ws:
            ws.execute(update(Device).where(Device.id == caller.device_id)
                       .values(last_seen_at=now))
    return caller


def whoami(engine: Engine, caller: Caller) -> WhoAmI:
    with Session(engine) as s:
        sid = server_id(s)
    return WhoAmI(user_id=caller.user_id, user_name=caller.user_name, role=caller.role,  # type: ignore[arg-type]
                  device_id=caller.device_id, server_id=sid,
                  practitioner_id=caller.practitioner_id)


def enrol(engine: Engine, req: EnrolRequest, issue_cert) -> EnrolResponse:  # type: ignore[no-untyped-def]
    """Exchange a one-time code for a device token. ``issue_cert(csr_pem, name, role)``
    signs the CSR with the employer CA; returns the response with the CA certificate."""
    code_hash = sha256_hex(admin.normalise_code(req.code))
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with write_session(engine) as s:
        code = s.get(EnrolCode, code_hash)
        if code is None or code.used_at is not None:
            raise EnrolFailed("code_invalid", "That enrolment code is not valid or has already "
                              "been used. Ask your administrator for a new one.")
        if aware(code.expires_at) < now:
            raise EnrolFailed("code_expired", "That enrolment code has expired. Ask your "
                              "administrator for a new one.")
        user = s.get(User, code.user_id)
        assert user is not None
        cert_pem = issue_cert(req.csr_pem, user.name, user.role) if req.csr_pem else None
        device_id = str(uuid.uuid4())
        taken = s.execute(update(EnrolCode).where(EnrolCode.code_hash == code_hash,
                                                  EnrolCode.used_at.is_(None))
                          .values(used_at=now, device_id=device_id))
        if taken.rowcount != 1:
            raise EnrolFailed("code_invalid", "That enrolment code has already been used.")
        s.add(Device(id=device_id, user_id=user.id, name=req.device_name.strip() or "device",
                     token_hash=sha256_hex(token), created_at=now, last_seen_at=now))
        who = WhoAmI(user_id=user.id, user_name=user.name, role=user.role,  # type: ignore[arg-type]
                     device_id=device_id, server_id=server_id(s),
                     practitioner_id=user.practitioner_id)
    return EnrolResponse(token=token, whoami=who, ca_pem="", cert_pem=cert_pem)
