"""The parsed request a listing runs on.

Theory of operation: a request in the wire shape is parsed once (``_request.parse_request``) into a frozen
``ListQuery``: the operation it is for, the queue or parent job it lists, the status as given, the page
size, the filter with its value already parsed by its spec (``_filters``; for ListJobsByConsumableResource
the JOB_STATUS filter is held as the status and JOB_NAME as the filter), and the cursor its
``nextToken`` carries. Selection, order, pagination and tokens all read this value and never the
caller's request again.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._filters import FilterSpec, JobFilter
from ._model import Cursor, JobStatus
from ._operations import Operation

__all__ = ["ListQuery"]


@dataclass(frozen=True, slots=True)
class ListQuery:
    """A parsed, validated listing request.

    ``job_status`` is the status as given (``None`` when absent); which statuses a query selects is the
    selection rules' business (``_selection.selected_status``). ``max_results`` is the page size asked for
    (``None``: the operation's default, see ``page_size``). ``after`` is the decoded ``nextToken``.

    >>> from listjobs_core import LIST_JOBS, LIST_SERVICE_JOBS
    >>> query = ListQuery(LIST_SERVICE_JOBS, job_queue="q", job_status=JobStatus.SUCCEEDED, max_results=10)
    >>> query.page_size, query.job_filter is None
    (10, True)
    >>> ListQuery(LIST_JOBS, job_queue="q").page_size
    1000
    """

    operation: Operation
    job_queue: str | None = None
    job_status: JobStatus | None = None
    max_results: int | None = None
    job_filter: JobFilter | None = None
    after: Cursor | None = None
    # ListJobs only: list the children of this array or multi-node parallel job instead of a queue.
    parent_job_id: str | None = None
    # ...and the request member that named it, arrayJobId or multiNodeJobId (see ``_children``).
    parent_job_member: str | None = None
    # ListJobsByConsumableResource only: the consumable resource (a name or an ARN) whose jobs are listed.
    consumable_resource: str | None = None

    @property
    def page_size(self) -> int:
        """How many jobs a page holds at most: ``max_results``, or the operation's default (rule P-1)."""
        if self.max_results is not None:
            return self.max_results
        return self.operation.default_page_size(self.job_filter is not None)

    @property
    def filter_spec(self) -> FilterSpec | None:
        """The spec of the query's filter, or ``None`` without a filter."""
        return None if self.job_filter is None else self.job_filter.spec
