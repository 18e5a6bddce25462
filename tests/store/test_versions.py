"""Reviewed and adjudicated versions, and which version an export takes."""
import pytest

from annotate.document import TextDocument
from annotate.spans import Span
from store.editing import (
    EditError, add_span, open_annotation, people_annotations, remove_span, set_status, settle,
    settled_regions, unsettle,
)
from store.models import Annotation, Document
from store.queries import add_documents, current_documents, held_back, save_annotation
from store.records import AnnotationKey
from store.reviews import create_sample, record_review

TEXT = "Ada Lovelace met Babbage in London."
ADA = Span(0, 12, "PERSON")
BABBAGE = Span(17, 24, "PERSON")
LONDON_GPE, LONDON_LOC = Span(28, 34, "GPE"), Span(28, 34, "LOC")


@pytest.fixture
def doc_id(store):
    add_documents(store.id, [TextDocument(TEXT)])
    return Document.get().id


def exported(dataset_id):
    return {d.id: (d.annotator, d.spans) for d in current_documents(dataset_id, "accepted")}


def test_a_single_accepted_annotation_stands(store, doc_id):
    save_annotation(doc_id, "ana", [ADA, LONDON_GPE], "accepted")
    assert exported(store.id) == {doc_id: ("ana", (ADA, LONDON_GPE))}
    assert held_back(store.id) == []


def test_annotators_who_agree_stand_and_who_disagree_are_held_back(store, doc_id):
    save_annotation(doc_id, "ana", [ADA, LONDON_GPE], "accepted")
    save_annotation(doc_id, "ben", [ADA, LONDON_GPE], "accepted")
    assert exported(store.id)[doc_id][1] == (ADA, LONDON_GPE)
    save_annotation(doc_id, "ben", [ADA, BABBAGE, LONDON_LOC], "accepted")
    assert exported(store.id) == {}
    [held] = held_back(store.id)
    assert held.document_id == doc_id and "annotators disagree (ana, ben)" in held.reason


def test_a_correction_is_a_reviewed_version_and_the_original_is_kept(store, doc_id):
    save_annotation(doc_id, "ana", [ADA, LONDON_GPE], "accepted")
    reviewed = AnnotationKey(doc_id, "ana", "reviewed")
    assert open_annotation(reviewed).spans == (ADA, LONDON_GPE)  # shows the original
    assert Annotation.select().count() == 1  # nothing is created by looking
    add_span(reviewed, BABBAGE, 0)
    assert open_annotation(reviewed).spans == (ADA, BABBAGE, LONDON_GPE)
    assert open_annotation(AnnotationKey(doc_id, "ana")).spans == (ADA, LONDON_GPE)
    assert exported(store.id)[doc_id] == ("ana", (ADA, BABBAGE, LONDON_GPE))
    assert people_annotations(doc_id) == {"ana": (ADA, BABBAGE, LONDON_GPE)}


def test_failed_work_without_a_correction_is_held_back(store, doc_id):
    save_annotation(doc_id, "ana", [ADA], "accepted")
    [sampled] = create_sample([Annotation.get().id], "s1")
    record_review(sampled.review_id, "rita", "fail", ["missed span"])
    assert exported(store.id) == {}
    assert "failed review" in held_back(store.id)[0].reason
    add_span(AnnotationKey(doc_id, "ana", "reviewed"), BABBAGE, 0)  # the reviewer fixes it
    assert exported(store.id)[doc_id][1] == (ADA, BABBAGE)


def test_the_adjudicated_version_starts_from_agreement_and_wins_once_accepted(store, doc_id):
    save_annotation(doc_id, "ana", [ADA, LONDON_GPE], "accepted")
    save_annotation(doc_id, "ben", [ADA, BABBAGE, LONDON_LOC], "accepted")
    judge = AnnotationKey(doc_id, "jo", "adjudicated")
    assert open_annotation(judge).spans == (ADA,)
    settle(judge, (28, 34), [LONDON_GPE], 0)
    assert settled_regions(doc_id) == {(28, 34)}
    assert "adjudication unfinished" in held_back(store.id)[0].reason
    settle(judge, (17, 24), [], 1)  # ana's reading: no span there
    set_status(judge, "accepted", 2)
    assert exported(store.id) == {doc_id: ("jo", (ADA, LONDON_GPE))}
    unsettle(judge, (28, 34), [LONDON_GPE], 3)
    assert settled_regions(doc_id) == {(17, 24)}
    assert open_annotation(judge).spans == (ADA,)
    # Still one adjudicated version, whoever opens it next.
    assert open_annotation(AnnotationKey(doc_id, "kim", "adjudicated")).spans == (ADA,)


def test_a_reviewed_version_needs_an_original(store, doc_id):
    with pytest.raises(EditError, match="no annotation of this document to review"):
        remove_span(AnnotationKey(doc_id, "ana", "reviewed"), ADA, 0)
