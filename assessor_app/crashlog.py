"""Where an unexpected error's details go: a file for IT support, not the user's screen.

Only the exception type and stack (code locations) are written; exception
messages may quote user data, so they are left out.
"""

from __future__ import annotations

import os
import traceback
from datetime import UTC, datetime
from pathlib import Path

from assessor_app.paths import DataPaths


def record_crash(exc: BaseException, data_dir: str | None) -> Path | None:
    try:
        logs = DataPaths.resolve(data_dir).logs
        logs.mkdir(parents=True, exist_ok=True)
        path = logs / "crash.log"
        frames = traceback.extract_tb(exc.__traceback__)
        lines = [f"{datetime.now(UTC).isoformat()} {type(exc).__module__}.{type(exc).__name__}\n"]
        lines += [f"  {Path(f.filename).name}:{f.lineno} in {f.name}\n" for f in frames]
        with open(path, "a", encoding="utf-8") as fh:
            fh.writelines(lines)
        os.chmod(path, 0o600)
        return path
    except OSError:
        return None
