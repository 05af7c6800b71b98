"""One small, hand-checked example per rule of docs/SEMANTICS.md (IN-*, V-*, S-*, O-*, P-*, T-*, W-*, E-*).

Each test is named after the rule it pins and is chosen to fail for a plausible wrong implementation of
that rule (an inclusive bound, a lower-cased name, an offset cursor, ...). Expected values are written by
hand from the rules of docs/SEMANTICS.md, never computed by the code under test.

The last section holds docs/SEMANTICS.md to the one source of each rule's id and source tag, the kit's rule
table, and to the tree: every home and test a row names exists, and every test here is listed in its row.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from listjobs_core import ClientException, ServerException, list_service_jobs
from listjobs_core.rest_errors import WireError, wire_error

ROOT = Path(__file__).resolve().parent.parent
QUEUE_ARN = "arn:aws:batch:us-east-1:123456789012:job-queue/training"
OTHER_REGION_QUEUE_ARN = "arn:aws:batch:eu-west-1:123456789012:job-queue/training"
TWO_FILTERS = "Only one filter key-value pair can be specified."
TWO_VALUES = "Filter cannot take more than one value."
STATUSES = ["SUBMITTED", "PENDING", "RUNNABLE", "SCHEDULED", "STARTING", "RUNNING", "SUCCEEDED", "FAILED"]


def job(
    job_id: str, name: str = "n", status: str = "RUNNING", created: int | None = None, **extra: Any
) -> dict:
    """A wire-shaped job; ``created`` becomes ``createdAt`` when given."""
    record: dict[str, Any] = {"jobId": job_id, "jobName": name, "status": status, **extra}
    if created is not None:
        record["createdAt"] = created
    return record


def one_filter(name: str, value: str, **request: Any) -> dict[str, Any]:
    """A request with the single filter ``name`` = ``value``."""
    return {"filters": [{"name": name, "values": [value]}], **request}


def ids(response: dict[str, Any]) -> list[str]:
    """The job ids of a response's page, in order."""
    return [summary["jobId"] for summary in response["jobSummaryList"]]


def every_id(jobs: list[dict[str, Any]], request: dict[str, Any], sizes: list[int]) -> list[str]:
    """The job ids of a whole traversal, asking for ``sizes`` in turn (the last one repeated)."""
    listed: list[str] = []
    token = None
    for number in range(50):
        page_request = {**request, "maxResults": sizes[min(number, len(sizes) - 1)]}
        if token is not None:
            page_request["nextToken"] = token
        response = list_service_jobs(jobs, page_request)
        listed += ids(response)
        token = response.get("nextToken")
        if token is None:
            return listed
    raise AssertionError("no last page after 50 pages")


def refused(jobs: list[dict[str, Any]], request: Any) -> ClientException:
    """The ClientException a request is refused with."""
    with pytest.raises(ClientException) as caught:
        list_service_jobs(jobs, request)
    assert type(caught.value) is ClientException
    return caught.value


# ---------------------------------------------------------------------------------------------- Inputs


def test_IN1_jobs_may_be_any_iterable_read_once() -> None:
    """IN-1: "jobs is any iterable of job mappings ... read once, in one pass, and never mutated."."""
    jobs = [job("a", created=1), job("b", created=2), job("c", status="FAILED", created=3)]
    snapshot = copy.deepcopy(jobs)
    reads = 0

    def one_shot() -> Iterator[dict[str, Any]]:
        nonlocal reads
        reads += 1
        yield from jobs

    assert ids(list_service_jobs(one_shot(), {})) == ["b", "a"]
    assert reads == 1
    assert ids(list_service_jobs({"x": jobs[0], "y": jobs[1]}.values(), {})) == ["b", "a"]
    assert ids(list_service_jobs(tuple(jobs), {"jobStatus": "FAILED"})) == ["c"]
    assert jobs == snapshot


def test_IN1_a_generator_is_consumed_once_across_a_full_page() -> None:
    """IN-1: "it is read once, in one pass" - a page with a nextToken needs no second pass."""
    jobs = [job(str(number), created=number) for number in range(5)]
    response = list_service_jobs(iter(jobs), {"maxResults": 2})
    assert ids(response) == ["4", "3"]
    assert "nextToken" in response


@pytest.mark.parametrize(
    ("requested", "job_queue", "listed"),
    [
        ("training", "training", True),
        ("training", QUEUE_ARN, True),
        (QUEUE_ARN, "training", True),
        (QUEUE_ARN, QUEUE_ARN, True),
        (QUEUE_ARN, OTHER_REGION_QUEUE_ARN, False),
        ("training", "arn:aws:batch:us-east-1:123456789012:job-queue/other", False),
        ("training", OTHER_REGION_QUEUE_ARN, True),
        ("training", "arn:aws-cn:batch:cn-north-1:123456789012:job-queue/training", True),
        ("training", "other", False),
        ("training", "Training", False),
        (QUEUE_ARN, "other", False),
        ("training", None, True),
        (QUEUE_ARN, None, True),
    ],
)
def test_IN2_job_queue_name_and_arn_denote_the_same_queue(
    requested: str, job_queue: str | None, listed: bool
) -> None:
    """IN-2: "An ARN ... and the bare <name> denote the same queue; two ARNs ... only when they are equal"."""
    extra = {} if job_queue is None else {"jobQueue": job_queue}
    response = list_service_jobs([job("a", **extra)], {"jobQueue": requested})
    assert ids(response) == (["a"] if listed else [])


def test_IN2_without_a_requested_queue_every_job_is_listed() -> None:
    """IN-2: "When the request names a queue, such a job is listed only if it denotes the same queue"."""
    jobs = [
        job("a", created=3, jobQueue="training"),
        job("b", created=2, jobQueue="other"),
        job("c", created=1),
    ]
    assert ids(list_service_jobs(jobs, {})) == ["a", "b", "c"]


def test_IN3_version_absent_means_zero() -> None:
    """IN-3: "A job may carry version (a non-negative integer, absent means 0)"."""
    jobs = [
        job("absent", name="train", created=10),
        job("zero", name="train", created=20, version=0),
        job("one", name="train", created=30, version=1),
    ]
    response = list_service_jobs(jobs, one_filter("JOB_NAME", "train"))
    assert ids(response) == ["zero", "absent", "one"]


def test_IN3_version_is_never_echoed() -> None:
    """IN-3: version groups JOB_NAME results but is not a ServiceJobSummary member."""
    response = list_service_jobs([job("a", version=3)], one_filter("JOB_NAME", "n"))
    assert response == {"jobSummaryList": [{"jobId": "a", "jobName": "n", "status": "RUNNING"}]}


def test_IN4_unknown_members_are_ignored() -> None:
    """IN-4: "Unknown request members are ignored."."""
    jobs = [job("a"), job("b", status="FAILED")]
    response = list_service_jobs(jobs, {"jobstatus": "FAILED", "MaxResults": 0, "other": {"x": [1]}})
    assert ids(response) == ["a"]


@pytest.mark.parametrize("member", ["jobQueue", "jobStatus", "maxResults", "nextToken", "filters"])
def test_IN4_null_member_is_absent(member: str) -> None:
    """IN-4: "A member whose value is JSON null (Python None) is treated as absent."."""
    jobs = [job("a", jobQueue="other"), job("b", status="FAILED")]
    assert list_service_jobs(jobs, {member: None}) == list_service_jobs(jobs, {})
    assert ids(list_service_jobs(jobs, {member: None})) == ["a"]


def test_IN4_null_next_token_starts_a_traversal() -> None:
    """IN-4: "nextToken=None on the first call is the common client loop"."""
    jobs = [job("a", created=2), job("b", created=1)]
    response = list_service_jobs(jobs, {"maxResults": 1, "nextToken": None})
    assert ids(response) == ["a"]
    assert ids(list_service_jobs(jobs, {"maxResults": 1, "nextToken": response["nextToken"]})) == ["b"]


# ------------------------------------------------------------------------------------------ Validation


@pytest.mark.parametrize("request_", [None, [], [("jobStatus", "RUNNING")], "{}", b"{}", 1, True, {1, 2}])
def test_V1_request_must_be_a_mapping(request_: Any) -> None:
    """V-1: "The request is a mapping (a JSON object)."."""
    refused([job("a")], request_)


