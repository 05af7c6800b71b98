"""The typed layer's values: job statuses, what the engine needs of a job, sort keys and cursors.

Theory of operation: the dict API (``list_service_jobs``) is a thin shell over typed values. A request in
the wire shape is parsed once into a ``ListQuery`` (``_query``, with its filter from ``_filters``);
everything after parsing works on frozen values, never on the caller's dicts. Emulators that keep typed
records can hand the engine any job objects with a mapping-style ``get`` (such as ``ServiceJob`` below),
without building job dicts.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields
from typing import Any, Protocol, overload

__all__ = ["Cursor", "JobLike", "JobStatus", "ServiceJob", "SortKey"]

# A sort key: a tuple compared element by element (see ``_ordering``).
SortKey = tuple[Any, ...]


class JobStatus(str, enum.Enum):
    """Job statuses; the model's ``ServiceJobStatus`` enum (``JobStatus`` lacks SCHEDULED)."""

    SUBMITTED = "SUBMITTED"
    PENDING = "PENDING"
    RUNNABLE = "RUNNABLE"
    SCHEDULED = "SCHEDULED"
    STARTING = "STARTING"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a traversal resumes: the sort key of the last job of the previous page (rule P-4)."""

    sort_key: SortKey


class JobLike(Protocol):
    """What the engine needs of a job: mapping-style ``get`` and ``[]`` by wire member name."""

    @overload
    def get(self, member: str, /) -> Any: ...

    @overload
    def get(self, member: str, default: Any, /) -> Any: ...

    def __getitem__(self, member: str, /) -> Any: ...


@dataclass(frozen=True, slots=True)
class ServiceJob:
    """A typed service job record with the wire members of ``ServiceJobSummary``, plus ``jobQueue``
    and ``version``.

    It offers ``get`` by wire member name, so the engine lists records without building dicts:

    >>> from listjobs_core import list_service_jobs
    >>> job = ServiceJob(jobId="j1", jobName="train", status="RUNNING", createdAt=5)
    >>> list_service_jobs([job], {})
    {'jobSummaryList': [{'jobId': 'j1', 'jobName': 'train', 'createdAt': 5, 'status': 'RUNNING'}]}
    """

    jobId: str  # noqa: N815 - wire member names, so ``get`` needs no translation table
    jobName: str  # noqa: N815
    jobArn: str | None = None  # noqa: N815
    capacityUsage: list[dict[str, Any]] | None = None  # noqa: N815
    createdAt: int | None = None  # noqa: N815
    latestAttempt: dict[str, Any] | None = None  # noqa: N815
    scheduledAt: int | None = None  # noqa: N815
    serviceJobType: str | None = None  # noqa: N815
    shareIdentifier: str | None = None  # noqa: N815
    quotaShareName: str | None = None  # noqa: N815
    status: str | None = None
    statusReason: str | None = None  # noqa: N815
    startedAt: int | None = None  # noqa: N815
    stoppedAt: int | None = None  # noqa: N815
    jobQueue: str | None = None  # noqa: N815
    version: int | None = None

    def get(self, member: str, default: Any = None, /) -> Any:
        """The member's value, or ``default`` when the record lacks it (``None`` means absent)."""
        value = getattr(self, member, None) if member in _SERVICE_JOB_FIELDS else None
        return default if value is None else value

    def __getitem__(self, member: str) -> Any:
        value = self.get(member)
        if value is None:
            raise KeyError(member)
        return value


_SERVICE_JOB_FIELDS = frozenset(field.name for field in fields(ServiceJob))
