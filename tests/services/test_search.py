"""SearchService: the Ctrl+F box over a real encrypted store, grouped by practitioner."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text

from assessor_app.domain.enums import EvidenceKind
from assessor_app.paths import resources_dir
from assessor_app.services.catalogue import CatalogueService
from assessor_app.services.demo import create_demo_cohort
from assessor_app.services.search import (
    MARK_START,
    PractitionerHits,
    SearchHit,
    SearchService,
    group_by_practitioner,
)
from tests.store.test_search import add_evidence, add_practitioner


def _hit(pid: str, eid: str, rank: float) -> SearchHit:
    return SearchHit(eid, "e-" + pid, pid, f"Fictional {pid}", EvidenceKind.REFLECTION, "t",
                     "final", date(2026, 1, 1), "", rank)


def test_groups_follow_their_best_hit() -> None:
    hits = [_hit("a", "1", -1.0), _hit("b", "2", -5.0), _hit("a", "3", -9.0), _hit("b", "4", -2.0)]
    groups = group_by_practitioner(hits)
    assert [g.practitioner_id for g in groups] == ["a", "b"]
    assert [h.evidence_id for h in groups[0].hits] == ["3", "1"]
    assert [h.evidence_id for h in groups[1].hits] == ["2", "4"]
    assert groups[0].best_rank == -9.0 and groups[0].practitioner_name == "Fictional a"
    assert group_by_practitioner([]) == []


def test_search_groups_by_practitioner(db) -> None:  # type: ignore[no-untyped-def]
    a = add_practitioner(db, "Fictional Aylin Brookes")
    b = add_practitioner(db, "Fictional Ben Carrow")
    add_evidence(db, a, EvidenceKind.SUPERVISION, "Supervision 4", actions="Read about Signs of Safety")
    add_evidence(db, a, EvidenceKind.REFLECTION, "Signs of Safety mapping", body="signs")
    add_evidence(db, b, EvidenceKind.OBSERVATION, "Observation 2", notes="Used signs of safety well")
    add_evidence(db, b, EvidenceKind.OBSERVATION, "Observation 3", notes="unrelated")
    service = SearchService(db)
    groups = service.search("signs of saf")
    assert all(isinstance(g, PractitionerHits) for g in groups)
    assert {g.practitioner_name: len(g.hits) for g in groups} == {
        "Fictional Aylin Brookes": 2, "Fictional Ben Carrow": 1}
    assert groups[0].practitioner_name == "Fictional Aylin Brookes", "the title match ranks first"
    assert sum(len(g.hits) for g in service.search("signs", limit=2)) == 2
    only_b = service.search("signs", enrolment_id=b)
    assert [g.practitioner_name for g in only_b] == ["Fictional Ben Carrow"]
    assert service.search("") == [] and service.search('"NEAR(') == []


def test_demo_cohort_is_searchable(db) -> None:  # type: ignore[no-untyped-def]
    """Text written through the real demo builders (ORM, unit of work) is indexed."""
    cat = CatalogueService(db, resources_dir())
    create_demo_cohort(db, cat.catalogue(), today=date(2026, 11, 23))
    with db.engine.connect() as conn:
        expected = conn.execute(text(
            "SELECT count(*) FROM evidence_text WHERE title LIKE '%practitioner%'"
            " OR body LIKE '%practitioner%'")).scalar()
    assert expected >= 20
    groups = SearchService(db).search("practitioner", limit=1000)
    assert len(groups) >= 5
    hits = [h for g in groups for h in g.hits]
    assert len(hits) == expected
    assert all(MARK_START in h.snippet or "practitioner" in h.title.lower() for h in hits)
    assert sum(len(g.hits) for g in SearchService(db).search("practitioner", limit=10)) == 10
