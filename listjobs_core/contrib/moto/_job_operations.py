"""Service jobs: SubmitServiceJob, DescribeServiceJob, ListServiceJobs, TerminateServiceJob(s) and
UpdateServiceJob over one backend's records (rules MS-4 to MS-7, MS-11 to MS-13, and MS-8's catching up).

Theory of operation: each operation is a function of the backend (for its queues and tagger), the
plug-in's ``ServiceState`` for it, the decoded request and a ``Context`` (the time and the transition
moto's state manager holds), and returns the response or raises a ``ListingError``. Every rule on one job
is ``listjobs_core.service``'s, the same the reference endpoint follows: the requests are parsed by its
parsers, and the state's ``JobService`` submits, finds, describes, terminates and updates the jobs. What
is moto's to know (does the queue exist, what type, is it enabled, has it a fair-share policy; tags kept
by moto's tagger; ``capacityUsage`` from the payload) is checked and added here. A change is read, decided
and written under the state's lock, and every status change goes through the service's ``moved_job``, so
the timestamps and derived members always agree with the status. Before an operation reads jobs,
``catch_up`` applies the transitions that are due (MS-8).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ... import LIST_SERVICE_JOBS, ClientException
from ..._json import show
from ..._request import parse_request
from ...service import (
    describe_response,
    moved_job,
    next_status,
    parse_describe_request,
    parse_submit_request,
    parse_terminate_many_request,
    parse_terminate_request,
    parse_update_request,
    submit_response,
    unknown_job,
)
from . import _moto
from ._job_queues import service_queue
from ._moto_queues import registry_of
from ._state import JobProgress, ServiceState
from ._transitions import Transition

__all__ = [
    "Context",
    "capacity_usage",
    "catch_up",
    "describe_service_job",
    "find_job",
    "job_named",
    "list_service_jobs",
    "store_moved",
    "submit_service_job",
    "terminate_queue_jobs",
    "terminate_service_job",
    "terminate_service_jobs",
    "update_service_job",
]


@dataclass(frozen=True)
class Context:
    """What an operation needs besides its request: the time and moto's transition."""

    now_ms: int
    transition: Transition


def submit_service_job(
    backend: Any, state: ServiceState, request: object, context: Context
) -> dict[str, Any]:
    """SubmitServiceJob (MS-4, MS-5): a ``SUBMITTED`` job in an enabled ``SAGEMAKER_TRAINING`` queue."""
    submit = parse_submit_request(request)
    queue, _ = service_queue(backend, state, submit.job_queue)
    if queue.state != "ENABLED":
        # Model, JQState: "If the job queue state is DISABLED, new jobs can't be added to the queue".
        raise ClientException(f"Job queue {submit.job_queue} is {queue.state}; it accepts no new jobs")
    options = dict(submit.options)
    # QS-5 (MS-4, MS-15): the share members the queue's policy calls for, fair-share or quota-share.
    registry = registry_of(backend, state)
    queue_view = registry.queue(queue.arn)
    assert queue_view is not None  # service_queue found it
    registry.check_share_members(queue_view, options)
    # moto's tagger keeps the tags (TagResource and UntagResource change them); the job names moto's queue;
    # MS-11: a job that has not been scheduled has no attempt.
    members = {
        "jobQueue": queue.arn,
        "tags": None,
        "capacityUsage": capacity_usage(submit.service_request_payload),
        "attempts": [],
    }
    with state.lock:
        job = state.service.submit(submit, now_ms=context.now_ms, members=members)
        state.progress[job["jobId"]] = JobProgress(context.now_ms)
        catch_up(state, context)
    job_tags = options.get("tags")
    if job_tags:
        backend.tag_resource(job["jobArn"], job_tags)
    return submit_response(job)


def describe_service_job(
    backend: Any, state: ServiceState, request: object, context: Context
) -> dict[str, Any]:
    """DescribeServiceJob (MS-11): every ``DescribeServiceJobResponse`` member the job has in its status."""
    identifier = parse_describe_request(request)
    with state.lock:
        catch_up(state, context)
        job = job_named(state, identifier)
        if context.transition.progression == "manual":
            job = _tick(state, job, context)
    described = describe_response(job)
    job_tags = _moto.tags_of(backend, job["jobArn"])
    if job_tags:
        described["tags"] = job_tags
    return described


def list_service_jobs(backend: Any, state: ServiceState, request: object, context: Context) -> dict[str, Any]:
    """ListServiceJobs (MS-13): what ``list_service_jobs`` answers over the jobs, tokens included.

    The request is checked first, so a bad one is refused whatever queue it names; a queue it names must
    exist and be of type ``SAGEMAKER_TRAINING``.
    """
    query = parse_request(LIST_SERVICE_JOBS, request)
    if query.job_queue is not None:
        service_queue(backend, state, query.job_queue)
    with state.lock:
        catch_up(state, context)
        return state.jobs.list_service_jobs(request)


def terminate_service_job(
    backend: Any, state: ServiceState, request: object, context: Context
) -> dict[str, Any]:
    """TerminateServiceJob (MS-6, as H-6): an unfinished job becomes ``FAILED`` with the reason and
    isTerminated."""
    identifier, reason = parse_terminate_request(request)
    with state.lock:
        catch_up(state, context)
        state.service.terminate(identifier, reason, now_ms=context.now_ms)
    return {}


