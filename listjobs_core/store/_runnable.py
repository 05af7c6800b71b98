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
  a share is the same for all its jobs, so a share's run is in dispatch order whatever the usage;
- and one run of every RUNNABLE job of the value under that same key: the dispatch order of a share queue
  whose shares (those with a RUNNABLE job) all use the same capacity, an idle queue's among them.

``front`` merges the runs of the values that denote the queue (IN-2, ``QueueMatcher``; the jobs without
``jobQueue`` are in every queue) and stops after 100: a FIFO queue's with ``heapq.merge``; a share queue's
from the run of every job when its shares use the same capacity, else priority level by priority level,
its shares by their usage now, least first, the runs of shares using the same capacity merged
(``_first_by_usage``), so that no key is rebuilt with its share's usage: O(runs * log N + 100 log runs).
The first job of each quota share is the first key of the share's runs, O(shares * log N). The usage
comes from the jobs in use, which the index keeps as well: ``usage``, a ``_usage.UsageIndex`` of what the
jobs in use of each ``jobQueue`` value hold, so a snapshot (``snapshot_parts``) is O(runs * log N + 100 +
values * shares * units) and reads no job in use.

Keeping the index: ``add``/``discard`` a job (a no-op unless RUNNABLE or in use), ``move_status`` when only
its status changes, ``gather`` when the store is rebuilt: O(log N) per run a RUNNABLE job is in (four),
O(units) for a job in use. A bulk load (``_bulk``) has its jobs member by member: ``gather_columns`` picks
the RUNNABLE jobs' members out of the columns and makes their keys a member at a time
(``dispatch_keys``), the same keys ``gather`` makes job by job.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import compress, islice, repeat
from operator import neg
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
# The runs of every RUNNABLE job of a value, whatever its share, under the key of a share queue.
_EVERY_SHARE = "EVERY_SHARE"
_RUN_KINDS = (*SCHEDULING_KINDS, _EVERY_SHARE)


class _QueueRuns:
    """The RUNNABLE jobs of one ``jobQueue`` value: kind -> share -> keys in dispatch order (and
    ``_EVERY_SHARE`` -> ``None`` -> the keys of a share queue, every share in one run)."""

    __slots__ = ("runs", "size")

    def __init__(self) -> None:
        self.runs: dict[str, dict[Any, SortedKeys]] = {kind: {} for kind in _RUN_KINDS}
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
        (_EVERY_SHARE, None, shared),
    ]


def dispatch_keys(
    job_ids: Sequence[str], created_ats: Sequence[int] | None, priorities: Sequence[int] | None
) -> tuple[list[Key], list[Key]]:
    """``dispatch_key`` of many RUNNABLE jobs at once, given their ``jobId``, integer ``createdAt`` and
    integer ``schedulingPriority`` (``None``: no job has one), in C-level passes: the FIFO keys, and the
    keys of a fair-share or quota-share queue with no usage given (``_placements``).

    >>> jobs = [{"jobId": "a", "createdAt": 20, "schedulingPriority": 3}, {"jobId": "b", "createdAt": 10}]
    >>> fifo, shared = dispatch_keys(["a", "b"], [20, 10], [3, None])
    >>> fifo == [dispatch_key(job, FIFO, {}) for job in jobs]
    True
    >>> shared == [dispatch_key(job, FAIR_SHARE, {}) for job in jobs]
    True
    >>> dispatch_keys(["a"], None, None) == ([dispatch_key({"jobId": "a"}, FIFO, {})],
    ...                                      [dispatch_key({"jobId": "a"}, QUOTA_SHARE, {})])
    True
    """
    count = len(job_ids)
    # SN-2: submission time (a job without createdAt after every job with one), then jobId.
    if created_ats is None:
        fifo = list(zip(repeat(True, count), repeat(0, count), job_ids, strict=True))
    else:
        created = [0 if at is None else at for at in created_ats] if None in created_ats else created_ats
        fifo = list(zip(map(_is_none, created_ats), created, job_ids, strict=True))
    # SN-2: schedulingPriority descending (absent is 0), the share's usage (none given: 0.0), then as FIFO.
    if priorities is None:
        levels: Iterable[int] = repeat(0, count)
    else:
        levels = map(neg, [0 if priority is None else priority for priority in priorities])
    return fifo, [(level, 0.0, *key) for level, key in zip(levels, fifo, strict=True)]


