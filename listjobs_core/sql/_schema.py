"""The tables, the indexes and the SQL of every filter: the one home of the store's SQL text.

Theory of operation: a job is one row of ``listjobs_jobs``. Besides the job itself (``job``, JSON) and its
wire summary (``summary``, JSON, built by the core's ``to_summary`` at write time), the row holds the
columns the listing reads, each computed in Python by the core when the job is written:

- the core's sort keys (``_ordering``): the newest-first key (O-1, O-3) ``(no createdAt, -createdAt,
  jobId)`` is ``(created_key, job_id)`` and the grouped key (O-2) ``(job_name, version, created_key,
  job_id)``. ``created_key`` is ``-createdAt``, or, for a job without ``createdAt``, the 64-bit integer
  past every other (``MISSING_CREATED_KEY``), so that it sorts where the core sorts it. One column rather
  than the core's two elements: PostgreSQL estimates a row comparison by its first column alone, and a
  first column that is the same for nearly every job made it believe a cursor selects one row and read
  the wrong index. Both orders are ascending on every column, so a keyset cursor (P-4) is one row-value
  comparison ``(columns) > (cursor)``, which both engines turn into the start of an index range;
- ``folded_name``, ``jobName.casefold()`` (S-5), never SQL ``lower()``, which folds neither ``ß`` nor the
  Kelvin sign as Python does;
- ``status``, ``job_queue``, ``share_identifier``, ``quota_share_name`` as the job carries them, and
  ``queue_scope`` (see ``queue_scope`` below).

Strings compare in code-point order, as Python compares them (O-2: "exact string, code-point order"): the
collation is pinned on every text column, ``BINARY`` on SQLite (memcmp of UTF-8) and ``"C"`` on
PostgreSQL (memcmp of the UTF-8 server encoding), never the database's default.

``FILTER_SQL`` is the table of the filters: for each filter name (and ``None``, no filter) the indexes it
reads and the function that turns a parsed filter into an index ``Range``. A query reads one range of one
index per queue scope (see ``Scope``), or, for a JOB_NAME prefix, one range per head (``NameHeads``); the
order of every index is the order of the listing, so a page is a range scan that stops after ``k + 1``
rows and never a sort. Each index exists twice: over every job, and with ``queue_scope`` in front for the
requests that name a queue (IN-2: a queue reads the range of each ``jobQueue`` value that denotes it, plus
the range of the jobs without one, merged by the engine).

Queues: ``listjobs_job_queues`` lists every ``jobQueue`` value ever written, with its queue name, so a
request names the values that may denote its queue with one index probe; the core's ``QueueMatcher`` then
decides which do. A value is never removed: one that no job carries any more costs an empty index probe.

ListJobs fits the same layout, with columns computed by the core at write time as these are: the
``JobSummary`` as JSON beside the ``ServiceJobSummary``; ``definition_name`` (``_definitions.
job_definition_name``) and ``job_definition`` for JOB_DEFINITION, one more entry of ``FILTER_SQL`` (a name
is an equality, a prefix a range, an ARN an equality on ``job_definition``, all newest first); and
``parent_key``, the parent id and separator of an array child or MNP node (``_children``), NULL for any
other job. A parent's children (LJ-6) are then one range of an index ``(parent_key, status,
created_key, job_id) WHERE parent_key IS NOT NULL``, and a queue listing, which lists no child (LJ-7),
reads the indexes above made partial with ``WHERE parent_key IS NULL``: a second set, since ListServiceJobs
lists a job with a child-shaped id like any other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .._filters import CreatedAtBound, FilterName, JobFilter
from .._model import SortKey
from .._names import JobNamePattern
from .._ordering import newest_first_key

__all__ = [
    "CLIENT_TOKENS",
    "COLUMNS",
    "FILTER_SQL",
    "GROUPED",
    "INDEXES",
    "INT64_MAX",
    "MISSING_CREATED_AT_FLAG",
    "MISSING_CREATED_KEY",
    "JOBS",
    "JOB_QUEUES",
    "META",
    "NEWEST_FIRST",
    "NO_QUEUE_SCOPE",
    "SCHEMA_VERSION",
    "SCOPE_CONDITION",
    "TEXT_COLUMNS",
    "queue_scope",
    "FilterSql",
    "Index",
    "NameHeads",
    "Range",
]

JOBS = "listjobs_jobs"
JOB_QUEUES = "listjobs_job_queues"
CLIENT_TOKENS = "listjobs_client_tokens"
META = "listjobs_meta"
SCHEMA_VERSION = "1"

# Every column of JOBS, in the order rows are written: (name, kind); the kinds are mapped to each engine's
# types, with the collation pinned on text ("key text" is NOT NULL).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("job_id", "key text"),
    ("job_name", "key text"),
    ("folded_name", "key text"),
    ("version", "integer"),
    ("created_key", "integer"),
    ("status", "text"),
    ("job_queue", "text"),
    ("queue_scope", "key text"),
    ("share_identifier", "text"),
    ("quota_share_name", "text"),
    ("summary", "json"),
    ("job", "json"),
)
TEXT_COLUMNS = frozenset(name for name, kind in COLUMNS if kind.endswith("text"))

# IN-2: "a job without jobQueue is listed for any queue". A request naming a queue reads the scope of the
# jobs without one and the scope of each jobQueue value that denotes its queue, each by equality on
# ``queue_scope``: an equality, never ``IS NULL``, so that PostgreSQL knows the column constant within the
# scope and that the index's next columns give the listing's order (it plans a merge of the scopes then).
NO_QUEUE_SCOPE = "-"
SCOPE_CONDITION = "queue_scope = ?"


def queue_scope(job_queue: str | None) -> str:
    """The ``queue_scope`` of a ``jobQueue`` value: ``-`` for none, else ``+`` and the value."""
    return NO_QUEUE_SCOPE if job_queue is None else "+" + job_queue


# The two orders of a listing, as columns (see the module's notes).
NEWEST_FIRST = ("created_key", "job_id")
GROUPED = ("job_name", "version", *NEWEST_FIRST)


@dataclass(frozen=True, slots=True)
class Index:
    """An index over JOBS: equality columns, then the columns of the listing's order."""

    name: str
    equal: tuple[str, ...]
    order: tuple[str, ...]
    where: str | None = None

    def sql_name(self, scoped: bool) -> str:
        """The index's name: over every job, or with ``queue_scope`` in front (``scoped``)."""
        return f"listjobs_{'queue_' if scoped else ''}{self.name}"

    def columns(self, scoped: bool) -> tuple[str, ...]:
        return (("queue_scope",) if scoped else ()) + self.equal + self.order

    def ddl(self, scoped: bool) -> str:
        where = f" WHERE {self.where}" if self.where else ""
        columns = ", ".join(self.columns(scoped))
        return f"CREATE INDEX IF NOT EXISTS {self.sql_name(scoped)} ON {JOBS} ({columns}){where}"


