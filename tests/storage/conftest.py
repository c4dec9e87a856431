"""Storage tests run against SQLite and a real PostgreSQL the tests start themselves."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from playground.storage import Storage
from tests.storage.postgres import running_postgres


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with running_postgres() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'library.db'}"
        return
    url = request.getfixturevalue("postgres_url")
    import sqlalchemy

    name = f"t_{tmp_path.name.replace('-', '_').lower()[-40:]}"
    admin = sqlalchemy.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as db:
        db.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    yield url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture
def storage(database: str) -> Iterator[Storage]:
    store = Storage.open(database)
    yield store
    store.close()
