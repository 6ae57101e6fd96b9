"""The command line end to end, in-process, against real encrypted stores.

(The in-memory keyring of conftest stands in for the OS keyring here; the real
Secret Service runs in test_cli_real_keyring.py.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assessor_app.cli import main
from assessor_app.paths import DataPaths


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("demo") / "folder"
    assert main(["--data-dir", str(d), "demo"]) == 0
    return d


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_demo_creates_a_marked_folder_and_refuses_a_second_run(demo_dir: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert DataPaths(demo_dir).demo_marker.exists()
    code, _, err = run(capsys, "--data-dir", str(demo_dir), "demo")
    assert code == 2
    assert "already holds the demo cohort" in err
    assert "Traceback" not in err


def test_demo_refuses_a_folder_with_other_files(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "someone-elses.txt").write_text("keep me")
    code, _, err = run(capsys, "demo", "--data-dir", str(tmp_path))
    assert code == 2 and "not empty" in err
    assert (tmp_path / "someone-elses.txt").read_text() == "keep me"
    assert not (tmp_path / "workbench.db").exists()


def test_db_check_reports_a_healthy_store(demo_dir: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, "db", "check", "--json", "--data-dir", str(demo_dir))
    assert code == 0
    report = json.loads(out)
    assert report["ok"] is True
    assert report["integrity"] == ["ok"]
    assert report["schema_revision"] == report["schema_head"]
    assert report["journal_mode"] == "wal"
    assert report["tables"]["practitioner"] == 6
    assert report["audit_ok"] and report["audit_events"] > 100


def test_data_dir_after_the_command_is_accepted(demo_dir: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, "db", "check", "--data-dir", str(demo_dir))
    assert code == 0 and "Integrity:    ok" in out and "chain intact" in out


def test_audit_verify_ok_then_broken(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    d = tmp_path / "demo"
    assert main(["--data-dir", str(d), "demo"]) == 0
    capsys.readouterr()
    code, out, _ = run(capsys, "--data-dir", str(d), "audit", "verify")
    assert code == 0 and "hash chain verified" in out
    from assessor_app.app import open_context

    ctx = open_context(DataPaths(d), create=False)
    with ctx.database.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE audit_event SET action = 'update' WHERE seq = 5")
    ctx.close()
    code, _, err = run(capsys, "--data-dir", str(d), "audit", "verify")
    assert code == 9 and "BROKEN at event 5" in err


def test_export_json_round_trips_every_table(demo_dir: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out_file = tmp_path / "export.json"
    code, out, _ = run(capsys, "--data-dir", str(demo_dir), "export", "--format", "json", "--out", str(out_file))
    assert code == 0, out
    data = json.loads(out_file.read_text(encoding="utf-8"))
    assert data["format"] == "assessor-workbench-export" and data["format_version"] == 1
    tables = data["tables"]
    assert len(tables["practitioner"]["rows"]) == 6
    assert 140 <= len(tables["evidence"]["rows"]) <= 170
    ev = tables["evidence"]["rows"][0]
    assert set(tables["evidence"]["columns"]) == set(ev)
    ids = {r["id"] for r in tables["evidence"]["rows"]}
    assert all(r["evidence_id"] in ids for r in tables["standard_link"]["rows"])
    assert not list(tmp_path.glob(".export-*")), "no partial file left behind"


def test_export_to_a_missing_folder_writes_nothing(demo_dir: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "nope" / "x.json"
    code, _, err = run(capsys, "--data-dir", str(demo_dir), "export", "--out", str(target))
    assert code != 0 and "does not exist" in err
    assert not target.parent.exists()


def test_commands_on_a_folder_without_a_store(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(capsys, "--data-dir", str(tmp_path / "empty"), "db", "check")
    assert code == 3 and "There is no store" in err


def test_frameworks_list_and_import(tmp_path: Path, resources: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    d = tmp_path / "real"
    code, out, err = run(capsys, "--data-dir", str(d), "frameworks", "list")
    assert code == 3, (out, err)  # no store yet: nothing is created by listing
    src = (resources / "frameworks" / "swe.yaml").read_text(encoding="utf-8")
    edited = src.replace('version: "2019"', 'version: "2019-northmoor"', 1)
    assert edited != src
    f = tmp_path / "swe-northmoor.yaml"
    f.write_text(edited, encoding="utf-8")
    code, out, err = run(capsys, "--data-dir", str(d), "frameworks", "import", str(f))
    assert code == 0, err
    assert "2019-northmoor" in out
    code, out, _ = run(capsys, "frameworks", "list", "--json", "--data-dir", str(d))
    listing = json.loads(out)
    keys = {(r["id"], r["version"], r["origin"]) for r in listing}
    assert ("swe", "2019", "built-in") in keys and ("swe", "2019-northmoor", "imported") in keys
    assert {r["id"] for r in listing if r["kind"] == "programme"} >= {"asye-children", "asye-adults", "ecp-children"}


def test_frameworks_import_invalid_yaml_names_the_line(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: framework\nid: x\nversion: '1'\ntitle: [unclosed\n", encoding="utf-8")
    code, _, err = run(capsys, "--data-dir", str(tmp_path / "d"), "frameworks", "import", str(bad))
    assert code == 7
    assert "bad.yaml" in err and "line" in err
    assert "Traceback" not in err


def test_version_and_python_m(capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as ex:
        main(["--version"])
    assert ex.value.code == 0
    assert capsys.readouterr().out.startswith("assessor-app 0.")
