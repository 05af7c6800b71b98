"""Which jobs a query selects (rules S-1 to S-9, IN-2).

Theory of operation: the jobs are read once, in one pass, a chunk of ``CHUNK_SIZE`` jobs at a time; each
condition of the query (status, filter, queue, family) narrows a chunk with one list comprehension, so the
per-job work runs inside comprehensions rather than through a chain of generators resumed once per job,
and the later steps read jobs the earlier ones just brought into the CPU caches. A chunk bounds the memory
a listing holds beyond its page, whatever the input (a generator's jobs are never all held at once).
The conditions, in the order they are applied, from the sources:

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
from itertools import islice
from typing import NamedTuple

from ._children import select_family
from ._filters import ChunkSelect
from ._model import JobLike
from ._query import ListQuery
from ._queues import QueueMatcher

__all__ = ["CHUNK_SIZE", "CreatedAtWindow", "Selection", "iter_selected", "selected_status"]

# How many jobs the pure function reads per step: enough that a step's fixed costs vanish, few enough that
# a step's jobs stay in the CPU caches between its comprehensions.
CHUNK_SIZE = 2048


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


class CreatedAtWindow:
    """The ``createdAt`` values a dated job may still have to make a newest-first page (inclusive limits,
    ``None``: unbounded). The page's search (``_first_keys.first_newest``) narrows it as it learns the page;
    the selection tests it first, before any other condition, so a job that cannot make the page costs one
    comparison. Jobs without ``createdAt`` always pass: the search sorts them on its own (O-3)."""

    __slots__ = ("newest", "oldest")

    def __init__(self) -> None:
        self.oldest: int | None = None
        self.newest: int | None = None

    def select(self, jobs: Iterable[JobLike]) -> list[JobLike]:
        """The jobs undated or dated inside the window, in order."""
        oldest, newest = self.oldest, self.newest
        if newest is None:
            return [job for job in jobs if (created := job.get("createdAt")) is None or created >= oldest]
        if oldest is None:
            return [job for job in jobs if (created := job.get("createdAt")) is None or created <= newest]
        return [
            job for job in jobs if (created := job.get("createdAt")) is None or oldest <= created <= newest
        ]


class Selection(NamedTuple):
    """The jobs a query selects, as one list per chunk of the input that keeps any: in input order, or in
    reverse input order throughout when ``reversed``. For a newest-first selection, ``window`` holds back
    the jobs that cannot make the page."""

    chunks: Iterator[list[JobLike]]
    reversed: bool
    window: CreatedAtWindow


def iter_selected(jobs: Iterable[JobLike], query: ListQuery, *, newest_first: bool = False) -> Selection:
    """The jobs a query selects, chunk by chunk.

    With ``newest_first``, a list or tuple whose last job is newer than its first (jobs appended in
    creation order) is read from its end, so a newest-first page finds its jobs in the first chunks read,
    and the window then holds back every older job at the cost of one comparison.

    >>> from listjobs_core import LIST_SERVICE_JOBS
    >>> jobs = [{"jobId": str(i), "status": ("RUNNING", "FAILED")[i % 2]} for i in range(5)]
    >>> selection = iter_selected(jobs, ListQuery(LIST_SERVICE_JOBS))
    >>> [[job["jobId"] for job in chunk] for chunk in selection.chunks]
    [['0', '2', '4']]
    """
    narrow = _chunk_selector(query)
    window = CreatedAtWindow()

    def select(chunk: Iterable[JobLike]) -> list[JobLike]:
        if window.oldest is not None or window.newest is not None:
            chunk = window.select(chunk)
        return narrow(chunk)

    chunks, from_the_end = _input_chunks(jobs, newest_first)
    return Selection((selected for chunk in chunks if (selected := select(chunk))), from_the_end, window)


def _input_chunks(jobs: Iterable[JobLike], newest_first: bool) -> tuple[Iterator[Iterable[JobLike]], bool]:
    """The input in chunks of ``CHUNK_SIZE`` jobs, read in place from a list or a tuple (from its end when
    asked for newest first and it looks appended in creation order), copied from any other iterable."""
    size = CHUNK_SIZE
    if isinstance(jobs, (list, tuple)):
        count = len(jobs)
        from_the_end = newest_first and count > size and _newest_at_the_end(jobs)
        remaining = reversed(jobs) if from_the_end else iter(jobs)
        return (islice(remaining, size) for _ in range(0, count, size)), from_the_end
    rest = iter(jobs)
    return iter(lambda: list(islice(rest, size)), []), False


def _newest_at_the_end(jobs: list[JobLike] | tuple[JobLike, ...]) -> bool:
    """Whether the last job was created after the first (both well formed; else the order is kept)."""
    try:
        first, last = jobs[0].get("createdAt"), jobs[-1].get("createdAt")
    except (TypeError, KeyError, AttributeError, ValueError, RecursionError):
        return False  # a malformed job, which the listing itself reports if it reads it
    return type(first) is int and type(last) is int and last > first


def _chunk_selector(query: ListQuery) -> ChunkSelect:
    """The query's conditions as one function from a chunk of jobs to the jobs it selects."""
    steps: list[ChunkSelect] = []
    status = selected_status(query)
    if status is not None:
        steps.append(lambda jobs: [job for job in jobs if job.get("status") == status])
    job_filter = query.job_filter
    if job_filter is not None:
        steps.append(job_filter.spec.selector(job_filter.parsed))
    if query.job_queue is not None:
        # IN-2: a QueueMatcher answers each distinct jobQueue value once.
        accepts = QueueMatcher(query.job_queue)
        steps.append(lambda jobs: [job for job in jobs if accepts[job.get("jobQueue")]])
    if query.operation.parent_job_members:
        # LJ-6, LJ-7 (ListJobs): a parent's children, or the jobs that are not children.
        steps.append(lambda jobs: select_family(jobs, query))
    return _chain(steps)


def _chain(steps: list[ChunkSelect]) -> ChunkSelect:
    """The steps one after the other, stopping once a step keeps no job."""
    if not steps:
        return list
    if len(steps) == 1:
        return steps[0]
    first, rest = steps[0], steps[1:]

    def narrow(jobs: Iterable[JobLike]) -> list[JobLike]:
        selected = first(jobs)
        for step in rest:
            if not selected:
                break
            selected = step(selected)
        return selected

    return narrow
