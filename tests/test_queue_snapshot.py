"""GetJobQueueSnapshot as a pure function (rules SN-1 to SN-6): hand-checked examples, and a property
that holds ``job_queue_snapshot`` to the tiny oracle of ``tests/oracle_snapshot.py``."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle_snapshot import snapshot as oracle_snapshot

from listjobs_core import ServerException
from listjobs_core._snapshot import FAIR_SHARE, FIFO, QUOTA_SHARE, job_queue_snapshot

ARN = "arn:aws:batch:us-east-1:123456789012:job-queue/q"


def job(job_id: str, status: str = "RUNNABLE", created: int | None = None, **extra: Any) -> dict[str, Any]:
    record: dict[str, Any] = {"jobId": job_id, "jobArn": f"arn-{job_id}", "status": status, **extra}
    if created is not None:
        record["createdAt"] = created
    return record


def used(unit: str, quantity: float) -> list[dict[str, Any]]:
    return [{"capacityUnit": unit, "quantity": quantity}]


def front(answer: dict[str, Any]) -> list[str]:
    return [entry["jobArn"] for entry in answer["frontOfQueue"]["jobs"]]


# --- SN-1: the jobs of the front ----------------------------------------------------------------------------


def test_only_runnable_jobs_of_the_queue_are_in_front() -> None:
    """SN-1: RUNNABLE jobs of the queue (by name or ARN, and jobs naming no queue), nothing else."""
    jobs = [
        job("a", created=1, jobQueue="q"),
        job("b", created=2, jobQueue=ARN),
        job("c", created=3, jobQueue="other"),
        job("d", "SUBMITTED", created=4, jobQueue="q"),
        job("e", "RUNNING", created=5, jobQueue="q"),
        job("f", created=6),
        job("g", created=7, jobQueue="arn:aws:batch:eu-west-1:123456789012:job-queue/q"),
    ]
    assert front(job_queue_snapshot(jobs, now_ms=0, job_queue=ARN)) == ["arn-a", "arn-b", "arn-f"]
    assert front(job_queue_snapshot(jobs, now_ms=0, job_queue="q")) == ["arn-a", "arn-b", "arn-f", "arn-g"]


def test_the_front_is_the_first_100() -> None:
    """SN-1: "the first 100 RUNNABLE jobs"; the 101st is left out."""
    jobs = [job(f"j{number:03}", created=number) for number in range(101)]
    listed = front(job_queue_snapshot(jobs, now_ms=0))
    assert len(listed) == 100 and listed[0] == "arn-j000" and listed[-1] == "arn-j099"


def test_a_malformed_job_is_a_server_exception() -> None:
    """SN-1, E-2: a job that is not an object, or with a capacityUsage of the wrong shape, is the caller's
    fault: a ServerException."""
    with pytest.raises(ServerException):
        job_queue_snapshot([["not", "a", "job"]], now_ms=0)  # type: ignore[list-item]
    with pytest.raises(ServerException):
        job_queue_snapshot(
            [job("a", "RUNNING", capacityUsage=[{"capacityUnit": "x", "quantity": "1"}])], now_ms=0
        )


# --- SN-2: the order ----------------------------------------------------------------------------------------


def test_fifo_orders_by_submission_time_then_job_id() -> None:
    """SN-2: FIFO by createdAt, oldest first, jobId breaking ties, a job without createdAt last; priority
    and shares play no part."""
    jobs = [
        job("b", created=5, schedulingPriority=9),
        job("a", created=5),
        job("z", created=1),
        job("n"),
    ]
    assert front(job_queue_snapshot(jobs, now_ms=0, scheduling=FIFO)) == ["arn-z", "arn-a", "arn-b", "arn-n"]


def test_share_queues_order_by_priority_then_share_usage_then_time() -> None:
    """SN-2: fair-share and quota-share: schedulingPriority descending, then the share using the least
    capacity now, then submission time."""
    for kind, member in ((FAIR_SHARE, "shareIdentifier"), (QUOTA_SHARE, "quotaShareName")):
        jobs = [
            job("busy-old", created=1, **{member: "busy"}),
            job("idle-new", created=9, **{member: "idle"}),
            job("urgent", created=10, schedulingPriority=5, **{member: "busy"}),
            job("runs", "RUNNING", created=0, capacityUsage=used("ml.m5.large", 3), **{member: "busy"}),
            job("idle-older", created=8, **{member: "idle"}),
        ]
        answer = job_queue_snapshot(jobs, now_ms=0, scheduling=kind)
        assert front(answer) == ["arn-urgent", "arn-idle-older", "arn-idle-new", "arn-busy-old"], kind


# --- SN-3: each job's place ---------------------------------------------------------------------------------


def test_earliest_time_at_position_is_created_at() -> None:
    """SN-3: earliestTimeAtPosition is the job's createdAt; a job without one has none."""
    answer = job_queue_snapshot([job("a", created=42, startedAt=50), job("b")], now_ms=99)
    assert answer["frontOfQueue"]["jobs"] == [
        {"jobArn": "arn-a", "earliestTimeAtPosition": 42},
        {"jobArn": "arn-b"},
    ]


