"""Short forms of titles for narrow places; the full title always goes in the tooltip."""

from __future__ import annotations

from assessor_app.domain.enums import DueKind
from assessor_app.domain.timeline import DueItem


def short_label(item: DueItem) -> str:
    """'3-month review' → '3 months'; the tooltip carries the full title."""
    title = item.title
    if item.kind is DueKind.MODERATION:
        return "Moderation"
    if item.kind is DueKind.FINAL_REVIEW:
        return "Final review"
    return title.replace(" review", "").replace("-month", " months").strip() or title


def short_stage_title(title: str) -> str:
    """'Development (months 6–12)' → 'Development', for bands too narrow for the whole title."""
    return title.split(" (", 1)[0].strip() or title
