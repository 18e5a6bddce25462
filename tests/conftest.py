"""Shared fixtures: a real store per test (SQLite; tests/store runs on PostgreSQL too), the CLI,
and spaCy pipelines."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

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


# A PostgreSQL database the tests may empty at will; `.ci/postgres` starts a throwaway server
# and prints its URL. Without it, the PostgreSQL variants skip with this reason.
POSTGRES_URL_VARIABLE = "GOLDSPAN_TEST_POSTGRES_URL"
NO_POSTGRES = f"{POSTGRES_URL_VARIABLE} not set: start one with .ci/postgres"


@pytest.fixture
def backend() -> str:
    """The store's backend: "sqlite" here; tests/store/conftest.py makes it each backend."""
    return "sqlite"


@pytest.fixture
def db_url(backend: str, db_path: Path):
    """What the store under test is opened with: this test's SQLite file, or the PostgreSQL
    test database emptied before and after the test."""
    if backend == "sqlite":
        yield str(db_path)
        return
    url = postgres_test_url()
    empty_postgres(url)
    yield url
    close_database()
    empty_postgres(url)


@pytest.fixture
def store(db_url: str):
    """An open store with the default news dataset."""
    open_database(db_url)
    yield ensure_dataset("default", load_label_set())
    close_database()


def postgres_test_url() -> str:
    """The test server's URL, or a skip saying how to start one."""
    url = os.environ.get(POSTGRES_URL_VARIABLE, "").strip()
    if not url:
        pytest.skip(NO_POSTGRES)
    if "test" not in urlsplit(url).path.lower():
        # Every test empties the database: never let a real one be named by mistake.
        pytest.fail(f"{POSTGRES_URL_VARIABLE}={url}: the tests empty this database, so its "
                    "name must contain 'test'")
    return url


def empty_postgres(url: str) -> None:
    """Drops every table, sequence and type the tests made: a fresh public schema."""
    import psycopg2  # only the PostgreSQL variants need the driver

    connection = psycopg2.connect(url, connect_timeout=10)
    try:
        with connection, connection.cursor() as cursor:
            # A connection a test leaked would block the drop for ever: fail instead.
            cursor.execute("SET lock_timeout = '10s'")
            cursor.execute("DROP SCHEMA IF EXISTS public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    finally:
        connection.close()


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