# --- SN-4: the fronts of the quota shares -------------------------------------------------------------------


def test_quota_share_fronts_list_each_share_first_runnable_job() -> None:
    """SN-4: each quota share of the queue, and each a RUNNABLE job names, with its first RUNNABLE job in
    dispatch order; a share without one has []."""
    jobs = [
        job("a2", created=2, quotaShareName="a"),
        job("a1", created=1, quotaShareName="a"),
        job("b1", created=3, quotaShareName="b", schedulingPriority=1),
        job("none", created=0),
    ]
    answer = job_queue_snapshot(jobs, now_ms=7, scheduling=QUOTA_SHARE, quota_shares=["c", "a"])
    assert answer["frontOfQuotaShares"] == {
        "quotaShares": {
            "a": [{"jobArn": "arn-a1", "earliestTimeAtPosition": 1}],
            "b": [{"jobArn": "arn-b1", "earliestTimeAtPosition": 3}],
            "c": [],
        },
        "lastUpdatedAt": 7,
    }


def test_fronts_of_quota_shares_only_for_quota_share_queues() -> None:
    """SN-4: a FIFO or fair-share queue has no frontOfQuotaShares."""
    jobs = [job("a", created=1, quotaShareName="a")]
    for kind in (FIFO, FAIR_SHARE):
        assert "frontOfQuotaShares" not in job_queue_snapshot(jobs, now_ms=0, scheduling=kind)


# --- SN-5: utilization --------------------------------------------------------------------------------------


def test_utilization_sums_capacity_of_jobs_in_use_per_unit() -> None:
    """SN-5: capacityUsage of SCHEDULED, STARTING and RUNNING jobs, summed per unit, units in code-point
    order; RUNNABLE, SUCCEEDED and FAILED jobs use nothing."""
    jobs = [
        job("s", "SCHEDULED", capacityUsage=used("ml.p3", 1)),
        job("t", "STARTING", capacityUsage=used("ml.m5", 0.5)),
        job("r", "RUNNING", capacityUsage=used("ml.p3", 2) + used("ml.m5", 1)),
        job("w", "RUNNABLE", capacityUsage=used("ml.p3", 100)),
        job("d", "SUCCEEDED", capacityUsage=used("ml.p3", 100)),
        job("f", "FAILED", capacityUsage=used("ml.c5", 100)),
    ]
    utilization = job_queue_snapshot(jobs, now_ms=3)["queueUtilization"]
    assert utilization == {
        "totalCapacityUsage": [
            {"capacityUnit": "ml.m5", "quantity": 1.5},
            {"capacityUnit": "ml.p3", "quantity": 3.0},
        ],
        "lastUpdatedAt": 3,
    }


