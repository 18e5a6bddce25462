"""Spans off spaCy's token boundaries, as real corpora have them (BioNLP's `CD4` inside
`CD4+`): refused with every one listed, or kept, snapped or skipped as the user chooses, and
each file says what it gave."""
import json

import pytest

from store.db import open_database
from store.models import Document
from store.queries import find_dataset, spans_for
from tests.conftest import table_dump

RECORDS = [
    {"text": "CD4+ cells rose in Lyon.",
     "spans": [{"start": 0, "end": 2, "label": "ORG"}, {"start": 19, "end": 23, "label": "GPE"}]},
    {"text": "The Tcell count in Paris fell.",
     "spans": [{"start": 4, "end": 5, "label": "ORG"}, {"start": 21, "end": 27, "label": "GPE"}]},
]


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "bionlp.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    return path


def stored(db_path) -> list[list[tuple[str, str]]]:
    open_database(db_path)
    texts = {d.id: d.text for d in Document.select()}
    return [[(s.label, texts[doc_id][s.start:s.end]) for s in spans_for(doc_id)]
            for doc_id in sorted(texts)]


def test_refuse_lists_every_misaligned_span_and_stores_nothing(cli, corpus, db_path):
    cli("import", corpus, "--format", "jsonl", "--misaligned", "skip")  # a store to keep
    before = table_dump(db_path)
    result = cli("import", corpus, "--dataset", "other")
    assert result.exit_code == 1
    message = result.output
    assert f"{corpus}: 3 spans do not start and end on token boundaries" in message
    for place in (f"{corpus}:1: ORG 0-2 '[CD]4+ cells ros'", f"{corpus}:2: ORG 4-5",
                  f"{corpus}:2: GPE 21-27 ' count in Pa[ris fe]ll.'"):
        assert place in message
    assert "choose --misaligned keep, expand, contract or skip" in message
    assert table_dump(db_path) == before


@pytest.mark.parametrize("choice, expected, said", [
    ("keep", [[("ORG", "CD"), ("GPE", "Lyon")], [("ORG", "T"), ("GPE", "ris fe")]],
     "3 misaligned, kept as characters"),
    ("expand", [[("ORG", "CD4"), ("GPE", "Lyon")], [("ORG", "Tcell"), ("GPE", "Paris fell")]],
     "3 misaligned, snapped to tokens"),
    ("contract", [[("GPE", "Lyon")], []], "3 misaligned, no whole token inside: left out"),
    ("skip", [[("GPE", "Lyon")], []], "3 misaligned, left out"),
])
def test_each_choice_stores_what_it_says(cli, corpus, db_path, choice, expected, said):
    result = cli("import", corpus, "--misaligned", choice)
    assert result.exit_code == 0, result.output
    kept = 4 if choice in ("keep", "expand") else 1
    assert f"{corpus}: jsonl, 2 documents, 4 spans read, {kept} kept" in result.output
    assert f"  {said}: {corpus}:1 [CD]4+ cells ros" in result.output
    assert stored(db_path) == expected


def test_contract_keeps_the_whole_tokens_inside(cli, tmp_path, db_path):
    path = tmp_path / "wide.jsonl"
    path.write_text(json.dumps({"text": "Rain in Paris fell.",
                                "spans": [{"start": 6, "end": 15, "label": "GPE"}]}) + "\n")
    result = cli("import", path, "--misaligned", "contract")
    assert result.exit_code == 0, result.output
    assert "misaligned, snapped to tokens" in result.output and "-> 8-13" in result.output
    assert stored(db_path) == [[("GPE", "Paris")]]


def test_people_work_loses_the_same_skipped_spans(cli, corpus, db_path):
    result = cli("import", corpus, "--annotator", "ana", "--status", "accepted",
                 "--misaligned", "skip")
    assert result.exit_code == 0, result.output
    open_database(db_path)
    assert [s.label for d in Document.select() for s in spans_for(d.id, "ana")] == ["GPE"]
    assert find_dataset("default") is not None
