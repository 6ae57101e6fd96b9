"""Sync guarantees on real devices and a real server: signed records, revoked devices, TLS,
clock skew, autosave during a sync, the employer-issued signing certificate."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from assessor_app.services.signing import verify_pdf
from assessor_app.store.models import Conflict, Evidence, Observation
from assessor_app.sync.client import TlsNotTrusted, TokenRefused
from tests.sync.devices import Devices, add_portfolio, table_contents


def _first_draft_evidence(ctx) -> str:  # type: ignore[no-untyped-def]
    with ctx.database.uow() as uow:
        return uow.session.execute(select(Evidence.id).where(Evidence.status == "draft")
                                   .order_by(Evidence.id).limit(1)).scalar_one()


def _set(ctx, model, row_id: str, **values: object) -> None:  # type: ignore[no-untyped-def]
    with ctx.database.uow("tester") as uow:
        row = uow.session.get(model, row_id)
        for k, v in values.items():
            setattr(row, k, v)
        uow.commit()


def _value(ctx, model, row_id: str, name: str):  # type: ignore[no-untyped-def]
    with ctx.database.uow() as uow:
        return getattr(uow.session.get(model, row_id), name)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_an_edit_to_a_signed_record_is_refused_and_its_text_kept(live_server, devices: Devices,  # type: ignore[no-untyped-def]
                                                                 backend: str) -> None:
    server = live_server(backend)
    server.add_user("Fictional Assessor", "assessor")
    a = devices.enrolled("a", server, "Fictional Assessor")
    b = devices.enrolled("b", server, "Fictional Assessor")
    ids = add_portfolio(a)
    ev_id = ids["evidence"][0]
    _set(a, Evidence, ev_id, status="signed", title="Signed home visit")
    a.sync.sync()
    b.sync.sync()
    _set(b, Evidence, ev_id, title="Edited after signing")
    report = b.sync.sync()
    assert (report.refused, report.conflicts) == (1, 1)
    assert _value(b, Evidence, ev_id, "title") == "Signed home visit"
    a.sync.sync()
    for ctx in (a, b):
        items = ctx.sync.conflicts()
        assert [(i.entity, i.field, i.kept_value, i.other_value) for i in items] == [
            ("evidence", "title", "Signed home visit", "Edited after signing")]
        assert items[0].record_title == "Evidence: Signed home visit"
        assert items[0].practitioner_name == "Fictional Practitioner"
    assert table_contents(a) == table_contents(b)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_revoked_device_is_refused_plainly(live_server, devices: Devices, backend: str) -> None:  # type: ignore[no-untyped-def]
    server = live_server(backend)
    server.add_user("Fictional Assessor", "assessor")
    a = devices.enrolled("a", server, "Fictional Assessor")
    add_portfolio(a)
    a.sync.sync()
    server.revoke("a laptop")
    _set(a, Evidence, add_portfolio(a, "Second Practitioner")["evidence"][0], title="After revoke")
    waiting = a.sync.status().waiting
    with pytest.raises(TokenRefused) as err:
        a.sync.sync()
    assert "enrol" in err.value.hint.lower()
    status = a.sync.status()
    assert status.waiting == waiting, "nothing was lost or marked sent"
    assert status.last_error == err.value.message
    # enrolled again with a new code, the same computer sends what waited
    def tokens() -> set[str]:
        return {k for k in a.secrets._values if k.startswith("sync-token:")}

    old_tokens = tokens()
    a.sync.enrol(server.url, server.issue_code("Fictional Assessor"), "a laptop again")
    assert len(old_tokens) == len(tokens()) == 1 and tokens() != old_tokens  # the old one went
    assert a.sync.sync().pushed == waiting
    assert a.sync.status().waiting == 0 and a.sync.status().last_error == ""


def test_tls_with_the_employer_ca_bundle(live_server, devices: Devices) -> None:  # type: ignore[no-untyped-def]
    server = live_server("sqlite", tls=True)
    server.add_user("Fictional Assessor", "assessor")
    a = devices.new("a")
    with pytest.raises(TlsNotTrusted):
        a.sync.enrol(server.url, server.issue_code("Fictional Assessor"), "laptop")
    assert not a.sync.status().configured
    status = a.sync.enrol(server.url, server.issue_code("Fictional Assessor"), "laptop",
                          ca_bundle=str(server.ca_bundle))
    assert status.configured and status.server_url.startswith("https://")
    add_portfolio(a)
    assert a.sync.sync().pushed == 1 + 1 + 4 * 3


def test_enrolment_gives_a_signing_key_that_verifies_against_the_employer_root(
        live_server, devices: Devices) -> None:  # type: ignore[no-untyped-def]
    from assessor_app.store.models import SigningIdentity
    from tests.reports.test_pdfsign import make_fielded_pdf

    server = live_server("sqlite")
    server.add_user("Fictional Assessor", "assessor")
    a = devices.enrolled("a", server, "Fictional Assessor")
    with a.database.uow() as uow:
        ident = uow.session.execute(select(SigningIdentity)).scalar_one()
        assert (ident.issuer, ident.name, ident.role) == ("employer", "Fictional Assessor",
                                                          "assessor")
        ident_id = ident.id
    signed = a.signing.sign_pdf(make_fielded_pdf(), role="assessor", identity=ident_id,
                                reason="Assessed and recommended by the assessor")
    ca_file = a.paths.root / "employer-ca.pem"
    assert ca_file.read_bytes() == server.ca_bundle.read_bytes()
    [check] = verify_pdf(signed, [ca_file]).signatures
    assert check.ok and check.trusted is True and check.signer == "Fictional Assessor"
    from assessor_app.reports.certificates import create_identity, load_trust_file

    stranger = create_identity("Someone Else", "assessor").certificate
    other_root = a.paths.root / "other.pem"
    from assessor_app.reports.certificates import cert_pem

    other_root.write_text(cert_pem(stranger))
    assert load_trust_file(other_root)
    [untrusted] = verify_pdf(signed, [other_root]).signatures
    assert untrusted.trusted is False


class _SkewedClock:
    """Moves the device's clock (audit timestamps, sync bookkeeping) by ``skew``."""

    def __init__(self) -> None:
        self.skew = timedelta(0)

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        clock = self

        class Skewed(datetime):
            @classmethod
            def now(cls, tz=None):  # type: ignore[no-untyped-def, override]
                return datetime.now(tz) + clock.skew

        monkeypatch.setattr("assessor_app.store.audit.datetime", Skewed)
        monkeypatch.setattr("assessor_app.store.sync_repo._now",
                            lambda: datetime.now(UTC) + clock.skew)
        monkeypatch.setattr("assessor_app.services.sync.datetime", Skewed)


