"""Service-test fixtures: a real store with a recovery passphrase for the backup tests."""

from tests.services.backup_store import real_store, store  # noqa: F401
