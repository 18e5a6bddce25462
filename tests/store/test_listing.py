"""The document list's pages (store/listing.py): every order, filter and direction, paged a
few rows at a time, gives exactly the rows a plain sort of everything gives. On SQLite and
PostgreSQL; on SQLite with part of the texts in the search index and part still queued."""
from __future__ import annotations

import itertools

import pytest

from annotate.document import TextDocument
from annotate.labels import load_label_set
from annotate.spans import Span
from store import search
from store.editing import add_span, open_annotation, set_status
from store.listing import document_row, document_rows
from store.models import Annotation, Document, database
from store.queries import (
    add_documents, ensure_dataset, save_annotation, save_predictions, spans_for,
)
from store.records import AnnotationKey

PLACES = ["Lyon", "Homs", "Zurich", "Émile Zola street", "lyon harbour", "Oslo"]


def texts(n: int) -> list[str]:
    """Titles that tie on their first 64 characters, others that differ by case, accents."""
    long = "A" * 70
    out = []
    for i in range(n):
        place = PLACES[i % len(PLACES)]
        title = f"{long}{i % 3}" if i % 5 == 0 else f"{place} report {i % 4}"
        out.append(f"{title}\n\n{i * 3} people marched in {place} on day {i}.")
    return out


@pytest.fixture
def listed(store):
    """30 documents: some without predictions, ana's work in every status, ben's too."""
    other = ensure_dataset("other", load_label_set())
    add_documents(other.id, [TextDocument(t) for t in texts(4)])  # never listed here
    add_documents(store.id, [TextDocument(t) for t in texts(30)])
    ids = [d.id for d in Document.select().where(Document.dataset == store.id)
           .order_by(Document.id)]
    save_predictions([(doc_id, [Span(k * 2, k * 2 + 1, "X", "m") for k in range(n % 4)])
                      for n, doc_id in enumerate(ids) if n % 7])
    for n, doc_id in enumerate(ids[::3]):
        key = AnnotationKey(doc_id, "ana")
        revision = open_annotation(key).revision
        for width in range(n % 3):
            revision = add_span(key, Span(width * 2 + 40, width * 2 + 41, "Y", "ana"),
                                revision)
        status = ["accepted", "rejected", "skipped", "pending"][n % 4]
        if status != "pending":
            set_status(key, status, revision)
    save_annotation(ids[1], "ben", [], "accepted")
    return store.id, ids


def expected(dataset_id: int, ids: list[int], sort: str, descending: bool,
             status: str | None, containing: str | None) -> list[int]:
    rows = {doc_id: document_row(doc_id, "ana") for doc_id in ids}
    text = {d.id: d.text for d in Document.select()}
    # Counted afresh, not the stored count: the person's own spans, else the model's.
    spans = {i: len(spans_for(i, "ana") if opened(i) else spans_for(i)) for i in ids}
    keys = {"id": lambda i: (i,), "status": lambda i: (rows[i].status, i),
            "spans": lambda i: (spans[i], i),
            "title": lambda i: (text[i][:64], text[i], i)}[sort]
    chosen = [i for i in ids if (status is None or rows[i].status == status)
              and (containing is None or containing.lower() in text[i].lower())]
    return sorted(chosen, key=keys, reverse=descending)


def opened(doc_id: int) -> bool:
    return Annotation.select().where((Annotation.document == doc_id)
                                     & (Annotation.annotator == "ana")).exists()


def walk(dataset_id: int, page: int, **query) -> list[int]:
    shown, after = [], None
    while True:
        rows = document_rows(dataset_id, "ana", limit=page, after=after, **query)
        shown += [r.id for r in rows]
        if len(rows) < page:
            return shown
        after = rows[-1]


CASES = list(itertools.product(("id", "status", "title", "spans"), (False, True),
                               (None, "pending", "accepted"), (None, "lyon", "ly", "50%")))


