"""How a store keeps a job: a private, checked copy, laid out so that its summary and its JSON are cheap.

Theory of operation: a response must share nothing mutable with the store (W-3) and hold exactly the
summary ``_wire.to_summary`` builds (W-2). The store checks each job once, when it is put
(``_jobs.find_job_problem``), and keeps a ``Record``:

- a ``FlatRecord`` holds its summary members first, in the summary's order, each value exactly the one
  ``to_summary`` returns (an immutable scalar), then at most ``jobQueue`` and ``version``, which a summary
  drops. Its summary is a C-level copy less those two members;
- a ``ProjectedRecord`` holds anything else (a nested value, another member), privately deep-copied; its
  summary is ``to_summary``'s, built at listing time.

Either way a record remembers, once asked, its summary's JSON text (``fragment``): records are never
changed after they are stored (a change stores a new record), so the text stays true, and a page's JSON is
the join of its records' fragments.

Most jobs are *simple*: a dict whose values are ASCII strings and integers, each of the type its member's
model shape takes (``_jobs.MEMBER_SHAPES``). For those, ``private_record`` skips the general check and
copy; the tests check that every simple job is one ``find_job_problem`` accepts.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Mapping
from typing import Any

from ._jobs import LONG_MAX, LONG_MIN, MEMBER_SHAPES, STATUS_VALUES, Shape, find_job_problem, fits
from ._model import ServiceJob
from ._wire import to_summary

__all__ = [
    "NEVER_ECHOED",
    "FlatRecord",
    "ProjectedRecord",
    "Record",
    "fragment_of",
    "is_simple",
    "private_record",
    "public_copy",
    "summary_of",
]

# The members the core reads but never echoes (IN-2, IN-3; W-2 drops them).
NEVER_ECHOED = ("jobQueue", "version")
_IMMUTABLE_TYPES = frozenset({str, int, float, bool, type(None)})
# The JSON text of a summary, as ``json.dumps(summary, separators=(",", ":"))``: ASCII, every other
# character escaped, so a page of fragments is the same bytes whatever the characters of its names.
_ENCODE = json.JSONEncoder(separators=(",", ":")).encode


class Record(dict[str, Any]):
    """A stored job; ``fragment`` is its summary's JSON text once asked for."""

    __slots__ = ("fragment",)
    fragment: str


class FlatRecord(Record):
    """Summary members first, in the summary's order, as ``to_summary`` returns them; then at most
    ``jobQueue`` and ``version``."""

    __slots__ = ()


class ProjectedRecord(Record):
    """A job whose summary ``to_summary`` builds at listing time."""

    __slots__ = ()


def private_record(job: object, members: tuple[str, ...]) -> Record:
    """A checked copy of a job that shares no mutable value with the caller's, or ``TypeError`` /
    ``ValueError`` naming the member at fault. ``members`` are the operation's summary members."""
    if is_simple(job):
        assert isinstance(job, dict)
        # Summary members first, in the summary's order, then the two members a summary drops.
        record = FlatRecord({member: job[member] for member in members if member in job})
        if len(record) < len(job):
            record.update({member: job[member] for member in NEVER_ECHOED if member in job})
            if len(record) < len(job):
                return ProjectedRecord(job)  # a member that is neither
        return record
    if isinstance(job, ServiceJob):
        fields = dataclasses.fields(job)
        job = {field.name: value for field in fields if (value := job.get(field.name)) is not None}
    problem = find_job_problem(job)
    if problem is not None:
        raise (TypeError if problem.is_type_error else ValueError)(str(problem))
    assert isinstance(job, Mapping)
    stored = {
        member: value if type(value) in _IMMUTABLE_TYPES else copy.deepcopy(value)
        for member, value in job.items()
    }
    summary = to_summary(stored, members)
    if all(summary.get(member) is value or member in NEVER_ECHOED for member, value in stored.items()):
        # Every member is either echoed as it is (an immutable scalar: ``to_summary`` returns the very
        # object) or one of the two the summary drops. Stored in the summary's order, the job's summary is
        # then its copy less those two, with the same items, order and values.
        record = FlatRecord(summary)
        record.update({member: stored[member] for member in NEVER_ECHOED if member in stored})
        return record
    return ProjectedRecord(stored)


def summary_of(record: Record, members: tuple[str, ...]) -> dict[str, Any]:
    """The wire summary of a stored job: ``to_summary``'s, or the flat record's copy less the members a
    summary drops, in one C-level step."""
    if type(record) is FlatRecord:
        summary = dict.copy(record)
        summary.pop("jobQueue", None)
        summary.pop("version", None)
        return summary
    return to_summary(record, members)


def fragment_of(record: Record, members: tuple[str, ...]) -> str:
    """The JSON text of a stored job's summary, made once per record."""
    try:
        fragment: str = record.fragment
    except AttributeError:
        fragment = record.fragment = _ENCODE(summary_of(record, members))
    return fragment


def public_copy(record: Record) -> dict[str, Any]:
    """A copy of a stored job for a caller: a plain dict, and changing it never reaches the store."""
    if type(record) is FlatRecord:
        return dict.copy(record)
    return {
        member: value if type(value) in _IMMUTABLE_TYPES else copy.deepcopy(value)
        for member, value in record.items()
    }


# --- Simple jobs ------------------------------------------------------------------------------------------

_ANY = "any"  # a member the model does not name: any JSON value is well formed
_NATURAL = "natural"  # an integer of at least 0
_STATUS = "status"  # one of the model's statuses (IN-1)


def _simple_kind(shape: Shape) -> object:
    """The exact Python type a member's every value of which is well formed (probed with ``fits``), the
    non-negative integers, or ``None`` when no simple value is."""
    if shape.types == (str,) and fits("", shape):
        return str
    if shape.types == (int,) and fits(-1, shape):
        return int
    if shape.types == (int,) and fits(0, shape):
        return _NATURAL
    return None


_SIMPLE_KINDS: dict[str, object] = {
    **{member: _simple_kind(shape) for member, shape in MEMBER_SHAPES.items()},
    "status": _STATUS,
}


def is_simple(job: object) -> bool:
    """Whether a job is a dict of ASCII strings and integers of its members' model types, with a non-empty
    ``jobId`` and ``jobName``: a job ``find_job_problem`` accepts without looking further.

    >>> is_simple({"jobId": "a", "jobName": "n", "createdAt": 5, "custom": "x"})
    True
    >>> is_simple({"jobId": "a", "jobName": "n", "createdAt": "5"}), is_simple({"jobId": "a", "jobName": "é"})
    (False, False)
    >>> job = {"jobId": "a", "jobName": "n", "status": "RUNNING"}
    >>> is_simple(job), is_simple({**job, "status": "BOGUS"})
    (True, False)
    """
    if type(job) is not dict:
        return False
    kinds = _SIMPLE_KINDS
    for member, value in job.items():
        kind = kinds.get(member, _ANY)
        if type(value) is str:
            if kind is _STATUS:
                if value not in STATUS_VALUES:
                    return False
            elif not ((kind is str or kind is _ANY) and value.isascii()):
                return False
        elif type(value) is int:
            if not (kind is int or kind is _ANY or (kind is _NATURAL and value >= 0)):
                return False
            if not LONG_MIN <= value <= LONG_MAX:
                return False
        else:
            return False
        if kind is _ANY and type(member) is not str:
            return False
    return bool(job.get("jobId")) and bool(job.get("jobName"))
