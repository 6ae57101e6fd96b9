"""Shared fixtures. The in-memory keyring is the one accepted fake (autouse)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from assessor_app.keystore import MemorySecretStore
from assessor_app.paths import DataPaths, migrations_dir, resources_dir

pytest_plugins = [
    "tests.review_demo",  # demo-store fixtures: demo_folder, ctx, review_services
    "tests.sync_server",  # live_server: a real sync server on 127.0.0.1
]


class MemoryKeyring(KeyringBackend):
    """A real keyring backend that keeps secrets in a dict (tests only)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.store[(service, username)]
        except KeyError:
            raise PasswordDeleteError(username) from None


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    kr = MemoryKeyring()
    keyring.set_keyring(kr)
    yield kr
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def user_dirs(tmp_path_factory: pytest.TempPathFactory,
              monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings and logs in a temporary folder, never the real user's config or log folder."""
    root = tmp_path_factory.mktemp("user-dirs")
    monkeypatch.setenv("ASSESSOR_APP_CONFIG_DIR", str(root / "config"))
    monkeypatch.setenv("ASSESSOR_APP_LOG_DIR", str(root / "log"))
    return root


@pytest.fixture
def secrets() -> MemorySecretStore:
    return MemorySecretStore()


@pytest.fixture
def data_paths(tmp_path: Path) -> DataPaths:
    return DataPaths(tmp_path / "data")


@pytest.fixture
def db(data_paths: DataPaths, secrets: MemorySecretStore):  # type: ignore[no-untyped-def]
    """A real, freshly migrated, encrypted store in a temporary folder."""
    from assessor_app.store.database import open_database

    database = open_database(data_paths, secrets, migrations_dir=migrations_dir())
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def resources() -> Path:
    return resources_dir()


@pytest.fixture
def unwritable_folder(tmp_path: Path) -> Iterator[Path]:
    """A real folder no one here can write to. A user's own read-only folder (mode 0500);
    running as root (CI), where mode bits do not stop a write, a kernel folder that refuses
    even root (sysfs)."""
    if os.geteuid() != 0:
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o500)
        try:
            yield folder
        finally:
            folder.chmod(0o700)
        return
    folder = Path("/sys/kernel")
    try:
        (folder / "assessor-probe").open("wb").close()
    except OSError:
        yield folder
        return
    pytest.skip("this machine has no folder that refuses root's writes")  # pragma: no cover
