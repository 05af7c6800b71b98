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
- ``status``, ``job_queue`` and the member of each equality filter (``shareIdentifier`` as
  ``share_identifier``, ``sql_column``) as the job carries them, and the two queue scopes ``queue_scope``
  and ``queue_name_scope`` (see ``Scope`` below); every text in column form (``_rows.column_text``).

Strings compare in code-point order, as Python compares them (O-2: "exact string, code-point order"): the
collation is pinned on every text column, ``BINARY`` on SQLite (memcmp of UTF-8) and ``"C"`` on
PostgreSQL (memcmp of the UTF-8 server encoding), never the database's default.

A filter's SQL follows from its spec (``_filters``): ``PLAN_SQL`` holds, for each ``IndexPlan`` (and
``None``, no filter), the indexes a filter of that plan reads and the function that turns the parsed filter
into an index ``Range``, named and keyed by the spec's member (``sql_column``), as the in-memory store's
``_scope.PLANS`` reads a scope. A filter whose plan is ``SCAN`` has no index of its own: its page is the
listing's rows in order, each job tested with the spec's predicate (``Scan``). ``tables_of`` derives an
operation's columns, indexes and per-filter SQL from its filter names, so a new filter needs nothing here
unless it brings a new kind of plan. A query reads one range of one
index per queue scope (see ``Scope``), or, for a JOB_NAME prefix, one range per head or per folded name
(``NameHeads``); the order of every index is the order of the listing, so a page is a range scan that
stops after ``k + 1`` rows and never a sort. Each index exists three times: over every job, with
``queue_scope`` in front for the requests that name a queue by ARN, with ``queue_name_scope`` in front for
those that name it by bare name (IN-2: a queue reads the range of the jobs whose ``jobQueue`` denotes it,
at most two scopes, plus the range of the jobs without one, merged). A page's cost therefore never
depends on how many ``jobQueue`` values denote a queue.

Queues: ``listjobs_job_queues`` lists every ``jobQueue`` value ever written, with its queue name (kept for
the store's checks and for databases that other versions share). A value is never removed.

ListJobs fits the same layout, with columns computed by the core at write time as these are: the
``JobSummary`` as JSON beside the ``ServiceJobSummary``; ``definition_name`` (``_definitions.
job_definition_name``) and ``job_definition`` for JOB_DEFINITION, the ``DEFINITION_PATTERN`` plan (a name
is an equality, a prefix a range, an ARN an equality on ``job_definition``, all newest first); and
``parent_key``, the parent id and separator of an array child or MNP node (``_children``), NULL for any
other job. A parent's children (LJ-6) are then one range of an index ``(parent_key, status,
created_key, job_id) WHERE parent_key IS NOT NULL``, and a queue listing, which lists no child (LJ-7),
reads the indexes above made partial: a second set, since ListServiceJobs lists a job with a child-shaped
id like any other. The rows a queue listing may read are those whose scope columns are not NULL: the
core's ``select_family`` decides at write time whether a queue listing lists the job (NULL when it does
not), so the decision of LJ-7 has its one home there, and every queue listing's ``queue_scope = ?`` (or
``queue_name_scope = ?``) implies its partial index's ``queue_scope IS NOT NULL`` (or
``queue_name_scope IS NOT NULL``) on both engines.

Each operation keeps its jobs in tables of its own (``Tables``, ``tables_of``): ListServiceJobs the
``listjobs_*`` tables above, ListJobs ``listjobs_batch_*``, with the three columns more, so one database
holds both operations' jobs and a store opened for one never reads the other's. Every ListJobs request
names a queue or a parent (LJ-5), so its queue indexes exist only with a scope column in front, and its
JOB_DEFINITION prefix reads one range of the definition-name index per definition name it covers, found
by index probes and merged newest first, as the in-memory store reads one bucket per name.

GetJobQueueSnapshot (SN-7, read by ``_front``) needs a queue's RUNNABLE jobs in dispatch order (SN-2). A
FIFO queue's is the status index read backwards (``created_key`` descending is ``createdAt`` ascending). A
fair-share or quota-share queue orders by ``schedulingPriority`` descending, then the usage of the job's
share, then as FIFO; the usage changes as jobs run, but is the same for every job of a share, so each
share's jobs are kept in the share's own order and the shares' runs are merged at read time. Two columns,
computed in Python at write time, hold SN-2's order (``SNAPSHOT_COLUMNS``): ``priority_key``
(``~schedulingPriority``, ascending as the priorities descending, every 64-bit priority held) and
``fifo_key`` (``createdAt - 1``, and the largest 64-bit integer for a job without ``createdAt``, which
SN-2 puts after every job with one, where the newest-first ``created_key`` puts it on the other side).
The snapshot indexes (``Tables.snapshot``), one per share member (``shareIdentifier``, ``quotaShareName``)
and queue scope, hold only the RUNNABLE jobs (partial on ``RUNNABLE_CONDITION``, which each query repeats
word for word): ``(scope, share, priority_key, fifo_key, job_id)``, a share's run a range, the shares
found by probes. Schema version 5; a database of an earlier version gets them when opened.

