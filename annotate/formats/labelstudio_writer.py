"""Label Studio's JSON export, written: one task per document, as Label Studio exports a
project with overlap. The model's spans go to `predictions` (one per `model_version`);
each person's work to an annotation with its `completed_by`; the adjudicated version to an
annotation marked `ground_truth` (Label Studio's flag for a task's reference annotation).

What a Label Studio import kept in the document's meta under `labelstudio` (task,
annotation and result ids, user objects, which keys were data, the task's own `meta`, the
labeling config's names, the ground-truth flags) is written back.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

from annotate.document import ExportableDocument, ExportReport, complete_only
from annotate.formats.checks import IMPORT_SOURCE
from annotate.formats.labelstudio import (
    NAMES, NUMBERED_USER, RESERVED, SPAN_TYPE, TEXT_KEY, scalar, span_key,
)
from annotate.spans import Span

# Label Studio has one way to finish a task without work: cancel (skip) it. A rejected
# annotation is written so too, rather than as work that would come back accepted.
CANCELLED = ("skipped", "rejected")


def write_labelstudio(documents: Iterable[ExportableDocument], path: Path) -> ExportReport:
    """One task per document, written a task at a time.

    A document with all its work (store.all_work.DocumentWork: `predictions` and `work`)
    gives every version at once. Otherwise it is one version: the model's spans (its
    `annotator` is None) go to `predictions`, anyone's work to one annotation. The report
    counts every span written."""
    report = ExportReport()
    with open(path, "w", encoding="utf-8") as out:
        out.write("[")
        for number, document in enumerate(complete_only(documents, report), start=1):
            task = _task(number, document, report)
            out.write(("\n" if number == 1 else ",\n") + json.dumps(task, ensure_ascii=False))
            report.documents += 1
            report.spans += sum(len(result["value"]["labels"])
                                for key in ("annotations", "predictions")
                                for block in task.get(key, ()) for result in block["result"])
        out.write("\n]\n")
    return report


def _task(number: int, document, report: ExportReport) -> dict:
    meta = dict(document.meta)
    kept = meta.pop(RESERVED, None)
    kept = kept if isinstance(kept, dict) else {}
    data_keys = [k for k in kept.get("data_keys", ()) if isinstance(k, str) and k in meta]
    data = {TEXT_KEY: document.text, **{k: meta.pop(k) for k in data_keys if k != TEXT_KEY}}
    hidden = kept.get("meta")
    task_meta = {**meta, **(hidden if isinstance(hidden, dict) else {})}
    task: dict = {"id": kept.get("task_id", number), "data": data}
    if task_meta:
        task["meta"] = task_meta
    names = kept.get("names")
    if not (isinstance(names, list) and len(names) == 2
            and all(isinstance(n, str) for n in names)):
        names = NAMES
    write = _Writing(number, document.text, kept, names)
    work = getattr(document, "work", None)
    if work is not None:
        # Label Studio has no "unknown": partial work would read as complete, so it stays out
        complete = [w for w in work if not getattr(w, "partial", False)]
        report.partial_held_back += len(complete) < len(work)
        task["annotations"] = write.annotations(complete)
        task["predictions"] = write.predictions(document.predictions or ())
        return task
    # A TextDocument has no annotator: its spans are written as an annotation, as before.
    annotator = getattr(document, "annotator", "")
    if annotator is None:
        task["predictions"] = write.predictions(document.spans)
    else:
        task["annotations"] = [write.annotation(annotator, document.spans, document.status)]
    return task


class _Writing:
    """Writes the blocks of one task: what it needs to know of the document."""

    def __init__(self, number: int, text: str, kept: dict, names):
        self.number, self.text, self.kept, self.names = number, text, kept, names

    def annotations(self, work) -> list[dict]:
        """Each person's work, then the reference (ground-truth) annotations.

        Goldspan's adjudicated version is the reference where there is one; else whatever
        Label Studio had marked so (kept by name on import). Work people agree on without
        adjudication is not marked: its annotations are all the same, and picking one
        would say more than Goldspan knows. The reference goes last, so a file read back
        and written again comes out in the same order."""
        adjudicated = any(w.adjudicated for w in work)
        marked = self.kept.get("ground_truth")
        marked = set(marked) if isinstance(marked, list) else set()
        written = []
        for w in work:
            reference = w.adjudicated if adjudicated else w.annotator in marked
            # The adjudicated version is no one's own annotation: it takes none of the
            # ids kept under its adjudicator's name.
            block = self.annotation(w.annotator, w.spans, w.status, own=not w.adjudicated)
            block["ground_truth"] = reference
            written.append(block)
        return sorted(written, key=lambda block: block["ground_truth"])  # stable

    def annotation(self, annotator: str, spans, status: str, own: bool = True) -> dict:
        block: dict = {}
        annotation_id = _mapping(self.kept, "annotation_ids").get(annotator) if own else None
        if annotation_id is not None:
            block["id"] = annotation_id
        completed_by = _completed_by(annotator, _mapping(self.kept, "completed_by"))
        if completed_by is not None:
            block["completed_by"] = completed_by
        ids = _mapping(_mapping(self.kept, "result_ids"), annotator) if own else {}
        block["result"] = self.results(spans, ids)
        block["was_cancelled"] = status in CANCELLED
        return block

    def predictions(self, spans: Iterable[Span]) -> list[dict]:
        by_source: dict[str, list[Span]] = {}
        for span in spans:
            by_source.setdefault(span.source or IMPORT_SOURCE, []).append(span)
        ids = _mapping(self.kept, "prediction_result_ids")
        about = _mapping(self.kept, "predictions")
        predictions = []
        for source, found in by_source.items():
            prediction = {k: v for k, v in _mapping(about, source).items()
                          if k in ("id", "score")}
            prediction["model_version"] = source
            prediction["result"] = self.results(found, ids)
            predictions.append(prediction)
        return predictions

    def results(self, spans: Iterable[Span], ids: dict) -> list[dict]:
        """A `labels` result per span; spans that were one result in the source (one region
        with several labels) are one result again."""
        results: dict[tuple, dict] = {}
        for index, span in enumerate(spans, start=1):
            known = ids.get(span_key(span))
            known = known if scalar(known) else None
            key = (known, span.start, span.end) if known is not None else (index,)
            if key in results:
                results[key]["value"]["labels"].append(span.label)
                continue
            results[key] = {"id": known if known is not None else f"{self.number}-{index}",
                            "from_name": self.names[0], "to_name": self.names[1],
                            "type": SPAN_TYPE,
                            "value": {"start": span.start, "end": span.end,
                                      "text": span.text(self.text), "labels": [span.label]}}
        return list(results.values())


def _completed_by(annotator: str, originals: dict):
    """What Label Studio called the annotator: the user it gave (kept by name), the user id
    behind a `labelstudio-user-N` name, or the name as an e-mail; none for "labelstudio"."""
    if annotator in originals:
        return originals[annotator]
    if not annotator or annotator == "labelstudio":
        return None
    numbered = NUMBERED_USER.fullmatch(annotator)
    return int(numbered.group(1)) if numbered else {"email": annotator}


def _mapping(holder: dict, key) -> dict:
    found = holder.get(key) if isinstance(holder, dict) else None
    return found if isinstance(found, dict) else {}
