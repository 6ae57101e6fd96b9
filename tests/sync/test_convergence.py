"""Three devices and one server, driven by hypothesis: whatever they do offline, after they
all sync they hold the same rows and every text anyone wrote without having seen it
replaced survives (in the record, merged, or in a listed conflict)."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from assessor_app.app import AppContext, open_context
from assessor_app.keystore import MemorySecretStore
from assessor_app.paths import DataPaths
from assessor_app.store.models import Conflict, Evidence, Observation
from tests.sync.devices import add_portfolio, table_contents

FIELDS = ("notes", "went_well")
DEVICES = 3


@pytest.fixture(scope="module")
def world(live_server_module, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:  # type: ignore[no-untyped-def]
    server = live_server_module("sqlite")
    base = tmp_path_factory.mktemp("convergence")
    secrets = MemorySecretStore()
    template = base / "template"
    open_context(DataPaths(template), secrets=secrets).close()  # an empty, migrated store
    yield {"server": server, "base": base, "template": template, "secrets": secrets}


class ThreeDevices(RuleBasedStateMachine):
    world: dict[str, Any] = {}

    @initialize()
    def setup(self) -> None:
        w = self.world
        self.user = f"Assessor {uuid.uuid4().hex[:8]}"
        w["server"].add_user(self.user, "assessor")
        self.folder: Path = w["base"] / uuid.uuid4().hex[:8]
        self.devices: list[AppContext] = []
        for i in range(DEVICES):
            dest = self.folder / f"d{i}"
            shutil.copytree(w["template"], dest)
            ctx = open_context(DataPaths(dest), create=False, secrets=w["secrets"])
            self.devices.append(ctx)
            ctx.sync.enrol(w["server"].url, w["server"].issue_code(self.user), f"device {i}")
        ids = add_portfolio(self.devices[0], evidence=2)
        self.enrolment = ids["enrolment"]
        self.evidence: list[str] = list(ids["evidence"])
        for ctx in self.devices:
            ctx.sync.sync()
        self.must_survive: set[str] = {f"Notes of visit {i + 1}" for i in range(2)}
        self.n = 0

    def teardown(self) -> None:
        for ctx in getattr(self, "devices", []):
            ctx.close()

    def _text(self, device: int) -> str:
        self.n += 1
        return f"text {self.n} from device {device}"

    @rule(device=st.integers(0, DEVICES - 1), which=st.integers(0, 1), field=st.sampled_from(FIELDS))
    def edit(self, device: int, which: int, field: str) -> None:
        ctx = self.devices[device]
        ev_id = self.evidence[which % len(self.evidence)]
        text = self._text(device)
        with ctx.database.uow("tester") as uow:
            obs = uow.session.get(Observation, ev_id)
            if obs is None:
                return  # this device has not received it yet
            # the writer saw what they replaced
            self.must_survive.difference_update(getattr(obs, field).split("\n"))
            setattr(obs, field, text)
            uow.commit()
        self.must_survive.add(text)

    @rule(device=st.integers(0, DEVICES - 1))
    def add_evidence(self, device: int) -> None:
        from datetime import date

        ctx = self.devices[device]
        text = self._text(device)
        with ctx.database.uow("tester") as uow:
            if not self._has_enrolment(uow):
                return
            ev = Evidence(enrolment_id=self.enrolment, kind="observation",
                          occurred_on=date(2026, 11, 1), title="Added offline")
            uow.add(ev)
            uow.session.flush()
            uow.add(Observation(id=ev.id, evidence_id=ev.id, notes=text))
            uow.commit()
            self.evidence.append(ev.id)
        self.must_survive.add(text)

    def _has_enrolment(self, uow: Any) -> bool:
        from assessor_app.store.models import Enrolment

        return uow.session.get(Enrolment, self.enrolment) is not None

    @rule(device=st.integers(0, DEVICES - 1), which=st.integers(0, 5))
    def delete_evidence(self, device: int, which: int) -> None:
        from datetime import UTC, datetime

        ctx = self.devices[device]
        with ctx.database.uow("tester") as uow:
            ev = uow.session.get(Evidence, self.evidence[which % len(self.evidence)])
            if ev is not None and ev.deleted_at is None:
                ev.deleted_at = datetime.now(UTC)
                uow.commit()

    @rule(device=st.integers(0, DEVICES - 1))
    def sync(self, device: int) -> None:
        self.devices[device].sync.sync()

    @rule(device=st.integers(0, DEVICES - 1))
    def resolve_by_merging(self, device: int) -> None:
        ctx = self.devices[device]
        items = [i for i in ctx.sync.conflicts() if i.entity == "observation"]
        if items:
            item = items[0]
            ctx.sync.resolve(item.id, "merged", f"{item.kept_value}\n{item.other_value}")

    @invariant()
    def nothing_is_lost_locally(self) -> None:
        if hasattr(self, "devices"):
            missing = self.must_survive - self._texts()
            assert not missing, f"texts lost: {sorted(missing)}"

    def _texts(self) -> set[str]:
        """Every text held on any device: observation fields, open conflicts' values."""
        out: set[str] = set()
        for ctx in self.devices:
            with ctx.database.uow() as uow:
                s = uow.session
                for obs in s.execute(select(Observation)).scalars():
                    for f in FIELDS:
                        out.update(getattr(obs, f).split("\n"))
                for c in s.execute(select(Conflict).where(Conflict.resolution == "")).scalars():
                    for v in (c.kept_value, c.other_value):
                        if isinstance(v, str):
                            out.update(v.split("\n"))
        return out

    def check_convergence(self) -> None:
        for _ in range(3):
            for ctx in self.devices:
                ctx.sync.sync()
        first = table_contents(self.devices[0])
        for ctx in self.devices[1:]:
            assert table_contents(ctx) == first
        for ctx in self.devices:
            assert ctx.sync.status().waiting == 0
        missing = self.must_survive - self._texts()
        assert not missing, f"texts lost after convergence: {sorted(missing)}"
        with self.devices[0].database.uow() as uow:
            ConvergingDevices.conflicts_seen += len(uow.session.execute(select(Conflict.id)).all())


class ConvergingDevices(ThreeDevices):
    conflicts_seen = 0

    def teardown(self) -> None:
        try:
            if hasattr(self, "devices"):
                self.check_convergence()
        finally:
            super().teardown()


def test_three_devices_and_a_server_converge(world: dict[str, Any]) -> None:
    ConvergingDevices.world = world
    run_state_machine_as_test(ConvergingDevices, settings=settings(
        max_examples=8, stateful_step_count=12, deadline=None, derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
    assert ConvergingDevices.conflicts_seen > 0, "the examples made devices disagree"
