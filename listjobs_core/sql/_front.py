"""GetJobQueueSnapshot from the SQL store's indexes (rules SN-1, SN-2, SN-4, SN-5, SN-7).

Theory of operation: a snapshot needs what the queue's jobs in use hold (SN-5, and SN-2's share usage), its
first ``FRONT_OF_QUEUE_SIZE`` RUNNABLE jobs in dispatch order (SN-2), and, in a quota-share queue, the first
RUNNABLE job of each quota share (SN-4). ``QueueReads`` reads each from index ranges of the queue's scopes
(IN-2, the store's ``_arms``: the jobs without a queue, and those whose ``jobQueue`` denotes it), never
every RUNNABLE job, and hands the pieces to ``_snapshot.ranked_queue_snapshot`` (through the store's
``snapshot_parts``), which builds the answer as the pure function does; nothing of SN-2 is restated here:
the orders read are the columns ``_rows`` computes at write time (``created_key``, ``priority_key``,
``fifo_key``), and the usage is ``QueueUsage.of`` the jobs in use.

- The jobs in use (``in_use``): one range of the status index per queue scope and status of
  ``IN_USE_STATUSES``: O(log N + in-use). A job in use whose ``capacityUsage`` is malformed makes ``usage``
  ``None``, and the caller reads the jobs as the pure function does, so that the answer is its error (E-2).
- A FIFO front (``fifo_front``): the status index ``(scope, status, created_key, job_id)`` read backwards is
  ``createdAt`` ascending (``created_key`` is ``-createdAt``), but ``jobId`` descending among equal
  ``createdAt``, and the jobs without ``createdAt`` (the largest key) first. So, per scope: the first
  ``limit`` jobs with ``createdAt``, read backwards; every ``createdAt`` but the last one read was read
  whole, and the last one's jobs are read again forwards, by ``jobId`` ascending, as many as the front
  still needs; then, if it is still short, the jobs without ``createdAt``, by ``jobId``. At most three
  ranges of at most ``limit`` rows each per scope, merged in dispatch order.
- A fair-share or quota-share front (``share_front``): the snapshot index of the share member
  (``_schema.Tables.snapshot``: ``(scope, share, priority_key, fifo_key, job_id)`` over the RUNNABLE jobs)
  holds each share's jobs in the share's dispatch order (its usage is the same for all of them). The
  shares are found by index probes (the jobs without a share, then each share after the last, one probe
  each, which is also the share's first job: its place in ``frontOfQuotaShares``); the shares' runs are
  merged by ``(priority, the share's usage, FIFO)`` with a heap, each run read in batches, doubled at each
  read (at most what the front still needs), once its first job is taken, so that no run is read much
  further than the front takes from it. Only the key columns are read; the jobs of the answer are
  then read by their ids. O(shares * log N + front), as the in-memory store's runs are.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .._errors import ServerException
from .._snapshot import FIFO, IN_USE_STATUSES, QUOTA_SHARE, QueueUsage, share_member
from ._rows import summaries_from_texts, text_of_column
from ._schema import INT64_MAX, MISSING_CREATED_KEY, RUNNABLE_CONDITION, Scope, Tables

__all__ = ["QueueReads"]

# A queue scope of a listing (the store's ``Arm``): its scope, its condition and the condition's values.
Arm = tuple[Scope, "str | None", tuple[object, ...]]
# Runs a statement (``?`` placeholders) and returns its rows.
Run = Callable[[str, tuple[object, ...]], list[Sequence[Any]]]

_RUNNABLE = "RUNNABLE"
_IN_USE = tuple(sorted(IN_USE_STATUSES))
# The created_key of the jobs that have createdAt: on the side of MISSING_CREATED_KEY away from its end.
_HAS_CREATED_AT = "created_key < ?" if MISSING_CREATED_KEY == INT64_MAX else "created_key > ?"
# The rows a share's run asks for when its first job is taken (then twice as many at each read).
_FIRST_BATCH = 4
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
    # How many rows the run's next read asks for: doubled at each read, so that a run read for a few jobs
    # costs a few rows, and one read for many costs a few statements (``_FIRST_BATCH``).
    batch: int = 0


@dataclass(frozen=True)
class QueueReads:
    """The reads of one queue's snapshot, in one transaction of ``run``, over the queue scopes ``arms``."""

    tables: Tables
    run: Run
    hint: Callable[[str], str]
    arms: list[Arm]

    def in_use(self) -> list[dict[str, Any]]:
        """The queue's jobs in use (SN-1), from the status index of each scope."""
        by_status = self.tables.filter_sql[None].indexes[0]
        statuses = ", ".join("?" for _ in _IN_USE)
        jobs: list[dict[str, Any]] = []
        for scope, condition, params in self.arms:
            sql = (
                f"SELECT job FROM {self.tables.jobs}{self.hint(by_status.sql_name(scope))} "
                f"WHERE {condition} AND status IN ({statuses})"
            )
            jobs += _parsed([row[0] for row in self.run(sql, (*params, *_IN_USE))])
        return jobs

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
        notes)."""
        by_status = self.tables.filter_sql[None].indexes[0]
        keys: list[tuple[bool, int, str]] = []
        for scope, condition, params in self.arms:
            base = (
                f"SELECT created_key, job_id FROM {self.tables.jobs}{self.hint(by_status.sql_name(scope))} "
                f"WHERE {condition} AND status = ? AND "
            )
            sent = (*params, _RUNNABLE)
            rows = self.run(
                f"{base}{_HAS_CREATED_AT} ORDER BY created_key DESC, job_id DESC LIMIT ?",
                (*sent, MISSING_CREATED_KEY, limit),
            )
            found = [(int(created), str(job_id)) for created, job_id in rows]
            if len(found) == limit:
                # The last createdAt read may have more jobs, and its first by jobId are the front's.
                last = found[-1][0]
                found = [key for key in found if key[0] != last]
                ties = self.run(
                    f"{base}created_key = ? ORDER BY job_id LIMIT ?", (*sent, last, limit - len(found))
                )
                found += [(last, str(job_id)) for _, job_id in ties]
            elif len(found) < limit:
                # SN-2: the jobs without createdAt come after every job with one.
                missing = self.run(
                    f"{base}created_key = ? ORDER BY job_id LIMIT ?",
                    (*sent, MISSING_CREATED_KEY, limit - len(found)),
                )
                found += [(MISSING_CREATED_KEY, str(job_id)) for _, job_id in missing]
            keys += [(created == MISSING_CREATED_KEY, -created, job_id) for created, job_id in found]
        keys.sort()
        return [job_id for _, _, job_id in keys[:limit]]

    def share_front(
        self, member: str, ranks: Mapping[Any, float], limit: int
    ) -> tuple[list[str], list[str]]:
        """The ids (column form) of the first ``limit`` RUNNABLE jobs of a share queue whose shares are
        ``member``'s, ranked by ``ranks``, and of the first job of each share (not of the jobs without
        one). See the module's notes."""
        index = self.tables.snapshot_index(member)
        column = index.equal[0]
        runs: list[_Run] = []
        firsts: dict[str, tuple[int, int, str]] = {}
        for arm in self.arms:
            scope, condition, params = arm
            select = (
                f"SELECT {column}, priority_key, fifo_key, job_id FROM {self.tables.jobs}"
                f"{self.hint(index.sql_name(scope))} WHERE {condition} AND {RUNNABLE_CONDITION} AND "
            )
            order = f"ORDER BY {column}, priority_key, fifo_key, job_id LIMIT 1"
            head = self.run(f"{select}{column} IS NULL {order}", params)
            if head:
                runs.append(_Run(arm, None, [_key(head[0])], True))
            share = self.run(f"{select}{column} IS NOT NULL {order}", params)
            while share:
                name = str(share[0][0])
                key = _key(share[0])
                runs.append(_Run(arm, name, [key], True))
                if name not in firsts or key < firsts[name]:
                    firsts[name] = key
                share = self.run(f"{select}{column} > ? {order}", (*params, name))
        heap = [self._entry(run, number, ranks) for number, run in enumerate(runs)]
        heapq.heapify(heap)
        chosen: list[str] = []
        while heap and len(chosen) < limit:
            *_, job_id, number = heapq.heappop(heap)
            chosen.append(job_id)
            run = runs[number]
            taken = run.rows.pop(0)
            if not run.rows and run.more and len(chosen) < limit:
                run.batch = min(max(2 * run.batch, _FIRST_BATCH), limit - len(chosen))
                self._read_more(run, index.sql_name(run.arm[0]), column, taken, run.batch)
            if run.rows:
                heapq.heappush(heap, self._entry(run, number, ranks))
        return chosen, [key[2] for key in firsts.values()]

    @staticmethod
    def _entry(run: _Run, number: int, ranks: Mapping[Any, float]) -> tuple[Any, ...]:
        """The heap entry of a run's first row: SN-2's order, the share's usage after the priority."""
        priority, fifo, job_id = run.rows[0]
        used = ranks.get(None if run.share is None else text_of_column(run.share), 0.0)
        return (priority, used, fifo, job_id, number)

    def _read_more(
        self, run: _Run, index_name: str, column: str, after: tuple[int, int, str], count: int
    ) -> None:
        """The next ``count`` rows of a run, after the row ``after``."""
        _, condition, params = run.arm
        share = f"{column} IS NULL" if run.share is None else f"{column} = ?"
        sql = (
            f"SELECT {column}, priority_key, fifo_key, job_id FROM {self.tables.jobs}{self.hint(index_name)} "
            f"WHERE {condition} AND {RUNNABLE_CONDITION} AND {share} AND "
            "(priority_key, fifo_key, job_id) > (?, ?, ?) "
            "ORDER BY priority_key, fifo_key, job_id LIMIT ?"
        )
        values = () if run.share is None else (run.share,)
        rows = self.run(sql, (*params, *values, *after, count))
        run.rows = [_key(row) for row in rows]
        run.more = len(rows) == count

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
    return int(row[1]), int(row[2]), str(row[3])
