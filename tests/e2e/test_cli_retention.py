"""``assessor-app retention purge`` end to end on a real encrypted store (keyring: the
in-memory backend of conftest): the dry run lists counts per kind and no text, the purge
reports the same counts, and afterwards the store file holds none of the old text."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assessor_app.app import keyring_secrets, open_context
from assessor_app.cli import main
from assessor_app.paths import DataPaths
from assessor_app.store.keys import resolve_key
from tests.retention_store import OLD_TAG, RECENT_TAG, TODAY, YEARS, add_portfolio
from tests.store_scan import decrypted_pages, find, folder_files, table_values


def test_dry_run_then_purge_from_the_command_line(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    paths = DataPaths(tmp_path / "data")
    ctx = open_context(paths)
    add_portfolio(ctx, OLD_TAG, start=date(2018, 9, 3), completed=date(2019, 9, 30))
    add_portfolio(ctx, RECENT_TAG, start=date(2025, 5, 1), completed=date(2026, 6, 30))
    ctx.close()
    args = ["retention", "purge", "--years", str(YEARS), "--today", TODAY.isoformat(),
            "--data-dir", str(paths.root)]

    assert main([*args, "--dry-run"]) == 0
    dry = capsys.readouterr()
    assert dry.out.startswith("Dry run: 1 portfolio(s) closed before 23 November 2023 would be "
                              "cleared: text in 7 evidence items, 1 review and 3 agreement, "
                              "pause or extension records")
    assert "3 attachments, 1 unsigned report, 1 sync conflict and 1 moderation pseudonym" \
        in dry.out
    assert "Kept: dates, ratings, judgements and the final assessment, 1 signed report and " \
           "1 signed evidence item." in dry.out
    assert OLD_TAG not in dry.out + dry.err and RECENT_TAG not in dry.out + dry.err

    assert main(args) == 0
    real = capsys.readouterr().out
    assert real == dry.out.removeprefix("Dry run: ").replace("would be cleared", "were cleared")

    key = resolve_key(paths, keyring_secrets(), create=False).key_hex
    assert find(table_values(paths.db, key), OLD_TAG.encode()) == []
    assert find(decrypted_pages(paths.db, key), OLD_TAG.encode()) == []
    assert find(folder_files(paths.root, paths.db), OLD_TAG.encode()) == []
    assert find(table_values(paths.db, key), RECENT_TAG.encode())

    assert main(args) == 0  # again: nothing left, and it says so
    assert "nothing was left to clear" in capsys.readouterr().out
