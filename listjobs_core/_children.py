"""Array children and multi-node parallel nodes in ListJobs (rules LJ-5 to LJ-8).

Theory of operation, from the model (``ListJobs``): "You must specify only one of the following items: A
job queue ID to return a list of jobs in that job queue; A multi-node parallel job ID to return a list of
nodes for that job; An array job ID to return a list of the children for that job." And for ``filters``:
"The filter doesn't apply to child jobs in an array or multi-node parallel (MNP) jobs."

A child is known by its ``jobId``, as Batch names it (LJ-6): the array child at index ``i`` of job ``P`` is
``P:i``, node ``n`` of the multi-node parallel job ``P`` is ``P#n``. ``arrayJobId: P`` lists the jobs
``P:<digits>``, ``multiNodeJobId: P`` lists the jobs ``P#<digits>``, and a queue listing lists no child at
all (LJ-7): children are reached through their parent, whose own summary stands for them. Which member
names the parent is ``ListQuery.parent_job_member``; ``_request`` checks that exactly one of ``jobQueue``
and the parent members is given (LJ-5) and drops a filter a child listing ignores (LJ-8).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from . import _decisions
from ._decisions import ARRAY_CHILD_SEPARATOR, MNP_NODE_SEPARATOR
from ._model import JobLike
from ._operations import ARRAY_JOB_ID, MULTI_NODE_JOB_ID
from ._query import ListQuery

__all__ = ["CHILD_SEPARATORS", "parent_of", "select_family"]

# The separator of a parent's children's ids, by the ListJobsRequest member that names the parent.
CHILD_SEPARATORS: dict[str, str] = {
    ARRAY_JOB_ID: ARRAY_CHILD_SEPARATOR,
    MULTI_NODE_JOB_ID: MNP_NODE_SEPARATOR,
}

_ANY_SEPARATOR = "|".join(re.escape(separator) for separator in CHILD_SEPARATORS.values())
# A parent id (anything, at least one character), a separator, an index in ASCII digits. The parent id is
# greedy, so the last separator followed by digits splits it.
_CHILD_JOB_ID = re.compile(f"(?s:(?P<parent>.+))(?P<separator>{_ANY_SEPARATOR})[0-9]+", re.ASCII)
_MEMBER_OF_SEPARATOR = {separator: member for member, separator in CHILD_SEPARATORS.items()}


def parent_of(job_id: str) -> tuple[str, str] | None:
    """The request member and the parent id that list a child, or ``None`` for a job that is no child.

    >>> parent_of("6a3c:7"), parent_of("6a3c#0"), parent_of("6a3c"), parent_of(":7")
    (('arrayJobId', '6a3c'), ('multiNodeJobId', '6a3c'), None, None)
    """
    match = _CHILD_JOB_ID.fullmatch(job_id)
    if match is None:
        return None
    return _MEMBER_OF_SEPARATOR[match["separator"]], match["parent"]


def select_family(jobs: Iterable[JobLike], query: ListQuery) -> list[JobLike]:
    """The jobs of a list that a ListJobs query may list, by family, in order: the parent's children when
    it names a parent, else the jobs that are not children (LJ-7).

    >>> from listjobs_core import LIST_JOBS
    >>> jobs = [{"jobId": job_id} for job_id in ("p", "p:0", "p:1", "p#0", "p:x", "q:0")]
    >>> children = ListQuery(LIST_JOBS, parent_job_id="p", parent_job_member="arrayJobId")
    >>> [job["jobId"] for job in select_family(jobs, children)]
    ['p:0', 'p:1']
    >>> [job["jobId"] for job in select_family(jobs, ListQuery(LIST_JOBS, job_queue="q"))]
    ['p', 'p:x']
    """
    parent = query.parent_job_id
    if parent is None or query.parent_job_member is None:
        if _decisions.QUEUE_LISTINGS_INCLUDE_CHILD_JOBS:
            return list(jobs)
        match_child = _CHILD_JOB_ID.fullmatch
        return [job for job in jobs if match_child(job["jobId"]) is None]
    # ``re`` caches the compiled pattern, so a listing compiles it once.
    match_parents_child = re.compile(
        re.escape(parent + CHILD_SEPARATORS[query.parent_job_member]) + "[0-9]+", re.ASCII
    ).fullmatch
    return [job for job in jobs if match_parents_child(job["jobId"]) is not None]
