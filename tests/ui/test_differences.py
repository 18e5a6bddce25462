"""Comparing with the model, kept up to date by touched ranges, agrees with working it out
anew after any edits."""
from hypothesis import given, strategies as st

from annotate import spans as span_ops
from annotate.spans import Mode, Span
from ui.differences import Differences

spans = st.builds(lambda start, length, label: Span(start, start + length, label),
                  st.integers(0, 80), st.integers(1, 12), st.sampled_from("AB"))


def anew(reference, current):
    now = set(current)
    return sorted(p for p in set(reference) if p not in now)


@given(st.lists(spans, max_size=20), st.lists(st.tuples(st.booleans(), spans), max_size=15))
def test_ghosts_follow_edits_as_a_full_comparison_would(reference, edits):
    current = sorted(set(reference))
    differences = Differences(reference, current)
    for adding, span in edits:
        if adding and span not in current:
            current = span_ops.add(current, span, Mode.SPANS)
        elif not adding and current:
            span = current[span.start % len(current)]  # one that is there
            current = span_ops.remove(current, span)
        else:
            continue
        differences.update(current, [(span.start, span.end)])
        assert differences.ghosts == anew(reference, current)
    assert differences.predicted == frozenset(reference)


def test_a_relabel_makes_the_models_span_a_ghost_and_undo_brings_it_back():
    model = [Span(0, 4, "GPE"), Span(10, 15, "DATE")]
    differences = Differences(model, model)
    relabelled = [Span(0, 4, "ORG"), Span(10, 15, "DATE")]
    differences.update(relabelled, [(0, 4), (0, 4)])
    assert differences.ghosts == [Span(0, 4, "GPE")]
    assert Span(0, 4, "ORG") not in differences.predicted  # drawn as added
    differences.update(model, [(0, 4), (0, 4)])
    assert differences.ghosts == []
