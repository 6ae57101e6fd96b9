"""An open evidence editor kept in step with its record while syncs run (and other windows save).

The editor remembers, per field, the value it last saw in the store (its *base*) and sends
it with every autosave, so the service never writes over a change it has not seen
(``domain.edit_merge``). When the record may have changed (a sync finished, another window
saved it, a save found it had moved) the editor reads it again:

- fields the person has not touched show the new value in place, with a small notice
  ("Updated from your other device at 14:32");
- fields with typing keep the typing; its save puts it in the record and keeps the other
  version as a conflict ("… both versions are kept — Review…");
- a record deleted meanwhile keeps the typing in the editor and offers to restore the
  record or save the text as a new record. Closing the editor then saves it as new, so
  nothing typed is lost;
- a record marked final (or signed) meanwhile keeps the typing too and offers to edit the
  record again, or to keep the typing beside it as conflicts (also what closing does);
- a record that left this laptop with its practitioner (moved to another assessor: a scope
  exit) can be neither restored nor saved here: the editor says so, stops saving and keeps
  the typing aside with the other kept-aside changes (it goes back into the record if the
  practitioner is assigned back).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal

from assessor_app.domain.edit_merge import reconcile
from assessor_app.domain.evidence_forms import AutosaveResult, EvidenceForm
from assessor_app.domain.record_review import CRITERION_PREFIX
from assessor_app.errors import RecordDeleted, RecordFinal, RecordRemoved
from assessor_app.ui.record_watch import record_watch
from assessor_app.ui.tasks import Op, on_worker
from assessor_app.ui.views.evidence_inputs import input_text
from assessor_app.ui.views.live_fields import (
    conflict_words,
    keep_aside_failed_words,
    kept_aside_words,
    replace_text,
    updated_words,
)
from assessor_app.ui.widgets.notice_bar import NoticeBar

if TYPE_CHECKING:
    from assessor_app.ui.views.evidence_editor import EvidenceEditor


class EvidenceLive(QObject):
    checked = Signal()  # the record was read again and what changed is shown
    replaced = Signal(str, str)  # (old id, new id): the text was saved as a new record

    def __init__(self, editor: EvidenceEditor) -> None:
        super().__init__(editor)
        self.editor = editor
        self.base: dict[str, str] = {}
        self.deleted = False
        self.final = False  # typing waits: the record became final elsewhere
        self.removed = False  # the record left this laptop with its practitioner
        self.notice = NoticeBar(editor)
        self.conflicts_dialog: Any = None
        self._check_op: Op | None = None
        self._again = False
        record_watch().changed.connect(self._on_watch)
        editor.autosaver.failed.connect(self._on_save_failed)

    # -- the editor's inputs ----------------------------------------------------------------
    def current_values(self) -> dict[str, str]:
        """What the inputs hold now, criteria answers included ("" when unanswered)."""
        e = self.editor
        out = {name: input_text(w) for name, w in e.inputs.items()}
        answers = e.criteria.answers()
        out.update((CRITERION_PREFIX + cid, answers.get(cid, "")) for cid in e.criteria.buttons)
        return out

    def field_labels(self, names: Iterable[str]) -> str:
        """"Notes, Date": the labels of these fields, as the form shows them."""
        e, out = self.editor, []
        for name in names:
            if name.startswith(CRITERION_PREFIX):
                cid = name[len(CRITERION_PREFIX):]
                out.append(e.criteria.labels.get(cid, cid.replace("_", " ")))
            elif name in e.inputs:
                out.append(e.inputs[name].accessibleName())
        return ", ".join(dict.fromkeys(out))

    def show_values(self, values: dict[str, str]) -> None:
        """Put values that arrived from elsewhere in place (not saved back: they are stored)."""
        e = self.editor
        e.showing = True
        try:
            for name, text in values.items():
                if name.startswith(CRITERION_PREFIX):
                    e.criteria.choose(name[len(CRITERION_PREFIX):], text)
                elif name in e.inputs:
                    replace_text(e.inputs[name], text)
        finally:
            e.showing = False

    # -- the base --------------------------------------------------------------------------
    def _full(self, values: dict[str, str]) -> dict[str, str]:
        """Every criterion the editor shows, unanswered ones as "" (so a cleared or a new
        answer is a change like any other)."""
        out = {CRITERION_PREFIX + cid: "" for cid in self.editor.criteria.buttons}
        out.update(values)
        return out

    def loaded(self, form: EvidenceForm) -> None:
        self.base = self._full(form.editor_values())
        if form.conflicts:
            self._show_conflicts(None, form.conflicts)

    def prepare(self, batch: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
        """An autosave's values with what each field held when the editor last saw it."""
        return batch, {k: self.base.get(k, "") for k in batch}

    def saved(self, batch: dict[str, str], result: AutosaveResult) -> None:
        for name, text in batch.items():
            if name not in result.invalid:
                self.base[name] = text  # the record holds it (or, unchanged, its newer value)
        if result.conflicts:
            self._show_conflicts(result.change, result.conflicts)
        record_watch().notify(self.editor.evidence_id, self.editor)
        if result.moved:
            self.check()

    # -- reading the record again -----------------------------------------------------------
    def _on_watch(self, record_id: str, origin: object) -> None:
        import shiboken6

        if not shiboken6.isValid(self.editor) or origin is self.editor:
            return
        if record_id and record_id != self.editor.evidence_id:
            return
        self.check()

    def check(self) -> None:
        """Read the record again and take in what changed (one read at a time)."""
        e = self.editor
        if e.form is None or e.runner.stopped:
            return
        if self._check_op is not None:
            self._again = True
            return
        self._check_op = e.runner.run_op(on_worker(e.api, "evidence", "load"), e.evidence_id)
        self._check_op.on_success(e.guarded(self._on_checked)) \
            .on_failure(e.guarded(self._on_check_failed))

    def _done(self) -> None:
        self._check_op = None
        if self._again:
            self._again = False
            self.check()

    def _on_checked(self, form: EvidenceForm) -> None:
        e = self.editor
        was_deleted, self.deleted = self.deleted, False
        if form.evidence_id != e.evidence_id:
            self._done()
            return
        stored = self._full(form.editor_values())
        current = self.current_values()
        busy = frozenset(n for n in stored if e.autosaver.busy_with(n))
        result = reconcile(self.base, stored, current, busy)
        self.base = result.base
        self.show_values(result.show)
        e.took_form(form)
        if e.links_loaded and e.links_idle():
            e.load_links()  # links ticked or commented elsewhere show too
        if was_deleted:
            self.notice.hide()
            e.autosaver.release()
        showing_conflict = self.notice.isVisible() and self.notice.tone == "conflict"
        if form.conflicts:
            if not showing_conflict:  # a save's own words ("… on your other device") stay
                self._show_conflicts(None, form.conflicts)
        elif result.show:
            self.notice.show_notice("info", updated_words(form.change,
                                                          self.field_labels(result.show)))
        elif showing_conflict:
            self.notice.hide()  # resolved (here or on another device)
        self._done()
        self.checked.emit()

    def _on_check_failed(self, exc: BaseException) -> None:
        self._done()
        if isinstance(exc, RecordRemoved):
            self._on_removed(exc)
        elif isinstance(exc, RecordDeleted):
            self._show_deleted(exc)
        else:
            self.editor.show_failure(exc)
        self.checked.emit()

    # -- conflicts --------------------------------------------------------------------------
    def _show_conflicts(self, change: Any, fields: Iterable[str]) -> None:
        words = conflict_words(change, self.field_labels(fields))
        self.notice.show_notice("conflict", words, (
            ("Re&view…", "Review the two versions", self.open_conflicts),))

    def open_conflicts(self) -> None:
        """Sync ▸ Conflicts…, opened from the editor; a resolution is shown in place."""
        from assessor_app.ui.views.conflicts_view import ConflictsDialog

        e = self.editor
        dialog = ConflictsDialog(e.runner, e.api, e)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.resolved.connect(lambda *_: record_watch().notify())
        dialog.loaded.connect(lambda n: self.notice.hide() if n == 0 else None)
        self.conflicts_dialog = dialog
        dialog.open()

    # -- a record deleted meanwhile ---------------------------------------------------------
    def _on_save_failed(self, exc: BaseException) -> None:
        if isinstance(exc, RecordRemoved):
            self._on_removed(exc)
        elif isinstance(exc, RecordDeleted):
            self.editor.autosaver.hold()
            self._show_deleted(exc)
        elif isinstance(exc, RecordFinal):
            self.editor.autosaver.hold()
            self._show_final(exc)
            self.check()  # the form shows the record's status

    # -- a record marked final meanwhile ----------------------------------------------------
    def _show_final(self, exc: RecordFinal) -> None:
        self.final = True
        actions: tuple[tuple[str, str, Any], ...] = (
            ("&Keep my text beside it", "Keep your text beside the record, to compare",
             self.keep_beside),)
        state = "signed" if "signed" in exc.message else "final"
        if state == "final":
            actions = (("Edit again and &save my text", "Edit the record again and save your text",
                        self.edit_again), *actions)
        self.notice.show_notice(
            "conflict", f"This record is now {state}, so your typing was not saved into it. "
            "Your text is still here and nothing is lost.", actions, closable=False)

    def edit_again(self) -> None:
        e = self.editor
        e.runner.run_op(on_worker(e.api, "evidence", "reopen"), e.evidence_id) \
            .on_success(e.guarded(self._on_reopened)).on_failure(e.guarded(e.show_failure))

    def _on_reopened(self, form: EvidenceForm) -> None:
        self.final = False
        self.editor.took_form(form)
        self.notice.show_notice("info", "Back to draft: your text is being saved.")
        self.editor.autosaver.release()

    def keep_beside(self) -> None:
        e = self.editor
        values = e.autosaver.take_pending()
        load = on_worker(e.api, "evidence", "load")
        keep = on_worker(e.api, "evidence", "keep_beside")

        def kept(evidence_id: str) -> EvidenceForm:  # DB thread: keep, then read back
            keep(evidence_id, values)
            return load(evidence_id)  # type: ignore[no-any-return]

        e.runner.run_op(kept, e.evidence_id) \
            .on_success(e.guarded(lambda form: self._on_kept_beside(form, values))) \
            .on_failure(e.guarded(e.show_failure))

    def _on_kept_beside(self, form: EvidenceForm, values: dict[str, str]) -> None:
        """The typing is in conflict rows now: the inputs show the record's text again."""
        e = self.editor
        self.final = False
        stored = self._full(form.editor_values())
        self.show_values({k: stored.get(k, "") for k in values})
        self.base = stored
        e.took_form(form)
        e.autosaver.release()
        self.notice.show_notice(
            "conflict", "Your text is kept beside the record: compare the two versions and "
            "choose.", (("Re&view…", "Review the two versions", self.open_conflicts),))
        record_watch().notify(e.evidence_id, e)

    def _show_deleted(self, exc: RecordDeleted) -> None:
        self.deleted = True
        self.notice.show_notice(
            "deleted", f"{exc.message} Your text is still here and nothing is lost.",
            (("Re&store it", "Restore the deleted record with your text", self.restore),
             ("Save as a ne&w record", "Save your text as a new record", self.save_as_new)),
            closable=False)

    def restore(self) -> None:
        e = self.editor
        e.runner.run_op(on_worker(e.api, "evidence", "restore"), e.evidence_id) \
            .on_success(e.guarded(self._on_restored)).on_failure(e.guarded(e.show_failure))

    def _on_restored(self, form: EvidenceForm) -> None:
        self.deleted = False
        self.notice.show_notice("info", "Restored. Your text is in the record again.")
        self.editor.took_form(form)
        self.editor.autosaver.release()
        self.check()
        record_watch().notify(self.editor.evidence_id, self.editor)
        self.editor.finalised.emit()  # the page refreshes: the record is listed again

    def save_as_new(self) -> None:
        """The editor's text goes into a new record of the same kind; the editor then edits
        that one (the deleted record stays deleted)."""
        e = self.editor
        values = {**self.current_values(), **e.autosaver.take_pending()}
        old = e.evidence_id
        e.runner.run_op(on_worker(e.api, "evidence", "save_as_new"), old, values) \
            .on_success(e.guarded(lambda new_id: self._on_saved_as_new(old, new_id, values))) \
            .on_failure(e.guarded(e.show_failure))

    def _on_saved_as_new(self, old: str, new_id: str, values: dict[str, str]) -> None:
        e = self.editor
        self.deleted = False
        e.rebind(new_id)
        self.notice.show_notice("info", "Saved as a new record. The deleted record stays "
                                        "deleted.")
        self.replaced.emit(old, new_id)
        record_watch().notify(new_id, e)
        e.finalised.emit()  # the page refreshes: the new record is listed
        e.runner.run_op(on_worker(e.api, "evidence", "load"), new_id) \
            .on_success(e.guarded(self._rebase)).on_failure(e.guarded(e.show_failure))

    def _rebase(self, form: EvidenceForm) -> None:
        """The new record as stored; what it could not hold yet (a half-typed date) is
        still in its input and goes out with the next autosave."""
        e = self.editor
        if form.evidence_id != e.evidence_id:
            return
        self.base = self._full(form.editor_values())
        e.took_form(form)
        e.autosaver.release()
        for name, text in self.current_values().items():
            if text != self.base.get(name, text):
                e.autosaver.changed(name, text)

    # -- a record removed from this laptop with its practitioner -------------------------
    def _on_removed(self, exc: RecordRemoved) -> None:
        """Nothing can be saved here any more: stop trying (no retries), make the form read
        only, and keep what is typed and not saved aside in the store."""
        e = self.editor
        e.autosaver.hold()
        if self.removed:
            return
        self.removed = True
        e.apply_status()
        e.state_label.setText("Removed from this laptop")
        values = {**self.current_values(), **e.autosaver.take_pending()}
        typing = {k: v for k, v in values.items() if v != self.base.get(k, "")}
        base = {k: self.base.get(k, "") for k in typing}
        e.stop_links()  # a links change waiting is kept aside with the typing, not saved
        links = e.unsaved_links()
        self.notice.show_notice("removed", f"{exc.message} Keeping your typing aside…",
                                closable=False)
        keep = on_worker(e.api, "evidence", "keep_aside")

        def keep_aside(evidence_id: str) -> Any:  # runs on the DB thread
            from assessor_app.services.evidence import StandardLinkDTO

            def dtos(rows: list[tuple[str, str, str, str, int]]) -> list[StandardLinkDTO]:
                return [StandardLinkDTO(fw, code, comment, version, strength)
                        for fw, version, code, comment, strength in rows]

            return keep(evidence_id, typing, base, *(
                (dtos(links[0]), dtos(links[1])) if links is not None else ()))

        typed = bool(typing) or links is not None
        e.runner.run_op(keep_aside, e.evidence_id) \
            .on_success(e.guarded(lambda words: self._kept_aside(str(words), typed))) \
            .on_failure(e.guarded(self._keep_aside_failed))

    on_removed = _on_removed

    def _kept_aside(self, words: str, typed: bool) -> None:
        self.notice.show_notice("removed", kept_aside_words(words, typed), closable=False)
        self.editor.save_label.setText("Not saved here: kept aside.")

    def _keep_aside_failed(self, exc: BaseException) -> None:
        self.notice.show_notice("removed", keep_aside_failed_words("record", exc),
                                closable=False)

    def closing(self) -> None:
        """The editor closes: typing for a deleted record goes into a new record, typing for
        a record marked final elsewhere is kept beside it."""
        e = self.editor
        if not (self.deleted or self.final):
            return
        values = e.autosaver.take_pending()
        if not values:
            return
        if self.deleted:
            e.runner.run_op(on_worker(e.api, "evidence", "save_as_new"), e.evidence_id,
                            {**self.current_values(), **values}) \
                .on_success(lambda new_id: record_watch().notify(new_id))
        else:
            e.runner.run_op(on_worker(e.api, "evidence", "keep_beside"), e.evidence_id, values) \
                .on_success(lambda _n: record_watch().notify())
