"""The bulk load's column paths against plain oracles.

A batch of plain jobs of one shape loads member by member (``store/_bulk.py``): its RUNNABLE index comes
from the columns (``RunnableIndex.gather_columns``, keys by ``dispatch_keys``) rather than from a view of
each job, its grouped members are checked on their distinct values only, and its records are made
between young collections. The oracles: the same jobs put one by one, the snapshot of every job by the
tiny oracle of ``tests/oracle_snapshot.py``, ``dispatch_key`` job by job, and ``put`` refusing a job.
"""

from __future__ import annotations

import gc
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle_snapshot import snapshot as oracle_snapshot

from listjobs_core import LIST_SERVICE_JOBS, ServiceJobStore, _snapshot
from listjobs_core._records import pack, pack_columns, private_record
from listjobs_core._snapshot import (
    FAIR_SHARE,
    FIFO,
    QUOTA_SHARE,
    SCHEDULING_KINDS,
    dispatch_key,
    job_queue_snapshot,
)
from listjobs_core.store import _runnable
from listjobs_core.store._bulk import columns_of
from listjobs_core.store._runnable import RunnableIndex, dispatch_keys

ARN = "arn:aws:batch:us-east-1:123456789012:job-queue/q"
OTHER_REGION = "arn:aws:batch:eu-west-1:123456789012:job-queue/q"
QUEUE_VALUES = ["q", ARN, OTHER_REGION, "other"]
STATUSES = ["RUNNABLE", "RUNNABLE", "RUNNABLE", "RUNNING", "SCHEDULED", "STARTING", "FAILED", "SUBMITTED"]
OPTIONAL = {
    "createdAt": st.integers(1, 6),
    "jobQueue": st.sampled_from(QUEUE_VALUES),
    "shareIdentifier": st.sampled_from(["a", "b", "c"]),
    "quotaShareName": st.sampled_from(["a", "x"]),
    "version": st.integers(0, 2),
}


