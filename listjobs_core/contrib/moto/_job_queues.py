"""Job queues of service environments: what the plug-in adds to moto's CreateJobQueue, UpdateJobQueue,
DescribeJobQueues, DeleteJobQueue and SubmitJob (rule MS-3).

Theory of operation: moto 5.1 to 5.2 accepts ``jobQueueType`` and ignores it, and refuses a queue without
``computeEnvironmentOrder``, which is every queue of service environments. The plug-in steps in only for
requests that carry ``jobQueueType`` or ``serviceEnvironmentOrder`` (every other request is moto's alone,
unchanged):

- a queue with ``serviceEnvironmentOrder`` (type ``SAGEMAKER_TRAINING``) is made here, as a moto
  ``JobQueue`` without compute environments, so moto's own operations (DescribeJobQueues, DeleteJobQueue,
  the tag operations, ListJobs) see it, plus a ``QueueRecord`` of its type and environments;
- a queue with ``jobQueueType`` and compute environments is made by moto, and the plug-in records its type.

DescribeJobQueues then shows ``jobQueueType``, and for a service queue ``serviceEnvironmentOrder`` (each
environment by ARN) and ``jobStateTimeLimitActions``. The model's rules are checked: the type is one of
``JobQueueType``; "A job queue can't have both a serviceEnvironmentOrder and a computeEnvironmentOrder
field"; the environments exist (by name or ARN) and appear once each. A service queue takes service jobs
only: SubmitJob to one is refused, and SubmitServiceJob to any other queue (``service_queue``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from ... import ClientException
from ..._json import json_kind, show
from ...service import integer, object_member, required_string, string, tag_map
from . import _moto
from ._environments import environment_named
from ._members import one_of, required_text
from ._state import QueueRecord, ServiceState

__all__ = [
    "JOB_QUEUE_TYPES",
    "SERVICE_QUEUE_TYPE",
    "create_job_queue",
    "describe_job_queues",
    "forget_deleted_queue",
    "record_job_queue_type",
    "record_of",
    "refuse_service_queue_for_submit_job",
    "service_queue",
    "takes_over_create",
    "update_job_queue",
]

# Model, JobQueueType.
JOB_QUEUE_TYPES = ("EKS", "ECS", "ECS_FARGATE", "SAGEMAKER_TRAINING", "ECS_MANAGED_INSTANCES")
SERVICE_QUEUE_TYPE = "SAGEMAKER_TRAINING"
QUEUE_STATES = ("ENABLED", "DISABLED")
DEFAULT_QUEUE_STATE = "ENABLED"
# Model, CreateJobQueueRequest.jobQueueName: "up to 128 letters long. It can contain uppercase and lowercase
# letters, numbers, hyphens (-), and underscores (_)."
_QUEUE_NAME = re.compile(r"[A-Za-z0-9_-]{1,128}")
# Model, JobStateTimeLimitAction: state "The only supported value is RUNNABLE"; maxTimeSeconds "The minimum
# value is 600 (10 minutes) and the maximum value is 86,400 (24 hours)"; action "For job queues connected to
# a SAGEMAKER_TRAINING service environment, the only supported value is TERMINATE".
_TIME_LIMIT_STATES = ("RUNNABLE",)
_TIME_LIMIT_SECONDS = (600, 86_400)
_SERVICE_TIME_LIMIT_ACTIONS = ("TERMINATE",)
BOTH_ORDERS_MESSAGE = "A job queue can't have both a serviceEnvironmentOrder and a computeEnvironmentOrder"


def record_of(state: ServiceState, queue: Any) -> QueueRecord | None:
    """The plug-in's record of a moto ``JobQueue``, if it has one for that very queue."""
    record = state.queues.get(queue.arn)
    return record if record is not None and record.queue is queue else None


def service_queue(backend: Any, state: ServiceState, identifier: str) -> tuple[Any, QueueRecord]:
    """The ``SAGEMAKER_TRAINING`` queue a name or ARN denotes, with its record (SubmitServiceJob,
    ListServiceJobs). A queue that does not exist keeps moto's own message (as rule LJ-14 does)."""
    queue = backend.get_job_queue(identifier)
    if queue is None:
        raise ClientException(f"Job queue {identifier} does not exist")
    record = record_of(state, queue)
    if record is None or not record.is_service_queue:
        queue_type = "of no jobQueueType" if record is None else f"of type {record.job_queue_type}"
        raise ClientException(
            f"Job queue {identifier} is {queue_type}; "
            f"service jobs need a job queue of type {SERVICE_QUEUE_TYPE}"
        )
    return queue, record


