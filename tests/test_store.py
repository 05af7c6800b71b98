"""ServiceJobStore answers exactly as the pure function over its current jobs, under mutation and threads."""

from __future__ import annotations

import copy
import json
import random
import threading
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from strategies import JOB_ID_ALPHABET, job_bodies, jobs_lists, near_valid_requests, queries

from listjobs_core import ClientException, ListingError, ServiceJob, ServiceJobStore, list_service_jobs
from listjobs_core._store import _SortedKeys

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


# A store factory: a new, empty store signing its tokens with the given key. Every store with the
# ServiceJobStore interface runs the same machine (tests/test_sql_store.py runs it on the SQL engines).
StoreFactory = Callable[[bytes | None], Any]


def memory_store(token_key: bytes | None) -> ServiceJobStore:
    return ServiceJobStore(token_key=token_key)


class StoreMachine(RuleBasedStateMachine):
    """Puts, updates, removes and paginated listings against a store and a plain dict of the same jobs."""

    def __init__(self, new_store: StoreFactory = memory_store) -> None:
        super().__init__()
        # Tiny chunks, so a few dozen jobs split and merge chunks as a million would.
        self.saved_load = _SortedKeys._LOAD
        _SortedKeys._LOAD = 2
        self.new_store = new_store
        self.token_key: bytes | None = None
        self.store: Any = None
        self.jobs: dict[str, dict[str, Any]] = {}
        self.request: dict[str, Any] | None = None
        self.token: str | None = None
        self.listed: list[str] = []

    def teardown(self) -> None:
        _SortedKeys._LOAD = self.saved_load
        close = getattr(self.store, "close", None)
        if close is not None:
            close()

    @initialize(key=st.sampled_from((None, b"secret")))
    def choose_token_key(self, key: bytes | None) -> None:
        self.token_key = key
        self.store = self.new_store(key)

    def expected(self, request: dict[str, Any]) -> dict[str, Any]:
        return list_service_jobs(list(self.jobs.values()), request, token_key=self.token_key)

    @rule(job_id=st.text(JOB_ID_ALPHABET, min_size=1, max_size=3), body=store_job_bodies())
    def put(self, job_id: str, body: dict[str, Any]) -> None:
        """Insert a job, or replace one that has the same id with anything at all."""
        job = {"jobId": job_id, **body}
        self.store.put(job)
        self.jobs[job_id] = copy.deepcopy(job)

    @precondition(lambda self: self.jobs)
    @rule(data=st.data(), change=st.sampled_from(("status", "name", "createdAt", "queue", "share")))
    def change(self, data: st.DataObject, change: str) -> None:
        """Replace a stored job with a copy of itself that differs in one member (a rename is a new key)."""
        job_id = data.draw(st.sampled_from(sorted(self.jobs)))
        job = copy.deepcopy(self.jobs[job_id])
        body = data.draw(store_job_bodies())
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

    @precondition(lambda self: self.jobs and hasattr(self.store, "update"))
    @rule(data=st.data(), change=st.sampled_from(("status", "shareIdentifier", "quotaShareName", "jobQueue")))
    def update(self, data: st.DataObject, change: str) -> None:
        """Change one member of a stored job in place with the store's atomic update, where it has one
        (``None`` removes the member)."""
        job_id = data.draw(st.sampled_from(sorted(self.jobs)))
        body = data.draw(store_job_bodies())
        value = body.get(change)
        updated = self.store.update(job_id, **{change: value})
        changed = {**self.jobs[job_id], change: value}
        self.jobs[job_id] = {member: value for member, value in changed.items() if value is not None}
        assert updated == self.jobs[job_id]

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
        self.request = data.draw(store_queries(list(self.jobs.values())))
        self.token, self.listed = None, []
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
        actual = self.store.list_service_jobs(request)
        assert json.dumps(actual) == json.dumps(self.expected(request))
        self.token = actual.get("nextToken")
        self.listed += [summary["jobId"] for summary in actual["jobSummaryList"]]

    @rule(data=st.data())
    def bad_or_odd_request(self, data: st.DataObject) -> None:
        """A request with one bad member fails in the store with the pure function's ClientException."""
        request = data.draw(near_valid_requests(list(self.jobs.values())))
        try:
            expected: Any = self.expected(request)
        except ClientException as error:
            expected = error.message
        try:
            actual: Any = self.store.list_service_jobs(request)
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


StoreMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=50, deadline=None)
TestStoreMachine = StoreMachine.TestCase


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
        ({"jobId": "a", "jobName": "n", "version": None}, TypeError, "version"),
        ({"jobId": "a", "jobName": "n", "status": 5}, TypeError, "status"),
        ({"jobId": "a", "jobName": "n", "jobQueue": ["q"]}, TypeError, "jobQueue"),
        ({"jobId": "a", "jobName": "n", "shareIdentifier": 1}, TypeError, "shareIdentifier"),
        ({"jobId": "a", "jobName": "n", "jobArn": 1}, TypeError, "jobArn"),
        ({"jobId": "a", "jobName": "n", "latestAttempt": {"x": {1, 2}}}, TypeError, "latestAttempt"),
    ],
)
def test_a_bad_job_is_refused_naming_the_member(job: Any, error: type[Exception], member: str) -> None:
    """put refuses a job the listing could not answer, naming the member, and stores nothing."""
    store = ServiceJobStore()
    with pytest.raises(error, match=member):
        store.put(job)
    assert len(store) == 0
    store._check()


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
