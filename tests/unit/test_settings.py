"""The settings file: defaults, per-field fallback, migration, atomic save, nonsense kept aside."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assessor_app.errors import UsageError
from assessor_app.paths import DataPaths, settings_file
from assessor_app.settings import (
    FIELDS,
    SETTINGS_VERSION,
    Settings,
    load_settings,
    save_settings,
)


def test_no_file_gives_the_defaults_silently(tmp_path: Path) -> None:
    r = load_settings(tmp_path / "settings.json")
    assert r.settings == Settings()
    assert (r.warnings, r.notice, r.kept_aside) == ([], "", None)
    assert r.settings.backups_kept == 7 and r.settings.theme == "system"
    assert r.settings.first_run_done is False and r.settings.idle_lock_minutes == 0


def test_save_then_load_round_trips_every_field(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "settings.json"
    s = Settings(data_folder="/srv/data", backup_folder="/mnt/usb", backups_kept=12,
                 server_address="https://asye.example.org", autosave_seconds=2.5,
                 idle_lock_minutes=10, report_logo="/tmp/logo.png", employer_name="Testshire",
                 retention_years=6, theme="dark", assessor_name="A. Example",
                 assessor_role="Practice educator", assessor_registration="SW000",
                 assessor_employer="Testshire", first_run_done=True)
    save_settings(s, path)
    on_disk = json.loads(path.read_text(encoding="utf-8"))
    assert on_disk["version"] == SETTINGS_VERSION
    assert set(on_disk) == {"version", *(f.name for f in FIELDS)}
    assert load_settings(path).settings == s


def test_a_bad_value_falls_back_to_its_default_naming_the_field(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": SETTINGS_VERSION, "backups_kept": "lots",
                                "theme": "purple", "idle_lock_minutes": True,
                                "employer_name": "Testshire"}), encoding="utf-8")
    r = load_settings(path)
    assert r.settings.backups_kept == 7 and r.settings.theme == "system"
    assert r.settings.idle_lock_minutes == 0
    assert r.settings.employer_name == "Testshire"  # the good value survives
    assert len(r.warnings) == 3
    assert any("backups_kept" in w for w in r.warnings)
    assert "backups_kept" in r.notice and "theme" in r.notice
    # The hand-edited file is kept as it was; the repaired one is written, so the notice shows once.
    assert r.kept_aside is not None and json.loads(r.kept_aside.read_text())["theme"] == "purple"
    again = load_settings(path)
    assert (again.notice, again.settings.employer_name) == ("", "Testshire")


@pytest.mark.parametrize("junk", [b"{not json", b"\x00\xff\xfe\x89PNG\r\n\x1a\n" * 40,
                                  b"[1, 2, 3]", b'"just a string"', b"", b"[" * 100_000])
def test_a_nonsense_file_is_kept_aside_and_defaults_used(tmp_path: Path, junk: bytes) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(junk)
    r = load_settings(path)
    assert r.settings == Settings()
    assert r.kept_aside is not None and r.kept_aside.name.startswith("settings.json.bad-")
    assert r.kept_aside.read_bytes() == junk  # never deleted, byte for byte
    assert "could not be read" in r.notice and r.kept_aside.name in r.notice
    assert load_settings(path).notice == ""  # shown once


def test_two_bad_files_in_the_same_second_are_both_kept(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(b"first")
    a = load_settings(path).kept_aside
    path.write_bytes(b"second")
    b = load_settings(path).kept_aside
    assert a != b and a is not None and b is not None
    assert {a.read_bytes(), b.read_bytes()} == {b"first", b"second"}


def test_version_1_file_is_migrated_and_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"server_url": "https://old.example.org", "autosave_ms": 1500,
                                "idle_lock": False, "idle_lock_minutes": 15}), encoding="utf-8")
    r = load_settings(path)
    assert r.warnings == []
    assert r.settings.server_address == "https://old.example.org"
    assert r.settings.autosave_seconds == 1.5
    assert r.settings.idle_lock_minutes == 0
    rewritten = json.loads(path.read_text())
    assert rewritten["version"] == SETTINGS_VERSION and "server_url" not in rewritten


def test_unknown_keys_from_a_newer_version_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": SETTINGS_VERSION, "future_option": [1, 2]}))
    s = load_settings(path).settings.replace(theme="light")
    save_settings(s, path)
    assert json.loads(path.read_text())["future_option"] == [1, 2]


def test_saving_an_invalid_value_refuses_and_leaves_the_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    save_settings(Settings(backups_kept=3), path)
    before = path.read_bytes()
    with pytest.raises(UsageError, match="Backups kept"):
        save_settings(Settings(backups_kept=0), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]  # no temp file left


def test_server_address_must_be_a_web_address() -> None:
    assert "server_address" in Settings(server_address="ftp://x").problems()
    assert Settings(server_address="").problems() == {}
    assert Settings(server_address="https://asye.example.org").problems() == {}


def test_the_settings_data_folder_is_used_when_no_other_is_given(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ASSESSOR_APP_DATA_DIR", raising=False)
    save_settings(Settings(data_folder=str(tmp_path / "chosen")))
    assert DataPaths.resolve(None).root == (tmp_path / "chosen").resolve()
    assert DataPaths.resolve(tmp_path / "flag").root == (tmp_path / "flag").resolve()
    settings_file().write_bytes(b"\xff junk")  # unreadable: the default folder, no crash
    assert DataPaths.resolve(None).root != (tmp_path / "chosen").resolve()


def test_loading_settings_imports_nothing_slow(tmp_path: Path) -> None:
    code = ("import sys; from assessor_app.settings import load_settings; load_settings(); "
            "bad = [m for m in ('dataclasses', 'PySide6', 'sqlalchemy', 'inspect') "
            "if m in sys.modules]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "ASSESSOR_APP_CONFIG_DIR": str(tmp_path)}, check=True)
    assert out.stdout.strip() == "[]"


def test_bad_fields_are_named_for_the_log(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"theme": "purple", "backups_kept": -1}), encoding="utf-8")
    assert sorted(load_settings(path).bad_fields) == ["backups_kept", "theme"]