def takes_over_create(request: object) -> bool:
    """Whether a CreateJobQueue request carries what moto does not handle (``jobQueueType``,
    ``serviceEnvironmentOrder``); any other request is moto's alone."""
    return isinstance(request, Mapping) and any(
        request.get(member) is not None for member in ("jobQueueType", "serviceEnvironmentOrder")
    )


def create_job_queue(backend: Any, state: ServiceState, request: Mapping[str, Any]) -> dict[str, Any] | None:
    """CreateJobQueue for a request ``takes_over_create`` chose: the response for a queue of service
    environments, made here; ``None`` for a typed queue of compute environments, which moto makes (the
    caller then records its type with ``record_job_queue_type``)."""
    job_queue_type = request.get("jobQueueType")
    if job_queue_type is not None:
        one_of(job_queue_type, "jobQueueType", JOB_QUEUE_TYPES)
    service_order = request.get("serviceEnvironmentOrder")
    if service_order is None:
        if job_queue_type == SERVICE_QUEUE_TYPE:
            raise ClientException(f"serviceEnvironmentOrder is required for a {SERVICE_QUEUE_TYPE} job queue")
        return None
    if job_queue_type not in (None, SERVICE_QUEUE_TYPE):
        raise ClientException(
            f"serviceEnvironmentOrder needs jobQueueType {SERVICE_QUEUE_TYPE}; got {show(job_queue_type)}"
        )
    if request.get("computeEnvironmentOrder") is not None:
        raise ClientException(BOTH_ORDERS_MESSAGE)
    name = required_string(request, "jobQueueName")
    if not _QUEUE_NAME.fullmatch(name):
        raise ClientException(
            f"jobQueueName must be 1 to 128 letters, digits, hyphens and underscores; got {show(name)}"
        )
    if request.get("priority") is None:
        raise ClientException("priority is required")
    priority = integer(request["priority"], "priority", 0)
    queue_state = DEFAULT_QUEUE_STATE
    if request.get("state") is not None:
        queue_state = one_of(request["state"], "state", QUEUE_STATES)
    policy = (
        None
        if request.get("schedulingPolicyArn") is None
        else string(request["schedulingPolicyArn"], "schedulingPolicyArn")
    )
    queue_tags = None if request.get("tags") is None else tag_map(request["tags"])
    time_limits = _time_limit_actions(request.get("jobStateTimeLimitActions"))
    with state.lock:
        order = _service_environment_order(backend, state, service_order)
        if backend.get_job_queue_by_name(name) is not None:
            raise ClientException(f"Job queue {name} already exists")
        queue = _moto.new_job_queue(backend, name, priority, queue_state, policy, queue_tags)
        _moto.register_job_queue(backend, queue)
        state.queues[queue.arn] = QueueRecord(queue, SERVICE_QUEUE_TYPE, order, time_limits)
    return {"jobQueueName": queue.name, "jobQueueArn": queue.arn}


def record_job_queue_type(backend: Any, state: ServiceState, answer: str, job_queue_type: str) -> None:
    """Record the type of a queue moto has just made (``answer`` is moto's CreateJobQueue response)."""
    arn = json.loads(answer)["jobQueueArn"]
    queue = backend.get_job_queue_by_arn(arn)
    if queue is not None:
        with state.lock:
            state.queues[arn] = QueueRecord(queue, job_queue_type)


def update_job_queue(backend: Any, state: ServiceState, request: object) -> dict[str, Any] | None:
    """UpdateJobQueue of a queue of service environments: the response; ``None`` for any other queue, which
    moto updates (a ``serviceEnvironmentOrder`` for such a queue is refused)."""
    if not isinstance(request, Mapping) or not isinstance(request.get("jobQueue"), str):
        return None
    identifier = request["jobQueue"]
    queue = backend.get_job_queue(identifier)
    if queue is None:
        return None
    record = record_of(state, queue)
    if record is None or not record.is_service_queue:
        if request.get("serviceEnvironmentOrder") is not None:
            raise ClientException(BOTH_ORDERS_MESSAGE)
        return None
    if request.get("computeEnvironmentOrder") is not None:
        raise ClientException(BOTH_ORDERS_MESSAGE)
    queue_state = None if request.get("state") is None else one_of(request["state"], "state", QUEUE_STATES)
    priority = None if request.get("priority") is None else integer(request["priority"], "priority", 0)
    policy = (
        None
        if request.get("schedulingPolicyArn") is None
        else string(request["schedulingPolicyArn"], "schedulingPolicyArn")
    )
    time_limits = _time_limit_actions(request.get("jobStateTimeLimitActions"))
    with state.lock:
        order = None
        if request.get("serviceEnvironmentOrder") is not None:
            order = _service_environment_order(backend, state, request["serviceEnvironmentOrder"])
        backend.update_job_queue(identifier, priority, queue_state, None, policy)
        if order is not None:
            record.service_environment_order = order
        if time_limits is not None:
            record.job_state_time_limit_actions = time_limits
    return {"jobQueueName": queue.name, "jobQueueArn": queue.arn}


