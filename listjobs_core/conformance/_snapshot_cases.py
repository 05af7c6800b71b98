"""GetJobQueueSnapshot cases: queues designed for SN-1 to SN-6, seeded ones, and how an answer is judged.

Theory of operation: a case is the jobs of one queue, the queue's kind (``FIFO``, ``FAIR_SHARE``,
``QUOTA_SHARE``), its quota shares and the snapshot's time; the expected answer is
:func:`listjobs_core.job_queue_snapshot`'s. An answer is judged part by part, so that each difference is
graded under the rule that decides that part:

- SN-6: every ``lastUpdatedAt`` is the time given;
- SN-1: the jobs in front (as a set of ARNs, the first 100 of them);
- SN-2: their order, when the set is right;
- SN-3: each front entry's members, when the order is right;
- SN-4: ``frontOfQuotaShares`` (present only for a quota-share queue; each share with its first job);
- SN-5: ``queueUtilization`` (the statuses that hold capacity are SN-1's, seen through the sums here).

The designed cases are small and aimed each at one rule; the generated ones draw jobs of every status,
priorities, shares and capacity usage from a ``random.Random`` per case.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .._snapshot import FAIR_SHARE, FIFO, QUOTA_SHARE, job_queue_snapshot
from ._report import CaseLog

__all__ = [
    "SNAPSHOT_CASES",
    "SNAPSHOT_RULES",
    "SnapshotCase",
    "generated_snapshot_case",
    "judge_snapshot",
    "run_snapshot_case",
    "snapshot_request",
]

# The rules every snapshot answer is judged under.
SNAPSHOT_RULES = ("SN-1", "SN-2", "SN-3", "SN-4", "SN-5", "SN-6")
_QUEUE = "conf-queue"
_NOW = 1_700_000_000_000
_UNITS = ("ml.g5.xlarge", "ml.m5.large", "NUM_INSTANCES")
_STATUSES = ("SUBMITTED", "PENDING", "RUNNABLE", "SCHEDULED", "STARTING", "RUNNING", "SUCCEEDED", "FAILED")


@dataclass(frozen=True, slots=True)
class SnapshotCase:
    """One snapshot to ask for: the jobs, the queue (its name), its kind and quota shares, the time."""

    rule: str
    name: str
    jobs: tuple[dict[str, Any], ...]
    scheduling: str = FIFO
    quota_shares: tuple[str, ...] = ()
    job_queue: str = _QUEUE
    now_ms: int = _NOW
    extra: Mapping[str, Any] = field(default_factory=dict)

    def expected(self) -> dict[str, Any]:
        """The reference's answer."""
        return job_queue_snapshot(
            self.jobs,
            now_ms=self.now_ms,
            job_queue=self.job_queue,
            scheduling=self.scheduling,
            quota_shares=self.quota_shares,
        )


def _job(number: int, status: str, created: int | None = None, **members: Any) -> dict[str, Any]:
    job: dict[str, Any] = {
        "jobId": f"j-{number:03d}",
        "jobArn": f"arn:aws:batch:us-east-1:123456789012:service-job/j-{number:03d}",
        "jobName": f"job-{number}",
        "jobQueue": _QUEUE,
        "status": status,
    }
    if created is not None:
        job["createdAt"] = created
    job.update(members)
    return job


def _usage(unit: str, quantity: float) -> list[dict[str, Any]]:
    return [{"capacityUnit": unit, "quantity": quantity}]


