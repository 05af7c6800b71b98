"""Indexed, thread-safe in-memory job stores that answer a listing exactly like the pure functions.

Theory of operation: ``list_service_jobs(jobs, request)`` reads every job for every page. An emulator that
keeps its jobs in a ``JobStore`` gets the same responses, byte for byte and tokens included, at close to
the cost of building the page: the store keeps every job in sorted indexes whose keys are the core's own
sort keys (``_ordering``), so the page after a ``nextToken`` starts with a binary search, never with a
scan of jobs that do not match. Nothing here restates a listing rule: the request is parsed by
``parse_request``, the status a query selects is ``selected_status``, the keys are ``sort_key_function``'s,
the queue rule is ``QueueMatcher``, children are ``parent_of``'s, each filter is read through its spec's
index plan (``_scope``), what a well-formed job is is ``find_job_problem``'s, summaries are ``to_summary``
and tokens are ``encode_token``.

The indexes (``_scope.Scope``) live in scopes:

- one scope over every job a request without ``jobQueue`` lists;
- one per ``jobQueue`` value, with the jobs that carry no ``jobQueue`` in a scope of their own (IN-2: they
  are listed for any queue, so a queue request reads that scope beside the scopes of the ``jobQueue``
  values that denote its queue);
- for ListJobs, one per parent job, holding its array children or multi-node parallel nodes (LJ-6), which
  no queue scope holds (LJ-7).

A page merges the runs it reads (``heapq.merge``) and stops after ``maxResults + 1`` keys; only the page's
jobs are projected, outside the lock, from private copies that are never mutated.

Costs, for N stored jobs and a page of k (a log factor is a bisect on at most N/250 chunk maxima plus one
inside a chunk of at most 1000 keys):

- put, remove, update: O(log N) per index the job is in, plus copying and checking the job;
- a page without a filter, or SHARE_IDENTIFIER / QUOTA_SHARE_NAME with ``jobStatus``: O(log N + k);
- BEFORE/AFTER_CREATED_AT, and SHARE_IDENTIFIER / QUOTA_SHARE_NAME without ``jobStatus``: O(s log N + k log s)
  for s distinct status values present (eight at most in a service-shaped store);
- JOB_NAME: O(log N + k) for ``*`` alone and for names that occur in one case; a few more binary searches
  per case variant of the pattern present in the store (``Train`` and ``train``; see ``_name_ranges``);
- JOB_DEFINITION: as SHARE_IDENTIFIER for a name or an ARN; a prefix reads every definition name it covers;
- a filter whose plan is ``SCAN`` reads the status indexes in order and tests each job: O(jobs passed over);
- a request naming a queue reads one scope per ``jobQueue`` value denoting it, plus the queueless scope,
  and merges their runs.

A page of jobs whose members are all scalars costs less than ``to_summary`` on each: ``put`` keeps the
job in its summary's order, checked against ``to_summary``'s result, so the summary is a dict copy (see
``_private_copy``). Memory: about 210 bytes per job beyond the jobs themselves (BENCHMARKS.md), plus a few
hundred bytes per distinct (share identifier or quota share name, status) pair.
"""

from __future__ import annotations

import copy
import dataclasses
import heapq
import threading
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from typing import Any

from .. import _decisions
from .._children import parent_of
from .._definitions import job_definition_name
from .._filters import FilterName, JobFilter
from .._jobs import find_job_problem
from .._listing import paginate_with
from .._model import JobLike, ServiceJob, SortKey
from .._operations import LIST_SERVICE_JOBS, Operation
from .._ordering import sort_key_function
from .._query import ListQuery
from .._queues import QueueMatcher, queue_name
from .._request import parse_request
from .._selection import selected_status
from .._tokens import check_token_key, encode_token
from .._wire import response, to_summary
from ._scope import Layout, Scope, StatusBuckets, job_id_of, scope_runs
from ._sorted_keys import Key, SortedKeys, require

__all__ = ["JobStore", "ServiceJobStore"]

_IMMUTABLE_TYPES = frozenset({str, int, float, bool, type(None)})
# The members the core reads but never echoes (IN-2, IN-3; W-2 drops them).
_NEVER_ECHOED = ("jobQueue", "version")


def _flat(grouped_key: Key) -> SortKey:
    """The core's grouped sort key (``name_and_version_key``) of a key of ``by_name``."""
    name, version, newest = grouped_key
    return (name, version, *newest)


