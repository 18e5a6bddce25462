"""One function per action on the store. Every write is one transaction.

Which spans stand for a document ("current"), for an asked status: the most recently
updated annotation by a person in that status ("any": in any status). A document that no
person has annotated counts as pending, and its spans are the model's predictions.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import Iterable, Iterator, Sequence

from peewee import JOIN, chunked, fn

from annotate.document import TextDocument
from annotate.labels import LabelRecord
from annotate.spans import Mode, Span
from annotate.stored_tokens import packed_tokens, tokenizer_id
from annotate.versions import OWN, HeldBack, Version, standing
from store.models import (
    Annotation, Dataset, Document, Label, Review, database, utc_now, Span as SpanRow,
)
from store.rows import insert_row, insert_rows, insert_spans, keyed_ids
from store.rules import check_imported, check_stored_spans, dataset_mode
from store.records import (
    CurrentDocument, DatasetRecord, DatasetStats, ImportResult, check_status, rejected_json,
    rejected_spans,
)
from store.tokens import stored_tokens

PAGE = 500  # rows per query when walking a dataset: bounded memory, few round trips


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def find_dataset(name: str) -> DatasetRecord | None:
    # A staging dataset (an import still running, see store.staging) is never found.
    row = Dataset.get_or_none((Dataset.name == name) & Dataset.staging_of.is_null())
    return _dataset_record(row) if row else None


def ensure_dataset(
    name: str, labels: Sequence[LabelRecord] = (), mode: Mode = Mode.ENTITIES
) -> DatasetRecord:
    """The dataset of that name, created with these labels if it does not exist yet."""
    with database.atomic():
        row, created = Dataset.get_or_create(name=name, defaults={"mode": mode.value})
        if created:
            Label.insert_many([
                {"dataset": row, "name": lab.name, "colour": lab.colour, "key": lab.key,
                 "description": lab.description, "position": i}
                for i, lab in enumerate(labels)
            ]).execute()
    return _dataset_record(row)


def _dataset_record(row: Dataset) -> DatasetRecord:
    labels = Label.select().where(Label.dataset == row).order_by(Label.position)
    return DatasetRecord(
        id=row.id, name=row.name, mode=Mode(row.mode),
        labels=tuple(LabelRecord(l.name, l.colour, l.key, l.description) for l in labels),
        annotators_per_document=row.annotators_per_document,
    )


def set_annotators_per_document(dataset_id: int, count: int) -> DatasetRecord:
    if count < 1:
        raise ValueError(f"a document needs at least one annotator, not {count}")
    with database.atomic():
        Dataset.update(annotators_per_document=count).where(Dataset.id == dataset_id).execute()
    return _dataset_record(Dataset.get_by_id(dataset_id))


def add_documents(dataset_id: int, documents: Iterable[TextDocument]) -> ImportResult:
    """Stores new documents (and any spans they bring, as predictions) in one transaction.

    A text already in the dataset, or twice in the input, is skipped and counted, also per
    source file.
    """
    added = duplicates = 0
    added_from: Counter = Counter()
    duplicates_from: Counter = Counter()
    seen: set[str] = set()
    mode = dataset_mode(dataset_id)
    with database.atomic():
        for batch in chunked(documents, PAGE):
            hashed = [(content_hash(doc.text), doc) for doc in batch]
            seen |= document_ids(dataset_id, [digest for digest, _ in hashed]).keys()
            predictions = []
            fresh = []
            for digest, doc in hashed:
                if digest in seen:
                    duplicates += 1
                    duplicates_from[doc.source] += 1
                    continue
                seen.add(digest)
                check_imported(doc, doc.spans or (), mode)
                fresh.append((digest, doc))
            id_of = _insert_documents(dataset_id, fresh)
            for digest, doc in fresh:
                doc_id = id_of[digest]
                if doc.spans is not None:
                    predictions.append((doc_id, doc.spans))
                added += 1
                added_from[doc.source] += 1
            _insert_predictions(predictions)  # new documents: none to replace
    return ImportResult(added=added, duplicates=duplicates,
                        by_source=_by_source(added_from, duplicates_from))


def add_annotations(
    dataset_id: int, documents: Iterable[TextDocument], annotator: str,
    status: str | None = None,
) -> ImportResult:
    """Each document's spans as the annotator's own work, in one transaction. A text already
    in the dataset gets the annotation added to its document; where that annotator has
    annotated it already, their existing work is kept and the import's is counted as left."""
    if status is not None:
        check_status(status)
    added = known = annotations = kept = 0
    added_from: Counter = Counter()
    known_from: Counter = Counter()
    mode = dataset_mode(dataset_id)
    with database.atomic():
        for batch in chunked(documents, PAGE):
            hashed = [(content_hash(doc.text), doc) for doc in batch]
            ids = dict(Document.select(Document.content_hash, Document.id).where(
                (Document.dataset == dataset_id)
                & Document.content_hash.in_([digest for digest, _ in hashed])).tuples())
            new = {digest: doc for digest, doc in hashed if digest not in ids}
            tokens = dict(zip(new, _tokens_of(list(new.values()))))
            for digest, doc in hashed:
                check_imported(doc, doc.spans or (), mode)
                if doc.rejected:  # inside the text; they may overlap the accepted ones
                    check_imported(doc, doc.rejected, Mode.SPANS)
                if digest in ids:
                    known += 1
                    known_from[doc.source] += 1
                else:
                    ids[digest] = _insert_document(dataset_id, digest, doc, tokens[digest])
                    added += 1
                    added_from[doc.source] += 1
                annotation, created = Annotation.get_or_create(
                    document=ids[digest], annotator=annotator, kind=OWN,
                    defaults={"status": status or doc.status, "partial": doc.partial,
                              "rejected": rejected_json(doc.rejected)})
                if not created:
                    kept += 1
                    continue
                insert_spans([(annotation.id, span) for span in doc.spans or ()])
                annotations += 1
    return ImportResult(added, known, annotations, kept,
                        by_source=_by_source(added_from, known_from))


