"""The indexes of ListJobsByConsumableResource: jobs by the resources they require, then by status and name
(rules CR-2, CR-5 to CR-7).

Theory of operation: a job requires a resource when an entry of its ``consumableResourceProperties``
denotes it (CR-2, ``_consumable``), and names each resource once (CR-3). A ``ResourceScope`` holds the
jobs of one set under the core's own keys (``JobKeys``, the tuples every other index of the store shares):

- ``by_status``: status -> newest-first keys, and ``by_created``: every newest-first key, whatever the
  status (CR-5): the page of a request without JOB_NAME (O-1);
- ``by_name``: grouped keys ``(jobName, version, newest-first key)`` and ``by_folded``: the same under the
  folded name, as a scope of the other listings keeps them (``_name_ranges``), and ``by_status_name``,
  ``by_status_folded``: the same per status, for JOB_STATUS and JOB_NAME together (CR-6). Under JOB_NAME a
  page is grouped by name and version (CR-7, as O-2), so it is ``name_run`` over the pair of the status
  asked for (or of every status): an exact name is one range of ``by_folded``, ``*`` alone a walk of
  ``by_name``, a prefix a walk of ``by_name`` under each head of the prefix, in order.

A ``ResourceIndex`` keeps a scope per resource name (every job with an entry of that name, however the
entry names it) and a scope per entry identifier as written (a name, or an ARN). A request by name reads
the name's scope (a name denotes every identifier of that name); a request by ARN reads the scopes of the
ARN and of the bare name, the only identifiers that denote it (CR-2), which hold disjoint jobs. So a page
is one run, or a merge of two, stopped after ``maxResults + 1`` keys: O(log N + page).
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .._consumable import PROPERTIES, is_resource_arn, requirements, resource_name
from .._name_heads import FoldTable
from .._names import JobNamePattern
from .._operations import LIST_JOBS_BY_CONSUMABLE_RESOURCE
from .._records import Stored, job_view
from .._wire import ResourceSummaryParts
from ._name_ranges import name_run
from ._scope import JobKeys, range_run
from ._sorted_keys import Key, SortedKeys

__all__ = ["ResourceIndex", "ResourceScope", "ResourceSummaries", "requires_resources"]

_Buckets = dict[Any, SortedKeys]


def requires_resources(job: Mapping[str, Any]) -> bool:
    """Whether a stored job may require a resource (it has ``consumableResourceProperties``)."""
    return job.get(PROPERTIES) is not None


class ResourceScope:
    """The jobs of one resource name or identifier (see the module's notes)."""

    __slots__ = (
        "by_created", "by_folded", "by_name", "by_status", "by_status_folded", "by_status_name", "size"
    )

    def __init__(self) -> None:
        self.by_status: _Buckets = {}
        self.by_created = SortedKeys()
        self.by_name = SortedKeys()
        self.by_folded = SortedKeys()
        self.by_status_name: _Buckets = {}
        self.by_status_folded: _Buckets = {}
        self.size = 0

    def add(self, status: Any, keys: JobKeys) -> None:
        _bucket(self.by_status, status).add(keys.newest)
        self.by_created.add(keys.newest)
        self.by_name.add(keys.grouped)
        self.by_folded.add(keys.folded)
        _bucket(self.by_status_name, status).add(keys.grouped)
        _bucket(self.by_status_folded, status).add(keys.folded)
        self.size += 1

    def discard(self, status: Any, keys: JobKeys) -> None:
        _discard(self.by_status, status, keys.newest)
        self.by_created.remove(keys.newest)
        self.by_name.remove(keys.grouped)
        self.by_folded.remove(keys.folded)
        _discard(self.by_status_name, status, keys.grouped)
        _discard(self.by_status_folded, status, keys.folded)
        self.size -= 1

    def move_status(self, before: Any, after: Any, keys: JobKeys) -> None:
        """A job's status changes and nothing else of it: only its status buckets change."""
        for buckets, key in (
            (self.by_status, keys.newest),
            (self.by_status_name, keys.grouped),
            (self.by_status_folded, keys.folded),
        ):
            _discard(buckets, before, key)
            _bucket(buckets, after).add(key)

    def runs(
        self, status: str | None, pattern: JobNamePattern | None, after: Key | None, table: FoldTable
    ) -> list[Iterator[Key]]:
        """The runs of keys of the jobs with ``status`` (``None``: any, CR-5) whose name ``pattern`` matches
        (``None``: no JOB_NAME filter), past ``after``: newest-first keys without a pattern, grouped keys
        (O-2) with one (CR-7)."""
        if pattern is None:
            indexes = [self.by_created] if status is None else _status_bucket(self.by_status, status)
            return [range_run(index, None, None, after) for index in indexes]
        if status is None:
            by_name, by_folded = self.by_name, self.by_folded
        else:
            named, folded = self.by_status_name.get(status), self.by_status_folded.get(status)
            if named is None or folded is None:
                return []
            by_name, by_folded = named, folded
        return [name_run(by_name, by_folded, pattern, after, table)]


class ResourceIndex:
    """The jobs by resource name and by entry identifier (see the module's notes)."""

    __slots__ = ("by_name", "by_value")

    def __init__(self) -> None:
        self.by_name: dict[str, ResourceScope] = {}
        self.by_value: dict[str, ResourceScope] = {}

    @classmethod
    def gather(cls, jobs: Iterable[tuple[Mapping[str, Any], JobKeys]]) -> ResourceIndex:
        """An index of ``jobs`` (each with its keys), built at once: the jobs sorted once under each of their
        three keys, each key then appended to the lists of its scopes in order, each list a ``SortedKeys``
        made at once. O(N log N) in C-level sorts, no insertion."""
        index = cls()
        lists: dict[tuple[bool, str], _ScopeLists] = {}
        held: list[tuple[Any, JobKeys, list[_ScopeLists]]] = []
        for job, keys in jobs:
            if not requires_resources(job):
                continue
            targets = []
            for identifier, name in index._entries(job):
                for by_name, value in ((True, name), (False, identifier)):
                    made = lists.get((by_name, value))
                    if made is None:
                        made = lists[(by_name, value)] = _ScopeLists()
                    targets.append(made)
            held.append((job.get("status"), keys, targets))
        for field in range(3):  # JobKeys: newest, grouped, folded
            held.sort(key=lambda item: item[1][field])
            for status, keys, targets in held:
                key = keys[field]
                for made in targets:
                    made.every[field].append(key)
                    by_status = made.by_status[field]
                    bucket = by_status.get(status)
                    if bucket is None:
                        by_status[status] = [key]
                    else:
                        bucket.append(key)
        for (by_name, value), made in lists.items():
            (index.by_name if by_name else index.by_value)[value] = made.scope()
        return index

    def _entries(self, job: Mapping[str, Any]) -> list[tuple[str, str]]:
        """The (identifier, name) of each resource a stored (hence well-formed, CR-3) job requires."""
        return [(identifier, resource_name(identifier)) for identifier, _ in requirements(job)]

    def add(self, job: Mapping[str, Any], keys: JobKeys) -> None:
        status = job.get("status")
        for identifier, name in self._entries(job):
            _scope(self.by_name, name).add(status, keys)
            _scope(self.by_value, identifier).add(status, keys)

    def discard(self, job: Mapping[str, Any], keys: JobKeys) -> None:
        status = job.get("status")
        for identifier, name in self._entries(job):
            for scopes, value in ((self.by_name, name), (self.by_value, identifier)):
                scope = scopes[value]
                scope.discard(status, keys)
                if not scope.size:
                    del scopes[value]

    def move_status(self, job: Mapping[str, Any], before: Any, after: Any, keys: JobKeys) -> None:
        for identifier, name in self._entries(job):
            self.by_name[name].move_status(before, after, keys)
            self.by_value[identifier].move_status(before, after, keys)

    def keys(
        self,
        requested: str,
        status: str | None,
        pattern: JobNamePattern | None,
        after: Key | None,
        table: FoldTable,
    ) -> Iterator[Key]:
        """The keys of the jobs a request selects past ``after``, in its order (lazy): newest-first keys,
        or grouped keys ``(jobName, version, newest-first key)`` under a JOB_NAME ``pattern`` (CR-7)."""
        name = resource_name(requested)
        if is_resource_arn(requested):
            # CR-2: an ARN denotes itself and its bare name only.
            scopes = [self.by_value[value] for value in (requested, name) if value in self.by_value]
        else:
            scope = self.by_name.get(name)
            scopes = [] if scope is None else [scope]
        runs = [run for scope in scopes for run in scope.runs(status, pattern, after, table)]
        if len(runs) == 1:
            return runs[0]
        return heapq.merge(*runs)


class _ScopeLists:
    """The keys of one scope in bulk, under each of the three keys, in order: every job's, and by status."""

    __slots__ = ("by_status", "every")

    def __init__(self) -> None:
        self.every: tuple[list[Key], list[Key], list[Key]] = ([], [], [])
        self.by_status: tuple[dict[Any, list[Key]], ...] = ({}, {}, {})

    def scope(self) -> ResourceScope:
        scope = ResourceScope()
        scope.by_created, scope.by_name, scope.by_folded = map(SortedKeys.from_sorted, self.every)
        scope.by_status, scope.by_status_name, scope.by_status_folded = (
            {status: SortedKeys.from_sorted(keys) for status, keys in by_status.items()}
            for by_status in self.by_status
        )
        scope.size = len(self.every[0])
        return scope


_LIST, _RESOURCE, _QUANTITY = "consumableResourceList", "consumableResource", "quantity"


class _Made:
    """What a page needs of one stored job for one resource name, made once: the summary's members but
    ``consumableResourceProperties`` (``head``: strings and integers only, so a shallow copy is a whole
    one), the job's entries (``entries``: private dicts of a string and an integer, so again a shallow copy
    of each is whole; ``None`` when the properties hold more than the model's members, and ``parts`` copies
    them), and its JSON (``fragment``, made when first asked for)."""

    __slots__ = ("entries", "fragment", "head", "parts")

    def __init__(self, parts: ResourceSummaryParts, name: str) -> None:
        self.parts = parts
        head = dict(zip(parts.keys, parts.values[name], strict=True))
        self.head = head
        self.entries: tuple[dict[str, Any], ...] | None = None
        if parts.entries is not None and all(type(value) in (str, int) for value in head.values()):
            # CR-3 (``ResourceSummaryParts``): each entry exactly a resource string and an integer quantity.
            self.entries = tuple(
                {_RESOURCE: one[_RESOURCE], _QUANTITY: one[_QUANTITY]} for one in parts.entries
            )
        self.fragment: str | None = None


class ResourceSummaries:
    """The ListJobsByConsumableResource summaries of stored jobs (CR-8), from parts made once per stored
    record and resource name (records are never changed: a change stores a new one, and the store
    forgets the old). ``page`` gives fresh dicts the caller may change (W-3): a shallow copy of the head
    and of each entry, which hold strings and integers only, so no deep copy; ``page_json`` joins each
    summary's JSON, made once."""

    __slots__ = ("made",)

    def __init__(self) -> None:
        # id(record) -> (record, resource name -> its parts), made once per stored record.
        self.made: dict[int, tuple[Stored, dict[str, _Made]]] = {}

    def forget(self, record: Stored) -> None:
        """Drop what was made of a record that is no longer stored."""
        self.made.pop(id(record), None)

    def of(self, record: Stored, name: str) -> _Made:
        """The parts of a stored job's summary for the resource ``name`` (a ``ServerException`` for a
        malformed job, CR-3, CR-8)."""
        held = self.made.get(id(record))
        if held is None or held[0] is not record:
            held = self.made[id(record)] = (record, {})
        by_name = held[1]
        made = by_name.get(name)
        if made is None:
            members = LIST_JOBS_BY_CONSUMABLE_RESOURCE.summary_members
            made = by_name[name] = _Made(ResourceSummaryParts.of(job_view(record), members), name)
        return made

    def page(self, records: list[Stored], name: str) -> list[dict[str, Any]]:
        """Fresh summaries of ``records`` (each of which requires the resource ``name``), in order."""
        summaries = []
        made_of, of, copy = self.made.get, self.of, dict.copy
        for record in records:
            held = made_of(id(record))
            made = held[1].get(name) if held is not None and held[0] is record else None
            if made is None:
                made = of(record, name)
            entries = made.entries
            if entries is None:
                summaries.append(made.parts.summary(name))
                continue
            summary = made.head.copy()
            summary[PROPERTIES] = {_LIST: [*map(copy, entries)]}
            summaries.append(summary)
        return summaries

    def page_json(self, records: list[Stored], name: str) -> str:
        """The summaries of ``records`` as the JSON array's items, joined: ``json.dumps`` of each summary,
        compact ASCII, made once per record and name."""
        fragments = []
        of = self.of
        for record in records:
            made = of(record, name)
            fragment = made.fragment
            if fragment is None:
                fragment = made.fragment = json.dumps(made.parts.summary(name), separators=(",", ":"))
            fragments.append(fragment)
        return ",".join(fragments)


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
