"""One scope of indexes, and how each filter's index plan reads it (rules S-1 to S-9, O-1, O-2, LJ-9).

Theory of operation: a scope indexes one set of jobs (every job, the jobs of one ``jobQueue`` value, or
the children of one parent job) under the core's own sort keys (``_ordering``):

- ``by_status``: status -> newest-first keys ``(no_created_at, -createdAt, jobId)`` (O-1);
- ``by_member``: for each member a ``MEMBER_EQUALS`` filter reads (``shareIdentifier``,
  ``quotaShareName``): value -> status -> newest-first keys;
- ``by_definition`` (when the operation has a ``DEFINITION_PATTERN`` filter): by definition name and by
  the exact ``jobDefinition`` -> status -> newest-first keys, and the distinct names in order;
- ``by_name``: grouped keys ``(jobName, version, newest-first key)`` (O-2).

A job's newest-first key is one tuple shared by every index it is in, so an index costs a list slot per
job, not a key. ``scope_runs`` turns a query into runs: iterators of keys in the query's order, past the
cursor, that the store merges. Each filter's ``IndexPlan`` (its spec, ``_filters``) picks the indexes; a
``SCAN`` plan reads the status indexes and tests each job with the spec's predicate, so a filter with no
index of its own is still answered, in order, by any store.
"""

from __future__ import annotations

import math
from bisect import bisect_left, insort
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from itertools import takewhile
from typing import Any

from .. import _decisions
from .._definitions import JobDefinitionPattern, PatternKind, job_definition_name
from .._filters import FILTERS, CreatedAtBound, IndexPlan
from .._operations import Operation
from .._query import ListQuery
from ._name_ranges import name_run
from ._sorted_keys import Key, SortedKeys

__all__ = ["PLANS", "Layout", "Scope", "StatusBuckets", "job_id_of", "scope_runs"]

StatusBuckets = dict[Any, SortedKeys]
JobOf = Callable[[Key, bool], Mapping[str, Any]]


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
        _bucket(self.by_name.setdefault(name, {}), status).add(newest)
        _bucket(self.by_arn.setdefault(definition, {}), status).add(newest)

    def discard(self, definition: str, status: Any, newest: Key) -> None:
        name = job_definition_name(definition)
        _discard_from(self.by_name, name, status, newest)
        if name not in self.by_name:
            del self.names[bisect_left(self.names, name)]
        _discard_from(self.by_arn, definition, status, newest)

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

    __slots__ = ("by_definition", "by_member", "by_name", "by_status", "size")

    def __init__(self, layout: Layout) -> None:
        self.by_status: StatusBuckets = {}
        self.by_member: dict[str, dict[str, StatusBuckets]] = {
            member: {} for member in layout.equality_members
        }
        self.by_definition = _DefinitionIndex() if layout.definitions else None
        self.by_name = SortedKeys()
        self.size = 0

    def add(self, job: Mapping[str, Any], newest: Key, grouped: Key) -> None:
        status = job.get("status")
        _bucket(self.by_status, status).add(newest)
        for member, by_value in self.by_member.items():
            value = job.get(member)
            if value is not None:
                _bucket(by_value.setdefault(value, {}), status).add(newest)
        definition = job.get("jobDefinition")
        if self.by_definition is not None and definition is not None:
            self.by_definition.add(definition, status, newest)
        self.by_name.add(grouped)
        self.size += 1

    def discard(self, job: Mapping[str, Any], newest: Key, grouped: Key) -> None:
        status = job.get("status")
        _discard(self.by_status, status, newest)
        for member, by_value in self.by_member.items():
            value = job.get(member)
            if value is not None:
                _discard_from(by_value, value, status, newest)
        definition = job.get("jobDefinition")
        if self.by_definition is not None and definition is not None:
            self.by_definition.discard(definition, status, newest)
        self.by_name.remove(grouped)
        self.size -= 1


def _bucket(buckets: StatusBuckets, status: Any) -> SortedKeys:
    bucket = buckets.get(status)
    if bucket is None:
        bucket = buckets[status] = SortedKeys()
    return bucket


