"""ListJobsByConsumableResource from the SQL store's requirement indexes, on SQLite and on a real
PostgreSQL: the store answers exactly as the pure function over its jobs, and as the oracle, tokens
included, across changes between pages; every page is an index range with no sort; a database of the
previous schema version gets its requirement rows when opened."""

from __future__ import annotations

import contextlib
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import oracle_consumable as oracle
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from postgresql_server import round_trips
from test_consumable_resource_store import apply_change, traversals_under_change
from test_sql_store import assert_no_sort_and_no_filter
from traversals import resource_listing

from listjobs_core import (
    LIST_JOBS,
    LIST_JOBS_BY_CONSUMABLE_RESOURCE,
    LIST_SERVICE_JOBS,
    list_jobs_by_consumable_resource,
)
from listjobs_core.sql import SqlJobStore
from listjobs_core.strategies import consumable_jobs_and_requests

ARN = "arn:aws:batch:us-east-1:123456789012:consumable-resource/"
EXAMPLES = {"sqlite": 40, "postgresql": 25}


def url_of(engine: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if engine == "sqlite":
        return f"sqlite:///{tmp_path / 'jobs.db'}"
    url: str = request.getfixturevalue("postgres").new_database()
    return url


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def sql_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SqlJobStore]:
    """One store of ListJobs per engine for the module; each example clears it first."""
    with SqlJobStore(
        url_of(request.param, request, tmp_path_factory.mktemp("cr")), operation=LIST_JOBS
    ) as made:
        yield made