def test_V1_any_mapping_is_a_request() -> None:
    """V-1: a read-only mapping is a request like a dict."""
    request = types.MappingProxyType({"jobStatus": "FAILED"})
    assert ids(list_service_jobs([job("a"), job("b", status="FAILED")], request)) == ["b"]


@pytest.mark.parametrize("value", ["", 5, ["training"], {"name": "training"}, True, b"training"])
def test_V2_job_queue_is_a_non_empty_string(value: Any) -> None:
    """V-2: "jobQueue, when present, is a non-empty string."."""
    assert "jobQueue" in refused([job("a")], {"jobQueue": value}).message


@pytest.mark.parametrize("value", ["running", "Running", "RUNNING ", "", "UNKNOWN", 6, ["RUNNING"], True])
def test_V3_job_status_is_one_of_the_statuses(value: Any) -> None:
    """V-3: "jobStatus, when present, is one of SUBMITTED PENDING ... case-sensitive"."""
    assert "jobStatus" in refused([job("a")], {"jobStatus": value}).message


@pytest.mark.parametrize("status", STATUSES)
def test_V3_every_status_is_accepted(status: str) -> None:
    """V-3: each of the eight ServiceJobStatus values is a valid jobStatus."""
    assert ids(list_service_jobs([job("a", status=status)], {"jobStatus": status})) == ["a"]


@pytest.mark.parametrize(
    "filter_",
    [
        {"name": "JOB_NAME", "values": ["n"]},
        {"name": "BEFORE_CREATED_AT", "values": ["5"]},
        {"name": "SHARE_IDENTIFIER", "values": ["s"]},
    ],
)
def test_V3_job_status_is_validated_even_when_ignored(filter_: dict[str, Any]) -> None:
    """V-3: "it is validated even when a filter makes it irrelevant"."""
    assert "jobStatus" in refused([job("a")], {"jobStatus": "running", "filters": [filter_]}).message


@pytest.mark.parametrize(
    "value", [0, -1, 101, 1000, True, False, 1.0, 50.0, "1", "100", [1], 10**30, -(10**30)]
)
def test_V4_max_results_is_an_integer_from_1_to_100(value: Any) -> None:
    """V-4: "maxResults, when present, is an integer (not a boolean, float or string) from 1 to 100"."""
    assert "maxResults" in refused([job("a")], {"maxResults": value}).message


@pytest.mark.parametrize(("value", "page"), [(1, 1), (100, 100)])
def test_V4_max_results_bounds_are_accepted(value: int, page: int) -> None:
    """V-4: 1 and 100 are both valid page sizes."""
    jobs = [job(f"j{number:03}", created=number) for number in range(150)]
    assert len(list_service_jobs(jobs, {"maxResults": value})["jobSummaryList"]) == page


@pytest.mark.parametrize("value", [{}, {"name": "JOB_NAME", "values": ["n"]}, "JOB_NAME", 1, True])
def test_V5_filters_is_a_list(value: Any) -> None:
    """V-5: "filters, when present, is a list"."""
    assert "filters" in refused([job("a")], {"filters": value}).message


def test_V5_empty_filters_means_no_filter() -> None:
    """V-5: "[] means no filter" - so the status rules S-1/S-2 apply, not S-3."""
    jobs = [job("a", created=2), job("b", status="FAILED", created=1)]
    assert ids(list_service_jobs(jobs, {"filters": []})) == ["a"]
    assert ids(list_service_jobs(jobs, {"filters": [], "jobStatus": "FAILED"})) == ["b"]


@pytest.mark.parametrize(
    "filters",
    [
        [{"name": "JOB_NAME", "values": ["a"]}, {"name": "JOB_NAME", "values": ["a"]}],
        [{"name": "JOB_NAME", "values": ["a"]}, {"name": "AFTER_CREATED_AT", "values": ["1"]}],
        [{"name": "SHARE_IDENTIFIER", "values": ["s"]}, {"name": "QUOTA_SHARE_NAME", "values": ["q"]}, {}],
    ],
)
def test_V6_more_than_one_filter_is_refused_with_the_service_message(filters: list[Any]) -> None:
    """V-6: "More than one filter: Only one filter key-value pair can be specified."."""
    assert refused([job("a")], {"filters": filters}).message == TWO_FILTERS


@pytest.mark.parametrize(
    "filter_",
    [
        {"name": "job_name", "values": ["n"]},
        {"name": "Job_Name", "values": ["n"]},
        {"name": "JOB_DEFINITION", "values": ["n"]},
        {"name": "JOB_STATUS", "values": ["RUNNING"]},
        {"name": " JOB_NAME", "values": ["n"]},
        {"name": "", "values": ["n"]},
        {"name": 1, "values": ["n"]},
        {"name": ["JOB_NAME"], "values": ["n"]},
        {"name": None, "values": ["n"]},
        {"values": ["n"]},
        {"Name": "JOB_NAME", "Values": ["n"]},
        "JOB_NAME",
        ["JOB_NAME", ["n"]],
        None,
    ],
)
def test_V7_filter_name_is_one_of_the_five_case_sensitive(filter_: Any) -> None:
    """V-7: "A filter is an object whose name is one of JOB_NAME BEFORE_CREATED_AT ... (case-sensitive)"."""
    assert "filters" in refused([job("a")], {"filters": [filter_]}).message


@pytest.mark.parametrize(
    "filter_",
    [
        {"name": "JOB_NAME", "values": ["a", "b"]},
        {"name": "JOB_NAME", "values": ["a", "a"]},
        {"name": "AFTER_CREATED_AT", "values": ["1", "2", "3"]},
    ],
)
def test_V8_two_values_are_refused_with_the_service_message(filter_: dict[str, Any]) -> None:
    """V-8: "two or more: Filter cannot take more than one value."."""
    assert refused([job("a")], {"filters": [filter_]}).message == TWO_VALUES


@pytest.mark.parametrize(
    "filter_",
    [
        {"name": "JOB_NAME", "values": []},
        {"name": "JOB_NAME"},
        {"name": "JOB_NAME", "values": None},
        {"name": "JOB_NAME", "values": "n"},
        {"name": "JOB_NAME", "values": {"n": 1}},
        {"name": "JOB_NAME", "values": [5]},
        {"name": "JOB_NAME", "values": [None]},
        {"name": "JOB_NAME", "values": [["n"]]},
        {"name": "SHARE_IDENTIFIER", "values": [True]},
        {"name": "AFTER_CREATED_AT", "values": [5]},
    ],
)
def test_V8_values_is_a_list_of_exactly_one_string(filter_: dict[str, Any]) -> None:
    """V-8: "A filter's values is a list of exactly one string"."""
    assert "values" in refused([job("a")], {"filters": [filter_]}).message


def test_V9_job_name_value_is_not_empty() -> None:
    """V-9: "A JOB_NAME value is not empty."."""
    assert "JOB_NAME" in refused([job("a", name="")], one_filter("JOB_NAME", "")).message


@pytest.mark.parametrize("name", ["BEFORE_CREATED_AT", "AFTER_CREATED_AT"])
@pytest.mark.parametrize(
    "value",
    [
        "+1",
        "-1",
        " 1",
        "1 ",
        "1.0",
        "1e3",
        "1_000",
        "0x10",
        "",
        "١",  # ARABIC-INDIC DIGIT ONE: str.isdigit() and int() accept it
        "１",  # FULLWIDTH DIGIT ONE
        "²",  # SUPERSCRIPT TWO: isdigit() but not int()
        "9223372036854775808",  # 2^63
        "18446744073709551616",  # 2^64
        "9" * 5000,  # past the interpreter's int() digit limit
    ],
)
def test_V10_created_at_value_is_ascii_digits_up_to_2_63_minus_1(name: str, value: str) -> None:
    """V-10: "ASCII decimal digits only (no sign, space, fraction or exponent), at most 2^63-1"."""
    assert name in refused([job("a", created=1)], one_filter(name, value)).message


