"""The indexes of ListJobsByConsumableResource: jobs by the resources they require, then by status and name
(rules CR-2, CR-5 to CR-7).

Theory of operation: a job requires a resource when an entry of its ``consumableResourceProperties``
denotes it (CR-2, ``_consumable``), and names each resource once (CR-3). A ``ResourceScope`` holds the
jobs of one set, newest first under the core's own O-1 keys (the keys every other index of the store
shares):

- ``by_status``: status -> newest-first keys, and ``by_created``: every key, whatever the status (CR-5);
- ``by_folded``: case-folded ``jobName`` -> status -> newest-first keys, ``by_folded_any``: folded name ->
  keys, and ``names``: the distinct folded names in order, for JOB_NAME (S-5, S-6): an exact name is one
  run; a prefix is the run of each folded name that starts with it (adjacent in ``names``), merged;
  ``*`` alone is ``by_status`` or ``by_created``.

A ``ResourceIndex`` keeps a scope per resource name (every job with an entry of that name, however the
entry names it) and a scope per entry identifier as written (a name, or an ARN). A request by name reads
the name's scope (a name denotes every identifier of that name); a request by ARN reads the scopes of the
ARN and of the bare name, the only identifiers that denote it (CR-2), which hold disjoint jobs. So a page
is a merge of at most two runs (or, for a JOB_NAME prefix, of one run per folded name it covers), stopped
after ``maxResults + 1`` keys: O(log N + page) for a page of an exact name, of a status, or of neither.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .._consumable import PROPERTIES, is_resource_arn, requirements, resource_name
from .._names import JobNamePattern
from ._scope import range_run
from ._sorted_keys import Key, SortedKeys

__all__ = ["ResourceIndex", "ResourceScope", "requires_resources"]

_Buckets = dict[Any, SortedKeys]


def requires_resources(job: Mapping[str, Any]) -> bool:
    """Whether a stored job may require a resource (it has ``consumableResourceProperties``)."""
    return job.get(PROPERTIES) is not None


class ResourceScope:
    """The jobs of one resource name or identifier (see the module's notes)."""

    __slots__ = ("by_created", "by_folded", "by_folded_any", "by_status", "names", "size")

    def __init__(self) -> None:
        self.by_status: _Buckets = {}
        self.by_created = SortedKeys()
        self.by_folded: dict[str, _Buckets] = {}
        self.by_folded_any: dict[str, SortedKeys] = {}
        self.names: list[str] = []
        self.size = 0

    def add(self, status: Any, folded: str, key: Key) -> None:
        _bucket(self.by_status, status).add(key)
        self.by_created.add(key)
        if folded not in self.by_folded_any:
            insort(self.names, folded)
        _bucket(self.by_folded.setdefault(folded, {}), status).add(key)
        _bucket(self.by_folded_any, folded).add(key)
        self.size += 1

    def discard(self, status: Any, folded: str, key: Key) -> None:
        _discard(self.by_status, status, key)
        self.by_created.remove(key)
        by_status = self.by_folded[folded]
        _discard(by_status, status, key)
        if not by_status:
            del self.by_folded[folded]
        _discard(self.by_folded_any, folded, key)
        if folded not in self.by_folded_any:
            del self.names[bisect_left(self.names, folded)]
        self.size -= 1

    def move_status(self, before: Any, after: Any, folded: str, key: Key) -> None:
        """A job's status changes and nothing else of it: only its status buckets change."""
        _discard(self.by_status, before, key)
        _bucket(self.by_status, after).add(key)
        by_status = self.by_folded[folded]
        _discard(by_status, before, key)
        _bucket(by_status, after).add(key)

    def runs(
        self, status: str | None, pattern: JobNamePattern | None, after: Key | None
    ) -> list[Iterator[Key]]:
        """The runs of keys of the jobs with ``status`` (``None``: any, CR-5) whose name ``pattern`` matches
        (``None``: any), each newest first past ``after`` (CR-7)."""
        if pattern is None or (pattern.is_prefix and not pattern.folded):
            indexes = [self.by_created] if status is None else _status_bucket(self.by_status, status)
            return [range_run(index, None, None, after) for index in indexes]
        if pattern.is_prefix:
            start = bisect_left(self.names, pattern.folded)
            folded_names = []
            for folded in self.names[start:]:
                if not folded.startswith(pattern.folded):
                    break
                folded_names.append(folded)
        else:
            folded_names = [pattern.folded] if pattern.folded in self.by_folded_any else []
        runs: list[Iterator[Key]] = []
        for folded in folded_names:
            if status is None:
                indexes = [self.by_folded_any[folded]]
            else:
                indexes = _status_bucket(self.by_folded[folded], status)
            runs.extend(range_run(index, None, None, after) for index in indexes)
        return runs


class ResourceIndex:
    """The jobs by resource name and by entry identifier (see the module's notes)."""

    __slots__ = ("by_name", "by_value")

    def __init__(self) -> None:
        self.by_name: dict[str, ResourceScope] = {}
        self.by_value: dict[str, ResourceScope] = {}

    @classmethod
    def gather(cls, jobs: Iterable[tuple[Mapping[str, Any], Key]]) -> ResourceIndex:
        """An index of ``jobs`` (each with its newest-first key)."""
        index = cls()
        for job, key in jobs:
            if requires_resources(job):
                index.add(job, key)
        return index

    def _entries(self, job: Mapping[str, Any]) -> list[tuple[str, str]]:
        """The (identifier, name) of each resource a stored (hence well-formed, CR-3) job requires."""
        return [(identifier, resource_name(identifier)) for identifier, _ in requirements(job)]

    def add(self, job: Mapping[str, Any], key: Key) -> None:
        status, folded = job.get("status"), job["jobName"].casefold()
        for identifier, name in self._entries(job):
            _scope(self.by_name, name).add(status, folded, key)
            _scope(self.by_value, identifier).add(status, folded, key)

    def discard(self, job: Mapping[str, Any], key: Key) -> None:
        status, folded = job.get("status"), job["jobName"].casefold()
        for identifier, name in self._entries(job):
            for scopes, value in ((self.by_name, name), (self.by_value, identifier)):
                scope = scopes[value]
                scope.discard(status, folded, key)
                if not scope.size:
                    del scopes[value]

    def move_status(self, job: Mapping[str, Any], before: Any, after: Any, key: Key) -> None:
        folded = job["jobName"].casefold()
        for identifier, name in self._entries(job):
            self.by_name[name].move_status(before, after, folded, key)
            self.by_value[identifier].move_status(before, after, folded, key)

    def keys(
        self, requested: str, status: str | None, pattern: JobNamePattern | None, after: Key | None
    ) -> Iterator[Key]:
        """The keys of the jobs a request selects, newest first past ``after`` (lazy)."""
        name = resource_name(requested)
        if is_resource_arn(requested):
            # CR-2: an ARN denotes itself and its bare name only.
            scopes = [self.by_value[value] for value in (requested, name) if value in self.by_value]
        else:
            scope = self.by_name.get(name)
            scopes = [] if scope is None else [scope]
        runs = [run for scope in scopes for run in scope.runs(status, pattern, after)]
        if len(runs) == 1:
            return runs[0]
        return heapq.merge(*runs)


def _scope(scopes: dict[str, ResourceScope], value: str) -> ResourceScope:
    scope = scopes.get(value)
    if scope is None:
        scope = scopes[value] = ResourceScope()
    return scope


def _bucket(buckets: _Buckets, value: Any) -> SortedKeys:
    bucket = buckets.get(value)
    if bucket is None:
        bucket = buckets[value] = SortedKeys()
    return bucket


def _discard(buckets: _Buckets, value: Any, key: Key) -> None:
    bucket = buckets[value]
    bucket.remove(key)
    if not bucket:
        del buckets[value]


def _status_bucket(buckets: _Buckets, status: str) -> list[SortedKeys]:
    bucket = buckets.get(status)
    return [] if bucket is None else [bucket]