ListJobsByConsumableResource reads the Batch jobs through ``REQUIREMENTS``, one row per entry of a job's
``consumableResourceList`` (``_requirements``), whose indexes (``REQUIREMENT_INDEXES``) exist once per
resource scope (``BY_RESOURCE_NAME``, ``BY_RESOURCE``: the scopes of CR-2, as the queue scopes are IN-2's),
in the order CR-7 decides (``NAME_ORDER`` under JOB_NAME).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .._definitions import JobDefinitionPattern, PatternKind
from .._filters import FILTERS, CreatedAtBound, FilterName, FilterSpec, IndexPlan, JobFilter
from .._model import SortKey
from .._names import JobNamePattern
from .._operations import LIST_JOBS, LIST_JOBS_BY_CONSUMABLE_RESOURCE, LIST_SERVICE_JOBS, Operation
from .._ordering import newest_first_key
from .._queues import queue_name

__all__ = [
    "BATCH_CLIENT_TOKENS",
    "BATCH_JOBS",
    "BATCH_JOB_QUEUES",
    "BY_PARENT",
    "CLIENT_TOKENS",
    "COLUMNS",
    "EQUALITY_MEMBERS",
    "FILTER_SQL",
    "GROUPED",
    "INT64_MAX",
    "JOBS",
    "JOB_QUEUES",
    "LIST_JOBS_FILTER_SQL",
    "META",
    "MISSING_CREATED_AT_FLAG",
    "MISSING_CREATED_KEY",
    "NEWEST_FIRST",
    "NO_QUEUE_SCOPE",
    "PLAN_SQL",
    "REQUIREMENTS",
    "REQUIREMENT_COLUMNS",
    "REQUIREMENT_INDEXES",
    "NAME_ORDER",
    "RequirementIndexes",
    "RETIRED_INDEXES",
    "SCHEMA_VERSION",
    "SNAPSHOT_COLUMNS",
    "RUNNABLE_CONDITION",
    "UPGRADED_VERSIONS",
    "fifo_key",
    "priority_key",
    "VERSIONS_WITHOUT_ADDED_COLUMNS",
    "BY_RESOURCE",
    "BY_RESOURCE_NAME",
    "BY_QUEUE",
    "BY_QUEUE_NAME",
    "EVERY_JOB",
    "Scope",
    "DefinitionNames",
    "FilterSql",
    "Index",
    "IndexMaker",
    "NameHeads",
    "Range",
    "Scan",
    "Tables",
    "filter_sql_of",
    "queue_name_scope",
    "queue_scope",
    "sql_column",
    "tables_of",
]

JOBS = "listjobs_jobs"
JOB_QUEUES = "listjobs_job_queues"
CLIENT_TOKENS = "listjobs_client_tokens"
META = "listjobs_meta"
# Version 2 names each equality filter's indexes after its column (``by_share_identifier``, was
# ``by_share``); version 3 adds ``queue_name_scope`` and its indexes, and keeps text columns in column
# form (``_rows.column_text``). A version 1 or 2 database is brought to version 3 when opened: the retired
# indexes dropped (``RETIRED_INDEXES``), the columns added (``ADDED_COLUMNS``), every row written again
# from its job.
# Version 4 adds the requirements table of ListJobsByConsumableResource (``REQUIREMENTS``), filled from the
# Batch jobs held when a version 1, 2 or 3 database is opened.
# Version 5 adds the dispatch-order columns of GetJobQueueSnapshot (``SNAPSHOT_COLUMNS``) and their indexes
# (``Tables.snapshot``): a version 1 to 4 database gets them when opened, every row written again.
SCHEMA_VERSION = "5"
UPGRADED_VERSIONS = ("1", "2", "3", "4")
# The versions whose jobs tables lack the columns of ``ADDED_COLUMNS``.
VERSIONS_WITHOUT_ADDED_COLUMNS = ("1", "2")
# The indexes of earlier versions that this one no longer has, by version: dropped when such a database is
# opened, before this version's indexes are created.
RETIRED_INDEXES: dict[str, tuple[str, ...]] = {
    "1": tuple(
        f"{prefix}{scope}by_{kind}{status}"
        for prefix, scopes, kinds in (
            ("listjobs_", ("", "queue_"), ("share", "quota")),
            ("listjobs_batch_", ("queue_",), ("share",)),
        )
        for scope in scopes
        for kind in kinds
        for status in ("", "_status")
    ),
}

# The columns every jobs table starts with, in the order rows are written: (name, kind); the kinds are mapped
# to each engine's types, with the collation pinned on text ("key text" is NOT NULL). ``tables_of`` adds
# the columns of the operation's filters and the two JSON texts.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("job_id", "key text"),
    ("job_name", "key text"),
    ("folded_name", "key text"),
    ("version", "integer"),
    ("created_key", "integer"),
    ("status", "text"),
    ("job_queue", "text"),
    ("queue_scope", "key text"),
    ("queue_name_scope", "key text"),
)
# The columns of ``COLUMNS`` that version 2 did not have.
ADDED_COLUMNS = ("queue_name_scope",)
# SN-2 as columns, for GetJobQueueSnapshot (version 5; every earlier version lacks them), after the columns
# of the equality members: ``priority_key`` (``priority_key``) and ``fifo_key`` (``fifo_key``).
SNAPSHOT_COLUMNS: tuple[tuple[str, str], ...] = (("priority_key", "integer"), ("fifo_key", "integer"))

