import pytest

from annotate.document import TextDocument
from annotate.spans import Span
from store.editing import (
    EditError, add_span, open_annotation, remove_span, replace_span, set_status,
)
from store.routing import annotator_progress, document_rows
from store.models import Annotation, Document
from store.records import AnnotationKey
from store.queries import add_documents, current_documents, save_predictions, spans_for

TEXT = "Well over 7,500 people marched in Lyon."
CROWD = Span(0, 15, "CARDINAL", "model", 7500.0)
LYON = Span(34, 38, "PERSON", "model")


@pytest.fixture
def document(store):
    add_documents(store.id, [TextDocument(TEXT)])
    doc_id = Document.get().id
    save_predictions([(doc_id, [CROWD, LYON])])
    return doc_id


def test_first_open_seeds_the_annotation_from_the_model(document):
    record = open_annotation(AnnotationKey(document, "ana"))
    assert record.text == TEXT and record.status == "pending"
    assert record.spans == (CROWD, LYON) == record.predictions
    assert record.spans[0].source == "model" and record.spans[0].value == 7500.0


def test_edits_are_stored_at_once_and_leave_the_model_alone(document):
    assert open_annotation(AnnotationKey(document, "ana")).revision == 0
    assert remove_span(AnnotationKey(document, "ana"), CROWD, 0) == 1
    replace_span(AnnotationKey(document, "ana"), LYON, Span(34, 38, "GPE", "ana"), 1)
    add_span(AnnotationKey(document, "ana"), Span(23, 30, "EVENT", "ana"), 2)
    assert spans_for(document, "ana") == [Span(23, 30, "EVENT"), Span(34, 38, "GPE")]
    assert spans_for(document) == [CROWD, LYON]
    again = open_annotation(AnnotationKey(document, "ana"))  # reopening does not seed twice
    assert len(again.spans) == 2


def test_status_and_annotator_reach_the_export(document):
    open_annotation(AnnotationKey(document, "ana"))
    set_status(AnnotationKey(document, "ana"), "accepted", 0)
    [current] = current_documents(Document.get().dataset_id, "accepted")
    assert (current.annotator, current.status) == ("ana", "accepted")


def test_a_document_not_yet_preannotated_is_seeded_once_it_is(store):
    add_documents(store.id, [TextDocument(TEXT)])
    doc_id = Document.get().id
    early = open_annotation(AnnotationKey(doc_id, "ana"))
    assert early.spans == () and early.predictions == ()
    assert spans_for(doc_id, "ana") == [] and not Annotation.select().exists()
    save_predictions([(doc_id, [CROWD, LYON])])
    assert open_annotation(AnnotationKey(doc_id, "ana")).spans == (CROWD, LYON)


def test_a_first_edit_before_predictions_keeps_what_the_annotator_saw(store):
    add_documents(store.id, [TextDocument(TEXT)])
    doc_id = Document.get().id
    open_annotation(AnnotationKey(doc_id, "ana"))
    add_span(AnnotationKey(doc_id, "ana"), Span(34, 38, "GPE", "ana"), 0)
    save_predictions([(doc_id, [CROWD, LYON])])
    assert open_annotation(AnnotationKey(doc_id, "ana")).spans == (Span(34, 38, "GPE"),)


def test_edits_that_do_not_match_the_store_are_refused(document):
    open_annotation(AnnotationKey(document, "ana"))
    with pytest.raises(EditError, match="is not stored"):
        remove_span(AnnotationKey(document, "ana"), Span(0, 4, "ORG"), 0)
    with pytest.raises(ValueError, match="status must be one of"):
        set_status(AnnotationKey(document, "ana"), "done", 0)


def test_document_rows_page_and_filter_for_one_annotator(store):
    add_documents(store.id, [TextDocument(f"Story {i}\n\nAbout Lyon {i}.") for i in range(5)])
    ids = [d.id for d in Document.select().order_by(Document.id)]
    save_predictions([(ids[0], [Span(0, 5, "X", "model")])])
    open_annotation(AnnotationKey(ids[1], "ana"))
    add_span(AnnotationKey(ids[1], "ana"), Span(0, 5, "ORG", "ana"), 0)
    set_status(AnnotationKey(ids[1], "ana"), "accepted", 1)
    first = document_rows(store.id, "ana", limit=2)
    assert [(r.title, r.status, r.span_count) for r in first] == [
        ("Story 0", "pending", 1), ("Story 1", "accepted", 1)]
    rest = document_rows(store.id, "ana", after_id=first[-1].id)
    assert [r.title for r in rest] == ["Story 2", "Story 3", "Story 4"]
    assert [r.title for r in document_rows(store.id, "ana", status="accepted")] == ["Story 1"]
    assert [r.title for r in document_rows(store.id, "ana", containing="Lyon 3")] == ["Story 3"]
    assert [r.status for r in document_rows(store.id, "ben")][1] == "pending"
    assert annotator_progress(store.id, "ana") == (1, 5)


def test_document_rows_sort_in_the_store(store):
    add_documents(store.id, [TextDocument(t) for t in ("b two", "a one", "c three")])
    b, a, c = [d.id for d in Document.select().order_by(Document.id)]
    save_predictions([(a, [Span(0, 1, "X", "m")]), (c, [Span(0, 1, "X", "m"),
                                                            Span(2, 7, "Y", "m")])])
    open_annotation(AnnotationKey(b, "ana"))
    set_status(AnnotationKey(b, "ana"), "accepted", 0)
    titles = lambda **kw: [r.title for r in document_rows(store.id, "ana", **kw)]  # noqa: E731
    assert titles() == ["b two", "a one", "c three"]
    assert titles(descending=True) == ["c three", "a one", "b two"]
    assert titles(sort="title") == ["a one", "b two", "c three"]
    assert titles(sort="spans", descending=True) == ["c three", "a one", "b two"]
    assert titles(sort="status") == ["b two", "a one", "c three"]  # accepted < pending
    assert titles(sort="title", limit=1, offset=1) == ["b two"]


def test_next_document_respects_annotators_per_document(store):
    from store.routing import next_document
    from store.queries import save_annotation, set_annotators_per_document
    add_documents(store.id, [TextDocument(f"Story {i}") for i in range(4)])
    a, b, c, d = [doc.id for doc in Document.select().order_by(Document.id)]
    save_annotation(a, "ana", [], "accepted")
    save_annotation(b, "ana", [], "pending")  # opened: she is on it
    save_annotation(c, "ben", [], "skipped")  # not now, for ben
    assert [next_document(store.id, "ben", after) for after in (0, a, d)] == [d, d, d]
    assert next_document(store.id, "ana", a) == b  # her own pending work
    assert next_document(store.id, "ana", b) == c  # ben's skip does not count as seen
    assert next_document(store.id, "cy", 0) == c
    save_annotation(d, "ben", [], "accepted")
    assert next_document(store.id, "ben", d) is None  # nothing left for him
    assert set_annotators_per_document(store.id, 2).annotators_per_document == 2
    assert next_document(store.id, "ben", d) == a  # a second pair of eyes on ana's work
    assert next_document(store.id, "cy", 0) == a
    with pytest.raises(ValueError, match="at least one annotator"):
        set_annotators_per_document(store.id, 0)
