"""In-app help: one short Markdown page per view (resources/help/<topic>.md), shown on F1.

``TOPICS`` maps each page to the widget classes it explains; F1 walks up from the
focused widget to the first class it knows (on the practitioner page, the open tab
decides; in an evidence editor, the kind of evidence). A test checks that every view
class has a page and that every shortcut a page lists exists in the code.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from assessor_app.paths import resources_dir


class Topic(NamedTuple):
    """(A NamedTuple, not a dataclass: this module loads before the first paint, and
    ``dataclasses`` with ``inspect`` costs about 40 ms to import.)"""

    title: str
    views: tuple[str, ...] = ()  # class names of the widgets this page explains


TOPICS: dict[str, Topic] = {
    "practitioner-list": Topic("Practitioner list", ("PractitionerListView", "MainWindow")),
    "practitioner-page": Topic("Practitioner page", ("PractitionerPageView", "TimelineView")),
    "review-editor": Topic("Reviews", ("ReviewEditor",)),
    "final-assessment": Topic("Final assessment", ("FinalAssessmentEditor",)),
    "reports": Topic("Reports", ("ReportsView",)),
    "evidence-editor": Topic("Evidence editor", ("EvidenceEditor", "EvidenceDialog")),
    "evidence-observation": Topic("Direct observation"),
    "evidence-reflection": Topic("Reflection"),
    "evidence-supervision": Topic("Supervision log entry"),
    "evidence-feedback_professional": Topic("Feedback from a professional"),
    "evidence-feedback_lived": Topic("Feedback from people who use services"),
    "evidence-record_review": Topic("Review of written work"),
    "evidence-self_assessment": Topic("Self-assessment"),
    "search": Topic("Search all evidence", ("SearchDialog",)),
    "settings": Topic("Settings", ("SettingsDialog",)),
    "restore": Topic("Restore your store", ("RestoreDialog",)),
    "first-run": Topic("Setting up", ("SetupWizard",)),
    "sync": Topic("Sync and conflicts", ("SyncView", "ConflictsView", "ConflictsDialog",
                                         "MergeDialog", "MergeEditor", "EnrolDialog")),
    "handover": Topic("Hand-over mode", ("HandoverSetupDialog",)),
    "keyboard-shortcuts": Topic("Keyboard shortcuts"),
}
#: Windows that are not views with tasks of their own (help about help, errors), and the
#: family's full-screen hand-over window, where F1 must not put the assessor's help.
NO_HELP = ("HelpDialog", "AboutDialog", "ErrorDialog", "HandoverWindow")
#: Practitioner page tab → its page (the Overview tab is the practitioner page itself).
TAB_TOPICS = {"Reviews": "review-editor", "Final assessment": "final-assessment",
              "Reports": "reports"}
FALLBACK = "practitioner-list"


def help_dir() -> Path:
    return resources_dir() / "help"


def page_text(topic: str) -> str:
    path = help_dir() / f"{topic}.md"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return f"# {TOPICS.get(topic, Topic(topic)).title}\n\nThis help page is missing ({path})."


def topic_for_class(name: str) -> str | None:
    return next((key for key, t in TOPICS.items() if name in t.views), None)


def topic_for_widget(widget: QWidget | None) -> str | None:
    """The page for what the user is looking at: the focused widget and its parents
    (None inside a window that shows no help, such as the family's hand-over screen)."""
    w = widget
    while w is not None:
        name = type(w).__name__
        if name in NO_HELP:
            return None
        if name == "PractitionerPageView":
            tabs = getattr(w, "tabs", None)
            if tabs is not None:
                topic = TAB_TOPICS.get(tabs.tabText(tabs.currentIndex()).replace("&", ""))
                if topic:
                    return topic
        if name in ("EvidenceEditor", "EvidenceDialog"):
            editor = getattr(w, "editor", w)
            form = getattr(editor, "form", None)
            kind = getattr(form, "kind", None)
            if kind and f"evidence-{kind}" in TOPICS:
                return f"evidence-{kind}"
        topic = topic_for_class(name)
        if topic:
            return topic
        w = w.parentWidget()
    return FALLBACK


class HelpDialog(QDialog):
    """A help page in a QTextBrowser; links between pages (``other-topic.md``) work."""

    def __init__(self, topic: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Help")
        self.resize(640, 620)
        self.browser = QTextBrowser(self)
        self.browser.setAccessibleName("Help text")
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._follow)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close help")
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.show_topic(topic)

    def show_topic(self, topic: str) -> None:
        self.topic = topic
        self.setWindowTitle(f"Help — {TOPICS.get(topic, Topic(topic)).title}")
        self.browser.setMarkdown(page_text(topic))

    def _follow(self, url) -> None:  # type: ignore[no-untyped-def]
        target = url.toString()
        if target.endswith(".md") and "/" not in target and ":" not in target:
            self.show_topic(target[:-3])
        elif url.scheme() in ("http", "https"):
            from PySide6.QtGui import QDesktopServices

            QDesktopServices.openUrl(url)


def show_help(parent: QWidget, topic: str | None = None) -> HelpDialog | None:
    """F1: the page for the focused view (or ``topic``), in a window that stays open;
    None (nothing shown) in a window that shows no help."""
    focus = QApplication.focusWidget()
    inside_help = focus is not None and isinstance(focus.window(), HelpDialog) \
        and focus.window().isVisible()
    if topic is None:
        topic = focus.window().topic if inside_help else topic_for_widget(  # type: ignore[union-attr]
            focus or parent)
    if topic is None:
        return None
    existing = parent.findChild(HelpDialog, "", Qt.FindChildOption.FindDirectChildrenOnly)
    dialog = existing if isinstance(existing, HelpDialog) else HelpDialog(topic, parent)
    dialog.show_topic(topic)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog


class F1Filter(QObject):
    """F1 inside a modal dialog (an editor, search, settings), where the main window's
    application shortcut is blocked: the key reaches the dialog, and this shows its help."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.last: HelpDialog | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() == Qt.Key.Key_F1 \
                and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            window = QApplication.activeModalWidget() or QApplication.activeWindow()
            if window is not None:
                shown = show_help(window)
                if shown is not None:
                    self.last = shown
                return True  # consumed either way: F1 means nothing else here
        return False


def install_f1(owner: QObject) -> F1Filter:
    """Watch for F1 in every window while ``owner`` lives."""
    f1 = F1Filter(owner)
    app = QApplication.instance()
    if app is not None:
        app.installEventFilter(f1)
    return f1
