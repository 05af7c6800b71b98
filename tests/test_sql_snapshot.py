"""GetJobQueueSnapshot from the SQL store's indexes (``sql/_front.py``, SN-7): the answer is the definition's
(``job_queue_snapshot`` over every job the queue's listings list) on SQLite and PostgreSQL, for every kind of
queue, named by ARN or bare name; the snapshot reads the front and the jobs in use, never every RUNNABLE
job; each statement is an index range without a sort; a version-4 database gets the snapshot's columns."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import queue_job

from listjobs_core import LIST_JOBS, LIST_SERVICE_JOBS, ServiceJobStore, _snapshot
from listjobs_core._children import parent_of
from listjobs_core._snapshot import FRONT_OF_QUEUE_SIZE, SCHEDULING_KINDS, job_queue_snapshot
from listjobs_core.service._queue_snapshot import jobs_of_queue, queue_jobs, queue_snapshot
from listjobs_core.sql import SqlJobStore, _sql_store
from listjobs_core.sql._front import QueueReads

ARN = "arn:aws:batch:us-east-1:123456789012:job-queue/q"
OTHER_REGION = "arn:aws:batch:eu-west-1:123456789012:job-queue/q"
QUEUES = [None, "q", ARN, OTHER_REGION, "other"]
ASKED = ["q", ARN, OTHER_REGION]
STATUSES = ["RUNNABLE", "RUNNABLE", "RUNNABLE", "RUNNING", "SCHEDULED", "STARTING", "FAILED", "SUBMITTED"]
SHARES = st.sampled_from(["a", "b", "c", "\x00", "é"])
USAGE = st.lists(
    st.fixed_dictionaries(
        {"capacityUnit": st.sampled_from(["cpu", "gpu"]), "quantity": st.sampled_from([0, 1, 2.5, 4, -1])}
    ),
    max_size=2,
)
QUOTA_SHARES = ["a", "z"]
# Job ids: plain ones, and (ListJobs) children, which no queue listing lists (LJ-7).
IDS = st.sampled_from([f"j{number}" for number in range(40)] + ["j1:0", "j2#1"])


def a_job(job_id: str) -> st.SearchStrategy[dict[str, Any]]:
    """A job of any status; its members absent, None or extreme (the 64-bit ends of both keys)."""
    optional = {
        "createdAt": st.one_of(st.integers(0, 4), st.sampled_from([-(2**63 - 2), 2**63 - 1])),
        "jobQueue": st.sampled_from(QUEUES),
        "schedulingPriority": st.one_of(st.integers(-1, 2), st.sampled_from([-(2**63), 2**63 - 1])),
        "shareIdentifier": SHARES,
        "quotaShareName": SHARES,
        "capacityUsage": USAGE,
    }
    or_none = {member: st.one_of(st.none(), values) for member, values in optional.items()}
    return queue_job(job_id, STATUSES, or_none)


@st.composite
def job_sets(draw: st.DrawFn) -> list[dict[str, Any]]:
    ids = draw(st.lists(IDS, unique=True, max_size=30))
    return [draw(a_job(job_id)) for job_id in ids]


def listed(jobs: list[dict[str, Any]], operation: Any) -> list[dict[str, Any]]:
    """The jobs a queue listing of ``operation`` lists: a ListJobs queue lists no child (LJ-7)."""
    if operation is LIST_JOBS:
        return [job for job in jobs if parent_of(job["jobId"]) is None]
    return jobs


def stored(job: dict[str, Any]) -> dict[str, Any]:
    """A job as a store keeps it: a member set to ``None`` is absent (IN-1)."""
    return {member: value for member, value in job.items() if value is not None}


def check_every_kind(store: SqlJobStore, jobs: list[dict[str, Any]], limit: int | None = None) -> None:
    """The store's snapshot of each asked queue, of each kind, is the definition's over its listed jobs."""
    expected_jobs = listed([stored(job) for job in jobs], store.operation)
    for queue in ASKED:
        for kind in SCHEDULING_KINDS:
            answer = queue_snapshot([store], queue, kind, now_ms=7, quota_shares=QUOTA_SHARES)
            expected = job_queue_snapshot(
                expected_jobs, now_ms=7, job_queue=queue, scheduling=kind, quota_shares=QUOTA_SHARES
            )
            assert answer == expected, (queue, kind)
            given_jobs = jobs_of_queue(store, queue, kind)
            assert (
                job_queue_snapshot(
                    given_jobs, now_ms=7, job_queue=queue, scheduling=kind, quota_shares=QUOTA_SHARES
                )
                == expected
            ), (queue, kind)


@pytest.fixture(scope="module", params=[LIST_SERVICE_JOBS, LIST_JOBS], ids=["service", "batch"])
def sqlite_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SqlJobStore]:
    path = tmp_path_factory.mktemp("snapshot") / "jobs.db"
    with SqlJobStore(f"sqlite:///{path}", operation=request.param) as made:
        yield made


@pytest.fixture(scope="module", params=[LIST_SERVICE_JOBS, LIST_JOBS], ids=["service", "batch"])
def postgresql_store(request: pytest.FixtureRequest) -> Iterator[SqlJobStore]:
    url = request.getfixturevalue("postgres").new_database()
    with SqlJobStore(url, operation=request.param) as made:
        yield made


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(jobs=job_sets(), size=st.sampled_from([FRONT_OF_QUEUE_SIZE, 1, 3]))
def test_the_sqlite_snapshot_is_the_definitions(
    sqlite_store: SqlJobStore, jobs: list[dict[str, Any]], size: int
) -> None:
    """``size``: the length of a front (the model's 100, or less, so that a few jobs make a front longer
    than the store gives, and its last createdAt has ties past it)."""
    sqlite_store.clear()
    sqlite_store.put_many([stored(job) for job in jobs])
    with (
        mock.patch.object(_snapshot, "FRONT_OF_QUEUE_SIZE", size),
        mock.patch.object(_sql_store, "FRONT_OF_QUEUE_SIZE", size),
    ):
        check_every_kind(sqlite_store, jobs)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=25)
@given(jobs=job_sets())
def test_the_postgresql_snapshot_is_the_definitions(
    postgresql_store: SqlJobStore, jobs: list[dict[str, Any]]
) -> None:
    postgresql_store.clear()
    postgresql_store.put_many([stored(job) for job in jobs])
    check_every_kind(postgresql_store, jobs)


def test_the_snapshot_follows_changes(sqlite_store: SqlJobStore) -> None:
    """A job's status, priority and share changed by ``update``, and a job removed, move it in the front."""
    sqlite_store.clear()
    jobs = {
        f"j{n}": {
            "jobId": f"j{n}",
            "jobName": "n",
            "jobArn": f"arn-{n}",
            "status": "RUNNABLE",
            "createdAt": n,
            "jobQueue": "q",
            "shareIdentifier": "ab"[n % 2],
            "quotaShareName": "ab"[n % 2],
        }
        for n in range(6)
    }
    sqlite_store.put_many(jobs.values())
    for job_id, changes in (
        ("j3", {"schedulingPriority": 5}),
        ("j0", {"status": "RUNNING", "capacityUsage": [{"capacityUnit": "gpu", "quantity": 3}]}),
        ("j4", {"shareIdentifier": "b", "quotaShareName": None}),
        ("j5", {"createdAt": None}),
    ):
        sqlite_store.update(job_id, **changes)
        jobs[job_id] = stored({**jobs[job_id], **changes})
        check_every_kind(sqlite_store, list(jobs.values()))
    sqlite_store.remove("j3")
    del jobs["j3"]
    check_every_kind(sqlite_store, list(jobs.values()))


