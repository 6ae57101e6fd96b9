"""Evidence editors' use cases: create a draft, load it, autosave it, mark it final.

Every call is one small unit of work. Autosave writes the typed values straight into
the evidence rows (status "draft" until finalised), so after a crash or a killed
process reopening the editor shows the text of the last autosave; there is never a
separate "unsaved" state to lose.

An editor stays open while syncs run, so an autosave says what each field held when the
editor last saw it (``base``): a field changed meanwhile by a sync or another window is
never written over blindly (``domain.edit_merge``): both texts are kept, the editor's in
the record and the other in a conflict row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from assessor_app.domain.catalogue import Catalogue
from assessor_app.domain.edit_merge import RecordChange, merge_edit
from assessor_app.domain.enums import KIND_SHORT, EvidenceKind
from assessor_app.domain.evidence_forms import (
    AutosaveResult,
    EvidenceForm,
    form_for,
    missing_for_final,
    parse_date,
)
from assessor_app.domain.record_review import CRITERION_PREFIX
from assessor_app.errors import (
    AppError,
    NotFound,
    RecordDeleted,
    RecordFinal,
    RecordRemoved,
    UsageError,
)
from assessor_app.services.kept_typing import KEPT_HINT, removed_words
from assessor_app.services.link_merge import merge_links
from assessor_app.services.record_review_criteria import default_criteria
from assessor_app.services.reviews import EnrolmentContext, enrolment_context
from assessor_app.store import edit_conflicts, evidence_repo, feedback_repo, queries
from assessor_app.store.database import Database
from assessor_app.store.write_errors import disk_errors


@dataclass(frozen=True)
class LinkStatement:
    code: str
    title: str


@dataclass(frozen=True)
class LinkFramework:
    """One of the enrolment's frameworks (at its enrolment version) with its statements."""

    id: str
    version: str
    title: str
    short_title: str
    statements: tuple[LinkStatement, ...]


@dataclass(frozen=True)
class StandardLinkDTO:
    framework_id: str
    statement_code: str
    comment: str = ""
    framework_version: str = ""  # filled in from the enrolment's framework when empty
    strength: int = 1  # how well it shows the statement: 1 some, 2 clear, 3 strong evidence


@dataclass(frozen=True)
class EvidenceLinks:
    evidence_id: str
    status: str
    frameworks: tuple[LinkFramework, ...]
    links: tuple[StandardLinkDTO, ...]


#: StandardLink.strength: how well the evidence shows the statement
STRENGTHS = {1: "some evidence", 2: "clear evidence", 3: "strong evidence"}

_GONE = ("That evidence is not in this store.", "It may have been removed; refresh the page (F5).")


def _link_row(x: StandardLinkDTO) -> list[object]:
    """A standards link as kept aside (JSON)."""
    return [x.framework_id, x.statement_code, x.comment, x.framework_version, x.strength]


def _link_dto(row: Sequence[Any]) -> StandardLinkDTO:
    fw, code, comment, version, strength = row
    return StandardLinkDTO(str(fw), str(code), str(comment), str(version), int(strength))


def _gone(session, evidence_id: str) -> NotFound:  # type: ignore[no-untyped-def]
    """NotFound; RecordDeleted (saying by whom) when a sync deleted the record; RecordRemoved
    when it left this laptop with its practitioner (a scope exit)."""
    from assessor_app.store.sync_repo import SyncRepository

    ev = evidence_repo.tombstone(session, evidence_id)
    if ev is None:
        item = SyncRepository(session).removal_of(evidence_id)
        if item is not None:
            return RecordRemoved(removed_words(item), KEPT_HINT)
        return NotFound(*_GONE)
    change = edit_conflicts.last_change(session, [ev])
    return RecordDeleted(f"This record was deleted {change.where}.",
                         "Your text is still in the editor: restore the record, or save your "
                         "text as a new record.")


