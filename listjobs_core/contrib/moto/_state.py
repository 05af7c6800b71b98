"""What the plug-in keeps for one moto Batch backend (one account and region), and where it keeps it (MS-1).

Theory of operation: moto keeps a ``BatchBackend`` per account and region, and its reset (``mock_aws``
ending, ``/moto-api/reset``) empties every backend's ``__dict__``. The plug-in keeps its own records in
one ``ServiceState`` stored in the backend's ``__dict__``, so they are per account and region like moto's,
and moto's reset clears them with everything else. ``uninstall()`` takes the records off every backend the
plug-in wrote to (``forget_all``), so nothing of the plug-in stays in moto.

The records are plain data: the service jobs, in a ``ServiceJobStore`` (so listings and tokens are this
library's) behind the one ``listjobs_core.service.JobService`` of the backend's partition, region and
account (which also keeps the client tokens used), the service environments, what the plug-in knows about
job queues beyond moto (their type and service environments), and the progression bookkeeping of jobs
that have not finished. The store is thread-safe on its own, but every change here reads, decides and
writes, so each takes the state's ``lock`` (the job service's); moto's server answers requests on many
threads.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ... import ServiceJobStore
from ...service import JobService
from . import _moto

__all__ = [
    "JobProgress",
    "QueueRecord",
    "ServiceEnvironment",
    "ServiceState",
    "forget_all",
    "live_states",
    "state_of",
]

# The backend attribute holding the plug-in's records, in the backend's __dict__, which moto's reset empties.
_ATTRIBUTE = "_listjobs_core_service_jobs"


@dataclass
class ServiceEnvironment:
    """A service environment (model ``ServiceEnvironmentDetail``, less its tags: moto's tagger keeps them)."""

    name: str
    arn: str
    environment_type: str
    state: str
    capacity_limits: list[dict[str, Any]]
    sequence: int  # creation order: DescribeServiceEnvironments lists in it, and its tokens point into it
    status: str = "VALID"

    def describe(self, tags: dict[str, str]) -> dict[str, Any]:
        """The ``ServiceEnvironmentDetail`` of this environment."""
        detail: dict[str, Any] = {
            "serviceEnvironmentName": self.name,
            "serviceEnvironmentArn": self.arn,
            "serviceEnvironmentType": self.environment_type,
            "state": self.state,
            "status": self.status,
            "capacityLimits": [dict(limit) for limit in self.capacity_limits],
        }
        if tags:
            detail["tags"] = dict(tags)
        return detail


@dataclass
class QueueRecord:
    """What the plug-in knows about a moto job queue beyond moto: its type and its service environments.

    ``queue`` is moto's ``JobQueue`` object itself, so a record never outlives its queue: a queue deleted
    and created again under the same name is a new object, and the old record does not apply to it.
    """

    queue: Any
    job_queue_type: str
    service_environment_order: list[dict[str, Any]] = field(default_factory=list)
    job_state_time_limit_actions: list[dict[str, Any]] | None = None

    @property
    def is_service_queue(self) -> bool:
        return self.job_queue_type == "SAGEMAKER_TRAINING"

    def is_live(self, backend: Any) -> bool:
        """Whether the record's queue is still the backend's queue under its ARN (not deleted or replaced)."""
        return bool(backend.get_job_queue_by_arn(self.queue.arn) is self.queue)

    def uses(self, environment_arn: str) -> bool:
        """Whether the queue draws on the service environment with this ARN."""
        return any(entry["serviceEnvironment"] == environment_arn for entry in self.service_environment_order)


@dataclass
class JobProgress:
    """MS-8: when a job that has not finished last changed status, and how often it was described since."""

    changed_at_ms: int
    describes: int = 0


class ServiceState:
    """The plug-in's records for one moto Batch backend."""

    def __init__(self, backend: Any) -> None:
        self.jobs = ServiceJobStore()
        self.service = JobService(
            self.jobs,
            region=backend.region_name,
            account=backend.account_id,
            partition=_moto.partition_of(backend),
            clock=_moto.now_ms,
            new_job_id=_moto.new_id,
        )
        self.lock = self.service.lock
        self.environments: dict[str, ServiceEnvironment] = {}  # by ARN, in creation order
        self.queues: dict[str, QueueRecord] = {}  # by queue ARN
        self.progress: dict[str, JobProgress] = {}  # jobId -> progression bookkeeping, unfinished jobs only
        self.next_sequence = 0
        # LJ-14: the moto Batch jobs whose CancelJob or TerminateJob moto accepted (their JobSummary says
        # isCancelled or isTerminated).
        self.cancelled_jobs: set[str] = set()
        self.terminated_jobs: set[str] = set()
        # MS-15: the scheduling policies made with a quotaSharePolicy (ARN -> that member), and the
        # registry of quota shares over moto's queues (``_moto_queues.MotoQueues``, made on first use).
        self.quota_policies: dict[str, dict[str, Any]] = {}
        self.queue_registry: Any = None
        # MS-16 to MS-19: the consumable resources (``service.ConsumableResources``, made on first use), and
        # the consumableResourceProperties moto drops: of job definitions by ARN, of jobs by jobId.
        self.consumable_resources: Any = None
        self.definition_resources: dict[str, dict[str, Any]] = {}
        self.job_resources: dict[str, dict[str, Any]] = {}


# Every backend the plug-in has written its records to, so uninstall() can take them off again.
_written: weakref.WeakSet[Any] = weakref.WeakSet()
_written_lock = threading.Lock()


def state_of(backend: Any) -> ServiceState:
    """The plug-in's records for a moto ``BatchBackend``, made on first use."""
    state = vars(backend).get(_ATTRIBUTE)
    if isinstance(state, ServiceState):
        return state
    with _written_lock:
        state = vars(backend).get(_ATTRIBUTE)
        if not isinstance(state, ServiceState):
            state = ServiceState(backend)
            vars(backend)[_ATTRIBUTE] = state
            _written.add(backend)
    return state


def live_states() -> Iterator[tuple[Any, ServiceState]]:
    """Every backend that holds records now, with them (a backend moto has reset holds none)."""
    with _written_lock:
        backends = list(_written)
    for backend in backends:
        state = vars(backend).get(_ATTRIBUTE)
        if isinstance(state, ServiceState):
            yield backend, state


def forget_all() -> None:
    """Take the plug-in's records off every backend (``uninstall``)."""
    with _written_lock:
        for backend in list(_written):
            vars(backend).pop(_ATTRIBUTE, None)
        _written.clear()
