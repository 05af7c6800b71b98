"""The jobs a queue's snapshot reads, from a store with the listing-store interface (rule SN-7).

Theory of operation: GetJobQueueSnapshot needs a queue's RUNNABLE jobs and those using its capacity
(SN-1), whole (their priority and share, which summaries lack). ``jobs_of_queue`` asks the store for the
queue's listing of each of those statuses, through its indexes, and fetches each job listed by its id, so
the cost is that of the jobs read, not of the store. A store with ``snapshot_jobs`` (the in-memory stores)
answers instead from its index of RUNNABLE jobs in dispatch order (``store/_runnable``): the jobs in use
and only the RUNNABLE jobs the answer can list, O(in-use + log N + 100) rather than O(RUNNABLE). The
reference endpoint and the moto plug-in both call it, and hand the jobs to
``listjobs_core._snapshot.job_queue_snapshot``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .._snapshot import IN_USE_STATUSES

if TYPE_CHECKING:
    from ._store_interface import ListingStore

__all__ = ["jobs_of_queue", "queue_jobs"]

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
