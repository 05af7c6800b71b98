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
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator
from itertools import islice

from .._names import JobNamePattern
from ._sorted_keys import Key, SortedKeys

__all__ = ["FoldTable", "name_run"]

# The first stored name at or after a position (``None``: past the end).
FirstName = Callable[[str | None], str | None]

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


def _head_ranges(by_name: SortedKeys, prefix: str, after: Key | None, table: FoldTable) -> Iterator[Key]:
    """The grouped keys of ``by_name`` under each head of ``prefix`` (see the notes below), past the cursor:
    heads come in ascending order and none is a prefix of another, so their ranges are disjoint and
    ordered, and the run is their concatenation."""
    searches = [0]

    def first_name(position: str | None) -> str | None:
        searches[0] += 1
        if searches[0] > HEAD_SEARCH_BUDGET:
            raise _OverBudget
        key = None if position is None else by_name.first_from((position,))
        return None if key is None else str(key[0])

    after_name = "" if after is None else str(after[0])
    for head in _name_heads(first_name, prefix, after_name, table):
        lower: Key = (head,)
        if after is not None and after >= lower:
            keys = by_name.walk(after, inclusive=False)
        else:
            keys = by_name.walk(lower, inclusive=True)
        for key in keys:
            if not key[0].startswith(head):
                break
            yield key


# --- Heads of a prefix pattern (S-5, S-6) -----------------------------------------------------------------
#
# ``_names.JobNamePattern.matches`` keeps a job when ``jobName.casefold()`` starts with the folded pattern
# p. ``by_name`` is ordered by the exact jobName (O-2), and case folding scatters the matches: ``Train`` and
# ``train`` are far apart in code-point order, and ``ß`` folds to ``ss`` (two characters). ``str.casefold``
# folds each character on its own (full case folding has no context), so a name s matches exactly when s
# starts with a *head*: a string h with ``h.casefold().startswith(p)`` whose last character is the one that
# reaches the length of p. No head is a prefix of another, so the names under distinct heads form disjoint,
# ordered index ranges.
#
# Heads are the leaves of a tree: a node is an exact string whose folding is a prefix of p, a child adds
# one character whose folding continues p. ``_name_heads`` walks that tree in code-point order and prunes
# it with the index itself: it keeps ``current``, the first stored name at or after its position, and
# enters a subtree only when ``current`` lies in it, so each search either finds a matching name or skips
# every subtree before the next stored name. The characters a child may add are those of the stored names
# only (``FoldTable``): a head is a prefix of a stored name.


class FoldTable:
    """The characters of the stored names whose ``casefold`` is not themselves, by folding and by proper
    prefix of a multi-character folding: the inverse of case folding, over the characters that occur.

    ``learn`` adds the characters of a name (O(length of the name)); the table only grows, and characters
    no stored name holds any more cost a wasted branch of the walk at most. ``children`` is cached between
    requests and forgotten whenever the table learns a character.

    >>> table = FoldTable()
    >>> table.learn("Straße")
    >>> [character for character, _, _ in table.children("ss", is_prefix=False)]
    ['S', 's', 'ß']
    """

    __slots__ = ("_by_folding", "_by_folding_prefix", "_children", "_longest", "_seen")

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._by_folding: dict[str, tuple[str, ...]] = {}
        self._by_folding_prefix: dict[str, tuple[str, ...]] = {}
        self._longest = 1
        self._children: dict[tuple[str, bool], list[tuple[str, str, bool]]] = {}

    def learn(self, name: str) -> None:
        """Take in the characters of a stored name."""
        new = set(name).difference(self._seen)
        if not new:
            return
        self._seen.update(new)
        for character in sorted(new):
            folded = character.casefold()
            if folded == character:
                continue
            self._by_folding[folded] = (*self._by_folding.get(folded, ()), character)
            self._longest = max(self._longest, len(folded))
            for end in range(1, len(folded)):
                piece = folded[:end]
                self._by_folding_prefix[piece] = (*self._by_folding_prefix.get(piece, ()), character)
        self._children.clear()

    def children(self, rest: str, is_prefix: bool) -> list[tuple[str, str, bool]]:
        """The children of a tree node whose folding leaves ``rest`` of the pattern to match: each is
        (character, what remains after it, whether it ends a head), in code-point order."""
        cached = self._children.get((rest, is_prefix))
        if cached is not None:
            return cached
        children: list[tuple[str, str, bool]] = []
        for length in range(1, min(self._longest, len(rest)) + 1):
            piece, remains = rest[:length], rest[length:]
            itself = (piece,) if len(piece) == 1 and piece.casefold() == piece else ()
            children.extend(
                (character, remains, not remains) for character in itself + self._by_folding.get(piece, ())
            )
        if is_prefix:
            # A character whose folding runs past the pattern ("ß" for the pattern "s") ends a head.
            children.extend((character, "", True) for character in self._by_folding_prefix.get(rest, ()))
        children.sort()
        self._children[(rest, is_prefix)] = children
        return children


def _successor(prefix: str) -> str | None:
    """The smallest string above every string that starts with ``prefix`` (``None``: there is none)."""
    while prefix and prefix[-1] == "\U0010ffff":
        prefix = prefix[:-1]
    return prefix[:-1] + chr(ord(prefix[-1]) + 1) if prefix else None


def _name_heads(first_name: FirstName, folded: str, start: str, table: FoldTable) -> Iterator[str]:
    """The heads of a prefix pattern (see above) under which the index holds a name ``>= start``, in
    ascending order; ``first_name(position)`` is the first stored name at or after a position. Iterative,
    so a long pattern cannot exhaust the stack."""
    current = first_name(start)
    # Each frame: (node, its children, the next child to visit).
    stack: list[tuple[str, list[tuple[str, str, bool]], int]] = []
    node: tuple[str, str, bool] | None = ("", folded, not folded)
    while True:
        if node is not None:
            head, rest, is_head = node
            if current is not None and current < head:
                current = first_name(head)
            if current is None:
                return
            if current.startswith(head):
                if is_head:
                    yield head
                    current = first_name(_successor(head))
                else:
                    stack.append((head, table.children(rest, True), 0))
            node = None
        while stack and node is None:
            head, children, next_child = stack[-1]
            if current is None:
                return
            if next_child == len(children) or not current.startswith(head):
                stack.pop()
                continue
            stack[-1] = (head, children, next_child + 1)
            character, rest, is_head = children[next_child]
            child = head + character
            if child >= current[: len(child)]:  # a child wholly before ``current`` holds no name
                node = (child, rest, is_head)
        if node is None:
            return

