"""A text over spaCy's max_length, end to end: imported, tokenized, pre-annotated in pieces,
exported in every format with offsets into the whole text."""
import json

import pytest
import spacy
from spacy.tokens import DocBin

PARAGRAPH = "Ada Lovelace counted 21 people in Paris. She left.\n\n"
REPEATS = spacy.blank("en").max_length // len(PARAGRAPH) + 1
TEXT = PARAGRAPH * REPEATS + "At last Grace Hopper came."


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    """A small pipeline saved to disk: an entity ruler is quick over a million characters."""
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([
        {"label": "PERSON", "pattern": "Ada Lovelace"}, {"label": "PERSON", "pattern": "Grace Hopper"},
        {"label": "GPE", "pattern": "Paris"}])
    path = tmp_path_factory.mktemp("pipeline") / "ruler"
    nlp.to_disk(path)
    return path


@pytest.fixture
def long_text_stored(cli, tmp_path, pipeline):
    source = tmp_path / "long.txt"
    source.write_text(TEXT, encoding="utf-8")
    result = cli("import", source)
    assert result.exit_code == 0, result.output
    result = cli("preannotate", "--model", pipeline)
    assert result.exit_code == 0, result.output
    assert "1 documents pre-annotated" in result.output


def test_a_long_text_is_pre_annotated_and_exported_whole(cli, tmp_path, long_text_stored):
    assert len(TEXT) > 1_000_000
    expected = [("PERSON", "Ada Lovelace"), ("CARDINAL", "21"), ("GPE", "Paris")] * REPEATS \
        + [("PERSON", "Grace Hopper")]

    assert cli("export", tmp_path / "out.jsonl", "--status", "any").exit_code == 0
    [record] = [json.loads(line) for line in (tmp_path / "out.jsonl").open(encoding="utf-8")]
    assert record["text"] == TEXT
    assert [(s["label"], TEXT[s["start"]:s["end"]]) for s in record["spans"]] == expected

    assert cli("export", tmp_path / "out.spacy", "--status", "any").exit_code == 0
    [doc] = DocBin().from_disk(tmp_path / "out.spacy").get_docs(spacy.blank("en").vocab)
    assert doc.text == TEXT
    assert [(e.label_, e.text) for e in doc.ents] == expected

    assert cli("export", tmp_path / "out.conll", "--status", "any").exit_code == 0
    lines = (tmp_path / "out.conll").read_text(encoding="utf-8").splitlines()
    tagged = [line.split() for line in lines if line.strip() and not line.startswith("-DOCSTART")]
    assert tagged[-4:-1] == [["Grace", "B-PERSON"], ["Hopper", "I-PERSON"], ["came", "O"]]


@pytest.mark.parametrize("fmt, name", [("doccano", "out.jsonl"), ("labelstudio", "out.json"),
                                       ("brat", "out")])
def test_a_long_text_goes_to_the_other_formats(cli, tmp_path, long_text_stored, fmt, name):
    result = cli("export", tmp_path / name, "--format", fmt, "--status", "any")
    assert result.exit_code == 0, result.output
    out = tmp_path / name
    written = "".join(p.read_text(encoding="utf-8") for p in
                      (sorted(out.glob("**/*.ann")) if out.is_dir() else [out]))
    last = TEXT.rindex("Grace Hopper")
    assert f"{last}" in written and f"{last + len('Grace Hopper')}" in written  # its offsets


def test_a_long_text_is_tokenized_again_when_its_tokens_are_stale(cli, db_path,
                                                                  long_text_stored):
    import sqlite3

    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE document SET tokenizer = 'spacy-0.0-en'")
    result = cli("tokenize")
    assert result.exit_code == 0 and "tokenized 1 documents" in result.output, result.output
