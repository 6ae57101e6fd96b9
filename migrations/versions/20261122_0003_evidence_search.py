"""evidence search: FTS5 index over evidence text, kept current by triggers

Revision ID: 20261122_0003
Revises: 20261122_0002
Create Date: 2026-11-22 18:05:00

``evidence_text`` holds one searchable document per live evidence item (title and
the narrative fields of its detail row); ``evidence_fts`` is an external-content
FTS5 index over it (``tokenize='unicode61 remove_diacritics 2'``, so "Muller"
finds "Müller"). ``enrolment_id`` is indexed, not UNINDEXED: "search this
practitioner" is then an index intersection instead of reading the content row
of every match (about 200 ms for a common word in a 20,000-item store). It has
weight 0 in the rank, and user terms are limited to ``{title body}``. Prefix
indexes for 2-4 characters make the as-you-type prefix cheap (about 28% more index
for 4: "with*" finds its 2,000 newest matches in 0.4 ms instead of 15). Triggers on ``evidence`` and on every detail table keep both
current for every writer (ORM, core bulk inserts, sync), and remove tombstoned
evidence from the index.

The SQL is frozen here on purpose. Two things a later migration must remember:
a new narrative column needs the triggers re-created, and a batch ("move and
copy") migration of ``evidence`` or a detail table drops that table's triggers,
so they must be re-created afterwards. tests/store/test_search.py checks both.
"""

from __future__ import annotations

from alembic import op

revision = '20261122_0003'
down_revision = '20261122_0002'
branch_labels = None
depends_on = None

#: detail table -> the free-text columns that make up the searchable body
DETAIL_TEXT: dict[str, tuple[str, ...]] = {
    "observation": ("setting", "activity", "purpose", "consent_how", "plan_before", "notes",
                    "went_well", "development", "practitioner_reflection", "assessor_judgement"),
    "record_review": ("record_type", "case_reference", "commentary"),
    "feedback": ("respondent_type", "agency", "context", "went_well", "could_be_better",
                 "own_words"),
    "reflection": ("prompt", "body", "learning"),
    "self_assessment": ("body", "priorities"),
    "supervision_entry": ("case_discussion", "reflective_discussion", "wellbeing_workload",
                          "actions"),
}


def _body(evidence_id: str) -> str:
    """SQL for the body of one evidence item: its live detail row's text, fields on lines."""
    parts = []
    for table, cols in DETAIL_TEXT.items():
        joined = " || char(10) || ".join(f"coalesce(d.{c}, '')" for c in cols)
        parts.append(f"(SELECT {joined} FROM {table} AS d "
                     f"WHERE d.evidence_id = {evidence_id} AND d.deleted_at IS NULL)")
    return f"coalesce({', '.join(parts)}, '')"


def _upsert(evidence: str) -> str:
    """Insert or refresh the document of ``evidence`` (new/old row alias) if it is live."""
    return (
        "INSERT INTO evidence_text (evidence_id, enrolment_id, title, body) "
        f"SELECT {evidence}.id, {evidence}.enrolment_id, {evidence}.title, "
        f"{_body(evidence + '.id')} WHERE {evidence}.deleted_at IS NULL "
        "ON CONFLICT (evidence_id) DO UPDATE SET enrolment_id = excluded.enrolment_id, "
        "title = excluded.title, body = excluded.body "
        "WHERE evidence_text.enrolment_id IS NOT excluded.enrolment_id "
        "OR evidence_text.title IS NOT excluded.title OR evidence_text.body IS NOT excluded.body;"
    )


def _refresh_body(*evidence_ids: str) -> str:
    """Recompute the body of the (live) documents of these evidence ids."""
    return (f"UPDATE evidence_text SET body = {_body('evidence_text.evidence_id')} "
            f"WHERE evidence_id IN ({', '.join(evidence_ids)});")


