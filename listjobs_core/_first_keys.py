"""The first k jobs of an order past a cursor, without sorting the selection (rules P-1, P-4).

Theory of operation: a page needs the k smallest sort keys greater than the cursor's, out of n selected
jobs read once. Two ways, chosen by the order:

- ``first_by_key``, for any order: a bounded heap of k entries (``heapq.nsmallest``), O(n log k).
- ``first_newest``, for the newest-first order (rule O-1, most queries). Emulators append jobs in creation
  order, which is the worst input for a heap of tuple keys: every job displaces the heap's top, at the
  price of a dozen tuple comparisons. Instead the hot loop keeps a heap of plain ``createdAt`` integers
  (the k newest seen) and a buffer of the jobs at least as new as the heap's oldest; the buffer is pruned
  to that bound whenever it doubles, so it stays O(k) and costs O(1) per job amortised. Full sort keys are
  built only for the few survivors. Jobs without ``createdAt`` form their own group (rule O-3), kept
  aside and cut to the k smallest job ids.

Worked example, k = 2, jobs created at 1, 2, 3, 3 (ids a, b, c, d), no cursor: the integer heap ends as
[3, 3], the buffer as [c, d] (a and b were pruned once 3 and 3 were seen), and the page is c, d.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from itertools import count

from . import _decisions
from ._model import JobLike, SortKey
from ._ordering import newest_first_key

__all__ = ["first_by_key", "first_newest"]

Entry = tuple[SortKey, JobLike]


def first_by_key(
    selected: Iterable[JobLike], wanted: int, key: Callable[[JobLike], SortKey], after: SortKey | None
) -> list[Entry]:
    """The ``wanted`` smallest (key, job) entries with a key greater than ``after``, in order.

    >>> jobs = [{"jobId": i} for i in "dbca"]
    >>> [job["jobId"] for _, job in first_by_key(jobs, 2, lambda job: (job["jobId"],), ("a",))]
    ['b', 'c']
    """
    # The input position settles equal keys (only possible for repeated job ids), so two jobs are
    # never compared.
    if after is None:
        entries = ((key(job), position, job) for position, job in enumerate(selected))
    else:
        entries = (
            (job_key, position, job) for position, job in enumerate(selected) if (job_key := key(job)) > after
        )
    return [(job_key, job) for job_key, _, job in heapq.nsmallest(wanted, entries)]


def first_newest(selected: Iterable[JobLike], wanted: int, after: SortKey | None) -> list[Entry]:
    """``first_by_key`` for the newest-first order (``newest_first_key``), in O(n) for any input order.

    >>> jobs = [{"jobId": i, "createdAt": t} for i, t in zip("abcd", (1, 2, 3, 3))]
    >>> [job["jobId"] for _, job in first_newest(jobs, 2, None)]
    ['c', 'd']
    >>> [job["jobId"] for _, job in first_newest(jobs, 2, newest_first_key(jobs[2]))]
    ['d', 'b']
    """
    dated_flag = not _decisions.MISSING_CREATED_AT_SORTS_LAST
    take_dated, take_undated = True, True
    after_created: int | None = None  # with a cursor among dated jobs: its createdAt and jobId
    after_id = ""
    if after is not None:
        after_flag, after_negated_created, after_id = after
        if after_flag == dated_flag:
            after_created = -after_negated_created
            take_undated = not dated_flag  # undated jobs sort after the cursor only if they sort last
        else:
            take_dated = dated_flag  # dated jobs sort after an undated cursor only if they sort last

    newest: list[int] = []  # createdAt of the `wanted` newest dated jobs seen; the oldest on top
    buffer: list[JobLike] = []  # every dated job at least as new as newest[0] when it was seen
    prune_at = 4 * wanted
    undated: list[JobLike] = []
    heappush, heapreplace = heapq.heappush, heapq.heapreplace
    for job in selected:
        created_at = job.get("createdAt")
        if created_at is None:
            if take_undated and (after is None or after_created is not None or job["jobId"] > after_id):
                undated.append(job)
            continue
        if not take_dated:
            continue
        if after_created is not None and (
            created_at > after_created or (created_at == after_created and job["jobId"] <= after_id)
        ):
            continue  # at or before the cursor
        if len(newest) < wanted:
            heappush(newest, created_at)
        elif created_at > newest[0]:
            heapreplace(newest, created_at)
        elif created_at < newest[0]:
            continue
        buffer.append(job)
        if len(buffer) >= prune_at:
            oldest_kept = newest[0]
            buffer = [job for job in buffer if job["createdAt"] >= oldest_kept]
            prune_at = max(prune_at, 2 * len(buffer))
    if len(newest) == wanted:
        oldest_kept = newest[0]
        buffer = [job for job in buffer if job["createdAt"] >= oldest_kept]
    survivors = buffer + heapq.nsmallest(wanted, undated, key=_job_id)
    # ``sorted`` is stable: equal keys (repeated job ids only) keep their input order.
    ordered = sorted(zip(map(newest_first_key, survivors), count(), survivors))
    return [(job_key, job) for job_key, _, job in ordered[:wanted]]


def _job_id(job: JobLike) -> str:
    return str(job["jobId"])