# IN-2: "a job without jobQueue is listed for any queue". A request naming a queue reads the scope of the
# jobs without one and the scope of the jobs whose jobQueue denotes its queue, each by equality on a scope
# column: an equality, never ``IS NULL``, so that PostgreSQL knows the column constant within the scope and
# that the index's next columns give the listing's order (it plans a merge of the scopes then). Two scope
# columns, because a queue ARN and a bare name select differently (``_queues``: an ARN denotes the same
# queue as itself and its bare name only; a bare name as every identifier of that name, the ARNs of every
# region and account among them): ``queue_scope`` is the jobQueue value, which an ARN request reads (its
# own value's scope and its bare name's), ``queue_name_scope`` the queue name the value denotes, which a
# bare-name request reads (one scope, however many ARNs carry the name).
NO_QUEUE_SCOPE = "-"


def queue_scope(job_queue: str | None) -> str:
    """The ``queue_scope`` of a ``jobQueue`` value: ``-`` for none, else ``+`` and the value."""
    return NO_QUEUE_SCOPE if job_queue is None else "+" + job_queue


def queue_name_scope(job_queue: str | None) -> str:
    """The ``queue_name_scope`` of a ``jobQueue`` value: ``-`` for none, else ``+`` and the queue name it
    denotes (the core's ``queue_name``).

    >>> queue_name_scope("arn:aws:batch:eu-west-1:1:job-queue/q"), queue_name_scope(None)
    ('+q', '-')
    """
    return NO_QUEUE_SCOPE if job_queue is None else "+" + queue_name(job_queue)


@dataclass(frozen=True, slots=True)
class Scope:
    """How an index is kept: over every job (no column), or with a scope column in front (``column``)."""

    name: str
    column: str | None

    @property
    def condition(self) -> str:
        """The condition that selects one scope of the rows."""
        return f"{self.column} = ?"


EVERY_JOB = Scope("", None)
BY_QUEUE = Scope("queue_", "queue_scope")
BY_QUEUE_NAME = Scope("queue_name_", "queue_name_scope")


# The two orders of a listing, as columns (see the module's notes).
NEWEST_FIRST = ("created_key", "job_id")
GROUPED = ("job_name", "version", *NEWEST_FIRST)


