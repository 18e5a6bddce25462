"""Partial work (Prodigy's binary answers) in the store, on every backend: kept partial with
its rejected suggestions through edits and review, and refused when it does not fit."""
import pytest

from annotate.document import TextDocument
from annotate.formats.errors import InputError
from annotate.spans import Span
from annotate.versions import REVIEWED
from store.editing import add_span, open_annotation
from store.queries import add_annotations, current_documents
from store.records import AnnotationKey

TEXT = "Anna Smith met officials in Homs on Monday."
ANNA = Span(0, 10, "PERSON")
HOMS_AS_PERSON = Span(28, 32, "PERSON")


def partial_document(rejected=(HOMS_AS_PERSON,)):
    return TextDocument(TEXT, (ANNA,), status="accepted", rejected=tuple(rejected))


def test_partial_work_keeps_its_rejected_suggestions_through_edits_and_review(store):
    add_annotations(store.id, [partial_document()], "ana")
    [document] = current_documents(store.id)
    assert document.partial and document.rejected == (HOMS_AS_PERSON,)
    key = AnnotationKey(document.id, "ana")
    record = open_annotation(key)
    assert record.rejected == (HOMS_AS_PERSON,)
    add_span(key, Span(28, 32, "GPE"), record.revision)  # a rejected PERSON may be a GPE
    [edited] = current_documents(store.id)
    assert edited.partial and [s.label for s in edited.spans] == ["PERSON", "GPE"]
    reviewed = AnnotationKey(document.id, "ana", REVIEWED)
    add_span(reviewed, Span(36, 42, "DATE"), 0)  # the correction starts from the partial work
    assert open_annotation(reviewed).rejected == (HOMS_AS_PERSON,)


def test_complete_work_has_no_rejected_suggestions(store):
    add_annotations(store.id, [TextDocument(TEXT, (ANNA,), status="accepted")], "ana")
    [document] = current_documents(store.id)
    assert not document.partial and document.rejected is None
    assert open_annotation(AnnotationKey(document.id, "ana")).rejected is None


def test_a_rejected_suggestion_outside_the_text_is_refused_and_nothing_stored(store):
    with pytest.raises(InputError, match="GPE 40-90 is not a stretch of the text"):
        add_annotations(store.id, [partial_document((Span(40, 90, "GPE"),))], "ana")
    assert list(current_documents(store.id, "any")) == []
