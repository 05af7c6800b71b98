"""ServiceJobStore answers exactly as the pure function over its current jobs, under mutation and threads."""

from __future__ import annotations

import copy
import gc
import json
import random
import threading
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from strategies import (
    JOB_ID_ALPHABET,
    PARENTS,
    definitions,
    job_bodies,
    jobs_lists,
    list_jobs_queries,
    near_valid_requests,
    queries,
)

from listjobs_core import (
    LIST_JOBS,
    LIST_SERVICE_JOBS,
    ClientException,
    JobStore,
    ListingError,
    ServiceJobStore,
    list_jobs,
    list_service_jobs,
    paginate,
)
from listjobs_core._jobs import MEMBER_SHAPES, find_job_problem
from listjobs_core._model import ServiceJob
from listjobs_core._records import is_simple, pack, pack_columns, private_record, record_order, summary_of
from listjobs_core._request import parse_request
from listjobs_core._wire import to_summary
from listjobs_core.store import _name_ranges
from listjobs_core.store._sorted_keys import SortedKeys as _SortedKeys
from listjobs_core.workloads import ordinary_jobs

# Characters whose case folding is not one-to-one, or not the identity on a single character: the sharp s
# (two characters, "ss"), its capital, the long s and the Kelvin sign (fold to "s" and "k"), the dotted
# capital I (two characters), the ligature "st", final and capital sigma.
FOLD_ALPHABET = "sSßẞſkKKİiﬆtΣσς1*"
fold_names = st.text(FOLD_ALPHABET, min_size=1, max_size=5)


@st.composite
def store_job_bodies(draw: st.DrawFn) -> dict[str, Any]:
    """A job body from the shared strategies, its name sometimes made of case-folding troublemakers."""
    body = draw(job_bodies())
    if draw(st.booleans()):
        body["jobName"] = draw(fold_names)
    return body


@st.composite
def store_queries(draw: st.DrawFn, jobs: list[dict[str, Any]]) -> dict[str, Any]:
    """A valid first-page request over ``jobs``; JOB_NAME values are often fold-alphabet patterns."""
    request = draw(queries(jobs))
    if draw(st.integers(0, 3)) == 0:
        value = draw(fold_names) + draw(st.sampled_from(("", "*")))
        request["filters"] = [{"name": "JOB_NAME", "values": [value]}]
    return request


page_size = st.one_of(st.integers(1, 4), st.just(100))


@st.composite
def list_jobs_bodies(draw: st.DrawFn) -> dict[str, Any]:
    """A ListJobs job body: a store job body, most with a ``jobDefinition``."""
    body = draw(store_job_bodies())
    body.pop("quotaShareName", None)
    if draw(st.integers(0, 3)):
        body["jobDefinition"] = draw(definitions)
    return body


# ListJobs job ids: top-level jobs, array children ``P:i`` and MNP nodes ``P#i`` of the parents requested.
list_jobs_ids = st.one_of(
    st.text(JOB_ID_ALPHABET, min_size=1, max_size=3),
    st.builds(
        lambda parent, separator, index: f"{parent}{separator}{index}",
        st.sampled_from(PARENTS),
        st.sampled_from(":#"),
        st.integers(0, 2),
    ),
)


# A store factory: a new, empty store signing its tokens with the given key.
StoreFactory = Callable[[bytes | None], Any]


def wire_json(response: dict[str, Any]) -> bytes:
    """A response as a server sends it (what ``answer_json`` must give, byte for byte)."""
    return json.dumps(response, separators=(",", ":")).encode("ascii")


