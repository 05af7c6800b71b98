"""GetJobQueueSnapshot as a pure function: the front of a queue and what it uses (rules SN-1 to SN-6).

Theory of operation: the model says what the answer holds ("The first 100 RUNNABLE jobs in the job queue
are listed in order of dispatch. For job queues with an attached quota-share policy, the first RUNNABLE job
in each quota share is also listed. Capacity utilization for the job queue is provided, as well as break
downs by share") and leaves open how the order and the usage are computed; each choice is one constant or
one function here, and a rule of ``docs/SEMANTICS.md``:

- which jobs (SN-1): the jobs of the queue (a name and its ARN denote the same queue, IN-2) whose status is
  RUNNABLE are the queue's front; those in ``IN_USE_STATUSES`` use its capacity;
- the order (SN-2): ``dispatch_key``: by submission time in a FIFO queue; by scheduling priority, then the
  usage of the job's share, then submission time, in a fair-share or quota-share queue;
- each job's place (SN-3): ``earliestTimeAtPosition`` is the job's ``createdAt``;
- the quota shares (SN-4): the first RUNNABLE job of each share, in the same order;
- the usage (SN-5): ``capacityUsage`` summed per unit, for the queue and per share, the top 20 shares;
- the time (SN-6): every ``lastUpdatedAt`` is the ``now_ms`` given.

The jobs are read once, never changed; the answer shares no value with them. A job that is not a mapping,
or whose ``createdAt``, ``schedulingPriority`` or ``capacityUsage`` is of the wrong shape, is a
``ServerException`` (the jobs are the caller's, not the client's, E-2).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from ._errors import ServerException
from ._queues import QueueMatcher

__all__ = [
    "FAIR_SHARE",
    "FIFO",
    "FRONT_OF_QUEUE_SIZE",
    "IN_USE_STATUSES",
    "QUOTA_SHARE",
    "SCHEDULING_KINDS",
    "TOP_SHARES",
    "dispatch_key",
    "job_queue_snapshot",
    "share_member",
    "share_usage",
]

FIFO = "FIFO"
FAIR_SHARE = "FAIR_SHARE"
QUOTA_SHARE = "QUOTA_SHARE"
SCHEDULING_KINDS = (FIFO, FAIR_SHARE, QUOTA_SHARE)
# Model, FrontOfQueueDetail.jobs: "the first 100 RUNNABLE jobs in a named job queue".
FRONT_OF_QUEUE_SIZE = 100
# Model, FairshareUtilizationDetail.topCapacityUtilization: "A list of the top 20 shares with the highest
# capacity utilization, ordered by usage amount." SN-5, decision: quota shares likewise.
TOP_SHARES = 20
# SN-1, decision: the jobs that hold capacity are those dispatched and not finished (model,
# ServiceJobStatus: SCHEDULED is "dispatched to SageMaker"; Batch jobs have no SCHEDULED).
IN_USE_STATUSES = frozenset({"SCHEDULED", "STARTING", "RUNNING"})
_RUNNABLE = "RUNNABLE"
# The job member that names a job's share, by the queue's kind.
_SHARE_MEMBER = {FAIR_SHARE: "shareIdentifier", QUOTA_SHARE: "quotaShareName"}


def job_queue_snapshot(
    jobs: Iterable[Mapping[str, Any]],
    *,
    now_ms: int,
    job_queue: str | None = None,
    scheduling: str = FIFO,
    quota_shares: Iterable[str] = (),
) -> dict[str, Any]:
    """The ``GetJobQueueSnapshotResponse`` of a queue over ``jobs``.

    ``job_queue`` (a name or an ARN) keeps only the jobs of that queue (a job without ``jobQueue`` is in
    every queue, IN-2); ``None`` takes every job given. ``scheduling`` is the queue's kind, ``FIFO``,
    ``FAIR_SHARE`` or ``QUOTA_SHARE``; ``quota_shares`` names the shares of a quota-share queue, each listed
    in ``frontOfQuotaShares`` even without a RUNNABLE job. ``now_ms`` is the snapshot's time.

    >>> jobs = [
    ...     {"jobId": "a", "jobArn": "arn-a", "status": "RUNNABLE", "createdAt": 20},
    ...     {"jobId": "b", "jobArn": "arn-b", "status": "RUNNABLE", "createdAt": 10},
    ...     {"jobId": "c", "jobArn": "arn-c", "status": "RUNNING", "createdAt": 5,
    ...      "capacityUsage": [{"capacityUnit": "ml.m5.large", "quantity": 2}]},
    ... ]
    >>> snapshot = job_queue_snapshot(jobs, now_ms=99)
    >>> [job["jobArn"] for job in snapshot["frontOfQueue"]["jobs"]]
    ['arn-b', 'arn-a']
    >>> snapshot["queueUtilization"]["totalCapacityUsage"]
    [{'capacityUnit': 'ml.m5.large', 'quantity': 2.0}]
    """
    if scheduling not in SCHEDULING_KINDS:
        raise ValueError(f"scheduling must be one of {', '.join(SCHEDULING_KINDS)}, got {scheduling!r}")
    member = share_member(scheduling)
    accepts = None if job_queue is None else QueueMatcher(job_queue)
    runnable: list[Mapping[str, Any]] = []
    in_use: list[Mapping[str, Any]] = []
    for job in jobs:
        if not isinstance(job, Mapping):
            raise ServerException(f"a job must be an object, got {type(job).__name__}")
        if accepts is not None and not accepts[job.get("jobQueue")]:
            continue
        status = job.get("status")
        if status == _RUNNABLE:
            runnable.append(job)
        elif status in IN_USE_STATUSES:
            in_use.append(job)
    total, per_share = _usage(in_use, member)
    usage_of_share = _summed(per_share)
    ordered = sorted(runnable, key=lambda job: dispatch_key(job, scheduling, usage_of_share))

    answer: dict[str, Any] = {
        "frontOfQueue": {
            "jobs": [_front_entry(job) for job in ordered[:FRONT_OF_QUEUE_SIZE]],
            "lastUpdatedAt": now_ms,
        }
    }
    if scheduling == QUOTA_SHARE:
        first: dict[str, list[dict[str, Any]]] = {name: [] for name in quota_shares}
        for job in ordered:
            name = job.get("quotaShareName")
            if isinstance(name, str) and not first.get(name):
                first[name] = [_front_entry(job)]
        answer["frontOfQuotaShares"] = {
            "quotaShares": {name: first[name] for name in sorted(first)},
            "lastUpdatedAt": now_ms,
        }
    utilization: dict[str, Any] = {"totalCapacityUsage": _usage_list(total)}
    if member is not None:
        shares = {share: units for share, units in per_share.items() if isinstance(share, str)}
        top = sorted(shares, key=lambda share: (-usage_of_share[share], share))[:TOP_SHARES]
        name_member = "shareIdentifier" if scheduling == FAIR_SHARE else "quotaShareName"
        tops = [{name_member: share, "capacityUsage": _usage_list(shares[share])} for share in top]
        if scheduling == FAIR_SHARE:
            utilization["fairshareUtilization"] = {
                "activeShareCount": len(shares),
                "topCapacityUtilization": tops,
            }
        else:
            utilization["quotaShareUtilization"] = {"topCapacityUtilization": tops}
    utilization["lastUpdatedAt"] = now_ms
    answer["queueUtilization"] = utilization
    return answer


def share_member(scheduling: str) -> str | None:
    """SN-2: the job member that names a job's share in a queue of kind ``scheduling`` (``None``: FIFO).

    >>> share_member(FAIR_SHARE), share_member(QUOTA_SHARE), share_member(FIFO)
    ('shareIdentifier', 'quotaShareName', None)
    """
    return _SHARE_MEMBER.get(scheduling)


def share_usage(in_use: Iterable[Mapping[str, Any]], scheduling: str) -> dict[Any, float]:
    """SN-2: the capacity each share uses now, summed exactly over every unit, from the jobs in use of a
    queue of kind ``scheduling`` (keyed by share; ``None``: jobs without one). What ``dispatch_key`` reads.

    >>> usage = [{"capacityUnit": "gpu", "quantity": 2}, {"capacityUnit": "cpu", "quantity": 1}]
    >>> share_usage([{"jobId": "r", "shareIdentifier": "s", "capacityUsage": usage}], FAIR_SHARE)
    {'s': 3.0}
    """
    return _summed(_usage(in_use, share_member(scheduling))[1])


def _usage(
    in_use: Iterable[Mapping[str, Any]], member: str | None
) -> tuple[dict[str, list[float]], dict[Any, dict[str, list[float]]]]:
    """The usage of the jobs in use, per unit and per share then unit (share ``None``: jobs without one,
    or every job when ``member`` is ``None``); each a list of quantities, summed exactly later."""
    total: dict[str, list[float]] = {}
    per_share: dict[Any, dict[str, list[float]]] = {}
    for job in in_use:
        share = None if member is None else job.get(member)
        usage = per_share.setdefault(share, {})
        for unit, quantity in _capacity_usage(job):
            total.setdefault(unit, []).append(quantity)
            usage.setdefault(unit, []).append(quantity)
    return total, per_share


def _summed(per_share: Mapping[Any, Mapping[str, list[float]]]) -> dict[Any, float]:
    """Each share's usage summed exactly over every unit."""
    return {share: math.fsum(math.fsum(q) for q in units.values()) for share, units in per_share.items()}