# --- The front's boundaries, with answers written out -----------------------------------------------------


def front_ids(store: SqlJobStore, kind: str = "FIFO") -> list[str]:
    answer = queue_snapshot([store], "q", kind, now_ms=0)
    return [entry["jobArn"] for entry in answer["frontOfQueue"]["jobs"]]


def runnable(job_id: str, created_at: int | None, **members: Any) -> dict[str, Any]:
    job = {
        "jobId": job_id,
        "jobName": "n",
        "jobArn": job_id,
        "status": "RUNNABLE",
        "jobQueue": "q",
        **members,
    }
    if created_at is not None:
        job["createdAt"] = created_at
    return job


def test_the_last_created_at_of_a_fifo_front_is_taken_by_job_id_ascending() -> None:
    """150 jobs with one createdAt: the front is the 100 smallest jobIds, in order, though the index read
    backwards meets the largest first."""
    with SqlJobStore("sqlite://") as store:
        store.put_many([runnable(f"t{n:03}", 5) for n in range(150)] + [runnable("early", 4)])
        assert front_ids(store) == ["early"] + [f"t{n:03}" for n in range(99)]


def test_ties_before_the_boundary_are_ordered_by_job_id_too() -> None:
    with SqlJobStore("sqlite://") as store:
        store.put_many(
            [runnable(f"x{n}", 1) for n in (3, 1, 2)] + [runnable(f"y{n:03}", 2) for n in range(120)]
        )
        assert front_ids(store) == ["x1", "x2", "x3"] + [f"y{n:03}" for n in range(97)]


