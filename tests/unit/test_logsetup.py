"""The log file's second line of defence: free text, secrets and exception messages kept out."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from assessor_app.logsetup import (
    Redactor,
    SizeRotatingFileHandler,
    log_file,
    mask,
    setup_logging,
    technical_trace,
)

SENTENCE = "Ms Example said the children were frightened of the dog at home"


def _record(msg: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    return logging.LogRecord("t", logging.INFO, __file__, 1, msg, args,
                             (type(exc), exc, exc.__traceback__) if exc else None)


def _filtered(msg: str, *args: object) -> str:
    r = _record(msg, *args)
    assert Redactor().filter(r)
    return r.getMessage()


def test_free_text_arguments_are_withheld_ids_and_counts_kept() -> None:
    out = _filtered("saved %s fields for %s (%d chars)", SENTENCE, "ev-1a2b", 42)
    assert "children" not in out and "Example" not in out
    assert f"[text withheld, {len(SENTENCE)} chars]" in out
    assert "ev-1a2b" in out and "42" in out


@pytest.mark.parametrize("secret", [
    "64656d6f2d6f6e6c792d66696374696f6e616c2d646174612d6e6f747265616c",
    "x'0123456789abcdef0123456789abcdef'",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlMTIzNDU2Nzg5",
    "Bearer abcdefghijklmnopqrstuvwxyz0123456789",
    "token=tok_live_9fQx", "PIN: 4821", "password = hunter22",
])
def test_secrets_in_the_message_are_masked(secret: str) -> None:
    masked = mask(f"sending {secret} now")
    visible = secret.split("=")[-1].split(":")[-1].split()[-1].strip("'")
    assert visible not in masked


def test_ordinary_messages_pass_unchanged() -> None:
    text = "store migrated from 20260101_0001 to 20261101_0004"
    assert _filtered(text) == text


def test_tracebacks_keep_locations_but_never_the_message() -> None:
    try:
        try:
            raise KeyError(SENTENCE)
        except KeyError as inner:
            raise ValueError("secret 0123456789abcdef0123") from inner
    except ValueError as exc:
        trace = technical_trace(exc)
    assert "builtins.ValueError" in trace and "builtins.KeyError" in trace
    assert "test_logsetup.py" in trace
    assert "children" not in trace and "0123456789abcdef" not in trace


def test_setup_writes_filtered_lines_to_the_log_folder(user_dirs: Path) -> None:
    path = setup_logging()
    assert path == log_file() and path is not None
    assert path.parent == user_dirs / "log"
    log = logging.getLogger("assessor_app.test")
    log.info("autosaved %s", SENTENCE)
    try:
        raise RuntimeError(SENTENCE)
    except RuntimeError:
        log.exception("op failed")
    for h in logging.getLogger().handlers:
        h.flush()
    text = path.read_text(encoding="utf-8")
    assert "autosaved [text withheld" in text and "builtins.RuntimeError" in text
    assert "frightened" not in text
    assert path.stat().st_mode & 0o077 == 0


def test_rotation_keeps_a_bounded_number_of_files(tmp_path: Path) -> None:
    h = SizeRotatingFileHandler(tmp_path / "a.log", max_bytes=200, backup_count=2)
    h.setFormatter(logging.Formatter("%(message)s"))
    for i in range(40):
        h.emit(_record(f"line {i:03d} " + "x" * 30))
    h.close()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["a.log", "a.log.1", "a.log.2"]
    assert "line 039" in (tmp_path / "a.log").read_text()
    assert "line 000" not in "".join(p.read_text() for p in tmp_path.iterdir())


def test_names_are_withheld_but_code_locations_kept() -> None:
    out = _filtered("opened %s via %s", "Aisha Kowalczyk", "session_log.<locals>.broken")
    assert "Kowalczyk" not in out and "[text withheld, 15 chars]" in out
    assert "session_log.<locals>.broken" in out


def test_a_formatted_stack_is_kept_but_a_message_in_it_is_not() -> None:
    import traceback

    try:
        raise KeyError(SENTENCE)
    except KeyError as exc:
        stack = "".join(traceback.format_tb(exc.__traceback__))
        full = "".join(traceback.format_exception(exc))
    out = _filtered("Report job failed: %s\n%s", "KeyError", stack)
    assert "test_logsetup.py" in out and "raise KeyError(SENTENCE)" in out
    assert "frightened" not in _filtered("failed: %s", full)  # the message line: withheld


def test_a_long_template_is_cut() -> None:
    out = _filtered(f"note: {SENTENCE * 10}")
    assert out.endswith("[cut]") and len(out) < 320
