"""Every column that can hold words about a portfolio is either cleared by the retention
purge or kept on purpose: a new free-text column fails here until someone decides."""

from __future__ import annotations

from sqlalchemy import JSON, LargeBinary, String, Text

from assessor_app.domain import retention as policy
from assessor_app.store.base import Base
from assessor_app.sync.tables import SYNC_COLUMNS

#: the tables a portfolio's rows live in (the purge reaches each through its enrolment)
PORTFOLIO_TABLES = ("practitioner", "enrolment", "pause", "agreement", "evidence",
                    "observation", "record_review", "feedback", "reflection",
                    "self_assessment", "supervision_entry", "standard_link", "attachment",
                    "review", "final_assessment", "document", "signature", "conflict")


def _wordy_columns(table: str) -> set[str]:
    t = Base.metadata.tables[table]
    return {c.name for c in t.c
            if isinstance(c.type, String | Text | JSON) and not c.foreign_keys
            and c.name not in SYNC_COLUMNS}


def test_every_free_text_column_of_a_portfolio_is_cleared_or_kept_on_purpose() -> None:
    undecided = {}
    for table in PORTFOLIO_TABLES:
        decided = set(policy.CLEARED.get(table, {})) | set(policy.KEPT.get(table, {}))
        missing = _wordy_columns(table) - decided
        if missing:
            undecided[table] = sorted(missing)
    assert undecided == {}, "add these to domain.retention.CLEARED or KEPT"


def test_the_policy_names_only_real_columns_and_never_both_ways() -> None:
    for table, columns in [*policy.CLEARED.items(), *policy.KEPT.items()]:
        assert set(columns) <= set(Base.metadata.tables[table].c.keys()), table
    for table in policy.CLEARED:
        assert not set(policy.CLEARED[table]) & set(policy.KEPT.get(table, {})), table


def test_tables_holding_files_are_removed_whole() -> None:
    with_files = {t.name for t in Base.metadata.tables.values() if t.name in PORTFOLIO_TABLES
                  and any(isinstance(c.type, LargeBinary) for c in t.c)}
    assert with_files == policy.TOMBSTONED


def test_a_cleared_evidence_title_names_its_kind() -> None:
    assert policy.clearing("evidence", {"title": "Visit to a fictional family"}, "feedback_lived") \
        == {"title": "Feedback from people with lived experience"}
    assert policy.clearing("evidence", {"title": "Direct observation"}, "observation") == {}
    assert policy.clearing("observation", {"notes": "", "people_present": [{"role": "child"}]}) \
        == {"people_present": []}