class StoreMachine(RuleBasedStateMachine):
    """Puts, batches, updates, removes and paginated listings against a store and a plain dict of the same
    jobs: every page, as a dict and as JSON bytes, is the pure function's, tokens included."""

    operation = LIST_SERVICE_JOBS
    listing = staticmethod(list_service_jobs)
    job_ids: st.SearchStrategy[str] = st.text(JOB_ID_ALPHABET, min_size=1, max_size=3)
    bodies: st.SearchStrategy[dict[str, Any]] = store_job_bodies()

    def __init__(self, new_store: StoreFactory | None = None) -> None:
        """``new_store(token_key)`` makes the store under test (default: the in-memory store of the
        operation); tests/test_sql_store.py runs this machine on the SQL engines with their own."""
        super().__init__()
        self.new_store = new_store
        # Tiny chunks, so a few dozen jobs split and merge chunks as a million would.
        self.saved_load = _SortedKeys._LOAD
        _SortedKeys._LOAD = 2
        self.saved_budget = _name_ranges.HEAD_SEARCH_BUDGET
        self.token_key: bytes | None = None
        self.store: Any = None  # made by the initialize rule, with its token key
        self.jobs: dict[str, dict[str, Any]] = {}
        self.request: dict[str, Any] | None = None
        self.token: str | None = None

    def make_store(self, token_key: bytes | None) -> Any:
        if self.new_store is None:
            return JobStore(self.operation, token_key=token_key)
        return self.new_store(token_key)

    def teardown(self) -> None:
        _SortedKeys._LOAD = self.saved_load
        _name_ranges.HEAD_SEARCH_BUDGET = self.saved_budget
        close = getattr(self.store, "close", None)
        if close is not None:
            close()

    @initialize(key=st.sampled_from((None, b"secret")), budget=st.sampled_from((0, 2, 5, 256)))
    def choose_token_key(self, key: bytes | None, budget: int) -> None:
        """A token key, and how many searches a JOB_NAME prefix may spend on case variants before it
        merges folded-name ranges instead (small budgets take the merge on most pages)."""
        self.token_key = key
        _name_ranges.HEAD_SEARCH_BUDGET = budget
        self.store = self.make_store(key)

    def expected(self, request: dict[str, Any]) -> dict[str, Any]:
        return self.listing(list(self.jobs.values()), request, token_key=self.token_key)

    def queries(self) -> st.SearchStrategy[dict[str, Any]]:
        return store_queries(list(self.jobs.values()))

    @rule(data=st.data())
    def put(self, data: st.DataObject) -> None:
        """Insert a job, or replace one that has the same id with anything at all."""
        job = {"jobId": data.draw(self.job_ids), **data.draw(self.bodies)}
        self.store.put(job)
        self.jobs[job["jobId"]] = copy.deepcopy(job)

    @rule(data=st.data(), size=st.integers(0, 8))
    def put_many(self, data: st.DataObject, size: int) -> None:
        """A batch of new and replacing jobs, some repeating an id within the batch: the later one wins."""
        known = sorted(self.jobs)
        ids = st.one_of(self.job_ids, st.sampled_from(known)) if known else self.job_ids
        batch = [{"jobId": data.draw(ids), **data.draw(self.bodies)} for _ in range(size)]
        self.store.put_many(iter(batch))
        for job in batch:
            self.jobs[job["jobId"]] = copy.deepcopy(job)

    @precondition(lambda self: self.jobs)
    @rule(data=st.data(), change=st.sampled_from(("status", "name", "createdAt", "queue", "share")))
    def change(self, data: st.DataObject, change: str) -> None:
        """Replace a stored job with a copy of itself that differs in one member (a rename is a new key)."""
        job_id = data.draw(st.sampled_from(sorted(self.jobs)))
        job = copy.deepcopy(self.jobs[job_id])
        body = data.draw(self.bodies)
        member = {
            "status": "status",
            "name": "jobName",
            "createdAt": "createdAt",
            "queue": "jobQueue",
            "share": "shareIdentifier",
        }[change]
        if member in body:
            job[member] = body[member]
        elif member != "jobName":
            job.pop(member, None)
        self.store.put(job)
        self.jobs[job_id] = job

    @precondition(lambda self: self.jobs)
    @rule(data=st.data())
    def update(self, data: st.DataObject) -> None:
        """Change a few members at once through update; None removes one."""
        job_id = data.draw(st.sampled_from(sorted(self.jobs)))
        body = data.draw(self.bodies)
        names = data.draw(st.lists(st.sampled_from(sorted(body)), max_size=3))
        changes = {name: body.get(name) for name in names}
        if data.draw(st.booleans()):
            changes["statusReason"] = None
        returned = self.store.update(job_id, **changes)
        changed = {**self.jobs[job_id], **changes}
        self.jobs[job_id] = {name: value for name, value in changed.items() if value is not None}
        assert returned == self.jobs[job_id]

    @rule(data=st.data())
    def remove(self, data: st.DataObject) -> None:
        """Remove a stored job, or an id that is not there (no error)."""
        job_id = data.draw(
            st.one_of(st.sampled_from(sorted(self.jobs) or ["none"]), st.text(JOB_ID_ALPHABET))
        )
        self.store.remove(job_id)
        self.jobs.pop(job_id, None)

    @rule(data=st.data(), size=page_size)
    def start_listing(self, data: st.DataObject, size: int) -> None:
        """A first page of a random query equals the pure function's, token included."""
        self.request = data.draw(self.queries())
        self.token = None
        self.next_page(size)

    @precondition(lambda self: self.token is not None)
    @rule(size=page_size)
    def continue_listing(self, size: int) -> None:
        """The next page, after any mutation since the last one, equals the pure function's (P-4)."""
        self.next_page(size)

    def next_page(self, size: int) -> None:
        assert self.request is not None
        request = {**self.request, "maxResults": size}
        if self.token is not None:
            request["nextToken"] = self.token
        note(f"request {request!r}")
        expected = self.expected(request)
        actual = self.store.answer(request)
        assert json.dumps(actual) == json.dumps(expected)
        assert self.store.answer_json(request) == wire_json(expected)
        self.token = actual.get("nextToken")

    @rule(data=st.data())
    def bad_or_odd_request(self, data: st.DataObject) -> None:
        """A request with one bad member fails in the store with the pure function's ClientException."""
        request = data.draw(near_valid_requests(list(self.jobs.values())))
        try:
            expected: Any = self.expected(request)
        except ClientException as error:
            expected = error.message
        try:
            actual: Any = self.store.answer(request)
        except ClientException as error:
            actual = error.message
        assert actual == expected

    @invariant()
    def indexes_hold(self) -> None:
        """Every index invariant holds, and the store holds exactly the model's jobs."""
        self.store._check()
        assert len(self.store) == len(self.jobs)
        assert sorted(self.store, key=lambda job: job["jobId"]) == sorted(
            self.jobs.values(), key=lambda job: job["jobId"]
        )


