"""Fixtures of the sync client tests."""

from tests.sync.devices import devices  # noqa: F401  (fixture)
