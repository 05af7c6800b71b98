"""What a ListJobs run makes over the wire: a compute environment, a job queue, job definitions and jobs;
and how it removes them.

Theory of operation: ListJobs lists Batch jobs, so the run makes Batch jobs of its own, through the
operations the service model gives (names new for every run):

1. CreateComputeEnvironment, UNMANAGED, with the ``serviceRole`` given (the kit never creates IAM roles:
   an endpoint that looks the role up, as moto does, needs one made beforehand), then CreateJobQueue on
   it. With a queue given, both are skipped and the jobs go into that queue.
2. RegisterJobDefinition: container definitions whose names are prefixes of one another (``...-train``,
   ``...-train-large``), one of them registered twice (two revisions), and a multi-node one.
3. SubmitJob: names in several letter cases and prefix families, filler jobs so that a filtered listing
   of the queue is more than the 100 a page may hold (LJ-4), two array jobs (one with more than 100
   children) and a multi-node job where the endpoint takes one. Two jobs are terminated at once, so that
   an endpoint that runs jobs shows more than one status.
4. The jobs settle: the queue is listed until two listings in a row agree (bounded by a share of the
   run's deadline), and the cases are built from what the endpoint then lists, never from what was sent.

The first creation the endpoint refuses ends the making (``Made.refusal`` says which and why); the run
then checks read-only over a queue given, if any. :func:`remove_made` terminates every job the run
submitted and deregisters, disables and deletes what it made; it is given a bounded time of its own past
the run's deadline, so a run stopped by the deadline still removes what it made.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from .._report import TargetFault
from ._rest_client import EndpointClient, EndpointUnreachable, HttpAnswer

__all__ = [
    "CLEAN_UP_SECONDS",
    "CONTAINER",
    "DESIGNED_NAMES",
    "FILLER_JOBS",
    "TERMINATED_AT_ONCE",
    "TERMINATION_REASON",
    "Made",
    "answered_member",
    "make_jobs",
    "make_queue",
    "refused",
    "remove_made",
]

_PREFIX = "listjobs-conformance"
# Jobs beyond the designed ones, so that a filtered queue listing is more than 100 jobs (LJ-4).
FILLER_JOBS = 92
# Array sizes: a small one, and one whose children are more than a filtered page's 100 (LJ-8).
_ARRAY_SIZES = (4, 101)
# The designed jobs' names: case variants of one name, names that are prefixes of others (S-5, S-6).
DESIGNED_NAMES = (
    "conf-train",
    "Conf-Train",
    "CONF-TRAIN",
    "conf-train1",
    "Conf-Train10",
    "conf-trainx",
    "conf-eval",
    "CONF-EVAL",
    "zeta",
)
TERMINATED_AT_ONCE = ("Conf-Train", "conf-eval")
TERMINATION_REASON = "terminated by the listjobs-core conformance run"
CONTAINER = {"image": "busybox", "vcpus": 1, "memory": 128, "command": ["true"]}
# Settling: the share of the time left that the jobs may take to hold still, and the pause between looks.
_SETTLE_SHARE = 0.25
_SETTLE_PAUSE = 0.2
# The time the clean-up has past the run's deadline, and how often a deletion the endpoint refuses while
# it is still detaching what depends on it is tried again.
CLEAN_UP_SECONDS = 30.0
_DELETE_ATTEMPTS = 5
_DELETE_PAUSE = 0.5


@dataclass
class Made:
    """What the run made, for the clean-up and the notes; ``parents`` the array and multi-node jobs it
    submitted (``arrayJobId`` or ``multiNodeJobId`` by jobId, as summaries may not show them);
    ``refusal`` the creation the endpoint refused."""

    environment: str | None = None
    queue: str | None = None
    definitions: list[str] = field(default_factory=list)
    submitted: list[str] = field(default_factory=list)
    terminated: set[str] = field(default_factory=set)
    parents: dict[str, str] = field(default_factory=dict)
    multi_node: str | None = None
    refusal: str | None = None


def refused(made: Made, operation: str, answer: HttpAnswer) -> None:
    """Record in ``made`` that the endpoint refused ``operation``, in its own words."""
    text = answer.error_message() or answer.body[:200].decode("utf-8", "replace")
    made.refusal = f"{operation} was answered HTTP {answer.status} ({' '.join(text.split())[:200]})"


def answered_member(answer: HttpAnswer, member: str, default: str) -> str:
    """The non-empty string ``member`` of an answer, else ``default``."""
    value = answer.data.get(member) if isinstance(answer.data, dict) else None
    return value if isinstance(value, str) and value else default


def make_queue(client: EndpointClient, made: Made, base: str, *, service_role: str | None) -> bool:
    """Make an UNMANAGED compute environment (with ``service_role`` when given: the kit never creates IAM
    roles) and a queue over it, both named ``base``, recorded in ``made``; False when the endpoint refused
    one (``made.refusal``)."""
    request: dict[str, Any] = {"computeEnvironmentName": base, "type": "UNMANAGED", "state": "ENABLED"}
    if service_role:
        request["serviceRole"] = service_role
    answer = client.call("CreateComputeEnvironment", request)
    if answer.status != 200:
        refused(made, "CreateComputeEnvironment", answer)
        return False
    made.environment = answered_member(answer, "computeEnvironmentArn", base)
    answer = client.call(
        "CreateJobQueue",
        {
            "jobQueueName": base,
            "state": "ENABLED",
            "priority": 1,
            "computeEnvironmentOrder": [{"order": 1, "computeEnvironment": made.environment}],
        },
    )
    if answer.status != 200:
        refused(made, "CreateJobQueue", answer)
        return False
    made.queue = answered_member(answer, "jobQueueArn", base)
    return True


def make_jobs(
    client: EndpointClient, made: Made, *, job_queue: str | None, service_role: str | None
) -> str | None:
    """Make the run's queue (unless ``job_queue``), definitions and jobs; the queue to list, or None when
    the endpoint refused a creation (``made.refusal``)."""
    suffix = secrets.token_hex(4)
    base = f"{_PREFIX}-{suffix}"
    queue = job_queue
    if queue is None:
        if not make_queue(client, made, base, service_role=service_role):
            return None
        queue = base
    # Each definition's revisions, in the order registered; a job uses them in turn.
    definitions: dict[str, list[str]] = {}
    for name in ("train", "train", "train-large", "eval"):
        answer = client.call(
            "RegisterJobDefinition",
            {"jobDefinitionName": f"{base}-{name}", "type": "container", "containerProperties": CONTAINER},
        )
        if answer.status != 200:
            refused(made, "RegisterJobDefinition", answer)
            return None
        definitions.setdefault(name, []).append(answered_member(answer, "jobDefinitionArn", f"{base}-{name}"))
        made.definitions.append(definitions[name][-1])
    kinds = ("train", "train-large", "eval")
    jobs: list[tuple[str, str, int | None]] = [
        (name, kinds[number % 3], None) for number, name in enumerate(DESIGNED_NAMES)
    ]
    jobs += [(f"conf-bulk-{number:03d}", kinds[number % 3], None) for number in range(FILLER_JOBS)]
    jobs += [(f"conf-sweep-{size}", "eval", size) for size in _ARRAY_SIZES]
    for number, (name, kind, size) in enumerate(jobs):
        revisions = definitions[kind]
        definition = revisions[number % len(revisions)]
        submit: dict[str, Any] = {"jobName": name, "jobQueue": queue, "jobDefinition": definition}
        if size is not None:
            submit["arrayProperties"] = {"size": size}
        answer = client.call("SubmitJob", submit)
        job_id = answer.data.get("jobId") if isinstance(answer.data, dict) else None
        if answer.status != 200 or not isinstance(job_id, str) or not job_id:
            refused(made, "SubmitJob", answer)
            return None
        made.submitted.append(job_id)
        if size is not None:
            made.parents[job_id] = "arrayJobId"
        if name in TERMINATED_AT_ONCE and _terminate(client, job_id):
            made.terminated.add(job_id)
    _submit_multi_node(client, made, base, queue)
    return queue


def _submit_multi_node(client: EndpointClient, made: Made, base: str, queue: str) -> None:
    """A multi-node job, where the endpoint takes its definition and the job; ``made.multi_node`` says
    why not otherwise."""
    answer = client.call(
        "RegisterJobDefinition",
        {
            "jobDefinitionName": f"{base}-mpi",
            "type": "multinode",
            "nodeProperties": {
                "numNodes": 2,
                "mainNode": 0,
                "nodeRangeProperties": [{"targetNodes": "0:1", "container": CONTAINER}],
            },
        },
    )
    if answer.status != 200:
        made.multi_node = f"RegisterJobDefinition of a multi-node definition: HTTP {answer.status}"
        return
    made.definitions.append(answered_member(answer, "jobDefinitionArn", f"{base}-mpi"))
    answer = client.call(
        "SubmitJob", {"jobName": "conf-mpi", "jobQueue": queue, "jobDefinition": made.definitions[-1]}
    )
    job_id = answer.data.get("jobId") if isinstance(answer.data, dict) else None
    if answer.status != 200 or not isinstance(job_id, str):
        made.multi_node = f"SubmitJob of a multi-node job: HTTP {answer.status}"
        return
    made.submitted.append(job_id)
    made.parents[job_id] = "multiNodeJobId"


def _terminate(client: EndpointClient, job_id: str) -> bool:
    return client.call("TerminateJob", _terminating(job_id)).status == 200


def settle(client: EndpointClient, look: Any) -> tuple[Any, bool]:
    """Call ``look()`` until two results in a row are equal, for at most a share of the time left; the
    last result, and whether it held still."""
    until = time.monotonic() + max(0.0, client.remaining()) * _SETTLE_SHARE
    last = look()
    while True:
        if last is None:
            return None, False
        time.sleep(_SETTLE_PAUSE)
        now = look()
        if now == last:
            return now, True
        last = now
        if time.monotonic() >= until:
            return last, False


def remove_made(client: EndpointClient, made: Made, notes: list[str]) -> None:
    """Terminate every job the run submitted, deregister its definitions, disable and delete its queue and
    compute environment, within :data:`CLEAN_UP_SECONDS` (past the deadline if need be); note what was
    done and what is left."""
    if not (made.environment or made.queue or made.definitions or made.submitted):
        return
    client.grant(CLEAN_UP_SECONDS)
    left: list[str] = []
    failed = 0
    try:
        for job_id in made.submitted:
            if job_id not in made.terminated and not _quietly(client, "TerminateJob", _terminating(job_id)):
                failed += 1
        for arn in made.definitions:
            if not _quietly(client, "DeregisterJobDefinition", {"jobDefinition": arn}):
                left.append(f"job definition {arn}")
        if made.queue is not None:
            _quietly(client, "UpdateJobQueue", {"jobQueue": made.queue, "state": "DISABLED"})
            if not _deleted(client, "DeleteJobQueue", {"jobQueue": made.queue}):
                left.append(f"job queue {made.queue}")
        if made.environment is not None:
            environment = {"computeEnvironment": made.environment}
            _quietly(client, "UpdateComputeEnvironment", {**environment, "state": "DISABLED"})
            if not _deleted(client, "DeleteComputeEnvironment", environment):
                left.append(f"compute environment {made.environment}")
    except EndpointUnreachable as error:
        notes.append(f"clean-up stopped: {error}")
        return
    ending = f"; {failed} could not be terminated" if failed else ""
    notes.append(f"jobs: {len(made.submitted)} submitted and terminated by the run{ending}")
    what = "queue, compute environment, job definitions" if made.queue else "job definitions"
    notes.append(f"left in place: {', '.join(left)}" if left else f"what the run made ({what}) was deleted")


def _terminating(job_id: str) -> dict[str, str]:
    return {"jobId": job_id, "reason": TERMINATION_REASON}


def _quietly(client: EndpointClient, operation: str, request: dict[str, Any]) -> bool:
    """One clean-up call; False when it is refused or not answered."""
    try:
        return client.call(operation, request).status == 200
    except TargetFault:
        return False


def _deleted(client: EndpointClient, operation: str, request: dict[str, Any]) -> bool:
    """A deletion, tried again while the endpoint still detaches what depends on it."""
    for attempt in range(_DELETE_ATTEMPTS):
        if _quietly(client, operation, request):
            return True
        if attempt + 1 < _DELETE_ATTEMPTS and client.remaining() > _DELETE_PAUSE:
            time.sleep(_DELETE_PAUSE)
    return False
