"""Enrolment attempt limit: too many failed codes from one address in a window → 429.

An enrolment code is short enough to be guessed by a script; failures are counted per
client address (in this process: each instance counts its own, which still caps a guesser
at a few tries a minute per instance). A successful enrolment does not count.
"""

from __future__ import annotations

import threading
import time
from collections import deque


class AttemptLimit:
    def __init__(self, limit: int = 10, window_s: float = 900.0) -> None:
        self.limit = limit
        self.window_s = window_s
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._failures.setdefault(key, deque())
        while q and q[0] <= now - self.window_s:
            q.popleft()
        return q

    def wait_s(self, key: str) -> int:
        """Seconds until ``key`` may try again (0: now)."""
        now = time.monotonic()
        with self._lock:
            q = self._recent(key, now)
            if len(q) < self.limit:
                if not q:
                    self._failures.pop(key, None)
                return 0
            return max(1, int(q[0] + self.window_s - now) + 1)

    def failed(self, key: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._recent(key, now).append(now)
            if len(self._failures) > 10_000:  # forget the oldest addresses, not grow for ever
                for old in list(self._failures)[:1000]:
                    del self._failures[old]
