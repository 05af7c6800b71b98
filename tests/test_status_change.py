"""Status changes in the in-memory stores, held to the pure functions: the status buckets a change moves a
key between (``NewestKeys``, located by codes, ``store/_sorted_keys``), and a store whose jobs change status
again and again (``update(job_id, status=...)`` and ``put`` of the changed job), in shares, quota shares,
job definitions, queues and families, answers every page as ``list_service_jobs`` / ``list_jobs`` over the
model's jobs, and every queue snapshot as ``job_queue_snapshot`` over them."""

from __future__ import annotations

import gc
import json
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from listjobs_core import (
    LIST_JOBS,
    LIST_SERVICE_JOBS,
    JobStore,
    ServiceJobStore,
    _snapshot,
    list_jobs,
    list_service_jobs,
)
from listjobs_core._children import parent_of
from listjobs_core._snapshot import SCHEDULING_KINDS, job_queue_snapshot
from listjobs_core.service._queue_snapshot import queue_snapshot
from listjobs_core.store import _runnable
from listjobs_core.store._sorted_keys import NewestKeys, SortedKeys, newest_code
from listjobs_core.workloads import ordinary_jobs

# --- NewestKeys against a sorted list -----------------------------------------------------------------------

# -createdAt values around the bounds of a code (+-2^61), up to the ends of what a createdAt may be, and a
# few small ones: many keys share a code (the same createdAt, or beyond the bounds).
NEGATED = [-(2**63 - 1), -(2**62), -(2**61) - 1, -(2**61), -5, -1, 0, 1, 2**61, 2**61 + 1, 2**62, 2**63 - 2]
newest_keys = st.tuples(st.booleans(), st.sampled_from(NEGATED), st.sampled_from(["a", "b", "ab"]))


def test_codes_never_decrease_along_the_keys() -> None:
    """``newest_code`` of keys in order is in order, over every pair of the keys above."""
    keys = sorted((flag, value, job_id) for flag in (False, True) for value in NEGATED for job_id in "ab")
    codes = [newest_code(key) for key in keys]
    assert codes == sorted(codes)
    assert all(-(2**63) <= code < 2**63 for code in codes)


@settings(max_examples=200, deadline=None)
@given(
    start=st.lists(newest_keys, unique=True, max_size=30),
    steps=st.lists(st.tuples(st.booleans(), newest_keys), max_size=120),
    load=st.integers(2, 5),
)
def test_newest_keys_agree_with_a_sorted_list(
    start: list[tuple[Any, ...]], steps: list[tuple[bool, tuple[Any, ...]]], load: int
) -> None:
    """Built at once and then changed key by key, chunks splitting and joining, a ``NewestKeys`` holds what
    a plain sorted list holds, its codes beside its keys; ``pop`` gives back the key it held and refuses
    one it does not hold; walks, takes and searches agree with ``SortedKeys``'s over the same keys."""
    with mock.patch.object(NewestKeys, "_LOAD", load), mock.patch.object(SortedKeys, "_LOAD", load):
        index = NewestKeys.from_sorted(sorted(start))
        plain = sorted(start)
        for add, key in steps:
            if add and key not in plain:
                index.add(key)
                plain = sorted([*plain, key])
            elif not add and key in plain:
                held = index.pop((key[0], key[1], key[2][:1] + key[2][1:]))  # an equal tuple
                assert held == key
                plain.remove(key)
            elif not add:
                with pytest.raises(KeyError):
                    index.pop(key)
                assert list(index) == plain  # a refused pop changes nothing
            index._check()
            assert list(index) == plain and len(index) == len(plain)
        reference = SortedKeys.from_sorted(plain)
        for probe in [*NEWEST_PROBES, *plain[:3]]:
            for inclusive in (False, True):
                walked = list(index.walk(probe, inclusive=inclusive))
                assert walked == list(reference.walk(probe, inclusive=inclusive))
                taken = index.take(probe, inclusive=inclusive, stop=None, count=3)
                assert taken == reference.take(probe, inclusive=inclusive, stop=None, count=3)
            assert index.first_from(probe) == reference.first_from(probe)


NEWEST_PROBES: list[tuple[Any, ...]] = [
    (False,), (True,), (False, 0), (True, -(2**61) - 1, "a"), (False, 2**63)
]