def terminate_service_jobs(
    backend: Any, state: ServiceState, request: object, context: Context
) -> dict[str, Any]:
    """TerminateServiceJobs (MS-6, as H-12): TerminateServiceJob for each of up to 50 jobs, each reported in
    ``successful`` or, with a code and a message, in ``errors``."""
    terminate = parse_terminate_many_request(request)
    with state.lock:
        catch_up(state, context)
        return state.service.terminate_many(terminate, now_ms=context.now_ms)


def update_service_job(
    backend: Any, state: ServiceState, request: object, context: Context
) -> dict[str, Any]:
    """UpdateServiceJob (MS-7, as H-11): a new ``schedulingPriority`` for a job that has not finished."""
    identifier, priority = parse_update_request(request)
    with state.lock:
        catch_up(state, context)
        return state.service.update(identifier, priority)


def find_job(states: Any, identifier: object) -> tuple[Any, ServiceState]:
    """The backend and state holding the job a jobId or job ARN names, among ``(backend, state)`` pairs."""
    if not isinstance(identifier, str) or not identifier:
        raise ClientException(f"jobId must be a non-empty string, got {show(identifier)}")
    for backend, state in states:
        try:
            job_named(state, identifier)
        except ClientException:
            continue
        return backend, state
    raise unknown_job(identifier)


def terminate_queue_jobs(state: ServiceState, queue_arn: str, reason: str, now_ms: int) -> None:
    """After DeleteJobQueue: the queue's unfinished jobs are terminated (MS-3; the model's DeleteJobQueue:
    "All jobs in the queue are eventually terminated when you delete a job queue")."""
    with state.lock:
        for job in list(state.jobs):
            if job.get("jobQueue") == queue_arn:
                state.service.terminate_job(job, reason, now_ms=now_ms)


def catch_up(state: ServiceState, context: Context) -> None:
    """Apply the steps a ``time`` or ``immediate`` transition has made due by now (MS-8).

    ``time``: one step along the automatic path per ``seconds`` since the job's last change, each at the
    time it fell due; ``immediate``: every step at once. Costs O(unfinished jobs) under those transitions,
    nothing under ``none`` and ``manual``. Call with the state's lock held.
    """
    transition = context.transition
    if transition.progression not in ("time", "immediate"):
        return
    step_ms = transition.seconds * 1000
    for job_id, progress in list(state.progress.items()):
        job = state.jobs.get(job_id)
        if job is None:
            del state.progress[job_id]
            continue
        changed = False
        while (following := next_status(job.get("status"))) is not None:
            if transition.progression == "immediate":
                at = context.now_ms
            elif progress.changed_at_ms + step_ms <= context.now_ms:
                at = int(progress.changed_at_ms + step_ms)
            else:
                break
            job = moved_job(job, following, at)
            progress.changed_at_ms = at
            changed = True
        if changed:
            state.jobs.put(job)
        if next_status(job.get("status")) is None:
            del state.progress[job_id]


def capacity_usage(payload: str) -> list[dict[str, Any]] | None:
    """MS-4: ``capacityUsage`` from the payload's ``ResourceConfig`` (the model: "The number of instances
    should be the same value as the serviceRequestPayload.InstanceCount field"), when it names both.

    >>> capacity_usage('{"ResourceConfig": {"InstanceType": "ml.g5.xlarge", "InstanceCount": 2}}')
    [{'capacityUnit': 'ml.g5.xlarge', 'quantity': 2.0}]
    >>> capacity_usage("not json") is None
    True
    """
    try:
        document = json.loads(payload)
    except (ValueError, RecursionError):
        return None
    resources = document.get("ResourceConfig") if isinstance(document, dict) else None
    if not isinstance(resources, dict):
        return None
    unit, count = resources.get("InstanceType"), resources.get("InstanceCount")
    if not isinstance(unit, str) or not unit or type(count) is not int or count < 1:
        return None
    return [{"capacityUnit": unit, "quantity": float(count)}]


def job_named(state: ServiceState, identifier: str) -> dict[str, Any]:
    """The job a jobId or its job ARN names (MS-12, as H-9); anything else is the service's unknown-job
    error."""
    return state.service.job(identifier)


def _tick(state: ServiceState, job: dict[str, Any], context: Context) -> dict[str, Any]:
    """MS-8, manual: count one DescribeServiceJob of the job; every ``times`` of them, one step."""
    progress = state.progress.get(job["jobId"])
    following = next_status(job.get("status"))
    if progress is None or following is None:
        return job
    progress.describes += 1
    if progress.describes < context.transition.times:
        return job
    job = moved_job(job, following, context.now_ms)
    store_moved(state, job, context.now_ms)
    return job


def store_moved(state: ServiceState, job: dict[str, Any], now_ms: int) -> None:
    """Write a job whose status may have changed, and restart its progression bookkeeping."""
    state.jobs.put(job)
    if next_status(job.get("status")) is None:
        state.progress.pop(job["jobId"], None)
    else:
        state.progress[job["jobId"]] = JobProgress(now_ms)