def _tokens_of(documents: list[TextDocument]) -> list[bytes]:
    return packed_tokens([doc.text for doc in documents], [doc.tokens for doc in documents])


def _insert_documents(dataset_id: int, documents: list[tuple[str, TextDocument]]) \
        -> dict[str, int]:
    """Inserts new documents (content hash, document) in one statement; their ids by hash,
    which is unique in a dataset."""
    tokens = _tokens_of([doc for _, doc in documents])
    now = utc_now()
    insert_rows(Document, [
        {"dataset": dataset_id, "text": doc.text, "content_hash": digest, "source": doc.source,
         "tokens": blob, "tokenizer": tokenizer_id(), "created": now,
         "meta": json.dumps(doc.meta, ensure_ascii=False, sort_keys=True)}
        for (digest, doc), blob in zip(documents, tokens)])
    return document_ids(dataset_id, [digest for digest, _ in documents])


def document_ids(dataset_id: int, hashes: list[str]) -> dict[str, int]:
    """{content hash: id} of the dataset's documents with these texts."""
    return keyed_ids(f"SELECT content_hash, id FROM {Document._meta.table_name} "
                     f"WHERE dataset_id = {database.obj.param} AND content_hash",
                     hashes, [dataset_id])


def _insert_document(dataset_id: int, digest: str, doc: TextDocument, tokens: bytes) -> int:
    return insert_row(Document, dataset=dataset_id, text=doc.text, content_hash=digest,
                      source=doc.source, tokens=tokens, tokenizer=tokenizer_id(),
                      meta=json.dumps(doc.meta, ensure_ascii=False, sort_keys=True))


def _by_source(added: Counter, duplicates: Counter) -> dict[str, tuple[int, int]]:
    return {source: (added[source], duplicates[source]) for source in added | duplicates}


# Colours of labels an import adds (--add-labels): distinct from one another, readable
# under black text in both themes.
NEW_LABEL_COLOURS = ("#f4a6a6", "#a6d8f4", "#c7f4a6", "#f4dca6", "#d9b3f4", "#a6f4e1",
                     "#f4b3dc", "#d6d6a6")


def add_labels(dataset_id: int, names: Iterable[str]) -> tuple[str, ...]:
    """Adds these labels to the dataset's label set, after its own and in this order, each
    with a colour of its own where the palette has one left, and no key. Names it has
    already are passed over; returns the names added."""
    with database.atomic():
        rows = list(Label.select(Label.name, Label.colour, Label.position)
                    .where(Label.dataset == dataset_id).tuples())
        known = {name for name, _, _ in rows}
        used = {colour.lower() for _, colour, _ in rows}
        position = max((p for _, _, p in rows), default=-1) + 1
        added = []
        for name in names:
            if name in known:
                continue
            free = [c for c in NEW_LABEL_COLOURS if c not in used]
            colour = free[0] if free else NEW_LABEL_COLOURS[position % len(NEW_LABEL_COLOURS)]
            Label.insert(dataset=dataset_id, name=name, colour=colour, key=None,
                         description="", position=position).execute()
            known.add(name)
            used.add(colour)
            position += 1
            added.append(name)
    return tuple(added)


