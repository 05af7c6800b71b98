"""The indexes of ListJobsByConsumableResource: jobs by the resources they require, then by status and name
(rules CR-2, CR-5 to CR-7).

Theory of operation: a job requires a resource when an entry of its ``consumableResourceProperties``
denotes it (CR-2, ``_consumable``), and names each resource once (CR-3). A ``ResourceScope`` holds the
jobs of one set under the core's own keys (``JobKeys``, the tuples every other index of the store shares):

- ``by_status``: status -> newest-first keys, and ``by_created``: every newest-first key, whatever the
  status (CR-5): the page of a request without JOB_NAME (O-1);
- ``by_name``: grouped keys ``(jobName, version, newest-first key)`` and ``by_folded``: the same under the
  folded name, as a scope of the other listings keeps them (``_name_ranges``), and ``by_status_name``,
  ``by_status_folded``: the same per status, for JOB_STATUS and JOB_NAME together (CR-6), so that status
  and name together are ranges of one pair of indexes, never a walk that skips other statuses. Under
  JOB_NAME a page is grouped by name and version (CR-7, as O-2), so it is ``name_page`` over the pair of
  the status asked for (or of every status): an exact name is one range of ``by_folded``, ``*`` alone one
  of ``by_name``, a prefix one range of ``by_name`` per head of the prefix, in order.

A ``ResourceIndex`` keeps a scope per resource name (every job with an entry of that name, however the
entry names it) and a scope per entry identifier as written (a name, or an ARN). A request by name reads
the name's scope (a name denotes every identifier of that name); a request by ARN reads the scopes of the
ARN and of the bare name, the only identifiers that denote it (CR-2), which hold disjoint jobs. So a page
is one range (a prefix: one per head), or a merge of two, of ``maxResults + 1`` keys at most, each cut
from its index by slices (``SortedKeys.take``): O(log N + page), with no Python step per key.

``ResourceSummaries`` turns a page's stored records into summaries (CR-8), from parts made once per
record and resource name and found by jobId; a page of dicts is a loop of C-level shallow copies of
strings and integers (a head and each entry), a page of JSON one join of cached texts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import lru_cache
from operator import itemgetter
from typing import Any

from .._consumable import PROPERTIES, is_resource_arn, requirements, resource_name
from .._name_heads import FoldTable
from .._names import JobNamePattern
from .._operations import LIST_JOBS_BY_CONSUMABLE_RESOURCE
from .._records import Stored, job_view
from .._wire import ResourceSummaryParts
from ._name_ranges import name_page
from ._scope import JobKeys
from ._sorted_keys import Key, SortedKeys, require

__all__ = ["MadeSummary", "ResourceIndex", "ResourceScope", "ResourceSummaries", "requires_resources"]

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

    def page(
        self,
        status: str | None,
        pattern: JobNamePattern | None,
        after: Key | None,
        table: FoldTable,
        count: int,
    ) -> list[Key]:
        """The first ``count`` keys past ``after`` of the jobs with ``status`` (``None``: any, CR-5) whose
        name ``pattern`` matches (``None``: no JOB_NAME filter): newest-first keys without a pattern, one
        range of ``by_created`` or of a status bucket; grouped keys (O-2) with one (CR-7), the name
        ranges of ``name_page`` over the pair of the status asked for, or of every status."""
        if pattern is None:
            index = self.by_created if status is None else self.by_status.get(status)
            return [] if index is None else index.take(after, inclusive=after is None, stop=None, count=count)
        if status is None:
            by_name, by_folded = self.by_name, self.by_folded
        else:
            named, folded = self.by_status_name.get(status), self.by_status_folded.get(status)
            if named is None or folded is None:
                return []
            by_name, by_folded = named, folded
        return name_page(by_name, by_folded, pattern, after, table, count)


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

    def page(
        self,
        requested: str,
        status: str | None,
        pattern: JobNamePattern | None,
        after: Key | None,
        table: FoldTable,
        count: int,
    ) -> list[Key]:
        """The first ``count`` keys past ``after`` of the jobs a request selects, in its order: newest-first
        keys, or grouped keys ``(jobName, version, newest-first key)`` under a JOB_NAME ``pattern`` (CR-7).
        O(log N + count)."""
        name, is_arn = _denoted(requested)
        if is_arn:
            # CR-2: an ARN denotes itself and its bare name only.
            scopes = [self.by_value[value] for value in (requested, name) if value in self.by_value]
        else:
            scope = self.by_name.get(name)
            scopes = [] if scope is None else [scope]
        pages = [scope.page(status, pattern, after, table, count) for scope in scopes]
        if len(pages) == 1:
            return pages[0]
        # The two scopes of an ARN hold disjoint jobs: the first ``count`` of both, by one sort.
        return sorted(key for page in pages for key in page)[:count]


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
_LAST = itemgetter(-1)


class MadeSummary:
    """What a page needs of one stored job (``record``) for one resource name, made once: the summary's
    members (``head``, in the model's order, strings and integers only, so a shallow copy is a whole one,
    ``consumableResourceProperties`` last and ``None`` until a copy replaces it), the job's entries
    (``entries``: private dicts of a string and an integer, so again a shallow copy of each is whole;
    ``None`` when the properties hold more than the model's members, and ``parts`` copies them), and its
    JSON (``fragment``, made when first asked for)."""

    __slots__ = ("entries", "fragment", "head", "parts", "record")

    def __init__(self, record: Stored, name: str) -> None:
        self.record = record
        parts = ResourceSummaryParts.of(job_view(record), LIST_JOBS_BY_CONSUMABLE_RESOURCE.summary_members)
        self.parts = parts
        head = dict(zip(parts.keys, parts.values[name], strict=True))
        self.entries: tuple[dict[str, Any], ...] | None = None
        if parts.entries is not None and all(type(value) in (str, int) for value in head.values()):
            # CR-3 (``ResourceSummaryParts``): each entry exactly a resource string and an integer quantity.
            self.entries = tuple(
                {_RESOURCE: one[_RESOURCE], _QUANTITY: one[_QUANTITY]} for one in parts.entries
            )
        head[PROPERTIES] = None
        self.head = head
        self.fragment: str | None = None

    def summary(self, name: str) -> dict[str, Any]:
        """A fresh summary (the fast path of ``ResourceSummaries.page`` inlines it)."""
        entries = self.entries
        if entries is None:
            return self.parts.summary(name)
        return {**self.head, PROPERTIES: {_LIST: [*map(dict.copy, entries)]}}

    def json(self, name: str) -> str:
        """The summary's JSON (compact, ASCII), made once."""
        fragment = self.fragment
        if fragment is None:
            fragment = self.fragment = json.dumps(self.parts.summary(name), separators=(",", ":"))
        return fragment


class ResourceSummaries:
    """The ListJobsByConsumableResource summaries of stored jobs (CR-8), from parts made once per stored
    record and resource name (records are never changed: a change stores a new one). ``made`` holds them
    by resource name, then jobId, each with the record it was made of; the store calls ``forget`` with
    every record it stops storing (under its lock, as it calls ``held``), which drops what was made of it,
    so a page finds its jobs by jobId alone, with no second lookup of the record (the store's check,
    ``_check``, asserts that each entry is of the record stored). ``page`` gives fresh dicts the caller
    may change (W-3): a shallow copy of the head and of each entry, which hold strings and integers
    only, so no deep copy, in one loop; ``page_json`` joins each summary's JSON, made once."""

    __slots__ = ("made",)

    def __init__(self) -> None:
        self.made: dict[str, dict[str, MadeSummary]] = {}

    def forget(self, record: Stored) -> None:
        """Drop what was made of a record that is no longer stored."""
        if not self.made:
            return
        job = job_view(record)
        if not requires_resources(job):
            return
        job_id = str(job["jobId"])
        for identifier, _ in requirements(job):
            name = resource_name(identifier)
            by_job = self.made.get(name)
            if by_job is not None and (held := by_job.get(job_id)) is not None and held.record is record:
                del by_job[job_id]
                if not by_job:
                    del self.made[name]

    def held(
        self, keys: list[Key], grouped: bool, jobs: Mapping[str, Stored], name: str
    ) -> list[MadeSummary]:
        """What was made, for the resource ``name``, of the stored job of each key (newest-first keys, or
        grouped ones, ``grouped``; each job requires the resource) in ``jobs`` (the stored records by
        jobId), made when missing (a ``ServerException`` for a malformed job, CR-3, CR-8). The store calls
        it under its lock, as it calls ``forget``, so what it finds is of the records stored."""
        if not keys:
            return []
        # A newest-first key ends with the jobId; a grouped one with a newest-first key (``job_id_of``).
        job_ids = list(map(_LAST, map(_LAST, keys) if grouped else keys))
        by_job = self.made.get(name)
        if by_job is None:
            by_job = self.made[name] = {}
        made = list(map(by_job.get, job_ids))
        if not all(made):
            for position, job_id in enumerate(job_ids):
                if made[position] is None:
                    made[position] = by_job[job_id] = MadeSummary(jobs[job_id], name)
        return made  # type: ignore[return-value]

    @staticmethod
    def page(held: list[MadeSummary], name: str) -> list[dict[str, Any]]:
        """Fresh summaries of the jobs ``held`` gave (``held(..., name)``), in order."""
        copy = dict.copy
        summaries: list[dict[str, Any]] = []
        append = summaries.append
        for made in held:
            entries = made.entries
            if entries is None:
                append(made.parts.summary(name))
                continue
            # The head holds the member already (in the model's place): replacing its value adds no key.
            summary = made.head.copy()
            summary[PROPERTIES] = {_LIST: [*map(copy, entries)]}
            append(summary)
        return summaries

    @staticmethod
    def page_json(held: list[MadeSummary], name: str) -> str:
        """The summaries of the jobs ``held`` gave as the JSON array's items, joined: ``json.dumps`` of each
        summary, compact ASCII, made once per record and name."""
        return ",".join([made.fragment or made.json(name) for made in held])

    def _check(self, stored: Mapping[str, Stored]) -> None:
        """Assert that every part made is of a job's stored record (``stored``: the records by jobId) and
        is what that record makes now, as dicts and as JSON."""
        for name, by_job in self.made.items():
            require(bool(by_job), f"no empty resource summaries for {name!r}")
            for job_id, held in by_job.items():
                record = held.record
                require(stored.get(job_id) is record,
                        f"resource summaries of {job_id!r} are of its stored record")
                expected = ResourceSummaryParts.of(
                    job_view(record), LIST_JOBS_BY_CONSUMABLE_RESOURCE.summary_members
                ).summary(name)
                require(held.summary(name) == expected, f"resource summary of {job_id!r} for {name!r}")
                require(self.page([held], name) == [expected], f"resource page of {job_id!r} for {name!r}")
                if held.fragment is not None:
                    require(held.fragment == json.dumps(expected, separators=(",", ":")),
                            f"resource summary JSON of {job_id!r} for {name!r}")


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


@lru_cache(maxsize=256)
def _denoted(requested: str) -> tuple[str, bool]:
    """The resource name a requested identifier denotes, and whether it is an ARN (CR-2), parsed once."""
    return resource_name(requested), is_resource_arn(requested)
