"""How a service job's status moves, and the members its status implies (rules MS-8, MS-10, MS-11).

Theory of operation: nothing in moto runs SageMaker training jobs, so a service job's status moves only
when something moves it, and each move goes through ``moved`` here:

- a test, through ``set_service_job_status`` (decorator mode) or moto's ``/moto-api/config`` (server mode),
  to any status, with any timestamps that are consistent (MS-9);
- TerminateServiceJob, to ``FAILED`` (MS-6);
- moto's state manager, when a transition is set for the model ``batch::service_job``: one step along
  ``AUTOMATIC_PATH`` per ``times`` DescribeServiceJob calls of the job (``manual``), per ``seconds`` of
  time (``time``), or the whole path at once (``immediate``) (MS-8). The default transition is ``none``:
  a submitted job stays ``SUBMITTED`` until it is moved or terminated, which is deterministic, and the
  same choice the reference endpoint makes (H-4).

``moved`` keeps the timestamps consistent with the status (MS-10): ``scheduledAt`` from ``SCHEDULED`` on,
``startedAt`` from ``RUNNING`` on, ``stoppedAt`` for ``SUCCEEDED`` and ``FAILED`` (a job may fail before it
was scheduled or started, so ``FAILED`` keeps what it had), and never out of order:
``createdAt <= scheduledAt <= startedAt <= stoppedAt``. The members that follow from those (``attempts``,
``latestAttempt``, MS-11) are recomputed by ``derived``. Everything here is a pure function of its
arguments, with the clock passed in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ... import LIST_SERVICE_JOBS, ClientException, ServerException
from ._core import show

__all__ = [
    "AUTOMATIC_PATH",
    "DEFAULT_TRANSITION",
    "SERVICE_JOB_MODEL",
    "STATUSES",
    "TIMESTAMP_MEMBERS",
    "Transition",
    "derived",
    "moved",
    "next_status",
    "parse_transition",
]

# MS-8: the model name a transition is set for in moto's state manager, in moto's "<service>::<model>" form.
SERVICE_JOB_MODEL = "batch::service_job"
# MS-8: "a submitted job stays SUBMITTED until something moves it". moto's state manager knows the
# progressions immediate, manual and time; "none" is the plug-in's, and moto's own models ignore it.
DEFAULT_TRANSITION: dict[str, Any] = {"progression": "none"}

# Model, ServiceJobStatus, in the order a job that succeeds goes through them.
AUTOMATIC_PATH = ("SUBMITTED", "PENDING", "RUNNABLE", "SCHEDULED", "STARTING", "RUNNING", "SUCCEEDED")
STATUSES = tuple(status.value for status in LIST_SERVICE_JOBS.statuses)

# MS-10: which statuses have which timestamp. A FAILED job keeps scheduledAt and startedAt when it had
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


@dataclass(frozen=True)
class Transition:
    """A transition of moto's state manager, as the plug-in reads it for ``batch::service_job``."""

    progression: str  # "none", "immediate", "manual" or "time"
    times: int = 1  # manual: DescribeServiceJob calls per step
    seconds: float = 0.0  # time: seconds per step


def parse_transition(config: object) -> Transition:
    """The transition moto's state manager holds, checked; a malformed one is a ``ServerException``.

    >>> parse_transition({"progression": "manual", "times": 3})
    Transition(progression='manual', times=3, seconds=0.0)
    >>> parse_transition({"progression": "time"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    listjobs_core._errors.ServerException: ... time needs a number of seconds above 0, got nothing
    """
    where = f"The transition set for {SERVICE_JOB_MODEL} is malformed"
    if not isinstance(config, Mapping):
        raise ServerException(f"{where}: it is not an object")
    progression = config.get("progression")
    if progression in ("none", "immediate"):
        return Transition(progression)
    if progression == "manual":
        times = config.get("times")
        if type(times) is not int or times < 0:
            raise ServerException(
                f"{where}: manual needs times, an integer of at least 0, got {_shown(times)}"
            )
        return Transition("manual", times=times)
    if progression == "time":
        seconds = config.get("seconds")
        if (
            not isinstance(seconds, (int, float))
            or isinstance(seconds, bool)
            or not 0 < seconds < float("inf")
        ):
            raise ServerException(f"{where}: time needs a number of seconds above 0, got {_shown(seconds)}")
        return Transition("time", seconds=float(seconds))
    raise ServerException(
        f"{where}: progression must be none, immediate, manual or time, got {_shown(progression)}"
    )


def _shown(value: object) -> str:
    return "nothing" if value is None else show(value)


def next_status(status: object) -> str | None:
    """The status after ``status`` on the automatic path, or ``None`` at its end (and for ``FAILED``).

    >>> next_status("RUNNABLE"), next_status("SUCCEEDED"), next_status("FAILED")
    ('SCHEDULED', None, None)
    """
    if status not in AUTOMATIC_PATH or status == AUTOMATIC_PATH[-1]:
        return None
    return AUTOMATIC_PATH[AUTOMATIC_PATH.index(status) + 1]


def moved(
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
    >>> running = moved(job, "RUNNING", 500, timestamps={"startedAt": 300})
    >>> running["scheduledAt"], running["startedAt"], "stoppedAt" in running
    (300, 300, False)
    >>> done = moved(running, "SUCCEEDED", 900)
    >>> done["startedAt"], done["stoppedAt"], done["latestAttempt"]["serviceResourceId"]["value"]
    (300, 900, 'arn:aws:sagemaker:us-east-1:1:training-job/n')
    >>> moved(job, "RUNNABLE", 500, timestamps={"startedAt": 300})
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
    _check_order(record)
    if status_reason is not None:
        if not isinstance(status_reason, str) or not status_reason:
            raise ClientException(f"statusReason must be a non-empty string, got {show(status_reason)}")
        record["statusReason"] = status_reason
    elif status != previous_status:
        record.pop("statusReason", None)
    return derived(record)


def derived(job: Mapping[str, Any]) -> dict[str, Any]:
    """The job with ``attempts`` and ``latestAttempt`` as its status implies (MS-11).

    A job that has been scheduled (it has ``scheduledAt``) has one attempt, naming the SageMaker training
    job it was dispatched as, with the job's start and stop times and, once finished, its reason; a job
    that has not been scheduled has no attempt and no ``latestAttempt``.

    >>> derived({"jobId": "j", "jobName": "n", "status": "SUBMITTED"})["attempts"]
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


def _check_order(record: Mapping[str, Any]) -> None:
    """MS-10: ``createdAt <= scheduledAt <= startedAt <= stoppedAt`` for those the job has."""
    known = [(name, record[name]) for name in _CHAIN if isinstance(record.get(name), int)]
    for (earlier, earlier_value), (later, later_value) in zip(known, known[1:], strict=False):
        if later_value < earlier_value:
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
