"""The service-job operations on one job: the job-level rules of the reference endpoint.

Theory of operation: the endpoint (``_service`` holds the jobs, ``_server`` speaks HTTP) answers the
service-job operations of the model besides ListServiceJobs. Everything they decide about a single job
lives here, as pure functions over wire-shaped dicts, with the clock, the new job id, the region and the
account passed in: validating ``SubmitServiceJobRequest``, ``DescribeServiceJobRequest``,
``TerminateServiceJobRequest``, ``TerminateServiceJobsRequest`` and ``UpdateServiceJobRequest`` (every
violation a ``ClientException`` naming the member, as rules V-1 to V-12 do for listing), which job an id or
an ARN names (rule H-9), where the endpoint's region and account go (H-10), building the record of a
submitted job (H-4), the describe projection (H-5), the termination (H-6, H-12), the priority update
(H-11), and the endpoint's limits on one job (H-16). Records are plain dicts in the wire shape of
``DescribeServiceJobResponse``, so the listing engine reads them as they are (it projects them to
``ServiceJobSummary``, rule W-2). No function here mutates its arguments.

Every string a request member holds is checked to be valid Unicode (no lone surrogate) where it is read, so
a stored job can always be encoded as UTF-8 (rule H-4); the record as a whole then passes the one job
validator, ``_jobs.find_job_problem``, before it is stored.

The shapes come from the service model in botocore (``batch/2016-08-10/service-2.json``).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .._arns import JOB_QUEUE, SERVICE_JOB, batch_arn, parse_batch_arn
from .._errors import ClientException
from .._jobs import find_job_problem, is_valid_unicode
from .._json import json_kind, show
from .._queues import is_queue_arn
from .._wire import to_summary

__all__ = [
    "DEFAULT_ACCOUNT",
    "DEFAULT_MAX_JOBS",
    "DEFAULT_MAX_JOB_BYTES",
    "DEFAULT_REGION",
    "DESCRIBE_MEMBERS",
    "FINISHED_STATUSES",
    "MAX_JOBS_PER_TERMINATE",
    "SERVICE_JOB_TYPES",
    "SUBMITTED_STATUS",
    "SubmitServiceJob",
    "TerminateServiceJobs",
    "check_job",
    "describe_response",
    "job_arn",
    "job_id_from",
    "job_size",
    "loaded_job",
    "local_queue",
    "new_service_job",
    "parse_describe_request",
    "parse_submit_request",
    "parse_terminate_many_request",
    "parse_terminate_request",
    "parse_update_request",
    "queue_arn",
    "reused_client_token",
    "submit_response",
    "termination_changes",
    "too_many_jobs",
    "unknown_job",
    "update_response",
    "updated_priority",
]

# --- decisions (rules H-4 to H-16 of docs/SEMANTICS.md) --------------------------------------------------

# H-10: the region and account of every ARN the endpoint makes, unless ``--region`` / ``--account`` say
# otherwise; the demo jobs use the same.
DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT = "123456789012"

# H-4: "a submitted job starts in SUBMITTED"; nothing here moves it on (there is no scheduler).
SUBMITTED_STATUS = "SUBMITTED"

# H-6: "Terminating a job that has already finished (SUCCEEDED or FAILED) changes nothing", as TerminateJob
# leaves jobs in a terminal state alone. H-11: the priority of a finished job cannot change.
FINISHED_STATUSES = frozenset({"SUCCEEDED", "FAILED"})
TERMINATED_STATUS = "FAILED"

# H-12, model (TerminateServiceJobsRequest.jobs): "An array of up to 50 service job IDs".
MAX_JOBS_PER_TERMINATE = 50

# H-16: the endpoint's limits, from the AWS Batch service quotas: "Maximum number of jobs in SUBMITTED
# state: 1000000" (the endpoint's jobs stay SUBMITTED until terminated) and "Maximum size of
# SubmitServiceJob request: 30 KiB". ``--max-jobs`` and ``--max-job-bytes`` change them.
DEFAULT_MAX_JOBS = 1_000_000
DEFAULT_MAX_JOB_BYTES = 30 * 1024

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
# How much of a job identifier a message shows: a whole ARN, and no more than a few of them.
_IDENTIFIER_SHOWN = 300

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


# --- ARNs, regions and accounts (rules H-9, H-10) ---------------------------------------------------------


def job_arn(job_id: str, region: str = DEFAULT_REGION, account: str = DEFAULT_ACCOUNT) -> str:
    """The ARN of a service job.

    >>> job_arn("j-1")
    'arn:aws:batch:us-east-1:123456789012:service-job/j-1'
    """
    return batch_arn(SERVICE_JOB, job_id, region, account)


def queue_arn(queue: str, region: str = DEFAULT_REGION, account: str = DEFAULT_ACCOUNT) -> str:
    """The ARN a queue name or ARN denotes: an ARN is kept as given, a name gets the region and account.

    >>> queue_arn("training")
    'arn:aws:batch:us-east-1:123456789012:job-queue/training'
    >>> queue_arn("training", "eu-west-1", "111122223333")
    'arn:aws:batch:eu-west-1:111122223333:job-queue/training'
    >>> queue_arn("arn:aws:batch:eu-west-1:1:job-queue/training")
    'arn:aws:batch:eu-west-1:1:job-queue/training'
    """
    if is_queue_arn(queue):
        return queue
    return batch_arn(JOB_QUEUE, queue, region, account)


def local_queue(request: object, region: str, account: str) -> object:
    """A listing request with its ``jobQueue`` name made the endpoint's queue ARN (rule H-10).

    A queue name denotes the queue of that name in the endpoint's own region and account, so it and that
    ARN list the same jobs, and an ARN of another region or account lists none of them. Anything else (no
    queue, an ARN, a value the listing will refuse) is returned as it is; the request is never changed.

    >>> local_queue({"jobQueue": "q", "maxResults": 5}, "eu-west-1", "1")
    {'jobQueue': 'arn:aws:batch:eu-west-1:1:job-queue/q', 'maxResults': 5}
    >>> local_queue({"jobQueue": 5}, "eu-west-1", "1")
    {'jobQueue': 5}
    """
    if not isinstance(request, Mapping):
        return request
    queue = request.get("jobQueue")
    if not isinstance(queue, str) or not queue or is_queue_arn(queue):
        return request
    return {**request, "jobQueue": batch_arn(JOB_QUEUE, queue, region, account)}


def loaded_job(job: Mapping[str, Any], resource_type: str, region: str, account: str) -> dict[str, Any]:
    """A job of a jobs file as the endpoint holds it (rules H-8, H-10): a ``jobQueue`` name becomes the
    endpoint's queue ARN, and a job without ``jobArn`` gets its ARN (``resource_type`` ``service-job`` or
    ``job``) in the endpoint's region and account. Every other member is kept as it is.

    >>> loaded_job({"jobId": "a", "jobName": "n", "jobQueue": "q"}, "service-job", "eu-west-1", "1")
    {'jobId': 'a', 'jobName': 'n', 'jobQueue': 'arn:aws:batch:eu-west-1:1:job-queue/q', \
'jobArn': 'arn:aws:batch:eu-west-1:1:service-job/a'}
    """
    record = dict(job)
    queue = record.get("jobQueue")
    if isinstance(queue, str) and queue:
        record["jobQueue"] = queue_arn(queue, region, account)
    job_id = record.get("jobId")
    if record.get("jobArn") is None and isinstance(job_id, str) and job_id:
        record["jobArn"] = batch_arn(resource_type, job_id, region, account)
    return record


def job_id_from(identifier: str, member: str, region: str, account: str) -> str | None:
    """The ``jobId`` a request's job identifier names (rule H-9): an id as it is, or the id inside the
    endpoint's own ARN for a service job; ``None`` for the ARN of a service job in another region or
    account, which names no job here. Any other ARN is a ``ClientException`` naming ``member``. (The
    service looks an identifier up as a ``jobId`` first, so a job whose id begins ``arn:`` is found too.)

    >>> job_id_from("j-1", "jobId", "us-east-1", "1")
    'j-1'
    >>> job_id_from("arn:aws:batch:us-east-1:1:service-job/j-1", "jobId", "us-east-1", "1")
    'j-1'
    >>> job_id_from("arn:aws:batch:eu-west-1:1:service-job/j-1", "jobId", "us-east-1", "1") is None
    True
    >>> job_id_from("arn:aws:batch:us-east-1:1:job-queue/q", "jobId", "us-east-1", "1")
    Traceback (most recent call last):
    ...
    listjobs_core._errors.ClientException: jobId must be a service job ID or service job ARN; got \