def dispatch_key(
    job: Mapping[str, Any], scheduling: str, share_usage: Mapping[Any, float]
) -> tuple[Any, ...]:
    """SN-2: where a RUNNABLE job stands in the dispatch order of its queue; smaller is sooner.

    FIFO: submission time (``createdAt``; a job without one after every job with one), then ``jobId``.
    Fair-share and quota-share: ``schedulingPriority`` descending (absent is 0), then the capacity its
    share uses now (``share_usage``, summed over every unit; a share using nothing is 0), least first,
    then as FIFO.

    >>> dispatch_key({"jobId": "a", "createdAt": 5}, FIFO, {})
    (False, 5, 'a')
    >>> dispatch_key({"jobId": "a", "createdAt": 5, "schedulingPriority": 3, "shareIdentifier": "s"},
    ...     FAIR_SHARE, {"s": 4.0})
    (-3, 4.0, False, 5, 'a')
    """
    created = job.get("createdAt")
    if created is not None and type(created) is not int:
        raise ServerException(f"job {job.get('jobId')!r}: createdAt must be an integer")
    fifo = (created is None, 0 if created is None else created, str(job.get("jobId")))
    if scheduling == FIFO:
        return fifo
    priority = job.get("schedulingPriority", 0)
    if priority is None:
        priority = 0
    if type(priority) is not int:
        raise ServerException(f"job {job.get('jobId')!r}: schedulingPriority must be an integer")
    share = job.get(_SHARE_MEMBER[scheduling])
    return (-priority, share_usage.get(share, 0.0), *fifo)


