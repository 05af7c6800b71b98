"""An indexed, thread-safe in-memory job store that answers ListServiceJobs like the pure function.

Theory of operation: ``list_service_jobs(jobs, request)`` reads every job for every page. An emulator that
keeps its jobs here gets the same responses, byte for byte and tokens included, at close to the cost of
building the page: the store keeps every job in sorted indexes whose keys are the core's own sort keys
(``_ordering``), so the page after a ``nextToken`` starts with a binary search, never with a scan of jobs
that do not match. Nothing here restates a listing rule: the request is parsed by ``parse_request``, the
status a query selects is ``selected_status``, the keys are ``sort_key_function``'s, the queue rule is
``QueueMatcher``, the JOB_NAME pattern is ``JobNamePattern``, summaries are ``to_summary`` and tokens are
``encode_token``. Where a rule has to be turned into an index range, a comment names the rule and the core
function the range mirrors.

The indexes, each a ``_SortedKeys`` (a chunked sorted list in the manner of sortedcontainers), live in
scopes: one scope over every job (for requests without ``jobQueue``) and one per ``jobQueue`` value, with
the jobs that carry no ``jobQueue`` in a scope of their own (IN-2: they are listed for any queue, so a
queue request reads that scope beside the scopes of the ``jobQueue`` values that denote its queue). Each
scope holds:

- ``by_status``: status -> newest-first keys ``(no_created_at, -createdAt, jobId)`` (O-1): the no-filter
  queries read one of them; BEFORE/AFTER_CREATED_AT read a key range of each (newest first is createdAt
  order, so a created-at bound is a range);
- ``by_share`` / ``by_quota``: value -> status -> newest-first keys, for SHARE_IDENTIFIER and
  QUOTA_SHARE_NAME with or without ``jobStatus`` (S-4);
- ``by_name``: grouped keys ``(jobName, version, newest-first key)`` (O-2) for JOB_NAME.

A job's newest-first key is one tuple shared by every index it is in, so an extra index costs a list slot
per job, not a key. A page merges the runs it reads (``heapq.merge``) and stops after ``maxResults + 1``
keys; only the page's jobs are projected, outside the lock, from private copies that are never mutated.

Costs, for N stored jobs and a page of k (a log factor is a bisect on at most N/250 chunk maxima plus one
inside a chunk of at most 1000 keys):

- put, remove: O(log N) per index the job is in (at most 8), plus copying and checking the job;
- a page without a filter, or SHARE_IDENTIFIER / QUOTA_SHARE_NAME with ``jobStatus``: O(log N + k);
- BEFORE/AFTER_CREATED_AT, and SHARE_IDENTIFIER / QUOTA_SHARE_NAME without ``jobStatus``: O(s log N + k log s)
  for s distinct status values present (eight at most in a service-shaped store);
- JOB_NAME: see ``_name_heads``: O(log N + k) for ``*`` alone and for names that occur in one case; a
  few more binary searches per case variant of the pattern present in the store (``Train`` and ``train``);
- a request naming a queue reads one scope per ``jobQueue`` value denoting it, plus the queueless scope,
  and merges their runs.

A page of jobs whose members are all scalars costs less than ``to_summary`` on each: ``put`` keeps the
job in its summary's order, checked against ``to_summary``'s result, so the summary is a dict copy (see
``_private_copy``). Memory: about 210 bytes per job beyond the jobs themselves (BENCHMARKS.md), plus a few
hundred bytes per distinct (share identifier or quota share name, status) pair, which is cheap for a
handful of fair-share identifiers and expensive for one per job.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import heapq
import math
import threading
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice, takewhile
from typing import Any

from ._decisions import MISSING_CREATED_AT_SORTS_LAST
from ._errors import ServerException
from ._model import FilterName, JobFilter, ListQuery, ServiceJob, SortKey
from ._names import JobNamePattern
from ._operations import LIST_SERVICE_JOBS
from ._ordering import groups_by_name, sort_key_function
from ._queues import QueueMatcher, queue_name
from ._request import parse_request
from ._selection import created_at_limit, selected_status
from ._tokens import check_token_key, encode_token
from ._wire import response, to_summary

__all__ = ["ServiceJobStore"]

# A newest-first key (O-1) as ``_ordering`` builds it, and a grouped key (O-2) as this module stores it:
# ``(jobName, version, newest-first key)``, which orders exactly as the core's flat
# ``(jobName, version, *newest-first key)`` and shares the newest-first tuple with the other indexes.
Key = tuple[Any, ...]

_MEMBERS = LIST_SERVICE_JOBS.summary_members
_NEWEST_FIRST = sort_key_function(ListQuery(LIST_SERVICE_JOBS))
_GROUPED = sort_key_function(ListQuery(LIST_SERVICE_JOBS, job_filter=JobFilter(FilterName.JOB_NAME, "*")))
_CREATED_AT_FILTERS = (FilterName.BEFORE_CREATED_AT, FilterName.AFTER_CREATED_AT)
_MEMBER_FILTERS = (FilterName.SHARE_IDENTIFIER, FilterName.QUOTA_SHARE_NAME)
# Members the indexes read, which must be strings when present (``None`` counts as absent, as the core's
# ``job.get`` reads it).
_INDEXED_STRING_MEMBERS = ("status", "jobQueue", "shareIdentifier", "quotaShareName")
_IMMUTABLE_TYPES = frozenset({str, int, float, bool, type(None)})


def _flat(grouped_key: Key) -> SortKey:
    """The core's grouped sort key (``name_and_version_key``) of a key of ``by_name``."""
    name, version, newest = grouped_key
    return (name, version, *newest)


