"""Spot-check samples: stratified by annotator, reproducible for a seed."""
from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from typing import Hashable, Sequence


def stratified_sample(
    items: Sequence[tuple[str, Hashable]], n: int | None = None,
    fraction: float | None = None, seed: int = 0,
) -> list[Hashable]:
    """Keys drawn from (stratum, key) items, each stratum in proportion to its size.

    Every stratum with items gets at least one, so every annotator with accepted work is
    checked; the rest follow the largest remainders. Within a stratum the order is a seeded
    hash of each key: the same seed draws the same sample, whatever order the items come in.
    """
    if (n is None) == (fraction is None):
        raise ValueError("give either a number of items or a fraction, not both")
    if fraction is not None and not 0 < fraction <= 1:
        raise ValueError(f"the fraction must be in (0, 1], not {fraction}")
    strata: dict[str, list[Hashable]] = defaultdict(list)
    for stratum, key in items:
        strata[stratum].append(key)
    total = sum(len(keys) for keys in strata.values())
    if total == 0:
        return []
    wanted = min(total, n if n is not None else math.ceil(fraction * total))
    wanted = max(wanted, len(strata))  # at least one from every stratum
    counts = _allocate(wanted, {s: len(keys) for s, keys in strata.items()})

    def rank(key: Hashable) -> bytes:
        return hashlib.sha256(f"{seed}:{key}".encode()).digest()

    chosen = []
    for stratum in sorted(strata):
        chosen += sorted(strata[stratum], key=rank)[: counts[stratum]]
    return chosen


def _allocate(wanted: int, sizes: dict[str, int]) -> dict[str, int]:
    """One per stratum, then the rest in proportion to what each has left, by largest
    remainder: exactly `wanted` in all, never more than a stratum holds."""
    counts = {stratum: 1 for stratum in sizes}
    spare = {stratum: size - 1 for stratum, size in sizes.items()}
    remaining, spare_total = wanted - len(sizes), sum(spare.values())
    if remaining <= 0 or spare_total == 0:
        return counts
    shares = {s: remaining * spare[s] / spare_total for s in sizes}
    for stratum, share in shares.items():
        counts[stratum] += math.floor(share)
    leftover = remaining - sum(math.floor(share) for share in shares.values())
    by_remainder = sorted(sizes, key=lambda s: (math.floor(shares[s]) - shares[s], s))
    for stratum in by_remainder[:leftover]:
        counts[stratum] += 1
    return counts
