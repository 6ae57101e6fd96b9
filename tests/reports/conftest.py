"""A real encrypted demo store shared by the report tests of one module (read-mostly)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from assessor_app.keystore import MemorySecretStore
from assessor_app.paths import DataPaths, migrations_dir, resources_dir
from assessor_app.services.catalogue import CatalogueService
from assessor_app.services.demo import create_demo_cohort
from assessor_app.services.reports import ReportService
from assessor_app.store.database import Database, open_database

TODAY = date(2026, 11, 23)
COMPLETED = "Tomasz Abernethy-Osei"  # the demo's finished, passed portfolio
MID_YEAR = "Callum Brightwater"  # seven months in, with a review of concerns


@dataclass
class DemoStore:
    database: Database
    service: ReportService
    completed: str  # enrolment ids
    mid_year: str


def open_demo(root: Path, *, signature_fields: bool = False) -> DemoStore:
    db = open_database(DataPaths(root), MemorySecretStore(), migrations_dir=migrations_dir())
    cat = CatalogueService(db, resources_dir())
    create_demo_cohort(db, cat.catalogue(), today=TODAY)
    kwargs = {} if signature_fields else {"signature_fields": None}
    svc = ReportService(db, cat.catalogue, **kwargs)
    return DemoStore(db, svc, svc.resolve_practitioner(COMPLETED), svc.resolve_practitioner(MID_YEAR))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoStore]:
    store = open_demo(tmp_path_factory.mktemp("reports") / "data")
    yield store
    store.database.dispose()


def poppler(*args: str) -> str:
    """Run a poppler-utils tool (pdftotext, pdffonts, pdfinfo) and return its stdout."""
    if shutil.which(args[0]) is None:
        pytest.skip(f"{args[0]} (poppler-utils) is not installed")
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def pdf_text(pdf: bytes, tmp: Path, first: int | None = None, last: int | None = None) -> str:
    path = tmp / "doc.pdf"
    path.write_bytes(pdf)
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    return poppler("pdftotext", *pages, str(path), "-")