def test_clock_skew_of_days_changes_nothing(live_server, devices: Devices,  # type: ignore[no-untyped-def]
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    clock = _SkewedClock()
    clock.install(monkeypatch)
    server = live_server("sqlite")
    server.add_user("Fictional Assessor", "assessor")
    a = devices.enrolled("a", server, "Fictional Assessor")
    b = devices.enrolled("b", server, "Fictional Assessor")
    obs_id = add_portfolio(a)["evidence"][0]
    a.sync.sync()
    b.sync.sync()
    clock.skew = timedelta(days=9)  # A's clock runs nine days fast ...
    _set(a, Observation, obs_id, notes="A, written first", went_well="A")
    clock.skew = timedelta(days=-9)  # ... B's nine days slow, and B writes later
    _set(b, Observation, obs_id, notes="B, written second", development="B")
    clock.skew = timedelta(days=9)
    a.sync.sync()
    clock.skew = timedelta(days=-9)
    assert b.sync.sync().conflicts == 1
    clock.skew = timedelta(days=9)
    a.sync.sync()
    for ctx in (a, b):  # order of arrival decides, never the clocks; nothing is lost
        assert _value(ctx, Observation, obs_id, "notes") == "A, written first"
        assert (_value(ctx, Observation, obs_id, "went_well"),
                _value(ctx, Observation, obs_id, "development")) == ("A", "B")
        [item] = ctx.sync.conflicts()
        assert (item.kept_value, item.other_value) == ("A, written first", "B, written second")
    assert table_contents(a) == table_contents(b)


def test_autosave_during_a_sync_loses_nothing(live_server, devices: Devices) -> None:  # type: ignore[no-untyped-def]
    server = live_server("sqlite")
    server.add_user("Fictional Assessor", "assessor")
    a = devices.enrolled("a", server, "Fictional Assessor", demo=True)
    b = devices.enrolled("b", server, "Fictional Assessor")
    ev_id = _first_draft_evidence(a)  # a draft (final and signed records are not autosaved)
    errors: list[BaseException] = []
    written: list[str] = []
    stop = threading.Event()

    def typist() -> None:  # the GUI's DB thread, autosaving every keystroke
        n = 0
        while not stop.is_set() and n < 400:
            n += 1
            text = f"Typed during the sync {n}"
            try:
                a.evidence.autosave(ev_id, {"title": text})
                written.append(text)
            except BaseException as exc:
                errors.append(exc)
                return

    t = threading.Thread(target=typist)
    t.start()
    try:
        a.sync.sync()
    finally:
        stop.set()
        t.join()
    assert errors == [] and len(written) > 1
    assert _value(a, Evidence, ev_id, "title") == written[-1]
    a.sync.sync()
    assert a.sync.status().waiting == 0
    b.sync.sync()
    assert _value(b, Evidence, ev_id, "title") == written[-1]
    assert table_contents(a) == table_contents(b)
    with a.database.uow() as uow:
        assert uow.session.execute(select(Conflict)).first() is None


def test_protocol_too_new_and_unreachable_server_are_plain_errors(
        live_server, devices: Devices, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from assessor_app.sync import client as sync_client
    from assessor_app.sync.client import ProtocolTooNew, ServerUnreachable
    from assessor_app.sync.protocol import PROTOCOL_VERSION

    server = live_server("sqlite")
    server.add_user("Fictional Assessor", "assessor")
    a = devices.enrolled("a", server, "Fictional Assessor")
    add_portfolio(a)
    waiting = a.sync.status().waiting
    monkeypatch.setattr(sync_client, "PROTOCOL_VERSION", 99)
    with pytest.raises(ProtocolTooNew) as err:
        a.sync.sync()
    assert "protocol 99" in err.value.message
    assert f"protocol {PROTOCOL_VERSION}" in err.value.message  # the server's own version
    monkeypatch.undo()
    server.stop()
    with pytest.raises(ServerUnreachable) as gone:
        a.sync.sync()
    assert "cannot be reached" in gone.value.message and "Traceback" not in str(gone.value)
    status = a.sync.status()
    assert status.waiting == waiting and status.last_error == gone.value.message


def test_progress_and_cancel(live_server, devices: Devices, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from assessor_app.services import sync as sync_service
    from assessor_app.services.sync import SyncProgress

    monkeypatch.setattr(sync_service, "PUSH_BATCH", 5)
    server = live_server("sqlite")
    server.add_user("Fictional Assessor", "assessor")
    a = devices.enrolled("a", server, "Fictional Assessor")
    add_portfolio(a)  # 14 rows: three batches
    seen: list[SyncProgress] = []

    def cancel_after_first_batch() -> bool:
        return any(p.phase == "push" and p.done > 0 for p in seen)

    report = a.sync.sync(seen.append, cancel_after_first_batch)
    assert report.pushed == 5 and a.sync.status().waiting == 9
    report = a.sync.sync(seen.append)
    assert report.pushed == 9 and a.sync.status().waiting == 0
    phases = [p.phase for p in seen]
    assert {"push", "pull", "files"} <= set(phases)
    assert all(0 <= p.done <= p.total for p in seen if p.phase != "pull")


def test_a_conflict_resolved_with_the_other_version(live_server, devices: Devices) -> None:  # type: ignore[no-untyped-def]
    server = live_server("sqlite")
    server.add_user("Fictional Assessor", "assessor")
    a = devices.enrolled("a", server, "Fictional Assessor")
    b = devices.enrolled("b", server, "Fictional Assessor")
    obs_id = add_portfolio(a)["evidence"][0]
    a.sync.sync()
    b.sync.sync()
    _set(a, Observation, obs_id, notes="A's text")
    _set(b, Observation, obs_id, notes="B's text")
    a.sync.sync()
    b.sync.sync()
    a.sync.sync()
    [item] = a.sync.conflicts()
    assert (item.field_label, item.other_user, item.other_device) == (
        "Notes", "Fictional Assessor", "b laptop")
    a.sync.resolve(item.id, "other")
    with pytest.raises(Exception, match="already resolved"):
        a.sync.resolve(item.id, "kept")
    assert _value(a, Observation, obs_id, "notes") == "B's text"
    a.sync.sync()
    b.sync.sync()
    assert _value(b, Observation, obs_id, "notes") == "B's text"
    assert a.sync.conflicts() == [] == b.sync.conflicts()
    assert table_contents(a) == table_contents(b)


def test_moving_to_another_server_copies_nothing_of_the_old_servers_portfolios(live_server, devices: Devices) -> None:  # type: ignore[no-untyped-def]
    """A laptop is not the way to copy records between servers (that is the employers' own
    move, server to server): enrolled with another server, it lets go of the old one's
    portfolios (all sent: with unsent changes it would not switch) and holds what the new
    server gives it."""
    old, new = live_server("sqlite"), live_server("sqlite")
    for server in (old, new):
        server.add_user("Fictional Assessor", "assessor")
    a = devices.enrolled("a", old, "Fictional Assessor")
    add_portfolio(a)
    a.sync.sync()
    status = a.sync.enrol(new.url, new.issue_code("Fictional Assessor"), "a laptop")
    assert (status.enrolment, status.waiting) == ("switched", 0)
    report = a.sync.sync()
    assert (report.pushed, report.refused) == (0, 0)
    assert all(rows == {} for rows in table_contents(a).values())
    b = devices.enrolled("b", new, "Fictional Assessor")
    b.sync.sync()
    assert table_contents(a) == table_contents(b)


def test_an_in_flight_batch_the_server_refuses_does_not_block_sync(live_server, devices: Devices) -> None:  # type: ignore[no-untyped-def]
    from assessor_app.store.sync_repo import sync_transaction

    server = live_server("sqlite")
    server.add_user("Fictional Assessor", "assessor")
    a = devices.enrolled("a", server, "Fictional Assessor")
    add_portfolio(a)
    a.sync.sync()
    ev_id = add_portfolio(a, "Second Practitioner")["evidence"][0]
    with sync_transaction(a.database) as repo:  # a batch sent once, with other rows than now
        keys = repo.dirty_keys()
        rows = repo.read_rows(keys)
        repo.set_state("push", {"batch_id": "11111111-2222-3333-4444-555555555555",
                                "rows": rows[:3]})
    server_side = devices.enrolled("b", server, "Fictional Assessor")
    import httpx

    token, _who = server.enrol("Fictional Assessor")
    r = httpx.post(f"{server.url}/v1/push", headers={"Authorization": f"Bearer {token}",
                                                      "X-Sync-Protocol": "1"},
                   json={"batch_id": "11111111-2222-3333-4444-555555555555", "rows": []})
    assert r.status_code == 200  # the id is now taken, with other rows: a replay gets 409
    report = a.sync.sync()
    assert report.refused == 0 and a.sync.status().waiting == 0
    server_side.sync.sync()
    assert ev_id in table_contents(server_side)["evidence"]
    assert table_contents(a) == table_contents(server_side)
