"""``SqlJobStore``: the indexed store's interface and answers, with the jobs in SQLite or PostgreSQL.

Theory of operation: the store answers a ListServiceJobs request as ``ServiceJobStore`` does, or, opened
for ``LIST_JOBS``, a ListJobs request as ``JobStore(LIST_JOBS)`` does, and so as the pure function does,
tokens included, because nothing here restates a listing rule: the request is parsed by the core's
``parse_request``, the status a query selects is ``selected_status``, the queues a request accepts are
``QueueMatcher``'s, the JOB_NAME heads are the core's ``name_heads``, the JOB_DEFINITION names
a prefix covers are ``JobDefinitionPattern.matches``', the sort keys, the summaries, definition names and
parents are computed by the core when a job is written (``_rows``), and tokens are ``encode_token``'s.
What the store adds is how a query becomes index ranges (from its filter's index plan,
``_schema.PLAN_SQL``, and ``BY_PARENT`` for a parent's children) and how the ranges become SQL (``_arm``
below): equality on the index's leading columns, then one lower bound, the later of the range's start and
the cursor (P-4: ``(order columns) > (cursor)``), and one upper bound, ordered by the index's own columns
with ``LIMIT k + 1``. A filter whose plan is ``SCAN`` reads the listing's rows in that order in batches and
tests each job with its spec's predicate. A request naming a queue reads the range once per queue scope
(IN-2; at most three, see ``_arms``), and the scopes' ordered runs are merged. A JOB_DEFINITION prefix
(ListJobs) reads one such range per definition name it covers, merged the same way; a JOB_NAME prefix one
range per folded name when a few match, else one per name head (``_head_rows``). How runs are merged
depends on the engine (``_merged_rows``): SQLite, in the process, runs a statement per run and merges
them here; PostgreSQL, where each statement is a round trip, runs one ``UNION ALL`` statement of all of
them, which it plans as a Merge Append of index range scans. So a PostgreSQL page of any filter but a
JOB_NAME or JOB_DEFINITION prefix is one statement outside any transaction: one round trip, on a plan
made once per connection (``_GENERIC_PLANS``). A prefix is two
round trips in one read-only transaction (``_pipelined_prefix_rows``): BEGIN and the statement that finds
what it covers (a JOB_NAME prefix's folded names and heads, walked in one recursive statement,
``_heads_walk``), sent together in psycopg's pipeline mode, then its page and COMMIT.

Costs, for N stored jobs and a page of k: put, update, remove are one transaction touching one row and its
entries in the indexes of the filters it can match (ListServiceJobs: at most 24, three per index kind,
fewer when ``shareIdentifier`` or ``quotaShareName`` is absent; ListJobs: at most 16 queue indexes, none
for a child, which is in the parent index only), and, for a RUNNABLE job, four more (the snapshot
indexes); a page is one or two statements of O(log N + k), plus, for a JOB_NAME prefix, up to five probes
of the folded names and then either their ranges or the head walk's index probes (one per head for names
in one case; see the core's ``_name_heads``; at most ``_HEAD_PROBE_BUDGET``, on PostgreSQL
``_HEAD_WALK_BUDGET`` nodes), and for a JOB_DEFINITION prefix one probe per definition name it covers; a
``SCAN`` filter, O(rows passed over). None of it grows with how many case variants of a name, or how many
``jobQueue`` values of a queue, the database holds. ``len`` counts the rows, O(N).

GetJobQueueSnapshot (SN-7): ``snapshot_parts``, ``queue_usage`` and ``snapshot_jobs`` give what the
in-memory stores' give, from index ranges of the queue's scopes in one read transaction (``_front``):
O(shares * log N + in-use + 100), never every RUNNABLE job of the queue.

A store of ListJobs answers ListJobsByConsumableResource too (``list_jobs_by_consumable_resource``), from
the requirement rows its writes keep beside the jobs (``_requirements``): a page is one range per resource
scope (two at most), merged as above; a JOB_NAME prefix (CR-7 groups by name as O-2 does) is read as a
jobs table's prefix (``_name_prefix_rows``), its heads walked in the requirements' exact-name index.
"""

from __future__ import annotations

import contextlib
import functools
import heapq
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any

from .._completion import Completion
from .._errors import ServerException
from .._filters import IndexPlan
from .._listing import run_listing
from .._model import ServiceJob, SortKey
from .._name_heads import FoldTable, name_heads, successor
from .._names import JobNamePattern
from .._operations import LIST_JOBS, LIST_JOBS_BY_CONSUMABLE_RESOURCE, LIST_SERVICE_JOBS, Operation
from .._ordering import groups_by_name
from .._query import ListQuery
from .._queues import QueueMatcher, is_queue_arn, queue_name
from .._request import parse_request
from .._selection import selected_status
from .._snapshot import FRONT_OF_QUEUE_SIZE, SCHEDULING_KINDS, QueueUsage
from .._tokens import check_token_key, encode_token
from .._wire import resource_summaries, response
from ..store import ListingMethods, ListingStore
from ._engines import CUSTOM_PLANS, GENERIC_PLANS, Connection, Engine, Pool, open_engine, transaction
from ._front import QueueReads
from ._requirements import requirement_ranges, requirement_rows, resource_arms
from ._rows import (
    column_text,
    core_key,
    is_sql_text,
    job_from_text,
    job_row,
    parent_key,
    sql_key,
    summaries_from_texts,
    text_of_column,
)
from ._schema import (
    ADDED_COLUMNS,
    BY_QUEUE,
    BY_QUEUE_NAME,
    EVERY_JOB,
    META,
    NO_QUEUE_SCOPE,
    REQUIREMENT_COLUMNS,
    REQUIREMENT_INDEXES,
    REQUIREMENTS,
    RETIRED_INDEXES,
    SCHEMA_VERSION,
    SNAPSHOT_COLUMNS,
    UPGRADED_VERSIONS,
    VERSIONS_WITHOUT_ADDED_COLUMNS,
    DefinitionNames,
    Index,
    NameHeads,
    Range,
    Scan,
    Scope,
    Tables,
    queue_name_scope,
    queue_scope,
    tables_of,
)

__all__ = ["SqlJobStore"]

# A queue scope of a listing: the scope of the indexes it reads, its condition and the condition's values.
Arm = tuple[Scope, str | None, tuple[object, ...]]
_EVERY_JOB: Arm = (EVERY_JOB, None, ())


@dataclass(frozen=True)
class _Statements:
    """The statements that write and read one operation's tables (``_schema.Tables``)."""

    tables: Tables
    row_columns: tuple[str, ...]
    put: str
    insert_new: str
    rewrite: str
    know_queue: str
    claim_client_token: str
    job_queue_column: int

    @classmethod
    def of(cls, tables: Tables) -> _Statements:
        jobs, columns = tables.jobs, tuple(name for name, _ in tables.columns)
        insert = f"INSERT INTO {jobs} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)}) "
        return cls(
            tables=tables,
            row_columns=columns,
            put=insert
            + "ON CONFLICT (job_id) DO UPDATE SET "
            + ", ".join(f"{column} = excluded.{column}" for column in columns[1:]),
            insert_new=insert + "ON CONFLICT (job_id) DO NOTHING RETURNING job_id",
            rewrite=f"UPDATE {jobs} SET "
            + ", ".join(f"{column} = ?" for column in columns[1:])
            + " WHERE job_id = ?",
            know_queue=f"INSERT INTO {tables.job_queues} (job_queue, queue_name) VALUES (?, ?) "
            "ON CONFLICT (job_queue) DO NOTHING",
            claim_client_token=f"INSERT INTO {tables.client_tokens} (client_token, job_id) VALUES (?, ?) "
            "ON CONFLICT (client_token) DO NOTHING RETURNING client_token",
            job_queue_column=columns.index("job_queue"),
        )

# ListJobsByConsumableResource: the requirement rows of the Batch jobs (``_requirements``).
_REQUIREMENT_COLUMNS = tuple(name for name, _ in REQUIREMENT_COLUMNS)
_INSERT_REQUIREMENT = (
    f"INSERT INTO {REQUIREMENTS} ({', '.join(_REQUIREMENT_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in _REQUIREMENT_COLUMNS)})"
)
_DELETE_REQUIREMENTS = f"DELETE FROM {REQUIREMENTS} WHERE job_id = ?"


def _requirements_ddl(engine: Engine) -> list[str]:
    """The requirements table and its indexes (every index in each of its two resource scopes)."""
    columns = ", ".join(f"{name} {engine.column_type(kind)}" for name, kind in REQUIREMENT_COLUMNS)
    return [
        f"CREATE TABLE IF NOT EXISTS {REQUIREMENTS} ({columns}, PRIMARY KEY (job_id, resource_name))",
        *(index.ddl(scope) for index in REQUIREMENT_INDEXES.every for scope in index.scopes),
    ]


# A JOB_NAME prefix matched by at most this many folded names reads their ranges of the folded-name index.
_FEW_FOLDED_NAMES = 4
# PostgreSQL: the nodes a walk of a prefix's heads in one statement (``_heads_walk``) may reach before the
# page is read as a merge of the prefix's folded names' ranges instead (an ordinary pattern reaches one node
# per character for each case variant of it the index holds: a few dozen).
_HEAD_WALK_BUDGET = 256
# Index probes (of every queue scope at once) a walk of a prefix's name heads may make for one page before
# the rest of the page is read as a merge of folded-name ranges (an ordinary page needs a few dozen at most).
_HEAD_PROBE_BUDGET = 64

# PostgreSQL: a listing page plans its statements once per connection, for any values, as psycopg
# prepares them (the fifth time a connection runs each): planning them cost more than running them
# (``EXPLAIN (ANALYZE, SUMMARY)`` at 1e4 jobs: a prefix's walk 0.80 ms planning against 0.25 ms running,
# its page 0.26 against 0.19; at 1e5, a one-statement page 0.23 to 0.28 ms planning against 0.10 to 0.12
# running), and their generic plans are index probes and ranges of the page's index whatever the values
# (``tests/test_sql_store.py`` holds every shape's to it). A listing page takes a connection that plans so
# (``_page_plans``, ``_engines.Pool``); a ListJobsByConsumableResource prefix's transaction sets it for
# itself, in the round trip of its BEGIN. Every other statement (a snapshot's, a ListJobsByConsumableResource
# page's, a SCAN's) is planned for its values. A connection switched from one to the other costs that use
# one round trip more (a store that alternates writes and pages does not switch: a write's plan, a row by
# its key, is the same either way, and it takes its connection as it stands).
_GENERIC_PLANS = "SET LOCAL plan_cache_mode = force_generic_plan"