def _job_id_of(key: Key, grouped: bool) -> str:
    """The jobId of a newest-first key, or of a grouped key (whose last element is a newest-first key)."""
    job_id: str = key[-1][-1] if grouped else key[-1]
    return job_id


# --- A chunked sorted list ---------------------------------------------------------------------------------


class _SortedKeys:
    """Distinct keys in ascending order, kept as a list of sorted chunks (as sortedcontainers does).

    Inserting into one big list would move up to N pointers; a chunk holds at most ``2 * _LOAD`` keys, so
    ``add`` and ``remove`` cost O(log N + _LOAD) and a walk from a key costs O(log N) to start, then O(1)
    per key. ``_maxes[i]`` is the last key of ``_chunks[i]``; no chunk is empty.
    """

    __slots__ = ("_chunks", "_maxes", "_size")
    _LOAD = 500

    def __init__(self) -> None:
        self._chunks: list[list[Key]] = []
        self._maxes: list[Key] = []
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Key]:
        for chunk in self._chunks:
            yield from chunk

    def add(self, key: Key) -> None:
        """Insert a key that is not present. O(log N + _LOAD)."""
        maxes, chunks = self._maxes, self._chunks
        self._size += 1
        if not maxes:
            chunks.append([key])
            maxes.append(key)
            return
        index = bisect_left(maxes, key)
        if index == len(maxes):
            index -= 1
            chunk = chunks[index]
            chunk.append(key)
            maxes[index] = key
        else:
            chunk = chunks[index]
            insort(chunk, key)
        if len(chunk) > 2 * self._LOAD:
            self._split(index)

    def remove(self, key: Key) -> None:
        """Remove a key that is present (``KeyError`` otherwise). O(log N + _LOAD)."""
        maxes, chunks = self._maxes, self._chunks
        index = bisect_left(maxes, key)
        if index == len(maxes):
            raise KeyError(key)
        chunk = chunks[index]
        position = bisect_left(chunk, key)
        if chunk[position] != key:
            raise KeyError(key)
        del chunk[position]
        self._size -= 1
        if len(chunk) >= self._LOAD // 2:
            maxes[index] = chunk[-1]
        elif len(chunks) > 1:
            # A small chunk joins a neighbour, so deletions never leave a trail of tiny chunks.
            left = index - 1 if index > 0 else index
            chunks[left].extend(chunks[left + 1])
            del chunks[left + 1]
            del maxes[left + 1]
            maxes[left] = chunks[left][-1]
            if len(chunks[left]) > 2 * self._LOAD:
                self._split(left)
        elif chunk:
            maxes[index] = chunk[-1]
        else:
            del chunks[index]
            del maxes[index]

    def _split(self, index: int) -> None:
        chunk = self._chunks[index]
        half = chunk[self._LOAD :]
        del chunk[self._LOAD :]
        self._maxes[index] = chunk[-1]
        self._chunks.insert(index + 1, half)
        self._maxes.insert(index + 1, half[-1])

    def first_from(self, key: Key) -> Key | None:
        """The smallest key ``>= key``, or ``None``. O(log N)."""
        index = bisect_left(self._maxes, key)
        if index == len(self._maxes):
            return None
        chunk = self._chunks[index]
        return chunk[bisect_left(chunk, key)]

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
            first_position = find(chunks[first_chunk], start)
        if first_chunk < len(chunks):
            chunk = chunks[first_chunk]
            for position in range(first_position, len(chunk)):
                yield chunk[position]
        for index in range(first_chunk + 1, len(chunks)):
            yield from chunks[index]

    def _check(self) -> None:
        """Assert the layout invariants: sorted, distinct, no empty or oversized chunk, maxima right."""
        _require(len(self._chunks) == len(self._maxes), "one maximum per chunk")
        _require(self._size == sum(map(len, self._chunks)), "size matches the chunks")
        previous: Key | None = None
        for chunk, maximum in zip(self._chunks, self._maxes, strict=True):
            _require(0 < len(chunk) <= 2 * self._LOAD, f"chunk of {len(chunk)} keys")
            _require(chunk[-1] == maximum, "chunk maximum is its last key")
            for key in chunk:
                _require(previous is None or previous < key, f"keys ascend strictly at {key!r}")
                previous = key


