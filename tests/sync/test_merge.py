"""Property tests of the three-way field merge (sync/merge.py): nothing typed is ever lost."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from assessor_app.sync.merge import merge_fields

KEYS = ["notes", "title", "went_well", "_deleted"]
VALUES = st.one_of(st.sampled_from(["", "a", "b", "c", "long text\nwith lines"]), st.none(),
                   st.booleans(), st.lists(st.sampled_from(["x", "y"]), max_size=2),
                   st.dictionaries(st.sampled_from(["k"]), st.integers(0, 2), max_size=1))
ROW = st.dictionaries(st.sampled_from(KEYS), VALUES, min_size=1)


def full_row() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({k: VALUES for k in KEYS})


@st.composite
def three_versions(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """base, and two edits of it (each field kept or changed on each side)."""
    base = draw(full_row())
    server = {k: draw(st.one_of(st.just(v), VALUES)) for k, v in base.items()}
    incoming = {k: draw(st.one_of(st.just(v), VALUES)) for k, v in base.items()}
    return base, server, incoming


@given(three_versions())
def test_no_value_written_on_either_side_is_lost(v: tuple[dict, dict, dict]) -> None:  # type: ignore[type-arg]
    base, server, incoming = v
    out = merge_fields(base, server, incoming)
    hard = {h.field: h for h in out.hard}
    for k in KEYS:
        assert out.fields[k] in (server[k], incoming[k])
        if incoming[k] != base[k] and out.fields[k] != incoming[k]:
            # the device's change did not make it into the row: it is a recorded conflict
            assert hard[k].incoming == incoming[k] and hard[k].server == server[k]
            assert hard[k].base == base[k]


@given(three_versions())
def test_one_sided_changes_merge_and_only_double_changes_conflict(v: tuple[dict, dict, dict]) -> None:  # type: ignore[type-arg]
    base, server, incoming = v
    out = merge_fields(base, server, incoming)
    for k in KEYS:
        if server[k] == base[k]:
            assert out.fields[k] == incoming[k]
        elif incoming[k] == base[k] or incoming[k] == server[k]:
            assert out.fields[k] == server[k]
    assert {h.field for h in out.hard} == {
        k for k in KEYS if base[k] != server[k] != incoming[k] != base[k]}
    assert set(out.soft) == {k for k in KEYS if server[k] == base[k] != incoming[k]}


@given(three_versions())
def test_conflicting_fields_do_not_depend_on_who_came_first(v: tuple[dict, dict, dict]) -> None:  # type: ignore[type-arg]
    base, server, incoming = v
    one = merge_fields(base, server, incoming)
    other = merge_fields(base, incoming, server)
    assert {h.field for h in one.hard} == {h.field for h in other.hard}
    # outside the conflicts both orders give the same row
    for k in set(KEYS) - {h.field for h in one.hard}:
        assert one.fields[k] == other.fields[k]


@given(full_row(), full_row())
def test_replaying_the_same_edit_changes_nothing(base: dict, edit: dict) -> None:  # type: ignore[type-arg]
    once = merge_fields(base, edit, edit)
    assert once.fields == edit and once.hard == () and once.soft == ()
    again = merge_fields(base, once.fields, edit)
    assert again.fields == once.fields and again.hard == ()


@given(full_row(), full_row())
def test_without_a_common_base_every_difference_is_a_conflict(server: dict, incoming: dict) -> None:  # type: ignore[type-arg]
    out = merge_fields(None, server, incoming)
    assert out.fields == server
    assert {h.field for h in out.hard} == {k for k in KEYS if server[k] != incoming[k]}
    assert all(h.base is None for h in out.hard)


@given(ROW, ROW, ROW)
def test_fields_one_side_does_not_know_are_kept(base: dict, server: dict, incoming: dict) -> None:  # type: ignore[type-arg]
    out = merge_fields(base, server, incoming)
    for k, v in server.items():
        if k not in incoming:
            assert out.fields[k] == v  # an older device never blanks a newer field
    for k, v in incoming.items():
        if k not in server:
            assert out.fields[k] == v
    assert set(out.fields) == set(server) | set(incoming)
