"""Validating the service-job requests: every violation a ``ClientException`` naming the member.

Theory of operation: each parser takes a decoded request (any JSON value) and returns what the operation
needs, checked: ``SubmitServiceJobRequest`` (rule H-4), ``DescribeServiceJobRequest`` (H-5),
``TerminateServiceJobRequest`` (H-6), ``TerminateServiceJobsRequest`` (H-12) and
``UpdateServiceJobRequest`` (H-11), as rules V-1 to V-12 do for listing. A member whose value is null is
absent (IN-4); unknown members are ignored. Every string a request member holds is checked to be valid
Unicode (no lone surrogate) where it is read, so a stored job can always be encoded as UTF-8 (H-4).

The member validators (``string``, ``required_string``, ``integer``, ``object_member``, ``tag_map``) are
shared with the moto plug-in, which checks its own requests (service environments, job queues) the same way.
The shapes come from the service model in botocore (``batch/2016-08-10/service-2.json``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .._arns import JOB_QUEUE, parse_batch_arn
from .._errors import ClientException
from .._jobs import is_valid_unicode
from .._json import json_kind, show

__all__ = [
    "MAX_JOBS_PER_TERMINATE",
    "PRIORITY_RANGE",
    "SERVICE_JOB_TYPES",
    "SubmitServiceJob",
    "TerminateServiceJobs",
    "integer",
    "object_member",
    "parse_describe_request",
    "parse_submit_request",
    "parse_terminate_many_request",
    "parse_terminate_request",
    "parse_update_request",
    "request_object",
    "required_string",
    "string",
    "tag_map",
]

# H-12, model (TerminateServiceJobsRequest.jobs): "An array of up to 50 service job IDs".
MAX_JOBS_PER_TERMINATE = 50

# Model, ServiceJobType: "SAGEMAKER_TRAINING".
SERVICE_JOB_TYPES = ("SAGEMAKER_TRAINING",)


# Model, SubmitServiceJobRequest.jobName: "It can be up to 128 characters long. It can contain uppercase
# and lowercase letters, numbers, hyphens (-), and underscores (_)." The first character must be a letter
# or digit, as for SubmitJob.
_JOB_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")
# Queue names follow the same rule (CreateJobQueue: "up to 128 letters ..., numbers, hyphens, and
# underscores").
_QUEUE_NAME = _JOB_NAME

# Model ranges: schedulingPriority 0-9999, retryStrategy.attempts 1-10, clientToken 1-64 characters,
# tags 1-50 entries with keys of 1-128 and values of at most 256 characters, onStatusReason at most 512.
PRIORITY_RANGE = (0, 9999)
_ATTEMPTS_RANGE = (1, 10)
_CLIENT_TOKEN_LENGTH = (1, 64)
_TAG_COUNT = (1, 50)
_TAG_KEY_LENGTH = (1, 128)
_TAG_VALUE_MAX = 256
_ON_STATUS_REASON_MAX = 512
_RETRY_ACTIONS = ("RETRY", "EXIT")
_INTEGER_MAX = 2**31 - 1  # the model's Integer


# --- SubmitServiceJob ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmitServiceJob:
    """A validated ``SubmitServiceJobRequest``: the members that shape the job, and the client token."""

    job_name: str
    job_queue: str
    service_job_type: str
    service_request_payload: str
    # The optional members the job record keeps as given (wire name to value), in model order.
    options: tuple[tuple[str, Any], ...] = ()
    client_token: str | None = None


def parse_submit_request(request: object) -> SubmitServiceJob:
    """Validate a ``SubmitServiceJobRequest`` (rule H-4); every violation names the member.

    A member whose value is null is absent (IN-4); unknown members are ignored.

    >>> submit = parse_submit_request({"jobName": "train", "jobQueue": "q",
    ...     "serviceJobType": "SAGEMAKER_TRAINING", "serviceRequestPayload": "{}"})
    >>> submit.job_name, submit.job_queue
    ('train', 'q')
    >>> parse_submit_request({"jobName": "train", "jobQueue": "q", "serviceJobType": "SAGEMAKER_TRAINING"})
    Traceback (most recent call last):
    ...
    listjobs_core._errors.ClientException: serviceRequestPayload is required
    """
    request = request_object(request)
    job_name = required_string(request, "jobName")
    if not _JOB_NAME.fullmatch(job_name):
        raise ClientException(
            "jobName must be 1 to 128 letters, digits, hyphens and underscores, starting with a letter or "
            f"digit; got {show(job_name)}"
        )
    job_queue = required_string(request, "jobQueue")
    if not (_is_queue_arn(job_queue) or _QUEUE_NAME.fullmatch(job_queue)):
        raise ClientException(f"jobQueue must be a job queue name or job queue ARN; got {show(job_queue)}")
    service_job_type = required_string(request, "serviceJobType")
    if service_job_type not in SERVICE_JOB_TYPES:
        allowed = ", ".join(SERVICE_JOB_TYPES)
        raise ClientException(f"serviceJobType must be one of {allowed}; got {show(service_job_type)}")
    payload = required_string(request, "serviceRequestPayload")

    options: list[tuple[str, Any]] = []
    retry_strategy = request.get("retryStrategy")
    if retry_strategy is not None:
        options.append(("retryStrategy", _retry_strategy(retry_strategy)))
    priority = request.get("schedulingPriority")
    if priority is not None:
        options.append(("schedulingPriority", integer(priority, "schedulingPriority", *PRIORITY_RANGE)))
    for member in ("shareIdentifier", "quotaShareName"):
        value = request.get(member)
        if value is not None:
            options.append((member, string(value, member)))
    preemption = request.get("preemptionConfiguration")
    if preemption is not None:
        options.append(("preemptionConfiguration", _preemption_configuration(preemption)))
    timeout = request.get("timeoutConfig")
    if timeout is not None:
        options.append(("timeoutConfig", _timeout_config(timeout)))
    tags = request.get("tags")
    if tags is not None:
        options.append(("tags", tag_map(tags)))

    client_token = request.get("clientToken")
    if client_token is not None:
        client_token = string(client_token, "clientToken")
        low, high = _CLIENT_TOKEN_LENGTH
        if not low <= len(client_token) <= high:
            raise ClientException(f"clientToken must be {low} to {high} characters long")
    return SubmitServiceJob(job_name, job_queue, service_job_type, payload, tuple(options), client_token)


def _is_queue_arn(text: str) -> bool:
    """Whether ``text`` is a job queue ARN whose name is a valid queue name."""
    arn = parse_batch_arn(text, JOB_QUEUE)
    return arn is not None and _QUEUE_NAME.fullmatch(arn.resource_id) is not None


# --- DescribeServiceJob -----------------------------------------------------------------------------------


def parse_describe_request(request: object) -> str:
    """The job identifier (an id or an ARN, rule H-9) of a ``DescribeServiceJobRequest``.

    >>> parse_describe_request({"jobId": "j-1"})
    'j-1'
    >>> parse_describe_request({"jobId": ""})
    Traceback (most recent call last):
    ...
    listjobs_core._errors.ClientException: jobId must not be empty
    """
    return required_string(request_object(request), "jobId")


# --- TerminateServiceJob and TerminateServiceJobs --------------------------------------------------------


def parse_terminate_request(request: object) -> tuple[str, str]:
    """The job identifier and reason of a ``TerminateServiceJobRequest``; both required and non-empty.

    >>> parse_terminate_request({"jobId": "j-1", "reason": "no longer needed"})
    ('j-1', 'no longer needed')
    """
    request = request_object(request)
    return required_string(request, "jobId"), required_string(request, "reason")


@dataclass(frozen=True)
class TerminateServiceJobs:
    """A validated ``TerminateServiceJobsRequest``: the job identifiers, in request order, and the reason."""

    jobs: tuple[str, ...]
    reason: str


def parse_terminate_many_request(request: object) -> TerminateServiceJobs:
    """Validate a ``TerminateServiceJobsRequest`` (rule H-12): ``jobs`` a list of 1 to 50 strings, and
    ``reason`` a non-empty string. Whether each string names a job is answered per job, not here.

    >>> parse_terminate_many_request({"jobs": ["a", "b"], "reason": "done"})
    TerminateServiceJobs(jobs=('a', 'b'), reason='done')
    >>> parse_terminate_many_request({"jobs": ["a"] * 51, "reason": "done"})
    Traceback (most recent call last):
    ...
    listjobs_core._errors.ClientException: Maximum number of jobs supported is 50
    """
    request = request_object(request)
    jobs = request.get("jobs")
    if jobs is None:
        raise ClientException("jobs is required")
    if not isinstance(jobs, list):
        raise ClientException(f"jobs must be a list, got {json_kind(jobs)}")
    if not jobs:
        raise ClientException("jobs must hold at least one service job ID")
    if len(jobs) > MAX_JOBS_PER_TERMINATE:
        # Observed (DescribeJobs over its limit of 100): "Maximum number of jobs supported is 100".
        raise ClientException(f"Maximum number of jobs supported is {MAX_JOBS_PER_TERMINATE}")
    identifiers = tuple(string(item, f"jobs[{index}]") for index, item in enumerate(jobs))
    return TerminateServiceJobs(identifiers, required_string(request, "reason"))


# --- UpdateServiceJob -------------------------------------------------------------------------------------


def parse_update_request(request: object) -> tuple[str, int]:
    """The job identifier and the new priority of an ``UpdateServiceJobRequest`` (rule H-11).

    >>> parse_update_request({"jobId": "j-1", "schedulingPriority": 7})
    ('j-1', 7)
    >>> parse_update_request({"jobId": "j-1"})
    Traceback (most recent call last):
    ...
    listjobs_core._errors.ClientException: schedulingPriority is required
    """
    request = request_object(request)
    job_id = required_string(request, "jobId")
    priority = request.get("schedulingPriority")
    if priority is None:
        raise ClientException("schedulingPriority is required")
    return job_id, integer(priority, "schedulingPriority", *PRIORITY_RANGE)


# --- member validation ------------------------------------------------------------------------------------


def request_object(request: object) -> Mapping[str, Any]:
    """The request as a mapping; anything else is a ``ClientException``."""
    if not isinstance(request, Mapping):
        raise ClientException(f"The request must be a JSON object, got {json_kind(request)}")
    return request


def string(value: object, member: str) -> str:
    """A string member of valid Unicode.

    >>> string(5, "jobName")
    Traceback (most recent call last):
    ...
    listjobs_core._errors.ClientException: jobName must be a string, got an integer
    """
    if not isinstance(value, str):
        raise ClientException(f"{member} must be a string, got {json_kind(value)}")
    # H-4: "every string a request member holds is valid Unicode", so every stored job encodes as UTF-8.
    if not is_valid_unicode(value):
        raise ClientException(f"{member} must be valid Unicode: it holds a lone surrogate")
    return value


def required_string(request: Mapping[str, Any], member: str, *, named: str | None = None) -> str:
    """A required, non-empty string member; messages call it ``named`` (a nested member's place, say),
    else ``member``."""
    name = member if named is None else named
    value = request.get(member)
    if value is None:
        raise ClientException(f"{name} is required")
    text = string(value, name)
    if not text:
        raise ClientException(f"{name} must not be empty")
    return text


def integer(value: object, member: str, low: int, high: int = _INTEGER_MAX) -> int:
    """An integer member from ``low`` to ``high`` (the model's Integer at most); a bool is no integer."""
    if type(value) is not int or not low <= value <= high:
        raise ClientException(f"{member} must be an integer from {low} to {high}, got {show(value)}")
    return value


def object_member(value: object, member: str) -> Mapping[str, Any]:
    """An object member (a JSON object, a mapping once decoded)."""
    if not isinstance(value, Mapping):
        raise ClientException(f"{member} must be an object, got {json_kind(value)}")
    return value


def _retry_strategy(value: object) -> dict[str, Any]:
    strategy = object_member(value, "retryStrategy")
    attempts = strategy.get("attempts")
    if attempts is None:
        raise ClientException("retryStrategy.attempts is required")
    checked: dict[str, Any] = {"attempts": integer(attempts, "retryStrategy.attempts", *_ATTEMPTS_RANGE)}
    conditions = strategy.get("evaluateOnExit")
    if conditions is not None:
        if not isinstance(conditions, list):
            raise ClientException(f"retryStrategy.evaluateOnExit must be a list, got {json_kind(conditions)}")
        checked["evaluateOnExit"] = [_evaluate_on_exit(item, index) for index, item in enumerate(conditions)]
    return checked


def _evaluate_on_exit(value: object, index: int) -> dict[str, str]:
    where = f"retryStrategy.evaluateOnExit[{index}]"
    condition = object_member(value, where)
    checked: dict[str, str] = {}
    action = condition.get("action")
    if action is not None:
        if action not in _RETRY_ACTIONS:
            raise ClientException(f"{where}.action must be one of RETRY, EXIT; got {show(action)}")
        checked["action"] = action
    reason = condition.get("onStatusReason")
    if reason is not None:
        reason = string(reason, f"{where}.onStatusReason")
        if len(reason) > _ON_STATUS_REASON_MAX:
            limit = _ON_STATUS_REASON_MAX
            raise ClientException(f"{where}.onStatusReason must be at most {limit} characters")
        checked["onStatusReason"] = reason
    return checked


def _preemption_configuration(value: object) -> dict[str, int]:
    configuration = object_member(value, "preemptionConfiguration")
    retries = configuration.get("preemptionRetriesBeforeTermination")
    if retries is None:
        return {}
    member = "preemptionConfiguration.preemptionRetriesBeforeTermination"
    return {"preemptionRetriesBeforeTermination": integer(retries, member, 0)}


def _timeout_config(value: object) -> dict[str, int]:
    configuration = object_member(value, "timeoutConfig")
    seconds = configuration.get("attemptDurationSeconds")
    if seconds is None:
        return {}
    return {"attemptDurationSeconds": integer(seconds, "timeoutConfig.attemptDurationSeconds", 1)}


def tag_map(value: object) -> dict[str, str]:
    """A ``tags`` member: 1 to 50 tags, keys of 1 to 128 characters, values of at most 256.

    >>> tag_map({"team": "a"})
    {'team': 'a'}
    """
    tags = object_member(value, "tags")
    low, high = _TAG_COUNT
    if not low <= len(tags) <= high:
        raise ClientException(f"tags must hold {low} to {high} tags, got {len(tags)}")
    checked: dict[str, str] = {}
    key_low, key_high = _TAG_KEY_LENGTH
    for key, tag_value in tags.items():
        key = string(key, "tags keys")
        if not key_low <= len(key) <= key_high:
            raise ClientException(f"tags keys must be {key_low} to {key_high} characters, got {show(key)}")
        text = string(tag_value, f"tags[{key!r}]")
        if len(text) > _TAG_VALUE_MAX:
            raise ClientException(f"tags[{key!r}] must be at most {_TAG_VALUE_MAX} characters")
        checked[key] = text
    return checked