def _triggers() -> dict[str, str]:
    fts_cols = "evidence_id, enrolment_id, title, body"
    add = (f"INSERT INTO evidence_fts (rowid, {fts_cols}) "
           "VALUES (new.id, new.evidence_id, new.enrolment_id, new.title, new.body);")
    remove = (f"INSERT INTO evidence_fts (evidence_fts, rowid, {fts_cols}) "
              "VALUES ('delete', old.id, old.evidence_id, old.enrolment_id, old.title, old.body);")
    out = {
        # the document table feeds the index (the documented external-content pattern)
        "evidence_text_ai": f"AFTER INSERT ON evidence_text BEGIN {add} END",
        "evidence_text_ad": f"AFTER DELETE ON evidence_text BEGIN {remove} END",
        "evidence_text_au": ("AFTER UPDATE ON evidence_text WHEN old.title IS NOT new.title "
                             "OR old.body IS NOT new.body OR old.evidence_id IS NOT new.evidence_id "
                             f"BEGIN {remove} {add} END"),
        # evidence rows: title, enrolment, tombstones, purges
        "evidence_search_ai": f"AFTER INSERT ON evidence BEGIN {_upsert('new')} END",
        "evidence_search_au": (
            "AFTER UPDATE OF id, enrolment_id, title, deleted_at ON evidence BEGIN "
            "DELETE FROM evidence_text WHERE evidence_id = old.id "
            "AND (new.deleted_at IS NOT NULL OR new.id IS NOT old.id); "
            f"{_upsert('new')} END"),
        "evidence_search_ad": ("AFTER DELETE ON evidence BEGIN "
                               "DELETE FROM evidence_text WHERE evidence_id = old.id; END"),
    }
    for table, cols in DETAIL_TEXT.items():
        watched = ", ".join(("evidence_id", "deleted_at", *cols))
        out[f"{table}_search_ai"] = (f"AFTER INSERT ON {table} BEGIN "
                                     f"{_refresh_body('new.evidence_id')} END")
        out[f"{table}_search_au"] = (f"AFTER UPDATE OF {watched} ON {table} BEGIN "
                                     f"{_refresh_body('old.evidence_id', 'new.evidence_id')} END")
        out[f"{table}_search_ad"] = (f"AFTER DELETE ON {table} BEGIN "
                                     f"{_refresh_body('old.evidence_id')} END")
    return out


def upgrade() -> None:
    op.execute(
        "CREATE TABLE evidence_text ("
        " id INTEGER PRIMARY KEY,"  # stable rowid of the FTS document (survives VACUUM)
        " evidence_id VARCHAR(36) NOT NULL UNIQUE,"  # no FK: the triggers own these rows
        " enrolment_id VARCHAR(36) NOT NULL,"
        " title TEXT NOT NULL DEFAULT '',"
        " body TEXT NOT NULL DEFAULT '')"
    )
    op.execute(
        "CREATE VIRTUAL TABLE evidence_fts USING fts5("
        "evidence_id UNINDEXED, enrolment_id, title, body, "
        "content='evidence_text', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2', prefix='2 3 4')"
    )
    # a word in the title counts four times one in the narrative (rank = this bm25)
    op.execute("INSERT INTO evidence_fts (evidence_fts, rank) "
               "VALUES ('rank', 'bm25(0.0, 0.0, 4.0, 1.0)')")
    for name, body in _triggers().items():
        op.execute(f"CREATE TRIGGER {name} {body}")
    # back-fill: one document per live evidence item (the triggers index them)
    op.execute(
        "INSERT INTO evidence_text (evidence_id, enrolment_id, title, body) "
        f"SELECT e.id, e.enrolment_id, e.title, {_body('e.id')} FROM evidence AS e "
        "WHERE e.deleted_at IS NULL"
    )


def downgrade() -> None:
    for name in reversed(list(_triggers())):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS evidence_fts")
    op.execute("DROP TABLE IF EXISTS evidence_text")
