"""A real encrypted demo store for the review and final assessment tests.

The demo cohort is made once per test module (``template``) and each test that
writes gets its own copy of the folder (a file copy: much faster than a new cohort).
``Services`` is the object the editors call: the real services over that store.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from assessor_app.app import AppContext, create_demo, demo_paths, open_context
from assessor_app.domain.dto import PractitionerRow
from assessor_app.domain.enums import EnrolmentStatus
from assessor_app.services.assessment import AssessmentService
from assessor_app.services.reviews import ReviewService

TODAY = date(2026, 11, 23)


def make_template(folder: Path) -> Path:
    create_demo(demo_paths(folder), today=TODAY)
    return folder


def copy_store(template: Path, dest: Path) -> Path:
    shutil.copytree(template, dest)
    return dest


@dataclass
class Services:
    """What the editors' ``api`` must offer: ``reviews`` and ``assessment``."""

    ctx: AppContext
    reviews: ReviewService
    assessment: AssessmentService

    @classmethod
    def open(cls, folder: Path) -> Services:
        ctx = open_context(demo_paths(folder), create=False)
        return cls(ctx, ReviewService(ctx.database, ctx.catalogue.catalogue),
                   AssessmentService(ctx.database, ctx.catalogue.catalogue))

    def close(self) -> None:
        self.ctx.close()

    def scenarios(self) -> dict[str, PractitionerRow]:
        """The six demo practitioners by story: new, overdue (mid-year), part-time, paused,
        extended, completed."""
        rows = self.ctx.list_rows(TODAY)
        by_status = {r.status: r for r in rows}
        full_active = sorted((r for r in rows if r.status is EnrolmentStatus.ACTIVE and r.fte == 1),
                             key=lambda r: r.start_date)
        return {
            "new": full_active[-1], "overdue": full_active[0],
            "part-time": next(r for r in rows if r.fte < 1),
            "paused": by_status[EnrolmentStatus.PAUSED],
            "extended": by_status[EnrolmentStatus.EXTENDED],
            "completed": by_status[EnrolmentStatus.COMPLETED],
        }


@pytest.fixture(scope="module")
def review_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo cohort, made once per test module."""
    return make_template(tmp_path_factory.mktemp("review-demo") / "demo")


@pytest.fixture
def review_services(review_template: Path, tmp_path: Path) -> Iterator[Services]:
    """Real services over this test's own copy of the demo store."""
    s = Services.open(copy_store(review_template, tmp_path / "demo"))
    yield s
    s.close()


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo cohort dated ``TODAY``, made once for each test module that asks for it."""
    return make_template(tmp_path_factory.mktemp("demo") / "demo")


@pytest.fixture
def ctx(demo_folder: Path) -> Iterator[AppContext]:
    """The app's services over the module's demo store (opened and closed per test)."""
    c = open_context(demo_paths(demo_folder), create=False)
    yield c
    c.close()