def test_top_shares_are_twenty_by_usage_then_name() -> None:
    """SN-5: a fair-share queue counts its active shares (those with a job in use) and lists the top 20 by
    usage, ties by name; jobs without a share count only in the total. A quota-share queue likewise, without
    the count."""
    jobs = [
        job(f"r{number}", "RUNNING", capacityUsage=used("u", number % 7), shareIdentifier=f"s{number:02}")
        for number in range(25)
    ] + [job("anonymous", "RUNNING", capacityUsage=used("u", 1000))]
    utilization = job_queue_snapshot(jobs, now_ms=0, scheduling=FAIR_SHARE)["queueUtilization"]
    fair = utilization["fairshareUtilization"]
    assert fair["activeShareCount"] == 25
    tops = [
        (entry["shareIdentifier"], entry["capacityUsage"][0]["quantity"])
        for entry in fair["topCapacityUtilization"]
    ]
    assert tops[:5] == [("s06", 6.0), ("s13", 6.0), ("s20", 6.0), ("s05", 5.0), ("s12", 5.0)]
    assert len(tops) == 20 and "anonymous" not in str(tops)
    assert utilization["totalCapacityUsage"] == [
        {"capacityUnit": "u", "quantity": float(sum(n % 7 for n in range(25)) + 1000)}
    ]
    quota = [dict(record, quotaShareName=record["shareIdentifier"]) for record in jobs[:3]]
    for record in quota:
        del record["shareIdentifier"]
    quota_utilization = job_queue_snapshot(quota, now_ms=0, scheduling=QUOTA_SHARE)["queueUtilization"]
    assert quota_utilization["quotaShareUtilization"]["topCapacityUtilization"] == [
        {"quotaShareName": "s02", "capacityUsage": [{"capacityUnit": "u", "quantity": 2.0}]},
        {"quotaShareName": "s01", "capacityUsage": [{"capacityUnit": "u", "quantity": 1.0}]},
        {"quotaShareName": "s00", "capacityUsage": [{"capacityUnit": "u", "quantity": 0.0}]},
    ]
    assert "fairshareUtilization" not in quota_utilization


# --- SN-6: the time -----------------------------------------------------------------------------------------


def test_every_last_updated_at_is_the_snapshot_time() -> None:
    """SN-6: frontOfQueue, frontOfQuotaShares and queueUtilization are all dated now_ms."""
    answer = job_queue_snapshot(
        [job("a", created=1, quotaShareName="a")], now_ms=1234, scheduling=QUOTA_SHARE
    )
    assert [
        answer[part]["lastUpdatedAt"] for part in ("frontOfQueue", "frontOfQuotaShares", "queueUtilization")
    ] == [
        1234,
        1234,
        1234,
    ]


# --- the property -------------------------------------------------------------------------------------------

UNITS = st.sampled_from(["ml.m5.large", "ml.p3.2xlarge", "ml.g5"])
QUANTITIES = st.one_of(st.integers(0, 8), st.floats(0, 8, allow_nan=False).map(lambda value: round(value, 3)))
SHARES = st.one_of(st.none(), st.sampled_from(["a", "b", "c", "d"]))


@st.composite
def jobs_strategy(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(0, 40 if draw(st.booleans()) else 12))
    jobs = []
    for number in range(count):
        record: dict[str, Any] = {
            "jobId": draw(st.sampled_from([f"j{number}", f"k{number}"])),
            "jobArn": f"arn-{number}",
            "status": draw(
                st.sampled_from(["RUNNABLE", "RUNNABLE", "RUNNING", "SCHEDULED", "STARTING", "FAILED"])
            ),
        }
        created = draw(st.one_of(st.none(), st.integers(0, 20)))
        if created is not None:
            record["createdAt"] = created
        queue = draw(st.sampled_from([None, "q", ARN, "other"]))
        if queue is not None:
            record["jobQueue"] = queue
        priority = draw(st.one_of(st.none(), st.integers(0, 3)))
        if priority is not None:
            record["schedulingPriority"] = priority
        for member in ("shareIdentifier", "quotaShareName"):
            share = draw(SHARES)
            if share is not None:
                record[member] = share
        if draw(st.booleans()):
            record["capacityUsage"] = draw(
                st.lists(st.fixed_dictionaries({"capacityUnit": UNITS, "quantity": QUANTITIES}), max_size=3)
            )
        jobs.append(record)
    return jobs


@settings(max_examples=200, deadline=None)
@given(
    jobs=jobs_strategy(),
    kind=st.sampled_from([FIFO, FAIR_SHARE, QUOTA_SHARE]),
    queue=st.sampled_from([None, "q", ARN]),
    shares=st.lists(st.sampled_from(["a", "x", "y"]), max_size=2),
)
def test_the_snapshot_is_the_oracles(
    jobs: list[dict[str, Any]], kind: str, queue: str | None, shares: list[str]
) -> None:
    """SN-1 to SN-6: job_queue_snapshot answers what the oracle answers, and never changes the jobs."""
    before = copy.deepcopy(jobs)
    answer = job_queue_snapshot(iter(jobs), now_ms=77, job_queue=queue, scheduling=kind, quota_shares=shares)
    assert answer == oracle_snapshot(jobs, 77, queue, kind, shares)
    assert jobs == before
