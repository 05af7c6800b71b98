"""The usage the in-memory stores keep of their jobs in use (``store/_usage``, SN-5, SN-7), and the snapshot
the endpoint answers from it (``queue_snapshot``), held to the definition: after every step of a random
sequence of puts, updates, removals, loads and clears, what a store keeps is what ``QueueUsage.of`` makes
of the model's jobs in use, and its snapshot is ``job_queue_snapshot`` over every job of the model (and
the tiny oracle's, ``tests/oracle_snapshot.py``). Exact sums are ``math.fsum``'s."""

from __future__ import annotations

import math
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle_snapshot import _in_queue
from oracle_snapshot import snapshot as oracle_snapshot
from store_steps import apply

from listjobs_core import LIST_JOBS, JobStore, ServerException, ServiceJobStore, _snapshot
from listjobs_core._snapshot import (
    EXACT_ZERO,
    FAIR_SHARE,
    FIFO,
    FRONT_OF_QUEUE_SIZE,
    IN_USE_STATUSES,
    QUOTA_SHARE,
    SCHEDULING_KINDS,
    QueueUsage,
    add_exact,
    job_queue_snapshot,
    job_usage,
    ranked_queue_snapshot,
    to_double,
)
from listjobs_core.service._queue_snapshot import queue_snapshot
from listjobs_core.service._registry import QueueRegistry
from listjobs_core.store import _runnable
from listjobs_core.store._runnable import RunnableIndex

ARN = "arn:aws:batch:us-east-1:123456789012:job-queue/q"
OTHER_REGION = "arn:aws:batch:eu-west-1:123456789012:job-queue/q"
QUEUES = [None, "q", ARN, OTHER_REGION, "other"]
STATUSES = ["RUNNABLE", "RUNNABLE", "RUNNING", "RUNNING", "SCHEDULED", "STARTING", "FAILED", "SUCCEEDED"]
SHARES = st.one_of(st.none(), st.sampled_from(["a", "b", "c"]))
# Quantities whose sums round: tenths, tiny and huge magnitudes, negative ones, and plain integers.
QUANTITIES = st.one_of(
    st.integers(0, 5),
    st.sampled_from([0.1, 0.2, 0.3, 1e-300, 5e-324, 1e16, 1.0000000000000002, -0.1, 2.5]),
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
)
USAGE = st.lists(
    st.fixed_dictionaries({"capacityUnit": st.sampled_from(["cpu", "gpu", "ml.m5"]), "quantity": QUANTITIES}),
    max_size=3,
)
MALFORMED = st.sampled_from(
    [[{"capacityUnit": "cpu", "quantity": "1"}], [{"capacityUnit": 3, "quantity": 1}], ["cpu"]]
)


@st.composite
def a_job(draw: st.DrawFn, job_id: str, malformed: bool) -> dict[str, Any]:
    job: dict[str, Any] = {
        "jobId": job_id,
        "jobName": f"n{job_id}",
        "jobArn": f"arn-{job_id}",
        "status": draw(st.sampled_from(STATUSES)),
    }
    usage = st.one_of(USAGE, MALFORMED) if malformed else USAGE
    optional = {
        "createdAt": st.integers(0, 6),
        "jobQueue": st.sampled_from(QUEUES),
        "schedulingPriority": st.integers(0, 2),
        "shareIdentifier": SHARES,
        "quotaShareName": SHARES,
        "capacityUsage": usage,
    }
    for member, values in optional.items():
        value = draw(st.one_of(st.none(), values))
        if value is not None:
            job[member] = value
    return job


IDS = [f"j{number}" for number in range(24)]
CHANGES = {
    "status": st.sampled_from(STATUSES),
    "capacityUsage": st.one_of(st.none(), USAGE),
    "shareIdentifier": SHARES,
    "quotaShareName": SHARES,
    "jobQueue": st.sampled_from(QUEUES),
    "schedulingPriority": st.one_of(st.none(), st.integers(0, 2)),
}