@dataclass(frozen=True, slots=True)
class Range:
    """The rows of one index that a query selects, in the index's order: the equality columns equal to
    ``values``, and the order columns from ``lower`` (a key prefix, inclusive) up to ``upper`` (a key
    prefix, exclusive); ``None`` is unbounded. ``residual`` is a condition checked on each row read."""

    index: Index
    values: tuple[object, ...] = ()
    lower: SortKey | None = None
    upper: SortKey | None = None
    residual: tuple[str, tuple[object, ...]] | None = None


@dataclass(frozen=True, slots=True)
class NameHeads:
    """A JOB_NAME prefix: the names that start with one of the pattern's heads (see ``_store._name_heads``
    in the core), one range of ``index`` per head, in head order."""

    index: Index
    folded: str
    residual: tuple[str, tuple[object, ...]] | None = None


@dataclass(frozen=True, slots=True)
class FilterSql:
    """The SQL of one filter: the indexes it reads, and the ranges a parsed filter selects, given the status
    that ``selected_status`` requires (``None``: any)."""

    indexes: tuple[Index, ...]
    ranges: Callable[[JobFilter | None, str | None], Range | NameHeads]


# --- The indexes -------------------------------------------------------------------------------------------

BY_STATUS = Index("by_status", ("status",), NEWEST_FIRST)
BY_CREATED_AT = Index("by_created_at", (), NEWEST_FIRST)
BY_SHARE = Index("by_share", ("share_identifier",), NEWEST_FIRST, "share_identifier IS NOT NULL")
BY_SHARE_STATUS = Index(
    "by_share_status", ("share_identifier", "status"), NEWEST_FIRST, "share_identifier IS NOT NULL"
)
BY_QUOTA = Index("by_quota", ("quota_share_name",), NEWEST_FIRST, "quota_share_name IS NOT NULL")
BY_QUOTA_STATUS = Index(
    "by_quota_status", ("quota_share_name", "status"), NEWEST_FIRST, "quota_share_name IS NOT NULL"
)
BY_NAME = Index("by_name", (), GROUPED)
BY_FOLDED_NAME = Index("by_folded_name", ("folded_name",), GROUPED)

# A condition for a status the index does not hold (S-3 ignores jobStatus for these filters, so
# ``selected_status`` gives None and it is never used; kept so a change there stays right).
STATUS_RESIDUAL = "status = ?"


