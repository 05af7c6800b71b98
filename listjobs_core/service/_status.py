"""Status moves: a service job in any status, with the timestamps and members AWS shows (rules H-4, H-6,
H-11, MS-8, MS-10, MS-11).

Theory of operation: nothing here runs SageMaker training jobs, so a service job's status moves only when
something moves it, and every move goes through ``moved_job``:

- a submitted job starts in ``SUBMITTED`` (H-4);
- TerminateServiceJob moves it to ``FAILED`` with the reason and ``isTerminated`` (``terminated_job``,
  H-6); a finished job stays as it is;
- a test moves it to any status, with any timestamps that are consistent (``move_job`` over a store, or
  ``JobService.move``; the moto plug-in's ``set_service_job_status`` and moto's state manager use them);
- the moto plug-in's progression steps it along ``AUTOMATIC_PATH`` (``next_status``).

``moved_job`` keeps the timestamps consistent with the status: ``scheduledAt`` from ``SCHEDULED`` on,
``startedAt`` from ``RUNNING`` on, ``stoppedAt`` for ``SUCCEEDED`` and ``FAILED`` (a job may fail before
it was scheduled or started, so ``FAILED`` keeps what it had), and never out of order:
``createdAt <= scheduledAt <= startedAt <= stoppedAt``. The members that follow from those (``attempts``,
``latestAttempt``) are recomputed by ``with_attempts``. Everything but ``move_job`` is a pure function of
its arguments, with the clock passed in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._errors import ClientException
from .._json import show
from .._operations import LIST_SERVICE_JOBS
from ._identity import unknown_job
from ._limits import check_job
from ._projection import describe_response

if TYPE_CHECKING:
    from ._store_interface import ListingStore

__all__ = [
    "AUTOMATIC_PATH",
    "FINISHED_STATUSES",
    "STATUSES",
    "SUBMITTED_STATUS",
    "UNSCHEDULED_STATUSES",
    "TIMESTAMP_MEMBERS",
    "move_job",
    "moved_job",
    "next_status",
    "terminated_job",
    "updated_priority",
    "with_attempts",
]

# H-4: "a submitted job starts in SUBMITTED"; only a move takes it on (there is no scheduler).
SUBMITTED_STATUS = "SUBMITTED"

# H-22, decision: the statuses a job passes through before anything schedules it (the model's JobStatus
# order: "SUBMITTED", "PENDING", "RUNNABLE"). The endpoint may start a submitted job in any of them, as if
# it had waited there on a queue whose environments never have capacity for it; H-4's SUBMITTED is the
# default.
UNSCHEDULED_STATUSES = (SUBMITTED_STATUS, "PENDING", "RUNNABLE")

# H-6: "Terminating a job that has already finished (SUCCEEDED or FAILED) changes nothing", as TerminateJob
# leaves jobs in a terminal state alone. H-11: the priority of a finished job cannot change.
FINISHED_STATUSES = frozenset({"SUCCEEDED", "FAILED"})
_TERMINATED_STATUS = "FAILED"

# Model, ServiceJobStatus, in the order a job that succeeds goes through them.
AUTOMATIC_PATH = ("SUBMITTED", "PENDING", "RUNNABLE", "SCHEDULED", "STARTING", "RUNNING", "SUCCEEDED")
STATUSES = tuple(status.value for status in LIST_SERVICE_JOBS.statuses)

# MS-10, H-6: which statuses have which timestamp. A FAILED job keeps scheduledAt and startedAt when it had
# them (it may have failed before it was scheduled or started); the others have exactly these.
TIMESTAMP_MEMBERS = ("scheduledAt", "startedAt", "stoppedAt")
_REQUIRED_BY = {
    "scheduledAt": frozenset({"SCHEDULED", "STARTING", "RUNNING", "SUCCEEDED"}),
    "startedAt": frozenset({"RUNNING", "SUCCEEDED"}),
    "stoppedAt": frozenset({"SUCCEEDED", "FAILED"}),
}
_ALLOWED_IN = {
    "scheduledAt": _REQUIRED_BY["scheduledAt"] | {"FAILED"},
    "startedAt": _REQUIRED_BY["startedAt"] | {"FAILED"},
    "stoppedAt": _REQUIRED_BY["stoppedAt"],
}
_CHAIN = ("createdAt", *TIMESTAMP_MEMBERS)
_LONG_MAX = 2**63 - 1  # the model's Long


# MS-11: the SageMaker resource an attempt names. SageMaker's training job names are 1 to 63 letters,
# digits and hyphens, starting with a letter or digit.
_TRAINING_JOB_NAME = re.compile(r"[A-Za-z0-9](-*[A-Za-z0-9]){0,62}")
_SERVICE_JOB_ARN = re.compile(
    r"arn:(?P<partition>[^:]+):batch:(?P<region>[^:]*):(?P<account>[^:]*):service-job/"
)


def next_status(status: object) -> str | None:
    """The status after ``status`` on the automatic path, or ``None`` at its end (and for ``FAILED``).

    >>> next_status("RUNNABLE"), next_status("SUCCEEDED"), next_status("FAILED")
    ('SCHEDULED', None, None)
    """
    if status not in AUTOMATIC_PATH or status == AUTOMATIC_PATH[-1]:
        return None
    return AUTOMATIC_PATH[AUTOMATIC_PATH.index(status) + 1]


def moved_job(
    job: Mapping[str, Any],
    status: object,
    now_ms: int,
    *,
    status_reason: object = None,
    timestamps: Mapping[str, object] | None = None,
) -> dict[str, Any]:
    """The job in ``status``, with consistent timestamps (MS-10) and its derived members (MS-11).

    ``timestamps`` sets ``scheduledAt``, ``startedAt`` or ``stoppedAt`` to a given time (milliseconds since
    the epoch); a timestamp the status calls for and the job lacks is ``now_ms``, moved earlier or later
    just enough to keep the order; one the status excludes is dropped. ``status_reason`` sets
    ``statusReason``; without one a change of status drops the old reason. ``job`` is not changed.

    >>> job = {"jobId": "j", "jobName": "n", "status": "SUBMITTED", "createdAt": 100,
    ...        "jobArn": "arn:aws:batch:us-east-1:1:service-job/j"}
    >>> running = moved_job(job, "RUNNING", 500, timestamps={"startedAt": 300})
    >>> running["scheduledAt"], running["startedAt"], "stoppedAt" in running
    (300, 300, False)
    >>> done = moved_job(running, "SUCCEEDED", 900)
    >>> done["startedAt"], done["stoppedAt"], done["latestAttempt"]["serviceResourceId"]["value"]
    (300, 900, 'arn:aws:sagemaker:us-east-1:1:training-job/n')
    >>> moved_job(job, "RUNNABLE", 500, timestamps={"startedAt": 300})
    Traceback (most recent call last):
    ...
    listjobs_core._errors.ClientException: startedAt does not apply to a job in status RUNNABLE
    """
    if status not in STATUSES:
        raise ClientException(f"status must be one of {', '.join(STATUSES)}; got {show(status)}")
    given = _given_timestamps(timestamps or {}, status, job.get("createdAt"))
    record = dict(job)
    previous_status = record.get("status")
    record["status"] = status
    missing: list[str] = []
    for member in TIMESTAMP_MEMBERS:
        if member in given:
            record[member] = given[member]
        elif status not in _ALLOWED_IN[member]:
            record.pop(member, None)
        elif status in _REQUIRED_BY[member] and record.get(member) is None:
            missing.append(member)
    _fill(record, missing, now_ms)
    _check_order(record, {*given, *missing})
    if status_reason is not None:
        if not isinstance(status_reason, str) or not status_reason:
            raise ClientException(f"statusReason must be a non-empty string, got {show(status_reason)}")
        record["statusReason"] = status_reason
    elif status != previous_status:
        record.pop("statusReason", None)
    return with_attempts(record)


def with_attempts(job: Mapping[str, Any]) -> dict[str, Any]:
    """The job with ``attempts`` and ``latestAttempt`` as its status implies (MS-11).

    A job that has been scheduled (it has ``scheduledAt``) has one attempt, naming the SageMaker training
    job it was dispatched as, with the job's start and stop times and, once finished, its reason; a job
    that has not been scheduled has no attempt and no ``latestAttempt``.

    >>> with_attempts({"jobId": "j", "jobName": "n", "status": "SUBMITTED"})["attempts"]
    []
    """
    record = dict(job)
    if record.get("scheduledAt") is None:
        record["attempts"] = []
        record.pop("latestAttempt", None)
        return record
    resource = {"name": "TrainingJobArn", "value": _training_job_arn(record)}
    attempt: dict[str, Any] = {"serviceResourceId": dict(resource)}
    for member in ("startedAt", "stoppedAt"):
        if record.get(member) is not None:
            attempt[member] = record[member]
    if record.get("status") in ("SUCCEEDED", "FAILED") and record.get("statusReason") is not None:
        attempt["statusReason"] = record["statusReason"]
    record["attempts"] = [attempt]
    record["latestAttempt"] = {"serviceResourceId": resource}
    return record


def terminated_job(job: Mapping[str, Any], reason: str, now_ms: int) -> dict[str, Any] | None:
    """The job as TerminateServiceJob leaves it (rule H-6), or ``None`` for a finished job, which stays
    as it is.

    A job that has not finished becomes ``FAILED`` with ``statusReason`` the reason, ``isTerminated``
    true and ``stoppedAt`` now (never before the times it already has).

    >>> job = terminated_job({"jobId": "j", "jobName": "n", "status": "RUNNING"}, "cancelled by user", 9)
    >>> job["status"], job["statusReason"], job["isTerminated"], job["stoppedAt"]
    ('FAILED', 'cancelled by user', True, 9)
    >>> terminated_job({"jobId": "j", "jobName": "n", "status": "FAILED"}, "again", 10) is None
    True
    """
    if job.get("status") in FINISHED_STATUSES:
        return None
    failed = moved_job(job, _TERMINATED_STATUS, now_ms, status_reason=reason)
    failed["isTerminated"] = True
    return failed


def updated_priority(job: Mapping[str, Any], priority: int) -> dict[str, Any]:
    """The members UpdateServiceJob changes (rule H-11), or a ``ClientException`` for a finished job,
    which is no longer scheduled.

    >>> updated_priority({"jobId": "j", "jobName": "n", "status": "SUBMITTED"}, 5)
    {'schedulingPriority': 5}
    """
    status = job.get("status")
    if status in FINISHED_STATUSES:
        # MS-7, H-11: "Job <id> has finished (<status>); its schedulingPriority can no longer change".
        raise ClientException(
            f"Job {job['jobId']} has finished ({status}); its schedulingPriority can no longer change"
        )
    return {"schedulingPriority": priority}


def move_job(
    store: ListingStore,
    job_id: str,
    status: str,
    *,
    now_ms: int,
    status_reason: str | None = None,
    scheduled_at: int | None = None,
    started_at: int | None = None,
    stopped_at: int | None = None,
    max_job_bytes: int | None = None,
) -> dict[str, Any]:
    """Move the stored job ``job_id`` to ``status`` and return it as DescribeServiceJob describes it.

    The timestamps the status calls for and the job lacks are ``now_ms`` (milliseconds since the epoch),
    kept in order; those given are kept, if consistent:
    ``createdAt <= scheduledAt <= startedAt <= stoppedAt``. ``status_reason`` sets ``statusReason``;
    without one a change of status drops the old reason. ``max_job_bytes``, when given, is the size limit
    the moved job must keep (H-16). Anything invalid raises ``ClientException`` and changes nothing.

    >>> from listjobs_core import ServiceJobStore
    >>> store = ServiceJobStore()
    >>> store.put({"jobId": "j-1", "jobName": "train", "status": "SUBMITTED", "createdAt": 1000,
    ...     "jobArn": "arn:aws:batch:us-east-1:123456789012:service-job/j-1"})
    >>> running = move_job(store, "j-1", "RUNNING", now_ms=2000)
    >>> running["status"], running["scheduledAt"], running["startedAt"]
    ('RUNNING', 2000, 2000)
    >>> done = move_job(store, "j-1", "SUCCEEDED", now_ms=5000, status_reason="Training complete")
    >>> done["startedAt"], done["stoppedAt"], done["statusReason"], store.get("j-1")["status"]
    (2000, 5000, 'Training complete', 'SUCCEEDED')
    >>> move_job(store, "j-1", "RUNNABLE", now_ms=6000, started_at=1500)
    Traceback (most recent call last):
    ...
    listjobs_core._errors.ClientException: startedAt does not apply to a job in status RUNNABLE
    """
    job = store.get(job_id)
    if job is None:
        raise unknown_job(job_id)
    timestamps = {"scheduledAt": scheduled_at, "startedAt": started_at, "stoppedAt": stopped_at}
    moved = moved_job(job, status, now_ms, status_reason=status_reason, timestamps=timestamps)
    if max_job_bytes is not None:
        check_job(moved, max_job_bytes)
    store.put(moved)
    return describe_response(moved)


def _given_timestamps(timestamps: Mapping[str, object], status: str, created_at: object) -> dict[str, int]:
    given: dict[str, int] = {}
    for member, value in timestamps.items():
        if value is None:
            continue
        if member not in TIMESTAMP_MEMBERS:
            raise ClientException(f"{show(member)} is not one of {', '.join(TIMESTAMP_MEMBERS)}")
        if status not in _ALLOWED_IN[member]:
            raise ClientException(f"{member} does not apply to a job in status {status}")
        if type(value) is not int or not 0 <= value <= _LONG_MAX:
            raise ClientException(
                f"{member} must be milliseconds since the epoch, an integer, got {show(value)}"
            )
        if isinstance(created_at, int) and value < created_at:
            raise ClientException(f"{member} {value} is before createdAt {created_at}")
        given[member] = value
    return given


def _fill(record: dict[str, Any], missing: list[str], now_ms: int) -> None:
    """Give each missing timestamp ``now_ms``, clamped between the known timestamps around it."""
    for member in missing:
        position = _CHAIN.index(member)
        earlier = [record[name] for name in _CHAIN[:position] if isinstance(record.get(name), int)]
        later = [record[name] for name in _CHAIN[position + 1 :] if isinstance(record.get(name), int)]
        value = now_ms
        if later:
            value = min(value, min(later))
        if earlier:
            value = max(value, max(earlier))
        record[member] = value


def _check_order(record: Mapping[str, Any], changed: set[str]) -> None:
    """MS-10: ``createdAt <= scheduledAt <= startedAt <= stoppedAt`` for those the job has, wherever a
    timestamp the move sets is involved (a job loaded with its own times is not refused for them)."""
    known = [(name, record[name]) for name in _CHAIN if isinstance(record.get(name), int)]
    for (earlier, earlier_value), (later, later_value) in zip(known, known[1:], strict=False):
        if (earlier in changed or later in changed) and later_value < earlier_value:
            raise ClientException(f"{later} {later_value} is before {earlier} {earlier_value}")


def _training_job_arn(job: Mapping[str, Any]) -> str:
    """The ARN of the SageMaker training job a service job was dispatched as.

    Its name is the ``TrainingJobName`` of the job's ``serviceRequestPayload`` (the CreateTrainingJob
    request it queues) when that holds a valid one, else the job's name; partition, region and account are
    the job's own.
    """
    name = job.get("jobName", "")
    try:
        payload = json.loads(job.get("serviceRequestPayload") or "{}")
    except (TypeError, ValueError, RecursionError):
        payload = None
    if isinstance(payload, dict):
        requested = payload.get("TrainingJobName")
        if isinstance(requested, str) and _TRAINING_JOB_NAME.fullmatch(requested):
            name = requested
    match = _SERVICE_JOB_ARN.match(str(job.get("jobArn", "")))
    partition, region, account = match.group("partition", "region", "account") if match else ("aws", "", "")
    return f"arn:{partition}:sagemaker:{region}:{account}:training-job/{name}"
