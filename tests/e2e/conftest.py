"""End-to-end fixtures: real daemons and subprocesses, no fakes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.keyring_env import RealKeyringUnavailable, real_keyring


@pytest.fixture(scope="module")
def real_keyring_env() -> Iterator[dict[str, str]]:
    """An environment for subprocesses with a real, unlocked Secret Service.

    gnome-keyring-daemon on a private D-Bus session bus, HOME and XDG_* in a
    temporary folder, PYTHON_KEYRING_BACKEND removed. Pass it as ``env=`` to
    subprocess calls; the in-process autouse memory keyring is unaffected.
    """
    try:
        with real_keyring() as env:
            yield env
    except RealKeyringUnavailable as exc:
        pytest.skip(str(exc))