def annotations_by_document(
    dataset_id: int, status: str = "accepted"
) -> Iterator[tuple[str, dict[str, list[Span]]]]:
    """(text, {annotator: spans}) of each document that two or more people annotated, in
    that status ("any": every status)."""
    people = Annotation.annotator.is_null(False) & (Annotation.kind == OWN)
    if status != "any":
        people &= Annotation.status == status
    shared = (Annotation.select(Annotation.document).join(Document)
              .where((Document.dataset == dataset_id) & people)
              .group_by(Annotation.document).having(fn.COUNT(Annotation.id) >= 2))
    last_id = 0
    while True:
        docs = list(Document.select(Document.id, Document.text)
                    .where(Document.id.in_(shared) & (Document.id > last_id))
                    .order_by(Document.id).limit(PAGE))
        if not docs:
            return
        last_id = docs[-1].id
        rows = list(Annotation.select(Annotation.id, Annotation.document, Annotation.annotator)
                    .where(Annotation.document.in_([d.id for d in docs]) & people).tuples())
        spans = spans_of_annotations([ann_id for ann_id, _, _ in rows])
        by_document: dict[int, dict[str, list[Span]]] = {}
        for ann_id, doc_id, annotator in rows:
            by_document.setdefault(doc_id, {})[annotator] = spans.get(ann_id, [])
        for doc in docs:
            yield doc.text, by_document[doc.id]


def count_documents(dataset_id: int, unpredicted_only: bool = False) -> int:
    return _documents(dataset_id, unpredicted_only).count()


def _documents(dataset_id: int, unpredicted_only: bool):
    query = Document.select(Document.id, Document.text).where(Document.dataset == dataset_id)
    if unpredicted_only:
        predicted = Annotation.select(Annotation.document).where(Annotation.annotator.is_null())
        query = query.where(Document.id.not_in(predicted))
    return query


def texts_to_predict(
    dataset_id: int, overwrite: bool = False, page: int = PAGE
) -> Iterator[tuple[int, str]]:
    """(document id, text) of documents without predictions, or of all with overwrite.

    Walks by id, so predictions saved while iterating do not shift the pages.
    """
    last_id = 0
    while True:
        rows = list(
            _documents(dataset_id, not overwrite).where(Document.id > last_id)
            .order_by(Document.id).limit(page).tuples()
        )
        yield from rows
        if len(rows) < page:
            return
        last_id = rows[-1][0]


def save_predictions(results: Sequence[tuple[int, Sequence[Span]]]) -> None:
    """Replaces the model's spans of each document; people's annotations are not touched.
    The spans keep the store's rules (SpanError otherwise), as any caller's must."""
    with database.atomic():
        check_stored_spans(results)
        _replace_predictions(results)


def _replace_predictions(results: Sequence[tuple[int, Sequence[Span]]]) -> None:
    """A few queries for a whole batch: per-document queries would cost more than spaCy."""
    doc_ids = [doc_id for doc_id, _ in results]
    annotation_of: dict[int, int] = {}
    for chunk in chunked(doc_ids, PAGE):
        annotation_of.update(
            Annotation.select(Annotation.document, Annotation.id)
            .where(Annotation.document.in_(chunk) & Annotation.annotator.is_null()).tuples())
    now = utc_now()
    for chunk in chunked(list(annotation_of.values()), PAGE):
        SpanRow.delete().where(SpanRow.annotation.in_(chunk)).execute()
        Annotation.update(updated=now, span_count=0).where(Annotation.id.in_(chunk)).execute()
    insert_spans((annotation_of[doc_id], span) for doc_id, spans in results
                 if doc_id in annotation_of for span in spans)
    _insert_predictions([(doc_id, spans) for doc_id, spans in results
                         if doc_id not in annotation_of])


