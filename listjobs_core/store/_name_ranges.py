"""JOB_NAME as ranges of a scope's name indexes (rules S-5, S-6, O-2).

Theory of operation: a JOB_NAME pattern matches names case-insensitively (``str.casefold`` on both sides),
while its page lists them grouped by exact name (O-2). A scope keeps two name indexes:

- ``by_name``: grouped keys ``(jobName, version, newest-first key)`` in ascending order;
- ``by_folded``: keys ``(folded jobName, grouped key)``: the jobs of one folded name are one range, and
  inside it they are in grouped order.

``name_run`` reads them:

- an exact pattern is the one range of its folded name in ``by_folded``: O(log N + page);
- ``*`` alone is all of ``by_name``: O(log N + page);
- a prefix pattern ``p`` matches the names whose folding starts with ``p``. When a few folded names at
  most start with ``p`` (none, for a pattern that matches nothing), the page is a merge of their ranges
  of ``by_folded``. Otherwise, the matching names are those that start
  with a *head*: a string whose folding starts with ``p`` and whose last character reaches the length of
  ``p`` (see the notes below), and the names under one head are one range of ``by_name``. The heads come
  from a walk of case variants of ``p`` over ``by_name``: O(log N) per head and per case variant of a
  prefix of ``p`` that occurs, a few in ordinary data. Names built to defeat that walk (thousands of
  case variants of a prefix of ``p`` that do not go on to match) would make it long, so the walk has a
  budget of index searches; past it, the page is read instead as a merge of the ranges of ``by_folded``
  whose folded name starts with ``p``: O(log N) per distinct folded name that matches, then O(log G) per
  job of the page.

No work here grows with N or with the size of Unicode: the case-fold tables the walk needs cover the
characters of the stored names only (``FoldTable``), kept up to date by ``put``.

``name_page`` reads the same ranges for a caller that wants the first ``count`` keys at once (a page and
its one key beyond): each range is cut from the index by slices (``SortedKeys.take``), bounded above by
the first key past it (a folded name followed by ``"\0"``, or the ``successor`` of a head), so a page costs
a few index searches and C-level copies, with no Python step per key. A prefix page that resumes from a
cursor first reads the rest of the range of the cursor's own head (the name of the cursor's key matched
the pattern, as the token is bound to it, T-3): when that range fills the page, as it does for every page
but the last of each head, the page is that one range, with no walk of the heads and no count of the
folded names.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator
from itertools import islice

from .._name_heads import FoldTable, name_heads, successor
from .._names import JobNamePattern
from ._sorted_keys import Key, SortedKeys

__all__ = ["name_page", "name_run"]

# A prefix matched by at most this many folded names reads their ranges of ``by_folded`` at once.
FEW_FOLDED_NAMES = 4

# Index searches the case-variant walk of a prefix pattern may make before the page is read as a merge of
# folded-name ranges instead (a page of 100 under a handful of case variants needs a few dozen).
HEAD_SEARCH_BUDGET = 256


def name_run(
    by_name: SortedKeys, by_folded: SortedKeys, pattern: JobNamePattern, after: Key | None, table: FoldTable
) -> Iterator[Key]:
    """The grouped keys whose jobName matches ``pattern``, after the cursor, in grouped order (O-2)."""
    if not pattern.is_prefix:
        return _folded_range(by_folded, pattern.folded, after)
    if not pattern.folded:
        return by_name.walk(after, inclusive=False)  # "*" alone
    return _prefix_run(by_name, by_folded, pattern.folded, after, table)


def _folded_range(by_folded: SortedKeys, folded: str, after: Key | None) -> Iterator[Key]:
    """The grouped keys of the jobs whose name folds to ``folded``, past the cursor, in order."""
    start: Key = (folded,) if after is None else (folded, after)
    for folded_name, grouped in by_folded.walk(start, inclusive=after is None):
        if folded_name != folded:
            return
        yield grouped


def _prefix_run(
    by_name: SortedKeys, by_folded: SortedKeys, prefix: str, after: Key | None, table: FoldTable
) -> Iterator[Key]:
    folded_names = list(islice(_folded_names(by_folded, prefix), FEW_FOLDED_NAMES + 1))
    if len(folded_names) <= FEW_FOLDED_NAMES:
        # Few folded names match (none, for a pattern that matches nothing): their ranges, merged.
        yield from heapq.merge(*(_folded_range(by_folded, folded, after) for folded in folded_names))
        return
    last = after
    try:
        for key in _head_ranges(by_name, prefix, after, table):
            last = key
            yield key
        return
    except _OverBudget:
        pass
    # The walk met too many case variants: the rest of the page, after the last key it gave, is a merge of
    # one range per folded name that starts with the prefix.
    runs = [_folded_range(by_folded, folded, last) for folded in _folded_names(by_folded, prefix)]
    yield from heapq.merge(*runs)


def _folded_names(by_folded: SortedKeys, prefix: str) -> Iterator[str]:
    """The distinct folded names of ``by_folded`` that start with ``prefix``, in order: one search each."""
    key = by_folded.first_from((prefix,))
    while key is not None and key[0].startswith(prefix):
        folded: str = key[0]
        yield folded
        key = by_folded.first_from((folded + "\0",))  # the first key of the next folded name


class _OverBudget(Exception):
    """The case-variant walk made more index searches than ``HEAD_SEARCH_BUDGET``."""


def _budgeted_first_name(by_name: SortedKeys) -> Callable[[str | None], str | None]:
    """The first name of ``by_name`` at or after a position, for ``name_heads``: ``_OverBudget`` once it has
    searched the index more than ``HEAD_SEARCH_BUDGET`` times."""
    searches = 0

    def first_name(position: str | None) -> str | None:
        nonlocal searches
        searches += 1
        if searches > HEAD_SEARCH_BUDGET:
            raise _OverBudget
        key = None if position is None else by_name.first_from((position,))
        return None if key is None else str(key[0])

    return first_name


def _head_ranges(by_name: SortedKeys, prefix: str, after: Key | None, table: FoldTable) -> Iterator[Key]:
    """The grouped keys of ``by_name`` under each head of ``prefix`` (see the notes below), past the cursor:
    heads come in ascending order and none is a prefix of another, so their ranges are disjoint and
    ordered, and the run is their concatenation."""
    after_name = "" if after is None else str(after[0])
    for head in name_heads(_budgeted_first_name(by_name), prefix, after_name, table):
        lower: Key = (head,)
        if after is not None and after >= lower:
            keys = by_name.walk(after, inclusive=False)
        else:
            keys = by_name.walk(lower, inclusive=True)
        for key in keys:
            if not key[0].startswith(head):
                break
            yield key


def name_page(
    by_name: SortedKeys,
    by_folded: SortedKeys,
    pattern: JobNamePattern,
    after: Key | None,
    table: FoldTable,
    count: int,
) -> list[Key]:
    """The first ``count`` keys of ``name_run(by_name, by_folded, pattern, after, table)``, as a list."""
    if not pattern.is_prefix:
        return [key[1] for key in _folded_slice(by_folded, pattern.folded, after, count)]
    if not pattern.folded:  # "*" alone
        return by_name.take(after, inclusive=after is None, stop=None, count=count)
    prefix = pattern.folded
    if after is not None:
        # A page that resumes inside the range of its cursor's head and fills from it reads that range only.
        head = _head_of(str(after[0]), prefix)
        if head is not None:
            end = successor(head)
            rest = by_name.take(after, inclusive=False, stop=None if end is None else (end,), count=count)
            if len(rest) == count:
                return rest
    folded_names = list(islice(_folded_names(by_folded, prefix), FEW_FOLDED_NAMES + 1))
    if len(folded_names) <= FEW_FOLDED_NAMES:
        return _merged_folded(by_folded, folded_names, after, count)
    taken: list[Key] = []
    try:
        for lower, upper in _head_bounds(by_name, prefix, after, table):
            if after is not None and after >= lower:
                taken += by_name.take(after, inclusive=False, stop=upper, count=count - len(taken))
            else:
                taken += by_name.take(lower, inclusive=True, stop=upper, count=count - len(taken))
            if len(taken) >= count:
                break
        return taken
    except _OverBudget:
        pass
    # As ``_prefix_run``: past the budget, the rest of the page merges the ranges of the folded names.
    last = taken[-1] if taken else after
    rest = _merged_folded(by_folded, list(_folded_names(by_folded, prefix)), last, count - len(taken))
    return taken + rest


def _head_of(name: str, prefix: str) -> str | None:
    """The head of ``prefix`` that ``name`` starts with (its shortest prefix whose folding is as long as
    ``prefix``), or ``None`` when ``name`` does not match ``prefix``. Every name that starts with it matches
    (``str.casefold`` folds each character on its own, ``_name_heads``)."""
    length = 0
    for end, character in enumerate(name, 1):
        length += len(character.casefold())
        if length >= len(prefix):
            head = name[:end]
            return head if head.casefold().startswith(prefix) else None
    return None


def _folded_slice(by_folded: SortedKeys, folded: str, after: Key | None, count: int) -> list[Key]:
    """The first ``count`` keys of ``by_folded`` under the folded name ``folded``, past the cursor."""
    start: Key = (folded,) if after is None else (folded, after)
    return by_folded.take(start, inclusive=after is None, stop=(folded + "\0",), count=count)


def _merged_folded(
    by_folded: SortedKeys, folded_names: list[str], after: Key | None, count: int
) -> list[Key]:
    """The first ``count`` grouped keys past the cursor of the jobs under any of ``folded_names``, in
    order: each name's first ``count``, merged by one sort (the names' jobs are disjoint)."""
    if count <= 0:
        return []
    runs = [_folded_slice(by_folded, folded, after, count) for folded in folded_names]
    if len(runs) == 1:
        return [key[1] for key in runs[0]]
    return sorted(key[1] for run in runs for key in run)[:count]


def _head_bounds(
    by_name: SortedKeys, prefix: str, after: Key | None, table: FoldTable
) -> Iterator[tuple[Key, Key | None]]:
    """The range ``[lower, upper)`` of ``by_name`` under each head of ``prefix`` whose names reach past the
    cursor, in order (``upper`` ``None``: to the end), found as ``_head_ranges`` finds them."""
    after_name = "" if after is None else str(after[0])
    for head in name_heads(_budgeted_first_name(by_name), prefix, after_name, table):
        end = successor(head)
        yield (head,), None if end is None else (end,)