def test_jobs_without_created_at_come_last_by_job_id() -> None:
    """SN-2: a job without createdAt after every job with one (its key is the largest the index holds, which
    a backward read meets first), then by jobId."""
    with SqlJobStore("sqlite://") as store:
        jobs = [runnable("m2", None), runnable("m1", None), runnable("late", 2**63 - 1)]
        jobs += [runnable(f"c{n:02}", n) for n in range(98)]
        store.put_many(jobs)
        assert front_ids(store) == [f"c{n:02}" for n in range(98)] + ["late", "m1"]


def test_a_share_front_orders_by_priority_then_usage_then_fifo() -> None:
    """Fair share: priority first (absent is 0), then the share using least, then FIFO."""
    with SqlJobStore("sqlite://") as store:
        store.put_many(
            [
                {**runnable("busy-old", 1, shareIdentifier="busy")},
                {**runnable("idle-new", 9, shareIdentifier="idle")},
                {**runnable("none", 5)},
                {**runnable("urgent", 99, shareIdentifier="busy", schedulingPriority=3)},
                {**runnable("low", 0, shareIdentifier="idle", schedulingPriority=-1)},
                {
                    "jobId": "r",
                    "jobName": "n",
                    "status": "RUNNING",
                    "jobQueue": "q",
                    "shareIdentifier": "busy",
                    "capacityUsage": [{"capacityUnit": "gpu", "quantity": 2}],
                },
            ]
        )
        assert front_ids(store, "FAIR_SHARE") == ["urgent", "none", "idle-new", "busy-old", "low"]


def test_a_quota_share_queue_lists_the_first_job_of_each_share() -> None:
    with SqlJobStore("sqlite://") as store:
        store.put_many(
            [runnable(f"a{n}", n, quotaShareName="a") for n in range(3)]
            + [
                runnable("b-late", 9, quotaShareName="b", schedulingPriority=1),
                runnable("b-early", 1, quotaShareName="b"),
            ]
        )
        answer = queue_snapshot([store], "q", "QUOTA_SHARE", now_ms=0, quota_shares=["c"])
        shares = answer["frontOfQuotaShares"]["quotaShares"]
        assert {name: [entry["jobArn"] for entry in jobs] for name, jobs in shares.items()} == {
            "a": ["a0"],
            "b": ["b-late"],
            "c": [],
        }


def test_a_malformed_job_in_use_is_the_definitions_error() -> None:
    """A job in use with a malformed capacityUsage: the snapshot is the pure function's ServerException."""
    from listjobs_core._errors import ServerException

    with SqlJobStore("sqlite://") as store:
        store.put_many(
            [
                runnable("a", 1),
                {
                    "jobId": "r",
                    "jobName": "n",
                    "status": "RUNNING",
                    "jobQueue": "q",
                    "capacityUsage": [{"capacityUnit": "gpu"}],
                },
            ]
        )
        assert store.queue_usage("q", "FIFO") is None and store.snapshot_parts("q", "FIFO") is None
        with pytest.raises(ServerException, match="'r': capacityUsage"):
            queue_snapshot([store], "q", "FAIR_SHARE", now_ms=0)


def running_in_share_a() -> dict[str, Any]:
    """A job of queue ``q`` using one gpu, in share ``a``."""
    return {
        "jobId": "r",
        "jobName": "n",
        "status": "RUNNING",
        "jobQueue": "q",
        "shareIdentifier": "a",
        "capacityUsage": [{"capacityUnit": "gpu", "quantity": 1}],
    }


def test_a_queue_in_a_sql_and_an_in_memory_store_is_answered_from_both() -> None:
    """The usage of both stores ranks each store's front (``_indexed_parts``)."""
    busy = [running_in_share_a()]
    waiting = [runnable("x", 1, shareIdentifier="a"), runnable("y", 2, shareIdentifier="b")]
    with SqlJobStore("sqlite://") as sql:
        sql.put_many(waiting)
        memory = ServiceJobStore(busy)
        answer = queue_snapshot([memory, sql], "q", "FAIR_SHARE", now_ms=0)
        assert answer == job_queue_snapshot(busy + waiting, now_ms=0, job_queue="q", scheduling="FAIR_SHARE")
        assert [entry["jobArn"] for entry in answer["frontOfQueue"]["jobs"]] == ["y", "x"]


