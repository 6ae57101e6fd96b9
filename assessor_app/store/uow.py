"""Unit of work: one per user action. Open, do, commit explicitly, return DTOs.

Repositories hang off the unit of work so every use case shares one session
and one transaction; leaving the ``with`` block without ``commit()`` rolls back.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from assessor_app.store import audit


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
        self.session = self._factory()
        self.session.info["actor"] = self._actor
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def add(self, obj: object) -> None:
        self.session.add(obj)
