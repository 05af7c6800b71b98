"""A chunked sorted list of distinct keys, the index structure of the stores.

Theory of operation: inserting into one big sorted list moves up to N pointers per insert. As
sortedcontainers does, the keys are kept in chunks of at most ``2 * _LOAD`` keys with the maximum of each
chunk beside it, so that a binary search over the maxima finds the chunk and another inside the chunk
finds the key: ``add`` and ``remove`` cost O(log N + _LOAD), and a walk from a key costs O(log N) to
start, then O(1) per key. ``_check`` asserts the layout invariants; the store's tests call it after every
step.

A chunk made at once (``from_sorted``, how a bulk load builds every index) is a tuple: a tuple of keys
that are themselves tuples of strings and integers holds nothing the cyclic collector must follow, so
CPython stops tracking it, and a full collection reads one pointer per such chunk instead of one per key.
A chunk becomes a list the first time a key comes or goes (a tuple would have to be copied, and its
copy examined by the collector key by key, at every change).

``FoldedKeys`` is the same structure over grouped keys ``(jobName, version, newest-first key)`` ordered by
``(folded jobName, grouped key)``, read and written as those pairs (the JOB_NAME index of a scope,
``_name_ranges``): it keeps the grouped keys the name index holds, not a pair per job. Its chunk maxima
are kept as pairs, so the search among chunks compares tuples in C; inside a chunk the pair of a key is
made for each comparison of the binary search (about ten).

``NewestKeys`` is the structure of the status buckets, over newest-first keys: each chunk has beside it an
array of the keys' integer codes (``newest_code``, never decreasing along the keys), and the maxima an array
of theirs, so that locating a key (a status change does it twice per bucket it moves between) compares
machine integers packed eight to a cache line instead of keys scattered over memory, whole keys only among
equal codes; its chunks are smaller (64 keys) for the same reason. A chunk's codes are ``bytes`` until the
chunk first changes, as its keys are a tuple: an ``array`` is an object the cyclic collector tracks, one a
chunk would be one every 64 keys of every status bucket, and ``bytes`` are never tracked; a search reads
them through a ``memoryview`` of machine integers.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from operator import itemgetter
from typing import Any, ClassVar, TypeVar

__all__ = ["FoldedKeys", "Key", "NewestKeys", "SortedKeys", "folded_pair", "newest_code", "require"]

# A key: a tuple compared element by element (the core's sort keys, ``_ordering``).
Key = tuple[Any, ...]
_Index = TypeVar("_Index", bound="SortedKeys")


class SortedKeys:
    """Distinct keys in ascending order, kept as a list of sorted chunks (as sortedcontainers does).

    Inserting into one big list would move up to N pointers; a chunk holds at most ``2 * _LOAD`` keys, so
    ``add`` and ``remove`` cost O(log N + _LOAD) and a walk from a key costs O(log N) to start, then O(1)
    per key. ``_maxes[i]`` is the last key of ``_chunks[i]`` (a tuple until it first changes, then a list);
    no chunk is empty.
    """

    __slots__ = ("_chunks", "_maxes", "_size")
    _LOAD = 500

    def __init__(self) -> None:
        self._chunks: list[list[Key] | tuple[Key, ...]] = []
        self._maxes: list[Key] = []
        self._size = 0

    @classmethod
    def from_sorted(cls: type[_Index], keys: list[Key], young: Callable[[], object] | None = None) -> _Index:
        """The keys of an ascending list of distinct keys, in chunks of ``_LOAD``: O(N), no comparison.
        ``young``, when given, is called after every few chunks (a bulk load's young collection, which
        untracks the new chunks while their keys are still in the processor's caches).

        >>> list(SortedKeys.from_sorted([(1,), (2,), (3,)]).walk((1,), inclusive=False))
        [(2,), (3,)]
        """
        index = cls()
        index._chunks = _chunks(keys, cls._LOAD, young)
        index._maxes = [index._maximum(chunk) for chunk in index._chunks]
        index._size = len(keys)
        return index

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Key]:
        for chunk in self._chunks:
            yield from chunk

    def add(self, key: Key) -> None:
        """Insert a key that is not present. O(log N + _LOAD)."""
        self._insert(key, key)

    def remove(self, key: Key) -> None:
        """Remove a key that is present (``KeyError`` otherwise). O(log N + _LOAD)."""
        self._delete(key, key)

    # How the keys held in a chunk compare to a probe (``None``: as they are); ``FoldedKeys`` orders its
    # keys by a pair made of each. The chunk maxima are always kept in the probes' form. (A function of
    # one key, ``Callable[[Key], Key] | None``: typed ``Any`` so that it is not read as a method.)
    _order: ClassVar[Any] = None

    def _maximum(self, chunk: list[Key] | tuple[Key, ...]) -> Key:
        """A chunk's last key, in the probes' form (``_maxes``)."""
        return chunk[-1]

    def _insert(self, probe: Key, key: Key) -> None:
        """Insert ``key``, which sorts as ``probe`` among the probes' forms of the keys held."""
        maxes, chunks = self._maxes, self._chunks
        self._size += 1
        if not maxes:
            chunks.append([key])
            maxes.append(probe)
            return
        index = bisect_left(maxes, probe)
        if index == len(maxes):
            index -= 1
            chunk = self._mutable(index)
            chunk.append(key)
            maxes[index] = probe
        else:
            chunk = self._mutable(index)
            chunk.insert(bisect_left(chunk, probe, key=self._order), key)
        if len(chunk) > 2 * self._LOAD:
            self._split(index)

    def _delete(self, probe: Key, key: Key) -> Key:
        """Remove ``key``, which sorts as ``probe``, or raise ``KeyError``; return the key as it was held."""
        maxes, chunks = self._maxes, self._chunks
        index = bisect_left(maxes, probe)
        if index == len(maxes):
            raise KeyError(key)
        position = bisect_left(chunks[index], probe, key=self._order)
        held = chunks[index][position]
        if held != key:
            raise KeyError(key)
        chunk = self._mutable(index)
        del chunk[position]
        self._size -= 1
        if len(chunk) >= self._LOAD // 2:
            maxes[index] = self._maximum(chunk)
        elif len(chunks) > 1:
            # A small chunk joins a neighbour, so deletions never leave a trail of tiny chunks.
            left = index - 1 if index > 0 else index
            self._mutable(left).extend(chunks[left + 1])
            del chunks[left + 1]
            del maxes[left + 1]
            maxes[left] = self._maximum(chunks[left])
            if len(chunks[left]) > 2 * self._LOAD:
                self._split(left)
        elif chunk:
            maxes[index] = self._maximum(chunk)
        else:
            del chunks[index]
            del maxes[index]
        return held

    def _mutable(self, index: int) -> list[Key]:
        """The chunk at ``index`` as a list, to change in place."""
        chunk = self._chunks[index]
        if type(chunk) is list:
            return chunk
        mutable = self._chunks[index] = list(chunk)
        return mutable

    def _split(self, index: int) -> None:
        chunk = self._mutable(index)
        half = chunk[self._LOAD :]
        del chunk[self._LOAD :]
        self._maxes[index] = self._maximum(chunk)
        self._chunks.insert(index + 1, half)
        self._maxes.insert(index + 1, self._maximum(half))

    def first_from(self, key: Key) -> Key | None:
        """The smallest key ``>= key``, or ``None``. O(log N)."""
        index = bisect_left(self._maxes, key)
        if index == len(self._maxes):
            return None
        chunk = self._chunks[index]
        return chunk[bisect_left(chunk, key, key=self._order)]

    def walk(self, start: Key | None, *, inclusive: bool) -> Iterator[Key]:
        """The keys from ``start`` (all keys when ``None``) in ascending order: ``>= start`` when
        ``inclusive``, else ``> start``. O(log N) to begin, O(1) per key."""
        chunks = self._chunks
        first_chunk, first_position = 0, 0
        if start is not None:
            find = bisect_left if inclusive else bisect_right
            first_chunk = find(self._maxes, start)
            if first_chunk == len(chunks):
                return
            first_position = find(chunks[first_chunk], start, key=self._order)
        if first_chunk < len(chunks):
            chunk = chunks[first_chunk]
            for position in range(first_position, len(chunk)):
                yield chunk[position]
        for index in range(first_chunk + 1, len(chunks)):
            yield from chunks[index]

    def take(self, start: Key | None, *, inclusive: bool, stop: Key | None, count: int) -> list[Key]:
        """The first ``count`` keys (at most) of ``walk(start, inclusive=inclusive)`` that sort below
        ``stop`` (``None``: no bound), as a list cut from the chunks by slices: O(log N + count), with no
        Python step per key.

        >>> keys = SortedKeys.from_sorted([(number,) for number in range(10)])
        >>> keys.take((2,), inclusive=False, stop=(6,), count=10)
        [(3,), (4,), (5,)]
        >>> keys.take(None, inclusive=True, stop=None, count=2)
        [(0,), (1,)]
        """
        chunks, maxes = self._chunks, self._maxes
        index, position = 0, 0
        if start is not None:
            find = bisect_left if inclusive else bisect_right
            index = find(maxes, start)
            if index == len(chunks):
                return []
            position = find(chunks[index], start)
        taken: list[Key] = []
        while index < len(chunks) and len(taken) < count:
            taken += chunks[index][position : position + count - len(taken)]
            if stop is not None and maxes[index] >= stop:
                break
            index, position = index + 1, 0
        if stop is not None and taken and taken[-1] >= stop:
            del taken[bisect_left(taken, stop) :]
        return taken

    def _check(self) -> None:
        """Assert the layout invariants: sorted, distinct, no empty or oversized chunk, maxima right."""
        require(len(self._chunks) == len(self._maxes), "one maximum per chunk")
        require(self._size == sum(map(len, self._chunks)), "size matches the chunks")
        previous: Key | None = None
        order = self._order
        for chunk, maximum in zip(self._chunks, self._maxes, strict=True):
            require(0 < len(chunk) <= 2 * self._LOAD, f"chunk of {len(chunk)} keys")
            require(self._maximum(chunk) == maximum, "chunk maximum is its last key")
            for key in chunk:
                probe = key if order is None else order(key)
                require(previous is None or previous < probe, f"keys ascend strictly at {key!r}")
                previous = probe


# A newest-first key's code (``newest_code``): ``-createdAt`` held to +-2^61, plus 2^62 for the later
# ``no_created_at`` flag, so that every code is a signed 64-bit integer and the flag orders first.
_CODE_BOUND = 1 << 61
_LATER_FLAG = 1 << 62


def newest_code(key: Key) -> int:
    """An integer that never decreases along the order of newest-first keys ``(no_created_at, -createdAt,
    jobId)`` (``_ordering``): two keys in order have codes in order or equal, so codes place a key among
    others but where they are equal (the same createdAt, or one beyond +-2^61).

    >>> newest_code((False, -30, "c")) < newest_code((False, -20, "a")) == newest_code((False, -20, "b"))
    True
    >>> newest_code((False, 2**62, "far")) < newest_code((True, 0, "no createdAt"))
    True
    """
    value = key[1]
    if value > _CODE_BOUND:
        value = _CODE_BOUND
    elif value < -_CODE_BOUND:
        value = -_CODE_BOUND
    return _LATER_FLAG + value if key[0] else value  # type: ignore[no-any-return]


def _codes_of(keys: list[Key]) -> array[int]:
    """``newest_code`` of each of an ascending list of newest-first keys, as an array: in one C-level pass
    when every key has the earlier flag and its ``-createdAt`` within the bounds (the codes then ascend as
    the keys do, so the first and last code bound them all)."""
    if keys and not keys[-1][0]:
        try:
            codes = array("q", list(map(itemgetter(1), keys)))  # (from a list: a third faster than a map)
        except OverflowError:
            pass
        else:
            if -_CODE_BOUND <= codes[0] <= codes[-1] <= _CODE_BOUND:
                return codes
    return array("q", map(newest_code, keys))


class NewestKeys(SortedKeys):
    """Newest-first keys ``(no_created_at, -createdAt, jobId)``, each chunk beside an array of its keys'
    codes (``newest_code``), and the chunk maxima beside an array of theirs: the status buckets of a scope,
    between which a status change moves a key.

    A status change is bound by memory, not by computing: at a million jobs nearly every key it compares
    lies on a cache line of its own, far from the last. So a key is located by its code among a few
    machine integers packed in one array (a cache line holds eight), whole keys compared only among equal
    codes, and the chunks are small (``_LOAD`` 64): a change moves a few hundred bytes of keys and codes,
    and a chunk that a bulk load made a tuple costs little to make a list the first time it changes. 8
    bytes a key for its code. Walks and pages read the chunks of keys as ``SortedKeys`` does.

    >>> index = NewestKeys.from_sorted([(False, -30, "c"), (False, -20, "a"), (False, -20, "b")])
    >>> index.add((False, -20, "ab")); index.pop((False, -30, "c"))
    (False, -30, 'c')
    >>> list(index)
    [(False, -20, 'a'), (False, -20, 'ab'), (False, -20, 'b')]
    """

    __slots__ = ("_codes", "_max_codes")
    _LOAD = 64

    def __init__(self) -> None:
        super().__init__()
        self._codes: list[array[int] | bytes] = []
        self._max_codes: array[int] = array("q")

    @classmethod
    def from_sorted(
        cls: type[_Newest], keys: list[Key], young: Callable[[], object] | None = None
    ) -> _Newest:
        """The keys of an ascending list of distinct newest-first keys, in chunks of ``_LOAD``, their codes
        beside them (``SortedKeys.from_sorted``)."""
        index = super().from_sorted(keys, young)
        codes = _codes_of(keys)
        load = cls._LOAD
        # Bytes, not arrays, until a chunk changes (see the module's notes).
        index._codes = [codes[start : start + load].tobytes() for start in range(0, len(keys), load)]
        index._max_codes = array("q", codes[load - 1 :: load])
        if len(keys) % load:
            index._max_codes.append(codes[-1])
        return index

    def add(self, key: Key) -> None:
        """Insert a key that is not present. O(log N + _LOAD)."""
        value = key[1]
        code = value if not key[0] and -_CODE_BOUND <= value <= _CODE_BOUND else newest_code(key)
        # The first chunk whose maximum is not below the key, by codes; among maxima of its code, by keys.
        # ``pop`` makes the same search, written out in each: a shared method was a Python call per search,
        # which took a pop and an add from 2.4 to 4.2 µs.
        max_codes = self._max_codes
        index = bisect_left(max_codes, code)
        if index < len(max_codes) and max_codes[index] == code:
            index = bisect_left(self._maxes, key, index, bisect_right(max_codes, code, index))
        if index == len(max_codes):
            self._append(key, code)
            return
        codes = _readable(self._codes[index])
        position = bisect_left(codes, code)  # below the chunk's end: its maximum's code is not below
        chunk = self._chunks[index]
        if codes[position] == code:
            # Keys of the same code (the same createdAt): their keys decide.
            position = bisect_left(chunk, key, position, bisect_right(codes, code, position))
        if type(chunk) is not list:
            chunk = self._mutable(index)
        chunk.insert(position, key)
        self._mutable_codes(index).insert(position, code)
        self._size += 1
        if len(chunk) > 2 * self._LOAD:
            self._split(index)

    def _append(self, key: Key, code: int) -> None:
        """Add a key above every key held."""
        self._size += 1
        if not self._chunks:
            self._chunks.append([key])
            self._codes.append(array("q", (code,)))
            self._maxes.append(key)
            self._max_codes.append(code)
            return
        index = len(self._chunks) - 1
        chunk = self._mutable(index)
        chunk.append(key)
        self._mutable_codes(index).append(code)
        self._maxes[index] = key
        self._max_codes[index] = code
        if len(chunk) > 2 * self._LOAD:
            self._split(index)

    def pop(self, key: Key) -> Key:
        """Remove a key that is present (``KeyError`` otherwise) and return it as the index held it (an
        equal tuple, which the other indexes of the job may share). O(log N + _LOAD)."""
        value = key[1]
        code = value if not key[0] and -_CODE_BOUND <= value <= _CODE_BOUND else newest_code(key)
        max_codes = self._max_codes
        index = bisect_left(max_codes, code)
        if index < len(max_codes) and max_codes[index] == code:
            index = bisect_left(self._maxes, key, index, bisect_right(max_codes, code, index))
        if index == len(max_codes):
            raise KeyError(key)
        codes = _readable(self._codes[index])
        position = bisect_left(codes, code)
        chunk = self._chunks[index]
        held: Key = chunk[position]
        if held is not key and held != key:
            # Keys of the same code before it: their keys decide.
            position = bisect_left(chunk, key, position, bisect_right(codes, code, position))
            if position == len(chunk) or chunk[position] != key:
                raise KeyError(key)
            held = chunk[position]
        if type(chunk) is not list:
            chunk = self._mutable(index)
        codes = self._mutable_codes(index)
        del chunk[position]
        del codes[position]
        self._size -= 1
        if len(chunk) < self._LOAD // 2:
            self._rejoin(index)
        elif position == len(chunk):  # the chunk's maximum went
            self._maxes[index] = chunk[-1]
            self._max_codes[index] = codes[-1]
        return held

    def _rejoin(self, index: int) -> None:
        """Chunk ``index`` became small: it joins a neighbour, so deletions never leave a trail of tiny
        chunks (or it goes, empty)."""
        chunks, codes, maxes, max_codes = self._chunks, self._codes, self._maxes, self._max_codes
        if len(chunks) > 1:
            left = index - 1 if index > 0 else index
            self._mutable(left).extend(chunks[left + 1])
            self._mutable_codes(left).extend(_readable(codes[left + 1]))
            del chunks[left + 1], codes[left + 1], maxes[left + 1], max_codes[left + 1]
            maxes[left], max_codes[left] = chunks[left][-1], _readable(codes[left])[-1]
            if len(chunks[left]) > 2 * self._LOAD:
                self._split(left)
        elif chunks[index]:
            maxes[index], max_codes[index] = chunks[index][-1], _readable(codes[index])[-1]
        else:
            del chunks[index], codes[index], maxes[index], max_codes[index]

    def _mutable_codes(self, index: int) -> array[int]:
        """The codes of chunk ``index`` as an array to change (made one from bytes the first time)."""
        codes = self._codes[index]
        if type(codes) is bytes:
            made = array("q")
            made.frombytes(codes)
            self._codes[index] = made
            return made
        assert isinstance(codes, array)
        return codes

    def _insert(self, probe: Key, key: Key) -> None:
        self.add(key)

    def _delete(self, probe: Key, key: Key) -> Key:
        return self.pop(key)

    def _split(self, index: int) -> None:
        super()._split(index)
        codes = self._mutable_codes(index)
        half = codes[self._LOAD :]
        del codes[self._LOAD :]
        self._codes.insert(index + 1, half)
        self._max_codes[index] = codes[-1]
        self._max_codes.insert(index + 1, half[-1])

    def _check(self) -> None:
        """``SortedKeys._check``, and each code beside its key."""
        super()._check()
        require(len(self._codes) == len(self._chunks), "one array of codes per chunk")
        for chunk, codes in zip(self._chunks, self._codes, strict=True):
            held = list(_readable(codes))
            require(held == [newest_code(key) for key in chunk], "each key's code beside it")
            require(type(codes) is not bytes or type(chunk) is tuple, "codes in bytes only beside a tuple")
        maximum_codes = [_readable(codes)[-1] for codes in self._codes]
        require(list(self._max_codes) == maximum_codes, "each chunk's maximum code")


_Newest = TypeVar("_Newest", bound=NewestKeys)


def _readable(codes: array[int] | bytes) -> array[int] | memoryview:
    """A chunk's codes as a sequence of integers to search: the array, or a view of the bytes."""
    if isinstance(codes, bytes):
        return memoryview(codes).cast("q")
    return codes


# Keys cut into chunks between two calls of a bulk load's ``young`` (their lines fit in a cache), whatever
# the size of the chunks.
_KEYS_PER_COLLECTION = 16_000


def _chunks(
    keys: list[Key], load: int, young: Callable[[], object] | None
) -> list[list[Key] | tuple[Key, ...]]:
    """``keys`` cut into tuples of ``load`` keys, ``young`` called after every few."""
    step = max(1, _KEYS_PER_COLLECTION // load) * load  # whole chunks
    if young is None or len(keys) <= step:
        return [tuple(keys[start : start + load]) for start in range(0, len(keys), load)]
    chunks: list[list[Key] | tuple[Key, ...]] = []
    for batch in range(0, len(keys), step):
        end = min(batch + step, len(keys))
        chunks += [tuple(keys[start : start + load]) for start in range(batch, end, load)]
        young()
    return chunks


def folded_pair(grouped: Key) -> Key:
    """The pair a grouped key ``(jobName, version, newest)`` sorts by in the folded-name index:
    ``(folded jobName, grouped key)`` (``str.casefold``, as ``_names`` folds a pattern)."""
    return (grouped[0].casefold(), grouped)


class FoldedKeys(SortedKeys):
    """Grouped keys ordered by ``folded_pair``, given and read as those pairs, held as the grouped keys
    themselves (see the module's notes): the same tuples the name index holds, so the index costs a list
    slot per job and no pair. ``from_sorted`` takes the grouped keys, already in that order.

    >>> index = FoldedKeys.from_sorted([("Ab", 0, (True, -2, "x")), ("aB", 0, (True, -1, "y"))])
    >>> [pair[0] for pair in index.walk(("ab",), inclusive=True)]
    ['ab', 'ab']
    >>> index.first_from(("ab", ("aB",)))
    ('ab', ('aB', 0, (True, -1, 'y')))
    """

    __slots__ = ()
    _order = staticmethod(folded_pair)

    def _maximum(self, chunk: list[Key] | tuple[Key, ...]) -> Key:
        return folded_pair(chunk[-1])

    def __iter__(self) -> Iterator[Key]:
        return _pairs(super().__iter__())

    def add(self, key: Key) -> None:
        """Insert the pair ``(folded jobName, grouped key)`` of a grouped key that is not present."""
        self._insert(key, key[1])

    def remove(self, key: Key) -> None:
        """Remove the pair ``(folded jobName, grouped key)`` of a grouped key that is present."""
        self._delete(key, key[1])

    def first_from(self, key: Key) -> Key | None:
        """The smallest pair ``>= key``, or ``None``. O(log N)."""
        found = super().first_from(key)
        return None if found is None else folded_pair(found)

    def walk(self, start: Key | None, *, inclusive: bool) -> Iterator[Key]:
        """The pairs from ``start`` on, in ascending order (as ``SortedKeys.walk``)."""
        return _pairs(super().walk(start, inclusive=inclusive))


def _pairs(grouped_keys: Iterator[Key]) -> Iterator[Key]:
    """``folded_pair`` of each grouped key, folding each run of one name once."""
    name, folded = None, ""
    for grouped in grouped_keys:
        if grouped[0] != name:
            name = grouped[0]
            folded = name.casefold()
        yield (folded, grouped)


def require(condition: bool, invariant: str) -> None:
    """Fail an invariant check of the store (``_check`` methods), naming the invariant."""
    if not condition:
        raise AssertionError(f"store invariant broken: {invariant}")
