"""Imports commit a chunk at a time into a hidden staging dataset, yet store all or nothing
and show nothing until done; a killed import's staging dataset goes on the next import."""
import os
import socket
import subprocess
import sys
from datetime import timedelta

import pytest

from annotate.document import TextDocument
from annotate.labels import load_label_set
from annotate.spans import Mode, Span
from store import jobs, staging
from store.models import Annotation, Dataset, Document, utc_now
from store.queries import (
    add_documents, count_documents, dataset_names, dataset_stats, find_dataset, spans_for,
)

TEXTS = [f"Report {n}: {n * 7} people marched in Lyon." for n in range(10)]


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(jobs, "CHUNK_DOCUMENTS", 3)


def import_(documents, dataset="default", **options):
    return jobs.store_documents(dataset, load_label_set(), Mode.ENTITIES, documents, **options)


def dead_pid() -> int:
    """The id of a process that has ended (and been waited for)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_documents_show_only_once_every_chunk_is_stored(store, small_chunks):
    seen = []

    def progress(done: int) -> None:  # between chunks, as the window or `stats` would look
        staged = Dataset.get(Dataset.staging_of == store.id)
        seen.append((done, count_documents(store.id), count_documents(staged.id),
                     dataset_names(), find_dataset(staged.name)))

    result = store_documents_with(progress)
    assert (result.added, result.duplicates) == (10, 0)
    assert seen == [(3, 0, 3, ["default"], None), (3, 0, 6, ["default"], None),
                    (3, 0, 9, ["default"], None), (1, 0, 10, ["default"], None)]
    assert count_documents(store.id) == 10
    assert Dataset.select().where(Dataset.staging_of.is_null(False)).count() == 0
    assert dataset_stats(store.id).documents == 10


def store_documents_with(progress):
    return import_([TextDocument(t, (Span(0, 6, "CARDINAL", "model"),)) for t in TEXTS],
                 progress=progress)


def test_a_failure_after_some_chunks_stores_nothing_and_leaves_no_staging(store, small_chunks):
    def documents():
        yield from (TextDocument(t) for t in TEXTS[:7])
        raise RuntimeError("the disk went away")

    with pytest.raises(RuntimeError, match="disk went away"):
        import_(documents())
    assert Document.select().count() == 0
    assert [d.name for d in Dataset.select()] == ["default"]


def test_a_cancel_removes_a_dataset_the_import_created(store, small_chunks):
    def cancel(_done):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_([TextDocument(t) for t in TEXTS], "new", progress=cancel)
    assert find_dataset("new") is None
    assert Dataset.select().count() == 1 and Document.select().count() == 0


def test_duplicates_are_found_in_the_dataset_and_across_chunks(store, small_chunks):
    add_documents(store.id, [TextDocument(TEXTS[0]), TextDocument(TEXTS[5])])
    result = import_([TextDocument(t) for t in TEXTS + TEXTS[:4]])
    assert (result.added, result.duplicates) == (8, 6)
    assert count_documents(store.id) == 10


def test_texts_another_import_stored_meanwhile_are_counted_as_duplicates(store, small_chunks):
    def meanwhile(_done):
        if count_documents(store.id) == 0:
            # one text staged already, one not yet read
            add_documents(store.id, [TextDocument(TEXTS[1]), TextDocument(TEXTS[8])])

    result = import_([TextDocument(t) for t in TEXTS], progress=meanwhile)
    assert (result.added, result.duplicates) == (8, 2)
    assert sorted(d.text for d in Document.select()) == sorted(TEXTS)


def test_people_work_on_texts_stored_meanwhile_is_refused_whole(store, small_chunks):
    def meanwhile(_done):
        if count_documents(store.id) == 0:
            add_documents(store.id, [TextDocument(TEXTS[1])])  # staged already

    carried = [TextDocument(t, annotations={"ana": ((Span(0, 6, "CARDINAL"),), "accepted")})
               for t in TEXTS]
    with pytest.raises(jobs.JobError, match="another import stored 1 of these texts"):
        import_(carried, progress=meanwhile)
    assert [d.text for d in Document.select()] == [TEXTS[1]]
    assert Annotation.select().count() == 0


def test_work_the_files_carry_reaches_new_and_known_documents(store, small_chunks):
    add_documents(store.id, [TextDocument(TEXTS[2])])
    known = Document.get().id
    span = (Span(0, 6, "CARDINAL"),)
    carried = [TextDocument(t, annotations={"ana": (span, "accepted"), "bo": ((), "skipped")})
               for t in TEXTS[:5]]
    result = import_(carried)
    assert (result.added, result.duplicates) == (4, 1)
    assert (result.annotations, result.already_annotated) == (10, 0)
    assert spans_for(known, "ana") == [Span(0, 6, "CARDINAL")]
    assert Annotation.select().where(Annotation.annotator == "bo").count() == 5


def test_an_annotator_import_adds_to_known_documents_at_the_end(store, small_chunks):
    add_documents(store.id, [TextDocument(TEXTS[0]), TextDocument(TEXTS[1])])
    span = (Span(0, 6, "CARDINAL"),)
    result = import_([TextDocument(t, span) for t in TEXTS[:5]], annotator="cy",
                   status="accepted")
    assert (result.added, result.duplicates, result.annotations) == (3, 2, 5)
    again = import_([TextDocument(t, span) for t in TEXTS[:5]], annotator="cy")
    assert (again.added, again.annotations, again.already_annotated) == (0, 0, 5)
    assert {a.status for a in Annotation.select()} == {"accepted"}


def staging_named(target_id: int, host: str, pid: int, age: timedelta = timedelta()) -> int:
    return Dataset.insert(name=f"import {host} {pid} {os.urandom(8).hex()}",
                          staging_of=target_id, created=utc_now() - age).execute()


def test_the_next_import_removes_staging_left_by_killed_imports(store):
    host = socket.gethostname()
    killed = staging_named(store.id, host, dead_pid())
    add_documents(killed, [TextDocument("half an import")])
    running = staging_named(store.id, host, os.getppid())  # a live process
    elsewhere = staging_named(store.id, "another-host", dead_pid())
    abandoned = staging_named(store.id, "another-host", 12345, timedelta(days=2))
    import_([TextDocument("Lyon")])
    remaining = {d.id for d in Dataset.select().where(Dataset.staging_of.is_null(False))}
    assert remaining == {running, elsewhere}
    assert killed not in {d.id for d in Dataset.select()} and abandoned not in remaining
    assert [d.text for d in Document.select()] == ["Lyon"]
    assert dataset_names() == ["default"]


def test_staging_is_removed_a_page_at_a_time_with_its_predictions(store, monkeypatch):
    monkeypatch.setattr(staging, "DROP_PAGE", 4)
    left = staging_named(store.id, socket.gethostname(), dead_pid())
    add_documents(left, [TextDocument(t, (Span(0, 6, "CARDINAL", "model"),)) for t in TEXTS])
    assert staging.remove_stale() == 1
    assert Document.select().count() == 0 and Annotation.select().count() == 0
