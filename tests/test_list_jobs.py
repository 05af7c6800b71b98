"""ListJobs: traversals agree with the ListJobs oracle, and each LJ rule holds on its own cases."""

from __future__ import annotations

import copy
import json
from typing import Any

import oracle_list_jobs as oracle
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import (
    DEFINITION_ARN,
    NASTY_STRINGS,
    PARENTS,
    SOURCES,
    fuzz_requests,
    jobs_and_list_jobs_queries,
    json_like,
    list_jobs_jobs,
    list_jobs_page_sizes,
    list_jobs_queries,
)
from traversals import listed, traverse

from listjobs_core import (
    LIST_JOBS,
    LIST_SERVICE_JOBS,
    ClientException,
    list_jobs,
    list_service_jobs,
)
from listjobs_core._definitions import matches_job_definition
from listjobs_core._listing import run_listing

MAX_PAGES = 3000

# --- Helpers -------------------------------------------------------------------------------------------


def ids(response: dict[str, Any]) -> list[str]:
    """The job ids of one response, in order."""
    return [summary["jobId"] for summary in response["jobSummaryList"]]


def refusal(jobs: list[dict[str, Any]], request: Any) -> str:
    """The message of the ClientException ``request`` must raise."""
    with pytest.raises(ClientException) as caught:
        list_jobs(jobs, request)
    assert caught.value.status_code == 400 and caught.value.error_type == "ClientException"
    return caught.value.message


def arn(name: str, revision: int) -> str:
    """The ARN of a job definition revision."""
    return f"{DEFINITION_ARN}{name}:{revision}"


def job(job_id: str, **members: Any) -> dict[str, Any]:
    """A RUNNING job named after its id, created at 1000, with ``members`` on top."""
    return {"jobId": job_id, "jobName": job_id, "status": "RUNNING", "createdAt": 1000, **members}


def by_definition(value: str, **request: Any) -> dict[str, Any]:
    """A queue request with one JOB_DEFINITION filter."""
    return {"jobQueue": "q", "filters": [{"name": "JOB_DEFINITION", "values": [value]}], **request}


DEFINED_JOBS = [
    job("a", jobDefinition=arn("jd1", 1), createdAt=1),
    job("b", jobDefinition=arn("jd1", 2), createdAt=2, status="SUCCEEDED"),
    job("c", jobDefinition=arn("jd1A", 1), createdAt=3),
    job("d", jobDefinition=arn("JD1", 1), createdAt=4),
    job("e", jobDefinition=arn("jd", 7), createdAt=5),
    job("f", createdAt=6),
    job("g", jobDefinition="jd1:3", createdAt=7),
]

# --- Properties against the oracle ---------------------------------------------------------------------


@given(jobs_and_list_jobs_queries(), list_jobs_page_sizes)
def test_pages_concatenate_to_the_selection(jobs_query: Any, sizes: list[int]) -> None:
    """LJ-1/P-3: whatever maxResults each request uses, the pages concatenate to the oracle's selection."""
    jobs, query = jobs_query
    responses = traverse(list_jobs, jobs, query, sizes, max_pages=MAX_PAGES)
    assert listed(responses) == oracle.expected_selection(jobs, query)


@given(jobs_and_list_jobs_queries(), list_jobs_page_sizes)
def test_pages_before_the_last_are_full_at_the_cut_size(jobs_query: Any, sizes: list[int]) -> None:
    """LJ-4/P-2: a page holds maxResults cut to the limit; only the last is short and has no nextToken."""
    jobs, query = jobs_query
    responses = traverse(list_jobs, jobs, query, sizes, max_pages=MAX_PAGES)
    for number, response in enumerate(responses):
        size = oracle.page_size({**query, "maxResults": sizes[min(number, len(sizes) - 1)]})
        assert set(response) <= {"jobSummaryList", "nextToken"}
        if number < len(responses) - 1:
            assert len(response["jobSummaryList"]) == size and isinstance(response["nextToken"], str)
        else:
            assert len(response["jobSummaryList"]) <= size and "nextToken" not in response