@st.composite
def steps(draw: st.DrawFn, malformed: bool) -> list[tuple[str, Any]]:
    """A load, then changes: (kind of step, its argument)."""
    ids = draw(st.lists(st.sampled_from(IDS), unique=True))
    moves: list[tuple[str, Any]] = [("put_many", [draw(a_job(job_id, malformed)) for job_id in ids])]
    for _ in range(draw(st.integers(0, 10))):
        step = draw(st.sampled_from(["put", "update", "update", "update", "remove", "put_many", "clear"]))
        job_id = draw(st.sampled_from(IDS))
        if step == "put":
            moves.append((step, draw(a_job(job_id, malformed))))
        elif step == "update":
            members = draw(st.lists(st.sampled_from(sorted(CHANGES)), min_size=1, max_size=2, unique=True))
            moves.append((step, (job_id, {member: draw(CHANGES[member]) for member in members})))
        elif step == "put_many":
            ids = draw(st.lists(st.sampled_from(IDS), unique=True, max_size=10))
            moves.append((step, [draw(a_job(each, malformed)) for each in ids]))
        else:
            moves.append((step, job_id))
    return moves


def outcome(call: Any) -> Any:
    """An answer, or the kind of ServerException raised in its place."""
    try:
        return call()
    except ServerException:
        return ServerException


def check(store: JobStore, jobs: list[dict[str, Any]], quota_shares: list[str], size: int) -> None:
    """What the store keeps and answers, against the definition over ``jobs``, every job of the model."""
    store._runnable._check(RunnableIndex.gather(jobs))  # noqa: SLF001
    # The tiny oracle reads the units of every job, in use or not: only jobs it can read are given to it.
    well_formed = all(outcome(lambda: job_usage(job)) is not ServerException for job in jobs)  # noqa: B023
    for queue in ("q", ARN, OTHER_REGION):
        in_use = [job for job in jobs if job["status"] in IN_USE_STATUSES and _in_queue(job, queue)]
        for kind in SCHEDULING_KINDS:
            expected_usage = outcome(lambda: QueueUsage.of(in_use, kind))  # noqa: B023
            kept = store.queue_usage(queue, kind)
            # None: a job in use is malformed, and the snapshot reads the jobs for the pure function's error.
            assert (ServerException if kept is None else kept) == expected_usage, (queue, kind)
            answer = outcome(
                lambda: queue_snapshot([store], queue, kind, now_ms=5, quota_shares=quota_shares)  # noqa: B023
            )
            expected = outcome(
                lambda: job_queue_snapshot(  # noqa: B023
                    jobs, now_ms=5, job_queue=queue, scheduling=kind, quota_shares=quota_shares  # noqa: B023
                )
            )
            assert answer == expected, (queue, kind)
            if size == FRONT_OF_QUEUE_SIZE and well_formed:
                assert answer == oracle_snapshot(jobs, 5, queue, kind, quota_shares)


@settings(max_examples=200, deadline=None)
@given(
    data=st.data(),
    malformed=st.booleans(),
    list_jobs=st.booleans(),
    quota_shares=st.lists(st.sampled_from(["a", "x"]), max_size=2),
    size=st.sampled_from([1, 3, FRONT_OF_QUEUE_SIZE]),
)
def test_the_usage_a_store_keeps_is_the_usage_of_its_jobs(
    data: st.DataObject, malformed: bool, list_jobs: bool, quota_shares: list[str], size: int
) -> None:
    """SN-1 to SN-7: after every put, update (of the status, the usage, the shares, the queue, the
    priority), removal, load and clear, the usage a store keeps per queue is ``QueueUsage.of`` its jobs in
    use, and the snapshot it answers from it is ``job_queue_snapshot`` over all its jobs (a
    ServerException when a job in use is malformed), for every kind of queue, by name and by ARN, also
    when the front is shorter than the queue."""
    store: JobStore = JobStore(LIST_JOBS) if list_jobs else ServiceJobStore()
    model: dict[str, dict[str, Any]] = {}
    with mock.patch.object(_snapshot, "FRONT_OF_QUEUE_SIZE", size), mock.patch.object(
        _runnable, "FRONT_OF_QUEUE_SIZE", size
    ):
        for step, argument in data.draw(steps(malformed)):
            apply(store, model, step, argument)
            check(store, list(model.values()), quota_shares, size)


