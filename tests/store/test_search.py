"""The FTS5 evidence index over a real encrypted store: kept current by triggers, safe input."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from assessor_app.domain.enums import EvidenceKind
from assessor_app.paths import DataPaths, migrations_dir
from assessor_app.store import search as store_search
from assessor_app.store.database import open_database
from assessor_app.store.models import (
    Enrolment,
    Evidence,
    Feedback,
    Observation,
    Practitioner,
    RecordReview,
    Reflection,
    SelfAssessment,
    SupervisionEntry,
)
from assessor_app.store.search import MARK_END, MARK_START, match_expression, search

DETAILS = {
    EvidenceKind.OBSERVATION: Observation, EvidenceKind.RECORD_REVIEW: RecordReview,
    EvidenceKind.FEEDBACK_LIVED: Feedback, EvidenceKind.FEEDBACK_PROFESSIONAL: Feedback,
    EvidenceKind.REFLECTION: Reflection, EvidenceKind.SELF_ASSESSMENT: SelfAssessment,
    EvidenceKind.SUPERVISION: SupervisionEntry,
}


def add_practitioner(db, name: str) -> str:  # type: ignore[no-untyped-def]
    """A practitioner and an enrolment; returns the enrolment id."""
    with db.uow("test") as uow:
        p = Practitioner(name=name)
        uow.add(p)
        uow.session.flush()
        e = Enrolment(practitioner_id=p.id, programme_id="asye-children", programme_version="2025",
                      start_date=date(2026, 1, 5))
        uow.add(e)
        uow.commit()
        return e.id


def add_evidence(db, enrolment_id: str, kind: EvidenceKind, title: str,  # type: ignore[no-untyped-def]
                 **fields: str) -> str:
    with db.uow("test") as uow:
        ev = Evidence(enrolment_id=enrolment_id, kind=kind.value, occurred_on=date(2026, 3, 2),
                      title=title)
        uow.add(ev)
        uow.session.flush()
        uow.add(DETAILS[kind](evidence_id=ev.id, **fields))
        uow.commit()
        return ev.id


def ids(db, query: str, **kw) -> set[str]:  # type: ignore[no-untyped-def]
    with db.uow() as uow:
        return {h.evidence_id for h in search(uow.session, query, **kw)}


@pytest.fixture
def two(db):  # type: ignore[no-untyped-def]
    a = add_practitioner(db, "Fictional Aylin Brookes")
    b = add_practitioner(db, "Fictional Ben Carrow")
    return db, a, b


def test_finds_narrative_of_every_kind_and_ignores_diacritics(two) -> None:  # type: ignore[no-untyped-def]
    db, a, _ = two
    made = {
        add_evidence(db, a, EvidenceKind.OBSERVATION, "Home visit", notes="Spoke with Herr Müller"),
        add_evidence(db, a, EvidenceKind.RECORD_REVIEW, "Case note", commentary="Muller family"),
        add_evidence(db, a, EvidenceKind.FEEDBACK_LIVED, "Feedback", own_words="mr müller said"),
        add_evidence(db, a, EvidenceKind.REFLECTION, "Reflection", learning="MÜLLER case"),
        add_evidence(db, a, EvidenceKind.SELF_ASSESSMENT, "Self", priorities="müller"),
        add_evidence(db, a, EvidenceKind.SUPERVISION, "Supervision", actions="call Müller"),
    }
    add_evidence(db, a, EvidenceKind.OBSERVATION, "Other", notes="nothing relevant here")
    assert ids(db, "Muller") == made
    assert ids(db, "müller") == made
    assert ids(db, "mull") == made, "the last word is a prefix while typing"
    assert ids(db, "mull ") == set(), "a finished word is matched whole"


def test_hit_carries_practitioner_kind_date_and_highlighted_snippet(two) -> None:  # type: ignore[no-untyped-def]
    db, a, _ = two
    eid = add_evidence(db, a, EvidenceKind.OBSERVATION, "Observation 1: home visit",
                       notes="The practitioner explained the safety plan\nto the mother clearly.",
                       went_well="Calm and warm.")
    with db.uow() as uow:
        (hit,) = search(uow.session, "safety plan")
    assert hit.evidence_id == eid and hit.enrolment_id == a
    assert hit.practitioner_name == "Fictional Aylin Brookes"
    assert hit.kind is EvidenceKind.OBSERVATION and hit.occurred_on == date(2026, 3, 2)
    assert hit.title == "Observation 1: home visit" and hit.status == "draft"
    assert f"{MARK_START}safety{MARK_END}" in hit.snippet and "\n" not in hit.snippet
    assert ("safety", True) in hit.snippet_parts()
    assert "".join(t for t, _ in hit.snippet_parts()) == hit.snippet.replace(
        MARK_START, "").replace(MARK_END, "")


def test_title_matches_rank_above_body_matches(two) -> None:  # type: ignore[no-untyped-def]
    db, a, _ = two
    body = add_evidence(db, a, EvidenceKind.REFLECTION, "Thinking about week six",
                        body="Some thoughts on chronology work and the chronology itself.")
    title = add_evidence(db, a, EvidenceKind.REFLECTION, "Chronology", body="A short note.")
    with db.uow() as uow:
        assert [h.evidence_id for h in search(uow.session, "chronology")] == [title, body]


def test_edits_update_the_index(two) -> None:  # type: ignore[no-untyped-def]
    db, a, b = two
    eid = add_evidence(db, a, EvidenceKind.OBSERVATION, "Visit", notes="first draft wording")
    with db.uow("test") as uow:
        obs = uow.session.execute(select(Observation).where(Observation.evidence_id == eid)).scalar_one()
        obs.notes = "rewritten after the supervision"
        ev = uow.session.get(Evidence, eid)
        assert ev is not None
        ev.title = "Kinship assessment visit"
        ev.enrolment_id = b
        uow.commit()
    assert ids(db, "draft ") == set()
    assert ids(db, "rewritten") == {eid}
    assert ids(db, "kinship") == {eid}
    assert ids(db, "visit", enrolment_id=b) == {eid}
    assert ids(db, "visit", enrolment_id=a) == set()
    with db.uow() as uow:
        (hit,) = search(uow.session, "kinship")
    assert hit.practitioner_name == "Fictional Ben Carrow"


def test_tombstones_and_purges_leave_the_index(two) -> None:  # type: ignore[no-untyped-def]
    db, a, _ = two
    gone = add_evidence(db, a, EvidenceKind.SUPERVISION, "Supervision", actions="genogram practice")
    kept = add_evidence(db, a, EvidenceKind.REFLECTION, "Genogram", body="")
    detail_gone = add_evidence(db, a, EvidenceKind.REFLECTION, "Note", body="genogram again")
    with db.uow("test") as uow:
        ev = uow.session.get(Evidence, gone)
        assert ev is not None
        ev.deleted_at = datetime.now(UTC)
        r = uow.session.execute(select(Reflection).where(Reflection.evidence_id == detail_gone)).scalar_one()
        r.deleted_at = datetime.now(UTC)  # a tombstoned detail row no longer counts
        uow.commit()
    assert ids(db, "genogram") == {kept}
    with db.engine.begin() as conn:
        n = conn.execute(text("SELECT count(*) FROM evidence_text WHERE evidence_id = :i"),
                         {"i": gone}).scalar()
        assert n == 0, "a tombstone removes the text from the index, not just from results"
        conn.execute(text("UPDATE evidence SET deleted_at = NULL WHERE id = :i"), {"i": gone})
    assert ids(db, "genogram") == {kept, gone}, "undoing the tombstone restores it"
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM supervision_entry WHERE evidence_id = :i"), {"i": gone})
        assert conn.execute(text("SELECT body FROM evidence_text WHERE evidence_id = :i"),
                            {"i": gone}).scalar() == ""
        conn.execute(text("DELETE FROM evidence WHERE id = :i"), {"i": gone})
    assert ids(db, "genogram") == {kept}
    with db.engine.connect() as conn:  # the index agrees with its content table
        conn.execute(text("INSERT INTO evidence_fts (evidence_fts, rank) VALUES ('integrity-check', 1)"))


def test_tombstoned_practitioner_is_not_listed(two) -> None:  # type: ignore[no-untyped-def]
    db, a, b = two
    add_evidence(db, a, EvidenceKind.REFLECTION, "Ecomap", body="x")
    hidden = add_evidence(db, b, EvidenceKind.REFLECTION, "Ecomap", body="y")
    with db.uow("test") as uow:
        p = uow.session.execute(select(Practitioner).where(Practitioner.name.like("%Carrow"))).scalar_one()
        p.deleted_at = datetime.now(UTC)
        uow.commit()
    assert hidden not in ids(db, "ecomap") and len(ids(db, "ecomap")) == 1


def test_limit_and_enrolment_filter(two) -> None:  # type: ignore[no-untyped-def]
    db, a, b = two
    for i in range(5):
        add_evidence(db, a, EvidenceKind.REFLECTION, f"Reflection {i}", body="advocacy")
        add_evidence(db, b, EvidenceKind.REFLECTION, f"Reflection {i}", body="advocacy")
    assert len(ids(db, "advocacy", limit=3)) == 3
    assert len(ids(db, "advocacy", limit=0)) == 0
    with db.uow() as uow:
        hits = search(uow.session, "advocacy", enrolment_id=a)
    assert len(hits) == 5 and {h.enrolment_id for h in hits} == {a}


@pytest.mark.parametrize(("typed", "expr"), [
    ("Muller", '"Muller"*'), ("muller ", '"muller"'), ("a", '"a"'), ("well-be", '"well-be"*'),
    ('say "hi', '"say" """hi"*'), ("NEAR(a b)", '"NEAR(a" "b)"'), ("care 😀", '"care"'),
    ("voice of the child", '"voice" "child"*'), ("share the", '"share"'), ("the", '"the"*'),
    ("of the ", '"of" "the"'), ("x\x00y", '"x" "y"'), ("   ", None), ("-- ** !!", None),
])
def test_match_expression(typed: str, expr: str | None) -> None:
    assert match_expression(typed) == expr


