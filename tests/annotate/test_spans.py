import pytest
from hypothesis import given, strategies as st

from annotate.spans import (
    Mode, OverlapError, Span, SpanError, add, covering, find_overlaps, has_overlaps, innermost,
    longest, overlaps, relabel, remove, resize,
)
from annotate.tokenizer import tokens_of

TEXT = "Well over 7,500 people marched in Lyon on Tuesday."
CROWD = Span(0, 15, "CARDINAL")
LYON = Span(34, 38, "GPE")


def test_add_keeps_spans_in_document_order():
    spans = add(add([], LYON), CROWD)
    assert spans == [CROWD, LYON]
    assert [s.text(TEXT) for s in spans] == ["Well over 7,500", "Lyon"]


def test_entity_mode_refuses_overlap_and_names_the_conflict():
    with pytest.raises(OverlapError) as refused:
        add([CROWD], Span(10, 22, "QUANTITY"))
    assert refused.value.conflicts == (CROWD,)
    assert "overlaps CARDINAL 0-15" in str(refused.value)


def test_spans_mode_allows_overlap():
    spans = add([CROWD], Span(10, 22, "QUANTITY"), Mode.SPANS)
    assert len(spans) == 2 and has_overlaps(spans)


def test_the_same_span_twice_and_empty_spans_are_refused():
    with pytest.raises(SpanError):
        add([CROWD], Span(0, 15, "CARDINAL", source="someone else"), Mode.SPANS)
    with pytest.raises(SpanError):
        add([], Span(3, 3, "CARDINAL"))


def test_remove_relabel_and_resize():
    spans = [CROWD, LYON]
    assert remove(spans, LYON) == [CROWD]
    relabelled = relabel(spans, LYON, "LOC", source="ana")
    assert [(s.label, s.source) for s in relabelled] == [("CARDINAL", ""), ("LOC", "ana")]
    resized = resize(spans, CROWD, 10, 15)
    assert resized[0].text(TEXT) == "7,500"
    with pytest.raises(OverlapError):
        resize(spans, LYON, 10, 38)  # would swallow the crowd
    with pytest.raises(SpanError):
        remove(spans, Span(1, 2, "X"))


def test_snap_expands_a_sloppy_selection_to_whole_tokens():
    tokens = tokens_of(TEXT)
    # from inside "over" to inside "people"
    assert tokens.snap(7, 18) == (5, 22)
    assert TEXT[5:22] == "over 7,500 people"
    assert tokens.snap(4, 5) is None  # a space alone touches no token
    assert tokens.is_aligned(5, 22) and not tokens.is_aligned(6, 22)


@given(st.data())
def test_snapped_ranges_are_aligned_and_cover_the_selection(data):
    text = data.draw(st.text(alphabet="ab ,.7-'", min_size=1, max_size=40))
    tokens = tokens_of(text)
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    touched = [(s, e) for s, e in zip(tokens.starts, tokens.ends) if s < end and start < e]
    snapped = tokens.snap(start, end)
    if snapped is None:
        assert touched == [] and text[start:end].strip() == ""
    else:
        assert tokens.is_aligned(*snapped)
        assert snapped == (touched[0][0], touched[-1][1])  # every touched token, no more


# Overlap and lookup by bisection: the same answers as looking at every span


def test_touching_spans_do_not_overlap():
    spans = [Span(0, 5, "A"), Span(10, 15, "B")]
    assert add(spans, Span(5, 10, "C")) == [Span(0, 5, "A"), Span(5, 10, "C"), Span(10, 15, "B")]
    assert find_overlaps(spans, Span(5, 10, "C"), longest(spans)) == []
    assert covering(spans, 5, longest(spans)) == [] and covering(spans, 4, 5) == [spans[0]]


def test_nested_spans_clash_in_entity_mode_both_ways():
    outer, inner = Span(10, 30, "ORG"), Span(15, 20, "GPE")
    with pytest.raises(OverlapError) as refused:
        add([outer], inner)
    assert refused.value.conflicts == (outer,)
    with pytest.raises(OverlapError) as refused:
        add([Span(0, 5, "A"), inner, Span(25, 28, "B"), Span(40, 45, "C")], outer)
    assert refused.value.conflicts == (inner, Span(25, 28, "B"))


def test_a_long_span_far_back_is_found_among_nested_ones():
    # In spans mode a span may cover many shorter ones: looking back only to the previous
    # span would miss it.
    spans = [Span(0, 100, "EVENT"), Span(10, 20, "GPE"), Span(30, 40, "GPE"), Span(90, 95, "X")]
    reach = longest(spans)
    assert find_overlaps(spans, Span(50, 60, "Y"), reach) == [Span(0, 100, "EVENT")]
    assert covering(spans, 92, reach) == [Span(0, 100, "EVENT"), Span(90, 95, "X")]
    assert innermost(spans, 92, reach) == Span(90, 95, "X")
    assert innermost(spans, 50, reach) == Span(0, 100, "EVENT")
    assert innermost(spans, 100, reach) is None


def test_an_identical_span_overlaps_and_is_refused_as_already_there():
    spans = [Span(0, 5, "A"), Span(5, 9, "B")]
    assert find_overlaps(spans, Span(5, 9, "B"), longest(spans)) == [Span(5, 9, "B")]
    assert find_overlaps(spans, Span(5, 9, "OTHER"), longest(spans)) == [Span(5, 9, "B")]
    with pytest.raises(SpanError, match="already there"):
        add(spans, Span(5, 9, "B"))
    with pytest.raises(OverlapError):
        add(spans, Span(5, 9, "OTHER"))


def test_lookups_on_no_spans():
    assert longest([]) == 0
    assert find_overlaps([], Span(0, 3, "A"), 0) == [] and innermost([], 0, 0) is None
    assert add([], Span(0, 3, "A")) == [Span(0, 3, "A")]


starts = st.integers(0, 60)
span_lists = st.lists(st.builds(lambda start, length, label: Span(start, start + length, label),
                                starts, st.integers(1, 25), st.sampled_from("AB")), max_size=30)


@given(span_lists, starts, st.integers(1, 25))
def test_bisection_finds_what_a_scan_finds(spans, start, length):
    spans = sorted(set(spans))
    candidate = Span(start, start + length, "C")
    assert find_overlaps(spans, candidate, longest(spans)) == \
        [s for s in spans if overlaps(s, candidate)] == find_overlaps(spans, candidate)
    assert covering(spans, start, longest(spans)) == \
        [s for s in spans if s.start <= start < s.end] == covering(spans, start)
    assert innermost(spans, start, longest(spans) + 5) == innermost(spans, start)


@given(span_lists, starts, st.integers(1, 25))
def test_entity_mode_refuses_exactly_what_a_scan_finds(spans, start, length):
    disjoint: list[Span] = []
    for span in sorted(set(spans)):  # an entity-mode list: no two overlapping
        if not disjoint or disjoint[-1].end <= span.start:
            disjoint.append(span)
    candidate = Span(start, start + length, "C")
    scanned = [s for s in disjoint if overlaps(s, candidate)]
    try:
        added = add(disjoint, candidate)
    except OverlapError as refused:
        assert refused.conflicts == tuple(scanned) != ()
    else:
        assert scanned == [] and added == sorted([*disjoint, candidate])
