"""SqlJobStore answers exactly as the pure function over its current jobs, on SQLite and PostgreSQL.

The in-memory stores' state machines (tests/test_store.py) run here unchanged on each engine, for
ListServiceJobs and for ListJobs: random puts, updates and removes interleaved with paginated listings,
checked response by response, token by token, against the pure function, and the store's invariants after
every step. PostgreSQL is a real server from the machine's binaries (the session's ``postgres`` fixture).
"""

from __future__ import annotations

import contextlib
import json
import random
import threading
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import run_state_machine_as_test
from postgresql_server import PostgresServer, round_trips
from strategies import (
    NASTY_STRINGS,
    PARENTS,
    fuzz_filters,
    fuzz_requests,
    jobs_lists,
    json_like,
    list_jobs_jobs,
    list_jobs_queries,
    queries,
)
from test_store import FOLD_ALPHABET, ListJobsStoreMachine, StoreMachine

from listjobs_core import (
    LIST_JOBS,
    LIST_SERVICE_JOBS,
    ClientException,
    JobStore,
    Operation,
    ServiceJobStore,
    list_jobs,
    list_jobs_by_consumable_resource,
    list_service_jobs,
    paginate,
)
from listjobs_core.sql import SqlJobStore
from listjobs_core.sql._engines import CUSTOM_PLANS, GENERIC_PLANS, Pool

ENGINES = ("sqlite-memory", "sqlite-file", "postgresql")
TABLES = {
    LIST_SERVICE_JOBS.name: ("listjobs_jobs", "listjobs_job_queues", "listjobs_client_tokens"),
    LIST_JOBS.name: (
        "listjobs_batch_jobs",
        "listjobs_batch_job_queues",
        "listjobs_batch_client_tokens",
        "listjobs_batch_requirements",
    ),
}


@pytest.fixture(scope="module")
def postgres_url(postgres: PostgresServer) -> str:
    """One database for this module; every store made by ``new_store`` starts it empty."""
    return postgres.new_database()


def emptied(url: str, operation: Operation) -> None:
    """Remove every job, queue and client token of an operation from a PostgreSQL database the store has
    set up."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"TRUNCATE {', '.join(TABLES[operation.name])}")


def store_factory(
    engine: str,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    operation: Operation,
) -> Callable[[bytes | None], SqlJobStore]:
    """A factory of new, empty stores of one operation on one engine."""

    def make(token_key: bytes | None) -> SqlJobStore:
        if engine == "sqlite-memory":
            return SqlJobStore("sqlite://", token_key=token_key, operation=operation)
        if engine == "sqlite-file":
            path = tmp_path_factory.mktemp("sqlite") / "jobs.db"
            return SqlJobStore(f"sqlite:///{path}", token_key=token_key, operation=operation)
        url = request.getfixturevalue("postgres_url")
        store = SqlJobStore(url, token_key=token_key, operation=operation)
        emptied(url, operation)
        return store

    return make


@pytest.fixture(params=ENGINES)
def new_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[bytes | None], SqlJobStore]:
    """A factory of new, empty ListServiceJobs stores on one engine."""
    return store_factory(request.param, request, tmp_path_factory, LIST_SERVICE_JOBS)


@pytest.fixture(params=ENGINES)
def new_batch_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[bytes | None], SqlJobStore]:
    """A factory of new, empty ListJobs stores on one engine."""
    return store_factory(request.param, request, tmp_path_factory, LIST_JOBS)


@pytest.fixture
def store(new_store: Callable[[bytes | None], SqlJobStore]) -> Iterator[SqlJobStore]:
    made = new_store(None)
    try:
        yield made
    finally:
        made.close()


# How many random programs each engine runs; steps per program as the in-memory machine's.
MACHINE_EXAMPLES = {"sqlite-memory": 60, "sqlite-file": 25, "postgresql": 40}


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


# How many random ListJobs programs each engine runs.
BATCH_MACHINE_EXAMPLES = {"sqlite-memory": 60, "sqlite-file": 20, "postgresql": 40}


def test_the_list_jobs_store_machine_runs_on_every_engine(
    new_batch_store: Callable[[bytes | None], SqlJobStore], request: pytest.FixtureRequest
) -> None:
    """The in-memory ListJobs machine, on this engine: array children and MNP nodes listed by parent,
    queue listings without children, JOB_DEFINITION by name, prefix and revision, shares; every response
    and token is ``list_jobs``', and every invariant holds after every step."""
    engine = request.node.callspec.params["new_batch_store"]
    run_state_machine_as_test(
        lambda: ListJobsStoreMachine(new_batch_store),
        settings=settings(max_examples=BATCH_MACHINE_EXAMPLES[engine], stateful_step_count=40, deadline=None),
    )


# --- Every page query is an index range scan, never a sort --------------------------------------------------

BASE_TIME = 1_722_507_600_000
QUEUE_ARN = "arn:aws:batch:us-east-1:123456789012:job-queue/gpu"
OTHER_REGION_ARN = "arn:aws:batch:eu-west-1:123456789012:job-queue/gpu"
NAMES = ("train", "Train", "TRAIN-2", "Straße", "STRASSE", "eval", "\U0001f600x", "\ufffdy")
STATUSES = ("RUNNING", "FAILED", "SUCCEEDED", "RUNNABLE")


def plan_jobs(count: int) -> list[dict[str, Any]]:
    """Jobs of every kind the shapes read: queues as names, ARNs and none, shares, quota shares, versions."""
    rng = random.Random(count)
    queues = (None, "gpu", QUEUE_ARN, OTHER_REGION_ARN, "cpu")
    jobs = []
    for number in range(count):
        job: dict[str, Any] = {
            "jobId": f"job-{number:05d}",
            "jobName": f"{rng.choice(NAMES)}-{number % 37}",
            "status": rng.choice(STATUSES),
            "createdAt": BASE_TIME + rng.randrange(10**6),
            "version": number % 3,
            "shareIdentifier": f"share-{number % 7}",
            "quotaShareName": f"quota-{number % 5}",
        }
        if queues[number % len(queues)] is not None:
            job["jobQueue"] = queues[number % len(queues)]
        if number % 50 == 0:
            del job["createdAt"]
        jobs.append(job)
    return jobs


# Each query shape, and the index its page reads (over every job; with "queue_" in front for a queue).
SHAPES: dict[str, tuple[dict[str, Any], str]] = {
    "no filter, default status": ({}, "by_status"),
    "no filter, jobStatus": ({"jobStatus": "FAILED"}, "by_status"),
    "BEFORE_CREATED_AT": (
        {"filters": [{"name": "BEFORE_CREATED_AT", "values": [str(BASE_TIME + 700_000)]}]},
        "by_created_at",
    ),
    "AFTER_CREATED_AT": (
        {"filters": [{"name": "AFTER_CREATED_AT", "values": [str(BASE_TIME + 300_000)]}]},
        "by_created_at",
    ),
    "SHARE_IDENTIFIER": (
        {"filters": [{"name": "SHARE_IDENTIFIER", "values": ["share-3"]}]},
        "by_share_identifier",
    ),
    "SHARE_IDENTIFIER + jobStatus": (
        {"jobStatus": "RUNNING", "filters": [{"name": "SHARE_IDENTIFIER", "values": ["share-3"]}]},
        "by_share_identifier_status",
    ),
    "QUOTA_SHARE_NAME": (
        {"filters": [{"name": "QUOTA_SHARE_NAME", "values": ["quota-2"]}]},
        "by_quota_share_name",
    ),
    "QUOTA_SHARE_NAME + jobStatus": (
        {"jobStatus": "RUNNING", "filters": [{"name": "QUOTA_SHARE_NAME", "values": ["quota-2"]}]},
        "by_quota_share_name_status",
    ),
    "JOB_NAME exact": ({"filters": [{"name": "JOB_NAME", "values": ["TRAIN-7"]}]}, "by_folded_name"),
    "JOB_NAME exact, folded ß": (
        {"filters": [{"name": "JOB_NAME", "values": ["strasse-3"]}]},
        "by_folded_name",
    ),
    "JOB_NAME prefix": ({"filters": [{"name": "JOB_NAME", "values": ["train*"]}]}, "by_name"),
    "JOB_NAME prefix, folded ß": ({"filters": [{"name": "JOB_NAME", "values": ["STRAS*"]}]}, "by_name"),
    "JOB_NAME *": ({"filters": [{"name": "JOB_NAME", "values": ["*"]}]}, "by_name"),
}
QUEUES = {"every queue": None, "queue name": "gpu", "queue ARN": QUEUE_ARN}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def planned_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[SqlJobStore, list[dict[str, Any]]]]:
    """A store of 3000 jobs of every kind (on PostgreSQL, loaded in bulk, which refreshes its statistics)."""
    yield from loaded_store(request, tmp_path_factory, plan_jobs(3000), LIST_SERVICE_JOBS)


