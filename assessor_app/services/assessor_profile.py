"""Who uses this store: the assessor's own ``Person`` row, set by the first-run wizard.

The row's id is kept in ``store_meta`` under ``owner_person_id`` so running the
wizard again updates the same person instead of adding a second one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assessor_app.domain.enums import PersonRole
from assessor_app.errors import UsageError

if TYPE_CHECKING:  # the GUI imports this module for its checks before any store is open
    from assessor_app.store.database import Database

OWNER_KEY = "owner_person_id"
#: Social Work England numbers: "SW" and digits (e.g. SW123456).
REGISTRATION_PATTERN = re.compile(r"SW\d{3,7}")
#: What each role is called on screen and the job title written for it.
ROLE_TITLES: dict[str, str] = {
    PersonRole.ASSESSOR.value: "Assessor (practice educator)",
    PersonRole.LINE_MANAGER.value: "Line manager",
    PersonRole.COORDINATOR.value: "ASYE coordinator",
}
#: Roles that sign reports, so need a registration number and a signing key.
SIGNING_ROLES = (PersonRole.ASSESSOR.value, PersonRole.LINE_MANAGER.value)


@dataclass(frozen=True)
class Profile:
    name: str
    role: str  # a PersonRole value
    registration_number: str = ""
    employer: str = ""
    person_id: str = ""

    @property
    def signs_reports(self) -> bool:
        return self.role in SIGNING_ROLES


def normalise_registration(number: str) -> str:
    return "".join(number.split()).upper()


def registration_problem(number: str, role: str) -> str:
    """Why the number is not acceptable for ``role`` ("" when it is)."""
    number = normalise_registration(number)
    if not number:
        return "Enter your Social Work England registration number." \
            if role in SIGNING_ROLES else ""
    if not REGISTRATION_PATTERN.fullmatch(number):
        return "A Social Work England registration number is SW followed by digits, " \
               "e.g. SW123456."
    return ""


def validate(profile: Profile) -> Profile:
    """The profile tidied (spaces, upper-case number), or a UsageError naming the problem."""
    name = " ".join(profile.name.split())
    employer = " ".join(profile.employer.split())
    if not name:
        raise UsageError("Enter your name.", "It goes on reports and your signature.")
    if profile.role not in ROLE_TITLES:
        raise UsageError(f"Unknown role {profile.role!r}.",
                         f"Use one of: {', '.join(ROLE_TITLES)}.")
    problem = registration_problem(profile.registration_number, profile.role)
    if problem:
        raise UsageError(problem, "You can find it on your Social Work England account.")
    if not employer:
        raise UsageError("Enter your employer.", "It goes on reports and your signature.")
    return Profile(name, profile.role, normalise_registration(profile.registration_number),
                   employer, profile.person_id)


class AssessorProfileService:
    def __init__(self, database: Database) -> None:
        self._db = database

    def current(self) -> Profile | None:
        from assessor_app.store.models import Person, StoreMeta

        with self._db.uow() as uow:
            meta = uow.session.get(StoreMeta, OWNER_KEY)
            person = uow.session.get(Person, meta.value) if meta else None
            if person is None:
                return None
            return Profile(person.name, person.role, person.registration_number,
                           person.employer, person.id)

    def save(self, profile: Profile) -> Profile:
        """Create or update the owner's Person row; returns the profile with its id."""
        from assessor_app.store.models import Person, StoreMeta

        profile = validate(profile)
        with self._db.uow("setup") as uow:
            meta = uow.session.get(StoreMeta, OWNER_KEY)
            person = uow.session.get(Person, meta.value) if meta else None
            if person is None:
                person = Person(name=profile.name, role=profile.role)
                uow.add(person)
                uow.session.flush()
            person.name = profile.name
            person.role = profile.role
            person.job_title = ROLE_TITLES[profile.role]
            person.registration_number = profile.registration_number
            person.employer = profile.employer
            if meta is None:
                uow.add(StoreMeta(key=OWNER_KEY, value=person.id))
            uow.commit()
            return Profile(profile.name, profile.role, profile.registration_number,
                           profile.employer, person.id)
