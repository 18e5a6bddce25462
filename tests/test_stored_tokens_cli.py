"""Tokens made once, at import: stored, read when a document is opened or exported (the same
files as tokenizing again), and made anew by `tokenize` where missing or stale."""
import sqlite3
import subprocess
import sys

from store.db import close_database, open_database
from store.editing import open_annotation
from store.queries import current_documents, find_dataset
from store.records import AnnotationKey
from tests.conftest import ROOT, SAMPLES


def forget_tokens(db_path, tokenizer=None):
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE document SET tokens = NULL, tokenizer = ?", (tokenizer,))


def test_exports_from_stored_tokens_are_the_files_tokenizing_would_write(cli, tmp_path,
                                                                        db_path):
    assert cli("import", SAMPLES).exit_code == 0
    assert cli("preannotate").exit_code == 0
    names = ("out.spacy", "out.conll", "out.jsonl")
    for name in names:
        assert cli("export", tmp_path / "stored" / name, "--status", "any").exit_code == 0
    forget_tokens(db_path)
    for name in names:
        assert cli("export", tmp_path / "made" / name, "--status", "any").exit_code == 0
    for name in names:
        assert (tmp_path / "stored" / name).read_bytes() == \
            (tmp_path / "made" / name).read_bytes(), name


def test_tokenize_makes_missing_and_stale_tokens(cli, db_path):
    assert cli("import", SAMPLES).exit_code == 0
    result = cli("tokenize")
    assert result.exit_code == 0 and "tokenized 0 documents" in result.output
    forget_tokens(db_path, tokenizer="spacy-0.0-en")  # made by another spaCy: stale
    open_database(str(db_path))
    try:
        [first, *rest] = current_documents(find_dataset("default").id, "any")
        assert first.tokens is None  # stale tokens are not used
        assert open_annotation(AnnotationKey(first.id, "ana")).tokens is None
    finally:
        close_database()
    result = cli("tokenize")
    assert f"tokenized {len(rest) + 1} documents" in result.output
    open_database(str(db_path))
    try:
        assert all(d.tokens is not None
                   for d in current_documents(find_dataset("default").id, "any"))
    finally:
        close_database()


def test_the_window_opens_a_document_without_running_spacy(cli, db_path):
    assert cli("import", SAMPLES).exit_code == 0
    script = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from store.db import open_database\n"
        "from store.queries import find_dataset\n"
        "from ui.session import AnnotationSession\n"
        f"open_database({str(db_path)!r})\n"
        "app = QApplication([])\n"
        "session = AnnotationSession(find_dataset('default'), 'ana')\n"
        "assert session.open(1)\n"
        "print(len(session.tokens.starts) > 100, 'spacy' in sys.modules)\n"
    )
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                         text=True, env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""})
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["True", "False"]
