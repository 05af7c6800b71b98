"""Which jobs a query selects (rules S-1 to S-9, IN-2).

Theory of operation: selection narrows the jobs through a chain of lazy generators, one per condition of
the query (status, filter, queue), so the jobs are read once, in one pass, and no job is copied. The
conditions, from the sources:

- Status. The model: "If you don't specify a status, only RUNNING jobs are returned." (S-2) and "If the
  filters parameter is specified, the jobStatus parameter is ignored and jobs with any status are
  returned. The exceptions are the SHARE_IDENTIFIER filter and QUOTA_SHARE_NAME filter, which can be used
  with jobStatus." (S-3, S-4). ``selected_status`` is the one home of that rule.
- Filter. One selector per filter name, in ``_FILTER_SELECTORS``.
- Queue. A job carrying ``jobQueue`` is listed only for the queue it denotes (IN-2, ``_queues``).
- Family (ListJobs). A parent's children, or no child at all for a queue (LJ-6, LJ-7, ``_children``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from ._children import select_family
from ._decisions import STRICT_CREATED_AT_BOUNDS
from ._definitions import select_job_definition
from ._model import FilterName, JobFilter, JobLike, ListQuery
from ._names import JobNamePattern
from ._queues import QueueMatcher
from ._request import created_at_bound

__all__ = ["created_at_limit", "iter_selected", "selected_status"]

Jobs = Iterable[JobLike]


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
    operation = query.operation
    if query.job_filter is None:
        # S-1, S-2: the status given, else the operation's default (RUNNING).
        return (query.job_status or operation.default_status).value
    if query.job_filter.name in operation.filters_combining_with_status and query.job_status is not None:
        # S-4: SHARE_IDENTIFIER / QUOTA_SHARE_NAME "can be used with jobStatus".
        return query.job_status.value
    # S-3: "When the filter is used, jobStatus is ignored."
    return None


def iter_selected(jobs: Jobs, query: ListQuery) -> Iterator[JobLike]:
    """The jobs a query selects, lazily, in input order."""
    selected: Iterator[JobLike] = iter(jobs)
    status = selected_status(query)
    if status is not None:
        selected = (job for job in selected if job.get("status") == status)
    if query.job_filter is not None:
        selected = _FILTER_SELECTORS[query.job_filter.name](selected, query.job_filter)
    if query.job_queue is not None:
        accepts = QueueMatcher(query.job_queue)
        selected = (job for job in selected if accepts[job.get("jobQueue")])
    if query.operation.parent_job_members:
        # LJ-6, LJ-7 (ListJobs): a parent's children, or the jobs that are not children.
        selected = select_family(selected, query)
    return selected


def _select_job_name(jobs: Iterator[JobLike], job_filter: JobFilter) -> Iterator[JobLike]:
    # S-5, S-6: case-insensitive, a final "*" for a prefix; the rule itself lives in ``_names``.
    return JobNamePattern.parse(job_filter.value).select(jobs)


# S-7: "BEFORE_CREATED_AT v selects createdAt < v; AFTER_CREATED_AT v selects createdAt > v. Both strict."
# Milliseconds are integers, so a strict bound is the inclusive bound one millisecond in.
_STRICT_BOUND_STEP = 1 if STRICT_CREATED_AT_BOUNDS else 0


def created_at_limit(job_filter: JobFilter) -> int:
    """The inclusive limit of a created-at filter (S-7): the latest ``createdAt`` BEFORE_CREATED_AT
    keeps, or the earliest AFTER_CREATED_AT keeps.

    >>> from listjobs_core import FilterName, JobFilter
    >>> created_at_limit(JobFilter(FilterName.BEFORE_CREATED_AT, "100"))
    99
    >>> created_at_limit(JobFilter(FilterName.AFTER_CREATED_AT, "100"))
    101
    """
    if job_filter.name is FilterName.BEFORE_CREATED_AT:
        return created_at_bound(job_filter) - _STRICT_BOUND_STEP
    return created_at_bound(job_filter) + _STRICT_BOUND_STEP


def _select_before_created_at(jobs: Iterator[JobLike], job_filter: JobFilter) -> Iterator[JobLike]:
    # S-8: a job without createdAt does not match.
    latest = created_at_limit(job_filter)
    return (job for job in jobs if (created_at := job.get("createdAt")) is not None and created_at <= latest)


def _select_after_created_at(jobs: Iterator[JobLike], job_filter: JobFilter) -> Iterator[JobLike]:
    # S-8: a job without createdAt does not match.
    earliest = created_at_limit(job_filter)
    return (
        job for job in jobs if (created_at := job.get("createdAt")) is not None and created_at >= earliest
    )


def _member_equals(member: str) -> Callable[[Iterator[JobLike], JobFilter], Iterator[JobLike]]:
    # S-4: "exact, case-sensitive equality with the job's shareIdentifier / quotaShareName".
    def select(jobs: Iterator[JobLike], job_filter: JobFilter) -> Iterator[JobLike]:
        value = job_filter.value
        return (job for job in jobs if job.get(member) == value)

    return select


_FILTER_SELECTORS: dict[FilterName, Callable[[Iterator[JobLike], JobFilter], Iterator[JobLike]]] = {
    FilterName.JOB_NAME: _select_job_name,
    FilterName.JOB_DEFINITION: select_job_definition,
    FilterName.BEFORE_CREATED_AT: _select_before_created_at,
    FilterName.AFTER_CREATED_AT: _select_after_created_at,
    FilterName.SHARE_IDENTIFIER: _member_equals("shareIdentifier"),
    FilterName.QUOTA_SHARE_NAME: _member_equals("quotaShareName"),
}
