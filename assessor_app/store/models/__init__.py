"""All mapped classes; importing this package registers every table on ``Base.metadata``."""

from assessor_app.store.models.assessment import Document, FinalAssessment, Review, Signature
from assessor_app.store.models.evidence import (
    Attachment,
    Evidence,
    Feedback,
    Observation,
    RecordReview,
    Reflection,
    SelfAssessment,
    StandardLink,
    SupervisionEntry,
)
from assessor_app.store.models.people import Agreement, Enrolment, Pause, Person, Practitioner
from assessor_app.store.models.signing import Pseudonym, SigningIdentity
from assessor_app.store.models.system import (
    AuditEvent,
    CatalogueEntry,
    Conflict,
    KeptAside,
    StoreMeta,
    SyncState,
)

__all__ = [
    "Agreement", "Attachment", "AuditEvent", "CatalogueEntry", "Conflict", "Document",
    "Enrolment", "Evidence", "Feedback", "FinalAssessment", "KeptAside", "Observation", "Pause", "Person",
    "Practitioner", "Pseudonym", "RecordReview", "Reflection", "Review", "SelfAssessment", "Signature", "SigningIdentity",
    "StandardLink", "StoreMeta", "SupervisionEntry", "SyncState",
]
