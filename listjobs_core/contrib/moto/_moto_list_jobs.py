"""moto's AWS Batch ``ListJobs``, answered by ``listjobs_core.list_jobs`` (rule LJ-14).

Theory of operation: moto (5.1 and later 5.x) routes ``POST /v1/listjobs``, in decorator mode
(``mock_aws``) and in server mode alike, to one method of ``moto.batch.responses.BatchResponse`` (``listjobs``
up to moto 5.2.5, ``list_jobs`` from 5.2.6 on), which answers every match in one page, oldest first, ignores
the created-at filters and accepts two filters. ``install()`` (``_install``) replaces that one method on the
class with ``_listjobs`` below: it
reads the request body, chooses the jobs the request names (a queue's jobs, or a parent job's children),
maps each moto job to a wire ``JobSummary`` (``job_summary``), and lets ``list_jobs`` answer. A
``ListingError`` is raised as moto raises its own errors (``_moto.client_error``: the status code, an
``X-Amzn-ErrorType`` header and a ``{"__type": ..., "message": ...}`` body), which boto3 turns into
``ClientError`` with the code ``ClientException``.

moto's objects are ``Any`` at this boundary (moto's types describe its internals, which this module reads
as little as it can: ``describe_short()``, ``job_queue``, ``job_definition``, ``array_properties`` and
``_child_jobs``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from typing import Any

from ... import LIST_JOBS, ClientException, ListingError, list_jobs
from ..._request import parse_request
from ._moto import batch_backend_of, client_error
from ._replies import request_of
from ._state import ServiceState, state_of

__all__ = ["job_summary"]


def job_summary(
    job: Any, cancelled: AbstractSet[str] = frozenset(), terminated: AbstractSet[str] = frozenset()
) -> dict[str, Any]:
    """A moto Batch job as a wire ``JobSummary``, plus ``jobQueue`` (its queue's ARN) for the queue rule.

    moto's own short description gives ``jobArn``, ``jobId``, ``jobName``, ``createdAt``, ``status``,
    ``jobDefinition`` (the revision's ARN), and when they apply ``statusReason``, ``startedAt``,
    ``stoppedAt`` and ``container`` (the exit code). Added here: ``shareIdentifier`` when moto keeps one,
    ``arrayProperties`` (``size`` and ``statusSummary`` for an array parent, ``index`` for a child) and
    ``nodeProperties`` (``numNodes``) for a multi-node parallel job, and ``isCancelled`` or
    ``isTerminated`` when its jobId is among ``cancelled`` or ``terminated``: the jobs whose CancelJob or
    TerminateJob moto accepted.
    """
    summary: dict[str, Any] = dict(job.describe_short())
    summary["jobQueue"] = job.job_queue.arn
    share_identifier = getattr(job, "share_identifier", None)
    if isinstance(share_identifier, str):
        summary["shareIdentifier"] = share_identifier
    children = getattr(job, "_child_jobs", None)
    array_properties = getattr(job, "array_properties", None) or {}
    if children:
        status_summary = dict.fromkeys((status.value for status in LIST_JOBS.statuses), 0)
        for child in children:
            if child.status in status_summary:
                status_summary[child.status] += 1
        summary["arrayProperties"] = {"size": len(children), "statusSummary": status_summary}
    elif isinstance(array_properties.get("index"), int):
        summary["arrayProperties"] = {"index": array_properties["index"]}
    definition = job.job_definition
    node_properties = getattr(definition, "node_properties", None) or {}
    if getattr(definition, "type", None) == "multinode" and isinstance(node_properties.get("numNodes"), int):
        summary["nodeProperties"] = {"numNodes": node_properties["numNodes"]}
    if job.job_id in cancelled:
        summary["isCancelled"] = True
    if job.job_id in terminated:
        summary["isTerminated"] = True
    return summary


def _listjobs(self: Any) -> str:
    """moto's ListJobs method with listjobs_core semantics; ``self`` is moto's response object."""
    try:
        request = request_of(self.body)
        state = state_of(batch_backend_of(self))
        response = list_jobs(_jobs_named_by(self.batch_backend, request, state), request)
    except ListingError as error:
        raise client_error(error) from None
    return json.dumps(response)


def _jobs_named_by(backend: Any, request: object, state: ServiceState) -> Iterable[dict[str, Any]]:
    """The jobs of the queue, or the children of the parent job, that a valid request names, as summaries.

    The request is validated first, so a bad request is refused as ``list_jobs`` refuses it even when it
    names no queue that exists. A queue that does not exist is moto's own ``ClientException``.
    """
    query = parse_request(LIST_JOBS, request)
    if query.job_queue is not None:
        queue = backend.get_job_queue(query.job_queue)
        if queue is None:
            raise ClientException(f"Job queue {query.job_queue} does not exist")
        jobs = list(queue.jobs)
    else:
        parent = backend.get_job_by_id(query.parent_job_id)
        jobs = list(getattr(parent, "_child_jobs", None) or ())
    with state.lock:
        cancelled, terminated = frozenset(state.cancelled_jobs), frozenset(state.terminated_jobs)
    return (job_summary(job, cancelled, terminated) for job in jobs)
