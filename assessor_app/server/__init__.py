"""The sync server (assessor-app serve): FastAPI over SQLAlchemy, SQLite or PostgreSQL.

Runs without Qt, keyring or the client store (import-linter enforces it)."""
