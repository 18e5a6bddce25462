import pytest

from annotate.document import TextDocument
from annotate.spans import Span
from store.models import Annotation, Document
from store.queries import (
    add_documents, count_documents, current_documents, dataset_stats, ensure_dataset,
    find_dataset, save_annotation, save_predictions, spans_for, texts_to_predict,
)

LYON = Span(0, 4, "GPE", "model")


def test_dataset_keeps_its_label_set_in_order(store):
    again = ensure_dataset("default", [])
    assert again == store
    assert [label.key for label in store.labels][:3] == ["1", "2", "3"]
    assert find_dataset("missing") is None


def test_same_text_twice_is_skipped_and_counted(store):
    first = add_documents(store.id, [TextDocument("Lyon"), TextDocument("Paris")])
    second = add_documents(store.id, [TextDocument("Paris"), TextDocument("Rome"),
                                      TextDocument("Rome")])
    assert (first.added, first.duplicates) == (2, 0)
    assert (second.added, second.duplicates) == (1, 2)
    assert count_documents(store.id) == 3


def test_the_same_text_may_sit_in_two_datasets(store):
    other = ensure_dataset("other", [])
    add_documents(store.id, [TextDocument("Lyon")])
    assert add_documents(other.id, [TextDocument("Lyon")]).added == 1


def test_an_import_that_fails_half_way_stores_nothing(store):
    def documents():
        yield TextDocument("Lyon")
        yield TextDocument("Paris")
        raise RuntimeError("the disk went away")

    with pytest.raises(RuntimeError):
        add_documents(store.id, documents())
    assert Document.select().count() == 0


def test_imported_spans_become_predictions(store):
    add_documents(store.id, [TextDocument("Lyon is big", (LYON,))])
    [doc] = Document.select()
    assert spans_for(doc.id) == [LYON]


def test_predictions_are_replaced_and_people_are_left_alone(store):
    add_documents(store.id, [TextDocument("Lyon is big"), TextDocument("Paris")])
    lyon_id, paris_id = [d.id for d in Document.select().order_by(Document.id)]
    save_annotation(lyon_id, "ana", [Span(0, 4, "LOC", "ana")], "accepted")
    save_predictions([(lyon_id, [LYON]), (paris_id, [])])
    save_predictions([(lyon_id, [Span(0, 4, "PERSON", "model")])])
    assert spans_for(lyon_id) == [Span(0, 4, "PERSON")]
    assert spans_for(lyon_id, "ana") == [Span(0, 4, "LOC")]
    assert Annotation.select().where(Annotation.annotator.is_null()).count() == 2
    assert list(texts_to_predict(store.id)) == []
    assert [i for i, _ in texts_to_predict(store.id, overwrite=True)] == [lyon_id, paris_id]


def test_texts_to_predict_pages_through_everything(store):
    add_documents(store.id, [TextDocument(f"Story {i}") for i in range(12)])
    ids = [doc_id for doc_id, _ in texts_to_predict(store.id, page=5)]
    assert len(ids) == 12 == len(set(ids))


def test_current_spans_follow_status(store):
    add_documents(store.id, [TextDocument(t) for t in ("Lyon", "Paris", "Rome")])
    lyon, paris, rome = [d.id for d in Document.select().order_by(Document.id)]
    save_predictions([(lyon, [LYON]), (paris, [Span(0, 5, "GPE", "model")])])
    save_annotation(lyon, "ana", [Span(0, 4, "LOC", "ana")], "accepted")
    save_annotation(paris, "ben", [], "rejected")

    accepted = list(current_documents(store.id, "accepted"))
    assert [(d.id, d.annotator, d.spans) for d in accepted] == [(lyon, "ana", (Span(0, 4, "LOC"),))]
    everything = {d.id: (d.status, d.annotator, len(d.spans))
                  for d in current_documents(store.id, "any")}
    assert everything == {lyon: ("accepted", "ana", 1), paris: ("rejected", "ben", 0),
                          rome: ("pending", None, 0)}
    assert [d.id for d in current_documents(store.id, "pending")] == [rome]


def test_saving_an_annotation_checks_status_and_name(store):
    add_documents(store.id, [TextDocument("Lyon")])
    [doc] = Document.select()
    with pytest.raises(ValueError, match="status must be one of"):
        save_annotation(doc.id, "ana", [], "done")
    with pytest.raises(ValueError, match="annotator's name"):
        save_annotation(doc.id, "", [])


def test_stats_count_documents_per_status_and_spans_per_label(store):
    add_documents(store.id, [TextDocument(t) for t in ("Lyon and Paris", "Rome")])
    lyon, rome = [d.id for d in Document.select().order_by(Document.id)]
    save_predictions([(lyon, [LYON, Span(9, 14, "GPE", "model")]), (rome, [])])
    save_annotation(rome, "ana", [Span(0, 4, "GPE", "ana")], "accepted")
    stats = dataset_stats(store.id)
    assert (stats.documents, stats.predicted) == (2, 2)
    assert stats.by_status == {"pending": 1, "accepted": 1}
    assert stats.by_label == {"GPE": 3}
