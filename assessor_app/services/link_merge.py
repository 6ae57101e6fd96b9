"""An evidence editor's standards links saved against the links it showed (its base).

Per link (by framework and statement), comment and strength are merged by the rules of
``domain.edit_merge``: a link another device added, removed or commented meanwhile stays
as it is unless the editor changed that link too; then the editor's version is kept and
the other goes into a conflict row (``comment``, ``strength``, or ``_deleted`` when one
side removed the link the other changed).
"""

from __future__ import annotations

from assessor_app.domain.edit_merge import align, merge_edit

_Link = tuple[str, str, int]  # (framework version, comment, strength)


Key = tuple[str, str]  # (framework id, statement code)
Conflict = tuple[Key, str, object, object, object]  # (link, field, mine, theirs, base)


def merge_links(base: dict[Key, _Link], stored: dict[Key, _Link],
                mine: dict[Key, _Link]) -> tuple[dict[Key, _Link], list[Conflict]]:
    """The links to keep when the editor changed ``base`` into ``mine`` and the store holds
    ``stored`` (``domain.edit_merge`` per link, by comment and strength), and the conflicts:
    (link, field, mine, theirs, base) with field "comment", "strength" or "_deleted"."""
    def view(links: dict[Key, _Link]) -> dict[str, object]:
        return {f"{fw}\x1f{code}": (v[1], v[2]) for (fw, code), v in links.items()}

    was, now, new = align(view(base), view(stored), view(mine))
    merged = merge_edit(was, now, new)
    keys = {f"{fw}\x1f{code}": (fw, code) for fw, code in (*base, *stored, *mine)}
    out: dict[Key, _Link] = {}
    for name, value in {**now, **merged.write}.items():
        if value is not None:
            key = keys[name]
            version = (mine.get(key) or stored.get(key) or base[key])[0]
            out[key] = (version, *value)  # type: ignore[misc]
    conflicts: list[Conflict] = []
    for c in merged.conflicts:
        key = keys[c.field]
        if c.mine is None or c.theirs is None:  # removed on one side, changed on the other
            conflicts.append((key, "_deleted", c.mine is None, c.theirs is None, False))
            continue
        for i, field in ((0, "comment"), (1, "strength")):
            if c.mine[i] != c.theirs[i]:  # type: ignore[index]
                conflicts.append((key, field, c.mine[i], c.theirs[i],  # type: ignore[index]
                                  c.base[i] if c.base is not None else None))  # type: ignore[index]
    return out, conflicts
