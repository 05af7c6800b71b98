"""The jobs a queue's snapshot reads, from a store with the listing-store interface (rule SN-7).

Theory of operation: GetJobQueueSnapshot needs a queue's RUNNABLE jobs and those using its capacity
(SN-1), whole (their priority and share, which summaries lack). ``jobs_of_queue`` asks the store for the
queue's listing of each of those statuses, through its indexes, and fetches each job listed by its id, so
the cost is that of the jobs read, not of the store. The reference endpoint and the moto plug-in both
call it, and hand the jobs to ``listjobs_core._snapshot.job_queue_snapshot``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._snapshot import IN_USE_STATUSES

if TYPE_CHECKING:
    from ._store_interface import ListingStore

__all__ = ["jobs_of_queue"]

_RUNNABLE = "RUNNABLE"


def jobs_of_queue(store: ListingStore, queue_arn: str) -> list[dict[str, Any]]:
    """SN-7: the jobs of the queue ``queue_arn`` that are RUNNABLE or use capacity (SN-1), as the store
    holds them: each status's queue listing (no array child or node, LJ-7), then each job by its id.

    >>> from listjobs_core import ServiceJobStore
    >>> store = ServiceJobStore()
    >>> store.put_many([{"jobId": "a", "jobName": "a", "status": "RUNNABLE", "jobQueue": "q"},
    ...     {"jobId": "b", "jobName": "b", "status": "SUCCEEDED", "jobQueue": "q"}])
    2
    >>> [job["jobId"] for job in jobs_of_queue(store, "q")]
    ['a']
    """
    statuses = [status.value for status in store.operation.statuses]
    wanted = [status for status in statuses if status == _RUNNABLE or status in IN_USE_STATUSES]
    jobs: list[dict[str, Any]] = []
    for status in wanted:
        for page in store.paginate({"jobQueue": queue_arn, "jobStatus": status, "maxResults": 100}):
            for summary in page["jobSummaryList"]:
                job = store.get(summary["jobId"])
                if job is not None and job.get("status") == status:
                    jobs.append(job)
    return jobs