def _status_residual(status: str | None) -> tuple[str, tuple[object, ...]] | None:
    return None if status is None else (STATUS_RESIDUAL, (status,))


# --- The filters -------------------------------------------------------------------------------------------


def _no_filter(job_filter: JobFilter | None, status: str | None) -> Range:
    # S-1, S-2: the jobs of one status (``selected_status`` is never None without a filter).
    return Range(BY_STATUS, (status,))


# O-3 as ``_ordering.newest_first_key`` builds it: the first element of the key of a job without createdAt,
# and whether it sorts after the jobs that have one. Its created_key is the 64-bit integer on that side.
MISSING_CREATED_AT_FLAG = newest_first_key({"jobId": ""})[0]
_MISSING_SORTS_LAST = newest_first_key({"jobId": "", "createdAt": 0})[0] < MISSING_CREATED_AT_FLAG
INT64_MAX = 2**63 - 1
MISSING_CREATED_KEY = INT64_MAX if _MISSING_SORTS_LAST else -(2**63)
# The created_key range of the jobs that have createdAt: all but the missing side's end.
_HAS_CREATED_AT_LOWER = None if _MISSING_SORTS_LAST else (MISSING_CREATED_KEY + 1,)
_HAS_CREATED_AT_UPPER = (MISSING_CREATED_KEY,) if _MISSING_SORTS_LAST else None


def _created_at(job_filter: JobFilter | None, status: str | None) -> Range:
    """S-7, S-8 as a key range of the newest-first index (as ``_store._created_at_range`` in the core):
    BEFORE keeps ``createdAt <= latest``, that is ``created_key >= -latest``; AFTER keeps
    ``createdAt >= earliest``, that is ``created_key < -earliest + 1``; both only among the jobs that
    have ``createdAt`` (S-8), which the range's other end keeps."""
    assert job_filter is not None
    bound: CreatedAtBound = job_filter.parsed  # S-7's inclusive limits, from their one home
    residual = _status_residual(status)
    lower = _HAS_CREATED_AT_LOWER if bound.latest is None else (-bound.latest,)
    upper = _HAS_CREATED_AT_UPPER if bound.earliest is None else (-bound.earliest + 1,)
    return Range(BY_CREATED_AT, lower=lower, upper=upper, residual=residual)


def _member_equals(
    by_value: Index, by_value_and_status: Index
) -> Callable[[JobFilter | None, str | None], Range]:
    # S-4: "exact, case-sensitive equality with the job's shareIdentifier / quotaShareName, combined with
    # jobStatus when it is given, every status when it is not".
    def ranges(job_filter: JobFilter | None, status: str | None) -> Range:
        assert job_filter is not None
        if status is None:
            return Range(by_value, (job_filter.value,))
        return Range(by_value_and_status, (job_filter.value, status))

    return ranges


def _job_name(job_filter: JobFilter | None, status: str | None) -> Range | NameHeads:
    """S-5, S-6. An exact name is one range of the folded-name index: within one ``folded_name`` its order
    is O-2's. A prefix is one range of the exact-name index per head."""
    assert job_filter is not None
    pattern: JobNamePattern = job_filter.parsed
    residual = _status_residual(status)
    if pattern.is_prefix:
        return NameHeads(BY_NAME, pattern.folded, residual)
    return Range(BY_FOLDED_NAME, (pattern.folded,), residual=residual)


# The one table of per-filter SQL: every filter name of ListServiceJobs, and ``None`` for no filter.
FILTER_SQL: dict[FilterName | None, FilterSql] = {
    None: FilterSql((BY_STATUS,), _no_filter),
    FilterName.BEFORE_CREATED_AT: FilterSql((BY_CREATED_AT,), _created_at),
    FilterName.AFTER_CREATED_AT: FilterSql((BY_CREATED_AT,), _created_at),
    FilterName.SHARE_IDENTIFIER: FilterSql(
        (BY_SHARE, BY_SHARE_STATUS), _member_equals(BY_SHARE, BY_SHARE_STATUS)
    ),
    FilterName.QUOTA_SHARE_NAME: FilterSql(
        (BY_QUOTA, BY_QUOTA_STATUS), _member_equals(BY_QUOTA, BY_QUOTA_STATUS)
    ),
    FilterName.JOB_NAME: FilterSql((BY_NAME, BY_FOLDED_NAME), _job_name),
}

# Every index, once (two filters may share one).
INDEXES: tuple[Index, ...] = tuple(
    dict.fromkeys(index for filter_sql in FILTER_SQL.values() for index in filter_sql.indexes)
)
