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

``job_queue_snapshot`` is the definition: it picks the queue's jobs, sums what the jobs in use hold
(``QueueUsage.of``), ranks the RUNNABLE jobs, and hands the ranked jobs and the usage to
``ranked_queue_snapshot``, which builds the answer. A store that keeps the usage of its queues as jobs come
and go, and its RUNNABLE jobs in dispatch order, calls ``ranked_queue_snapshot`` itself with the front it
ranked and the usage it kept: nothing is ranked or summed twice, and the answer is built in one place.

Sums are exact: every finite Double is ``n / 2**k`` for integers ``n`` and ``0 <= k <= 1074``, and so is
any sum of them, so a sum is kept as such a pair (``Exact``), which adding to and taking from never round,
and is rounded to a Double once, when answered (``to_double``): what ``math.fsum`` gives, whatever the
order of the jobs, and what a store that takes a job's usage back out when the job moves on still gives.

The jobs are read once, never changed; the answer shares no value with them. A job that is not a mapping,
or whose ``createdAt``, ``schedulingPriority`` or ``capacityUsage`` is of the wrong shape, is a
``ServerException`` (the jobs are the caller's, not the client's, E-2).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice
from typing import Any, TypeAlias

from ._errors import ServerException
from ._queues import QueueMatcher