class ListJobsStoreMachine(StoreMachine):
    """The same machine for ``JobStore(LIST_JOBS)`` against ``list_jobs``: queues, children by parent,
    JOB_DEFINITION names, prefixes and revisions."""

    operation = LIST_JOBS
    listing = staticmethod(list_jobs)
    job_ids = list_jobs_ids
    bodies = list_jobs_bodies()

    def queries(self) -> st.SearchStrategy[dict[str, Any]]:
        return list_jobs_queries(list(self.jobs.values()))

    @rule(data=st.data())
    def bad_or_odd_request(self, data: st.DataObject) -> None:
        """Bad ListServiceJobs-shaped requests are checked by the ListServiceJobs machine."""


StoreMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=50, deadline=None)
TestStoreMachine = StoreMachine.TestCase
ListJobsStoreMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=40, deadline=None)
TestListJobsStoreMachine = ListJobsStoreMachine.TestCase


@settings(max_examples=60, deadline=None)
@given(jobs_lists(max_size=30), st.data())
def test_tokens_cross_between_store_and_pure_function(
    jobs: list[dict[str, Any]], data: st.DataObject
) -> None:
    """A token from either path continues the traversal in the other, giving the same pages."""
    store = ServiceJobStore(token_key=b"k")
    for job in jobs:
        store.put(job)
    request = data.draw(queries(jobs))
    token, expected_token = None, None
    for _ in range(100):
        size = data.draw(st.integers(1, 5))
        use_store = data.draw(st.booleans())
        page_request = {**request, "maxResults": size, **({"nextToken": token} if token else {})}
        reference_request = {
            **request,
            "maxResults": size,
            **({"nextToken": expected_token} if token else {}),
        }
        page = (
            store.list_service_jobs(page_request)
            if use_store
            else list_service_jobs(jobs, page_request, token_key=b"k")
        )
        reference = list_service_jobs(jobs, reference_request, token_key=b"k")
        assert page == reference
        token, expected_token = page.get("nextToken"), reference.get("nextToken")
        if token is None:
            break


@st.composite
def fold_patterns(draw: st.DrawFn, names: list[str]) -> str:
    """A JOB_NAME value from a name: folded, upper-cased or as it is, cut anywhere (even inside the "ss"
    of a folded "ß"), with or without the final '*'; or any fold-alphabet text."""
    name = draw(st.sampled_from(names))
    spelling = draw(st.sampled_from((name, name.casefold(), name.upper(), name.lower(), draw(fold_names))))
    cut = spelling[: draw(st.integers(0, len(spelling)))]
    return cut + "*" if draw(st.booleans()) or not cut else cut


@settings(max_examples=80, deadline=None)
@given(st.lists(fold_names, min_size=1, max_size=25), st.data(), st.integers(1, 3))
def test_job_name_patterns_over_case_folding_names(names: list[str], data: st.DataObject, size: int) -> None:
    """S-5/S-6 as index ranges: every page of a JOB_NAME traversal over fold-heavy names is the pure one."""
    jobs = [{"jobId": f"j{i}", "jobName": name, "createdAt": i % 3} for i, name in enumerate(names)]
    store = ServiceJobStore()
    for job in jobs:
        store.put(job)
    value = data.draw(fold_patterns(names))
    request: dict[str, Any] = {"filters": [{"name": "JOB_NAME", "values": [value]}]}
    while True:
        page_request = {**request, "maxResults": size}
        actual = store.list_service_jobs(page_request)
        assert actual == list_service_jobs(jobs, page_request)
        if "nextToken" not in actual:
            break
        request["nextToken"] = actual["nextToken"]


@given(st.text())
def test_case_folding_is_per_character(text: str) -> None:
    """The JOB_NAME index relies on str.casefold folding each character on its own, without context."""
    assert text.casefold() == "".join(character.casefold() for character in text)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 60)), max_size=200), st.permutations(range(40)))
def test_sorted_keys_agree_with_a_sorted_list(
    operations: list[tuple[bool, int]], removals: list[int]
) -> None:
    """The chunked sorted list matches a plain sorted list through adds and removes, chunks splitting and
    merging."""
    saved, _SortedKeys._LOAD = _SortedKeys._LOAD, 4
    try:
        keys, plain = _SortedKeys(), set()

        def key(number: int) -> tuple[Any, ...]:
            return (False, -number, str(number))

        for number in range(40):
            keys.add(key(number))
            plain.add(key(number))
        for add, number in operations + [(False, number) for number in removals]:
            if add and key(number) not in plain:
                keys.add(key(number))
                plain.add(key(number))
            elif not add and key(number) in plain:
                keys.remove(key(number))
                plain.discard(key(number))
            keys._check()
            assert list(keys) == sorted(plain)
            for start in ((False, -30), key(20), None):
                after = [k for k in sorted(plain) if start is None or k > start]
                assert list(keys.walk(start, inclusive=False)) == after
            for probe in ((False, -30), key(20), ()):
                assert keys.first_from(probe) == min((k for k in plain if k >= probe), default=None)
    finally:
        _SortedKeys._LOAD = saved


