"""Which version of a document's annotations stands for it in an export.

A document may hold the model's predictions, several people's own annotations, a reviewer's
correction of each (the original kept) and one adjudicated version. In order: the accepted
adjudicated version; else the people's accepted work, each replaced by its reviewed version
where there is one, standing only if they agree. Disagreements and failed, uncorrected work
are held back with a reason, never exported silently.
"""
from __future__ import annotations

import json
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
    revision: int = 0
    # Adjudicated versions: the inputs' revisions when it was last written, as JSON
    # {annotation id: revision}; None for one made before Goldspan kept it.
    basis: str | None = None


@dataclass(frozen=True)
class HeldBack:
    document_id: int
    reason: str


def standing(
    document_id: int, versions: Sequence[Version], status: str,
    spans: Mapping[int, Sequence[Span]], quota: int = 1,
) -> Version | HeldBack | None:
    """The version that stands for the document among those in `status` ("any": whatever
    the document holds), a reason it is held back, or None when nothing is in that status.

    Accepted work is held back while an adjudication is stale (its inputs changed since it
    was written) or while fewer people than `quota` (the dataset's annotators per document)
    accepted it. `spans` needs the spans of people's versions only where two or more compete.
    """
    adjudicated = next((v for v in versions if v.kind == ADJUDICATED), None)
    if adjudicated and status in (adjudicated.status, "any"):
        changed = _changed_since(adjudicated, versions) if status == "accepted" else []
        if changed:
            return HeldBack(document_id, f"it was adjudicated before {', '.join(changed)} "
                                         "changed their work; adjudicate it again")
        return adjudicated
    people = [v for v in versions if v.kind == OWN and v.annotator is not None
              and status in (v.status, "any")]
    if status == "accepted" and people and len(people) < quota:
        waiting = sorted(v.annotator for v in versions if v.kind == OWN and v.annotator
                         and v.status == "pending")
        still = f" ({', '.join(waiting)} still working)" if waiting else ""
        return HeldBack(document_id, f"{len(people)} of the {quota} annotators it needs have "
                                     f"accepted it{still}")
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


def _changed_since(adjudicated: Version, versions: Sequence[Version]) -> list[str]:
    """Who changed, accepted or withdrew work the adjudicated version was made from."""
    if adjudicated.basis is None:
        return []
    basis = {int(ann_id): revision for ann_id, revision in json.loads(adjudicated.basis).items()}
    inputs = {v.annotation_id: v for v in versions if v.annotator is not None
              and v.kind in (OWN, REVIEWED) and v.status == "accepted"}
    now = {ann_id: v.revision for ann_id, v in inputs.items()}
    moved = {ann_id for ann_id in set(basis) | set(now) if basis.get(ann_id) != now.get(ann_id)}
    names = {v.annotation_id: v.annotator for v in versions}
    return sorted({names.get(ann_id) or f"annotation {ann_id}" for ann_id in moved})