@pytest.mark.parametrize(
    ("name", "value", "listed"),
    [
        ("BEFORE_CREATED_AT", "9223372036854775807", ["a"]),  # 2^63-1
        ("BEFORE_CREATED_AT", "0009223372036854775807", ["a"]),  # leading zeros
        ("AFTER_CREATED_AT", "0", ["a"]),
        ("AFTER_CREATED_AT", "000", ["a"]),
        ("AFTER_CREATED_AT", "0000000000005", []),
        ("AFTER_CREATED_AT", "0000000000004", ["a"]),
    ],
)
def test_V10_created_at_bounds_and_leading_zeros_are_accepted(
    name: str, value: str, listed: list[str]
) -> None:
    """V-10: 2^63-1 is the largest value; leading zeros are decimal digits like any other."""
    assert ids(list_service_jobs([job("a", created=5)], one_filter(name, value))) == listed


@pytest.mark.parametrize("token", ["", "garbage", "A" * 100, "A" * 2000, "\u00e9" * 60, "%2F" * 30, "...."])
def test_V11_next_token_must_be_one_this_library_issued(token: str) -> None:
    """V-11: "nextToken, when present, is a string this library issued for the same query"."""
    refused([job("a")], {"nextToken": token})


@pytest.mark.parametrize("token", [5, 1.5, True, ["x"], {"x": 1}, b"token"])
def test_V11_next_token_must_be_a_string(token: Any) -> None:
    """V-11: "nextToken, when present, is a string"."""
    assert "nextToken" in refused([job("a")], {"nextToken": token}).message


