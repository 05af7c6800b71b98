"""Scheduling policies and job queues: validating their requests and describing them (rules QS-1, QS-2).

Theory of operation: a scheduling policy is of exactly one kind, fair-share or quota-share (the model,
CreateSchedulingPolicyRequest: "Only one of fairsharePolicy or quotaSharePolicy can be set"); a job
queue has a name, a priority, a state and, optionally, the ARN of a scheduling policy, which decides how
its RUNNABLE jobs are ordered (``scheduling_kind``) and which share members SubmitServiceJob takes
(QS-5). The parsers here check a request and return a record; ``_registry.QueueRegistry`` keeps the
records and answers the operations. Every violation is a ``ClientException`` naming the member; null
members are absent and unknown members ignored, as for every request (IN-4).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .._arns import JOB_QUEUE, parse_batch_arn
from .._errors import ClientException
from .._json import json_kind, show
from .._snapshot import FAIR_SHARE, FIFO, QUOTA_SHARE  # the kinds of queue order (SN-2)
from ._requests import integer, object_member, request_object, required_string, string, tag_map

__all__ = [
    "FAIR_SHARE",
    "FIFO",
    "JOB_QUEUE_TYPES",
    "QUEUE_STATES",
    "QUOTA_SHARE",
    "JobQueue",
    "SchedulingPolicy",
    "parse_create_job_queue",
    "parse_create_scheduling_policy",
    "parse_snapshot_request",
    "resource_name",
]


# Model enums: JQState, JobQueueType, QuotaShareIdleResourceAssignmentStrategy.
QUEUE_STATES = ("ENABLED", "DISABLED")
JOB_QUEUE_TYPES = ("EKS", "ECS", "ECS_FARGATE", "SAGEMAKER_TRAINING", "ECS_MANAGED_INSTANCES")
_IDLE_STRATEGIES = ("FIFO",)

# Model, CreateSchedulingPolicyRequest.name and CreateJobQueueRequest.jobQueueName: "It can be up to 128
# letters long. It can contain uppercase and lowercase letters, numbers, hyphens (-), and underscores (_)."
_NAME = re.compile(r"[A-Za-z0-9_-]{1,128}")
# Model, FairsharePolicy: shareDecaySeconds "The maximum supported value is 604800"; computeReservation
# "The minimum value is 0 and the maximum value is 99"; ShareAttributes.weightFactor "The smallest
# supported value is 0.0001, and the largest supported value is 999.9999"; shareIdentifier "limited to 255
# alphanumeric characters, and can be followed by an asterisk".
_SHARE_DECAY_SECONDS = (0, 604800)
_COMPUTE_RESERVATION = (0, 99)
_WEIGHT_FACTOR = (0.0001, 999.9999)
_SHARE_IDENTIFIER_MAX = 255


def resource_name(request: Mapping[str, Any], member: str) -> str:
    """A required resource name (a policy's, a queue's, a quota share's): 1 to 128 letters, digits,
    hyphens and underscores, any of them first (the model states no first-character rule).

    >>> resource_name({"name": "gpu-share"}, "name")
    'gpu-share'
    >>> resource_name({"name": "a b"}, "name")
    Traceback (most recent call last):
    ...
    listjobs_core._errors.ClientException: name must be 1 to 128 letters, ...; got 'a b'
    """
    name = required_string(request, member)
    if not _NAME.fullmatch(name):
        raise ClientException(
            f"{member} must be 1 to 128 letters, digits, hyphens and underscores; got {show(name)}"
        )
    return name


@dataclass(frozen=True)
class SchedulingPolicy:
    """A scheduling policy: its name and ARN, its kind (``FAIR_SHARE`` or ``QUOTA_SHARE``), the policy
    member as validated, and its tags."""

    name: str
    arn: str
    kind: str
    policy: dict[str, Any]
    tags: dict[str, str] | None = None

    def detail(self) -> dict[str, Any]:
        """The policy as ``SchedulingPolicyDetail``."""
        member = "fairsharePolicy" if self.kind == FAIR_SHARE else "quotaSharePolicy"
        detail: dict[str, Any] = {"name": self.name, "arn": self.arn, member: dict(self.policy)}
        if self.tags:
            detail["tags"] = dict(self.tags)
        return detail


def parse_create_scheduling_policy(request: object) -> tuple[str, str, dict[str, Any], dict[str, str] | None]:
    """Validate a ``CreateSchedulingPolicyRequest``: the name, the kind, the policy member and the tags.

    QS-1: exactly one of ``fairsharePolicy`` and ``quotaSharePolicy`` is set; a request with neither is a
    fair-share policy with the model's defaults (as every policy was before quota shares).

    >>> parse_create_scheduling_policy({"name": "p", "quotaSharePolicy": {"idleResourceAssignmentStrategy":
    ...     "FIFO"}})[:2]
    ('p', 'QUOTA_SHARE')
    >>> parse_create_scheduling_policy({"name": "p"})[:3]
    ('p', 'FAIR_SHARE', {})
    >>> parse_create_scheduling_policy({"name": "p", "fairsharePolicy": {}, "quotaSharePolicy": {}})
    Traceback (most recent call last):
    ...
    listjobs_core._errors.ClientException: Only one of fairsharePolicy or quotaSharePolicy can be set
    """
    request = request_object(request)
    name = resource_name(request, "name")
    fair_share, quota_share = request.get("fairsharePolicy"), request.get("quotaSharePolicy")
    if fair_share is not None and quota_share is not None:
        # Model, CreateSchedulingPolicyRequest: "Only one of fairsharePolicy or quotaSharePolicy can be set."
        raise ClientException("Only one of fairsharePolicy or quotaSharePolicy can be set")
    tags = None if request.get("tags") is None else tag_map(request["tags"])
    if quota_share is not None:
        return name, QUOTA_SHARE, _quota_share_policy(quota_share), tags
    return name, FAIR_SHARE, {} if fair_share is None else _fairshare_policy(fair_share), tags


def _quota_share_policy(value: object) -> dict[str, Any]:
    policy = object_member(value, "quotaSharePolicy")
    member = "quotaSharePolicy.idleResourceAssignmentStrategy"
    strategy = required_string(policy, "idleResourceAssignmentStrategy", named=member)
    if strategy not in _IDLE_STRATEGIES:
        raise ClientException(f"{member} must be one of {', '.join(_IDLE_STRATEGIES)}; got {show(strategy)}")
    return {"idleResourceAssignmentStrategy": strategy}


def _fairshare_policy(value: object) -> dict[str, Any]:
    policy = object_member(value, "fairsharePolicy")
    checked: dict[str, Any] = {}
    for member, bounds in (
        ("shareDecaySeconds", _SHARE_DECAY_SECONDS),
        ("computeReservation", _COMPUTE_RESERVATION),
    ):
        if policy.get(member) is not None:
            checked[member] = integer(policy[member], f"fairsharePolicy.{member}", *bounds)
    distribution = policy.get("shareDistribution")
    if distribution is not None:
        if not isinstance(distribution, list):
            raise ClientException(
                f"fairsharePolicy.shareDistribution must be a list, got {json_kind(distribution)}"
            )
        checked["shareDistribution"] = [
            _share_attributes(item, index) for index, item in enumerate(distribution)
        ]
    return checked


def _share_attributes(value: object, index: int) -> dict[str, Any]:
    where = f"fairsharePolicy.shareDistribution[{index}]"
    attributes = object_member(value, where)
    identifier = required_string(attributes, "shareIdentifier", named=f"{where}.shareIdentifier")
    if len(identifier) > _SHARE_IDENTIFIER_MAX:
        raise ClientException(f"{where}.shareIdentifier must be at most {_SHARE_IDENTIFIER_MAX} characters")
    checked: dict[str, Any] = {"shareIdentifier": identifier}
    weight = attributes.get("weightFactor")
    if weight is not None:
        low, high = _WEIGHT_FACTOR
        if type(weight) not in (int, float) or not low <= weight <= high:
            raise ClientException(
                f"{where}.weightFactor must be a number from {low} to {high}, got {show(weight)}"
            )
        checked["weightFactor"] = weight
    return checked


@dataclass(frozen=True)
class JobQueue:
    """A job queue the registry holds: what CreateJobQueue gave, validated, with its ARN."""

    name: str
    arn: str
    priority: int
    state: str = "ENABLED"
    scheduling_policy_arn: str | None = None
    job_queue_type: str | None = None
    compute_environment_order: tuple[dict[str, Any], ...] = ()
    service_environment_order: tuple[dict[str, Any], ...] | None = None
    tags: dict[str, str] | None = None

    def detail(self) -> dict[str, Any]:
        """The queue as ``JobQueueDetail``: always ``computeEnvironmentOrder`` (the model requires it; ``[]``
        for a queue without compute environments), status ``VALID`` (nothing is provisioned)."""
        detail: dict[str, Any] = {
            "jobQueueName": self.name,
            "jobQueueArn": self.arn,
            "state": self.state,
            "status": "VALID",
            "statusReason": "JobQueue Healthy",
            "priority": self.priority,
            "computeEnvironmentOrder": [dict(item) for item in self.compute_environment_order],
        }
        if self.scheduling_policy_arn is not None:
            detail["schedulingPolicyArn"] = self.scheduling_policy_arn
        if self.service_environment_order is not None:
            detail["serviceEnvironmentOrder"] = [dict(item) for item in self.service_environment_order]
        if self.job_queue_type is not None:
            detail["jobQueueType"] = self.job_queue_type
        if self.tags:
            detail["tags"] = dict(self.tags)
        return detail


def parse_create_job_queue(request: object, arn_of: Any) -> JobQueue:
    """Validate a ``CreateJobQueueRequest`` (QS-2); ``arn_of`` makes the queue's ARN from its name.

    ``jobQueueType`` absent is ``SAGEMAKER_TRAINING`` when ``serviceEnvironmentOrder`` is given, and
    unknown otherwise. The environments named are recorded, not looked up: the endpoint has none.

    >>> queue = parse_create_job_queue({"jobQueueName": "q", "priority": 1, "serviceEnvironmentOrder":
    ...     [{"order": 1, "serviceEnvironment": "env"}]}, lambda name: "arn/" + name)
    >>> queue.arn, queue.job_queue_type, queue.state
    ('arn/q', 'SAGEMAKER_TRAINING', 'ENABLED')
    """
    request = request_object(request)
    name = resource_name(request, "jobQueueName")
    if request.get("priority") is None:
        raise ClientException("priority is required")
    priority = integer(request["priority"], "priority", 0)
    state = request.get("state", None) or "ENABLED"
    if state not in QUEUE_STATES:
        raise ClientException(f"state must be one of {', '.join(QUEUE_STATES)}; got {show(state)}")
    policy_arn = None
    if request.get("schedulingPolicyArn") is not None:
        policy_arn = string(request["schedulingPolicyArn"], "schedulingPolicyArn")
    compute = _environment_order(
        request.get("computeEnvironmentOrder"), "computeEnvironmentOrder", "computeEnvironment"
    )
    service = _environment_order(
        request.get("serviceEnvironmentOrder"), "serviceEnvironmentOrder", "serviceEnvironment"
    )
    if compute is not None and service is not None:
        # Model, CreateJobQueueRequest.serviceEnvironmentOrder: "A job queue can't have both a
        # serviceEnvironmentOrder and a computeEnvironmentOrder field."
        raise ClientException(
            "A job queue can't have both a serviceEnvironmentOrder and a computeEnvironmentOrder"
        )
    queue_type = request.get("jobQueueType")
    if queue_type is not None and queue_type not in JOB_QUEUE_TYPES:
        raise ClientException(
            f"jobQueueType must be one of {', '.join(JOB_QUEUE_TYPES)}; got {show(queue_type)}"
        )
    if queue_type is None and service is not None:
        queue_type = "SAGEMAKER_TRAINING"
    tags = None if request.get("tags") is None else tag_map(request["tags"])
    return JobQueue(
        name,
        arn_of(name),
        priority,
        state,
        policy_arn,
        queue_type,
        compute or (),
        service,
        tags,
    )


def _environment_order(value: object, member: str, environment: str) -> tuple[dict[str, Any], ...] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise ClientException(f"{member} must be a list, got {json_kind(value)}")
    checked = []
    for index, item in enumerate(value):
        where = f"{member}[{index}]"
        entry = object_member(item, where)
        if entry.get("order") is None:
            raise ClientException(f"{where}.order is required")
        checked.append(
            {
                "order": integer(entry["order"], f"{where}.order", 0),
                environment: required_string(entry, environment, named=f"{where}.{environment}"),
            }
        )
    return tuple(checked)


def parse_snapshot_request(request: object) -> str:
    """The job queue of a ``GetJobQueueSnapshotRequest`` (SN-1): required, a queue name or a queue ARN.

    >>> parse_snapshot_request({"jobQueue": "arn:aws:batch:us-east-1:123456789012:job-queue/q"})
    'arn:aws:batch:us-east-1:123456789012:job-queue/q'
    >>> parse_snapshot_request({"jobQueue": "a/b"})
    Traceback (most recent call last):
    ...
    listjobs_core._errors.ClientException: jobQueue must be a job queue name or job queue ARN; got 'a/b'
    """
    queue = required_string(request_object(request), "jobQueue")
    arn = parse_batch_arn(queue, JOB_QUEUE)
    if not _NAME.fullmatch(queue if arn is None else arn.resource_id):
        raise ClientException(f"jobQueue must be a job queue name or job queue ARN; got {show(queue)}")
    return queue
