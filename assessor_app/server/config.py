"""Where the server keeps things: ``<data-dir>/server/`` (server.db by default, ca/)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from assessor_app.errors import AppError


class ServerError(AppError):
    """A server-side problem an administrator can act on (bad URL, unknown user...)."""

    exit_code = 2


@dataclass(frozen=True)
class ServerConfig:
    data_dir: Path
    database_url: str

    @classmethod
    def from_args(cls, data_dir: str | os.PathLike[str] | None,
                  database_url: str | None) -> ServerConfig:
        from assessor_app.paths import DataPaths

        root = DataPaths.resolve(data_dir).root / "server"
        url = database_url or os.environ.get("ASSESSOR_SERVER_DATABASE_URL") or ""
        if not url:
            url = f"sqlite:///{root / 'server.db'}"
        if not (url.startswith("sqlite") or url.startswith("postgresql")):
            raise ServerError(f"The database URL must be sqlite:///FILE or "
                              f"postgresql+psycopg://... (got {url.split(':', 1)[0]}:...).")
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return cls(root, url)

    @property
    def ca_dir(self) -> Path:
        return self.data_dir / "ca"

    def ensure(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.data_dir, 0o700)
