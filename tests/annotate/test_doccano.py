"""doccano JSONL in each shape doccano has written (tests/data/doccano, written by hand after
doccano's documentation and exports): read faithfully or refused by name, and entity ids
and relations back in place after a round trip."""
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from annotate.formats import InputError, detect_format
from annotate.formats.doccano import read_doccano, write_doccano
from annotate.spans import Span
from tests.test_interop import stored

DATA = Path(__file__).parent.parent / "data" / "doccano"


def spans_of(document, spans=None):
    return [(s.start, s.end, s.label, document.text[s.start:s.end])
            for s in (document.spans if spans is None else spans)]


def round_trip(documents, tmp_path):
    out = tmp_path / "out.jsonl"
    report = write_doccano(documents, out)
    return [json.loads(line) for line in out.read_text().splitlines()], report


@pytest.mark.parametrize("name", ["label_triples.jsonl", "labels_key.jsonl",
                                  "entities_lists.jsonl", "relations.jsonl",
                                  "v1_annotations.jsonl"])
def test_every_shape_is_told_doccano_by_its_content(name):
    assert detect_format(DATA / name) == "doccano"


def test_label_triples_with_meta():
    first, second, third = read_doccano(DATA / "label_triples.jsonl")
    assert spans_of(first) == [(0, 2, "ORG", "EU"), (11, 17, "MISC", "German"),
                               (34, 41, "MISC", "British")]
    assert spans_of(second) == [(0, 15, "PERSON", "Peter Blackburn")]
    assert third.spans == () and third.meta == {"id": 3, "Comments": ["no entity?"]}
    assert first.status == "accepted"


def test_labels_key_and_entity_lists():
    [lyon] = read_doccano(DATA / "labels_key.jsonl")
    assert spans_of(lyon) == [(0, 4, "GPE", "Lyon"), (9, 14, "GPE", "Lille")]
    [ada] = read_doccano(DATA / "entities_lists.jsonl")
    assert spans_of(ada) == [(0, 12, "PERSON", "Ada Lovelace"),
                             (22, 37, "PERSON", "Charles Babbage"), (41, 45, "DATE", "1843")]
    assert "doccano" not in ada.meta


def test_doccano_1x_annotations_one_user_are_the_spans_several_are_each_persons_work():
    single, several, empty = read_doccano(DATA / "v1_annotations.jsonl")
    assert spans_of(single) == [(0, 12, "PERSON", "Ada Lovelace"), (28, 34, "GPE", "London")]
    assert single.meta == {"id": 11, "meta": {"source": "wiki"}, "annotation_approver": None}
    assert several.spans is None
    assert {name: (spans_of(several, spans), status)
            for name, (spans, status) in several.annotations.items()} == {
        "doccano-user-1": ([(0, 7, "PERSON", "Babbage")], "accepted"),
        "doccano-user-2": ([(0, 7, "PERSON", "Babbage"), (17, 23, "GPE", "London")],
                           "accepted")}
    assert empty.spans == () and empty.status == "accepted"


def test_relation_export_keeps_ids_and_relations_through_a_round_trip(tmp_path):
    first, second = read_doccano(DATA / "relations.jsonl")
    assert spans_of(first) == [(0, 4, "GPE", "Lyon"), (11, 17, "GPE", "France"),
                               (24, 36, "PERSON", "Ada Lovelace")]
    assert first.meta["doccano"]["entity_ids"] == {"0-4-GPE": 1662, "11-17-GPE": 1663,
                                                   "24-36-PERSON": 1664}
    records, report = round_trip([first, second], tmp_path)
    originals = [json.loads(line) for line in (DATA / "relations.jsonl").read_text().splitlines()]
    assert records == originals  # everything, ids and relations included
    assert not report.dropped_relations


def test_an_edited_document_keeps_ids_gives_new_ones_and_reports_broken_relations(tmp_path):
    document, _ = read_doccano(DATA / "relations.jsonl")
    edited = replace(document, spans=(
        Span(0, 4, "CITY"),  # relabelled (as a --label-map would): still entity 1662
        Span(24, 36, "PERSON"),  # unchanged: 1664
        Span(28, 36, "SURNAME"),  # new: an id after the largest
    ))  # France (1663) removed: relation 273 has lost an end
    [record], report = round_trip([edited], tmp_path)
    assert record["entities"] == [
        {"id": 1662, "label": "CITY", "start_offset": 0, "end_offset": 4},
        {"id": 1664, "label": "PERSON", "start_offset": 24, "end_offset": 36},
        {"id": 1665, "label": "SURNAME", "start_offset": 28, "end_offset": 36}]
    assert record["relations"] == [{"id": 274, "from_id": 1664, "to_id": 1662,
                                    "type": "mentions"}]
    assert report.dropped_relations == [(1, {"id": 273, "from_id": 1662, "to_id": 1663,
                                             "type": "located_in"})]


