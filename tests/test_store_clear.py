"""``clear()`` on every store: empty, answering as a new store would, and usable again at once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from listjobs_core import (
    LIST_JOBS,
    LIST_SERVICE_JOBS,
    JobStore,
    ServiceJobStore,
    list_jobs,
    list_service_jobs,
)
from listjobs_core.sql import SqlJobStore
from listjobs_core.store import ListingStore

JOBS = [
    {"jobId": f"j-{number}", "jobName": name, "status": "RUNNING", "createdAt": number, "jobQueue": queue}
    for number, (name, queue) in enumerate([("train", "q"), ("Train", "q"), ("eval", "other")])
]


@pytest.fixture(params=["memory", "sqlite"])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[ListingStore, ListingStore]]:
    """A store of service jobs and one of Batch jobs, in memory or on one SQLite database."""
    if request.param == "memory":
        yield ServiceJobStore(), JobStore(LIST_JOBS)
        return
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    with SqlJobStore(url) as service_store, SqlJobStore(url, operation=LIST_JOBS) as batch_store:
        yield service_store, batch_store


def test_clear_empties_a_store_and_it_answers_as_a_new_one(stores: tuple[ListingStore, ListingStore]) -> None:
    """After ``clear()`` nothing is held or listed, by queue or name either; jobs put after are listed
    exactly as the pure function lists them."""
    service_store, _ = stores
    service_store.put_many(JOBS)
    service_store.clear()
    assert (len(service_store), list(service_store), "j-0" in service_store) == (0, [], False)
    by_name = {"filters": [{"name": "JOB_NAME", "values": ["train"]}]}
    for request in ({}, {"jobQueue": "q"}, by_name):
        assert service_store.list_service_jobs(request) == {"jobSummaryList": []}
    again = JOBS[1:]
    service_store.put_many(again)
    for request in ({}, {"jobQueue": "q"}, by_name, {"maxResults": 1}):
        assert service_store.list_service_jobs(request) == list_service_jobs(again, request)


def test_clear_leaves_the_other_store_alone(stores: tuple[ListingStore, ListingStore]) -> None:
    """Clearing the service jobs leaves the Batch jobs (on the same database, for SQL), and the other way
    round; each keeps its operation."""
    service_store, batch_store = stores
    service_store.put_many(JOBS)
    batch_store.put_many(JOBS)
    service_store.clear()
    assert batch_store.list_jobs({"jobQueue": "q"}) == list_jobs(JOBS, {"jobQueue": "q"})
    service_store.put_many(JOBS)
    batch_store.clear()
    assert service_store.list_service_jobs({}) == list_service_jobs(JOBS, {})
    assert (service_store.operation, batch_store.operation) == (LIST_SERVICE_JOBS, LIST_JOBS)


def test_clear_forgets_the_client_tokens_a_sql_store_keeps() -> None:
    """A SQL store keeps SubmitServiceJob's client tokens with its jobs; after ``clear()`` a token is new."""
    with SqlJobStore("sqlite://") as store:
        assert store.put_new(JOBS[0], client_token="token")
        assert not store.put_new(JOBS[1], client_token="token")
        store.clear()
        assert store.put_new(JOBS[1], client_token="token")
        assert [job["jobId"] for job in store] == ["j-1"]
