"""ListJobsByConsumableResource: traversals agree with its oracle, and each CR rule holds on its own cases.

Expected values are written by hand from docs/SEMANTICS.md (CR-1 to CR-9) or computed by
``tests/oracle_consumable.py``, never by the code under test.
"""

from __future__ import annotations

import copy
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
    ServerException,
    list_jobs,
    list_jobs_by_consumable_resource,
)
from listjobs_core._jobs import find_job_problem
from listjobs_core.strategies import (
    NASTY_STRINGS,
    consumable_jobs,
    consumable_jobs_and_requests,
    consumable_resource_requests,
)

ACCOUNT = "123456789012"
JOB_ARN = f"arn:aws:batch:us-east-1:{ACCOUNT}:job/"
RESOURCE_ARN = f"arn:aws:batch:us-east-1:{ACCOUNT}:consumable-resource/"
OTHER_RESOURCE_ARN = "arn:aws:batch:eu-west-1:210987654321:consumable-resource/"
STATUSES = ["SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED"]

listing = list_jobs_by_consumable_resource


def job(job_id: str, created: int, *needs: str | tuple[str, int], **members: Any) -> dict[str, Any]:
    """A Batch job requiring ``needs`` (a resource, or a resource and its quantity; quantity 1 by default)."""
    entries = [
        {"consumableResource": need, "quantity": 1} if isinstance(need, str)
        else {"consumableResource": need[0], "quantity": need[1]}
        for need in needs
    ]
    made: dict[str, Any] = {
        "jobId": job_id, "jobName": f"job-{job_id}", "jobArn": JOB_ARN + job_id, "jobQueue": "gpu",
        "status": "RUNNING", "createdAt": created,
        "consumableResourceProperties": {"consumableResourceList": entries},
    }
    made.update(members)
    return made


def names(response: dict[str, Any]) -> list[str]:
    """The job ids of a page (from their ARNs), in order."""
    return [summary["jobArn"].removeprefix(JOB_ARN) for summary in response["jobs"]]


def request(resource: str, *filters: tuple[str, str], **members: Any) -> dict[str, Any]:
    made: dict[str, Any] = {"consumableResource": resource, **members}
    if filters:
        made["filters"] = [{"name": name, "values": [value]} for name, value in filters]
    return made


def refusal(jobs: list[dict[str, Any]], bad: Any) -> str:
    """The message of the ClientException ``bad`` must raise."""
    with pytest.raises(ClientException) as caught:
        listing(jobs, bad)
    assert caught.value.status_code == 400 and caught.value.error_type == "ClientException"
    return caught.value.message


def traverse(jobs: list[dict[str, Any]], query: dict[str, Any], sizes: list[int]) -> list[dict[str, Any]]:
    """Every page of one traversal, asking for ``sizes`` in turn (the last one repeated)."""
    pages: list[dict[str, Any]] = []
    token = None
    for number in range(500):
        page_request = {**query, "maxResults": sizes[min(number, len(sizes) - 1)]}
        if token is not None:
            page_request["nextToken"] = token
        page = listing(jobs, page_request)
        pages.append(page)
        token = page.get("nextToken")
        if token is None:
            return pages
    raise AssertionError("no last page after 500 pages")


# --- Properties against the oracle --------------------------------------------------------------------------

page_sizes = st.lists(st.integers(1, 5), min_size=1, max_size=4)


@given(consumable_jobs_and_requests(), page_sizes)
def test_traversals_agree_with_the_oracle(
    case: tuple[list[dict[str, Any]], dict[str, Any]], sizes: list[int]
) -> None:
    """CR-1 to CR-8: a whole traversal by tokens lists exactly the oracle's summaries, in its order; every
    page but the last is full and carries a token, the last none."""
    jobs, query = case
    before = copy.deepcopy(jobs)
    pages = traverse(jobs, query, sizes)
    assert [summary for page in pages for summary in page["jobs"]] == oracle.expected_selection(jobs, query)
    for number, page in enumerate(pages[:-1]):
        assert len(page["jobs"]) == sizes[min(number, len(sizes) - 1)] and "nextToken" in page
    assert "nextToken" not in pages[-1]
    assert jobs == before
    json.dumps(pages)


