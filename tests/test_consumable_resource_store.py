"""ListJobsByConsumableResource from the in-memory store's indexes: the store answers exactly as the pure
function over its jobs, and as the oracle, tokens included, across changes between pages."""

from __future__ import annotations

import json
from typing import Any

import oracle_consumable as oracle
import pytest
from hypothesis import given
from hypothesis import strategies as st

from listjobs_core import (
    LIST_JOBS,
    LIST_JOBS_BY_CONSUMABLE_RESOURCE,
    ClientException,
    JobStore,
    ServiceJobStore,
    list_jobs_by_consumable_resource,
)
from listjobs_core.strategies import (
    consumable_jobs,
    consumable_jobs_and_requests,
    consumable_resource_properties,
    consumable_resource_requests,
    list_jobs_statuses,
)

page_sizes = st.lists(st.integers(1, 5), min_size=1, max_size=4)


def store_of(jobs: list[dict[str, Any]], how: str) -> JobStore:
    """A store of ``jobs``, loaded at once or one by one."""
    if how == "put_many":
        return JobStore(jobs, operation=LIST_JOBS)
    store = JobStore(LIST_JOBS)
    for job in jobs:
        store.put(job)
    return store


@given(consumable_jobs_and_requests(), page_sizes, st.sampled_from(("put_many", "put")))
def test_store_traversals_agree_with_the_pure_function_and_the_oracle(
    case: tuple[list[dict[str, Any]], dict[str, Any]], sizes: list[int], how: str
) -> None:
    """Page by page, the store answers what the pure function answers over the same jobs (tokens
    included), and the whole traversal is the oracle's selection."""
    jobs, query = case
    store = store_of(jobs, how)
    listed: list[dict[str, Any]] = []
    token = None
    for number in range(200):
        request = {**query, "maxResults": sizes[min(number, len(sizes) - 1)]}
        if token is not None:
            request["nextToken"] = token
        page = store.list_jobs_by_consumable_resource(request)
        assert page == list_jobs_by_consumable_resource(jobs, request)
        assert store.answer_json(request, operation=LIST_JOBS_BY_CONSUMABLE_RESOURCE) == json.dumps(
            page, separators=(",", ":")
        ).encode("ascii")
        listed += page["jobs"]
        token = page.get("nextToken")
        if token is None:
            break
    assert listed == oracle.expected_selection(jobs, query)


@st.composite
def traversals_under_change(draw: st.DrawFn) -> tuple[list[dict[str, Any]], dict[str, Any], list[Any]]:
    """Jobs, a request, and steps: pages, puts (new jobs, replaced ones with other resources), removals,
    status moves, resource changes and clears."""
    jobs = draw(consumable_jobs(max_size=12))
    request = draw(consumable_resource_requests(jobs))
    ids = [job["jobId"] for job in jobs] or ["new"]
    more = draw(consumable_jobs(max_size=6))
    steps: list[Any] = []
    for _ in range(draw(st.integers(1, 14))):
        kinds = ("page", "page", "page", "put", "remove", "status", "resources", "clear")
        kind = draw(st.sampled_from(kinds))
        if kind == "page":
            steps.append(("page", draw(st.integers(1, 4))))
        elif kind == "put" and more:
            job = dict(draw(st.sampled_from(more)))
            job["jobId"] = draw(st.one_of(st.sampled_from(ids), st.just(job["jobId"])))
            job["jobArn"] = "arn:aws:batch:us-east-1:123456789012:job/" + job["jobId"]
            steps.append(("put", job))
        elif kind == "remove":
            steps.append(("remove", draw(st.sampled_from(ids))))
        elif kind == "status":
            steps.append(("status", draw(st.sampled_from(ids)), draw(list_jobs_statuses)))
        elif kind == "resources":
            steps.append(("resources", draw(st.sampled_from(ids)), draw(consumable_resource_properties())))
        elif kind == "clear" and draw(st.integers(0, 3)) == 0:
            steps.append(("clear",))
    steps.append(("page", draw(st.integers(1, 4))))
    return jobs, request, steps


