"""Two sessions on one annotation: the store decides, whoever writes first. Each test runs on
SQLite and on PostgreSQL (tests/store/conftest.py); threads are separate connections."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from unittest.mock import patch

import pytest

from annotate.document import TextDocument
from annotate.formats import checks
from annotate.formats.errors import InputError
from annotate.spans import Mode, OverlapError, Span, SpanError
from store.editing import (
    ConflictError, EditError, add_span, open_annotation, remove_span, replace_span, set_status,
    settle, store_verdict,
)
from store.models import Annotation, Document, Span as SpanRow, database
from store.queries import (
    add_annotations, add_documents, current_documents, ensure_dataset, held_back,
    save_annotation, save_predictions, set_annotators_per_document, spans_for,
)
from store.records import AnnotationKey
from store.reviews import Verdict, create_sample, review_verdict
from store.routing import take_next_document

TEXT = "Troops shelled the old quarter of Homs on Monday, said Ali Hassan."
HOMS = Span(34, 38, "GPE", "model")
ALI = Span(55, 65, "PERSON", "model")


@pytest.fixture
def doc_id(store):
    add_documents(store.id, [TextDocument(TEXT)])
    doc_id = Document.get().id
    save_predictions([(doc_id, [HOMS, ALI])])
    return doc_id


def in_threads(*calls):
    """Runs each call on its own thread (its own connection), all released at once; returns
    each one's result or the exception it raised."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        try:
            return call()
        except Exception as error:  # noqa: BLE001 (the test looks at it)
            return error
        finally:
            database.close()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_two_windows_cannot_store_overlapping_spans(doc_id):
    """The reported case: two windows of one annotator each add a span at 59-65."""
    key = AnnotationKey(doc_id, "ana")
    seen = open_annotation(key).revision
    person, place = Span(59, 65, "PERSON", "ana"), Span(59, 65, "GPE", "ana")
    remove_span(key, ALI, seen)  # both windows start after this edit
    base = seen + 1
    first = add_span(key, person, base)
    with pytest.raises(ConflictError):
        add_span(key, place, base)  # the second window had not seen the first's span
    with pytest.raises(OverlapError, match="overlaps PERSON 59-65"):
        add_span(key, place, first)  # reloaded, it still may not overlap
    assert spans_for(doc_id, "ana") == [HOMS, person]


def test_concurrent_relabels_of_one_span_lose_no_update(doc_id):
    key = AnnotationKey(doc_id, "ana")
    seen = open_annotation(key).revision
    outcomes = in_threads(
        lambda: replace_span(key, HOMS, Span(34, 38, "LOC", "ana"), seen),
        lambda: replace_span(key, HOMS, Span(34, 38, "FAC", "ana"), seen),
    )
    stored = [o for o in outcomes if isinstance(o, int)]
    refused = [o for o in outcomes if isinstance(o, EditError)]
    assert len(stored) == 1 and len(refused) == 1, outcomes
    assert "changed elsewhere" in str(refused[0]) or "not stored" in str(refused[0])
    [label] = {s.label for s in spans_for(doc_id, "ana") if s.start == 34}
    assert label in ("LOC", "FAC")
    assert Annotation.get(Annotation.annotator == "ana").revision == seen + 1


def test_a_status_change_based_on_an_old_revision_is_refused(doc_id):
    key = AnnotationKey(doc_id, "ana")
    seen = open_annotation(key).revision
    set_status(key, "accepted", seen)
    with pytest.raises(ConflictError, match="changed elsewhere"):
        set_status(key, "rejected", seen)
    assert open_annotation(key).status == "accepted"


def test_two_sessions_opening_a_new_annotation_at_once_share_it(doc_id):
    key = AnnotationKey(doc_id, "ana")
    records = in_threads(*[lambda: open_annotation(key)] * 4)
    assert all(not isinstance(r, Exception) for r in records), records
    assert {r.spans for r in records} == {(HOMS, ALI)}
    assert Annotation.select().where(Annotation.annotator == "ana").count() == 1


def test_concurrent_edits_from_many_sessions_keep_every_rule(doc_id):
    """Eight sessions each try to add a span over the same words, all from the same revision,
    then retry from the revision they find: exactly one span survives, no overlap."""
    key = AnnotationKey(doc_id, "ana")
    open_annotation(key)

    def add_with_retries(label: str):
        for _ in range(20):
            try:
                return add_span(key, Span(19, 31, label, "ana"), open_annotation(key).revision)
            except ConflictError:
                continue
            except SpanError as refused:
                return refused

    outcomes = in_threads(*[lambda label=label: add_with_retries(label)
                            for label in ("FAC", "LOC", "GPE", "ORG", "NORP", "EVENT")])
    assert sum(isinstance(o, int) for o in outcomes) == 1, outcomes
    assert all(isinstance(o, (int, OverlapError)) for o in outcomes), outcomes
    assert len([s for s in spans_for(doc_id, "ana") if s.start == 19]) == 1


def test_an_edit_outside_the_text_or_twice_is_refused(doc_id):
    key = AnnotationKey(doc_id, "ana")
    seen = open_annotation(key).revision
    with pytest.raises(SpanError, match="not a stretch of the text"):
        add_span(key, Span(60, 90, "PERSON"), seen)
    with pytest.raises(SpanError, match="already there"):
        add_span(key, HOMS, seen)
    assert open_annotation(key).revision == seen  # a refused edit moves nothing


