"""Enrolment: a one-time code → a device token (keyring) and an employer-issued signing key.

The signing key is made here, on the device; only its CSR goes to the server, whose
CA signs it. The private key is stored encrypted like every signing identity
(``services/signing.py``), marked ``issuer="employer"``, and the employer's root
certificate is kept beside the store (``employer-ca.pem``) so reports signed with
it verify against that root (``assessor-app verify --trust employer-ca.pem``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assessor_app.errors import AppError, UsageError
from assessor_app.keystore import SecretStore
from assessor_app.reports import certificates
from assessor_app.sync.client import check_url
from assessor_app.sync.protocol import EnrolResponse

if TYPE_CHECKING:
    from assessor_app.store.database import Database
    from assessor_app.store.sync_repo import SyncRepository

CA_FILE = "employer-ca.pem"
#: server roles → the signing role their certificate names (coordinators do not sign reports)
SIGNING_ROLES = {"assessor": "assessor", "manager": "manager", "practitioner": "practitioner"}


@dataclass
class PendingKey:
    """A fresh key made before enrolment; its CSR goes with the code."""

    pair: certificates.KeyPair
    csr_pem: str


def checked_input(server_url: str, code: str, device_name: str,
                  ca_bundle: str | None) -> tuple[str, str, str, str | None]:
    """The enrolment's address, code, device name and CA bundle path, checked before the
    server is asked (``server_url``: as given, else the one in Settings)."""
    if not server_url.strip():
        raise UsageError("Which server? No server address was given, and Settings "
                         "name none.", "Give the address your coordinator sent: "
                         "assessor-app enrol --server URL --code CODE.")
    url = check_url(server_url)
    code, device_name = code.strip(), device_name.strip()
    if len(code) < 6:
        raise UsageError("That enrolment code is too short.",
                         "Copy the whole code your coordinator sent.")
    if not device_name:
        raise UsageError("Give this computer a name (e.g. 'work laptop').")
    bundle = None
    if ca_bundle:
        path = Path(ca_bundle).expanduser().resolve()
        if not path.is_file():
            raise UsageError(f"There is no CA bundle at {path}.",
                             "Give the PEM file your IT team sent.")
        bundle = str(path)
    return url, code, device_name, bundle


def new_key(device_name: str) -> PendingKey:
    pair = certificates.create_identity(device_name or "device", "assessor")
    return PendingKey(pair, certificates.make_csr(pair))


def save_ca(root: Path, ca_pem: str) -> Path:
    path = root / CA_FILE
    tmp = path.with_suffix(".pem.part")
    tmp.write_text(ca_pem, encoding="ascii")
    tmp.replace(path)
    return path


def store_identity(database: Database, signing_secrets: SecretStore, pending: PendingKey,
                   resp: EnrolResponse) -> str | None:
    """Keep the employer-issued identity (retiring the user's previous one for that role);
    returns its id, or None when the server issued no certificate (e.g. a coordinator)."""
    from assessor_app.services.signing import secret_name
    from assessor_app.store.signing_repo import SigningRepository
    from assessor_app.store.sync_repo import SyncRepository

    who = resp.whoami
    role = SIGNING_ROLES.get(who.role)
    if not resp.cert_pem or role is None:
        return None
    pair = certificates.accept_issued(pending.pair, resp.cert_pem, resp.ca_pem)
    ident_id = str(uuid.uuid4())
    passphrase = certificates.new_passphrase()
    signing_secrets.set(secret_name(ident_id), passphrase)
    if signing_secrets.get(secret_name(ident_id)) != passphrase:
        raise AppError("The keyring did not keep the new signing key's passphrase.",
                       "Check the keyring is unlocked and enrol again.")
    with database.uow("enrol") as uow:
        if role == "practitioner" and who.practitioner_id:
            kind, subject = "practitioner", who.practitioner_id
        else:
            person = SyncRepository(uow.session).person_named(who.user_name)
            kind, subject = "person", person or who.user_id
        repo = SigningRepository(uow.session)
        old = repo.current(kind, subject, role)
        if old is not None:
            repo.retire(old.id)
        repo.add(identity_id=ident_id, subject_kind=kind, subject_id=subject,
                 name=who.user_name, role=role, registration_number="",
                 cert_pem=certificates.cert_pem(pair.certificate),
                 key_pem_encrypted=certificates.encrypt_key(pair, passphrase),
                 fingerprint=certificates.fingerprint(pair.certificate), issuer="employer")
        uow.commit()
    return ident_id


def forget_passphrases(signing_secrets: SecretStore, identity_ids: list[str]) -> None:
    """Remove the keyring entries of signing keys deleted from the store. A keyring that
    refuses leaves only a passphrase to a key that is gone, so enrolment goes on."""
    import contextlib

    from assessor_app.errors import KeyringUnavailable
    from assessor_app.services.signing import secret_name

    for ident_id in identity_ids:
        with contextlib.suppress(KeyringUnavailable):
            signing_secrets.delete(secret_name(ident_id))


def server_state(url: str, ca_bundle: str | None, device_name: str,
                 resp: EnrolResponse) -> dict[str, Any]:
    who = resp.whoami
    return {"url": url, "ca_bundle": ca_bundle, "device_id": who.device_id,
            "device_name": device_name, "user_id": who.user_id, "user_name": who.user_name,
            "role": who.role, "server_id": who.server_id, "practitioner_id": who.practitioner_id,
            "ca_pem": resp.ca_pem}


# -- enrolling a store as someone else ----------------------------------------------------------
# A store holds what its enrolled user may read. Enrolled as another user (a laptop handed on,
# another person's code) or with another server, it lets go of every practitioner's data and
# pulls afresh what the new enrolment may read: simpler and safer than working out which of
# the old user's practitioners the new one may also read (the server would have to say, and a
# pull cut short would leave a mix). Overlapping portfolios are fetched again; nothing typed
# is lost, because a store holding unsent changes is not switched at all.

def switches(before: dict[str, Any], who: Any) -> bool:
    """True when ``before`` (the store's enrolment) names another user or another server."""
    if not before:
        return False
    return (before.get("server_id"), before.get("user_id")) != (who.server_id, who.user_id)


class EnrolRefused(AppError):
    """Enrolling as someone else (or with another server) while changes wait to be sent."""


def refused(before: dict[str, Any], who: Any, url: str, waiting: int, kept: int) -> EnrolRefused:
    old = before.get("user_name") or "the previous user"
    what = []
    if waiting:
        what.append(f"{waiting} change{'s' if waiting != 1 else ''} not yet sent")
    if kept:
        what.append(f"{kept} change{'s' if kept != 1 else ''} kept aside")
    same_server = before.get("server_id") == who.server_id
    target = (f"as {who.user_name}" if same_server
              else f"with {url}" + (f" as {who.user_name}" if who.user_name else ""))
    return EnrolRefused(
        f"This computer holds {' and '.join(what)} by {old} for "
        f"{before.get('url') or 'the previous server'}. Connecting {target} would remove "
        f"{old}'s portfolios from this computer, so it was not connected: nothing was changed "
        "or deleted, and it is still connected as before.",
        f"Sync first as {old} (assessor-app sync, or Sync now in the app) so the changes reach "
        "the server, then enrol again with a new code (the one just used cannot be used "
        "again). If this computer can no longer sync, ask your IT team."
        + (" Kept-aside changes: see assessor-app sync --kept-aside." if kept else ""))


def switch_words(before: dict[str, Any], who: Any, url: str, portfolios: int) -> str:
    """The notice after a switch: whose portfolios went (a count, never their names: the new
    user may have no right to know whose they were)."""
    old = before.get("user_name") or "the previous user"
    held = (f"{portfolios} practitioners' portfolios" if portfolios != 1
            else "1 practitioner's portfolio")
    where = "" if before.get("server_id") == who.server_id else f" on {before.get('url')}"
    return (f"This laptop was connected as {old}{where}; the {held} it held for them "
            f"{'have' if portfolios != 1 else 'has'} been removed from it. Your own portfolios "
            f"are fetched from {url} at the first sync.")


def let_go(repo: SyncRepository, before: dict[str, Any], who: Any, url: str) -> list[str]:
    """Enrolled as another user or with another server: refuse while changes wait to be
    sent (nothing is changed); otherwise remove every practitioner's data this store
    holds (the scope-exit removal: rows, files, search index, pseudonyms, parked rows;
    audited without text), the previous user's signing keys (so nobody signs in their
    name here; certificates stay for verifying), and start the pull again from the
    beginning. Returns the ids of the signing identities whose key went."""
    waiting, kept = repo.count_dirty(), repo.kept_aside_count()
    if waiting or kept:  # (a batch saved for replay: its rows are still unsent here)
        raise refused(before, who, url, waiting, kept)
    dropped = list(repo.drop_signing_keys(before))  # (before their person row may go)
    gone = [r for pid in repo.held_practitioners()
            if (r := repo.remove_revoked({"practitioner_id": pid, "reason": "enrolment"}))]
    for key in ("cursor", "inbox", "push", "notices", "last", "removed"):
        # the old user's position, parked rows, notices and the memory of earlier removals
        # (which names their practitioners)
        repo.set_state(key, None)
    if before.get("server_id") != who.server_id:
        repo.forget_revisions()  # the rows left (employer-wide) are new to that server
    if gone:
        repo.set_state("notices", {"items": [
            switch_words(before, who, url, sum(r.whole for r in gone))]})
    return dropped
