"""From selected jobs to the wire response (rules W-1, W-2, W-3, E-2).

Theory of operation: only the jobs on the page are ever projected. A summary holds exactly the
operation's summary members that the job has (model, ``ServiceJobSummary``), absent members stay absent
(never null), a member the model shows only when true (``isTerminated``, ``isCancelled``) is absent when
false, and every other member (``jobQueue``, ``version``, anything else) is dropped. Values are
copied into plain JSON types, so the response is JSON-serialisable and shares nothing mutable with the
caller's jobs. A member of the wrong type (its model type is ``_jobs.MEMBER_SHAPES``') is the server's
fault, not the client's: a ``ServerException`` naming the job and the member.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

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

__all__ = ["response", "to_summary"]

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


def response(summaries: list[dict[str, Any]], next_token: str | None) -> dict[str, Any]:
    """The response shape (W-1): ``jobSummaryList`` always, ``nextToken`` only when there is one."""
    if next_token is None:
        return {"jobSummaryList": summaries}
    return {"jobSummaryList": summaries, "nextToken": next_token}


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
