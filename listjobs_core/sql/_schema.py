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
reads the indexes above made partial: a second set, since ListServiceJobs lists a job with a child-shaped
id like any other. The rows a queue listing may read are those whose ``queue_scope`` is not NULL: the core's
``select_family`` decides at write time whether a queue listing lists the job (NULL when it does not), so
the decision of LJ-7 has its one home there, and every queue listing's ``queue_scope = ?`` implies the
partial indexes' ``queue_scope IS NOT NULL`` on both engines.

Each operation keeps its jobs in tables of its own (``Tables``, by operation name): ListServiceJobs the
``listjobs_*`` tables above, ListJobs ``listjobs_batch_*``, with the three columns more, so one database
holds both operations' jobs and a store opened for one never reads the other's. Every ListJobs request
names a queue or a parent (LJ-5), so its queue indexes exist only with ``queue_scope`` in front, and its
JOB_DEFINITION prefix reads one range of the definition-name index per definition name it covers, found
by index probes and merged newest first, as the in-memory store reads one bucket per name. The layout of
the ListServiceJobs tables is that of schema version 1; the ListJobs tables are new tables beside them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .._definitions import JobDefinitionPattern, PatternKind
from .._filters import CreatedAtBound, FilterName, JobFilter
from .._model import SortKey
from .._names import JobNamePattern
from .._operations import LIST_JOBS, LIST_SERVICE_JOBS, Operation
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
    "BATCH_CLIENT_TOKENS",
    "BATCH_JOBS",
    "BATCH_JOB_QUEUES",
    "BY_PARENT",
    "LIST_JOBS_COLUMNS",
    "LIST_JOBS_FILTER_SQL",
    "IN_QUEUE_LISTINGS",
    "TABLES",
    "queue_scope",
    "tables_of",
    "DefinitionNames",
    "FilterSql",
    "Index",
    "NameHeads",
    "Range",
    "Tables",
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
    """An index over a jobs table (``table``): equality columns, then the columns of the listing's order.
    It exists over every job, with ``queue_scope`` in front, or both (``scopes``, False and True)."""

    name: str
    equal: tuple[str, ...]
    order: tuple[str, ...]
    where: str | None = None
    table: str = JOBS
    prefix: str = "listjobs_"
    scopes: tuple[bool, ...] = (False, True)

    def sql_name(self, scoped: bool) -> str:
        """The index's name: over every job, or with ``queue_scope`` in front (``scoped``)."""
        return f"{self.prefix}{'queue_' if scoped else ''}{self.name}"

    def columns(self, scoped: bool) -> tuple[str, ...]:
        return (("queue_scope",) if scoped else ()) + self.equal + self.order

    def ddl(self, scoped: bool) -> str:
        where = f" WHERE {self.where}" if self.where else ""
        columns = ", ".join(self.columns(scoped))
        return f"CREATE INDEX IF NOT EXISTS {self.sql_name(scoped)} ON {self.table} ({columns}){where}"


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
    """A JOB_NAME prefix: the names that start with one of the pattern's heads (see ``_name_heads.name_heads``
    in the core), one range of ``index`` per head, in head order."""

    index: Index
    folded: str
    residual: tuple[str, tuple[object, ...]] | None = None


@dataclass(frozen=True, slots=True)
class DefinitionNames:
    """A JOB_DEFINITION prefix (LJ-9): one range of ``index`` (by definition name, newest first) per
    definition name the pattern matches, the names found by index probes, the runs merged newest first."""

    index: Index
    pattern: JobDefinitionPattern
    residual: tuple[str, tuple[object, ...]] | None = None


@dataclass(frozen=True, slots=True)
class FilterSql:
    """The SQL of one filter: the indexes it reads, and the ranges a parsed filter selects, given the status
    that ``selected_status`` requires (``None``: any)."""

    indexes: tuple[Index, ...]
    ranges: Callable[[JobFilter | None, str | None], Range | NameHeads | DefinitionNames]


