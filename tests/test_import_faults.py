"""`main.py import` on broken input: one line naming the file, the line and the fault, exit
code 1, and the store exactly as it was. Each case is a fault once seen as a traceback or
a silent acceptance."""
import json

import pytest

from annotate.formats import checks
from tests.conftest import table_dump

TEXT = "Ada Lovelace visited Paris"
GOOD_SPAN = {"start": 0, "end": 12, "label": "PERSON"}


def task(annotations=(), **data):
    return {"data": {"text": TEXT, **data}, "annotations": list(annotations)}


def annotation(completed_by, *values):
    return {"completed_by": completed_by, "result": [{"value": v} for v in values]}


LS_SPAN = {"start": 0, "end": 12, "text": "Ada Lovelace", "labels": ["PERSON"]}

CASES = {
    "deep JSON": ("deep.jsonl", '{"text": "x", "meta": ' + "[" * 1000 + "]" * 1000 + "}",
                  "deep.jsonl:1: nested more than 100 levels deep"),
    "deep JSON list": ("deep.json", "[" * 1000 + "]" * 1000, "deep.json:1: nested more than"),
    "answer a list": ("answer.jsonl", json.dumps({"text": TEXT, "answer": ["accept"]}),
                      "answer.jsonl:1: \"answer\" must be accept, reject or ignore, not "
                      "['accept']"),
    "token offsets as strings": (
        "tokens.jsonl", json.dumps({"text": TEXT, "spans": [GOOD_SPAN],
                                    "tokens": [{"start": "0", "end": "3"}]}),
        "tokens.jsonl:1: \"tokens\" must be a list of objects with whole-number"),
    # (Prodigy's own "label" is a text classification's: only doccano reads it as spans)
    "doccano label a number": ("doccano.jsonl", json.dumps({"text": TEXT, "label": 5}),
                               "doccano.jsonl:1: \"label\" must be a list of [start, end",
                               "doccano"),
    "lone surrogate": ("surrogate.jsonl", '{"text": "Ada \\ud800 Lovelace"}',
                       "surrogate.jsonl:1: a string holds '\\ud800', half of a UTF-16"),
    "label with a tab": (
        "tab.jsonl", json.dumps({"text": TEXT, "spans": [{**GOOD_SPAN, "label": "PER\tSON"}]}),
        "tab.jsonl:1: label 'PER\\tSON' holds a tab"),
    "label with a newline": (
        "newline.jsonl", json.dumps({"text": TEXT, "label": [[0, 12, "PER\nSON"]]}),
        "newline.jsonl:1: label 'PER\\nSON' holds a newline"),
    "label with a space": (
        "space.jsonl", json.dumps({"text": TEXT, "label": [[0, 12, "PER SON"]]}),
        "space.jsonl:1: label 'PER SON' holds a space"),
    "label with a zero-width space": (
        "zero.conll", "Ada B-PER\u200b\nLovelace I-PER\u200b\n",
        "zero.conll:1: label 'PER\\u200b' holds the character U+200B"),
    "label with a control character": (
        "control.json", json.dumps([task([annotation(1, {**LS_SPAN, "labels": ["PER\x00"]})])]),
        "control.json:1 (task 1): label 'PER\\x00' holds the character U+0000"),
    "data after the list": ("after.json", json.dumps([task()]) + '\n{"data": {}}',
                            "after.json:2: data after the end of the JSON value"),
    "two annotations by one person": (
        "twice.json", json.dumps([task([annotation({"email": "ana@example.org"}, LS_SPAN),
                                        annotation({"email": "ana@example.org"})])]),
        "twice.json:1 (task 1): two annotations by ana@example.org"),
    "value not an object": (
        "value.json", json.dumps([task([annotation(1, LS_SPAN, "PERSON")])], indent=1),
        "value.json:2 (task 1): result 2: \"value\" must be an object, not 'PERSON'"),
    "brat offsets": ("brat/a.ann", "T1\tPERSON 0 6 12\tAda Lovelace\n",
                     "a.ann:1: T1 needs LABEL START END, got 'PERSON 0 6 12'"),
}


@pytest.fixture
def stored_before(cli, tmp_path, db_path):
    """A dataset with one document in it, and every row of the store."""
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"text": "Lyon is big.", "spans": []}) + "\n", encoding="utf-8")
    assert cli("import", good).exit_code == 0
    return table_dump(db_path)


def assert_refused(result, db_path, before, message):
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert message in lines[0], result.output
    assert table_dump(db_path) == before


@pytest.mark.parametrize("name, content, message, fmt",
                         [(*case, "auto")[:4] for case in CASES.values()], ids=CASES)
def test_a_broken_file_is_one_line_and_stores_nothing(
        cli, tmp_path, db_path, stored_before, name, content, message, fmt):
    path = tmp_path / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(content, encoding="utf-8")
    if path.suffix == ".ann":
        path.with_suffix(".txt").write_text(TEXT, encoding="utf-8")
        path = path.parent
    assert_refused(cli("import", path, "--format", fmt), db_path, stored_before, message)


def test_a_text_over_what_a_document_holds_is_one_line(
        cli, tmp_path, db_path, stored_before, monkeypatch):
    monkeypatch.setattr(checks, "MAX_TEXT_LENGTH", 1_000)  # 100M: too slow a test
    path = tmp_path / "long.jsonl"
    path.write_text(json.dumps({"text": "word " * 201}), encoding="utf-8")
    assert_refused(cli("import", path), db_path, stored_before,
                   "long.jsonl:1: the text has 1,005 characters, over the 1,000 a document "
                   "may hold")


def test_a_brat_annotation_without_its_text_is_an_error(cli, tmp_path, db_path, stored_before):
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    (folder / "a.ann").write_text("T1\tPERSON 0 12\tAda Lovelace\n", encoding="utf-8")
    (folder / "b.ann").write_text("T1\tGPE 21 26\tParis\n", encoding="utf-8")
    assert_refused(cli("import", folder), db_path, stored_before,
                   "b.ann: no b.txt beside it")


def test_a_label_set_with_a_spaced_name_is_refused(cli, tmp_path, db_path, stored_before):
    labels = tmp_path / "labels.json"
    labels.write_text(json.dumps({"labels": [{"name": "GPE", "colour": "#b2df8a"},
                                             {"name": "NEW LABEL", "colour": "#ffffff"}]}))
    good = tmp_path / "more.jsonl"
    good.write_text(json.dumps({"text": TEXT}) + "\n")
    result = cli("import", good, "--labels", labels, "--dataset", "other")
    assert_refused(result, db_path, stored_before,
                   "labels.json: label 2: label 'NEW LABEL' holds a space")


def test_a_label_map_to_a_spaced_name_is_refused(cli, tmp_path, db_path, stored_before):
    good = tmp_path / "more.jsonl"
    good.write_text(json.dumps({"text": TEXT, "spans": [GOOD_SPAN]}) + "\n")
    result = cli("import", good, "--label-map", "PERSON=A PERSON")
    assert_refused(result, db_path, stored_before,
                   "--label-map:pair 1: label 'A PERSON' holds a space")
