"""The stores' API beyond listing: membership, atomic updates, pagination, round trips, and ListJobs."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import jobs_and_list_jobs_queries, jobs_and_queries, list_jobs_page_sizes, page_sizes
from traversals import traverse

from listjobs_core import (
    LIST_JOBS,
    ClientException,
    JobStore,
    ServiceJobStore,
    list_jobs,
    list_service_jobs,
    paginate,
)


def ids(response: dict[str, Any]) -> list[str]:
    """The job ids of one response, in order."""
    return [summary["jobId"] for summary in response["jobSummaryList"]]


def store_of(jobs: list[dict[str, Any]], operation: Any = None) -> JobStore:
    store = ServiceJobStore() if operation is None else JobStore(operation)
    for job in jobs:
        store.put(job)
    return store


def test_in_asks_for_a_job_id() -> None:
    """``job_id in store`` is whether a job with that id is stored, not a comparison with job dicts."""
    store = store_of([{"jobId": "a", "jobName": "n"}])
    assert "a" in store
    assert "b" not in store and None not in store and {"jobId": "a", "jobName": "n"} not in store
    store.remove("a")
    assert "a" not in store


def test_get_returns_what_put_takes_back() -> None:
    """A job read with get is a plain dict equal to the job put, and putting it back changes nothing."""
    job = {"jobId": "a", "jobName": "n", "status": "RUNNING", "createdAt": 1, "jobQueue": "q",
           "latestAttempt": {"serviceResourceId": {"name": "n", "value": "v"}}, "custom": [1]}
    store = store_of([job])
    got = store.get("a")
    assert type(got) is dict and got == job
    before = store.list_service_jobs({})
    store.put(got)
    assert store.get("a") == job and store.list_service_jobs({}) == before
    store._check()


def test_update_changes_members_and_reindexes() -> None:
    """update changes the named members, drops those set to None, and the listing follows at once."""
    job = {"jobId": "a", "jobName": "n", "status": "RUNNING", "createdAt": 1, "statusReason": "x"}
    store = store_of([job])
    changed = store.update("a", status="FAILED", statusReason=None, stoppedAt=5)
    assert changed == {"jobId": "a", "jobName": "n", "status": "FAILED", "createdAt": 1, "stoppedAt": 5}
    assert store.get("a") == changed
    assert store.list_service_jobs({})["jobSummaryList"] == []
    assert ids(store.list_service_jobs({"jobStatus": "FAILED"})) == ["a"]
    store._check()


def test_update_refuses_what_put_refuses_and_leaves_the_job() -> None:
    """An unknown id is a KeyError; a bad member a TypeError or ValueError naming it; jobId cannot change."""
    job = {"jobId": "a", "jobName": "n", "status": "RUNNING", "createdAt": 1}
    store = store_of([job])
    with pytest.raises(KeyError):
        store.update("b", status="FAILED")
    with pytest.raises(TypeError, match="createdAt"):
        store.update("a", createdAt="soon")
    with pytest.raises(ValueError, match="jobName"):
        store.update("a", jobName="")
    with pytest.raises(ValueError, match="jobId"):
        store.update("a", jobId="b")
    assert store.get("a") == job and len(store) == 1
    store._check()


def test_concurrent_updates_of_one_job_lose_nothing() -> None:
    """Threads changing one job at once: every change lands, and the indexes end consistent.

    Each thread sets its own member and moves the status; an update that read the job, then wrote it back
    outside the lock, would drop other threads' members.
    """
    store = store_of([{"jobId": "a", "jobName": "n", "status": "RUNNING", "createdAt": 1}])
    threads_count, rounds = 8, 200
    barrier = threading.Barrier(threads_count)
    errors: list[BaseException] = []

    def work(number: int) -> None:
        try:
            barrier.wait()
            for round_number in range(rounds):
                status = ("RUNNING", "SUCCEEDED", "FAILED")[(number + round_number) % 3]
                store.update("a", status=status, **{f"counter{number}": round_number})
        except BaseException as error:  # reported below, with the thread's traceback
            errors.append(error)

    threads = [threading.Thread(target=work, args=(number,)) for number in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    job = store.get("a")
    assert job is not None
    assert all(job[f"counter{number}"] == rounds - 1 for number in range(threads_count))
    store._check()
    assert ids(store.list_service_jobs({"jobStatus": job["status"]})) == ["a"]


def test_version_none_counts_as_absent() -> None:
    """IN-1, IN-3: version None is version 0, in the store and in the pure function alike."""
    jobs = [{"jobId": "a", "jobName": "n", "version": None, "createdAt": 1},
            {"jobId": "b", "jobName": "n", "version": 1, "createdAt": 2},
            {"jobId": "c", "jobName": "n", "createdAt": 3}]
    by_name = {"filters": [{"name": "JOB_NAME", "values": ["n"]}]}
    expected = ["c", "a", "b"]  # version 0 (newest first), then version 1
    assert ids(list_service_jobs(jobs, by_name)) == expected
    assert ids(store_of(jobs).list_service_jobs(by_name)) == expected


@given(jobs_and_queries(), page_sizes)
def test_paginate_walks_the_same_pages_as_a_client(jobs_query: Any, sizes: list[int]) -> None:
    """The store's and the pure function's paginate give the pages a client loop would fetch."""
    jobs, query = jobs_query
    request = {**query, "maxResults": sizes[0]}
    store = store_of(jobs)
    pages = list(store.paginate(request))
    assert pages == list(paginate(jobs, request))
    token = None
    for page in pages:
        assert page == list_service_jobs(jobs, {**request, **({"nextToken": token} if token else {})})
        token = page.get("nextToken")
    assert token is None


def test_paginate_refuses_a_bad_request_on_the_first_page() -> None:
    """A bad request raises when the first page is fetched, as the listing would, whatever its type."""
    for bad in ({"maxResults": 0}, ["not", "a", "mapping"]):
        with pytest.raises(ClientException):
            next(ServiceJobStore().paginate(bad))
        with pytest.raises(ClientException):
            next(paginate([], bad))


@given(jobs_and_list_jobs_queries(), list_jobs_page_sizes)
def test_a_list_jobs_store_answers_as_list_jobs(jobs_query: Any, sizes: list[int]) -> None:
    """JobStore(LIST_JOBS) answers every page as list_jobs does, tokens included: queues, children by parent,
    JOB_DEFINITION names, prefixes and revisions."""
    jobs, query = jobs_query
    store = store_of(jobs, LIST_JOBS)
    store._check()
    from_store = traverse(lambda _, request, token_key: store.answer(request), jobs, query, sizes)
    from_function = traverse(list_jobs, jobs, query, sizes)
    assert from_store == from_function


@given(st.data())
def test_a_list_jobs_store_follows_removals_and_updates(data: st.DataObject) -> None:
    """After jobs are removed and moved to other statuses, the ListJobs store still answers as list_jobs."""
    jobs, query = data.draw(jobs_and_list_jobs_queries())
    store = store_of(jobs, LIST_JOBS)
    current = {job["jobId"]: dict(job) for job in jobs}
    for job in jobs:
        action = data.draw(st.sampled_from(("keep", "remove", "fail")))
        if action == "remove":
            store.remove(job["jobId"])
            del current[job["jobId"]]
        elif action == "fail":
            current[job["jobId"]] = store.update(job["jobId"], status="FAILED")
    store._check()
    assert store.answer(query) == list_jobs(list(current.values()), query)
