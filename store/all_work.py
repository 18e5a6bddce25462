"""Every version of each exported document at once: the model's spans and each person's
work, for formats that carry them all side by side (Label Studio's tasks hold every
annotation and prediction of a document).

Which documents go out is decided as for every export (store.queries.current_documents:
the document's standing version is in the asked status); this module only adds, to each of
them, what everyone did.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from annotate.spans import Span
from annotate.versions import ADJUDICATED, OWN, REVIEWED
from store.models import Annotation
from store.queries import PAGE, current_documents, spans_of_annotations
from store.records import CurrentDocument


@dataclass(frozen=True)
class PersonWork:
    """One person's version of a document, as it is to be exported."""

    annotator: str  # for the adjudicated version: the adjudicator
    spans: tuple[Span, ...]
    status: str
    adjudicated: bool = False  # the document's adjudicated version, not someone's own work
    partial: bool = False  # Prodigy's binary answers: tokens outside the spans are unknown


@dataclass(frozen=True)
class DocumentWork:
    id: int
    text: str
    content_hash: str
    meta: dict
    status: str  # of the version that stands for the document (as CurrentDocument's)
    predictions: tuple[Span, ...] | None  # the model's; None: never pre-annotated
    # People's own work by name (a reviewed version in place of the work it corrects),
    # then the adjudicated version, if any.
    work: tuple[PersonWork, ...]


def all_work(dataset_id: int, status: str = "accepted",
             held: list | None = None) -> Iterator[DocumentWork]:
    """Each document in `status` (as current_documents chooses them, in id order) with the
    model's spans and everyone's work, a page at a time. A person's unfinished (pending)
    work is left out unless the export asks for unfinished documents too ("any" or
    "pending"): an annotation opened and never finished is not work to hand on."""
    page: list[CurrentDocument] = []
    for document in current_documents(dataset_id, status, with_spans=False, held=held):
        page.append(document)
        if len(page) == PAGE:
            yield from _with_work(page, status)
            page = []
    yield from _with_work(page, status)


def _with_work(documents: list[CurrentDocument], status: str) -> Iterator[DocumentWork]:
    if not documents:
        return
    rows = list(Annotation.select(Annotation.id, Annotation.document, Annotation.annotator,
                                  Annotation.kind, Annotation.status, Annotation.based_on,
                                  Annotation.partial)
                .where(Annotation.document.in_([d.id for d in documents]))
                .order_by(Annotation.id).tuples())
    spans = spans_of_annotations([row[0] for row in rows])
    by_document: dict[int, list[tuple]] = {}
    for row in rows:
        by_document.setdefault(row[1], []).append(row)
    unfinished = status in ("any", "pending")
    for document in documents:
        predictions: tuple[Span, ...] | None = None
        own: dict[int, tuple] = {}  # annotation id -> row, of people's own work
        corrected: dict[int, tuple] = {}  # the corrected work's id -> the reviewed row
        adjudicated = None
        for row in by_document.get(document.id, ()):
            ann_id, _, annotator, kind, _, based_on, _ = row
            if annotator is None:
                predictions = tuple(spans.get(ann_id, ()))
            elif kind == OWN:
                own[ann_id] = row
            elif kind == REVIEWED:
                corrected[based_on] = row
            elif kind == ADJUDICATED:
                adjudicated = row
        # A reviewed version takes the place of the work it corrects: it is that person's
        # work as it now stands (Label Studio, too, keeps one annotation per person and a
        # reviewer's fix changes it in place), and it keeps the original's Label Studio
        # ids, which are kept under the person's name.
        versions = sorted((corrected.get(ann_id, row) for ann_id, row in own.items()),
                          key=lambda row: row[2])
        work = [PersonWork(annotator, tuple(spans.get(ann_id, ())), state, partial=partial)
                for ann_id, _, annotator, _, state, _, partial in versions]
        if adjudicated is not None:
            ann_id, _, annotator, _, state, _, _ = adjudicated
            work.append(PersonWork(annotator, tuple(spans.get(ann_id, ())), state,
                                   adjudicated=True))
        yield DocumentWork(
            id=document.id, text=document.text, content_hash=document.content_hash,
            meta=document.meta, status=document.status, predictions=predictions,
            work=tuple(w for w in work if unfinished or w.status != "pending"))