# --- The indexes -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _IndexSet:
    """The indexes of one operation's jobs table, by kind (see ``_index_set``)."""

    by_status: Index
    by_created_at: Index
    by_share: Index
    by_share_status: Index
    by_quota: Index
    by_quota_status: Index
    by_name: Index
    by_folded_name: Index
    by_definition: Index
    by_job_definition: Index


def _index_set(table: str, prefix: str, listed: str | None, scopes: tuple[bool, ...]) -> _IndexSet:
    """The indexes of a jobs table, each partial on ``listed`` (the rows a listing of it may read) and
    kept over ``scopes``."""

    def index(name: str, equal: tuple[str, ...], order: tuple[str, ...], where: str | None = None) -> Index:
        condition = " AND ".join(part for part in (where, listed) if part) or None
        return Index(name, equal, order, condition, table, prefix, scopes)

    return _IndexSet(
        by_status=index("by_status", ("status",), NEWEST_FIRST),
        by_created_at=index("by_created_at", (), NEWEST_FIRST),
        by_share=index("by_share", ("share_identifier",), NEWEST_FIRST, "share_identifier IS NOT NULL"),
        by_share_status=index(
            "by_share_status", ("share_identifier", "status"), NEWEST_FIRST, "share_identifier IS NOT NULL"
        ),
        by_quota=index("by_quota", ("quota_share_name",), NEWEST_FIRST, "quota_share_name IS NOT NULL"),
        by_quota_status=index(
            "by_quota_status", ("quota_share_name", "status"), NEWEST_FIRST, "quota_share_name IS NOT NULL"
        ),
        by_name=index("by_name", (), GROUPED),
        by_folded_name=index("by_folded_name", ("folded_name",), GROUPED),
        by_definition=index(
            "by_definition", ("definition_name",), NEWEST_FIRST, "definition_name IS NOT NULL"
        ),
        by_job_definition=index(
            "by_job_definition", ("job_definition",), NEWEST_FIRST, "job_definition IS NOT NULL"
        ),
    )


# A condition for a status the index does not hold (S-3 ignores jobStatus for these filters, so
# ``selected_status`` gives None and it is never used; kept so a change there stays right).
STATUS_RESIDUAL = "status = ?"


def _status_residual(status: str | None) -> tuple[str, tuple[object, ...]] | None:
    return None if status is None else (STATUS_RESIDUAL, (status,))


# --- The filters -------------------------------------------------------------------------------------------

Ranges = Callable[[JobFilter | None, str | None], "Range | NameHeads | DefinitionNames"]


def _no_filter(by_status: Index) -> Ranges:
    def ranges(job_filter: JobFilter | None, status: str | None) -> Range:
        # S-1, S-2: the jobs of one status (``selected_status`` is never None without a filter).
        return Range(by_status, (status,))

    return ranges


# O-3 as ``_ordering.newest_first_key`` builds it: the first element of the key of a job without createdAt,
# and whether it sorts after the jobs that have one. Its created_key is the 64-bit integer on that side.
MISSING_CREATED_AT_FLAG = newest_first_key({"jobId": ""})[0]
_MISSING_SORTS_LAST = newest_first_key({"jobId": "", "createdAt": 0})[0] < MISSING_CREATED_AT_FLAG
INT64_MAX = 2**63 - 1
MISSING_CREATED_KEY = INT64_MAX if _MISSING_SORTS_LAST else -(2**63)
# The created_key range of the jobs that have createdAt: all but the missing side's end.
_HAS_CREATED_AT_LOWER = None if _MISSING_SORTS_LAST else (MISSING_CREATED_KEY + 1,)
_HAS_CREATED_AT_UPPER = (MISSING_CREATED_KEY,) if _MISSING_SORTS_LAST else None


def _created_at(by_created_at: Index) -> Ranges:
    def ranges(job_filter: JobFilter | None, status: str | None) -> Range:
        """S-7, S-8 as a key range of the newest-first index (as ``_store._created_at_range`` in the core):
        BEFORE keeps ``createdAt <= latest``, that is ``created_key >= -latest``; AFTER keeps
        ``createdAt >= earliest``, that is ``created_key < -earliest + 1``; both only among the jobs that
        have ``createdAt`` (S-8), which the range's other end keeps."""
        assert job_filter is not None
        bound: CreatedAtBound = job_filter.parsed  # S-7's inclusive limits, from their one home
        residual = _status_residual(status)
        lower = _HAS_CREATED_AT_LOWER if bound.latest is None else (-bound.latest,)
        upper = _HAS_CREATED_AT_UPPER if bound.earliest is None else (-bound.earliest + 1,)
        return Range(by_created_at, lower=lower, upper=upper, residual=residual)

    return ranges