def _require(condition: bool, invariant: str) -> None:
    if not condition:
        raise AssertionError(f"ServiceJobStore invariant broken: {invariant}")


# --- One scope of indexes ----------------------------------------------------------------------------------

StatusBuckets = dict[Any, _SortedKeys]


class _Scope:
    """The indexes over one set of jobs: every job, or the jobs of one ``jobQueue`` value."""

    __slots__ = ("by_name", "by_quota", "by_share", "by_status", "size")

    def __init__(self) -> None:
        self.by_status: StatusBuckets = {}
        self.by_share: dict[str, StatusBuckets] = {}
        self.by_quota: dict[str, StatusBuckets] = {}
        self.by_name = _SortedKeys()
        self.size = 0

    def add(self, job: Mapping[str, Any], newest: Key, grouped: Key) -> None:
        status = job.get("status")
        _bucket(self.by_status, status).add(newest)
        share = job.get("shareIdentifier")
        if share is not None:
            _bucket(self.by_share.setdefault(share, {}), status).add(newest)
        quota = job.get("quotaShareName")
        if quota is not None:
            _bucket(self.by_quota.setdefault(quota, {}), status).add(newest)
        self.by_name.add(grouped)
        self.size += 1

    def discard(self, job: Mapping[str, Any], newest: Key, grouped: Key) -> None:
        status = job.get("status")
        _discard(self.by_status, status, newest)
        for member, buckets in (("shareIdentifier", self.by_share), ("quotaShareName", self.by_quota)):
            value = job.get(member)
            if value is not None:
                _discard(buckets[value], status, newest)
                if not buckets[value]:
                    del buckets[value]
        self.by_name.remove(grouped)
        self.size -= 1


def _bucket(buckets: StatusBuckets, status: Any) -> _SortedKeys:
    bucket = buckets.get(status)
    if bucket is None:
        bucket = buckets[status] = _SortedKeys()
    return bucket


def _discard(buckets: StatusBuckets, status: Any, key: Key) -> None:
    bucket = buckets[status]
    bucket.remove(key)
    if not bucket:
        del buckets[status]


def _status_buckets(buckets: StatusBuckets, status: str | None) -> list[_SortedKeys]:
    """The buckets of the jobs whose status ``selected_status`` selects: one, or all when ``None``."""
    if status is None:
        return list(buckets.values())
    bucket = buckets.get(status)
    return [] if bucket is None else [bucket]


# --- Runs: the keys one index contributes to a page ---------------------------------------------------------


def _range_run(index: _SortedKeys, lower: Key | None, upper: Key | None, after: Key | None) -> Iterator[Key]:
    """The keys of ``index`` in ``[lower, upper)`` (``None``: unbounded) that sort after the cursor."""
    if after is not None and (lower is None or after >= lower):
        keys = index.walk(after, inclusive=False)
    else:
        keys = index.walk(lower, inclusive=True)
    if upper is None:
        return keys
    return takewhile(upper.__gt__, keys)


