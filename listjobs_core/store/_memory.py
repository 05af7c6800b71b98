"""Indexed, thread-safe in-memory job stores that answer a listing exactly like the pure functions.

Theory of operation: ``list_service_jobs(jobs, request)`` reads every job for every page. An emulator that
keeps its jobs in a ``JobStore`` gets the same responses, byte for byte and tokens included, at close to
the cost of building the page: the store keeps every job in sorted indexes whose keys are the core's own
sort keys (``_ordering``), so the page after a ``nextToken`` starts with a binary search, never with a
scan of jobs that do not match. Nothing here restates a listing rule: the request is parsed by
``parse_request``, the status a query selects is ``selected_status``, the keys are ``sort_key_function``'s,
the queue rule is ``QueueMatcher``, children are ``parent_of``'s, each filter is read through its spec's
index plan (``_scope``), what a well-formed job is is ``find_job_problem``'s (``_records``), summaries are
``to_summary``'s and tokens are ``encode_token``'s.

The indexes (``_scope.Scope``) live in scopes:

- one scope over every job a request without ``jobQueue`` lists;
- one per ``jobQueue`` value, with the jobs that carry no ``jobQueue`` in a scope of their own (IN-2: they
  are listed for any queue, so a queue request reads that scope beside its queue's);
- one per queue name that two or more ``jobQueue`` values share (a name and its ARN, or ARNs of several
  regions or accounts): a request naming the queue by name denotes all of them (IN-2), and reads that one
  scope instead of one per value. A request naming an ARN reads the scopes of that ARN and of the bare
  name, the only values that denote its queue;
- for ListJobs, one per parent job, holding its array children or multi-node parallel nodes (LJ-6), which
  no queue scope holds (LJ-7).

A store of ListJobs also answers ListJobsByConsumableResource (``list_jobs_by_consumable_resource``) over the
same jobs, from indexes by resource, then status and name (``_resources``), every job in them whatever its
queue or family.

So a page reads one run of keys, or a merge of two or three (``heapq.merge``), and stops after
``maxResults + 1`` keys; only the page's jobs are projected, outside the lock, from records that are never
changed (``_records``).

Costs, for N stored jobs and a page of k (a log factor is a bisect on at most N/250 chunk maxima plus one
inside a chunk of at most 1000 keys), under the lock:

- put, remove, update: O(log N) per index the job is in, plus copying and checking the job; a change of
  status alone (or of members no index reads) moves the job between status buckets only;
- put_many: O(N) when the jobs come in creation order (O(N log N) otherwise), sorting each index once;
- a page without a filter, with a created-at filter, or with SHARE_IDENTIFIER / QUOTA_SHARE_NAME: O(log N +
  k); JOB_DEFINITION (ListJobs): as SHARE_IDENTIFIER for a name or an ARN, a prefix reads every definition
  name it covers;
- JOB_NAME: O(log N + k) for an exact name and for ``*``; for a prefix, a few more binary searches per case
  variant of the pattern present, and never more than one search per distinct folded name that matches
  (see ``_name_ranges``); nothing that grows with N or with the size of Unicode;
- a filter whose plan is ``SCAN`` reads the status indexes in order and tests each job: O(jobs passed over).

A job is kept packed (``_records``: a tuple of its values, which the cyclic collector stops tracking);
its summary is one ``dict(zip())``, and its JSON text is made once per stored record and kept
(``answer_json``). A batch of plain jobs of one shape loads into an empty store a member at a time
(``_bulk``). Memory and load times: see BENCHMARKS.md.
"""

from __future__ import annotations

import gc
import heapq
import json
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import islice
from typing import TYPE_CHECKING, Any

from .. import _decisions
from .._children import parent_of
from .._completion import Completion
from .._consumable import resource_name
from .._filters import FilterName, JobFilter
from .._model import ServiceJob, SortKey
from .._name_heads import FoldTable
from .._operations import LIST_JOBS, LIST_JOBS_BY_CONSUMABLE_RESOURCE, LIST_SERVICE_JOBS, Operation
from .._ordering import groups_by_name, sort_key_function
from .._query import ListQuery
from .._queues import QueueMatcher, queue_name
from .._records import (
    SHAPES,
    Packed,
    Record,
    Stored,
    fragment_of,
    job_view,
    pack,
    private_record,
    public_copy,
    summary_of,
    with_member,
)
from .._request import parse_request
from .._selection import selected_status
from .._snapshot import FIFO, IN_USE_STATUSES, SCHEDULING_KINDS, QueueUsage, share_usage
from .._tokens import check_token_key, encode_token
from .._wire import response
from ._bulk import columns_of, runnable_of, scopes_of
from ._checks import check_store
from ._interface import ListingMethods, ListingStore
from ._resources import MadeSummary, ResourceIndex, ResourceSummaries, requires_resources
from ._runnable import RUNNABLE, RunnableIndex
from ._scope import IndexLists, JobKeys, Layout, RangeRun, Reading, Scope, job_id_of, scope_runs
from ._sorted_keys import Key

__all__ = ["JobStore", "ServiceJobStore"]

# The members whose value some index reads besides the status; a change to any other member (but the
# status) leaves every index as it is.
_KEYED_MEMBERS = (
    "jobId", "jobName", "version", "createdAt", "jobQueue", "jobDefinition", "consumableResourceProperties",
    "schedulingPriority", "shareIdentifier", "quotaShareName",  # the RUNNABLE index (``_runnable``)
    "capacityUsage",  # the usage of the jobs in use (``_usage``)
)