def _member_equals(by_value: Index, by_value_and_status: Index) -> Ranges:
    # S-4: "exact, case-sensitive equality with the job's shareIdentifier / quotaShareName, combined with
    # jobStatus when it is given, every status when it is not".
    def ranges(job_filter: JobFilter | None, status: str | None) -> Range:
        assert job_filter is not None
        if status is None:
            return Range(by_value, (job_filter.value,))
        return Range(by_value_and_status, (job_filter.value, status))

    return ranges


def _job_name(by_name: Index, by_folded_name: Index) -> Ranges:
    def ranges(job_filter: JobFilter | None, status: str | None) -> Range | NameHeads:
        """S-5, S-6. An exact name is one range of the folded-name index: within one ``folded_name`` its
        order is O-2's. A prefix is one range of the exact-name index per head."""
        assert job_filter is not None
        pattern: JobNamePattern = job_filter.parsed
        residual = _status_residual(status)
        if pattern.is_prefix:
            return NameHeads(by_name, pattern.folded, residual)
        return Range(by_folded_name, (pattern.folded,), residual=residual)

    return ranges


def _job_definition(by_definition: Index, by_job_definition: Index) -> Ranges:
    def ranges(job_filter: JobFilter | None, status: str | None) -> Range | DefinitionNames:
        """LJ-9 as ``JobDefinitionPattern`` classifies the value: an ARN is one revision, an equality on
        the job's ``jobDefinition``; a name every revision of it, an equality on the definition name
        (``job_definition_name``, computed at write time); a prefix one range per name it covers."""
        assert job_filter is not None
        pattern: JobDefinitionPattern = job_filter.parsed
        residual = _status_residual(status)
        if pattern.kind is PatternKind.ARN:
            return Range(by_job_definition, (pattern.text,), residual=residual)
        if pattern.kind is PatternKind.NAME:
            return Range(by_definition, (pattern.text,), residual=residual)
        return DefinitionNames(by_definition, pattern, residual)

    return ranges


def _filter_sql(indexes: _IndexSet, operation: Operation) -> dict[FilterName | None, FilterSql]:
    """The SQL of every filter name of ``operation``, and of no filter, over one table's indexes."""
    every: dict[FilterName | None, FilterSql] = {
        None: FilterSql((indexes.by_status,), _no_filter(indexes.by_status)),
        FilterName.BEFORE_CREATED_AT: FilterSql((indexes.by_created_at,), _created_at(indexes.by_created_at)),
        FilterName.AFTER_CREATED_AT: FilterSql((indexes.by_created_at,), _created_at(indexes.by_created_at)),
        FilterName.SHARE_IDENTIFIER: FilterSql(
            (indexes.by_share, indexes.by_share_status),
            _member_equals(indexes.by_share, indexes.by_share_status),
        ),
        FilterName.QUOTA_SHARE_NAME: FilterSql(
            (indexes.by_quota, indexes.by_quota_status),
            _member_equals(indexes.by_quota, indexes.by_quota_status),
        ),
        FilterName.JOB_NAME: FilterSql(
            (indexes.by_name, indexes.by_folded_name), _job_name(indexes.by_name, indexes.by_folded_name)
        ),
        FilterName.JOB_DEFINITION: FilterSql(
            (indexes.by_definition, indexes.by_job_definition),
            _job_definition(indexes.by_definition, indexes.by_job_definition),
        ),
    }
    # Only the operation's own filters: a table keeps no index no request of it reads.
    return {name: every[name] for name in (None, *operation.filter_names)}


def _every_index(filter_sql: dict[FilterName | None, FilterSql]) -> tuple[Index, ...]:
    # Every index, once (two filters may share one).
    return tuple(dict.fromkeys(index for entry in filter_sql.values() for index in entry.indexes))


