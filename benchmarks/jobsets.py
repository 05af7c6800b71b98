"""Synthetic jobs, query shapes and the baselines shared by the benchmarks.

The jobs are deterministic and built once per size. The baselines are what a user would write without
this library, and what any listing must pay at least:

- ``naive_page``: filter every job with a predicate built once from the request, sort the selection by
  the order key, slice the page, project only the page's jobs. This is how emulators list jobs (moto's
  ``BatchBackend.list_jobs`` loops over the jobs and calls a filter-matching function for each), written
  with care: the filter value is case-folded once, not per job, and the queue is resolved once.
- ``inlined_page``: the same, with every test inlined in one comprehension per filter kind: the fastest
  listing plain Python allows without an index, an extra column rather than the baseline.
- ``one_pass``: a single pass that only reads each job's ``status``: the least any listing over an
  unindexed iterable of jobs can cost.
- ``project``: the page's jobs projected onto the summary members with a dict comprehension, the floor of
  any listing that returns summaries, indexed or not.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from listjobs_core import LIST_SERVICE_JOBS
from listjobs_core.workloads import (
    DEFAULT_SIZES,
    PAGE,
    QUERY_SHAPES,
    QUEUE_ARN,
    QUEUES,
    START,
    ordinary_jobs,
)

__all__ = [
    "PAGE", "QUERY_SHAPES", "QUEUE_ARN", "QUEUES", "SIZES", "START", "STATUSES", "inlined_page",
    "naive_page", "one_pass", "project", "synthetic_jobs",
]

ALL_SIZES = DEFAULT_SIZES
# LISTJOBS_BENCH_SIZES=10000,100000 runs some sizes only (a quick look; the tables need all three).
_CHOSEN = os.environ.get("LISTJOBS_BENCH_SIZES", "")
SIZES = tuple(int(size) for size in _CHOSEN.split(",") if size) or ALL_SIZES
STATUSES = tuple(status.value for status in LIST_SERVICE_JOBS.statuses)
SUMMARY_MEMBERS = LIST_SERVICE_JOBS.summary_members
# The jobs and query shapes are the public workloads' (listjobs_core.workloads), so a user times the same.
synthetic_jobs = ordinary_jobs


# --- Baselines ------------------------------------------------------------------------------------------


# The tables' baseline, as it has always been: the ordinary jobs' queue ARN resolved once and compared by
# equality (``listjobs_core.workloads.naive_page`` is the general one, correct for any queue ARN, and slower).
def naive_page(jobs: list[dict[str, Any]], request: dict[str, Any], offset: int = 0) -> list[dict[str, Any]]:
    """The page of ``request`` that starts ``offset`` jobs into its selection: filter with a predicate,
    sort by the order key, slice, project the page."""
    keep = naive_predicate(request)
    selected = [job for job in jobs if keep(job)]
    selected.sort(key=_grouped_key if _filter_of(request)[0] == "JOB_NAME" else _newest_first_key)
    return project(selected[offset : offset + PAGE])


def naive_predicate(request: dict[str, Any]) -> Callable[[dict[str, Any]], bool]:
    """Whether a job belongs to the selection of ``request``, as one test per job."""
    status = request.get("jobStatus")
    arn = _requested_arn(request)
    name, value = _filter_of(request)
    folded = value[:-1].casefold() if value.endswith("*") else value.casefold()
    is_prefix = value.endswith("*")
    bound = int(value) if name in ("AFTER_CREATED_AT", "BEFORE_CREATED_AT") else 0
    member = "shareIdentifier" if name == "SHARE_IDENTIFIER" else "quotaShareName"
    wanted = status or "RUNNING"

    def keep(job: dict[str, Any]) -> Any:
        if arn is not None and job.get("jobQueue") != arn:
            return False
        if name is None:
            return job.get("status") == wanted
        if name == "JOB_NAME":
            job_name = job["jobName"].casefold()
            return job_name.startswith(folded) if is_prefix else job_name == folded
        if name in ("AFTER_CREATED_AT", "BEFORE_CREATED_AT"):
            created = job.get("createdAt")
            if created is None:
                return False
            return created > bound if name == "AFTER_CREATED_AT" else created < bound
        return job.get(member) == value and (status is None or job.get("status") == status)

    return keep


def _filter_of(request: dict[str, Any]) -> tuple[str | None, str]:
    filters = request.get("filters") or []
    return (filters[0]["name"], filters[0]["values"][0]) if filters else (None, "")


def _requested_arn(request: dict[str, Any]) -> str | None:
    """The ARN of the requested queue, resolved once (the jobs carry their queue's ARN)."""
    queue = request.get("jobQueue")
    return None if queue is None else queue if queue.startswith("arn:") else QUEUE_ARN + queue


def inlined_page(
    jobs: list[dict[str, Any]], request: dict[str, Any], offset: int = 0
) -> list[dict[str, Any]]:
    """``naive_page`` with every test inlined in one comprehension per filter kind."""
    status = request.get("jobStatus")
    arn = _requested_arn(request)
    name, value = _filter_of(request)
    if name is None:
        wanted = status or "RUNNING"
        selected = [
            job for job in jobs
            if job.get("status") == wanted and (arn is None or job.get("jobQueue") == arn)
        ]
    elif name == "JOB_NAME" and value.endswith("*"):
        prefix = value[:-1].casefold()
        selected = [
            job for job in jobs
            if job["jobName"].casefold().startswith(prefix) and (arn is None or job.get("jobQueue") == arn)
        ]
    elif name == "JOB_NAME":
        folded = value.casefold()
        selected = [
            job for job in jobs
            if job["jobName"].casefold() == folded and (arn is None or job.get("jobQueue") == arn)
        ]
    elif name == "AFTER_CREATED_AT":
        after = int(value)
        selected = [
            job for job in jobs
            if (created := job.get("createdAt")) is not None and created > after
            and (arn is None or job.get("jobQueue") == arn)
        ]
    elif name == "BEFORE_CREATED_AT":
        before = int(value)
        selected = [
            job for job in jobs
            if (created := job.get("createdAt")) is not None and created < before
            and (arn is None or job.get("jobQueue") == arn)
        ]
    else:
        member = "shareIdentifier" if name == "SHARE_IDENTIFIER" else "quotaShareName"
        selected = [
            job for job in jobs
            if job.get(member) == value and (status is None or job.get("status") == status)
            and (arn is None or job.get("jobQueue") == arn)
        ]
    selected.sort(key=_grouped_key if name == "JOB_NAME" else _newest_first_key)
    return project(selected[offset : offset + PAGE])


def _newest_first_key(job: dict[str, Any]) -> tuple[Any, ...]:
    created = job.get("createdAt")
    return (created is None, -(created or 0), job["jobId"])


def _grouped_key(job: dict[str, Any]) -> tuple[Any, ...]:
    created = job.get("createdAt")
    return (job["jobName"], job.get("version", 0), created is None, -(created or 0), job["jobId"])


def project(page: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The floor: the jobs' summaries by a dict comprehension over the summary members."""
    return [{member: job[member] for member in SUMMARY_MEMBERS if member in job} for job in page]


def one_pass(jobs: list[dict[str, Any]]) -> None:
    """The one-pass limit: read every job's status, and nothing else."""
    for job in jobs:
        job.get("status")