def _is_none(value: object) -> bool:
    return value is None


def _first_by_usage(queues: list[tuple[SortedKeys, list[tuple[float, SortedKeys]]]], limit: int) -> list[Key]:
    """The first ``limit`` keys of a fair-share or quota-share queue in dispatch order, the keys as stored
    (usage 0.0), from the runs of each ``jobQueue`` value denoting it: ``(the run of every RUNNABLE job,
    [(a share's usage, the share's run)])``.

    A stored key is ``(-priority, 0.0, FIFO key)``, and ``dispatch_key``'s is the same with the share's
    usage in place of 0.0, so the order is: by priority level (the first element), then, within a level,
    the shares by usage, least first, the keys of shares using the same capacity interleaved as stored.
    So no key is rebuilt with its usage: each level is read group of shares by group (``_group_keys``)
    until ``limit`` keys are taken."""
    chosen: list[Key] = []
    # Excluded keys the runs of every job may pass over, in all (``_group_keys``).
    budget = [2 * limit]
    # Each run's first key not taken yet, its share's usage, the run, the index of its value.
    pending = [
        (next(iter(keys)), used, keys, index)
        for index, (_, runs) in enumerate(queues)
        for used, keys in runs
        if keys and limit > 0
    ]
    while pending:
        level = min(head[0] for head, _, _, _ in pending)
        at_level = [entry for entry in pending if entry[0][0] == level]
        for used in sorted({entry[1] for entry in at_level}):
            streams = []
            for index in sorted({entry[3] for entry in at_level if entry[1] == used}):
                mine = [(head, keys) for head, other, keys, at in at_level if at == index and other == used]
                others = [(head, keys) for head, other, keys, at in at_level if at == index and other != used]
                streams.append(_group_keys(queues[index][0], level, mine, others, budget))
            chosen += islice(_merged(streams), limit - len(chosen))
            if len(chosen) == limit:
                return chosen
        # Past the level: every key of it is above (level, inf), every key of the next below.
        bound = (level, math.inf)
        after: list[tuple[Key, float, SortedKeys, int]] = []
        for head, used, keys, index in pending:
            following = head if head[0] != level else keys.first_from(bound)
            if following is not None:
                after.append((following, used, keys, index))
        pending = after
    return chosen


def _group_keys(
    every: SortedKeys,
    level: Any,
    mine: list[tuple[Key, SortedKeys]],
    others: list[tuple[Key, SortedKeys]],
    budget: list[int],
) -> Iterator[Key]:
    """The keys at priority ``level`` of the share runs ``mine`` of one value, in order, from their first
    keys there (each run's first key at the level, and its run); ``others``: the value's other runs with
    keys at the level, ``every``: its run of every job.

    One run is read as it is. Several are merged, unless the run of every job, less the keys of
    ``others``, reads them in one walk: it does, and passes over the keys of ``others`` (each checked
    against the next of them), until ``budget`` keys have been passed over in all (so that the shares of
    ``others`` holding most of the level cost no more than a merge); the rest is merged."""
    walks = [keys.walk(head, inclusive=True) for head, keys in mine]
    if len(walks) > 1 and budget[0] > 0:
        excluded = _merged([keys.walk(head, inclusive=True) for head, keys in others]) if others else iter(())
        skip = next(excluded, None)
        last: Key | None = None
        for key in every.walk((level,), inclusive=True):
            if key[0] != level:
                return
            if key == skip:
                skip = next(excluded, None)
                budget[0] -= 1
                if budget[0] <= 0:
                    break
                continue
            yield key
            last = key
        else:
            return
        if last is not None:
            walks = [keys.walk(last, inclusive=False) for _, keys in mine]
    for key in _merged(walks):
        if key[0] != level:
            return
        yield key


