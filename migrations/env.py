"""Alembic environment: always run with a connection the app passes in (no alembic.ini)."""

from __future__ import annotations

from alembic import context

from assessor_app.store import models  # noqa: F401  (registers every table)
from assessor_app.store.base import Base
from assessor_app.store.search import is_search_table


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    """Autogenerate ignores the FTS index and its tables: migration 0003 owns their SQL."""
    return not (type_ == "table" and reflected and compare_to is None and is_search_table(name))


connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - offline SQL generation is not supported
    raise RuntimeError("run migrations through assessor_app.store.migrate")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
    include_object=include_object,
)
with context.begin_transaction():
    context.run_migrations()
