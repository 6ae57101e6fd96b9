"""A full demo session in the real GUI over a real store, then the log file is searched for
every name and narrative sentence of the demo data and for the store key: none may appear.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from pytestqt.qtbot import QtBot

from assessor_app.app import StartupApi, create_demo, demo_paths
from assessor_app.domain.enums import EnrolmentStatus, EvidenceKind
from assessor_app.domain.report_data import ReportKind
from assessor_app.keystore import DEMO_STORE_KEY_HEX
from assessor_app.logsetup import setup_logging
from assessor_app.paths import resources_dir
from assessor_app.settings import Settings
from assessor_app.ui.error_dialog import ErrorDialog
from assessor_app.ui.main_window import MainWindow
from assessor_app.ui.preferences import Preferences
from assessor_app.ui.tasks import DbRunner
from tests.review_demo import TODAY

SENTENCE_SPLIT = re.compile(r"(?<=[.!?;:])\s+|\{[^}]*\}|\n")


def _leaves(node: object) -> Iterator[tuple[str | None, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, str):
                yield str(key), value
            else:
                yield from _leaves(value)
    elif isinstance(node, list):
        for item in node:
            yield from ((None, item),) if isinstance(item, str) else _leaves(item)


def demo_needles() -> tuple[set[str], set[str]]:
    """(names and surnames, narrative fragments) from resources/demo/*.yaml."""
    names: set[str] = set()
    fragments: set[str] = set()
    for path in sorted((resources_dir() / "demo").glob("*.yaml")):
        for key, text in _leaves(yaml.safe_load(path.read_text(encoding="utf-8"))):
            if key == "name":
                names.add(text)
                names.add(text.split()[-1])
                continue
            for part in SENTENCE_SPLIT.split(text):
                part = part.strip()
                if len(part.split()) >= 5:
                    fragments.add(part[:40])
    return names, fragments


def test_the_needles_cover_the_demo_data() -> None:
    names, fragments = demo_needles()
    assert {"Aisha Kowalczyk", "Kowalczyk", "Rosalind Achterberg"} <= names
    assert len(fragments) > 200
    assert any(f.startswith("The mother was tense at first") for f in fragments)


@pytest.fixture
def session_log(qtbot: QtBot, qapp: object, tmp_path: Path, user_dirs: Path) -> Path:
    """Open the demo, a practitioner, edit an observation (autosave), generate a report,
    search, hit an unexpected failure, change a setting; return the log file."""
    paths = demo_paths(tmp_path / "demo")
    create_demo(paths, today=TODAY)
    log_path = setup_logging(logging.DEBUG)
    assert log_path is not None and log_path.parent == user_dirs / "log"
    runner = DbRunner()
    api = StartupApi(paths)
    w = MainWindow(runner, today=lambda: TODAY, demo=True)
    qtbot.addWidget(w)
    prefs = Preferences(Settings(autosave_seconds=0.2), Path(user_dirs / "config" / "s.json"),
                        parent=w)
    w.preferences = prefs
    prefs.attach(w, runner)
    try:
        w.show()
        qtbot.waitExposed(w)
        with qtbot.waitSignal(w.list_ready, timeout=20_000):
            w.set_api(api)
        rows = api.list_rows(TODAY)
        active = next(r for r in rows if r.status is EnrolmentStatus.ACTIVE)
        row = next(r for r in rows if r.status is EnrolmentStatus.COMPLETED)
        with qtbot.waitSignal(w.page_ready, timeout=20_000):
            w.open_practitioner(active.enrolment_id)

        # A new observation: typing with a name in it, autosaved on the DB thread.
        w.new_evidence(EvidenceKind.OBSERVATION.value)
        qtbot.waitUntil(lambda: w.evidence_dialog is not None, timeout=20_000)
        editor = w.evidence_dialog.editor  # type: ignore[union-attr]
        qtbot.waitUntil(lambda: bool(editor.inputs), timeout=20_000)
        field = next(wdg for wdg in editor.inputs.values() if hasattr(wdg, "toPlainText"))
        with qtbot.waitSignal(editor.autosaver.saved, timeout=20_000):
            field.setPlainText(f"{active.name} told me the children were frightened at home.")
        w.evidence_dialog.close()  # type: ignore[union-attr]
        with qtbot.waitSignal(w.page_ready, timeout=20_000):
            w.open_practitioner(row.enrolment_id)

        # Generate a report from the Reports tab.
        reports = w.page_view.reports
        with qtbot.waitSignal(reports.documents_changed, timeout=20_000):
            w.page_view.show_tab("Reports")
        reports.choose(ReportKind.FINAL)
        with qtbot.waitSignal(reports.job_finished, timeout=60_000) as done:
            reports.generate_button.click()
        assert done.args == [True], reports.message_label.text()

        # Search.
        w.open_search()
        dialog = w.search_dialog
        dialog.query_edit.setText("frightened")
        qtbot.waitUntil(lambda: dialog.results.topLevelItemCount() > 0, timeout=20_000)
        dialog.close()

        # A bug whose message quotes what someone wrote: dialog for the user, type-only log.
        def broken() -> None:
            raise ValueError(f"could not parse {row.name}: The mother was tense at first")

        runner.run_op(broken)
        qtbot.waitUntil(lambda: any(isinstance(t, ErrorDialog) and t.isVisible()
                                    for t in qapp.topLevelWidgets()), timeout=10_000)  # type: ignore[attr-defined]
        for t in qapp.topLevelWidgets():  # type: ignore[attr-defined]
            if isinstance(t, ErrorDialog):
                t.close()

        # Retention dry run and a settings change.
        result = api.retention.purge(1, today=TODAY, dry_run=True)
        assert result.dry_run
        prefs.save(prefs.settings.replace(employer_name="Northmoor Borough Council"))
    finally:
        if prefs.idle_lock is not None:
            prefs.idle_lock.shutdown()
        reports = w._page_view.reports if w._page_view is not None else None
        if reports is not None:
            reports.shutdown()
        runner.shutdown(final=api.close)
        w.close()
        for handler in logging.getLogger().handlers:
            handler.flush()
        logging.getLogger().setLevel(logging.WARNING)
    return log_path


def test_no_name_narrative_or_key_reaches_the_log(session_log: Path) -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in session_log.parent.iterdir())
    # The log is not empty: the failure and the settings save were recorded.
    assert "Background operation session_log.<locals>.broken failed" in text
    assert "builtins.ValueError" in text and "test_log_privacy.py" in text
    assert "settings saved" in text
    names, fragments = demo_needles()
    lowered = text.lower()
    found_names = sorted(n for n in names if n.lower() in lowered)
    found_text = sorted(f for f in fragments if f.lower() in lowered)
    assert found_names == [] and found_text == []
    for secret in (DEMO_STORE_KEY_HEX, bytes.fromhex(DEMO_STORE_KEY_HEX).decode(),
                   DEMO_STORE_KEY_HEX[:16], "frightened", "Northmoor"):
        assert secret.lower() not in lowered
