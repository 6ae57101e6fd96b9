"""Start the desktop app: Qt first, everything else after the window has painted.

Only the Qt shell is imported before the first paint; the data folder is resolved,
the demo created and the store opened inside ``open_api``, which the GUI runs on
its DB thread once the window is on screen.
"""

from __future__ import annotations

import os
from typing import Any

from assessor_app.paths import ENV_DATA_DIR, DataPaths


def _looks_like_demo(data_dir: str | None, demo: bool) -> bool:
    if demo:
        return True
    folder = data_dir or os.environ.get(ENV_DATA_DIR)
    return bool(folder) and DataPaths(os.path.expanduser(folder)).demo_marker.exists()


def _first_run_finished(data_dir: str | None) -> bool:
    """A new data folder (or an unfinished set-up) gets the set-up wizard first.

    False when the user stopped the wizard: the app then exits without opening a store.
    """
    from assessor_app.first_run import needs_setup

    paths = DataPaths.resolve(data_dir)
    if not needs_setup(paths):
        return True
    from assessor_app.ui.views.first_run_wizard import run_first_run

    return run_first_run(paths)


def run(data_dir: str | None, *, demo: bool = False) -> int:
    from assessor_app.logsetup import setup_logging
    from assessor_app.settings import load_settings

    setup_logging()  # cheap: no logging.handlers, no slow imports
    loaded = load_settings()  # a nonsense file is kept aside here; the notice shows once
    if loaded.notice:
        import logging

        log = logging.getLogger(__name__)
        for name in loaded.bad_fields:  # names only, never the values
            log.warning("setting %s not valid; its default is used", name)
        if not loaded.bad_fields:
            log.warning("settings file not usable; defaults used")
        if loaded.kept_aside is not None:
            log.warning("the settings file as it was is kept beside it (.bad-<date-time>)")

    from assessor_app.ui.qt_app import run_gui

    if not _looks_like_demo(data_dir, demo) and not _first_run_finished(data_dir):
        return 0  # set-up stopped: nothing is opened (it resumes on the next start)

    def open_api():  # type: ignore[no-untyped-def]
        from assessor_app import app

        paths = app.demo_paths(data_dir) if demo else DataPaths.resolve(data_dir)
        if demo:
            app.ensure_demo(paths)
        return app.StartupApi(paths)

    def resolve_paths() -> DataPaths:
        from assessor_app import app

        return app.demo_paths(data_dir) if demo else DataPaths.resolve(data_dir)

    made: list[Any] = []

    def hooks():  # type: ignore[no-untyped-def]
        """Integrity check, daily backup, restore offers: imported after the first paint."""
        if not made:
            from assessor_app.ui.store_recovery import StartupHooks

            made.append(StartupHooks(resolve_paths, demo=_looks_like_demo(data_dir, demo)))
        return made[0]

    return run_gui(open_api, demo=_looks_like_demo(data_dir, demo),
                   recover=lambda *a: hooks().recover(*a),
                   on_started=lambda *a: hooks().started(*a), settings=loaded)