@given(jobs_and_list_jobs_queries())
def test_jobs_are_never_changed_and_responses_are_json(jobs_query: Any) -> None:
    """IN-1/W-1/W-3: listing leaves the jobs as they were, and the response survives a JSON round trip."""
    jobs, query = jobs_query
    before = copy.deepcopy(jobs)
    response = list_jobs(jobs, query)
    assert jobs == before
    assert json.loads(json.dumps(response)) == response


@st.composite
def near_valid_list_jobs_requests(draw: st.DrawFn, jobs: list[dict[str, Any]]) -> Any:
    """A valid first-page request, or one with exactly one thing made invalid."""
    request = draw(list_jobs_queries(jobs))
    if draw(st.booleans()):
        request["maxResults"] = draw(st.one_of(st.none(), st.integers(1, 5000)))
    broken = draw(st.sampled_from((None, None, "request", "source", "member", "filters", "definition")))
    if broken == "request":
        return draw(st.sampled_from((None, [], "jobQueue=q1", 5, True)))
    if broken == "source":
        for member in SOURCES:
            request.pop(member, None)
        request.update(draw(st.sampled_from((
            {}, {"jobQueue": "q1", "arrayJobId": "p1"}, {"arrayJobId": "p1", "multiNodeJobId": "p1"},
            {"jobQueue": "q1", "arrayJobId": "p1", "multiNodeJobId": "p2"}, {"arrayJobId": ""},
            {"multiNodeJobId": 5}, {"arrayJobId": ["p1"]}, {"jobQueue": ""},
        ))))
    elif broken == "member":
        member = draw(st.sampled_from(("jobStatus", "maxResults", "nextToken")))
        request[member] = draw(st.sampled_from({
            "jobStatus": ("SCHEDULED", "running", "", 1),
            "maxResults": (0, -1, True, 1.0, "5"),
            "nextToken": ("", "AAAA", 5, "x" * 2000),
        }[member]))
    elif broken == "filters":
        request["filters"] = draw(st.sampled_from((
            [{"name": "QUOTA_SHARE_NAME", "values": ["s1"]}],
            [{"name": "JOB_NAME", "values": ["a"]}, {"name": "JOB_DEFINITION", "values": ["jd1"]}],
            [{"name": "JOB_DEFINITION", "values": ["jd1", "jd2"]}],
            [{"name": "job_definition", "values": ["x"]}],
            [{"name": "AFTER_CREATED_AT", "values": ["-1"]}], {}, 5,
        )))
    elif broken == "definition":
        request["filters"] = [{"name": "JOB_DEFINITION", "values": [draw(st.sampled_from((
            "", arn("jd1", 1) + "*", DEFINITION_ARN + "jd1*", "arn:aws:batch:us-east-1:1:job-queue/q",
            DEFINITION_ARN + "jd1", "arn:", "arn:*",
        )))]}]
    return request


@given(st.data())
def test_refusals_are_exactly_the_invalid_requests(data: st.DataObject) -> None:
    """LJ-2..LJ-5, LJ-10: a request is refused exactly when the oracle finds it invalid, naming the member."""
    jobs = data.draw(list_jobs_jobs(max_size=6))
    request = data.draw(near_valid_list_jobs_requests(jobs))
    expected = oracle.expected_error(request)
    try:
        response = list_jobs(jobs, request)
    except ClientException as error:
        assert expected is not None, error.message
        words = {"request": ("request",), "name": ("name",), "values": ("value",), "filters": ("filter",)}
        assert any(word in error.message for word in words.get(expected, (expected,))), error.message
    else:
        assert expected is None, expected
        expected_page = oracle.expected_selection(jobs, request)[: oracle.page_size(request)]
        assert response["jobSummaryList"] == expected_page


