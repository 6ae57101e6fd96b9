"""Sync with the employer's server: status, enrolment, push/pull, conflicts (BRIEF-SYNC.md API).

``sync()`` runs on a background thread while the GUI's DB thread autosaves, so it
shares no ORM objects and writes in short transactions (one per batch or page, the
write lock taken up front). Push first, in batches of at most ``PUSH_BATCH`` rows
(files uploaded before the rows that name them; the batch is saved with its id
before it is sent, so a retry after a cut replays the same id), then pull pages
until the server has no more, then fetch the files rows name.

A page may say that records left the user's scope (``PullPage.revoked``): their unsent
changes are pushed first; what the server will no longer take is kept aside; the rest is
removed from this device in the same transaction that moves the cursor past the page, and
the user is told (``notices``). Kept-aside changes go back in when their practitioner does.
"""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from assessor_app.errors import AppError, UsageError
from assessor_app.keystore import (
    SecretStore,
    forget_sync_token,
    load_sync_token,
    save_sync_token,
)
from assessor_app.services import sync_conflicts
from assessor_app.services.sync_address import AddressSetting, ServerChanged, server_changed_error
from assessor_app.services.sync_conflicts import ConflictItem
from assessor_app.services.sync_lock import SyncBusy, folder_lock
from assessor_app.services.sync_parked import ParkedItem
from assessor_app.settings import same_server
from assessor_app.sync.client import (
    NotEnrolled,
    RequestRefused,
    ServerFailed,
    SyncClient,
)

if TYPE_CHECKING:
    from assessor_app.store.database import Database
    from assessor_app.store.sync_repo import SyncRepository, Who

__all__ = ["ConflictItem", "KeptAsideGroup", "ParkedItem", "ServerChanged", "SyncBusy",
           "SyncProgress", "SyncReport",
           "SyncService", "SyncStatus"]

PUSH_BATCH = 200
#: a batch's rows are also cut by size: the server refuses bodies over MAX_BODY_BYTES (413)
PUSH_BYTES = 8 * 1024 * 1024
PULL_LIMIT = 1000


@dataclass(frozen=True)
class SyncStatus:
    configured: bool
    server_url: str
    user_name: str
    role: str
    last_sync_at: datetime | None
    last_error: str
    waiting: int
    conflicts: int
    #: records from other devices waiting here until they can be applied (not conflicts)
    parked: int = 0
    #: the server address in the settings for this store ("" when none)
    settings_url: str = ""
    #: what the user has not yet been told (records removed from this device), plain words
    notices: tuple[str, ...] = ()
    #: unsent changes kept aside because their practitioner left this user's scope
    kept_aside: int = 0
    #: set by ``enrol`` only: "new" (first enrolment), "same" (the same user and server
    #: again: everything kept) or "switched" (another user or server: every portfolio the
    #: store held was removed, to be pulled afresh)
    enrolment: str = ""

    @property
    def server_changed(self) -> bool:
        """Enrolled with one server while the settings name another: no sync until a person
        enrols again or puts the address back."""
        return self.configured and bool(self.settings_url) and not same_server(
            self.settings_url, self.server_url)


@dataclass(frozen=True)
class KeptAsideGroup:
    practitioner_id: str
    practitioner_name: str
    changes: int
    kept_at: datetime


@dataclass(frozen=True)
class SyncProgress:
    phase: str  # "push" | "pull" | "files"
    done: int
    total: int


@dataclass(frozen=True)
class SyncReport:
    pushed: int
    pulled: int
    merged: int
    conflicts: int
    refused: int
    seconds: float
    #: what this sync told the user: portfolios (or parts) removed from this device,
    #: kept-aside changes put back
    notices: tuple[str, ...] = ()
    #: unsent changes kept aside by this sync
    kept_aside: int = 0


def _by_size(rows: list[dict[str, Any]], limit: int) -> list[list[dict[str, Any]]]:
    """``rows`` in groups whose JSON stays under ``limit`` bytes (a larger row goes alone)."""
    import json

    groups: list[list[dict[str, Any]]] = []
    size = 0
    for row in rows:
        n = len(json.dumps(row, default=str))
        if not groups or size + n > limit:
            groups.append([])
            size = 0
        groups[-1].append(row)
        size += n
    return groups


@dataclass
class _Counts:
    pushed: int = 0
    pulled: int = 0
    merged: int = 0
    conflicts: int = 0
    refused: int = 0
    #: the server's reasons for refusals (distinct, in order), kept in ``last`` for the CLI
    reasons: list[str] = field(default_factory=list)
    #: rows the server refused in this sync (not sent again before a removal)
    refused_keys: set[tuple[str, str]] = field(default_factory=set)
    notices: list[str] = field(default_factory=list)
    kept_aside: int = 0
    restored: int = 0


