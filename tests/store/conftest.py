"""Every store test that opens the store (the `store` or `db_url` fixture) runs on SQLite and
on PostgreSQL. Tests that take `db_path` alone check SQLite files and stay SQLite-only."""
import pytest


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request) -> str:
    return request.param