def test_the_sql_store_traversals_agree_with_the_pure_function_and_the_oracle(sql_store: SqlJobStore) -> None:
    """Page by page, the SQL store answers what the pure function answers over the same jobs (tokens
    included, so a token of either continues in the other), ``answer``/``answer_json`` route the operation
    to it, and a whole traversal is the oracle's selection; loaded in bulk or one by one."""

    @settings(
        max_examples=EXAMPLES[sql_store.engine],
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(consumable_jobs_and_requests(), st.lists(st.integers(1, 5), min_size=1, max_size=4), st.booleans())
    def traverse(case: tuple[list[dict[str, Any]], dict[str, Any]], sizes: list[int], bulk: bool) -> None:
        jobs, query = case
        sql_store.clear()
        if bulk:
            sql_store.put_many(jobs)
        else:
            for job in jobs:
                sql_store.put(job)
        assert resource_listing(sql_store, jobs, query, sizes) == oracle.expected_selection(jobs, query)

    traverse()


def test_the_sql_store_agrees_with_the_pure_function_across_changes_between_pages(
    sql_store: SqlJobStore,
) -> None:
    """After any put, removal, status move, change of resources or clear, the SQL store's next page
    (resumed by the previous page's token) is the pure function's over the jobs it then holds, its first
    page is the oracle's, and its requirement rows are those of its jobs."""

    @settings(
        max_examples=EXAMPLES[sql_store.engine],
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(traversals_under_change())
    def run(case: tuple[list[dict[str, Any]], dict[str, Any], list[Any]]) -> None:
        jobs, query, steps = case
        store = sql_store
        store.clear()
        store.put_many(jobs)
        token = None
        for step in steps:
            if step[0] == "page":
                request = {**query, "maxResults": step[1]}
                if token is not None:
                    request["nextToken"] = token
                page = store.list_jobs_by_consumable_resource(request)
                held = list(store)
                assert page == list_jobs_by_consumable_resource(held, request)
                if token is None:
                    assert page["jobs"] == oracle.expected_selection(held, query)[: step[1]]
                token = page.get("nextToken")
                if token is None:
                    return
            else:
                apply_change(store, step)
            store._check()

    run()


# Names under one prefix in many case variants (of more than four folded names, so a page walks the
# prefix's heads), with characters whose folding is longer or shorter than they are (``ß``, ``ſ``, the
# Kelvin sign), and patterns that cover them, some in other cases.
VARIANT_STEMS = ("tr", "train", "training-1", "training-12", "trainß", "trainss", "trainſ", "trai\u212a")
VARIANT_PREFIXES = ("t*", "TR*", "train*", "TRAINING-1*", "trains*", "trainß*", "traik*", "x*")


@st.composite
def case_variant_jobs_and_requests(draw: st.DrawFn) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Batch jobs named by random case variants of a few names under one prefix, most requiring
    ``licenses`` (by name or by ARN), and a request for them by a JOB_NAME prefix, with or without a
    status."""
    jobs = []
    for number in range(draw(st.integers(1, 60))):
        stem = draw(st.sampled_from(VARIANT_STEMS)) + draw(st.text(alphabet="aB1-", max_size=2))
        flips = draw(st.lists(st.booleans(), min_size=len(stem), max_size=len(stem)))
        name = "".join(c.swapcase() if flip else c for c, flip in zip(stem, flips, strict=True))
        resource = draw(st.sampled_from(("licenses", ARN + "licenses", "seats")))
        jobs.append(
            {
                "jobId": f"j{number}",
                "jobName": name,
                "status": draw(st.sampled_from(oracle.STATUSES[3:])),
                "createdAt": draw(st.integers(1, 5)),
                "jobArn": f"arn:aws:batch:us-east-1:123456789012:job/j{number}",
                "jobQueue": "q",
                "consumableResourceProperties": {
                    "consumableResourceList": [{"consumableResource": resource, "quantity": 1}]
                },
            }
        )
    filters = [{"name": "JOB_NAME", "values": [draw(st.sampled_from(VARIANT_PREFIXES))]}]
    status = draw(st.sampled_from((None, *oracle.STATUSES[3:])))
    if status is not None:
        filters.append({"name": "JOB_STATUS", "values": [status]})
    resource = draw(st.sampled_from(("licenses", ARN + "licenses")))
    return jobs, {"consumableResource": resource, "filters": filters}


def test_a_prefix_of_many_case_variants_pages_as_the_pure_function(sql_store: SqlJobStore) -> None:
    """A JOB_NAME prefix over names in many case variants, in small pages: every page is the pure
    function's, tokens included, and the traversal is the oracle's selection (the walk of the prefix's
    heads, and, with the walk's budgets made tiny, the ranges of its folded names past them)."""
    from unittest import mock

    from listjobs_core.sql import _sql_store

    @settings(
        max_examples=EXAMPLES[sql_store.engine],
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(case_variant_jobs_and_requests(), st.integers(1, 3), st.sampled_from((None, 1, 3)))
    def traverse(case: tuple[list[dict[str, Any]], dict[str, Any]], size: int, budget: int | None) -> None:
        jobs, query = case
        sql_store.clear()
        sql_store.put_many(jobs)
        budgets = (
            contextlib.nullcontext()
            if budget is None
            else mock.patch.multiple(_sql_store, _HEAD_PROBE_BUDGET=budget, _HEAD_WALK_BUDGET=budget)
        )
        with budgets:
            listed = resource_listing(sql_store, jobs, query, [size])
        assert listed == oracle.expected_selection(jobs, query)

    traverse()


def test_only_a_store_of_list_jobs_answers_it() -> None:
    """A store of ListServiceJobs keeps no Batch jobs: asked for the operation, it raises the
    ``TypeError`` the in-memory ``ServiceJobStore`` raises."""
    with SqlJobStore("sqlite://") as store, pytest.raises(TypeError, match="not ListJobs"):
        store.list_jobs_by_consumable_resource({"consumableResource": "r"})
    with SqlJobStore("sqlite://") as store, pytest.raises(TypeError, match="not ListJobs"):
        store.answer({"consumableResource": "r"}, operation=LIST_JOBS_BY_CONSUMABLE_RESOURCE)


def _job(number: int, rng: random.Random) -> dict[str, Any]:
    """A Batch job of a planned data set: one of 40 names in a few case variants, one of the seven
    statuses, most requiring ``licenses`` (by name or by ARN) and some ``seats``."""
    needs = []
    if rng.random() < 0.8:
        needs.append({"consumableResource": rng.choice(("licenses", ARN + "licenses")), "quantity": 2})
    if rng.random() < 0.4:
        needs.append({"consumableResource": "seats", "quantity": 1})
    name = f"job-{rng.randrange(40)}"
    return {
        "jobId": f"j{number:05d}",
        "jobName": name.upper() if rng.random() < 0.3 else name,
        "status": rng.choice(oracle.STATUSES),
        "createdAt": rng.randrange(1, 10**6),
        "jobArn": f"arn:aws:batch:us-east-1:123456789012:job/j{number:05d}",
        "jobQueue": "q",
        "consumableResourceProperties": {"consumableResourceList": needs},
    }


PLANNED_JOBS = [_job(number, random.Random(number)) for number in range(3000)]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def planned_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SqlJobStore]:
    """A store of 3000 Batch jobs put in bulk (on PostgreSQL, COPYed into the empty tables)."""
    with SqlJobStore(
        url_of(request.param, request, tmp_path_factory.mktemp("plans")), operation=LIST_JOBS
    ) as made:
        made.put_many(PLANNED_JOBS)
        yield made


SHAPES: dict[str, list[dict[str, Any]]] = {
    "no filter": [],
    "status": [{"name": "JOB_STATUS", "values": ["RUNNING"]}],
    "name": [{"name": "JOB_NAME", "values": ["job-1"]}],
    "name and status": [
        {"name": "JOB_NAME", "values": ["JOB-1"]},
        {"name": "JOB_STATUS", "values": ["FAILED"]},
    ],
    "prefix": [{"name": "JOB_NAME", "values": ["job-1*"]}],
    "prefix and status": [
        {"name": "JOB_NAME", "values": ["job-2*"]},
        {"name": "JOB_STATUS", "values": ["RUNNING"]},
    ],
    "star": [{"name": "JOB_NAME", "values": ["*"]}],
}


@pytest.mark.parametrize("resource", ["licenses", ARN + "licenses"])
@pytest.mark.parametrize("shape", list(SHAPES))
def test_every_page_is_an_index_range_without_a_sort(
    planned_store: SqlJobStore, shape: str, resource: str
) -> None:
    """For every shape of request, by name and by ARN, on a first and a later page: each statement is a
    range of an index of the requirements (EXPLAIN QUERY PLAN / EXPLAIN), with no sort and no filter on
    the rows read, and the pages are the pure function's."""
    store = planned_store
    request: dict[str, Any] = {"consumableResource": resource, "filters": SHAPES[shape], "maxResults": 7}
    first = store.list_jobs_by_consumable_resource(request)
    assert first == list_jobs_by_consumable_resource(PLANNED_JOBS, request)
    assert "nextToken" in first, "the shape selects more than a page"
    later = {**request, "nextToken": first["nextToken"]}
    assert store.list_jobs_by_consumable_resource(later) == list_jobs_by_consumable_resource(
        PLANNED_JOBS, later
    )
    for page_request in (request, later):
        plans = store.explain(page_request, operation=LIST_JOBS_BY_CONSUMABLE_RESOURCE)
        assert plans
        if store.engine == "postgresql" and "prefix" not in shape:
            assert len(plans) == 1, plans  # one statement, outside any transaction: one round trip
        for plan in plans:
            if store.engine == "sqlite":
                assert "TEMP B-TREE" not in plan and "SCAN" not in plan, plan
                assert (
                    "USING INDEX listjobs_batch_cr_" in plan
                    or "USING COVERING INDEX listjobs_batch_cr_" in plan
                ), plan
            else:
                assert_no_sort_and_no_filter(plan)
                assert "using listjobs_batch_cr_" in plan, plan
                assert "Index Cond:" in plan, plan


# Round trips are PostgreSQL's: SQLite runs in the process.
@pytest.mark.parametrize("planned_store", ["postgresql"], indirect=True)
@pytest.mark.parametrize("resource", ["licenses", ARN + "licenses"])
@pytest.mark.parametrize("shape", list(SHAPES))
def test_a_postgresql_page_is_one_round_trip_and_a_prefix_two(
    planned_store: SqlJobStore, shape: str, resource: str
) -> None:
    """SQL-3 on PostgreSQL: a page of every shape is one statement (one round trip); a JOB_NAME prefix's,
    alone or with a status, is two (BEGIN and the walk of its heads sent together, then its page and
    COMMIT), first and later pages alike, as a jobs table's prefix page is."""
    store = planned_store
    request: dict[str, Any] = {"consumableResource": resource, "filters": SHAPES[shape], "maxResults": 7}
    later = {**request, "nextToken": store.list_jobs_by_consumable_resource(request)["nextToken"]}
    expected = 2 if "prefix" in shape else 1
    pages = [round_trips(store, each, LIST_JOBS_BY_CONSUMABLE_RESOURCE) for each in (request, later)]
    assert pages == [expected, expected]
    assert store.list_jobs_by_consumable_resource(later) == list_jobs_by_consumable_resource(
        PLANNED_JOBS, later
    )


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
@pytest.mark.parametrize("status", [None, "RUNNING"])
def test_a_prefix_page_reads_the_same_whatever_the_names_it_covers(
    request: pytest.FixtureRequest, tmp_path: Path, engine: str, status: str | None
) -> None:
    """A JOB_NAME prefix's page walks the prefix's heads: it runs a few statements reading a few index
    ranges and probes whether the prefix covers 10 folded names or 200 (one range per folded name would be
    200), and its pages are the pure function's."""
    def jobs_of(resource: str, names: int) -> list[dict[str, Any]]:
        return [
            {
                "jobId": f"{resource}{number}",
                "jobName": f"n{number}",
                "status": "RUNNING",
                "createdAt": number,
                "jobArn": f"arn:aws:batch:us-east-1:123456789012:job/{resource}{number}",
                "jobQueue": "q",
                "consumableResourceProperties": {
                    "consumableResourceList": [{"consumableResource": resource, "quantity": 1}]
                },
            }
            for number in range(names)
        ]

    jobs = jobs_of("few", 10) + jobs_of("many", 200)
    filters = [{"name": "JOB_NAME", "values": ["N*"]}]
    if status is not None:
        filters.append({"name": "JOB_STATUS", "values": [status]})
    reads = []
    with SqlJobStore(url_of(engine, request, tmp_path), operation=LIST_JOBS) as store:
        store.put_many(jobs)
        for resource in ("few", "many"):
            asked = {"consumableResource": resource, "filters": filters, "maxResults": 5}
            first = store.list_jobs_by_consumable_resource(asked)
            assert first == list_jobs_by_consumable_resource(jobs, asked)
            later = {**asked, "nextToken": first["nextToken"]}
            assert store.list_jobs_by_consumable_resource(later) == list_jobs_by_consumable_resource(
                jobs, later
            )
            plans = store.explain(later, operation=LIST_JOBS_BY_CONSUMABLE_RESOURCE)
            reads.append((len(plans), sum(plan.count("listjobs_batch_cr_") for plan in plans)))
    # (statements, index reads): the probes of a few folded names, of the heads "n" and "N", their ranges.
    assert all(statements <= 12 and indexes <= 12 for statements, indexes in reads), reads


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_a_database_of_version_3_gets_the_requirements_of_its_jobs(
    request: pytest.FixtureRequest, tmp_path: Path, engine: str
) -> None:
    """Version 4 adds the requirements table. A version 3 database (no such table), opened by a store of
    either operation, gets it filled from the Batch jobs it holds, lists them as the pure function does,
    and is of version 4 from then on."""
    from listjobs_core.sql._schema import SCHEMA_VERSION

    url = url_of(engine, request, tmp_path)
    jobs = PLANNED_JOBS[:40]
    with SqlJobStore(url, operation=LIST_JOBS) as batch:
        batch.put_many(jobs)
    statements = ["DROP TABLE listjobs_batch_requirements", "UPDATE listjobs_meta SET value = '3'"]
    if engine == "sqlite":
        import sqlite3

        with sqlite3.connect(tmp_path / "jobs.db") as connection:
            for statement in statements:
                connection.execute(statement)
    else:
        import psycopg

        with psycopg.connect(url, autocommit=True) as connection:
            for statement in statements:
                connection.execute(statement)
    with SqlJobStore(url, operation=LIST_SERVICE_JOBS):  # the upgrade is the database's, whoever opens it
        pass
    with SqlJobStore(url, operation=LIST_JOBS) as batch:
        for filters in SHAPES.values():
            for resource in ("licenses", ARN + "licenses", "seats"):
                asked = {"consumableResource": resource, "filters": filters}
                assert batch.list_jobs_by_consumable_resource(asked) == list_jobs_by_consumable_resource(
                    jobs, asked
                )
        batch._check()
        assert batch._read_one("SELECT value FROM listjobs_meta WHERE name = ?", ("schema_version",)) == (
            SCHEMA_VERSION,
        )
    assert SCHEMA_VERSION == "5"


# CR-7 turned around, in a process of its own: the operation table and the store's indexes are made from
# ``_decisions`` when the package is imported, so the decision is flipped before that.
_CR7_TURNED_AROUND = """
import importlib.util, sys
sys.path.insert(0, "tests")
spec = importlib.util.spec_from_file_location("listjobs_core._decisions", "listjobs_core/_decisions.py")
decisions = importlib.util.module_from_spec(spec)
sys.modules["listjobs_core._decisions"] = decisions
spec.loader.exec_module(decisions)
decisions.CONSUMABLE_RESOURCE_JOB_NAME_GROUPS = not decisions.CONSUMABLE_RESOURCE_JOB_NAME_GROUPS
from hypothesis import given, settings, strategies as st
from listjobs_core import LIST_JOBS, LIST_JOBS_BY_CONSUMABLE_RESOURCE as CR, list_jobs_by_consumable_resource
from listjobs_core.sql import SqlJobStore
from listjobs_core.strategies import consumable_jobs_and_requests
from test_consumable_resource_sql import PLANNED_JOBS, SHAPES
assert CR.name_filter_groups is decisions.CONSUMABLE_RESOURCE_JOB_NAME_GROUPS
store = SqlJobStore("sqlite://", operation=LIST_JOBS)

@settings(max_examples=40, deadline=None, database=None)
@given(consumable_jobs_and_requests(), st.integers(1, 3))
def traverse(case, size):
    jobs, query = case
    store.clear()
    store.put_many(jobs)
    token = None
    while True:
        request = {**query, "maxResults": size, **({"nextToken": token} if token else {})}
        page = store.list_jobs_by_consumable_resource(request)
        assert page == list_jobs_by_consumable_resource(jobs, request), request
        token = page.get("nextToken")
        if token is None:
            break

traverse()
store.clear()
store.put_many(PLANNED_JOBS[:500])
for filters in SHAPES.values():
    request = {"consumableResource": "licenses", "filters": filters, "maxResults": 5}
    assert store.list_jobs_by_consumable_resource(request) == list_jobs_by_consumable_resource(
        PLANNED_JOBS[:500], request)
    for plan in store.explain(request, operation=CR):
        assert "TEMP B-TREE" not in plan and "SCAN" not in plan, plan
print("followed")
"""


def test_cr7_turned_around_is_followed() -> None:
    """CR-7 is one line in ``_decisions``: turned around (JOB_NAME groups by name and version as O-2 does,
    or stops doing so), the SQL store made then still answers as the pure function does, and its pages
    are still index ranges without a sort."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-c", _CR7_TURNED_AROUND], capture_output=True, text=True, cwd=root, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["followed"]


def test_a_job_lacking_what_its_summary_requires_is_the_same_server_fault() -> None:
    """CR-8, E-2: a Batch job requiring the resource but lacking ``jobArn`` is stored (ListJobs does not
    need it), and a page that holds it is the pure function's ``ServerException``; a page that does not
    is answered."""
    from listjobs_core import ServerException

    needs = {"consumableResourceList": [{"consumableResource": "r", "quantity": 1}]}
    jobs = [
        {"jobId": "a", "jobName": "n", "status": "RUNNING", "createdAt": 1, "jobQueue": "q",
         "consumableResourceProperties": needs},
        {"jobId": "b", "jobName": "n", "status": "RUNNING", "createdAt": 2, "jobQueue": "q",
         "jobArn": "arn:aws:batch:us-east-1:1:job/b", "consumableResourceProperties": needs},
    ]
    with SqlJobStore("sqlite://", operation=LIST_JOBS) as store:
        store.put_many(jobs)
        first = {"consumableResource": "r", "maxResults": 1}
        assert store.list_jobs_by_consumable_resource(first) == list_jobs_by_consumable_resource(jobs, first)
        with pytest.raises(ServerException) as pure:
            list_jobs_by_consumable_resource(jobs, {"consumableResource": "r"})
        with pytest.raises(ServerException) as stored:
            store.list_jobs_by_consumable_resource({"consumableResource": "r"})
        assert str(stored.value) == str(pure.value)