@given(st.one_of(
    fuzz_requests,
    st.fixed_dictionaries({}, optional={
        "jobQueue": st.sampled_from(("q1", *NASTY_STRINGS)),
        "arrayJobId": st.one_of(st.sampled_from(PARENTS), st.sampled_from(NASTY_STRINGS), json_like),
        "multiNodeJobId": st.one_of(st.sampled_from(PARENTS), json_like),
        "filters": st.lists(st.fixed_dictionaries({
            "name": st.sampled_from(oracle.FILTER_NAMES),
            "values": st.lists(st.one_of(st.sampled_from(NASTY_STRINGS), json_like), max_size=2),
        }), max_size=2),
        "maxResults": st.one_of(st.integers(-2, 2000), json_like),
    }),
))
def test_any_request_is_answered_or_refused(request: Any) -> None:
    """V-12: any request, however odd, gets a ListJobsResponse or a ClientException, and is never changed."""
    jobs = [job("p1"), job("p1:0"), job("p1#0"), job("x", jobDefinition=arn("jd1", 1))]
    before = copy.deepcopy(request)
    try:
        response = list_jobs(jobs, request)
    except ClientException as error:
        assert error.status_code == 400 and error.message
    else:
        assert type(response) is dict and type(response["jobSummaryList"]) is list
    assert request == before


# --- LJ-1: one engine, two tables ----------------------------------------------------------------------


def test_list_jobs_is_the_shared_engine_on_the_list_jobs_table() -> None:
    """LJ-1: list_jobs answers what the one engine answers for the LIST_JOBS table."""
    request = {"jobQueue": "q", "maxResults": 2}
    assert list_jobs(DEFINED_JOBS, request) == run_listing(LIST_JOBS, DEFINED_JOBS, request)
    assert LIST_JOBS.name == "ListJobs" and LIST_SERVICE_JOBS.name == "ListServiceJobs"


# --- LJ-2, LJ-3: statuses and filter names --------------------------------------------------------------


def test_scheduled_is_not_a_list_jobs_status() -> None:
    """LJ-2: JobStatus has no SCHEDULED, so ListJobs refuses it (ListServiceJobs accepts it)."""
    assert "jobStatus" in refusal([], {"jobQueue": "q", "jobStatus": "SCHEDULED"})
    assert list_service_jobs([], {"jobStatus": "SCHEDULED"}) == {"jobSummaryList": []}


def test_quota_share_name_is_not_a_list_jobs_filter() -> None:
    """LJ-3: QUOTA_SHARE_NAME belongs to ListServiceJobs only."""
    request = {"jobQueue": "q", "filters": [{"name": "QUOTA_SHARE_NAME", "values": ["s"]}]}
    assert "filters[0].name" in refusal([], request)


def test_only_share_identifier_combines_with_job_status() -> None:
    """LJ-3: SHARE_IDENTIFIER keeps jobStatus; JOB_DEFINITION and JOB_NAME ignore it."""
    jobs = [job("a", shareIdentifier="s", jobDefinition=arn("jd1", 1)),
            job("b", shareIdentifier="s", status="FAILED", jobDefinition=arn("jd1", 1))]
    share_filter = {"name": "SHARE_IDENTIFIER", "values": ["s"]}
    share = {"jobQueue": "q", "jobStatus": "FAILED", "filters": [share_filter]}
    assert ids(list_jobs(jobs, share)) == ["b"]
    assert ids(list_jobs(jobs, by_definition("jd1", jobStatus="FAILED"))) == ["a", "b"]


# --- LJ-4: page sizes ----------------------------------------------------------------------------------

MANY_JOBS = [job(f"j{n:04d}", createdAt=n, jobDefinition=arn("jd1", 1)) for n in range(1500)]