def _insert_predictions(results: Sequence[tuple[int, Sequence[Span]]]) -> None:
    """The model's spans of documents that have none: an annotation each, inserted with its
    span count (an UPDATE of each count would cost 100k statements an import of 100k), then
    the spans."""
    now = utc_now()
    insert_rows(Annotation, [{"document": doc_id, "annotator": None, "created": now,
                              "updated": now, "span_count": len(spans)}
                             for doc_id, spans in results])
    # a document has at most one set of predictions
    annotation_of = keyed_ids(f"SELECT document_id, id FROM {Annotation._meta.table_name} "
                              "WHERE annotator IS NULL AND document_id",
                              [doc_id for doc_id, _ in results])
    insert_spans(((annotation_of[doc_id], span) for doc_id, spans in results for span in spans),
                 counted=True)


def save_annotation(
    document_id: int, annotator: str, spans: Sequence[Span], status: str = "pending"
) -> None:
    """Stores a person's whole annotation of a document: its spans and status."""
    check_status(status)
    if not annotator:
        raise ValueError("an annotation needs the annotator's name")
    with database.atomic():
        check_stored_spans([(document_id, spans)])
        annotation, created = Annotation.get_or_create(document=document_id, annotator=annotator,
                                                       kind=OWN)
        if not created:
            SpanRow.delete().where(SpanRow.annotation == annotation).execute()
        # span_count: its spans are all gone; insert_spans counts the new ones.
        Annotation.update(status=status, updated=utc_now(), revision=Annotation.revision + 1,
                          span_count=0).where(Annotation.id == annotation.id).execute()
        insert_spans([(annotation.id, span) for span in spans])


def spans_for(document_id: int, annotator: str | None = None) -> list[Span]:
    """The spans of one annotation: a person's own, or with annotator None the model's."""
    who = Annotation.annotator.is_null() if annotator is None else (
        (Annotation.annotator == annotator) & (Annotation.kind == OWN))
    rows = (SpanRow.select(SpanRow.start, SpanRow.end, SpanRow.label, SpanRow.source,
                           SpanRow.value)
            .join(Annotation)
            .where((Annotation.document == document_id) & who)
            .order_by(SpanRow.start, SpanRow.end, SpanRow.label).tuples())
    return [Span(*row) for row in rows]  # in Span's own order, as annotate.spans expects


def current_documents(
    dataset_id: int, status: str = "accepted", with_text: bool = True, with_spans: bool = True,
    held: list[HeldBack] | None = None,
) -> Iterator[CurrentDocument]:
    """Every document in `status` with the spans that stand for it, in id order, a page at
    a time ("any": every document). `held` gets the documents held back on the way (see
    held_back), so an export need not walk the dataset again to say which."""
    last_id = 0
    quota = Dataset.get_by_id(dataset_id).annotators_per_document
    columns = [Document.id, Document.content_hash, Document.meta]
    if with_text:
        columns += [Document.text, Document.tokens, Document.tokenizer]
    while True:
        docs = list(Document.select(*columns)
                    .where((Document.dataset == dataset_id) & (Document.id > last_id))
                    .order_by(Document.id).limit(PAGE))
        if not docs:
            return
        last_id = docs[-1].id
        chosen = _choose_annotations([d.id for d in docs], status, quota)
        if held is not None:
            held += [c for c in chosen.values() if isinstance(c, HeldBack)]
        standing_ids = [c.annotation_id for c in chosen.values() if isinstance(c, Version)]
        spans = spans_of_annotations(standing_ids) if with_spans else {}
        partial = _partial_of(standing_ids)
        for doc in docs:
            choice = chosen.get(doc.id)
            if not isinstance(choice, Version):
                continue
            yield CurrentDocument(
                id=doc.id, text=doc.text if with_text else "", content_hash=doc.content_hash,
                meta=json.loads(doc.meta), status=choice.status, annotator=choice.annotator,
                spans=tuple(spans.get(choice.annotation_id, ())),
                rejected=partial.get(choice.annotation_id),
                tokens=stored_tokens(doc.tokens, doc.tokenizer) if with_text else None,
            )


def _partial_of(annotation_ids: list[int]) -> dict[int, tuple[Span, ...]]:
    """The rejected suggestions of those annotations that are partial work."""
    ids = [i for i in annotation_ids if i is not None]
    if not ids:
        return {}
    return {ann_id: rejected_spans(rejected, True) for ann_id, rejected in
            Annotation.select(Annotation.id, Annotation.rejected)
            .where(Annotation.id.in_(ids) & Annotation.partial).tuples()}