SNAPSHOT_CASES: tuple[SnapshotCase, ...] = (
    SnapshotCase(
        "SN-1",
        "only the RUNNABLE jobs of the queue are in front",
        tuple(_job(n, status, 100 + n) for n, status in enumerate(_STATUSES))
        + (_job(20, "RUNNABLE", 5, jobQueue="another-queue"),),
    ),
    SnapshotCase(
        "SN-1",
        "the front is the first 100 RUNNABLE jobs",
        tuple(_job(n, "RUNNABLE", 1000 - n) for n in range(105)),
    ),
    SnapshotCase(
        "SN-1",
        "a queue named by its ARN holds the jobs naming it by name",
        (_job(1, "RUNNABLE", 10), _job(2, "RUNNABLE", 5, jobQueue=None)),
        job_queue=f"arn:aws:batch:us-east-1:123456789012:job-queue/{_QUEUE}",
    ),
    SnapshotCase(
        "SN-2",
        "FIFO: by submission time, a job without one last, then jobId",
        (
            _job(3, "RUNNABLE", 30),
            _job(1, "RUNNABLE", 10),
            _job(4, "RUNNABLE"),
            _job(2, "RUNNABLE", 10),
            _job(5, "RUNNABLE", 20, schedulingPriority=9),
        ),
    ),
    SnapshotCase(
        "SN-2",
        "fair share: priority first, then the share using least, then submission time",
        (
            _job(1, "RUNNABLE", 10, shareIdentifier="busy"),
            _job(2, "RUNNABLE", 20, shareIdentifier="idle"),
            _job(3, "RUNNABLE", 30, shareIdentifier="busy", schedulingPriority=5),
            _job(4, "RUNNING", 1, shareIdentifier="busy", capacityUsage=_usage("NUM_INSTANCES", 3)),
            _job(5, "RUNNABLE", 5, shareIdentifier="idle", schedulingPriority=-1),
        ),
        scheduling=FAIR_SHARE,
    ),
    SnapshotCase(
        "SN-3",
        "earliestTimeAtPosition is createdAt; a member the job lacks is absent",
        (
            _job(1, "RUNNABLE", 10),
            _job(2, "RUNNABLE"),
            {"jobId": "j-x", "status": "RUNNABLE", "createdAt": 3},
        ),
    ),
    SnapshotCase(
        "SN-4",
        "the first RUNNABLE job of each quota share; a share with none is empty",
        (
            _job(1, "RUNNABLE", 30, quotaShareName="qA"),
            _job(2, "RUNNABLE", 20, quotaShareName="qA"),
            _job(3, "RUNNABLE", 40, quotaShareName="qB", schedulingPriority=2),
            _job(4, "RUNNING", 1, quotaShareName="qC", capacityUsage=_usage("NUM_INSTANCES", 1)),
        ),
        scheduling=QUOTA_SHARE,
        quota_shares=("qA", "qC", "QA"),
    ),
    SnapshotCase(
        "SN-4",
        "a fair-share queue has no frontOfQuotaShares",
        (_job(1, "RUNNABLE", 10, shareIdentifier="s", quotaShareName="qA"),),
        scheduling=FAIR_SHARE,
        quota_shares=("qA",),
    ),
    SnapshotCase(
        "SN-5",
        "the capacity of the jobs in use, per unit in code-point order, exact sums",
        (
            _job(1, "RUNNING", 1, capacityUsage=_usage("ml.m5.large", 0.1)),
            _job(2, "STARTING", 2, capacityUsage=_usage("ml.m5.large", 0.2)),
            _job(3, "SCHEDULED", 3, capacityUsage=_usage("NUM_INSTANCES", 2)),
            _job(4, "RUNNABLE", 4, capacityUsage=_usage("NUM_INSTANCES", 50)),
            _job(5, "SUCCEEDED", 5, capacityUsage=_usage("NUM_INSTANCES", 70)),
        ),
    ),
    SnapshotCase(
        "SN-5",
        "fair share: active shares and the top shares by usage, ties by name",
        tuple(
            _job(
                n,
                "RUNNING",
                n,
                shareIdentifier=f"s{n % 23:02d}",
                capacityUsage=_usage("NUM_INSTANCES", n % 5),
            )
            for n in range(60)
        )
        + (_job(99, "RUNNING", 99, capacityUsage=_usage("NUM_INSTANCES", 7)),),
        scheduling=FAIR_SHARE,
    ),
    SnapshotCase(
        "SN-5",
        "quota share: the top quota shares by usage",
        (
            _job(1, "RUNNING", 1, quotaShareName="qA", capacityUsage=_usage("NUM_INSTANCES", 1)),
            _job(2, "RUNNING", 2, quotaShareName="qB", capacityUsage=_usage("NUM_INSTANCES", 3)),
            _job(3, "STARTING", 3, quotaShareName="qA", capacityUsage=_usage("ml.m5.large", 1)),
        ),
        scheduling=QUOTA_SHARE,
        quota_shares=("qA", "qB"),
    ),
    SnapshotCase(
        "SN-6",
        "every lastUpdatedAt is the snapshot's time",
        (_job(1, "RUNNABLE", 10, quotaShareName="qA"),),
        scheduling=QUOTA_SHARE,
        quota_shares=("qA",),
        now_ms=_NOW + 12345,
    ),
)


def generated_snapshot_case(rng: random.Random, name: str) -> SnapshotCase:
    """A queue of random jobs: every status, some in another queue, priorities, shares, capacity usage,
    equal and missing submission times."""
    scheduling = rng.choice((FIFO, FAIR_SHARE, QUOTA_SHARE))
    shares = ["sA", "sB", "SA", "sC"][: rng.randint(1, 4)]
    jobs = []
    for number in range(rng.randint(0, 25)):
        members: dict[str, Any] = {}
        if rng.random() < 0.1:
            members["jobQueue"] = "another-queue"
        if rng.random() < 0.5:
            members["schedulingPriority"] = rng.randint(-2, 3)
        share = rng.choice(shares)
        if scheduling == FAIR_SHARE or rng.random() < 0.3:
            members["shareIdentifier"] = share
        if scheduling == QUOTA_SHARE or rng.random() < 0.3:
            members["quotaShareName"] = share
        if rng.random() < 0.7:
            members["capacityUsage"] = [
                {"capacityUnit": unit, "quantity": rng.choice((0, 1, 2, 0.5, 0.1))}
                for unit in rng.sample(_UNITS, rng.randint(1, 2))
            ]
        created = None if rng.random() < 0.1 else rng.randint(1, 8)
        jobs.append(_job(number, rng.choice(_STATUSES), created, **members))
    quota_shares = tuple(rng.sample(shares, rng.randint(0, len(shares))))
    return SnapshotCase("", name, tuple(jobs), scheduling, quota_shares, now_ms=_NOW + rng.randint(0, 999))


