"""From a job to its row and back: every column computed in Python by the core, once, at write time.

Theory of operation: a job is checked as ``ServiceJobStore.put`` checks it (the core's
``_records.private_record``: the same ``TypeError`` / ``ValueError`` naming the member), and then for what a
database adds:

- every member must be a JSON value (strings, numbers, booleans, null, lists or tuples, mappings with
  string keys), since the job is kept as JSON text; a tuple comes back as a list;
- (no check) the sort-key strings (``jobId``, ``jobName``) and the strings the indexes compare
  (``status``, ``jobQueue``, ``shareIdentifier``, ``quotaShareName``, and for ListJobs ``jobDefinition``)
  may hold any character the job validator lets through, NUL included: each is kept in its column in
  ``column_text`` form, which no database refuses and which keeps code-point order and equality (see
  below); the job validator already refuses a lone surrogate, for every store;
- ``createdAt`` must lie from -(2^63-2) to 2^63-1 and ``version`` at most 2^63-1, the 64-bit integers a
  sort-key column holds (``createdAt`` is negated in its column, and the one value left beyond is the key
  of the jobs without ``createdAt``).

Column text (SQL-5): SQL text cannot hold a NUL character, while a job may (the in-memory stores keep
one, and both stores accept and refuse exactly the same jobs). ``column_text`` escapes with U+0001: NUL
becomes U+0001 U+0001 and U+0001 becomes U+0001 U+0002; every other character is itself. Each character
becomes a code whose first character decides its length and whose order is the characters' order, so
comparing two column texts compares the texts they stand for (code-point order, O-2) and equal column texts
stand for equal texts: an index range, a cursor or an equality over columns is the one over the texts.
What the store sends (a filter value, a cursor, a jobId) is put in column form, and what it reads back
from a column (a name a probe finds, a cursor's order columns) is read with ``text_of_column``. A text
without U+0000 or U+0001, every text in practice, is its own column text.

The row holds the core's two sort keys, element by element (see ``_schema``), ``jobName.casefold()``, and
the wire summary of the store's operation as JSON text, built by the core's ``to_summary``: a page is the
page's summaries read back with one ``json.loads``. A ListJobs row holds besides the definition name of
``jobDefinition`` (``job_definition_name``) and the parent of an array child or MNP node (``parent_of``),
each the core's.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .._children import CHILD_SEPARATORS, parent_of, select_family
from .._definitions import job_definition_name
from .._filters import FilterName, JobFilter
from .._jobs import is_valid_unicode
from .._model import JobLike, SortKey
from .._operations import LIST_SERVICE_JOBS, Operation
from .._ordering import sort_key_function
from .._query import ListQuery
from .._records import private_record
from .._wire import to_summary
from ._schema import (
    EQUALITY_MEMBERS,
    INT64_MAX,
    MISSING_CREATED_AT_FLAG,
    MISSING_CREATED_KEY,
    Tables,
    fifo_key,
    priority_key,
    queue_name_scope,
    queue_scope,
    tables_of,
)

__all__ = [
    "MEMBERS",
    "column_text",
    "core_key",
    "is_sql_text",
    "job_from_text",
    "job_row",
    "parent_key",
    "sql_key",
    "summaries_from_texts",
    "text_of_column",
]

MEMBERS = LIST_SERVICE_JOBS.summary_members
# createdAt values whose created_key (-createdAt) is a 64-bit integer other than MISSING_CREATED_KEY,
# whichever end of the range that is.
_CREATED_AT_RANGE = range(-INT64_MAX + 1, INT64_MAX + 1)
_SCALARS = (str, int, float, bool, type(None))
# The JSON text of the stored values: compact, ASCII (so a lone surrogate in a free-text member is kept).
_dumps = json.JSONEncoder(separators=(",", ":"), check_circular=False).encode


@functools.cache
def _queue_listing(operation: Operation) -> ListQuery:
    """A query of one queue: ``select_family`` tells with it whether a queue listing may list a job (its
    queue aside, which the queue scope stands for)."""
    return ListQuery(operation, job_queue="any queue")


@functools.cache
def _sort_keys(operation: Operation) -> tuple[Callable[[JobLike], SortKey], Callable[[JobLike], SortKey]]:
    """The core's newest-first (O-1) and grouped (O-2) sort key functions of an operation."""
    return (
        sort_key_function(ListQuery(operation)),
        sort_key_function(ListQuery(operation, job_filter=JobFilter(FilterName.JOB_NAME, "*"))),
    )


