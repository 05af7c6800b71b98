"""Submitting, describing and terminating one service job: the job-level rules of the reference endpoint.

Theory of operation: the endpoint (``_service`` holds the jobs, ``_server`` speaks HTTP) answers three
operations besides ListServiceJobs. Everything they decide about a single job lives here, as pure
functions over wire-shaped dicts, with the clock and the new job id passed in: validating
``SubmitServiceJobRequest``, ``DescribeServiceJobRequest`` and ``TerminateServiceJobRequest`` (every
violation a ``ClientException`` naming the member, as rules V-1 to V-12 do for listing), building the
record of a submitted job (rule H-4), the describe projection (H-5) and the termination (H-6). Records are
plain dicts in the wire shape of ``DescribeServiceJobResponse``, so the listing engine reads them as they
are (it projects them to ``ServiceJobSummary``, rule W-2). No function here mutates its arguments.

The shapes come from the service model in botocore (``batch/2016-08-10/service-2.json``).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .._arns import JOB_QUEUE, SERVICE_JOB, batch_arn, parse_batch_arn
from .._errors import ClientException
from .._json import json_kind, show
from .._wire import to_summary

__all__ = [
    "DEFAULT_ACCOUNT",
    "DEFAULT_REGION",
    "DESCRIBE_MEMBERS",
    "FINISHED_STATUSES",
    "SERVICE_JOB_TYPES",
    "SUBMITTED_STATUS",
    "SubmitServiceJob",
    "describe_response",
    "job_arn",
    "new_service_job",
    "parse_describe_request",
    "parse_submit_request",
    "parse_terminate_request",
    "queue_arn",
    "reused_client_token",
    "submit_response",
    "terminated",
    "unknown_job",
]

# --- decisions (rules H-4 to H-6 of docs/SEMANTICS.md) ---------------------------------------------------

# H-4: the region and account in the ARNs of submitted jobs and their queues; the demo jobs use the same.
DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT = "123456789012"

# H-4: "a submitted job starts in SUBMITTED"; nothing here moves it on (there is no scheduler).
SUBMITTED_STATUS = "SUBMITTED"

# H-6: "Terminating a job that has already finished (SUCCEEDED or FAILED) changes nothing", as TerminateJob
# leaves jobs in a terminal state alone.
FINISHED_STATUSES = frozenset({"SUCCEEDED", "FAILED"})
TERMINATED_STATUS = "FAILED"

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
_PRIORITY_RANGE = (0, 9999)
_ATTEMPTS_RANGE = (1, 10)
_CLIENT_TOKEN_LENGTH = (1, 64)
_TAG_COUNT = (1, 50)
_TAG_KEY_LENGTH = (1, 128)
_TAG_VALUE_MAX = 256
_ON_STATUS_REASON_MAX = 512
_RETRY_ACTIONS = ("RETRY", "EXIT")
_INTEGER_MAX = 2**31 - 1  # the model's Integer

# Model, DescribeServiceJobResponse: the members a describe answer may carry (H-5).
DESCRIBE_MEMBERS = (
    "attempts",
    "capacityUsage",
    "createdAt",
    "isTerminated",
    "jobArn",
    "jobId",
    "jobName",
    "jobQueue",
    "latestAttempt",
    "retryStrategy",
    "scheduledAt",
    "schedulingPriority",
    "serviceRequestPayload",
    "serviceJobType",
    "shareIdentifier",
    "quotaShareName",
    "preemptionConfiguration",
    "preemptionSummary",
    "startedAt",
    "status",
    "statusReason",
    "stoppedAt",
    "tags",
    "timeoutConfig",
)


# --- ARNs -------------------------------------------------------------------------------------------------


def job_arn(job_id: str, region: str = DEFAULT_REGION, account: str = DEFAULT_ACCOUNT) -> str:
    """The ARN of a service job.

    >>> job_arn("j-1")
    'arn:aws:batch:us-east-1:123456789012:service-job/j-1'
    """
    return batch_arn(SERVICE_JOB, job_id, region, account)


def queue_arn(queue: str, region: str = DEFAULT_REGION, account: str = DEFAULT_ACCOUNT) -> str:
    """The ARN a queue name or ARN denotes: an ARN is kept as given, a name gets the default region/account.

    >>> queue_arn("training")
    'arn:aws:batch:us-east-1:123456789012:job-queue/training'
    >>> queue_arn("arn:aws:batch:eu-west-1:1:job-queue/training")
    'arn:aws:batch:eu-west-1:1:job-queue/training'
    """
    if _is_queue_arn(queue):
        return queue
    return batch_arn(JOB_QUEUE, queue, region, account)


def _is_queue_arn(text: str) -> bool:
    """Whether ``text`` is a job queue ARN whose name is a valid queue name."""
    arn = parse_batch_arn(text, JOB_QUEUE)
    return arn is not None and _QUEUE_NAME.fullmatch(arn.resource_id) is not None


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
    request = _request_object(request)
    job_name = _required_string(request, "jobName")
    if not _JOB_NAME.fullmatch(job_name):
        raise ClientException(
            "jobName must be 1 to 128 letters, digits, hyphens and underscores, starting with a letter or "
            f"digit; got {show(job_name)}"
        )
    job_queue = _required_string(request, "jobQueue")
    if not (_is_queue_arn(job_queue) or _QUEUE_NAME.fullmatch(job_queue)):
        raise ClientException(f"jobQueue must be a job queue name or job queue ARN; got {show(job_queue)}")
    service_job_type = _required_string(request, "serviceJobType")
    if service_job_type not in SERVICE_JOB_TYPES:
        allowed = ", ".join(SERVICE_JOB_TYPES)
        raise ClientException(f"serviceJobType must be one of {allowed}; got {show(service_job_type)}")
    payload = _required_string(request, "serviceRequestPayload")

    options: list[tuple[str, Any]] = []
    retry_strategy = request.get("retryStrategy")
    if retry_strategy is not None:
        options.append(("retryStrategy", _retry_strategy(retry_strategy)))
    priority = request.get("schedulingPriority")
    if priority is not None:
        options.append(("schedulingPriority", _integer(priority, "schedulingPriority", *_PRIORITY_RANGE)))
    for member in ("shareIdentifier", "quotaShareName"):
        value = request.get(member)
        if value is not None:
            options.append((member, _string(value, member)))
    preemption = request.get("preemptionConfiguration")
    if preemption is not None:
        options.append(("preemptionConfiguration", _preemption_configuration(preemption)))
    timeout = request.get("timeoutConfig")
    if timeout is not None:
        options.append(("timeoutConfig", _timeout_config(timeout)))
    tags = request.get("tags")
    if tags is not None:
        options.append(("tags", _tags(tags)))

    client_token = request.get("clientToken")
    if client_token is not None:
        client_token = _string(client_token, "clientToken")
        low, high = _CLIENT_TOKEN_LENGTH
        if not low <= len(client_token) <= high:
            raise ClientException(f"clientToken must be {low} to {high} characters long")
    return SubmitServiceJob(job_name, job_queue, service_job_type, payload, tuple(options), client_token)


def new_service_job(
    submit: SubmitServiceJob,
    *,
    job_id: str,
    now_ms: int,
    region: str = DEFAULT_REGION,
    account: str = DEFAULT_ACCOUNT,
) -> dict[str, Any]:
    """The record of a newly submitted job (rule H-4), in the wire shape of ``DescribeServiceJobResponse``.

    >>> submit = parse_submit_request({"jobName": "train", "jobQueue": "q", "shareIdentifier": "teamA",
    ...     "serviceJobType": "SAGEMAKER_TRAINING", "serviceRequestPayload": "{}"})
    >>> job = new_service_job(submit, job_id="j-1", now_ms=1000)
    >>> job["status"], job["createdAt"], job["jobQueue"], job["shareIdentifier"], "startedAt" in job
    ('SUBMITTED', 1000, 'arn:aws:batch:us-east-1:123456789012:job-queue/q', 'teamA', False)
    """
    job: dict[str, Any] = {
        "jobArn": job_arn(job_id, region, account),
        "jobId": job_id,
        "jobName": submit.job_name,
        "jobQueue": queue_arn(submit.job_queue, region, account),
        "serviceJobType": submit.service_job_type,
        "serviceRequestPayload": submit.service_request_payload,
        "status": SUBMITTED_STATUS,
        "createdAt": now_ms,
        "isTerminated": False,
    }
    for member, value in submit.options:
        job[member] = copy.deepcopy(value)
    return job


def submit_response(job: Mapping[str, Any]) -> dict[str, Any]:
    """The ``SubmitServiceJobResponse`` for a submitted job: ``jobArn``, ``jobName`` and ``jobId``."""
    return {"jobArn": job["jobArn"], "jobName": job["jobName"], "jobId": job["jobId"]}


# --- DescribeServiceJob -----------------------------------------------------------------------------------


def parse_describe_request(request: object) -> str:
    """The job id of a ``DescribeServiceJobRequest``.

    >>> parse_describe_request({"jobId": "j-1"})
    'j-1'
    >>> parse_describe_request({"jobId": ""})
    Traceback (most recent call last):
    ...
    listjobs_core._errors.ClientException: jobId must not be empty
    """
    return _required_string(_request_object(request), "jobId")


def describe_response(job: Mapping[str, Any]) -> dict[str, Any]:
    """The ``DescribeServiceJobResponse`` of a job: its describe members that are present (rule H-5).

    A member the job lacks is absent, never null: a job that has not started has no ``startedAt``, although
    the model marks it required. The answer shares nothing mutable with the job.

    >>> describe_response({"jobId": "j", "jobName": "n", "status": "SUBMITTED", "version": 2})
    {'jobId': 'j', 'jobName': 'n', 'status': 'SUBMITTED'}
    """
    return to_summary(job, DESCRIBE_MEMBERS)


def unknown_job(job_id: str) -> ClientException:
    """The error for a job id that names no job."""
    return ClientException(f"jobId {show(job_id)} does not identify a service job")


def reused_client_token(client_token: str) -> ClientException:
    """The error for a SubmitServiceJob whose ``clientToken`` an earlier submit already used (rule H-7)."""
    return ClientException(f"clientToken {show(client_token)} was already used by an earlier request")


# --- TerminateServiceJob ----------------------------------------------------------------------------------


def parse_terminate_request(request: object) -> tuple[str, str]:
    """The job id and reason of a ``TerminateServiceJobRequest``; both are required and non-empty.

    >>> parse_terminate_request({"jobId": "j-1", "reason": "no longer needed"})
    ('j-1', 'no longer needed')
    """
    request = _request_object(request)
    return _required_string(request, "jobId"), _required_string(request, "reason")


def terminated(job: Mapping[str, Any], reason: str, now_ms: int) -> Mapping[str, Any]:
    """The job after TerminateServiceJob (rule H-6): a new record, or ``job`` itself when it has finished.

    A job that has not finished becomes ``FAILED`` with ``statusReason`` the reason, ``isTerminated``
    true and ``stoppedAt`` now; a SUCCEEDED or FAILED job is returned unchanged.

    >>> job = {"jobId": "j", "jobName": "n", "status": "RUNNING", "startedAt": 5}
    >>> after = terminated(job, "cancelled by user", 9)
    >>> after["status"], after["statusReason"], after["isTerminated"], after["stoppedAt"], job["status"]
    ('FAILED', 'cancelled by user', True, 9, 'RUNNING')
    >>> terminated(after, "again", 10) is after
    True
    """
    if job.get("status") in FINISHED_STATUSES:
        return job
    record = dict(job)
    record["status"] = TERMINATED_STATUS
    record["statusReason"] = reason
    record["isTerminated"] = True
    record["stoppedAt"] = now_ms
    return record


# --- member validation ------------------------------------------------------------------------------------


def _request_object(request: object) -> Mapping[str, Any]:
    if not isinstance(request, Mapping):
        raise ClientException(f"The request must be a JSON object, got {json_kind(request)}")
    return request


def _string(value: object, member: str) -> str:
    if not isinstance(value, str):
        raise ClientException(f"{member} must be a string, got {json_kind(value)}")
    return value


def _required_string(request: Mapping[str, Any], member: str) -> str:
    value = request.get(member)
    if value is None:
        raise ClientException(f"{member} is required")
    text = _string(value, member)
    if not text:
        raise ClientException(f"{member} must not be empty")
    return text


def _integer(value: object, member: str, low: int, high: int = _INTEGER_MAX) -> int:
    if type(value) is not int or not low <= value <= high:
        raise ClientException(f"{member} must be an integer from {low} to {high}, got {show(value)}")
    return value


def _object(value: object, member: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ClientException(f"{member} must be an object, got {json_kind(value)}")
    return value


def _retry_strategy(value: object) -> dict[str, Any]:
    strategy = _object(value, "retryStrategy")
    attempts = strategy.get("attempts")
    if attempts is None:
        raise ClientException("retryStrategy.attempts is required")
    checked: dict[str, Any] = {"attempts": _integer(attempts, "retryStrategy.attempts", *_ATTEMPTS_RANGE)}
    conditions = strategy.get("evaluateOnExit")
    if conditions is not None:
        if not isinstance(conditions, list):
            raise ClientException(f"retryStrategy.evaluateOnExit must be a list, got {json_kind(conditions)}")
        checked["evaluateOnExit"] = [_evaluate_on_exit(item, index) for index, item in enumerate(conditions)]
    return checked


def _evaluate_on_exit(value: object, index: int) -> dict[str, str]:
    where = f"retryStrategy.evaluateOnExit[{index}]"
    condition = _object(value, where)
    checked: dict[str, str] = {}
    action = condition.get("action")
    if action is not None:
        if action not in _RETRY_ACTIONS:
            raise ClientException(f"{where}.action must be one of RETRY, EXIT; got {show(action)}")
        checked["action"] = action
    reason = condition.get("onStatusReason")
    if reason is not None:
        reason = _string(reason, f"{where}.onStatusReason")
        if len(reason) > _ON_STATUS_REASON_MAX:
            limit = _ON_STATUS_REASON_MAX
            raise ClientException(f"{where}.onStatusReason must be at most {limit} characters")
        checked["onStatusReason"] = reason
    return checked


def _preemption_configuration(value: object) -> dict[str, int]:
    configuration = _object(value, "preemptionConfiguration")
    retries = configuration.get("preemptionRetriesBeforeTermination")
    if retries is None:
        return {}
    member = "preemptionConfiguration.preemptionRetriesBeforeTermination"
    return {"preemptionRetriesBeforeTermination": _integer(retries, member, 0)}


def _timeout_config(value: object) -> dict[str, int]:
    configuration = _object(value, "timeoutConfig")
    seconds = configuration.get("attemptDurationSeconds")
    if seconds is None:
        return {}
    return {"attemptDurationSeconds": _integer(seconds, "timeoutConfig.attemptDurationSeconds", 1)}


def _tags(value: object) -> dict[str, str]:
    tags = _object(value, "tags")
    low, high = _TAG_COUNT
    if not low <= len(tags) <= high:
        raise ClientException(f"tags must hold {low} to {high} tags, got {len(tags)}")
    checked: dict[str, str] = {}
    key_low, key_high = _TAG_KEY_LENGTH
    for key, tag_value in tags.items():
        if not key_low <= len(key) <= key_high:
            raise ClientException(f"tags keys must be {key_low} to {key_high} characters, got {show(key)}")
        text = _string(tag_value, f"tags[{key!r}]")
        if len(text) > _TAG_VALUE_MAX:
            raise ClientException(f"tags[{key!r}] must be at most {_TAG_VALUE_MAX} characters")
        checked[key] = text
    return checked
