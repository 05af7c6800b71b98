"""JOB_NAME as ranges of the grouped name index (rules S-5, S-6, O-2).

Theory of operation: the grouped index holds keys ``(jobName, version, newest-first key)`` in ascending
order (O-2), by exact name. A JOB_NAME pattern matches names case-insensitively (``casefold``), so the
matching names are scattered over the index: ``name_run`` finds them as a few ranges, one per case
variant of the pattern present in the index, walked in ascending order. See the notes below for how the
ranges are found.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from .._names import JobNamePattern
from ._sorted_keys import Key, SortedKeys

__all__ = ["name_run"]


def name_run(index: SortedKeys, pattern: JobNamePattern, after: Key | None) -> Iterator[Key]:
    """The grouped keys of ``index`` whose jobName matches ``pattern``, after the cursor, in order.

    The matching names are the names that start with one of the heads ``_name_heads`` yields (prefix
    patterns) or equal one (exact patterns); heads come in ascending order and no head is a prefix of
    another, so their ranges are disjoint, ordered, and the run is their concatenation.
    """
    after_name = None if after is None else after[0]
    for head in _name_heads(index, pattern.folded, pattern.is_prefix, after_name or ""):
        lower: Key = (head,)
        if after is not None and after >= lower:
            keys = index.walk(after, inclusive=False)
        else:
            keys = index.walk(lower, inclusive=True)
        for key in keys:
            name: str = key[0]
            if not (name.startswith(head) if pattern.is_prefix else name == head):
                break
            yield key




# --- JOB_NAME as index ranges (S-5, S-6) ----------------------------------------------------------------
#
# ``_names.JobNamePattern.matches`` keeps a job when ``jobName.casefold()`` equals the folded pattern, or
# starts with it for a prefix pattern. The index is ordered by the exact jobName (O-2), and case folding
# scatters the matches: ``Train`` and ``train`` are far apart in code-point order, and ``ß`` folds to
# ``ss`` (two characters). ``str.casefold`` folds each character on its own (full case folding has no
# context), so for a folded pattern p:
#
# - a name s matches "starts with p" exactly when s starts with a *head*: a string h with
#   ``h.casefold().startswith(p)`` whose last character is the one that reaches the length of p. No head
#   is a prefix of another, so the names under distinct heads form disjoint, ordered index ranges;
# - a name s matches "equals p" exactly when s is a head h with ``h.casefold() == p``.
#
# Heads are the leaves of a tree: a node is an exact string whose folding is a prefix of p, a child adds
# one character whose folding continues p. ``_name_heads`` walks that tree in code-point order and prunes
# it with the index itself: it keeps ``current``, the first stored name at or after its position, and
# enters a subtree only when ``current`` lies in it, so each binary search either finds a matching name or
# skips every subtree before the next stored name. For ``*`` alone the root is the only head (one range);
# for a pattern whose stored names all share one case, the walk follows a single path.


@functools.cache
def _fold_tables() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]], int]:
    """The characters whose ``casefold`` is not themselves, by folding and by proper prefix of a
    multi-character folding, and the longest folding. Built once, in about a quarter of a second."""
    by_folding: dict[str, list[str]] = {}
    by_folding_prefix: dict[str, list[str]] = {}
    longest = 1
    for code_point in range(0x110000):
        character = chr(code_point)
        folded = character.casefold()
        if folded == character:
            continue
        by_folding.setdefault(folded, []).append(character)
        longest = max(longest, len(folded))
        for end in range(1, len(folded)):
            by_folding_prefix.setdefault(folded[:end], []).append(character)
    return (
        {folded: tuple(characters) for folded, characters in by_folding.items()},
        {prefix: tuple(characters) for prefix, characters in by_folding_prefix.items()},
        longest,
    )


def _characters_folding_to(piece: str) -> tuple[str, ...]:
    """Every character whose ``casefold`` is ``piece``."""
    by_folding, _, _ = _fold_tables()
    itself = (piece,) if len(piece) == 1 and piece.casefold() == piece else ()
    return itself + by_folding.get(piece, ())


def _children(rest: str, is_prefix: bool) -> list[tuple[str, str, bool]]:
    """The children of a tree node whose folding leaves ``rest`` of the pattern to match: each is
    (character, what remains after it, whether it ends a head), in code-point order."""
    _, by_folding_prefix, longest = _fold_tables()
    children: list[tuple[str, str, bool]] = []
    for length in range(1, min(longest, len(rest)) + 1):
        remains = rest[length:]
        children.extend(
            (character, remains, not remains) for character in _characters_folding_to(rest[:length])
        )
    if is_prefix:
        # A character whose folding runs past the pattern ("ß" for the pattern "s") ends a head.
        children.extend((character, "", True) for character in by_folding_prefix.get(rest, ()))
    children.sort()
    return children


def _successor(prefix: str) -> str | None:
    """The smallest string above every string that starts with ``prefix`` (``None``: there is none)."""
    while prefix and prefix[-1] == "\U0010ffff":
        prefix = prefix[:-1]
    return prefix[:-1] + chr(ord(prefix[-1]) + 1) if prefix else None


def _name_heads(index: SortedKeys, folded: str, is_prefix: bool, start: str) -> Iterator[str]:
    """The heads of a JOB_NAME pattern (see above) under which ``index`` holds a name ``>= start``, in
    ascending order. Iterative, so a long pattern cannot exhaust the stack."""

    def first_name(position: str | None) -> str | None:
        key = None if position is None else index.first_from((position,))
        return None if key is None else str(key[0])

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
                    if is_prefix or current == head:
                        yield head
                    current = first_name(_successor(head) if is_prefix else head + "\0")
                else:
                    stack.append((head, _children(rest, is_prefix), 0))
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
