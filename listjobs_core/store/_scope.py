"""One scope of indexes, and how each filter's index plan reads it (rules S-1 to S-9, O-1, O-2, LJ-9).

Theory of operation: a scope indexes one set of jobs (every job, the jobs of one ``jobQueue`` value or of
one queue name, or the children of one parent job) under the core's own sort keys (``_ordering``):

- ``by_status``: status -> newest-first keys ``(no_created_at, -createdAt, jobId)`` (O-1), each bucket a
  ``NewestKeys``, which a status change locates a key in by packed integer codes;
- ``by_created``: every newest-first key, whatever the status: a created-at filter, which ignores the
  status (S-3), is one range of it;
- ``by_member``: for each member a ``MEMBER_EQUALS`` filter reads (``shareIdentifier``,
  ``quotaShareName``): value -> status -> newest-first keys (S-4 with ``jobStatus``), and
  ``by_member_any``: value -> newest-first keys (S-4 without);
- ``by_definition`` (when the operation has a ``DEFINITION_PATTERN`` filter): by definition name and by
  the exact ``jobDefinition`` -> status -> newest-first keys, and the distinct names in order;
- ``by_name``: grouped keys ``(jobName, version, newest-first key)`` (O-2), and ``by_folded``: the same
  keys under the folded name, read as ``(folded jobName, grouped key)`` (``FoldedKeys``, ``_name_ranges``).

A job's newest-first key is one tuple shared by every index it is in, and its grouped key one tuple shared
by the two name indexes, so an index costs a list slot per job, not a key. A status change moves that key
between the status buckets only (``by_status``, ``by_member``'s, ``by_definition``'s: every one keyed by
status is a ``NewestKeys``, 8 bytes a key more for its code): the other indexes do not depend on the
status. ``scope_runs`` turns a query into runs: iterators of keys in the query's order, past the cursor,
that the store merges when it reads more than one. Each filter's ``IndexPlan`` (its spec, ``_filters``)
picks the indexes; a ``SCAN`` plan reads the status indexes (or ``by_created``) and tests each job with the
spec's predicate, so a filter with no index of its own is still answered, in order, by any store.
"""

from __future__ import annotations

import math
from bisect import bisect_left, insort
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import takewhile
from typing import Any, NamedTuple

from .. import _decisions
from .._definitions import JobDefinitionPattern, PatternKind, job_definition_name
from .._filters import FILTERS, CreatedAtBound, IndexPlan
from .._name_heads import FoldTable
from .._operations import Operation
from .._query import ListQuery
from ._name_ranges import name_run
from ._sorted_keys import FoldedKeys, Key, NewestKeys, SortedKeys, folded_pair

__all__ = [
    "PLANS",
    "IndexLists",
    "JobKeys",
    "Layout",
    "RangeRun",
    "Reading",
    "Scope",
    "StatusBuckets",
    "job_id_of",
    "scope_runs",
]

StatusBuckets = dict[Any, NewestKeys]
JobOf = Callable[[Key, bool], Mapping[str, Any]]


class JobKeys(NamedTuple):
    """A job's keys: newest-first (O-1), grouped ``(jobName, version, newest)`` (O-2), and the grouped key
    under the folded name ``(folded jobName, grouped)``."""

    newest: Key
    grouped: Key
    folded: Key


class Reading(NamedTuple):
    """What a plan needs from the store besides the scope: the job of a key, and the case-fold table."""

    job_of: JobOf
    fold_table: FoldTable


def job_id_of(key: Key, grouped: bool) -> str:
    """The jobId of a newest-first key, or of a grouped key (whose last element is a newest-first key)."""
    job_id: str = key[-1][-1] if grouped else key[-1]
    return job_id