class _Keys:
    """The core's two sort key functions for one operation (O-1, O-2)."""

    def __init__(self, operation: Operation) -> None:
        self.newest_first = sort_key_function(ListQuery(operation))
        self.grouped = sort_key_function(ListQuery(operation, job_filter=JobFilter(FilterName.JOB_NAME, "*")))

    def of(self, job: Mapping[str, Any]) -> tuple[Key, Key]:
        """A job's newest-first key and grouped key ``(jobName, version, newest-first key)``, which orders
        exactly as the core's flat grouped key and shares the newest-first tuple with the other indexes."""
        newest = self.newest_first(job)
        name, version = self.grouped(job)[:2]
        return newest, (name, version, newest)


class JobStore:
    """Jobs in memory, indexed to answer one listing operation in O(log N + page).

    ``store.answer(request)`` returns exactly what the operation's pure function (``list_service_jobs`` for
    ``LIST_SERVICE_JOBS``, ``list_jobs`` for ``LIST_JOBS``) returns over ``list(store)``, tokens included,
    and a token from either one is valid in the other (with the same ``token_key``). Every method is
    thread-safe; a listing sees one consistent state of the store.

    >>> from listjobs_core import LIST_JOBS
    >>> store = JobStore(LIST_JOBS)
    >>> store.put({"jobId": "p", "jobName": "sweep", "status": "RUNNING", "createdAt": 1, "jobQueue": "q"})
    >>> store.put({"jobId": "p:0", "jobName": "sweep", "status": "RUNNING", "createdAt": 2})
    >>> [summary["jobId"] for summary in store.answer({"jobQueue": "q"})["jobSummaryList"]]
    ['p']
    >>> [summary["jobId"] for summary in store.answer({"arrayJobId": "p"})["jobSummaryList"]]
    ['p:0']
    """

    def __init__(self, operation: Operation = LIST_SERVICE_JOBS, *, token_key: bytes | None = None) -> None:
        # A token key is the caller's configuration, not request input: a wrong one is a programming error.
        self._token_key = check_token_key(token_key)
        self._operation = operation
        self._layout = Layout.of(operation)
        self._keys = _Keys(operation)
        self._lock = threading.Lock()
        self._jobs: dict[str, dict[str, Any]] = {}
        self._everything = Scope(self._layout)
        # One scope per jobQueue value; None holds the jobs without one (listed for every queue, IN-2).
        self._queues: dict[str | None, Scope] = {}
        # queue_name(value) -> the jobQueue values present that have that name: the only values that can
        # denote a requested queue, since denoting the same queue implies having the same name.
        self._queue_values: dict[str, set[str]] = {}
        # ListJobs: (member naming the parent, parent jobId) -> the scope of its children (LJ-6).
        self._families: dict[tuple[str, str], Scope] = {}

    @property
    def operation(self) -> Operation:
        """The listing operation this store answers."""
        return self._operation

    def __repr__(self) -> str:
        return f"<{type(self).__name__} for {self._operation.name} of {len(self._jobs)} jobs>"

    def __len__(self) -> int:
        return len(self._jobs)

    def __contains__(self, job_id: object) -> bool:
        """Whether a job with this ``jobId`` is stored. O(1)."""
        return isinstance(job_id, str) and job_id in self._jobs

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """Copies of the stored jobs, as they were when iteration began. O(N) for the snapshot."""
        with self._lock:
            jobs = list(self._jobs.values())
        return (_public_copy(job) for job in jobs)

    def get(self, job_id: str) -> dict[str, Any] | None:
        """A copy of the job with ``job_id`` (every member it was put with), or ``None``. O(1).

        The copy is the caller's: changing it changes nothing here, and ``put`` takes it back as it is.
        """
        with self._lock:
            job = self._jobs.get(job_id)
        return None if job is None else _public_copy(job)

    def put(self, job: Mapping[str, Any] | ServiceJob) -> None:
        """Insert a job, or replace the stored job with the same ``jobId`` (any member may change).

        The store keeps a private copy, so changing ``job`` afterwards changes nothing here. A job that is
        not well formed (``_jobs.find_job_problem``: ``jobId`` and ``jobName`` non-empty strings, every
        model member of its model type, ``version`` a non-negative integer, JSON values of valid Unicode
        nested at most 32 deep; ``None`` counts as absent) is refused with ``TypeError`` or ``ValueError``
        naming the member. O(log N) per index.
        """
        stored = self._private_copy(job)
        newest, grouped = self._keys.of(stored)
        with self._lock:
            self._replace(stored, newest, grouped)

    def remove(self, job_id: str) -> None:
        """Remove the job with ``job_id``; nothing happens when there is none. O(log N) per index."""
        with self._lock:
            previous = self._jobs.pop(job_id, None)
            if previous is not None:
                self._unindex(previous)

    def update(self, job_id: str, **changes: Any) -> dict[str, Any]:
        """Change members of a stored job at once: read, change and re-index under one lock, so two
        threads changing one job never lose an update. A change to ``None`` removes the member.

        Returns a copy of the job as changed. Raises ``KeyError`` when no job has ``job_id``, and
        ``TypeError``/``ValueError`` as ``put`` does (the job is then left as it was); ``jobId`` cannot
        change. O(log N) per index.

        >>> store = ServiceJobStore()
        >>> store.put({"jobId": "a", "jobName": "train", "status": "RUNNING", "createdAt": 1})
        >>> store.update("a", status="SUCCEEDED", stoppedAt=9)["status"]
        'SUCCEEDED'
        >>> store.list_service_jobs({"jobStatus": "SUCCEEDED"})["jobSummaryList"][0]["stoppedAt"]
        9
        """
        if "jobId" in changes and changes["jobId"] != job_id:
            raise ValueError(f"update cannot change the jobId of job {job_id!r}")
        with self._lock:
            previous = self._jobs.get(job_id)
            if previous is None:
                raise KeyError(job_id)
            changed = {**previous, **changes}
            stored = self._private_copy(
                {member: value for member, value in changed.items() if value is not None}
            )
            newest, grouped = self._keys.of(stored)
            self._replace(stored, newest, grouped)
        return _public_copy(stored)

    def answer(self, request: object) -> dict[str, Any]:
        """Answer a request of the store's operation over the stored jobs, as its pure function does.

        Raises ``ClientException`` for a bad request, exactly as the pure function does. O(log N + k) for
        a page of k (see the module's notes for the filters that merge a few runs).
        """
        query = parse_request(self._operation, request, token_key=self._token_key)
        limit = query.page_size
        grouped = _reads_grouped_keys(query)
        with self._lock:
            keys = list(islice(self._selected_keys(query, grouped), limit + 1))
            jobs = [self._jobs[job_id_of(key, grouped)] for key in keys[:limit]]
        # Stored jobs are never mutated (put replaces them), so the page is projected outside the lock.
        members = self._operation.summary_members
        summaries = [_summary(job, members) for job in jobs]
        next_token = None
        if len(keys) > limit:
            last = keys[limit - 1]
            sort_key = _flat(last) if grouped else last
            next_token = encode_token(sort_key, query, token_key=self._token_key)
        return response(summaries, next_token)

    def paginate(self, request: object) -> Iterator[dict[str, Any]]:
        """Every page of ``request``, first to last, each fetched with the previous page's ``nextToken``
        (the store may change between pages; rule P-4 holds across them).

        >>> store = ServiceJobStore()
        >>> for index in range(5):
        ...     store.put({"jobId": str(index), "jobName": "n", "status": "RUNNING", "createdAt": index})
        >>> [len(page["jobSummaryList"]) for page in store.paginate({"maxResults": 2})]
        [2, 2, 1]
        """
        return paginate_with(self.answer, request)

    # --- internals ---

    def _private_copy(self, job: object) -> dict[str, Any]:
        """A checked copy of a job that shares no mutable value with the caller's, or ``TypeError`` /
        ``ValueError`` naming the member at fault."""
        if isinstance(job, ServiceJob):
            job = {
                field.name: value
                for field in dataclasses.fields(job)
                if (value := job.get(field.name)) is not None
            }
        problem = find_job_problem(job)
        if problem is not None:
            raise (TypeError if problem.is_type_error else ValueError)(str(problem))
        assert isinstance(job, Mapping)
        stored = {
            member: value if type(value) in _IMMUTABLE_TYPES else copy.deepcopy(value)
            for member, value in job.items()
        }
        summary = to_summary(stored, self._operation.summary_members)
        if all(summary.get(member) is value or member in _NEVER_ECHOED for member, value in stored.items()):
            # Every member is either echoed as it is (an immutable scalar: ``to_summary`` returns the very
            # object) or one of the two the summary drops. Stored in the summary's order, the job's summary
            # is then its copy less those two (``_summary``), with the same items, order and values.
            return {**summary, **{member: stored[member] for member in _NEVER_ECHOED if member in stored}}
        return _ProjectedByCore(stored)

    def _replace(self, stored: dict[str, Any], newest: Key, grouped: Key) -> None:
        """Put ``stored`` in the place of the job with its jobId, under the lock."""
        job_id = stored["jobId"]
        previous = self._jobs.get(job_id)
        if previous is not None:
            self._unindex(previous)
        self._jobs[job_id] = stored
        self._index(stored, newest, grouped)

    def _family_of(self, job: Mapping[str, Any]) -> tuple[str, str] | None:
        """The (member, parent) whose listing holds this job, for an operation with parent listings."""
        if not self._operation.parent_job_members:
            return None
        return parent_of(job["jobId"])

    def _scopes_of(self, job: Mapping[str, Any]) -> Iterator[Scope]:
        """The scopes a job belongs in, creating them as needed."""
        family = self._family_of(job)
        if family is not None:
            scope = self._families.get(family)
            if scope is None:
                scope = self._families[family] = Scope(self._layout)
            yield scope
            # LJ-7: "A jobQueue listing lists no child", unless that decision is turned around.
            if not _decisions.QUEUE_LISTINGS_INCLUDE_CHILD_JOBS:
                return
        yield self._everything
        job_queue = job.get("jobQueue")
        scope = self._queues.get(job_queue)
        if scope is None:
            scope = self._queues[job_queue] = Scope(self._layout)
            if job_queue is not None:
                self._queue_values.setdefault(queue_name(job_queue), set()).add(job_queue)
        yield scope

    def _index(self, job: dict[str, Any], newest: Key, grouped: Key) -> None:
        for scope in self._scopes_of(job):
            scope.add(job, newest, grouped)

    def _unindex(self, job: dict[str, Any]) -> None:
        newest, grouped = self._keys.of(job)
        for scope in list(self._scopes_of(job)):
            scope.discard(job, newest, grouped)
        family = self._family_of(job)
        if family is not None and not self._families[family].size:
            del self._families[family]
        job_queue = job.get("jobQueue")
        queue_scope = self._queues.get(job_queue)
        if queue_scope is not None and not queue_scope.size:
            del self._queues[job_queue]
            if job_queue is not None:
                name = queue_name(job_queue)
                self._queue_values[name].discard(job_queue)
                if not self._queue_values[name]:
                    del self._queue_values[name]

    def _scopes(self, query: ListQuery) -> list[Scope]:
        """The scopes holding the jobs a query may list (IN-2, S-9 through the core's ``QueueMatcher``;
        LJ-6 for a parent's children)."""
        if query.parent_job_id is not None and query.parent_job_member is not None:
            family = self._families.get((query.parent_job_member, query.parent_job_id))
            return [] if family is None else [family]
        if query.job_queue is None:
            return [self._everything]
        accepts = QueueMatcher(query.job_queue)
        values: list[str | None] = [None, *sorted(self._queue_values.get(queue_name(query.job_queue), ()))]
        return [self._queues[value] for value in values if value in self._queues and accepts[value]]

    def _selected_keys(self, query: ListQuery, grouped: bool) -> Iterator[Key]:
        """The keys of the jobs ``query`` selects, after its cursor, in its order (lazy; under the lock)."""
        after: Key | None = None if query.after is None else query.after.sort_key
        if after is not None and grouped:
            after = (after[0], after[1], tuple(after[2:]))
        status = selected_status(query)
        runs: list[Iterator[Key]] = []
        for scope in self._scopes(query):
            runs.extend(scope_runs(scope, query, status, after, self._job_of))
        if len(runs) == 1:
            return runs[0]
        return heapq.merge(*runs)

    def _job_of(self, key: Key, grouped: bool) -> dict[str, Any]:
        return self._jobs[job_id_of(key, grouped)]

    def _check(self) -> None:
        """Assert every index invariant: each job is in exactly the buckets its members name, under the
        keys the core's sort key functions give it, and every index is well formed. O(N log N)."""
        with self._lock:
            jobs = self._jobs
            members = self._operation.summary_members
            expected: dict[int, list[dict[str, Any]]] = {}
            for job_id, job in jobs.items():
                require(job["jobId"] == job_id, f"job {job_id!r} stored under its jobId")
                newest, grouped = self._keys.of(job)
                require(_flat(grouped) == self._keys.grouped(job), f"grouped key of {job_id!r} is the core's")
                require(
                    list(_summary(job, members).items()) == list(to_summary(job, members).items()),
                    f"summary of {job_id!r} is the core's, member for member and in order",
                )
                for scope in self._scopes_of(job):
                    expected.setdefault(id(scope), []).append(job)
            scopes = {
                "every job": self._everything,
                **{f"jobQueue {value!r}": scope for value, scope in self._queues.items()},
                **{f"children of {family!r}": scope for family, scope in self._families.items()},
            }
            for what, scope in scopes.items():
                _check_scope(scope, expected.get(id(scope), []), jobs, what, self._keys)
            names: dict[str, set[str]] = {}
            for value in self._queues:
                if value is not None:
                    names.setdefault(queue_name(value), set()).add(value)
            require(self._queue_values == names, "queue values by queue name")
            require(
                all(scope.size for scope in (*self._queues.values(), *self._families.values())),
                "no empty queue or family scope",
            )