def test_the_jobs_of_a_queue_in_two_sql_stores_rank_each_front_by_the_usage_of_both() -> None:
    """``queue_jobs`` over two SQL stores: each store's front is ranked by the jobs in use of both (SN-2),
    as ``jobs_in_use`` and ``front_of_queue`` give them, so the snapshot over them is the definition's."""
    busy = [running_in_share_a()]
    # More jobs of the busy share "a" than a front holds, before one of the idle share "b".
    waiting = [runnable(f"x{n:03}", n, shareIdentifier="a") for n in range(FRONT_OF_QUEUE_SIZE)]
    waiting.append(runnable("y", 10**6, shareIdentifier="b"))
    with SqlJobStore("sqlite://") as running, SqlJobStore("sqlite://") as queued:
        running.put_many(busy)
        queued.put_many(waiting)
        jobs = queue_jobs([running, queued], "q", "FAIR_SHARE")
        answer = job_queue_snapshot(jobs, now_ms=0, job_queue="q", scheduling="FAIR_SHARE")
        assert answer == job_queue_snapshot(busy + waiting, now_ms=0, job_queue="q", scheduling="FAIR_SHARE")
        assert answer["frontOfQueue"]["jobs"][0] == {"jobArn": "y", "earliestTimeAtPosition": 10**6}


# --- Cost: the rows read, and the plans ---------------------------------------------------------------------


class Recording:
    """Every statement the snapshot's reads run on a store (``_front.QueueReads.run``), with the rows each
    gave."""

    def __init__(self, store: SqlJobStore, monkeypatch: pytest.MonkeyPatch) -> None:
        self.statements: list[tuple[str, tuple[object, ...], int]] = []
        made = store._queue_reads

        def recording(connection: Any, job_queue: str) -> QueueReads:
            reads = made(connection, job_queue)

            def run(sql: str, params: tuple[object, ...]) -> list[Sequence[Any]]:
                rows = reads.run(sql, params)
                self.statements.append((sql, params, len(rows)))
                return rows

            return QueueReads(reads.tables, run, reads.hint, reads.arms, reads.walks)

        monkeypatch.setattr(store, "_queue_reads", recording)

    @property
    def rows(self) -> int:
        return sum(count for _, _, count in self.statements)


def many_runnable(count: int) -> list[dict[str, Any]]:
    """``count`` RUNNABLE jobs of queue ``q`` (every tenth with no createdAt, ties of createdAt), in 10
    shares of 3 priorities, and 20 jobs in use."""
    jobs = []
    for number in range(count):
        job = runnable(
            f"j{number:05}",
            None if number % 10 == 0 else number // 7,
            shareIdentifier=f"s{number % 10}",
            quotaShareName=f"s{number % 10}",
            schedulingPriority=number % 3,
        )
        jobs.append(job)
    for number in range(20):
        jobs.append(
            {
                "jobId": f"r{number}",
                "jobName": "n",
                "status": "RUNNING",
                "jobQueue": "q",
                "shareIdentifier": f"s{number % 4}",
                "quotaShareName": f"s{number % 4}",
                "capacityUsage": [{"capacityUnit": "gpu", "quantity": 1}],
            }
        )
    return jobs