@dataclass(frozen=True, slots=True)
class Index:
    """An index over a jobs table (``table``): equality columns, then the columns of the listing's order.
    It exists once per scope of ``scopes``: over every job, with ``queue_scope`` in front, with
    ``queue_name_scope`` in front. ``listed``: each is partial on its scope column being set (the rows a
    queue listing may read, LJ-7), besides ``where``."""

    name: str
    equal: tuple[str, ...]
    order: tuple[str, ...]
    where: str | None = None
    table: str = JOBS
    prefix: str = "listjobs_"
    scopes: tuple[Scope, ...] = (EVERY_JOB, BY_QUEUE, BY_QUEUE_NAME)
    listed: bool = False

    def sql_name(self, scope: Scope) -> str:
        """The index's name in one scope."""
        return f"{self.prefix}{scope.name}{self.name}"

    def columns(self, scope: Scope) -> tuple[str, ...]:
        return (() if scope.column is None else (scope.column,)) + self.equal + self.order

    def condition(self, scope: Scope) -> str | None:
        """The index's partial condition in one scope."""
        listed = f"{scope.column} IS NOT NULL" if self.listed and scope.column is not None else None
        return " AND ".join(part for part in (self.where, listed) if part) or None

    def ddl(self, scope: Scope) -> str:
        condition = self.condition(scope)
        where = f" WHERE {condition}" if condition else ""
        columns = ", ".join(self.columns(scope))
        return f"CREATE INDEX IF NOT EXISTS {self.sql_name(scope)} ON {self.table} ({columns}){where}"


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
    in the core), one range of ``index`` per head, in head order; or, when few folded names (or too many
    case variants) match, one range of ``folded_index`` per folded name that starts with ``folded``,
    merged. ``values``: the values of ``index``'s equality columns, which follow the folded name in
    ``folded_index``'s (a status, for an index that has one in front of the name)."""

    index: Index
    folded: str
    residual: tuple[str, tuple[object, ...]] | None
    folded_index: Index
    values: tuple[object, ...] = ()


@dataclass(frozen=True, slots=True)
class DefinitionNames:
    """A JOB_DEFINITION prefix (LJ-9): one range of ``index`` (by definition name, newest first) per
    definition name the pattern matches, the names found by index probes, the runs merged newest first."""

    index: Index
    pattern: JobDefinitionPattern
    residual: tuple[str, tuple[object, ...]] | None = None


@dataclass(frozen=True, slots=True)
class Scan:
    """A filter whose plan is ``SCAN``: the rows of ``range`` (the listing without the filter, in its
    order), each job tested with the spec's predicate (``matches``) as it is read."""

    range: Range
    matches: Callable[[Any], bool]


Ranges = Callable[[JobFilter | None, "str | None"], "Range | NameHeads | DefinitionNames | Scan"]


@dataclass(frozen=True, slots=True)
class FilterSql:
    """The SQL of one filter: the indexes it reads, and the ranges a parsed filter selects, given the status
    that ``selected_status`` requires (``None``: any)."""

    indexes: tuple[Index, ...]
    ranges: Ranges


# --- Columns from the filter registry ----------------------------------------------------------------------


def sql_column(member: str) -> str:
    """The column of a job member: its name in snake case.

    >>> sql_column("shareIdentifier"), sql_column("jobDefinition")
    ('share_identifier', 'job_definition')
    """
    return "".join(f"_{letter.lower()}" if letter.isupper() else letter for letter in member)


# The members an equality filter (``IndexPlan.MEMBER_EQUALS``) of any operation reads, each a text column
# of every jobs table, in the registry's order: the row holds them as the job carries them.
EQUALITY_MEMBERS: tuple[str, ...] = tuple(
    dict.fromkeys(spec.member for spec in FILTERS.values() if spec.index_plan is IndexPlan.MEMBER_EQUALS)
)


def _reads_definitions(operation: Operation) -> bool:
    """Whether an operation has a filter read through the job definition indexes (LJ-9)."""
    return any(FILTERS[name].index_plan is IndexPlan.DEFINITION_PATTERN for name in operation.filter_names)


# --- Each index plan as SQL --------------------------------------------------------------------------------

# A function making the indexes of one jobs table: ``(name, equality columns, order columns, condition)``.
IndexMaker = Callable[[str, tuple[str, ...], tuple[str, ...], "str | None"], Index]


def _no_filter(index: IndexMaker, spec: FilterSpec | None) -> FilterSql:
    by_status = index("by_status", ("status",), NEWEST_FIRST, None)

    def ranges(job_filter: JobFilter | None, status: str | None) -> Range:
        # S-1, S-2: the jobs of one status (``selected_status`` is never None without a filter).
        return Range(by_status, (status,))

    return FilterSql((by_status,), ranges)