@pytest.mark.parametrize(
    ("request_members", "page"),
    [
        ({}, 1000),
        ({"maxResults": 1000}, 1000),
        ({"maxResults": 5000}, 1000),
        ({"maxResults": 2**70}, 1000),
        ({"maxResults": 7}, 7),
        ({"filters": [{"name": "JOB_DEFINITION", "values": ["jd1"]}]}, 100),
        ({"filters": [{"name": "JOB_NAME", "values": ["j*"]}], "maxResults": 500}, 100),
        ({"filters": [{"name": "AFTER_CREATED_AT", "values": ["0"]}], "maxResults": 30}, 30),
    ],
)
def test_page_size_is_max_results_cut_to_the_limit(request_members: dict[str, Any], page: int) -> None:
    """LJ-4: at most 1000 without a filter, 100 with one; absent is the limit; more is cut, not refused."""
    response = list_jobs(MANY_JOBS, {"jobQueue": "q", "jobStatus": "RUNNING", **request_members})
    assert len(response["jobSummaryList"]) == page and "nextToken" in response


@pytest.mark.parametrize("bad", [0, -1, True, 1.5, "10", [10]])
def test_max_results_below_one_or_not_an_integer_is_refused(bad: Any) -> None:
    """LJ-4: "The minimum value is 1"; a non-integer is refused as V-4 says."""
    assert "maxResults" in refusal([], {"jobQueue": "q", "maxResults": bad})


def test_child_listings_ignore_a_filter_so_use_the_unfiltered_limit() -> None:
    """LJ-4/LJ-8: a child listing with a filter pages up to 1000, as without one."""
    children = [job(f"p:{n}", createdAt=n) for n in range(1200)]
    request = {"arrayJobId": "p", "filters": [{"name": "JOB_NAME", "values": ["nothing"]}]}
    assert len(list_jobs(children, request)["jobSummaryList"]) == 1000


# --- LJ-5: exactly one source ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_members", "got"),
    [
        ({}, "got none"),
        ({"jobQueue": None, "arrayJobId": None}, "got none"),
        ({"jobQueue": "q", "arrayJobId": "p"}, "got jobQueue and arrayJobId"),
        ({"arrayJobId": "p", "multiNodeJobId": "p"}, "got arrayJobId and multiNodeJobId"),
        ({"jobQueue": "q", "arrayJobId": "p", "multiNodeJobId": "p"},
         "got jobQueue and arrayJobId and multiNodeJobId"),
    ],
)
def test_exactly_one_of_queue_array_and_multi_node_job(request_members: dict[str, Any], got: str) -> None:
    """LJ-5: "You must specify only one of" jobQueue, arrayJobId, multiNodeJobId; the message names them."""
    message = refusal([], request_members)
    assert message.startswith("Exactly one of jobQueue, arrayJobId, multiNodeJobId must be specified")
    assert message.endswith(got)


@pytest.mark.parametrize("member", ["arrayJobId", "multiNodeJobId"])
@pytest.mark.parametrize("bad", ["", 5, ["p"], {"jobId": "p"}, True])
def test_parent_members_are_non_empty_strings(member: str, bad: Any) -> None:
    """LJ-5: arrayJobId and multiNodeJobId, when present, are non-empty strings."""
    assert member in refusal([], {member: bad})


# --- LJ-6, LJ-7, LJ-8: children ----------------------------------------------------------------------------

FAMILY = [
    job("p", status="PENDING", createdAt=1, arrayProperties={"size": 3}),
    job("p:0", createdAt=2, arrayProperties={"index": 0}),
    job("p:1", createdAt=3, arrayProperties={"index": 1}),
    job("p:2", status="SUCCEEDED", createdAt=3, arrayProperties={"index": 2}),
    job("m", createdAt=4, nodeProperties={"numNodes": 2}),
    job("m#0", createdAt=5, nodeProperties={"nodeIndex": 0, "isMainNode": True}),
    job("m#1", createdAt=5, nodeProperties={"nodeIndex": 1, "isMainNode": False}),
    job("p:x", createdAt=6),
    job("p:0:1", createdAt=7),
    job("lone", createdAt=8),
]


def test_array_job_id_lists_its_children_by_status_newest_first() -> None:
    """LJ-6: arrayJobId P lists the jobs P:<index>, RUNNING by default, newest first then jobId."""
    assert ids(list_jobs(FAMILY, {"arrayJobId": "p"})) == ["p:1", "p:0"]
    assert ids(list_jobs(FAMILY, {"arrayJobId": "p", "jobStatus": "SUCCEEDED"})) == ["p:2"]
    assert ids(list_jobs(FAMILY, {"arrayJobId": "p:0"})) == ["p:0:1"]


