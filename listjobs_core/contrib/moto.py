"""moto's AWS Batch ``ListJobs``, answered by ``listjobs_core.list_jobs`` (rule LJ-14).

Theory of operation: moto (5.1 and later 5.x) routes ``POST /v1/listjobs``, in decorator mode
(``mock_aws``) and in server mode alike, to the method ``listjobs`` of ``moto.batch.responses.BatchResponse``,
which answers every match in one page, oldest first, ignores the created-at filters and accepts two
filters. ``install()`` replaces that one method on the class with ``_listjobs`` below: it reads the request
body, chooses the jobs the request names (a queue's jobs, or a parent job's children), maps each moto job to
a wire ``JobSummary`` (``job_summary``), and lets ``list_jobs`` answer. A ``ListingError`` is raised as
moto raises its own errors (an ``AWSError``: the status code, an ``X-Amzn-ErrorType`` header and a
``{"__type": ..., "message": ...}`` body), which boto3 turns into ``ClientError`` with the code
``ClientException``. ``uninstall()`` puts moto's own method back, the very same function object.

moto is imported only when a function here is called, never by ``import listjobs_core``; its objects are
``Any`` at this boundary (moto's types describe its internals, which this module reads as little as it can:
``describe_short()``, ``job_queue``, ``job_definition``, ``array_properties`` and ``_child_jobs``).

A server started in this process (``moto.server.ThreadedMotoServer``) is covered by ``install()``. For a
separate server process, ``python -m listjobs_core.contrib.moto [moto_server options]`` installs the plug-in
and runs ``moto_server``.
"""

from __future__ import annotations

import importlib
import json
import sys
import threading
from collections.abc import Iterable, Sequence
from typing import Any

from .._errors import ClientException, ListingError
from .._list_jobs import list_jobs
from .._operations import LIST_JOBS
from .._request import parse_request

__all__ = ["install", "is_installed", "job_summary", "main", "uninstall"]

# The BatchResponse method moto dispatches POST /v1/listjobs to ("listjobs", the action in lower case).
_METHOD = "listjobs"
_RESPONSES_MODULE = "moto.batch.responses"
SUPPORTED_MOTO = "moto>=5.1,<6"

_lock = threading.Lock()
# moto's own method, kept while the plug-in is installed.
_saved: dict[str, Any] = {}


def install() -> None:
    """Answer moto's Batch ListJobs with listjobs_core from now on; calling it again changes nothing."""
    response_class = _batch_response_class()
    with _lock:
        current = response_class.__dict__.get(_METHOD)
        if current is _listjobs:
            return
        if not callable(current):
            raise RuntimeError(
                f"moto.batch.responses.BatchResponse has no {_METHOD} method to replace; "
                f"listjobs_core.contrib.moto supports {SUPPORTED_MOTO}"
            )
        _saved[_METHOD] = current
        setattr(response_class, _METHOD, _listjobs)


def uninstall() -> None:
    """Restore moto's own ListJobs exactly; calling it when not installed changes nothing."""
    responses = sys.modules.get(_RESPONSES_MODULE)
    with _lock:
        original = _saved.pop(_METHOD, None)
        if responses is None or original is None:
            return
        response_class = responses.BatchResponse
        if response_class.__dict__.get(_METHOD) is _listjobs:
            setattr(response_class, _METHOD, original)


def is_installed() -> bool:
    """Whether moto's Batch ListJobs is currently answered by listjobs_core."""
    responses = sys.modules.get(_RESPONSES_MODULE)
    return responses is not None and responses.BatchResponse.__dict__.get(_METHOD) is _listjobs


def job_summary(job: Any) -> dict[str, Any]:
    """A moto Batch job as a wire ``JobSummary``, plus ``jobQueue`` (its queue's ARN) for the queue rule.

    moto's own short description gives ``jobArn``, ``jobId``, ``jobName``, ``createdAt``, ``status``,
    ``jobDefinition`` (the revision's ARN), and when they apply ``statusReason``, ``startedAt``,
    ``stoppedAt`` and ``container`` (the exit code). Added here: ``shareIdentifier`` when moto keeps one,
    ``arrayProperties`` (``size`` and ``statusSummary`` for an array parent, ``index`` for a child) and
    ``nodeProperties`` (``numNodes``) for a multi-node parallel job.
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
    return summary


def main(argv: Sequence[str] | None = None) -> None:
    """Run ``moto_server`` (with its own command-line options) with this plug-in installed."""
    install()
    importlib.import_module("moto.server").main(None if argv is None else list(argv))


def _listjobs(self: Any) -> str:
    """``BatchResponse.listjobs`` with listjobs_core semantics; ``self`` is moto's response object."""
    try:
        request = _request_of(self.body)
        response = list_jobs(_jobs_named_by(self.batch_backend, request), request)
    except ListingError as error:
        raise _as_moto_error(error) from None
    return json.dumps(response)


def _request_of(body: object) -> object:
    """The ``ListJobsRequest`` a request body holds; an empty body is the empty request."""
    if isinstance(body, bytes):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError:
            raise ClientException("The request body is not UTF-8") from None
    if not body:
        return {}
    if not isinstance(body, str):
        raise ClientException("The request body is not a JSON object")
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise ClientException("The request body is not valid JSON") from None


def _jobs_named_by(backend: Any, request: object) -> Iterable[dict[str, Any]]:
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
    return (job_summary(job) for job in jobs)


def _as_moto_error(error: ListingError) -> Exception:
    """A listjobs_core error as moto's ``AWSError``, which moto renders as the service's error."""
    exceptions = importlib.import_module("moto.core.exceptions")
    moto_error: Exception = exceptions.AWSError(error.message, error.error_type, error.status_code)
    return moto_error


def _batch_response_class() -> Any:
    try:
        responses = importlib.import_module(_RESPONSES_MODULE)
    except ImportError as error:
        raise ImportError(
            f"listjobs_core.contrib.moto needs moto: pip install 'listjobs-core[moto]' ({SUPPORTED_MOTO})"
        ) from error
    return responses.BatchResponse


if __name__ == "__main__":
    main()