@settings(max_examples=150, deadline=None)
@given(
    jobs=st.lists(st.sampled_from(IDS), unique=True).flatmap(
        lambda ids: st.tuples(*(a_job(i, False) for i in ids))
    ),
    sides=st.lists(st.booleans(), min_size=len(IDS), max_size=len(IDS)),
    size=st.sampled_from([1, 3, FRONT_OF_QUEUE_SIZE]),
    quota_shares=st.lists(st.sampled_from(["a", "x"]), max_size=2),
)
def test_a_queue_in_two_stores_is_answered_from_the_usage_of_both(
    jobs: tuple[dict[str, Any], ...], sides: list[bool], size: int, quota_shares: list[str]
) -> None:
    """SN-2, SN-5, SN-7: a queue whose jobs are parted between two stores has the snapshot of all its
    jobs: the usage of both, merged, ranks each store's front, and the fronts are merged in order."""
    first, second = ServiceJobStore(), JobStore(LIST_JOBS)
    for job, side in zip(jobs, sides, strict=False):
        (first if side else second).put(job)
    with mock.patch.object(_snapshot, "FRONT_OF_QUEUE_SIZE", size), mock.patch.object(
        _runnable, "FRONT_OF_QUEUE_SIZE", size
    ):
        for queue in ("q", ARN):
            for kind in SCHEDULING_KINDS:
                answer = queue_snapshot([first, second], queue, kind, now_ms=5, quota_shares=quota_shares)
                assert answer == job_queue_snapshot(
                    jobs, now_ms=5, job_queue=queue, scheduling=kind, quota_shares=quota_shares
                )


FLOATS = st.floats(allow_nan=False, allow_infinity=False)


@settings(max_examples=500, deadline=None)
@given(values=st.lists(st.one_of(FLOATS, QUANTITIES), max_size=8), removed=st.lists(FLOATS, max_size=4))
def test_an_exact_sum_is_rounded_once_as_fsum_rounds_it(values: list[float], removed: list[float]) -> None:
    """SN-5: a sum kept as an exact pair is ``math.fsum`` of its values, however it was reached: values
    added, and others added then taken back out. A sum beyond the Doubles is a ServerException (where
    fsum overflows at the end; an intermediate overflow of fsum is no overflow of the sum)."""
    kept = EXACT_ZERO
    for value in removed + values:
        kept = add_exact(kept, job_usage({"capacityUsage": [{"capacityUnit": "u", "quantity": value}]})[0][1])
    for value in removed:
        numerator, power = job_usage({"capacityUsage": [{"capacityUnit": "u", "quantity": value}]})[0][1]
        kept = add_exact(kept, (-numerator, power))
    try:
        expected: Any = math.fsum(values)
    except OverflowError:
        expected = None
    if expected is None:
        assert outcome(lambda: to_double(kept)) in (ServerException,) or math.isfinite(to_double(kept))
    else:
        assert to_double(kept) == expected
    if not values:
        assert kept == EXACT_ZERO


def test_a_sum_beyond_the_doubles_is_a_server_exception() -> None:
    """SN-5, E-2: two jobs in use of 1e308 each sum beyond the largest Double: the store's data, not the
    client's request, is at fault."""
    usage = [{"capacityUnit": "gpu", "quantity": 1e308}]
    jobs = [
        {"jobId": job_id, "jobName": job_id, "status": "RUNNING", "jobQueue": "q", "capacityUsage": usage}
        for job_id in ("a", "b")
    ]
    with pytest.raises(ServerException, match="capacityUsage"):
        job_queue_snapshot(jobs, now_ms=0)
    with pytest.raises(ServerException, match="capacityUsage"):
        queue_snapshot([ServiceJobStore(jobs)], "q", FIFO, now_ms=0)


