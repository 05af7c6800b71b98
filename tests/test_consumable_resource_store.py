"""ListJobsByConsumableResource from the in-memory store's indexes: the store answers exactly as the pure
function over its jobs, and as the oracle, tokens included, across changes between pages."""

from __future__ import annotations

import json
from typing import Any

import oracle_consumable as oracle
import pytest
from hypothesis import given
from hypothesis import strategies as st
from traversals import resource_listing

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
    assert resource_listing(store, jobs, query, sizes) == oracle.expected_selection(jobs, query)
    store._check()


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


def apply_change(store: Any, step: tuple[Any, ...]) -> None:
    """One change of ``traversals_under_change`` to ``store``: a put, a removal, a status move or a change
    of resources of a job it holds, or a clear."""
    kind = step[0]
    if kind == "put":
        store.put(step[1])
    elif kind == "remove":
        store.remove(step[1])
    elif kind == "status":
        if step[1] in store:
            store.update(step[1], status=step[2])
    elif kind == "resources":
        if step[1] in store:
            store.update(step[1], consumableResourceProperties=step[2])
    elif kind == "clear":
        store.clear()
    else:
        raise ValueError(f"no such change: {kind}")


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
            assert store.answer_json(request, operation=LIST_JOBS_BY_CONSUMABLE_RESOURCE) == json.dumps(
                page, separators=(",", ":")
            ).encode("ascii")
            if token is None:
                assert page["jobs"] == oracle.expected_selection(held, query)[: step[1]]
            token = page.get("nextToken")
            if token is None:
                return
        else:
            apply_change(store, step)
        store._check()
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


def _many_names_jobs() -> list[dict[str, Any]]:
    """Jobs under many names sharing prefixes in several cases (more than a few folded names match a
    prefix), with versions, two statuses and resources named by name and by ARN."""
    arn = "arn:aws:batch:us-east-1:123456789012:consumable-resource/r"
    jobs = []
    for number in range(240):
        name = ("Train", "train", "TRAIN", "trainer", "tram", "eval")[number % 6] + f"-{number % 9}"
        jobs.append({
            "jobId": f"j{number:03}", "jobName": name, "version": number % 3, "createdAt": number % 17,
            "status": ("RUNNING", "FAILED")[number % 2], "jobQueue": "q",
            "jobArn": f"arn:aws:batch:us-east-1:123456789012:job/j{number:03}",
            "consumableResourceProperties": {"consumableResourceList": [
                {"consumableResource": ("r", arn)[number % 5 == 0], "quantity": 1}]},
        })
    return jobs


@pytest.mark.parametrize("budget", [None, 3])
@pytest.mark.parametrize("resource", ["r", "arn:aws:batch:us-east-1:123456789012:consumable-resource/r"])
def test_job_name_prefix_pages_over_many_names_are_the_oracles(
    monkeypatch: pytest.MonkeyPatch, budget: int | None, resource: str
) -> None:
    """CR-7 under a JOB_NAME prefix that many folded names match: the pages, read from the name indexes
    (the walk under each head of the prefix, or, past its search budget, the merge of folded-name ranges),
    are the oracle's grouped order, alone and with JOB_STATUS, across tokens."""
    from listjobs_core.store import _name_ranges

    if budget is not None:
        monkeypatch.setattr(_name_ranges, "HEAD_SEARCH_BUDGET", budget)
    jobs = _many_names_jobs()
    store = JobStore(jobs, operation=LIST_JOBS)
    store._check()
    for value in ("tra*", "TRAIN*", "train-1*", "t*", "*", "train-4", "x*"):
        for status in (None, "FAILED"):
            query: dict[str, Any] = {"consumableResource": resource,
                                     "filters": [{"name": "JOB_NAME", "values": [value]}]}
            if status is not None:
                query["filters"].append({"name": "JOB_STATUS", "values": [status]})
            listed: list[dict[str, Any]] = []
            token = None
            while True:
                request = {**query, "maxResults": 7}
                if token is not None:
                    request["nextToken"] = token
                page = store.list_jobs_by_consumable_resource(request)
                listed += page["jobs"]
                token = page.get("nextToken")
                if token is None:
                    break
            assert listed == oracle.expected_selection(jobs, query), (value, status)


def test_a_page_shares_nothing_the_caller_may_change_with_the_store() -> None:
    """W-3, CR-8: changing a page's summaries, their consumableResourceProperties and its entries changes
    no later answer, as dicts or as JSON."""
    jobs = _many_names_jobs()[:20]
    store = JobStore(jobs, operation=LIST_JOBS)
    request = {"consumableResource": "r"}
    first = store.list_jobs_by_consumable_resource(request)
    expected = json.dumps(first, separators=(",", ":")).encode("ascii")
    for summary in first["jobs"]:
        summary["jobName"] = "changed"
        summary["consumableResourceProperties"]["consumableResourceList"][0]["quantity"] = 99
        entries = summary["consumableResourceProperties"]["consumableResourceList"]
        entries.append({"consumableResource": "x"})
        summary["consumableResourceProperties"]["other"] = 1
    assert store.list_jobs_by_consumable_resource(request) == list_jobs_by_consumable_resource(jobs, request)
    assert store.answer_json(request, operation=LIST_JOBS_BY_CONSUMABLE_RESOURCE) == expected
    store._check()