class EvidenceService:
    def __init__(self, database: Database, catalogue_fn: Callable[[], Catalogue]) -> None:
        self._db = database
        self._catalogue = catalogue_fn

    def _context(self, session, enrolment_id: str) -> EnrolmentContext:  # type: ignore[no-untyped-def]
        found = queries.enrolments(session, enrolment_id)
        return enrolment_context(found[0] if found else None, self._catalogue())

    @staticmethod
    def _stage(ctx: EnrolmentContext, day: date) -> tuple[str, str]:
        span = ctx.timeline.stage_at(day)
        return (span.id, span.title) if span is not None else ("", "")

    def suggest_stage(self, enrolment_id: str, day: date) -> tuple[str, str]:
        """(stage id, title) holding ``day`` on the enrolment's timeline, or ("", "")."""
        with self._db.uow() as uow:
            return self._stage(self._context(uow.session, enrolment_id), day)

    def create(self, enrolment_id: str, kind: str, today: date | None = None) -> str:
        """A new draft of ``kind`` dated ``today``; returns its id."""
        day = today or date.today()
        ek = EvidenceKind(kind)
        with self._db.uow(actor="assessor") as uow:
            stage_id, _ = self._stage(self._context(uow.session, enrolment_id), day)
            extra = {"method": "form"} if ek is EvidenceKind.FEEDBACK_LIVED else None
            evidence_id = evidence_repo.create(uow.session, enrolment_id, ek, day, stage_id,
                                               f"{KIND_SHORT[ek]} (draft)", extra)
            uow.commit()
        return evidence_id

    def load(self, evidence_id: str) -> EvidenceForm:
        """The record as the editor shows it, with who changed it last and its open conflicts.
        RecordDeleted when a sync deleted it."""
        with self._db.uow() as uow:
            s = uow.session
            found = evidence_repo.read(s, evidence_id)
            if found is None:
                raise _gone(s, evidence_id)
            ev, values = found
            ctx = self._context(s, ev.enrolment_id)
            stage_id, stage_title = self._stage(ctx, ev.occurred_on)
            ratings = (feedback_repo.ratings(s, evidence_id)
                       if ev.kind == EvidenceKind.FEEDBACK_LIVED.value else {})
            review = ev.kind == EvidenceKind.RECORD_REVIEW.value
            answers = evidence_repo.criteria(s, evidence_id) if review else {}
            rows = evidence_repo.rows(s, evidence_id)
            assert rows is not None
            change = edit_conflicts.last_change(s, rows)
            conflicts = tuple(dict.fromkeys(
                evidence_repo.editor_field(f)
                for _, f in edit_conflicts.open_fields(s, [r.id for r in rows])))
            uow.commit()  # a missing detail row was added on read
        return EvidenceForm(ev.id, ev.enrolment_id, ev.kind, ev.status, ev.stage_id or stage_id,
                            stage_title, values, ratings, answers,
                            default_criteria() if review else None, change, conflicts)

    def autosave(self, evidence_id: str, fields: dict[str, str],
                 base: Mapping[str, str] | None = None) -> AutosaveResult:
        """Write the given fields in one small transaction.

        A value its column cannot hold yet (a half-typed date) is left out and named in
        the result; the editor keeps the text and saves it after the next keystroke.
        ``base``: what each field held when the editor last saw it. A field the store has
        changed since (a sync, another window) keeps the store's value when the editor did
        not change it, and otherwise gets the editor's text with the store's version kept
        in a conflict row. RecordDeleted when a sync deleted the record meanwhile.
        """
        invalid = tuple(name for name, text in fields.items() if not _valid(name, text))
        good = {k: v for k, v in fields.items() if k not in invalid}
        with disk_errors("Your typing"), self._db.uow(actor="assessor") as uow:
            s = uow.session
            status = evidence_repo.status(s, evidence_id)
            if status is None:
                raise _gone(s, evidence_id)
            if status != "draft":
                raise RecordFinal(f"This record is {status}, so it was not changed.",
                                  "Choose Edit again to correct it." if status == "final"
                                  else "A signed record cannot change.")
            found = evidence_repo.read(s, evidence_id)
            rows = evidence_repo.rows(s, evidence_id)
            if found is None or rows is None:
                raise NotFound(*_GONE)
            kind = found[0].kind
            stored = {**found[1], **{CRITERION_PREFIX + k: v for k, v in
                                     evidence_repo.criteria(s, evidence_id).items()}}

            def norm(values: Mapping[str, str]) -> dict[str, object]:
                return {k: evidence_repo.comparable(kind, k, v) for k, v in values.items()}

            merged = merge_edit(None if base is None else norm({k: base[k] for k in good
                                                                if k in base}),
                                norm({k: stored.get(k, "") for k in good}), norm(good))
            change = edit_conflicts.last_change(s, rows) if merged.moved else RecordChange()
            ev = evidence_repo.write(s, evidence_id, {k: good[k] for k in merged.write})
            assert ev is not None
            for c in merged.conflicts:
                table, row_id, column = evidence_repo.home(*rows, c.field)
                edit_conflicts.add(s, table, row_id, column, kept=c.mine, other=c.theirs,
                                   base=c.base, source=change)
            stage_id, stage_title = ev.stage_id, ""
            if "occurred_on" in merged.write and good["occurred_on"].strip():
                stage_id, stage_title = self._stage(
                    self._context(s, ev.enrolment_id), ev.occurred_on)
                if ev.status == "draft" and stage_id:
                    ev.stage_id = stage_id
            uow.commit()
        return AutosaveResult(stage_id, stage_title, invalid,
                              tuple(c.field for c in merged.conflicts), merged.moved, change)

    def restore(self, evidence_id: str) -> EvidenceForm:
        """Undo a deletion that came with a sync (the editor still had the record open): the
        record is live again, and the restoration syncs like any edit."""
        with self._db.uow(actor="assessor") as uow:
            ev = evidence_repo.tombstone(uow.session, evidence_id)
            if ev is not None:
                ev.deleted_at = None
                detail = evidence_repo.detail_of(uow.session, ev)
                if detail is not None and detail.deleted_at is not None:
                    detail.deleted_at = None
                uow.commit()
        return self.load(evidence_id)

    def keep_aside(self, evidence_id: str, typing: dict[str, str], base: dict[str, str],
                   links: Sequence[StandardLinkDTO] | None = None,
                   links_base: Sequence[StandardLinkDTO] | None = None) -> str:
        """An open editor's typing for a record that left this laptop with its practitioner,
        kept aside with the removal's other unsent changes (put back by the sync when the
        practitioner is assigned back: ``put_back_typing``). ``links``: the standards links
        the editor held and had not saved, with the links it showed (``links_base``).
        Returns the plain words for the editor; NotFound when the record did not leave
        that way."""
        from assessor_app.store.sync_repo import sync_transaction

        extra = None if links is None else {
            "links": [_link_row(x) for x in links],
            "links_base": [_link_row(x) for x in links_base or ()]}
        with disk_errors("Your typing"), sync_transaction(self._db, "assessor") as repo:
            item = repo.keep_typing_aside(evidence_id, typing, base, extra=extra)
        if item is None:
            raise NotFound(*_GONE)
        return removed_words(item)

    def put_back_typing(self) -> list[tuple[str, int]]:
        """Editor typing kept aside for records that are on this laptop again: saved into
        them as an autosave would (typed on ``base``: where the record changed meanwhile,
        both texts are kept as a conflict), or beside a record that became final. Returns
        (practitioner name, changes) for the notices."""
        from assessor_app.store.sync_repo import SyncRepository, sync_transaction

        with self._db.uow() as uow:
            entries = SyncRepository(uow.session).typing_to_put_back()
        done: dict[str, int] = {}
        for e in entries:
            typing, base = e["row"].get("typing") or {}, e["row"].get("base") or {}
            if typing:
                try:
                    self.autosave(e["row_id"], typing, base)
                except RecordFinal:
                    self.keep_beside(e["row_id"], typing)
            links = e["row"].get("links")
            if links is not None:
                try:
                    self.set_links(e["row_id"], [_link_dto(r) for r in links],
                                   base=[_link_dto(r) for r in e["row"].get("links_base") or ()])
                except AppError:  # final meanwhile: the links stay kept aside, nothing lost
                    with sync_transaction(self._db, "assessor") as repo:
                        repo.rekeep(e["id"], {**e["row"], "typing": {}, "base": {}})
                    continue
            with sync_transaction(self._db, "assessor") as repo:
                repo.drop_kept([e["id"]])
            name = e["practitioner_name"] or "a practitioner"
            done[name] = done.get(name, 0) + 1
        return sorted(done.items())

    def keep_beside(self, evidence_id: str, fields: dict[str, str]) -> int:
        """Typing that could not go into the record (it became final, or was signed, on
        another device while the editor was open) kept as conflicts beside it: the record's
        text stays and the typing is listed to compare and choose. Returns how many."""
        with disk_errors("Your typing"), self._db.uow(actor="assessor") as uow:
            s = uow.session
            found = evidence_repo.read(s, evidence_id)
            rows = evidence_repo.rows(s, evidence_id)
            if found is None or rows is None:
                raise _gone(s, evidence_id)
            kind = found[0].kind
            stored = {**found[1], **{CRITERION_PREFIX + k: v for k, v in
                                     evidence_repo.criteria(s, evidence_id).items()}}
            here = edit_conflicts.this_device(s)
            n = 0
            for name, text in fields.items():
                if not _valid(name, text):
                    continue
                mine = evidence_repo.comparable(kind, name, text)
                now = evidence_repo.comparable(kind, name, stored.get(name, ""))
                if mine != now:
                    table, row_id, column = evidence_repo.home(*rows, name)
                    edit_conflicts.add(s, table, row_id, column, kept=now, other=mine,
                                       base=None, source=here)
                    n += 1
            uow.commit()
        return n

    def save_as_new(self, evidence_id: str, fields: dict[str, str]) -> str:
        """A new draft of the same kind, for the same practitioner, holding ``fields`` (an
        editor's text whose record was deleted by a sync); returns its id. Fields that
        cannot be stored yet are left out, as in an autosave."""
        good = {k: v for k, v in fields.items() if _valid(k, v)}
        with disk_errors("Your typing"), self._db.uow(actor="assessor") as uow:
            s = uow.session
            old = evidence_repo.tombstone(s, evidence_id)
            if old is None:
                found = evidence_repo.read(s, evidence_id)
                if found is None:
                    raise NotFound(*_GONE)
                old = found[0]
            ek = EvidenceKind(old.kind)
            stage_id, _ = self._stage(self._context(s, old.enrolment_id), old.occurred_on)
            extra = {"method": "form"} if ek is EvidenceKind.FEEDBACK_LIVED else None
            new_id = evidence_repo.create(s, old.enrolment_id, ek, old.occurred_on, stage_id,
                                          old.title or f"{KIND_SHORT[ek]} (draft)", extra)
            evidence_repo.write(s, new_id, good)
            uow.commit()
        return new_id

    def links(self, evidence_id: str) -> EvidenceLinks:
        """The enrolment's frameworks with their statements, and this evidence's live links."""
        with self._db.uow() as uow:
            return self._links(uow.session, evidence_id)

    def _links(self, session, evidence_id: str) -> EvidenceLinks:  # type: ignore[no-untyped-def]
        status = evidence_repo.status(session, evidence_id)
        found = evidence_repo.read(session, evidence_id) if status is not None else None
        if found is None:
            raise NotFound(*_GONE)
        ctx = self._context(session, found[0].enrolment_id)
        frameworks = tuple(
            LinkFramework(fw.id, fw.version, fw.title, fw.short_title,
                          tuple(LinkStatement(st.code, st.title) for st in fw.statements))
            for fw in ctx.frameworks)
        links = tuple(StandardLinkDTO(r.framework_id, r.statement_code, r.comment or "",
                                      r.framework_version, r.strength or 1)
                      for r in evidence_repo.live_links(session, evidence_id))
        return EvidenceLinks(evidence_id, status or "draft", frameworks, links)

    def set_links(self, evidence_id: str, links: Sequence[StandardLinkDTO],
                  base: Sequence[StandardLinkDTO] | None = None) -> EvidenceLinks:
        """Replace the evidence's links with ``links`` (added, removed → tombstoned, comments
        and strengths updated).

        Refused, like autosave, when the record is final or signed; a link to a statement
        not in the enrolment's frameworks is refused too. ``base``: the links the editor
        showed. Then only what the editor changed is applied, so links another device
        added, removed or commented meanwhile stay; where both changed one link, the
        editor's version is kept and the other in a conflict row.
        """
        with self._db.uow(actor="assessor") as uow:
            s = uow.session
            status = evidence_repo.status(s, evidence_id)
            if status is None:
                raise _gone(s, evidence_id)
            if status != "draft":
                raise UsageError("This record is final, so its standards were not changed.",
                                 "Choose Edit again to correct it.")
            current = self._links(s, evidence_id)
            versions = {fw.id: fw.version for fw in current.frameworks}
            known = {(fw.id, st.code) for fw in current.frameworks for st in fw.statements}
            wanted = self._wanted(links, known, versions)
            conflicts: list[tuple[tuple[str, str], str, object, object, object]] = []
            if base is not None:
                wanted, conflicts = merge_links(self._wanted(base, None, versions), {
                    (x.framework_id, x.statement_code): (x.framework_version, x.comment,
                                                         x.strength) for x in current.links},
                    wanted)
            change = edit_conflicts.last_change(s, evidence_repo.link_rows(s, evidence_id)) \
                if conflicts else RecordChange()
            evidence_repo.replace_links(s, evidence_id, wanted)
            for key, field, mine, theirs, was in conflicts:
                row_id = evidence_repo.link_row_id(s, evidence_id, key)
                if row_id is not None:
                    edit_conflicts.add(s, "standard_link", row_id, field, kept=mine,
                                       other=theirs, base=was, source=change)
            result = self._links(s, evidence_id)
            uow.commit()
        return result

    @staticmethod
    def _wanted(links: Sequence[StandardLinkDTO], known: set[tuple[str, str]] | None,
                versions: dict[str, str]) -> dict[tuple[str, str], tuple[str, str, int]]:
        """{(framework, code): (version, comment, strength)}; checked when ``known`` is given."""
        wanted: dict[tuple[str, str], tuple[str, str, int]] = {}
        for link in links:
            key = (link.framework_id, link.statement_code)
            if known is not None and key not in known:
                raise UsageError(f"{link.statement_code} is not a statement of this "
                                 "practitioner's frameworks.")
            if known is not None and link.strength not in STRENGTHS:
                raise UsageError(f"Strength {link.strength} is not one of 1 (some), "
                                 "2 (clear) or 3 (strong evidence).")
            wanted[key] = (link.framework_version or versions.get(link.framework_id, ""),
                           link.comment.strip()[:500], link.strength)
        return wanted

    def finalise(self, evidence_id: str) -> EvidenceForm:
        """Mark final; UsageError listing the empty required fields."""
        form = self.load(evidence_id)
        missing = missing_for_final(form.kind, form.values)
        if missing:
            raise UsageError("Before marking this final, fill in: " + ", ".join(missing) + ".")
        with self._db.uow(actor="assessor") as uow:
            evidence_repo.set_status(uow.session, evidence_id, "final", None)
            uow.commit()
        return self.load(evidence_id)

    def reopen(self, evidence_id: str) -> EvidenceForm:
        """Back to draft (a final record being corrected); a signed record stays as it is."""
        with self._db.uow(actor="assessor") as uow:
            if evidence_repo.status(uow.session, evidence_id) == "signed":
                raise UsageError("This record is signed and cannot change.")
            evidence_repo.set_status(uow.session, evidence_id, "draft", None)
            uow.commit()
        return self.load(evidence_id)


_WIDGETS = {f.name: f.widget for kind in EvidenceKind for f in form_for(kind)}


def _valid(name: str, text: str) -> bool:
    if name.startswith(CRITERION_PREFIX):
        return text in ("", *(s.value for s in default_criteria().scale))
    widget, text = _WIDGETS.get(name), text.strip()
    try:
        if widget == "date":
            parse_date(text)
        elif widget == "minutes" and text:
            return int(text) >= 0
        elif widget == "time" and text:
            hours, minutes = text.split(":")
            return len(minutes) == 2 and 0 <= int(hours) < 24 and 0 <= int(minutes) < 60
    except ValueError:
        return False
    return True
