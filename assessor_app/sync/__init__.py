"""Sync: the wire protocol, which tables sync and how, and the pure merge rules.

Shared by the client (services/sync.py, store/sync_repo.py) and the server
(server/). Imports no project layer but domain; no SQLAlchemy, no Qt.
"""