@dataclass(frozen=True)
class Layout:
    """Which indexes the scopes of one operation keep, from its filters' index plans."""

    equality_members: tuple[str, ...]
    definitions: bool

    @classmethod
    def of(cls, operation: Operation) -> Layout:
        specs = [FILTERS[name] for name in operation.filter_names]
        return cls(
            equality_members=tuple(
                spec.member for spec in specs if spec.index_plan is IndexPlan.MEMBER_EQUALS
            ),
            definitions=any(spec.index_plan is IndexPlan.DEFINITION_PATTERN for spec in specs),
        )


class _DefinitionIndex:
    """Jobs by job definition name and by exact ``jobDefinition``, and the names present in order."""

    __slots__ = ("by_arn", "by_name", "names")

    def __init__(self) -> None:
        self.by_name: dict[str, StatusBuckets] = {}
        self.by_arn: dict[str, StatusBuckets] = {}
        self.names: list[str] = []

    def add(self, definition: str, status: Any, newest: Key) -> None:
        name = job_definition_name(definition)
        if name not in self.by_name:
            insort(self.names, name)
        _status_bucket(self.by_name.setdefault(name, {}), status).add(newest)
        _status_bucket(self.by_arn.setdefault(definition, {}), status).add(newest)

    def discard(self, definition: str, status: Any, newest: Key) -> None:
        name = job_definition_name(definition)
        _discard_from(self.by_name, name, status, newest)
        if name not in self.by_name:
            del self.names[bisect_left(self.names, name)]
        _discard_from(self.by_arn, definition, status, newest)

    def move(self, definition: str, before: Any, after: Any, newest: Key) -> None:
        """A job of ``definition`` changes status from ``before`` to ``after``: its key moves between the
        status buckets of its name and of its ``jobDefinition``."""
        _move(self.by_name[job_definition_name(definition)], before, after, newest)
        _move(self.by_arn[definition], before, after, newest)

    def buckets(self, pattern: JobDefinitionPattern, status: str | None) -> list[SortedKeys]:
        """The buckets of the jobs a pattern selects (LJ-9), with ``status`` when given."""
        if pattern.kind is PatternKind.ARN:
            return status_buckets(self.by_arn.get(pattern.text, {}), status)
        if pattern.kind is PatternKind.NAME:
            return status_buckets(self.by_name.get(pattern.text, {}), status)
        found: list[SortedKeys] = []
        for position in range(bisect_left(self.names, pattern.text), len(self.names)):
            name = self.names[position]
            if not name.startswith(pattern.text):
                break
            found.extend(status_buckets(self.by_name[name], status))
        return found


