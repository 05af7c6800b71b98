"""From selected jobs to the wire response (rules W-1, W-2, W-3, E-2).

Theory of operation: only the jobs on the page are ever projected. A summary holds exactly the
operation's summary members that the job has (model, ``ServiceJobSummary``), absent members stay absent
(never null), a member the model shows only when true (``isTerminated``, ``isCancelled``) is absent when
false, and every other member (``jobQueue``, ``version``, anything else) is dropped. Values are
copied into plain JSON types, so the response is JSON-serialisable and shares nothing mutable with the
caller's jobs. A member of the wrong type (its model type is ``_jobs.MEMBER_SHAPES``') is the server's
fault, not the client's: a ``ServerException`` naming the job and the member.

A ``ListJobsByConsumableResourceSummary`` (CR-8) is not a projection: some of its members are read from
job members of other names (``jobDefinitionArn`` from ``jobDefinition``, ``jobStatus`` from ``status``), and
two are derived, ``jobQueueArn`` (the job's queue as an ARN) and ``quantity`` (what the job requires of the
requested resource); every member the model requires is present, or the job is the server's fault.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ._arns import JOB_QUEUE, batch_arn, parse_batch_arn
from ._consumable import PROPERTIES, RequirementMatcher, properties_problem, resource_name
from ._errors import ServerException
from ._jobs import (
    MAX_NESTING_DEPTH,
    MEMBER_SHAPES,
    NON_NEGATIVE_INTEGER,
    REQUIRED_MEMBERS,
    SUMMARY_TRUE_ONLY_MEMBERS,
    fits,
)
from ._model import JobLike

__all__ = ["ResourceSummaryParts", "resource_summaries", "response", "to_summary"]

# The Python types of each member's model shape (``_jobs.MEMBER_SHAPES``); a shape that needs more than
# a type test (a non-negative integer) has none here, so ``fits`` decides it.
_TYPES_OF: dict[str, tuple[type, ...]] = {
    member: () if shape is NON_NEGATIVE_INTEGER else shape.types for member, shape in MEMBER_SHAPES.items()
}
# The members whose model type is exactly one immutable scalar type (a string, an integer): a value of
# exactly that type needs no other test and no copy.
_SCALAR_OF: dict[str, type] = {
    member: types[0] for member, types in _TYPES_OF.items() if types in ((str,), (int,))
}


def to_summary(
    job: JobLike, members: Iterable[str], *, true_only: frozenset[str] = SUMMARY_TRUE_ONLY_MEMBERS
) -> dict[str, Any]:
    """The wire summary of a job: its ``members`` that are present, as plain JSON values; a member of
    ``true_only`` (by default the summaries' ``isTerminated`` and ``isCancelled``) only when it is true.

    >>> job = {"jobId": "j", "jobName": "n", "jobQueue": "q", "status": None, "isTerminated": False}
    >>> to_summary(job, ("jobId", "jobName", "status", "isTerminated"))
    {'jobId': 'j', 'jobName': 'n'}
    >>> to_summary(job, ("jobId", "isTerminated"), true_only=frozenset())
    {'jobId': 'j', 'isTerminated': False}
    """
    summary: dict[str, Any] = {}
    for member in members:
        value = job.get(member)
        if value is None:
            if member in REQUIRED_MEMBERS:
                raise ServerException(f"a job has no {member}: {_describe(job)}")
            continue
        if type(value) is _SCALAR_OF.get(member):
            summary[member] = value
            continue
        if value is False and member in true_only:
            continue
        types = _TYPES_OF.get(member)
        # ``_jobs.fits`` in one isinstance for most values: this runs for every member of every listed job.
        if (
            types is not None
            and (not isinstance(value, types) or type(value) is bool)
            and not fits(value, MEMBER_SHAPES[member])
        ):
            raise ServerException(f"job {job.get('jobId')!r} has a {member} of the wrong type")
        # Scalars are immutable: only containers are copied (W-3).
        summary[member] = value if isinstance(value, (str, int, float)) else _json_copy(value, job, member, 0)
    return summary


def response(
    summaries: list[dict[str, Any]], next_token: str | None, list_member: str = "jobSummaryList"
) -> dict[str, Any]:
    """The response shape (W-1): ``jobSummaryList`` (the operation's ``list_member``) always, ``nextToken``
    only when there is one."""
    if next_token is None:
        return {list_member: summaries}
    return {list_member: summaries, "nextToken": next_token}


_LIST, _RESOURCE, _QUANTITY = "consumableResourceList", "consumableResource", "quantity"

# --- ListJobsByConsumableResourceSummary (rule CR-8) -------------------------------------------------------

# The job member each summary member is read from, where the names differ; ``None``: derived.
_RESOURCE_SUMMARY_SOURCES: dict[str, str | None] = {
    "jobQueueArn": None,
    "jobDefinitionArn": "jobDefinition",
    "jobStatus": "status",
    "quantity": None,
}
# Model, ListJobsByConsumableResourceSummary: "required": [...].
RESOURCE_SUMMARY_REQUIRED = frozenset(
    {"jobArn", "jobQueueArn", "jobName", "jobStatus", "quantity", "createdAt", "consumableResourceProperties"}
)


def resource_summaries(
    jobs: Iterable[JobLike], requested: str, members: tuple[str, ...]
) -> list[dict[str, Any]]:
    """The ``ListJobsByConsumableResourceSummary`` of each job, which requires the resource ``requested``
    (a name or an ARN); ``members`` are the summary's members, in order (CR-8).

    >>> job = {"jobId": "j", "jobName": "n", "jobArn": "arn:aws:batch:us-east-1:1:job/j", "jobQueue": "q",
    ...        "status": "RUNNING", "createdAt": 5, "consumableResourceProperties": {
    ...            "consumableResourceList": [{"consumableResource": "r", "quantity": 2}]}}
    >>> summary = resource_summaries([job], "r", ("jobArn", "jobQueueArn", "jobStatus", "quantity"))[0]
    >>> summary["jobQueueArn"], summary["jobStatus"], summary["quantity"]
    ('arn:aws:batch:us-east-1:1:job-queue/q', 'RUNNING', 2)
    """
    quantity_of = RequirementMatcher(requested).quantity
    summaries: list[dict[str, Any]] = []
    for job in jobs:
        # CR-3: a job on the page names each resource once, so its quantity is that of one entry.
        problem = properties_problem(job.get(PROPERTIES))
        if problem is not None:
            raise ServerException(f"job {job.get('jobId')!r} has a {PROPERTIES} that {problem}")
        summaries.append(_resource_summary(job, quantity_of(job), members))
    return summaries


@dataclass(frozen=True, slots=True)
class ResourceSummaryParts:
    """A job's ``ListJobsByConsumableResourceSummary`` made once, for a store to finish per request with
    ``summary(name)``: the summary's members but the last (``keys``), their values for each resource the job
    requires, by resource name (``values``: CR-3 makes the name's entry unique, and it is the entry any
    identifier of that name denotes), and the last member, ``consumableResourceProperties``, as stored
    (``properties``, copied for each summary: W-3)."""

    keys: tuple[str, ...]
    values: dict[str, tuple[Any, ...]]
    properties: Any
    # When ``properties`` is exactly ``{"consumableResourceList": [{"consumableResource": string, "quantity":
    # integer}, ...]}``, its entries, each copied (a copy of scalars is whole) for each summary; else
    # ``None``, and ``properties`` is copied by ``_json_copy``.
    entries: tuple[dict[str, Any], ...] | None

    @classmethod
    def of(cls, job: JobLike, members: tuple[str, ...]) -> ResourceSummaryParts:
        """The parts of a job, checked as ``resource_summaries`` checks (a ``ServerException`` for a
        malformed job, CR-3, CR-8); ``members`` end with ``consumableResourceProperties``."""
        problem = properties_problem(job.get(PROPERTIES))
        if problem is not None:
            raise ServerException(f"job {job.get('jobId')!r} has a {PROPERTIES} that {problem}")
        assert members[-1] == PROPERTIES
        properties = job.get(PROPERTIES)
        entries = properties.get(_LIST) or ()
        values: dict[str, tuple[Any, ...]] = {}
        keys: tuple[str, ...] = ()
        for entry in entries:
            whole = _resource_summary(job, entry["quantity"], members)
            keys = tuple(member for member in whole if member != PROPERTIES)
            values[resource_name(entry["consumableResource"])] = tuple(whole[member] for member in keys)
        flat = (
            type(entries) is list
            and set(properties) == {_LIST}
            and all(
                type(entry) is dict and list(entry) == [_RESOURCE, _QUANTITY]
                and type(entry[_RESOURCE]) is str and type(entry[_QUANTITY]) is int
                for entry in entries
            )
        )
        return cls(keys, values, properties, tuple(entries) if flat else None)

    def summary(self, name: str) -> dict[str, Any]:
        """The summary for the resource of this name, with a fresh ``consumableResourceProperties``."""
        # Every tuple of ``values`` is as long as ``keys`` (both made from one summary).
        summary = dict(zip(self.keys, self.values[name], strict=False))
        entries = self.entries
        if entries is not None:
            summary[PROPERTIES] = {_LIST: [*map(dict.copy, entries)]}
        else:
            summary[PROPERTIES] = _json_copy(self.properties, {}, PROPERTIES, 0)
        return summary


def _resource_summary(job: JobLike, quantity: int | None, members: tuple[str, ...]) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    for member in members:
        source = _RESOURCE_SUMMARY_SOURCES.get(member, member)
        if member == "quantity":
            value: Any = quantity
        elif member == "jobQueueArn":
            value = _job_queue_arn(job)
        else:
            assert source is not None
            value = _checked(job, source)
        if value is None:
            if member in RESOURCE_SUMMARY_REQUIRED:
                raise ServerException(f"a job has no {source or member}, which its summary requires: "
                                      f"{_describe(job)}")
            continue
        copied = value if isinstance(value, (str, int)) else _json_copy(value, job, source or member, 0)
        summary[member] = copied
    return summary


def _checked(job: JobLike, member: str) -> Any:
    """A job member's value (``None``: absent), refused when it is not of its model type (E-2)."""
    value = job.get(member)
    if value is None or type(value) is _SCALAR_OF.get(member):
        return value
    if not fits(value, MEMBER_SHAPES[member]):
        raise ServerException(f"job {job.get('jobId')!r} has a {member} of the wrong type")
    return value


def _job_queue_arn(job: JobLike) -> str | None:
    """The job's queue as an ARN (CR-8): ``jobQueue`` when it is a queue ARN; a queue name becomes the ARN
    of that name in the partition, region and account of the job's ``jobArn``."""
    queue = _checked(job, "jobQueue")
    if queue is None:
        return None
    if parse_batch_arn(queue, JOB_QUEUE) is not None:
        return str(queue)
    job_arn = _checked(job, "jobArn")
    arn = None if job_arn is None else parse_batch_arn(job_arn)
    if arn is None:
        raise ServerException(
            f"job {job.get('jobId')!r} names its queue {queue!r} by name and has no Batch jobArn to tell "
            f"the queue's region and account by"
        )
    return batch_arn(JOB_QUEUE, queue, arn.region, arn.account, arn.partition)


def _json_copy(value: Any, job: JobLike, member: str, depth: int) -> Any:
    """A deep copy of a JSON value in plain types (W-3), or a ``ServerException`` for anything else."""
    if isinstance(value, (str, int, float)) or value is None:
        return value
    if depth >= MAX_NESTING_DEPTH:
        raise ServerException(f"job {job.get('jobId')!r} has a {member} nested too deeply")
    if isinstance(value, Mapping):
        if not all(isinstance(key, str) for key in value):
            raise ServerException(f"job {job.get('jobId')!r} has a {member} with a key that is not a string")
        return {key: _json_copy(item, job, member, depth + 1) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_copy(item, job, member, depth + 1) for item in value]
    kind = type(value).__name__
    raise ServerException(f"job {job.get('jobId')!r} has a {member} that is not JSON ({kind})")


def _describe(job: JobLike) -> str:
    text = repr(job)
    return text if len(text) <= 120 else text[:117] + "..."
