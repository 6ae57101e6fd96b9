"""The log file: rotating, in the user log folder, and never holding what people wrote.

Our code logs ids, counts and exception *types*, never narrative text, names, tokens or
keys. ``Redactor`` is the second line of defence on the file handler: string arguments
that look like free text are replaced by their length, hex runs and token-like strings
are masked, and tracebacks are written as type plus code locations only (an exception's
message may quote user data). ``logging.handlers`` is not imported: it pulls in
``socket`` and friends, and this runs before the first paint.
"""

from __future__ import annotations

import logging
import os
import re
from functools import cache
from pathlib import Path

ENV_LOG_LEVEL = "ASSESSOR_APP_LOG_LEVEL"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
MAX_MESSAGE = 300
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
QUIET_LOGGERS = ("httpx", "httpcore", "urllib3", "asyncio", "PIL", "fontTools",
                 "alembic.runtime.plugins")

_HEX = r"(?i)(?<![0-9a-f])(?:0x)?[0-9a-f]{16,}(?![0-9a-f])"
_TOKEN = r"(?<![\w/.-])(?=[\w+/=.-]*\d)(?=[\w+/=.-]*[A-Za-z])[\w+/=.-]{20,}"
_SECRET_ASSIGN = (
    r"(?i)\b(pin|password|passphrase|secret|token|key|bearer|authorization)(\s*[:=]\s*|\s+)\S+")
_NAME_LIKE = r"\b[A-Z][a-z'’-]+\s+[A-Z][A-Za-z'’-]+"


@cache
def _rx(pattern: str) -> re.Pattern[str]:
    """Compiled on first use, not at import (this module is on the way to the first paint)."""
    return re.compile(pattern)


def looks_like_text(value: str) -> bool:
    """Several words, long, or two capitalised words in a row (a name): something a person
    wrote rather than an id, a count or a code location."""
    return len(value) > 60 or len(value.split()) >= 4 or bool(_rx(_NAME_LIKE).search(value))


def mask(text: str) -> str:
    """Hide secrets (hex, tokens, ``key=…``) in a message our own code wrote."""
    text = _rx(_SECRET_ASSIGN).sub(lambda m: f"{m.group(1)}{m.group(2)}[hidden]", text)
    text = _rx(_HEX).sub("[hex]", text)
    return _rx(_TOKEN).sub("[token]", text)


_STACK_LINE = r'(\s+File ".*", line \d+, in [\w<>.]+|\s{4,}\S.*|\s+[\^~]+)'


def looks_like_stack(value: str) -> bool:
    """``traceback.format_tb`` output: code locations and our own source lines, no data."""
    lines = value.rstrip("\n").split("\n")
    return bool(lines[0].strip()) and all(_rx(_STACK_LINE).fullmatch(line) for line in lines)


def _safe_arg(value: object) -> object:
    if isinstance(value, bool | int | float) or value is None:
        return value
    text = str(value)
    if looks_like_stack(text):
        return mask(text)
    if looks_like_text(text):
        return f"[text withheld, {len(text)} chars]"
    return mask(text)


class Redactor(logging.Filter):
    """Rewrites a record's message (see the module docstring). The file handler's formatter
    applies it to a copy, so other handlers (a console, pytest's capture) are unaffected."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, dict):
            safe: object = {k: _safe_arg(v) for k, v in args.items()}
        elif isinstance(args, tuple):
            safe = tuple(_safe_arg(a) for a in args)
        else:
            safe = ()
        template = str(record.msg)  # our code's words; an f-string could hold data: cut long
        if len(template) > MAX_MESSAGE:
            template, safe = template[:MAX_MESSAGE] + " [cut]", ()
        try:
            message = template % safe if safe else template
        except (TypeError, ValueError, KeyError):
            message = f"{template} (arguments withheld)"
        record.msg, record.args = mask(message), None
        return True


class LocationsOnlyFormatter(logging.Formatter):
    """Redacts a copy of each record; tracebacks as locations only (never a cached one)."""

    _redactor = Redactor()

    def format(self, record: logging.LogRecord) -> str:
        copy = logging.makeLogRecord(record.__dict__)
        copy.exc_text = None  # another handler may have cached the full traceback
        self._redactor.filter(copy)
        return super().format(copy)

    def formatException(self, ei) -> str:  # type: ignore[no-untyped-def,override]
        return technical_trace(ei[1]) if ei and ei[1] is not None else ""


def technical_trace(exc: BaseException) -> str:
    """Exception type and the stack's code locations, without the message (may quote data)."""
    import traceback

    lines = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kind = type(current)
        lines.append(f"{kind.__module__}.{kind.__qualname__}")
        for f in traceback.extract_tb(current.__traceback__):
            lines.append(f"  {Path(f.filename).name}:{f.lineno} in {f.name}")
        current = current.__cause__ or current.__context__
        if current is not None:
            lines.append("while handling / caused by:")
    return "\n".join(lines)


class SizeRotatingFileHandler(logging.FileHandler):
    """``logging.handlers.RotatingFileHandler`` without its import cost: at ``max_bytes``,
    file.log → file.log.1 → … → file.log.N (the oldest dropped)."""

    def __init__(self, path: Path, max_bytes: int = MAX_BYTES,
                 backup_count: int = BACKUP_COUNT) -> None:
        super().__init__(path, encoding="utf-8", delay=True)
        self.max_bytes, self.backup_count = max_bytes, backup_count

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self.stream is not None and self.stream.tell() >= self.max_bytes:
                self._rotate()
        except OSError:
            self.handleError(record)
        super().emit(record)

    def _rotate(self) -> None:
        self.stream.close()
        self.stream = None  # type: ignore[assignment]
        base = self.baseFilename
        for i in range(self.backup_count - 1, 0, -1):
            if os.path.exists(f"{base}.{i}"):
                os.replace(f"{base}.{i}", f"{base}.{i + 1}")
        os.replace(base, f"{base}.1")


_handler: SizeRotatingFileHandler | None = None


def log_file() -> Path:
    from assessor_app.paths import LOG_FILENAME, log_dir

    return log_dir() / LOG_FILENAME


def setup_logging(level: int | str | None = None) -> Path | None:
    """Attach the file handler to the root logger (once; again if the log folder changed).

    Returns the log file, or None if the folder cannot be written (the app runs on).
    """
    global _handler
    path = log_file()
    root = logging.getLogger()
    if _handler is not None:
        if Path(_handler.baseFilename) == path.absolute():
            return path
        root.removeHandler(_handler)
        _handler.close()
        _handler = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = SizeRotatingFileHandler(path)
        handler._open().close()  # fail here, not on the first record, if it is not writable
        os.chmod(path, 0o600)
    except OSError:
        return None
    handler.setFormatter(LocationsOnlyFormatter(FORMAT))
    root.addHandler(handler)
    wanted = level or os.environ.get(ENV_LOG_LEVEL, "").upper()
    known = isinstance(wanted, int) or wanted in logging.getLevelNamesMapping()
    root.setLevel(wanted if wanted and known else logging.INFO)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    _handler = handler
    return path