class Scope:
    """The indexes over one set of jobs (see the module's notes)."""

    __slots__ = (
        "by_created",
        "by_definition",
        "by_folded",
        "by_member",
        "by_member_any",
        "by_name",
        "by_status",
        "size",
    )

    def __init__(self, layout: Layout) -> None:
        self.by_status: StatusBuckets = {}
        self.by_created = SortedKeys()
        members = layout.equality_members
        self.by_member: dict[str, dict[str, StatusBuckets]] = {member: {} for member in members}
        self.by_member_any: dict[str, dict[str, SortedKeys]] = {member: {} for member in members}
        self.by_definition = _DefinitionIndex() if layout.definitions else None
        self.by_name = SortedKeys()
        self.by_folded = FoldedKeys()
        self.size = 0

    def add(self, job: Mapping[str, Any], keys: JobKeys) -> None:
        """Index a job under its keys. O(log N) per index."""
        status, newest = job.get("status"), keys.newest
        _status_bucket(self.by_status, status).add(newest)
        self.by_created.add(newest)
        for member, by_value in self.by_member.items():
            value = job.get(member)
            if value is not None:
                _status_bucket(by_value.setdefault(value, {}), status).add(newest)
                _bucket(self.by_member_any[member], value).add(newest)
        definition = job.get("jobDefinition")
        if self.by_definition is not None and definition is not None:
            self.by_definition.add(definition, status, newest)
        self.by_name.add(keys.grouped)
        self.by_folded.add(keys.folded)
        self.size += 1

    def discard(self, job: Mapping[str, Any], keys: JobKeys) -> None:
        """Remove a job indexed under its keys. O(log N) per index."""
        status, newest = job.get("status"), keys.newest
        _discard(self.by_status, status, newest)
        self.by_created.remove(newest)
        for member, by_value in self.by_member.items():
            value = job.get(member)
            if value is not None:
                _discard_from(by_value, value, status, newest)
                _discard(self.by_member_any[member], value, newest)
        definition = job.get("jobDefinition")
        if self.by_definition is not None and definition is not None:
            self.by_definition.discard(definition, status, newest)
        self.by_name.remove(keys.grouped)
        self.by_folded.remove(keys.folded)
        self.size -= 1

    def move_status(self, job: Mapping[str, Any], before: Any, after: Any, newest: Key) -> Key:
        """A job's status changes from ``before`` to ``after``, and nothing else of it: only the status
        buckets change. Returns the job's newest-first key as the scope holds it (equal to ``newest``),
        which the other scopes of the job then move. O(log N) per status bucket the job is in."""
        newest = _move(self.by_status, before, after, newest)
        for member, by_value in self.by_member.items():
            value = job.get(member)
            if value is not None:
                _move(by_value[value], before, after, newest)
        definition = job.get("jobDefinition")
        if self.by_definition is not None and definition is not None:
            self.by_definition.move(definition, before, after, newest)
        return newest

    @classmethod
    def build(cls, layout: Layout, keys: IndexLists, young: Callable[[], object] | None = None) -> Scope:
        """A scope over the jobs of ``keys``, each index cut into chunks at once: O(N). ``young``: see
        ``SortedKeys.from_sorted``."""
        scope = cls(layout)
        scope.by_status = {
            status: NewestKeys.from_sorted(run, young) for status, run in keys.by_status.items()
        }
        scope.by_created = SortedKeys.from_sorted(keys.by_created, young)
        for member, by_value in keys.by_member.items():
            scope.by_member[member] = {
                value: {status: NewestKeys.from_sorted(run, young) for status, run in buckets.items()}
                for value, buckets in by_value.items()
            }
            scope.by_member_any[member] = {
                value: SortedKeys.from_sorted(run, young) for value, run in keys.by_member_any[member].items()
            }
        for job, job_keys in keys.definitions:
            assert scope.by_definition is not None
            scope.by_definition.add(job["jobDefinition"], job.get("status"), job_keys.newest)
        scope.by_name = SortedKeys.from_sorted(keys.by_name, young)
        scope.by_folded = FoldedKeys.from_sorted(keys.by_folded, young)
        scope.size = len(keys.by_created)
        return scope