def _choose_annotations(
    doc_ids: list[int], status: str, quota: int,
) -> dict[int, Version | HeldBack]:
    """The version that stands for each document in `status` (see annotate.versions)."""
    rows = (Annotation.select(Annotation.id, Annotation.document, Annotation.annotator,
                              Annotation.kind, Annotation.status, Annotation.based_on,
                              Review.verdict, Annotation.revision, Annotation.basis)
            .join(Review, JOIN.LEFT_OUTER, on=(Review.annotation == Annotation.id))
            .where(Annotation.document.in_(doc_ids))
            .order_by(Annotation.updated, Annotation.id).tuples())  # later rows win
    versions: dict[int, list[Version]] = {}
    for ann_id, doc_id, *fields in rows:
        versions.setdefault(doc_id, []).append(Version(ann_id, *fields))
    competing = [v.annotation_id for found in versions.values()
                 if sum(v.annotator is not None for v in found) > 1
                 for v in found if v.annotator is not None]
    spans = spans_of_annotations(competing)
    chosen = {doc_id: standing(doc_id, versions.get(doc_id, ()), status, spans, quota)
              for doc_id in doc_ids}
    if status in ("any", "pending"):  # a document without even predictions is pending too
        chosen.update({doc_id: UNANNOTATED for doc_id in doc_ids if doc_id not in versions})
    return {doc_id: choice for doc_id, choice in chosen.items() if choice is not None}


UNANNOTATED = Version(None, None, OWN, "pending")


def held_back(dataset_id: int) -> list[HeldBack]:
    """Documents with accepted work that cannot be exported yet, and why."""
    found: list[HeldBack] = []
    last_id = 0
    quota = Dataset.get_by_id(dataset_id).annotators_per_document
    while True:
        ids = [row[0] for row in Document.select(Document.id)
               .where((Document.dataset == dataset_id) & (Document.id > last_id))
               .order_by(Document.id).limit(PAGE).tuples()]
        if not ids:
            return found
        last_id = ids[-1]
        found += [c for c in _choose_annotations(ids, "accepted", quota).values()
                  if isinstance(c, HeldBack)]


def spans_of_annotations(annotation_ids: list[int]) -> dict[int, list[Span]]:
    found: dict[int, list[Span]] = {}
    ids = [i for i in annotation_ids if i is not None]
    if not ids:
        return found
    rows = (SpanRow.select(SpanRow.annotation, SpanRow.start, SpanRow.end, SpanRow.label,
                           SpanRow.source, SpanRow.value)
            .where(SpanRow.annotation.in_(ids))
            .order_by(SpanRow.annotation, SpanRow.start, SpanRow.end, SpanRow.label).tuples())
    for ann_id, *fields in rows:
        found.setdefault(ann_id, []).append(Span(*fields))
    return found


def dataset_stats(dataset_id: int) -> DatasetStats:
    by_status: Counter[str] = Counter()
    by_label: Counter[str] = Counter()
    documents = 0
    for doc in current_documents(dataset_id, "any", with_text=False):
        documents += 1
        by_status[doc.status] += 1
        by_label.update(span.label for span in doc.spans)
    predicted = (Annotation.select(fn.COUNT(Annotation.id)).join(Document)
                 .where((Document.dataset == dataset_id) & Annotation.annotator.is_null())
                 .scalar())
    return DatasetStats(documents=documents, predicted=predicted,
                        by_status=dict(by_status), by_label=dict(by_label.most_common()))


def dataset_names() -> list[str]:
    return [row.name for row in Dataset.select(Dataset.name)
            .where(Dataset.staging_of.is_null()).order_by(Dataset.name)]


def gold_with_predictions(
    dataset_id: int, status: str = "accepted"
) -> Iterator[tuple[int, str, list[Span], list[Span]]]:
    """(document id, text, the model's spans, the spans that stand) for each document in
    `status`, a page at a time."""
    page: list[CurrentDocument] = []
    for document in current_documents(dataset_id, status):
        page.append(document)
        if len(page) == PAGE:
            yield from _with_predictions(page)
            page = []
    yield from _with_predictions(page)


def _with_predictions(documents: list[CurrentDocument]):
    if not documents:
        return
    prediction_of = {doc_id: ann_id for ann_id, doc_id in (
        Annotation.select(Annotation.id, Annotation.document)
        .where(Annotation.document.in_([d.id for d in documents])
               & Annotation.annotator.is_null()).tuples())}
    spans = spans_of_annotations(list(prediction_of.values()))
    for document in documents:
        yield (document.id, document.text, spans.get(prediction_of.get(document.id), []),
               list(document.spans))
