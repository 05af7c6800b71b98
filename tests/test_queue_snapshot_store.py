"""GetJobQueueSnapshot from the in-memory stores' index of RUNNABLE jobs (``store/_runnable``): the jobs a
store gives (``snapshot_jobs``) make the same snapshot as every job it holds, which is the oracle's
(``tests/oracle_snapshot.py``), through puts, status moves, priority and share changes, removals and
clears, for every kind of queue."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
import store_steps
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle_snapshot import snapshot as oracle_snapshot
from strategies import queue_job

from listjobs_core import LIST_JOBS, JobStore, ServiceJobStore, _snapshot
from listjobs_core._snapshot import (
    FAIR_SHARE,
    FIFO,
    FRONT_OF_QUEUE_SIZE,
    QUOTA_SHARE,
    SCHEDULING_KINDS,
    job_queue_snapshot,
)
from listjobs_core.service._queue_snapshot import jobs_of_queue, queue_jobs
from listjobs_core.service._registry import QueueRegistry
from listjobs_core.store import _runnable
from listjobs_core.store._runnable import RunnableIndex

ARN = "arn:aws:batch:us-east-1:123456789012:job-queue/q"
OTHER_REGION = "arn:aws:batch:eu-west-1:123456789012:job-queue/q"
QUEUES = [None, "q", ARN, OTHER_REGION, "other"]
STATUSES = ["RUNNABLE", "RUNNABLE", "RUNNABLE", "RUNNING", "SCHEDULED", "STARTING", "FAILED", "SUBMITTED"]
SHARES = st.sampled_from(["a", "b", "c"])
USAGE = st.lists(
    st.fixed_dictionaries(
        {"capacityUnit": st.sampled_from(["cpu", "gpu"]), "quantity": st.sampled_from([0, 1, 2.5, 4])}
    ),
    max_size=2,
)


def a_job(job_id: str) -> st.SearchStrategy[dict[str, Any]]:
    """A job of any status; each member absent or set."""
    optional = {
        "createdAt": st.integers(0, 6),
        "jobQueue": st.sampled_from(QUEUES),
        "schedulingPriority": st.integers(0, 2),
        "shareIdentifier": SHARES,
        "quotaShareName": SHARES,
        "capacityUsage": USAGE,
    }
    return queue_job(job_id, STATUSES, optional)


IDS = [f"j{number}" for number in range(30)]


@st.composite
def steps(draw: st.DrawFn) -> list[tuple[str, Any]]:
    """A load, then changes: (kind of step, its argument)."""
    moves: list[tuple[str, Any]] = [
        ("put_many", [draw(a_job(job_id)) for job_id in draw(st.lists(st.sampled_from(IDS), unique=True))])
    ]
    for _ in range(draw(st.integers(0, 8))):
        step = draw(st.sampled_from(["put", "status", "priority", "share", "remove", "put_many", "clear"]))
        job_id = draw(st.sampled_from(IDS))
        if step == "put":
            moves.append((step, draw(a_job(job_id))))
        elif step == "status":
            moves.append((step, (job_id, draw(st.sampled_from(STATUSES)))))
        elif step == "priority":
            moves.append((step, (job_id, draw(st.one_of(st.none(), st.integers(0, 2))))))
        elif step == "share":
            member = draw(st.sampled_from(["shareIdentifier", "quotaShareName"]))
            moves.append((step, (job_id, member, draw(SHARES))))
        elif step == "put_many":
            ids = draw(st.lists(st.sampled_from(IDS), unique=True, max_size=12))
            moves.append((step, [draw(a_job(each)) for each in ids]))
        else:
            moves.append((step, job_id))
    return moves


def apply(store: JobStore, model: dict[str, dict[str, Any]], step: str, argument: Any) -> None:
    """One step on the store and on the plain model of its jobs; a change of status, priority or share is
    an update of that member."""
    if step in ("status", "priority", "share"):
        job_id = argument[0]
        changes = {
            "status": lambda: {"status": argument[1]},
            "priority": lambda: {"schedulingPriority": argument[1]},
            "share": lambda: {argument[1]: argument[2]},
        }[step]()
        step, argument = "update", (job_id, changes)
    store_steps.apply(store, model, step, argument)


def check(store: JobStore, model: dict[str, dict[str, Any]], quota_shares: list[str], size: int) -> None:
    """The store's index and answers after a step; ``size``: the length of a front (the model's 100, or
    less, so that a few jobs make a front longer than the store gives)."""
    jobs = list(model.values())
    expected_index = RunnableIndex.gather(jobs)
    store._runnable._check(expected_index)  # noqa: SLF001
    for queue in ("q", ARN, OTHER_REGION):
        for kind in SCHEDULING_KINDS:
            for given_kind in (kind, None):
                given_jobs = store.snapshot_jobs(queue, given_kind)
                answer = job_queue_snapshot(
                    given_jobs, now_ms=5, job_queue=queue, scheduling=kind, quota_shares=quota_shares
                )
                everything = job_queue_snapshot(
                    jobs, now_ms=5, job_queue=queue, scheduling=kind, quota_shares=quota_shares
                )
                assert answer == everything, (queue, kind, given_kind)
                if size == FRONT_OF_QUEUE_SIZE:
                    assert answer == oracle_snapshot(jobs, 5, queue, kind, quota_shares)
            # Through the service's reader, which the endpoint and the moto plug-in call.
            through_service = job_queue_snapshot(
                jobs_of_queue(store, queue, kind), now_ms=5, job_queue=queue, scheduling=kind,
                quota_shares=quota_shares,
            )
            assert through_service == job_queue_snapshot(
                jobs, now_ms=5, job_queue=queue, scheduling=kind, quota_shares=quota_shares
            )


@settings(max_examples=200, deadline=None)
@given(
    moves=steps(),
    list_jobs=st.booleans(),
    quota_shares=st.lists(st.sampled_from(["a", "x"]), max_size=2),
    size=st.sampled_from([1, 3, FRONT_OF_QUEUE_SIZE]),
)
def test_the_stores_snapshot_jobs_make_the_oracles_snapshot(
    moves: list[tuple[str, Any]], list_jobs: bool, quota_shares: list[str], size: int
) -> None:
    """SN-1 to SN-4, SN-7: after every step, the snapshot over the jobs the store gives is the snapshot
    over every job (the oracle's, for fronts of 100), in each kind of queue, by name and by ARN, also
    when the front is shorter than the queue; the RUNNABLE index is the one its jobs make."""
    store: JobStore = JobStore(LIST_JOBS) if list_jobs else ServiceJobStore()
    model: dict[str, dict[str, Any]] = {}
    with mock.patch.object(_snapshot, "FRONT_OF_QUEUE_SIZE", size), mock.patch.object(
        _runnable, "FRONT_OF_QUEUE_SIZE", size
    ):
        for step, argument in moves:
            apply(store, model, step, argument)
            check(store, model, quota_shares, size)


class ListingOnly:
    """A store seen through the listing interface only (no ``snapshot_jobs``, ``front_of_queue``)."""

    def __init__(self, store: JobStore) -> None:
        self.operation = store.operation
        self.paginate = store.paginate
        self.get = store.get


@settings(max_examples=150, deadline=None)
@given(
    jobs=st.lists(st.sampled_from(IDS), unique=True).flatmap(lambda ids: st.tuples(*(a_job(i) for i in ids))),
    sides=st.lists(st.booleans(), min_size=30, max_size=30),
    listing_only=st.booleans(),
    size=st.sampled_from([1, 3, FRONT_OF_QUEUE_SIZE]),
)
def test_a_queue_in_two_stores_is_ranked_by_the_usage_of_both(
    jobs: tuple[dict[str, Any], ...], sides: list[bool], listing_only: bool, size: int
) -> None:
    """SN-2, SN-7: a queue whose jobs are in two stores (one of them, perhaps, without the RUNNABLE index)
    has the snapshot of all its jobs: each store's front is ranked by the usage of the jobs in use of
    both."""
    first, second = ServiceJobStore(), ServiceJobStore()
    for job, side in zip(jobs, sides, strict=False):
        (first if side else second).put(job)
    stores: list[Any] = [first, ListingOnly(second) if listing_only else second]
    with mock.patch.object(_snapshot, "FRONT_OF_QUEUE_SIZE", size), mock.patch.object(
        _runnable, "FRONT_OF_QUEUE_SIZE", size
    ):
        for queue in ("q", ARN):
            for kind in SCHEDULING_KINDS:
                for given_kind in (kind, None):
                    answer = job_queue_snapshot(
                        queue_jobs(stores, queue, given_kind), now_ms=5, job_queue=queue, scheduling=kind
                    )
                    assert answer == job_queue_snapshot(jobs, now_ms=5, job_queue=queue, scheduling=kind)


@pytest.mark.parametrize("listing_only", [False, True])
def test_the_usage_of_another_store_ranks_the_front(listing_only: bool) -> None:
    """SN-2, SN-7: share ``a`` is busy in one store; in the other, its waiting job was submitted first,
    and still comes after share ``b``'s, with the first 100 of 101 waiting jobs taken."""
    usage = [{"capacityUnit": "gpu", "quantity": 1}]
    busy = ServiceJobStore(
        [{"jobId": "r", "jobName": "r", "status": "RUNNING", "jobQueue": "q", "shareIdentifier": "a",
          "capacityUsage": usage}]
    )
    first = {"jobId": "x", "jobName": "x", "jobArn": "arn-x", "status": "RUNNABLE", "createdAt": 0}
    waiting = ServiceJobStore(
        [{**first, "jobQueue": "q", "shareIdentifier": "a"}]
        + [
            {"jobId": f"y{n:03}", "jobName": "y", "jobArn": f"arn-y{n:03}", "status": "RUNNABLE",
             "createdAt": 1 + n, "jobQueue": "q", "shareIdentifier": "b"}
            for n in range(100)
        ]
    )
    stores: list[Any] = [ListingOnly(busy) if listing_only else busy, waiting]
    answer = job_queue_snapshot(queue_jobs(stores, "q", FAIR_SHARE), now_ms=0, scheduling=FAIR_SHARE)
    listed = [entry["jobArn"] for entry in answer["frontOfQueue"]["jobs"]]
    assert listed == [f"arn-y{n:03}" for n in range(100)]


def test_a_deep_queue_gives_only_the_front_and_the_jobs_in_use() -> None:
    """SN-1, SN-2: of 1000 RUNNABLE jobs the store gives the 100 of the front (and the first of each quota
    share), never the rest, and the jobs in use; the order is each kind's."""
    jobs = [
        {
            "jobId": f"j{number:04}",
            "jobName": "n",
            "status": "RUNNABLE",
            "createdAt": number,
            "jobQueue": "q",
            "shareIdentifier": "busy" if number % 2 else "idle",
            "quotaShareName": f"s{number % 7}",
            "schedulingPriority": 1 if number >= 900 else 0,
        }
        for number in range(1000)
    ]
    jobs.append({"jobId": "r", "jobName": "n", "status": "RUNNING", "createdAt": 0, "jobQueue": "q",
                 "shareIdentifier": "busy", "capacityUsage": [{"capacityUnit": "cpu", "quantity": 1}]})
    store = ServiceJobStore(jobs)
    fifo = [job["jobId"] for job in store.snapshot_jobs("q", FIFO)]
    assert fifo == ["r"] + [f"j{number:04}" for number in range(100)]
    fair = [job["jobId"] for job in store.snapshot_jobs("q", FAIR_SHARE)][1:]
    # Priority 1 first (900..999: the idle share's 50, then the busy share's 50), nothing after.
    assert fair == [f"j{number:04}" for number in range(900, 1000, 2)] + [
        f"j{number:04}" for number in range(901, 1000, 2)
    ]
    quota = [job["jobId"] for job in store.snapshot_jobs("q", QUOTA_SHARE)][1:]
    assert len(quota) == 100 and set(quota) >= {f"j{number:04}" for number in range(900, 907)}


def test_an_unknown_scheduling_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="scheduling"):
        ServiceJobStore().snapshot_jobs("q", "ROUND_ROBIN")