class IndexLists:
    """The keys of every index of a scope as sorted lists, gathered from many jobs at once, and merged
    from the lists of disjoint sets of jobs (a scope of every job from the scopes of its queues).
    ``by_folded`` holds grouped keys in ``folded_pair`` order (``FoldedKeys.from_sorted``)."""

    __slots__ = (
        "by_created", "by_folded", "by_member", "by_member_any", "by_name", "by_status", "definitions"
    )

    def __init__(self, members: Iterable[str]) -> None:
        self.by_status: dict[Any, list[Key]] = {}
        self.by_created: list[Key] = []
        self.by_member: dict[str, dict[str, dict[Any, list[Key]]]] = {member: {} for member in members}
        self.by_member_any: dict[str, dict[str, list[Key]]] = {member: {} for member in self.by_member}
        self.definitions: list[tuple[Mapping[str, Any], JobKeys]] = []
        self.by_name: list[Key] = []
        self.by_folded: list[Key] = []

    @classmethod
    def gather(cls, layout: Layout, indexed: Iterable[tuple[Mapping[str, Any], JobKeys]]) -> IndexLists:
        """The sorted keys of each index over the jobs of ``indexed``. Jobs in creation order give their
        newest-first keys in descending runs, which sort in O(N); grouped keys are sorted within each name
        and version, and the names once."""
        lists = cls(layout.equality_members)
        by_status, created, by_member, by_member_any = (
            lists.by_status, lists.by_created, lists.by_member, lists.by_member_any
        )
        definitions = layout.definitions
        groups: dict[str, dict[int, list[Key]]] = {}  # jobName -> version -> folded keys
        for job, keys in indexed:
            status, newest = job.get("status"), keys.newest
            by_status.setdefault(status, []).append(newest)
            created.append(newest)
            for member, by_value in by_member.items():
                value = job.get(member)
                if value is not None:
                    by_value.setdefault(value, {}).setdefault(status, []).append(newest)
                    by_member_any[member].setdefault(value, []).append(newest)
            if definitions and job.get("jobDefinition") is not None:
                lists.definitions.append((job, keys))
            grouped = keys.grouped
            groups.setdefault(grouped[0], {}).setdefault(grouped[1], []).append(keys.folded)
        for run in (*by_status.values(), created):
            run.sort()
        for by_value in by_member.values():
            for buckets in by_value.values():
                for run in buckets.values():
                    run.sort()
        for any_status in by_member_any.values():
            for run in any_status.values():
                run.sort()
        by_folded_name: dict[str, list[Key]] = {}
        for name in sorted(groups):
            versions = groups[name]
            for version in sorted(versions):
                run = versions[version]
                run.sort()  # one name and version: by newest-first key
                grouped_run = [grouped for _, grouped in run]
                lists.by_name += grouped_run
                by_folded_name.setdefault(run[0][0], []).extend(grouped_run)
        # Within one folded name the runs were appended in ascending (name, version), each sorted.
        lists.by_folded = [key for folded in sorted(by_folded_name) for key in by_folded_name[folded]]
        return lists

    @classmethod
    def merge(cls, layout: Layout, parts: list[IndexLists]) -> IndexLists:
        """The lists of the union of disjoint sets of jobs: each index's sorted runs joined and merged by
        ``sort`` (which merges sorted runs in O(N log runs))."""
        if len(parts) == 1:
            return parts[0]
        lists = cls(layout.equality_members)
        for part in parts:
            for status, run in part.by_status.items():
                lists.by_status.setdefault(status, []).extend(run)
            lists.by_created += part.by_created
            for member, by_value in part.by_member.items():
                for value, buckets in by_value.items():
                    merged = lists.by_member[member].setdefault(value, {})
                    for status, run in buckets.items():
                        merged.setdefault(status, []).extend(run)
                for value, run in part.by_member_any[member].items():
                    lists.by_member_any[member].setdefault(value, []).extend(run)
            lists.definitions += part.definitions
            lists.by_name += part.by_name
            lists.by_folded += part.by_folded
        for run in (*lists.by_status.values(), lists.by_created, lists.by_name):
            run.sort()
        lists.by_folded.sort(key=folded_pair)
        for member, by_value in lists.by_member.items():
            for buckets in by_value.values():
                for run in buckets.values():
                    run.sort()
            for run in lists.by_member_any[member].values():
                run.sort()
        return lists


def _bucket(buckets: dict[Any, SortedKeys], status: Any) -> SortedKeys:
    bucket = buckets.get(status)
    if bucket is None:
        bucket = buckets[status] = SortedKeys()
    return bucket


def _status_bucket(buckets: StatusBuckets, status: Any) -> NewestKeys:
    bucket = buckets.get(status)
    if bucket is None:
        bucket = buckets[status] = NewestKeys()
    return bucket


def _move(buckets: StatusBuckets, before: Any, after: Any, key: Key) -> Key:
    """Move a key from the bucket of status ``before`` to that of ``after``; return it as it was held."""
    source = buckets[before]
    held = source.pop(key)
    target = buckets.get(after)
    if target is None:
        target = buckets[after] = NewestKeys()
    target.add(held)
    if not source:
        del buckets[before]
    return held