def describe_job_queues(backend: Any, state: ServiceState, answer: str) -> str:
    """moto's DescribeJobQueues answer, with what the plug-in knows about each queue added."""
    if not state.queues:
        return answer
    response = json.loads(answer)
    for detail in response.get("jobQueues", []):
        record = state.queues.get(detail.get("jobQueueArn"))
        if record is None or not record.is_live(backend):
            continue
        detail["jobQueueType"] = record.job_queue_type
        if record.is_service_queue:
            detail["serviceEnvironmentOrder"] = [dict(entry) for entry in record.service_environment_order]
            if record.job_state_time_limit_actions is not None:
                detail["jobStateTimeLimitActions"] = [
                    dict(action) for action in record.job_state_time_limit_actions
                ]
    return json.dumps(response)


def forget_deleted_queue(backend: Any, state: ServiceState, queue: Any) -> bool:
    """After moto's DeleteJobQueue: drop the record of a queue now gone; whether it was a service queue."""
    with state.lock:
        record = record_of(state, queue)
        if record is None or record.is_live(backend):
            return False
        del state.queues[queue.arn]
        return record.is_service_queue


def refuse_service_queue_for_submit_job(backend: Any, state: ServiceState, identifier: object) -> None:
    """SubmitJob takes no queue of service environments: those run service jobs only."""
    if not isinstance(identifier, str):
        return
    queue = backend.get_job_queue(identifier)
    record = None if queue is None else record_of(state, queue)
    if record is not None and record.is_service_queue:
        raise ClientException(
            f"Job queue {identifier} is of type {SERVICE_QUEUE_TYPE}; "
            "submit service jobs to it with SubmitServiceJob"
        )


def _service_environment_order(backend: Any, state: ServiceState, value: object) -> list[dict[str, Any]]:
    """Model ``ServiceEnvironmentOrders``: at least one ``{order, serviceEnvironment}``, each environment
    existing and named once; kept in ascending ``order``, each environment by its ARN."""
    if not isinstance(value, list):
        raise ClientException(f"serviceEnvironmentOrder must be a list, got {json_kind(value)}")
    if not value:
        raise ClientException("serviceEnvironmentOrder must name at least one service environment")
    order: list[dict[str, Any]] = []
    for index, item in enumerate(value):
        where = f"serviceEnvironmentOrder[{index}]"
        entry = object_member(item, where)
        if entry.get("order") is None:
            raise ClientException(f"{where}.order is required")
        position = integer(entry["order"], f"{where}.order", 0)
        identifier = required_text(entry, "serviceEnvironment", where)
        environment = environment_named(backend, state, identifier, f"{where}.serviceEnvironment")
        if any(existing["serviceEnvironment"] == environment.arn for existing in order):
            raise ClientException(f"{where}.serviceEnvironment names {environment.name} a second time")
        order.append({"order": position, "serviceEnvironment": environment.arn})
    return sorted(order, key=lambda entry: entry["order"])


def _time_limit_actions(value: object) -> list[dict[str, Any]] | None:
    """Model ``JobStateTimeLimitActions`` for a queue of SageMaker training jobs."""
    if value is None:
        return None
    if not isinstance(value, list):
        raise ClientException(f"jobStateTimeLimitActions must be a list, got {json_kind(value)}")
    actions: list[dict[str, Any]] = []
    for index, item in enumerate(value):
        where = f"jobStateTimeLimitActions[{index}]"
        action = object_member(item, where)
        seconds = action.get("maxTimeSeconds")
        if seconds is None:
            raise ClientException(f"{where}.maxTimeSeconds is required")
        actions.append(
            {
                "reason": required_text(action, "reason", where),
                "state": one_of(action.get("state"), f"{where}.state", _TIME_LIMIT_STATES),
                "maxTimeSeconds": integer(seconds, f"{where}.maxTimeSeconds", *_TIME_LIMIT_SECONDS),
                "action": one_of(action.get("action"), f"{where}.action", _SERVICE_TIME_LIMIT_ACTIONS),
            }
        )
    return actions