# O-3 as ``_ordering.newest_first_key`` builds it: the first element of the key of a job without createdAt,
# and whether it sorts after the jobs that have one. Its created_key is the 64-bit integer on that side.
MISSING_CREATED_AT_FLAG = newest_first_key({"jobId": ""})[0]
_MISSING_SORTS_LAST = newest_first_key({"jobId": "", "createdAt": 0})[0] < MISSING_CREATED_AT_FLAG
INT64_MAX = 2**63 - 1
MISSING_CREATED_KEY = INT64_MAX if _MISSING_SORTS_LAST else -(2**63)
# The created_key range of the jobs that have createdAt: all but the missing side's end.
_HAS_CREATED_AT_LOWER = None if _MISSING_SORTS_LAST else (MISSING_CREATED_KEY + 1,)
_HAS_CREATED_AT_UPPER = (MISSING_CREATED_KEY,) if _MISSING_SORTS_LAST else None


def _created_at_range(index: IndexMaker, spec: FilterSpec | None) -> FilterSql:
    by_created_at = index("by_created_at", (), NEWEST_FIRST, None)

    def ranges(job_filter: JobFilter | None, status: str | None) -> Range:
        """S-7, S-8 as a key range of the newest-first index (as ``_scope.created_at_range`` in memory):
        BEFORE keeps ``createdAt <= latest``, that is ``created_key >= -latest``; AFTER keeps
        ``createdAt >= earliest``, that is ``created_key < -earliest + 1``; both only among the jobs that
        have ``createdAt`` (S-8), which the range's other end keeps."""
        assert job_filter is not None
        bound: CreatedAtBound = job_filter.parsed  # S-7's inclusive limits, from their one home
        lower = _HAS_CREATED_AT_LOWER if bound.latest is None else (-bound.latest,)
        upper = _HAS_CREATED_AT_UPPER if bound.earliest is None else (-bound.earliest + 1,)
        return Range(by_created_at, lower=lower, upper=upper, residual=_status_residual(status))

    return FilterSql((by_created_at,), ranges)


def _member_equals(index: IndexMaker, spec: FilterSpec | None) -> FilterSql:
    # S-4: "exact, case-sensitive equality with the job's shareIdentifier / quotaShareName, combined with
    # jobStatus when it is given, every status when it is not": for any member, its column and two indexes.
    assert spec is not None
    column = sql_column(spec.member)
    present = f"{column} IS NOT NULL"
    by_value = index(f"by_{column}", (column,), NEWEST_FIRST, present)
    by_value_and_status = index(f"by_{column}_status", (column, "status"), NEWEST_FIRST, present)

    def ranges(job_filter: JobFilter | None, status: str | None) -> Range:
        assert job_filter is not None
        if status is None:
            return Range(by_value, (job_filter.parsed,))
        return Range(by_value_and_status, (job_filter.parsed, status))

    return FilterSql((by_value, by_value_and_status), ranges)


def _name_pattern(index: IndexMaker, spec: FilterSpec | None) -> FilterSql:
    by_name = index("by_name", (), GROUPED, None)
    by_folded_name = index("by_folded_name", ("folded_name",), GROUPED, None)

    def ranges(job_filter: JobFilter | None, status: str | None) -> Range | NameHeads:
        """S-5, S-6. An exact name is one range of the folded-name index: within one ``folded_name`` its
        order is O-2's. A prefix is one range of the exact-name index per head."""
        assert job_filter is not None
        pattern: JobNamePattern = job_filter.parsed
        residual = _status_residual(status)
        if pattern.is_prefix and not pattern.folded:
            return Range(by_name, lower=("",), residual=residual)  # "*" alone: every name, one range
        if pattern.is_prefix:
            return NameHeads(by_name, pattern.folded, residual, by_folded_name)
        return Range(by_folded_name, (pattern.folded,), residual=residual)

    return FilterSql((by_name, by_folded_name), ranges)


def _definition_pattern(index: IndexMaker, spec: FilterSpec | None) -> FilterSql:
    by_definition = index("by_definition", ("definition_name",), NEWEST_FIRST, "definition_name IS NOT NULL")
    by_job_definition = index(
        "by_job_definition", ("job_definition",), NEWEST_FIRST, "job_definition IS NOT NULL"
    )

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

    return FilterSql((by_definition, by_job_definition), ranges)


def _scan(index: IndexMaker, spec: FilterSpec | None) -> FilterSql:
    # A filter without an index of its own: the listing's rows in its order, each job tested with the
    # spec's predicate, so any filter the registry holds is answered here with no SQL of its own.
    assert spec is not None
    by_status = index("by_status", ("status",), NEWEST_FIRST, None)
    by_created_at = index("by_created_at", (), NEWEST_FIRST, None)
    by_name = index("by_name", (), GROUPED, None)

    def ranges(job_filter: JobFilter | None, status: str | None) -> Scan:
        assert job_filter is not None
        matches = spec.predicate(job_filter.parsed)
        if spec.groups_by_name:
            return Scan(Range(by_name, residual=_status_residual(status)), matches)
        if status is None:
            return Scan(Range(by_created_at), matches)
        return Scan(Range(by_status, (status,)), matches)

    indexes = (by_name,) if spec.groups_by_name else (by_status, by_created_at)
    return FilterSql(indexes, ranges)


