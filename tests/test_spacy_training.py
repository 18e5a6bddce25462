"""An export goes into spaCy's own tools unchanged: `debug data` finds no error, `train` runs."""
import json
import os
import random
import subprocess
import sys
from functools import partial

import spacy
from spacy.tokens import DocBin

PEOPLE = ["Elena Castillo", "Tomas Hedlund", "Faith Chebet", "Sandra Okafor", "Kemal Aydin"]
PLACES = ["Lyon", "Merida Bay", "Keston", "Ohio", "Ankara", "Riga", "Lisbon"]
GROUPS = ["the Red Cross", "the World Bank", "Nordea", "the European Union", "Ardent Motors"]
TEMPLATES = [
    "{person} said on Tuesday that well over {n:,} people had left {place}.",
    "{group} pledged ${m} million to {place}, {person} told reporters.",
    "At least {k} soldiers were missing near {place}, according to {group}.",
    "Shares in {group} rose {p}% after {person} visited {place} in March.",
    "Tens of thousands marched in {place}; {group} counted {n:,} on the first day.",
]


def news_items(count: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    return [{"text": rng.choice(TEMPLATES).format(
        person=rng.choice(PEOPLE), place=rng.choice(PLACES), group=rng.choice(GROUPS),
        n=rng.randint(1_000, 90_000), m=rng.randint(2, 900), k=rng.randint(2, 40),
        p=rng.randint(1, 30)) + f" Report {i}."} for i in range(count)]


def spacy_in(folder, *args) -> str:
    """`python -m spacy ARGS` run in the folder; its output, once it succeeded."""
    run = subprocess.run([sys.executable, "-m", "spacy", *map(str, args)], cwd=folder,
                         capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return run.stdout


def test_export_passes_spacy_debug_data_and_trains(cli, tmp_path, model_name):
    source = tmp_path / "news.jsonl"
    source.write_text("\n".join(json.dumps(item) for item in news_items(150)))
    assert cli("import", source).exit_code == 0
    assert cli("preannotate").exit_code == 0
    data = tmp_path / "corpus"
    result = cli("export", data, "--status", "any", "--split", "0.2", "--seed", "0")
    assert result.exit_code == 0, result.output

    spacy_cli = partial(spacy_in, tmp_path)
    spacy_cli("init", "config", "config.cfg", "--lang", "en", "--pipeline", "ner",
              "--optimize", "efficiency")
    paths = ["--paths.train", data / "train.spacy", "--paths.dev", data / "dev.spacy"]
    report = spacy_cli("debug", "data", "config.cfg", *paths)
    assert "120 training docs" in report and "30 evaluation docs" in report
    assert "misaligned" not in report.lower()
    spacy_cli("train", "config.cfg", *paths, "--output", "model",
              "--training.max_steps", "20", "--training.eval_frequency", "10")
    trained = spacy.load(tmp_path / "model" / "model-last")
    assert "ner" in trained.pipe_names
    assert {"PERSON", "GPE", "CARDINAL"} <= set(trained.get_pipe("ner").labels)


def binary_answers(count: int) -> list[dict]:
    """ner.teach-style tasks: a person's name accepted, a place rejected as PERSON."""
    tasks = []
    for item in news_items(count, seed=11):
        text = item["text"]
        person = next((p for p in PEOPLE if p in text), None)
        place = next(p for p in PLACES if p in text)
        if person is None:
            continue
        for name, label, answer in ((person, "PERSON", "accept"), (place, "PERSON", "reject")):
            start = text.index(name)
            tasks.append({"text": text, "_view_id": "ner", "answer": answer, "spans": [
                {"start": start, "end": start + len(name), "label": label}]})
    return tasks


def test_partial_work_trains_with_its_unknown_tokens_missing(cli, tmp_path):
    source = tmp_path / "teach.jsonl"
    source.write_text("\n".join(json.dumps(task) for task in binary_answers(320)))
    assert cli("import", source, "--annotator", "ana").exit_code == 0
    data = tmp_path / "corpus"
    result = cli("export", data, "--split", "0.2", "--seed", "0")
    assert result.exit_code == 0, result.output

    spacy_cli = partial(spacy_in, tmp_path)
    spacy_cli("init", "config", "config.cfg", "--lang", "en", "--pipeline", "ner",
              "--optimize", "efficiency")
    paths = ["--paths.train", data / "train.spacy", "--paths.dev", data / "dev.spacy",
             "--components.ner.incorrect_spans_key", "incorrect_spans"]
    report = spacy_cli("debug", "data", "config.cfg", *paths)
    assert "training docs" in report and "1 label(s)" in report
    # only the accepted names are entities; every other token is missing, none "O"
    docs = list(DocBin().from_disk(data / "train.spacy").get_docs(spacy.blank("en").vocab))
    assert {t.ent_iob_ for doc in docs for t in doc} == {"B", "I", ""}
    assert all(len(doc.spans["incorrect_spans"]) == 1 for doc in docs)
    spacy_cli("train", "config.cfg", *paths, "--output", "model",
              "--training.max_steps", "10", "--training.eval_frequency", "5")
    assert "PERSON" in spacy.load(tmp_path / "model" / "model-last").get_pipe("ner").labels