def loaded_store(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    jobs: list[dict[str, Any]],
    operation: Operation,
) -> Iterator[tuple[SqlJobStore, list[dict[str, Any]]]]:
    """A store of ``operation`` on the engine ``request.param`` names, holding ``jobs`` put in bulk, closed
    when the fixture ends."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('plans') / 'jobs.db'}"
    else:
        url = request.getfixturevalue("postgres").new_database()
    store = SqlJobStore(url, operation=operation)
    store.put_many(jobs)
    yield store, jobs
    store.close()


def assert_no_sort_and_no_filter(plan: str) -> None:
    """A PostgreSQL plan has no sort step (a Merge Append's ``Sort Key`` is the order it merges in, not a
    sort), no sequential scan, and no filter on the rows an index scan reads (the walks of a prefix's folded
    names and heads filter their own work tables, the steps of their automaton and their joins only)."""
    lines = [line.strip().removeprefix("->").strip() for line in plan.splitlines()]
    assert not any(line.startswith(("Sort  (", "Incremental Sort")) for line in lines), plan
    assert "Seq Scan" not in plan, plan
    nodes: list[tuple[int, str]] = []  # (indentation, node) of the plan's nodes so far
    for line in plan.splitlines():
        indentation = len(line) - len(line.lstrip(" ->"))
        text = line.strip().removeprefix("->").strip()
        if "  (cost=" in text:
            nodes = [node for node in nodes if node[0] < indentation] + [(indentation, text)]
        elif text.startswith(("Filter:", "Join Filter:")):
            owner = [node for node in nodes if node[0] < indentation][-1][1]
            assert "Index" not in owner and "Heap Scan" not in owner, plan


def reads_of_the_jobs_table(store: SqlJobStore, plans: list[str]) -> list[str]:
    """The plans of the statements that read the jobs table (not the queue catalogue)."""
    table = "listjobs_jobs" if store.engine == "sqlite" else "on listjobs_jobs"
    return [plan for plan in plans if table in plan]


@pytest.mark.parametrize("queue", list(QUEUES))
@pytest.mark.parametrize("shape", list(SHAPES))
def test_every_page_query_is_an_index_range_scan_without_a_sort(
    planned_store: tuple[SqlJobStore, list[dict[str, Any]]], shape: str, queue: str
) -> None:
    """For every query shape, with and without a queue, on a first and a later page: each statement that
    reads the jobs is a range of the shape's index (EXPLAIN QUERY PLAN / EXPLAIN), with no sort and no
    filter on rows read, and the pages are the pure function's."""
    store, jobs = planned_store
    request, index = SHAPES[shape]
    request = {**request, "maxResults": 7}
    if QUEUES[queue] is not None:
        # A queue named by ARN reads the scopes of jobQueue values; one named by bare name, the scope of
        # its queue name (IN-2).
        request["jobQueue"] = QUEUES[queue]
        index = ("queue_" if queue == "queue ARN" else "queue_name_") + index
    first = store.list_service_jobs(request)
    assert first == list_service_jobs(jobs, request)
    assert "nextToken" in first, "the shape selects more than a page"
    later = {**request, "nextToken": first["nextToken"]}
    assert store.list_service_jobs(later) == list_service_jobs(jobs, later)
    for page_request in (request, later):
        plans = store.explain(page_request)
        if store.engine == "postgresql" and "prefix" not in shape:
            # One statement, every queue scope's range merged in it, and no transaction around it: one
            # round trip a page.
            assert len(plans) == 1, plans
        reads = reads_of_the_jobs_table(store, plans)
        assert reads
        # A prefix probes the folded names that start with it too (a few at most are read as their ranges).
        indexes = {index, index.replace("by_name", "by_folded_name")} if "prefix" in shape else {index}
        for plan in reads:
            if store.engine == "sqlite":
                assert "TEMP B-TREE" not in plan and "SCAN" not in plan, plan
                assert plan.startswith("SEARCH listjobs_jobs USING "), plan
                assert any(f"INDEX listjobs_{index} (" in plan for index in indexes), plan
            else:
                assert_no_sort_and_no_filter(plan)
                assert any(f"Scan using listjobs_{index} on listjobs_jobs" in plan for index in indexes), plan
                assert "Index Cond:" in plan, plan
                # The plan made once for any values, which the page runs (see below): its values are
                # parameters, never constants; but the plan of an index whose equality columns extend
                # another's (whose generic plan would take the shorter one), made for the values.
                assert ("$1" in plan) is (SHAPES[shape][1] not in PLANNED_FOR_VALUES), plan


# The indexes whose pages run plans for their values on PostgreSQL: their equality columns extend those
# of another index with the same order, which a generic plan, estimating both ranges at a row, would take
# (at a million jobs, filtering the status on every job of the share in the queue).
PLANNED_FOR_VALUES = ("by_share_identifier_status", "by_quota_share_name_status")


# Round trips are PostgreSQL's: SQLite runs in the process.
@pytest.mark.parametrize("planned_store", ["postgresql"], indirect=True)
@pytest.mark.parametrize("queue", list(QUEUES))
@pytest.mark.parametrize("shape", list(SHAPES))
def test_a_postgresql_page_is_one_round_trip_and_a_prefix_two(
    planned_store: tuple[SqlJobStore, list[dict[str, Any]]], shape: str, queue: str
) -> None:
    """SQL-3 on PostgreSQL, where each round trip to the server costs more than reading a page: a page of
    every shape is one statement (one round trip); a JOB_NAME prefix's is two, BEGIN and the walks of its
    folded names and heads sent together, then its page and COMMIT, first and later pages alike."""
    store, jobs = planned_store
    assert store.engine == "postgresql"
    request = {**SHAPES[shape][0], "maxResults": 7}
    if QUEUES[queue] is not None:
        request["jobQueue"] = QUEUES[queue]
    first = store.list_service_jobs(request)
    later = {**request, "nextToken": first["nextToken"]}
    expected = 2 if "prefix" in shape else 1
    assert [round_trips(store, request), round_trips(store, later)] == [expected, expected]
    assert store.list_service_jobs(later) == list_service_jobs(jobs, later)


# Prefixes whose pages run the same statements for other values: other prefixes, cursors and queues.
GENERIC_PREFIXES = ("train*", "TRAIN*", "st*", "tra*")


@pytest.mark.parametrize("planned_store", ["postgresql"], indirect=True)
@pytest.mark.parametrize("queue", list(QUEUES))
def test_a_postgresql_prefix_page_is_planned_once_for_every_value(
    planned_store: tuple[SqlJobStore, list[dict[str, Any]]], queue: str
) -> None:
    """SQL-3 on PostgreSQL, where planning a prefix page's statements costs more than running them: a
    statement a prefix's page runs again (psycopg prepares it the fifth time) runs the one generic plan
    PostgreSQL made for it, whatever its values, never a plan made for them; the pages of every prefix
    are the pure function's."""
    store, jobs = planned_store
    assert store.engine == "postgresql"
    with store._pool.connection() as connection:  # the store's one connection, which runs the pages
        connection.execute("DEALLOCATE ALL")  # the statements of other tests' pages, planned for values
    for prefix in GENERIC_PREFIXES:
        request: dict[str, Any] = {"filters": [{"name": "JOB_NAME", "values": [prefix]}], "maxResults": 7}
        if QUEUES[queue] is not None:
            request["jobQueue"] = QUEUES[queue]
        for page_request in islice(pages_of(store, request), 8):
            assert store.list_service_jobs(page_request) == list_service_jobs(jobs, page_request)
    with store._pool.connection() as connection:
        prepared = connection.execute(
            "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"
        ).fetchall()
    assert prepared
    assert [(statement, custom) for statement, _, custom in prepared if custom] == []
    assert max(generic for _, generic, _ in prepared) >= 5


@pytest.mark.parametrize("planned_store", ["postgresql"], indirect=True)
@pytest.mark.parametrize("queue", list(QUEUES))
@pytest.mark.parametrize("shape", list(SHAPES))
def test_a_postgresql_page_runs_the_plan_made_once_for_every_value(
    planned_store: tuple[SqlJobStore, list[dict[str, Any]]], shape: str, queue: str
) -> None:
    """SQL-3 on PostgreSQL, where planning a page's statement costs more than running it: every statement
    of a page of every shape, with and without a queue, run again for other cursors (psycopg prepares it
    the fifth time), runs the one generic plan PostgreSQL made for it, never a plan made for its values;
    so the plans ``explain`` shows, which ``test_every_page_query_is_an_index_range_scan_without_a_sort``
    holds to index ranges without a sort, are the plans that run. The pages are the pure function's."""
    store, jobs = planned_store
    assert store.engine == "postgresql"
    request: dict[str, Any] = {**SHAPES[shape][0], "maxResults": 1}
    if QUEUES[queue] is not None:
        request["jobQueue"] = QUEUES[queue]
    with store._pool.connection() as connection:  # the store's one connection, which runs the pages
        connection.execute("DEALLOCATE ALL")  # the statements of other tests' pages
    later_pages = list(islice(pages_of(store, request), 8))
    assert len(later_pages) == 8, "the shape selects enough jobs for psycopg to prepare its statement"
    for page_request in later_pages:
        assert store.list_service_jobs(page_request) == list_service_jobs(jobs, page_request)
    with store._pool.connection() as connection:
        prepared = connection.execute(
            "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"
        ).fetchall()
    assert prepared, "the pages' statements were prepared"
    if SHAPES[shape][1] in PLANNED_FOR_VALUES:
        assert [(statement, generic) for statement, generic, _ in prepared if generic] == []
        return
    assert [(statement, custom) for statement, _, custom in prepared if custom] == []
    assert max(generic for _, generic, _ in prepared) >= 5


