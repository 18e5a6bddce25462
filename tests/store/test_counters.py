"""The counters the database keeps (store/counters.py) never drift: after every kind of
change, by every path that makes it, they equal a fresh count. On SQLite and PostgreSQL."""
from __future__ import annotations

import sqlite3
import threading

import pytest

from annotate.document import TextDocument
from annotate.labels import load_label_set
from annotate.spans import Mode, Span
from annotate.versions import ADJUDICATED, REVIEWED
from store import counters, jobs, staging
from store.editing import add_span, open_annotation, remove_span, replace_span, set_status
from store.models import Annotation, Dataset, Document, Span as SpanRow, database
from store.queries import add_documents, ensure_dataset, save_annotation, save_predictions
from store.records import AnnotationKey
from store.routing import annotator_progress, take_next_document

TEXTS = [f"Report {n}: {n * 7} people marched in Lyon." for n in range(8)]
LYON = Span(TEXTS[0].index("Lyon"), TEXTS[0].index("Lyon") + 4, "GPE", "model")


def import_(documents, dataset="default", **options):
    return jobs.store_documents(dataset, load_label_set(), Mode.ENTITIES, documents, **options)


def same(*dataset_ids: int) -> None:
    for dataset_id in dataset_ids or [d.id for d in Dataset.select()]:
        assert counters.kept(dataset_id) == counters.recount(dataset_id), dataset_id


def ids() -> list[int]:
    return [d.id for d in Document.select().order_by(Document.id)]


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(jobs, "CHUNK_DOCUMENTS", 3)


def test_edits_undos_and_routing_keep_the_counts(store):
    add_documents(store.id, [TextDocument(t) for t in TEXTS[:4]])
    a, b, c, d = ids()
    save_predictions([(a, [LYON]), (b, [])])
    same()
    key = AnnotationKey(a, "ana")
    revision = open_annotation(key).revision
    revision = set_status(key, "accepted", revision)
    assert annotator_progress(store.id, "ana") == (1, 4)
    revision = set_status(key, "rejected", revision)  # finished either way
    revision = set_status(key, "pending", revision)  # the undo of an accept
    assert annotator_progress(store.id, "ana") == (0, 4)
    revision = set_status(key, "skipped", revision)
    same()
    revision = add_span(key, Span(0, 6, "ORG", "ana"), revision)
    revision = replace_span(key, Span(0, 6, "ORG", "ana"), Span(0, 6, "GPE", "ana"), revision)
    revision = remove_span(key, LYON, revision)
    revision = remove_span(key, Span(0, 6, "GPE", "ana"), revision)  # undo of the add
    same()
    taken = take_next_document(store.id, "ben", a)  # a pending annotation: not finished
    set_status(AnnotationKey(taken, "ben"), "accepted", open_annotation(
        AnnotationKey(taken, "ben")).revision)
    assert annotator_progress(store.id, "ben") == (1, 4)
    same()


def test_reviewed_and_adjudicated_versions_are_not_anyones_finished_work(store):
    add_documents(store.id, [TextDocument(TEXTS[0])])
    [a] = ids()
    save_predictions([(a, [LYON])])
    for name in ("ana", "ben"):
        key = AnnotationKey(a, name)
        set_status(key, "accepted", open_annotation(key).revision)
    adjudicated = AnnotationKey(a, "cy", ADJUDICATED)
    set_status(adjudicated, "accepted", open_annotation(adjudicated).revision)
    reviewed = AnnotationKey(a, "ana", REVIEWED)
    add_span(reviewed, Span(0, 6, "ORG", "cy"), 0)
    assert counters.kept(store.id)["done"] == {"ana": 1, "ben": 1}
    same()


def test_imports_of_peoples_work_count_where_they_land(store, small_chunks):
    import_([TextDocument(t, (LYON,)) for t in TEXTS[:4]])  # predictions
    same()
    # New texts and known ones, with --annotator and --status, staged then published.
    result = import_([TextDocument(t, (LYON,)) for t in TEXTS[2:7]], annotator="ana",
                     status="accepted")
    assert (result.added, result.annotations) == (3, 5)
    assert annotator_progress(store.id, "ana") == (5, 7)
    import_([TextDocument(t, ()) for t in TEXTS[5:8]], annotator="ben")  # pending: 0 done
    assert annotator_progress(store.id, "ben") == (0, 8)
    save_annotation(ids()[0], "ben", [], "rejected")
    assert annotator_progress(store.id, "ben") == (1, 8)
    same()
    assert not Dataset.select().where(Dataset.staging_of.is_null(False)).exists()