@given(consumable_jobs_and_requests())
def test_one_page_of_the_default_size_is_the_oracles_first_hundred(
    case: tuple[list[dict[str, Any]], dict[str, Any]],
) -> None:
    """CR-1: without maxResults, a page holds up to 100 jobs."""
    jobs, query = case
    expected = oracle.expected_selection(jobs, query)
    assert listing(jobs, query)["jobs"] == expected[:100]


def broken(draw: st.DrawFn, valid: dict[str, Any]) -> Any:
    """``valid`` with one member broken, or something that is no request."""
    kind = draw(st.sampled_from(("resource", "filters", "filter", "values", "max", "token", "not a request")))
    bad = dict(valid)
    if kind == "resource":
        bad["consumableResource"] = draw(st.sampled_from(("", 5, True, [], {}, None)))
    elif kind == "filters":
        twice = [{"name": "JOB_NAME", "values": ["a"]}, {"name": "JOB_NAME", "values": ["b"]}]
        bad["filters"] = draw(st.sampled_from(({}, "JOB_NAME", 1, twice)))
    elif kind == "filter":
        bad["filters"] = [draw(st.sampled_from((
            {"name": "JOB_DEFINITION", "values": ["x"]}, {"name": "job_status", "values": ["RUNNING"]},
            {"values": ["RUNNING"]}, "JOB_STATUS", None, {"name": 5, "values": ["x"]},
        )))]
    elif kind == "values":
        bad["filters"] = [draw(st.sampled_from((
            {"name": "JOB_STATUS", "values": ["SCHEDULED"]}, {"name": "JOB_STATUS", "values": ["running"]},
            {"name": "JOB_STATUS", "values": ["RUNNING", "FAILED"]}, {"name": "JOB_STATUS", "values": []},
            {"name": "JOB_NAME", "values": [""]}, {"name": "JOB_NAME", "values": "x"},
            {"name": "JOB_NAME", "values": [7]}, {"name": "JOB_NAME"},
        )))]
    elif kind == "max":
        bad["maxResults"] = draw(st.sampled_from((0, 101, -1, 1.5, "5", True, 10**4000)))
    elif kind == "token":
        bad["nextToken"] = draw(st.one_of(st.sampled_from(NASTY_STRINGS), st.text(max_size=80), st.just(5)))
    else:
        return draw(st.sampled_from(([], "x", 5, None)))
    return bad


@st.composite
def invalid_requests(draw: st.DrawFn) -> tuple[list[dict[str, Any]], Any]:
    jobs = draw(consumable_jobs(max_size=5))
    return jobs, broken(draw, draw(consumable_resource_requests(jobs)))


@given(invalid_requests())
def test_bad_requests_are_refused_naming_the_member(case: tuple[list[dict[str, Any]], Any]) -> None:
    """CR-1, CR-4, CR-6: a request with a broken member is a ClientException whose message names it (the
    oracle says which); a valid one is answered."""
    jobs, bad = case
    member = oracle.expected_error(bad)
    if member is None:
        listing(jobs, bad)
        return
    message = refusal(jobs, bad)
    if member == "request":
        assert "JSON object" in message
    elif member == "values" and "more than one value" in message:
        assert bad["filters"][0]["values"] == ["RUNNING", "FAILED"]
    else:
        assert member in message


# --- One example per rule -----------------------------------------------------------------------------------


def test_job_status_values_are_the_seven_job_statuses() -> None:
    """CR-1: every JobStatus value selects its jobs; SCHEDULED and other cases are refused."""
    jobs = [job(str(number), number, "r", status=status) for number, status in enumerate(STATUSES)]
    for number, status in enumerate(STATUSES):
        assert names(listing(jobs, request("r", ("JOB_STATUS", status)))) == [str(number)]
    for bad in ("SCHEDULED", "running", " RUNNING", ""):
        message = refusal(jobs, request("r", ("JOB_STATUS", bad)))
        assert message.startswith("filters[0].values[0] must be one of SUBMITTED, PENDING, RUNNABLE")


