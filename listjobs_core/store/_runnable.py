"""The index of RUNNABLE jobs in dispatch order, from which a store answers GetJobQueueSnapshot (SN-1 to
SN-4, SN-7).

Theory of operation: a snapshot lists the first 100 RUNNABLE jobs of a queue in dispatch order and, in a
quota-share queue, the first of each quota share (SN-4); the order is ``_snapshot.dispatch_key``'s (SN-2).
A store does not know a queue's kind when it stores a job, so a ``RunnableIndex`` keeps each RUNNABLE job
of a queue listing (no array child or node, LJ-7) under ``dispatch_key``, per ``jobQueue`` value, in each
kind's order at once:

- FIFO: one run, by ``dispatch_key(job, FIFO, ...)`` (``createdAt``, then ``jobId``);
- fair-share and quota-share: one run per share (the job's ``shareIdentifier``, or ``quotaShareName``; jobs
  without one are one share), by ``dispatch_key(job, kind, {})`` = (-priority, 0.0, FIFO key): the usage of
  a share is the same for all its jobs, so a share's run is in dispatch order whatever the usage.

``front`` merges the runs of the values that denote the queue (IN-2, ``QueueMatcher``; the jobs without
``jobQueue`` are in every queue), each share's keys lifted to the full key with its share's usage now
(``heapq.merge``, one heap entry per run), and stops after 100: O(runs * log N + 100 log runs). The first
job of each quota share is the first key of the share's runs, O(shares * log N). The usage comes from the
jobs in use, which the index keeps as well: ``usage``, a ``_usage.UsageIndex`` of what the jobs in use of
each ``jobQueue`` value hold, so a snapshot (``snapshot_parts``) is O(runs * log N + 100 + values * shares
* units) and reads no job in use.

Keeping the index: ``add``/``discard`` a job (a no-op unless RUNNABLE or in use), ``move_status`` when only
its status changes, ``gather`` when the store is rebuilt: O(log N) per run a RUNNABLE job is in (three),
O(units) for a job in use.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from typing import Any

from .._records import Stored, job_view
from .._snapshot import (
    FAIR_SHARE,
    FIFO,
    FRONT_OF_QUEUE_SIZE,
    IN_USE_STATUSES,
    QUOTA_SHARE,
    SCHEDULING_KINDS,
    QueueUsage,
    dispatch_key,
    share_member,
)
from ._sorted_keys import Key, SortedKeys
from ._usage import QueueValues, UsageIndex

__all__ = ["RUNNABLE", "RunnableIndex"]

RUNNABLE = "RUNNABLE"
_FAIR_MEMBER, _QUOTA_MEMBER = str(share_member(FAIR_SHARE)), str(share_member(QUOTA_SHARE))


class _QueueRuns:
    """The RUNNABLE jobs of one ``jobQueue`` value: kind -> share -> keys in dispatch order."""

    __slots__ = ("runs", "size")

    def __init__(self) -> None:
        self.runs: dict[str, dict[Any, SortedKeys]] = {kind: {} for kind in SCHEDULING_KINDS}
        self.size = 0


def _placements(job: Mapping[str, Any]) -> list[tuple[str, Any, Key]]:
    """(kind, share, key) of each run a RUNNABLE job is in. With no usage given, the key of a job in a
    fair-share queue and in a quota-share queue is the same tuple; only the share it is filed under
    differs."""
    shared = dispatch_key(job, FAIR_SHARE, {})
    return [
        (FIFO, None, dispatch_key(job, FIFO, {})),
        (FAIR_SHARE, job.get(_FAIR_MEMBER), shared),
        (QUOTA_SHARE, job.get(_QUOTA_MEMBER), shared),
    ]


def _with_usage(keys: SortedKeys, used: float) -> Iterator[Key]:
    """A share's keys, each with the share's usage in its place (``dispatch_key``'s second element)."""
    for key in keys:
        yield (key[0], used, *key[2:])


class RunnableIndex:
    """RUNNABLE jobs per ``jobQueue`` value, in the dispatch order of every kind (see the module's notes)."""

    __slots__ = ("_names", "_queues", "usage")

    def __init__(self) -> None:
        self._queues: dict[str | None, _QueueRuns] = {}
        # The jobQueue values present, by name (the only ones that may denote a queue).
        self._names = QueueValues()
        # What the jobs in use of each jobQueue value hold (SN-5).
        self.usage = UsageIndex()

    @classmethod
    def gather(cls, jobs: Iterable[Mapping[str, Any]]) -> RunnableIndex:
        """An index of the RUNNABLE jobs of ``jobs``, each run sorted once, and of their jobs in use."""
        lists: dict[str | None, dict[str, dict[Any, list[Key]]]] = {}
        in_use: list[Mapping[str, Any]] = []
        for job in jobs:
            if job.get("status") != RUNNABLE:
                if job.get("status") in IN_USE_STATUSES:
                    in_use.append(job)
                continue
            by_kind = lists.setdefault(job.get("jobQueue"), {kind: {} for kind in SCHEDULING_KINDS})
            for kind, share, key in _placements(job):
                by_kind[kind].setdefault(share, []).append(key)
        index = cls()
        for value, by_kind in lists.items():
            queue = index._queue(value)
            for kind, shares in by_kind.items():
                for share, keys in shares.items():
                    keys.sort()
                    queue.runs[kind][share] = SortedKeys.from_sorted(keys)
            queue.size = sum(len(keys) for keys in by_kind[FIFO].values())
        index.usage = UsageIndex.gather(in_use)
        return index

    def _queue(self, value: str | None) -> _QueueRuns:
        queue = self._queues.get(value)
        if queue is None:
            queue = self._queues[value] = _QueueRuns()
            self._names.add(value)
        return queue

    def add(self, job: Mapping[str, Any]) -> None:
        """Index a stored job, if RUNNABLE (O(log N) per run) or in use (O(units))."""
        if job.get("status") == RUNNABLE:
            self._add(job)
        else:
            self.usage.add(job)

    def discard(self, job: Mapping[str, Any]) -> None:
        """Forget a stored job as it was indexed, if RUNNABLE (O(log N) per run) or in use."""
        if job.get("status") == RUNNABLE:
            self._discard(job)
        else:
            self.usage.discard(job)

    def move_status(self, job: Mapping[str, Any], before: Any, after: Any) -> None:
        """A stored job's status changes from ``before`` to ``after``, and nothing else of it."""
        if before == RUNNABLE and after != RUNNABLE:
            self._discard(job)
        elif after == RUNNABLE and before != RUNNABLE:
            self._add(job)
        self.usage.move_status(job, before, after)

    def _add(self, job: Mapping[str, Any]) -> None:
        queue = self._queue(job.get("jobQueue"))
        for kind, share, key in _placements(job):
            run = queue.runs[kind].get(share)
            if run is None:
                run = queue.runs[kind][share] = SortedKeys()
            run.add(key)
        queue.size += 1

    def _discard(self, job: Mapping[str, Any]) -> None:
        value = job.get("jobQueue")
        queue = self._queues[value]
        for kind, share, key in _placements(job):
            runs = queue.runs[kind]
            runs[share].remove(key)
            if not runs[share]:
                del runs[share]
        queue.size -= 1
        if not queue.size:
            del self._queues[value]
            self._names.discard(value)

    def _denoting(self, job_queue: str) -> list[_QueueRuns]:
        """The runs of the values that denote ``job_queue`` (IN-2), and of the jobs without a queue."""
        return [self._queues[value] for value in self._names.denoting(job_queue) if value in self._queues]

    def front(self, job_queue: str, scheduling: str, usage: Mapping[Any, float]) -> list[str]:
        """The jobIds of the first ``FRONT_OF_QUEUE_SIZE`` RUNNABLE jobs of ``job_queue`` in the dispatch
        order of a queue of kind ``scheduling`` (SN-2), given each share's ``usage`` now (``share_usage``),
        and, in a quota-share queue, of the first job of each quota share (SN-4), without repeats."""
        chosen, firsts = self._front_ids(job_queue, scheduling, usage)
        listed = set(chosen)
        return chosen + [job_id for job_id in firsts if job_id not in listed]

    def snapshot_parts(
        self, job_queue: str, scheduling: str, usage: QueueUsage | None, jobs: Mapping[str, Stored]
    ) -> tuple[QueueUsage, list[Mapping[str, Any]], list[Mapping[str, Any]]] | None:
        """What ``_snapshot.ranked_queue_snapshot`` answers ``job_queue``'s snapshot from, for a queue of
        kind ``scheduling``: the usage of its jobs in use (``usage``, when given: that of the queue's jobs
        in every store), its first ``FRONT_OF_QUEUE_SIZE`` RUNNABLE jobs in dispatch order ranked by it,
        and (a quota-share queue) the first RUNNABLE job of each quota share, as views of ``jobs`` (the
        store's records by jobId). ``None`` when a job in use has a malformed ``capacityUsage`` (the
        caller reads the jobs). O(runs * log N + 100 + values * shares * units)."""
        if scheduling not in SCHEDULING_KINDS:
            raise ValueError(f"scheduling must be one of {', '.join(SCHEDULING_KINDS)}, got {scheduling!r}")
        if usage is None:
            usage = self.usage.usage(job_queue, scheduling)
            if usage is None:
                return None
        chosen, firsts = self._front_ids(job_queue, scheduling, {} if scheduling == FIFO else usage.ranks)
        return (
            usage,
            [job_view(jobs[job_id]) for job_id in chosen],
            [job_view(jobs[job_id]) for job_id in firsts],
        )

    def _front_ids(
        self, job_queue: str, scheduling: str, usage: Mapping[Any, float]
    ) -> tuple[list[str], list[str]]:
        """``front``'s jobIds: the first ``FRONT_OF_QUEUE_SIZE`` in dispatch order, and (a quota-share
        queue) the first of each quota share, in no order."""
        queues = self._denoting(job_queue)
        runs: list[Iterator[Key]] = []
        for queue in queues:
            for share, keys in queue.runs[scheduling].items():
                if scheduling == FIFO:
                    runs.append(iter(keys))
                else:
                    runs.append(_with_usage(keys, usage.get(share, 0.0)))
        # Every key ends with the jobId (``dispatch_key``).
        chosen = [key[-1] for key in islice(heapq.merge(*runs), FRONT_OF_QUEUE_SIZE)]
        if scheduling != QUOTA_SHARE:
            return chosen, []
        firsts: dict[Any, Key] = {}
        for queue in queues:
            for share, keys in queue.runs[QUOTA_SHARE].items():
                first = next(iter(keys))
                if share not in firsts or first < firsts[share]:
                    firsts[share] = first
        return chosen, [key[-1] for key in firsts.values()]

    def _check(self, expected: RunnableIndex) -> None:
        """Assert this index holds what ``expected`` (one gathered afresh) holds, run by run."""
        mine = {
            (value, kind, share): list(keys)
            for value, queue in self._queues.items()
            for kind, shares in queue.runs.items()
            for share, keys in shares.items()
        }
        theirs = {
            (value, kind, share): list(keys)
            for value, queue in expected._queues.items()
            for kind, shares in queue.runs.items()
            for share, keys in shares.items()
        }
        if mine != theirs:
            raise AssertionError("store invariant broken: the RUNNABLE index differs from its jobs")
        if self._names._names != expected._names._names:  # noqa: SLF001
            raise AssertionError("store invariant broken: the queue values of the RUNNABLE index differ")
        self.usage._check(expected.usage)  # noqa: SLF001
        for queue in self._queues.values():
            for shares in queue.runs.values():
                for keys in shares.values():
                    keys._check()
