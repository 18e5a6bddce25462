import pytest

from annotate.preannotate import (
    PipelineError, PipelineSpec, load_pipeline, merge_layers, predict, read_patterns,
)
from annotate.spans import Span, has_overlaps

MODEL = "en_core_web_sm 3.8.0"
TEXT = ("Well over 7,500 people marched in Lyon in mid-2011, while eight soldiers and "
        "21 people were killed and tens of thousands fled.")


def test_model_entity_covering_a_number_is_kept():
    text = "In mid-2011 it rained."
    date = Span(3, 11, "DATE", MODEL)
    merged = merge_layers(text, [], [date], [Span(7, 11, "CARDINAL", "numbers")])
    assert merged == [date] and merged[0].source == MODEL


def test_a_wider_number_widens_the_models_numeric_entity():
    text = "Well over 7,500 people"
    merged = merge_layers(text, [], [Span(10, 15, "CARDINAL", MODEL)],
                          [Span(0, 15, "CARDINAL", "numbers")])
    assert [(s.text(text), s.label, s.value) for s in merged] == [
        ("Well over 7,500", "CARDINAL", 7500)]
    assert merged[0].source == f"{MODEL} + numbers"


def test_a_unit_found_around_a_bare_cardinal_gives_the_more_specific_label():
    text = "310 millimetres of rain"
    merged = merge_layers(text, [], [Span(0, 3, "CARDINAL", MODEL)],
                          [Span(0, 15, "QUANTITY", "numbers")])
    assert [(s.text(text), s.label) for s in merged] == [("310 millimetres", "QUANTITY")]


def test_a_number_never_overlaps_a_non_numeric_entity():
    text = "Route 66 Diner"
    org = Span(0, 14, "ORG", MODEL)
    assert merge_layers(text, [], [org], [Span(6, 8, "CARDINAL", "numbers")]) == [org]
    crossing = merge_layers(text, [], [Span(0, 5, "GPE", MODEL)],
                            [Span(0, 8, "CARDINAL", "numbers")])
    assert crossing == [Span(0, 5, "GPE", MODEL)]


def test_patterns_win_over_the_model():
    text = "Goldspan Wire reported"
    pattern = Span(0, 13, "ORG", "patterns")
    assert merge_layers(text, [pattern], [Span(0, 8, "PERSON", MODEL)], []) == [pattern]


def test_the_real_pipeline_highlights_entities_and_every_number(model_name):
    [(doc_id, spans)] = list(predict(PipelineSpec(model_name), [(7, TEXT)]))
    found = {(s.text(TEXT), s.label) for s in spans}
    assert doc_id == 7
    assert {("Well over 7,500", "CARDINAL"), ("mid-2011", "DATE")} <= found
    assert "Lyon" in {text for text, _ in found}  # its label is the model's guess
    for number in ("eight", "21", "tens of thousands"):
        assert any(number in text for text, _ in found), number
    assert not has_overlaps(spans)
    values = {s.text(TEXT): s.value for s in spans}
    assert values["Well over 7,500"] == 7500 and values.get("tens of thousands") is None


def test_only_entity_components_run(model_name):
    nlp, source = load_pipeline(PipelineSpec(model_name))
    assert nlp.pipe_names == ["ner"]
    assert source.endswith("3.8.0")


def test_without_a_model_the_numbers_layer_still_runs():
    [(_, spans)] = list(predict(PipelineSpec(None), [(1, TEXT)]))
    assert {s.source for s in spans} == {"numbers"}
    assert ("Well over 7,500", 7500) in {(s.text(TEXT), s.value) for s in spans}


def test_two_processes_give_the_same_spans_in_the_same_order(model_name):
    texts = [(i, f"{TEXT} Report {i} came from Paris on {i} May.") for i in range(1, 41)]
    spec = PipelineSpec(model_name)
    one = list(predict(spec, texts, processes=1, batch_size=8))
    two = list(predict(spec, texts, processes=2, batch_size=8))
    assert [doc_id for doc_id, _ in two] == list(range(1, 41))
    assert [(i, [(s.start, s.end, s.label, s.source, s.value) for s in spans]) for i, spans in one] \
        == [(i, [(s.start, s.end, s.label, s.source, s.value) for s in spans]) for i, spans in two]


def test_patterns_file_adds_its_own_source(tmp_path):
    patterns = tmp_path / "patterns.jsonl"
    patterns.write_text('{"label": "ORG", "pattern": "Goldspan Wire"}\n'
                        '{"label": "GPE", "pattern": [{"LOWER": "vallemar"}]}\n')
    text = "Goldspan Wire says Vallemar has 3 ports."
    [(_, spans)] = list(predict(PipelineSpec(None, patterns), [(1, text)]))
    assert [(s.text(text), s.label, s.source) for s in spans] == [
        ("Goldspan Wire", "ORG", "patterns"), ("Vallemar", "GPE", "patterns"),
        ("3", "CARDINAL", "numbers")]


def test_a_bad_patterns_line_is_named(tmp_path):
    patterns = tmp_path / "patterns.jsonl"
    patterns.write_text('{"label": "ORG", "pattern": "A"}\n\n{"label": "ORG"}\n')
    with pytest.raises(PipelineError, match=r"patterns.jsonl:3: a pattern needs"):
        read_patterns(patterns)


@pytest.mark.parametrize("processes", [1, 2])
def test_an_unknown_model_is_reported(processes):
    with pytest.raises(PipelineError, match="cannot load spaCy pipeline 'no_such_model'"):
        list(predict(PipelineSpec("no_such_model"), [(1, "Lyon")], processes=processes))