def job_row(
    job: object, operation: Operation = LIST_SERVICE_JOBS, tables: Tables | None = None
) -> tuple[Any, ...]:
    """The row of a job of ``operation``, in the order of its table's columns (``tables``, by default
    ``tables_of(operation)``); ``TypeError`` or ``ValueError`` naming the member at fault."""
    if tables is None:
        tables = tables_of(operation)
    members = operation.summary_members
    lists_children = bool(operation.parent_job_members)
    stored = dict(private_record(job, members))
    job_id = stored["jobId"]
    for member, value in stored.items():
        _check_json(value, job_id, member)
    created_at = stored.get("createdAt")
    if created_at is not None and created_at not in _CREATED_AT_RANGE:
        raise ValueError(
            f"job {job_id!r}: member 'createdAt' must lie from -(2^63-2) to 2^63-1, got {created_at}"
        )
    job_queue = stored.get("jobQueue")
    # LJ-7: a job no queue listing lists (a child, as the core's ``select_family`` decides) has no queue
    # scope, so no queue index holds it.
    listed_by_queues = not lists_children or bool(select_family([stored], _queue_listing(operation)))
    newest_first, grouped = _sort_keys(operation)
    newest = newest_first(stored)
    name, version = grouped(stored)[:2]
    if version > INT64_MAX:
        raise ValueError(f"job {job_id!r}: member 'version' must be at most 2^63-1, got {version}")
    columns: tuple[Any, ...] = (
        column_text(job_id),
        column_text(name),
        column_text(name.casefold()),  # S-5: Python's casefold, never SQL lower()
        version,
        sql_key(newest, grouped=False)[0],
        _column_or_none(stored.get("status")),
        _column_or_none(job_queue),
        column_text(queue_scope(job_queue)) if listed_by_queues else None,
        column_text(queue_name_scope(job_queue)) if listed_by_queues else None,
        *(_column_or_none(stored.get(member)) for member in EQUALITY_MEMBERS),
        priority_key(stored.get("schedulingPriority")),  # SN-2, for GetJobQueueSnapshot
        fifo_key(created_at),
    )
    if tables.definitions:
        job_definition = stored.get("jobDefinition")
        columns += (
            None if job_definition is None else column_text(job_definition_name(job_definition)),  # LJ-9
            _column_or_none(job_definition),
        )
    if lists_children:
        family = parent_of(job_id)  # LJ-6: the child's parent, from its jobId, as the core reads it
        columns += (None if family is None else column_text(parent_key(*family)),)
    return (*columns, _dumps(to_summary(stored, members)), _dumps(stored))


def parent_key(member: str, parent_job_id: str) -> str:
    """The ``parent_key`` of the children a request member (``arrayJobId``, ``multiNodeJobId``) names: the
    parent's id and the separator of its children's ids, so that the pair is one text.

    >>> parent_key("arrayJobId", "p"), parent_key("multiNodeJobId", "p")
    ('p:', 'p#')
    """
    return parent_job_id + CHILD_SEPARATORS[member]


def sql_key(key: SortKey, *, grouped: bool) -> SortKey:
    """The order columns' values of a core sort key (newest-first, or grouped): ``(flag, -createdAt, jobId)``
    becomes ``(created_key, job_id)``, preceded by name and version for a grouped key; texts in column
    form."""
    *group, flag, desc, job_id = key
    if len(group) != (2 if grouped else 0):
        raise ValueError(f"not a {'grouped' if grouped else 'newest-first'} sort key: {key!r}")
    created_key = MISSING_CREATED_KEY if flag == MISSING_CREATED_AT_FLAG else desc
    if group:
        group = [column_text(group[0]), group[1]]
    return (*group, created_key, column_text(job_id))