@pytest.mark.parametrize("planned_store", ["postgresql"], indirect=True)
def test_a_postgresql_snapshot_keeps_plans_for_its_values_between_pages(
    planned_store: tuple[SqlJobStore, list[dict[str, Any]]],
) -> None:
    """The one connection of a store that runs pages on generic plans runs a snapshot's statements on
    plans for their values (whose generic plans are held to nothing), then pages on generic plans again:
    the connection's setting follows what it is handed out for, every time."""
    store, jobs = planned_store
    request: dict[str, Any] = {"jobStatus": "FAILED", "jobQueue": "gpu", "maxResults": 1}
    for _ in range(3):
        with store._pool.connection() as connection:
            connection.execute("DEALLOCATE ALL")
        for page_request in islice(pages_of(store, request), 6):
            assert store.list_service_jobs(page_request) == list_service_jobs(jobs, page_request)
        for _ in range(6):
            store.snapshot_parts("gpu", "FIFO")
        with store._pool.connection() as connection:
            prepared = connection.execute(
                "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"
            ).fetchall()
        reads = [row for row in prepared if "$1" in row[0]]  # not BEGIN or COMMIT
        pages = [row for row in reads if "summary" in row[0]]
        snapshots = [row for row in reads if "summary" not in row[0]]
        assert pages and snapshots
        assert all(custom == 0 and generic > 0 for _, generic, custom in pages), pages
        assert all(generic == 0 and custom > 0 for _, generic, custom in snapshots), snapshots


class _Session:
    """A connection of ``Pool``'s unit test: the statements run on it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.statements: list[str] = []

    def execute(self, sql: str, params: Any = ()) -> None:
        self.statements.append(sql)

    def close(self) -> None:
        self.statements.append("closed")


def test_the_pool_hands_out_a_connection_that_plans_as_asked_switching_one_only_when_none_does() -> None:
    """``Pool.connection(plans)``: an idle connection that plans as asked when there is one (no statement
    sent), else one switched by the engine's statement for it; ``connection()`` one as it stands."""
    made = iter([_Session("first"), _Session("second")])
    plans = {CUSTOM_PLANS: "SET custom", GENERIC_PLANS: "SET generic"}
    pool = Pool(lambda: next(made), 2, plans)
    with pool.connection(GENERIC_PLANS) as first, pool.connection(CUSTOM_PLANS) as second:
        pass  # a new connection plans for values: only the first is switched
    assert (first.name, first.statements) == ("first", ["SET generic"])
    assert (second.name, second.statements) == ("second", [])
    for wanted, expected in ((GENERIC_PLANS, first), (CUSTOM_PLANS, second), (GENERIC_PLANS, first)):
        with pool.connection(wanted) as connection:
            assert connection is expected
    with pool.connection() as connection:
        assert connection is first  # the last released, as it stands
    with pool.connection(CUSTOM_PLANS) as connection, pool.connection(CUSTOM_PLANS) as other:
        pass
    assert first.statements == ["SET generic", "SET custom"] and second.statements == []
    assert {connection.name, other.name} == {"first", "second"}
    pool.close()
    assert first.statements[-1] == second.statements[-1] == "closed"
    sqlite_pool = Pool(lambda: _Session("sqlite"), 1)  # an engine of one way to plan: no statement
    with sqlite_pool.connection(GENERIC_PLANS) as connection:
        assert connection.statements == []
    sqlite_pool.close()


@pytest.mark.parametrize("queue", ["a", QUEUE_ARN.replace("/gpu", "/a")])
def test_a_generic_plan_reads_a_small_queue_scope_by_its_own_index(
    postgres: PostgresServer, queue: str
) -> None:
    """The trap of a plan made for any values: jobs written in name order (so the index over every job by
    name follows the table), in two queues and a few without one. A prefix page of a queue reads its
    heads' ranges in that queue's scope and in the scope of the jobs without one, each by its scope's own
    index, never the index over every job filtered by scope (which reads the whole range for the few jobs
    without a queue)."""
    jobs = [
        {
            "jobId": f"job-{number:05d}",
            "jobName": f"train-{number:05d}",
            "status": "RUNNING",
            "createdAt": BASE_TIME + number,
            **({} if number % 1000 == 7 else {"jobQueue": "a" if number % 2 else "b"}),
        }
        for number in range(6000)
    ]
    store = SqlJobStore(postgres.new_database())
    try:
        store.put_many(jobs)
        prefix = [{"name": "JOB_NAME", "values": ["train-0*"]}]
        request = {"filters": prefix, "jobQueue": queue, "maxResults": 5}
        scope = "queue_" if queue.startswith("arn:") else "queue_name_"
        indexes = (f"listjobs_{scope}by_name", f"listjobs_{scope}by_folded_name")
        for page_request in islice(pages_of(store, request), 7):
            assert store.list_service_jobs(page_request) == list_service_jobs(jobs, page_request)
            assert_index_range_scans(store, store.explain(page_request), "listjobs_jobs", *indexes)
    finally:
        store.close()


