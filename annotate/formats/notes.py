"""What a reader left out of a file without refusing it: counted per reason, with the first
few places, so that the import can say so instead of passing over it without a word."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

PLACES_KEPT = 5  # per reason: enough to find the records, short enough to print


@dataclass
class ImportNotes:
    """Filled by a reader given one (`read_labelstudio(path, report=notes)`); one per file
    or one for a whole import, as the caller likes."""

    counts: Counter = field(default_factory=Counter)  # reason -> how many times
    places: dict[str, list[str]] = field(default_factory=dict)  # reason -> first places

    def note(self, reason: str, place: str, times: int = 1) -> None:
        self.counts[reason] += times
        kept = self.places.setdefault(reason, [])
        if len(kept) < PLACES_KEPT:
            kept.append(place)

    def __bool__(self) -> bool:
        return bool(self.counts)

    def lines(self) -> list[str]:
        """One line per reason, most frequent first: `3 × <reason> (file:1 (task 1), …)`."""
        found = []
        for reason, count in sorted(self.counts.items(), key=lambda item: (-item[1], item[0])):
            places = self.places.get(reason, [])
            more = ", …" if count > len(places) else ""
            found.append(f"{count} × {reason} ({', '.join(places)}{more})")
        return found
