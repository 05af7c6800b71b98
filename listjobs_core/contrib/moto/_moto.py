"""The parts of moto the operations read at run time, each behind one small function.

Theory of operation: the operations are written against plain data and this handful of calls into moto
(5.1 up to 6): the account and region's ``BatchBackend``, moto's seeded random ids, its state manager's
transition for service jobs, its ``JobQueue`` and its tagger. moto is imported when a function here is
called, never at import time, so ``import listjobs_core.contrib.moto`` imports no moto.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import time
from typing import Any

from ... import ListingError
from ._transitions import SERVICE_JOB_MODEL

__all__ = [
    "batch_arn",
    "batch_backend_of",
    "client_error",
    "moto_version",
    "new_id",
    "new_job_queue",
    "now_ms",
    "partition_of",
    "register_job_queue",
    "tags_of",
    "transition_config",
]


def batch_backend_of(response: Any) -> Any:
    """The ``BatchBackend`` of the account and region a ``BatchResponse`` answers for.

    With ``use_docker`` off moto answers through ``batch_simple``, which reads and writes this same
    backend, so the plug-in's records and moto's queues are in one place whichever moto uses.
    """
    models = importlib.import_module("moto.batch.models")
    return models.batch_backends[response.current_account][response.region]


def client_error(error: ListingError) -> Exception:
    """A listjobs_core error as the exception moto renders as a JSON service error: the status code, an
    ``X-Amzn-ErrorType`` header and a ``{"__type": ..., "message": ...}`` body.

    ``JsonRESTError`` is the one such class that every supported moto has (5.2.6 dropped ``AWSError``).
    """
    exceptions = importlib.import_module("moto.core.exceptions")
    moto_error = exceptions.JsonRESTError(error.error_type, error.message)
    moto_error.code = error.status_code
    rendered: Exception = moto_error
    return rendered


def moto_version() -> str:
    """The installed moto's version, as its distribution names it (``unknown`` when it does not say)."""
    try:
        return importlib.metadata.version("moto")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def new_id() -> str:
    """A fresh UUID from moto's random source, which ``/moto-api/seed`` makes reproducible."""
    internal = importlib.import_module("moto.moto_api._internal")
    return str(internal.mock_random.uuid4())


def now_ms() -> int:
    """Now, in milliseconds since the epoch, as the service's timestamps are."""
    return int(time.time() * 1000)


def transition_config() -> Any:
    """The transition moto's state manager holds for service jobs (set by a test, or the default)."""
    return importlib.import_module("moto.moto_api").state_manager.get_transition(SERVICE_JOB_MODEL)


def batch_arn(backend: Any, resource: str, name: str) -> str:
    """The ARN of a Batch resource of the backend's partition, region and account.

    >>> class Backend: partition, region_name, account_id = "aws", "eu-west-1", "123456789012"
    >>> batch_arn(Backend(), "service-job", "j-1")
    'arn:aws:batch:eu-west-1:123456789012:service-job/j-1'
    """
    return f"arn:{partition_of(backend)}:batch:{backend.region_name}:{backend.account_id}:{resource}/{name}"


def partition_of(backend: Any) -> str:
    """The backend's partition (``aws``, ``aws-cn``, ...)."""
    partition = getattr(backend, "partition", None)
    return partition if isinstance(partition, str) else "aws"


def new_job_queue(
    backend: Any,
    name: str,
    priority: int,
    state: str,
    schedule_policy: str | None,
    tags: dict[str, str] | None,
) -> Any:
    """A moto ``JobQueue`` with no compute environment, for a queue of service environments."""
    models = importlib.import_module("moto.batch.models")
    return models.JobQueue(
        name, priority, state, [], [], schedule_policy=schedule_policy, backend=backend, tags=tags
    )


def register_job_queue(backend: Any, queue: Any) -> None:
    """Add a ``JobQueue`` to the backend as moto's CreateJobQueue does, so every moto operation sees it."""
    backend._job_queues[queue.arn] = queue


def tags_of(backend: Any, arn: str) -> dict[str, str]:
    """The tags moto's tagger holds for an ARN (TagResource and UntagResource change them)."""
    tags: dict[str, str] = backend.list_tags_for_resource(arn)
    return tags