def _discard(buckets: dict[Any, Any], status: Any, key: Key) -> None:
    bucket = buckets[status]
    bucket.remove(key)
    if not bucket:
        del buckets[status]


def _discard_from(by_value: dict[Any, StatusBuckets], value: Any, status: Any, key: Key) -> None:
    _discard(by_value[value], status, key)
    if not by_value[value]:
        del by_value[value]


def status_buckets(buckets: StatusBuckets, status: str | None) -> list[SortedKeys]:
    """The buckets of the jobs whose status ``selected_status`` selects: one, or all when ``None``."""
    if status is None:
        return list(buckets.values())
    bucket = buckets.get(status)
    return [] if bucket is None else [bucket]


# --- Runs: the keys one index contributes to a page ---------------------------------------------------------


class RangeRun:
    """The keys of one index in ``[lower, upper)`` (``None``: unbounded) that sort after the cursor: a run
    to iterate, or, when a page reads this run alone, to ``take`` its first keys from the index's chunks by
    slices (``SortedKeys.take``), with no Python step per key."""

    __slots__ = ("_index", "_start", "_inclusive", "_upper")

    def __init__(self, index: SortedKeys, lower: Key | None, upper: Key | None, after: Key | None) -> None:
        self._index, self._upper = index, upper
        self._start: Key | None
        if after is not None and (lower is None or after >= lower):
            self._start, self._inclusive = after, False
        else:
            self._start, self._inclusive = lower, True

    def __iter__(self) -> Iterator[Key]:
        keys = self._index.walk(self._start, inclusive=self._inclusive)
        if self._upper is None:
            return keys
        return takewhile(self._upper.__gt__, keys)

    def take(self, count: int) -> list[Key]:
        """The first ``count`` keys of the run (fewer when it ends): ``list(islice(run, count))``.

        >>> from itertools import islice
        >>> run = RangeRun(SortedKeys.from_sorted([(n,) for n in range(10)]), (2,), (8,), (3,))
        >>> run.take(3), list(islice(run, 3)), run.take(10) == list(run)
        ([(4,), (5,), (6,)], [(4,), (5,), (6,)], True)
        """
        return self._index.take(self._start, inclusive=self._inclusive, stop=self._upper, count=count)


def range_run(index: SortedKeys, lower: Key | None, upper: Key | None, after: Key | None) -> RangeRun:
    """The keys of ``index`` in ``[lower, upper)`` (``None``: unbounded) that sort after the cursor."""
    return RangeRun(index, lower, upper, after)


def created_at_range(bound: CreatedAtBound) -> tuple[Key, Key]:
    """The newest-first key range ``[lower, upper)`` of the jobs a created-at bound keeps.

    Mirrors ``CreatedAtBound.admits`` (S-7) and S-8 (a job without createdAt matches neither filter).
    ``_ordering.newest_first_key`` gives a job with createdAt the key ``(has, -createdAt, jobId)``, where
    ``has`` is ``not MISSING_CREATED_AT_SORTS_LAST``; newest first is ``-createdAt`` ascending, so the keys
    with ``earliest <= createdAt <= latest`` run from ``(has, -latest)`` up to ``(has, -earliest + 1)``.
    A key without createdAt has the other flag and falls outside the range.
    """
    has_created_at = not _decisions.MISSING_CREATED_AT_SORTS_LAST
    lower: Key = (has_created_at,) if bound.latest is None else (has_created_at, -bound.latest)
    upper: Key = (has_created_at, math.inf if bound.earliest is None else -bound.earliest + 1)
    return lower, upper


def _newest_first_indexes(scope: Scope, status: str | None) -> list[SortedKeys]:
    """Every job of the scope with the status ``selected_status`` selects, newest first: one index."""
    if status is None:
        return [scope.by_created]
    return status_buckets(scope.by_status, status)


def _status_runs(
    scope: Scope, query: ListQuery, status: str | None, after: Key | None, reading: Reading
) -> list[Iterable[Key]]:
    # S-1, S-2: one status bucket.
    return [range_run(index, None, None, after) for index in _newest_first_indexes(scope, status)]


