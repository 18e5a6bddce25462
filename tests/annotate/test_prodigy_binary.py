"""Prodigy's binary answers (ner.teach, as `prodigy db-out` writes them: tests/data/prodigy)
as partial annotation: read, stored, written back, and trained on with unknown tokens
missing, never "no entity"."""
import json
import shutil
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin
from spacy.training import Example

from annotate.formats.notes import ImportNotes
from annotate.formats.prodigy import read_jsonl
from annotate.spans import Span
from store.db import close_database, open_database
from store.editing import open_annotation
from store.queries import current_documents, find_dataset
from store.records import AnnotationKey
from tests.annotate.test_prodigy import lines, write_lines

DATA = Path(__file__).resolve().parent.parent / "data" / "prodigy"
APPLE = "Apple updates its analytics service with new metrics"


def binary(text, start, end, label, answer, **more):
    return {"text": text, "spans": [{"start": start, "end": end, "label": label}],
            "_view_id": "ner", "answer": answer, **more}


def test_the_answers_about_a_text_become_one_partial_document():
    [document] = read_jsonl(DATA / "ner_teach.jsonl")
    assert document.text == APPLE
    assert document.partial and document.status == "accepted"
    assert [(s.start, s.end, s.label) for s in document.spans] == [(0, 5, "ORG")]
    assert [(s.start, s.end, s.label) for s in document.rejected] == [(45, 52, "ORG")]
    answers = document.meta["_prodigy"]["answers"]
    assert [(a["answer"], a["_task_hash"], a["meta"]) for a in answers] == [
        ("accept", 1422393217, {"score": 0.6864}), ("reject", -283705164, {"score": 0.0712})]
    assert document.meta["_prodigy"]["_input_hash"] == -1317424474


def test_answers_that_say_nothing_or_contradict_are_left_out_and_reported(tmp_path):
    text = "Lyon and Lille met in Paris"
    path = write_lines(
        tmp_path / "teach.jsonl",
        binary(text, 0, 4, "GPE", "accept"),
        binary(text, 9, 14, "GPE", "ignore"),
        binary(text, 22, 27, "GPE", "accept", _session_id="a"),
        binary(text, 22, 27, "GPE", "reject", _session_id="b"),
        binary(text, 0, 4, "GPE", "accept", _session_id="b"),
        {**binary(text, 9, 14, "ORG", "accept"), "answer": None},
    )
    notes = ImportNotes()
    [document] = read_jsonl(path, notes)
    assert document.spans == (Span(0, 4, "GPE", "import"),)
    assert document.rejected == ()
    assert notes.lines() == [
        "1 × binary task answered ignore: it says nothing about its span, left out "
        "(teach.jsonl:2)",
        "1 × binary task not answered: it says nothing about its span, left out "
        "(teach.jsonl:6)",
        "1 × span both accepted and rejected: left out (teach.jsonl:3/4 GPE 'Paris')",
        "1 × the same answer more than once: kept once (teach.jsonl:1/5)",
    ]


def test_our_export_writes_the_same_tasks_back(tmp_path, cli):
    source = shutil.copy(DATA / "ner_teach.jsonl", tmp_path / "teach.jsonl")
    assert cli("import", source).exit_code == 0
    result = cli("export", tmp_path / "out.jsonl")
    assert result.exit_code == 0, result.output
    written = lines(tmp_path / "out.jsonl")
    for task in written:  # tokens are ours; everything Prodigy wrote comes back as it was
        assert [t["text"] for t in task.pop("tokens")][:2] == ["Apple", "updates"]
        for span in task["spans"]:
            span.pop("token_start"), span.pop("token_end")
    assert written == lines(source)
    assert cli("import", tmp_path / "out.jsonl", "--dataset", "again").exit_code == 0
    assert cli("export", tmp_path / "again.jsonl", "--dataset", "again").exit_code == 0
    assert lines(tmp_path / "again.jsonl") == lines(tmp_path / "out.jsonl")


def test_partial_work_is_stored_as_a_persons_and_trains_with_unknown_tokens_missing(
        tmp_path, cli, db_path):
    result = cli("import", DATA / "ner_teach.jsonl", "--annotator", "ana")
    assert result.exit_code == 0, result.output
    open_database(str(db_path))
    try:
        [document] = current_documents(find_dataset("default").id)
        record = open_annotation(AnnotationKey(document.id, "ana"))
    finally:
        close_database()
    assert document.annotator == "ana" and document.partial
    assert record.rejected == (Span(45, 52, "ORG"),)

    result = cli("export", tmp_path / "out.spacy")
    assert result.exit_code == 0, result.output
    nlp = spacy.blank("en")
    [doc] = DocBin().from_disk(tmp_path / "out.spacy").get_docs(nlp.vocab)
    assert [t.ent_iob_ for t in doc] == ["B"] + [""] * (len(doc) - 1)
    assert [(s.text, s.label_) for s in doc.spans["incorrect_spans"]] == [("metrics", "ORG")]
    tags = Example(nlp.make_doc(doc.text), doc).get_aligned_ner()
    assert tags == ["U-ORG"] + [None] * (len(doc) - 1)  # missing, never "O"


@pytest.mark.parametrize("fmt, name", [("conll", "out.conll"), ("doccano", "out.jsonl"),
                                       ("brat", "out"), ("labelstudio", "out.json")])
def test_formats_that_cannot_say_unknown_leave_partial_work_out_and_say_so(tmp_path, cli, fmt,
                                                                           name):
    assert cli("import", DATA / "ner_teach.jsonl").exit_code == 0
    assert cli("import", DATA / "ner_manual.jsonl", "--annotator", "ana",
               "--add-labels").exit_code == 0
    result = cli("export", tmp_path / name, "--format", fmt)
    assert result.exit_code == 0, result.output
    assert (f"1 documents of partial work (Prodigy's binary answers) left out: {fmt} cannot "
            "mark the unknown tokens; export them to .spacy or Prodigy JSONL") in result.output
    if fmt == "labelstudio":  # every task goes out; the partial work is not among its work
        tasks = {t["data"]["text"]: t for t in json.loads((tmp_path / name).read_text())}
        assert tasks[APPLE]["annotations"] == [] and tasks[APPLE]["predictions"] == []
        assert len(tasks["Bonobos has some long sizes."]["annotations"]) == 1
        return
    written = "".join(path.read_text(encoding="utf-8") for path in
                      ([tmp_path / name] if fmt != "brat" else (tmp_path / name).iterdir()))
    assert "Bonobos" in written and "analytics" not in written


def test_binary_answers_name_nobody_so_without_annotator_they_are_prodigys(tmp_path, cli,
                                                                            db_path):
    assert cli("import", DATA / "ner_teach.jsonl").exit_code == 0
    open_database(str(db_path))
    try:
        [document] = current_documents(find_dataset("default").id)
    finally:
        close_database()
    assert document.annotator == "prodigy" and document.status == "accepted"
    assert [(s.start, s.end) for s in document.spans] == [(0, 5)]