class SyncService:
    def __init__(self, database: Database, secrets: Callable[[], SecretStore],
                 signing_secrets: Callable[[], SecretStore] | None = None,
                 root: Path | None = None, address: AddressSetting | None = None,
                 put_back_typing: Callable[[], list[tuple[str, int]]] | None = None) -> None:
        self._db = database
        #: puts editor typing kept aside at a scope exit back into records that returned
        #: (``EvidenceService.put_back_typing``; runs after a pull, outside its transaction)
        self._put_back_typing = put_back_typing
        self._secrets = secrets
        self._signing_secrets = signing_secrets
        self._root = root or database.paths.root
        #: the ``server_address`` setting (None: no settings speak for this store)
        self._address = address
        self._lock = threading.Lock()

    # -- state -----------------------------------------------------------------------------
    def _tx(self, actor: str = "sync"):  # type: ignore[no-untyped-def]
        from assessor_app.store.sync_repo import sync_transaction

        return sync_transaction(self._db, actor)

    def _read(self, fn: Callable[[SyncRepository], Any]) -> Any:
        from assessor_app.store.sync_repo import SyncRepository

        with self._db.uow() as uow:
            return fn(SyncRepository(uow.session))

    def settings_address(self) -> str:
        """The server address the settings name for this store ("" when none)."""
        return self._address.wanted() if self._address is not None else ""

    def _server(self) -> dict[str, Any]:
        server = self._read(lambda r: r.state("server"))
        if not server:
            wanted = self.settings_address()
            raise NotEnrolled("This computer is not enrolled with a sync server.",
                              f"Enrol it first: assessor-app enrol --code CODE (with {wanted}, "
                              "the server in Settings; your coordinator gives you the code)."
                              if wanted else
                              "Enrol it first: assessor-app enrol --server URL --code CODE "
                              "(your coordinator gives you the code).")
        return server  # type: ignore[no-any-return]

    def status(self) -> SyncStatus:
        def read(repo: SyncRepository) -> tuple[Any, ...]:
            return (repo.state("server"), repo.state("last"), repo.count_dirty(),
                    repo.open_conflicts(), repo.inbox_size(), repo.state("notices"),
                    repo.kept_aside_count())

        server, last, waiting, conflicts, parked, notices, kept = self._read(read)
        server, last = server or {}, last or {}
        at = last.get("at")
        return SyncStatus(bool(server), server.get("url", ""), server.get("user_name", ""),
                          server.get("role", ""),
                          datetime.fromisoformat(at) if at else None, last.get("error", ""),
                          waiting, conflicts, parked, self.settings_address(),
                          tuple(str(n) for n in (notices or {}).get("items", [])), kept)

    # -- notices and kept-aside changes ------------------------------------------------------
    def notices(self) -> list[str]:
        """What the user has not been told yet (portfolios removed from this device)."""
        return list(self.status().notices)

    def dismiss_notices(self, seen: list[str] | None = None) -> None:
        """The user has read the notices (those in ``seen``, or all of them)."""
        with self._tx("user") as repo:
            items = list((repo.state("notices") or {}).get("items", []))
            for text in seen if seen is not None else list(items):
                if text in items:
                    items.remove(text)
            repo.set_state("notices", {"items": items} if items else None)

    def kept_aside(self) -> list[KeptAsideGroup]:
        groups = self._read(lambda r: r.kept_aside_groups())
        return [KeptAsideGroup(g.practitioner_id, g.practitioner_name, g.changes, g.kept_at)
                for g in groups]

    def discard_kept_aside(self, practitioner: str | None = None) -> int:
        """Delete kept-aside changes for good: of the practitioner named (their name as
        listed, or id), or all of them when ``practitioner`` is None."""
        pid = None
        if practitioner is not None:
            groups = self.kept_aside()
            hits = [g for g in groups if practitioner in (g.practitioner_id, g.practitioner_name)]
            if len(hits) != 1:
                names = ", ".join(g.practitioner_name or g.practitioner_id for g in groups)
                raise UsageError(f"No kept-aside changes match {practitioner!r}."
                                 if not hits else f"{len(hits)} practitioners match "
                                 f"{practitioner!r}.",
                                 f"Kept aside: {names}." if names else
                                 "Nothing is kept aside on this computer.")
            pid = hits[0].practitioner_id
        with self._tx("user") as repo:
            return int(repo.discard_kept_aside(pid))

    # -- enrolment -------------------------------------------------------------------------
    def enrol(self, server_url: str | None, code: str, device_name: str,
              ca_bundle: str | None = None) -> SyncStatus:
        """Exchange a one-time code for this device's token. ``server_url`` None: the
        address in the settings. Afterwards the settings name the server enrolled with."""
        from assessor_app.services import sync_enrol
        from assessor_app.sync.protocol import EnrolRequest

        url, code, device_name, bundle = sync_enrol.checked_input(
            server_url or self.settings_address(), code, device_name, ca_bundle)
        pending = sync_enrol.new_key(device_name)
        enrolled = bool(self._read(lambda r: r.state("server")))
        with self._exclusive(enrolled):  # no sync of this folder while its enrolment changes
            with SyncClient(url, None, bundle) as client:
                resp = client.enrol(EnrolRequest(code=code, device_name=device_name[:200],
                                                 csr_pem=pending.csr_pem))
            who = resp.whoami
            secrets = self._secrets()
            save_sync_token(secrets, who.server_id, who.device_id, resp.token)
            try:
                with self._tx("enrol") as repo:
                    before = repo.state("server") or {}
                    switched = sync_enrol.switches(before, who)
                    dropped = sync_enrol.let_go(repo, before, who, url) if switched else []
                    repo.set_state("server",
                                   sync_enrol.server_state(url, bundle, device_name, resp))
            except sync_enrol.EnrolRefused:
                forget_sync_token(secrets, who.server_id, who.device_id)  # never kept
                raise
        sync_enrol.save_ca(self._root, resp.ca_pem)
        if dropped and self._signing_secrets is not None:
            sync_enrol.forget_passphrases(self._signing_secrets(), dropped)
        if before.get("device_id") not in (None, who.device_id):
            forget_sync_token(secrets, before.get("server_id", ""), before["device_id"])
        if self._address is not None:  # the setting and the enrolment agree from now on
            self._address.remember(url)
        if self._signing_secrets is not None:  # after the enrolment is kept: sync works anyway
            sync_enrol.store_identity(self._db, self._signing_secrets(), pending, resp)
        kind = "switched" if switched else "same" if before else "new"
        return replace(self.status(), enrolment=kind)

    @contextmanager
    def _exclusive(self, needed: bool) -> Iterator[None]:
        """Hold this folder's sync lock (this process's and other processes'): a sync running
        meanwhile could bring back what an enrolment as someone else removes."""
        if not needed:
            yield
            return
        if not self._lock.acquire(blocking=False):
            raise SyncBusy("A sync is running.", "Wait for it to finish, then connect again.")
        try:
            with folder_lock(self._root):
                yield
        finally:
            self._lock.release()

    # -- sync ------------------------------------------------------------------------------
    def sync(self, progress: Callable[[SyncProgress], None] | None = None,
             cancelled: Callable[[], bool] | None = None) -> SyncReport:
        if not self._lock.acquire(blocking=False):
            raise SyncBusy("A sync is already running.", "Wait for it to finish.")
        try:
            with folder_lock(self._root):
                return self._sync(progress or (lambda _p: None), cancelled or (lambda: False))
        finally:
            self._lock.release()

    def _sync(self, progress: Callable[[SyncProgress], None],
              cancelled: Callable[[], bool]) -> SyncReport:
        from assessor_app.store.sync_repo import Who

        server = self._server()
        wanted = self.settings_address()
        if wanted and not same_server(wanted, server["url"]):
            # never the server in the settings (it has not enrolled this device), and not the
            # old one behind the person's back: they changed the address for a reason
            raise server_changed_error(server["url"], wanted)
        token = load_sync_token(self._secrets(), server["server_id"], server["device_id"])
        if not token:
            raise NotEnrolled("This computer's sync token is not in the keyring.",
                              "Enrol it again: assessor-app enrol --server URL --code CODE.")
        who = Who(server.get("user_name", ""), server.get("device_name", ""))
        started = time.monotonic()
        counts = _Counts()
        try:
            with SyncClient(server["url"], token, server.get("ca_bundle")) as client:
                made = self._push(client, counts, who, progress, cancelled)
                if made and not cancelled():  # conflict rows made by refusals go out now
                    self._push(client, counts, who, progress, cancelled)
                if not cancelled():
                    self._pull(client, counts, who, progress, cancelled)
                    self._typing_back(counts)
                if counts.restored and not cancelled():  # kept-aside changes put back: send
                    self._push(client, counts, who, progress, cancelled)
                    self._pull(client, counts, who, progress, cancelled)
                if not cancelled():
                    self._fetch_files(client, progress, cancelled)
        except AppError as exc:
            self._remember(counts, exc.message, ok=False)
            raise
        self._remember(counts, "", ok=True)
        return SyncReport(counts.pushed, counts.pulled, counts.merged, counts.conflicts,
                          counts.refused, time.monotonic() - started, tuple(counts.notices),
                          counts.kept_aside)

    def refusal_reasons(self) -> list[str]:
        """Why the server refused changes in the last sync (its own words, distinct)."""
        last = self._read(lambda r: r.state("last")) or {}
        return [str(r) for r in last.get("refused_reasons", [])]

    def _remember(self, counts: _Counts, error: str, *, ok: bool) -> None:
        with self._tx() as repo:
            last = repo.state("last") or {}
            if ok:
                last["at"] = datetime.now(UTC).isoformat()
            last.update(error=error, pushed=counts.pushed, pulled=counts.pulled,
                        conflicts=counts.conflicts, refused_reasons=counts.reasons[:20])
            repo.set_state("last", last)

    def _push(self, client: SyncClient, counts: _Counts, who: Who,
              progress: Callable[[SyncProgress], None], cancelled: Callable[[], bool],
              only: list[tuple[str, str]] | None = None) -> int:
        """Push every dirty row (or those of ``only``); returns how many conflict rows
        settling made here."""
        made = 0
        with self._tx() as repo:
            in_flight = repo.state("push")
            keys = repo.dirty_keys() if only is None else only
        if in_flight:  # a batch that may have reached the server: replay it, same id
            try:
                made += self._send(client, in_flight["batch_id"], in_flight["rows"], counts, who)
            except RequestRefused:
                # the server will not take that batch again as it was (its rows are still
                # dirty here, so they go out below in fresh batches: nothing is lost)
                with self._tx() as repo:
                    repo.set_state("push", None)
        total = len(keys)
        progress(SyncProgress("push", 0, total))
        for start in range(0, total, PUSH_BATCH):
            if cancelled():
                return made
            with self._tx() as repo:  # a write: text the server cannot store is cleaned
                rows = repo.read_rows(keys[start:start + PUSH_BATCH], dirty_only=True)
            for group in _by_size(rows, PUSH_BYTES):
                if cancelled():
                    return made
                batch_id = str(uuid.uuid4())
                with self._tx() as repo:
                    repo.set_state("push", {"batch_id": batch_id, "rows": group})
                made += self._send(client, batch_id, group, counts, who)
            progress(SyncProgress("push", min(start + PUSH_BATCH, total), total))
        return made

    def _send(self, client: SyncClient, batch_id: str, rows: list[dict[str, Any]],
              counts: _Counts, who: Who) -> int:
        from assessor_app.store.sync_rows import shape
        from assessor_app.sync.protocol import PushBatch, Row

        for r in rows:  # files first: the server refuses a row naming bytes it does not have
            sh = shape(r["table"])
            if sh.blob_column and not r["deleted"]:
                data = self._read(lambda repo, r=r: repo.blob(r["table"], r["id"]))
                # the row may name an older file than the one held now (a batch replayed after
                # the file changed): bytes under another sha256 would never be taken
                if data is not None and hashlib.sha256(data).hexdigest() == r["fields"]["sha256"]:
                    client.upload_blob(r["fields"]["sha256"], data)
        resp = client.push(PushBatch(batch_id=batch_id, rows=[Row.model_validate(r) for r in rows]))
        by_key = {(r["table"], r["id"]): r for r in rows}
        made = 0
        with self._tx() as repo:
            repo.prefetch(list(by_key))
            for res in resp.results:
                sent = by_key.get((res.table, res.id))
                if sent is None:
                    continue
                row = res.row.model_dump() if res.row is not None else None
                settled = repo.settle(sent, res.status, res.rev, row, who)
                # conflict rows made here (a refusal, or an edit typed while the batch was
                # out meeting a value the server kept) go out in this sync's second push
                counts.conflicts += len(settled.conflicts)
                made += len(settled.conflicts)
                if res.status == "refused":
                    counts.refused += 1
                    counts.refused_keys.add((res.table, res.id))
                    if res.reason and res.reason not in counts.reasons:
                        counts.reasons.append(res.reason)
                else:
                    counts.pushed += 1
                    counts.merged += res.status == "merged"
                    counts.conflicts += len(res.conflict_ids)
            repo.set_state("push", None)
        return made

    def _pull(self, client: SyncClient, counts: _Counts, who: Who,
              progress: Callable[[SyncProgress], None], cancelled: Callable[[], bool]) -> None:
        cursor = self._read(lambda r: (r.state("cursor") or {}).get("cursor", "0"))
        start = int(cursor) if str(cursor).isdigit() else 0
        while not cancelled():
            page = client.pull(cursor, PULL_LIMIT)
            rows = [r.model_dump() for r in page.rows]
            revoked = [r.model_dump() for r in page.revoked]
            if revoked:
                # unsent work of what is leaving goes to the server first, if it still takes it
                # (rows it refused earlier in this sync would only be refused again)
                unsent = self._read(lambda r, gone=revoked: r.dirty_under(gone))
                unsent = [k for k in unsent if k not in counts.refused_keys]
                if unsent:
                    self._push(client, counts, who, progress, cancelled, only=unsent)
                if cancelled():
                    return  # the cursor stays before the page: it is read again next time
            with self._tx() as repo:
                stats = repo.apply_page(rows)
                if revoked:
                    self._remove(repo, revoked, counts)
                if repo.kept_aside_count():
                    self._restore(repo, counts)
                repo.set_state("cursor", {"cursor": page.cursor})
            counts.pulled += stats.applied
            if page.more and page.cursor == cursor and not rows:
                raise ServerFailed("The sync server keeps sending the same empty page.",
                                   "Try again later; tell your IT team if it keeps happening.")
            cursor = page.cursor
            done = int(cursor) - start if cursor.isdigit() else 0
            progress(SyncProgress("pull", done, max(done, page.head - start)))
            if not page.more:
                return

    def _remove(self, repo: SyncRepository, revoked: list[dict[str, Any]],
                counts: _Counts) -> None:
        """Remove what left this user's scope (keeping unsent changes aside) and note it."""
        from assessor_app.services.scope_notices import removed_words

        words = []
        for rev in revoked:
            done = repo.remove_revoked(rev)
            if done is not None:
                counts.kept_aside += done.kept_aside
                words.append(removed_words(done))
        self._note(repo, counts, words)

    def _restore(self, repo: SyncRepository, counts: _Counts) -> None:
        from assessor_app.services.scope_notices import restored_words

        back = repo.restore_kept_aside()
        counts.restored += sum(r.changes for r in back)
        self._note(repo, counts, [restored_words(r) for r in back])

    def _typing_back(self, counts: _Counts) -> None:
        """Editor typing kept aside at a scope exit goes into its record once it is back."""
        from assessor_app.services.scope_notices import restored_words
        from assessor_app.store.scope_removal import Restored

        if self._put_back_typing is None:
            return
        back = [Restored(name, n) for name, n in self._put_back_typing()]
        if back:
            counts.restored += sum(r.changes for r in back)
            with self._tx() as repo:
                self._note(repo, counts, [restored_words(r) for r in back])

    @staticmethod
    def _note(repo: SyncRepository, counts: _Counts, words: list[str]) -> None:
        from assessor_app.services.scope_notices import MAX_NOTICES

        if not words:
            return
        counts.notices.extend(words)
        items = [*(repo.state("notices") or {}).get("items", []), *words]
        repo.set_state("notices", {"items": items[-MAX_NOTICES:]})

    def _fetch_files(self, client: SyncClient, progress: Callable[[SyncProgress], None],
                     cancelled: Callable[[], bool]) -> None:
        missing: list[str] = self._read(lambda r: r.missing_blobs())
        for i, sha in enumerate(missing):
            if cancelled():
                return
            progress(SyncProgress("files", i, len(missing)))
            try:
                data = client.download_blob(sha)
            except RequestRefused:
                continue  # not on the server (yet): asked for again next time
            if hashlib.sha256(data).hexdigest() != sha:
                continue
            with self._tx() as repo:
                repo.fill_blob(sha, data)
        progress(SyncProgress("files", len(missing), len(missing)))

    # -- conflicts and waiting records ----------------------------------------------------
    def parked(self) -> list[ParkedItem]:
        """Records from other devices waiting here until they can be applied, oldest first
        (each sync tries them again; an applied one leaves this list)."""
        from assessor_app.services.sync_parked import parked_items

        return parked_items(self._db)

    def conflicts(self) -> list[ConflictItem]:
        """Open conflicts, oldest first, with what a person needs to decide."""
        return sync_conflicts.open_conflicts(self._db)

    def resolve(self, conflict_id: str, choice: Literal["kept", "other", "merged"],
                merged_text: str | None = None) -> None:
        """Settle a conflict: keep the record's value, take the other one, or a merged text.
        The record edit and the resolution are one change, pushed at the next sync."""
        server = self._read(lambda r: r.state("server")) or {}
        sync_conflicts.resolve(self._db, server.get("user_name", "") or "this device",
                               conflict_id, choice, merged_text)