'arn:aws:batch:us-east-1:1:job-queue/q'
    """
    if not identifier.startswith("arn:"):
        return identifier
    arn = parse_batch_arn(identifier, SERVICE_JOB)
    if arn is None:
        raise ClientException(f"{member} must be a service job ID or service job ARN; got {show(identifier)}")
    if identifier != job_arn(arn.resource_id, region, account):
        return None
    return arn.resource_id


# --- the limits on one job (rule H-16) --------------------------------------------------------------------


def job_size(job: Mapping[str, Any]) -> int:
    """The size of a job: its bytes as compact UTF-8 JSON.

    >>> job_size({"jobId": "a", "jobName": "ß"})
    28
    """
    return len(json.dumps(job, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def check_job(job: Mapping[str, Any], max_job_bytes: int) -> None:
    """Refuse a job record before the endpoint stores it (rule H-16): the one job validator
    (``_jobs.find_job_problem``), then the size limit, each a ``ClientException``. What passes encodes as
    JSON, so no response that holds it can fail (H-18).

    >>> check_job({"jobId": "a", "jobName": "n", "tags": {"k": "\\udc80"}}, 1000)
    Traceback (most recent call last):
    ...
    listjobs_core._errors.ClientException: member 'tags' must be valid Unicode: it holds a lone surrogate
    >>> check_job({"jobId": "a", "jobName": "n", "statusReason": "x" * 2000}, 1024)
    Traceback (most recent call last):
    ...
    listjobs_core._errors.ClientException: Job size must be less than 1 KiB, got 2 KiB
    """
    problem = find_job_problem(job)
    if problem is not None:
        raise ClientException(str(problem))
    try:
        size = job_size(job)
    except ValueError:  # an integer of more digits than the interpreter converts to text
        raise ClientException("a member holds an integer too large to write as JSON") from None
    if size >= max_job_bytes:
        # Observed (SubmitJob): "Job size must be less than 30 KiB, got 47 KiB".
        got = -(-size // 1024)
        raise ClientException(f"Job size must be less than {_kibibytes(max_job_bytes)}, got {got} KiB")


def _kibibytes(size: int) -> str:
    return f"{size // 1024} KiB" if size % 1024 == 0 else f"{size} bytes"


def too_many_jobs(max_jobs: int) -> ClientException:
    """The error for a job the endpoint cannot hold: it holds ``max_jobs`` already (rule H-16)."""
    return ClientException(f"Maximum number of jobs reached: this endpoint holds at most {max_jobs} jobs")


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


def _is_queue_arn(text: str) -> bool:
    """Whether ``text`` is a job queue ARN whose name is a valid queue name."""
    arn = parse_batch_arn(text, JOB_QUEUE)
    return arn is not None and _QUEUE_NAME.fullmatch(arn.resource_id) is not None


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
    """The job identifier (an id or an ARN, rule H-9) of a ``DescribeServiceJobRequest``.

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
    # Model: DescribeServiceJobResponse.isTerminated "Indicates whether the service job has been
    # terminated", false included; only the summaries show it when true alone.
    return to_summary(job, DESCRIBE_MEMBERS, true_only=frozenset())


