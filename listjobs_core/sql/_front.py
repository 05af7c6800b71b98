"""GetJobQueueSnapshot from the SQL store's indexes (rules SN-1, SN-2, SN-4, SN-5, SN-7).

Theory of operation: a snapshot needs what the queue's jobs in use hold (SN-5, and SN-2's share usage), its
first ``FRONT_OF_QUEUE_SIZE`` RUNNABLE jobs in dispatch order (SN-2), and, in a quota-share queue, the first
RUNNABLE job of each quota share (SN-4). ``QueueReads`` reads each from index ranges of the queue's scopes
(IN-2, the store's ``_arms``: the jobs without a queue, and those whose ``jobQueue`` denotes it), never
every RUNNABLE job, and hands the pieces to ``_snapshot.ranked_queue_snapshot`` (through the store's
``snapshot_parts``), which builds the answer as the pure function does; nothing of SN-2 is restated here:
the orders read are the columns ``_rows`` computes at write time (``created_key``, ``priority_key``,
``fifo_key``), and the usage is ``QueueUsage.of`` the jobs in use.

- The jobs in use (``in_use``): one range of the status index per queue scope, over the statuses of
  ``IN_USE_STATUSES``: O(log N + in-use). A job in use whose ``capacityUsage`` is malformed makes ``usage``
  ``None``, and the caller reads the jobs as the pure function does, so that the answer is its error (E-2).
- A FIFO front (``fifo_front``): the status index ``(scope, status, created_key, job_id)`` read backwards is
  ``createdAt`` ascending (``created_key`` is ``-createdAt``), but ``jobId`` descending among equal
  ``createdAt``, and the jobs without ``createdAt`` (the largest key) first. So, per scope: the first
  ``limit`` jobs with ``createdAt``, read backwards, and the first ``limit`` without, by ``jobId``; when the
  first fill the front, every ``createdAt`` but the last one read was read whole, and the last one's jobs
  are read again forwards, by ``jobId`` ascending, as many as the front still needs (and the jobs without
  ``createdAt``, SN-2's last, are not the front's). At most three ranges of at most ``limit`` rows each
  per scope, merged in dispatch order.
- A fair-share or quota-share front (``share_front``): the snapshot index of the share member
  (``_schema.Tables.snapshot``: ``(scope, share, priority_key, fifo_key, job_id)`` over the RUNNABLE jobs)
  holds each share's jobs in the share's dispatch order (its usage is the same for all of them). The
  shares of each scope are found by index probes, one per share (on PostgreSQL walked in one recursive
  statement); each share's first rows, and the first rows of the jobs without a share, are read (about
  twice the front in all), the first of each share being its place in ``frontOfQuotaShares``; the runs are
  merged by ``(priority, the share's usage, FIFO)`` with a heap, a run that runs out before the front is
  full read on in batches, doubled at each read (at most what the front still needs). Only the key
  columns are read; the jobs of the answer are then read by their ids. O(shares * log N + front), as the
  in-memory store's runs are.

The ranges of one step, each ordered and limited on its own, are read as one ``UNION ALL`` statement
(``_union``): on PostgreSQL, where each statement is a round trip and is planned for its values, a snapshot
is a handful of statements whatever the number of scopes or shares.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .._errors import ServerException
from .._snapshot import FIFO, IN_USE_STATUSES, QUOTA_SHARE, QueueUsage, share_member
from ._rows import summaries_from_texts, text_of_column
from ._schema import INT64_MAX, MISSING_CREATED_KEY, RUNNABLE_CONDITION, Scope, Tables, sql_column

__all__ = ["QueueReads"]

# A queue scope of a listing (the store's ``Arm``): its scope, its condition and the condition's values.
Arm = tuple[Scope, "str | None", tuple[object, ...]]
# Runs a statement (``?`` placeholders) and returns its rows.
Run = Callable[[str, tuple[object, ...]], list[Sequence[Any]]]

_RUNNABLE = "RUNNABLE"
_IN_USE = tuple(sorted(IN_USE_STATUSES))
# The created_key of the jobs that have createdAt: on the side of MISSING_CREATED_KEY away from its end.
_HAS_CREATED_AT = "created_key < ?" if MISSING_CREATED_KEY == INT64_MAX else "created_key > ?"
# The fewest rows a share's run is first read for (then twice as many at each read after).
_FIRST_BATCH = 4
# Statements read as one at most (SQLite's compound statements hold at most 500 parts, and, before 3.32,
# 999 parameters: a part has three to six).
_UNION_PARTS = 150
# The share member of each snapshot index's share column.
_MEMBER_OF_COLUMN = {sql_column(member): member for member in ("shareIdentifier", "quotaShareName")}
# Ids read back per statement (well under every engine's limit of parameters).
_IDS_PER_READ = 500


@dataclass
class _Run:
    """One share's RUNNABLE jobs in one queue scope, as read so far: the rows not taken yet (``(priority_key,
    fifo_key, job_id)``), and whether the index holds more after them."""

    arm: Arm
    share: str | None  # in column form; None: the jobs without a share
    rows: list[tuple[int, int, str]]
    more: bool
    # How many rows the run's last read asked for: doubled at each read, so that a run read for a few jobs
    # costs a few rows, and one read for many costs a few statements.
    batch: int = 0


@dataclass(frozen=True)
class QueueReads:
    """The reads of one queue's snapshot, in one transaction of ``run``, over the queue scopes ``arms``;
    ``walks``: the engine runs a recursive walk of a scope's shares in one statement (PostgreSQL, where
    each statement is a round trip), rather than a probe per share (SQLite, in the process)."""

    tables: Tables
    run: Run
    hint: Callable[[str], str]
    arms: list[Arm]
    walks: bool = False

    def in_use(self) -> list[dict[str, Any]]:
        """The queue's jobs in use (SN-1), from the status index of each scope, in one statement."""
        by_status = self.tables.filter_sql[None].indexes[0]
        statuses = ", ".join("?" for _ in _IN_USE)
        parts = [
            (
                f"SELECT job FROM {self.tables.jobs}{self.hint(by_status.sql_name(scope))} "
                f"WHERE {condition} AND status IN ({statuses})",
                (*params, *_IN_USE),
            )
            for scope, condition, params in self.arms
        ]
        return _parsed([row[-1] for row in self._union(parts)])

    def usage(self, scheduling: str) -> QueueUsage | None:
        """``QueueUsage.of`` the queue's jobs in use; ``None`` when one is malformed (the caller reads the
        jobs, so that the answer is the pure function's error)."""
        try:
            return QueueUsage.of(self.in_use(), scheduling)
        except ServerException:
            return None

    def front(
        self, scheduling: str, ranks: Mapping[Any, float], limit: int
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The first ``limit`` RUNNABLE jobs of the queue in the dispatch order of a queue of kind
        ``scheduling`` (ranked by ``ranks``, each share's usage), and (a quota-share queue) the first
        RUNNABLE job of each quota share."""
        if scheduling == FIFO:
            return self._jobs(self.fifo_front(limit)), []
        chosen, firsts = self.share_front(str(share_member(scheduling)), ranks, limit)
        jobs = self._jobs([*chosen, *firsts])
        return jobs[: len(chosen)], jobs[len(chosen) :] if scheduling == QUOTA_SHARE else []

    def fifo_front(self, limit: int) -> list[str]:
        """The ids (column form) of the first ``limit`` RUNNABLE jobs in FIFO order (see the module's
        notes): every scope's first jobs with createdAt and without, in one statement; the ties of the
        last createdAt read, where a scope's first jobs filled the front, in one more."""
        by_status = self.tables.filter_sql[None].indexes[0]
        bases = [
            (
                f"SELECT created_key, job_id FROM {self.tables.jobs}{self.hint(by_status.sql_name(scope))} "
                f"WHERE {condition} AND status = ? AND ",
                (*params, _RUNNABLE),
            )
            for scope, condition, params in self.arms
        ]
        first: list[tuple[str, tuple[object, ...]]] = []
        for base, sent in bases:
            first.append(
                (
                    f"{base}{_HAS_CREATED_AT} ORDER BY created_key DESC, job_id DESC LIMIT ?",
                    (*sent, MISSING_CREATED_KEY, limit),
                )
            )
            # SN-2: the jobs without createdAt come after every job with one, by jobId.
            without = (*sent, MISSING_CREATED_KEY, limit)
            first.append((f"{base}created_key = ? ORDER BY job_id LIMIT ?", without))
        read: list[list[tuple[int, str]]] = [[] for _ in first]
        for part, created, job_id in self._union(first):
            read[part].append((int(created), str(job_id)))
        keys: list[tuple[int, str]] = []
        ties: list[tuple[str, tuple[object, ...]]] = []
        for number, (base, sent) in enumerate(bases):
            # Each part in its order (backwards, then by jobId), whatever order the parts' rows came in.
            found = sorted(read[2 * number], reverse=True)
            missing = sorted(read[2 * number + 1])
            if len(found) == limit:
                # The last createdAt read may have more jobs, and its first by jobId are the front's.
                last = found[-1][0]
                found = [key for key in found if key[0] != last]
                count = limit - len(found)
                ties.append((f"{base}created_key = ? ORDER BY job_id LIMIT ?", (*sent, last, count)))
                missing = []
            keys += found + missing
        keys += [(int(created), str(job_id)) for _, created, job_id in self._union(ties)]
        ordered = sorted((created == MISSING_CREATED_KEY, -created, job_id) for created, job_id in keys)
        return [job_id for _, _, job_id in ordered[:limit]]

    def share_front(
        self, member: str, ranks: Mapping[Any, float], limit: int
    ) -> tuple[list[str], list[str]]:
        """The ids (column form) of the first ``limit`` RUNNABLE jobs of a share queue whose shares are
        ``member``'s, ranked by ``ranks``, and of the first job of each share (not of the jobs without
        one). See the module's notes."""
        index = self.tables.snapshot_index(member)
        column = index.equal[0]
        # Every run that may hold jobs: the jobs without a share of each scope, and each share found.
        wanted: list[tuple[Arm, str | None]] = [(arm, None) for arm in self.arms]
        wanted += [
            (arm, share) for arm in self.arms for share in self._shares(arm, index.sql_name(arm[0]), column)
        ]
        # Each run's first rows, in one statement: together about twice the front.
        batch = min(limit, max(_FIRST_BATCH, -(-2 * limit // len(wanted))))
        runs: list[_Run] = []
        parts = [self._run_read(arm, share, column, None, batch) for arm, share in wanted]
        read: list[list[tuple[int, int, str]]] = [[] for _ in parts]
        for row in self._union(parts):
            read[row[0]].append(_key(row[1:]))
        firsts: dict[str, tuple[int, int, str]] = {}
        for (arm, share), rows in zip(wanted, read, strict=True):
            rows.sort()  # each part in its order, whatever order the parts' rows came in
            if rows:
                runs.append(_Run(arm, share, rows, len(rows) == batch, batch))
                if share is not None and (share not in firsts or rows[0] < firsts[share]):
                    firsts[share] = rows[0]
        heap = [self._entry(run, number, ranks) for number, run in enumerate(runs)]
        heapq.heapify(heap)
        chosen: list[str] = []
        while heap and len(chosen) < limit:
            *_, job_id, number = heapq.heappop(heap)
            chosen.append(job_id)
            run = runs[number]
            taken = run.rows.pop(0)
            if not run.rows and run.more and len(chosen) < limit:
                run.batch = min(2 * run.batch, limit - len(chosen))
                more = self._union([self._run_read(run.arm, run.share, column, taken, run.batch)])
                run.rows = sorted(_key(row[1:]) for row in more)
                run.more = len(more) == run.batch
            if run.rows:
                heapq.heappush(heap, self._entry(run, number, ranks))
        return chosen, [key[2] for key in firsts.values()]

    def _shares(self, arm: Arm, index_name: str, column: str) -> list[str]:
        """The shares (column form) of a scope's RUNNABLE jobs, in order: one index probe each, or
        (``walks``) one recursive statement of the probes."""
        scope, condition, params = arm
        table = f"{self.tables.jobs}{self.hint(index_name)}"
        where = f"WHERE {condition} AND {RUNNABLE_CONDITION} AND {column} {{after}}"
        probe = f"SELECT {column} FROM {table} {where} ORDER BY {column} LIMIT 1"
        if self.walks:
            sql = (
                f"WITH RECURSIVE walk(share) AS (SELECT ({probe.format(after='IS NOT NULL')}) UNION ALL "
                f"SELECT ({probe.format(after='> walk.share')}) FROM walk WHERE walk.share IS NOT NULL) "
                "SELECT share FROM walk WHERE share IS NOT NULL"
            )
            return [str(row[0]) for row in self.run(sql, (*params, *params))]
        shares: list[str] = []
        found = self.run(probe.format(after="IS NOT NULL"), params)
        while found:
            shares.append(str(found[0][0]))
            found = self.run(probe.format(after="> ?"), (*params, shares[-1]))
        return shares

    def _run_read(
        self, arm: Arm, share: str | None, column: str, after: tuple[int, int, str] | None, count: int
    ) -> tuple[str, tuple[object, ...]]:
        """The statement of a run's next ``count`` rows ``(priority_key, fifo_key, job_id)``, after the row
        ``after`` (``None``: from its first)."""
        scope, condition, params = arm
        index = self.tables.snapshot_index(_MEMBER_OF_COLUMN[column])
        in_share = f"{column} IS NULL" if share is None else f"{column} = ?"
        conditions = [condition, RUNNABLE_CONDITION, in_share]
        values: list[object] = [*params, *(() if share is None else (share,))]
        if after is not None:
            conditions.append("(priority_key, fifo_key, job_id) > (?, ?, ?)")
            values += after
        table = f"{self.tables.jobs}{self.hint(index.sql_name(scope))}"
        sql = (
            f"SELECT priority_key, fifo_key, job_id FROM {table} "
            f"WHERE {' AND '.join(str(each) for each in conditions)} "
            # The share column first, though constant: PostgreSQL takes ``IS NULL`` for no equality, and
            # would sort the run of the jobs without a share, read in this very order, but for it.
            f"ORDER BY {column}, priority_key, fifo_key, job_id LIMIT ?"
        )
        return sql, (*values, count)

    @staticmethod
    def _entry(run: _Run, number: int, ranks: Mapping[Any, float]) -> tuple[Any, ...]:
        """The heap entry of a run's first row: SN-2's order, the share's usage after the priority."""
        priority, fifo, job_id = run.rows[0]
        used = ranks.get(None if run.share is None else text_of_column(run.share), 0.0)
        return (priority, used, fifo, job_id, number)

    def _union(self, parts: list[tuple[str, tuple[object, ...]]]) -> list[Sequence[Any]]:
        """The rows of statements, each row preceded by the number of its statement, in one statement
        (each part ordered and limited on its own), ``_UNION_PARTS`` parts at most per statement."""
        rows: list[Sequence[Any]] = []
        for start in range(0, len(parts), _UNION_PARTS):
            some = parts[start : start + _UNION_PARTS]
            sql = " UNION ALL ".join(
                f"SELECT {start + number} AS part, read{number}.* FROM ({part}) AS read{number}"
                for number, (part, _) in enumerate(some)
            )
            rows += self.run(sql, tuple(value for _, params in some for value in params))
        return rows

    def _jobs(self, job_ids: list[str]) -> list[dict[str, Any]]:
        """The stored jobs of ``job_ids`` (column form), in that order."""
        texts: dict[str, str] = {}
        unique = list(dict.fromkeys(job_ids))
        for start in range(0, len(unique), _IDS_PER_READ):
            some = unique[start : start + _IDS_PER_READ]
            marks = ", ".join("?" for _ in some)
            sql = f"SELECT job_id, job FROM {self.tables.jobs} WHERE job_id IN ({marks})"
            rows = self.run(sql, tuple(some))
            texts.update((str(job_id), str(job)) for job_id, job in rows)
        return _parsed([texts[job_id] for job_id in job_ids])


def _parsed(texts: list[str]) -> list[dict[str, Any]]:
    """Stored jobs from their JSON texts, in one parse (each a fresh object)."""
    return summaries_from_texts(texts)


def _key(row: Sequence[Any]) -> tuple[int, int, str]:
    """A snapshot index row's order after the share: ``(priority_key, fifo_key, job_id)``."""
    return int(row[0]), int(row[1]), str(row[2])
