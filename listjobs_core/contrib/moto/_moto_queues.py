"""``MotoQueues``: the quota-share rules of ``listjobs_core.service`` over a moto backend's queues (MS-15).

Theory of operation: ``QueueRegistry`` keeps quota shares and answers their operations, looking queues
and scheduling policies up through two methods; ``MotoQueues`` answers those from moto (a queue by name or
ARN as moto finds it, its type from the plug-in's record, MS-3; a policy of moto's, of the kind the
plug-in recorded, ``ServiceState.quota_policies``). One registry per backend lives in the plug-in's
``ServiceState``, so moto's reset clears its quota shares with everything else, and it shares the state's
lock.
"""

from __future__ import annotations

from typing import Any

from ...service import FAIR_SHARE, QUOTA_SHARE, JobQueue, QueueRegistry
from . import _moto
from ._job_queues import record_of
from ._state import ServiceState

__all__ = ["MotoQueues", "registry_of"]


class MotoQueues(QueueRegistry):
    """The quota-share rules over one moto backend's job queues and scheduling policies."""

    def __init__(self, backend: Any, state: ServiceState) -> None:
        super().__init__(
            region=backend.region_name, account=backend.account_id, partition=_moto.partition_of(backend)
        )
        self._backend = backend
        self._state = state
        self.lock = state.lock

    def queue(self, identifier: str) -> JobQueue | None:
        """moto's queue of a name or ARN, as a registry queue; ``None`` when moto has none."""
        found = self._backend.get_job_queue(identifier)
        if found is None:
            return None
        record = record_of(self._state, found)
        return JobQueue(
            found.name,
            found.arn,
            found.priority,
            found.state,
            found.schedule_policy or None,
            None if record is None else record.job_queue_type,
        )

    def policy_kind(self, arn: str) -> str | None:
        """The kind of moto's policy of this ARN: quota-share when the plug-in recorded it so."""
        if not self._backend.describe_scheduling_policies([arn]):
            return None
        with self.lock:
            return QUOTA_SHARE if arn in self._state.quota_policies else FAIR_SHARE


def registry_of(backend: Any, state: ServiceState) -> MotoQueues:
    """The backend's ``MotoQueues``, made on first use and kept in the plug-in's state."""
    with state.lock:
        if not isinstance(state.queue_registry, MotoQueues):
            state.queue_registry = MotoQueues(backend, state)
        return state.queue_registry