@given(traversals_under_change())
def test_store_agrees_with_the_pure_function_across_changes_between_pages(
    case: tuple[list[dict[str, Any]], dict[str, Any], list[Any]],
) -> None:
    """After any put, removal, status move, change of resources or clear, the store's next page (resumed
    by the previous page's token) is the pure function's over the jobs the store then holds, and its first
    page is the oracle's; the store's indexes are whole after every change."""
    jobs, query, steps = case
    store = JobStore(jobs, operation=LIST_JOBS)
    token = None
    for step in steps:
        if step[0] == "page":
            request = {**query, "maxResults": step[1]}
            if token is not None:
                request["nextToken"] = token
            page = store.list_jobs_by_consumable_resource(request)
            held = list(store)
            assert page == list_jobs_by_consumable_resource(held, request)
            if token is None:
                assert page["jobs"] == oracle.expected_selection(held, query)[: step[1]]
            token = page.get("nextToken")
            if token is None:
                return
        elif step[0] == "put":
            store.put(step[1])
        elif step[0] == "remove":
            store.remove(step[1])
        elif step[0] == "status":
            if step[1] in store:
                store.update(step[1], status=step[2])
        elif step[0] == "resources":
            if step[1] in store:
                store.update(step[1], consumableResourceProperties=step[2])
        else:
            store.clear()
        _check_against_fresh_store(store, query)


def _check_against_fresh_store(store: JobStore, query: dict[str, Any]) -> None:
    """The store answers the first page as a store built afresh from its jobs does."""
    fresh = JobStore(list(store), operation=LIST_JOBS)
    request = {**query, "maxResults": 100}
    assert store.list_jobs_by_consumable_resource(request) == fresh.list_jobs_by_consumable_resource(request)


def test_only_a_store_of_list_jobs_answers_it() -> None:
    """A store of ListServiceJobs refuses the operation with a TypeError naming what to use."""
    with pytest.raises(TypeError, match="ListJobs"):
        ServiceJobStore().list_jobs_by_consumable_resource({"consumableResource": "r"})
    with pytest.raises(TypeError, match="ListJobs"):
        ServiceJobStore().answer({"consumableResource": "r"}, operation=LIST_JOBS_BY_CONSUMABLE_RESOURCE)


def test_the_store_routes_answer_by_operation_and_refuses_bad_requests() -> None:
    """``answer`` and ``answer_json`` answer the store's own operation by default, and this one when
    named; a bad request is the pure function's ClientException; a malformed job is refused at put."""
    job = {
        "jobId": "a", "jobName": "n", "status": "RUNNING", "createdAt": 1, "jobQueue": "q",
        "jobArn": "arn:aws:batch:us-east-1:1:job/a",
        "consumableResourceProperties": {"consumableResourceList": [
            {"consumableResource": "r", "quantity": 5}]},
    }
    store = JobStore([job], operation=LIST_JOBS)
    assert [summary["jobId"] for summary in store.answer({"jobQueue": "q"})["jobSummaryList"]] == ["a"]
    by_resource = store.answer({"consumableResource": "r"}, operation=LIST_JOBS_BY_CONSUMABLE_RESOURCE)
    assert [summary["quantity"] for summary in by_resource["jobs"]] == [5]
    assert store.answer_json({"consumableResource": "s"}, operation=LIST_JOBS_BY_CONSUMABLE_RESOURCE) == (
        b'{"jobs":[]}'
    )
    with pytest.raises(ClientException, match="consumableResource is required"):
        store.list_jobs_by_consumable_resource({})
    twice = {**job, "jobId": "b", "consumableResourceProperties": {"consumableResourceList": [
        {"consumableResource": "r", "quantity": 1}, {"consumableResource": "r", "quantity": 2}]}}
    with pytest.raises(ValueError, match="consumableResourceProperties"):
        store.put(twice)
    assert "b" not in store
    # The summary is the caller's: changing it changes nothing stored.
    by_resource["jobs"][0]["consumableResourceProperties"]["consumableResourceList"].clear()
    again = store.list_jobs_by_consumable_resource({"consumableResource": "r"})
    assert again["jobs"][0]["consumableResourceProperties"]["consumableResourceList"] != []