def test_threads_of_writers_and_paginating_readers() -> None:
    """Concurrent puts, removes and traversals: no exception, no job twice in a traversal, pages sorted."""
    store = ServiceJobStore()
    statuses = ("RUNNING", "FAILED", "SUCCEEDED")
    names = ("train", "Train", "eval", "straße")

    def job(number: int, rng: random.Random) -> dict[str, Any]:
        # Sort keys (jobName, createdAt, jobId) never change, so P-4 forbids any job listed twice.
        return {
            "jobId": f"job-{number:04d}",
            "jobName": names[number % 4],
            "status": rng.choice(statuses),
            "createdAt": number % 97,
            "jobQueue": rng.choice(("q", "arn:aws:batch:r:1:job-queue/q")),
            "shareIdentifier": rng.choice(("a", "b")),
        }

    seed = random.Random(0)
    for number in range(600):
        store.put(job(number, seed))
    errors: list[BaseException] = []
    stop = threading.Event()

    def writer(seed: int) -> None:
        rng = random.Random(seed)
        try:
            while not stop.is_set():
                number = rng.randrange(800)
                if rng.random() < 0.2:
                    store.remove(f"job-{number:04d}")
                else:
                    store.put(job(number, rng))
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)

    requests = (
        {"jobStatus": "RUNNING"},
        {"jobQueue": "q", "filters": [{"name": "JOB_NAME", "values": ["TRAIN*"]}]},
        {"filters": [{"name": "AFTER_CREATED_AT", "values": ["10"]}]},
        {"jobStatus": "FAILED", "filters": [{"name": "SHARE_IDENTIFIER", "values": ["a"]}]},
    )

    def reader(seed: int) -> None:
        rng = random.Random(seed)
        try:
            for _ in range(60):
                request: dict[str, Any] = dict(rng.choice(requests))
                seen: list[str] = []
                while True:
                    page = store.list_service_jobs({**request, "maxResults": rng.randint(1, 40)})
                    summaries = page["jobSummaryList"]
                    if "jobStatus" in request:
                        assert all(summary["status"] == request["jobStatus"] for summary in summaries)
                    seen += [summary["jobId"] for summary in summaries]
                    if "nextToken" not in page:
                        break
                    request["nextToken"] = page["nextToken"]
                assert len(seen) == len(set(seen)), "a job listed twice in one traversal"
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)

    writers = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    readers = [threading.Thread(target=reader, args=(100 + n,)) for n in range(4)]
    for thread in writers + readers:
        thread.start()
    for thread in readers:
        thread.join()
    stop.set()
    for thread in writers:
        thread.join()
    assert not errors, errors
    store._check()


def test_caller_mutation_never_reaches_the_store() -> None:
    """The store keeps private copies: changing a put job, a got job or a response changes nothing."""
    job = {
        "jobId": "a",
        "jobName": "train",
        "status": "RUNNING",
        "createdAt": 5,
        "latestAttempt": {"serviceResourceId": {"name": "TrainingJobArn", "value": "x"}},
        "capacityUsage": [{"capacityUnit": "GPU", "quantity": 1.0}],
        "tags": {"team": ["ml"]},
    }
    snapshot = copy.deepcopy(job)
    store = ServiceJobStore()
    store.put(job)
    before = store.list_service_jobs({})
    job["status"] = "FAILED"
    job["jobName"] = "renamed"
    job["latestAttempt"]["serviceResourceId"]["value"] = "changed"
    job["tags"]["team"].append("ops")
    got = store.get("a")
    assert got == snapshot
    assert got is not None
    got["latestAttempt"]["serviceResourceId"]["value"] = "changed again"
    next(iter(store))["capacityUsage"].clear()
    before["jobSummaryList"][0]["capacityUsage"].clear()
    store._check()
    assert store.list_service_jobs({}) == list_service_jobs([snapshot], {})
    assert store.get("a") == snapshot


def test_flat_and_nested_jobs_project_alike() -> None:
    """A job of scalars and one with nested members give the pure function's summaries, key order included."""
    flat = {"status": "RUNNING", "jobQueue": "q", "version": 2, "createdAt": 3, "jobName": "n", "jobId": "f"}
    nested = {**flat, "jobId": "g", "latestAttempt": {"serviceResourceId": {"name": "n", "value": "v"}}}
    odd = {**flat, "jobId": "h", "statusReason": None, "extra": 1}
    store = ServiceJobStore()
    for job in (flat, nested, odd):
        store.put(job)
    store._check()
    request = {"jobQueue": "q"}
    assert json.dumps(store.list_service_jobs(request)) == json.dumps(
        list_service_jobs([flat, nested, odd], request)
    )
    assert store.get("h") == odd