def test_V11_truncated_and_foreign_query_tokens_are_refused() -> None:
    """V-11: a token is refused when truncated or presented with another query (T-3)."""
    jobs = [job("a", created=2), job("b", created=1)]
    token = list_service_jobs(jobs, {"maxResults": 1})["nextToken"]
    refused(jobs, {"nextToken": token[:-1]})
    refused(jobs, {"nextToken": token[: len(token) // 2]})
    refused(jobs, {"nextToken": token, "jobStatus": "FAILED"})


def _deeply_nested(depth: int) -> list[Any]:
    nested: list[Any] = []
    for _ in range(depth):
        nested = [nested]
    return nested


NASTY_REQUESTS: list[Any] = [
    {"jobStatus": {"RUNNING": 1}},  # unhashable where a lookup might hash it
    {"jobStatus": float("nan")},
    {"maxResults": float("nan")},
    {"maxResults": float("inf")},
    {"maxResults": 10**5000},  # repr() of it would raise ValueError
    {"maxResults": "9" * 5000},
    {"jobStatus": "\ud800"},
    {"nextToken": "\ud800" * 60},
    {"nextToken": "A" * 10**6},
    {"nextToken": "=" * 60},
    {"nextToken": "\x00" * 60},
    {"filters": [{"name": {"JOB_NAME": 1}, "values": ["n"]}]},
    {"filters": [{"name": "JOB_NAME", "values": [{"x": 1}]}]},
    {"filters": [{"name": "AFTER_CREATED_AT", "values": ["\ud800"]}]},
    {"filters": [{"name": "BEFORE_CREATED_AT", "values": ["1" * 10**5]}]},
    {"filters": [[]]},
    {"filters": [{1: 2}]},
    {"filters": [{"name": "JOB_NAME", "values": _deeply_nested(100_000)}]},
    {"jobStatus": _deeply_nested(100_000)},
    {"filters": _deeply_nested(100_000)},
    {"maxResults": 5, "nextToken": "eyJ2IjoxfQ"},  # base64 of {"v":1}
]


@pytest.mark.parametrize("request_", NASTY_REQUESTS, ids=range(len(NASTY_REQUESTS)))
def test_V12_nothing_but_client_exception_escapes(request_: dict[str, Any]) -> None:
    """V-12: "Nothing but ClientException escapes for bad request input ... The request is never changed."."""
    members = {key: id(value) for key, value in request_.items()}
    snapshot = _snapshot(request_)
    refused([job("a")], request_)
    assert {key: id(value) for key, value in request_.items()} == members
    if snapshot is not None:
        assert request_ == snapshot


def _snapshot(request: dict[str, Any]) -> dict[str, Any] | None:
    """A deep copy to compare the request with afterwards; ``None`` for the deeply nested ones."""
    try:
        return copy.deepcopy(request)
    except RecursionError:
        return None


def test_V12_the_request_is_never_changed_on_success() -> None:
    """V-12: "The request is never changed." - not even the nextToken or filters of a valid request."""
    jobs = [job("a", created=2), job("b", created=1)]
    first = {"maxResults": 1, "filters": [{"name": "JOB_NAME", "values": ["N"]}], "jobStatus": "FAILED"}
    first_snapshot = copy.deepcopy(first)
    token = list_service_jobs(jobs, first)["nextToken"]
    assert first == first_snapshot
    second = {**copy.deepcopy(first), "nextToken": token}
    second_snapshot = copy.deepcopy(second)
    assert ids(list_service_jobs(jobs, second)) == ["b"]
    assert second == second_snapshot


# ------------------------------------------------------------------------------------------- Selection


@pytest.mark.parametrize(("status", "listed"), [("FAILED", ["f"]), ("SUCCEEDED", ["s"]), ("PENDING", [])])
def test_S1_no_filter_selects_the_given_status(status: str, listed: list[str]) -> None:
    """S-1: "No filter: the jobs whose status equals jobStatus."."""
    jobs = [
        job("r", created=3),
        job("f", status="FAILED", created=2),
        job("s", status="SUCCEEDED", created=1),
    ]
    assert ids(list_service_jobs(jobs, {"jobStatus": status})) == listed


def test_S2_no_filter_no_status_selects_only_running() -> None:
    """S-2: "No filter and no jobStatus: only RUNNING jobs."."""
    jobs = [job(f"{status.lower()}", status=status, created=index) for index, status in enumerate(STATUSES)]
    jobs.append(job("no-status-member", created=100))
    del jobs[-1]["status"]
    assert ids(list_service_jobs(jobs, {})) == ["running"]


@pytest.mark.parametrize(
    ("name", "value"),
    [("JOB_NAME", "n"), ("JOB_NAME", "*"), ("BEFORE_CREATED_AT", "100"), ("AFTER_CREATED_AT", "0")],
)
@pytest.mark.parametrize("status", [None, "FAILED", "RUNNING"])
def test_S3_name_and_created_at_filters_ignore_job_status(name: str, value: str, status: str | None) -> None:
    """S-3: "JOB_NAME, BEFORE_CREATED_AT, AFTER_CREATED_AT: jobStatus is ignored; every status matches"."""
    jobs = [
        job("r", status="RUNNING", created=3),
        job("f", status="FAILED", created=2),
        job("s", status="SUBMITTED", created=1),
    ]
    request = one_filter(name, value) if status is None else one_filter(name, value, jobStatus=status)
    assert ids(list_service_jobs(jobs, request)) == ["r", "f", "s"]


@pytest.mark.parametrize(
    ("name", "member"), [("SHARE_IDENTIFIER", "shareIdentifier"), ("QUOTA_SHARE_NAME", "quotaShareName")]
)
def test_S4_share_filters_combine_with_job_status(name: str, member: str) -> None:
    """S-4: "combined with jobStatus when it is given, every status when it is not"."""
    jobs = [
        job("r", status="RUNNING", created=5, **{member: "blue"}),
        job("f", status="FAILED", created=4, **{member: "blue"}),
        job("s", status="SUBMITTED", created=3, **{member: "blue"}),
        job("other", status="RUNNING", created=2, **{member: "green"}),
        job("none", status="RUNNING", created=1),
    ]
    assert ids(list_service_jobs(jobs, one_filter(name, "blue"))) == ["r", "f", "s"]
    assert ids(list_service_jobs(jobs, one_filter(name, "blue", jobStatus="FAILED"))) == ["f"]
    assert ids(list_service_jobs(jobs, one_filter(name, "blue", jobStatus="RUNNING"))) == ["r"]
    assert ids(list_service_jobs(jobs, one_filter(name, "blue", jobStatus="PENDING"))) == []


@pytest.mark.parametrize(
    ("name", "member"), [("SHARE_IDENTIFIER", "shareIdentifier"), ("QUOTA_SHARE_NAME", "quotaShareName")]
)
@pytest.mark.parametrize("value", ["Blue", "BLUE", "blu", "blu*", "*", "blue ", "bluey"])
def test_S4_share_filters_are_exact_and_case_sensitive(name: str, member: str, value: str) -> None:
    """S-4: "exact, case-sensitive equality with the job's shareIdentifier / quotaShareName"."""
    jobs = [job("blue", **{member: "blue"}), job("exact", **{member: value})]
    assert ids(list_service_jobs(jobs, one_filter(name, value))) == ["exact"]


def test_S4_share_filter_reads_only_its_own_member() -> None:
    """S-4: SHARE_IDENTIFIER looks at shareIdentifier, QUOTA_SHARE_NAME at quotaShareName."""
    jobs = [job("share", created=2, shareIdentifier="x"), job("quota", created=1, quotaShareName="x")]
    assert ids(list_service_jobs(jobs, one_filter("SHARE_IDENTIFIER", "x"))) == ["share"]
    assert ids(list_service_jobs(jobs, one_filter("QUOTA_SHARE_NAME", "x"))) == ["quota"]


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("test1", "Test1"),
        ("test1", "test1"),
        ("TEST1", "test1"),
        ("Test1", "tEST1"),
        ("straße", "STRASSE"),  # casefold, not lower(): "ß".casefold() == "ss"
        ("STRASSE", "Straße"),
        ("ΣΊΣΥΦΟΣ", "σίσυφος"),  # final sigma: casefold maps ς and σ alike
    ],
)
def test_S5_job_name_matching_is_case_insensitive_by_casefold(value: str, name: str) -> None:
    """S-5: "JOB_NAME matching is case-insensitive (str.casefold on both sides)"."""
    jobs = [job("match", name=name), job("other", name=name + "x")]
    assert ids(list_service_jobs(jobs, one_filter("JOB_NAME", value))) == ["match"]


@pytest.mark.parametrize(
    ("value", "matching"),
    [
        ("test1*", {"test1", "Test10", "TEST1_b"}),
        ("test1", {"test1"}),
        ("*", {"test1", "Test10", "TEST1_b", "test", "xtest1", "a*b", "ab", "a*", "a*x", "a**"}),
        ("a*b", {"a*b"}),
        ("a**", {"a*b", "a*", "a*x", "a**"}),
        ("a*b*", {"a*b"}),
        ("*1", set()),
        ("test", {"test"}),
    ],
)
def test_S6_only_a_final_star_is_a_wildcard(value: str, matching: set[str]) -> None:
    """S-6: "only the final * is a wildcard, any other * is literal; * alone matches every job"."""
    names = ["test1", "Test10", "TEST1_b", "test", "xtest1", "a*b", "ab", "a*", "a*x", "a**"]
    jobs = [job(name, name=name) for name in names]
    assert set(ids(list_service_jobs(jobs, one_filter("JOB_NAME", value)))) == matching


DATED_999_TO_1001 = [job("at-999", created=999), job("at-1000", created=1000), job("at-1001", created=1001)]


@pytest.mark.parametrize(
    ("value", "listed"), [("1000", ["at-999"]), ("1001", ["at-1000", "at-999"]), ("999", [])]
)
def test_S7_before_created_at_is_strict(value: str, listed: list[str]) -> None:
    """S-7: "BEFORE_CREATED_AT v selects createdAt < v" - a job created exactly at v is excluded."""
    response = list_service_jobs(DATED_999_TO_1001, one_filter("BEFORE_CREATED_AT", value))
    assert ids(response) == listed


@pytest.mark.parametrize(
    ("value", "listed"), [("1000", ["at-1001"]), ("999", ["at-1001", "at-1000"]), ("1001", [])]
)
def test_S7_after_created_at_is_strict(value: str, listed: list[str]) -> None:
    """S-7: "AFTER_CREATED_AT v selects createdAt > v" - a job created exactly at v is excluded."""
    response = list_service_jobs(DATED_999_TO_1001, one_filter("AFTER_CREATED_AT", value))
    assert ids(response) == listed


@pytest.mark.parametrize(
    ("name", "value"), [("BEFORE_CREATED_AT", "9223372036854775807"), ("AFTER_CREATED_AT", "0")]
)
def test_S8_job_without_created_at_matches_no_created_at_filter(name: str, value: str) -> None:
    """S-8: "A job without createdAt matches neither created-at filter."."""
    jobs = [job("dated", created=1), job("undated"), job("null-dated", createdAt=None)]
    assert ids(list_service_jobs(jobs, one_filter(name, value))) == ["dated"]


@pytest.mark.parametrize(
    "request_",
    [
        {},
        {"jobStatus": "RUNNING"},
        one_filter("JOB_NAME", "n"),
        one_filter("BEFORE_CREATED_AT", "100"),
        one_filter("AFTER_CREATED_AT", "0"),
        one_filter("SHARE_IDENTIFIER", "s"),
        one_filter("QUOTA_SHARE_NAME", "q"),
    ],
)
@pytest.mark.parametrize("queue", ["training", QUEUE_ARN])
def test_S9_queue_rule_applies_to_every_query(request_: dict[str, Any], queue: str) -> None:
    """S-9: "The queue rule IN-2 applies to every query that names a queue."."""
    shared = {"shareIdentifier": "s", "quotaShareName": "q"}
    jobs = [
        job("by-name", created=4, jobQueue="training", **shared),
        job("by-arn", created=3, jobQueue=QUEUE_ARN, **shared),
        job("elsewhere", created=2, jobQueue="other", **shared),
        job("other-region", created=2, jobQueue=OTHER_REGION_QUEUE_ARN, **shared),
        job("queueless", created=1, **shared),
    ]
    # A name denotes the queue of that name in any region; an ARN only itself (IN-2).
    expected = ["by-name", "by-arn", "queueless"]
    if queue == "training":
        expected = ["by-name", "by-arn", "other-region", "queueless"]
    assert ids(list_service_jobs(jobs, {**request_, "jobQueue": queue})) == expected


# ----------------------------------------------------------------------------------------------- Order


@pytest.mark.parametrize(
    "request_",
    [
        {},
        one_filter("AFTER_CREATED_AT", "0"),
        one_filter("BEFORE_CREATED_AT", "99"),
        one_filter("SHARE_IDENTIFIER", "s"),
    ],
)
def test_O1_newest_created_at_first_then_ascending_job_id(request_: dict[str, Any]) -> None:
    """O-1: "Every query but JOB_NAME: newest createdAt first, then ascending jobId."."""
    jobs = [
        job("b", name="a-name", created=20, shareIdentifier="s"),
        job("c", name="z-name", created=30, shareIdentifier="s"),
        job("a", name="m-name", created=20, shareIdentifier="s"),
        job("d", name="a-name", created=10, shareIdentifier="s"),
        job("B", name="b-name", created=20, shareIdentifier="s"),
    ]
    assert ids(list_service_jobs(jobs, request_)) == ["c", "B", "a", "b", "d"]


def test_O1_order_does_not_depend_on_input_order() -> None:
    """O-1: the order is total (jobId breaks ties), so reversing the input changes nothing."""
    jobs = [job("x", created=5), job("y", created=5), job("w", created=7)]
    assert ids(list_service_jobs(jobs, {})) == ["w", "x", "y"]
    assert ids(list_service_jobs(list(reversed(jobs)), {})) == ["w", "x", "y"]


def test_O2_job_name_groups_by_name_then_version_then_newest_then_id() -> None:
    """O-2: "ascending jobName (exact string, code-point order), then ascending version, then newest
    createdAt first, then ascending jobId"."""
    jobs = [
        job("a-v1-old", name="a", created=10, version=1),
        job("B-v0", name="B", created=1),
        job("a-v0-new", name="a", created=50),
        job("a-v2", name="a", created=99, version=2),
        job("a-v1-tie-y", name="a", created=20, version=1),
        job("a-v1-tie-x", name="a", created=20, version=1),
        job("A-v0", name="A", created=5),
        job("a-v0-old", name="a", created=40, version=0),
    ]
    response = list_service_jobs(jobs, one_filter("JOB_NAME", "*"))
    # "A" < "B" < "a" in code-point order; a case-folded order would interleave them.
    assert ids(response) == [
        "A-v0",
        "B-v0",
        "a-v0-new",
        "a-v0-old",
        "a-v1-tie-x",
        "a-v1-tie-y",
        "a-v1-old",
        "a-v2",
    ]


def test_O2_versions_compare_as_numbers() -> None:
    """O-2: "then ascending version" - 10 after 9, not between 1 and 2 as strings would put it."""
    jobs = [job(f"v{version}", name="x", created=version, version=version) for version in (10, 2, 9, 1)]
    assert ids(list_service_jobs(jobs, one_filter("JOB_NAME", "X"))) == ["v1", "v2", "v9", "v10"]


def test_O3_missing_created_at_sorts_last_in_newest_first_order() -> None:
    """O-3: "A job without createdAt sorts after the jobs that have one" (ties by jobId)."""
    jobs = [job("b"), job("old", created=0), job("a"), job("new", created=10)]
    assert ids(list_service_jobs(jobs, {})) == ["new", "old", "a", "b"]


def test_O3_missing_created_at_sorts_last_within_its_job_name_group() -> None:
    """O-3: "A job without createdAt sorts after the jobs that have one, within its group."."""
    jobs = [
        job("b-dated", name="b", created=1),
        job("a-undated", name="a"),
        job("a-dated", name="a", created=5),
        job("a-v1-undated", name="a", version=1),
        job("a-v1-dated", name="a", created=1, version=1),
    ]
    response = list_service_jobs(jobs, one_filter("JOB_NAME", "*"))
    assert ids(response) == ["a-dated", "a-undated", "a-v1-dated", "a-v1-undated", "b-dated"]


# ------------------------------------------------------------------------------------------ Pagination


def test_P1_default_page_holds_100() -> None:
    """P-1: "A page holds at most maxResults summaries; 100 when maxResults is absent."."""
    jobs = [job(f"j{number:03}", created=number) for number in range(101)]
    response = list_service_jobs(jobs, {})
    assert len(response["jobSummaryList"]) == 100
    assert response["jobSummaryList"][0]["jobId"] == "j100"
    assert response["jobSummaryList"][-1]["jobId"] == "j001"
    assert "nextToken" in response


@pytest.mark.parametrize("request_", [{"maxResults": 3}, one_filter("JOB_NAME", "*", maxResults=3)])
def test_P1_page_holds_at_most_max_results(request_: dict[str, Any]) -> None:
    """P-1: "A page holds at most maxResults summaries"."""
    jobs = [job(f"j{number}", created=number) for number in range(5)]
    assert ids(list_service_jobs(jobs, request_)) == ["j4", "j3", "j2"]


def test_P2_a_full_last_page_has_no_token() -> None:
    """P-2: "nextToken is present exactly when more matching jobs follow" - not whenever the page is full."""
    jobs = [job("a", created=2), job("b", created=1), job("c", status="FAILED", created=0)]
    response = list_service_jobs(jobs, {"maxResults": 2})
    assert response == {
        "jobSummaryList": [
            {"jobId": "a", "jobName": "n", "status": "RUNNING", "createdAt": 2},
            {"jobId": "b", "jobName": "n", "status": "RUNNING", "createdAt": 1},
        ]
    }


def test_P2_token_when_more_follow_and_absent_not_null_on_the_last_page() -> None:
    """P-2: "On the last page nextToken is absent (never null)", and a page with a token is full."""
    jobs = [job("a", created=3), job("b", created=2), job("c", created=1)]
    first = list_service_jobs(jobs, {"maxResults": 2})
    assert ids(first) == ["a", "b"]
    assert isinstance(first["nextToken"], str)
    last = list_service_jobs(jobs, {"maxResults": 2, "nextToken": first["nextToken"]})
    assert ids(last) == ["c"]
    assert "nextToken" not in last


def test_P2_empty_selection_has_no_token() -> None:
    """P-2: no matching job, no nextToken."""
    assert list_service_jobs([job("a", status="FAILED")], {"maxResults": 1}) == {"jobSummaryList": []}


@pytest.mark.parametrize("sizes", [[1], [2], [3], [100], [1, 3, 2], [4, 1]])
def test_P3_pages_concatenate_whatever_max_results_each_uses(sizes: list[int]) -> None:
    """P-3: "the pages of a traversal concatenate to the whole ordered selection, whatever maxResults each
    request uses"."""
    jobs = [
        job("e", created=5),
        job("c", created=7),
        job("f"),
        job("skip", status="FAILED", created=6),
        job("a", created=7),
        job("b", created=9),
        job("d"),
    ]
    assert every_id(jobs, {}, sizes) == ["b", "a", "c", "e", "d", "f"]


def test_P3_job_name_traversal_concatenates_across_groups() -> None:
    """P-3: a JOB_NAME traversal resumes inside and across name/version groups."""
    jobs = [
        job("x1", name="x", created=1),
        job("y1", name="y", created=5, version=1),
        job("x2", name="x", created=2),
        job("y0", name="y", created=6),
        job("x-undated", name="x"),
    ]
    assert every_id(jobs, one_filter("JOB_NAME", "*"), [1, 2]) == ["x2", "x1", "x-undated", "y0", "y1"]


def _first_page_then(
    jobs: list[dict[str, Any]], change: Any, request: dict[str, Any] | None = None
) -> tuple[list[str], list[str]]:
    """Page 1 of 2 jobs, then ``change`` the jobs, then the rest of the traversal."""
    request = request or {}
    first = list_service_jobs(jobs, {**request, "maxResults": 2})
    change(jobs)
    rest: list[str] = []
    token = first.get("nextToken")
    while token is not None:
        page = list_service_jobs(jobs, {**request, "maxResults": 2, "nextToken": token})
        rest += ids(page)
        token = page.get("nextToken")
    return ids(first), rest


def _dated_jobs() -> list[dict[str, Any]]:
    return [job("a", created=40), job("b", created=30), job("c", created=20), job("d", created=10)]


def test_P4_removing_a_listed_job_skips_nothing() -> None:
    """P-4: "never skips a job that matched the query throughout" - an offset cursor would skip c."""
    first, rest = _first_page_then(_dated_jobs(), lambda jobs: jobs.pop(0))
    assert (first, rest) == (["a", "b"], ["c", "d"])


def test_P4_adding_a_newer_job_repeats_nothing() -> None:
    """P-4: "never lists a job twice" - an offset cursor would list b again."""
    first, rest = _first_page_then(_dated_jobs(), lambda jobs: jobs.append(job("new", created=50)))
    assert (first, rest) == (["a", "b"], ["c", "d"])


def test_P4_status_change_of_a_listed_job_skips_nothing() -> None:
    """P-4: a listed job that stops matching (status change) does not shift the rest."""

    def fail_a(jobs: list[dict[str, Any]]) -> None:
        jobs[0]["status"] = "FAILED"

    first, rest = _first_page_then(_dated_jobs(), fail_a)
    assert (first, rest) == (["a", "b"], ["c", "d"])


def test_P4_jobs_added_after_the_cursor_are_listed() -> None:
    """P-4: the cursor is the sort key of the last job returned, so a job added after it is listed."""
    first, rest = _first_page_then(_dated_jobs(), lambda jobs: jobs.append(job("late", created=25)))
    assert (first, rest) == (["a", "b"], ["late", "c", "d"])


def test_P4_job_name_cursor_survives_removal_of_the_last_listed_job() -> None:
    """P-4: resuming needs only the cursor's key, not the job it came from."""
    jobs = [job("x2", name="x", created=2), job("x1", name="x", created=1), job("y", name="y", created=3)]

    def remove_x1(jobs: list[dict[str, Any]]) -> None:
        del jobs[1]

    first, rest = _first_page_then(jobs, remove_x1, one_filter("JOB_NAME", "*"))
    assert (first, rest) == (["x2", "x1"], ["y"])


# ---------------------------------------------------------------------------------------------- Tokens


def _token(jobs: list[dict[str, Any]] | None = None, token_key: bytes | None = None, **request: Any) -> str:
    jobs = jobs if jobs is not None else [job("a", created=2), job("b", created=1)]
    token = list_service_jobs(jobs, {"maxResults": 1, **request}, token_key=token_key)["nextToken"]
    assert isinstance(token, str)
    return token


def test_T1_tokens_are_url_safe_ascii_of_at_most_1024_characters() -> None:
    """T-1: "Tokens are opaque, URL-safe ASCII (A-Z a-z 0-9 - _) of at most 1024 characters"."""
    long_name = "n" * 120
    jobs = [job("j" * 120 + "1", name=long_name, created=2), job("j2", name=long_name, created=1)]
    for token in (_token(), _token(jobs, **one_filter("JOB_NAME", "*")), _token(token_key=b"k")):
        assert re.fullmatch(r"[A-Za-z0-9_-]{1,1024}", token), token


@pytest.mark.parametrize("character", ["n", "\u00e9", "\u6f22", "\U0001f600"])
def test_T1_a_128_character_name_of_any_script_still_gets_a_token(character: str) -> None:
    """T-1: tokens stay within 1024 characters for job names of up to 128 characters (the service's limit)."""
    name = character * 128
    jobs = [job("a", name=name, created=2), job("b", name=name, created=1)]
    request = one_filter("JOB_NAME", "*", maxResults=1)
    token = list_service_jobs(jobs, request)["nextToken"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,1024}", token)
    assert ids(list_service_jobs(jobs, {**request, "nextToken": token})) == ["b"]


def test_T1_padding_and_non_url_safe_forms_are_refused() -> None:
    """T-1: only the canonical URL-safe text is a token: padding or the standard alphabet is refused."""
    jobs = [job("a", created=2), job("b", created=1)]
    token = _token(jobs)
    for variant in (token + "=", token + "==", token.replace("-", "+").replace("_", "/") + "+/", " " + token):
        refused(jobs, {"maxResults": 1, "nextToken": variant})


def test_T1_oversized_token_is_refused() -> None:
    """T-1: tokens are "size-checked before they are decoded": 1025 URL-safe characters are refused."""
    refused([job("a")], {"nextToken": "A" * 1025})


def test_T2_tokens_do_not_depend_on_input_order() -> None:
    """T-2: "the same page gives the same token, whatever the order of the input jobs"."""
    jobs = [job("a", created=3), job("b", created=2), job("c", created=2), job("d", created=1)]
    assert _token(jobs, maxResults=2) == _token(list(reversed(jobs)), maxResults=2)
    assert _token(jobs, maxResults=2) == _token(copy.deepcopy(jobs), maxResults=2)


def test_T2_tokens_survive_a_restart() -> None:
    """T-2: tokens are "stateless (no server-side storage; they survive a restart)"."""
    program = (
        "from listjobs_core import list_service_jobs\n"
        "jobs = [{'jobId': 'a', 'jobName': 'n', 'status': 'RUNNING', 'createdAt': 2},\n"
        "        {'jobId': 'b', 'jobName': 'n', 'status': 'RUNNING', 'createdAt': 1}]\n"
        "print(list_service_jobs(jobs, {'maxResults': 1})['nextToken'])\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, check=True, timeout=30
    )
    token = completed.stdout.strip()
    jobs = [job("a", created=2), job("b", created=1)]
    assert ids(list_service_jobs(jobs, {"maxResults": 1, "nextToken": token})) == ["b"]


@pytest.mark.parametrize(
    ("issued_for", "presented_with"),
    [
        ({}, {"jobStatus": "RUNNING"}),  # jobStatus "as given", even though both select RUNNING
        ({"jobStatus": "FAILED"}, {"jobStatus": "SUCCEEDED"}),
        ({"jobQueue": "training"}, {"jobQueue": "other"}),
        ({"jobQueue": "training"}, {}),
        ({}, {"jobQueue": "training"}),
        (one_filter("JOB_NAME", "a*"), {}),
        (one_filter("AFTER_CREATED_AT", "1"), one_filter("BEFORE_CREATED_AT", "1")),
        (one_filter("SHARE_IDENTIFIER", "s"), one_filter("QUOTA_SHARE_NAME", "s")),
    ],
)
def test_T3_a_token_is_refused_for_another_query(
    issued_for: dict[str, Any], presented_with: dict[str, Any]
) -> None:
    """T-3: "A token is bound to its query ... Presented with another query it is rejected"."""
    both = {"name": "a", "jobQueue": "training", "shareIdentifier": "s", "quotaShareName": "s"}
    jobs = [
        job("r1", created=5, **both),
        job("r2", created=4, **both),
        job("f1", status="FAILED", created=3, **both),
        job("f2", status="FAILED", created=2, **both),
    ]
    refused(jobs, {**presented_with, "maxResults": 1, "nextToken": _token(jobs, **issued_for)})


def test_T3_a_token_for_one_queue_arn_is_refused_for_another_queue_arn() -> None:
    """T-3: bound to "jobQueue (a name and its ARN agree)" - but two ARNs agree only when equal (IN-2)."""
    jobs = [job("a", created=3), job("b", created=2), job("c", created=1)]
    token = _token(jobs, jobQueue=QUEUE_ARN)
    refused(jobs, {"jobQueue": OTHER_REGION_QUEUE_ARN, "maxResults": 1, "nextToken": token})
    other_account = "arn:aws:batch:us-east-1:999999999999:job-queue/training"
    refused(jobs, {"jobQueue": other_account, "maxResults": 1, "nextToken": token})


def test_T3_queue_name_and_arn_agree_and_max_results_may_change() -> None:
    """T-3: "jobQueue (a name and its ARN agree) ... another maxResults is fine"."""
    jobs = [job("a", created=3), job("b", created=2), job("c", created=1)]
    token = _token(jobs, jobQueue="training")
    response = list_service_jobs(jobs, {"jobQueue": QUEUE_ARN, "maxResults": 5, "nextToken": token})
    assert ids(response) == ["b", "c"]


def test_T4_any_single_character_change_is_detected() -> None:
    """T-4: "Any single-character change, truncation, or a token made under another key is rejected."."""
    jobs = [job("a", created=2), job("b", created=1)]
    token = _token(jobs)
    alphabet = "AQgw_-09azZ"
    for position in range(len(token)):
        for replacement in alphabet:
            if replacement != token[position]:
                changed = token[:position] + replacement + token[position + 1 :]
                refused(jobs, {"maxResults": 1, "nextToken": changed})
    for length in range(len(token)):
        refused(jobs, {"maxResults": 1, "nextToken": token[:length]})


def test_T4_a_token_made_under_another_key_is_refused() -> None:
    """T-4: "an HMAC-SHA256 tag ... under the caller's token_key, or under a built-in key"."""
    jobs = [job("a", created=2), job("b", created=1)]
    keyed = _token(jobs, token_key=b"secret one")
    assert ids(list_service_jobs(jobs, {"maxResults": 1, "nextToken": keyed}, token_key=b"secret one")) == [
        "b"
    ]
    with pytest.raises(ClientException):
        list_service_jobs(jobs, {"maxResults": 1, "nextToken": keyed}, token_key=b"secret two")
    with pytest.raises(ClientException):
        list_service_jobs(jobs, {"maxResults": 1, "nextToken": keyed})
    with pytest.raises(ClientException):
        list_service_jobs(jobs, {"maxResults": 1, "nextToken": _token(jobs)}, token_key=b"secret one")


# ---------------------------------------------------------------------------------------------- Output


def test_W1_job_summary_list_always_present_next_token_only_when_there_is_one() -> None:
    """W-1: "jobSummaryList always present (possibly empty), nextToken only when there is one"."""
    assert list_service_jobs([], {}) == {"jobSummaryList": []}
    assert list_service_jobs([job("a", status="FAILED")], {}) == {"jobSummaryList": []}
    response = list_service_jobs([job("a", created=2), job("b", created=1)], {"maxResults": 1})
    assert set(response) == {"jobSummaryList", "nextToken"}
    assert type(response) is dict
    assert type(response["jobSummaryList"]) is list


def test_W1_response_is_json_serialisable() -> None:
    """W-1: "It is JSON-serialisable."."""
    jobs = [
        job(
            "a",
            created=2,
            capacityUsage=({"capacityUnit": "NUM_INSTANCES", "quantity": 1.5},),
            latestAttempt=types.MappingProxyType({"serviceResourceId": {"name": "x", "value": "y"}}),
        ),
        job("b", created=1),
    ]
    response = list_service_jobs(jobs, {"maxResults": 1})
    assert json.loads(json.dumps(response)) == response
    assert response["jobSummaryList"][0]["capacityUsage"] == [
        {"capacityUnit": "NUM_INSTANCES", "quantity": 1.5}
    ]
    assert response["jobSummaryList"][0]["latestAttempt"] == {
        "serviceResourceId": {"name": "x", "value": "y"}
    }


def test_W2_summary_holds_only_service_job_summary_members() -> None:
    """W-2: "A summary holds only the ServiceJobSummary members ... jobQueue, version and every other member
    are dropped"."""
    full = {
        "jobArn": "arn:aws:batch:us-east-1:123456789012:service-job/a",
        "jobId": "a",
        "jobName": "train",
        "capacityUsage": [{"capacityUnit": "NUM_INSTANCES", "quantity": 2}],
        "createdAt": 100,
        "latestAttempt": {"serviceResourceId": {"name": "TrainingJobArn", "value": "x"}},
        "scheduledAt": 110,
        "serviceJobType": "SAGEMAKER_TRAINING",
        "shareIdentifier": "share",
        "quotaShareName": "quota",
        "status": "RUNNING",
        "statusReason": "started",
        "startedAt": 120,
        "stoppedAt": 130,
    }
    extras = {
        "jobQueue": "training",
        "version": 4,
        "jobDefinition": "def",
        "tags": {"k": "v"},
        "retryStrategy": {"attempts": 1},
        "Status": "RUNNING",
    }
    response = list_service_jobs([{**full, **extras}], {"jobQueue": "training"})
    assert response == {"jobSummaryList": [full]}


def test_W2_absent_and_null_members_are_absent_from_the_summary() -> None:
    """W-2: "Members absent from the job are absent from the summary (never null)"."""
    record = {
        "jobId": "a",
        "jobName": "n",
        "status": "RUNNING",
        "jobArn": None,
        "createdAt": None,
        "latestAttempt": None,
        "capacityUsage": None,
        "statusReason": None,
    }
    assert list_service_jobs([record], {}) == {
        "jobSummaryList": [{"jobId": "a", "jobName": "n", "status": "RUNNING"}]
    }


def test_W3_changing_a_response_never_changes_the_jobs() -> None:
    """W-3: "A summary shares no mutable value with the job it came from"."""
    jobs = [
        job(
            "a",
            capacityUsage=[{"capacityUnit": "NUM_INSTANCES", "quantity": 2}],
            latestAttempt={"serviceResourceId": {"name": "n", "value": "v"}, "list": [1, [2]]},
        )
    ]
    snapshot = copy.deepcopy(jobs)
    summary = list_service_jobs(jobs, {})["jobSummaryList"][0]
    summary["capacityUsage"][0]["quantity"] = 99
    summary["capacityUsage"].append({"capacityUnit": "x", "quantity": 1})
    summary["latestAttempt"]["serviceResourceId"]["value"] = "changed"
    summary["latestAttempt"]["list"][1].append(3)
    summary["jobName"] = "renamed"
    summary.clear()
    assert jobs == snapshot


def test_W3_each_response_is_fresh() -> None:
    """W-3: two responses over the same job share no mutable value either."""
    jobs = [job("a", latestAttempt={"k": ["v"]})]
    first = list_service_jobs(jobs, {})
    first["jobSummaryList"][0]["latestAttempt"]["k"].append("w")
    assert list_service_jobs(jobs, {})["jobSummaryList"][0]["latestAttempt"] == {"k": ["v"]}


# ---------------------------------------------------------------------------------------------- Errors


def test_E1_client_exception_is_http_400_with_a_message() -> None:
    """E-1: "ClientException: HTTP 400, error type ClientException, a human-readable message"."""
    error = refused([job("a")], {"maxResults": 0})
    assert isinstance(error, Exception)
    assert not isinstance(error, ServerException)
    assert error.status_code == 400
    assert error.error_type == "ClientException"
    assert isinstance(error.message, str)
    assert "maxResults" in error.message
    assert str(error) == error.message


@pytest.mark.parametrize(
    "jobs",
    [
        [None],
        ["a job"],
        [["jobId", "a"]],
        [42],
        [{"jobName": "n", "status": "RUNNING"}],  # no jobId
        [{"jobId": "a", "status": "RUNNING"}],  # no jobName
        [{"jobId": "a", "jobName": None, "status": "RUNNING"}],
        [job("a", created="5")],  # createdAt read by the order
        [job("a", created=1), job("b", created=[1])],
        [job("a", createdAt=1.5)],
        [job("a", createdAt=True)],
        [job("a", jobName=5)],
        [job("a", jobArn=5)],
        [job("a", latestAttempt="x")],
        [job("a", latestAttempt={"k": {1, 2}})],
        [job("a", capacityUsage="x")],
        [job("a", jobId=5)],
    ],
)
def test_E2_malformed_job_is_a_server_exception(jobs: list[Any]) -> None:
    """E-2: "ServerException: HTTP 500 ... such as a malformed job among the jobs"."""
    with pytest.raises(ServerException) as caught:
        list_service_jobs(jobs, {})
    assert type(caught.value) is ServerException
    assert caught.value.status_code == 500
    assert caught.value.error_type == "ServerException"
    assert wire_error(caught.value).status_code == 500


@pytest.mark.parametrize(
    ("jobs", "request_"),
    [
        ([job("a", name=5)], one_filter("JOB_NAME", "*")),  # jobName read by the JOB_NAME filter
        ([job("a", version="1")], one_filter("JOB_NAME", "*")),
        ([job("a", version=-1)], one_filter("JOB_NAME", "*")),
        ([job("a", version=1.0)], one_filter("JOB_NAME", "*")),
        ([job("a", version=True)], one_filter("JOB_NAME", "*")),
        ([job("a", createdAt="5")], one_filter("AFTER_CREATED_AT", "1")),
        ([job("a", createdAt="5")], one_filter("BEFORE_CREATED_AT", "9")),
        ([job("a", jobQueue=["q"])], {"jobQueue": "q"}),
    ],
)
def test_E2_member_of_the_wrong_type_where_the_listing_reads_it(
    jobs: list[Any], request_: dict[str, Any]
) -> None:
    """E-2: "or has a member of the wrong type where the listing reads it" is a ServerException."""
    with pytest.raises(ServerException):
        list_service_jobs(jobs, request_)


def test_E2_server_exception_is_not_a_client_exception() -> None:
    """E-2: a malformed job is the server's fault, never reported as the client's."""
    assert not issubclass(ServerException, ClientException)
    assert not issubclass(ClientException, ServerException)
    assert wire_error(ServerException("x")).body == {"__type": "ServerException", "message": "x"}


def test_E3_wire_error_without_request_id() -> None:
    """E-3: "the status code, header x-amzn-ErrorType: <type>, body {"__type": "<type>", "message": ...}"."""
    wire = wire_error(ClientException("maxResults must be an integer"))
    assert isinstance(wire, WireError)
    assert wire.status_code == 400
    assert wire.headers["x-amzn-ErrorType"] == "ClientException"
    assert wire.body == {"__type": "ClientException", "message": "maxResults must be an integer"}
    assert json.loads(wire.body_bytes().decode("utf-8")) == wire.body


def test_E3_wire_error_with_request_id_reads_like_the_service() -> None:
    """E-3: "the message reads Error executing request, Exception : <text>, RequestId: <uuid>"."""
    request_id = "0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9"
    wire = wire_error(ClientException(TWO_FILTERS), request_id)
    assert wire.status_code == 400
    assert wire.headers["x-amzn-ErrorType"] == "ClientException"
    assert wire.body == {
        "__type": "ClientException",
        "message": (
            "Error executing request, Exception : Only one filter key-value pair can be specified., "
            "RequestId: 0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9"
        ),
    }
    server = wire_error(ServerException("boom"), request_id)
    assert (server.status_code, server.headers["x-amzn-ErrorType"]) == (500, "ServerException")
    assert server.body["message"] == f"Error executing request, Exception : boom, RequestId: {request_id}"


def test_E3_botocore_parses_the_wire_error_as_client_error() -> None:
    """E-3: "which botocore parses into ClientError with Error.Code == "ClientException""."""
    parsers = pytest.importorskip("botocore.parsers")
    for request_id, message in (
        (None, "bad"),
        ("r-1", "Error executing request, Exception : bad, RequestId: r-1"),
    ):
        wire = wire_error(ClientException("bad"), request_id)
        raw = {"status_code": wire.status_code, "headers": wire.headers, "body": wire.body_bytes()}
        parsed = parsers.RestJSONParser().parse(raw, None)
        assert parsed["Error"] == {"Code": "ClientException", "Message": message}
        assert parsed["ResponseMetadata"]["HTTPStatusCode"] == 400


@pytest.mark.parametrize(
    ("value", "shown"),
    [(True, "got true"), (False, "got false"), (float("inf"), "got a number that is not finite"),
     (float("nan"), "got a number that is not finite"), (-0.0, "got -0.0")],
)
def test_messages_name_values_as_json_writes_them(value: object, shown: str) -> None:
    """V-2: a refused value is named as JSON spells it (``true``, not Python's ``True``); a number no JSON
    text can hold is named for what it is."""
    with pytest.raises(ClientException) as refused:
        list_service_jobs([], {"maxResults": value})
    assert refused.value.message.endswith(shown)

# ------------------------------------------------------- One source per rule: the kit's table and this doc
#
# A rule's id, title and source tag have one home, the kit's rule table (listjobs_core/conformance/_rules.py),
# which the conformance report grades by. docs/SEMANTICS.md states each rule in full and says where it
# lives and which tests pin it; the tests below hold the document to the table and to the tree, and hold
# the tests of this file to the document, so none of the three can drift from the others unnoticed.

SEMANTICS = ROOT / "docs" / "SEMANTICS.md"
PACKAGE = ROOT / "listjobs_core"
TESTS = ROOT / "tests"
RULE_ID = re.compile(r"[A-Z]+-\d+")
CODE = re.compile(r"`([^`]+)`")


def semantics_rows() -> list[dict[str, str]]:
    """Each rule row of docs/SEMANTICS.md as its table's header names the cells, so columns may be added
    or moved."""
    rows: list[dict[str, str]] = []
    header: list[str] | None = None
    for line in SEMANTICS.read_text(encoding="utf-8").splitlines():
        if line.startswith("|---"):
            continue
        if not line.startswith("| "):
            header = None
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        if cells[0] == "id":
            header = cells
        elif RULE_ID.fullmatch(cells[0]):
            assert header is not None, f"the row of {cells[0]} has no table header"
            assert len(cells) == len(header), f"the row of {cells[0]} has {len(cells)} cells"
            rows.append(dict(zip(header, cells, strict=True)))
    return rows


def test_one_row_per_rule_of_the_semantics_document() -> None:
    """The kit's rule table and its report's rows are exactly the rule ids of docs/SEMANTICS.md, in order."""
    from listjobs_core.conformance import RULES, check

    document = [row["id"] for row in semantics_rows()]
    hint = "a rule was added to or removed from docs/SEMANTICS.md: update listjobs_core/conformance/_rules.py"
    assert [rule.id for rule in RULES] == document, hint
    assert [row.id for row in check(list_service_jobs, examples=0).rows] == document


def test_every_rule_of_the_semantics_document_has_the_kits_source_tag() -> None:
    """docs/SEMANTICS.md tags every rule AWS, decision or AWS + decision, as the kit grades it."""
    from listjobs_core.conformance import RULES

    tags = {row["id"]: row["source tag"] for row in semantics_rows()}
    assert set(tags.values()) <= {"AWS", "decision", "AWS + decision"}
    assert tags == {rule.id: rule.tag for rule in RULES}


def defined_tests() -> dict[str, set[str]]:
    """Every test function or method of tests/, with the files that define it."""
    defined: dict[str, set[str]] = {}
    for path in TESTS.glob("test_*.py"):
        for name in re.findall(r"^\s*(?:async\s+)?def (test_\w+)\(", path.read_text(encoding="utf-8"), re.M):
            defined.setdefault(name, set()).add(path.name)
    return defined


def test_every_test_the_semantics_document_names_exists() -> None:
    """The "tests" column names tests that exist: a bare name in some test file, ``file::name`` in that
    file, a ``tests/...`` path as a file."""
    defined = defined_tests()
    missing = []
    for row in semantics_rows():
        for name in CODE.findall(row["tests"]):
            file, separator, test = name.rpartition("::")
            if name.startswith("tests/"):
                found = (ROOT / name).is_file()
            elif separator:
                found = file in defined.get(test, set())
            else:
                found = test in defined
            if not found:
                missing.append(f"{row['id']}: {name}")
    assert missing == []


def test_every_test_of_this_file_is_named_after_a_rule_whose_row_names_it() -> None:
    """Each test here is ``test_<rule>_...``, and the row of that rule lists it: this file adds no rule of
    its own, and the document names every example that pins a rule."""
    listed = {row["id"]: set(CODE.findall(row["tests"])) for row in semantics_rows()}
    unlisted = []
    for name in re.findall(r"^def (test_\w+)\(", Path(__file__).read_text(encoding="utf-8"), re.M):
        match = re.match(r"test_([A-Z]+)(\d+)_", name)
        if match is None:
            continue  # the tests of this section, which hold the document to the table
        if name not in listed.get(f"{match.group(1)}-{match.group(2)}", set()):
            unlisted.append(name)
    assert unlisted == []


def _names_in(path: Path, name: str) -> bool:
    """Whether ``name`` appears in the file (or, for a folder, in a file of it) as a whole word."""
    word = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")
    files = [path] if path.is_file() else sorted(path.rglob("*.py"))
    return any(word.search(file.read_text(encoding="utf-8")) for file in files)


def lives_in_problems(cell: str) -> list[str]:
    """What does not resolve among the names of one "lives in" cell. ``_module.attr`` is a module of
    ``listjobs_core/`` and its attribute; ``folder/file.py`` and ``folder/`` are paths in ``listjobs_core/``
    (a bare ``file.py`` in the folder named before it); any other name must appear in the module or folder
    named before it (in the package when none was)."""
    import importlib

    problems: list[str] = []
    current: Path = PACKAGE
    for name in CODE.findall(cell):
        first, _, attributes = name.partition(".")
        if "/" in name or name.endswith(".py"):
            base = PACKAGE if "/" in name else (current if current.is_dir() else current.parent)
            path = base / name.rstrip("/")
            if not path.exists():
                problems.append(f"{name}: no such file or folder")
                continue
            current = path
        elif first.startswith("_") and (PACKAGE / f"{first}.py").is_file():
            value: object = importlib.import_module(f"listjobs_core.{first}")
            for attribute in attributes.split(".") if attributes else []:
                if not hasattr(value, attribute):
                    problems.append(f"{name}: listjobs_core.{first} has no {attributes}")
                    break
                value = getattr(value, attribute)
            current = PACKAGE / f"{first}.py"
        elif not _names_in(current, name):
            problems.append(f"{name}: not found in {current.relative_to(ROOT)}")
    return problems


def test_every_home_the_semantics_document_names_exists() -> None:
    """The "lives in" column names modules, attributes, files and names that are where it says."""
    rows = semantics_rows()
    problems = [f"{row['id']}: {problem}" for row in rows for problem in lives_in_problems(row["lives in"])]
    assert problems == []


def test_the_homes_check_can_fail() -> None:
    """The check above finds a module, an attribute, a file and a name that are not there."""
    assert lives_in_problems("`_request.parse_request`; `endpoint/`; `_decisions.MISSING_VERSION`") == []
    assert len(lives_in_problems("`_nowhere.x`, `_request.no_such_function`, `store/_gone.py`")) == 3
    assert lives_in_problems("`contrib/moto/` (`_no_such_module.py`)") != []
    assert lives_in_problems("`_operations` (`no_such_member`)") != []


def test_every_rule_id_the_kit_names_is_a_rule() -> None:
    """The kit names rules by id in its code and its vectors; a report drops an id it does not know, so a
    mistyped one would silently check nothing. Every id the kit's modules write is one of the table's."""
    from listjobs_core.conformance._rules import rule_ids

    known = set(rule_ids())
    unknown = set()
    for path in (PACKAGE / "conformance").rglob("*.py"):
        if path.name == "_rules.py":
            continue
        for rule_id in re.findall(r"""["']([A-Z]{1,3}-\d+)["']""", path.read_text(encoding="utf-8")):
            if rule_id not in known:
                unknown.add(f"{path.relative_to(PACKAGE)}: {rule_id}")
    assert sorted(unknown) == []