class ServiceJobStore(JobStore):
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
    >>> store.remove("a"); len(store), "b" in store
    (1, True)
    """

    def __init__(self, *, token_key: bytes | None = None) -> None:
        super().__init__(LIST_SERVICE_JOBS, token_key=token_key)

    def list_service_jobs(self, request: object) -> dict[str, Any]:
        """Answer a ListServiceJobs request over the stored jobs, as ``list_service_jobs`` does."""
        return self.answer(request)


def _reads_grouped_keys(query: ListQuery) -> bool:
    """Whether a query's runs are of grouped keys (O-2) rather than newest-first keys (O-1)."""
    spec = query.filter_spec
    return spec is not None and spec.groups_by_name


class _ProjectedByCore(dict[str, Any]):
    """A stored job whose summary ``to_summary`` builds at listing time: it has a nested value (copied
    afresh for each response, W-3), a member the summary drops, or a value the summary leaves out."""

    __slots__ = ()


def _summary(job: dict[str, Any], members: tuple[str, ...]) -> dict[str, Any]:
    """The wire summary of a stored job: ``to_summary``'s, or its result kept from ``put`` (see
    ``_private_copy``), copied in one C-level step."""
    if type(job) is dict:
        summary = job.copy()
        summary.pop("jobQueue", None)
        summary.pop("version", None)
        return summary
    return to_summary(job, members)