def _without_time(part: Any) -> Any:
    if isinstance(part, dict):
        return {key: value for key, value in part.items() if key != "lastUpdatedAt"}
    return part


def judge_snapshot(
    case: SnapshotCase, answer: Any, log: CaseLog, request: Any, rules: Sequence[str] = SNAPSHOT_RULES
) -> None:
    """Judge ``answer`` against the reference's for ``case``, each part under its rule (see the module
    documentation), as far as ``rules`` go; ``request`` is how the report shows what was asked."""
    expected = case.expected()
    log.check(*rules)

    def report(rule: str, why: str, want: Any, got: Any) -> None:
        if rule in rules:
            log.fail(rule, why, jobs=case.jobs, request=request, expected=want, got=got)

    if not isinstance(answer, dict):
        report("SN-1", "the answer is not an object", expected, answer)
        return
    times = _times(answer)
    if any(time != case.now_ms for time in times) or len(times) != len(_times(expected)):
        report("SN-6", "a lastUpdatedAt is not the snapshot's time", _times(expected), times)
    front = _front(answer)
    want_front = expected["frontOfQueue"]["jobs"]
    arns = [entry.get("jobArn") if isinstance(entry, dict) else entry for entry in front]
    want_arns = [entry.get("jobArn") for entry in want_front]
    if sorted(map(repr, arns)) != sorted(map(repr, want_arns)):
        report("SN-1", "the front holds other jobs than the first 100 RUNNABLE ones", want_arns, arns)
    elif arns != want_arns:
        report("SN-2", "the front is not in dispatch order", want_arns, arns)
    elif front != want_front:
        report("SN-3", "a job of the front is not its jobArn and createdAt", want_front, front)
    quota = _without_time(answer.get("frontOfQuotaShares"))
    want_quota = _without_time(expected.get("frontOfQuotaShares"))
    if quota != want_quota:
        report(
            "SN-4", "frontOfQuotaShares is not the first RUNNABLE job of each quota share", want_quota, quota
        )
    usage = _without_time(answer.get("queueUtilization"))
    want_usage = _without_time(expected.get("queueUtilization"))
    if usage != want_usage:
        report("SN-5", "queueUtilization is not the capacity of the jobs in use", want_usage, usage)


def _front(answer: Mapping[str, Any]) -> list[Any]:
    front = answer.get("frontOfQueue")
    jobs = front.get("jobs") if isinstance(front, dict) else None
    return list(jobs) if isinstance(jobs, list) else []


def _times(answer: Mapping[str, Any]) -> list[Any]:
    return [
        part.get("lastUpdatedAt")
        for member in ("frontOfQueue", "frontOfQuotaShares", "queueUtilization")
        if isinstance(part := answer.get(member), dict)
    ]


def snapshot_request(case: SnapshotCase) -> dict[str, Any]:
    """How a case's call is shown: the keyword arguments of ``job_queue_snapshot``."""
    return {
        "now_ms": case.now_ms,
        "job_queue": case.job_queue,
        "scheduling": case.scheduling,
        "quota_shares": list(case.quota_shares),
    }


def run_snapshot_case(adapter: Callable[..., Any], case: SnapshotCase, log: CaseLog) -> None:
    """Call ``adapter`` as ``job_queue_snapshot`` is called, on copies, and judge its answer."""
    request = snapshot_request(case)
    jobs: Sequence[dict[str, Any]] = [dict(job) for job in case.jobs]
    log.calls += 1
    try:
        answer = adapter(
            jobs,
            now_ms=case.now_ms,
            job_queue=case.job_queue,
            scheduling=case.scheduling,
            quota_shares=tuple(case.quota_shares),
        )
    except Exception as error:  # any exception: the adapter refused a snapshot the reference answers
        shown = f"{type(error).__name__}: {' '.join(str(error).split())[:300]}"
        log.check(*SNAPSHOT_RULES)
        log.crash(f"raised {type(error).__name__}", shown, jobs=case.jobs, request=request)
        return
    judge_snapshot(case, answer, log, request)
