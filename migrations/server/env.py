"""Alembic environment for the sync server (its own script folder and version table).

Always run through ``assessor_app.server.migrate`` with a connection passed in; no alembic.ini.
"""

from __future__ import annotations

from alembic import context

from assessor_app.server.models import ServerBase

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - offline SQL generation is not supported
    raise RuntimeError("run server migrations through assessor_app.server.migrate")

context.configure(
    connection=connection,
    target_metadata=ServerBase.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    version_table="server_alembic_version",
)
with context.begin_transaction():
    context.run_migrations()
