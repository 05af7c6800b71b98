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

The in-memory stores keep a flat record *packed* (``pack``, ``pack_columns``): a plain tuple of its values
in the record's order followed by the number of its shape, ``(*values, shape)``; ``SHAPES[shape]`` is the
pair of tuples of member names, the summary's and the record's, that every record of that shape shares. A
tuple of strings and integers holds no reference the cyclic collector must follow, so CPython stops
tracking it at its first young collection: a million stored jobs cost the collector nothing, and a packed
job takes a pointer per member and one more. (A tuple holding the names' tuples instead of a number would
stay tracked for as long as a collection happened to see it before the names.) Its summary and its public copy
are ``dict(zip(names, record))``, one C-level step each. A projected record (a nested value) is kept as
it is. ``pack_columns`` packs many jobs of one shape at once, checking each member's column at once
(``simple_columns``: exactly ``is_simple``, job for job).
"""

from __future__ import annotations

import copy
import dataclasses
import json
import threading
from collections.abc import Callable, Mapping, Sequence
from itertools import islice, repeat
from typing import Any, Union

from ._jobs import (
    CREATED_AT_MIN,
    LONG_MAX,
    LONG_MIN,
    MEMBER_SHAPES,
    STATUS_VALUES,
    Shape,
    find_job_problem,
    fits,
)
from ._model import ServiceJob
from ._wire import to_summary

__all__ = [
    "NEVER_ECHOED",
    "SHAPES",
    "FlatRecord",
    "Packed",
    "ProjectedRecord",
    "Record",
    "Stored",
    "fragment_of",
    "is_simple",
    "job_view",
    "pack",
    "pack_columns",
    "private_record",
    "public_copy",
    "record_order",
    "simple_columns",
    "summary_of",
    "with_member",
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


# Records ``pack_columns`` makes between two young collections (they, and their values' headers, which
# making them touched, fit in a cache).
_RECORDS_PER_COLLECTION = 4096

# A packed flat record: ``(*values, shape)`` (see the module's notes).
Packed = tuple[Any, ...]
# What an in-memory store keeps for a job: a packed flat record, or a projected record.
Stored = Union[Packed, "ProjectedRecord"]
# A shape's number -> (summary names, record names), and record names -> their shape's number. Shapes
# are only ever added (a few per process: one per set of members jobs come with).
SHAPES: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
_SHAPE_NUMBERS: dict[tuple[str, ...], int] = {}
_SHAPES_LOCK = threading.Lock()


def _shape(names: tuple[str, ...]) -> int:
    number = _SHAPE_NUMBERS.get(names)
    if number is None:
        summary_names = names
        while summary_names and summary_names[-1] in NEVER_ECHOED:
            summary_names = summary_names[:-1]
        with _SHAPES_LOCK:
            number = _SHAPE_NUMBERS.get(names)
            if number is None:
                SHAPES.append((summary_names, names))
                number = _SHAPE_NUMBERS[names] = len(SHAPES) - 1
    return number


def record_order(names: Sequence[str], members: tuple[str, ...]) -> tuple[str, ...] | None:
    """The order of a flat record of a job with these members: the summary's members first, in the
    summary's order, then the members a summary drops; ``None`` when a member is neither (a projected
    record)."""
    present = set(names)
    order = tuple(member for member in members if member in present)
    order += tuple(member for member in NEVER_ECHOED if member in present)
    return order if len(order) == len(present) else None


def pack(record: Record) -> Stored:
    """How an in-memory store keeps a checked record: a flat one packed, a projected one as it is."""
    if type(record) is FlatRecord:
        return (*record.values(), _shape(tuple(record)))
    assert type(record) is ProjectedRecord
    return record


def pack_columns(
    names: tuple[str, ...],
    columns: list[list[Any]],
    members: tuple[str, ...],
    checked: Sequence[Sequence[object]] | None = None,
    young: Callable[[], object] | None = None,
) -> list[Packed] | None:
    """The packed records of many jobs of one shape, given member by member (``columns[i]`` holds every
    job's ``names[i]``), in one pass over each column: exactly ``pack(private_record(job, members))`` for
    each job, or ``None`` when some job is not simple (``simple_columns``) or its record is not flat.
    ``checked``, when given, holds what ``simple_columns`` reads in place of each column: the column, or
    its distinct values (the test of a member's values is a test of the set of them). ``young``, when
    given, is called before the list of records is made and after every few thousand records, while they
    are in the caches (a young collection, which stops tracking them: see the module's notes)."""
    order = record_order(names, members)
    if order is None or not simple_columns(names, columns if checked is None else checked):
        return None
    by_name = dict(zip(names, columns, strict=False))
    count = len(columns[0]) if columns else 0
    made = zip(*(by_name[name] for name in order), repeat(_shape(order), count), strict=True)
    if young is None:
        return list(made)
    records: list[Packed] = []
    young()
    while True:
        part = list(islice(made, _RECORDS_PER_COLLECTION))
        if not part:
            return records
        records += part
        young()


def job_view(stored: Stored) -> Mapping[str, Any]:
    """A stored job as a mapping to read (not to hand out: a projected record is the store's own)."""
    if type(stored) is tuple:
        return dict(zip(SHAPES[stored[-1]][1], stored, strict=False))
    assert isinstance(stored, ProjectedRecord)
    return stored


def summary_of(record: Record | Packed, members: tuple[str, ...]) -> dict[str, Any]:
    """The wire summary of a stored job: ``to_summary``'s, or the flat record's copy less the members a
    summary drops, in one C-level step."""
    if type(record) is tuple:
        return dict(zip(SHAPES[record[-1]][0], record, strict=False))
    assert isinstance(record, Record)
    if type(record) is FlatRecord:
        summary = dict.copy(record)
        summary.pop("jobQueue", None)
        summary.pop("version", None)
        return summary
    return to_summary(record, members)


def fragment_of(record: Record | Packed, members: tuple[str, ...]) -> str:
    """The JSON text of a stored job's summary, made once per record (a packed record holds nothing but
    its values: its keeper keeps the text)."""
    if type(record) is tuple:
        return _ENCODE(summary_of(record, members))
    assert isinstance(record, Record)
    try:
        fragment: str = record.fragment
    except AttributeError:
        fragment = record.fragment = _ENCODE(summary_of(record, members))
    return fragment


def public_copy(record: Record | Packed) -> dict[str, Any]:
    """A copy of a stored job for a caller: a plain dict, and changing it never reaches the store."""
    if type(record) is tuple:
        return dict(zip(SHAPES[record[-1]][1], record, strict=False))
    assert isinstance(record, Record)
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
            if not LONG_MIN <= value <= LONG_MAX or (value < CREATED_AT_MIN and member == "createdAt"):
                return False
        else:
            return False
        if kind is _ANY and type(member) is not str:
            return False
    return bool(job.get("jobId")) and bool(job.get("jobName"))


_STR_KINDS = (str, _ANY)
_INT_KINDS = (int, _ANY)


def simple_columns(names: Sequence[object], columns: Sequence[Sequence[object]]) -> bool:
    """Whether every job of a batch is simple (``is_simple``), given the batch's common members ``names``
    and, for each, the column of its values: the same test as ``is_simple``'s, one member at a time, each
    column read by C-level passes.

    >>> simple_columns(("jobId", "jobName", "createdAt"), [["a", "b"], ["n", "m"], [1, 2]])
    True
    >>> simple_columns(("jobId", "jobName", "status"), [["a", "b"], ["n", "m"], ["RUNNING", "BOGUS"]])
    False
    """
    if "jobId" not in names or "jobName" not in names:
        return False
    return all(_simple_column(member, column) for member, column in zip(names, columns, strict=True))


def _simple_column(member: object, column: Sequence[object]) -> bool:
    """Whether every value of a column of ``member`` passes ``is_simple``'s test."""
    kind = _SIMPLE_KINDS.get(member, _ANY) if type(member) is str else None
    if kind is None:
        return False
    if column:
        types = set(map(type, column))
        if types == {str}:
            if kind is _STATUS:
                if not STATUS_VALUES.issuperset(column):
                    return False
            elif kind not in _STR_KINDS or not all(map(str.isascii, column)):  # type: ignore[arg-type]
                return False
            if member in ("jobId", "jobName") and not all(column):
                return False
        elif types == {int}:
            low, high = min(column), max(column)  # type: ignore[type-var]
            if kind not in _INT_KINDS and not (kind is _NATURAL and low >= 0):  # type: ignore[operator]
                return False
            if not (low >= LONG_MIN and high <= LONG_MAX):  # type: ignore[operator]
                return False
            if member == "createdAt" and low < CREATED_AT_MIN:  # type: ignore[operator]
                return False
        else:
            return False  # mixed or other types: one job at a time
    return True


def with_member(record: Stored, member: str, value: object) -> Packed | None:
    """A packed record with one member, which it already has, set to a simple value (``is_simple``'s
    test): the record of the job so changed, as ``pack(private_record(...))`` would make it; ``None`` when
    the record is not packed, lacks the member, or the value is not simple.

    >>> job = {"jobId": "a", "jobName": "n", "status": "RUNNING"}
    >>> record = pack(private_record(job, ("jobId", "jobName", "status")))
    >>> public_copy(with_member(record, "status", "FAILED")) == {**job, "status": "FAILED"}
    True
    >>> with_member(record, "status", "BOGUS") is None
    True
    """
    if type(record) is not tuple or member in ("jobId", "jobName") or not _simple_column(member, (value,)):
        return None
    names = SHAPES[record[-1]][1]
    if member not in names:
        return None
    position = names.index(member)
    return (*record[:position], value, *record[position + 1 :])
