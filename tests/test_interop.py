"""doccano, Label Studio, brat and CoNLL: files as those tools write them, round trips,
malformed input, and spaCy's own CoNLL converter agreeing with our export."""
import json
import subprocess
import sys

import pytest
from spacy.tokens import DocBin

from annotate.tokenizer import english
from tests.conftest import table_dump

ARTICLES = [
    ("Well over 7,500 people marched in Lyon on Tuesday, police said.",
     [(0, 15, "CARDINAL"), (34, 38, "GPE"), (42, 49, "DATE")]),
    ("The Red Cross said 21 people died near São Paulo.\nEight soldiers were missing.",
     [(0, 13, "ORG"), (19, 21, "CARDINAL"), (39, 48, "GPE"), (50, 55, "CARDINAL")]),
    ("Ada Lovelace wrote to Charles Babbage in 1843 about the Analytical Engine.",
     [(0, 12, "PERSON"), (22, 37, "PERSON"), (41, 45, "DATE"), (56, 73, "PRODUCT")]),
]


def gold_file(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps({
        "text": text, "answer": "accept",
        "spans": [{"start": s, "end": e, "label": l} for s, e, l in spans]})
        for text, spans in ARTICLES), encoding="utf-8")
    return path


def stored(db_path, dataset="default"):
    """{text: [(start, end, label)]} of what a dataset holds."""
    from store.db import close_database, open_database
    from store.queries import current_documents, find_dataset
    open_database(db_path)
    try:
        return {d.text: [(s.start, s.end, s.label) for s in d.spans]
                for d in current_documents(find_dataset(dataset).id, "any")}
    finally:
        close_database()


@pytest.mark.parametrize("fmt, out_name", [
    ("doccano", "out.jsonl"), ("labelstudio", "out.json"), ("brat", "out"),
    ("jsonl", "out.jsonl"), ("spacy", "out.spacy"),
])
def test_every_format_round_trips_texts_and_offsets_exactly(cli, tmp_path, db_path, fmt,
                                                             out_name):
    assert cli("import", gold_file(tmp_path), "--annotator", "ana").exit_code == 0
    out = tmp_path / out_name
    result = cli("export", out, "--format", fmt)
    assert result.exit_code == 0, result.output
    imported = cli("import", out, "--dataset", "again")  # format told by name and content
    assert imported.exit_code == 0, imported.output
    expected = {text: sorted(spans) for text, spans in ARTICLES}
    assert {t: sorted(s) for t, s in stored(db_path, "again").items()} == expected


def test_conll_round_trips_its_own_files_and_rebuilds_text(cli, tmp_path):
    source = tmp_path / "eng.conll"
    source.write_text(CONLL_2003, encoding="utf-8")
    assert cli("import", source).exit_code == 0
    texts = stored(tmp_path / "goldspan.db")
    assert texts["EU rejects German call to boycott British lamb .\nPeter Blackburn"] == [
        (0, 2, "ORG"), (11, 17, "MISC"), (34, 41, "MISC"), (49, 64, "PER")]
    assert texts["BRUSSELS 1996"] == [(0, 8, "LOC")]
    # Written over the file's own tokens, with its columns and -DOCSTART- lines.
    cli("export", tmp_path / "out.conll", "--status", "any")
    assert (tmp_path / "out.conll").read_text() == CONLL_2003 + "\n"


CONLL_2003 = """-DOCSTART- -X- -X- O

EU NNP B-NP B-ORG
rejects VBZ B-VP O
German JJ B-NP B-MISC
call NN I-NP O
to TO B-VP O
boycott VB I-VP O
British JJ B-NP B-MISC
lamb NN I-NP O
. . O O

Peter NNP B-NP B-PER
Blackburn NNP I-NP I-PER

-DOCSTART- -X- -X- O

BRUSSELS NNP B-NP B-LOC
1996 CD I-NP O
"""


@pytest.mark.parametrize("tags", [
    ["B-PER", "I-PER", "O", "B-LOC"],  # IOB2
    ["I-PER", "I-PER", "O", "I-LOC"],  # IOB1
    ["B-PER", "L-PER", "O", "U-LOC"],  # BILUO
    ["B-PER", "E-PER", "O", "S-LOC"],  # BIOES
])
def test_conll_reads_every_tag_scheme(cli, tmp_path, tags):
    words = ["Ada", "Lovelace", "visited", "Paris"]
    path = tmp_path / "tags.conll"
    path.write_text("\n".join(f"{w} {t}" for w, t in zip(words, tags)) + "\n")
    assert cli("import", path).exit_code == 0
    assert stored(tmp_path / "goldspan.db") == {
        "Ada Lovelace visited Paris": [(0, 12, "PER"), (21, 26, "LOC")]}


