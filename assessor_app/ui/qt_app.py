"""GUI start-up: paint the window first, then open the store on the DB thread.

Opening the encrypted store imports SQLAlchemy and may run migrations (about a second
cold), so ``open_api`` is only called after the first paint, on the DB worker thread,
while the list shows "Opening your store…". Only Qt is imported at module level here;
the rest comes in inside ``run_gui``.

Start-up probe (benchmarks): with ``ASSESSOR_APP_STARTUP_PROBE=1`` one line
``first_paint <s>`` is printed when the window first paints and ``list_ready <s>`` when
the practitioner list is filled, in seconds since the process started; with
``ASSESSOR_APP_STARTUP_PROBE_QUIT=1`` the app then quits.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

if TYPE_CHECKING:
    from assessor_app.settings import LoadResult
    from assessor_app.ui.api import WorkbenchApi

PROBE_ENV = "ASSESSOR_APP_STARTUP_PROBE"
PROBE_QUIT_ENV = "ASSESSOR_APP_STARTUP_PROBE_QUIT"
PROBE_WATCHDOG_MS = 120_000
GENERIC_START_ERROR = ("The workbench could not open your store.",
                       "Try again. If it keeps happening, ask your IT support for help "
                       "and tell them what you were doing.")


def _process_age() -> float | None:
    """Seconds since this process started, from /proc (10 ms resolution); None elsewhere."""
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            stat = f.read()
        with open("/proc/uptime", encoding="ascii") as f:
            uptime = float(f.read().split()[0])
        # Field 22 (starttime, in clock ticks since boot) counted after the ")" that ends comm.
        start_ticks = int(stat.rsplit(")", 1)[1].split()[19])
        return max(uptime - start_ticks / os.sysconf("SC_CLK_TCK"), 0.0)
    except (OSError, ValueError, IndexError):
        return None


_IMPORT_PERF = time.perf_counter()
_AGE_AT_IMPORT = _process_age()


def seconds_since_start() -> float:
    """Process age now (falls back to time since this module was imported)."""
    return (_AGE_AT_IMPORT or 0.0) + time.perf_counter() - _IMPORT_PERF


def start_error_text(exc: BaseException) -> tuple[str, str]:
    """(message, what to do) for a failed start: the AppError's own words, never a traceback."""
    message = getattr(exc, "message", None)
    if isinstance(message, str) and message:
        hint = getattr(exc, "hint", "")
        return message, hint if isinstance(hint, str) else ""
    return GENERIC_START_ERROR


def exit_code_for(exc: BaseException) -> int:
    code = getattr(exc, "exit_code", 1)
    return code if isinstance(code, int) and code > 0 else 1


def build_start_error_box(exc: BaseException, parent: QWidget | None = None) -> QMessageBox:
    from PySide6.QtCore import Qt  # not at import: the namespace's enums cost ~11 ms

    message, hint = start_error_text(exc)
    box = QMessageBox(QMessageBox.Icon.Critical, "Assessor workbench", message,
                      QMessageBox.StandardButton.Close, parent)
    box.setInformativeText(hint)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setAccessibleName("Could not open your store")
    return box


def app_icon():  # type: ignore[no-untyped-def]
    """The app's icon at every size shipped in resources/icons (window, task bar, Alt+Tab)."""
    from PySide6.QtGui import QIcon

    from assessor_app.paths import resources_dir

    icon = QIcon()
    for png in sorted((resources_dir() / "icons").glob("assessor-app-*.png")):
        icon.addFile(str(png))
    return icon


def use_bundled_font_if_needed(app: QApplication) -> str:
    """On a machine with no fonts at all (a bare Linux), use the bundled DejaVu Sans.

    Otherwise Qt finds no face for its default font and draws every glyph as a box.
    Returns "system" or "bundled": where the face the app will draw with comes from.
    """
    from PySide6.QtGui import QFont, QFontDatabase, QFontInfo

    from assessor_app.paths import resources_dir

    if QFontInfo(app.font()).family():
        return "system"
    for ttf in sorted((resources_dir() / "fonts").glob("*.ttf")):
        QFontDatabase.addApplicationFont(str(ttf))
    app.setFont(QFont("DejaVu Sans", app.font().pointSize()))
    return "bundled"
