"""A .spacy export in shards: a folder of DocBins that spaCy's corpus reader takes whole."""
import json

import spacy
from spacy.tokens import DocBin
from spacy.training import Corpus

from tests.conftest import table_dump


def stories(tmp_path, count=7):
    source = tmp_path / "stories.jsonl"
    texts = [f"Story {i}: floods reached Lyon on Monday." for i in range(count)]
    source.write_text("\n".join(json.dumps({
        "text": text, "spans": [{"start": text.index("Lyon"), "end": text.index("Lyon") + 4,
                                 "label": "GPE"}]}) for text in texts))
    return source


def docs_of(path):
    return list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))


def seen(docs):
    return [(doc.text, [(e.start_char, e.end_char, e.label_) for e in doc.ents]) for doc in docs]


def test_shards_hold_every_document_once_and_spacy_reads_the_folder(cli, tmp_path):
    assert cli("import", stories(tmp_path)).exit_code == 0
    whole, folder = tmp_path / "whole.spacy", tmp_path / "shards"
    assert cli("export", whole, "--status", "any").exit_code == 0
    result = cli("export", folder, "--status", "any", "--shard-size", "3")
    assert result.exit_code == 0, result.output
    assert f"wrote 7 documents with 7 spans to {folder}" in result.output
    shards = sorted(folder.iterdir())
    assert [p.name for p in shards] == ["0000.spacy", "0001.spacy", "0002.spacy"]
    assert [len(docs_of(p)) for p in shards] == [3, 3, 1]
    in_shards = [doc for p in shards for doc in docs_of(p)]
    assert seen(in_shards) == seen(docs_of(whole))
    read = [eg.reference for eg in Corpus(folder)(spacy.blank("en"))]
    assert sorted(seen(read)) == sorted(seen(in_shards))


def test_a_split_in_shards_writes_train_and_dev_folders(cli, tmp_path):
    cli("import", stories(tmp_path, 10))
    out = tmp_path / "corpus"
    result = cli("export", out, "--status", "any", "--split", "0.2", "--shard-size", "4")
    assert result.exit_code == 0, result.output
    train = [doc for p in sorted((out / "train").glob("*.spacy")) for doc in docs_of(p)]
    dev = [doc for p in sorted((out / "dev").glob("*.spacy")) for doc in docs_of(p)]
    assert (len(train), len(dev)) == (8, 2)
    assert not {d.text for d in train} & {d.text for d in dev}


def test_shards_are_refused_for_other_formats_and_write_nothing(cli, tmp_path):
    cli("import", stories(tmp_path))
    out = tmp_path / "tasks.jsonl"
    result = cli("export", out, "--status", "any", "--shard-size", "3")
    assert result.exit_code == 1 and "--shard-size" in result.output
    assert not out.exists()


def test_a_folder_of_shards_imports_back_as_the_same_documents(cli, tmp_path):
    cli("import", stories(tmp_path))
    folder = tmp_path / "shards"
    cli("export", folder, "--status", "any", "--shard-size", "2")
    result = cli("import", folder, "--dataset", "copy")
    assert result.exit_code == 0, result.output
    back = tmp_path / "back.spacy"
    assert cli("export", back, "--status", "any", "--dataset", "copy").exit_code == 0
    in_shards = [doc for p in sorted(folder.iterdir()) for doc in docs_of(p)]
    assert seen(docs_of(back)) == seen(in_shards)


def test_an_empty_folder_is_refused_as_spacy_input(cli, tmp_path, db_path):
    cli("import", stories(tmp_path))
    before = table_dump(db_path)
    (tmp_path / "nothing").mkdir()
    result = cli("import", tmp_path / "nothing", "--format", "spacy")
    assert result.exit_code == 1 and "holds no .spacy files" in result.output
    assert table_dump(db_path) == before
