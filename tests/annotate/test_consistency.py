from annotate.consistency import label_conflicts, model_changes, rank_by_model_disagreement
from annotate.spans import Span

A = "Apple sued Apple Inc in Paris."
B = "apple  sued the apple store."


def test_the_same_name_with_two_labels_is_found_whatever_its_case():
    conflicts = label_conflicts([
        (1, A, [Span(0, 5, "ORG"), Span(11, 20, "ORG"), Span(24, 29, "GPE")]),
        (2, B, [Span(0, 5, "PERSON"), Span(16, 21, "ORG")]),
        (3, "Paris again.", [Span(0, 5, "GPE")]),
    ])
    assert len(conflicts) == 1
    [apple] = conflicts
    assert apple.surface == "apple"  # its most frequent spelling
    assert apple.labels == {"ORG": 2, "PERSON": 1}
    assert apple.documents == (1, 2)


def test_what_annotators_did_with_the_models_spans():
    predicted = [Span(0, 5, "ORG"), Span(11, 16, "ORG"), Span(24, 29, "PERSON"),
                 Span(6, 10, "DATE")]
    final = [Span(0, 5, "ORG"), Span(11, 20, "ORG"), Span(24, 29, "GPE")]
    changes = model_changes([(predicted, final)])
    assert changes.kept == {"ORG": 1}
    assert changes.resized == {"ORG": 1}  # "Apple" -> "Apple Inc"
    assert changes.relabelled == {("PERSON", "GPE"): 1}
    assert changes.removed == {"DATE": 1}


def test_documents_ranked_by_how_far_gold_is_from_the_model():
    same = [Span(0, 5, "ORG")]
    ranked = rank_by_model_disagreement([
        ("kept", same, same), ("changed", same, [Span(0, 5, "GPE")]),
        ("half", same + [Span(6, 9, "X")], same)])
    assert [doc for doc, _ in ranked] == ["changed", "half", "kept"]
    assert ranked[0][1] == 1.0 and ranked[-1][1] == 0.0