def test_our_conll_reads_back_through_spacy_convert_as_our_docbin(cli, tmp_path):
    assert cli("import", gold_file(tmp_path), "--annotator", "ana").exit_code == 0
    assert cli("export", tmp_path / "gold.conll").exit_code == 0
    assert cli("export", tmp_path / "gold.spacy").exit_code == 0
    converted = tmp_path / "converted"
    converted.mkdir()
    run = subprocess.run([sys.executable, "-m", "spacy", "convert", str(tmp_path / "gold.conll"),
                          str(converted), "--converter", "ner"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr

    def entities(path):
        return [[([t.text for t in ent], ent.label_) for ent in doc.ents]
                for doc in DocBin().from_disk(path).get_docs(english().vocab)]

    ours = entities(tmp_path / "gold.spacy")
    assert len(ours) == 3 and sum(map(len, ours)) == 11
    assert entities(converted / "gold.spacy") == ours


# As each tool documents its format (doccano's and Label Studio's import/export pages, brat's
# standoff page), with texts of our own.
DOCCANO_LABEL = {"text": "EU rejects German call to boycott British lamb.",
                 "label": [[0, 2, "ORG"], [11, 17, "MISC"], [34, 41, "MISC"]]}
DOCCANO_ENTITIES = {"id": 7, "text": "Lyon is in France.",
                    "entities": [{"id": 1, "start_offset": 0, "end_offset": 4, "label": "GPE"},
                                 {"id": 2, "start_offset": 11, "end_offset": 17,
                                  "label": "GPE"}],
                    "relations": [], "Comments": []}
LABEL_STUDIO = [{
    "id": 1, "data": {"text": "Ada Lovelace met Babbage in London."},
    "annotations": [{"id": 10, "completed_by": {"id": 1, "email": "ana@example.org"},
                     "result": [{"id": "a", "from_name": "label", "to_name": "text",
                                 "type": "labels", "value": {"start": 0, "end": 12,
                                                             "text": "Ada Lovelace",
                                                             "labels": ["PERSON"]}}]},
                    {"id": 11, "completed_by": 2, "was_cancelled": True, "result": []}],
    "predictions": [{"model_version": "v1", "result": [
        {"id": "p", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 28, "end": 34, "text": "London", "labels": ["GPE"]}}]}],
}]


def test_files_as_the_tools_write_them(cli, tmp_path, db_path):
    (tmp_path / "a.jsonl").write_text(json.dumps(DOCCANO_LABEL) + "\n"
                                      + json.dumps(DOCCANO_ENTITIES) + "\n")
    (tmp_path / "ls.json").write_text(json.dumps(LABEL_STUDIO))
    brat = tmp_path / "brat"
    brat.mkdir()
    (brat / "doc1.txt").write_text("Peter Blackburn flew to Brussels.\n")
    (brat / "doc1.ann").write_text("T1\tPER 0 15\tPeter Blackburn\nT2\tLOC 24 32\tBrussels\n"
                                   "A1\tNegated T1\n#1\tAnnotatorNotes T2\tcapital\n")
    for path in ("a.jsonl", "ls.json", "brat"):  # brat's PER is new to the dataset
        result = cli("import", tmp_path / path, "--add-labels")
        assert result.exit_code == 0, result.output
    found = stored(db_path)
    assert found["EU rejects German call to boycott British lamb."] == [
        (0, 2, "ORG"), (11, 17, "MISC"), (34, 41, "MISC")]
    assert found["Lyon is in France."] == [(0, 4, "GPE"), (11, 17, "GPE")]
    assert found["Peter Blackburn flew to Brussels.\n"] == [(0, 15, "PER"), (24, 32, "LOC")]
    from store.db import close_database, open_database
    from store.models import Annotation, Document
    from store.queries import spans_for
    open_database(db_path)
    doc = Document.get(Document.text == "Ada Lovelace met Babbage in London.").id
    assert [(s.start, s.label) for s in spans_for(doc)] == [(28, "GPE")]  # the prediction
    assert [(s.start, s.label) for s in spans_for(doc, "ana@example.org")] == [(0, "PERSON")]
    assert Annotation.get(Annotation.annotator == "labelstudio-user-2").status == "skipped"
    close_database()


def test_label_studio_offsets_counted_in_utf16_units_are_converted(cli, tmp_path, db_path):
    """Label Studio once counted JavaScript's UTF-16 units: after an emoji, 1 more each."""
    text = "🌊 Floods hit Lyon 🌧 and Lille."
    lyon, lille = text.index("Lyon"), text.index("Lille")
    task = {"data": {"text": text}, "annotations": [{"completed_by": 1, "result": [
        {"type": "labels", "value": {"start": lyon + 1, "end": lyon + 5, "text": "Lyon",
                                     "labels": ["GPE"]}},
        {"type": "labels", "value": {"start": lille + 2, "end": lille + 7, "text": "Lille",
                                     "labels": ["GPE"]}}]}]}
    (tmp_path / "ls.json").write_text(json.dumps([task]))
    assert cli("import", tmp_path / "ls.json").exit_code == 0
    from store.db import close_database, open_database
    from store.queries import spans_for
    open_database(db_path)
    assert [(s.start, s.end) for s in spans_for(1, "labelstudio-user-1")] == [
        (lyon, lyon + 4), (lille, lille + 5)]
    close_database()


def test_label_map_renames_on_import_and_export(cli, tmp_path):
    (tmp_path / "map.txt").write_text("# CoNLL to OntoNotes\nPER=PERSON\nLOC\tGPE\n")
    path = tmp_path / "tags.conll"
    path.write_text("Ada B-PER\nLovelace I-PER\nvisited O\nParis B-LOC\n")
    assert cli("import", path, "--label-map", tmp_path / "map.txt").exit_code == 0
    assert stored(tmp_path / "goldspan.db") == {
        "Ada Lovelace visited Paris": [(0, 12, "PERSON"), (21, 26, "GPE")]}
    cli("export", tmp_path / "out.jsonl", "--format", "doccano", "--status", "any",
        "--label-map", "PERSON=PER,GPE=LOC")
    record = json.loads((tmp_path / "out.jsonl").read_text())
    assert record["label"] == [[0, 12, "PER"], [21, 26, "LOC"]]
    refused = cli("export", tmp_path / "x.jsonl", "--label-map", "PERSON")
    assert refused.exit_code == 1 and "is not OLD=NEW" in refused.output


@pytest.mark.parametrize("name, content, message", [
    ("bad.jsonl", '{"text": "Lyon", "label": [[0, 9, "GPE"]]}\n',
     "bad.jsonl:1: span 0-9 (GPE) is outside the text"),
    ("bad.jsonl", '{"text": "Lyon", "entities": [{"start_offset": 0}]}\n',
     "bad.jsonl:1: span start and end must be whole numbers"),
    ("bad.json", '[{"data": {"text": "Lyon"}, "annotations": [{"result": [{"value": '
                 '{"start": 0, "end": 2, "labels": ["GPE"]}}]}]}]',
     "bad.json:1 (task 1): GPE 0-2 '[Ly]on'"),
    ("bad.json", '{"data": {"title": "x"}}', 'bad.json:1 (task 1): needs "data": {"text": ...}'),
    ("bad.json", '[{"data": {"text": "Lyon is big"}, "annotations": [{"result": [{"value": '
                 '{"start": 0, "end": 4, "text": "Nice", "labels": ["GPE"]}}]}]}]',
     "bad.json:1 (task 1): the result at 0-4 says 'Nice' but the text there is 'Lyon'"),
    ("bad.json", '[{"data": ', "bad.json:1: not valid JSON"),
    ("bad.conll", "Ada B-PER\nLovelace O\nParis U-LOC\n",  # BILUO: B- must end in L-
     "bad.conll:2: tag 'O' does not continue the entity before it"),
    ("bad.conll", "Ada B-PER\nLovelace\n", "bad.conll:2: expected a token and its tag"),
    ("bad.conll", "Ada PER\n", "bad.conll:1: 'PER' is not an IOB, BILUO or BIOES tag"),
    ("bad.ann", "T1\tPER 0 3;4 12\tAda Lovelace\n",
     "bad.ann:1: T1 is a discontinuous span (0 3;4 12)"),
    ("bad.ann", "T1\tPER 0 3\tBob\n", "bad.ann:1: T1 says 'Bob' but the text at 0-3 is 'Ada'"),
])
def test_malformed_files_are_named_with_their_line_and_change_nothing(
        cli, tmp_path, db_path, name, content, message):
    assert cli("import", gold_file(tmp_path)).exit_code == 0
    before = table_dump(db_path)
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    if name.endswith(".ann"):
        path.with_suffix(".txt").write_text("Ada Lovelace")
    result = cli("import", path)
    assert result.exit_code == 1
    assert message in result.output, result.output
    assert table_dump(db_path) == before


def test_imports_spool_through_a_temporary_file_and_leave_none(cli, tmp_path, monkeypatch):
    import tempfile
    spool_dir = tmp_path / "spool"
    spool_dir.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool_dir))
    texts = [f"Story {i} about Lyon." for i in range(300)]
    lines = [json.dumps({"text": t, "label": [[t.index("Lyon"), t.index("Lyon") + 4, "GPE"]]})
             for t in texts]
    good = tmp_path / "many.jsonl"
    good.write_text("\n".join(lines) + "\n")
    result = cli("import", good)
    assert result.exit_code == 0 and "300 documents added" in result.output
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines[:250] + ['{"text": "x", "label": [[0, 9, "GPE"]]}']))
    result = cli("import", bad, "--dataset", "other")
    assert result.exit_code == 1 and "bad.jsonl:251:" in result.output
    assert list(spool_dir.iterdir()) == []