def test_multi_node_job_id_lists_its_nodes_and_not_array_children() -> None:
    """LJ-6: multiNodeJobId P lists the jobs P#<node>; arrayJobId of an MNP job lists nothing."""
    response = list_jobs(FAMILY, {"multiNodeJobId": "m"})
    assert ids(response) == ["m#0", "m#1"]
    assert response["jobSummaryList"][0]["nodeProperties"] == {"nodeIndex": 0, "isMainNode": True}
    assert ids(list_jobs(FAMILY, {"arrayJobId": "m"})) == []
    assert ids(list_jobs(FAMILY, {"multiNodeJobId": "p"})) == []


def test_queue_listings_list_no_child() -> None:
    """LJ-7: a queue listing holds parents and other jobs, never an array child or an MNP node."""
    everything = {"jobQueue": "q", "filters": [{"name": "JOB_NAME", "values": ["*"]}]}
    assert sorted(ids(list_jobs(FAMILY, everything))) == ["lone", "m", "p", "p:x"]
    assert ids(list_jobs(FAMILY, {"jobQueue": "q", "jobStatus": "PENDING"})) == ["p"]


def test_filters_are_validated_then_ignored_for_children() -> None:
    """LJ-8: "The filter doesn't apply to child jobs": a valid filter changes nothing, a bad one is refused"""
    plain = list_jobs(FAMILY, {"arrayJobId": "p"})
    for value in ("nothing", "p:1", "*"):
        request = {"arrayJobId": "p", "filters": [{"name": "JOB_NAME", "values": [value]}]}
        assert list_jobs(FAMILY, request) == plain
    two = [{"name": "JOB_NAME", "values": ["a"]}, {"name": "JOB_NAME", "values": ["b"]}]
    message = refusal(FAMILY, {"arrayJobId": "p", "filters": two})
    assert message == "Only one filter key-value pair can be specified."


def test_child_listings_page_and_bind_tokens_to_the_parent() -> None:
    """LJ-13/T-3: a child listing pages, and its token is refused by another parent or the other member."""
    children = [job(f"p:{n}", createdAt=n) for n in range(5)] + [job(f"p#{n}", createdAt=n) for n in range(5)]
    first = list_jobs(children, {"arrayJobId": "p", "maxResults": 2})
    assert ids(first) == ["p:4", "p:3"]
    token = first["nextToken"]
    second = list_jobs(children, {"arrayJobId": "p", "maxResults": 2, "nextToken": token})
    assert ids(second) == ["p:2", "p:1"]
    for other in ({"arrayJobId": "q"}, {"multiNodeJobId": "p"}, {"jobQueue": "p"}):
        assert "nextToken" in refusal(children, {**other, "nextToken": token})


def test_tokens_of_one_operation_are_refused_by_the_other() -> None:
    """LJ-13/T-3: a ListServiceJobs token is no ListJobs token, and the other way round."""
    jobs = [job(f"j{n}", createdAt=n) for n in range(3)]
    service_token = list_service_jobs(jobs, {"jobQueue": "q", "maxResults": 1})["nextToken"]
    assert "nextToken" in refusal(jobs, {"jobQueue": "q", "nextToken": service_token})
    jobs_token = list_jobs(jobs, {"jobQueue": "q", "maxResults": 1})["nextToken"]
    with pytest.raises(ClientException):
        list_service_jobs(jobs, {"jobQueue": "q", "nextToken": jobs_token})