__all__ = [
    "EXACT_ZERO",
    "FAIR_SHARE",
    "FIFO",
    "FRONT_OF_QUEUE_SIZE",
    "IN_USE_STATUSES",
    "QUOTA_SHARE",
    "SCHEDULING_KINDS",
    "TOP_SHARES",
    "Exact",
    "QueueUsage",
    "add_exact",
    "dispatch_key",
    "job_queue_snapshot",
    "job_usage",
    "ranked_queue_snapshot",
    "share_member",
    "share_usage",
    "to_double",
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


# An exact sum of Doubles, ``(n, k)`` for ``n / 2**k``, in lowest terms (``n`` odd, or ``k`` 0).
Exact: TypeAlias = "tuple[int, int]"
EXACT_ZERO: Exact = (0, 0)


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
    _check_kind(scheduling)
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
    usage = QueueUsage.of(in_use, scheduling)
    ranks = {} if scheduling == FIFO else usage.ranks
    ordered = sorted(runnable, key=lambda job: dispatch_key(job, scheduling, ranks))
    return ranked_queue_snapshot(
        ordered,
        usage,
        now_ms=now_ms,
        scheduling=scheduling,
        quota_shares=quota_shares,
        share_fronts=ordered if scheduling == QUOTA_SHARE else (),
    )


def ranked_queue_snapshot(
    front: Iterable[Mapping[str, Any]],
    usage: QueueUsage,
    *,
    now_ms: int,
    scheduling: str = FIFO,
    quota_shares: Iterable[str] = (),
    share_fronts: Iterable[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The ``GetJobQueueSnapshotResponse`` of a queue whose RUNNABLE jobs are already ranked: ``front``,
    its RUNNABLE jobs in dispatch order (SN-2, ranked by ``usage.ranks``; the first ``FRONT_OF_QUEUE_SIZE``
    are listed, and no more need be given), ``usage``, what its jobs in use hold (``QueueUsage.of``), and,
    for a quota-share queue, ``share_fronts``: RUNNABLE jobs of the queue in dispatch order, among them the
    first of each quota share (the first job of a share given is the one listed; ``front`` whole will do).
    What ``job_queue_snapshot`` answers over the queue's jobs, without ranking or summing them again; the
    jobs are taken as given (``job_queue_snapshot`` checks them).

    >>> running = {"jobId": "r", "status": "RUNNING", "quotaShareName": "a",
    ...     "capacityUsage": [{"capacityUnit": "gpu", "quantity": 1}]}
    >>> usage = QueueUsage.of([running], QUOTA_SHARE)
    >>> front = [{"jobId": "x", "jobArn": "arn-x", "createdAt": 3, "quotaShareName": "b"}]
    >>> answer = ranked_queue_snapshot(front, usage, now_ms=9, scheduling=QUOTA_SHARE,
    ...     quota_shares=["a"], share_fronts=front)
    >>> answer["frontOfQuotaShares"]["quotaShares"]
    {'a': [], 'b': [{'jobArn': 'arn-x', 'earliestTimeAtPosition': 3}]}
    >>> answer["queueUtilization"]["quotaShareUtilization"]["topCapacityUtilization"]
    [{'quotaShareName': 'a', 'capacityUsage': [{'capacityUnit': 'gpu', 'quantity': 1.0}]}]
    """
    _check_kind(scheduling)
    entries = [_front_entry(job) for job in islice(front, FRONT_OF_QUEUE_SIZE)]
    answer: dict[str, Any] = {"frontOfQueue": {"jobs": entries, "lastUpdatedAt": now_ms}}
    if scheduling == QUOTA_SHARE:
        first: dict[str, list[dict[str, Any]]] = {name: [] for name in quota_shares}
        for job in share_fronts:
            name = job.get("quotaShareName")
            if isinstance(name, str) and not first.get(name):
                first[name] = [_front_entry(job)]
        answer["frontOfQuotaShares"] = {
            "quotaShares": {name: first[name] for name in sorted(first)},
            "lastUpdatedAt": now_ms,
        }
    utilization: dict[str, Any] = {"totalCapacityUsage": _usage_list(usage.total)}
    member = share_member(scheduling)
    if member is not None:
        # Jobs without a share (None) count in the total only (SN-5).
        shares = {share: units for share, units in usage.shares.items() if isinstance(share, str)}
        ranks = usage.ranks
        top = sorted(shares, key=lambda share: (-ranks[share], share))[:TOP_SHARES]
        tops = [{member: share, "capacityUsage": _usage_list(shares[share])} for share in top]
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


def _check_kind(scheduling: str) -> None:
    if scheduling not in SCHEDULING_KINDS:
        raise ValueError(f"scheduling must be one of {', '.join(SCHEDULING_KINDS)}, got {scheduling!r}")


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
    return dict(QueueUsage.of(in_use, scheduling).ranks)


@dataclass(frozen=True)
class QueueUsage:
    """What the jobs in use of a queue hold (SN-5), summed exactly: ``total``, unit -> sum, and ``shares``,
    share -> unit -> sum, one entry per share with a job in use (``None``: the jobs without one, or every
    job in a FIFO queue), a unit present once a job in use names it. ``of`` is the definition; a store
    that keeps these sums as its jobs move makes the same value.

    >>> usage = QueueUsage.of([
    ...     {"jobId": "r", "status": "RUNNING", "shareIdentifier": "s",
    ...      "capacityUsage": [{"capacityUnit": "gpu", "quantity": 0.5},
    ...                        {"capacityUnit": "cpu", "quantity": 2}]},
    ...     {"jobId": "t", "status": "STARTING", "shareIdentifier": "t"}], FAIR_SHARE)
    >>> usage.total, usage.ranks
    ({'gpu': (1, 1), 'cpu': (2, 0)}, {'s': 2.5, 't': 0.0})
    """

    total: Mapping[str, Exact] = field(default_factory=dict)
    shares: Mapping[Any, Mapping[str, Exact]] = field(default_factory=dict)

    @classmethod
    def of(cls, in_use: Iterable[Mapping[str, Any]], scheduling: str) -> QueueUsage:
        """The usage of ``in_use``, the jobs in use of a queue of kind ``scheduling``: each job's
        ``capacityUsage`` (``job_usage``) added to the total and to its share's (its ``share_member``)."""
        member = share_member(scheduling)
        total: dict[str, Exact] = {}
        shares: dict[Any, dict[str, Exact]] = {}
        for job in in_use:
            units = shares.setdefault(None if member is None else job.get(member), {})
            for unit, quantity in job_usage(job):
                total[unit] = add_exact(total.get(unit, EXACT_ZERO), quantity)
                units[unit] = add_exact(units.get(unit, EXACT_ZERO), quantity)
        return cls(total, shares)

    @classmethod
    def merged(cls, usages: Iterable[QueueUsage]) -> QueueUsage:
        """The usage of a queue whose jobs in use are parted among several stores, each part's given.

        >>> one = QueueUsage({"gpu": (1, 0)}, {"a": {"gpu": (1, 0)}})
        >>> QueueUsage.merged([one, QueueUsage({"gpu": (1, 1)}, {"a": {"gpu": (1, 1)}, "b": {}})])
        QueueUsage(total={'gpu': (3, 1)}, shares={'a': {'gpu': (3, 1)}, 'b': {}})
        """
        total: dict[str, Exact] = {}
        shares: dict[Any, dict[str, Exact]] = {}
        for usage in usages:
            _add_units(total, usage.total)
            for share, units in usage.shares.items():
                _add_units(shares.setdefault(share, {}), units)
        return cls(total, shares)

    @cached_property
    def ranks(self) -> Mapping[Any, float]:
        """SN-2: what ``dispatch_key`` ranks a share by, share -> its usage over every unit: the sum of its
        units' Doubles (as answered), summed exactly."""
        ranks: dict[Any, float] = {}
        for share, units in self.shares.items():
            rank = EXACT_ZERO
            for unit_sum in units.values():
                rank = add_exact(rank, _exact(to_double(unit_sum)))
            ranks[share] = to_double(rank)
        return ranks


def _add_units(into: dict[str, Exact], units: Mapping[str, Exact]) -> None:
    for unit, value in units.items():
        into[unit] = add_exact(into.get(unit, EXACT_ZERO), value)


def _exact(value: float) -> Exact:
    """A finite Double as an exact pair (``as_integer_ratio`` is in lowest terms, its denominator a power
    of two)."""
    numerator, denominator = value.as_integer_ratio()
    return numerator, denominator.bit_length() - 1


def add_exact(a: Exact, b: Exact) -> Exact:
    """The exact sum of two exact pairs, in lowest terms.

    >>> add_exact((1, 1), (3, 2)), add_exact((1, 1), (-1, 1)), add_exact((5, 0), (1, 1))
    ((5, 2), (0, 0), (11, 1))
    """
    numerator, power = a
    other, other_power = b
    if power < other_power:
        numerator <<= other_power - power
        power = other_power
    elif other_power < power:
        other <<= power - other_power
    numerator += other
    if power and not numerator & 1:
        if not numerator:
            return EXACT_ZERO
        shift = min((numerator & -numerator).bit_length() - 1, power)
        return numerator >> shift, power - shift
    return numerator, power


def to_double(value: Exact) -> float:
    """An exact sum rounded once to the nearest Double (ties to even), as ``math.fsum`` rounds it; a sum
    beyond the Doubles is a ``ServerException`` (the jobs are the caller's, E-2).

    >>> to_double((3, 1)), to_double(add_exact((1, 0), (1, 54)))
    (1.5, 1.0)
    """
    numerator, power = value
    try:
        return numerator / (1 << power)  # int / int: correctly rounded
    except OverflowError:
        raise ServerException("the capacityUsage of the jobs in use sums beyond a Double") from None


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
    arn = job.get("jobArn")
    created = job.get("createdAt")
    if arn is not None and created is not None:
        return {"jobArn": arn, "earliestTimeAtPosition": created}
    entry: dict[str, Any] = {}
    if arn is not None:
        entry["jobArn"] = arn
    if created is not None:
        entry["earliestTimeAtPosition"] = created
    return entry


def job_usage(job: Mapping[str, Any]) -> list[tuple[str, Exact]]:
    """The (unit, exact quantity) pairs of a job's ``capacityUsage`` (absent: none); a ``capacityUsage``
    that is not a list of ``{capacityUnit: string, quantity: finite number}`` is a ``ServerException``.

    >>> job_usage({"jobId": "r", "capacityUsage": [{"capacityUnit": "gpu", "quantity": 0.25}]})
    [('gpu', (1, 2))]
    """
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
        pairs.append((unit, _exact(value)))
    return pairs


def _usage_list(usage: Mapping[str, Exact]) -> list[dict[str, Any]]:
    """SN-5: capacity usage per unit, in code-point order of the units, each an exact sum as a Double."""
    return [{"capacityUnit": unit, "quantity": to_double(usage[unit])} for unit in sorted(usage)]