def test_long_pastes_are_cut_to_the_first_terms() -> None:
    expr = match_expression(" ".join(f"word{i}" for i in range(1000)))
    assert expr is not None and expr.count('"') == 2 * store_search.MAX_TERMS
    assert not expr.endswith("*"), "the user is not typing the sixteenth word"


def test_common_queries_list_the_newest_first(two, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    db, a, _ = two
    made = [add_evidence(db, a, EvidenceKind.REFLECTION, "Advocacy" if i == 0 else f"Note {i}",
                         body="advocacy") for i in range(5)]
    monkeypatch.setattr(store_search, "RANK_WINDOW", 10)
    with db.uow() as uow:
        ranked = search(uow.session, "advocacy")
    assert ranked[0].evidence_id == made[0], "bm25: the title match first"
    assert all(h.rank < 0 for h in ranked)
    monkeypatch.setattr(store_search, "RANK_WINDOW", 3)
    with db.uow() as uow:
        newest = search(uow.session, "advocacy")
    assert [h.evidence_id for h in newest] == made[::-1]
    assert [h.rank for h in newest] == [0.0, 1.0, 2.0, 3.0, 4.0]
    with db.uow() as uow:
        assert len(search(uow.session, "advocacy", limit=2)) == 2


ODD = ['"', '""', '"unbalanced', "*", "a*", "-", "-child", "NEAR", "NEAR(a b, 2)", "a OR b",
       "NOT", "AND", "title:visit", "^start", "(", ")", "{body}: x", "+", "'", "\\", "\x00",
       "😀👩‍👧", "مرحبا بالعالم", "e\u0301\u0301\u0301", "\u202etxet", "a" * 5000,
       " ".join(["care"] * 500), "🙂 care", "col:umn", "\x02\x03"]


@pytest.mark.parametrize("query", ODD)
def test_odd_input_never_raises(two, query: str) -> None:  # type: ignore[no-untyped-def]
    db, a, _ = two
    add_evidence(db, a, EvidenceKind.REFLECTION, "Care and NEAR", body="care planning OR not")
    ids(db, query)


def test_operators_are_plain_words(two) -> None:  # type: ignore[no-untyped-def]
    db, a, _ = two
    eid = add_evidence(db, a, EvidenceKind.REFLECTION, "Near misses", body="care OR control")
    other = add_evidence(db, a, EvidenceKind.REFLECTION, "Unrelated", body="care only")
    assert ids(db, "NEAR") == {eid}
    assert ids(db, "care OR control") == {eid}, "OR is a word, not an operator"
    assert ids(db, "care -control") == {eid}, "a leading minus is not NOT"
    assert ids(db, '"care') == {eid, other}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=40))
