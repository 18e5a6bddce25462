"""Shared fixtures: a real SQLite store per test, the CLI, and spaCy pipelines."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # CI has no screen

import pytest
from typer.testing import CliRunner

import main
from annotate.labels import load_label_set
from annotate.preannotate import default_model
from store.db import close_database, open_database
from store.queries import ensure_dataset

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "resources" / "samples"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "goldspan.db"


@pytest.fixture
def store(db_path: Path):
    """An open store with the default news dataset."""
    open_database(db_path)
    yield ensure_dataset("default", load_label_set())
    close_database()


@pytest.fixture
def cli(db_path: Path):
    """Runs `python main.py ARGS --db <this test's database>` in-process."""
    runner = CliRunner()

    def run(*args: str):
        result = runner.invoke(main.app, [*map(str, args), "--db", str(db_path)])
        close_database()
        return result

    return run


@pytest.fixture(scope="session")
def model_name() -> str:
    name = default_model()
    if name is None:
        pytest.fail("no English pipeline installed: pip install -r requirements.txt")
    return name


def table_dump(path: Path) -> dict[str, list]:
    """Every row of every table, to show that a failed command changed nothing."""
    with sqlite3.connect(path) as connection:
        tables = [r[0] for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {t: connection.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall()
                for t in tables}