@st.composite
def batches(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Plain jobs that all have the same members, the optional ones a drawn subset of ``OPTIONAL``."""
    members = draw(st.sets(st.sampled_from(sorted(OPTIONAL))))
    jobs = []
    for number in range(draw(st.integers(1, 30))):
        job: dict[str, Any] = {
            "jobId": f"job-{number}",
            "jobName": draw(st.sampled_from(["n", "N", "m"])),
            "jobArn": f"arn-{number}",
            "status": draw(st.sampled_from(STATUSES)),
        }
        job.update({member: draw(OPTIONAL[member]) for member in sorted(members)})
        jobs.append(job)
    return jobs


def snapshots(jobs: list[dict[str, Any]], store: ServiceJobStore, quota_shares: list[str]) -> None:
    """The snapshot over the jobs the store gives is the snapshot over every job, for every queue and
    kind."""
    for queue in ("q", ARN, OTHER_REGION, "other"):
        for kind in SCHEDULING_KINDS:
            given_jobs = store.snapshot_jobs(queue, kind)
            answer = job_queue_snapshot(given_jobs, now_ms=5, job_queue=queue, scheduling=kind,
                                        quota_shares=quota_shares)
            assert answer == job_queue_snapshot(jobs, now_ms=5, job_queue=queue, scheduling=kind,
                                                quota_shares=quota_shares), (queue, kind)
            if _snapshot.FRONT_OF_QUEUE_SIZE == 100:
                assert answer == oracle_snapshot(jobs, 5, queue, kind, quota_shares), (queue, kind)


@settings(max_examples=200, deadline=None)
@given(
    jobs=batches(),
    quota_shares=st.lists(st.sampled_from(["a", "x"]), max_size=2),
    size=st.sampled_from([2, 100]),
)
def test_a_bulk_loads_runnable_index_is_the_one_puts_one_by_one_make(
    jobs: list[dict[str, Any]], quota_shares: list[str], size: int
) -> None:
    """SN-1 to SN-4, SN-7 after a bulk load: the RUNNABLE index made from the columns holds, run by run,
    what puts one by one and ``gather`` of the jobs make, and the snapshots are the oracle's (fronts of
    100) and every job's (fronts of 2, so that the order within a front matters)."""
    bulk = ServiceJobStore()
    assert columns_of(jobs, bulk._members, bulk._layout) is not None  # the batch takes the bulk path
    with mock.patch.object(_snapshot, "FRONT_OF_QUEUE_SIZE", size), mock.patch.object(
        _runnable, "FRONT_OF_QUEUE_SIZE", size
    ):
        bulk.put_many(jobs)
        one_by_one = ServiceJobStore()
        for job in jobs:
            one_by_one.put(job)
        bulk._runnable._check(one_by_one._runnable)
        bulk._runnable._check(RunnableIndex.gather(jobs))
        snapshots(jobs, bulk, quota_shares)
        # The index made from the columns is kept as puts keep theirs.
        changed = jobs[len(jobs) // 2]
        moved = "RUNNING" if changed["status"] == "RUNNABLE" else "RUNNABLE"
        job_id = changed["jobId"]
        assert bulk.update(job_id, status=moved) == one_by_one.update(job_id, status=moved)
        bulk._runnable._check(one_by_one._runnable)
        snapshots([{**job, "status": moved} if job is changed else job for job in jobs], bulk, quota_shares)


@settings(max_examples=100, deadline=None)
@given(batches(), st.booleans())
def test_the_runnable_index_of_columns_is_gathers(jobs: list[dict[str, Any]], priorities: bool) -> None:
    """``gather_columns`` of jobs given member by member (``schedulingPriority`` among them, which only a
    store of another operation's summaries loads in bulk) holds what ``gather`` of the jobs holds."""
    if priorities:
        jobs = [{**job, "schedulingPriority": number % 3 - 1} for number, job in enumerate(jobs)]
    columns = {member: [job[member] for job in jobs] for member in jobs[0]}
    in_use = [job for job in jobs if job["status"] in ("RUNNING", "SCHEDULED", "STARTING")]
    RunnableIndex.gather_columns(columns, in_use)._check(RunnableIndex.gather(jobs))


@given(
    st.lists(
        st.tuples(st.one_of(st.none(), st.integers(-5, 5)), st.one_of(st.none(), st.integers(-3, 3))),
        min_size=1,
        max_size=8,
    ),
    st.booleans(),
    st.booleans(),
)
def test_dispatch_keys_are_dispatch_key_job_by_job(
    values: list[tuple[int | None, int | None]], has_created: bool, has_priority: bool
) -> None:
    """SN-2: the keys made a member at a time are ``dispatch_key``'s, absent members included."""
    jobs: list[dict[str, Any]] = []
    for number, (created, priority) in enumerate(values):
        job: dict[str, Any] = {"jobId": f"j{number}"}
        if has_created and created is not None:
            job["createdAt"] = created
        if has_priority and priority is not None:
            job["schedulingPriority"] = priority
        jobs.append(job)
    fifo, shared = dispatch_keys(
        [job["jobId"] for job in jobs],
        [job.get("createdAt") for job in jobs] if has_created else None,
        [job.get("schedulingPriority") for job in jobs] if has_priority else None,
    )
    assert fifo == [dispatch_key(job, FIFO, {}) for job in jobs]
    assert shared == [dispatch_key(job, FAIR_SHARE, {}) for job in jobs]
    assert shared == [dispatch_key(job, QUOTA_SHARE, {}) for job in jobs]


# One job that put refuses (or stores as a projected record), in a grouped member: its distinct value is
# the one the check reads.
BAD_VALUES = [
    ("status", "BOGUS"),
    ("status", 3),
    ("jobName", "é"),
    ("jobName", ""),
    ("jobQueue", "queue-é"),
    ("jobQueue", 7),
    ("shareIdentifier", True),
    ("shareIdentifier", "ß"),
    ("quotaShareName", ["a"]),
]


@pytest.mark.parametrize(("member", "value"), BAD_VALUES)
@pytest.mark.parametrize("position", [0, 3])
def test_a_grouped_member_checked_on_its_distinct_values_refuses_as_put_does(
    member: str, value: Any, position: int
) -> None:
    """A batch whose grouped member holds, in one job, a value that is not simple does not take the bulk
    path, and ``put_many`` then does what ``put`` does: the same error naming the job and the member, or
    the same stored jobs."""
    jobs = [
        {"jobId": f"j{number}", "jobName": "n", "status": "RUNNING", "createdAt": number, "jobQueue": "q",
         "shareIdentifier": "s", "quotaShareName": "a"}
        for number in range(5)
    ]
    jobs[position][member] = value
    store = ServiceJobStore()
    assert columns_of(jobs, store._members, store._layout) is None
    try:
        for job in jobs[:position]:
            ServiceJobStore().put(job)
        ServiceJobStore().put(jobs[position])
    except (TypeError, ValueError) as error:
        with pytest.raises(type(error)) as raised:
            store.put_many(jobs)
        assert str(raised.value) == f"job {position} of put_many: {error}"
        assert len(store) == 0
    else:
        store.put_many(jobs)
        one_by_one = ServiceJobStore()
        for job in jobs:
            one_by_one.put(job)
        assert store._jobs == one_by_one._jobs and list(store) == jobs
        store._check()


@settings(max_examples=100, deadline=None)
@given(batches(), st.integers(1, 5))
def test_records_made_between_young_collections_are_the_records_of_put(
    jobs: list[dict[str, Any]], every: int
) -> None:
    """``pack_columns`` with a young collection between batches of records gives the records ``put``
    makes, untracked by the collector."""
    names = tuple(jobs[0])
    columns = [[job[name] for job in jobs] for name in names]
    members = LIST_SERVICE_JOBS.summary_members
    calls: list[int] = []
    with mock.patch("listjobs_core._records._RECORDS_PER_COLLECTION", every):
        packed = pack_columns(names, columns, members, young=lambda: calls.append(gc.collect(0)))
    assert packed == [pack(private_record(job, members)) for job in jobs]
    assert len(calls) == 1 + -(-len(jobs) // every)  # before the first batch, and after each
    assert not any(map(gc.is_tracked, packed))