@pytest.mark.parametrize("indexed", ["queued", "half", "too many queued"])
def test_every_order_and_filter_pages_to_the_plain_sort(listed, indexed, monkeypatch):
    dataset_id, ids = listed
    if indexed == "half":
        search.index_pending(batch=17)  # the rest stays queued: both are searched
    if indexed == "too many queued":
        monkeypatch.setattr(search, "QUEUED_MAX", 10)  # every text is read instead
    for sort, descending, status, containing in CASES:
        query = dict(sort=sort, descending=descending, status=status, containing=containing)
        want = expected(dataset_id, ids, **query)
        assert walk(dataset_id, 4, **query) == want, query
        assert [r.id for r in document_rows(dataset_id, "ana", limit=1000, **query)] == want


def test_by_span_count_every_document_is_listed_once_all_are_predicted(listed):
    """With no document left without predictions the list does not look for them."""
    dataset_id, ids = listed
    save_predictions([(doc_id, [Span(k * 2, k * 2 + 1, "X", "m") for k in range(doc_id % 3)])
                      for doc_id in ids])
    for descending, status in itertools.product((False, True), (None, "pending")):
        query = dict(sort="spans", descending=descending, status=status, containing=None)
        assert walk(dataset_id, 3, **query) == expected(dataset_id, ids, **query)


def test_a_page_starts_after_the_row_as_it_was_fetched(listed):
    """A row accepted since its page came keeps its place: the next page follows it."""
    dataset_id, ids = listed
    first = document_rows(dataset_id, "ana", limit=5, sort="status")
    last = first[-1]
    key = AnnotationKey(last.id, "ana")
    set_status(key, "accepted" if last.status != "accepted" else "rejected",
               open_annotation(key).revision)
    rest = [r.id for r in document_rows(dataset_id, "ana", limit=1000, sort="status",
                                        after=last)]
    shown = [r.id for r in first]
    assert set(shown) | set(rest) == set(ids)  # nothing skipped
    assert set(shown[:-1]).isdisjoint(rest)  # only the moved row may show again, later


def test_titles_sort_by_character_codes_on_every_backend(listed):
    dataset_id, _ = listed
    titles = [r.title for r in document_rows(dataset_id, "ana", limit=1000, sort="title")]
    assert titles == sorted(titles, key=lambda t: t.encode())
    assert titles.index("Zurich report 2") < titles.index("Émile Zola street report 3")


def test_the_search_index_follows_every_change_to_the_documents(store, backend):
    add_documents(store.id, [TextDocument(t) for t in texts(6)])
    if backend == "postgres":
        assert not search.has_index()  # ILIKE and the trigram index
        return
    assert search.pending() == 6
    assert search.index_pending(batch=4) == 4 and search.index_pending() == 2
    assert search.index_pending() == 0
    first, second, _, _, harbour, _ = [d.id for d in Document.select().order_by(Document.id)]
    Document.delete().where(Document.id == first).execute()
    Document.update(text="Now about Bergen").where(Document.id == second).execute()
    found = lambda piece: [r.id for r in document_rows(store.id, "ana", containing=piece)]  # noqa: E731
    assert found("Bergen") == [second]  # queued again, found all the same
    search.index_pending()
    assert found("Bergen") == [second] and found("Lyon") == [harbour]  # "lyon harbour"
    # The index holds exactly the documents' texts now.
    database.execute_sql("INSERT INTO document_fts (document_fts, rank) "
                         "VALUES ('integrity-check', 1)")


def test_without_fts5_the_filter_reads_the_texts(db_path, monkeypatch):
    """A SQLite without FTS5 or its trigram tokenizer: the schema step makes no index, and
    the filter finds the same documents with LIKE."""
    from store.db import close_database, open_database

    monkeypatch.setattr(search, "_SQLITE", ["CREATE VIRTUAL TABLE document_fts USING "
                                            "no_such_module(text)", *search._SQLITE[1:]])
    open_database(db_path)
    try:
        dataset = ensure_dataset("default", load_label_set())
        add_documents(dataset.id, [TextDocument(t) for t in texts(6)])
        assert not search.has_index() and search.pending() == 0
        assert search.index_pending() == 0
        found = document_rows(dataset.id, "ana", containing="LYON", sort="title")
        assert [r.title for r in found] == ["A" * 70 + "0", "lyon harbour report 0"]
    finally:
        close_database()