# How each index plan of ``_filters.IndexPlan`` reads a jobs table, as the in-memory store's ``_scope.PLANS``
# reads a scope; ``None`` stands for "no filter". The one home of the store's per-filter SQL: a filter gets
# its columns, indexes and ranges from its spec's plan and member.
PLAN_SQL: dict[IndexPlan | None, Callable[[IndexMaker, FilterSpec | None], FilterSql]] = {
    None: _no_filter,
    IndexPlan.CREATED_AT_RANGE: _created_at_range,
    IndexPlan.MEMBER_EQUALS: _member_equals,
    IndexPlan.NAME_PATTERN: _name_pattern,
    IndexPlan.DEFINITION_PATTERN: _definition_pattern,
    IndexPlan.SCAN: _scan,
}


def _index_maker(table: str, prefix: str, listed: bool, scopes: tuple[Scope, ...]) -> IndexMaker:
    """The indexes of a jobs table, each kept over ``scopes`` and, when ``listed``, partial on the rows a
    queue listing may read (``Index.listed``)."""

    def index(name: str, equal: tuple[str, ...], order: tuple[str, ...], where: str | None) -> Index:
        return Index(name, equal, order, where, table, prefix, scopes, listed)

    return index


def filter_sql_of(operation: Operation, index: IndexMaker) -> dict[FilterName | None, FilterSql]:
    """The SQL of every filter name of ``operation``, and of no filter, each from its spec's index plan
    (read from the registry now, so a plan changed there is followed)."""
    every: dict[FilterName | None, FilterSql] = {None: PLAN_SQL[None](index, None)}
    for name in operation.filter_names:
        spec = FILTERS[name]
        every[name] = PLAN_SQL[spec.index_plan](index, spec)
    return every


def _every_index(filter_sql: dict[FilterName | None, FilterSql]) -> tuple[Index, ...]:
    # Every index, once (two filters may share one).
    return tuple(dict.fromkeys(index for entry in filter_sql.values() for index in entry.indexes))


# A condition for a status the index does not hold (S-3 ignores jobStatus for these filters, so
# ``selected_status`` gives None and it is never used; kept so a change there stays right).
STATUS_RESIDUAL = "status = ?"


def _status_residual(status: str | None) -> tuple[str, tuple[object, ...]] | None:
    return None if status is None else (STATUS_RESIDUAL, (status,))


# --- GetJobQueueSnapshot: the dispatch order as columns (SN-2) ---------------------------------------------

# The rows the snapshot indexes hold: RUNNABLE jobs only (SN-1), a condition every query of them repeats
# word for word (SQLite uses a partial index only for a query whose conditions imply its own).
RUNNABLE_CONDITION = "status = 'RUNNABLE'"


def priority_key(priority: int | None) -> int:
    """The ``priority_key`` of a job's ``schedulingPriority`` (absent or ``None``: 0): ``~priority``, which
    orders ascending as the priorities descending (SN-2) and holds every 64-bit priority (IN-1: a Long).

    >>> priority_key(None), priority_key(0), priority_key(5) < priority_key(2), priority_key(-(2**63))
    (-1, -1, True, 9223372036854775807)
    """
    return ~(priority or 0)


def fifo_key(created_at: int | None) -> int:
    """The ``fifo_key`` of a job's ``createdAt``: ascending as SN-2's FIFO order, submission time first and
    a job without one after every job with one. ``createdAt - 1`` (from -(2^63-1) to 2^63-2, IN-1), and
    2^63-1, past all of them, for none.

    >>> fifo_key(5), fifo_key(None) > fifo_key(2**63 - 1)
    (4, True)
    """
    return INT64_MAX if created_at is None else created_at - 1


def _snapshot_indexes(table: str, prefix: str, listed: bool) -> tuple[Index, ...]:
    """SN-2, SN-4: per share member (``shareIdentifier``, ``quotaShareName``), the RUNNABLE jobs of each
    queue scope by share, then in the dispatch order of the share (its usage is the same for all of its
    jobs): priority descending, then as FIFO. A snapshot reads each share's first jobs from here."""
    return tuple(
        Index(
            f"runnable_by_{sql_column(member)}",
            (sql_column(member),),
            ("priority_key", "fifo_key", "job_id"),
            RUNNABLE_CONDITION,
            table,
            prefix,
            (BY_QUEUE, BY_QUEUE_NAME),
            listed,
        )
        for member in ("shareIdentifier", "quotaShareName")
    )