@pytest.mark.parametrize("kind", SCHEDULING_KINDS)
def test_a_snapshot_reads_the_front_not_every_runnable_job(
    monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """2,000 RUNNABLE jobs: a snapshot reads a few hundred rows at most (the front, the ties of its last
    createdAt, each share's first rows, the jobs in use, the jobs answered), and is the definition's."""
    jobs = many_runnable(2000)
    with SqlJobStore("sqlite://") as store:
        store.put_many(jobs)
        recording = Recording(store, monkeypatch)
        answer = queue_snapshot([store], ARN, kind, now_ms=0, quota_shares=["s1"])
        assert answer == job_queue_snapshot(
            jobs, now_ms=0, job_queue=ARN, scheduling=kind, quota_shares=["s1"]
        )
        assert 100 <= recording.rows <= 350, recording.rows
        assert len(recording.statements) <= 50


def plans(store: SqlJobStore, statements: list[tuple[str, tuple[object, ...], int]]) -> list[str]:
    """The engine's plan of each statement recorded."""
    found = []
    with store._pool.connection() as connection:
        for sql, params, _ in statements:
            spelled = store._sql(sql)
            if store.engine == "sqlite":
                rows = connection.execute(f"EXPLAIN QUERY PLAN {spelled}", params).fetchall()
                found.append("\n".join(str(row[3]) for row in rows))
            else:
                rows = connection.execute(f"EXPLAIN {spelled}", params).fetchall()
                found.append("\n".join(str(row[0]) for row in rows))
    return found


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
@pytest.mark.parametrize("kind", SCHEDULING_KINDS)
def test_every_snapshot_statement_is_an_index_range_without_a_sort(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, engine: str, kind: str
) -> None:
    url = (
        f"sqlite:///{tmp_path / 'jobs.db'}"
        if engine == "sqlite"
        else request.getfixturevalue("postgres").new_database()
    )
    with SqlJobStore(url) as store:
        store.put_many(many_runnable(2000))
        recording = Recording(store, monkeypatch)
        queue_snapshot([store], ARN, kind, now_ms=0, quota_shares=["s1"])
        for (sql, _, _), plan in zip(recording.statements, plans(store, recording.statements), strict=True):
            assert "SORT" not in plan.upper() and "Seq Scan" not in plan, (sql, plan)
            assert "INDEX" in plan.upper(), (sql, plan)


# --- A version-4 database -----------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_a_version_4_database_gets_the_snapshot_columns_and_indexes(
    request: pytest.FixtureRequest, tmp_path: Path, engine: str
) -> None:
    """Version 5 adds ``priority_key``, ``fifo_key`` and the snapshot indexes. A version-4 database (both
    operations' tables without them) gets them when opened, its rows written again, and its snapshots are
    the definition's."""
    from listjobs_core.sql._schema import SCHEMA_VERSION, tables_of

    path = tmp_path / "jobs.db"
    url = f"sqlite:///{path}" if engine == "sqlite" else request.getfixturevalue("postgres").new_database()
    jobs = many_runnable(300)
    with SqlJobStore(url) as store:
        store.put_many(jobs)
    with SqlJobStore(url, operation=LIST_JOBS) as batch:
        batch.put_many(jobs)
    statements = []
    for operation in (LIST_SERVICE_JOBS, LIST_JOBS):
        tables = tables_of(operation)
        statements += [
            f"DROP INDEX {index.sql_name(scope)}" for index in tables.snapshot for scope in index.scopes
        ]
        statements += [
            f"ALTER TABLE {tables.jobs} DROP COLUMN {column}" for column in ("priority_key", "fifo_key")
        ]
    statements.append("UPDATE listjobs_meta SET value = '4' WHERE name = 'schema_version'")
    for sql in statements:
        run_on(engine, url, path, sql)
    for operation in (LIST_SERVICE_JOBS, LIST_JOBS):
        with SqlJobStore(url, operation=operation) as store:
            store._check()
            for kind in SCHEDULING_KINDS:
                assert queue_snapshot([store], "q", kind, now_ms=0) == job_queue_snapshot(
                    jobs, now_ms=0, job_queue="q", scheduling=kind
                )
    every_index = (
        "SELECT name FROM sqlite_master WHERE type = 'index'"
        if engine == "sqlite"
        else "SELECT indexname FROM pg_indexes"
    )
    names = {row[0] for row in run_on(engine, url, path, every_index)}
    found = run_on(engine, url, path, "SELECT value FROM listjobs_meta WHERE name = 'schema_version'")
    assert found == [(SCHEMA_VERSION,)] == [("5",)]
    assert {
        "listjobs_queue_runnable_by_share_identifier",
        "listjobs_batch_queue_name_runnable_by_quota_share_name",
    } <= names


def run_on(engine: str, url: str, path: Path, sql: str) -> list[tuple[Any, ...]]:
    """A statement run on the database outside any store, and its rows (none for a change)."""
    if engine == "sqlite":
        import sqlite3

        with sqlite3.connect(path) as connection:
            return [tuple(row) for row in connection.execute(sql).fetchall()]
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        cursor = connection.execute(sql)
        return [tuple(row) for row in cursor.fetchall()] if cursor.description else []


@pytest.mark.parametrize("kind", ["FAIR_SHARE", "QUOTA_SHARE"])
def test_many_shares_are_read_in_several_statements(kind: str) -> None:
    """450 shares: their runs' first rows take more than one statement (``_front._UNION_PARTS``), and the
    first job of each quota share more than one read by id; the answer is still the definition's."""
    jobs = [
        runnable(
            f"j{n:03}", n % 7, shareIdentifier=f"s{n:03}", quotaShareName=f"s{n:03}", schedulingPriority=n % 2
        )
        for n in range(450)
    ]
    jobs.append(
        {
            "jobId": "r",
            "jobName": "n",
            "status": "RUNNING",
            "jobQueue": "q",
            "shareIdentifier": "s001",
            "quotaShareName": "s001",
            "capacityUsage": [{"capacityUnit": "gpu", "quantity": 1}],
        }
    )
    with SqlJobStore("sqlite://") as store:
        store.put_many(jobs)
        answer = queue_snapshot([store], "q", kind, now_ms=0, quota_shares=["s001"])
        assert answer == job_queue_snapshot(
            jobs, now_ms=0, job_queue="q", scheduling=kind, quota_shares=["s001"]
        )