def test_job_name_is_case_insensitive_with_a_final_star_prefix() -> None:
    """CR-1: JOB_NAME as S-5 and S-6: casefold, and only a final '*' is a wildcard."""
    jobs = [
        job("a", 1, "r", jobName="Train"), job("b", 2, "r", jobName="training"),
        job("c", 3, "r", jobName="STRASSE"), job("d", 4, "r", jobName="tr*in"),
    ]
    assert names(listing(jobs, request("r", ("JOB_NAME", "TRAIN")))) == ["a"]
    assert names(listing(jobs, request("r", ("JOB_NAME", "tRa*")))) == ["b", "a"]
    assert names(listing(jobs, request("r", ("JOB_NAME", "straße")))) == ["c"]
    assert names(listing(jobs, request("r", ("JOB_NAME", "tr*in")))) == ["d"]
    assert names(listing(jobs, request("r", ("JOB_NAME", "*")))) == ["d", "c", "b", "a"]
    assert "JOB_NAME" in refusal(jobs, request("r", ("JOB_NAME", "")))


def test_max_results_is_from_1_to_100() -> None:
    """CR-1: 1 to 100, 100 when absent; anything else refused, not cut."""
    jobs = [job(f"{number:03}", number, "r") for number in range(150)]
    assert len(listing(jobs, request("r"))["jobs"]) == 100
    assert len(listing(jobs, request("r", maxResults=100))["jobs"]) == 100
    assert names(listing(jobs, request("r", maxResults=1))) == ["149"]
    for bad in (0, 101, 1000, True, 2.0, "3"):
        message = refusal(jobs, request("r", maxResults=bad))
        assert message.startswith("maxResults must be an integer from 1 to 100")


def test_a_name_and_its_arn_denote_the_same_resource() -> None:
    """CR-2: a request by name lists entries by name and by any ARN of it; by ARN, entries by that ARN
    and by the bare name."""
    jobs = [
        job("name", 1, "r"), job("arn", 2, RESOURCE_ARN + "r"), job("other-arn", 3, OTHER_RESOURCE_ARN + "r"),
        job("other-name", 4, "R"), job("none", 5),
    ]
    assert names(listing(jobs, request("r"))) == ["other-arn", "arn", "name"]
    assert names(listing(jobs, request(RESOURCE_ARN + "r"))) == ["arn", "name"]
    assert names(listing(jobs, request("R"))) == ["other-name"]


def test_two_arns_of_one_name_are_different_resources() -> None:
    """CR-2: an ARN in another region or account is another resource, and a queue ARN is no resource."""
    jobs = [job("here", 1, RESOURCE_ARN + "r"), job("there", 2, OTHER_RESOURCE_ARN + "r")]
    assert names(listing(jobs, request(OTHER_RESOURCE_ARN + "r"))) == ["there"]
    queue_arn = f"arn:aws:batch:us-east-1:{ACCOUNT}:job-queue/r"
    assert names(listing(jobs, request(queue_arn))) == []


def test_a_job_naming_a_resource_twice_is_malformed() -> None:
    """CR-3: two entries of one name (by name and ARN, or two ARNs) make a malformed job: refused by the
    job checks, and a ServerException when a page holds it."""
    for second in ("r", RESOURCE_ARN + "r", OTHER_RESOURCE_ARN + "r"):
        twice = job("twice", 1, ("r", 1), (second, 2))
        problem = find_job_problem(twice)
        assert problem is not None and problem.member == "consumableResourceProperties"
        assert "names 'r' again" in problem.reason
        with pytest.raises(ServerException, match="twice"):
            listing([twice], request("r"))
    assert find_job_problem(job("once", 1, "r", RESOURCE_ARN + "s")) is None


def test_malformed_consumable_resource_properties_are_refused() -> None:
    """CR-3: each entry names a resource and its integer quantity."""
    for properties in (
        [], "r", {"consumableResourceList": {}}, {"consumableResourceList": ["r"]},
        {"consumableResourceList": [{"consumableResource": "r"}]},
        {"consumableResourceList": [{"quantity": 1}]},
        {"consumableResourceList": [{"consumableResource": "r", "quantity": 1}, {"consumableResource": ""}]},
        {"consumableResourceList": [{"consumableResource": "r", "quantity": "1"}]},
        {"consumableResourceList": [{"consumableResource": "r", "quantity": True}]},
        {"consumableResourceList": [{"consumableResource": "r", "quantity": 2**63}]},
    ):
        malformed = {**job("j", 1), "consumableResourceProperties": properties}
        problem = find_job_problem(malformed)
        assert problem is not None and problem.member == "consumableResourceProperties", properties
        with pytest.raises(ServerException):
            listing([malformed], request("r"))
    for fine in ({}, {"consumableResourceList": []}, {"consumableResourceList": None}):
        assert find_job_problem({**job("j", 1), "consumableResourceProperties": fine}) is None