# --- Stores whose jobs change status ------------------------------------------------------------------------

QUEUES = [None, "q", "arn:aws:batch:us-east-1:123456789012:job-queue/q", "other"]
SHARES = ["a", "b"]
DEFINITION = "arn:aws:batch:us-east-1:123456789012:job-definition/"
DEFINITIONS = [f"{DEFINITION}train:1", f"{DEFINITION}train:2", f"{DEFINITION}trainer:1", "train"]
SERVICE_IDS = [f"j{number}" for number in range(12)]
LIST_JOBS_IDS = [*SERVICE_IDS[:8], "p1", "p1:0", "p1:1", "p1#0"]
USAGE = [{"capacityUnit": "gpu", "quantity": 1}]


@st.composite
def a_job(draw: st.DrawFn, job_id: str, operation: Any) -> dict[str, Any]:
    """A job of ``operation`` with ``job_id``: a status of the operation, and now and then a createdAt, a
    queue, a share, a quota share (ListServiceJobs) or a job definition (ListJobs), a priority, a usage."""
    job: dict[str, Any] = {
        "jobId": job_id,
        "jobName": draw(st.sampled_from(["train", "Train", "eval"])),
        "status": draw(st.sampled_from([status.value for status in operation.statuses])),
    }
    optional: dict[str, st.SearchStrategy[Any]] = {
        "createdAt": st.integers(0, 4),
        "jobQueue": st.sampled_from(QUEUES),
        "shareIdentifier": st.sampled_from(SHARES),
        "schedulingPriority": st.integers(0, 2),
        "capacityUsage": st.just(USAGE),
        "jobArn": st.just(f"arn-{job_id}"),
    }
    if operation is LIST_SERVICE_JOBS:
        optional["quotaShareName"] = st.sampled_from(SHARES)
    else:
        optional["jobDefinition"] = st.sampled_from(DEFINITIONS)
    for member, values in optional.items():
        if draw(st.booleans()):
            value = draw(values)
            if value is not None:
                job[member] = value
    return job