# O-3 as ``_ordering.newest_first_key`` builds it: a job with createdAt has the first element
# ``not MISSING_CREATED_AT_SORTS_LAST``, then ``-createdAt``; a job without one has the other flag.
_HAS_CREATED_AT = not MISSING_CREATED_AT_SORTS_LAST


def _created_at_range(job_filter: JobFilter) -> tuple[Key, Key]:
    """The newest-first key range ``[lower, upper)`` of the jobs a created-at filter selects.

    Mirrors ``_selection._select_before_created_at`` / ``_select_after_created_at`` (S-7, S-8): BEFORE
    keeps ``createdAt <= latest``, AFTER keeps ``createdAt >= earliest`` (``created_at_limit``; with strict
    bounds, ``v - 1`` and ``v + 1``), and neither keeps a job without
    ``createdAt``. Newest first means ``-createdAt`` ascending, so, for ``latest = v - 1``, the keys
    ``(has, -c, id)`` with ``c <= latest`` are exactly those from ``(has, -latest)`` up to ``(has, inf)``;
    for ``earliest = v + 1``, those with ``c >= earliest`` run from ``(has,)`` up to
    ``(has, -earliest + 1)``. A key without createdAt has the other flag and falls outside both ranges.
    """
    limit = created_at_limit(job_filter)  # S-7's inclusive limit, from its one home
    if job_filter.name is FilterName.BEFORE_CREATED_AT:
        latest = limit
        return (_HAS_CREATED_AT, -latest), (_HAS_CREATED_AT, math.inf)
    earliest = limit
    return (_HAS_CREATED_AT,), (_HAS_CREATED_AT, -earliest + 1)


def _name_run(index: _SortedKeys, pattern: JobNamePattern, after: Key | None) -> Iterator[Key]:
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


def _name_heads(index: _SortedKeys, folded: str, is_prefix: bool, start: str) -> Iterator[str]:
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


# --- Jobs in, jobs out ------------------------------------------------------------------------------------


def _private_copy(job: object) -> dict[str, Any]:
    """A checked copy of a job that shares no mutable value with the caller's, or ``TypeError`` /
    ``ValueError`` naming the member at fault."""
    if isinstance(job, ServiceJob):
        job = {
            field.name: value
            for field in dataclasses.fields(job)
            if (value := job.get(field.name)) is not None
        }
    if not isinstance(job, Mapping):
        raise TypeError(
            f"a job must be a mapping in the wire shape of ServiceJobSummary, got {type(job).__name__}"
        )
    stored = {
        member: value if type(value) in _IMMUTABLE_TYPES else copy.deepcopy(value)
        for member, value in job.items()
    }
    for member in ("jobId", "jobName"):
        value = stored.get(member)
        if not isinstance(value, str):
            raise TypeError(f"job member {member!r} must be a non-empty string, got {type(value).__name__}")
        if not value:
            raise ValueError(f"job member {member!r} must be a non-empty string, got ''")
    job_id = stored["jobId"]
    created_at = stored.get("createdAt")
    if created_at is not None and (not isinstance(created_at, int) or isinstance(created_at, bool)):
        raise TypeError(
            f"job {job_id!r}: member 'createdAt' must be an integer, got {type(created_at).__name__}"
        )
    if "version" in stored:
        version = stored["version"]
        if type(version) is not int:
            raise TypeError(
                f"job {job_id!r}: member 'version' must be a non-negative integer, "
                f"got {type(version).__name__}"
            )
        if version < 0:
            raise ValueError(
                f"job {job_id!r}: member 'version' must be a non-negative integer, got {version}"
            )
    for member in _INDEXED_STRING_MEMBERS:
        value = stored.get(member)
        if value is not None and not isinstance(value, str):
            raise TypeError(f"job {job_id!r}: member {member!r} must be a string, got {type(value).__name__}")
    try:
        # Every summary member the listing will project must project: checked now, not at listing time.
        summary = to_summary(stored, _MEMBERS)
    except ServerException as error:
        raise TypeError(error.message) from None
    if all(summary.get(member) is value or member in _NEVER_ECHOED for member, value in stored.items()):
        # Every member is either echoed as it is (an immutable scalar: ``to_summary`` returns the very
        # object) or one of the two the summary drops. Stored in the summary's order, the job's summary
        # is then its copy less those two (``_summary``), with the same items, order and values.
        echoed_as_is = {**summary, **{member: stored[member] for member in _NEVER_ECHOED if member in stored}}
        return echoed_as_is
    return _ProjectedByCore(stored)


