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
- Resource (ListJobsByConsumableResource). The jobs that require the resource (CR-2, ``_consumable``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice, repeat
from typing import NamedTuple, Protocol

from ._children import select_family
from ._consumable import PROPERTIES, RequirementMatcher
from ._filters import ChunkSelect
from ._model import JobLike
from ._query import ListQuery
from ._queues import QueueMatcher

__all__ = [
    "CHUNK_SIZE",
    "CreatedAtWindow",
    "NameWindow",
    "Selection",
    "Window",
    "iter_selected",
    "selected_status",
]

# How many jobs the pure function reads per step: enough that a step's fixed costs vanish, few enough that
# a step's jobs stay in the CPU caches between its comprehensions.
CHUNK_SIZE = 2048


def selected_status(query: ListQuery) -> str | None:
    """The status every selected job must have, or ``None`` when any status is selected.

    >>> from listjobs_core import LIST_SERVICE_JOBS
    >>> from listjobs_core._filters import FilterName, JobFilter
    >>> from listjobs_core._model import JobStatus
    >>> from listjobs_core._query import ListQuery
    >>> selected_status(ListQuery(LIST_SERVICE_JOBS))
    'RUNNING'
    >>> job_name = JobFilter(FilterName.JOB_NAME, "x")
    >>> query = ListQuery(LIST_SERVICE_JOBS, job_status=JobStatus.FAILED, job_filter=job_name)
    >>> selected_status(query) is None
    True
    """
    spec = query.filter_spec
    if spec is None:
        # S-1, S-2: the status given, else the operation's default (RUNNING; CR-5: none, every status).
        status = query.job_status or query.operation.default_status
        return None if status is None else status.value
    if query.operation.filters_narrow_together:
        # CR-6: every filter narrows the selection, the JOB_STATUS filter (held as the status) included.
        return None if query.job_status is None else query.job_status.value
    if spec.combines_with_status and query.job_status is not None:
        # S-4: SHARE_IDENTIFIER / QUOTA_SHARE_NAME "can be used with jobStatus".
        return query.job_status.value
    # S-3: "When the filter is used, jobStatus is ignored."
    return None


class Window(Protocol):
    """What a page's search knows of the jobs that can still make the page: the selection applies it to
    every job first, so a job that cannot make the page costs one comparison and no other test."""

    def select(self, jobs: Iterable[JobLike]) -> Iterable[JobLike]:
        """The jobs inside the window, in order (``jobs`` itself while the window is open)."""
        ...


class CreatedAtWindow:
    """For a newest-first page: the ``createdAt`` values a dated job may still have (inclusive limits,
    ``None``: unbounded), narrowed by ``_first_keys.first_newest`` as it learns the page. Jobs without
    ``createdAt`` always pass: the search sorts them on its own (O-3)."""

    __slots__ = ("newest", "oldest")

    def __init__(self) -> None:
        self.oldest: int | None = None
        self.newest: int | None = None

    def select(self, jobs: Iterable[JobLike]) -> Iterable[JobLike]:
        oldest, newest = self.oldest, self.newest
        if oldest is None:
            if newest is None:
                return jobs
            return [job for job in jobs if (created := job.get("createdAt")) is None or created <= newest]
        if newest is None:
            return [job for job in jobs if (created := job.get("createdAt")) is None or created >= oldest]
        return [
            job for job in jobs if (created := job.get("createdAt")) is None or oldest <= created <= newest
        ]


class NameWindow:
    """For a page grouped by name (O-2): the ``jobName`` values a job may still have (inclusive limits,
    ``None``: unbounded), narrowed by ``_first_keys.first_by_name`` as it learns the page."""

    __slots__ = ("highest", "lowest")

    def __init__(self) -> None:
        self.lowest: str | None = None
        self.highest: str | None = None

    def select(self, jobs: Iterable[JobLike]) -> Iterable[JobLike]:
        lowest, highest = self.lowest, self.highest
        if highest is None:
            if lowest is None:
                return jobs
            return [job for job in jobs if job["jobName"] >= lowest]
        if lowest is None:
            return [job for job in jobs if job["jobName"] <= highest]
        return [job for job in jobs if lowest <= job["jobName"] <= highest]


class Selection(NamedTuple):
    """The jobs a query selects, as one list per chunk of the input that keeps any: in input order, or in
    reverse input order throughout when ``reversed``."""

    chunks: Iterator[list[JobLike]]
    reversed: bool


def iter_selected(
    jobs: Iterable[JobLike],
    query: ListQuery,
    *,
    window: Window | None = None,
    newest_first: bool = False,
) -> Selection:
    """The jobs a query selects, chunk by chunk, each chunk first narrowed by ``window`` as it stands.

    With ``newest_first``, a list or tuple whose last job is newer than its first (jobs appended in
    creation order) is read from its end, so a newest-first page finds its jobs in the first chunks read,
    and a created-at window then holds back every older job at the cost of one comparison.

    >>> from listjobs_core import LIST_SERVICE_JOBS
    >>> jobs = [{"jobId": str(i), "status": ("RUNNING", "FAILED")[i % 2]} for i in range(5)]
    >>> selection = iter_selected(jobs, ListQuery(LIST_SERVICE_JOBS))
    >>> [[job["jobId"] for job in chunk] for chunk in selection.chunks]
    [['0', '2', '4']]
    """
    narrow = _chunk_selector(query)
    if window is not None:
        inside, by_query = window.select, narrow

        def narrow(chunk: Iterable[JobLike]) -> list[JobLike]:
            return by_query(inside(chunk))

    chunks, from_the_end = _input_chunks(jobs, newest_first)
    return Selection((selected for chunk in chunks if (selected := narrow(chunk))), from_the_end)


def _input_chunks(jobs: Iterable[JobLike], newest_first: bool) -> tuple[Iterator[Iterable[JobLike]], bool]:
    """The input in chunks, read in place from a list or a tuple (from its end when asked for newest first
    and it looks appended in creation order), copied from any other iterable."""
    sizes = _chunk_sizes(CHUNK_SIZE)
    if isinstance(jobs, (list, tuple)):
        count = len(jobs)
        from_the_end = newest_first and count > CHUNK_SIZE and _newest_at_the_end(jobs)
        remaining = reversed(jobs) if from_the_end else iter(jobs)
        return _sized_chunks(remaining, count, sizes), from_the_end
    rest = iter(jobs)
    return iter(lambda: list(islice(rest, next(sizes))), []), False


def _chunk_sizes(largest: int) -> Iterator[int]:
    """64, 128, ... up to ``largest`` jobs, then ``largest`` for ever: the first small chunks let a page's
    search set its window early, the later large ones cost little per job."""
    size = min(64, largest)
    while size < largest:
        yield size
        size *= 2
    yield from repeat(largest)


def _sized_chunks(
    remaining: Iterator[JobLike], count: int, sizes: Iterator[int]
) -> Iterator[Iterable[JobLike]]:
    while count > 0:
        size = next(sizes)
        yield islice(remaining, size)
        count -= size


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
    if query.consumable_resource is not None:
        # CR-2: a RequirementMatcher answers each distinct resource identifier once.
        quantity = RequirementMatcher(query.consumable_resource).quantity
        steps.append(
            lambda jobs: [
                job for job in jobs if job.get(PROPERTIES) is not None and quantity(job) is not None
            ]
        )
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
