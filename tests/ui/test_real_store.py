"""The real main window over a real encrypted demo store, through the real services.

Set ASSESSOR_APP_SCREENSHOT_DIR to keep screenshots of what a user sees.
"""

from __future__ import annotations

import os
from pathlib import Path

from pytestqt.qtbot import QtBot

from assessor_app.app import AppContext
from assessor_app.domain.enums import EnrolmentStatus
from assessor_app.ui.main_window import MainWindow
from assessor_app.ui.tasks import DbRunner
from tests.review_demo import TODAY  # the date the shared demo_folder is made for


def _shot(widget: MainWindow, name: str) -> None:
    image = widget.grab()
    assert not image.isNull() and image.width() > 800
    folder = os.environ.get("ASSESSOR_APP_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        assert image.save(str(Path(folder) / f"{name}.png"))


def test_list_and_every_page_from_the_store(qtbot: QtBot, qapp: object, ctx: AppContext) -> None:
    runner = DbRunner()
    try:
        w = MainWindow(runner, today=lambda: TODAY, demo=True)
        qtbot.addWidget(w)
        w.show()
        qtbot.waitExposed(w)
        with qtbot.waitSignal(w.list_ready, timeout=10_000):
            w.set_api(ctx)
        rows = ctx.list_rows(TODAY)
        assert sorted(w.list_view.visible_names()) == sorted(r.name for r in rows)
        assert "Demo data" in w.windowTitle()
        _shot(w, "real-01-list")
        for i, row in enumerate(rows):
            with qtbot.waitSignal(w.page_ready, timeout=10_000):
                w.open_practitioner(row.enrolment_id)
            view = w.page_view
            assert view.name_label.text() == row.name
            expected = len(ctx.page(row.enrolment_id, TODAY).evidence)
            assert view.evidence.model.rowCount() == expected
            if row.status is EnrolmentStatus.EXTENDED:  # the demo's case past the maximum length
                assert view.length.status.text().startswith("✗ Beyond the 24-month limit by ")
            if row.status is not EnrolmentStatus.ACTIVE or row.overdue or i == 0:
                _shot(w, f"real-page-{i + 1}-{row.status.value}")
        # The review and final assessment editors live in their tabs and follow the open page.
        done = next(r for r in rows if r.status is EnrolmentStatus.COMPLETED)
        with qtbot.waitSignal(w.page_ready, timeout=10_000):
            w.open_practitioner(done.enrolment_id)
        view = w.page_view
        assert view.tab_widget("Reviews") is view.review_editor is not None
        assert view.tab_widget("Final assessment") is view.assessment_editor is not None
        for name in ("Reviews", "Final assessment"):
            view.show_tab(name)
            qtbot.wait(600)  # the editor loads on the DB thread
            _shot(w, f"real-tab-{name.lower().replace(' ', '-')}")
        w.back_to_list()
        assert not w.page_open
    finally:
        runner.shutdown()