def _front_entry(job: Mapping[str, Any]) -> dict[str, Any]:
    """SN-3: a job of the front, ``FrontOfQueueJobSummary``: its ARN and, as the time it reached its
    place, its ``createdAt``; a member the job lacks is absent."""
    entry: dict[str, Any] = {}
    if job.get("jobArn") is not None:
        entry["jobArn"] = job["jobArn"]
    if job.get("createdAt") is not None:
        entry["earliestTimeAtPosition"] = job["createdAt"]
    return entry


def _capacity_usage(job: Mapping[str, Any]) -> list[tuple[str, float]]:
    """The (unit, quantity) pairs of a job's ``capacityUsage`` (absent: none)."""
    usage = job.get("capacityUsage")
    if usage is None:
        return []
    problem = f"job {job.get('jobId')!r}: capacityUsage must be a list of {{capacityUnit, quantity}}"
    if not isinstance(usage, list):
        raise ServerException(problem)
    pairs = []
    for item in usage:
        if not isinstance(item, Mapping):
            raise ServerException(problem)
        unit, quantity = item.get("capacityUnit"), item.get("quantity")
        if not isinstance(unit, str) or type(quantity) not in (int, float):
            raise ServerException(problem)
        try:
            value = float(quantity)  # type: ignore[arg-type]
        except OverflowError:
            raise ServerException(problem) from None
        if not math.isfinite(value):
            raise ServerException(problem)
        pairs.append((unit, value))
    return pairs


def _usage_list(usage: Mapping[str, list[float]]) -> list[dict[str, Any]]:
    """SN-5: capacity usage per unit, in code-point order of the units, each an exact sum."""
    return [{"capacityUnit": unit, "quantity": math.fsum(usage[unit])} for unit in sorted(usage)]
