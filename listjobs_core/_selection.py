"""Which jobs a query selects (rules S-1 to S-9, IN-2).

Theory of operation: selection narrows the jobs through a chain of lazy iterators, one per condition of
the query (status, filter, queue, family), so the jobs are read once, in one pass, and no job is copied.
The conditions, from the sources:

- Status. The model: "If you don't specify a status, only RUNNING jobs are returned." (S-2) and "If the
  filters parameter is specified, the jobStatus parameter is ignored and jobs with any status are
  returned. The exceptions are the SHARE_IDENTIFIER filter and QUOTA_SHARE_NAME filter, which can be used
  with jobStatus." (S-3, S-4). ``selected_status`` is the one home of that rule; which filters combine
  with a status is each filter's spec (``_filters``).
- Filter. The filter's spec selects, with the value parsed once (``_filters``).
- Queue. A job carrying ``jobQueue`` is listed only for the queue it denotes (IN-2, ``_queues``).
- Family (ListJobs). A parent's children, or no child at all for a queue (LJ-6, LJ-7, ``_children``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ._children import select_family
from ._model import JobLike
from ._query import ListQuery
from ._queues import QueueMatcher

__all__ = ["iter_selected", "selected_status"]


def selected_status(query: ListQuery) -> str | None:
    """The status every selected job must have, or ``None`` when any status is selected.

    >>> from listjobs_core import LIST_SERVICE_JOBS, ListQuery, JobFilter, FilterName, JobStatus
    >>> selected_status(ListQuery(LIST_SERVICE_JOBS))
    'RUNNING'
    >>> job_name = JobFilter(FilterName.JOB_NAME, "x")
    >>> query = ListQuery(LIST_SERVICE_JOBS, job_status=JobStatus.FAILED, job_filter=job_name)
    >>> selected_status(query) is None
    True
    """
    spec = query.filter_spec
    if spec is None:
        # S-1, S-2: the status given, else the operation's default (RUNNING).
        return (query.job_status or query.operation.default_status).value
    if spec.combines_with_status and query.job_status is not None:
        # S-4: SHARE_IDENTIFIER / QUOTA_SHARE_NAME "can be used with jobStatus".
        return query.job_status.value
    # S-3: "When the filter is used, jobStatus is ignored."
    return None


def iter_selected(jobs: Iterable[JobLike], query: ListQuery) -> Iterator[JobLike]:
    """The jobs a query selects, lazily, in input order."""
    selected: Iterator[JobLike] = iter(jobs)
    status = selected_status(query)
    if status is not None:
        selected = (job for job in selected if job.get("status") == status)
    job_filter = query.job_filter
    if job_filter is not None:
        selected = job_filter.spec.select(selected, job_filter.parsed)
    if query.job_queue is not None:
        accepts = QueueMatcher(query.job_queue)
        selected = (job for job in selected if accepts[job.get("jobQueue")])
    if query.operation.parent_job_members:
        # LJ-6, LJ-7 (ListJobs): a parent's children, or the jobs that are not children.
        selected = select_family(selected, query)
    return selected