def pages_of(store: SqlJobStore, request: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The request of each page of a listing on ``store`` after the first, in order."""
    page = store.list_service_jobs(request)
    while "nextToken" in page:
        request = {**request, "nextToken": page["nextToken"]}
        yield request
        page = store.list_service_jobs(request)


DEFINITION_ARN = "arn:aws:batch:us-east-1:123456789012:job-definition/"
DEFINITION_NAMES = ("trainer", "trainer-gpu", "trainee", "eval", "Trainer")
PARENT_COUNT = 40


def plan_batch_jobs(count: int) -> list[dict[str, Any]]:
    """Batch jobs of every kind the ListJobs shapes read: the jobs of ``plan_jobs`` with job definitions
    (ARNs of several revisions, and bare names), and beside them array children and MNP nodes of the
    first ``PARENT_COUNT`` jobs, ten each."""
    rng = random.Random(count)
    jobs = plan_jobs(count)
    children = []
    for number, job in enumerate(jobs):
        del job["quotaShareName"]
        name = DEFINITION_NAMES[number % len(DEFINITION_NAMES)]
        if number % 9 == 0:
            job["jobDefinition"] = f"{name}:{number % 3 + 1}"
        elif number % 13:
            job["jobDefinition"] = f"{DEFINITION_ARN}{name}:{number % 3 + 1}"
        if number < PARENT_COUNT:
            separator = ":" if number % 2 else "#"
            for index in range(10):
                children.append(
                    {
                        "jobId": f"{job['jobId']}{separator}{index}",
                        "jobName": job["jobName"],
                        "status": rng.choice(STATUSES),
                        "createdAt": BASE_TIME + rng.randrange(10**6),
                        "jobQueue": job.get("jobQueue", "gpu"),
                    }
                )
    return jobs + children


# Each ListJobs shape with a queue, and the index its page reads (all with "queue_" in front).
BATCH_SHAPES: dict[str, tuple[dict[str, Any], str]] = {
    **{name: shape for name, shape in SHAPES.items() if "QUOTA_SHARE_NAME" not in name},
    "JOB_DEFINITION name": (
        {"filters": [{"name": "JOB_DEFINITION", "values": ["trainer"]}]},
        "by_definition",
    ),
    "JOB_DEFINITION prefix": (
        {"filters": [{"name": "JOB_DEFINITION", "values": ["train*"]}]},
        "by_definition",
    ),
    "JOB_DEFINITION revision": (
        {"filters": [{"name": "JOB_DEFINITION", "values": [DEFINITION_ARN + "trainer:2"]}]},
        "by_job_definition",
    ),
}
# Each children listing, and the request that names its parent (jobs 1 and 3 are arrays, 0 and 2 MNP).
CHILD_SHAPES: dict[str, dict[str, Any]] = {
    "children of an array job": {"arrayJobId": "job-00001"},
    "children of an array job, jobStatus": {"arrayJobId": "job-00003", "jobStatus": "FAILED"},
    "nodes of an MNP job": {"multiNodeJobId": "job-00002"},
    "nodes of an MNP job, jobStatus": {"multiNodeJobId": "job-00000", "jobStatus": "SUCCEEDED"},
}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def planned_batch_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[SqlJobStore, list[dict[str, Any]]]]:
    """A ListJobs store of 3000 jobs and 400 children (on PostgreSQL, loaded in bulk)."""
    yield from loaded_store(request, tmp_path_factory, plan_batch_jobs(3000), LIST_JOBS)


def assert_index_range_scans(store: SqlJobStore, plans: list[str], table: str, *indexes: str) -> None:
    """Each plan of a statement that reads ``table`` is a range of one of ``indexes``, with no sort and no
    filter on rows read; there is at least one."""
    reads = [plan for plan in plans if (table if store.engine == "sqlite" else f"on {table}") in plan]
    assert reads
    for plan in reads:
        if store.engine == "sqlite":
            assert "TEMP B-TREE" not in plan and "SCAN" not in plan, plan
            assert plan.startswith(f"SEARCH {table} USING "), plan
            assert any(f"INDEX {index} (" in plan for index in indexes), plan
        else:
            assert_no_sort_and_no_filter(plan)
            assert any(f"Scan using {index} on {table}" in plan for index in indexes), plan
            assert "Index Cond:" in plan, plan


def first_and_later_pages(
    store: SqlJobStore, jobs: list[dict[str, Any]], request: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A first page of ``request`` and the next, each checked against ``list_jobs``."""
    first = store.list_jobs(request)
    assert first == list_jobs(jobs, request)
    assert "nextToken" in first, "the shape selects more than a page"
    later = {**request, "nextToken": first["nextToken"]}
    assert store.list_jobs(later) == list_jobs(jobs, later)
    return request, later


@pytest.mark.parametrize("queue", ["queue name", "queue ARN"])
@pytest.mark.parametrize("shape", list(BATCH_SHAPES))
def test_every_list_jobs_page_query_is_an_index_range_scan_without_a_sort(
    planned_batch_store: tuple[SqlJobStore, list[dict[str, Any]]], shape: str, queue: str
) -> None:
    """SQL-3 for ListJobs: every filter shape, with and without jobStatus, names a queue (LJ-5) and reads
    the queue-scoped partial index of the jobs that are no child (LJ-7), first and later pages alike."""
    store, jobs = planned_batch_store
    request, index = BATCH_SHAPES[shape]
    request = {**request, "maxResults": 3, "jobQueue": QUEUES[queue]}
    for page_request in first_and_later_pages(store, jobs, request):
        plans = store.explain(page_request)
        scope = "queue_" if queue == "queue ARN" else "queue_name_"
        prefix = "JOB_NAME prefix" in shape
        indexes = {index, index.replace("by_name", "by_folded_name")} if prefix else {index}
        names = (f"listjobs_batch_{scope}{index}" for index in indexes)
        assert_index_range_scans(store, plans, "listjobs_batch_jobs", *names)
        if store.engine == "postgresql":
            # One round trip a page; two for a prefix of names or definition names (see above).
            expected = 2 if "prefix" in shape else 1
            assert round_trips(store, page_request) == expected


@pytest.mark.parametrize("shape", list(CHILD_SHAPES))
def test_a_parents_children_are_one_index_range(
    planned_batch_store: tuple[SqlJobStore, list[dict[str, Any]]], shape: str
) -> None:
    """LJ-6 as SQL-3: the children of an array job, or the nodes of an MNP job, of one status, are one
    range of the parent index, first and later pages alike."""
    store, jobs = planned_batch_store
    request = {**CHILD_SHAPES[shape], "maxResults": 1}
    for page_request in first_and_later_pages(store, jobs, request):
        (plan,) = store.explain(page_request)
        assert_index_range_scans(store, [plan], "listjobs_batch_jobs", "listjobs_batch_by_parent")


def test_a_cursor_is_where_the_range_starts(planned_store: tuple[SqlJobStore, list[dict[str, Any]]]) -> None:
    """P-4 as a seek: a later page's statement starts its range at the cursor (a row-value bound in the
    index condition), not at the start of the range."""
    store, _ = planned_store
    request = {"maxResults": 5, "filters": [{"name": "AFTER_CREATED_AT", "values": [str(BASE_TIME)]}]}
    token = store.list_service_jobs(request)["nextToken"]
    (plan,) = reads_of_the_jobs_table(store, store.explain({**request, "nextToken": token}))
    if store.engine == "sqlite":
        assert "(created_key,job_id)>(?,?)" in plan, plan
    else:
        assert "ROW(created_key, job_id) > ROW(" in plan, plan


# --- Tokens, names and order ---------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(jobs_lists(max_size=25), st.data())
def test_tokens_cross_between_the_sql_store_the_memory_store_and_the_pure_function(
    jobs: list[dict[str, Any]], data: st.DataObject
) -> None:
    """T-2, T-3 across implementations: a token from any of the three continues the traversal in any
    other, page for page as the pure function's."""
    sql = SqlJobStore("sqlite://", token_key=b"k")
    sql.put_many(jobs)
    memory = ServiceJobStore(token_key=b"k")
    for job in jobs:
        memory.put(job)
    listings: list[Callable[[Any], dict[str, Any]]] = [
        sql.list_service_jobs,
        memory.list_service_jobs,
        lambda request: list_service_jobs(jobs, request, token_key=b"k"),
    ]
    request = data.draw(queries(jobs))
    traverse_across(
        listings, request, lambda page_request: list_service_jobs(jobs, page_request, token_key=b"k"), data
    )
    sql.close()


def traverse_across(
    listings: list[Callable[[Any], dict[str, Any]]],
    request: dict[str, Any],
    expected: Callable[[Any], dict[str, Any]],
    data: st.DataObject,
) -> None:
    """Page through ``request`` with page sizes of 1 to 4, each page asked of a listing drawn from
    ``listings`` with the previous page's token, each page the one ``expected`` answers."""
    token = None
    for _ in range(60):
        page_request = {**request, "maxResults": data.draw(st.integers(1, 4))}
        if token is not None:
            page_request["nextToken"] = token
        page = data.draw(st.sampled_from(listings))(page_request)
        assert page == expected(page_request)
        token = page.get("nextToken")
        if token is None:
            break


@settings(max_examples=25, deadline=None)
@given(list_jobs_jobs(max_size=25), st.data())
def test_list_jobs_tokens_cross_between_the_sql_store_the_memory_store_and_the_pure_function(
    jobs: list[dict[str, Any]], data: st.DataObject
) -> None:
    """T-2, T-3 for ListJobs: a token from ``list_jobs``, ``JobStore(LIST_JOBS)`` or the SQL store continues
    the traversal in any other (queue listings, children by parent, JOB_DEFINITION and the other
    filters), page for page as the pure function's."""
    sql = SqlJobStore("sqlite://", token_key=b"k", operation=LIST_JOBS)
    sql.put_many(jobs)
    memory = JobStore(jobs, operation=LIST_JOBS, token_key=b"k")
    listings: list[Callable[[Any], dict[str, Any]]] = [
        sql.list_jobs,
        memory.answer,
        lambda request: list_jobs(jobs, request, token_key=b"k"),
    ]
    request = data.draw(list_jobs_queries(jobs))
    traverse_across(
        listings, request, lambda page_request: list_jobs(jobs, page_request, token_key=b"k"), data
    )
    sql.close()


# Names whose order differs between code points and UTF-16 (astral characters sort after U+FFFD by code
# point, before it in UTF-16), beside the case-folding troublemakers.
ORDER_ALPHABET = FOLD_ALPHABET + "\ufffd\U0001f600\U00010400\U00010428é\u00e9\u0065\u0301"


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_names_match_and_order_exactly_as_the_core_does(request: pytest.FixtureRequest, engine: str) -> None:
    """S-5, S-6, O-2 with Straße/STRASSE, the Kelvin sign, dotted İ, final sigma and astral-plane names:
    every JOB_NAME traversal (exact and prefix, every cut of every name) is the pure function's, on a
    database whose collation is pinned to code-point order."""
    url = "sqlite://" if engine == "sqlite" else request.getfixturevalue("postgres").new_database()
    rng = random.Random(7)
    names = [
        "Straße",
        "STRASSE",
        "strasse",
        "Kelvin",
        "kelvin",
        "İstanbul",
        "istanbul",
        "ΣΊΣΥΦΟΣ",
        "σίσυφος",
        "\U0001f600",
        "\ufffd",
        "\U00010400x",
        "\U00010428x",
        "é",
        "e\u0301",
        "ﬆop",
        "STOP",
    ]
    names += ["".join(rng.choice(ORDER_ALPHABET) for _ in range(rng.randint(1, 4))) for _ in range(40)]
    jobs = [
        {"jobId": f"j{number}", "jobName": name, "createdAt": number % 4, "version": number % 2}
        for number, name in enumerate(names)
    ]
    with SqlJobStore(url) as store:
        store.put_many(jobs)
        store._check()
        values = {"*"}
        for name in names:
            for cut in range(1, len(name) + 1):
                values |= {name[:cut], name[:cut] + "*", name[:cut].casefold() + "*", name.upper()}
        for value in sorted(values):
            listing = {"filters": [{"name": "JOB_NAME", "values": [value]}], "maxResults": 3}
            pages = list(store.paginate(listing))
            expected = list_service_jobs(jobs, {**listing, "maxResults": 100})["jobSummaryList"]
            assert [summary for page in pages for summary in page["jobSummaryList"]] == expected, value
            assert pages[0] == list_service_jobs(jobs, listing)


# --- Writes: checks, atomic updates, client tokens ---------------------------------------------------------


@pytest.mark.parametrize(
    ("job", "error", "member"),
    [
        ({"jobId": "a", "jobName": "n", "tags": {1: "x"}}, TypeError, "tags"),
        ({"jobId": "a", "jobName": "n", "tags": {"x": {1, 2}}}, TypeError, "tags"),
        ({"jobId": "a", "jobName": "n", "extra": object()}, TypeError, "extra"),
        ({"jobId": "a", "jobName": "\ud800"}, ValueError, "jobName"),
        ({"jobId": "a", "jobName": "n", "jobQueue": "q\ud800"}, ValueError, "jobQueue"),
        ({"jobId": "a", "jobName": "n", "createdAt": -(2**63) + 1}, ValueError, "createdAt"),
        ({"jobId": "a", "jobName": "n", "createdAt": 2**63}, ValueError, "createdAt"),
        ({"jobId": "a", "jobName": "n", "version": 2**63}, ValueError, "version"),
        ({"jobId": "a", "jobName": "n", "createdAt": "5"}, TypeError, "createdAt"),
        ({"jobName": "n"}, TypeError, "jobId"),
        ({"jobId": "a", "jobName": "n", "status": "BOGUS"}, ValueError, "status"),
    ],
)
def test_a_job_a_database_cannot_keep_is_refused_naming_the_member(
    store: SqlJobStore, job: dict[str, Any], error: type[Exception], member: str
) -> None:
    """put, put_many and update refuse what the listing or the database could not keep, naming the member,
    and write nothing (put_many: not even the good jobs before it)."""
    good = {"jobId": "good", "jobName": "n", "status": "RUNNING"}
    with pytest.raises(error, match=member):
        store.put(job)
    with pytest.raises(error, match=member):
        store.put_many([good, job])
    assert len(store) == 0
    store.put(good)
    changes = {key: value for key, value in job.items() if key not in ("jobId", "jobName")}
    if changes:
        with pytest.raises(error, match=member):
            store.update("good", **changes)
    assert store.get("good") == good
    store._check()


def test_update_changes_members_atomically(store: SqlJobStore) -> None:
    """update is a locked read-modify-write: eight threads each setting their own member of one job, many
    times, lose none of each other's changes; an unknown job is a KeyError and jobId cannot change."""
    store.put({"jobId": "a", "jobName": "n", "status": "RUNNING", "createdAt": 1})
    errors: list[BaseException] = []

    def worker(number: int) -> None:
        try:
            for count in range(15):
                store.update("a", **{f"member{number}": count})
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    job = store.get("a")
    assert job is not None and all(job[f"member{number}"] == 14 for number in range(8))
    with pytest.raises(KeyError):
        store.update("missing", status="FAILED")
    with pytest.raises(ValueError, match="jobId"):
        store.update("a", jobId="b")
    assert store.update("a", status=None, createdAt=5) == {
        "jobId": "a",
        "jobName": "n",
        "createdAt": 5,
        **{f"member{number}": 14 for number in range(8)},
    }
    store._check()


def test_put_new_records_client_tokens_with_the_job(store: SqlJobStore) -> None:
    """H-7's storage: a job and its client token are written together; a reused token writes nothing and
    answers False; a stored jobId is a ValueError and leaves the token unused."""
    assert store.put_new({"jobId": "a", "jobName": "n"}, client_token="t1")
    assert not store.put_new({"jobId": "b", "jobName": "n"}, client_token="t1")
    assert "b" not in store
    with pytest.raises(ValueError, match="already stored"):
        store.put_new({"jobId": "a", "jobName": "other"}, client_token="t2")
    assert store.get("a") == {"jobId": "a", "jobName": "n"}
    assert store.put_new({"jobId": "c", "jobName": "n"}, client_token="t2")
    assert store.put_new({"jobId": "d", "jobName": "n"})
    assert sorted(job["jobId"] for job in store) == ["a", "c", "d"]


def test_paginate_yields_every_page_to_the_last(store: SqlJobStore) -> None:
    """paginate follows nextToken from the request (and its own token, if any) to the last page."""
    jobs = [{"jobId": f"j{n:02d}", "jobName": "n", "status": "RUNNING", "createdAt": n} for n in range(23)]
    store.put_many(jobs)
    pages = list(store.paginate({"maxResults": 5}))
    assert [len(page["jobSummaryList"]) for page in pages] == [5, 5, 5, 5, 3]
    assert "nextToken" not in pages[-1] and all("nextToken" in page for page in pages[:-1])
    assert [s["jobId"] for page in pages for s in page["jobSummaryList"]] == [
        f"j{n:02d}" for n in range(22, -1, -1)
    ]
    rest = list(store.paginate({"maxResults": 10, "nextToken": pages[1]["nextToken"]}))
    assert [len(page["jobSummaryList"]) for page in rest] == [10, 3]
    with pytest.raises(ClientException):
        next(store.paginate({"maxResults": 0}))


# --- Concurrency and durability --------------------------------------------------------------------------


@pytest.mark.parametrize("new_store", ["sqlite-file", "postgresql"], indirect=True)
def test_threads_of_writers_and_paginating_readers(new_store: Callable[[bytes | None], SqlJobStore]) -> None:
    """Concurrent puts, updates, removes and traversals on one database: no error, no job twice in a
    traversal (P-4: sort keys never change here), each page in order, and the invariants hold after."""
    store = new_store(None)
    names = ("train", "Train", "eval", "straße")

    def job(number: int, rng: random.Random) -> dict[str, Any]:
        return {
            "jobId": f"job-{number:04d}",
            "jobName": names[number % 4],
            "status": rng.choice(("RUNNING", "FAILED", "SUCCEEDED")),
            "createdAt": number % 97,
            "jobQueue": rng.choice(("q", "arn:aws:batch:r:1:job-queue/q")),
            "shareIdentifier": rng.choice(("a", "b")),
        }

    seed = random.Random(0)
    store.put_many([job(number, seed) for number in range(300)])
    errors: list[BaseException] = []
    stop = threading.Event()

    def writer(seed: int) -> None:
        rng = random.Random(seed)
        try:
            while not stop.is_set():
                number = rng.randrange(400)
                action = rng.random()
                if action < 0.2:
                    store.remove(f"job-{number:04d}")
                elif action < 0.5 and f"job-{number:04d}" in store:
                    with contextlib.suppress(KeyError):  # removed by another writer in between
                        store.update(f"job-{number:04d}", status=rng.choice(("RUNNING", "FAILED")))
                else:
                    store.put(job(number, rng))
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)

    requests = (
        {"jobStatus": "RUNNING"},
        {"jobQueue": "q", "filters": [{"name": "JOB_NAME", "values": ["TRAIN*"]}]},
        {"filters": [{"name": "AFTER_CREATED_AT", "values": ["10"]}]},
        {"jobStatus": "FAILED", "filters": [{"name": "SHARE_IDENTIFIER", "values": ["a"]}]},
    )

    def reader(seed: int) -> None:
        rng = random.Random(seed)
        try:
            for _ in range(12):
                seen: list[str] = []
                for page in store.paginate({**rng.choice(requests), "maxResults": rng.randint(1, 40)}):
                    seen += [summary["jobId"] for summary in page["jobSummaryList"]]
                assert len(seen) == len(set(seen)), "a job listed twice in one traversal"
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)

    writers = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    readers = [threading.Thread(target=reader, args=(100 + n,)) for n in range(3)]
    for thread in writers + readers:
        thread.start()
    for thread in readers:
        thread.join()
    stop.set()
    for thread in writers:
        thread.join()
    assert not errors, errors
    store._check()
    store.close()