# --- The tables of each operation --------------------------------------------------------------------------

BATCH_JOBS = "listjobs_batch_jobs"
BATCH_JOB_QUEUES = "listjobs_batch_job_queues"
BATCH_CLIENT_TOKENS = "listjobs_batch_client_tokens"

# LJ-6: a parent's children, of one status (LJ-8: no filter applies to them), newest first.
BY_PARENT = Index(
    "by_parent", ("parent_key", "status"), NEWEST_FIRST, "parent_key IS NOT NULL", BATCH_JOBS,
    "listjobs_batch_", (EVERY_JOB,),
)


@dataclass(frozen=True)
class Tables:
    """The tables of one operation's jobs, their columns and indexes, and the SQL of its filters.

    ``children``
    is the index of a parent's children (LJ-6), for an operation that lists them; ``definitions``, whether
    the rows hold ``definition_name`` and ``job_definition`` (an operation with a JOB_DEFINITION filter).
    """

    jobs: str
    job_queues: str
    client_tokens: str
    columns: tuple[tuple[str, str], ...]
    filter_sql: dict[FilterName | None, FilterSql]
    queue_names_index: str
    children: Index | None = None
    definitions: bool = False
    snapshot: tuple[Index, ...] = ()

    @property
    def indexes(self) -> tuple[Index, ...]:
        """Every index of the jobs table."""
        children = () if self.children is None else (self.children,)
        return _every_index(self.filter_sql) + children + self.snapshot

    def snapshot_index(self, member: str) -> Index:
        """The snapshot index of a share member (``_snapshot_indexes``)."""
        column = sql_column(member)
        return next(index for index in self.snapshot if index.equal == (column,))


# LJ-7: "A jobQueue listing lists no child". The scope columns of a row no queue listing lists are NULL.
_SCOPE_COLUMNS = (BY_QUEUE.column, BY_QUEUE_NAME.column)


def _columns(operation: Operation, queue_scope_kind: str) -> tuple[tuple[str, str], ...]:
    """The columns of an operation's jobs table, in the order rows are written (``_rows.job_row``)."""
    definitions = _reads_definitions(operation)
    lists_children = bool(operation.parent_job_members)
    return (
        *((name, queue_scope_kind if name in _SCOPE_COLUMNS else kind) for name, kind in COLUMNS),
        *((sql_column(member), "text") for member in EQUALITY_MEMBERS),
        *SNAPSHOT_COLUMNS,
        *((("definition_name", "text"), ("job_definition", "text")) if definitions else ()),
        *((("parent_key", "text"),) if lists_children else ()),
        ("summary", "json"),
        ("job", "json"),
    )


def tables_of(operation: Operation) -> Tables:
    """The tables of an operation's jobs; ``ValueError`` for an operation the SQL store does not list.

    Each operation keeps its jobs in tables of its own: ListServiceJobs ``listjobs_*``, ListJobs
    ``listjobs_batch_*``, whose queue indexes hold only the jobs a queue listing lists (LJ-7) and exist only
    with ``queue_scope`` in front (LJ-5: every ListJobs request names a queue or a parent).

    >>> tables_of(LIST_JOBS).jobs
    'listjobs_batch_jobs'
    """
    if operation is LIST_SERVICE_JOBS:
        return Tables(
            JOBS,
            JOB_QUEUES,
            CLIENT_TOKENS,
            _columns(operation, "key text"),
            filter_sql_of(
                operation, _index_maker(JOBS, "listjobs_", False, (EVERY_JOB, BY_QUEUE, BY_QUEUE_NAME))
            ),
            "listjobs_queue_names",
            definitions=_reads_definitions(operation),
            snapshot=_snapshot_indexes(JOBS, "listjobs_", False),
        )
    if operation is LIST_JOBS:
        return Tables(
            BATCH_JOBS,
            BATCH_JOB_QUEUES,
            BATCH_CLIENT_TOKENS,
            _columns(operation, "text"),
            filter_sql_of(
                operation, _index_maker(BATCH_JOBS, "listjobs_batch_", True, (BY_QUEUE, BY_QUEUE_NAME))
            ),
            "listjobs_batch_queue_names",
            BY_PARENT,
            definitions=_reads_definitions(operation),
            snapshot=_snapshot_indexes(BATCH_JOBS, "listjobs_batch_", True),
        )
    raise ValueError(f"the SQL store lists ListServiceJobs or ListJobs, not {operation.name!r}")


