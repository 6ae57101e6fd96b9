"""The rules an open editor saves and reloads by (``domain.edit_merge``), property-tested:
whatever the editor, the store and the base hold, no value anyone wrote is lost."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from assessor_app.domain.edit_merge import align, flatten, merge_edit, reconcile, unflatten

NAMES = st.sampled_from(["notes", "title", "comments.manager", "comments.assessor"])
TEXTS = st.sampled_from(["", "a", "b", "c"])
VALUES = st.dictionaries(NAMES, TEXTS, min_size=1)


@given(VALUES, VALUES, VALUES)
def test_a_save_loses_nothing_anyone_wrote(base: dict[str, str], stored: dict[str, str],
                                           mine: dict[str, str]) -> None:
    was, now, new = align(base, stored, mine)
    result = merge_edit(was, now, new)
    record = {**now, **result.write}
    others = {c.field: c.theirs for c in result.conflicts}
    for name, value in new.items():
        # the editor's value is in the record, or the record kept a newer value the editor
        # had not changed (its value was still the base)
        assert record[name] == value or (name in result.taken and value == was[name])
    for name, value in now.items():
        # what the store held is still in the record, or kept in a conflict, or was the
        # base the editor changed (only the editor changed it)
        assert record[name] == value or others.get(name) == value or value == was[name]
    for c in result.conflicts:
        assert c.mine != c.theirs and c.theirs != c.base and c.mine != c.base


def test_without_a_base_every_value_is_written_as_before() -> None:
    assert merge_edit(None, {"notes": "theirs"}, {"notes": "mine"}).write == {"notes": "mine"}


@given(VALUES, VALUES, VALUES, st.frozensets(NAMES))
def test_a_reload_never_replaces_typing(base: dict[str, str], stored: dict[str, str],
                                        current: dict[str, str], busy: frozenset[str]) -> None:
    was, now, shown = align(base, stored, current)
    result = reconcile(was, now, shown, busy)
    for name in result.show:
        assert shown[name] == was[name] and name not in busy  # the person had not touched it
        assert result.base[name] == now[name]
    for name in result.kept:
        assert now[name] != was[name] and result.base[name] == was[name]  # the save will see it


def test_flatten_round_trips_and_keeps_each_key_apart() -> None:
    values = {"reasons": "r", "comments": {"manager": "m", "assessor": ""}}
    flat = flatten(values, ("comments",))
    assert flat == {"reasons": "r", "comments.manager": "m", "comments.assessor": ""}
    assert unflatten(flat, ("comments",)) == values
    assert unflatten({"reasons": "r"}, ("comments",)) == {"reasons": "r", "comments": {}}
