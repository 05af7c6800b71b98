"""ListJobs: the same engine as ListServiceJobs, run on the ``LIST_JOBS`` table (rules LJ-1 to LJ-13).

Theory of operation: the two operations differ only in their descriptions in ``_operations`` (statuses,
filter names, summary members, page-size limits, the parent-job members); everything else is the shared
engine, ``_listing.run_listing``. The ListJobs-only rules have their own homes: ``_definitions`` (the
JOB_DEFINITION filter) and ``_children`` (array children and multi-node parallel nodes).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ._listing import run_listing
from ._model import JobLike
from ._operations import LIST_JOBS

__all__ = ["list_jobs"]


def list_jobs(
    jobs: Iterable[JobLike],
    request: object,
    *,
    token_key: bytes | None = None,
) -> dict[str, Any]:
    """Answer a ListJobs request over ``jobs``, as AWS Batch does.

    ``jobs`` is any iterable of jobs in the wire shape of ``JobSummary`` (``jobDefinition`` as the ARN of
    the revision used), optionally carrying ``jobQueue`` and ``version``; array children and multi-node
    parallel nodes are the jobs whose ``jobId`` is ``PARENT:INDEX`` and ``PARENT#NODE``. ``request`` is a
    ``ListJobsRequest`` as a JSON body decodes to, naming exactly one of ``jobQueue``, ``arrayJobId`` and
    ``multiNodeJobId``. Returns a ``ListJobsResponse`` dict. Raises ``ClientException`` for any bad request
    and ``ServerException`` for a malformed job; ``token_key`` is an optional secret for HMAC-signed
    tokens. Cost: one pass over the jobs, O(n log k) for n jobs and a page of k.

    >>> definition = "arn:aws:batch:us-east-1:123456789012:job-definition/"
    >>> jobs = [
    ...     {"jobId": "a", "jobName": "train", "status": "SUCCEEDED", "createdAt": 1,
    ...      "jobDefinition": definition + "trainer:1"},
    ...     {"jobId": "b", "jobName": "train", "status": "RUNNING", "createdAt": 2,
    ...      "jobDefinition": definition + "trainer:2"},
    ...     {"jobId": "c", "jobName": "eval", "status": "RUNNING", "createdAt": 3,
    ...      "jobDefinition": definition + "evaluator:1", "arrayProperties": {"size": 2}},
    ...     {"jobId": "c:0", "jobName": "eval", "status": "RUNNING", "createdAt": 4,
    ...      "arrayProperties": {"index": 0}},
    ... ]
    >>> [summary["jobId"] for summary in list_jobs(jobs, {"jobQueue": "q"})["jobSummaryList"]]
    ['c', 'b']
    >>> by_definition = {"jobQueue": "q", "filters": [{"name": "JOB_DEFINITION", "values": ["trainer"]}]}
    >>> [summary["jobId"] for summary in list_jobs(jobs, by_definition)["jobSummaryList"]]
    ['b', 'a']
    >>> list_jobs(jobs, {"arrayJobId": "c"})["jobSummaryList"]
    [{'jobId': 'c:0', 'jobName': 'eval', 'createdAt': 4, 'status': 'RUNNING',
      'arrayProperties': {'index': 0}}]
    >>> list_jobs(jobs, {"jobQueue": "q", "arrayJobId": "c"})
    Traceback (most recent call last):
    ...
    listjobs_core._errors.ClientException: Exactly one of jobQueue, arrayJobId, multiNodeJobId must be \
specified; got jobQueue and arrayJobId
    """
    return run_listing(LIST_JOBS, jobs, request, token_key=token_key)
