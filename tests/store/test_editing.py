import pytest

from annotate.document import TextDocument
from annotate.spans import Span
from store.editing import (
    EditError, add_span, open_annotation, remove_span, replace_span, set_status,
)
from store.models import Document
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
    record = open_annotation(document, "ana")
    assert record.text == TEXT and record.status == "pending"
    assert record.spans == (CROWD, LYON) == record.predictions
    assert record.spans[0].source == "model" and record.spans[0].value == 7500.0


def test_edits_are_stored_at_once_and_leave_the_model_alone(document):
    open_annotation(document, "ana")
    remove_span(document, "ana", CROWD)
    replace_span(document, "ana", LYON, Span(34, 38, "GPE", "ana"))
    add_span(document, "ana", Span(23, 30, "EVENT", "ana"))
    assert spans_for(document, "ana") == [Span(23, 30, "EVENT"), Span(34, 38, "GPE")]
    assert spans_for(document) == [CROWD, LYON]
    again = open_annotation(document, "ana")  # reopening does not seed twice
    assert len(again.spans) == 2


def test_status_and_annotator_reach_the_export(document):
    open_annotation(document, "ana")
    set_status(document, "ana", "accepted")
    [current] = current_documents(Document.get().dataset_id, "accepted")
    assert (current.annotator, current.status) == ("ana", "accepted")


def test_edits_that_do_not_match_the_store_are_refused(document):
    with pytest.raises(EditError, match="ben has no annotation"):
        add_span(document, "ben", CROWD)
    open_annotation(document, "ana")
    with pytest.raises(EditError, match="is not stored"):
        remove_span(document, "ana", Span(0, 4, "ORG"))
    with pytest.raises(ValueError, match="status must be one of"):
        set_status(document, "ana", "done")
