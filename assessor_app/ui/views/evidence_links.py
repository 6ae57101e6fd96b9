"""The evidence editor's standards links: ticks, comments and strengths, saved shortly after
the last change. A save says which links the editor showed (``links_base``), so links another
device added, removed or commented meanwhile are kept (``EvidenceService.set_links``)."""

from __future__ import annotations

from typing import Any

from assessor_app.errors import RecordRemoved
from assessor_app.ui.tasks import on_worker

Row = tuple[str, str, str, str, int]  # framework, version, code, comment, strength


def _shown(rows: list[Row]) -> set[tuple[str, str, str, int]]:
    return {(fw, code, comment.strip(), strength) for fw, _v, code, comment, strength in rows}


def _rows(data: Any) -> list[Row]:
    return [(x.framework_id, x.framework_version, x.statement_code, x.comment, x.strength)
            for x in data.links]


class EvidenceLinks:
    """Mixed into ``EvidenceEditor`` (which owns the picker, the timer and the signals)."""

    picker: Any
    links_base: list[Row]
    links_loaded: bool
    _links_timer: Any

    def load_links(self) -> None:
        e: Any = self
        e.runner.run_op(on_worker(e.api, "evidence", "links"), e.evidence_id) \
            .on_success(e.guarded(self._on_links)).on_failure(e.guarded(e.show_failure))

    def _on_links(self, data: Any) -> None:
        e: Any = self
        if not self.links_loaded or _shown(_rows(data)) != _shown(self.picker.links()):
            self.picker.set_data(data)  # (a reload with nothing new leaves the tree alone)
        self.links_base = self.picker.links()  # what it shows (not links it cannot show)
        self.picker.set_editable(e.form is None or e.form.status == "draft")
        self.links_loaded = True

    def links_idle(self) -> bool:
        """No link change is waiting to be saved (a reload may show the store's links)."""
        return not self._links_timer.isActive()

    def _links_changed(self) -> None:
        e: Any = self
        e.save_label.setText("Standards: saving…")
        self._links_timer.start()

    def save_links(self) -> None:
        """Apply the picker's changes to the evidence's links (on the DB thread)."""
        e: Any = self
        self._links_timer.stop()
        set_links = on_worker(e.api, "evidence", "set_links")
        rows, base = self.picker.links(), list(self.links_base)  # plain tuples, no widget

        def save(evidence_id: str) -> Any:  # runs on the DB thread
            from assessor_app.services.evidence import StandardLinkDTO

            def dto(r: Row) -> StandardLinkDTO:
                fw, version, code, comment, strength = r
                return StandardLinkDTO(fw, code, comment, version, strength)

            return set_links(evidence_id, [dto(r) for r in rows], base=[dto(r) for r in base])

        e.runner.run_op(save, e.evidence_id) \
            .on_success(e.guarded(lambda data: self._on_links_saved(data, rows))) \
            .on_failure(e.guarded(self._on_links_failed))

    def _on_links_failed(self, exc: BaseException) -> None:
        e: Any = self
        if isinstance(exc, RecordRemoved):  # left this laptop: kept aside with the typing
            e.live.on_removed(exc)
        else:
            e.show_failure(exc)

    def stop_links(self) -> None:
        """No more link saves (the record left this laptop)."""
        self._links_timer.stop()

    def unsaved_links(self) -> tuple[list[Row], list[Row]] | None:
        """The picker's links and the links it showed, when they differ (not saved yet)."""
        if not self.links_loaded:
            return None
        rows = self.picker.links()
        return None if _shown(rows) == _shown(self.links_base) else (rows, list(self.links_base))

    def _on_links_saved(self, data: Any, sent: list[Row] | None = None) -> None:
        e: Any = self
        if self.links_idle() or sent is None:  # what was kept from elsewhere shows
            self._on_links(data)
        else:  # changed again since: the picker stays; its next save starts from what was sent
            self.links_base = list(sent)
        n = len(self.picker.links())
        e.save_label.setText(f"Standards saved ({n} linked)")
        e.links_saved.emit()
        e.finalised.emit()  # the signal the page refreshes on: coverage shows the change

    def flush_links(self) -> None:
        if self._links_timer.isActive():
            self.save_links()