def _merged(runs: list[Iterator[Key]]) -> Iterator[Key]:
    """Sorted runs as one (``heapq.merge``, but for a single run)."""
    return runs[0] if len(runs) == 1 else heapq.merge(*runs)


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
            by_kind = lists.setdefault(job.get("jobQueue"), {kind: {} for kind in _RUN_KINDS})
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

    @classmethod
    def gather_columns(
        cls,
        columns: Mapping[str, Sequence[Any]],
        in_use: Iterable[Mapping[str, Any]],
        young: Callable[[], object] | None = None,
    ) -> RunnableIndex:
        """``gather`` of jobs given member by member (``columns[member]``: every job's value, in one order;
        a member no job has is absent; ``createdAt`` and ``schedulingPriority`` integers or ``None``), every
        one of them in the queue listings, and ``in_use``: those of them in use. ``young``: see
        ``SortedKeys.from_sorted``."""
        index = cls()
        index.usage = UsageIndex.gather(in_use)
        statuses = columns.get("status")
        if statuses is None:
            return index
        selected = list(map(RUNNABLE.__eq__, statuses))

        def picked(member: str) -> list[Any] | None:
            column = columns.get(member)
            return None if column is None else list(compress(column, selected))

        job_ids = picked("jobId")
        assert job_ids is not None
        count = len(job_ids)
        fifo, shared = dispatch_keys(job_ids, picked("createdAt"), picked("schedulingPriority"))
        lists: dict[Any, dict[str, dict[Any, list[Key]]]] = {}
        for value, fifo_key, shared_key, fair, quota in zip(
            picked("jobQueue") or repeat(None, count), fifo, shared,
            picked(_FAIR_MEMBER) or repeat(None, count), picked(_QUOTA_MEMBER) or repeat(None, count),
            strict=False,
        ):
            by_kind = lists.get(value)
            if by_kind is None:
                by_kind = lists[value] = {
                    FIFO: {None: []}, FAIR_SHARE: {}, QUOTA_SHARE: {}, _EVERY_SHARE: {None: []}
                }
            by_kind[FIFO][None].append(fifo_key)
            by_kind[_EVERY_SHARE][None].append(shared_key)
            fair_run = by_kind[FAIR_SHARE].get(fair)
            if fair_run is None:
                fair_run = by_kind[FAIR_SHARE][fair] = []
            fair_run.append(shared_key)
            quota_run = by_kind[QUOTA_SHARE].get(quota)
            if quota_run is None:
                quota_run = by_kind[QUOTA_SHARE][quota] = []
            quota_run.append(shared_key)
        for value, by_kind in lists.items():
            queue = index._queue(value)
            for kind, shares in by_kind.items():
                for share, keys in shares.items():
                    keys.sort()
                    queue.runs[kind][share] = SortedKeys.from_sorted(keys, young)
            queue.size = len(by_kind[FIFO][None])
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
        # Every key ends with the jobId (``dispatch_key``).
        if scheduling == FIFO:
            runs = [iter(keys) for queue in queues for keys in queue.runs[FIFO].values()]
            chosen = [key[-1] for key in islice(_merged(runs), FRONT_OF_QUEUE_SIZE)]
        else:
            share_runs = [
                [(usage.get(share, 0.0), keys) for share, keys in queue.runs[scheduling].items()]
                for queue in queues
            ]
            if len({used for runs_of_value in share_runs for used, _ in runs_of_value}) <= 1:
                # Every share uses the same capacity: the order is the stored keys' (usage 0.0 in each).
                runs = [iter(keys) for queue in queues for keys in queue.runs[_EVERY_SHARE].values()]
                chosen = [key[-1] for key in islice(_merged(runs), FRONT_OF_QUEUE_SIZE)]
            else:
                every = [queue.runs[_EVERY_SHARE][None] for queue in queues]
                ranked = _first_by_usage(list(zip(every, share_runs, strict=True)), FRONT_OF_QUEUE_SIZE)
                chosen = [key[-1] for key in ranked]
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
        if self._names.names() != expected._names.names():
            raise AssertionError("store invariant broken: the queue values of the RUNNABLE index differ")
        self.usage._check(expected.usage)  # noqa: SLF001
        for queue in self._queues.values():
            for shares in queue.runs.values():
                for keys in shares.values():
                    keys._check()
