"""The heads of a JOB_NAME prefix pattern: where its matches start in an index ordered by exact name
(rules S-5, S-6, O-2).

Theory of operation: an index in grouped order (O-2) is ordered by the exact ``jobName``, while a prefix
pattern matches case-insensitively. ``name_heads`` turns the pattern into *heads*, exact strings under
each of which the matching names form one range of such an index, walking only the case variants the
index holds: it asks ``first_name(position)``, the first stored name at or after a position, which the
in-memory store answers from a sorted list (``store._name_ranges``) and the SQL store with one index probe
per queue scope. ``FoldTable`` is the inverse of case folding over the characters that occur, and
``successor`` the end of the range of names that start with a head. Core: standard library only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

__all__ = ["FirstName", "FoldTable", "name_heads", "successor"]

# The first stored name at or after a position (``None``: past the end).
FirstName = Callable[[str | None], str | None]


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
# one character whose folding continues p. ``name_heads`` walks that tree in code-point order and prunes
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


def successor(prefix: str) -> str | None:
    """The smallest string above every string that starts with ``prefix`` (``None``: there is none)."""
    while prefix and prefix[-1] == "\U0010ffff":
        prefix = prefix[:-1]
    return prefix[:-1] + chr(ord(prefix[-1]) + 1) if prefix else None


def name_heads(first_name: FirstName, folded: str, start: str, table: FoldTable) -> Iterator[str]:
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
                    current = first_name(successor(head))
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