def test_any_text_is_a_valid_query(db, query: str) -> None:  # type: ignore[no-untyped-def]
    expr = match_expression(query)
    assert expr is None or expr.count('"') % 2 == 0
    ids(db, query)


def test_triggers_cover_every_narrative_column(db) -> None:  # type: ignore[no-untyped-def]
    """A new Text column (or a batch migration that dropped a trigger) fails here."""
    from sqlalchemy import Text

    with db.engine.connect() as conn:
        triggers = dict(conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all())
    for model in {*DETAILS.values()}:
        table = model.__tablename__
        for suffix in ("ai", "au", "ad"):
            assert f"{table}_search_{suffix}" in triggers
        for col in model.__table__.columns:
            if isinstance(col.type, Text):
                assert f"coalesce(d.{col.name}, '')" in triggers["evidence_search_ai"], (
                    f"{table}.{col.name} is not searchable")
                assert col.name in triggers[f"{table}_search_au"].split(" ON ")[0]
    for name in ("evidence_search_ai", "evidence_search_au", "evidence_search_ad",
                 "evidence_text_ai", "evidence_text_au", "evidence_text_ad"):
        assert name in triggers


def test_upgrade_from_0002_backfills_the_index(tmp_path: Path, secrets) -> None:  # type: ignore[no-untyped-def]
    """Evidence written before the index existed is searchable after the upgrade."""
    from assessor_app.store import engine as engine_mod
    from assessor_app.store.database import key_name
    from assessor_app.store.migrate import upgrade

    paths = DataPaths(tmp_path / "old")
    paths.ensure()
    (paths.root / "store.json").write_text('{"store_id": "old-store"}')
    key = "0e" * 32
    secrets.set(key_name("old-store"), key)
    eng = engine_mod.make_engine(paths.db, key)
    upgrade(eng, migrations_dir(), "20261122_0002")
    sync = "0, 0, 1, '2026-01-01', '2026-01-01', ''"
    with eng.begin() as conn:
        conn.execute(text(
            "INSERT INTO practitioner (id, name, registration_number, team, employer, email, fte,"
            f" rev, base_rev, dirty, created_at, updated_at, updated_by) VALUES ('p1',"
            f" 'Fictional Olderstore', '', '', '', '', 1.0, {sync})"))
        conn.execute(text(
            "INSERT INTO enrolment (id, practitioner_id, programme_id, programme_version,"
            " framework_versions, start_date, fte, status, extension_months, extension_reason,"
            " outcome, rev, base_rev, dirty, created_at, updated_at, updated_by)"
            f" VALUES ('e1', 'p1', 'asye-children', '2025', '{{}}', '2026-01-05', 1.0, 'active', 0,"
            f" '', '', {sync})"))
        for eid, title, deleted in (("v1", "Zoë's transition plan", None),
                                    ("v2", "Removed transition note", "2026-02-01")):
            conn.execute(text(
                "INSERT INTO evidence (id, enrolment_id, kind, occurred_on, title, status, stage_id,"
                " author_role, transcribed, rev, base_rev, dirty, deleted_at, created_at,"
                " updated_at, updated_by) VALUES (:id, 'e1', 'reflection', '2026-02-01', :t,"
                " 'final', '', 'practitioner', 0, 0, 0, 1, :d, '2026-01-01', '2026-01-01', '')"),
                {"id": eid, "t": title, "d": deleted})
            conn.execute(text(
                "INSERT INTO reflection (id, evidence_id, period, prompt, body, learning, rev,"
                f" base_rev, dirty, created_at, updated_at, updated_by) VALUES (:r, :id, '', '',"
                f" 'Thinking about the leaving-care pathway', '', {sync})"),
                {"r": "r-" + eid, "id": eid})
    eng.dispose()

    db = open_database(paths, secrets, create=False, migrations_dir=migrations_dir())
    try:
        assert db.migration.from_revision == "20261122_0002"
        assert ids(db, "zoe") == {"v1"}
        assert ids(db, "leaving-care pathway") == {"v1"}, "tombstoned evidence is not back-filled"
        with db.uow() as uow:
            (hit,) = search(uow.session, "transition")
        assert hit.practitioner_name == "Fictional Olderstore"
        assert hit.occurred_on == date(2026, 2, 1) and hit.kind is EvidenceKind.REFLECTION
    finally:
        db.dispose()


def test_rebuild_and_downgrade_round_trip(two) -> None:  # type: ignore[no-untyped-def]
    """The index can be rebuilt in place, and 0003 can be undone and redone without loss."""
    from alembic import command
    from alembic.config import Config

    db, a, _ = two
    eid = add_evidence(db, a, EvidenceKind.REFLECTION, "Ecomap", body="direct work")
    with db.uow() as uow:
        assert store_search.rebuild(uow.session) == 1
        uow.commit()
    assert ids(db, "direct work") == {eid}
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "20261122_0002")
    with db.engine.connect() as conn:
        left = conn.execute(text("SELECT name FROM sqlite_master WHERE name LIKE '%search%'"
                                 " OR name LIKE 'evidence_fts%' OR name = 'evidence_text'")).all()
    assert left == []
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    assert ids(db, "ecomap") == {eid}
