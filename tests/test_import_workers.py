"""A large JSONL import tokenizes in worker processes: it stores what an import read here
stores, and a fault still names its file and line and stores nothing."""
import json
import re
import sqlite3

import spacy

from annotate import tokens_ahead
from annotate.stored_tokens import pack
from tests.conftest import table_dump

RECORDS = 2 * tokens_ahead.BATCH + 150  # several batches out at once


def record(n: int) -> dict:
    text = f"Report {n}: well over {n:,} people marched in Lyon, the U.S. said on Aug. 3."
    spans = [{"start": text.index("Lyon"), "end": text.index("Lyon") + 4, "label": "GPE"}]
    if n % 7 == 0:  # a task with its own tokens is not tokenized again
        return {"text": text, "spans": spans, "tokens": [
            {"start": m.start(), "end": m.end()} for m in re.finditer(r"\w+|[^\w\s]", text)]}
    return {"text": text} if n % 5 == 0 else {"text": text, "spans": spans}


def write(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def stored(db_path, dataset):
    with sqlite3.connect(db_path) as connection:
        return connection.execute(
            "SELECT d.text, d.tokens, d.tokenizer, d.meta, s.start, s.end, s.label FROM document d "
            "JOIN dataset x ON x.id = d.dataset_id LEFT JOIN annotation a ON a.document_id = d.id "
            "LEFT JOIN span s ON s.annotation_id = a.id WHERE x.name = ? ORDER BY d.id, s.id",
            (dataset,)).fetchall()


def test_workers_store_what_reading_here_stores(cli, tmp_path, db_path, monkeypatch):
    source = write(tmp_path / "big.jsonl", [record(n) for n in range(RECORDS)])
    assert cli("import", source, "--dataset", "here").exit_code == 0
    monkeypatch.setattr(tokens_ahead, "WORKERS_FROM", 0)
    result = cli("import", source, "--dataset", "workers")
    assert result.exit_code == 0, result.output
    assert f"workers: {RECORDS} documents added" in result.output
    assert stored(db_path, "workers") == stored(db_path, "here")
    nlp = spacy.blank("en")
    assert all(tokens == pack(nlp.make_doc(text))
               for text, tokens, *_ in stored(db_path, "workers"))


def test_a_fault_near_the_end_names_its_line_and_stores_nothing(cli, tmp_path, db_path,
                                                                 monkeypatch):
    assert cli("import", write(tmp_path / "first.jsonl", [record(1)])).exit_code == 0
    before = table_dump(db_path)
    records = [record(n) for n in range(RECORDS)]
    records[RECORDS - 3]["spans"] = [{"start": 0, "end": 6, "label": "NEW LABEL"}]
    monkeypatch.setattr(tokens_ahead, "WORKERS_FROM", 0)
    result = cli("import", write(tmp_path / "big.jsonl", records))
    assert result.exit_code == 1
    assert f"big.jsonl:{RECORDS - 2}: label 'NEW LABEL' holds a space" in result.output
    assert table_dump(db_path) == before