# The one table of per-filter SQL of ListServiceJobs: every filter name, and ``None`` for no filter.
FILTER_SQL: dict[FilterName | None, FilterSql] = _filter_sql(
    _index_set(JOBS, "listjobs_", None, (False, True)), LIST_SERVICE_JOBS
)
INDEXES: tuple[Index, ...] = _every_index(FILTER_SQL)


# --- ListJobs --------------------------------------------------------------------------------------------

BATCH_JOBS = "listjobs_batch_jobs"
BATCH_JOB_QUEUES = "listjobs_batch_job_queues"
BATCH_CLIENT_TOKENS = "listjobs_batch_client_tokens"

# The ListJobs row: the ListServiceJobs columns, and before the two JSON texts the three of ListJobs;
# ``queue_scope`` is NULL for a job no queue listing lists (LJ-7).
LIST_JOBS_COLUMNS: tuple[tuple[str, str], ...] = (
    *(("queue_scope", "text") if name == "queue_scope" else (name, kind) for name, kind in COLUMNS[:-2]),
    ("definition_name", "text"),
    ("job_definition", "text"),
    ("parent_key", "text"),
    *COLUMNS[-2:],
)

# LJ-7: "A jobQueue listing lists no child". The queue indexes of ListJobs hold the jobs a queue listing
# lists, those with a queue scope (see the module's notes).
IN_QUEUE_LISTINGS = "queue_scope IS NOT NULL"
# LJ-6: a parent's children, of one status (LJ-8: no filter applies to them), newest first.
BY_PARENT = Index(
    "by_parent", ("parent_key", "status"), NEWEST_FIRST, "parent_key IS NOT NULL", BATCH_JOBS,
    "listjobs_batch_", (False,),
)
LIST_JOBS_FILTER_SQL: dict[FilterName | None, FilterSql] = _filter_sql(
    # LJ-5: every ListJobs request names a queue or a parent, so no index over every job is needed.
    _index_set(BATCH_JOBS, "listjobs_batch_", IN_QUEUE_LISTINGS, (True,)),
    LIST_JOBS,
)


@dataclass(frozen=True)
class Tables:
    """The tables of one operation's jobs, their columns and indexes, and the SQL of its filters.

    ``scope_condition`` selects one queue scope (IN-2) of the rows a queue listing may read; ``children``
    is the index of a parent's children (LJ-6), for an operation that lists them.
    """

    jobs: str
    job_queues: str
    client_tokens: str
    columns: tuple[tuple[str, str], ...]
    filter_sql: dict[FilterName | None, FilterSql]
    scope_condition: str
    queue_names_index: str
    children: Index | None = None

    @property
    def indexes(self) -> tuple[Index, ...]:
        """Every index of the jobs table."""
        children = () if self.children is None else (self.children,)
        return _every_index(self.filter_sql) + children


# The tables of each operation, by its name.
TABLES: dict[str, Tables] = {
    LIST_SERVICE_JOBS.name: Tables(
        JOBS, JOB_QUEUES, CLIENT_TOKENS, COLUMNS, FILTER_SQL, SCOPE_CONDITION, "listjobs_queue_names"
    ),
    LIST_JOBS.name: Tables(
        BATCH_JOBS,
        BATCH_JOB_QUEUES,
        BATCH_CLIENT_TOKENS,
        LIST_JOBS_COLUMNS,
        LIST_JOBS_FILTER_SQL,
        SCOPE_CONDITION,
        "listjobs_batch_queue_names",
        BY_PARENT,
    ),
}


def tables_of(operation: Operation) -> Tables:
    """The tables of an operation's jobs; ``ValueError`` for an operation the SQL store does not list.

    >>> tables_of(LIST_JOBS).jobs
    'listjobs_batch_jobs'
    """
    tables = TABLES.get(operation.name)
    if tables is None or operation not in (LIST_SERVICE_JOBS, LIST_JOBS):
        raise ValueError(f"the SQL store lists ListServiceJobs or ListJobs, not {operation.name!r}")
    return tables
