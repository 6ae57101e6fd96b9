"""The sync indicator in the status bar: when this device last synced, what is waiting,
open conflicts (a button that opens the conflicts view), records from other devices waiting
here to be applied (a quieter button, "2 waiting to be added", that opens the same view on
them; the state's own "changes waiting" are this device's edits not sent yet) and,
for a long sync, a progress bar.

The wording is worked out by ``describe`` (a pure function, so tests can check every state);
the widget only shows it. Times are relative ("Synced 3 minutes ago") and refreshed every
half minute; the tooltip says the same in full, with the last error and what to do about it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from assessor_app.ui.colours import badge_red, is_dark
from assessor_app.ui.dates import short_date

if TYPE_CHECKING:
    from assessor_app.services.sync import SyncProgress, SyncStatus

TICK_MS = 30_000  # how often "3 minutes ago" is brought up to date
PHASE_WORDS = {"push": "Sending changes", "pull": "Receiving changes", "files": "Sending files"}


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def ago(then: datetime, now: datetime) -> str:
    """'just now', '3 minutes ago', '2 hours ago', 'yesterday at 14:02', 'on Mon 7 Dec at 09:15'.

    A time in the future (the laptop's clock is behind) reads as 'just now', never negative.
    """
    seconds = (now - then).total_seconds()
    local = then.astimezone() if then.tzinfo else then
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{plural(int(seconds // 60), 'minute')} ago"
    if seconds < 6 * 3600 or local.date() == (now.astimezone() if now.tzinfo else now).date():
        return f"{plural(int(seconds // 3600), 'hour')} ago"
    if seconds < 48 * 3600:
        return f"yesterday at {local:%H:%M}"
    return f"on {short_date(local.date())} at {local:%H:%M}"


def now_like(then: datetime | None) -> datetime:
    """Now, aware or naive to match ``then`` so the two can be subtracted."""
    if then is not None and then.tzinfo is None:
        return datetime.now()
    return datetime.now(UTC)


class Description(NamedTuple):
    """(Not a dataclass: this loads before the first paint, and dataclasses costs ~40 ms.)"""

    text: str  # the words in the status bar
    tooltip: str  # the same in full, with what to do
    tone: str  # "ok", "busy", "waiting", "problem", "off"


def host(url: str) -> str:
    """'https://sync.example.org:8443/x' → 'sync.example.org:8443' (short, for the status bar)."""
    rest = url.partition("://")[2] or url
    return rest.split("/", 1)[0]


def describe(status: SyncStatus | None, *, syncing: bool = False, offline: bool = False,
             waiting_for_other: bool = False, now: datetime | None = None) -> Description:
    """What the indicator says for a status (``None``: not known yet)."""
    if status is None:
        return Description("Checking sync…", "Reading this device's sync settings.", "busy")
    if not status.configured:
        wanted = getattr(status, "settings_url", "")
        where = (f"choose Connect to a server in the Sync menu (the address in Settings, "
                 f"{wanted}, is filled in) and type the one-time code your coordinator gave you."
                 if wanted else
                 "choose Connect to a server in the Sync menu and type the address and "
                 "one-time code your coordinator gave you.")
        return Description(
            "Not connected to a server",
            "This device keeps your work only on this computer. To share it with your "
            f"employer and your other devices, {where}", "off")
    now = now or now_like(status.last_sync_at)
    who = f" as {status.user_name}" if status.user_name else ""
    if getattr(status, "server_changed", False) and not syncing:
        wanted = status.settings_url
        return Description(
            f"Not syncing: connect again to use {host(wanted)}",
            f"This laptop is connected to {status.server_url}{who}, but Settings name "
            f"{wanted} as your server. This laptop has not been enrolled with {wanted}, so "
            "it does not sync with either until you choose.\n"
            f"To use {wanted}: click here (or Sync ▸ Connect to a server…) and type a new code "
            "from your coordinator.\n"
            f"To keep using {status.server_url}: put that address back in Settings ▸ Server.\n"
            "Your work is safe on this computer.", "problem")
    lines = [f"Connected to {status.server_url}{who}."]
    if status.last_sync_at is not None:
        when = ago(status.last_sync_at, now)
        lines.append(f"Last synced {when}.")
    else:
        when = ""
        lines.append("This device has not synced yet.")
    waiting = ""
    if status.waiting:
        waiting = f"{plural(status.waiting, 'change')} waiting"
        lines.append(f"{plural(status.waiting, 'change')} on this device "
                     f"{'is' if status.waiting == 1 else 'are'} waiting to be sent.")
    if status.conflicts:
        lines.append(f"{plural(status.conflicts, 'conflict')} need{'s' if status.conflicts == 1 else ''}"
                     " your choice: click the conflicts button or choose Sync ▸ Conflicts….")
    parked = getattr(status, "parked", 0)
    if parked:
        lines.append(f"{plural(parked, 'record')} from other devices "
                     f"{'is' if parked == 1 else 'are'} waiting here until {'it' if parked == 1 else 'they'}"
                     " can be added (each sync tries again): click the waiting button to see why.")
    kept = getattr(status, "kept_aside", 0)
    if kept:
        lines.append(f"{plural(kept, 'change')} you made {'is' if kept == 1 else 'are'} kept "
                     "aside on this computer: the practitioner is no longer assigned to you. "
                     "Ask your programme coordinator to assign them back to you for a moment "
                     "(the changes are then sent), or whether they may be discarded.")
        waiting = f"{waiting}, {kept:,} kept aside" if waiting else f"{kept:,} kept aside"
    if syncing:
        return Description("Syncing…", "\n".join(lines), "busy")
    if waiting_for_other:
        lines.insert(0, "Another sync of this data folder is running (another window, or "
                        "assessor-app sync in a terminal). This one starts again by itself "
                        "once that one has finished; nothing is wrong.")
        return Description("Waiting for the other sync…", "\n".join(lines), "busy")
    if status.last_error:
        lines.append(f"The last try did not work: {status.last_error}")
        if offline:
            lines.append("Your work is safe on this computer. The app tries again by itself "
                         "when the server can be reached; you can also choose Sync now "
                         "(Ctrl+Shift+Y).")
            head = "Offline"
        else:
            lines.append("Your work is safe on this computer. Choose Sync now (Ctrl+Shift+Y) "
                         "to try again; if it keeps failing, tell your coordinator.")
            head = "Sync did not finish"
        return Description(f"{head} — {waiting}" if waiting else head, "\n".join(lines), "problem")
    text = f"Synced {when}" if when else "Not synced yet"
    if waiting:
        text = f"{text} — {waiting}"
    return Description(text, "\n".join(lines), "waiting" if waiting else "ok")


class SyncStatusIndicator(QWidget):
    """Lives in the main window's status bar; asks for actions by signal, does none itself."""

    sync_requested = Signal()
    conflicts_requested = Signal()
    parked_requested = Signal()
    enrol_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Sync status")
        self.status: SyncStatus | None = None
        self.syncing = False
        self.offline = False
        self.waiting_for_other = False  # another sync of this data folder was running
        self.long = False  # the running sync shows its progress bar
        self.last_progress: SyncProgress | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.setSpacing(6)

        self.state_button = QToolButton(self)
        self.state_button.setAutoRaise(True)
        self.state_button.setAccessibleName("Sync status")
        self.state_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.state_button.clicked.connect(self._state_clicked)
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName("Sync progress")
        self.progress.setMaximumWidth(160)
        self.progress.setMaximumHeight(14)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.progress_label = QLabel(self)
        self.progress_label.setAccessibleName("Sync step")
        self.progress_label.hide()
        self.conflicts_button = QToolButton(self)
        self.conflicts_button.setAccessibleName("Open conflicts")
        self.conflicts_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.conflicts_button.setStyleSheet(
            f"QToolButton {{ background: {badge_red().name()}; color: #ffffff; font-weight: bold;"
            " border: none; border-radius: 8px; padding: 1px 8px; }"
            " QToolButton:focus { outline: none; border: 2px solid palette(highlight); }")
        self.conflicts_button.clicked.connect(self.conflicts_requested)
        self.conflicts_button.hide()
        # not a conflict: nothing to decide, so a quiet outline rather than the red badge
        self.parked_button = QToolButton(self)
        self.parked_button.setAccessibleName("Records waiting to be added")
        self.parked_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.parked_button.setStyleSheet(
            "QToolButton { border: 1px solid palette(mid); border-radius: 8px;"
            " padding: 0px 7px; }"
            " QToolButton:focus { outline: none; border: 2px solid palette(highlight); }")
        self.parked_button.clicked.connect(self.parked_requested)
        self.parked_button.hide()
        self.connect_button = QToolButton(self)
        self.connect_button.setText("Connect…")
        self.connect_button.setAccessibleName("Connect to a server")
        self.connect_button.setToolTip("Connect this device to your employer's server")
        self.connect_button.clicked.connect(self.enrol_requested)
        self.connect_button.hide()
        layout.addWidget(self.progress_label)
        layout.addWidget(self.progress)
        layout.addWidget(self.state_button)
        layout.addWidget(self.conflicts_button)
        layout.addWidget(self.parked_button)
        layout.addWidget(self.connect_button)

        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self._render)
        self._tick.start()
        self._render()

    # -- what the controller tells it ---------------------------------------------------
    def set_status(self, status: SyncStatus, *, offline: bool | None = None) -> None:
        self.status = status
        if offline is not None:
            self.offline = offline
        self._render()

    def set_waiting_for_other(self) -> None:
        """This try found another sync of the data folder running; the next try clears it."""
        self.syncing = False
        self.waiting_for_other = True
        self._render()

    def set_syncing(self, syncing: bool) -> None:
        self.syncing = syncing
        self.waiting_for_other = False
        self.long = False
        self.last_progress = None
        self.progress.hide()
        self.progress_label.hide()
        self.state_button.show()
        self._render()

    def show_long(self) -> None:
        """The sync has run long enough to deserve a bar (the controller's timer says when)."""
        if self.syncing:
            self.long = True
            self._render_progress()

    def show_progress(self, progress: SyncProgress) -> None:
        self.last_progress = progress
        if self.long:
            self._render_progress()

    def _render_progress(self) -> None:
        p = self.last_progress
        words = PHASE_WORDS.get(p.phase, "Syncing") if p is not None else "Syncing"
        if p is not None and p.total > 0:
            self.progress.setRange(0, p.total)
            self.progress.setValue(min(p.done, p.total))
            self.progress_label.setText(f"{words}: {p.done:,} of {p.total:,}")
        else:
            self.progress.setRange(0, 0)  # busy: the total is not known yet
            self.progress_label.setText(f"{words}…")
        self.progress.setAccessibleDescription(self.progress_label.text())
        # wide enough for the longest count this sync can reach, so the words never clip
        widest = f"{words}: {p.total:,} of {p.total:,}" if p is not None else f"{words}…"
        self.progress_label.setMinimumWidth(
            self.progress_label.fontMetrics().horizontalAdvance(widest) + 4)
        self.progress.show()
        self.progress_label.show()
        self.state_button.hide()  # the bar and its words say it all

    def show_unreadable(self, message: str) -> None:
        """The sync state could not be read from the store (the next read replaces this)."""
        self.state_button.setText("Sync status unknown")
        tip = f"This device's sync settings could not be read: {message} Your work is safe " \
              "on this computer. Restart the app; if it keeps happening, tell your IT support."
        self.state_button.setToolTip(tip)
        self.state_button.setAccessibleDescription(tip)

    # -- rendering -------------------------------------------------------------------------
    def description(self) -> Description:
        return describe(self.status, syncing=self.syncing, offline=self.offline,
                        waiting_for_other=self.waiting_for_other)

    def _render(self) -> None:
        d = self.description()
        self.state_button.setText(d.text)
        self.state_button.setToolTip(d.tooltip)
        self.state_button.setAccessibleDescription(d.tooltip)
        self.state_button.setProperty("tone", d.tone)
        amber = "#ffb74d" if is_dark(self.palette()) else "#8a4b00"  # 4.5:1 or better either way
        colour = {"problem": amber, "off": "palette(placeholder-text)"}.get(d.tone, "")
        self.state_button.setStyleSheet(
            f"QToolButton {{ color: {colour}; font-weight: bold; }}" if colour else "")
        changed = bool(getattr(self.status, "server_changed", False))
        self.connect_button.setVisible(self.status is not None and (not self.status.configured
                                                                    or changed))
        count = self.status.conflicts if self.status is not None and self.status.configured else 0
        self.conflicts_button.setVisible(count > 0)
        if count:
            self.conflicts_button.setText(plural(count, "conflict"))
            self.conflicts_button.setToolTip("Two versions of the same text could not be "
                                             "combined. Click to choose what to keep.")
            self.conflicts_button.setAccessibleName(f"Open {plural(count, 'conflict')}")
        parked = getattr(self.status, "parked", 0) if self.status is not None else 0
        self.parked_button.setVisible(parked > 0)
        if parked:
            self.parked_button.setText(f"{parked:,} waiting to be added")
            tip = (f"{plural(parked, 'record')} from other devices cannot be added here yet "
                   "(nothing is lost; each sync tries again). Click to see which and why.")
            self.parked_button.setToolTip(tip)
            self.parked_button.setAccessibleName(
                f"Open {plural(parked, 'record')} waiting to be added")
            self.parked_button.setAccessibleDescription(tip)

    def _state_clicked(self) -> None:
        if self.status is not None and (not self.status.configured
                                        or getattr(self.status, "server_changed", False)):
            self.enrol_requested.emit()
        elif not self.syncing:
            self.sync_requested.emit()