@pytest.mark.parametrize(
    ("job", "error", "member"),
    [
        (["jobId", "a"], TypeError, "mapping"),
        ({"jobName": "n"}, TypeError, "jobId"),
        ({"jobId": "", "jobName": "n"}, ValueError, "jobId"),
        ({"jobId": "a"}, TypeError, "jobName"),
        ({"jobId": "a", "jobName": 5}, TypeError, "jobName"),
        ({"jobId": "a", "jobName": "n", "createdAt": "5"}, TypeError, "createdAt"),
        ({"jobId": "a", "jobName": "n", "createdAt": True}, TypeError, "createdAt"),
        ({"jobId": "a", "jobName": "n", "version": -1}, ValueError, "version"),
        ({"jobId": "a", "jobName": "n", "version": 1.0}, TypeError, "version"),
        ({"jobId": "a", "jobName": "n", "status": 5}, TypeError, "status"),
        # IN-1: a status outside the model's enum, which no listing would ever list.
        ({"jobId": "a", "jobName": "n", "status": "BOGUS"}, ValueError, "status"),
        ({"jobId": "a", "jobName": "n", "status": "running"}, ValueError, "status"),
        ({"jobId": "a", "jobName": "n", "jobQueue": ["q"]}, TypeError, "jobQueue"),
        ({"jobId": "a", "jobName": "n", "shareIdentifier": 1}, TypeError, "shareIdentifier"),
        ({"jobId": "a", "jobName": "n", "jobArn": 1}, TypeError, "jobArn"),
        ({"jobId": "a", "jobName": "n", "latestAttempt": {"x": {1, 2}}}, TypeError, "latestAttempt"),
        # IN-1: every integer fits the model's Long; a huge one has no JSON form Python can even write.
        ({"jobId": "a", "jobName": "n", "createdAt": 2**63}, ValueError, "createdAt"),
        ({"jobId": "a", "jobName": "n", "createdAt": -(2**63) - 1}, ValueError, "createdAt"),
        # IN-1, decision: a createdAt every store can keep, -(2^63-2) at the least (the SQL store's range).
        ({"jobId": "a", "jobName": "n", "createdAt": -(2**63)}, ValueError, "createdAt"),
        ({"jobId": "a", "jobName": "n", "createdAt": -(2**63) + 1}, ValueError, "createdAt"),
        ({"jobId": "a", "jobName": "n", "createdAt": 10**5000}, ValueError, "createdAt"),
        ({"jobId": "a", "jobName": "n", "version": 2**63}, ValueError, "version"),
        ({"jobId": "a", "jobName": "n", "version": -(10**5000)}, ValueError, "version"),
        ({"jobId": "a", "jobName": "n", "custom": 2**64}, ValueError, "custom"),
        (
            {"jobId": "a", "jobName": "n", "capacityUsage": [{"quantity": 10**5000}]},
            ValueError,
            "capacityUsage",
        ),
    ],
)
def test_a_bad_job_is_refused_naming_the_member(job: Any, error: type[Exception], member: str) -> None:
    """put refuses a job the listing could not answer, naming the member, and stores nothing."""
    store = ServiceJobStore()
    with pytest.raises(error, match=member):
        store.put(job)
    assert len(store) == 0
    store._check()


def test_the_ends_of_the_long_range_are_well_formed() -> None:
    """IN-1: -2^63 and 2^63-1 are the model's Long, kept and listed as given."""
    store = ServiceJobStore()
    low = {"jobId": "low", "jobName": "n", "createdAt": -(2**63) + 2, "custom": -(2**63), "version": 0}
    high = {
        "jobId": "high",
        "jobName": "n",
        "createdAt": 2**63 - 1,
        "custom": 2**63 - 1,
        "version": 2**63 - 1,
    }
    store.put_many([low, high])
    assert store.get("low") == low and store.get("high") == high
    request = {"filters": [{"name": "JOB_NAME", "values": ["n"]}]}
    assert store.list_service_jobs(request) == list_service_jobs([low, high], request)


def test_records_keys_and_errors_behave_as_the_pure_function() -> None:
    """ServiceJob records are stored as their wire members; bad requests and foreign tokens fail alike."""
    store = ServiceJobStore()
    record = ServiceJob(jobId="r", jobName="n", status="RUNNING", createdAt=1, jobQueue="q", version=1)
    store.put(record)
    assert store.get("r") == {
        "jobId": "r",
        "jobName": "n",
        "status": "RUNNING",
        "createdAt": 1,
        "jobQueue": "q",
        "version": 1,
    }
    assert store.list_service_jobs({"jobQueue": "q"}) == list_service_jobs([record], {"jobQueue": "q"})
    other_key = ServiceJobStore(token_key=b"other")
    other_key.put(record)
    other_key.put({"jobId": "s", "jobName": "n", "status": "RUNNING", "createdAt": 0})
    token = other_key.list_service_jobs({"maxResults": 1})["nextToken"]
    for request in ({"maxResults": 1, "nextToken": token}, {"maxResults": 0}, [], {"filters": [{}, {}]}):
        with pytest.raises(ClientException) as from_store:
            store.list_service_jobs(request)
        with pytest.raises(ClientException) as from_pure:
            list_service_jobs(list(store), request)
        assert from_store.value.message == from_pure.value.message
    with pytest.raises(TypeError):
        ServiceJobStore(token_key="text")  # type: ignore[arg-type]
    store.remove("r")
    store.remove("r")
    assert (
        len(store) == 0 and store.get("r") is None and store.list_service_jobs({}) == {"jobSummaryList": []}
    )
    assert issubclass(ClientException, ListingError)