def test_documents_without_ids_are_written_with_label_triples(tmp_path):
    documents = list(read_doccano(DATA / "label_triples.jsonl"))
    records, _ = round_trip(documents, tmp_path)
    originals = [json.loads(line) for line in
                 (DATA / "label_triples.jsonl").read_text().splitlines()]
    assert records == originals


def test_a_record_without_any_span_key_is_a_text_to_annotate(tmp_path):
    path = tmp_path / "plain.jsonl"
    path.write_text('{"text": "Lyon is big.", "id": 4}\n')
    [document] = read_doccano(path)
    assert document.spans is None and document.status == "pending"


@pytest.mark.parametrize("name, message", [
    ("v1_label_ids.jsonl", "v1_label_ids.jsonl:1: \"annotations\" gives the label as the "
                           "number 3: doccano 1.x exported label ids, not names"),
    ("two_keys.jsonl", 'two_keys.jsonl:1: spans under both "label" and "entities": which to '
                       "read would be a guess"),
    ("classification.jsonl", "classification.jsonl:1: \"label\" must be a list of [start, "
                             "end, \"LABEL\"] triples, got 'positive' (doccano writes "
                             "text-classification labels so; they are no spans)"),
])
def test_shapes_it_cannot_read_are_refused_by_name(name, message):
    with pytest.raises(InputError, match=re.escape(message)):
        list(read_doccano(DATA / name))


@pytest.mark.parametrize("record, message", [
    ({"text": "Lyon", "annotations": [{"label": "POSITIVE", "user": 1}]},
     '"annotations" holds {\'label\': \'POSITIVE\', \'user\': 1}, without "start_offset" and '
     '"end_offset": text classification, not spans'),
    ({"text": "Lyon", "label": [[0, 4, "GPE"]], "relations": [{"from_id": 1, "to_id": 2}]},
     '"relations" need "entities" given as objects with ids'),
    ({"text": "Lyon", "entities": [{"id": 1, "start_offset": 0, "end_offset": 4,
                                    "label": "GPE"}],
      "relations": [{"id": 9, "from_id": 1, "to_id": 2, "type": "x"}]},
     "relation 9: to_id 2 is no entity id of the record"),
    ({"text": "Lyon Lyon", "entities": [
        {"id": 1, "start_offset": 0, "end_offset": 4, "label": "GPE"},
        {"id": 1, "start_offset": 5, "end_offset": 9, "label": "GPE"}]},
     "entity id 1 is given twice"),
    ({"text": "Lyon", "spans": [], "label": []}, '"spans" is Prodigy\'s key'),
    ({"text": "Lyon", "doccano": {}}, '"doccano" is the key Goldspan keeps'),
    ({"text": "Lyon", "annotations": {"label": "GPE"}}, '"annotations" must be a list'),
])
def test_malformed_records_are_refused_with_their_line(tmp_path, record, message):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "A first line.", "label": []}\n' + json.dumps(record) + "\n")
    with pytest.raises(InputError, match=re.escape(f"bad.jsonl:2: {message}")):
        list(read_doccano(path))


def test_the_import_and_export_commands_keep_relations(cli, tmp_path, db_path):
    result = cli("import", DATA / "relations.jsonl", DATA / "v1_annotations.jsonl")
    assert result.exit_code == 0, result.output
    found = stored(db_path)
    assert found["Lyon is in France, said Ada Lovelace."] == [
        (0, 4, "GPE"), (11, 17, "GPE"), (24, 36, "PERSON")]
    assert found["Ada Lovelace met Babbage in London."] == [(0, 12, "PERSON"), (28, 34, "GPE")]
    out = tmp_path / "out.jsonl"
    assert cli("export", out, "--format", "doccano", "--status", "any").exit_code == 0
    records = {r["text"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert records["Lyon is in France, said Ada Lovelace."]["relations"] == json.loads(
        (DATA / "relations.jsonl").read_text().splitlines()[0])["relations"]