class _ProjectedByCore(dict[str, Any]):
    """A stored job whose summary ``to_summary`` builds at listing time: it has a nested value (copied
    afresh for each response, W-3), a member the summary drops, or a value the summary leaves out."""

    __slots__ = ()


# The members the core reads but never echoes (IN-2, IN-3; W-2 drops them).
_NEVER_ECHOED = ("jobQueue", "version")


def _summary(job: dict[str, Any]) -> dict[str, Any]:
    """The wire summary of a stored job: ``to_summary``'s, or its result kept from ``put`` (see
    ``_private_copy``), copied in one C-level step."""
    if type(job) is dict:
        summary = job.copy()
        summary.pop("jobQueue", None)
        summary.pop("version", None)
        return summary
    return to_summary(job, _MEMBERS)


def _public_copy(job: dict[str, Any]) -> dict[str, Any]:
    """A copy of a stored job for a caller: changing it never reaches the store."""
    if type(job) is dict:
        return job.copy()
    return {
        member: value if type(value) in _IMMUTABLE_TYPES else copy.deepcopy(value)
        for member, value in job.items()
    }


def _keys(job: Mapping[str, Any]) -> tuple[Key, Key]:
    """A job's newest-first key and grouped key, from the core's sort key functions (O-1, O-2)."""
    newest = _NEWEST_FIRST(job)
    name, version = _GROUPED(job)[:2]
    return newest, (name, version, newest)


# --- The store --------------------------------------------------------------------------------------------