def unknown_job(identifier: str, member: str = "jobId") -> ClientException:
    """The error for a job identifier that names no job (a whole ARN is shown, where ``show`` would cut it).

    >>> print(unknown_job("arn:aws:batch:eu-west-1:123456789012:service-job/" + "a" * 36))
    jobId 'arn:aws:batch:eu-west-1:123456789012:service-job/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' does \
not identify a service job
    """
    shown = (
        repr(identifier)
        if len(identifier) <= _IDENTIFIER_SHOWN
        else repr(identifier[:_IDENTIFIER_SHOWN]) + "..."
    )
    return ClientException(f"{member} {shown} does not identify a service job")


def reused_client_token(client_token: str) -> ClientException:
    """The error for a SubmitServiceJob whose ``clientToken`` an earlier submit already used (rule H-7)."""
    return ClientException(f"clientToken {show(client_token)} was already used by an earlier request")


# --- TerminateServiceJob and TerminateServiceJobs --------------------------------------------------------


def parse_terminate_request(request: object) -> tuple[str, str]:
    """The job identifier and reason of a ``TerminateServiceJobRequest``; both required and non-empty.

    >>> parse_terminate_request({"jobId": "j-1", "reason": "no longer needed"})
    ('j-1', 'no longer needed')
    """
    request = _request_object(request)
    return _required_string(request, "jobId"), _required_string(request, "reason")


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
    request = _request_object(request)
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
    identifiers = tuple(_string(item, f"jobs[{index}]") for index, item in enumerate(jobs))
    return TerminateServiceJobs(identifiers, _required_string(request, "reason"))