def core_key(values: Sequence[Any]) -> SortKey:
    """The core's sort key from the order columns' values (``sql_key`` undone)."""
    *group, created_key, job_id = values
    if group:
        group = [text_of_column(group[0]), group[1]]
    job_id = text_of_column(job_id)
    if created_key == MISSING_CREATED_KEY:
        return (*group, MISSING_CREATED_AT_FLAG, 0, job_id)
    return (*group, not MISSING_CREATED_AT_FLAG, created_key, job_id)


# SQL-5, the one home of how the SQL store keeps a text that SQL text cannot hold (see the module's notes):
# "a NUL is kept, as the in-memory stores keep it, in a column form that keeps order and equality".
_ESCAPE = "\x01"
_TO_COLUMN = {"\x00": _ESCAPE + "\x01", _ESCAPE: _ESCAPE + "\x02"}
_FROM_COLUMN = {code: character for character, code in _TO_COLUMN.items()}
_NEEDS_ESCAPE = re.compile("[\x00\x01]")
_ESCAPED = re.compile("\x01[\x01\x02]")


def column_text(text: str) -> str:
    """A text as its column holds it: NUL and U+0001 escaped, everything else as it is; ordered and
    compared as the texts are.

    >>> column_text("a\\x00b"), column_text("plain")
    ('a\\x01\\x01b', 'plain')
    >>> sorted(["a", "a\\x00", "a\\x01", "a\\x02", "a\\x01\\x00"]) == sorted(
    ...     ["a", "a\\x00", "a\\x01", "a\\x02", "a\\x01\\x00"], key=column_text)
    True
    """
    if _NEEDS_ESCAPE.search(text) is None:
        return text
    return _NEEDS_ESCAPE.sub(lambda found: _TO_COLUMN[found[0]], text)


def text_of_column(column: str) -> str:
    """The text a column holds (``column_text`` undone).

    >>> text_of_column(column_text("a\\x00\\x01")) == "a\\x00\\x01"
    True
    """
    if _ESCAPE not in column:
        return column
    return _ESCAPED.sub(lambda found: _FROM_COLUMN[found[0]], column)


def _column_or_none(value: str | None) -> str | None:
    return None if value is None else column_text(value)


def summaries_from_texts(texts: Sequence[str]) -> list[dict[str, Any]]:
    """The summaries of a page, from their JSON texts, in one parse."""
    if not texts:
        return []
    summaries: list[dict[str, Any]] = json.loads("[" + ",".join(texts) + "]")
    return summaries


def job_from_text(text: str) -> dict[str, Any]:
    """A stored job, from its JSON text: a fresh object the caller may change."""
    job: dict[str, Any] = json.loads(text)
    return job


def _check_json(value: Any, job_id: str, member: str) -> None:
    if type(value) in _SCALARS:
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(
                    f"job {job_id!r}: member {member!r} holds a key that is not a string ({key!r}), which "
                    "JSON cannot keep"
                )
            _check_json(item, job_id, member)
        return
    if isinstance(value, (list, tuple)):
        for item in value:
            _check_json(item, job_id, member)
        return
    if isinstance(value, (str, int, float)):  # subclasses of the scalars, such as an IntEnum
        return
    raise TypeError(
        f"job {job_id!r}: member {member!r} holds a {type(value).__name__}, which is not a JSON value"
    )


def is_sql_text(value: str) -> bool:
    """Whether a string's column form can be sent to the database: it holds no lone surrogate (UTF-8
    cannot encode one). The job validator refuses a lone surrogate in every stored member, so a value that
    is not matches no stored job.

    >>> is_sql_text("Straße"), is_sql_text("a\\x00"), is_sql_text("\\ud800")
    (True, True, False)
    """
    return is_valid_unicode(value)
