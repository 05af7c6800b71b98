"""The public strategies (``listjobs_core.strategies``) at work: each one drives a property of the contract
against the tests' oracle, so a strategy that stops drawing what it promises fails a test."""

from __future__ import annotations

from typing import Any

import oracle
import oracle_list_jobs
from hypothesis import given, settings
from hypothesis import strategies as st

from listjobs_core import LIST_JOBS, ClientException, JobStore, ServiceJobStore, list_jobs, list_service_jobs
from listjobs_core.strategies import (
    adversarial_names,
    adversarial_queues,
    batch_jobs,
    interleaved_writes_and_pages,
    invalid_list_jobs_requests,
    service_jobs_and_requests,
)


@given(interleaved_writes_and_pages())
def test_a_traversal_under_change_lists_no_job_twice_and_misses_none_that_matched_throughout(
    case: tuple[list[dict[str, Any]], dict[str, Any], list[tuple[Any, ...]]],
) -> None:
    """P-5: whatever is put, removed or moved between pages, no job is listed twice, and every job that
    matched the query from the first page to the last (unchanged) is listed."""
    jobs, request, steps = case
    store = ServiceJobStore(jobs)
    steady = {job["jobId"]: job for job in jobs if oracle.matches(job, request)}
    listed: list[str] = []
    token: str | None = None
    started = False
    for step in steps:
        if step[0] == "page":
            page = store.list_service_jobs({**request, "maxResults": step[1], "nextToken": token})
            listed += [summary["jobId"] for summary in page["jobSummaryList"]]
            token, started = page.get("nextToken"), True
            if token is None:
                break
            continue
        job_id = step[1]["jobId"] if step[0] == "put" else step[1]
        steady.pop(job_id, None)  # a job that changed did not match throughout
        if step[0] == "put":
            store.put(step[1])
        elif step[0] == "remove":
            store.remove(job_id)
        elif job_id in store:
            store.update(job_id, status=step[2])
    assert started and len(listed) == len(set(listed)), listed
    if token is None:  # the traversal ended: every steady job was met on the way
        assert set(steady) <= set(listed)


@settings(max_examples=30)
@given(
    adversarial_names(max_size=60),
    st.sampled_from(
        ("train-x", "TRAIN-X*", "train-*", "straße-run", "STRASSE-RU*", "model-", "model-77*", "*")
    ),
)
def test_adversarial_names_are_listed_as_the_oracle_lists_them(
    jobs: list[dict[str, Any]], value: str
) -> None:
    """S-5, O-2: case variants and near misses of one name, by the store and the pure function alike."""
    request = {"filters": [{"name": "JOB_NAME", "values": [value]}], "maxResults": 100}
    expected = oracle.expected_selection(jobs, request)[:100]
    assert list_service_jobs(jobs, request)["jobSummaryList"] == expected
    assert ServiceJobStore(jobs).list_service_jobs(request)["jobSummaryList"] == expected


@settings(max_examples=30)
@given(
    adversarial_queues(max_size=60),
    st.sampled_from(
        (
            "q",
            "arn:aws:batch:us-east-1:123456789012:job-queue/q",
            "arn:aws:batch:region-3:000000000003:job-queue/q",
        )
    ),
)
def test_adversarial_queues_are_listed_as_the_oracle_lists_them(
    jobs: list[dict[str, Any]], queue: str
) -> None:
    """IN-2: one queue name under many regions and accounts, by the store and the pure function alike."""
    request = {"jobQueue": queue, "maxResults": 100}
    expected = oracle.expected_selection(jobs, request)[:100]
    assert list_service_jobs(jobs, request)["jobSummaryList"] == expected
    assert ServiceJobStore(jobs).list_service_jobs(request)["jobSummaryList"] == expected


@given(st.data())
def test_any_list_jobs_request_is_answered_or_refused_alike_by_the_store(data: st.DataObject) -> None:
    """LJ-1 to LJ-5: an invalid ListJobs request is a ClientException from the pure function and the store
    alike; a valid one gets the same answer from both."""
    jobs = data.draw(batch_jobs(max_size=8))
    request = data.draw(invalid_list_jobs_requests(jobs))
    store = JobStore(jobs, operation=LIST_JOBS)
    try:
        expected = list_jobs(jobs, request)
    except ClientException as refused:
        try:
            store.answer(request)
        except ClientException as also_refused:
            assert also_refused.message == refused.message
        else:
            raise AssertionError(f"the store answered {request!r}, which list_jobs refuses") from None
        return
    assert store.answer(request) == expected
    if not request.get("nextToken") and not request.get("maxResults"):
        selection = oracle_list_jobs.expected_selection(jobs, request)
        assert expected["jobSummaryList"] == selection[: len(expected["jobSummaryList"])]


@settings(max_examples=20)
@given(service_jobs_and_requests())
def test_the_readme_fuzz_example_holds(case: tuple[list[dict[str, Any]], dict[str, Any]]) -> None:
    """The README's example: an emulator's listing (the store) fuzzed against list_service_jobs."""
    jobs, request = case
    assert ServiceJobStore(jobs).list_service_jobs(request) == list_service_jobs(jobs, request)