class StatusChangeMachine(RuleBasedStateMachine):
    """Jobs loaded at once, then status changes by ``update`` and by ``put`` (and now and then another
    change, a removal or a new job), against a plain dict of the same jobs: after every step the indexes hold
    their invariants; a traversal of any query, page by page, and any queue's snapshot, are the pure
    functions' over the model's jobs. Tiny chunks, so that a few jobs split and join chunks."""

    operation = LIST_SERVICE_JOBS
    listing = staticmethod(list_service_jobs)
    ids = SERVICE_IDS
    statuses = [status.value for status in LIST_SERVICE_JOBS.statuses]

    def __init__(self) -> None:
        super().__init__()
        self.loads = (mock.patch.object(NewestKeys, "_LOAD", 2), mock.patch.object(SortedKeys, "_LOAD", 2))
        for load in self.loads:
            load.start()
        self.store: Any = None
        self.jobs: dict[str, dict[str, Any]] = {}

    def teardown(self) -> None:
        for load in self.loads:
            load.stop()

    def make_store(self) -> Any:
        return ServiceJobStore() if self.operation is LIST_SERVICE_JOBS else JobStore(LIST_JOBS)

    @initialize(data=st.data())
    def load(self, data: st.DataObject) -> None:
        """A first batch, loaded at once (the bulk load of plain jobs of one shape, where it applies)."""
        self.store = self.make_store()
        ids = data.draw(st.lists(st.sampled_from(self.ids), unique=True))
        uniform = data.draw(st.booleans())
        jobs = []
        for job_id in ids:
            job = data.draw(a_job(job_id, self.operation))
            if uniform:  # one shape: every member the bulk load reads member by member
                job = {"jobId": job_id, "jobName": job["jobName"], "status": job["status"],
                       "createdAt": job.get("createdAt", 0), "jobQueue": job.get("jobQueue") or "q",
                       "shareIdentifier": job.get("shareIdentifier", "a")}
            jobs.append(job)
        self.store.put_many(jobs)
        self.jobs = {job["jobId"]: dict(job) for job in jobs}

    @precondition(lambda self: self.jobs)
    @rule(data=st.data())
    def update_status(self, data: st.DataObject) -> None:
        """A new status alone, through ``update`` (the same status too)."""
        job_id = data.draw(st.sampled_from(sorted(self.jobs)))
        status = data.draw(st.sampled_from(self.statuses))
        returned = self.store.update(job_id, status=status)
        self.jobs[job_id]["status"] = status
        assert returned == self.jobs[job_id]

    @precondition(lambda self: self.jobs)
    @rule(data=st.data())
    def put_status(self, data: st.DataObject) -> None:
        """A new status alone, through ``put`` of the whole job."""
        job_id = data.draw(st.sampled_from(sorted(self.jobs)))
        job = {**self.jobs[job_id], "status": data.draw(st.sampled_from(self.statuses))}
        self.store.put(job)
        self.jobs[job_id] = job

    @precondition(lambda self: self.jobs)
    @rule(data=st.data(), member=st.sampled_from(["shareIdentifier", "quotaShareName", "jobDefinition",
                                                  "jobQueue", "createdAt"]))
    def update_with_status(self, data: st.DataObject, member: str) -> None:
        """A new status with another member (or that member alone): a change an index reads besides."""
        job_id = data.draw(st.sampled_from(sorted(self.jobs)))
        changes: dict[str, Any] = {member: data.draw(st.one_of(st.none(), st.sampled_from(
            {"createdAt": [1, 3], "jobQueue": QUEUES[1:], "jobDefinition": DEFINITIONS}.get(member, SHARES)
        )))}
        if member == "quotaShareName" and self.operation is not LIST_SERVICE_JOBS:
            changes = {}
        if data.draw(st.booleans()):
            changes["status"] = data.draw(st.sampled_from(self.statuses))
        if not changes:
            return
        self.store.update(job_id, **changes)
        changed = {**self.jobs[job_id], **changes}
        self.jobs[job_id] = {name: value for name, value in changed.items() if value is not None}

    @rule(data=st.data())
    def put_or_remove(self, data: st.DataObject) -> None:
        """A new job or a replaced one, or a removal."""
        job_id = data.draw(st.sampled_from(self.ids))
        if data.draw(st.booleans()):
            job = data.draw(a_job(job_id, self.operation))
            self.store.put(job)
            self.jobs[job_id] = job
        else:
            self.store.remove(job_id)
            self.jobs.pop(job_id, None)

    def requests(self) -> st.SearchStrategy[dict[str, Any]]:
        filters: list[dict[str, Any] | None] = [
            None,
            {"name": "SHARE_IDENTIFIER", "values": SHARES},
            {"name": "AFTER_CREATED_AT", "values": ["1"]},
            {"name": "JOB_NAME", "values": ["train*"]},
        ]
        if self.operation is LIST_SERVICE_JOBS:
            filters.append({"name": "QUOTA_SHARE_NAME", "values": SHARES})
            sources: list[dict[str, Any]] = [{}, *({"jobQueue": queue} for queue in QUEUES[1:])]
        else:
            filters.append({"name": "JOB_DEFINITION", "values": ["train", "train*", DEFINITIONS[0]]})
            sources = [*({"jobQueue": queue} for queue in QUEUES[1:]), {"arrayJobId": "p1"},
                       {"multiNodeJobId": "p1"}]

        @st.composite
        def request(draw: st.DrawFn) -> dict[str, Any]:
            made: dict[str, Any] = dict(draw(st.sampled_from(sources)))
            if draw(st.booleans()):
                made["jobStatus"] = draw(st.sampled_from(self.statuses))
            chosen = draw(st.sampled_from(filters))
            if chosen is not None:
                value = draw(st.sampled_from(chosen["values"]))
                made["filters"] = [{"name": chosen["name"], "values": [value]}]
            return made

        return request()

    @rule(data=st.data(), size=st.integers(1, 3))
    def traversal(self, data: st.DataObject, size: int) -> None:
        """Every page of a query, in turn, is the pure function's over the model's jobs, tokens included."""
        request: dict[str, Any] = {**data.draw(self.requests()), "maxResults": size}
        note(f"request {request!r}")
        jobs = list(self.jobs.values())
        while True:
            expected = self.listing(jobs, request)
            actual = self.store.answer(request)
            assert json.dumps(actual) == json.dumps(expected)
            if "nextToken" not in actual:
                break
            request["nextToken"] = actual["nextToken"]

    @rule(queue=st.sampled_from(QUEUES[1:]), kind=st.sampled_from(SCHEDULING_KINDS),
          quota_shares=st.lists(st.sampled_from(SHARES), max_size=2), size=st.sampled_from([1, 3, 100]))
    def snapshot(self, queue: str, kind: str, quota_shares: list[str], size: int) -> None:
        """The queue's snapshot from the store's RUNNABLE index and usage is the pure function's."""
        with mock.patch.object(_snapshot, "FRONT_OF_QUEUE_SIZE", size), mock.patch.object(
            _runnable, "FRONT_OF_QUEUE_SIZE", size
        ):
            answer = queue_snapshot([self.store], queue, kind, now_ms=5, quota_shares=quota_shares)
            # SN-7: the jobs of the queue listings, which list no array child or node (LJ-7).
            jobs = [job for job in self.jobs.values() if parent_of(job["jobId"]) is None]
            expected = job_queue_snapshot(
                jobs, now_ms=5, job_queue=queue, scheduling=kind, quota_shares=quota_shares
            )
        assert answer == expected

    @invariant()
    def indexes_hold(self) -> None:
        """Every index invariant holds (each key in the bucket of its status, codes beside keys), and the
        store holds exactly the model's jobs."""
        if self.store is None:
            return
        self.store._check()
        assert sorted(self.store, key=lambda job: job["jobId"]) == sorted(
            self.jobs.values(), key=lambda job: job["jobId"]
        )


