"""Long texts through the pipeline in pieces: where they are cut, and spans put back."""
import json

import spacy

from annotate.long_texts import batches, cut, joined, pieces
from annotate.preannotate import PipelineSpec, predict
from annotate.spans import Span

PARAGRAPH = "Ada Lovelace counted 21 people in Paris. She left.\n\n"


def ends_of_pieces(text: str, limit: int) -> list[str]:
    starts = cut(text, limit)
    assert all(b - a <= limit for a, b in zip(starts, [*starts[1:], len(text)]))
    return [text[:start] for start in starts[1:]]


def test_a_text_within_the_limit_is_one_piece():
    assert cut(PARAGRAPH * 3, len(PARAGRAPH) * 3) == [0]


def test_pieces_end_at_a_blank_line_before_a_line_break_or_a_sentence():
    text = ("One line.\nAnother. " * 4 + "\n\n") * 10
    assert all(before.endswith("\n\n") for before in ends_of_pieces(text, 200))


def test_without_paragraphs_at_a_line_break_then_a_sentence_then_white_space():
    lines = "Numbers rose. They fell again\n" * 40
    assert all(before.endswith("again\n") for before in ends_of_pieces(lines, 200))
    sentences = "Numbers rose, then fell (\"again!\") " * 40
    assert all(before.endswith("!\") ") for before in ends_of_pieces(sentences, 200))
    words = "numbers rose then fell " * 40
    assert all(before.endswith(" ") for before in ends_of_pieces(words, 200))


def test_a_stretch_without_white_space_is_cut_at_the_limit():
    assert cut("x" * 250, 100) == [0, 100, 200]


def test_a_boundary_early_in_a_piece_is_passed_over_for_a_later_cut():
    text = "a.\n\n" + "word " * 100  # the only blank line is at offset 4
    assert cut(text, 100)[1] > 50


def test_spans_of_pieces_are_shifted_back_into_their_documents():
    documents = [(7, "x " * 120), (8, "short")]
    cut_up = list(pieces(documents, limit=100))
    assert [(p.doc_id, p.offset, p.last) for p, _ in cut_up] == [
        (7, 0, False), (7, 100, False), (7, 200, True), (8, 0, True)]
    assert "".join(text for p, text in cut_up if p.doc_id == 7) == "x " * 120
    found = [(piece, [Span(0, 1, "X")]) for piece, _ in cut_up]
    assert list(joined(found)) == [
        (7, [Span(0, 1, "X"), Span(100, 101, "X"), Span(200, 201, "X")]), (8, [Span(0, 1, "X")])]


def test_batches_hold_a_bounded_number_of_characters():
    items = [(i, "x" * 40) for i in range(10)]
    assert [len(b) for b in batches(items, size=4, characters=100)] == [2, 2, 2, 2, 2]
    assert [len(b) for b in batches(items, size=3, characters=1000)] == [3, 3, 3, 1]
    assert [len(b) for b in batches([(0, "x" * 500), (1, "y")], 4, 100)] == [1, 1]


def test_a_text_over_spacys_limit_is_pre_annotated_in_pieces_with_the_same_spans(tmp_path):
    over = spacy.blank("en").max_length // len(PARAGRAPH) + 1
    text = PARAGRAPH * over + "At last 7,500 people came."
    patterns = tmp_path / "patterns.jsonl"
    patterns.write_text(json.dumps({"label": "PERSON", "pattern": "Ada Lovelace"}) + "\n")
    [(doc_id, spans)] = list(predict(PipelineSpec(None, patterns), [(3, text)]))
    [(_, one)] = list(predict(PipelineSpec(None, patterns), [(3, PARAGRAPH)]))
    assert doc_id == 3 and len(text) > 1_000_000
    assert [(s.label, s.text(text)) for s in spans] == \
        [(s.label, s.text(PARAGRAPH)) for s in one] * over + [("CARDINAL", "7,500")]
    assert spans[-1].value == 7500
    assert spans == sorted(spans)
