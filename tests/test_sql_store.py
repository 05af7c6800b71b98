"""SqlJobStore answers exactly as the pure function over its current jobs, on SQLite and PostgreSQL.

The in-memory store's state machine (tests/test_store.py) runs here unchanged on each engine: random puts,
updates and removes interleaved with paginated listings, checked response by response, token by token,
against the pure function, and the store's invariants after every step. PostgreSQL is a real server from
the machine's binaries (the session's ``postgres`` fixture).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from hypothesis import settings
from hypothesis.stateful import run_state_machine_as_test
from postgresql_server import PostgresServer
from test_store import StoreMachine

from listjobs_core.sql import SqlJobStore

ENGINES = ("sqlite-memory", "sqlite-file", "postgresql")
TABLES = ("listjobs_jobs", "listjobs_job_queues", "listjobs_client_tokens")


@pytest.fixture(scope="module")
def postgres_url(postgres: PostgresServer) -> str:
    """One database for this module; every store made by ``new_store`` starts it empty."""
    return postgres.new_database()


def emptied(url: str) -> None:
    """Remove every job, queue and client token from a PostgreSQL database the store has set up."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"TRUNCATE {', '.join(TABLES)}")


@pytest.fixture(params=ENGINES)
def new_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[bytes | None], SqlJobStore]:
    """A factory of new, empty stores on one engine."""
    engine = request.param

    def make(token_key: bytes | None) -> SqlJobStore:
        if engine == "sqlite-memory":
            return SqlJobStore("sqlite://", token_key=token_key)
        if engine == "sqlite-file":
            path = tmp_path_factory.mktemp("sqlite") / "jobs.db"
            return SqlJobStore(f"sqlite:///{path}", token_key=token_key)
        url = request.getfixturevalue("postgres_url")
        store = SqlJobStore(url, token_key=token_key)
        emptied(url)
        return store

    return make


@pytest.fixture
def store(new_store: Callable[[bytes | None], SqlJobStore]) -> Iterator[SqlJobStore]:
    made = new_store(None)
    try:
        yield made
    finally:
        made.close()


# How many random programs each engine runs; steps per program as the in-memory machine's.
MACHINE_EXAMPLES = {"sqlite-memory": 40, "sqlite-file": 12, "postgresql": 20}


def test_the_store_machine_runs_on_every_engine(
    new_store: Callable[[bytes | None], SqlJobStore], request: pytest.FixtureRequest
) -> None:
    """The in-memory store's differential state machine, on this engine: every response and token is the
    pure function's, and every invariant holds after every step."""
    engine = request.node.callspec.params["new_store"]
    run_state_machine_as_test(
        lambda: StoreMachine(new_store),
        settings=settings(max_examples=MACHINE_EXAMPLES[engine], stateful_step_count=40, deadline=None),
    )