def test_a_sqlite_file_keeps_its_jobs_and_serves_several_stores(tmp_path: Path) -> None:
    """Jobs survive closing and reopening a SQLite file, and two stores on one file see each other's
    writes, accept each other's tokens and answer alike."""
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    jobs = [{"jobId": f"j{n}", "jobName": "n", "status": "RUNNING", "createdAt": n} for n in range(10)]
    with SqlJobStore(url, token_key=b"k") as first:
        first.put_many(jobs[:5])
    with SqlJobStore(url, token_key=b"k") as reopened, SqlJobStore(url, token_key=b"k") as other:
        reopened.put_many(jobs[5:])
        assert len(other) == 10
        page = other.list_service_jobs({"maxResults": 4})
        rest = {"maxResults": 4, "nextToken": page["nextToken"]}
        assert reopened.list_service_jobs(rest) == list_service_jobs(jobs, rest, token_key=b"k")


def test_database_urls_are_checked_and_postgresql_is_imported_lazily() -> None:
    """Bad URLs are refused naming what is accepted; the package never imports psycopg for SQLite."""
    for url in ("mysql://x", "sqlite:", "sqlite:///", "jobs.db"):
        with pytest.raises(ValueError, match="sqlite"):
            SqlJobStore(url)
    with pytest.raises(TypeError):
        SqlJobStore(b"sqlite://")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        SqlJobStore("sqlite://", token_key="text")  # type: ignore[arg-type]
    import subprocess
    import sys

    code = (
        "import sys, listjobs_core, listjobs_core.sql; "
        "s = listjobs_core.sql.SqlJobStore('sqlite://'); s.put({'jobId': 'a', 'jobName': 'n'}); "
        "print('psycopg' in sys.modules, len(s))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "1"]


def test_a_database_of_another_schema_version_is_refused(tmp_path: Path) -> None:
    """A database whose listjobs tables have another schema version is refused rather than misread."""
    import sqlite3

    path = tmp_path / "jobs.db"
    SqlJobStore(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE listjobs_meta SET value = '99' WHERE name = 'schema_version'")
    with pytest.raises(Exception, match="schema version"):
        SqlJobStore(f"sqlite:///{path}")
    with pytest.raises(Exception, match="schema version"):
        SqlJobStore(f"sqlite:///{path}", operation=LIST_JOBS)
    # Refused before anything is created in it: the ListJobs tables this version would add are not there.
    with sqlite3.connect(path) as connection:
        names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert not any(name.startswith("listjobs_batch") for name in names), names


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_one_database_holds_both_operations_jobs_apart(
    request: pytest.FixtureRequest, tmp_path: Path, engine: str
) -> None:
    """A ListServiceJobs store and a ListJobs store on one database keep their jobs in tables of their
    own: each lists, counts, gets and removes only its own, a job of one jobId may live in both, and each
    answers only its operation."""
    if engine == "sqlite":
        url = f"sqlite:///{tmp_path / 'jobs.db'}"
    else:
        url = request.getfixturevalue("postgres").new_database()
    service_job = {"jobId": "a", "jobName": "service", "status": "RUNNING", "createdAt": 1, "jobQueue": "q"}
    batch_job = {"jobId": "a", "jobName": "batch", "status": "RUNNING", "createdAt": 2, "jobQueue": "q"}
    child = {"jobId": "a:0", "jobName": "batch", "status": "RUNNING", "createdAt": 3}
    with SqlJobStore(url) as services, SqlJobStore(url, operation=LIST_JOBS) as batch:
        services.put(service_job)
        batch.put_many([batch_job, child])
        assert len(services) == 1 and len(batch) == 2
        assert services.get("a") == service_job and batch.get("a") == batch_job
        assert "a:0" not in services and "a:0" in batch
        by_queue = {"jobQueue": "q"}
        assert services.list_service_jobs(by_queue) == list_service_jobs([service_job], by_queue)
        assert batch.list_jobs(by_queue) == list_jobs([batch_job, child], by_queue)
        with pytest.raises(TypeError, match="ListJobs"):
            services.list_jobs({"jobQueue": "q"})
        with pytest.raises(TypeError, match="ListServiceJobs"):
            batch.list_service_jobs({})
        services.remove("a")
        assert batch.get("a") == batch_job
        services._check()
        batch._check()
    with SqlJobStore(url, operation=LIST_JOBS) as reopened:
        assert sorted(job["jobId"] for job in reopened) == ["a", "a:0"]


def test_list_jobs_decisions_turned_around_are_followed(
    new_batch_store: Callable[[bytes | None], SqlJobStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    """LJ-7 and LJ-8 each one line in ``_decisions``, on the SQL store too: turned around (queue listings
    list children; filters apply to them), a store made then answers as ``list_jobs`` does."""
    from listjobs_core import _decisions as decisions

    monkeypatch.setattr(decisions, "QUEUE_LISTINGS_INCLUDE_CHILD_JOBS", True)
    monkeypatch.setattr(decisions, "FILTERS_APPLY_TO_CHILD_JOBS", True)
    jobs = plan_batch_jobs(40)
    child_name = next(job["jobName"] for job in jobs if job["jobId"] == "job-00001:0")
    by_name = {"filters": [{"name": "JOB_NAME", "values": [child_name]}]}
    after_zero = {"filters": [{"name": "AFTER_CREATED_AT", "values": ["0"]}]}
    with new_batch_store(None) as store:
        store.put_many(jobs)
        store._check()
        for request, lists_children in (
            ({"jobQueue": "gpu"}, True),
            ({"jobQueue": "gpu", **by_name}, False),
            ({"arrayJobId": "job-00001", **by_name}, True),
            ({"multiNodeJobId": "job-00002", **after_zero}, True),
            ({"arrayJobId": "job-00003"}, False),
        ):
            pages = list(store.paginate({**request, "maxResults": 3}))
            assert pages[0] == list_jobs(jobs, {**request, "maxResults": 3})
            listed = [summary["jobId"] for page in pages for summary in page["jobSummaryList"]]
            assert listed == [summary["jobId"] for summary in list_jobs(jobs, request)["jobSummaryList"]]
            if lists_children:
                assert any("#" in job_id or ":" in job_id for job_id in listed), request


def test_created_at_at_the_ends_of_the_range_sorts_as_the_core_sorts(store: SqlJobStore) -> None:
    """O-3 and S-7 at the edges of created_key: the earliest and latest createdAt a store keeps, and jobs
    without one, list, filter and page as the pure function does."""
    jobs = [
        {"jobId": "early", "jobName": "n", "status": "RUNNING", "createdAt": -(2**63) + 2},
        {"jobId": "late", "jobName": "n", "status": "RUNNING", "createdAt": 2**63 - 1},
        {"jobId": "zero", "jobName": "n", "status": "RUNNING", "createdAt": 0},
        {"jobId": "none", "jobName": "n", "status": "RUNNING"},
        {"jobId": "none2", "jobName": "n", "status": "RUNNING"},
    ]
    store.put_many(jobs)
    for request in (
        {"maxResults": 1},
        {"maxResults": 2, "filters": [{"name": "BEFORE_CREATED_AT", "values": ["9223372036854775807"]}]},
        {"maxResults": 1, "filters": [{"name": "AFTER_CREATED_AT", "values": ["0"]}]},
        {"maxResults": 2, "filters": [{"name": "JOB_NAME", "values": ["N"]}]},
    ):
        pages = list(store.paginate(request))
        expected = [list_service_jobs(jobs, request)]
        while "nextToken" in expected[-1]:
            expected.append(list_service_jobs(jobs, {**request, "nextToken": expected[-1]["nextToken"]}))
        assert pages == expected


# --- Any request is answered or refused, as the pure function answers or refuses it -------------------------

_FUZZ_JOBS = plan_jobs(60)
_fuzz_store = SqlJobStore("sqlite://", token_key=b"k")
_fuzz_store.put_many(_FUZZ_JOBS)


@settings(max_examples=150, deadline=None)
@given(st.one_of(fuzz_requests, st.builds(lambda f: {"jobQueue": "gpu", "filters": f}, fuzz_filters)))
def test_any_request_is_answered_or_refused_as_the_pure_function_does(request: Any) -> None:
    """V-12 on the SQL store: any JSON-like request gives the pure function's response, or a
    ClientException with the pure function's message; nothing else escapes."""
    try:
        expected: Any = list_service_jobs(_FUZZ_JOBS, request, token_key=b"k")
    except ClientException as error:
        expected = error.message
    try:
        actual: Any = _fuzz_store.list_service_jobs(request)
    except ClientException as error:
        actual = error.message
    assert actual == expected


_FUZZ_BATCH_JOBS = plan_batch_jobs(60)
_fuzz_batch_store = SqlJobStore("sqlite://", token_key=b"k", operation=LIST_JOBS)
_fuzz_batch_store.put_many(_FUZZ_BATCH_JOBS)
_FUZZ_PARENTS = ("job-00001", "job-00002", *PARENTS)


_fuzz_definition_values = st.one_of(
    st.sampled_from(("trainer", "train*", "*", DEFINITION_ARN + "trainer:2")),
    st.sampled_from(NASTY_STRINGS),
    json_like,
)
_fuzz_definition_filter = st.fixed_dictionaries(
    {"name": st.just("JOB_DEFINITION"), "values": st.lists(_fuzz_definition_values, max_size=2)}
)
_fuzz_definition_filters = st.lists(_fuzz_definition_filter, max_size=2)
_fuzz_list_jobs_requests = st.fixed_dictionaries(
    {},
    optional={
        "jobQueue": st.sampled_from(("gpu", QUEUE_ARN, *NASTY_STRINGS)),
        "arrayJobId": st.one_of(st.sampled_from(_FUZZ_PARENTS), st.sampled_from(NASTY_STRINGS), json_like),
        "multiNodeJobId": st.one_of(st.sampled_from(_FUZZ_PARENTS), json_like),
        "jobStatus": st.one_of(st.sampled_from(STATUSES), json_like),
        "filters": st.one_of(fuzz_filters, _fuzz_definition_filters),
        "maxResults": st.one_of(st.integers(-2, 2000), json_like),
    },
)


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        fuzz_requests,
        st.builds(lambda f: {"jobQueue": "gpu", "filters": f}, fuzz_filters),
        _fuzz_list_jobs_requests,
    )
)
def test_any_list_jobs_request_is_answered_or_refused_as_the_pure_function_does(request: Any) -> None:
    """V-12 for ListJobs on the SQL store: any JSON-like request gives ``list_jobs``' response, or a
    ClientException with its message; nothing else escapes."""
    try:
        expected: Any = list_jobs(_FUZZ_BATCH_JOBS, request, token_key=b"k")
    except ClientException as error:
        expected = error.message
    try:
        actual: Any = _fuzz_batch_store.list_jobs(request)
    except ClientException as error:
        actual = error.message
    assert actual == expected


@pytest.mark.parametrize("text", ["\ud800", "gpu\x00", "\x00"])
def test_text_no_database_can_be_sent_matches_no_job(store: SqlJobStore, text: str) -> None:
    """A lone surrogate (which a put refuses, and no database can be sent) or a NUL no stored job holds, in
    a jobId, a queue or a filter value, finds no job, on every engine, as it finds none in the pure
    function; a queue holding one still lists the jobs without a queue (IN-2)."""
    queueless = {"jobId": "queueless", "jobName": "n", "status": "RUNNING", "createdAt": 1}
    jobs = [*plan_jobs(8), queueless]
    store.put_many(jobs)
    assert store.get(text) is None and text not in store
    store.remove(text)
    with pytest.raises(KeyError):
        store.update(text, status="RUNNING")
    for request in (
        {"filters": [{"name": "JOB_NAME", "values": [text]}]},
        {"filters": [{"name": "JOB_NAME", "values": [text + "*"]}]},
        {"jobQueue": "gpu", "filters": [{"name": "SHARE_IDENTIFIER", "values": [text]}]},
        {"filters": [{"name": "QUOTA_SHARE_NAME", "values": [text]}]},
    ):
        assert store.list_service_jobs(request) == list_service_jobs(jobs, request) == {"jobSummaryList": []}
    by_queue = {"jobQueue": text}
    expected = list_service_jobs(jobs, by_queue)
    assert store.list_service_jobs(by_queue) == expected
    assert "queueless" in [summary["jobId"] for summary in expected["jobSummaryList"]]
    assert len(store) == len(jobs)


@pytest.mark.parametrize("text", ["\ud800", "p\x00"])
def test_list_jobs_text_no_database_can_be_sent_matches_no_job(
    new_batch_store: Callable[[bytes | None], SqlJobStore], text: str
) -> None:
    """SQL-5 for ListJobs: a parent id, a queue or a JOB_DEFINITION value holding a lone surrogate or a NUL
    is answered as ``list_jobs`` answers it, on every engine; a jobDefinition holding a lone surrogate is
    refused at put, naming the member, one holding a NUL is kept, as ``JobStore`` keeps it."""
    jobs = [
        {"jobId": "p", "jobName": "n", "status": "RUNNING", "createdAt": 1, "jobDefinition": "jd:1"},
        {"jobId": "p:0", "jobName": "n", "status": "RUNNING", "createdAt": 2},
        {"jobId": "q", "jobName": "n", "status": "RUNNING", "createdAt": 3, "jobQueue": "gpu"},
    ]
    with new_batch_store(None) as store:
        store.put_many(jobs)
        if text == "\ud800":
            with pytest.raises(ValueError, match="jobDefinition"):
                store.put({"jobId": "bad", "jobName": "n", "jobDefinition": text})
        for request in (
            {"arrayJobId": text},
            {"multiNodeJobId": text},
            {"jobQueue": text},
            {"jobQueue": "gpu", "filters": [{"name": "JOB_DEFINITION", "values": [text]}]},
            {"jobQueue": "gpu", "filters": [{"name": "JOB_DEFINITION", "values": [text + "*"]}]},
        ):
            assert store.list_jobs(request) == list_jobs(jobs, request)
        assert len(store) == len(jobs)


# SQL-5: text the in-memory stores keep, NUL and U+0001 (the column form's escape) among it, in every text
# column; and text every store refuses (a lone surrogate).
_KEPT_TEXTS = ("a\x00b", "\x00", "a\x01", "\x01\x00", "a\x01\x02")


def _odd_text_jobs(text: str, operation: Operation) -> list[dict[str, Any]]:
    """Jobs holding ``text`` in each text member the SQL store keeps as a column, beside plain ones."""
    members = ["jobId", "jobName", "jobQueue", "shareIdentifier", "quotaShareName"]
    if operation is LIST_JOBS:
        members = ["jobId", "jobName", "jobQueue", "jobDefinition"]
    jobs = []
    for number, member in enumerate(members):
        for variant, value in enumerate((text, "a", "a" + text, text + "z")):
            job = {"jobId": f"j{number}-{variant}", "jobName": "n", "status": "RUNNING", "createdAt": variant,
                   "jobQueue": "q"}
            job[member] = value if member != "jobId" else f"{value}-{number}-{variant}"
            jobs.append(job)
    return jobs


@pytest.mark.parametrize("text", [*_KEPT_TEXTS, "a\ud800"])
@pytest.mark.parametrize("operation", [LIST_SERVICE_JOBS, LIST_JOBS], ids=lambda operation: operation.name)
@pytest.mark.parametrize("engine", ENGINES)
def test_the_sql_store_keeps_and_refuses_exactly_what_the_in_memory_store_does(
    engine: str,
    operation: Operation,
    text: str,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """SQL-5: one job, put into the in-memory store and into the SQL store of each engine, is kept by both or
    refused by both with the same error; the kept jobs read back, list, filter and page (tokens crossing
    stores) alike, and a NUL or U+0001 in a filter value, queue, jobId or parent id finds what it finds in
    memory."""
    with store_factory(engine, request, tmp_path_factory, operation)(b"k") as sql:
        memory: Any = ServiceJobStore(token_key=b"k") if operation is LIST_SERVICE_JOBS else JobStore(
            LIST_JOBS, token_key=b"k"
        )
        jobs = []
        for job in _odd_text_jobs(text, operation):
            outcomes = []
            for target in (memory, sql):
                try:
                    target.put(job)
                    outcomes.append(None)
                except (TypeError, ValueError) as error:
                    outcomes.append((type(error), str(error)))
            assert outcomes[0] == outcomes[1], job
            if outcomes[0] is None:
                jobs.append(job)
        # Every job holding the text is kept, or (a lone surrogate) every one is refused.
        every = _odd_text_jobs(text, operation)
        refused = "\ud800" in text
        holds = [text in json.dumps(job, ensure_ascii=False) for job in every]
        assert jobs == [job for job, held in zip(every, holds, strict=True) if not (refused and held)]
        assert len(sql) == len(memory) == len(jobs)
        sql._check()
        for job in jobs:
            assert sql.get(job["jobId"]) == memory.get(job["jobId"]) == job and job["jobId"] in sql
        values = (text, "a" + text, text + "z", "a")
        requests: list[dict[str, Any]] = [{"jobQueue": "q"}, *({"jobQueue": value} for value in values)]
        if operation is LIST_SERVICE_JOBS:
            requests += [{}, {"filters": [{"name": "JOB_NAME", "values": ["*"]}]}]
            for name in ("JOB_NAME", "SHARE_IDENTIFIER", "QUOTA_SHARE_NAME"):
                for value in values:
                    requests += [{"filters": [{"name": name, "values": [value]}]}]
                    if name == "JOB_NAME":
                        requests += [{"filters": [{"name": name, "values": [value + "*"]}]}]
        else:
            for value in values:
                requests += [
                    {"jobQueue": "q", "filters": [{"name": "JOB_DEFINITION", "values": [pattern]}]}
                    for pattern in (value, value + "*")
                ]
                requests += [{"arrayJobId": value}]
        for listing in requests:
            listing = {**listing, "maxResults": 2}
            pages = list(sql.paginate(listing))
            assert pages == list(memory.paginate(listing)), listing
            assert pages == list(paginate(jobs, listing, operation=operation, token_key=b"k")), listing
        memory.update(jobs[0]["jobId"], status="FAILED")
        sql.update(jobs[0]["jobId"], status="FAILED")
        memory.remove(jobs[1]["jobId"])
        sql.remove(jobs[1]["jobId"])
        assert sorted(sql, key=lambda job: job["jobId"]) == sorted(memory, key=lambda job: job["jobId"])
        sql._check()


# --- One interface: every store, the same methods and the same answers -----------------------------------

STORE_KINDS = (
    "memory ServiceJobStore",
    "memory JobStore(LIST_JOBS)",
    *(f"{engine} {operation.name}" for engine in ENGINES for operation in (LIST_SERVICE_JOBS, LIST_JOBS)),
)


@pytest.fixture(params=STORE_KINDS)
def any_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """An empty store of each kind: the two in-memory stores and the SQL store of each operation on each
    engine."""
    kind: str = request.param
    if kind == "memory ServiceJobStore":
        yield ServiceJobStore()
        return
    if kind == "memory JobStore(LIST_JOBS)":
        yield JobStore(LIST_JOBS)
        return
    engine, operation_name = kind.split(" ")
    operation = LIST_SERVICE_JOBS if operation_name == LIST_SERVICE_JOBS.name else LIST_JOBS
    made = store_factory(engine, request, tmp_path_factory, operation)(None)
    try:
        yield made
    finally:
        made.close()


def test_every_store_has_the_one_interface(any_store: Any) -> None:
    """The same constructor shape, methods and return types in every store (``ListingStore``): answers
    are the pure function's, ``put_many`` returns a count, the operation's own method answers and the other
    one raises ``TypeError`` naming the store's operation and the method to call."""
    from listjobs_core.store import ListingStore

    store: ListingStore = any_store
    operation = store.operation
    pure = list_service_jobs if operation is LIST_SERVICE_JOBS else list_jobs
    names = ("list_service_jobs", "list_jobs")
    own, other = names if operation is LIST_SERVICE_JOBS else names[::-1]
    assert store.completion is None
    jobs = [
        {"jobId": f"j{n}", "jobName": f"n{n % 3}", "status": "RUNNING", "createdAt": n, "jobQueue": "q"}
        for n in range(5)
    ]
    assert store.put_many(jobs) == 5
    assert store.put_many([jobs[0], jobs[0]]) == 2  # the count of jobs given, not of jobs stored
    assert store.put_many(iter([])) == 0
    assert store.put({"jobId": "x", "jobName": "n", "status": "RUNNING", "createdAt": 9}) is None
    assert len(store) == 6 and "x" in store and "nope" not in store and 5 not in store
    assert sorted(job["jobId"] for job in store) == ["j0", "j1", "j2", "j3", "j4", "x"]
    assert store.get("j1") == jobs[1] and store.get("nope") is None
    changed = store.update("j1", status="SUCCEEDED")
    assert changed == {**jobs[1], "status": "SUCCEEDED"} and store.get("j1") == changed
    with pytest.raises(KeyError):
        store.update("nope", status="FAILED")
    assert store.remove("x") is None and store.remove("x") is None and "x" not in store
    stored = sorted(store, key=lambda job: job["jobId"])
    request = {"jobQueue": "q", "maxResults": 2}
    expected = pure(stored, request)
    assert store.answer(request) == expected
    assert getattr(store, own)(request) == expected
    assert store.answer_json(request) == json.dumps(expected, separators=(",", ":")).encode("ascii")
    pages = list(store.paginate(request))
    from_pure = paginate(stored, request, operation=operation)
    assert [page["jobSummaryList"] for page in pages] == [page["jobSummaryList"] for page in from_pure]
    with pytest.raises(TypeError, match=f"answers {operation.name}.*call {own}") as refused:
        getattr(store, other)(request)
    assert type(store).__name__ in str(refused.value)
    with pytest.raises(ClientException):
        store.answer({"maxResults": 0})
    methods = ("answer", "answer_json", *names, "put", "put_many", "update", "remove", "get", "paginate")
    assert all(callable(getattr(store, method)) for method in methods)


def test_every_store_takes_operation_by_keyword() -> None:
    """The constructor shape: ``operation=`` by keyword everywhere; ``JobStore(LIST_JOBS)`` still works, and
    ``ServiceJobStore`` answers ListServiceJobs only."""
    assert JobStore(operation=LIST_JOBS).operation is LIST_JOBS
    assert JobStore(LIST_JOBS).operation is LIST_JOBS
    assert JobStore().operation is LIST_SERVICE_JOBS
    assert JobStore([{"jobId": "a", "jobName": "n"}], operation=LIST_JOBS).operation is LIST_JOBS
    assert ServiceJobStore(operation=LIST_SERVICE_JOBS).operation is LIST_SERVICE_JOBS
    with pytest.raises(ValueError, match="JobStore"):
        ServiceJobStore(operation=LIST_JOBS)
    with pytest.raises(TypeError, match="two operations"):
        JobStore(LIST_SERVICE_JOBS, operation=LIST_JOBS)
    with SqlJobStore("sqlite://", operation=LIST_JOBS) as batch:
        assert batch.operation is LIST_JOBS


# --- Access paths from the filters' index plans ------------------------------------------------------------


@pytest.mark.parametrize("operation", [LIST_SERVICE_JOBS, LIST_JOBS], ids=lambda operation: operation.name)
def test_a_filter_whose_plan_is_scan_is_answered_by_every_store(
    operation: Operation, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A filter needs no SQL of its own: with every filter's plan turned to ``SCAN``, the SQL store (and the
    in-memory store) read the listing's rows in order and test each job with the spec's predicate, and
    answer every page as the pure function does."""
    import dataclasses

    from listjobs_core._filters import FILTERS, IndexPlan

    for name in operation.filter_names:
        monkeypatch.setitem(FILTERS, name, dataclasses.replace(FILTERS[name], index_plan=IndexPlan.SCAN))
    rng = random.Random(7)
    jobs = [
        {
            "jobId": f"j{number:03}",
            "jobName": rng.choice(["train", "Train", "eval", "STRASSE", "straße"]) + str(number % 3),
            "status": rng.choice(["RUNNING", "SUCCEEDED", "FAILED"]),
            "createdAt": rng.randrange(1000),
            "jobQueue": rng.choice(["q", "r"]),
            "shareIdentifier": rng.choice(["a", "b"]),
            "quotaShareName": rng.choice(["a", "b"]),
            "jobDefinition": rng.choice(["jd1", "jd1:2", "jd2:1", "other:1"]),
        }
        for number in range(450)
    ]
    values = {
        "JOB_NAME": ["train*", "STRAS*", "eval1", "*"],
        "JOB_DEFINITION": ["jd*", "jd1", "jd2:1"],
        "BEFORE_CREATED_AT": ["500"],
        "AFTER_CREATED_AT": ["20"],
        "SHARE_IDENTIFIER": ["a"],
        "QUOTA_SHARE_NAME": ["b"],
    }
    pure = list_service_jobs if operation is LIST_SERVICE_JOBS else list_jobs
    with SqlJobStore("sqlite://", operation=operation) as sql:
        memory = JobStore(jobs, operation=operation)
        assert sql.put_many(jobs) == len(jobs)
        indexes = {index.name for index in sql._tables.indexes}
        assert not indexes & {"by_share_identifier", "by_folded_name", "by_definition"}, indexes
        for name in operation.filter_names:
            for value in values[name.value]:
                for extra in ({"jobQueue": "q"}, {"jobQueue": "q", "jobStatus": "FAILED"}):
                    request = {**extra, "maxResults": 7, "filters": [{"name": name.value, "values": [value]}]}
                    expected = list(paginate(jobs, request, operation=operation))
                    assert list(sql.paginate(request)) == expected, request
                    assert list(memory.paginate(request)) == expected, request
                    assert pure(jobs, request) == expected[0]


@pytest.mark.parametrize("version", ["1", "2"])
def test_a_database_of_an_earlier_schema_version_is_brought_to_version_4(
    tmp_path: Path, version: str
) -> None:
    """Version 2 renamed the equality filters' indexes; version 3 added ``queue_name_scope`` and its indexes
    and keeps text columns in column form; version 4 the requirements of the Batch jobs. A version 1 or 2
    database (both operations' tables, a text with U+0001 kept as it was given, a client token) keeps its
    jobs and tokens, loses the indexes of the old names, gets this version's, lists as the pure function
    does (ListJobsByConsumableResource too), and is of version 4 from then on."""
    import sqlite3

    from listjobs_core.sql._schema import RETIRED_INDEXES, SCHEMA_VERSION

    path = tmp_path / "jobs.db"
    url = f"sqlite:///{path}"
    jobs = [
        {"jobId": "a", "jobName": "n", "status": "RUNNING", "createdAt": 1, "shareIdentifier": "s",
         "jobQueue": "arn:aws:batch:us-east-1:1:job-queue/q"},
        {"jobId": "b\x01", "jobName": "n\x01", "status": "RUNNING", "createdAt": 2, "jobQueue": "q"},
    ]
    batch_jobs = [
        {"jobId": "p", "jobName": "n", "status": "RUNNING", "createdAt": 1, "jobQueue": "q",
         "jobArn": "arn:aws:batch:us-east-1:1:job/p",
         "consumableResourceProperties": {
             "consumableResourceList": [{"consumableResource": "r", "quantity": 1}]}}
    ]
    with SqlJobStore(url) as store:
        store.put_many(jobs)
        assert store.put_new({**jobs[0], "jobId": "c"}, client_token="t\x01")
    with SqlJobStore(url, operation=LIST_JOBS) as batch:
        batch.put_many(batch_jobs)
    jobs.append({**jobs[0], "jobId": "c"})
    with sqlite3.connect(path) as connection:
        # The database as the earlier version left it: no queue_name_scope, texts as they were given.
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE '%queue_name_scope%'"
        ).fetchall():
            connection.execute(f"DROP INDEX {name}")
        for table in ("listjobs_jobs", "listjobs_batch_jobs"):
            connection.execute(f"ALTER TABLE {table} DROP COLUMN queue_name_scope")
        connection.execute("DROP TABLE listjobs_batch_requirements")
        connection.execute("UPDATE listjobs_jobs SET job_id = 'b' || char(1), job_name = 'n' || char(1), "
                           "folded_name = 'n' || char(1) WHERE job_id = 'b' || char(1, 2)")
        connection.execute("UPDATE listjobs_client_tokens SET client_token = 't' || char(1)")
        if version == "1":
            # Version 1's indexes by the old names.
            for new, old in (("share_identifier", "share"), ("quota_share_name", "quota")):
                for scope, condition in (("", ""), ("queue_", "queue_scope, ")):
                    for status in ("", "_status"):
                        connection.execute(f"DROP INDEX listjobs_{scope}by_{new}{status}")
                        columns = f"{condition}{new}{', status' if status else ''}, created_key, job_id"
                        index = f"listjobs_{scope}by_{old}{status}"
                        connection.execute(f"CREATE INDEX {index} ON listjobs_jobs ({columns})")
        connection.execute("UPDATE listjobs_meta SET value = ? WHERE name = 'schema_version'", (version,))
    with SqlJobStore(url) as store:
        for request in (
            {},
            {"jobStatus": "RUNNING", "jobQueue": "q"},
            {"filters": [{"name": "SHARE_IDENTIFIER", "values": ["s"]}]},
            {"filters": [{"name": "JOB_NAME", "values": ["n\x01"]}]},
        ):
            assert store.list_service_jobs(request) == list_service_jobs(jobs, request), request
        assert store.get("b\x01") == jobs[1]
        assert not store.put_new({**jobs[0], "jobId": "d"}, client_token="t\x01")
        store._check()
    with SqlJobStore(url, operation=LIST_JOBS) as batch:
        assert batch.list_jobs({"jobQueue": "q"}) == list_jobs(batch_jobs, {"jobQueue": "q"})
        by_resource = {"consumableResource": "r"}
        assert batch.list_jobs_by_consumable_resource(by_resource)["jobs"]
        assert batch.list_jobs_by_consumable_resource(by_resource) == list_jobs_by_consumable_resource(
            batch_jobs, by_resource
        )
        batch._check()
    with sqlite3.connect(path) as connection:
        names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        found = connection.execute("SELECT value FROM listjobs_meta WHERE name = 'schema_version'")
        found = found.fetchone()
    assert found == (SCHEMA_VERSION,) == ("5",)
    assert not names & set(RETIRED_INDEXES["1"]), names
    assert {
        "listjobs_by_share_identifier",
        "listjobs_queue_by_quota_share_name_status",
        "listjobs_queue_name_by_status",
        "listjobs_batch_queue_name_by_status",
    } <= names


def test_the_sql_store_imports_only_the_public_names_of_the_in_memory_stores() -> None:
    """What both stores need lives in the core or in ``listjobs_core.store``'s public names: ``sql/`` never
    reaches into the in-memory store's private modules."""
    import ast

    import listjobs_core.sql

    for path in Path(listjobs_core.sql.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module is not None:
                parts = node.module.split(".")
                if "store" in parts:
                    assert not any(part.startswith("_") for part in parts[parts.index("store") :]), path


# --- Adversarial data: as many statements a page at 5e3 jobs as at 5e2 -----------------------------------


@pytest.mark.parametrize("data_set", ["case variants", "queue regions"])
def test_adversarial_pages_read_as_many_statements_whatever_the_size(data_set: str) -> None:
    """SQL-3 on the data sets any client can build through SubmitServiceJob (``workloads``): case variants
    of one name, and queue ARNs that differ only in region. Every page of every request (first and later)
    runs a few statements, the same number at 500 and at 5000 jobs, each an index range scan without a
    sort; the pages are the pure function's."""
    from listjobs_core.workloads import workloads

    counts: dict[int, dict[str, list[int]]] = {}
    for size in (500, 5000):
        chosen = [workload for workload in workloads(sizes=(size,)) if workload.data_set == data_set]
        jobs = chosen[0].jobs()
        with SqlJobStore("sqlite://") as store:
            store.put_many(jobs)
            counts[size] = {}
            for workload in chosen:
                request: dict[str, Any] = {**workload.request, "maxResults": 100}
                counts[size][workload.shape] = []
                for _ in range(3):
                    page = store.list_service_jobs(request)
                    assert page == list_service_jobs(jobs, request), workload
                    plans = store.explain(request)
                    for plan in plans:
                        assert "TEMP B-TREE" not in plan and "SCAN" not in plan, plan
                    counts[size][workload.shape].append(len(plans))
                    if "nextToken" not in page:
                        break
                    request = {**request, "nextToken": page["nextToken"]}
    assert counts[500] == counts[5000], counts
    assert max(count for shape in counts[5000].values() for count in shape) <= 6, counts