def _public_copy(job: dict[str, Any]) -> dict[str, Any]:
    """A copy of a stored job for a caller: a plain dict, and changing it never reaches the store."""
    if type(job) is dict:
        return job.copy()
    return {
        member: value if type(value) in _IMMUTABLE_TYPES else copy.deepcopy(value)
        for member, value in job.items()
    }


def _check_scope(
    scope: Scope, members: list[dict[str, Any]], jobs: dict[str, dict[str, Any]], what: str, keys: _Keys
) -> None:
    """Assert that one scope indexes exactly ``members``."""
    member_ids = {job["jobId"] for job in members}
    require(scope.size == len(members), f"{what}: size")

    def check_buckets(buckets: StatusBuckets, expected: Iterable[JobLike], label: str) -> None:
        count = 0
        for status, bucket in buckets.items():
            bucket._check()
            require(len(bucket) > 0, f"{what}: {label}: no empty bucket")
            for key in bucket:
                job = jobs.get(job_id_of(key, False))
                is_member = job is not None and job["jobId"] in member_ids
                require(is_member, f"{what}: {label}: {key!r} is a member")
                assert job is not None
                require(job.get("status") == status, f"{what}: {label}: {key!r} under its status")
                require(key == keys.newest_first(job), f"{what}: {label}: {key!r} is the core's key")
            count += len(bucket)
        require(count == sum(1 for _ in expected), f"{what}: {label}: every job once")

    check_buckets(scope.by_status, members, "by_status")
    for member, by_value in scope.by_member.items():
        for value, buckets in by_value.items():
            require(bool(buckets), f"{what}: {member} {value!r} has buckets")
            holding = (job for job in members if job.get(member) == value)
            check_buckets(buckets, holding, f"{member} {value!r}")
        values = {job[member] for job in members if job.get(member) is not None}
        require(set(by_value) == values, f"{what}: one index per {member} present")
    if scope.by_definition is not None:
        definitions = scope.by_definition
        for name, buckets in definitions.by_name.items():
            check_buckets(
                buckets,
                (job for job in members if job_definition_name(job.get("jobDefinition") or "\0") == name),
                f"definition name {name!r}",
            )
        for arn, buckets in definitions.by_arn.items():
            using = (job for job in members if job.get("jobDefinition") == arn)
            check_buckets(buckets, using, f"definition {arn!r}")
        require(definitions.names == sorted(definitions.by_name), f"{what}: definition names in order")
    by_name: SortedKeys = scope.by_name
    by_name._check()
    require(len(by_name) == len(members), f"{what}: by_name holds every job")
    for key in by_name:
        job = jobs[job_id_of(key, True)]
        is_right = job["jobId"] in member_ids and _flat(key) == keys.grouped(job)
        require(is_right, f"{what}: by_name key {key!r}")
