import pytest
from hypothesis import given, strategies as st

from annotate.spans import (
    Mode, OverlapError, Span, SpanError, add, has_overlaps, relabel, remove, resize,
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