def test_a_malformed_job_in_use_is_the_pure_functions_error() -> None:
    """SN-1, E-2: a job in use whose capacityUsage is malformed cannot be summed; the store keeps no sum of
    it, and the snapshot is the ServerException ``job_queue_snapshot`` raises, until the job leaves use."""
    store = ServiceJobStore(
        [{"jobId": "r", "jobName": "r", "status": "RUNNING", "jobQueue": "q",
          "capacityUsage": [{"capacityUnit": "gpu", "quantity": "2"}]}]
    )
    assert store.queue_usage("q", FIFO) is None
    with pytest.raises(ServerException, match="'r': capacityUsage"):
        queue_snapshot([store], "q", FIFO, now_ms=0)
    store.update("r", status="SUCCEEDED")
    assert queue_snapshot([store], "q", FIFO, now_ms=0)["queueUtilization"]["totalCapacityUsage"] == []


def test_a_change_of_usage_alone_changes_the_sums() -> None:
    """SN-5: a RUNNING job whose capacityUsage changes, and nothing else, is summed anew."""
    job = {"jobId": "r", "jobName": "r", "status": "RUNNING", "jobQueue": "q", "shareIdentifier": "a",
           "capacityUsage": [{"capacityUnit": "gpu", "quantity": 1}]}
    store = ServiceJobStore([job])
    store.update("r", capacityUsage=[{"capacityUnit": "gpu", "quantity": 3}])
    utilization = queue_snapshot([store], "q", FAIR_SHARE, now_ms=0)["queueUtilization"]
    assert utilization["totalCapacityUsage"] == [{"capacityUnit": "gpu", "quantity": 3.0}]
    assert utilization["fairshareUtilization"]["topCapacityUtilization"] == [
        {"shareIdentifier": "a", "capacityUsage": [{"capacityUnit": "gpu", "quantity": 3.0}]}
    ]


def test_a_unit_summing_to_zero_is_still_reported() -> None:
    """SN-5: a unit a job in use names is reported even when its quantities sum to 0, and no longer once
    no job in use names it."""
    jobs = [
        {"jobId": job_id, "jobName": job_id, "status": "RUNNING", "jobQueue": "q",
         "capacityUsage": [{"capacityUnit": "gpu", "quantity": quantity}]}
        for job_id, quantity in (("a", 0.1), ("b", -0.1))
    ]
    store = ServiceJobStore(jobs)
    total = queue_snapshot([store], "q", FIFO, now_ms=0)["queueUtilization"]["totalCapacityUsage"]
    assert total == [{"capacityUnit": "gpu", "quantity": 0.0}]
    store.update("a", status="SUCCEEDED")
    store.update("b", status="FAILED")
    assert queue_snapshot([store], "q", FIFO, now_ms=0)["queueUtilization"]["totalCapacityUsage"] == []


def test_the_ranked_snapshot_lists_the_first_of_each_quota_share_given() -> None:
    """SN-4: ``ranked_queue_snapshot`` lists, for each quota share, the first job of it given in
    ``share_fronts``, beside the shares named empty; the front is cut at ``FRONT_OF_QUEUE_SIZE``."""
    front = [
        {"jobId": f"j{n:03}", "jobArn": f"arn-{n:03}", "createdAt": n, "quotaShareName": "b" if n else "a"}
        for n in range(FRONT_OF_QUEUE_SIZE + 5)
    ]
    answer = ranked_queue_snapshot(
        front, QueueUsage(), now_ms=1, scheduling=QUOTA_SHARE, quota_shares=["c"], share_fronts=front[:3]
    )
    assert len(answer["frontOfQueue"]["jobs"]) == FRONT_OF_QUEUE_SIZE
    assert answer["frontOfQuotaShares"]["quotaShares"] == {
        "a": [{"jobArn": "arn-000", "earliestTimeAtPosition": 0}],
        "b": [{"jobArn": "arn-001", "earliestTimeAtPosition": 1}],
        "c": [],
    }


