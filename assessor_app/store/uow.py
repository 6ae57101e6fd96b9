"""Unit of work: one per user action. Open, do, commit explicitly, return DTOs.

Repositories hang off the unit of work so every use case shares one session
and one transaction; leaving the ``with`` block without ``commit()`` rolls back.
"""

from __future__ import annotations

import threading
import weakref
from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from assessor_app.store import audit

_LOCKS: weakref.WeakKeyDictionary[Engine, threading.RLock] = weakref.WeakKeyDictionary()
_LOCKS_GUARD = threading.Lock()


def store_lock(engine: Engine) -> threading.RLock:
    """One lock per open store, held by every unit of work (re-entrant: a use case may open
    another inside). The GUI's thread and the sync thread both read-then-write; in SQLite a
    deferred transaction whose snapshot went stale while another thread committed fails at
    its first write ("database is locked", no retry), so in-process transactions take turns.
    Units of work are short and never wait on the network, so the wait is milliseconds."""
    with _LOCKS_GUARD:
        lock = _LOCKS.get(engine)
        if lock is None:
            lock = _LOCKS[engine] = threading.RLock()
        return lock


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    factory = sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)
    audit.install(factory)
    return factory


class UnitOfWork:
    def __init__(self, factory: sessionmaker[Session], actor: str = "") -> None:
        self._factory = factory
        self._actor = actor
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        bind = self._factory.kw.get("bind")
        self._lock = store_lock(bind) if isinstance(bind, Engine) else None
        if self._lock is not None:
            self._lock.acquire()
        try:
            self.session = self._factory()
        except BaseException:
            if self._lock is not None:
                self._lock.release()
            raise
        self.session.info["actor"] = self._actor
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            self.session.rollback()
        finally:
            try:
                self.session.close()
            finally:
                if self._lock is not None:
                    self._lock.release()

    def commit(self) -> None:
        self.session.commit()

    def add(self, obj: object) -> None:
        self.session.add(obj)
