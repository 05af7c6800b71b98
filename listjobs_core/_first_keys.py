"""The first k jobs of an order past a cursor, without sorting the selection (rules P-1, P-4, O-1 to O-3).

Theory of operation: a page needs the k smallest sort keys greater than the cursor's, out of n selected
jobs read once, chunk by chunk (``_selection``). Building a full sort key for every selected job would
cost more than selecting it, so each order keeps a cheap *bound* instead, and builds full keys only for
the few jobs that pass it:

- ``first_newest``, for the newest-first order (rule O-1, most queries): the bound is a ``createdAt``,
  the k-th newest seen so far. A chunk's ``createdAt`` values are read into a list, and the chunk's jobs
  older than the bound are dropped by C-level ``compress`` over a ``map`` of comparisons, so a job that
  cannot make the page costs a few nanoseconds. The candidates kept are pruned to the bound whenever they
  double, so they stay O(k) (ties at the bound aside) and cost O(1) per job amortised. This holds in any
  input order; in creation order (every job newer than the last, how emulators append them) each chunk
  simply replaces the older candidates, instead of displacing the top of a heap once per job. Jobs
  without ``createdAt`` form their own group (rule O-3), kept aside and cut to the k smallest job ids.
- ``first_by_name``, for the grouped order (rule O-2, JOB_NAME): the bound is a ``jobName``, the k-th
  smallest name seen so far (the name of the k-th smallest key, since the key begins with the name); only
  the jobs named at most that bound at the end get a key.

Either way the survivors are sorted by full key (stably, so jobs that repeat a jobId with the same key keep
their input order) and the first k are the page.

Worked example, k = 2, jobs created at 1, 2, 3, 3 (ids a, b, c, d) in one chunk, no cursor: the candidates
are all four jobs; once pruned, the bound is the 2nd newest ``createdAt``, 3, and only c and d survive; the
page is c, d.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from itertools import compress, count, repeat
from operator import ge, le

from . import _decisions
from ._model import JobLike, SortKey
from ._ordering import name_and_version_key, newest_first_key
from ._selection import CreatedAtWindow, NameWindow

__all__ = ["first_by_name", "first_newest"]

Entry = tuple[SortKey, JobLike]

# Candidates are pruned to the bound as soon as they fill the page (so the window narrows early), then
# when they reach this many times the page, or double.
_PRUNE_FACTOR = 4


def first_newest(
    chunks: Iterable[list[JobLike]],
    wanted: int,
    after: SortKey | None,
    *,
    chunks_reversed: bool = False,
    window: CreatedAtWindow | None = None,
) -> list[Entry]:
    """The ``wanted`` smallest (``newest_first_key``, job) entries with a key greater than ``after``, in
    order, out of the jobs of ``chunks``: O(n) for n jobs in any input order (ties at the bound aside).
    ``chunks_reversed`` says the jobs come in reverse input order, which only matters to jobs that repeat a
    jobId with the same key: they keep their input order. ``window``, when given, is narrowed to what the
    page can still hold, for the producer of ``chunks`` to hold back the rest (the result is the same
    whether it does or not).

    >>> jobs = [{"jobId": i, "createdAt": t} for i, t in zip("abcd", (1, 2, 3, 3))]
    >>> [job["jobId"] for _, job in first_newest([jobs], 2, None)]
    ['c', 'd']
    >>> [job["jobId"] for _, job in first_newest([jobs[:2], jobs[2:]], 2, newest_first_key(jobs[2]))]
    ['d', 'b']
    >>> [job["jobId"] for _, job in first_newest([jobs[::-1]], 3, None, chunks_reversed=True)]
    ['c', 'd', 'b']
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
    if window is None:
        window = CreatedAtWindow()
    if take_dated and after_created is not None:
        window.newest = after_created
    # Undated jobs past an undated cursor: those with a greater jobId.
    undated_after_id = after_id if after is not None and after_created is None else None

    candidates: list[JobLike] = []  # dated jobs that may make the page, in input order
    candidates_created: list[int] = []  # their createdAt, position for position
    bound: int | None = None  # a job older than this cannot make the page (the wanted-th newest seen)
    prune_at = wanted
    undated: list[JobLike] = []
    for jobs in chunks:
        created = [job.get("createdAt") for job in jobs]
        try:
            newest = max(created)  # one value is returned uncompared, even None
        except TypeError:  # None among the values (or values that do not compare, which fail below)
            newest = None
        if newest is None:
            # O-3: jobs without createdAt are a group of their own.
            if take_undated:
                undated += [
                    job
                    for job, created_at in zip(jobs, created, strict=True)
                    if created_at is None and (undated_after_id is None or job["jobId"] > undated_after_id)
                ]
                if len(undated) >= prune_at:
                    undated = _smallest_ids(undated, wanted, chunks_reversed)
            dated = [created_at is not None for created_at in created]
            jobs, created = list(compress(jobs, dated)), list(compress(created, dated))
            if not jobs:
                continue
            newest = max(created)
        if not take_dated:
            continue
        if after_created is not None:
            # P-4: only jobs past the cursor: older than it, or as old with a greater jobId.
            if min(created) > after_created:
                continue
            if newest >= after_created:
                past = [
                    created_at < after_created or (created_at == after_created and job["jobId"] > after_id)
                    for job, created_at in zip(jobs, created, strict=True)
                ]
                jobs, created = list(compress(jobs, past)), list(compress(created, past))
                if not jobs:
                    continue
        if bound is not None:
            if newest < bound:
                continue  # the whole chunk is older than the page
            if min(created) < bound:
                recent = list(map(le, repeat(bound), created))
                jobs, created = list(compress(jobs, recent)), list(compress(created, recent))
        candidates += jobs
        candidates_created += created
        if len(candidates) >= prune_at:
            bound = window.oldest = sorted(candidates_created)[-wanted]
            recent = list(map(le, repeat(bound), candidates_created))
            candidates = list(compress(candidates, recent))
            candidates_created = list(compress(candidates_created, recent))
            prune_at = max(_PRUNE_FACTOR * wanted, 2 * len(candidates))
    if len(candidates) > wanted:
        bound = sorted(candidates_created)[-wanted]
        candidates = list(compress(candidates, map(le, repeat(bound), candidates_created)))
    if chunks_reversed:
        candidates.reverse()
        undated.reverse()
    survivors = candidates + heapq.nsmallest(wanted, undated, key=_job_id)
    # ``sorted`` is stable: equal keys (repeated job ids only) keep their input order.
    ordered = sorted(zip(map(newest_first_key, survivors), count(), survivors))
    return [(job_key, job) for job_key, _, job in ordered[:wanted]]


