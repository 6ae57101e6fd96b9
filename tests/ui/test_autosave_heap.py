"""An open editor keeps Python's full garbage collections small (the autosave stall fix).

A full collection walks every tracked object while holding the GIL: with the app loaded
that was 55-95 ms on the GUI thread, long enough to see mid-typing. Once an editor has
loaded, what is alive is frozen out of the collector's way, so a full collection walks
only what is new. Counts, not timings.
"""

from __future__ import annotations

import gc

from pytestqt.qtbot import QtBot

from assessor_app.app import AppContext
from assessor_app.ui.tasks import DbRunner
from assessor_app.ui.views.evidence_editor import EvidenceEditor
from tests.review_demo import TODAY


def test_after_an_editor_loads_a_full_collection_walks_only_new_objects(
        qtbot: QtBot, runner: DbRunner, ctx: AppContext) -> None:
    gc.unfreeze()
    ctx.list_rows(TODAY)  # the store and catalogue loaded, as in the app
    tracked = len(gc.get_objects())
    assert len(gc.get_objects(generation=2)) > tracked // 2  # most of it is long-lived
    eid = ctx.evidence.create(ctx.list_rows(TODAY)[0].enrolment_id, "observation", TODAY)
    editor = EvidenceEditor(runner, ctx, eid)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitUntil(lambda: bool(editor.inputs), timeout=10_000)
    assert gc.get_freeze_count() >= tracked // 2
    assert len(gc.get_objects(generation=2)) < gc.get_freeze_count() // 10
