"""The jobs a queue's snapshot reads, from a store with the listing-store interface (rule SN-7).

Theory of operation: GetJobQueueSnapshot needs a queue's RUNNABLE jobs and those using its capacity
(SN-1), whole (their priority and share, which summaries lack). ``jobs_of_queue`` asks the store for the
queue's listing of each of those statuses, through its indexes, and fetches each job listed by its id, so
the cost is that of the jobs read, not of the store. A store with ``snapshot_jobs`` (the in-memory stores,
and the SQL store, ``sql/_front``) answers instead from its index of RUNNABLE jobs in dispatch order
(``store/_runnable``): the jobs in use
and only the RUNNABLE jobs the answer can list, O(in-use + log N + 100) rather than O(RUNNABLE). The
moto plug-in calls it, and hands the jobs to ``listjobs_core._snapshot.job_queue_snapshot``.

``queue_snapshot`` answers the snapshot itself, as the reference endpoint asks it: from stores that give
the usage of their jobs in use and their front ranked by it (``snapshot_parts``, ``queue_usage``: the
in-memory stores, which keep the usage as the jobs move and read no job in use, O(log N + 100 + shares);
the SQL store, from its indexes, O(shares * log N + in-use + 100)), it ranks nothing twice, and hands the
ranked front and the usage to ``ranked_queue_snapshot``; from any other store (or when a job in use is
malformed, so that the answer is the pure function's error), ``job_queue_snapshot`` over ``queue_jobs``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .._snapshot import (
    FIFO,
    IN_USE_STATUSES,
    QUOTA_SHARE,
    QueueUsage,
    dispatch_key,
    job_queue_snapshot,
    ranked_queue_snapshot,
)

if TYPE_CHECKING:
    from ._store_interface import ListingStore

__all__ = ["jobs_of_queue", "queue_jobs", "queue_snapshot"]

_RUNNABLE = "RUNNABLE"


def jobs_of_queue(
    store: ListingStore, queue_arn: str, scheduling: str | None = None
) -> list[Mapping[str, Any]]:
    """SN-7: the jobs of the queue ``queue_arn`` that are RUNNABLE or use capacity (SN-1), as the store
    holds them: each status's queue listing (no array child or node, LJ-7), then each job by its id. A
    store with ``snapshot_jobs`` gives fewer: the jobs in use and the RUNNABLE jobs that
    ``job_queue_snapshot`` can list for a queue of kind ``scheduling`` (``None``: of any kind), read-only;
    the snapshot over them is the snapshot over all.

    >>> from listjobs_core import ServiceJobStore
    >>> store = ServiceJobStore()
    >>> store.put_many([{"jobId": "a", "jobName": "a", "status": "RUNNABLE", "jobQueue": "q"},
    ...     {"jobId": "b", "jobName": "b", "status": "SUCCEEDED", "jobQueue": "q"}])
    2
    >>> [job["jobId"] for job in jobs_of_queue(store, "q")]
    ['a']
    """
    front = getattr(store, "snapshot_jobs", None)
    if front is not None:
        return list(front(queue_arn, scheduling))
    statuses = [status.value for status in store.operation.statuses]
    wanted = [status for status in statuses if status == _RUNNABLE or status in IN_USE_STATUSES]
    jobs: list[Mapping[str, Any]] = []
    for status in wanted:
        for page in store.paginate({"jobQueue": queue_arn, "jobStatus": status, "maxResults": 100}):
            for summary in page["jobSummaryList"]:
                job = store.get(summary["jobId"])
                if job is not None and job.get("status") == status:
                    jobs.append(job)
    return jobs


def queue_jobs(
    stores: Sequence[ListingStore], queue_arn: str, scheduling: str | None = None
) -> list[Mapping[str, Any]]:
    """SN-7: ``jobs_of_queue`` over every store that holds jobs of the queue ``queue_arn``. A share's usage
    is the queue's, over every store (SN-2), so a store with ``front_of_queue`` ranks its front by the
    jobs in use of all of them, not by its own alone.

    >>> from listjobs_core import ServiceJobStore
    >>> busy = ServiceJobStore([{"jobId": "r", "jobName": "r", "status": "RUNNING", "jobQueue": "q",
    ...     "shareIdentifier": "a", "capacityUsage": [{"capacityUnit": "gpu", "quantity": 1}]}])
    >>> waiting = ServiceJobStore([{"jobId": "x", "jobName": "x", "status": "RUNNABLE", "jobQueue": "q",
    ...     "shareIdentifier": "a"}])
    >>> sorted(job["jobId"] for job in queue_jobs([busy, waiting], "q", "FAIR_SHARE"))
    ['r', 'x']
    """
    if len(stores) == 1:
        return jobs_of_queue(stores[0], queue_arn, scheduling)
    jobs: list[Mapping[str, Any]] = []
    indexed = []
    for store in stores:
        if hasattr(store, "front_of_queue") and hasattr(store, "jobs_in_use"):
            indexed.append(store)
            jobs += store.jobs_in_use(queue_arn)
        else:
            jobs += jobs_of_queue(store, queue_arn, scheduling)
    in_use = [job for job in jobs if job.get("status") in IN_USE_STATUSES]
    for store in indexed:
        jobs += getattr(store, "front_of_queue")(queue_arn, scheduling, in_use)  # noqa: B009
    return jobs


def queue_snapshot(
    stores: Sequence[ListingStore],
    queue_arn: str,
    scheduling: str = FIFO,
    *,
    now_ms: int,
    quota_shares: Iterable[str] = (),
) -> dict[str, Any]:
    """SN-7: the ``GetJobQueueSnapshotResponse`` of the queue ``queue_arn``, of kind ``scheduling``, over
    the jobs of ``stores``: ``job_queue_snapshot`` over ``queue_jobs``, the same answer, from what the
    stores keep where each can (``snapshot_parts``): their usage, merged, ranks each store's front, and
    the fronts are merged in dispatch order.

    >>> from listjobs_core import ServiceJobStore
    >>> store = ServiceJobStore([{"jobId": "r", "jobName": "r", "status": "RUNNING", "jobQueue": "q",
    ...     "shareIdentifier": "a", "capacityUsage": [{"capacityUnit": "gpu", "quantity": 1}]},
    ...     {"jobId": "x", "jobName": "x", "status": "RUNNABLE", "jobQueue": "q", "jobArn": "arn-x"}])
    >>> answer = queue_snapshot([store], "q", "FAIR_SHARE", now_ms=0)
    >>> answer["frontOfQueue"]["jobs"], answer["queueUtilization"]["totalCapacityUsage"]
    ([{'jobArn': 'arn-x'}], [{'capacityUnit': 'gpu', 'quantity': 1.0}])
    """
    parts = _indexed_parts(stores, queue_arn, scheduling)
    if parts is None:
        return job_queue_snapshot(
            queue_jobs(stores, queue_arn, scheduling),
            now_ms=now_ms,
            job_queue=queue_arn,
            scheduling=scheduling,
            quota_shares=quota_shares,
        )
    usage, front, share_fronts = parts
    return ranked_queue_snapshot(
        front,
        usage,
        now_ms=now_ms,
        scheduling=scheduling,
        quota_shares=quota_shares,
        share_fronts=share_fronts,
    )


def _indexed_parts(
    stores: Sequence[ListingStore], queue_arn: str, scheduling: str
) -> tuple[QueueUsage, list[Mapping[str, Any]], list[Mapping[str, Any]]] | None:
    """The usage, the ranked front and the fronts of the quota shares of the queue over ``stores``, from
    what each keeps; ``None`` when a store keeps none, or a job in use is malformed."""
    if not all(hasattr(store, "snapshot_parts") and hasattr(store, "queue_usage") for store in stores):
        return None
    if len(stores) == 1:
        parts: tuple[QueueUsage, list[Mapping[str, Any]], list[Mapping[str, Any]]] | None
        parts = getattr(stores[0], "snapshot_parts")(queue_arn, scheduling)  # noqa: B009
        return parts
    # A share's usage is the queue's, over every store (SN-2): each store's front is ranked by all of it.
    usages = [getattr(store, "queue_usage")(queue_arn, scheduling) for store in stores]  # noqa: B009
    if any(usage is None for usage in usages):
        return None
    usage = QueueUsage.merged(usages)
    front: list[Mapping[str, Any]] = []
    share_fronts: list[Mapping[str, Any]] = []
    for store in stores:
        _, store_front, store_share_fronts = getattr(store, "snapshot_parts")(  # noqa: B009
            queue_arn, scheduling, usage
        )
        front += store_front
        share_fronts += store_share_fronts
    ranks = {} if scheduling == FIFO else usage.ranks
    front.sort(key=lambda job: dispatch_key(job, scheduling, ranks))
    if scheduling == QUOTA_SHARE:
        share_fronts.sort(key=lambda job: dispatch_key(job, scheduling, ranks))
    return usage, front, share_fronts