class ListJobsStatusChangeMachine(StatusChangeMachine):
    """The same for ``JobStore(LIST_JOBS)``: job definitions, array children and nodes."""

    operation = LIST_JOBS
    listing = staticmethod(list_jobs)
    ids = LIST_JOBS_IDS
    statuses = [status.value for status in LIST_JOBS.statuses]


StatusChangeMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=30, deadline=None)
TestStatusChangeMachine = StatusChangeMachine.TestCase
ListJobsStatusChangeMachine.TestCase.settings = settings(
    max_examples=100, stateful_step_count=30, deadline=None
)
TestListJobsStatusChangeMachine = ListJobsStatusChangeMachine.TestCase


def test_a_status_change_keeps_one_key_per_job() -> None:
    """After status changes, every index of a job holds the one newest-first key tuple the job was loaded
    with (a change moves that tuple between buckets, it makes no copy of it)."""
    jobs = [
        {"jobId": f"j{n}", "jobName": "n", "status": "RUNNING", "createdAt": n, "jobQueue": "q",
         "shareIdentifier": "a"}
        for n in range(50)
    ]
    store = ServiceJobStore(jobs)
    for n in range(0, 48, 3):
        store.update(f"j{n}", status="FAILED")
        store.put({**jobs[n + 1], "status": "SUCCEEDED"})
        store.update(f"j{n}", status="RUNNING")
    scopes = [store._everything, *store._queues.values()]
    held = {key[-1]: key for key in store._everything.by_created}
    for scope in scopes:
        buckets = [*scope.by_status.values(), *scope.by_member["shareIdentifier"]["a"].values()]
        for bucket in buckets:
            for key in bucket:
                assert key is held[key[-1]], key


def test_a_bulk_load_leaves_the_collector_next_to_nothing_to_track() -> None:
    """The status buckets' codes are not one tracked object per chunk: each job a bulk load holds more adds
    fewer than 0.01 objects that the cyclic collector tracks (the indexes' dicts and top-level lists are a
    cost per distinct value, not per job), and a chunk's codes become an array only when the chunk changes."""

    def tracked_by_a_load(count: int) -> tuple[int, ServiceJobStore]:
        jobs = ordinary_jobs(count)
        gc.collect()
        before = len(gc.get_objects())
        store = ServiceJobStore(jobs)
        return len(gc.get_objects()) - before, store

    fewer, _ = tracked_by_a_load(10_000)
    more, store = tracked_by_a_load(40_000)
    assert more - fewer < 0.01 * 30_000, (fewer, more)
    store._check()
    job = next(iter(store))
    store.update(job["jobId"], status="SUCCEEDED" if job["status"] != "SUCCEEDED" else "FAILED")
    store._check()