class ServiceJobStore:
    """Jobs in memory, indexed to answer ``ListServiceJobs`` in O(log N + page).

    ``store.list_service_jobs(request)`` returns exactly what ``list_service_jobs(list(store), request)``
    returns, tokens included, and a token from either one is valid in the other (with the same
    ``token_key``). Every method is thread-safe; a listing sees one consistent state of the store.

    >>> store = ServiceJobStore()
    >>> store.put({"jobId": "a", "jobName": "train", "status": "RUNNING", "createdAt": 1})
    >>> store.put({"jobId": "b", "jobName": "Train", "status": "FAILED", "createdAt": 2})
    >>> [summary["jobId"] for summary in store.list_service_jobs({})["jobSummaryList"]]
    ['a']
    >>> store.put({"jobId": "b", "jobName": "Train", "status": "RUNNING", "createdAt": 2})
    >>> [summary["jobId"] for summary in store.list_service_jobs({})["jobSummaryList"]]
    ['b', 'a']
    >>> store.remove("a"); len(store)
    1
    """

    def __init__(self, *, token_key: bytes | None = None) -> None:
        # A token key is the caller's configuration, not request input: a wrong one is a programming error.
        self._token_key = check_token_key(token_key)
        self._lock = threading.Lock()
        self._jobs: dict[str, dict[str, Any]] = {}
        self._everything = _Scope()
        # One scope per jobQueue value; None holds the jobs without one (listed for every queue, IN-2).
        self._queues: dict[str | None, _Scope] = {}
        # queue_name(value) -> the jobQueue values present that have that name: the only values that can
        # denote a requested queue, since denoting the same queue implies having the same name.
        self._queue_values: dict[str, set[str]] = {}

    def __repr__(self) -> str:
        return f"<ServiceJobStore of {len(self._jobs)} jobs>"

    def __len__(self) -> int:
        return len(self._jobs)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """Copies of the stored jobs, as they were when iteration began. O(N) for the snapshot."""
        with self._lock:
            jobs = list(self._jobs.values())
        return (_public_copy(job) for job in jobs)

    def get(self, job_id: str) -> dict[str, Any] | None:
        """A copy of the job with ``job_id``, or ``None``. O(1)."""
        with self._lock:
            job = self._jobs.get(job_id)
        return None if job is None else _public_copy(job)

    def put(self, job: Mapping[str, Any] | ServiceJob) -> None:
        """Insert a job, or replace the stored job with the same ``jobId`` (any member may change).

        The store keeps a private copy, so changing ``job`` afterwards changes nothing here. A job the
        listing could not answer is refused: ``TypeError`` or ``ValueError`` naming the member (``jobId``
        and ``jobName`` non-empty strings; ``createdAt`` an integer; ``version`` a non-negative integer;
        ``status``, ``jobQueue``, ``shareIdentifier``, ``quotaShareName`` strings; summary members of their
        wire types). O(log N) per index.
        """
        stored = _private_copy(job)
        newest, grouped = _keys(stored)
        job_id = stored["jobId"]
        with self._lock:
            previous = self._jobs.get(job_id)
            if previous is not None:
                self._unindex(previous)
            self._jobs[job_id] = stored
            self._index(stored, newest, grouped)

    def remove(self, job_id: str) -> None:
        """Remove the job with ``job_id``; nothing happens when there is none. O(log N) per index."""
        with self._lock:
            previous = self._jobs.pop(job_id, None)
            if previous is not None:
                self._unindex(previous)

    def list_service_jobs(self, request: object) -> dict[str, Any]:
        """Answer a ListServiceJobs request over the stored jobs, as ``list_service_jobs`` does.

        Raises ``ClientException`` for a bad request, exactly as the pure function does. O(log N + k) for
        a page of k (see the module's notes for the filters that merge a few runs).
        """
        query = parse_request(LIST_SERVICE_JOBS, request, token_key=self._token_key)
        limit = query.max_results
        with self._lock:
            keys = list(islice(self._selected_keys(query), limit + 1))
            grouped = groups_by_name(query)
            jobs = [self._jobs[_job_id_of(key, grouped)] for key in keys[:limit]]
        # Stored jobs are never mutated (put replaces them), so the page is projected outside the lock.
        summaries = [_summary(job) for job in jobs]
        next_token = None
        if len(keys) > limit:
            last = keys[limit - 1]
            sort_key = _flat(last) if grouped else last
            next_token = encode_token(sort_key, query, token_key=self._token_key)
        return response(summaries, next_token)

    # --- internals ---

    def _index(self, job: dict[str, Any], newest: Key, grouped: Key) -> None:
        self._everything.add(job, newest, grouped)
        job_queue = job.get("jobQueue")
        scope = self._queues.get(job_queue)
        if scope is None:
            scope = self._queues[job_queue] = _Scope()
            if job_queue is not None:
                self._queue_values.setdefault(queue_name(job_queue), set()).add(job_queue)
        scope.add(job, newest, grouped)

    def _unindex(self, job: dict[str, Any]) -> None:
        newest, grouped = _keys(job)
        self._everything.discard(job, newest, grouped)
        job_queue = job.get("jobQueue")
        scope = self._queues[job_queue]
        scope.discard(job, newest, grouped)
        if not scope.size:
            del self._queues[job_queue]
            if job_queue is not None:
                name = queue_name(job_queue)
                self._queue_values[name].discard(job_queue)
                if not self._queue_values[name]:
                    del self._queue_values[name]

    def _scopes(self, job_queue: str | None) -> list[_Scope]:
        """The scopes holding the jobs a queue selects (IN-2, S-9, through the core's ``QueueMatcher``)."""
        if job_queue is None:
            return [self._everything]
        accepts = QueueMatcher(job_queue)
        values: list[str | None] = [None, *sorted(self._queue_values.get(queue_name(job_queue), ()))]
        return [self._queues[value] for value in values if value in self._queues and accepts[value]]

    def _selected_keys(self, query: ListQuery) -> Iterator[Key]:
        """The keys of the jobs ``query`` selects, after its cursor, in its order (lazy; under the lock)."""
        after: Key | None = None if query.after is None else query.after.sort_key
        if after is not None and groups_by_name(query):
            after = (after[0], after[1], tuple(after[2:]))
        status = selected_status(query)
        job_filter = query.job_filter
        runs: list[Iterator[Key]] = []
        for scope in self._scopes(query.job_queue):
            if job_filter is None:
                # S-1, S-2: one status bucket.
                runs.extend(
                    _range_run(bucket, None, None, after)
                    for bucket in _status_buckets(scope.by_status, status)
                )
            elif job_filter.name in _CREATED_AT_FILTERS:
                lower, upper = _created_at_range(job_filter)
                runs.extend(
                    _range_run(bucket, lower, upper, after)
                    for bucket in _status_buckets(scope.by_status, status)
                )
            elif job_filter.name in _MEMBER_FILTERS:
                # S-4: exact equality with the member, with jobStatus when given.
                by_value = (
                    scope.by_share if job_filter.name is FilterName.SHARE_IDENTIFIER else scope.by_quota
                )
                buckets = _status_buckets(by_value.get(job_filter.value, {}), status)
                runs.extend(_range_run(bucket, None, None, after) for bucket in buckets)
            elif job_filter.name is FilterName.JOB_NAME:
                run = _name_run(scope.by_name, JobNamePattern.parse(job_filter.value), after)
                if status is not None:
                    # S-3 ignores jobStatus with JOB_NAME; kept so a change to selected_status stays right.
                    run = (key for key in run if self._jobs[_job_id_of(key, True)].get("status") == status)
                runs.append(run)
            else:
                raise ServerException(f"ServiceJobStore cannot answer the filter {job_filter.name.value}")
        if len(runs) == 1:
            return runs[0]
        return heapq.merge(*runs)

    def _check(self) -> None:
        """Assert every index invariant: each job is in exactly the buckets its members name, under the
        keys the core's sort key functions give it, and every index is well formed. O(N log N)."""
        with self._lock:
            jobs = self._jobs
            for job_id, job in jobs.items():
                _require(job["jobId"] == job_id, f"job {job_id!r} stored under its jobId")
                newest, grouped = _keys(job)
                _require(_flat(grouped) == _GROUPED(job), f"grouped key of {job_id!r} is the core's")
                _require(
                    list(_summary(job).items()) == list(to_summary(job, _MEMBERS).items()),
                    f"summary of {job_id!r} is the core's, member for member and in order",
                )
            _check_scope(self._everything, list(jobs.values()), jobs, "every job")
            expected_values: dict[str | None, list[dict[str, Any]]] = {}
            for job in jobs.values():
                expected_values.setdefault(job.get("jobQueue"), []).append(job)
            _require(set(self._queues) == set(expected_values), "one scope per jobQueue value present")
            for value, scope in self._queues.items():
                _check_scope(scope, expected_values[value], jobs, f"jobQueue {value!r}")
            names: dict[str, set[str]] = {}
            for value in expected_values:
                if value is not None:
                    names.setdefault(queue_name(value), set()).add(value)
            _require(self._queue_values == names, "queue values by queue name")