def _created_at_runs(
    scope: Scope, query: ListQuery, status: str | None, after: Key | None, reading: Reading
) -> list[Iterable[Key]]:
    # S-7, S-8: one range of the newest-first keys (of every status: S-3).
    assert query.job_filter is not None
    lower, upper = created_at_range(query.job_filter.parsed)
    return [range_run(index, lower, upper, after) for index in _newest_first_indexes(scope, status)]


def _member_runs(
    scope: Scope, query: ListQuery, status: str | None, after: Key | None, reading: Reading
) -> list[Iterable[Key]]:
    # S-4: exact equality with the member, with jobStatus when given.
    assert query.job_filter is not None
    member, value = query.job_filter.spec.member, query.job_filter.parsed
    if status is None:
        index = scope.by_member_any[member].get(value)
        return [] if index is None else [range_run(index, None, None, after)]
    buckets = status_buckets(scope.by_member[member].get(value, {}), status)
    return [range_run(bucket, None, None, after) for bucket in buckets]


def _definition_runs(
    scope: Scope, query: ListQuery, status: str | None, after: Key | None, reading: Reading
) -> list[Iterable[Key]]:
    assert query.job_filter is not None and scope.by_definition is not None
    buckets = scope.by_definition.buckets(query.job_filter.parsed, status)
    return [range_run(bucket, None, None, after) for bucket in buckets]


def _name_runs(
    scope: Scope, query: ListQuery, status: str | None, after: Key | None, reading: Reading
) -> list[Iterable[Key]]:
    assert query.job_filter is not None
    run = name_run(scope.by_name, scope.by_folded, query.job_filter.parsed, after, reading.fold_table)
    return [_with_status(run, status, reading.job_of)]


def _scan_runs(
    scope: Scope, query: ListQuery, status: str | None, after: Key | None, reading: Reading
) -> list[Iterable[Key]]:
    # A filter without an index of its own: its jobs in the query's order, each tested by its predicate.
    assert query.job_filter is not None
    spec = query.job_filter.spec
    matches = spec.predicate(query.job_filter.parsed)
    job_of = reading.job_of
    if spec.groups_by_name:
        walk = _with_status(scope.by_name.walk(after, inclusive=False), status, job_of)
        return [(key for key in walk if matches(job_of(key, True)))]
    return [
        (key for key in range_run(index, None, None, after) if matches(job_of(key, False)))
        for index in _newest_first_indexes(scope, status)
    ]


def _with_status(keys: Iterable[Key], status: str | None, job_of: JobOf) -> Iterable[Key]:
    """Grouped keys of the jobs with ``status`` (``None``: all): S-3 ignores jobStatus under JOB_NAME, but a
    grouped filter that combined with a status would still be answered right."""
    if status is None:
        return keys
    return (key for key in keys if job_of(key, True).get("status") == status)


Plan = Callable[[Scope, ListQuery, "str | None", "Key | None", Reading], list[Iterable[Key]]]

# How each index plan of ``_filters.IndexPlan`` reads a scope; ``None`` stands for "no filter".
PLANS: dict[IndexPlan | None, Plan] = {
    None: _status_runs,
    IndexPlan.CREATED_AT_RANGE: _created_at_runs,
    IndexPlan.MEMBER_EQUALS: _member_runs,
    IndexPlan.DEFINITION_PATTERN: _definition_runs,
    IndexPlan.NAME_PATTERN: _name_runs,
    IndexPlan.SCAN: _scan_runs,
}


def scope_runs(
    scope: Scope, query: ListQuery, status: str | None, after: Key | None, reading: Reading
) -> list[Iterable[Key]]:
    """The runs of keys ``query`` selects in ``scope``, each in the query's order and past ``after``."""
    spec = query.filter_spec
    return PLANS[None if spec is None else spec.index_plan](scope, query, status, after, reading)