@pytest.mark.parametrize(
    "index", ["by_created", "by_name", "by_folded", "by_status", "by_status_name", "by_status_folded"]
)
def test_the_store_check_finds_a_broken_resource_index(index: str) -> None:
    """The store's invariant check covers the resource indexes: a key missing from any of them fails it."""
    store = JobStore(_many_names_jobs()[:30], operation=LIST_JOBS)
    store._check()
    scope = store._resources.by_name["r"]  # type: ignore[union-attr]
    held = getattr(scope, index)
    keys = held["RUNNING"] if index.startswith("by_status") else held
    keys.remove(next(iter(keys)))
    with pytest.raises(AssertionError, match="store invariant broken"):
        store._check()


@st.composite
def case_variant_jobs_and_name_requests(draw: st.DrawFn) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Many jobs under few names that are case variants of each other (so a prefix has several heads, and
    a head's range spans pages), two statuses, a resource by name or ARN; a JOB_NAME prefix, alone or with
    JOB_STATUS, in any case."""
    arn = "arn:aws:batch:us-east-1:123456789012:consumable-resource/r"
    stems = draw(st.lists(st.text("aAbBßs", min_size=1, max_size=3), min_size=1, max_size=4))
    jobs = []
    for number in range(draw(st.integers(0, 40))):
        job_id = f"j{number:03}"
        jobs.append({
            "jobId": job_id, "jobName": draw(st.sampled_from(stems)) + draw(st.sampled_from(("", "x", "X"))),
            "version": draw(st.integers(0, 1)), "createdAt": draw(st.integers(0, 3)),
            "status": draw(st.sampled_from(("RUNNING", "FAILED"))), "jobQueue": "q",
            "jobArn": "arn:aws:batch:us-east-1:123456789012:job/" + job_id,
            "consumableResourceProperties": {"consumableResourceList": [
                {"consumableResource": draw(st.sampled_from(("r", arn))), "quantity": 1}]},
        })
    name = draw(st.sampled_from([job["jobName"] for job in jobs] or stems))
    prefix = "".join(draw(st.sampled_from((c.lower(), c.upper()))) for c in name[: draw(st.integers(0, 2))])
    filters = [{"name": "JOB_NAME", "values": [prefix + "*"]}]
    if draw(st.booleans()):
        filters.append({"name": "JOB_STATUS", "values": [draw(st.sampled_from(("RUNNING", "FAILED")))]})
    return jobs, {"consumableResource": draw(st.sampled_from(("r", arn))), "filters": filters}


@given(case_variant_jobs_and_name_requests(), page_sizes, st.sampled_from((None, 2)))
def test_job_name_prefix_pages_across_heads_are_the_oracles(
    case: tuple[list[dict[str, Any]], dict[str, Any]], sizes: list[int], budget: int | None
) -> None:
    """CR-6, CR-7: a JOB_NAME prefix page, alone or with JOB_STATUS, read as ranges of the resource's name
    indexes (a page resuming inside its cursor's head, a page crossing from one head to the next, the
    merge of a few folded names' ranges, the merge past the walk's search budget), continues by its token
    exactly where the oracle's order goes on, as dicts and as JSON."""
    from unittest import mock

    from listjobs_core.store import _name_ranges

    jobs, query = case
    store = JobStore(jobs, operation=LIST_JOBS)
    with mock.patch.object(_name_ranges, "HEAD_SEARCH_BUDGET", budget or _name_ranges.HEAD_SEARCH_BUDGET):
        listed = resource_listing(store, jobs, query, sizes)
    assert listed == oracle.expected_selection(jobs, query)


def test_a_change_no_index_reads_is_in_the_next_page() -> None:
    """CR-8: a summary is made once per stored record, and a job stored again (its statusReason, its
    definition, its quantity changed, nothing any index reads) is listed as it now is, as dicts and as
    JSON: what was made of the record it replaced is dropped."""
    jobs = _many_names_jobs()[:12]
    store = JobStore(jobs, operation=LIST_JOBS)
    request = {"consumableResource": "r", "filters": [{"name": "JOB_NAME", "values": ["train*"]}]}

    def agrees() -> None:
        page = store.list_jobs_by_consumable_resource(request)
        assert page == list_jobs_by_consumable_resource(list(store), request)
        assert store.answer_json(request, operation=LIST_JOBS_BY_CONSUMABLE_RESOURCE) == json.dumps(
            page, separators=(",", ":")
        ).encode("ascii")
        store._check()

    agrees()
    store.update("j001", statusReason="preempted")
    agrees()
    store.put({**jobs[2], "jobDefinition": "arn:aws:batch:us-east-1:123456789012:job-definition/d:2"})
    agrees()
    store.update("j003", consumableResourceProperties={"consumableResourceList": [
        {"consumableResource": "r", "quantity": 7}]})
    agrees()
    assert [summary["statusReason"] for summary in store.list_jobs_by_consumable_resource(request)["jobs"]
            if summary["jobArn"].endswith("/j001")] == ["preempted"]