def termination_changes(job: Mapping[str, Any], reason: str, now_ms: int) -> dict[str, Any]:
    """The members TerminateServiceJob changes (rule H-6): none for a finished job.

    A job that has not finished becomes ``FAILED`` with ``statusReason`` the reason, ``isTerminated``
    true and ``stoppedAt`` now; a SUCCEEDED or FAILED job is left as it is.

    >>> termination_changes({"jobId": "j", "jobName": "n", "status": "RUNNING"}, "cancelled by user", 9)
    {'status': 'FAILED', 'statusReason': 'cancelled by user', 'isTerminated': True, 'stoppedAt': 9}
    >>> termination_changes({"jobId": "j", "jobName": "n", "status": "FAILED"}, "again", 10)
    {}
    """
    if job.get("status") in FINISHED_STATUSES:
        return {}
    return {"status": TERMINATED_STATUS, "statusReason": reason, "isTerminated": True, "stoppedAt": now_ms}


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
    request = _request_object(request)
    job_id = _required_string(request, "jobId")
    priority = request.get("schedulingPriority")
    if priority is None:
        raise ClientException("schedulingPriority is required")
    return job_id, _integer(priority, "schedulingPriority", *_PRIORITY_RANGE)


def updated_priority(job: Mapping[str, Any], priority: int) -> dict[str, Any]:
    """The members UpdateServiceJob changes (rule H-11), or a ``ClientException`` for a finished job,
    which is no longer scheduled.

    >>> updated_priority({"jobId": "j", "jobName": "n", "status": "SUBMITTED"}, 5)
    {'schedulingPriority': 5}
    """
    status = job.get("status")
    if status in FINISHED_STATUSES:
        raise ClientException(
            f"jobId {show(job['jobId'])} is {status}: the scheduling priority of a finished job cannot change"
        )
    return {"schedulingPriority": priority}


def update_response(job: Mapping[str, Any]) -> dict[str, Any]:
    """The ``UpdateServiceJobResponse`` of a job: ``jobArn``, ``jobName`` and ``jobId`` (those it has)."""
    return to_summary(job, ("jobArn", "jobName", "jobId"))


# --- member validation ------------------------------------------------------------------------------------


def _request_object(request: object) -> Mapping[str, Any]:
    if not isinstance(request, Mapping):
        raise ClientException(f"The request must be a JSON object, got {json_kind(request)}")
    return request


def _string(value: object, member: str) -> str:
    if not isinstance(value, str):
        raise ClientException(f"{member} must be a string, got {json_kind(value)}")
    # H-4: "every string a request member holds is valid Unicode", so every stored job encodes as UTF-8.
    if not is_valid_unicode(value):
        raise ClientException(f"{member} must be valid Unicode: it holds a lone surrogate")
    return value


def _required_string(request: Mapping[str, Any], member: str, *, named: str | None = None) -> str:
    """A required, non-empty string member; messages call it ``named`` (a nested member's place, say),
    else ``member``."""
    name = member if named is None else named
    value = request.get(member)
    if value is None:
        raise ClientException(f"{name} is required")
    text = _string(value, name)
    if not text:
        raise ClientException(f"{name} must not be empty")
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
        key = _string(key, "tags keys")
        if not key_low <= len(key) <= key_high:
            raise ClientException(f"tags keys must be {key_low} to {key_high} characters, got {show(key)}")
        text = _string(tag_value, f"tags[{key!r}]")
        if len(text) > _TAG_VALUE_MAX:
            raise ClientException(f"tags[{key!r}] must be at most {_TAG_VALUE_MAX} characters")
        checked[key] = text
    return checked
