"""Composition root: paths → secrets → store (migrated) → services (→ Qt).

Nothing here runs at import time; every dependency is passed by constructor.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from assessor_app.errors import UsageError
from assessor_app.keystore import SecretStore
from assessor_app.paths import DataPaths, default_demo_dir, migrations_dir, resources_dir

if TYPE_CHECKING:
    from assessor_app.services.assessment import AssessmentService
    from assessor_app.services.attachments import AttachmentService
    from assessor_app.services.catalogue import CatalogueService
    from assessor_app.services.documents import DocumentService
    from assessor_app.services.evidence import EvidenceService
    from assessor_app.services.handover import HandoverService
    from assessor_app.services.practitioners import PractitionerService
    from assessor_app.services.reports import ReportService
    from assessor_app.services.retention import RetentionService
    from assessor_app.services.reviews import ReviewService
    from assessor_app.services.search import SearchService
    from assessor_app.services.signing import SigningService
    from assessor_app.services.sync import SyncService
    from assessor_app.store.database import Database

log = logging.getLogger(__name__)

DEMO_NOTICE = """This folder holds DEMO data for the assessor workbench.

Every person, family and record in it is fictional. Its store is encrypted with
the documented demo key (assessor_app.keystore.DEMO_STORE_KEY_HEX), not a
secret one, so that the demo runs on machines with no keyring. Never put real
data here.
"""


@dataclass
class AppContext:
    """The services of one open store, for the CLI and the GUI alike."""

    paths: DataPaths
    database: Database
    catalogue: CatalogueService
    practitioners: PractitionerService
    secrets: SecretStore | None = field(default=None, repr=False)

    # Report, document and signing services are built on first use: they import
    # reportlab and pyHanko, which must stay off the start-up path.
    @cached_property
    def reports(self) -> ReportService:
        from assessor_app.services.reports import ReportService

        return ReportService(self.database, self.catalogue.catalogue)

    @cached_property
    def documents(self) -> DocumentService:
        from assessor_app.services.documents import DocumentService

        return DocumentService(self.database)

    @cached_property
    def evidence(self) -> EvidenceService:
        from assessor_app.services.evidence import EvidenceService

        return EvidenceService(self.database, self.catalogue.catalogue)

    @cached_property
    def attachments(self) -> AttachmentService:
        from assessor_app.services.attachments import AttachmentService

        return AttachmentService(self.database)

    @cached_property
    def handover(self) -> HandoverService:
        from assessor_app.services.handover import HandoverService

        return HandoverService(self.database, self.catalogue.catalogue,
                               resources_dir() / "feedback")

    @cached_property
    def reviews(self) -> ReviewService:
        from assessor_app.services.reviews import ReviewService

        return ReviewService(self.database, self.catalogue.catalogue)

    @cached_property
    def assessment(self) -> AssessmentService:
        from assessor_app.services.assessment import AssessmentService

        return AssessmentService(self.database, self.catalogue.catalogue)

    @cached_property
    def search(self) -> SearchService:
        from assessor_app.services.search import SearchService

        return SearchService(self.database)

    @cached_property
    def retention(self) -> RetentionService:
        from assessor_app.services.retention import RetentionService

        return RetentionService(self.database)

    @cached_property
    def signing(self) -> SigningService:
        from assessor_app.services.signing import SigningService, signing_secrets

        return SigningService(self.database, signing_secrets(
            self.database, lambda: self.secrets or keyring_secrets()))

    @cached_property
    def sync(self) -> SyncService:
        from assessor_app.services.signing import signing_secrets
        from assessor_app.services.sync import SyncService
        from assessor_app.services.sync_address import AddressSetting

        def secrets() -> SecretStore:
            return self.secrets or keyring_secrets()

        return SyncService(self.database, secrets,
                           lambda: signing_secrets(self.database, secrets), self.paths.root,
                           address=AddressSetting(self.paths.root),
                           put_back_typing=self._put_back_typing)

    def _put_back_typing(self) -> list[tuple[str, int]]:
        """Editor typing kept aside at a scope exit (evidence, review meetings, final
        assessments) saved into records that are back: (practitioner name, changes)."""
        done: dict[str, int] = {}
        for service in (self.evidence, self.reviews, self.assessment):
            for name, n in service.put_back_typing():
                done[name] = done.get(name, 0) + n
        return sorted(done.items())

    # The GUI's WorkbenchApi, delegated so the GUI sees one small object.
    def list_rows(self, today: date):  # type: ignore[no-untyped-def]
        return self.practitioners.list_rows(today)

    def page(self, enrolment_id: str, today: date):  # type: ignore[no-untyped-def]
        return self.practitioners.page(enrolment_id, today)

    def close(self) -> None:
        self.database.dispose()


def keyring_secrets() -> SecretStore:
    from assessor_app.keystore import KeyringSecretStore

    return KeyringSecretStore("store")


def open_context(paths: DataPaths, *, create: bool = True,
                 secrets: SecretStore | None = None) -> AppContext:
    from assessor_app.services.catalogue import CatalogueService
    from assessor_app.services.practitioners import PractitionerService
    from assessor_app.store.database import is_demo_folder, open_database

    if secrets is None and not is_demo_folder(paths):
        secrets = keyring_secrets()
    database = open_database(paths, secrets, create=create, migrations_dir=migrations_dir())
    try:
        catalogue = CatalogueService(database, resources_dir())
        practitioners = PractitionerService(database, catalogue.catalogue)
    except BaseException:
        database.dispose()
        raise
    if database.migration.migrated and database.migration.from_revision:
        log.info("store migrated from %s to %s", database.migration.from_revision,
                 database.migration.to_revision)
    return AppContext(paths, database, catalogue, practitioners, secrets)


def demo_paths(data_dir: str | Path | None) -> DataPaths:
    return DataPaths.resolve(data_dir) if data_dir else DataPaths(default_demo_dir())


def _folder_is_free_for_demo(paths: DataPaths) -> bool:
    if paths.demo_marker.exists():
        return True
    return not paths.root.exists() or not any(paths.root.iterdir())


def create_demo(paths: DataPaths, *, today: date | None = None, seed: int = 2026):  # type: ignore[no-untyped-def]
    """Create the demo cohort in an empty (or new) folder; refuse any other folder."""
    from assessor_app.services.demo import create_demo_cohort
    from assessor_app.store.database import is_demo_folder

    if not _folder_is_free_for_demo(paths):
        raise UsageError(
            f"{paths.root} is not empty and is not a demo folder.",
            "The demo cohort is only written to a new or empty folder, never beside real data. "
            "Choose another folder with --data-dir.",
        )
    if paths.db.exists() and is_demo_folder(paths):
        ctx = open_context(paths, create=False)
        try:
            with ctx.database.uow() as uow:
                from assessor_app.store.queries import enrolments

                if enrolments(uow.session):
                    raise UsageError(
                        f"{paths.root} already holds the demo cohort.",
                        "Open it with: assessor-app --demo"
                        + (f" --data-dir {paths.root}" if paths.root != default_demo_dir() else ""),
                    )
        finally:
            ctx.close()
    paths.ensure()
    paths.demo_marker.write_text(DEMO_NOTICE, encoding="utf-8")
    ctx = open_context(paths)
    try:
        return create_demo_cohort(ctx.database, ctx.catalogue.catalogue(),
                                  today=today or date.today(), seed=seed)
    finally:
        ctx.close()


def ensure_demo(paths: DataPaths) -> None:
    """First run of ``--demo``: create the folder and cohort; later runs just open it."""
    if paths.demo_marker.exists() and paths.db.exists():
        return
    create_demo(paths)


class StartupApi:
    """What the GUI opens first: the list via the quick path, everything else from the
    full context, built on first need (or by ``warm_up`` once the list is on screen).

    Every call arrives on the GUI's one DB thread, so no locking is needed.
    """

    def __init__(self, paths: DataPaths, secrets: SecretStore | None = None) -> None:
        import threading

        from assessor_app.services.quick_list import QuickList
        from assessor_app.store.keys import is_demo_folder

        self._paths = paths
        self._lock = threading.Lock()
        if secrets is None and not is_demo_folder(paths) and paths.db.exists():
            secrets = keyring_secrets()
        self._secrets = secrets
        self._ctx: AppContext | None = None
        self._quick = QuickList.open(paths, secrets, resources=resources_dir(),
                                     migrations=migrations_dir())
        if self._quick is None:
            self._ctx = open_context(paths, secrets=secrets)

    def context(self) -> AppContext:
        """The full context; built once even if two threads ask at the same moment."""
        with self._lock:
            if self._ctx is None:
                self._ctx = open_context(self._paths, create=False, secrets=self._secrets)
                if self._quick is not None:
                    self._quick.close()
                    self._quick = None
            return self._ctx

    # The services the GUI's tabs use, declared so the GUI can see what this api offers
    # (``hasattr`` on the class) without building anything.
    evidence = property(lambda self: self.context().evidence)
    handover = property(lambda self: self.context().handover)
    attachments = property(lambda self: self.context().attachments)
    reviews = property(lambda self: self.context().reviews)
    assessment = property(lambda self: self.context().assessment)
    reports = property(lambda self: self.context().reports)
    documents = property(lambda self: self.context().documents)
    signing = property(lambda self: self.context().signing)
    search = property(lambda self: self.context().search)
    retention = property(lambda self: self.context().retention)
    sync = property(lambda self: self.context().sync)

    def warm_up(self) -> None:
        self.context()

    def list_rows(self, today: date):  # type: ignore[no-untyped-def]
        if self._ctx is None and self._quick is not None:
            return self._quick.list_rows(today)
        return self.context().list_rows(today)

    def page(self, enrolment_id: str, today: date):  # type: ignore[no-untyped-def]
        return self.context().page(enrolment_id, today)

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.context(), name)

    def close(self) -> None:
        if self._quick is not None:
            self._quick.close()
        if self._ctx is not None:
            self._ctx.close()
