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

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._snapshot import IN_USE_STATUSES

if TYPE_CHECKING:
    from ._store_interface import ListingStore

__all__ = ["jobs_of_queue"]

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