def show_settings_notice(text: str, parent: QWidget) -> QMessageBox:
    """Once, after a bad settings file was kept aside (or bad values replaced)."""
    from PySide6.QtCore import Qt

    box = QMessageBox(QMessageBox.Icon.Information, "Assessor workbench", text,
                      QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setAccessibleName("Settings notice")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def install_error_dialog(window: QWidget) -> None:
    """From the first paint on, an unexpected error shows the error dialog, not a traceback
    (imported here, not before the paint: it costs ~20 ms)."""
    from assessor_app.ui.error_dialog import install_excepthook

    install_excepthook(lambda: window)


#: modules the first paint must not wait for (tests/e2e/test_first_paint_imports.py); the
#: views come with the rest of the window, just after it (``MainWindow.complete``)
SLOW_MODULES = ("sqlalchemy", "alembic", "reportlab", "pyhanko", "httpx", "keyring",
                "dataclasses", "pydantic", "fastapi", "cryptography", "yaml",
                "assessor_app.ui.views.practitioner_list", "assessor_app.ui.sync_ui")


def slow_parts_loaded() -> list[str]:
    """What the first paint waited for that it need not have: SLOW_MODULES already imported,
    and ``Qt.namespace`` when PySide6 has built the ``Qt`` namespace (its first use builds
    every one of its ~120 enums, ~11 ms)."""
    loaded = [m for m in SLOW_MODULES if m in sys.modules]
    core = sys.modules.get("PySide6.QtCore")
    if core is not None and "Qt" in vars(core):
        loaded.append("Qt.namespace")
    return loaded


def _probe(event: str) -> None:
    print(f"{event} {seconds_since_start():.3f}", flush=True)
    if event == "first_paint" and os.environ.get(PROBE_ENV + "_MODULES") == "1":
        loaded = slow_parts_loaded()
        print(f"loaded_at_first_paint {','.join(loaded) or '-'}", file=sys.stderr, flush=True)


def run_gui(open_api: Callable[[], WorkbenchApi], *, title: str = "Assessor workbench",
            demo: bool = False, argv: list[str] | None = None, today: date | None = None,
            settings: LoadResult | None = None,
            recover: Callable[..., bool] | None = None,
            on_started: Callable[..., None] | None = None) -> int:
    """Show the main window, then open the store on the DB thread; returns the exit code.

    ``recover(exc, window, runner, reopen, give_up)`` may take over a failed open (True: it
    offers a restore, then calls ``reopen`` or ``give_up``); ``on_started(window, runner,
    api, reopen)`` runs once the list is on screen (``ui/store_recovery.py``).
    """
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("assessor-app")
    app.setOrganizationName("assessor-app")
    app.setDesktopFileName("assessor-app")  # matches packaging/linux/assessor-app.desktop
    use_bundled_font_if_needed(app)

    from assessor_app.settings import Settings
    from assessor_app.ui.main_window import MainWindow
    from assessor_app.ui.tasks import DbRunner
    from assessor_app.ui.theme import apply_theme

    probe = os.environ.get(PROBE_ENV) == "1"
    quit_after_probe = probe and os.environ.get(PROBE_QUIT_ENV) == "1"
    current = settings.settings if settings else Settings()
    # before any widget exists: no flash of the wrong theme, no repaint
    apply_theme(current.theme, follow=False)
    runner = DbRunner()
    # Only the shell is built before the first paint; the list, the menus' actions and the
    # preferences follow in the next turn of the event loop (``finish_building``).
    window = MainWindow(runner, today=(lambda: today) if today else date.today,
                        demo=demo, title=title, deferred=True)
    prefs: Any = None
    state: dict[str, Any] = {"opening": False, "api": None, "listed": False}
    previous_hook = sys.excepthook

    def on_open(api: WorkbenchApi) -> None:
        state["api"] = api
        window.set_api(api)

    def on_open_failed(exc: BaseException) -> None:
        code = exit_code_for(exc)
        message, hint = start_error_text(exc)
        window.show_store_error(f"{message}\n{hint}".strip())
        if recover is not None and not quit_after_probe and \
                recover(exc, window, runner, reopen, lambda: app.exit(code)):
            return
        if quit_after_probe:
            print(f"{message} {hint}".strip(), file=sys.stderr, flush=True)
            app.exit(code)
            return
        box = build_start_error_box(exc, window)
        box.finished.connect(lambda _result: app.exit(code))
        box.open()

    def reopen() -> None:  # after a restore: open the (new) store again
        state["opening"] = False
        state["listed"] = False
        open_store()

    def open_store() -> None:
        if state["opening"]:
            return
        state["opening"] = True
        runner.run_op(open_api).on_success(on_open).on_failure(on_open_failed)

    def finish_building() -> None:
        nonlocal prefs
        window.complete()
        if prefs is None:
            from assessor_app.ui.preferences import Preferences

            prefs = Preferences(current, parent=window)
            window.preferences = prefs
            prefs.attach(window, runner)  # idle lock: may ask the keyring

    def on_first_paint() -> None:
        if probe:
            _probe("first_paint")
        # After this paint has reached the screen: the store starts opening on the DB thread
        # while the GUI thread builds the rest of the window.
        QTimer.singleShot(0, open_store)
        QTimer.singleShot(0, finish_building)
        # the icon's PNGs load after the first paint: title bars and task bars pick it up
        QTimer.singleShot(0, lambda: app.setWindowIcon(app_icon()))
        QTimer.singleShot(0, lambda: install_error_dialog(window))
        if settings is not None and settings.notice and not quit_after_probe:
            QTimer.singleShot(0, lambda: show_settings_notice(settings.notice, window))

    def on_list_ready() -> None:
        if state["listed"]:
            return
        state["listed"] = True
        if probe:
            _probe("list_ready")
        if on_started is not None and not quit_after_probe:
            on_started(window, runner, state["api"], reopen)
        if quit_after_probe:
            app.exit(0)  # not quit(): in Qt 6.12 a quit() leaves later event loops exiting at once

    window.first_painted.connect(on_first_paint)
    window.list_ready.connect(on_list_ready)
    # Timers belong to the window, so none outlives this call (tests run several in one process).
    fallback = QTimer(window, singleShot=True, interval=1500)
    fallback.timeout.connect(finish_building)  # in case the window is never painted (minimised)
    fallback.timeout.connect(open_store)
    fallback.start()
    if quit_after_probe:
        watchdog = QTimer(window, singleShot=True, interval=PROBE_WATCHDOG_MS)
        watchdog.timeout.connect(lambda: app.exit(1))
        watchdog.start()
    window.show()
    try:
        code = app.exec()
    finally:
        sys.excepthook = previous_hook
        if prefs is not None and prefs.idle_lock is not None:
            prefs.idle_lock.shutdown()
        close = getattr(state["api"], "close", None)
        runner.shutdown(final=close if callable(close) else None)
        window.close()
        window.deleteLater()  # signal connections to the closures above would keep it alive
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return code