# --- LJ-9, LJ-10, LJ-11: JOB_DEFINITION ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("jd1", ["g", "b", "a"]),  # every revision, any status; a bare "jd1:3" names jd1 (LJ-11)
        ("jd1*", ["g", "c", "b", "a"]),  # model: "jd1* matches both jd1 and jd1A"
        ("jd*", ["g", "e", "c", "b", "a"]),
        ("JD1", ["d"]),  # case-sensitive
        ("jd1A", ["c"]),
        ("*", ["g", "e", "d", "c", "b", "a"]),  # every job with a jobDefinition
        (arn("jd1", 2), ["b"]),  # that revision only
        (arn("jd1", 3), []),
        ("jd", ["e"]),
        ("jd1:3", []),  # a value without "arn:" is a name, and no name holds ':'
        ("nothing", []),
    ],
)
def test_job_definition_matches_names_prefixes_and_revisions(value: str, expected: list[str]) -> None:
    """LJ-9/LJ-11: a name is every revision, a final '*' a prefix, an ARN one revision; case-sensitive."""
    assert ids(list_jobs(DEFINED_JOBS, by_definition(value))) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (arn("jd1", 1) + "*", "asterisk"),
        (DEFINITION_ARN + "jd1*", "asterisk"),
        ("arn:*", "asterisk"),
        (DEFINITION_ARN + "jd1", "form"),
        ("arn:aws:batch:us-east-1:123456789012:job-queue/q", "form"),
        ("arn:aws:batch:us-east-1:123456789012:job-definition/jd1:one", "form"),
        ("", "empty"),
    ],
)
def test_bad_job_definition_values_are_refused(value: str, reason: str) -> None:
    """LJ-10: "Asterisk (*) isn't supported when the ARN is used"; an ARN names a revision; not empty."""
    message = refusal(DEFINED_JOBS, by_definition(value))
    assert "JOB_DEFINITION" in message and reason in message


def test_job_definition_filter_takes_one_value() -> None:
    """LJ-10/V-8: a JOB_DEFINITION filter with two values gets the service's message."""
    request = {"jobQueue": "q", "filters": [{"name": "JOB_DEFINITION", "values": ["jd1", "jd2"]}]}
    assert refusal(DEFINED_JOBS, request) == "Filter cannot take more than one value."


def test_matches_job_definition_agrees_with_the_listing() -> None:
    """LJ-9: the exported predicate is the rule the listing applies."""
    for value in ("jd1", "jd1*", "JD1", "*", arn("jd1", 2), "jd"):
        matching = [j["jobId"] for j in DEFINED_JOBS
                    if "jobDefinition" in j and matches_job_definition(j["jobDefinition"], value)]
        assert sorted(matching) == sorted(ids(list_jobs(DEFINED_JOBS, by_definition(value))))


def test_a_job_definition_of_the_wrong_type_is_a_server_fault() -> None:
    """E-2: a job whose jobDefinition is not a string is the server's fault, not the client's."""
    from listjobs_core import ServerException

    with pytest.raises(ServerException):
        list_jobs([job("a", jobDefinition=5)], by_definition("jd1"))


# --- LJ-12: the summary -------------------------------------------------------------------------------


def test_summaries_hold_only_job_summary_members() -> None:
    """LJ-12: JobSummary members pass, in model order; other members, jobQueue and version are dropped."""
    full = job(
        "a", jobArn="arn:aws:batch:us-east-1:1:job/a",
        capacityUsage=[{"capacityUnit": "GPU", "quantity": 1.0}], scheduledAt=1, shareIdentifier="s",
        statusReason="r", startedAt=2, stoppedAt=3,
        container={"exitCode": 0}, arrayProperties={"size": 2}, nodeProperties={"numNodes": 2},
        jobDefinition=arn("jd1", 1), latestAttempt={"x": 1}, serviceJobType="SAGEMAKER_TRAINING",
        quotaShareName="qs", jobQueue="q", version=2, tags={"k": "v"}, isCancelled=True, isTerminated=True,
    )
    (summary,) = list_jobs([full], {"jobQueue": "q"})["jobSummaryList"]
    assert list(summary) == [member for member in oracle.SUMMARY_MEMBERS if member in full]
    assert set(summary) == set(oracle.SUMMARY_MEMBERS)