def _discard(buckets: StatusBuckets, status: Any, key: Key) -> None:
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


def range_run(index: SortedKeys, lower: Key | None, upper: Key | None, after: Key | None) -> Iterator[Key]:
    """The keys of ``index`` in ``[lower, upper)`` (``None``: unbounded) that sort after the cursor."""
    if after is not None and (lower is None or after >= lower):
        keys = index.walk(after, inclusive=False)
    else:
        keys = index.walk(lower, inclusive=True)
    if upper is None:
        return keys
    return takewhile(upper.__gt__, keys)


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


def _status_runs(
    scope: Scope, query: ListQuery, status: str | None, after: Key | None, job_of: JobOf
) -> list[Iterator[Key]]:
    # S-1, S-2: one status bucket.
    return [range_run(bucket, None, None, after) for bucket in status_buckets(scope.by_status, status)]


def _created_at_runs(
    scope: Scope, query: ListQuery, status: str | None, after: Key | None, job_of: JobOf
) -> list[Iterator[Key]]:
    assert query.job_filter is not None
    lower, upper = created_at_range(query.job_filter.parsed)
    return [range_run(bucket, lower, upper, after) for bucket in status_buckets(scope.by_status, status)]


def _member_runs(
    scope: Scope, query: ListQuery, status: str | None, after: Key | None, job_of: JobOf
) -> list[Iterator[Key]]:
    # S-4: exact equality with the member, with jobStatus when given.
    assert query.job_filter is not None
    by_value = scope.by_member[query.job_filter.spec.member]
    buckets = status_buckets(by_value.get(query.job_filter.parsed, {}), status)
    return [range_run(bucket, None, None, after) for bucket in buckets]


def _definition_runs(
    scope: Scope, query: ListQuery, status: str | None, after: Key | None, job_of: JobOf
) -> list[Iterator[Key]]:
    assert query.job_filter is not None and scope.by_definition is not None
    buckets = scope.by_definition.buckets(query.job_filter.parsed, status)
    return [range_run(bucket, None, None, after) for bucket in buckets]


def _name_runs(
    scope: Scope, query: ListQuery, status: str | None, after: Key | None, job_of: JobOf
) -> list[Iterator[Key]]:
    assert query.job_filter is not None
    return [_with_status(name_run(scope.by_name, query.job_filter.parsed, after), status, job_of)]


def _scan_runs(
    scope: Scope, query: ListQuery, status: str | None, after: Key | None, job_of: JobOf
) -> list[Iterator[Key]]:
    # A filter without an index of its own: its jobs in the query's order, each tested by its predicate.
    assert query.job_filter is not None
    spec = query.job_filter.spec
    matches = spec.predicate(query.job_filter.parsed)
    if spec.groups_by_name:
        walk = _with_status(scope.by_name.walk(after, inclusive=False), status, job_of)
        return [(key for key in walk if matches(job_of(key, True)))]
    return [
        (key for key in range_run(bucket, None, None, after) if matches(job_of(key, False)))
        for bucket in status_buckets(scope.by_status, status)
    ]


def _with_status(keys: Iterator[Key], status: str | None, job_of: JobOf) -> Iterator[Key]:
    """Grouped keys of the jobs with ``status`` (``None``: all): S-3 ignores jobStatus under JOB_NAME, but a
    grouped filter that combined with a status would still be answered right."""
    if status is None:
        return keys
    return (key for key in keys if job_of(key, True).get("status") == status)


Plan = Callable[[Scope, ListQuery, "str | None", "Key | None", JobOf], list[Iterator[Key]]]

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
    scope: Scope, query: ListQuery, status: str | None, after: Key | None, job_of: JobOf
) -> list[Iterator[Key]]:
    """The runs of keys ``query`` selects in ``scope``, each in the query's order and past ``after``."""
    spec = query.filter_spec
    return PLANS[None if spec is None else spec.index_plan](scope, query, status, after, job_of)
