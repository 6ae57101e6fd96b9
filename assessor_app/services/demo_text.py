"""Phrase banks for the demo cohort (resources/demo/*.yaml), drawn with a seeded RNG.

Text lives in YAML so it can be read and corrected like prose, and so the code
only decides *which* phrases go together. Decks deal phrases without repeats
within one practitioner's portfolio, so two observations rarely read the same.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_banks(folder: Path) -> dict[str, Any]:
    """Every ``*.yaml`` in ``folder`` keyed by file stem ("observations", ...)."""
    banks: dict[str, Any] = {}
    for path in sorted(folder.glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            banks[path.stem] = yaml.load(fh, Loader=_Loader)
    return banks


class Phrases:
    """Look-ups by dotted path plus seeded draws; one instance per practitioner."""

    def __init__(self, banks: Mapping[str, Any], rng: random.Random) -> None:
        self._banks = banks
        self.rng = rng
        self._decks: dict[str, list[Any]] = {}

    def get(self, path: str) -> Any:
        node: Any = self._banks
        for part in path.split("."):
            node = node[part]
        return node

    def pick(self, path: str) -> Any:
        return self.rng.choice(self.get(path))

    def deal(self, path: str) -> Any:
        """Next item of a shuffled deck; reshuffles when the deck runs out."""
        return self.deal_from(path, self.get(path))

    def deal_from(self, key: str, items: Sequence[Any]) -> Any:
        """Like ``deal`` for a list found inside another entry, named by ``key``."""
        deck = self._decks.get(key)
        if not deck:
            deck = list(items)
            self.rng.shuffle(deck)
            self._decks[key] = deck
        return deck.pop()

    def deal_many(self, path: str, k: int) -> list[Any]:
        """``k`` distinct items where the bank has enough of them."""
        size = len(self.get(path))
        out: list[Any] = []
        for _ in range(k):
            item = self.deal(path)
            if item in out and len(out) < size:
                item = self.deal(path)
            out.append(item)
        return out

    def sentences(self, path: str, k: int, sep: str = " ") -> str:
        return sep.join(self.deal_many(path, k))


def weighted_sample(rng: random.Random, items: Sequence[str], weights: Sequence[float],
                    k: int) -> list[str]:
    """Up to ``k`` distinct items, each draw proportional to its weight (zero: never)."""
    pool = [(i, w) for i, w in zip(items, weights, strict=True) if w > 0]
    out: list[str] = []
    while pool and len(out) < k:
        total = sum(w for _, w in pool)
        r = rng.random() * total
        for idx, (item, w) in enumerate(pool):
            r -= w
            if r <= 0 or idx == len(pool) - 1:
                out.append(item)
                del pool[idx]
                break
    return out
