"""Any request is answered or refused with a ClientException, and never changed (V-1..V-12)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from oracle import FILTER_NAMES, expected_error, expected_selection
from strategies import (
    ACCOUNT_ARN,
    NASTY_STRINGS,
    fuzz_filters,
    fuzz_requests,
    jobs_lists,
    near_valid_requests,
    statuses,
)

from listjobs_core import ClientException, list_service_jobs

# Jobs that many fuzzed requests select, so that pages fill up and tokens get made.
FUZZ_JOBS: list[dict[str, Any]] = [
    {"jobId": f"j{n}", "jobName": name, "status": status, "createdAt": n, "shareIdentifier": "s1",
     "quotaShareName": "", "jobQueue": queue}
    for n, (name, status, queue) in enumerate(
        [(name, status, queue)
         for name in ("t", "test1", "x", "é", "JOB_NAME")
         for status in ("RUNNING", "SUCCEEDED")
         for queue in ("q1", ACCOUNT_ARN + "q1")]
    )
] + [{"jobId": "bare", "jobName": "bare"}]
FILTER_MESSAGE_WORDS = ("filter", "name", "value")


def answer_or_refusal(request: Any, token_key: bytes | None = None) -> dict[str, Any] | ClientException:
    """The response to ``request`` over FUZZ_JOBS, or the ClientException it raised (nothing else)."""
    try:
        response = list_service_jobs(FUZZ_JOBS, request, token_key=token_key)
    except ClientException as error:
        assert error.status_code == 400 and error.error_type == "ClientException"
        assert isinstance(error.message, str) and error.message
        return error
    assert type(response) is dict and type(response["jobSummaryList"]) is list
    return response


def assert_unchanged(request: Any, before: Any, shown: str) -> None:
    """The request equals its copy from before the call, down to the types (True is not 1)."""
    assert request == before
    assert repr(request) == shown


@given(fuzz_requests, st.sampled_from((None, b"k")))
def test_any_request_is_answered_or_refused(request: Any, token_key: bytes | None) -> None:
    """V-12: any JSON-like request gives a dict or a ClientException, and is left unchanged."""
    before, shown = copy.deepcopy(request), repr(request)
    answer_or_refusal(request, token_key)
    assert_unchanged(request, before, shown)


@given(fuzz_filters, st.one_of(st.none(), statuses), st.integers(1, 3))
def test_any_filters_member_is_answered_or_refused(filters: Any, status: Any, size: int) -> None:
    """V-5..V-10/V-12: any filters value beside valid members gives a dict or a ClientException."""
    request = {"jobQueue": "q1", "jobStatus": status, "maxResults": size, "filters": filters}
    before, shown = copy.deepcopy(request), repr(request)
    answer = answer_or_refusal(request)
    assert_unchanged(request, before, shown)
    if isinstance(answer, dict) and "nextToken" in answer:
        # A token made for an odd (but accepted) filter must be usable for it.
        follow = {**request, "nextToken": answer["nextToken"]}
        assert isinstance(answer_or_refusal(follow), dict)


@given(st.data())
def test_refusals_are_exactly_the_invalid_requests(data: st.DataObject) -> None:
    """V-1..V-11: a request is refused iff it breaks a rule (naming the member), else answered right."""
    jobs = data.draw(jobs_lists(max_size=10))
    request = data.draw(near_valid_requests(jobs))
    broken = expected_error(request)
    if broken is None:
        response = list_service_jobs(jobs, request)
        size = request.get("maxResults") or 100
        assert response["jobSummaryList"] == expected_selection(jobs, request)[:size]
        return
    with pytest.raises(ClientException) as caught:
        list_service_jobs(jobs, request)
    message = caught.value.message
    if broken in ("jobQueue", "jobStatus", "maxResults", "nextToken"):
        assert broken in message
    elif broken != "request":
        assert any(word in message.casefold() for word in FILTER_MESSAGE_WORDS), message
    filters = request.get("filters") if isinstance(request, dict) else None
    if isinstance(filters, list) and len(filters) > 1:
        assert "Only one filter key-value pair can be specified." in message
    elif isinstance(filters, list) and filters and isinstance(filters[0], dict):
        name, values = filters[0].get("name"), filters[0].get("values")
        strings = isinstance(values, list) and all(isinstance(value, str) for value in values)
        if name in FILTER_NAMES and strings and len(values or ()) > 1:
            assert "Filter cannot take more than one value." in message


@pytest.mark.parametrize("member", ["filters", "someUnknownMember"])
def test_deeply_nested_values_are_answered_or_refused(member: str) -> None:
    """V-12: a member nested 100,000 deep is no RecursionError."""
    deep: Any = []
    for _ in range(100_000):
        deep = [deep]
    answer_or_refusal({member: deep, "maxResults": 1})
    answer_or_refusal({"filters": [{"name": "JOB_NAME", "values": ["t"], "extra": deep}], "maxResults": 1})


@pytest.mark.parametrize("value", NASTY_STRINGS, ids=range(len(NASTY_STRINGS)))
@pytest.mark.parametrize(
    "name", ["JOB_NAME", "BEFORE_CREATED_AT", "AFTER_CREATED_AT", "SHARE_IDENTIFIER", "QUOTA_SHARE_NAME"]
)
def test_nasty_filter_values_are_answered_or_refused(name: str, value: str) -> None:
    """V-9/V-10/V-12: surrogates, over-long digits, unicode digits... are answered right or refused."""
    for size in (1, 100):
        request = {"filters": [{"name": name, "values": [value]}], "maxResults": size}
        answer = answer_or_refusal(request)
        assert (expected_error(request) is None) == isinstance(answer, dict), repr(value)[:80]
        if isinstance(answer, dict):
            assert answer["jobSummaryList"] == expected_selection(FUZZ_JOBS, request)[:size]


@pytest.mark.parametrize("member", ["jobQueue", "jobStatus", "nextToken"])
@pytest.mark.parametrize("value", NASTY_STRINGS, ids=range(len(NASTY_STRINGS)))
def test_nasty_strings_in_other_members_are_answered_or_refused(member: str, value: str) -> None:
    """V-2/V-3/V-11/V-12: nasty strings as queue, status or token give a dict or a ClientException."""
    answer_or_refusal({member: value, "maxResults": 1})
