"""A real (non-demo) encrypted store with the demo cohort in it, for the backup tests.

Made once per module (``real_store``) with its key in a MemorySecretStore and a
recovery passphrase; each test copies the folder and the secrets.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from assessor_app.app import open_context
from assessor_app.keystore import MemorySecretStore
from assessor_app.paths import DataPaths
from assessor_app.services.demo import create_demo_cohort
from assessor_app.services.maintenance import export_json
from assessor_app.services.recovery import create_recovery_passphrase

TODAY = date(2026, 11, 23)


@dataclass
class RealStore:
    paths: DataPaths
    secrets: MemorySecretStore
    passphrase: str


def make_real_store(folder: Path, secrets: MemorySecretStore, seed: int = 2026) -> RealStore:
    paths = DataPaths(folder)
    ctx = open_context(paths, secrets=secrets)
    try:
        create_demo_cohort(ctx.database, ctx.catalogue.catalogue(), today=TODAY, seed=seed)
    finally:
        ctx.close()
    return RealStore(paths, secrets, create_recovery_passphrase(paths, secrets))


def copy_real_store(template: RealStore, dest: Path) -> RealStore:
    shutil.copytree(template.paths.root, dest)
    return RealStore(DataPaths(dest), MemorySecretStore(dict(template.secrets._values)),
                     template.passphrase)


def exported(paths: DataPaths, secrets: MemorySecretStore, out: Path) -> dict[str, object]:
    """Every table of the store, as the JSON export has it (minus the export time)."""
    ctx = open_context(paths, create=False, secrets=secrets)
    try:
        export_json(ctx.database, out)
    finally:
        ctx.close()
    data = json.loads(out.read_text(encoding="utf-8"))
    data.pop("exported_at")
    return data


@pytest.fixture(scope="module")
def real_store(tmp_path_factory: pytest.TempPathFactory) -> RealStore:
    return make_real_store(tmp_path_factory.mktemp("real") / "store", MemorySecretStore())


@pytest.fixture
def store(real_store: RealStore, tmp_path: Path) -> RealStore:
    return copy_real_store(real_store, tmp_path / "data")
