"""Full-text search over evidence text (FTS5), safe for whatever the user types.

The index is ``evidence_fts``, an external-content FTS5 table over
``evidence_text`` (one document per live evidence item: title + the narrative
fields of its detail row). Migration 20261122_0003 creates both and the SQL
triggers that keep them current for every writer, including tombstones, so no
session hook is needed here.

User input never reaches FTS5 syntax: every whitespace-separated chunk becomes a
quoted phrase (``"`` doubled), so ``NEAR``, ``*``, ``-``, ``:`` and unbalanced
quotes are plain text. The last chunk is a prefix phrase while the user is still
typing it. Work per query is bounded: bm25 ranks at most ``RANK_WINDOW`` matches,
snippets are made for the ``limit`` best only, and the joins to practitioner and
evidence run on those rows alone.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import exc, text
from sqlalchemy.orm import Session

from assessor_app.domain.enums import EvidenceKind

log = logging.getLogger(__name__)

#: tables the migrations own but the ORM models do not (the index and its shadow tables)
SEARCH_TABLES = frozenset({"evidence_text", "evidence_fts"})
#: snippet highlight markers: control characters that do not occur in typed text
MARK_START, MARK_END = "\x02", "\x03"
#: a pasted essay is not a query: only this many chunks are used
MAX_TERMS = 16
#: shortest last word matched as a prefix (one letter would match most of the store)
MIN_PREFIX = 2
SNIPPET_TOKENS = 20
#: queries with fewer matches are ranked by bm25; commoner ones list the newest first
RANK_WINDOW = 2000
#: dropped from queries that have other words too
STOPWORDS = frozenset({"a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from",
                       "has", "had", "have", "he", "her", "his", "i", "in", "is", "it", "its",
                       "of", "on", "or", "our", "she", "so", "that", "the", "their", "they",
                       "this", "to", "was", "we", "were", "with"})

_WS = re.compile(r"\s+")
#: control characters (NUL ends an FTS5 string early) count as spaces
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def is_search_table(name: str) -> bool:
    """True for the FTS tables (and FTS5's shadow tables), which Alembic must not diff."""
    return name in SEARCH_TABLES or name.startswith("evidence_fts_")


@dataclass(frozen=True)
class SearchHit:
    """One evidence item that matched; ``snippet`` carries ``MARK_START``/``MARK_END``."""

    evidence_id: str
    enrolment_id: str
    practitioner_id: str
    practitioner_name: str
    kind: EvidenceKind
    title: str
    status: str
    occurred_on: date
    snippet: str
    rank: float  # lower is better (FTS5 bm25)

    def snippet_parts(self) -> list[tuple[str, bool]]:
        """The snippet as (text, highlighted) runs, for a view to render without markers."""
        parts: list[tuple[str, bool]] = []
        for i, piece in enumerate(self.snippet.split(MARK_START)):
            if i == 0:
                head, rest = piece, ""
            else:
                head, _, rest = piece.partition(MARK_END)
                if head:
                    parts.append((head, True))
                head = rest
            if head:
                parts.append((head, False))
        return parts


def _has_token(chunk: str) -> bool:
    return any(ch.isalnum() for ch in chunk)


def _trailing_word(chunk: str) -> str:
    """The run of letters and digits the chunk ends with ("well-be" -> "be")."""
    i = len(chunk)
    while i > 0 and chunk[i - 1].isalnum():
        i -= 1
    return chunk[i:]


def match_expression(query: str) -> str | None:
    """The FTS5 query for what the user typed, or None when there is nothing to look for.

    Terms are ANDed; each chunk is a quoted phrase ("well-being" stays a phrase);
    the last one is a prefix while the user is still typing it (no space after it).
    Stop words are dropped from queries that have other words: nearly every
    document has them, and bm25 reads the whole posting list of each term.
    """
    cleaned = _CONTROL.sub(" ", query)
    raw = cleaned.split()
    chunks = [c for c in raw if _has_token(c)]
    if not chunks:
        return None
    last = chunks[-1]
    typing = (len(chunks) <= MAX_TERMS and raw[-1] is last and not cleaned[-1].isspace()
              and len(_trailing_word(last)) >= MIN_PREFIX)
    chunks = chunks[:MAX_TERMS]
    kept = [c for c in chunks if c.lower() not in STOPWORDS]
    if kept and len(kept) < len(chunks):  # "voice of the": "of" and "the" add only cost
        typing = typing and kept[-1] is chunks[-1]
        chunks = kept
    phrases = ['"' + c.replace('"', '""') + '"' for c in chunks]
    if typing:
        phrases[-1] += "*"
    return " ".join(phrases)


def _scoped(expr: str, enrolment_id: str | None) -> str:
    """User terms look at title and body only; an enrolment is a phrase on its own column."""
    scoped = "{title body} : (" + expr + ")"
    if enrolment_id is not None:
        scoped += ' AND enrolment_id : "' + enrolment_id.replace('"', '""') + '"'
    return scoped


_FLOOR = """
SELECT rowid FROM evidence_fts WHERE evidence_fts MATCH :q
ORDER BY rowid DESC LIMIT 1 OFFSET :skip
"""

_SNIPPET = f"snippet(evidence_fts, 3, '{MARK_START}', '{MARK_END}', '…', {SNIPPET_TOKENS})"
# FTS5 consumes "ORDER BY rank LIMIT n" itself, so snippet() runs for the n rows only
_RANKED = f"""
SELECT rowid, rank, {_SNIPPET} FROM evidence_fts WHERE evidence_fts MATCH :q
ORDER BY rank LIMIT :limit
"""
# FTS5 walks its posting lists newest first and stops after n rows
_NEWEST = f"""
SELECT rowid, NULL, {_SNIPPET} FROM evidence_fts
WHERE evidence_fts MATCH :q ORDER BY rowid DESC LIMIT :limit
"""

_ROWS = """
SELECT t.id, t.evidence_id, e.enrolment_id, p.id, p.name, e.kind, e.title, e.status,
       e.occurred_on
FROM evidence_text AS t
JOIN evidence AS e ON e.id = t.evidence_id
JOIN enrolment AS n ON n.id = e.enrolment_id
JOIN practitioner AS p ON p.id = n.practitioner_id
WHERE t.id IN ({ids})
  AND e.deleted_at IS NULL AND n.deleted_at IS NULL AND p.deleted_at IS NULL
"""


def _clean_snippet(s: str | None) -> str:
    return _WS.sub(" ", s or "").strip()


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def search(session: Session, query: str, *, limit: int = 50,
           enrolment_id: str | None = None) -> list[SearchHit]:
    """Best matches first; tombstoned evidence (and practitioners) never appear.

    A query with fewer than ``RANK_WINDOW`` matches is ranked by bm25 (a title
    word weighs four times a body word). A commoner one lists the newest items
    first: bm25 over 100,000 matches of "child" costs about 250 ms here, for an
    order that says little when nearly every item matches. ``rank`` is lower-is-
    better either way.
    """
    expr = match_expression(query)
    if expr is None or limit <= 0:
        return []
    q = _scoped(expr, enrolment_id)
    try:
        common = session.execute(text(_FLOOR), {"q": q, "skip": RANK_WINDOW - 1}).scalar()
        sql = _RANKED if common is None else _NEWEST
        top = session.execute(text(sql), {"q": q, "limit": int(limit)}).all()
    except exc.OperationalError as err:  # quoting makes this unreachable; never crash a search box
        if "fts5" not in str(err.orig):
            raise
        log.warning("search query rejected by FTS5 (%s terms)", expr.count('"') // 2)
        return []
    if not top:
        return []
    # bm25 is negative, lower is better; newest-first lists use their position instead
    found = {int(r[0]): (float(i if r[1] is None else r[1]), _clean_snippet(r[2]))
             for i, r in enumerate(top)}
    ids = ", ".join(str(i) for i in found)  # integers from the index, not user input
    hits = []
    for r in session.execute(text(_ROWS.format(ids=ids))):
        if enrolment_id is not None and r[2] != enrolment_id:
            continue  # the phrase match on the id's tokens is near-exact; this makes it exact
        rank, snippet = found[int(r[0])]
        hits.append(SearchHit(evidence_id=r[1], enrolment_id=r[2], practitioner_id=r[3],
                              practitioner_name=r[4], kind=EvidenceKind(r[5]), title=r[6],
                              status=r[7], occurred_on=_as_date(r[8]), snippet=snippet, rank=rank))
    hits.sort(key=lambda h: (h.rank, h.evidence_id))
    return hits


def rebuild(session: Session) -> int:
    """Rebuild the index from ``evidence_text`` (maintenance); returns the document count."""
    session.execute(text("INSERT INTO evidence_fts (evidence_fts) VALUES ('rebuild')"))
    return int(session.execute(text("SELECT count(*) FROM evidence_text")).scalar_one())


def optimize(session: Session) -> None:
    """Merge the index into one segment. FTS5 only marks a changed document's old terms as
    deleted; they stay readable in ``evidence_fts_data`` until a merge drops them, so the
    retention purge runs this after clearing text."""
    session.execute(text("INSERT INTO evidence_fts (evidence_fts) VALUES ('optimize')"))
