"""Which version of a document's annotations stands for it in an export.

A document may hold the model's predictions, several people's own annotations, a reviewer's
correction of each (the original kept) and one adjudicated version. In order: the accepted
adjudicated version; else the people's accepted work, each replaced by its reviewed version
where there is one, standing only if they agree. Disagreements and failed, uncorrected work
are held back with a reason, never exported silently.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from annotate.spans import Span

OWN = "annotation"  # a person's own work (or, annotator None, the model's)
REVIEWED = "reviewed"  # a reviewer's correction of one person's work, based on it
ADJUDICATED = "adjudicated"  # several people's work settled into one
KINDS = (OWN, REVIEWED, ADJUDICATED)


@dataclass(frozen=True)
class Version:
    annotation_id: int
    annotator: str | None  # None: the model's predictions
    kind: str
    status: str
    based_on: int | None = None
    verdict: str | None = None  # the review of this annotation, if it was drawn


@dataclass(frozen=True)
class HeldBack:
    document_id: int
    reason: str


def standing(
    document_id: int, versions: Sequence[Version], status: str,
    spans: Mapping[int, Sequence[Span]],
) -> Version | HeldBack | None:
    """The version that stands for the document among those in `status` ("any": whatever
    the document holds), a reason it is held back, or None when nothing is in that status.

    `spans` needs the spans of people's versions only where two or more compete.
    """
    adjudicated = next((v for v in versions if v.kind == ADJUDICATED), None)
    if adjudicated and status in (adjudicated.status, "any"):
        return adjudicated
    people = [v for v in versions if v.kind == OWN and v.annotator is not None
              and status in (v.status, "any")]
    if not people:
        if status not in ("any", "pending") or any(v.annotator for v in versions):
            return None
        return next((v for v in versions if v.annotator is None), None)  # untouched
    corrected = {v.based_on: v for v in versions if v.kind == REVIEWED}
    candidates = [corrected.get(v.annotation_id, v) for v in people]
    if status != "accepted":  # work in progress: the latest stands, as it is
        return candidates[-1]
    failed = [v.annotator for v in candidates if v.kind == OWN and v.verdict == "fail"]
    candidates = [v for v in candidates if v.kind == REVIEWED or v.verdict != "fail"]
    if not candidates:
        return HeldBack(document_id, f"{', '.join(failed)}'s work failed review and has not "
                                     "been corrected")
    if len({tuple(spans.get(v.annotation_id, ())) for v in candidates}) > 1:
        names = ", ".join(sorted(v.annotator for v in candidates))
        unfinished = " (adjudication unfinished)" if adjudicated else ""
        return HeldBack(document_id, f"annotators disagree ({names}){unfinished}; "
                                     "adjudicate it first")
    reviewed = [v for v in candidates if v.kind == REVIEWED]
    return (reviewed or candidates)[-1]