# --- ListQuotaShares from the registry's sorted names (QS-6) -----------------------------------------------

SHARE_SETTINGS = {
    "capacityLimits": [{"maxCapacity": 4, "capacityUnit": "ml.m5.large"}],
    "resourceSharingConfiguration": {"strategy": "RESERVE"},
    "preemptionConfiguration": {"inSharePreemption": "DISABLED"},
}


POLICY_ARN = "arn:aws:batch:us-east-1:123456789012:scheduling-policy/shares"
SHARE_ARN = "arn:aws:batch:us-east-1:123456789012:quota-share/q"


def quota_registry() -> QueueRegistry:
    registry = QueueRegistry()
    policy = registry.create_scheduling_policy(
        {"name": "shares", "quotaSharePolicy": {"idleResourceAssignmentStrategy": "FIFO"}}
    )
    registry.create_job_queue({"jobQueueName": "q", "priority": 1, "schedulingPolicyArn": policy["arn"]})
    return registry


@settings(max_examples=100, deadline=None)
@given(
    moves=st.lists(
        st.tuples(st.sampled_from(["create", "create", "delete", "drop queue"]), st.sampled_from("abcdefgh")),
        max_size=25,
    ),
    page=st.integers(1, 4),
)
def test_list_quota_shares_pages_are_the_sorted_shares(moves: list[tuple[str, str]], page: int) -> None:
    """QS-6: through creations, deletions and the queue's deletion, the pages of ListQuotaShares are the
    queue's shares in code-point order of their names, each once, and ``quota_share_names`` is the same."""
    registry = quota_registry()
    held: set[str] = set()
    for move, name in moves:
        if move == "create" and name not in held:
            registry.create_quota_share({"quotaShareName": name, "jobQueue": "q", **SHARE_SETTINGS})
            held.add(name)
        elif move == "delete" and name in held:
            registry.delete_quota_share({"quotaShareArn": f"{SHARE_ARN}/{name}"})
            held.discard(name)
        elif move == "drop queue":
            # The queue goes with its shares (QS-2); a queue of the same name starts with none.
            registry.delete_job_queue({"jobQueue": "q"})
            registry.create_job_queue({"jobQueueName": "q", "priority": 1, "schedulingPolicyArn": POLICY_ARN})
            held.clear()
        listed: list[str] = []
        request: dict[str, Any] = {"jobQueue": "q", "maxResults": page}
        while True:
            answer = registry.list_quota_shares(request)
            listed += [share["quotaShareName"] for share in answer["quotaShares"]]
            if "nextToken" not in answer:
                break
            request["nextToken"] = answer["nextToken"]
        assert listed == sorted(held)
        assert registry.quota_share_names("q") == sorted(held)
