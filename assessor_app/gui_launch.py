"""Start the desktop app: Qt first, everything else after the window has painted.

Only the Qt shell is imported before the first paint; the data folder is resolved,
the demo created and the store opened inside ``open_api``, which the GUI runs on
its DB thread once the window is on screen.
"""

from __future__ import annotations

import os

from assessor_app.paths import ENV_DATA_DIR, DataPaths


def _looks_like_demo(data_dir: str | None, demo: bool) -> bool:
    if demo:
        return True
    folder = data_dir or os.environ.get(ENV_DATA_DIR)
    return bool(folder) and DataPaths(os.path.expanduser(folder)).demo_marker.exists()


def run(data_dir: str | None, *, demo: bool = False) -> int:
    from assessor_app.ui.qt_app import run_gui
    from assessor_app.ui.store_recovery import StartupHooks

    def open_api():  # type: ignore[no-untyped-def]
        from assessor_app import app

        paths = app.demo_paths(data_dir) if demo else DataPaths.resolve(data_dir)
        if demo:
            app.ensure_demo(paths)
        return app.StartupApi(paths)

    def resolve_paths() -> DataPaths:
        from assessor_app import app

        return app.demo_paths(data_dir) if demo else DataPaths.resolve(data_dir)

    hooks = StartupHooks(resolve_paths, demo=demo)  # integrity check, daily backup, restore

    return run_gui(open_api, demo=_looks_like_demo(data_dir, demo),
                   recover=hooks.recover, on_started=hooks.started)
