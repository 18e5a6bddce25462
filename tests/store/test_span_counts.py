"""Each annotation's stored span count (store/span_counts.py) equals its spans counted afresh
after every path that writes spans: imports, pre-annotation, the window's edits, whole
annotations saved, reviewed and adjudicated versions. On SQLite and PostgreSQL; and a store
of schema 7 is counted on its upgrade."""
from __future__ import annotations

import sqlite3
from contextlib import closing

from annotate.document import TextDocument
from annotate.labels import load_label_set
from annotate.preannotate import PipelineSpec
from annotate.spans import Mode, Span
from store import db as store_db, jobs
from store.db import close_database, open_database
from store.editing import (
    add_span, open_annotation, remove_span, replace_span, set_status, settle, unsettle,
)
from store.models import Annotation, Document, database
from store.queries import find_dataset, save_annotation, save_predictions
from store.records import AnnotationKey

TEXTS = [f"Report {n}: {n * 7} people marched in Lyon and {n + 2} in Oslo." for n in range(6)]
LYON = Span(TEXTS[0].index("Lyon"), TEXTS[0].index("Lyon") + 4, "GPE", "model")
OSLO = Span(TEXTS[0].index("Oslo"), TEXTS[0].index("Oslo") + 4, "GPE", "model")
REPORT = Span(0, 6, "ORG", "ana")

FRESH = ("SELECT a.id, (SELECT count(*) FROM span s WHERE s.annotation_id = a.id) "
         "FROM annotation a ORDER BY a.id")


def counts() -> dict[int, int]:
    """Every annotation's stored count, checked against its spans counted afresh."""
    fresh = dict(database.execute_sql(FRESH).fetchall())
    kept = dict(Annotation.select(Annotation.id, Annotation.span_count).tuples())
    assert kept == fresh
    return kept


def import_(documents, **options):
    return jobs.store_documents("default", load_label_set(), Mode.ENTITIES, documents,
                                **options)


def ids() -> list[int]:
    return [d.id for d in Document.select().order_by(Document.id)]


def test_imports_and_pre_annotation_count_every_span(store, monkeypatch):
    monkeypatch.setattr(jobs, "CHUNK_DOCUMENTS", 2)  # staged a chunk at a time
    import_([TextDocument(t, (LYON, OSLO) if n % 2 else ()) for n, t in enumerate(TEXTS)])
    import_([TextDocument(t, (REPORT, LYON)) for t in TEXTS[:3]], annotator="ana")
    assert sorted(counts().values()) == [0, 0, 0, 2, 2, 2, 2, 2, 2]
    # Predictions again, by the numbers layer: every document has a number or two.
    jobs.preannotate_dataset(find_dataset("default"), PipelineSpec(None), overwrite=True)
    before = counts()
    assert sum(before.values()) > 12
    save_predictions([(ids()[0], [LYON]), (ids()[1], [])])  # replaced, to fewer
    after = counts()
    assert after != before and sum(after.values()) < sum(before.values())


def test_the_windows_edits_and_saved_annotations_keep_the_count(store):
    import_([TextDocument(t, (LYON,)) for t in TEXTS[:2]])
    first, second = ids()
    key = AnnotationKey(first, "ana")
    revision = open_annotation(key).revision  # made from the model's: Lyon
    revision = add_span(key, REPORT, revision)
    revision = add_span(key, OSLO, revision)
    revision = replace_span(key, OSLO, Span(OSLO.start, OSLO.end, "LOC", "ana"), revision)
    assert counts()[Annotation.get(annotator="ana").id] == 3
    revision = remove_span(key, REPORT, revision)
    set_status(key, "accepted", revision)
    assert counts()[Annotation.get(annotator="ana").id] == 2
    save_annotation(second, "ben", [REPORT, LYON, OSLO], "accepted")
    save_annotation(second, "ben", [LYON], "accepted")  # replaced: one left
    save_annotation(first, "ben", [], "rejected")
    assert sorted(counts().values()) == [0, 1, 1, 1, 2]


def test_reviewed_and_adjudicated_copies_are_counted(store):
    import_([TextDocument(TEXTS[0])])
    [doc_id] = ids()
    save_annotation(doc_id, "ana", [REPORT, LYON], "accepted")
    save_annotation(doc_id, "ben", [REPORT, OSLO], "accepted")
    reviewed = AnnotationKey(doc_id, "ana", "reviewed")
    add_span(reviewed, OSLO, 0)  # a copy of ana's two, then one more
    judge = AnnotationKey(doc_id, "jo", "adjudicated")
    agreed = len(open_annotation(judge).spans)  # a copy of what they agree on
    assert counts()[Annotation.get(annotator="jo").id] == agreed >= 1
    revision = settle(judge, (LYON.start, LYON.end), [LYON], 0)
    assert counts()[Annotation.get(annotator="jo").id] == agreed + 1
    unsettle(judge, (LYON.start, LYON.end), [LYON], revision)
    kept = counts()
    assert kept[Annotation.get(annotator="jo").id] == agreed
    assert kept[Annotation.get(annotator="ana", kind="reviewed").id] == 3


def test_a_schema_7_store_is_counted_on_its_upgrade(db_url, backend):
    """Made now, then taken back to schema 7 (the column and its indexes dropped)."""
    open_database(db_url)
    import_([TextDocument(t, (LYON, OSLO)[:n % 3]) for n, t in enumerate(TEXTS)])
    save_annotation(ids()[0], "ana", [REPORT], "accepted")
    for index in ("annotation_by_person_spans", "annotation_by_person_status_spans",
                  "annotation_predictions_by_spans"):
        database.execute_sql(f"DROP INDEX {index}")
    database.execute_sql("ALTER TABLE annotation DROP COLUMN span_count")
    store_db._write_version(database.obj, 7)
    close_database()
    open_database(db_url)
    assert store_db.store_opened().notice.startswith(f"Upgraded {db_url.split('//')[-1]}"
                                                     if backend == "sqlite" else "Upgraded")
    assert sorted(counts().values()) == [0, 0, 1, 1, 1, 2, 2]
    indexes = {i.name for i in database.get_indexes("annotation")}
    assert {"annotation_by_person_spans", "annotation_predictions_by_spans"} <= indexes
    if backend == "sqlite":
        with closing(sqlite3.connect(db_url)) as connection:
            assert connection.execute("PRAGMA user_version").fetchone()[0] == 8
