"""Every version of each exported document: the model's spans and everyone's work."""
from annotate.document import TextDocument
from annotate.spans import Span
from store.all_work import PersonWork, all_work
from store.editing import add_span, open_annotation, set_status, settle
from store.models import Document
from store.queries import add_documents, save_annotation, save_predictions
from store.records import AnnotationKey

TEXT = "Ada Lovelace met Babbage in London."
ADA = Span(0, 12, "PERSON")
BABBAGE = Span(17, 24, "PERSON")
LONDON_GPE, LONDON_LOC = Span(28, 34, "GPE"), Span(28, 34, "LOC")
OTHER = "Floods hit Lyon on Tuesday."


def documents(store, *texts):
    add_documents(store.id, [TextDocument(text) for text in texts])
    return [Document.get(Document.text == text).id for text in texts]


def adjudicate(doc_id, adjudicator="jo"):
    """ana's reading of London, and no span on Babbage."""
    judge = AnnotationKey(doc_id, adjudicator, "adjudicated")
    open_annotation(judge)
    settle(judge, (28, 34), [LONDON_GPE], 0)
    settle(judge, (17, 24), [], 1)
    set_status(judge, "accepted", 2)


def work_of(store, status="accepted"):
    return {d.id: (d.predictions, d.work) for d in all_work(store.id, status)}


def test_each_persons_work_the_models_and_the_adjudicated_version_go_together(store):
    [doc_id] = documents(store, TEXT)
    save_predictions([(doc_id, [Span(28, 34, "GPE", "ner-v1")])])
    save_annotation(doc_id, "ben", [ADA, BABBAGE, LONDON_LOC], "accepted")
    save_annotation(doc_id, "ana", [ADA, LONDON_GPE], "accepted")
    adjudicate(doc_id)
    [document] = all_work(store.id)
    assert (document.text, document.status) == (TEXT, "accepted")
    assert [(s, s.source) for s in document.predictions] == [(LONDON_GPE, "ner-v1")]
    # People by name, then the adjudicated version under its adjudicator's name.
    assert document.work == (
        PersonWork("ana", (ADA, LONDON_GPE), "accepted"),
        PersonWork("ben", (ADA, BABBAGE, LONDON_LOC), "accepted"),
        PersonWork("jo", (ADA, LONDON_GPE), "accepted", adjudicated=True))


def test_a_reviewed_version_takes_the_place_of_the_work_it_corrects(store):
    [doc_id] = documents(store, TEXT)
    save_annotation(doc_id, "ana", [ADA], "accepted")
    add_span(AnnotationKey(doc_id, "ana", "reviewed"), LONDON_GPE, 0)
    assert work_of(store) == {doc_id: (None, (
        PersonWork("ana", (ADA, LONDON_GPE), "accepted"),))}


def test_documents_held_back_stay_back_and_pending_work_needs_status_any(store):
    agreed, disputed, untouched = documents(store, TEXT, OTHER, "Nothing here.")
    save_predictions([(untouched, [])])
    for name in ("ana", "ben"):
        save_annotation(agreed, name, [ADA], "accepted")
    save_annotation(agreed, "cleo", [BABBAGE], "pending")  # opened, never finished
    save_annotation(disputed, "ana", [Span(11, 15, "GPE")], "accepted")
    save_annotation(disputed, "ben", [Span(11, 15, "LOC")], "accepted")
    assert {doc_id: [(w.annotator, w.status) for w in work]
            for doc_id, (_, work) in work_of(store).items()} == {
        agreed: [("ana", "accepted"), ("ben", "accepted")]}
    everything = work_of(store, "any")
    assert [w.annotator for w in everything[agreed][1]] == ["ana", "ben", "cleo"]
    assert [w.annotator for w in everything[disputed][1]] == ["ana", "ben"]
    assert everything[untouched] == ((), ())  # pre-annotated, found nothing; nobody's work