# --- Fast paths and adversarial data ---------------------------------------------------------------------

simple_values = st.one_of(
    st.text(max_size=4),
    st.integers(-3, 3),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False),
    st.lists(st.integers(), max_size=1),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=1),
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.one_of(st.sampled_from(sorted(MEMBER_SHAPES)), st.text(max_size=3), st.integers(0, 2)),
        simple_values,
        max_size=8,
    ),
    st.booleans(),
)
def test_every_simple_job_is_well_formed(members: dict[Any, Any], named: bool) -> None:
    """The store's fast path takes a job unchecked only if find_job_problem, the one home of what a
    well-formed job is, accepts it; and it stores such a job as the general path would."""
    job = {**({"jobId": "a", "jobName": "n"} if named else {}), **members}
    if is_simple(job):
        assert find_job_problem(job) is None
        fast = private_record(job, LIST_SERVICE_JOBS.summary_members)
        assert list(summary_of(fast, LIST_SERVICE_JOBS.summary_members).items()) == list(
            to_summary(job, LIST_SERVICE_JOBS.summary_members).items()
        )


@settings(max_examples=100, deadline=None)
@given(jobs_lists(max_size=25), st.data())
def test_answer_json_is_the_answer_as_a_server_sends_it(
    jobs: list[dict[str, Any]], data: st.DataObject
) -> None:
    """answer_json gives exactly the bytes of json.dumps(answer(...)) for every page, also when a job's
    summary JSON was made before the job changed (a change stores a new record)."""
    store = ServiceJobStore(jobs, token_key=b"k")
    request: dict[str, Any] = {**data.draw(queries(jobs)), "maxResults": data.draw(st.integers(1, 5))}
    for _ in range(50):
        assert store.answer_json(request) == wire_json(store.answer(request))
        if jobs and data.draw(st.booleans()):
            job = data.draw(st.sampled_from(jobs))
            store.update(job["jobId"], status=data.draw(st.sampled_from(("RUNNING", "FAILED"))), stoppedAt=7)
        token = store.answer(request).get("nextToken")
        if token is None:
            break
        request["nextToken"] = token
    store._check()


def test_put_many_checks_every_job_before_storing_any() -> None:
    """A bad job anywhere in a batch is refused naming its position and member, and nothing is stored."""
    store = ServiceJobStore([{"jobId": "kept", "jobName": "n", "status": "RUNNING", "createdAt": 1}])
    batch = [{"jobId": "a", "jobName": "n"}, {"jobId": "b", "jobName": "n", "createdAt": "soon"}]
    with pytest.raises(TypeError, match="job 1 of put_many: member 'createdAt'"):
        store.put_many(batch)
    assert list(store) == [{"jobId": "kept", "jobName": "n", "status": "RUNNING", "createdAt": 1}]
    store._check()


@pytest.mark.parametrize("stored", [0, 3, 40])
def test_put_many_equals_put_one_by_one(stored: int) -> None:
    """put_many, into an empty store, a small one (rebuilt) or a large one (one put per job), leaves the
    store as the same puts one by one would, the later of two jobs with one id winning."""

    def job(number: int, status: str) -> dict[str, Any]:
        return {
            "jobId": f"j{number % 13}",
            "jobName": ("Train", "train", "eval")[number % 3],
            "status": status,
            "createdAt": number % 7,
            "jobQueue": ("q", "arn:aws:batch:r:1:job-queue/q", "x")[number % 3],
            "shareIdentifier": "s",
        }

    first = [job(number, "RUNNING") for number in range(stored)]
    batch = [job(number, "FAILED") for number in range(0, 60, 7)]
    one_by_one = ServiceJobStore()
    for one in first + batch:
        one_by_one.put(one)
    at_once = ServiceJobStore(first)
    at_once.put_many(batch)
    at_once._check()
    assert sorted(at_once, key=str) == sorted(one_by_one, key=str)
    for request in (
        {},
        {"jobStatus": "FAILED", "jobQueue": "q"},
        {"filters": [{"name": "JOB_NAME", "values": ["t*"]}]},
    ):
        assert list(at_once.paginate({**request, "maxResults": 2})) == list(
            one_by_one.paginate({**request, "maxResults": 2})
        )


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(st.sampled_from(sorted(MEMBER_SHAPES)), st.text(max_size=3)), max_size=6, unique=True),
    st.data(),
)
def test_a_batch_is_packed_as_its_jobs_one_at_a_time(names: list[str], data: st.DataObject) -> None:
    """pack_columns takes a batch exactly when every job is simple and flat, and packs each job as
    ``pack(private_record(job))`` would."""
    names = ["jobId", "jobName", *(name for name in names if name not in ("jobId", "jobName"))]
    jobs = [
        {name: data.draw(simple_values if name not in ("jobId", "jobName") else st.text(max_size=2))
         for name in names}
        for _ in range(data.draw(st.integers(1, 4)))
    ]
    members = LIST_SERVICE_JOBS.summary_members
    columns = [[job[name] for job in jobs] for name in names]
    packed = pack_columns(tuple(names), columns, members)
    fits = all(map(is_simple, jobs)) and record_order(names, members) is not None
    assert (packed is not None) == fits
    if packed is not None:
        assert packed == [pack(private_record(job, members)) for job in jobs]


