"""Standards links of one piece of evidence: round trip, tombstones, coverage, final refuses."""

from __future__ import annotations

import pytest

from assessor_app.app import AppContext
from assessor_app.errors import UsageError
from assessor_app.services.evidence import StandardLinkDTO
from assessor_app.store.models import StandardLink
from tests.review_demo import TODAY  # the date the shared demo_folder is made for
from tests.services.test_evidence import sample


def _items(ctx: AppContext, enrolment: str, fw: str, code: str) -> int:
    cov = ctx.practitioners.page(enrolment, TODAY).sufficiency.coverage
    return next(c.items for c in cov if c.framework_id == fw and c.code == code)


def _rows(ctx: AppContext, eid: str) -> list[StandardLink]:
    with ctx.database.uow() as uow:
        rows = list(uow.session.query(StandardLink).filter(StandardLink.evidence_id == eid))
        uow.session.expunge_all()
    return rows


def test_links_round_trip_tombstone_and_change_coverage(ctx: AppContext) -> None:
    enrolment = ctx.list_rows(TODAY)[0].enrolment_id
    eid = ctx.evidence.create(enrolment, "reflection", TODAY)
    ctx.evidence.autosave(eid, {k: v for k, v in sample("reflection").items()
                                if k != "occurred_on"})
    offered = ctx.evidence.links(eid)
    assert offered.links == () and len(offered.frameworks) >= 2
    fw1, fw2 = offered.frameworks[0], offered.frameworks[1]
    a = StandardLinkDTO(fw1.id, fw1.statements[0].code, "Used a genogram")
    b = StandardLinkDTO(fw2.id, fw2.statements[-1].code, "Clear analysis")
    before_a = _items(ctx, enrolment, a.framework_id, a.statement_code)
    before_b = _items(ctx, enrolment, b.framework_id, b.statement_code)

    saved = ctx.evidence.set_links(eid, [a, b])
    again = ctx.evidence.links(eid)
    assert again == saved
    got = {(x.framework_id, x.statement_code): (x.comment, x.framework_version)
           for x in again.links}
    assert got == {(a.framework_id, a.statement_code): ("Used a genogram", fw1.version),
                   (b.framework_id, b.statement_code): ("Clear analysis", fw2.version)}

    ctx.evidence.finalise(eid)
    assert _items(ctx, enrolment, a.framework_id, a.statement_code) == before_a + 1
    assert _items(ctx, enrolment, b.framework_id, b.statement_code) == before_b + 1

    with pytest.raises(UsageError):  # final evidence refuses, like autosave
        ctx.evidence.set_links(eid, [a])
    assert len(ctx.evidence.links(eid).links) == 2

    ctx.evidence.reopen(eid)
    edited = StandardLinkDTO(a.framework_id, a.statement_code, "Genogram, and ecomap")
    ctx.evidence.set_links(eid, [edited])  # b unticked, a's comment changed
    ctx.evidence.finalise(eid)
    assert [(x.statement_code, x.comment) for x in ctx.evidence.links(eid).links] == \
        [(a.statement_code, "Genogram, and ecomap")]
    assert _items(ctx, enrolment, a.framework_id, a.statement_code) == before_a + 1
    assert _items(ctx, enrolment, b.framework_id, b.statement_code) == before_b

    rows = _rows(ctx, eid)  # the removed link is a tombstone, not deleted
    assert len(rows) == 2
    gone = [r for r in rows if r.statement_code == b.statement_code]
    assert len(gone) == 1 and gone[0].deleted_at is not None


def test_a_statement_outside_the_frameworks_is_refused(ctx: AppContext) -> None:
    eid = ctx.evidence.create(ctx.list_rows(TODAY)[0].enrolment_id, "reflection", TODAY)
    with pytest.raises(UsageError):
        ctx.evidence.set_links(eid, [StandardLinkDTO("no-such", "X-1", "")])
