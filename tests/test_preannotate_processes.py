"""Pre-annotation with several processes, run as a user runs it: a fresh command-line process,
whose workers are forks sharing the pipeline it loaded (tests/annotate covers the clean
start that the window and this test process get)."""
import sqlite3
import subprocess
import sys

from tests.conftest import ROOT, SAMPLES


def command(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "main.py", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def stored_spans(db) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT d.content_hash, s.start, s.end, s.label, s.source, s.value FROM span s "
            "JOIN annotation a ON s.annotation_id = a.id JOIN document d ON a.document_id = d.id "
            "WHERE a.annotator IS NULL ORDER BY 1, 2, 3").fetchall()


def test_two_processes_store_the_same_spans_as_one_and_exit(tmp_path, model_name):
    found = {}
    for processes in (1, 2):
        db = tmp_path / f"{processes}.db"
        assert command("import", SAMPLES, "--db", db).returncode == 0
        # one document per task, so that both workers get some
        run = command("preannotate", "--model", model_name, "--processes", processes,
                      "--batch-size", 1, "--db", db)
        assert run.returncode == 0, run.stderr
        assert f"{len(list(SAMPLES.glob('*.txt')))} documents pre-annotated" in run.stdout
        found[processes] = stored_spans(db)
    assert found[1] and found[2] == found[1]
