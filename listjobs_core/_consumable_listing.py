"""ListJobsByConsumableResource: the same engine, run on the ``LIST_JOBS_BY_CONSUMABLE_RESOURCE`` table
(rules CR-1 to CR-9).

Theory of operation: the operation lists the Batch jobs (the jobs ``list_jobs`` lists) that require one
consumable resource. It differs from ListJobs only in its description in ``_operations`` (the resource
member in the place of a queue, filters that narrow together, every status by default, newest first
under JOB_NAME, its summary members and response member); its own rules have their homes in
``_consumable`` (which resource an identifier denotes, what a job requires), ``_request`` (the resource and
the filters), ``_selection`` (the resource step), ``_wire`` (its summaries) and ``_tokens`` (the binding to
the resource). Everything else is the shared engine, ``_listing.run_listing``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ._listing import run_listing
from ._model import JobLike
from ._operations import LIST_JOBS_BY_CONSUMABLE_RESOURCE

__all__ = ["list_jobs_by_consumable_resource"]


def list_jobs_by_consumable_resource(
    jobs: Iterable[JobLike],
    request: object,
    *,
    token_key: bytes | None = None,
) -> dict[str, Any]:
    """Answer a ListJobsByConsumableResource request over ``jobs``, as AWS Batch does.

    ``jobs`` are Batch jobs as ``list_jobs`` takes them, with ``jobArn``, ``jobQueue`` and, for those that
    require consumable resources, ``consumableResourceProperties`` (the model's ``JobDetail`` member:
    ``{"consumableResourceList": [{"consumableResource": NAME_OR_ARN, "quantity": N}, ...]}``).
    ``request`` is a ``ListJobsByConsumableResourceRequest`` as a JSON body decodes to: the resource
    (``consumableResource``, a name or an ARN, required), ``filters`` (at most one ``JOB_STATUS`` and one
    ``JOB_NAME``), ``maxResults`` (1 to 100, default 100) and ``nextToken``. Returns a
    ``ListJobsByConsumableResourceResponse`` dict: ``jobs``, newest first, each with the job's ``quantity``
    of the resource. Raises ``ClientException`` for any bad request and ``ServerException`` for a
    malformed job; ``token_key`` is an optional secret for HMAC-signed tokens. Cost: one pass over the
    jobs, O(n log k) for n jobs and a page of k.

    >>> def job(job_id, status, created_at, *needs):
    ...     return {"jobId": job_id, "jobName": f"train-{job_id}", "status": status, "createdAt": created_at,
    ...             "jobArn": f"arn:aws:batch:us-east-1:123456789012:job/{job_id}", "jobQueue": "gpu",
    ...             "consumableResourceProperties": {"consumableResourceList": [
    ...                 {"consumableResource": resource, "quantity": 2} for resource in needs]}}
    >>> jobs = [job("a", "RUNNING", 1, "licenses"), job("b", "RUNNABLE", 2, "licenses", "seats"),
    ...         job("c", "RUNNING", 3, "seats")]
    >>> page = list_jobs_by_consumable_resource(jobs, {"consumableResource": "licenses"})
    >>> [(summary["jobName"], summary["jobStatus"], summary["quantity"]) for summary in page["jobs"]]
    [('train-b', 'RUNNABLE', 2), ('train-a', 'RUNNING', 2)]
    >>> page["jobs"][0]["jobQueueArn"]
    'arn:aws:batch:us-east-1:123456789012:job-queue/gpu'
    >>> arn = "arn:aws:batch:us-east-1:123456789012:consumable-resource/licenses"
    >>> running = {"consumableResource": arn, "filters": [{"name": "JOB_STATUS", "values": ["RUNNING"]}]}
    >>> [summary["jobName"] for summary in list_jobs_by_consumable_resource(jobs, running)["jobs"]]
    ['train-a']
    >>> list_jobs_by_consumable_resource(jobs, {})
    Traceback (most recent call last):
    ...
    listjobs_core._errors.ClientException: consumableResource is required
    """
    return run_listing(LIST_JOBS_BY_CONSUMABLE_RESOURCE, jobs, request, token_key=token_key)
