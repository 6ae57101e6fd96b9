"""Helpers of the sync experience tests (tests/sync/test_sync_ux.py, tests/ui/test_sync_ux_ui.py):
the settings file speaking for a device's folder, and a device left holding waiting rows."""

from __future__ import annotations

from typing import Any

import pytest

from assessor_app.app import AppContext
from assessor_app.services import sync as sync_service
from assessor_app.settings import load_settings, save_settings
from assessor_app.store.models import Evidence
from tests.sync.devices import Devices, add_portfolio

USER = "Fictional Assessor"


def governed_by_settings(monkeypatch: pytest.MonkeyPatch, ctx: AppContext) -> None:
    """Make ``ctx``'s folder the data folder the (test's own) settings file speaks for."""
    monkeypatch.setenv("ASSESSOR_APP_DATA_DIR", str(ctx.paths.root))


def set_server_address(url: str) -> None:
    current = load_settings().settings
    save_settings(current.replace(server_address=url))


def setting() -> str:
    return load_settings().settings.server_address


def pull_cut_after_first_page(monkeypatch: pytest.MonkeyPatch, ctx: AppContext,
                              limit: int) -> None:
    """One sync of ``ctx`` that stops after its first pull page of ``limit`` rows (as if the
    laptop were closed), so rows whose parent comes in a later page are left waiting."""
    usual = sync_service.PULL_LIMIT
    monkeypatch.setattr(sync_service, "PULL_LIMIT", limit)
    pages: list[object] = []

    def progress(p: Any) -> None:
        if p.phase == "pull":
            pages.append(p)

    ctx.sync.sync(progress=progress, cancelled=lambda: bool(pages))
    monkeypatch.setattr(sync_service, "PULL_LIMIT", usual)


def child_before_parent(live_server: Any, devices: Devices,
                        monkeypatch: pytest.MonkeyPatch) -> tuple[AppContext, AppContext, dict[str, Any]]:
    """Device b holds an observation and a standard link whose evidence has not reached it:
    a wrote them, then edited the evidence, so the evidence comes last in the server's order."""
    server = live_server("sqlite")
    server.add_user(USER, "assessor")
    a = devices.enrolled("a", server, USER)
    b = devices.enrolled("b", server, USER)
    ids = add_portfolio(a, evidence=2)
    a.sync.sync()
    with a.database.uow("tester") as uow:
        uow.session.get(Evidence, ids["evidence"][0]).title = "Home visit 1, renamed"
        uow.commit()
    a.sync.sync()
    rows = 2 + 2 * 3  # practitioner, enrolment, and per evidence: itself, observation, link
    pull_cut_after_first_page(monkeypatch, b, rows - 1)  # all but the renamed evidence
    return a, b, ids


