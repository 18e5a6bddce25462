"""A train/dev split that the same seed reproduces, whatever order documents are stored in."""
from __future__ import annotations

import hashlib
from typing import Iterable


def dev_set(content_hashes: Iterable[str], fraction: float, seed: int) -> set[str]:
    """Exactly round(n * fraction) of the documents, picked by a seeded hash of their text."""
    if not 0 < fraction < 1:
        raise ValueError(f"the dev fraction must be between 0 and 1, not {fraction}")
    unique = set(content_hashes)
    ranked = sorted(unique, key=lambda h: hashlib.sha256(f"{seed}:{h}".encode()).digest())
    return set(ranked[: round(len(ranked) * fraction)])