def test_a_listed_quota_share_is_the_share_as_it_is_now_and_the_callers_own() -> None:
    """QS-3, QS-6: ListQuotaShares lists each share with the settings its last update gave, in the
    model's member order, and an answer shares nothing mutable with the registry or another answer."""
    registry = QueueRegistry()
    policy = registry.create_scheduling_policy(
        {"name": "shares", "quotaSharePolicy": {"idleResourceAssignmentStrategy": "FIFO"}}
    )
    registry.create_job_queue({"jobQueueName": "q", "priority": 1, "schedulingPolicyArn": policy["arn"]})
    created = registry.create_quota_share(
        {"quotaShareName": "a", "jobQueue": "q",
         "capacityLimits": [{"maxCapacity": 4, "capacityUnit": "gpu"}],
         "resourceSharingConfiguration": {"strategy": "RESERVE"},
         "preemptionConfiguration": {"inSharePreemption": "DISABLED"}}
    )
    first = registry.list_quota_shares({"jobQueue": "q"})["quotaShares"][0]
    first["capacityLimits"][0]["maxCapacity"] = 99
    first["resourceSharingConfiguration"]["strategy"] = "LEND"
    first["preemptionConfiguration"].clear()
    first["state"] = "DISABLED"
    registry.update_quota_share(
        {"quotaShareArn": created["quotaShareArn"], "state": "DISABLED",
         "capacityLimits": [{"maxCapacity": 8, "capacityUnit": "gpu"}]}
    )
    listed = registry.list_quota_shares({"jobQueue": "q"})["quotaShares"]
    assert listed == [
        {
            "quotaShareName": "a",
            "quotaShareArn": created["quotaShareArn"],
            "jobQueueArn": "arn:aws:batch:us-east-1:123456789012:job-queue/q",
            "capacityLimits": [{"maxCapacity": 8, "capacityUnit": "gpu"}],
            "resourceSharingConfiguration": {"strategy": "RESERVE"},
            "preemptionConfiguration": {"inSharePreemption": "DISABLED"},
            "state": "DISABLED",
            "status": "VALID",
        }
    ]
    assert list(listed[0]) == list(first)
    assert registry.describe_quota_share({"quotaShareArn": created["quotaShareArn"]})["state"] == "DISABLED"


@pytest.mark.parametrize("kind", [FAIR_SHARE, QUOTA_SHARE])
def test_shares_using_the_same_capacity_interleave_past_a_busier_share(kind: str) -> None:
    """SN-2: shares ``a`` and ``b`` use nothing and ``c`` uses capacity: ``a`` and ``b``'s jobs come
    first, interleaved by submission time, though 250 of ``c``'s were submitted between them, and then
    ``c``'s; the front is that of every job."""
    member = "shareIdentifier" if kind == FAIR_SHARE else "quotaShareName"
    shares = ["a"] + ["c"] * 250 + ["b", "a"] * 60 + ["c"] * 10

    def job(number: int, share: str, status: str = "RUNNABLE") -> dict[str, Any]:
        return {"jobId": f"j{number:03}", "jobName": "n", "jobArn": f"arn-{number:03}", "status": status,
                "createdAt": number, "jobQueue": "q", member: share}

    jobs = [job(number, share) for number, share in enumerate(shares)]
    jobs.append({**job(999, "c", "RUNNING"), "capacityUsage": [{"capacityUnit": "gpu", "quantity": 1}]})
    answer = queue_snapshot([ServiceJobStore(jobs)], "q", kind, now_ms=0)
    assert answer == job_queue_snapshot(jobs, now_ms=0, scheduling=kind)
    listed = [entry["earliestTimeAtPosition"] for entry in answer["frontOfQueue"]["jobs"]]
    assert listed == [0, *range(251, 371), *range(1, 251)][:FRONT_OF_QUEUE_SIZE]


def test_an_unknown_scheduling_kind_is_refused_by_the_kept_usage() -> None:
    store = ServiceJobStore()
    with pytest.raises(ValueError, match="scheduling"):
        store.queue_usage("q", "ROUND_ROBIN")
    with pytest.raises(ValueError, match="scheduling"):
        store.snapshot_parts("q", "ROUND_ROBIN")