def test_importers_keep_the_same_rules(store):
    overlapping = TextDocument(TEXT, spans=(HOMS, Span(34, 43, "LOC")), source="news.jsonl")
    with pytest.raises(InputError, match="news.jsonl: .*overlaps"):
        add_documents(store.id, [overlapping])
    with pytest.raises(InputError, match="news.jsonl: .*overlaps"):
        add_annotations(store.id, [overlapping], "ben", "accepted")
    with pytest.raises(InputError, match="long.txt: .* over the 1,000 a document may hold"):
        with patch.object(checks, "MAX_TEXT_LENGTH", 1_000):  # 100M: too slow a test
            add_documents(store.id, [TextDocument("word " * 201, source="long.txt")])
    twice = TextDocument(TEXT, spans=(HOMS, HOMS), source="twice.jsonl")
    spans_mode = ensure_dataset("overlaps allowed", mode=Mode.SPANS)
    with pytest.raises(InputError, match="twice.jsonl: .*there twice"):
        add_documents(spans_mode.id, [twice])
    assert Document.select().count() == 0 and SpanRow.select().count() == 0
    add_documents(spans_mode.id, [overlapping])  # a spans dataset keeps both
    assert len(spans_for(Document.get().id)) == 2
    add_documents(store.id, [TextDocument(TEXT)])  # and an entity dataset's predictions
    entity_doc = Document.select().where(Document.dataset == store.id).get().id
    with pytest.raises(SpanError, match="overlaps"):
        save_predictions([(entity_doc, [HOMS, Span(36, 40, "LOC")])])


def test_a_verdict_based_on_an_old_revision_is_refused(doc_id):
    save_annotation(doc_id, "ana", [HOMS], "accepted")
    [sampled] = create_sample([Annotation.get(Annotation.annotator == "ana").id], "s1")
    seen = review_verdict(sampled.review_id)
    store_verdict(sampled.review_id, Verdict("pass", reviewer="rita"), seen.revision)
    with pytest.raises(EditError, match="another reviewer"):
        store_verdict(sampled.review_id, Verdict("fail", ("missed span",), reviewer="sam"),
                      seen.revision)
    assert review_verdict(sampled.review_id).verdict == "pass"


def test_taking_documents_at_once_never_exceeds_the_quota(store):
    add_documents(store.id, [TextDocument(f"Report {i} from Homs.") for i in range(6)])
    save_predictions([(d.id, []) for d in Document.select()])
    people = [f"annotator{i}" for i in range(6)]
    taken = in_threads(*[lambda name=name: take_next_document(store.id, name) for name in people])
    assert all(isinstance(t, int) for t in taken), taken
    assert len(set(taken)) == 6  # one each: the quota is one person per document
    set_annotators_per_document(store.id, 2)
    again = in_threads(*[lambda name=name: take_next_document(store.id, name, 0)
                         for name in ("bo", "cy", "di", "ed")])
    counts = {}
    for annotation in Annotation.select().where(Annotation.annotator.is_null(False)):
        counts[annotation.document_id] = counts.get(annotation.document_id, 0) + 1
    assert max(counts.values()) <= 2, counts
    assert len(set(again)) == 4


def test_the_last_document_needing_people_goes_to_each_of_them_at_once(store):
    """No one is told "nothing left" while a document still needs them."""
    add_documents(store.id, [TextDocument("A single report from Homs.")])
    set_annotators_per_document(store.id, 3)
    [only] = [d.id for d in Document.select()]
    assert in_threads(*[lambda name=name: take_next_document(store.id, name)
                        for name in ("ana", "ben", "cy")]) == [only] * 3
    assert take_next_document(store.id, "di") is None


def test_a_document_below_its_quota_is_held_back(doc_id, store):
    set_annotators_per_document(store.id, 2)
    save_annotation(doc_id, "ana", [HOMS], "accepted")
    save_annotation(doc_id, "ben", [HOMS], "pending")
    assert list(current_documents(store.id)) == []
    [held] = held_back(store.id)
    assert "1 of the 2 annotators" in held.reason and "ben still working" in held.reason
    save_annotation(doc_id, "ben", [HOMS], "accepted")
    assert [d.spans for d in current_documents(store.id)] == [(HOMS,)]


def test_an_adjudication_made_before_an_annotator_changed_their_work_is_held_back(doc_id, store):
    save_annotation(doc_id, "ana", [HOMS, ALI], "accepted")
    save_annotation(doc_id, "ben", [HOMS], "accepted")
    judge = AnnotationKey(doc_id, "jo", "adjudicated")
    seen = open_annotation(judge).revision
    seen = settle(judge, (55, 65), [ALI], seen)
    set_status(judge, "accepted", seen)
    assert [d.annotator for d in current_documents(store.id)] == ["jo"]
    ben = AnnotationKey(doc_id, "ben")
    add_span(ben, Span(0, 6, "NORP", "ben"), open_annotation(ben).revision)
    assert list(current_documents(store.id)) == []
    [held] = held_back(store.id)
    assert "adjudicated before ben changed their work" in held.reason


def test_an_adjudicated_version_is_accepted_only_with_every_conflict_settled(doc_id):
    save_annotation(doc_id, "ana", [HOMS, ALI], "accepted")
    save_annotation(doc_id, "ben", [HOMS], "accepted")
    judge = AnnotationKey(doc_id, "jo", "adjudicated")
    with pytest.raises(EditError, match="1 conflicts are not settled"):
        set_status(judge, "accepted", open_annotation(judge).revision)