# The SQL of every filter of each operation, as ``tables_of`` derives it from the registry.
FILTER_SQL: dict[FilterName | None, FilterSql] = tables_of(LIST_SERVICE_JOBS).filter_sql
LIST_JOBS_FILTER_SQL: dict[FilterName | None, FilterSql] = tables_of(LIST_JOBS).filter_sql


# --- ListJobsByConsumableResource: the requirements of the Batch jobs ------------------------------------

# One row per entry of a Batch job's ``consumableResourceProperties.consumableResourceList`` (CR-2, CR-3:
# a job names each resource once, so ``(job_id, resource_name)`` is a key): the resource's name (the entry's
# name, or the name inside its ARN), the identifier as the entry writes it, the quantity, the job's columns
# the listing orders and filters by (copied from its jobs row, so a page is a range of one index of this
# table), and the entry's ``ListJobsByConsumableResourceSummary`` as JSON, built by the core at write time
# (NULL when the job lacks what a summary requires: the page that holds it is then the core's E-2 fault).
REQUIREMENTS = "listjobs_batch_requirements"
REQUIREMENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("job_id", "key text"),
    ("resource_name", "key text"),
    ("resource", "key text"),
    ("quantity", "integer"),
    ("job_name", "key text"),
    ("folded_name", "key text"),
    ("version", "integer"),
    ("created_key", "integer"),
    ("status", "text"),
    ("summary", "text"),  # JSON, or NULL: a text column, which may be NULL
)

# CR-2: a request by name reads the entries of that resource name (a name denotes every identifier of its
# name); one by ARN the entries whose identifier is the ARN or its bare name, the only ones that denote it.
# Each is a scope column in front of every index, as the queue scopes are for a jobQueue (``Scope``).
BY_RESOURCE_NAME = Scope("resource_name_", "resource_name")
BY_RESOURCE = Scope("resource_", "resource")

# CR-7 as the core decides it (``_operations.LIST_JOBS_BY_CONSUMABLE_RESOURCE.name_filter_groups``, read
# from ``_decisions``): the order of a JOB_NAME listing, so that a page under JOB_NAME is one index range
# in either case. An index's name says its order, so a database made under the other decision gets the
# indexes of this one when opened.
_NAME_GROUPS = LIST_JOBS_BY_CONSUMABLE_RESOURCE.name_filter_groups
NAME_ORDER = GROUPED if _NAME_GROUPS else NEWEST_FIRST
_NAME_SUFFIX = "_grouped" if _NAME_GROUPS else ""


def _requirement_index(name: str, equal: tuple[str, ...], order: tuple[str, ...]) -> Index:
    scopes = (BY_RESOURCE_NAME, BY_RESOURCE)
    return Index(name, equal, order, None, REQUIREMENTS, "listjobs_batch_cr_", scopes)


@dataclass(frozen=True, slots=True)
class RequirementIndexes:
    """The indexes of the requirements table: CR-5 (every status, or one), then JOB_NAME (S-5, S-6) as an
    exact folded name, of any status or one; ``by_name`` and ``by_name_status`` order every name as O-2
    does, for ``*`` alone when JOB_NAME groups (CR-7 turned around); otherwise ``*`` alone reads
    ``by_created`` or ``by_status``."""

    by_created: Index
    by_status: Index
    by_folded: Index
    by_folded_status: Index
    by_name: Index | None
    by_name_status: Index | None

    @property
    def every(self) -> tuple[Index, ...]:
        found = (self.by_created, self.by_status, self.by_folded, self.by_folded_status)
        return found + tuple(index for index in (self.by_name, self.by_name_status) if index is not None)


REQUIREMENT_INDEXES = RequirementIndexes(
    _requirement_index("by_created", (), NEWEST_FIRST),
    _requirement_index("by_status", ("status",), NEWEST_FIRST),
    _requirement_index(f"by_folded{_NAME_SUFFIX}", ("folded_name",), NAME_ORDER),
    _requirement_index(f"by_folded_status{_NAME_SUFFIX}", ("folded_name", "status"), NAME_ORDER),
    _requirement_index("by_name", (), GROUPED) if _NAME_GROUPS else None,
    _requirement_index("by_name_status", ("status",), GROUPED) if _NAME_GROUPS else None,
)
