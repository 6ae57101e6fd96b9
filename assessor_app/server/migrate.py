"""Server schema migrations (Alembic, config in code, scripts in ``migrations/server/``).

Run at ``serve`` start and by every admin command. On PostgreSQL a session advisory
lock keeps two instances starting together from migrating at once.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text

from assessor_app.server.config import ServerError

MIGRATE_LOCK_KEY = 0x5A5E_0006


def script_dir() -> Path:
    from assessor_app.paths import migrations_dir

    return migrations_dir() / "server"


def _config(conn):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(script_dir()))
    cfg.attributes["connection"] = conn
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command
    from alembic.util.exc import CommandError

    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATE_LOCK_KEY})
            command.upgrade(_config(conn), revision)
    except CommandError as exc:
        raise ServerError(f"The server database cannot be upgraded: {exc}.",
                          "Is it from a newer version of the server?") from exc


def current(engine: Engine) -> str | None:
    from sqlalchemy import inspect

    with engine.connect() as conn:
        if not inspect(conn).has_table("server_alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM server_alembic_version")).scalar()


def schema_diff(engine: Engine) -> list[object]:
    """Differences between the migrated database and the models (empty when they match)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from assessor_app.server.models import ServerBase

    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={
            "compare_type": True,
            "include_name": lambda name, type_, _parent: not (
                type_ == "table" and name == "server_alembic_version"),
        })
        return list(compare_metadata(ctx, ServerBase.metadata))


def open_engine(config) -> Engine:  # type: ignore[no-untyped-def]
    """The server's engine with its schema upgraded to head (what serve and admin use)."""
    from assessor_app.server.db import make_engine

    config.ensure()
    engine = make_engine(config.database_url)
    try:
        upgrade(engine)
    except ServerError:
        engine.dispose()
        raise
    except Exception as exc:
        engine.dispose()
        from sqlalchemy.exc import OperationalError

        if isinstance(exc, OperationalError):
            raise ServerError("The server database cannot be opened.",
                              "Check --database-url and that the database is running.") from exc
        raise
    return engine
