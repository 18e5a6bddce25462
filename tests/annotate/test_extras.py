"""What a source had besides spans, as the window lists it: doccano's relations through the
entity ids, brat's other lines, each resolved against the spans as they stand now."""
from dataclasses import replace
from pathlib import Path

from annotate.extras import source_extras
from annotate.formats.brat import read_brat
from annotate.formats.doccano import read_doccano
from annotate.spans import Span

DATA = Path(__file__).parent.parent / "data"


def test_doccano_relations_read_as_their_spans_texts():
    [document, empty] = read_doccano(DATA / "doccano" / "relations.jsonl")
    rows = source_extras(document.meta, document.text, document.spans)
    assert [row.text for row in rows] == [
        "GPE 'Lyon' —located_in→ GPE 'France'",
        "PERSON 'Ada Lovelace' —mentions→ GPE 'Lyon'"]
    assert rows[0].detail == "doccano relation 273: entity 1662 to entity 1663"
    assert rows[1].spans == (Span(24, 36, "PERSON"), Span(0, 4, "GPE")) and not rows[1].gone
    assert source_extras(empty.meta, empty.text, empty.spans) == []


def test_a_relation_whose_span_is_gone_says_so_and_a_relabelled_one_is_followed():
    [document, _] = read_doccano(DATA / "doccano" / "relations.jsonl")
    lyon, france, ada = document.spans[0], document.spans[1], document.spans[2]
    now = [replace(lyon, label="CITY"), ada]  # France deleted, Lyon relabelled
    rows = source_extras(document.meta, document.text, now)
    assert rows[0].text == "CITY 'Lyon' —located_in→ GPE 'France' (no longer a span)"
    assert rows[0].spans == (now[0],) and rows[0].gone == ("1663",)
    assert rows[1].text == "PERSON 'Ada Lovelace' —mentions→ CITY 'Lyon'"
    assert france not in rows[0].spans


def test_brat_lines_are_shown_as_read_with_what_they_point_at():
    documents = {d.meta["brat"]["name"]: d
                 for d in read_brat(DATA / "brat" / "corpus", discontinuous="split")}
    news = documents["news-12"]
    rows = source_extras(news.meta, news.text, news.spans)
    assert [row.text for row in rows] == [
        "R1  Near Arg1:T1 Arg2:T2", "M1  Uncertain T4",
        "#1  AnnotatorNotes T4  from the evening bulletin"]
    assert rows[0].detail == "brat: T1 = GPE 'Lyon'; T2 = GPE 'Lille'"
    assert [s.label for s in rows[0].spans] == ["GPE", "GPE"] and rows[0].spans[0].start == 11
    pmid = documents["PMID-9878621"]
    by_id = {row.text.split("  ")[0]: row for row in source_extras(pmid.meta, pmid.text,
                                                                   pmid.spans)}
    # An attribute of an event reaches the event's spans through its line.
    assert {s.label for s in by_id["A1"].spans} == {"Positive_regulation", "Phosphorylation",
                                                   "Protein"}
    assert by_id["A1"].detail.startswith("brat: E2 = E2  Positive_regulation:T6")


def test_a_brat_line_whose_span_is_gone_names_it_and_lines_on_it_go_too():
    pmid = next(d for d in read_brat(DATA / "brat" / "corpus", discontinuous="split")
                if d.meta["brat"]["name"] == "PMID-9878621")
    without_stat5 = [s for s in pmid.spans if s.text(pmid.text) != "STAT5"]
    rows = {row.text.split("  ")[0]: row
            for row in source_extras(pmid.meta, pmid.text, without_stat5)}
    assert rows["E1"].text.endswith("(T2 no longer there)")
    assert rows["E2"].gone == ("E1",)  # its theme, the event E1, points at the gone span
    assert rows["A1"].gone == ("E2",)
    assert rows["A2"].gone == () and rows["R1"].gone == ("T2",)
    assert "T2 = Protein 'STAT5' (no longer a span)" in rows["N1"].detail


def test_meta_of_other_shapes_gives_no_rows():
    for meta in (None, [], {"doccano": "x"}, {"doccano": {"entity_ids": {"a-b-C": 1},
                                                          "relations": [7]}},
                 {"brat": {"spans": [{"id": 1}], "extras": [{"line": 3}]}}):
        assert source_extras(meta, "text", []) == []
    odd = {"doccano": {"entity_ids": {"0-4-GPE": 1}, "relations": [{"from_id": 1,
                                                                     "to_id": 9}]}}
    [row] = source_extras(odd, "Lyon", [Span(0, 4, "GPE")])
    assert row.text == "GPE 'Lyon' —?→ entity 9 (not in the source)" and row.gone == ("9",)