def test_consumable_resource_is_required_and_a_non_empty_string() -> None:
    """CR-4: absent or null is 'required'; the wrong type or empty is refused, naming the member."""
    assert refusal([], {}) == "consumableResource is required"
    assert refusal([], {"consumableResource": None}) == "consumableResource is required"
    assert refusal([], {"jobQueue": "q"}) == "consumableResource is required"
    assert refusal([], {"consumableResource": ""}) == "consumableResource must not be empty"
    assert refusal([], {"consumableResource": 5}) == "consumableResource must be a string, got an integer"


def test_without_a_job_status_filter_every_status_is_listed() -> None:
    """CR-5: no default status (ListJobs would list RUNNING only)."""
    jobs = [job(str(number), number, "r", status=status) for number, status in enumerate(STATUSES)]
    every = ["6", "5", "4", "3", "2", "1", "0"]
    assert names(listing(jobs, request("r"))) == every
    assert names(listing(jobs, {"consumableResource": "r", "filters": []})) == every
    assert names(listing(jobs, {"consumableResource": "r", "filters": None})) == every


def test_job_status_and_job_name_filters_narrow_together() -> None:
    """CR-6: both filters apply, in either order."""
    jobs = [
        job("a", 1, "r", jobName="train", status="RUNNING"),
        job("b", 2, "r", jobName="train", status="FAILED"),
        job("c", 3, "r", jobName="eval", status="RUNNING"),
        job("d", 4, "s", jobName="train", status="RUNNING"),
    ]
    both = request("r", ("JOB_STATUS", "RUNNING"), ("JOB_NAME", "TRAIN"))
    assert names(listing(jobs, both)) == ["a"]
    both["filters"].reverse()
    assert names(listing(jobs, both)) == ["a"]
    assert names(listing(jobs, request("r", ("JOB_NAME", "train")))) == ["b", "a"]
    assert names(listing(jobs, request("r", ("JOB_STATUS", "RUNNING")))) == ["c", "a"]


def test_a_filter_name_given_twice_is_refused() -> None:
    """CR-6: at most one filter of each name."""
    twice = request("r", ("JOB_STATUS", "RUNNING"), ("JOB_NAME", "a"), ("JOB_STATUS", "FAILED"))
    assert refusal([], twice) == (
        "filters[2].name JOB_STATUS is given twice; give at most one filter of each name"
    )
    names_twice = request("r", ("JOB_NAME", "a"), ("JOB_NAME", "a"))
    assert refusal([], names_twice).startswith("filters[1].name JOB_NAME is given twice")


def test_results_are_newest_first_even_with_job_name() -> None:
    """CR-7: newest createdAt first, ties by jobId, and JOB_NAME does not group by name (unlike O-2)."""
    jobs = [
        job("b", 10, "r", jobName="beta"), job("a", 10, "r", jobName="alpha"),
        job("c", 30, "r", jobName="beta"), job("d", 20, "r", jobName="alpha"),
    ]
    assert names(listing(jobs, request("r"))) == ["c", "d", "a", "b"]
    assert names(listing(jobs, request("r", ("JOB_NAME", "*")))) == ["c", "d", "a", "b"]
    pages = traverse(jobs, request("r", ("JOB_NAME", "*")), [1])
    assert [name for page in pages for name in names(page)] == ["c", "d", "a", "b"]


