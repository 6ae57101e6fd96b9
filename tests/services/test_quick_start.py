"""Start-up shows the list without SQLAlchemy, and it matches the full service exactly."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

from assessor_app.app import StartupApi, demo_paths, open_context
from assessor_app.paths import migrations_dir, resources_dir
from assessor_app.services.quick_list import QuickList
from tests.review_demo import TODAY  # the date the shared demo_folder is made for

ROOT = Path(__file__).resolve().parents[2]


def test_quick_rows_equal_the_services_rows(demo_folder: Path) -> None:
    paths = demo_paths(demo_folder)
    quick = QuickList.open(paths, None, resources=resources_dir(), migrations=migrations_dir())
    assert quick is not None
    ctx = open_context(paths, create=False)
    try:
        for day in (TODAY, date(2026, 1, 5), date(2027, 6, 1)):
            assert quick.list_rows(day) == ctx.list_rows(day)
    finally:
        quick.close()
        ctx.close()


def test_startup_api_switches_to_the_full_context(demo_folder: Path) -> None:
    api = StartupApi(demo_paths(demo_folder))
    try:
        rows = api.list_rows(TODAY)
        assert api._ctx is None, "the list came from the quick path"
        page = api.page(rows[0].enrolment_id, TODAY)
        assert page.row == rows[0]
        assert api.list_rows(TODAY) == rows
        assert api.reports is api.context().reports  # everything else is the full context
    finally:
        api.close()


def test_a_store_that_needs_migrating_takes_the_full_path(demo_folder: Path, tmp_path: Path) -> None:
    from tests.store.test_migrations import _add_revision, _copy_migrations

    newer = _copy_migrations(tmp_path)
    _add_revision(newer, "    pass")
    assert QuickList.open(demo_paths(demo_folder), None, resources=resources_dir(),
                          migrations=newer) is None


def test_the_quick_path_does_not_import_sqlalchemy(demo_folder: Path) -> None:
    code = (
        "import sys, datetime\n"
        "from assessor_app.app import demo_paths\n"
        "from assessor_app.paths import migrations_dir, resources_dir\n"
        "from assessor_app.services.quick_list import QuickList\n"
        f"q = QuickList.open(demo_paths({str(demo_folder)!r}), None, resources=resources_dir(),"
        " migrations=migrations_dir())\n"
        "rows = q.list_rows(datetime.date(2026, 11, 23))\n"
        "print(len(rows), 'sqlalchemy' in sys.modules, 'alembic' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["6", "False", "False"]