def test_a_bulk_load_stores_and_indexes_as_puts_one_by_one() -> None:
    """Plain jobs of one shape loaded at once (a member at a time) leave the store as puts one by one do,
    and the records hold nothing the cyclic collector tracks."""
    jobs = ordinary_jobs(600)
    at_once = ServiceJobStore(jobs)
    one_by_one = ServiceJobStore()
    for job in jobs:
        one_by_one.put(job)
    at_once._check()
    assert list(at_once) == jobs and at_once._jobs == one_by_one._jobs
    assert not any(map(gc.is_tracked, at_once._jobs.values()))
    assert not any(map(gc.is_tracked, at_once._everything.by_name._chunks))  # the collector skips the keys
    for request in (
        {},
        {"jobStatus": "FAILED", "jobQueue": "training"},
        {"filters": [{"name": "JOB_NAME", "values": ["t*"]}]},
        {"filters": [{"name": "SHARE_IDENTIFIER", "values": ["share-3"]}], "jobStatus": "RUNNING"},
    ):
        assert list(at_once.paginate({**request, "maxResults": 50})) == list(
            one_by_one.paginate({**request, "maxResults": 50})
        )
    copy_of = at_once.get(jobs[0]["jobId"])
    assert copy_of == jobs[0] and copy_of is not jobs[0]
    copy_of["status"] = "FAILED"
    assert at_once.get(jobs[0]["jobId"]) == jobs[0]
    changed = at_once.update(jobs[0]["jobId"], status="FAILED")
    assert changed == {**jobs[0], "status": "FAILED"} == one_by_one.update(jobs[0]["jobId"], status="FAILED")
    at_once._check()


class CountingSearches:
    """Counts the binary searches a listing makes in the stores' sorted indexes."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        for name in ("first_from", "walk"):
            original = getattr(_SortedKeys, name)

            def counted(keys: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
                self.count += 1
                return _original(keys, *args, **kwargs)

            monkeypatch.setattr(_SortedKeys, name, counted)


# The walk's budget, plus a search per job of a page of 20 and a few: far below one per case variant.
SEARCHES_PER_PAGE = 256 + 2 * 20 + 10


def case_variants(name: str, count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(c.upper() if rng.random() < 0.5 else c for c in name) for _ in range(count)]


@pytest.mark.parametrize(
    "value",
    [
        "training-job-name",
        "TRAINING-JOB-NAME*",
        "training-job-nam",
        "training-job-name-*",
        "training-job-namex*",
        "tra*",
    ],
)
def test_a_job_name_page_over_case_variants_of_one_name_costs_few_searches(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Adversarial data: 3000 jobs named with random case variants of one name. Whatever the pattern,
    exact, prefix or one that almost matches, a page makes a bounded number of index searches, not one per
    variant, and is the pure function's page."""
    names = case_variants("training-job-name", 3000, 7)
    jobs = [
        {"jobId": f"j{n:05d}", "jobName": name, "status": "RUNNING", "createdAt": n}
        for n, name in enumerate(names)
    ]
    store = ServiceJobStore(jobs)
    request = {"filters": [{"name": "JOB_NAME", "values": [value]}], "maxResults": 20}
    counting = CountingSearches(monkeypatch)
    first = store.list_service_jobs(request)
    assert counting.count <= SEARCHES_PER_PAGE
    assert first == list_service_jobs(jobs, request)
    if "nextToken" in first:
        counting.count = 0
        second_request = {**request, "nextToken": first["nextToken"]}
        assert store.list_service_jobs(second_request) == list_service_jobs(jobs, second_request)
        assert counting.count <= SEARCHES_PER_PAGE