def flat_key(grouped_key: Key) -> SortKey:
    """The core's grouped sort key (``name_and_version_key``) of a key of ``by_name``."""
    name, version, newest = grouped_key
    return (name, version, *newest)


class JobKeyMaker:
    """The core's two sort key functions for one operation (O-1, O-2), and the folded grouped key."""

    def __init__(self, operation: Operation) -> None:
        self.newest_first = sort_key_function(ListQuery(operation))
        self.grouped = sort_key_function(ListQuery(operation, job_filter=JobFilter(FilterName.JOB_NAME, "*")))

    def of(self, job: Mapping[str, Any]) -> JobKeys:
        """A job's keys. The grouped key ``(jobName, version, newest-first key)`` orders exactly as the
        core's flat grouped key, and shares the newest-first tuple with the other indexes."""
        flat = self.grouped(job)
        newest = flat[2:]
        grouped = (flat[0], flat[1], newest)
        return JobKeys(newest, grouped, (sys.intern(flat[0].casefold()), grouped))


class JobStore(ListingMethods):
    """Jobs in memory, indexed to answer one listing operation in O(log N + page).

    ``store.answer(request)`` returns exactly what the operation's pure function (``list_service_jobs`` for
    ``LIST_SERVICE_JOBS``, ``list_jobs`` for ``LIST_JOBS``) returns over ``list(store)``, tokens included,
    and a token from either one is valid in the other (with the same ``token_key``); ``answer_json`` returns
    the same response as JSON bytes; ``list_service_jobs`` or ``list_jobs`` (the operation's own name) is
    ``answer``. ``jobs``, when given, are put with ``put_many``; an operation given in their place,
    ``JobStore(LIST_JOBS)``, is ``operation=``. Every method is thread-safe; a listing sees one consistent
    state of the store. The interface is ``ListingStore``'s, as ``SqlJobStore``'s is.

    >>> from listjobs_core import LIST_JOBS
    >>> store = JobStore(LIST_JOBS)
    >>> store.put({"jobId": "p", "jobName": "sweep", "status": "RUNNING", "createdAt": 1, "jobQueue": "q"})
    >>> store.put({"jobId": "p:0", "jobName": "sweep", "status": "RUNNING", "createdAt": 2})
    >>> [summary["jobId"] for summary in store.answer({"jobQueue": "q"})["jobSummaryList"]]
    ['p']
    >>> [summary["jobId"] for summary in store.list_jobs({"arrayJobId": "p"})["jobSummaryList"]]
    ['p:0']
    """

    def __init__(
        self,
        jobs: Iterable[Mapping[str, Any] | ServiceJob] | Operation = (),
        *,
        operation: Operation = LIST_SERVICE_JOBS,
        token_key: bytes | None = None,
        completion: Completion | None = None,
    ) -> None:
        if isinstance(jobs, Operation):
            # ``JobStore(LIST_JOBS)``, the form the README shows: an operation given in the place of jobs.
            if operation is not LIST_SERVICE_JOBS and operation is not jobs:
                raise TypeError(f"two operations given: {jobs.name} and operation={operation.name}")
            operation, jobs = jobs, ()
        # A token key is the caller's configuration, not request input: a wrong one is a programming error.
        self._token_key = check_token_key(token_key)
        # H-20: a store an endpoint serves completes every job put into it (``None``: jobs as they are).
        self.completion = completion
        self._operation = operation
        self._members = operation.summary_members
        self._layout = Layout.of(operation)
        self._keys = JobKeyMaker(operation)
        self._lock = threading.Lock()
        self._jobs: dict[str, Stored] = {}
        # id(record) -> (record, its summary's JSON text), made once per stored record (``answer_json``).
        self._fragments: dict[int, tuple[Packed, str]] = {}
        # The ListJobsByConsumableResource summaries of stored records, made once per record.
        self._resource_summaries = ResourceSummaries()
        self._everything = Scope(self._layout)
        # One scope per jobQueue value; None holds the jobs without one (listed for every queue, IN-2).
        self._queues: dict[str | None, Scope] = {}
        # queue_name(value) -> the jobQueue values present that have that name: the only values that can
        # denote a requested queue, since denoting the same queue implies having the same name.
        self._queue_values: dict[str, set[str]] = {}
        # Queue name -> the scope of every job whose jobQueue has that name, once two values share it; kept
        # until no job has that name, so values coming and going never rebuild it twice.
        self._named: dict[str, Scope] = {}
        # ListJobs: (member naming the parent, parent jobId) -> the scope of its children (LJ-6).
        self._families: dict[tuple[str, str], Scope] = {}
        # The inverse of case folding over the characters of the stored names (``_name_ranges``).
        self._fold_table = FoldTable()
        self._reading = Reading(self._job_of, self._fold_table)
        # ListJobsByConsumableResource lists the jobs ListJobs lists: a store of ListJobs indexes them by
        # the resources they require (``_resources``); any other store answers it with a TypeError.
        self._resources: ResourceIndex | None = ResourceIndex() if operation is LIST_JOBS else None
        # GetJobQueueSnapshot: the RUNNABLE jobs of the queue listings in dispatch order (``_runnable``).
        self._runnable = RunnableIndex()
        if jobs:
            self.put_many(jobs)

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
        return (public_copy(job) for job in jobs)

    def get(self, job_id: str) -> dict[str, Any] | None:
        """A copy of the job with ``job_id`` (every member it was put with), or ``None``. O(1).

        The copy is the caller's: changing it changes nothing here, and ``put`` takes it back as it is.
        """
        with self._lock:
            job = self._jobs.get(job_id)
        return None if job is None else public_copy(job)

    def put(self, job: Mapping[str, Any] | ServiceJob) -> None:
        """Insert a job, or replace the stored job with the same ``jobId`` (any member may change).

        The store keeps a private copy, so changing ``job`` afterwards changes nothing here. A job that is
        not well formed (``_jobs.find_job_problem``: ``jobId`` and ``jobName`` non-empty strings, every
        model member of its model type, ``version`` a non-negative integer, JSON values of valid Unicode
        nested at most 32 deep; ``None`` counts as absent) is refused with ``TypeError`` or ``ValueError``
        naming the member. O(log N) per index; a change of status alone, O(log N) per status bucket.
        """
        record = private_record(self._completed(job), self._members)
        keys = self._keys.of(record)
        stored = pack(record)
        with self._lock:
            self._store(stored, record, keys)

    def put_many(self, jobs: Iterable[Mapping[str, Any] | ServiceJob]) -> int:
        """Put every job of ``jobs``, as ``put`` would one by one (a later job with the same ``jobId`` wins),
        at a fraction of the cost: the jobs are checked and copied first, then each index is sorted once.
        Returns how many jobs were given.

        Every job is checked before any is stored: a job that is not well formed raises as ``put`` does,
        naming its position in ``jobs`` and the member, and the store is left as it was. O(N) for jobs in
        creation order, O(N log N) in any other, plus O(log N) per job when the store already holds many
        more jobs than ``jobs``.

        >>> store = ServiceJobStore()
        >>> store.put_many({"jobId": n, "jobName": n, "status": "RUNNING", "createdAt": len(n)} for n in "ab")
        2
        >>> [summary["jobId"] for summary in store.list_service_jobs({})["jobSummaryList"]]
        ['a', 'b']
        """
        # Millions of new tuples, none of them in a cycle: the cyclic collector would scan the growing
        # store again and again for nothing.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._put_many(jobs, collecting)
        finally:
            if collecting:
                gc.enable()
                # The young collection the load postponed, now rather than in the next request. It stops
                # tracking every tuple of atomic values it sees (records, keys) and a tuple of those it sees
                # after them; the second one catches the tuples of tuples it saw first (chunks of keys), so
                # no full collection ever walks the store's keys.
                gc.collect(0)
                gc.collect(1)

    def _put_many(self, jobs: Iterable[Mapping[str, Any] | ServiceJob], collecting: bool) -> int:
        if not isinstance(jobs, list):
            jobs = list(jobs)
        operation, layout = self._operation, self._layout
        if self.completion is None and not operation.parent_job_members and not layout.definitions:
            # Plain jobs of one shape into an empty store: a member at a time (``_bulk``).
            # Young collections during a bulk load stop tracking the tuples each stage makes (records and
            # newest-first keys; grouped keys; chunks of keys, every few thousand keys, while their parts
            # are untracked and still in the caches): each is examined once, not again by the collection
            # after, and cheaply.
            young = _young_collection if collecting else None
            columns = columns_of(jobs, self._members, self._layout, young) if not self._jobs else None
            if columns is not None:
                everything, by_value = scopes_of(self._layout, columns, young)
                runnable = runnable_of(columns, young)
                with self._lock:
                    if not self._jobs:
                        for name in columns.coded["jobName"].values:
                            self._fold_table.learn(name)
                        self._install(columns.records, everything, by_value, {}, young, runnable)
                        return len(jobs)
        records: dict[str, tuple[Stored, Record]] = {}
        completed = self._completed
        for position, job in enumerate(jobs):
            try:
                record = private_record(completed(job), self._members)
            except (TypeError, ValueError) as error:
                raise type(error)(f"job {position} of put_many: {error}") from None
            records[record["jobId"]] = (pack(record), record)
        keys_of = self._keys.of
        with self._lock:
            if 4 * len(records) < len(self._jobs):
                for stored, record in records.values():
                    self._store(stored, record, keys_of(record))
                return len(jobs)
            stored_jobs = {job_id: stored for job_id, stored in self._jobs.items() if job_id not in records}
            stored_jobs.update((job_id, stored) for job_id, (stored, _) in records.items())
            kept = [job_view(stored) for job_id, stored in self._jobs.items() if job_id not in records]
            views = kept + [record for _, record in records.values()]
            self._rebuild(stored_jobs, [(view, keys_of(view)) for view in views])
        return len(jobs)

    def _completed(self, job: Any) -> Any:
        """The job as this store keeps it: completed when the store has a ``completion`` (H-20)."""
        completion = self.completion
        return job if completion is None else completion.complete(job, self._operation)

    def remove(self, job_id: str) -> None:
        """Remove the job with ``job_id``; nothing happens when there is none. O(log N) per index."""
        with self._lock:
            previous = self._jobs.pop(job_id, None)
            if previous is not None:
                self._forget(previous)
                view = job_view(previous)
                self._unindex(view, self._keys.of(view))

    def update(self, job_id: str, **changes: Any) -> dict[str, Any]:
        """Change members of a stored job at once: read, change and re-index under one lock, so two
        threads changing one job never lose an update. A change to ``None`` removes the member.

        Returns a copy of the job as changed. Raises ``KeyError`` when no job has ``job_id``, and
        ``TypeError``/``ValueError`` as ``put`` does (the job is then left as it was); ``jobId`` cannot
        change. O(log N) per index; a change of status alone, O(log N) per status bucket.

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
            if len(changes) == 1 and "status" in changes and self.completion is None:
                # A new status alone: the same record but one value, moved between status buckets only.
                changed_record = with_member(previous, "status", changes["status"])
                if changed_record is not None:
                    self._move_status(previous, changed_record)
                    return public_copy(changed_record)
            view = job_view(previous)
            changed = {**view, **changes}
            record = private_record(
                self._completed({member: value for member, value in changed.items() if value is not None}),
                self._members,
            )
            stored = pack(record)
            self._store(stored, record, self._keys.of(record), previous, view)
        return public_copy(stored)

    def answer(self, request: object, *, operation: Operation | None = None) -> dict[str, Any]:
        """Answer a request of the store's operation (or of ``operation``, which a store of ListJobs may
        name as ListJobsByConsumableResource) over the stored jobs, as its pure function does.

        Raises ``ClientException`` for a bad request, exactly as the pure function does. O(log N + k) for
        a page of k (see the module's notes for JOB_NAME prefixes).
        """
        if operation is not None and operation is not self._operation:
            return self._answer_other(operation, request)
        records, next_token = self._page(request)
        members = self._members
        return response([summary_of(record, members) for record in records], next_token)

    def answer_json(self, request: object, *, operation: Operation | None = None) -> bytes:
        """``answer(request)`` as the JSON a server sends: exactly the bytes of
        ``json.dumps(store.answer(request), separators=(",", ":")).encode("ascii")`` (ASCII, every other
        character escaped), joined from each job's summary JSON, which the store makes once per stored
        version of the job.

        >>> store = ServiceJobStore()
        >>> store.put({"jobId": "a", "jobName": "n", "status": "RUNNING", "createdAt": 1, "jobQueue": "q"})
        >>> store.answer_json({})
        b'{"jobSummaryList":[{"jobId":"a","jobName":"n","createdAt":1,"status":"RUNNING"}]}'
        """
        if operation is LIST_JOBS_BY_CONSUMABLE_RESOURCE and self._resources is not None:
            # CR-8: each summary's JSON made once per stored record, as the store's own summaries are.
            held, name, next_token = self._resource_page(request)
            summaries = ResourceSummaries.page_json(held, name)
            if next_token is None:
                return f'{{"jobs":[{summaries}]}}'.encode("ascii")
            return f'{{"jobs":[{summaries}],"nextToken":"{next_token}"}}'.encode("ascii")
        if operation is not None and operation is not self._operation:
            return _json_bytes(self._answer_other(operation, request))
        records, next_token = self._page(request)
        summaries = ",".join([self._fragment(record) for record in records])
        if next_token is None:
            return f'{{"jobSummaryList":[{summaries}]}}'.encode("ascii")
        # A token is URL-safe ASCII (T-1): JSON holds it as it is.
        return f'{{"jobSummaryList":[{summaries}],"nextToken":"{next_token}"}}'.encode("ascii")

    def list_jobs_by_consumable_resource(self, request: object) -> dict[str, Any]:
        """Answer a ListJobsByConsumableResource request over the stored jobs, as
        ``list_jobs_by_consumable_resource`` does over ``list(store)``, tokens included (a store of
        ListJobs; any other raises ``TypeError``). ``ClientException`` for a bad request. O(log N + k) for a
        page of k, JOB_NAME prefixes included (``_resources``).

        >>> from listjobs_core import LIST_JOBS
        >>> store = JobStore(LIST_JOBS)
        >>> store.put({"jobId": "a", "jobName": "render", "status": "RUNNING", "createdAt": 1,
        ...            "jobArn": "arn:aws:batch:us-east-1:1:job/a", "jobQueue": "q",
        ...            "consumableResourceProperties": {"consumableResourceList": [
        ...                {"consumableResource": "licenses", "quantity": 3}]}})
        >>> page = store.list_jobs_by_consumable_resource({"consumableResource": "licenses"})
        >>> [(summary["jobName"], summary["quantity"]) for summary in page["jobs"]]
        [('render', 3)]
        """
        held, name, next_token = self._resource_page(request)
        summaries = ResourceSummaries.page(held, name)
        return response(summaries, next_token, LIST_JOBS_BY_CONSUMABLE_RESOURCE.list_member)

    # --- internals ---

    def _resource_page(self, request: object) -> tuple[list[MadeSummary], str, str | None]:
        """What was made of the jobs of a ListJobsByConsumableResource page for their summaries, in order
        (``ResourceSummaries``), the name of the resource (each listed job has one entry of that name,
        CR-3, the one the resource denotes, CR-2), and the page's ``nextToken``."""
        if self._resources is None:
            self._require_operation(LIST_JOBS)
        query = parse_request(LIST_JOBS_BY_CONSUMABLE_RESOURCE, request, token_key=self._token_key)
        assert query.consumable_resource is not None and self._resources is not None
        limit = query.page_size
        pattern = None if query.job_filter is None else query.job_filter.parsed
        # CR-7: under JOB_NAME the keys are grouped (O-2), read in the store's nested form.
        grouped = groups_by_name(query)
        assert grouped == (pattern is not None), "the resource indexes answer CR-7 as decided"
        after: Key | None = None if query.after is None else query.after.sort_key
        if after is not None and grouped:
            after = (after[0], after[1], tuple(after[2:]))
        status = selected_status(query)
        name = resource_name(query.consumable_resource)
        with self._lock:
            keys = self._resources.page(
                query.consumable_resource, status, pattern, after, self._fold_table, limit + 1
            )
            held = self._resource_summaries.held(keys[:limit], grouped, self._jobs, name)
        # What was made of a record is never changed (a change stores a new record), so the page is built
        # outside the lock.
        next_token = None
        if len(keys) > limit:
            last = keys[limit - 1]
            next_token = encode_token(flat_key(last) if grouped else last, query, token_key=self._token_key)
        return held, name, next_token

    def snapshot_jobs(self, job_queue: str, scheduling: str | None = None) -> list[Mapping[str, Any]]:
        """The jobs ``job_queue_snapshot`` needs to answer GetJobQueueSnapshot for ``job_queue`` (a queue
        name or ARN, IN-2) over this store, as its queue listings hold them (SN-7): every job in use
        (SN-1, ``jobs_in_use``), then the RUNNABLE jobs of the front (``front_of_queue``), at one moment.
        The answer over them is the answer over every job of the store. The jobs are read-only views.

        O(in-use + runs * log N + 100) (``_runnable``): the jobs in use are read through the status
        indexes of the queue (as many as its capacity holds); the RUNNABLE jobs never are, but 100.

        >>> store = ServiceJobStore([{"jobId": n, "jobName": n, "status": "RUNNABLE", "createdAt": len(n),
        ...     "jobQueue": "q"} for n in ("old", "newer", "newest")])
        >>> [job["jobId"] for job in store.snapshot_jobs("q", "FIFO")]
        ['old', 'newer', 'newest']
        """
        kinds = _kinds(scheduling)
        query = parse_request(self._operation, {"jobQueue": job_queue})
        with self._lock:
            in_use = self._in_use(query)
            return in_use + self._front(job_queue, kinds, in_use)

    def jobs_in_use(self, job_queue: str) -> list[Mapping[str, Any]]:
        """The jobs of ``job_queue``'s listings that use its capacity (SN-1), read-only views. O(in-use)."""
        query = parse_request(self._operation, {"jobQueue": job_queue})
        with self._lock:
            return self._in_use(query)

    def front_of_queue(
        self, job_queue: str, scheduling: str | None, in_use: Iterable[Mapping[str, Any]]
    ) -> list[Mapping[str, Any]]:
        """The RUNNABLE jobs of ``job_queue`` that its snapshot can list (read-only views): the first 100
        in the dispatch order of a queue of kind ``scheduling`` (SN-2; ``None``: of every kind) and, for a
        quota-share queue, the first of each quota share (SN-4), the shares ranked by the usage of
        ``in_use``, every job in use of the queue, here and in any other store holding its jobs.
        O(runs * log N + 100)."""
        kinds = _kinds(scheduling)
        in_use = list(in_use)
        parse_request(self._operation, {"jobQueue": job_queue})
        with self._lock:
            return self._front(job_queue, kinds, in_use)

    def snapshot_parts(
        self, job_queue: str, scheduling: str, usage: QueueUsage | None = None
    ) -> tuple[QueueUsage, list[Mapping[str, Any]], list[Mapping[str, Any]]] | None:
        """What ``ranked_queue_snapshot`` answers GetJobQueueSnapshot for ``job_queue`` from, over this
        store, at one moment (SN-7, ``RunnableIndex.snapshot_parts``): the usage of its jobs in use (or
        ``usage``), its front ranked by it, the first job of each quota share; ``None`` when a job in use
        has a malformed ``capacityUsage``. O(runs * log N + 100 + values * shares * units)."""
        parse_request(self._operation, {"jobQueue": job_queue})
        with self._lock:
            return self._runnable.snapshot_parts(job_queue, scheduling, usage, self._jobs)

    def queue_usage(self, job_queue: str, scheduling: str) -> QueueUsage | None:
        """What the jobs in use of ``job_queue``'s listings hold (``QueueUsage.of`` them; ``None`` when one
        has a malformed ``capacityUsage``). O(values * shares * units)."""
        parse_request(self._operation, {"jobQueue": job_queue})
        with self._lock:
            return self._runnable.usage.usage(job_queue, scheduling)

    def _in_use(self, query: ListQuery) -> list[Mapping[str, Any]]:
        jobs = self._jobs
        return [
            job_view(jobs[job_id_of(key, False)])
            for scope in self._scopes(query)
            for status in sorted(IN_USE_STATUSES)
            for key in scope.by_status.get(status, ())
        ]

    def _front(
        self, job_queue: str, kinds: tuple[str, ...], in_use: list[Mapping[str, Any]]
    ) -> list[Mapping[str, Any]]:
        chosen: dict[str, None] = {}
        for kind in kinds:
            # A FIFO queue's order reads no usage (SN-2).
            usage = {} if kind == FIFO else share_usage(in_use, kind)
            chosen.update(dict.fromkeys(self._runnable.front(job_queue, kind, usage)))
        jobs = self._jobs
        return [job_view(jobs[job_id]) for job_id in chosen]

    # --- internals ---

    def _answer_other(self, operation: Operation, request: object) -> dict[str, Any]:
        """``answer`` for an operation other than the store's own: the one a store of ListJobs answers too."""
        if operation is LIST_JOBS_BY_CONSUMABLE_RESOURCE:
            return self.list_jobs_by_consumable_resource(request)
        self._require_operation(operation)
        raise AssertionError("unreachable")  # pragma: no cover

    def _forget(self, record: Stored) -> None:
        """Drop what was made of a record that is no longer stored."""
        self._fragments.pop(id(record), None)
        self._resource_summaries.forget(record)

    def _fragment(self, record: Stored) -> str:
        """The JSON text of a stored job's summary, made once per stored record."""
        if type(record) is not tuple:
            return fragment_of(record, self._members)
        fragments = self._fragments
        made = fragments.get(id(record))
        if made is not None and made[0] is record:
            return made[1]
        fragment = fragment_of(record, self._members)
        fragments[id(record)] = (record, fragment)
        return fragment

    def _page(self, request: object) -> tuple[list[Stored], str | None]:
        """The records of a request's page, in order, and the page's ``nextToken``."""
        query = parse_request(self._operation, request, token_key=self._token_key)
        limit = query.page_size
        grouped = _reads_grouped_keys(query)
        with self._lock:
            keys = self._selected_keys(query, grouped, limit + 1)
            jobs = self._jobs
            # ``job_id_of`` written out: a call per job was a tenth of a page.
            if grouped:
                records = [jobs[key[-1][-1]] for key in keys[:limit]]
            else:
                records = [jobs[key[-1]] for key in keys[:limit]]
        # Records are never changed (a change stores a new one), so the page is projected outside the lock.
        if len(keys) <= limit:
            return records, None
        last = keys[limit - 1]
        return records, encode_token(flat_key(last) if grouped else last, query, token_key=self._token_key)

    def _store(
        self,
        stored: Stored,
        record: Mapping[str, Any],
        keys: JobKeys,
        previous_stored: Stored | None = None,
        previous: Mapping[str, Any] | None = None,
    ) -> None:
        """Put ``stored`` (``record`` to read) in the place of the job with its jobId, under the lock."""
        job_id = record["jobId"]
        if previous_stored is None:
            previous_stored = self._jobs.get(job_id)
        self._jobs[job_id] = stored
        if previous_stored is None:
            self._index(record, keys)
            return
        self._forget(previous_stored)
        if previous is None:
            previous = job_view(previous_stored)
        changed = {member for member in _KEYED_MEMBERS if previous.get(member) != record.get(member)}
        changed.update(
            member for member in self._layout.equality_members if previous.get(member) != record.get(member)
        )
        if changed:
            self._unindex(previous, self._keys.of(previous))
            self._index(record, keys)
            return
        before, after = previous.get("status"), record.get("status")
        if before != after:
            # Only the status changed, of all that indexes read: move the key between status buckets.
            newest = keys.newest
            for scope in self._scopes_of(record):
                newest = scope.move_status(record, before, after, newest)
            if self._resources is not None and requires_resources(record):
                self._resources.move_status(record, before, after, keys)
            if self._queue_listed(record):
                self._runnable.move_status(record, before, after)

    def _move_status(self, previous: Stored, record: Packed) -> None:
        """Put ``record``, a job's record with another status than ``previous`` and nothing else changed,
        in its place, under the lock: only the status buckets change."""
        view = job_view(record)
        self._jobs[view["jobId"]] = record
        self._forget(previous)
        before, after = _status_of(previous), view["status"]
        if before != after:
            newest = self._keys.newest_first(view)
            for scope in self._scopes_of(view):
                newest = scope.move_status(view, before, after, newest)
            if self._resources is not None and requires_resources(view):
                self._resources.move_status(view, before, after, self._keys.of(view))
            if self._queue_listed(view):
                self._runnable.move_status(view, before, after)

    def _rebuild(self, stored: dict[str, Stored], keyed: list[tuple[Mapping[str, Any], JobKeys]]) -> None:
        """Index every job of ``keyed`` afresh (``stored``: the jobs by jobId), each scope built at once,
        under the lock."""
        families: dict[tuple[str, str], list[tuple[Mapping[str, Any], JobKeys]]] = {}
        by_value: dict[str | None, list[tuple[Mapping[str, Any], JobKeys]]] = {}
        learn = self._fold_table.learn
        for name in {keys.grouped[0] for _, keys in keyed}:
            learn(name)
        for pair in keyed:
            record = pair[0]
            family = self._family_of(record)
            if family is not None:
                families.setdefault(family, []).append(pair)
                # LJ-7: "A jobQueue listing lists no child", unless that decision is turned around.
                if not _decisions.QUEUE_LISTINGS_INCLUDE_CHILD_JOBS:
                    continue
            by_value.setdefault(record.get("jobQueue"), []).append(pair)
        layout = self._layout
        lists = {value: IndexLists.gather(layout, pairs) for value, pairs in by_value.items()}
        # Gathering again costs less than merging the queues' sorted lists of tuples.
        everything = IndexLists.gather(layout, [pair for pairs in by_value.values() for pair in pairs])
        self._install(stored, everything, lists, families)
        if self._resources is not None:
            # Every job, whatever its queue or family (CR-2).
            self._resources = ResourceIndex.gather(keyed)

    def _install(
        self,
        stored: dict[str, Stored],
        everything: IndexLists,
        lists: dict[Any, IndexLists],
        families: dict[tuple[str, str], list[tuple[Mapping[str, Any], JobKeys]]],
        young: Callable[[], object] | None = None,
        runnable: RunnableIndex | None = None,
    ) -> None:
        """Replace every job and index with ``stored`` and the lists of its scopes (``everything``; by
        jobQueue value; by family), under the lock; the scope of each shared queue name by merging those of
        its values. ``young``: see ``SortedKeys.from_sorted``. ``runnable``: the RUNNABLE index of the
        queue listings of ``stored`` when made already (a bulk load's, ``_bulk.runnable_of``)."""
        layout = self._layout
        self._jobs = stored
        self._fragments = {}
        self._resource_summaries = ResourceSummaries()
        self._queues = {
            value: Scope.build(layout, value_lists, young) for value, value_lists in lists.items()
        }
        self._everything = Scope.build(layout, everything, young)
        self._queue_values = {}
        for value in lists:
            if value is not None:
                self._queue_values.setdefault(queue_name(value), set()).add(value)
        self._named = {
            name: Scope.build(layout, IndexLists.merge(layout, [lists[value] for value in sorted(values)]))
            for name, values in self._queue_values.items()
            if len(values) > 1
        }
        self._families = {
            family: Scope.build(layout, IndexLists.gather(layout, pairs))
            for family, pairs in families.items()
        }
        if runnable is not None:
            self._runnable = runnable
            return
        # The queue scopes' RUNNABLE buckets hold exactly the RUNNABLE jobs of the queue listings (LJ-7).
        self._runnable = RunnableIndex.gather(
            job_view(stored[job_id_of(key, False)])
            for scope in self._queues.values()
            for status in (RUNNABLE, *IN_USE_STATUSES)
            for key in scope.by_status.get(status, ())
        )

    def _queue_listed(self, job: Mapping[str, Any]) -> bool:
        """Whether a job is in the queue listings (LJ-7: not a child, unless that decision is turned)."""
        return self._family_of(job) is None or _decisions.QUEUE_LISTINGS_INCLUDE_CHILD_JOBS

    def _family_of(self, job: Mapping[str, Any]) -> tuple[str, str] | None:
        """The (member, parent) whose listing holds this job, for an operation with parent listings."""
        if not self._operation.parent_job_members:
            return None
        return parent_of(job["jobId"])

    def _scopes_of(self, job: Mapping[str, Any]) -> list[Scope]:
        """The scopes that hold a stored job."""
        scopes: list[Scope] = []
        family = self._family_of(job)
        if family is not None:
            scopes.append(self._families[family])
            if not _decisions.QUEUE_LISTINGS_INCLUDE_CHILD_JOBS:
                return scopes
        value = job.get("jobQueue")
        scopes += [self._everything, self._queues[value]]
        if value is not None and self._named:  # (parsing the queue's name costs more than the rest)
            named = self._named.get(queue_name(value))
            if named is not None:
                scopes.append(named)
        return scopes

    def _index(self, job: Mapping[str, Any], keys: JobKeys) -> None:
        self._fold_table.learn(keys.grouped[0])
        if self._resources is not None and requires_resources(job):
            self._resources.add(job, keys)
        family = self._family_of(job)
        if family is not None:
            scope = self._families.get(family)
            if scope is None:
                scope = self._families[family] = Scope(self._layout)
            scope.add(job, keys)
            # LJ-7: "A jobQueue listing lists no child", unless that decision is turned around.
            if not _decisions.QUEUE_LISTINGS_INCLUDE_CHILD_JOBS:
                return
        self._everything.add(job, keys)
        self._runnable.add(job)
        value = job.get("jobQueue")
        scope = self._queues.get(value)
        if scope is None:
            scope = self._queues[value] = Scope(self._layout)
            if value is not None:
                self._queue_values.setdefault(queue_name(value), set()).add(value)
        scope.add(job, keys)
        if value is None:
            return
        name = queue_name(value)
        named = self._named.get(name)
        if named is not None:
            named.add(job, keys)
        elif len(self._queue_values[name]) > 1:
            # A second value with this name: from now on a request by name reads one scope of all of them.
            held = [(job, self._keys.of(job)) for job in self._queued_jobs(self._queue_values[name])]
            self._named[name] = Scope.build(self._layout, IndexLists.gather(self._layout, held))

    def _queued_jobs(self, values: Iterable[str]) -> Iterator[Mapping[str, Any]]:
        for value in values:
            for key in self._queues[value].by_created.walk(None, inclusive=True):
                yield job_view(self._jobs[job_id_of(key, False)])

    def _unindex(self, job: Mapping[str, Any], keys: JobKeys) -> None:
        if self._resources is not None and requires_resources(job):
            self._resources.discard(job, keys)
        family = self._family_of(job)
        if family is not None:
            scope = self._families[family]
            scope.discard(job, keys)
            if not scope.size:
                del self._families[family]
            if not _decisions.QUEUE_LISTINGS_INCLUDE_CHILD_JOBS:
                return
        self._everything.discard(job, keys)
        self._runnable.discard(job)
        value = job.get("jobQueue")
        scope = self._queues[value]
        scope.discard(job, keys)
        if not scope.size:
            del self._queues[value]
        if value is None:
            return
        name = queue_name(value)
        if not scope.size:
            self._queue_values[name].discard(value)
            if not self._queue_values[name]:
                del self._queue_values[name]
        named = self._named.get(name)
        if named is not None:
            named.discard(job, keys)
            if not named.size:
                del self._named[name]

    def _scopes(self, query: ListQuery) -> list[Scope]:
        """The scopes holding the jobs a query may list (IN-2, S-9 through the core's ``QueueMatcher``;
        LJ-6 for a parent's children): at most three, whatever the queue values present."""
        if query.parent_job_id is not None and query.parent_job_member is not None:
            family = self._families.get((query.parent_job_member, query.parent_job_id))
            return [] if family is None else [family]
        requested = query.job_queue
        if requested is None:
            return [self._everything]
        scopes = [self._queues[None]] if None in self._queues else []
        name = queue_name(requested)
        values = self._queue_values.get(name, ())
        if requested == name:
            # A name denotes every value with that name (IN-2): one scope for all of them.
            named = self._named.get(name)
            if named is not None:
                return [*scopes, named]
            return scopes + [self._queues[value] for value in values]
        # An ARN denotes itself and its bare name only (IN-2).
        accepts = QueueMatcher(requested)
        return scopes + [
            self._queues[value] for value in sorted({requested, name}) if value in values and accepts[value]
        ]

    def _selected_keys(self, query: ListQuery, grouped: bool, count: int) -> list[Key]:
        """The first ``count`` keys of the jobs ``query`` selects, after its cursor, in its order (under
        the lock): one run's cut from its index by slices where the page reads one range of one index,
        else the runs merged."""
        after: Key | None = None if query.after is None else query.after.sort_key
        if after is not None and grouped:
            after = (after[0], after[1], tuple(after[2:]))
        status = selected_status(query)
        runs: list[Iterable[Key]] = []
        for scope in self._scopes(query):
            runs.extend(scope_runs(scope, query, status, after, self._reading))
        if len(runs) == 1:
            run = runs[0]
            return run.take(count) if type(run) is RangeRun else list(islice(run, count))
        return list(islice(heapq.merge(*runs), count))

    def _job_of(self, key: Key, grouped: bool) -> Mapping[str, Any]:
        return job_view(self._jobs[job_id_of(key, grouped)])

    def _check(self) -> None:
        """Assert every index invariant (``_checks``): each job is in exactly the buckets its members name,
        under the keys the core's sort key functions give it, and every index is well formed. O(N log N)."""
        with self._lock:
            check_store(self)

    def clear(self) -> None:
        """Forget every job at once; the store answers as a new one with the same operation, token key
        and ``completion`` would. O(1) under the lock (the old indexes are dropped whole).

        >>> store = ServiceJobStore([{"jobId": "a", "jobName": "train", "status": "RUNNING", "createdAt": 1}])
        >>> store.clear()
        >>> len(store), store.list_service_jobs({}), "a" in store
        (0, {'jobSummaryList': []}, False)
        """
        with self._lock:
            self._rebuild({}, [])


class ServiceJobStore(JobStore):
    """Jobs in memory, indexed to answer ``ListServiceJobs`` in O(log N + page).

    ``store.list_service_jobs(request)`` returns exactly what ``list_service_jobs(list(store), request)``
    returns, tokens included, and a token from either one is valid in the other (with the same
    ``token_key``). ``jobs``, when given, are put with ``put_many``. Every method is thread-safe; a listing
    sees one consistent state of the store.

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

    def __init__(
        self,
        jobs: Iterable[Mapping[str, Any] | ServiceJob] = (),
        *,
        operation: Operation = LIST_SERVICE_JOBS,
        token_key: bytes | None = None,
        completion: Completion | None = None,
    ) -> None:
        if operation is not LIST_SERVICE_JOBS:
            raise ValueError(f"a ServiceJobStore answers ListServiceJobs; for {operation.name} use JobStore")
        super().__init__(jobs, operation=LIST_SERVICE_JOBS, token_key=token_key, completion=completion)


def _status_of(record: Stored) -> Any:
    """The status of a stored job; of a packed record, read without a view of the whole record."""
    if type(record) is not tuple:
        return job_view(record).get("status")
    names = SHAPES[record[-1]][1]
    return record[names.index("status")] if "status" in names else None


def _young_collection() -> None:
    """A collection of the youngest generation (``put_many``, when the process collects)."""
    gc.collect(0)


def _kinds(scheduling: str | None) -> tuple[str, ...]:
    """The kinds of queue whose front a snapshot request reads (``None``: every kind)."""
    if scheduling is None:
        return SCHEDULING_KINDS
    if scheduling not in SCHEDULING_KINDS:
        raise ValueError(f"scheduling must be one of {', '.join(SCHEDULING_KINDS)}, got {scheduling!r}")
    return (scheduling,)


def _json_bytes(answer: dict[str, Any]) -> bytes:
    """A response as ``answer_json`` sends it: compact ASCII JSON."""
    return json.dumps(answer, separators=(",", ":")).encode("ascii")


def _reads_grouped_keys(query: ListQuery) -> bool:
    """Whether a query's runs are of grouped keys (O-2) rather than newest-first keys (O-1)."""
    spec = query.filter_spec
    return spec is not None and spec.groups_by_name


if TYPE_CHECKING:  # the in-memory stores satisfy the interface (checked by mypy, never run)
    _service_jobs: ListingStore = ServiceJobStore()
    _jobs: ListingStore = JobStore()