def test_summaries_hold_the_model_members_in_order() -> None:
    """CR-8: the model's members in its order, read from the job's members; others dropped."""
    full = job(
        "j", 7, "other", ("r", 3), jobQueue="arn:aws:batch:eu-west-1:1:job-queue/q",
        jobDefinition="arn:aws:batch:us-east-1:1:job-definition/d:2", shareIdentifier="s",
        statusReason="why", startedAt=9, stoppedAt=11, jobId="j", container={"exitCode": 0}, version=2,
    )
    summary = listing([full], request("r"))["jobs"][0]
    assert summary == {
        "jobArn": JOB_ARN + "j",
        "jobQueueArn": "arn:aws:batch:eu-west-1:1:job-queue/q",
        "jobName": "job-j",
        "jobDefinitionArn": "arn:aws:batch:us-east-1:1:job-definition/d:2",
        "shareIdentifier": "s",
        "jobStatus": "RUNNING",
        "quantity": 3,
        "statusReason": "why",
        "startedAt": 9,
        "createdAt": 7,
        "consumableResourceProperties": {"consumableResourceList": [
            {"consumableResource": "other", "quantity": 1}, {"consumableResource": "r", "quantity": 3}]},
    }
    assert list(summary) == list(LIST_JOBS_BY_CONSUMABLE_RESOURCE.summary_members)
    summary["consumableResourceProperties"]["consumableResourceList"].clear()
    assert full["consumableResourceProperties"]["consumableResourceList"] != []
    minimal = listing([job("m", 1, "r")], request("r"))["jobs"][0]
    assert list(minimal) == [
        "jobArn", "jobQueueArn", "jobName", "jobStatus", "quantity", "createdAt",
        "consumableResourceProperties",
    ]


def test_a_queue_name_becomes_an_arn_in_the_jobs_partition_region_and_account() -> None:
    """CR-8: a queue named by name gets the ARN of that name beside the job's ARN."""
    china = job("j", 1, "r", jobArn="arn:aws-cn:batch:cn-north-1:999:job/j", jobQueue="gpu")
    arn = listing([china], request("r"))["jobs"][0]["jobQueueArn"]
    assert arn == "arn:aws-cn:batch:cn-north-1:999:job-queue/gpu"
    no_arn = job("k", 1, "r", jobArn="k", jobQueue="gpu")
    with pytest.raises(ServerException, match="by name"):
        listing([no_arn], request("r"))


def test_a_job_lacking_a_required_member_is_a_server_fault() -> None:
    """CR-8: a page job without jobArn, jobQueue, status or createdAt is a ServerException naming it."""
    for member in ("jobArn", "jobQueue", "status", "createdAt"):
        lacking = job("j", 1, "r")
        del lacking[member]
        with pytest.raises(ServerException, match=member):
            listing([lacking], request("r"))
    # A job that does not require the resource is never projected.
    lacking = job("j", 1, "other")
    del lacking["jobArn"]
    assert listing([lacking], request("r")) == {"jobs": []}


def test_tokens_are_bound_to_the_resource_and_the_filters() -> None:
    """CR-9: a token resumes its own query (a name and its ARN agree), and is refused by any other."""
    jobs = [job(str(number), number, "r", RESOURCE_ARN + "s") for number in range(4)]
    first = listing(jobs, request("r", maxResults=2))
    token = first["nextToken"]
    assert names(listing(jobs, request(RESOURCE_ARN + "r", nextToken=token))) == ["1", "0"]
    for other in (
        request("s", nextToken=token),
        request("r", ("JOB_STATUS", "RUNNING"), nextToken=token),
        request("r", ("JOB_NAME", "*"), nextToken=token),
    ):
        assert "nextToken" in refusal(jobs, other)
    by_arn = listing(jobs, request(RESOURCE_ARN + "r", maxResults=2))["nextToken"]
    assert "nextToken" in refusal(jobs, request(OTHER_RESOURCE_ARN + "r", nextToken=by_arn))
    assert names(listing(jobs, request("r", nextToken=by_arn))) == ["1", "0"]
    list_jobs_token = list_jobs(jobs, {"jobQueue": "gpu", "maxResults": 1})["nextToken"]
    assert "nextToken" in refusal(jobs, request("r", nextToken=list_jobs_token))
    with pytest.raises(ClientException, match="nextToken"):
        list_jobs(jobs, {"jobQueue": "gpu", "nextToken": token})
    assert LIST_JOBS.name != LIST_JOBS_BY_CONSUMABLE_RESOURCE.name