def first_by_name(
    chunks: Iterable[list[JobLike]], wanted: int, after: SortKey | None, *, window: NameWindow | None = None
) -> list[Entry]:
    """The ``wanted`` smallest (``name_and_version_key``, job) entries with a key greater than ``after``,
    in order, out of the jobs of ``chunks``: O(n) for n jobs (ties at the bound aside). ``window``, when
    given, is narrowed as in ``first_newest``.

    The grouped key begins with ``jobName``, so the ``wanted``-th smallest key has the ``wanted``-th
    smallest name: the bound is found from names alone, and keys are built for the survivors only.

    >>> jobs = [{"jobId": i, "jobName": n} for i, n in zip("abcd", ("y", "x", "z", "x"))]
    >>> [job["jobId"] for _, job in first_by_name([jobs], 3, None)]
    ['b', 'd', 'a']
    >>> [job["jobId"] for _, job in first_by_name([jobs[:2], jobs[2:]], 2, name_and_version_key(jobs[3]))]
    ['a', 'c']
    """
    lowest: str | None = None if after is None else after[0]  # named before this: at or before the cursor
    highest: str | None = None  # named after this: cannot make the page
    candidates: list[JobLike] = []  # jobs past the cursor that may make the page, in input order
    candidate_names: list[str] = []  # their names, position for position
    if window is None:
        window = NameWindow()
    window.lowest = lowest
    prune_at = wanted
    for jobs in chunks:
        names = [job["jobName"] for job in jobs]
        if highest is not None:
            if min(names) > highest:
                continue
            inside = list(map(ge, repeat(highest), names))
            jobs, names = list(compress(jobs, inside)), list(compress(names, inside))
        if lowest is not None and after is not None:
            # P-4: past the cursor: a greater name, or the cursor's name with a greater key.
            past = [
                name > lowest or (name == lowest and name_and_version_key(job) > after)
                for job, name in zip(jobs, names, strict=True)
            ]
            jobs, names = list(compress(jobs, past)), list(compress(names, past))
        candidates += jobs
        candidate_names += names
        if len(candidates) >= prune_at:
            highest = window.highest = sorted(candidate_names)[wanted - 1]
            inside = list(map(ge, repeat(highest), candidate_names))
            candidates = list(compress(candidates, inside))
            candidate_names = list(compress(candidate_names, inside))
            prune_at = max(_PRUNE_FACTOR * wanted, 2 * len(candidates))
    # ``nsmallest`` is stable through the positions: equal keys (repeated job ids) keep their input order.
    keyed = zip(map(name_and_version_key, candidates), count(), candidates, strict=False)  # count: endless
    return [(job_key, job) for job_key, _, job in heapq.nsmallest(wanted, keyed)]


def _smallest_ids(jobs: list[JobLike], wanted: int, reverse_order: bool) -> list[JobLike]:
    """The ``wanted`` jobs with the smallest job ids, equal ids kept in input order (``jobs`` are in reverse
    input order when ``reverse_order``, and so is the result)."""
    if not reverse_order:
        return heapq.nsmallest(wanted, jobs, key=_job_id)
    return heapq.nsmallest(wanted, jobs[::-1], key=_job_id)[::-1]


def _job_id(job: JobLike) -> str:
    return str(job["jobId"])
