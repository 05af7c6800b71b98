"""A test's answer per distinct value, for selections that run once per job.

Theory of operation: jobs repeat the values the listing tests. A thousand distinct job names among a
million jobs, a few job definitions, one or two queues. ``Memo`` runs a test once per distinct value and
answers every later job with one dict lookup, which a comprehension performs in C. A value the test cannot
take raises from the test itself, the first time it is met, exactly as testing each job would.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["Memo"]


class Memo(dict[Any, bool]):
    """``test(value)`` for each value looked up, computed at its first lookup.

    >>> calls = []
    >>> is_long = Memo(lambda name: calls.append(name) or len(name) > 3, {None: False})
    >>> [is_long[name] for name in ("train", "eval", "train", None)], calls
    ([True, True, True, False], ['train', 'eval'])
    """

    __slots__ = ("_test",)

    def __init__(self, test: Callable[[Any], bool], known: Mapping[Any, bool] | None = None) -> None:
        super().__init__(known or {})
        self._test = test

    def __missing__(self, value: Any) -> bool:
        answer = self[value] = self._test(value)
        return answer
