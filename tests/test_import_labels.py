"""An import checks its labels against the dataset's label set: labels outside it refuse the
import, naming them and where they are, unless --add-labels adds them; and every import says
per file how many documents it added and how many were there already."""
import json

from annotate.document import TextDocument
from annotate.labels import DEFAULT_LABEL_SET, load_label_set
from annotate.spans import Mode, Span
from store import jobs
from store.db import close_database, open_database
from store.queries import add_documents, count_documents, find_dataset
from tests.conftest import table_dump


def jsonl(path, *records):
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    return path


def record(text, *labelled):
    """A Prodigy-style record with a span per (word, label)."""
    return {"text": text, "spans": [{"start": text.index(word), "end": text.index(word)
                                     + len(word), "label": label} for word, label in labelled]}


def labels_of(db_path, dataset="default"):
    open_database(str(db_path))
    try:
        return find_dataset(dataset).labels
    finally:
        close_database()


def test_labels_outside_the_set_refuse_the_import_by_name_and_store_nothing(
        cli, tmp_path, db_path):
    assert cli("import", jsonl(tmp_path / "known.jsonl", record("Paris is big.",
                                                                ("Paris", "GPE")))).exit_code == 0
    before = table_dump(db_path)
    a = jsonl(tmp_path / "a.jsonl", record("Rome is big.", ("Rome", "CITY")),
              record("Lyon and Nice.", ("Lyon", "CITY"), ("Nice", "GPE")))
    b = jsonl(tmp_path / "b.jsonl", record("Bonn is small.", ("Bonn", "TOWN"), ("Bonn", "CITY")))
    result = cli("import", a, b)
    assert result.exit_code == 1
    assert ("4 spans have labels outside the label set of dataset 'default'"
            in result.output), result.output
    assert "CITY: 3 spans in a.jsonl, b.jsonl; TOWN: 1 spans in b.jsonl" in result.output
    assert "Nothing was imported" in result.output
    assert "--add-labels" in result.output and "--label-map" in result.output
    assert "a.jsonl: jsonl, 2 documents, 3 spans read" in result.output  # what was read
    assert table_dump(db_path) == before


def test_a_new_dataset_checks_the_label_set_it_was_given(cli, tmp_path, db_path):
    cli("import", jsonl(tmp_path / "seed.jsonl", record("Paris.")), "--dataset", "seed")
    before = table_dump(db_path)
    result = cli("import", jsonl(tmp_path / "a.jsonl", record("Rome is big.", ("Rome", "CITY"))),
                 "--dataset", "cities", "--labels", DEFAULT_LABEL_SET)
    assert result.exit_code == 1 and "CITY: 1 spans in a.jsonl" in result.output
    assert table_dump(db_path) == before  # not even the new dataset is left


def test_add_labels_adds_them_in_order_for_the_label_bar(cli, tmp_path, db_path):
    cli("import", jsonl(tmp_path / "known.jsonl", record("Paris is big.", ("Paris", "GPE"))))
    news = load_label_set()
    a = jsonl(tmp_path / "a.jsonl", record("Rome is big.", ("Rome", "CITY")),
              record("Lyon and Nice.", ("Lyon", "TOWN"), ("Nice", "GPE")))
    result = cli("import", a, "--add-labels")
    assert result.exit_code == 0, result.output
    assert "default: labels added to the label set: CITY, TOWN" in result.output
    labels = labels_of(db_path)
    assert [label.name for label in labels] == [label.name for label in news] + ["CITY",
                                                                                 "TOWN"]
    added = labels[-2:]
    assert all(label.key is None and label.colour.startswith("#") for label in added)
    assert added[0].colour != added[1].colour
    # Once in the set, the labels need no --add-labels again.
    again = cli("import", jsonl(tmp_path / "b.jsonl", record("Bonn.", ("Bonn", "CITY"))))
    assert again.exit_code == 0, again.output
    assert [label.name for label in labels_of(db_path)][-2:] == ["CITY", "TOWN"]


def test_people_work_is_checked_as_predictions_are(cli, tmp_path, db_path):
    cli("import", jsonl(tmp_path / "known.jsonl", record("Paris.")))
    known_text = jsonl(tmp_path / "work.jsonl", record("Paris.", ("Paris", "CITY")),
                       record("Rome.", ("Rome", "GPE")))
    result = cli("import", known_text, "--annotator", "ana")
    assert result.exit_code == 1 and "CITY: 1 spans in work.jsonl" in result.output
    assert cli("import", known_text, "--annotator", "ana", "--add-labels").exit_code == 0
    assert [label.name for label in labels_of(db_path)][-1] == "CITY"


def test_a_dataset_without_labels_takes_any(cli, tmp_path, db_path):
    empty = tmp_path / "none.json"
    empty.write_text('{"labels": []}')
    result = cli("import", jsonl(tmp_path / "a.jsonl", record("Rome.", ("Rome", "CITY"))),
                 "--labels", empty)
    assert result.exit_code == 0, result.output
    assert labels_of(db_path) == ()


def test_a_new_dataset_without_chosen_labels_takes_the_files_labels_and_says_so(
        cli, tmp_path, db_path):
    result = cli("import", jsonl(tmp_path / "a.jsonl", record("Rome.", ("Rome", "CITY"))))
    assert result.exit_code == 0, result.output
    assert "labels added to the label set: CITY" in result.output


def test_each_file_says_how_many_documents_it_added_and_found_there(cli, tmp_path, db_path):
    assert cli("import", jsonl(tmp_path / "old.jsonl", record("Old text."))).exit_code == 0
    a = jsonl(tmp_path / "a.jsonl", record("First."), record("Second."))
    b = jsonl(tmp_path / "b.jsonl", record("Second."), record("Old text."), record("Third."))
    result = cli("import", a, b)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[lines.index(next(l for l in lines if l.startswith(f"{a}:"))) + 1] == (
        "  stored: 2 documents added, 0 already there")
    assert lines[lines.index(next(l for l in lines if l.startswith(f"{b}:"))) + 1] == (
        "  stored: 1 documents added, 2 already there")
    assert "default: 3 documents added, 2 already there and skipped" in result.output


def test_texts_another_import_stored_meanwhile_count_for_their_file(store, monkeypatch):
    monkeypatch.setattr(jobs, "CHUNK_DOCUMENTS", 2)
    texts = [f"Report {n}." for n in range(6)]

    def meanwhile(_done):
        if count_documents(store.id) == 0:  # one text staged already, one not yet read
            add_documents(store.id, [TextDocument(texts[1]), TextDocument(texts[4])])

    documents = [TextDocument(t, source="a.txt" if n < 3 else "b.txt")
                 for n, t in enumerate(texts)]
    result = jobs.store_documents("default", load_label_set(), Mode.ENTITIES, documents,
                                  progress=meanwhile)
    assert (result.added, result.duplicates) == (4, 2)
    assert result.by_source == {"a.txt": (2, 1), "b.txt": (2, 1)}


def test_labels_added_by_the_store_keep_the_spans(store):
    documents = [TextDocument("Rome.", (Span(0, 4, "CITY"),))]
    try:
        jobs.store_documents("default", (), Mode.ENTITIES, documents)
    except jobs.JobError as error:
        assert "CITY: 1 spans in input" in str(error)
    else:
        raise AssertionError("a label outside the set was stored")
    result = jobs.store_documents("default", (), Mode.ENTITIES, documents, add_labels=True)
    assert result.labels_added == ("CITY",) and result.added == 1
