"""What the GUI needs from the services: a small protocol, so views never see a session.

The composition root (``app.py``) supplies an implementation; tests supply a plain
object that returns hand-built DTOs. Every call runs on the DB worker thread.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from assessor_app.domain.dto import PractitionerPage, PractitionerRow


class WorkbenchApi(Protocol):
    """Read side of the workbench, called only from the DB thread (see ``tasks.py``)."""

    def list_rows(self, today: date) -> list[PractitionerRow]: ...

    def page(self, enrolment_id: str, today: date) -> PractitionerPage: ...
