"""First-run set-up steps without Qt, over a real encrypted store and the test keyring."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessor_app.first_run import INCOMPLETE_MARKER, FirstRunSetup, backend_label, needs_setup
from assessor_app.paths import DataPaths
from assessor_app.services.assessor_profile import Profile
from tests.conftest import MemoryKeyring


@pytest.fixture
def setup(tmp_path: Path):  # type: ignore[no-untyped-def]
    s = FirstRunSetup(DataPaths(tmp_path / "data"))
    yield s
    s.close()


def test_needs_setup_follows_the_set_up_to_its_end(setup: FirstRunSetup) -> None:
    paths = setup.paths
    assert needs_setup(paths)
    db, existed = setup.create_store()
    assert Path(db) == paths.db and not existed
    assert needs_setup(paths)  # made, but not finished: resumed at the next start
    setup.finish()
    assert not needs_setup(paths) and not (paths.root / INCOMPLETE_MARKER).exists()


def test_a_damaged_or_demo_folder_is_not_set_up_again(tmp_path: Path) -> None:
    from assessor_app import first_run
    from assessor_app.store import keys

    assert first_run.STORE_FILE == keys.STORE_FILE
    damaged = DataPaths(tmp_path / "damaged")
    damaged.ensure()
    (damaged.root / "store.json").write_text('{"store_id": "x"}', encoding="utf-8")
    assert not needs_setup(damaged)  # the DB is gone: the start-up recovery offers a backup
    demo = DataPaths(tmp_path / "demo")
    demo.ensure()
    demo.demo_marker.write_text("demo", encoding="utf-8")
    assert not needs_setup(demo)


def test_signing_key_is_remade_when_the_keyring_lost_it(setup: FirstRunSetup,
                                                        memory_keyring: MemoryKeyring) -> None:
    """A store restored on a new laptop: its signing key's passphrase is not in this keyring."""
    setup.create_store()
    profile = setup.save_profile(Profile("Aisha Fictional", "assessor", "SW123456",
                                         "Northshire (fictional)"))
    first = setup.signing_identity(profile)
    assert first is not None
    assert setup.signing_identity(profile).id == first.id  # a re-run keeps a working key
    lost = [k for k in memory_keyring.store if k[1] == f"signing-key:{first.id}"]
    assert len(lost) == 1
    del memory_keyring.store[lost[0]]
    second = setup.signing_identity(profile)
    assert second is not None and second.id != first.id
    setup.context().signing.signer_for(second)  # the new key opens


def test_coordinators_get_no_signing_key_and_names_read_well(setup: FirstRunSetup) -> None:
    setup.create_store()
    profile = setup.save_profile(Profile("Grace Fictional", "coordinator", "", "Northshire"))
    assert setup.signing_identity(profile) is None
    assert backend_label("keyring.backends.Windows.WinVaultKeyring") == \
        "Windows Credential Manager"