def test_a_failed_import_and_a_dropped_staging_set_leave_the_counts(store, small_chunks):
    import_([TextDocument(t, (LYON,)) for t in TEXTS[:2]])
    before = counters.kept(store.id)
    staged = staging.create(store.id)
    add_documents(staged, [TextDocument(t, (LYON,)) for t in TEXTS[2:6]])
    assert counters.kept(staged)["documents"] == 4
    staging.drop(staged)
    assert counters.kept(store.id) == before
    with pytest.raises(jobs.JobError):
        import_([TextDocument(t, (Span(0, 6, "NO SUCH LABEL", "m"),)) for t in TEXTS[2:6]],
                annotator="ana", status="accepted")
    assert counters.kept(store.id) == before
    same()


def test_deletes_cascade_out_of_the_counts(store):
    other = ensure_dataset("other", load_label_set())
    add_documents(store.id, [TextDocument(t) for t in TEXTS[:3]])
    add_documents(other.id, [TextDocument(t) for t in TEXTS[:3]])
    save_predictions([(doc_id, [LYON]) for doc_id in ids()])
    for doc_id in ids():
        save_annotation(doc_id, "ana", [LYON], "accepted")
    Document.delete().where(Document.id == ids()[0]).execute()  # annotations go with it
    Annotation.delete().where((Annotation.document == ids()[0])
                              & (Annotation.annotator == "ana")).execute()
    SpanRow.delete().where(SpanRow.id == SpanRow.select(SpanRow.id).limit(1)).execute()
    same()
    assert annotator_progress(store.id, "ana") == (1, 2)
    Dataset.delete().where(Dataset.id == other.id).execute()
    assert counters.kept(other.id) == {"documents": None, "predicted": None, "done": {}}
    same()


def test_another_program_writing_sql_is_counted_too(store, db_url, backend):
    add_documents(store.id, [TextDocument(t) for t in TEXTS[:3]])
    for doc_id in ids():
        save_annotation(doc_id, "ana", [], "pending")
    statements = ["UPDATE annotation SET status = 'accepted' WHERE annotator = 'ana'",
                  "UPDATE document SET dataset_id = {other} WHERE id = {first}"]
    other = ensure_dataset("other", load_label_set()).id
    values = {"other": other, "first": ids()[0]}
    if backend == "sqlite":
        with sqlite3.connect(db_url) as connection:
            for statement in statements:
                connection.execute(statement.format(**values))
    else:
        import psycopg2
        with psycopg2.connect(db_url) as connection, connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement.format(**values))
        connection.close()
    assert annotator_progress(store.id, "ana") == (2, 2)
    assert annotator_progress(other, "ana") == (1, 1)
    same()


def test_the_counts_of_an_upgraded_store_are_made_from_what_it_holds(store, db_url):
    add_documents(store.id, [TextDocument(t) for t in TEXTS[:3]])
    save_predictions([(ids()[0], [LYON])])
    save_annotation(ids()[1], "ana", [LYON], "accepted")
    database.execute_sql("UPDATE dataset_tally SET documents = 99")  # as if never counted
    counters.install(database.obj)  # what the schema step runs
    assert counters.kept(store.id) == counters.recount(store.id)
    assert counters.kept(store.id)["documents"] == 3


def test_people_accepting_at_once_are_all_counted(store):
    add_documents(store.id, [TextDocument(t) for t in TEXTS])
    documents = ids()
    errors = []

    def accept_all(name: str) -> None:  # its own thread: its own connection
        try:
            for doc_id in documents:
                key = AnnotationKey(doc_id, name)
                set_status(key, "accepted", open_annotation(key).revision)
        except Exception as error:  # noqa: BLE001 (reported below, not lost in the thread)
            errors.append(error)
        finally:
            database.close()

    threads = [threading.Thread(target=accept_all, args=(name,)) for name in ("ana", "ben")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [annotator_progress(store.id, name) for name in ("ana", "ben")] == [(8, 8), (8, 8)]
    same()