def _check_scope(
    scope: _Scope, members: list[dict[str, Any]], jobs: dict[str, dict[str, Any]], what: str
) -> None:
    """Assert that one scope indexes exactly ``members``."""
    member_ids = {job["jobId"] for job in members}
    _require(scope.size == len(members), f"{what}: size")

    def check_buckets(buckets: StatusBuckets, expected: Iterable[dict[str, Any]], label: str) -> None:
        count = 0
        for status, bucket in buckets.items():
            bucket._check()
            _require(len(bucket) > 0, f"{what}: {label}: no empty bucket")
            for key in bucket:
                job = jobs.get(_job_id_of(key, False))
                _require(
                    job is not None and job["jobId"] in member_ids, f"{what}: {label}: {key!r} is a member"
                )
                assert job is not None
                _require(job.get("status") == status, f"{what}: {label}: {key!r} under its status")
                _require(key == _NEWEST_FIRST(job), f"{what}: {label}: {key!r} is the core's key")
            count += len(bucket)
        _require(count == sum(1 for _ in expected), f"{what}: {label}: every job once")

    check_buckets(scope.by_status, members, "by_status")
    for member, by_value in (("shareIdentifier", scope.by_share), ("quotaShareName", scope.by_quota)):
        for value, buckets in by_value.items():
            _require(bool(buckets), f"{what}: {member} {value!r} has buckets")
            for bucket in buckets.values():
                for key in bucket:
                    _require(
                        jobs[_job_id_of(key, False)].get(member) == value,
                        f"{what}: {key!r} under its {member}",
                    )
            check_buckets(
                buckets, (job for job in members if job.get(member) == value), f"{member} {value!r}"
            )
        values = {job[member] for job in members if job.get(member) is not None}
        _require(set(by_value) == values, f"{what}: one index per {member} present")
    scope.by_name._check()
    _require(len(scope.by_name) == len(members), f"{what}: by_name holds every job")
    for key in scope.by_name:
        job = jobs[_job_id_of(key, True)]
        _require(job["jobId"] in member_ids and _flat(key) == _GROUPED(job), f"{what}: by_name key {key!r}")