# A plan made without values cannot see how many rows a queue scope (or the jobs without a queue) holds,
# and takes ``1 / n_distinct`` of the table for it. With few scopes (two queues and the jobs without one)
# a range of the index over every job, filtered by scope, looks as cheap as the scope's own index
# (cheaper, when the jobs were written in the index's order and it follows the table), and the page of a
# small scope, or of the jobs without a queue, would read the whole range. So every scope column is
# declared to hold many distinct values (this fraction of the rows), and a generic plan reads the scope's
# own index, O(log N + k) whatever the scope's size; a plan for a value still reads its frequency.
_SCOPE_DISTINCT_FRACTION = 0.05

# A SCAN plan reads the listing's rows in batches of at least this many.
_SCAN_BATCH = 200

# A walk of every value a statement may read (no ``LIMIT`` to speak of).
_EVERY_VALUE = 2**62

# put_many of at least this many jobs refreshes PostgreSQL's statistics of the table.
_ANALYZE_AFTER = 1000


class _Abandon(Exception):
    """Roll a write transaction back without an error for the caller."""


class SqlJobStore(ListingMethods):
    """Jobs in SQLite or PostgreSQL, indexed to answer ``ListServiceJobs`` (or ``ListJobs``) in
    O(log N + page).

    ``url`` is ``sqlite://`` (memory), ``sqlite:///PATH`` (a file; ``sqlite:////abs/path`` for an absolute
    path) or ``postgresql://...`` (needs the ``postgresql`` extra). The store has ``ServiceJobStore``'s
    interface and answers: ``store.list_service_jobs(request)`` returns exactly what
    ``list_service_jobs(list(store), request)`` returns, tokens included, and a token from either is valid
    in the other (and in any store on the same database) under the same ``token_key``. put, update and
    remove are transactions; a listing reads one consistent snapshot; many threads and processes may use
    one database at once. Jobs are kept as JSON (see ``put``).

    ``operation=LIST_JOBS`` makes it the store of ``JobStore(LIST_JOBS)``: it keeps Batch jobs
    (``JobSummary`` shape, array children ``P:i`` and multi-node parallel nodes ``P#n`` among them) in
    tables of their own, and ``list_jobs(request)`` (or ``answer``) returns exactly what
    ``list_jobs(list(store), request)`` returns. One database holds both operations' jobs apart.

    >>> store = SqlJobStore("sqlite://")
    >>> store.put({"jobId": "a", "jobName": "Straße", "status": "RUNNING", "createdAt": 1})
    >>> store.put({"jobId": "b", "jobName": "STRASSE", "status": "RUNNING", "createdAt": 2})
    >>> by_name = {"filters": [{"name": "JOB_NAME", "values": ["strasse"]}]}
    >>> [summary["jobName"] for summary in store.list_service_jobs(by_name)["jobSummaryList"]]
    ['STRASSE', 'Straße']
    >>> store.update("a", status="FAILED")["status"]
    'FAILED'
    >>> [summary["jobId"] for summary in store.list_service_jobs({})["jobSummaryList"]]
    ['b']
    >>> "a" in store, len(store)
    (True, 2)
    >>> from listjobs_core import LIST_JOBS
    >>> batch = SqlJobStore("sqlite://", operation=LIST_JOBS)
    >>> batch.put({"jobId": "p", "jobName": "sweep", "status": "RUNNING", "createdAt": 1, "jobQueue": "q"})
    >>> batch.put({"jobId": "p:0", "jobName": "sweep", "status": "RUNNING", "createdAt": 2})
    >>> [summary["jobId"] for summary in batch.list_jobs({"jobQueue": "q"})["jobSummaryList"]]
    ['p']
    >>> [summary["jobId"] for summary in batch.list_jobs({"arrayJobId": "p"})["jobSummaryList"]]
    ['p:0']
    """

    def __init__(
        self,
        url: str,
        *,
        operation: Operation = LIST_SERVICE_JOBS,
        token_key: bytes | None = None,
        completion: Completion | None = None,
    ) -> None:
        # A token key is the caller's configuration, not request input: a wrong one is a programming error.
        self._token_key = check_token_key(token_key)
        # H-20: a store an endpoint serves completes every job put into it (``None``: jobs as they are).
        self.completion = completion
        self._operation = operation
        self._tables = tables_of(operation)
        self._statements = _Statements.of(self._tables)
        self._jobs = self._tables.jobs
        # A store of ListJobs keeps the requirement rows of its jobs too, for ListJobsByConsumableResource.
        self._requirements = operation is LIST_JOBS
        self._engine: Engine = open_engine(url)
        self._pool = Pool(self._engine.connect, self._engine.pool_size, self._engine.plans)
        self._sql_cache: dict[str, str] = {}
        self._planned_for_values = _planned_for_values(self._tables.indexes)
        try:
            self._create_schema()
        except BaseException:
            self._pool.close()
            raise

    def __repr__(self) -> str:
        return f"<SqlJobStore for {self._operation.name} on {self._engine.name}>"

    @property
    def operation(self) -> Operation:
        """The listing operation this store answers."""
        return self._operation

    def __enter__(self) -> SqlJobStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the store's connections (an in-memory database is gone then)."""
        self._pool.close()

    @property
    def engine(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self._engine.name

    # --- the ListingStore interface ---

    def __len__(self) -> int:
        """How many jobs are stored. O(N): the engine counts the rows."""
        row = self._read_one(f"SELECT count(*) FROM {self._jobs}", ())
        return int(row[0]) if row is not None else 0

    def __contains__(self, job_id: object) -> bool:
        """Whether a job with this ``jobId`` is stored. O(log N)."""
        if not isinstance(job_id, str) or not is_sql_text(job_id):
            return False
        found = self._read_one(f"SELECT 1 FROM {self._jobs} WHERE job_id = ?", (column_text(job_id),))
        return found is not None

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """Copies of the stored jobs, as they were when iteration began (one snapshot). O(N)."""
        with self._pool.connection() as connection:
            every_job = self._sql(f"SELECT job FROM {self._jobs}")
            texts = [row[0] for row in connection.execute(every_job).fetchall()]
        return (job_from_text(text) for text in texts)

    def get(self, job_id: object) -> dict[str, Any] | None:
        """A copy of the job with ``job_id``, or ``None``. O(log N)."""
        if not isinstance(job_id, str) or not is_sql_text(job_id):
            return None
        row = self._read_one(f"SELECT job FROM {self._jobs} WHERE job_id = ?", (column_text(job_id),))
        return None if row is None else job_from_text(row[0])

    def put(self, job: Mapping[str, Any] | ServiceJob) -> None:
        """Insert a job, or replace the stored job with the same ``jobId`` (any member may change), in one
        transaction.

        A job the listing could not answer is refused as ``ServiceJobStore.put`` refuses it (``TypeError``
        or ``ValueError`` naming the member), and so is one a database cannot keep: a member that is not a
        JSON value, a ``createdAt`` beyond ±(2^63-1) or a ``version`` beyond 2^63-1. A NUL is kept, as the
        in-memory stores keep it (SQL-5, ``_rows.column_text``). Tuples come back from ``get`` as lists.
        O(log N) per index.
        """
        row = self._row_of(job)
        with self._pool.connection() as connection, transaction(connection, self._engine.begin_write):
            self._write(connection, self._statements.put, row, row[self._statements.job_queue_column])
            self._write_requirements(connection, [row])

    def put_many(self, jobs: Iterable[Mapping[str, Any] | ServiceJob]) -> int:
        """Put many jobs in one transaction, all or none: every job is checked before any is written. A
        ``jobId`` given twice keeps the last. Returns how many jobs were given. The fast way to load."""
        rows = [self._row_of(job) for job in jobs]
        # One row per jobId, the last given (an upsert may not touch one row twice in a statement).
        latest = list({row[0]: row for row in rows}.values())
        queue_column = self._statements.job_queue_column
        queues = sorted({row[queue_column] for row in latest} - {None})
        with self._pool.connection() as connection, transaction(connection, self._engine.begin_write):
            if self._engine.name == "postgresql":
                self._copy_rows(connection, latest)
            else:
                connection.cursor().executemany(self._sql(self._statements.put), latest)
                self._write_requirements(connection, latest)
            known = [(queue, column_text(queue_name(text_of_column(queue)))) for queue in queues]
            connection.cursor().executemany(self._sql(self._statements.know_queue), known)
            if self._engine.name == "postgresql" and len(latest) >= _ANALYZE_AFTER:
                # The statistics of a table just bulk-loaded say it is tiny, and the planner would take
                # any index with the listing's order; fresh ones make it take the index whose columns are
                # the query's (autovacuum keeps them fresh afterwards).
                connection.execute(f"ANALYZE {self._jobs}")
                if self._requirements:
                    connection.execute(f"ANALYZE {REQUIREMENTS}")
        return len(rows)

    def _row_of(self, job: object) -> tuple[Any, ...]:
        """The row of a job as this store keeps it: completed first when it has a ``completion`` (H-20)."""
        completion = self.completion
        completed = job if completion is None else completion.complete(job, self._operation)
        return job_row(completed, self._operation, self._tables)

    def _write_requirements(
        self, connection: Connection, rows: list[tuple[Any, ...]], *, replaced: bool = True
    ) -> None:
        """Keep the requirement rows of jobs just written (a store of ListJobs): each job's earlier rows
        (when it may have been stored before, ``replaced``) give way to those of its row now."""
        if not self._requirements:
            return
        cursor = connection.cursor()
        if replaced and rows:
            cursor.executemany(self._sql(_DELETE_REQUIREMENTS), [(row[0],) for row in rows])
        needs = [need for row in rows for need in requirement_rows(row)]
        if needs:
            cursor.executemany(self._sql(_INSERT_REQUIREMENT), needs)

    def _copy_rows(self, connection: Connection, rows: list[tuple[Any, ...]]) -> None:
        """PostgreSQL: the rows COPYed into a temporary table, then upserted in one statement (an INSERT per
        row is a round trip and a plan each). Into an empty table, many rows are COPYed straight in with the
        listing indexes dropped, and the indexes are built after, each from one sort of the rows: keeping
        two dozen indexes up to date row by row costs several times that. The table is locked first, so no
        other transaction sees it without its indexes or writes into it meanwhile."""
        columns = ", ".join(self._statements.row_columns)
        needs = [need for row in rows for need in requirement_rows(row)] if self._requirements else []
        if len(rows) >= _ANALYZE_AFTER:
            connection.execute(f"LOCK TABLE {self._jobs} IN ACCESS EXCLUSIVE MODE")
            if connection.execute(f"SELECT 1 FROM {self._jobs} LIMIT 1").fetchone() is None:
                indexes = [(index, scope) for index in self._tables.indexes for scope in index.scopes]
                if self._requirements:
                    # The requirements of an empty jobs table are none: COPYed in likewise.
                    connection.execute(f"LOCK TABLE {REQUIREMENTS} IN ACCESS EXCLUSIVE MODE")
                    needed = REQUIREMENT_INDEXES.every
                    indexes += [(index, scope) for index in needed for scope in index.scopes]
                for index, scope in indexes:
                    connection.execute(f"DROP INDEX IF EXISTS {index.sql_name(scope)}")
                with connection.cursor().copy(f"COPY {self._jobs} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                self._copy_requirements(connection, needs)
                for index, scope in indexes:
                    connection.execute(index.ddl(scope))
                return
        connection.execute(f"CREATE TEMPORARY TABLE listjobs_load (LIKE {self._jobs}) ON COMMIT DROP")
        with connection.cursor().copy(f"COPY listjobs_load ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        connection.execute(
            f"INSERT INTO {self._jobs} ({columns}) SELECT {columns} FROM listjobs_load "
            f"ON CONFLICT (job_id) DO UPDATE SET "
            + ", ".join(f"{column} = excluded.{column}" for column in self._statements.row_columns[1:])
        )
        if self._requirements:
            replaced = f"DELETE FROM {REQUIREMENTS} WHERE job_id IN (SELECT job_id FROM listjobs_load)"
            connection.execute(replaced)
            self._copy_requirements(connection, needs)

    def _copy_requirements(self, connection: Connection, needs: list[tuple[Any, ...]]) -> None:
        """PostgreSQL: requirement rows COPYed into their table (none of their jobs' rows is there)."""
        if not needs:
            return
        columns = ", ".join(_REQUIREMENT_COLUMNS)
        with connection.cursor().copy(f"COPY {REQUIREMENTS} ({columns}) FROM STDIN") as copy:
            for need in needs:
                copy.write_row(need)

    def remove(self, job_id: object) -> None:
        """Remove the job with ``job_id``; nothing happens when there is none. O(log N) per index."""
        if not isinstance(job_id, str) or not is_sql_text(job_id):
            return
        with self._pool.connection() as connection, transaction(connection, self._engine.begin_write):
            delete = self._sql(f"DELETE FROM {self._jobs} WHERE job_id = ?")
            connection.execute(delete, (column_text(job_id),))
            if self._requirements:
                connection.execute(self._sql(_DELETE_REQUIREMENTS), (column_text(job_id),))

    def update(self, job_id: str, **changes: Any) -> dict[str, Any]:
        """Change some members of a stored job in one transaction that locks it, so concurrent updates of
        one job never lose each other's changes; returns a copy of the job as updated.

        ``KeyError`` when no job has ``job_id``; the job as changed is checked as ``put`` checks a job, and
        ``jobId`` cannot change. A member set to ``None`` is removed (``None`` counts as absent, IN-1).
        """
        if "jobId" in changes and changes["jobId"] != job_id:
            raise ValueError(f"update cannot change a job's jobId ({job_id!r} to {changes['jobId']!r})")
        if not isinstance(job_id, str) or not is_sql_text(job_id):
            raise KeyError(job_id)  # no stored jobId holds what the database cannot be sent
        with self._pool.connection() as connection, transaction(connection, self._engine.begin_write):
            read = f"SELECT job FROM {self._jobs} WHERE job_id = ?{self._engine.lock_for_update}"
            found = connection.execute(self._sql(read), (column_text(job_id),)).fetchone()
            if found is None:
                raise KeyError(job_id)
            changed = {**job_from_text(found[0]), **changes}
            row = self._row_of({member: value for member, value in changed.items() if value is not None})
            rewrite, queue_column = self._statements.rewrite, self._statements.job_queue_column
            self._write(connection, rewrite, (*row[1:], row[0]), row[queue_column])
            self._write_requirements(connection, [row])
        return job_from_text(row[-1])

    def put_new(self, job: Mapping[str, Any] | ServiceJob, *, client_token: str | None = None) -> bool:
        """Insert a job that is not stored yet and, when given, record its client token, in one transaction.

        Returns ``False`` and writes nothing when ``client_token`` was recorded before, by any process on
        the database (H-7); raises ``ValueError`` when a job with the same ``jobId`` is stored. Client tokens
        are kept for as long as the database.
        """
        row = self._row_of(job)
        try:
            with self._pool.connection() as connection, transaction(connection, self._engine.begin_write):
                if client_token is not None:
                    claim = self._sql(self._statements.claim_client_token)
                    claimed = connection.execute(claim, (column_text(client_token), row[0]))
                    if claimed.fetchone() is None:
                        raise _Abandon
                job_queue = row[self._statements.job_queue_column]
                if self._write(connection, self._statements.insert_new, row, job_queue) is None:
                    raise ValueError(f"a job with jobId {text_of_column(row[0])!r} is already stored")
                self._write_requirements(connection, [row], replaced=False)
        except _Abandon:
            return False
        return True

    def answer(self, request: object, *, operation: Operation | None = None) -> dict[str, Any]:
        """Answer a request of the store's operation, as its pure function (``list_service_jobs`` or
        ``list_jobs``) does over the stored jobs; ``ClientException`` for a bad request. ``operation``:
        another operation the store answers (a store of ListJobs, ``LIST_JOBS_BY_CONSUMABLE_RESOURCE``);
        any other is a ``TypeError``."""
        if operation is not None and operation is not self._operation:
            if operation is LIST_JOBS_BY_CONSUMABLE_RESOURCE:
                return self.list_jobs_by_consumable_resource(request)
            self._require_operation(operation)
        query = parse_request(self._operation, request, token_key=self._token_key)
        if query.parent_job_id is not None and query.job_filter is not None:
            # LJ-8 turned around (``_decisions.FILTERS_APPLY_TO_CHILD_JOBS``): a filter that applies to
            # children reads no index of theirs, so the core lists the parent's children, read as one range.
            family = self._children_of(query)
            return run_listing(self._operation, family, request, token_key=self._token_key)
        limit = query.page_size
        ranges = self._ranges(query)
        with self._pool.connection(self._page_plans(ranges)) as connection:
            rows = self._page_rows(connection, query, limit + 1, ranges)
        summaries = summaries_from_texts([row[0] for row in rows[:limit]])
        next_token = None
        if len(rows) > limit:
            next_token = encode_token(core_key(rows[limit - 1][1:]), query, token_key=self._token_key)
        return response(summaries, next_token)

    def explain(self, request: object, *, operation: Operation | None = None) -> list[str]:
        """The engine's plan of each statement that a listing of ``request`` runs, as text, in order
        (SQLite's ``EXPLAIN QUERY PLAN``; PostgreSQL's ``EXPLAIN``, or, for a statement planned once for any
        values, ``EXPLAIN EXECUTE`` of it prepared: its generic plan): to see, on a real database, that a
        page is an index range scan and never a sort. ``operation``: as ``answer``'s."""
        resources = operation is LIST_JOBS_BY_CONSUMABLE_RESOURCE and self._requirements
        parsed = LIST_JOBS_BY_CONSUMABLE_RESOURCE if resources else self._operation
        query = parse_request(parsed, request, token_key=self._token_key)
        plans: list[str] = []
        # Custom plans for the statements that run on them; ``_generic_plan`` for the others.
        with self._pool.connection(CUSTOM_PLANS) as connection:
            if resources:
                recorder = _Recorder(connection)
                self._requirement_page_rows(recorder, query, query.page_size + 1)
            else:
                ranges = self._ranges(query)
                recorder = _Recorder(connection, generic=self._page_plans(ranges) == GENERIC_PLANS)
                self._page_rows(recorder, query, query.page_size + 1, ranges)
            for sql, params, generic in recorder.statements:
                if self._engine.name == "sqlite":
                    rows = connection.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
                    plans.append("\n".join(str(row[3]) for row in rows))
                elif generic:
                    plans.append(_generic_plan(connection, sql, params))
                else:
                    rows = connection.execute(f"EXPLAIN {sql}", params).fetchall()
                    plans.append("\n".join(str(row[0]) for row in rows))
        return plans

    def answer_json(self, request: object, *, operation: Operation | None = None) -> bytes:
        """``answer(request)`` as the JSON an endpoint sends: ``json.dumps(answer, separators=(",", ":"))``,
        ASCII, as the in-memory store's ``answer_json`` gives it."""
        return _dumps_ascii(self.answer(request, operation=operation)).encode("ascii")

    def list_jobs_by_consumable_resource(self, request: object) -> dict[str, Any]:
        """Answer a ListJobsByConsumableResource request over the stored jobs, as
        ``list_jobs_by_consumable_resource`` does over ``list(store)``, tokens included (a store of ListJobs;
        any other raises ``TypeError``). ``ClientException`` for a bad request. A page is one index range
        per scope of the resource's requirements (``_requirements``), O(log N + k) for a page of k; a
        JOB_NAME prefix, the walk of its name heads, as a ListJobs prefix page.

        >>> from listjobs_core import LIST_JOBS
        >>> store = SqlJobStore("sqlite://", operation=LIST_JOBS)
        >>> store.put({"jobId": "a", "jobName": "render", "status": "RUNNING", "createdAt": 1,
        ...            "jobArn": "arn:aws:batch:us-east-1:1:job/a", "jobQueue": "q",
        ...            "consumableResourceProperties": {"consumableResourceList": [
        ...                {"consumableResource": "licenses", "quantity": 3}]}})
        >>> page = store.list_jobs_by_consumable_resource({"consumableResource": "licenses"})
        >>> [(summary["jobName"], summary["quantity"]) for summary in page["jobs"]]
        [('render', 3)]
        """
        if not self._requirements:
            return super().list_jobs_by_consumable_resource(request)
        operation = LIST_JOBS_BY_CONSUMABLE_RESOURCE
        query = parse_request(operation, request, token_key=self._token_key)
        limit = query.page_size
        with self._pool.connection(CUSTOM_PLANS) as connection:
            rows = self._requirement_page_rows(connection, query, limit + 1)
            texts = [row[0] for row in rows[:limit]]
            for row in rows[:limit]:
                if row[0] is None:
                    self._summary_fault(connection, row[-1], query.consumable_resource)
        summaries = summaries_from_texts(texts)
        next_token = None
        if len(rows) > limit:
            next_token = encode_token(core_key(rows[limit - 1][1:]), query, token_key=self._token_key)
        return response(summaries, next_token, operation.list_member)

    def _summary_fault(self, connection: Connection, job_id: str, requested: object) -> None:
        """E-2 for a job on a page whose summary could not be made when it was written: the core's own
        ``ServerException`` for it."""
        found = connection.execute(self._sql(f"SELECT job FROM {self._jobs} WHERE job_id = ?"), (job_id,))
        row = found.fetchone()
        _require(row is not None and isinstance(requested, str), f"the job of requirement {job_id!r} held")
        assert row is not None and isinstance(requested, str)
        members = LIST_JOBS_BY_CONSUMABLE_RESOURCE.summary_members
        resource_summaries([job_from_text(row[0])], requested, members)
        _require(False, f"the summary of {job_id!r} is made or refused alike at write and read time")

    def _requirement_page_rows(
        self, connection: Connection, query: ListQuery, count: int
    ) -> list[Sequence[Any]]:
        """ListJobsByConsumableResource: the first ``count`` rows ``(summary, *order columns)`` after the
        cursor, in the order the core decides (CR-7), from the requirements of the requested resource."""
        assert query.consumable_resource is not None
        arms = resource_arms(query.consumable_resource)
        job_filter = query.job_filter
        if not arms or (job_filter is not None and not is_sql_text(job_filter.value)):
            return []  # a text no database can be sent: no stored job holds it (SQL-5)
        pattern: JobNamePattern | None = None if job_filter is None else job_filter.parsed
        status = selected_status(query)
        grouped = groups_by_name(query)
        after = None if query.after is None else sql_key(query.after.sort_key, grouped=grouped)
        prefix = pattern is not None and pattern.is_prefix and bool(pattern.folded)
        if not prefix:
            ranges = requirement_ranges(status, pattern, grouped, None)
            assert not isinstance(ranges, NameHeads)
            parts = [(each, arm) for each in ranges for arm in arms]
            if len(parts) == 1 or self._engine.name == "postgresql":
                return self._merged_rows(connection, parts, after, count)  # one statement, one snapshot
            with transaction(connection, self._engine.begin_read):
                return self._merged_rows(connection, parts, after, count)
        assert pattern is not None
        ranges = requirement_ranges(status, pattern, grouped, None)
        if isinstance(ranges, NameHeads):  # the walk of a prefix's name heads, as a jobs table's
            return self._name_prefix_rows(connection, ranges, arms, after, count)
        # CR-7 turned around (newest first): one range per folded name the prefix covers, merged.
        with transaction(connection, self._engine.begin_read):
            covered = _NextValue(self, connection, REQUIREMENT_INDEXES.by_folded, arms, "folded_name")
            folded = list(covered.starting_with(pattern.folded))
            ranges = requirement_ranges(status, pattern, grouped, folded)
            assert not isinstance(ranges, NameHeads)
            parts = [(each, arm) for each in ranges for arm in arms]
            return self._merged_rows(connection, parts, after, count)

    def _check(self) -> None:
        """Assert the store's invariants: every row's columns are what the core computes from its job now,
        every jobQueue value is in the queue catalogue, and (SQLite) every index agrees with the table."""
        with self._pool.connection() as connection, transaction(connection, self._engine.begin_read):
            columns = ", ".join(self._statements.row_columns)
            rows = connection.execute(f"SELECT {columns} FROM {self._jobs}").fetchall()
            queues = f"SELECT job_queue, queue_name FROM {self._tables.job_queues}"
            catalogue = dict(connection.execute(queues).fetchall())
            held_needs: list[tuple[Any, ...]] = []
            if self._requirements:
                every_need = f"SELECT {', '.join(_REQUIREMENT_COLUMNS)} FROM {REQUIREMENTS}"
                held_needs = [tuple(need) for need in connection.execute(every_need).fetchall()]
            if self._engine.name == "sqlite":
                verdict = connection.execute("PRAGMA integrity_check").fetchall()
                _require(verdict == [("ok",)], f"SQLite integrity check: {verdict}")
        if self._requirements:
            needs = sorted(need for row in rows for need in requirement_rows(tuple(row)))
            _require(sorted(held_needs) == needs, "the requirement rows are those of the jobs held")
        for row in rows:
            expected = job_row(job_from_text(row[-1]), self._operation, self._tables)
            _require(
                tuple(row) == expected,
                f"row of {row[0]!r} holds the core's columns: {tuple(row)} != {expected}",
            )
            job_queue = row[self._statements.job_queue_column]
            if job_queue is not None:
                named = column_text(queue_name(text_of_column(job_queue)))
                _require(catalogue.get(job_queue) == named, f"queue {job_queue!r} catalogued")

    # --- GetJobQueueSnapshot (SN-7) ---

    def queue_usage(self, job_queue: str, scheduling: str) -> QueueUsage | None:
        """What the jobs in use of ``job_queue``'s listings hold (``QueueUsage.of`` them, for a queue of kind
        ``scheduling``; ``None`` when one has a malformed ``capacityUsage``), read through the status index
        of each queue scope (``_front``). O(log N + in-use)."""
        _check_kind(scheduling)
        parse_request(self._operation, {"jobQueue": job_queue})
        with self._snapshot_read() as connection:
            return self._queue_reads(connection, job_queue).usage(scheduling)

    def snapshot_parts(
        self, job_queue: str, scheduling: str, usage: QueueUsage | None = None
    ) -> tuple[QueueUsage, list[Mapping[str, Any]], list[Mapping[str, Any]]] | None:
        """What ``ranked_queue_snapshot`` answers GetJobQueueSnapshot for ``job_queue`` from, over this
        store, in one read transaction, as the in-memory store's ``snapshot_parts``: the usage of its jobs in
        use (or ``usage``, that of the queue's jobs in every store), its first ``FRONT_OF_QUEUE_SIZE``
        RUNNABLE jobs in the dispatch order of a queue of kind ``scheduling`` ranked by it, and (a
        quota-share queue) the first RUNNABLE job of each quota share; ``None`` when a job in use has a
        malformed ``capacityUsage``. From index ranges (``_front``): O(shares * log N + in-use + 100).

        >>> store = SqlJobStore("sqlite://")
        >>> store.put_many([{"jobId": n, "jobName": n, "status": "RUNNABLE", "createdAt": len(n),
        ...     "jobQueue": "q", "jobArn": "arn-" + n} for n in ("old", "newer", "newest")])
        3
        >>> usage, front, _ = store.snapshot_parts("q", "FIFO")
        >>> [job["jobId"] for job in front]
        ['old', 'newer', 'newest']
        """
        _check_kind(scheduling)
        parse_request(self._operation, {"jobQueue": job_queue})
        with self._snapshot_read() as connection:
            reads = self._queue_reads(connection, job_queue)
            if usage is None:
                usage = reads.usage(scheduling)
                if usage is None:
                    return None
            front, firsts = reads.front(scheduling, usage.ranks, FRONT_OF_QUEUE_SIZE)
        return usage, list(front), list(firsts)

    def snapshot_jobs(self, job_queue: str, scheduling: str | None = None) -> list[Mapping[str, Any]]:
        """The jobs ``job_queue_snapshot`` needs to answer GetJobQueueSnapshot for ``job_queue`` over this
        store, as the in-memory store's ``snapshot_jobs``: every job in use, then the RUNNABLE jobs of the
        front of a queue of kind ``scheduling`` (``None``: of every kind) and the first of each quota share,
        in one read transaction. The answer over them is the answer over every job of the store."""
        kinds = _kinds(scheduling)
        parse_request(self._operation, {"jobQueue": job_queue})
        with self._snapshot_read() as connection:
            reads = self._queue_reads(connection, job_queue)
            in_use = reads.in_use()
            try:
                return [*in_use, *_front_jobs(reads, kinds, in_use)]
            except ServerException:
                # A malformed job in use: the jobs in use alone make the pure function's error.
                return list(in_use)

    def jobs_in_use(self, job_queue: str) -> list[Mapping[str, Any]]:
        """The jobs of ``job_queue``'s listings that use its capacity (SN-1). O(log N + in-use)."""
        parse_request(self._operation, {"jobQueue": job_queue})
        with self._snapshot_read() as connection:
            return list(self._queue_reads(connection, job_queue).in_use())

    def front_of_queue(
        self, job_queue: str, scheduling: str | None, in_use: Iterable[Mapping[str, Any]]
    ) -> list[Mapping[str, Any]]:
        """The RUNNABLE jobs of ``job_queue`` that its snapshot can list, as the in-memory store's
        ``front_of_queue``: the first 100 in the dispatch order of a queue of kind ``scheduling`` (``None``:
        of every kind) and, for a quota-share queue, the first of each quota share, the shares ranked by
        the usage of ``in_use``, every job in use of the queue in any store (SN-2)."""
        kinds = _kinds(scheduling)
        in_use = list(in_use)
        parse_request(self._operation, {"jobQueue": job_queue})
        with self._snapshot_read() as connection:
            return _front_jobs(self._queue_reads(connection, job_queue), kinds, in_use)

    @contextlib.contextmanager
    def _snapshot_read(self) -> Iterator[Connection]:
        """A connection in a read transaction for a snapshot's statements, each planned for its values."""
        pool, begin = self._pool, self._engine.begin_read
        with pool.connection(CUSTOM_PLANS) as connection, transaction(connection, begin):
            yield connection

    def _queue_reads(self, connection: Connection, job_queue: str) -> QueueReads:
        """The reads of a queue's snapshot on ``connection`` (``_front``)."""

        def run(sql: str, params: tuple[object, ...]) -> list[Sequence[Any]]:
            return list(connection.execute(self._sql(sql), params).fetchall())

        walks = self._engine.name == "postgresql"
        return QueueReads(self._tables, run, self._engine.index_hint, self._arms(job_queue), walks)

    # --- reading a page ---

    def _page_plans(self, ranges: Range | NameHeads | DefinitionNames | Scan) -> str | None:
        """How the connection of a page of ``ranges`` plans its statements (``_engines.Pool``): a page of
        index ranges (of each queue scope; of a prefix's heads or names) on the plans made once for any
        values (``_GENERIC_PLANS``); a ``SCAN``, and a range of an index a generic plan may mistake for a
        shorter one (``_planned_for_values``), on plans for their values."""
        mistaken = isinstance(ranges, Range) and ranges.index in self._planned_for_values
        if isinstance(ranges, Scan) or mistaken:
            return CUSTOM_PLANS
        return GENERIC_PLANS

    def _page_rows(
        self,
        connection: Connection,
        query: ListQuery,
        count: int,
        ranges: Range | NameHeads | DefinitionNames | Scan,
    ) -> list[Sequence[Any]]:
        """The first ``count`` rows ``(summary, *order columns)`` after the cursor, in the query's order,
        of its ``ranges`` (``_ranges``)."""
        job_filter = query.job_filter
        # A stored job's text holds no lone surrogate (the job validator refuses one), which no database can
        # be sent (``_rows.is_sql_text``): a filter value or a parent id holding one matches no job, and the
        # page is empty, as the pure function finds it (a queue holding one: see ``_arms``).
        sent = job_filter is not None and job_filter.spec.index_plan is not IndexPlan.SCAN
        values = (job_filter.value if sent and job_filter else "", query.parent_job_id or "")
        if not all(is_sql_text(value) for value in values):
            return []
        after = None if query.after is None else sql_key(query.after.sort_key, grouped=groups_by_name(query))
        if isinstance(ranges, Range) and (query.job_queue is None or self._engine.name == "postgresql"):
            # One statement reads one snapshot, on both engines: no transaction needed (PostgreSQL reads
            # every queue scope in one statement, ``_merged_rows``): one round trip a page.
            return self._range_rows(connection, ranges, self._arms(query.job_queue), after, count)
        if isinstance(ranges, NameHeads):
            arms = self._arms(query.job_queue)
            return self._name_prefix_rows(connection, ranges, arms, after, count, planned_once=True)
        if self._engine.name == "postgresql" and isinstance(ranges, DefinitionNames):
            arms = self._arms(query.job_queue)
            return self._pipelined_prefix_rows(connection, ranges, arms, after, count, planned_once=True)
        with transaction(connection, self._engine.begin_read):
            arms = self._arms(query.job_queue)
            if isinstance(ranges, Range):
                return self._range_rows(connection, ranges, arms, after, count)
            if isinstance(ranges, DefinitionNames):
                return self._definition_rows(connection, ranges, arms, after, count)
            return self._scan_rows(connection, ranges, arms, after, count)

    def _name_prefix_rows(
        self,
        connection: Connection,
        heads: NameHeads,
        arms: list[Arm],
        after: SortKey | None,
        count: int,
        *,
        planned_once: bool = False,
    ) -> list[Sequence[Any]]:
        """A JOB_NAME prefix's page (S-6) in one snapshot, of a jobs table or of the requirements (CR-7
        groups by name as O-2 does): on PostgreSQL in two round trips (``_pipelined_prefix_rows``), on
        SQLite by the walk of its heads in a read transaction (``_head_rows``)."""
        if self._engine.name == "postgresql":
            planned = planned_once
            return self._pipelined_prefix_rows(connection, heads, arms, after, count, planned_once=planned)
        with transaction(connection, self._engine.begin_read):
            return self._head_rows(connection, heads, arms, after, count)

    def _ranges(self, query: ListQuery) -> Range | NameHeads | DefinitionNames | Scan:
        """The index ranges a query reads: a parent's children (LJ-6), else its filter's (from its index
        plan, ``_schema.PLAN_SQL``)."""
        status = selected_status(query)
        children = self._tables.children
        if query.parent_job_id is not None and query.parent_job_member is not None and children is not None:
            # LJ-8: no filter applies to children (``parse_request`` drops it), so the one status
            # ``selected_status`` gives is the listing's.
            key = parent_key(query.parent_job_member, query.parent_job_id)
            return Range(children, (key, status))
        job_filter = query.job_filter
        filter_sql = self._tables.filter_sql[None if job_filter is None else job_filter.name]
        return filter_sql.ranges(job_filter, status)

    def _children_of(self, query: ListQuery) -> list[dict[str, Any]]:
        """Every child of the parent a query names (LJ-6), whatever its status: one range of the parent
        index."""
        children = self._tables.children
        if children is None or query.parent_job_member is None or query.parent_job_id is None:
            return []
        if not is_sql_text(query.parent_job_id):
            return []  # no stored jobId holds what the database cannot be sent
        key = parent_key(query.parent_job_member, query.parent_job_id)
        hint = self._engine.index_hint(children.sql_name(EVERY_JOB))
        sql = self._sql(f"SELECT job FROM {children.table}{hint} WHERE parent_key = ?")
        with self._pool.connection(CUSTOM_PLANS) as connection:
            texts = [row[0] for row in connection.execute(sql, (column_text(key),)).fetchall()]
        return [job_from_text(text) for text in texts]

    def _arms(self, job_queue: str | None) -> list[Arm]:
        """The queue scopes a request reads (IN-2, S-9): every job, or the jobs without a queue and those
        whose ``jobQueue`` denotes the requested queue (``_queues``): for a queue ARN, the scopes of the
        ``jobQueue`` values the core's ``QueueMatcher`` accepts among the ARN itself and its bare name (an
        ARN denotes the same queue as those only); for a bare name, the one scope of the values of that
        queue name (a bare name denotes the same queue as every identifier of that name, whatever their
        region or account). At most three scopes, however many values the database holds."""
        if job_queue is None:
            return [_EVERY_JOB]
        if not is_sql_text(job_queue):
            # No stored jobQueue value holds a lone surrogate, so none denotes this queue; the jobs without
            # a queue are still listed for it (IN-2).
            return [(BY_QUEUE, BY_QUEUE.condition, (NO_QUEUE_SCOPE,))]
        if is_queue_arn(job_queue):
            accepts = QueueMatcher(job_queue)
            values = [None, *(value for value in dict.fromkeys((job_queue, queue_name(job_queue))))]
            return [
                (BY_QUEUE, BY_QUEUE.condition, (column_text(queue_scope(value)),))
                for value in values
                if accepts[value]
            ]
        return [
            (BY_QUEUE_NAME, BY_QUEUE_NAME.condition, (column_text(queue_name_scope(value)),))
            for value in (None, job_queue)
        ]

    def _range_rows(
        self,
        connection: Connection,
        ranges: Range,
        arms: list[Arm],
        after: SortKey | None,
        count: int,
        *,
        with_job: bool = False,
    ) -> list[Sequence[Any]]:
        """The first ``count`` rows of ``ranges`` over every arm, after the cursor (IN-2's scopes are
        disjoint). ``with_job``: each row ends with the job's JSON text too."""
        return self._merged_rows(connection, [(ranges, arm) for arm in arms], after, count, with_job=with_job)

    def _merged_rows(
        self,
        connection: Connection,
        parts: list[tuple[Range, Arm]],
        after: SortKey | None,
        count: int,
        *,
        with_job: bool = False,
    ) -> list[Sequence[Any]]:
        """The first ``count`` rows of disjoint ranges, each in one queue scope, after the cursor, in the
        listing's order (the ranges' indexes all have it): each a range scan of its index, merged.

        SQLite, in the process, runs one statement per range and merges here. PostgreSQL, a round trip per
        statement, runs one: a ``UNION ALL`` of the ranges, each ``ORDER BY ... LIMIT`` in its index's
        order, with one ``ORDER BY ... LIMIT`` over them, which it plans as a Merge Append of index scans,
        never a sort (each arm's own ``ORDER BY`` tells it that arm's order, which it could not otherwise
        see through the arm's scope constant)."""
        if not parts:
            return []
        order = ", ".join(parts[0][0].index.order)
        if self._engine.name == "postgresql" and len(parts) > 1:
            union, union_params = self._union(parts, after, count, with_job=with_job)
            return list(connection.execute(union, union_params).fetchall())
        runs = []
        for ranges, arm in parts:
            sql, params = _arm(self._engine, ranges, arm, after, with_job=with_job)
            statement = self._sql(f"{sql} ORDER BY {order} LIMIT ?")
            runs.append(connection.execute(statement, (*params, count)).fetchall())
        if len(runs) == 1:
            return list(runs[0])
        return list(islice(heapq.merge(*runs, key=_order_columns), count))

    def _union(
        self, parts: list[tuple[Range, Arm]], after: SortKey | None, count: int, *, with_job: bool = False
    ) -> tuple[str, tuple[object, ...]]:
        """PostgreSQL: the one statement of ``_merged_rows`` (its parts' ranges, ``UNION ALL``, each ordered
        and limited in the listing's order under one ``ORDER BY ... LIMIT``), and its parameters."""
        order = ", ".join(parts[0][0].index.order)
        if len(parts) == 1:
            sql, arm_params = _arm(self._engine, *parts[0], after, with_job=with_job)
            return self._sql(f"{sql} ORDER BY {order} LIMIT ?"), (*arm_params, count)
        selects: list[str] = []
        params: list[object] = []
        for ranges, arm in parts:
            sql, arm_params = _arm(self._engine, ranges, arm, after, with_job=with_job)
            selects.append(f"({sql} ORDER BY {order} LIMIT ?)")
            params += [*arm_params, count]
        return self._sql(" UNION ALL ".join(selects) + f" ORDER BY {order} LIMIT ?"), (*params, count)

    def _pipelined_prefix_rows(
        self,
        connection: Connection,
        ranges: NameHeads | DefinitionNames,
        arms: list[Arm],
        after: SortKey | None,
        count: int,
        *,
        planned_once: bool = False,
    ) -> list[Sequence[Any]]:
        """PostgreSQL, a prefix (S-6, LJ-9) in two round trips, in one read-only snapshot: the first sends
        BEGIN and the statement that finds what the prefix covers (a JOB_NAME prefix: its first few folded
        names and, when more start with it, the walk of its heads, ``_heads_walk``; a JOB_DEFINITION prefix:
        the definition names that start with it), in psycopg's pipeline mode, without waiting between them;
        the second sends the page
        (``_union``: the ranges of what was found, merged) and COMMIT. Only a JOB_NAME prefix whose walk
        outgrows its budget (``_HEAD_WALK_BUDGET``: thousands of case variants of names of more than four
        folded names) reads its folded names in one round trip more. Its statements run on plans made once
        per connection: ``planned_once``, the connection's own (``_page_plans``); else ``_GENERIC_PLANS``,
        set in the same round trip as BEGIN."""
        pipeline = getattr(connection, "pipeline", None)  # ``explain``'s recorder runs them one by one
        with pipeline() if pipeline is not None else contextlib.nullcontext():
            connection.execute(self._engine.begin_read)
            if not planned_once:
                connection.execute(_GENERIC_PLANS)
            if isinstance(ranges, DefinitionNames):
                names = _NextValue(self, connection, ranges.index, arms, "definition_name")
                covered = names.send_starting_with(ranges.pattern.text, None)
                parts = [
                    (Range(ranges.index, (name,), residual=ranges.residual), arm)
                    for name in _texts(covered)
                    for arm in arms
                ]
            else:
                folded_names = _NextValue(self, connection, ranges.folded_index, arms, "folded_name")
                few = folded_names.starting_with_statement(ranges.folded, _FEW_FOLDED_NAMES + 1)
                start = "" if after is None else text_of_column(str(after[0]))
                walk = connection.execute(*self._heads_walk(ranges, arms, start, few))
                rows = walk.fetchall()  # the first round trip ends here
                folded = [text_of_column(value) for kind, value, _ in rows if kind == "folded"]
                found = [(value, is_head) for kind, value, is_head in rows if kind == "node"]
                if len(folded) > _FEW_FOLDED_NAMES and len(found) <= _HEAD_WALK_BUDGET:
                    heads = sorted(text_of_column(head) for head, is_head in found if is_head)
                    parts = [(_head_range(ranges, head), arm) for head in heads for arm in arms]
                else:
                    if len(folded) > _FEW_FOLDED_NAMES:  # past the walk's budget: every folded name
                        folded = _texts(folded_names.send_starting_with(ranges.folded, None))
                    parts = [(_folded_range(ranges, name), arm) for name in folded for arm in arms]
            page = None
            if parts:
                page = connection.execute(*self._union(parts, after, count))
            connection.execute("COMMIT")
        # The pipeline's end sent the page, COMMIT and a Sync together: the page's rows are here.
        return [] if page is None else list(page.fetchall())

    def _heads_walk(
        self, heads: NameHeads, arms: list[Arm], start: str, few: tuple[str, list[object]]
    ) -> tuple[str, tuple[object, ...]]:
        """PostgreSQL: what a JOB_NAME prefix reads, in one statement: the rows ``("folded", name, false)``
        of ``few``, the statement of the prefix's first few folded names, and, when more folded names than
        ``_FEW_FOLDED_NAMES`` start with it, the walk of its heads (the core's ``name_heads``) as a
        recursive query: the rows ``("node", node, whether it is a head)`` of the tree of exact strings
        whose folding starts the pattern, every node under which the exact-name index holds a name
        ``>= start``, at most ``_HEAD_WALK_BUDGET + 1`` of them.

        Each row carries ``current``, the first name at or after the node (and ``start``), which starts with
        the node. A child (the node and one more character, from the inverse of case folding,
        ``_fold_steps``) that sorts before ``current`` holds no name; one that ``current`` starts with keeps
        it, with no probe; one after it is one index probe (of every queue scope, ``LEAST``). So the walk
        probes once per branch of the tree the index holds, as ``name_heads`` does, all in one round trip.
        """
        index = heads.index
        equal = _equal_conditions(index, heads.values)
        values = [_sent(value) for value in heads.values]
        probes: list[str] = []
        for _, condition, _ in arms:
            where = f"{condition} AND " if condition else ""
            probes.append(
                f"(SELECT job_name FROM {index.table} WHERE {where}{equal}job_name >= {{position}} "
                "ORDER BY job_name LIMIT 1)"
            )
        probe = probes[0] if len(probes) == 1 else "LEAST(" + ", ".join(probes) + ")"
        root = probe.replace("{position}", "?::text")
        step = probe.replace("{position}", "n.child")
        few_sql, few_params = few
        sql = self._sql(
            "WITH RECURSIVE steps AS (SELECT * FROM json_to_recordset(?::json) "
            "AS s (state int, piece text, next_state int, is_head bool)), "
            f"few AS (SELECT value FROM ({few_sql}) AS few_values), "
            "walk (node, state, is_head, current) AS ("
            f'SELECT CAST(\'\' AS text) COLLATE "C", 0, false, CAST({root} AS text) COLLATE "C" '
            f"WHERE (SELECT count(*) FROM few) > {_FEW_FOLDED_NAMES} "
            "UNION ALL "
            "SELECT n.child, s.next_state, s.is_head, f.current FROM walk AS w "
            "JOIN steps AS s ON s.state = w.state "
            'CROSS JOIN LATERAL (SELECT CAST(w.node || s.piece AS text) COLLATE "C" AS child) AS n '
            "CROSS JOIN LATERAL (SELECT CASE WHEN n.child = left(w.current, char_length(n.child)) "
            f'THEN w.current ELSE CAST({step} AS text) COLLATE "C" END AS current OFFSET 0) AS f '
            "WHERE NOT w.is_head AND n.child >= left(w.current, char_length(n.child)) "
            "AND starts_with(f.current, n.child)) "
            "SELECT 'folded', value, false FROM few UNION ALL "
            "(SELECT 'node', node, is_head FROM walk WHERE current IS NOT NULL LIMIT ?)"
        )
        root_params = [value for _, _, params in arms for value in (*params, *values, column_text(start))]
        step_params = [value for _, _, params in arms for value in (*params, *values)]
        steps = _fold_steps(heads.folded)
        params = (steps, *few_params, *root_params, *step_params, _HEAD_WALK_BUDGET + 1)
        return sql, params

    def _scan_rows(
        self, connection: Connection, scan: Scan, arms: list[Arm], after: SortKey | None, count: int
    ) -> list[Sequence[Any]]:
        """A ``SCAN`` plan: the listing's rows in order, read in batches from the cursor, each job tested with
        the filter's predicate, until ``count`` rows pass or the range ends (O(rows passed over))."""
        batch = max(count, _SCAN_BATCH)
        rows: list[Sequence[Any]] = []
        while len(rows) < count:
            read = self._range_rows(connection, scan.range, arms, after, batch, with_job=True)
            rows += [row[:-1] for row in read if scan.matches(job_from_text(row[-1]))]
            if len(read) < batch:
                break
            after = tuple(read[-1][1:-1])  # the order columns of the last row read
        return rows[:count]

    def _head_rows(
        self, connection: Connection, heads: NameHeads, arms: list[Arm], after: SortKey | None, count: int
    ) -> list[Sequence[Any]]:
        """S-6 prefixes, as the in-memory store reads them (``store``'s name ranges): when a few folded
        names at most start with the pattern (none, for a pattern that matches nothing), a merge of their
        ranges of the folded-name index; otherwise the range of each head in turn (the core's
        ``name_heads``) until ``count`` rows, the walk's index probes bounded by ``_HEAD_PROBE_BUDGET``,
        past which the rest of the page is a merge of the ranges of the folded names that match. No part
        of a page costs more probes than the budget, however many case variants the names hold."""
        folded_names = _NextValue(self, connection, heads.folded_index, arms, "folded_name")
        if heads.folded:  # "*" alone: every name, the one head ""
            few = folded_names.first_starting_with(heads.folded, _FEW_FOLDED_NAMES + 1)
            if len(few) <= _FEW_FOLDED_NAMES:
                return self._folded_rows(connection, heads, few, arms, after, count)
        probe = _NextValue(
            self, connection, heads.index, arms, "job_name", budget=_HEAD_PROBE_BUDGET, values=heads.values
        )
        start = "" if after is None else text_of_column(str(after[0]))
        rows: list[Sequence[Any]] = []
        try:
            for head in name_heads(probe.first_name, heads.folded, start, _every_fold()):
                rows += self._range_rows(connection, _head_range(heads, head), arms, after, count - len(rows))
                if len(rows) >= count:
                    break
            return rows
        except _OverBudget:
            pass
        # Every head the walk finished is read to its end: the rest of the page follows the last row read.
        last = after if not rows else tuple(rows[-1][1:])
        matching = folded_names.starting_with(heads.folded)
        return rows + self._folded_rows(connection, heads, matching, arms, last, count - len(rows))

    def _folded_rows(
        self,
        connection: Connection,
        heads: NameHeads,
        folded_names: Iterable[str],
        arms: list[Arm],
        after: SortKey | None,
        count: int,
    ) -> list[Sequence[Any]]:
        """The first ``count`` rows of the jobs whose folded name is one of ``folded_names``, after the
        cursor, in grouped order (O-2): one range of the folded-name index each (in it, one folded name's
        jobs are in grouped order), merged."""
        parts = [(_folded_range(heads, folded), arm) for folded in folded_names for arm in arms]
        return self._merged_rows(connection, parts, after, count)

    def _definition_rows(
        self,
        connection: Connection,
        names: DefinitionNames,
        arms: list[Arm],
        after: SortKey | None,
        count: int,
    ) -> list[Sequence[Any]]:
        """LJ-9 prefixes: the range of each definition name the pattern covers (walked in name order from
        the prefix by index probes, each name tested by the core's ``JobDefinitionPattern.matches``),
        merged newest first, as the in-memory store merges one bucket per name."""
        probe = _NextValue(self, connection, names.index, arms, "definition_name")
        covered = []
        name = probe.first_at_or_after(names.pattern.text)
        while name is not None and names.pattern.matches(name):
            covered.append(name)
            name = probe.first_after(name)
        parts = [
            (Range(names.index, (name,), residual=names.residual), arm) for name in covered for arm in arms
        ]
        return self._merged_rows(connection, parts, after, count)

    # --- helpers ---

    def _sql(self, text: str) -> str:
        spelled = self._sql_cache.get(text)
        if spelled is None:
            spelled = self._sql_cache[text] = self._engine.sql(text)
        return spelled

    def _read_one(self, sql: str, params: tuple[object, ...]) -> Sequence[Any] | None:
        with self._pool.connection() as connection:
            row: Sequence[Any] | None = connection.execute(self._sql(sql), params).fetchone()
        return row

    def _write(
        self, connection: Connection, sql: str, params: tuple[Any, ...], job_queue: str | None
    ) -> Sequence[Any] | None:
        """Write a job's row and record its jobQueue value in the queue catalogue; the row a ``RETURNING``
        statement returns."""
        cursor = connection.execute(self._sql(sql), params)
        written: Sequence[Any] | None = cursor.fetchone() if "RETURNING" in sql else None
        if job_queue is not None:
            named = column_text(queue_name(text_of_column(job_queue)))
            connection.execute(self._sql(self._statements.know_queue), (job_queue, named))
        return written

    def _create_schema(self) -> None:
        engine = self._engine
        tables = self._tables
        columns = ", ".join(f"{name} {engine.column_type(kind)}" for name, kind in tables.columns)
        statements = [
            f"CREATE TABLE IF NOT EXISTS {META} (name {engine.key_text_type} PRIMARY KEY, "
            "value TEXT NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {self._jobs} ({columns}, PRIMARY KEY (job_id))",
            f"CREATE TABLE IF NOT EXISTS {tables.job_queues} (job_queue {engine.key_text_type} PRIMARY KEY, "
            f"queue_name {engine.key_text_type})",
            f"CREATE INDEX IF NOT EXISTS {tables.queue_names_index} ON {tables.job_queues} "
            "(queue_name, job_queue)",
            f"CREATE TABLE IF NOT EXISTS {tables.client_tokens} (client_token {engine.key_text_type} "
            f"PRIMARY KEY, job_id {engine.key_text_type})",
            *(index.ddl(scoped) for index in tables.indexes for scoped in index.scopes),
            *(_requirements_ddl(engine) if self._requirements else ()),
        ]
        with self._pool.connection() as connection, transaction(connection, engine.begin_write):
            if engine.name == "postgresql":
                # Two processes opening a new database at once would race on CREATE ... IF NOT EXISTS.
                connection.execute("SELECT pg_advisory_xact_lock(7461626)")
            # The schema version first: a database of another version is refused before anything of
            # this version's tables is created in it.
            meta, *tables_and_indexes = statements
            connection.execute(meta)
            connection.execute(
                self._sql(f"INSERT INTO {META} (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING"),
                ("schema_version", SCHEMA_VERSION),
            )
            found = connection.execute(
                self._sql(f"SELECT value FROM {META} WHERE name = ?"), ("schema_version",)
            ).fetchone()
            if found is not None and found[0] in UPGRADED_VERSIONS:
                # An earlier version's tables are this version's but for indexes that are now named
                # otherwise, which go, and columns that are new, which are added and filled by writing
                # every row again from its job (of both operations, whose tables share the version); this
                # version's indexes are made below, and the database is of this version.
                for retired in RETIRED_INDEXES.get(found[0], ()):
                    connection.execute(f"DROP INDEX IF EXISTS {retired}")
                for operation in (LIST_SERVICE_JOBS, LIST_JOBS):
                    _upgrade_rows(connection, engine, operation, found[0])
                upgrade = self._sql(f"UPDATE {META} SET value = ? WHERE name = ?")
                connection.execute(upgrade, (SCHEMA_VERSION, "schema_version"))
                found = (SCHEMA_VERSION,)
            if found is not None and found[0] == SCHEMA_VERSION:
                for statement in tables_and_indexes:
                    connection.execute(statement)
                if engine.name == "postgresql":
                    for table, column in self._scope_columns():
                        connection.execute(
                            f"ALTER TABLE {table} ALTER COLUMN {column} "
                            f"SET (n_distinct = {-_SCOPE_DISTINCT_FRACTION})"
                        )
        if found is None or found[0] != SCHEMA_VERSION:
            raise ServerException(
                f"the database holds listjobs tables of schema version {found and found[0]!r}; this "
                f"version of listjobs_core reads version {SCHEMA_VERSION}"
            )

    def _scope_columns(self) -> list[tuple[str, str]]:
        """The scope columns of the store's indexes (``_schema.Scope``), with their tables."""
        indexes = (*self._tables.indexes, *(REQUIREMENT_INDEXES.every if self._requirements else ()))
        columns = (
            (index.table, scope.column) for index in indexes for scope in index.scopes if scope.column
        )
        return list(dict.fromkeys(columns))

    def clear(self) -> None:
        """Delete every job of this store's operation, its queue catalogue and its client tokens, in one
        transaction: the tables stay, empty, and the other operation's jobs on the same database too.

        >>> store = SqlJobStore("sqlite://")
        >>> store.put({"jobId": "a", "jobName": "train", "status": "RUNNING", "createdAt": 1})
        >>> store.clear()
        >>> len(store), store.list_service_jobs({})
        (0, {'jobSummaryList': []})
        """
        tables = self._tables
        with self._pool.connection() as connection, transaction(connection, self._engine.begin_write):
            for table in (tables.jobs, tables.job_queues, tables.client_tokens):
                connection.execute(f"DELETE FROM {table}")
            if self._requirements:
                connection.execute(f"DELETE FROM {REQUIREMENTS}")


def _upgrade_rows(connection: Connection, engine: Engine, operation: Operation, version: str) -> None:
    """Bring an earlier version's tables of one operation, when the database has them, to this version:
    the new columns added, every row written again from its job as this version computes it (so text
    columns are in column form too), the queue catalogue and client tokens likewise, and (ListJobs) the
    requirements table made and filled from the jobs."""
    tables = tables_of(operation)
    if engine.name == "sqlite":
        exists = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (tables.jobs,)
        ).fetchone()
    else:
        exists = connection.execute("SELECT to_regclass(%s)", (tables.jobs,)).fetchone()
        exists = None if exists is None or exists[0] is None else exists
    if exists is None:
        return
    kinds = dict(tables.columns)
    added = (
        *(ADDED_COLUMNS if version in VERSIONS_WITHOUT_ADDED_COLUMNS else ()),
        *(column for column, _ in SNAPSHOT_COLUMNS),  # version 5's: no earlier version has them
    )
    if engine.name == "sqlite":
        present = {row[1] for row in connection.execute(f"PRAGMA table_info({tables.jobs})").fetchall()}
    else:
        listed = (
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = %s"
        )
        present = {row[0] for row in connection.execute(listed, (tables.jobs,)).fetchall()}
    for column in (column for column in added if column not in present):
        column_type = engine.column_type(kinds[column])
        # A NOT NULL column is added with a default for the rows there, each written again below.
        filler = "0" if kinds[column] == "integer" else f"'{NO_QUEUE_SCOPE}'"
        default = f" DEFAULT {filler}" if "NOT NULL" in column_type else ""
        connection.execute(f"ALTER TABLE {tables.jobs} ADD COLUMN {column} {column_type}{default}")
    texts = [row[0] for row in connection.execute(f"SELECT job FROM {tables.jobs}").fetchall()]
    tokens = connection.execute(f"SELECT client_token, job_id FROM {tables.client_tokens}").fetchall()
    rows = [job_row(job_from_text(text), operation, tables) for text in texts]
    statements = _Statements.of(tables)
    for table in (tables.jobs, tables.job_queues, tables.client_tokens):
        connection.execute(f"DELETE FROM {table}")
    cursor = connection.cursor()
    cursor.executemany(engine.sql(statements.put), rows)
    queues = sorted({row[statements.job_queue_column] for row in rows} - {None})
    known = [(queue, column_text(queue_name(text_of_column(queue)))) for queue in queues]
    cursor.executemany(engine.sql(statements.know_queue), known)
    # A client token of an earlier version was kept as it was given; a job id there is as the job's was.
    claims = [(column_text(token), column_text(job_id)) for token, job_id in tokens]
    claim = f"INSERT INTO {tables.client_tokens} (client_token, job_id) VALUES (?, ?)"
    cursor.executemany(engine.sql(claim), claims)
    if operation is LIST_JOBS:
        connection.execute(_requirements_ddl(engine)[0])
        connection.execute(f"DELETE FROM {REQUIREMENTS}")
        needs = [need for row in rows for need in requirement_rows(row)]
        if needs:
            cursor.executemany(engine.sql(_INSERT_REQUIREMENT), needs)


class _Recorder:
    """A connection that notes the statements run through it (not the transaction control or settings),
    each with whether it ran on a generic plan: ``generic``, the connection's own setting (``Pool``), or
    under ``_GENERIC_PLANS`` (which lasts until the transaction's end)."""

    def __init__(self, connection: Connection, *, generic: bool = False) -> None:
        self._connection = connection
        self.statements: list[tuple[str, Sequence[Any], bool]] = []
        self._session_generic = self._generic = generic

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        if sql == _GENERIC_PLANS:
            self._generic = True
        elif sql in ("COMMIT", "ROLLBACK"):
            self._generic = self._session_generic
        elif sql.split(" ", 1)[0] not in ("BEGIN", "SET"):
            self.statements.append((sql, params, self._generic))
        return self._connection.execute(sql, params)


class _OverBudget(Exception):
    """A walk of name heads made more index probes than its budget."""


class _NextValue:
    """The distinct values of an index's first column after the scope (a name, a folded name, a definition
    name) in a listing's queue scopes, in order: one index probe per scope and value, a walk over the
    distinct values present, never over their jobs. ``budget``: at most this many probes of all scopes,
    then ``_OverBudget``. ``values``: those of the index's equality columns, in front of the column."""

    def __init__(
        self,
        store: SqlJobStore,
        connection: Connection,
        index: Index,
        arms: list[Arm],
        column: str,
        *,
        budget: int | None = None,
        values: tuple[object, ...] = (),
    ) -> None:
        self._probes = []
        subqueries: list[tuple[str, tuple[object, ...]]] = []
        equal = _equal_conditions(index, values)
        for scope, condition, arm_params in arms:
            where = f"{condition} AND " if condition else ""
            probe_params = (*arm_params, *(_sent(value) for value in values))
            hint = store._engine.index_hint(index.sql_name(scope))
            select = f"SELECT {column} FROM {index.table}{hint} WHERE {where}{equal}{column}"
            order = f"ORDER BY {column} LIMIT 1"
            self._probes.append(
                (store._sql(f"{select} >= ? {order}"), store._sql(f"{select} > ? {order}"), probe_params)
            )
            subqueries.append((f"{select} {{op}} {{position}} {order}", probe_params))
        self._walk: tuple[str, str, Callable[[object], list[object]], list[object]] | None = None
        self._least_params: Callable[[object], list[object]] = _only
        if store.engine == "postgresql" and arms:
            # One round trip a probe: the least of the scopes' first values, in one statement
            # (PostgreSQL's LEAST ignores NULLs); and the walk of ``first_starting_with``.
            def least(op: str, position: str) -> str:
                return "LEAST(" + ", ".join(
                    f"({sql.format(op=op, position=position)})" for sql, _ in subqueries
                ) + ")"

            def params_with(position: object) -> list[object]:
                return [value for _, params in subqueries for value in (*params, position)]

            scope_params = [value for _, params in subqueries for value in params]
            self._least_params = params_with
            self._probes = [
                (
                    store._sql(f"SELECT {least('>=', '?')}"),
                    store._sql(f"SELECT {least('>', '?')}"),
                    (),
                )
            ]
            walk = (
                f"WITH RECURSIVE walk(value) AS (SELECT {least('>=', '?')} UNION ALL "
                f"SELECT {least('>', 'walk.value')} FROM walk WHERE walk.value IS NOT NULL{{bound}}) "
                "SELECT value FROM walk WHERE value IS NOT NULL{bound} LIMIT ?"
            )
            bounded = walk.replace("{bound}", " AND value < ?")
            unbounded = walk.replace("{bound}", "")
            self._walk = (store._sql(bounded), store._sql(unbounded), params_with, scope_params)
        self._connection = connection
        self._budget = budget

    def first_name(self, position: str | None) -> str | None:
        """What ``name_heads`` asks: the first value at or after a position (``None``: past the end)."""
        return None if position is None else self.first_at_or_after(position)

    def first_at_or_after(self, position: str) -> str | None:
        return self._first(position, inclusive=True)

    def first_after(self, position: str) -> str | None:
        return self._first(position, inclusive=False)

    def first_starting_with(self, prefix: str, count: int) -> list[str]:
        """The first ``count`` values that start with ``prefix``, in order. PostgreSQL: one statement (a
        recursive walk of the probes, which stops at ``count``), one round trip in all."""
        if self._walk is None:
            return list(islice(self.starting_with(prefix), count))
        return _texts(self.send_starting_with(prefix, count))

    def starting_with_statement(self, prefix: str, count: int | None) -> tuple[str, list[object]]:
        """PostgreSQL: the statement of ``first_starting_with`` (every value that starts with ``prefix``
        when ``count`` is ``None``), in the engine's spelling, and its parameters."""
        assert self._walk is not None
        upper = successor(prefix)
        bounded, unbounded, first_params, next_params = self._walk
        params: list[object] = [*first_params(column_text(prefix)), *next_params]
        if upper is not None:  # the values that start with the prefix end before its successor
            params += [column_text(upper), column_text(upper)]
        sql = unbounded if upper is None else bounded
        return sql, [*params, _EVERY_VALUE if count is None else count]

    def send_starting_with(self, prefix: str, count: int | None) -> Any:
        """``starting_with_statement`` executed, its rows not waited for: a cursor for ``_texts``."""
        return self._connection.execute(*self.starting_with_statement(prefix, count))

    def starting_with(self, prefix: str) -> Iterator[str]:
        """The values that start with ``prefix``, in order."""
        value = self.first_at_or_after(prefix)
        while value is not None and value.startswith(prefix):
            yield value
            value = self.first_after(value)

    def _first(self, position: str, *, inclusive: bool) -> str | None:
        if self._budget is not None:
            self._budget -= 1
            if self._budget < 0:
                raise _OverBudget
        values = []
        for at_or_after, after, params in self._probes:
            sql = at_or_after if inclusive else after
            sent = (
                tuple(self._least_params(column_text(position)))
                if self._walk is not None
                else (*params, column_text(position))
            )
            row = self._connection.execute(sql, sent).fetchone()
            if row is not None and row[0] is not None:
                values.append(text_of_column(row[0]))
        return min(values) if values else None


_dumps_ascii = json.JSONEncoder(separators=(",", ":")).encode


@functools.cache
def _every_fold() -> FoldTable:
    """The case-fold table of every character: the stored names live in the database, written by any
    process, so the walk of JOB_NAME heads may meet any character. Built once per process, at the first
    prefix query (about a tenth of a second)."""
    table = FoldTable()
    table.learn("".join(chr(code) for code in range(0x110000) if not 0xD800 <= code <= 0xDFFF))
    return table


def _generic_plan(connection: Connection, sql: str, params: Sequence[Any]) -> str:
    """PostgreSQL: the plan a statement (in the engine's spelling, ``%s`` placeholders) runs with under
    ``_GENERIC_PLANS``, as text: the statement prepared with numbered parameters (their types the server's
    to infer, as for the values psycopg sends) and ``EXPLAIN EXECUTE`` of it with ``params``, under generic
    plans, in a transaction of its own: the plan made once for any values (``$n`` where a value goes)."""
    from psycopg.sql import Literal

    first, *rest = sql.split("%s")
    numbered = first + "".join(f"${number}{text}" for number, text in enumerate(rest, 1))
    values = ", ".join(Literal(value).as_string(connection) for value in params)
    arguments = f"({values})" if params else ""
    stale = connection.execute("SELECT 1 FROM pg_prepared_statements WHERE name = 'listjobs_explained'")
    if stale.fetchone() is not None:  # left by an explain that failed (a prepared statement outlives it)
        connection.execute("DEALLOCATE listjobs_explained")
    with transaction(connection, "BEGIN"):
        connection.execute(_GENERIC_PLANS)
        connection.execute(f"PREPARE listjobs_explained AS {numbered}")
        rows = connection.execute(f"EXPLAIN EXECUTE listjobs_explained{arguments}").fetchall()
        connection.execute("DEALLOCATE listjobs_explained")
    return "\n".join(str(row[0]) for row in rows)


def _planned_for_values(indexes: Iterable[Index]) -> frozenset[Index]:
    """The indexes whose pages are planned for their values: those whose equality columns extend another
    index's of the same order (``by_share_identifier_status``, ``by_share_identifier``). A plan made without
    values estimates both ranges of a queue scope at a row and takes the smaller index, filtering the rest
    of the equalities on its rows (at 1e6 jobs, the page of ``SHARE_IDENTIFIER + status, queue`` read 656
    buffers in 0.86 ms against 102 in 0.17 ms on its own index); a plan for the values sees the difference.
    """
    indexes = list(indexes)
    return frozenset(
        index
        for index in indexes
        for shorter in indexes
        if shorter.table == index.table
        and shorter.order == index.order
        and 0 < len(shorter.equal) < len(index.equal)
        and index.equal[: len(shorter.equal)] == shorter.equal
    )


def _order_columns(row: Sequence[Any]) -> tuple[Any, ...]:
    """A page row's order columns, which follow its summary."""
    return tuple(row[1:])


def _texts(cursor: Any) -> list[str]:
    """The values of a one-column statement's rows, as texts (``_rows.text_of_column``)."""
    return [text_of_column(row[0]) for row in cursor.fetchall()]


@functools.lru_cache(maxsize=256)
def _fold_steps(folded: str) -> str:
    """The tree of a JOB_NAME prefix's heads (``_name_heads``) as the steps of an automaton, for
    ``_heads_walk``, as the JSON it reads them from: state 0 is the whole folded pattern, each other state
    what remains of it after a node; each step is (state, a character in column form, the state after it,
    whether it ends a head), from the case-fold table of every character, as the core's walk takes its
    nodes' children."""
    table = _every_fold()
    number = {folded: 0}
    steps: list[dict[str, object]] = []
    waiting = [folded]
    while waiting:
        rest = waiting.pop()
        for character, remains, is_head in table.children(rest, True):
            if remains not in number and not is_head:
                number[remains] = len(number)
                waiting.append(remains)
            steps.append(
                {
                    "state": number[rest],
                    "piece": column_text(character),
                    "next_state": number.get(remains, -1),
                    "is_head": is_head,
                }
            )
    return json.dumps(steps)


def _only(position: object) -> list[object]:
    return [position]


def _head_range(heads: NameHeads, head: str) -> Range:
    """The range of the names that start with ``head`` (S-6), in the exact-name index."""
    upper = successor(head)
    ends = None if upper is None else (upper,)
    return Range(heads.index, heads.values, lower=(head,), upper=ends, residual=heads.residual)


def _folded_range(heads: NameHeads, folded: str) -> Range:
    """The range of the names of one folded name a prefix covers, in the folded-name index."""
    return Range(heads.folded_index, (folded, *heads.values), residual=heads.residual)


def _equal_conditions(index: Index, values: tuple[object, ...]) -> str:
    """The conditions that an index's first equality columns hold ``values`` (each followed by ``AND``)."""
    return "".join(f"{column} = ? AND " for column in index.equal[: len(values)])


def _sent(value: object) -> object:
    """A value of the core as the query sends it: a text in column form (``_rows.column_text``)."""
    return column_text(value) if isinstance(value, str) else value


def _kinds(scheduling: str | None) -> tuple[str, ...]:
    """The kinds of queue a snapshot's jobs are for (``None``: every kind)."""
    kinds = SCHEDULING_KINDS if scheduling is None else (scheduling,)
    for kind in kinds:
        _check_kind(kind)
    return kinds


def _front_jobs(
    reads: QueueReads, kinds: tuple[str, ...], in_use: Sequence[Mapping[str, Any]]
) -> list[Mapping[str, Any]]:
    """The RUNNABLE jobs a snapshot of each of ``kinds`` can list, ranked by the usage of ``in_use``
    (``ServerException`` when one is malformed), each once."""
    chosen: dict[str, Mapping[str, Any]] = {}
    for kind in kinds:
        front, firsts = reads.front(kind, QueueUsage.of(in_use, kind).ranks, FRONT_OF_QUEUE_SIZE)
        chosen.update((job["jobId"], job) for job in (*front, *firsts))
    return list(chosen.values())


def _check_kind(scheduling: str) -> None:
    if scheduling not in SCHEDULING_KINDS:
        raise ValueError(f"scheduling must be one of {', '.join(SCHEDULING_KINDS)}, got {scheduling!r}")


def _require(condition: bool, invariant: str) -> None:
    if not condition:
        raise AssertionError(f"SqlJobStore invariant broken: {invariant}")


def _arm(
    engine: Engine, ranges: Range, arm: Arm, after: SortKey | None, *, with_job: bool = False
) -> tuple[str, tuple[object, ...]]:
    """One arm of a page query: the rows of ``ranges`` in one queue scope, after the cursor.

    As the in-memory store's ``_range_run``: the lower bound is the cursor when it lies at or past the
    range's start (``(order) > (cursor)``, P-4), else the start (``(order prefix) >= (lower)``); one bound
    of each kind, so the engine seeks to it and scans forward, stopping at ``upper``.
    """
    scope, condition, arm_params = arm
    index = ranges.index
    order = index.order
    conditions: list[str] = []
    params: list[object] = []
    if condition is not None:
        conditions.append(condition)
        params += arm_params
    for column, value in zip(index.equal, ranges.values, strict=True):
        conditions.append(f"{column} = ?")
        params.append(_sent(value))
    # The range's bounds and values are the core's; ``after`` is in column form already (``sql_key``).
    lower = None if ranges.lower is None else tuple(_sent(value) for value in ranges.lower)
    if after is not None and (lower is None or after >= lower):
        conditions.append(f"({', '.join(order)}) > ({', '.join('?' for _ in after)})")
        params += after
    elif lower is not None:
        conditions.append(f"({', '.join(order[: len(lower)])}) >= ({', '.join('?' for _ in lower)})")
        params += lower
    if ranges.upper is not None:
        upper = tuple(_sent(value) for value in ranges.upper)
        conditions.append(f"({', '.join(order[: len(upper)])}) < ({', '.join('?' for _ in upper)})")
        params += upper
    if ranges.residual is not None:
        conditions.append(ranges.residual[0])
        params += (_sent(value) for value in ranges.residual[1])
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    hint = engine.index_hint(index.sql_name(scope))
    job = ", job" if with_job else ""
    sql = f"SELECT summary, {', '.join(order)}{job} FROM {index.table}{hint}{where}"
    return sql, tuple(params)


if TYPE_CHECKING:  # the SQL store satisfies the interface (checked by mypy, never run)
    _store: ListingStore = SqlJobStore("sqlite://")