def test_queue_values_that_share_a_name_are_read_as_one_scope() -> None:
    """Adversarial data: jobs whose queue ARNs differ only in region. A request naming the queue reads one
    scope for all of them (and the scope of jobs without a queue); one naming an ARN reads that ARN's and
    the bare name's; the pages are the pure function's."""
    arns = [f"arn:aws:batch:region-{n}:123456789012:job-queue/q" for n in range(300)]
    jobs = [
        {"jobId": f"j{n:04d}", "jobName": "n", "status": "RUNNING", "createdAt": n, "jobQueue": arns[n % 300]}
        for n in range(900)
    ]
    jobs += [
        {"jobId": "bare", "jobName": "n", "status": "RUNNING", "createdAt": 5, "jobQueue": "q"},
        {"jobId": "none", "jobName": "n", "status": "RUNNING", "createdAt": 6},
    ]
    for store in (ServiceJobStore(jobs), ServiceJobStore()):
        if not len(store):
            for job in jobs:
                store.put(job)
        for queue, scopes in (("q", 2), (arns[3], 3)):
            request = {"jobQueue": queue, "maxResults": 50}
            assert len(store._scopes(parse_request(LIST_SERVICE_JOBS, request))) == scopes
            assert list(store.paginate(request)) == list(paginate(jobs, request))
        store._check()
        for job in jobs[:900]:
            store.remove(job["jobId"])
        store._check()  # the scope of name q stays while a job has that name
        assert list(store.paginate({"jobQueue": "q"})) == list(paginate(jobs[900:], {"jobQueue": "q"}))
        store.remove("bare")
        store._check()
        assert store._named == {}


def test_the_case_fold_tables_cover_the_stored_names_only() -> None:
    """No work that grows with Unicode: a store learns the characters of the names it holds, and a JOB_NAME
    query over them needs nothing else (the sharp s, the Kelvin sign and the long s fold as their kin)."""
    names = ["Straße", "STRASSE", "Kelvin", "\u212aelvin", "\u017ftrasse", "other"]
    jobs = [{"jobId": str(n), "jobName": name, "createdAt": n} for n, name in enumerate(names)]
    store = ServiceJobStore(jobs)
    assert store._fold_table._seen == set("".join(names))
    for value in ("strass*", "STRAS*", "k*", "KELVIN", "s*", "*"):
        request = {"filters": [{"name": "JOB_NAME", "values": [value]}]}
        assert store.list_service_jobs(request) == list_service_jobs(jobs, request)


def test_update_refuses_a_status_outside_the_model() -> None:
    """IN-1: update to a status the model lacks is refused, naming the member, and the job stays listed."""
    store = ServiceJobStore([{"jobId": "a", "jobName": "n", "status": "RUNNING", "createdAt": 1}])
    with pytest.raises(ValueError, match="status"):
        store.update("a", status="BOGUS")
    assert [summary["jobId"] for summary in store.list_service_jobs({})["jobSummaryList"]] == ["a"]


@pytest.mark.parametrize("operation", [LIST_SERVICE_JOBS, LIST_JOBS])
def test_a_store_with_a_completion_completes_every_job_put_into_it(operation: Any) -> None:
    """H-20: put, put_many and update give a job without jobArn (and a service job without serviceJobType)
    what it lacks; a member given is kept; a store without a completion keeps jobs as they are."""
    from listjobs_core._completion import Completion

    resource = "service-job" if operation is LIST_SERVICE_JOBS else "job"
    completing = JobStore(operation, completion=Completion("eu-west-1", "1"))
    plain = JobStore(operation)
    bare = {"jobId": "a", "jobName": "n", "status": "RUNNING", "createdAt": 1}
    given = {**bare, "jobId": "b", "jobArn": "arn:aws:batch:us-east-1:2:job/b"}
    for store in (completing, plain):
        store.put(bare)
        store.put_many([given])
    assert completing.get("a")["jobArn"] == f"arn:aws:batch:eu-west-1:1:{resource}/a"
    assert completing.get("b")["jobArn"] == given["jobArn"]
    assert ("serviceJobType" in completing.get("a")) is (operation is LIST_SERVICE_JOBS)
    assert completing.update("a", jobArn=None)["jobArn"] == f"arn:aws:batch:eu-west-1:1:{resource}/a"
    assert plain.get("a") == bare and plain.get("b") == given


@pytest.mark.parametrize("created_at", [-(2**63), -(2**63) + 1, -(2**63) + 2, 2**63 - 1])
def test_every_store_keeps_and_refuses_the_same_created_at(created_at: int) -> None:
    """IN-1: the in-memory store (one job, or a batch loaded a member at a time) and the SQL store accept
    and refuse the same createdAt values."""
    from listjobs_core.sql import SqlJobStore

    job = {"jobId": "a", "jobName": "n", "status": "RUNNING", "createdAt": created_at}
    batch = [{**job, "jobId": f"b{number}"} for number in range(3)]
    outcomes = []
    for store in (ServiceJobStore(), SqlJobStore("sqlite://")):
        for method, argument in ((store.put, job), (store.put_many, batch)):
            try:
                method(argument)  # type: ignore[operator]
            except ValueError as refused:
                assert "createdAt" in str(refused)
                outcomes.append("refused")
            else:
                outcomes.append("kept")
    assert outcomes == [outcomes[0]] * 4
    assert outcomes[0] == ("refused" if created_at < -(2**63) + 2 else "kept")
