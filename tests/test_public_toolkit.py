"""The test toolkit as a user's suite uses it, through the public API only: strategies
(``listjobs_core.strategies``), the pytest plugin's session fixtures, and status moves
(``listjobs_core.service.move_job``). Its centre is a fuzz of the reference against itself: the endpoint,
over HTTP, answers every drawn request page by page exactly as ``list_service_jobs`` answers over the
jobs it holds, also after jobs were moved to other statuses.

The fuzz runs ``EXAMPLES`` (1,000) examples in every run of the suite, each a job set of up to 10 jobs
traversed page by page: about 30 s of CPU, most of it Hypothesis drawing the cases, because the session's
endpoint starts once and is only emptied between examples.
"""

from __future__ import annotations

import contextlib
import http.client
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from listjobs_core import ClientException, list_service_jobs
from listjobs_core.service import STATUSES, local_queue, move_job
from listjobs_core.strategies import (
    adversarial_names,
    invalid_list_service_jobs_requests,
    page_sizes,
    service_jobs,
    service_jobs_and_requests,
)
from listjobs_core.testing import SharedEndpoint

EXAMPLES = 1000
LIST_PATH = "/v1/listservicejobs"
MOVED_AT = 1_700_000_000_000


@pytest.fixture(scope="module")
def connection(listjobs_endpoint_session: SharedEndpoint) -> Iterator[http.client.HTTPConnection]:
    """One keep-alive HTTP connection to the session's endpoint, for every example of the module."""
    address = urlsplit(listjobs_endpoint_session.url)
    connection = http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port, timeout=30)
    try:
        yield connection
    finally:
        connection.close()


def post(connection: http.client.HTTPConnection, request: object) -> tuple[int, Any]:
    """POST a ListServiceJobs request as raw JSON (requests an SDK would refuse to send included)."""
    connection.request(
        "POST", LIST_PATH, body=json.dumps(request), headers={"Content-Type": "application/json"}
    )
    answer = connection.getresponse()
    return answer.status, json.loads(answer.read())


def expected_page(endpoint: SharedEndpoint, request: dict[str, Any]) -> Any:
    """The pure function's answer over the jobs the endpoint holds, a queue name read as the endpoint's
    own queue (rule H-10), in the JSON the endpoint sends."""
    return json.loads(
        json.dumps(
            list_service_jobs(list(endpoint.store), local_queue(request, endpoint.region, endpoint.account))
        )
    )


def moved(endpoint: SharedEndpoint, moves: list[tuple[int, str]]) -> None:
    """Move some held jobs to other statuses, as a test would; a move the job's own timestamps make
    inconsistent is refused, and changes nothing."""
    job_ids = sorted(job["jobId"] for job in endpoint.store)
    for index, status in moves:
        if job_ids:
            with contextlib.suppress(ClientException):
                move_job(endpoint.store, job_ids[index % len(job_ids)], status, now_ms=MOVED_AT)


@settings(max_examples=EXAMPLES, deadline=None, database=None)
@given(
    case=service_jobs_and_requests(max_jobs=10),
    sizes=page_sizes,
    moves=st.lists(st.tuples(st.integers(0, 19), st.sampled_from(STATUSES)), max_size=3),
)
def test_the_endpoint_answers_every_page_as_the_reference(
    listjobs_endpoint_session: SharedEndpoint,
    connection: http.client.HTTPConnection,
    case: tuple[list[dict[str, Any]], dict[str, Any]],
    sizes: list[int],
    moves: list[tuple[int, str]],
) -> None:
    """1,000 drawn job sets and requests, each traversed page by page over HTTP after a few status moves:
    every page, token included, is the pure function's."""
    endpoint = listjobs_endpoint_session
    endpoint.reset()
    jobs, request = case
    endpoint.store.put_many(jobs)
    moved(endpoint, moves)
    token = None
    for page_number in range(50):
        page_request = {**request, "maxResults": sizes[min(page_number, len(sizes) - 1)]}
        if token is not None:
            page_request["nextToken"] = token
        status, page = post(connection, page_request)
        assert (status, page) == (200, expected_page(endpoint, page_request))
        token = page.get("nextToken")
        if token is None:
            break
    else:
        pytest.fail("the traversal did not end in 50 pages")


def holds_lone_surrogate(value: Any) -> bool:
    """Whether a JSON value holds a string (or an object key) that no UTF-8 body can carry."""
    if isinstance(value, str):
        return any(0xD800 <= ord(char) <= 0xDFFF for char in value)
    if isinstance(value, dict):
        return any(holds_lone_surrogate(key) or holds_lone_surrogate(item) for key, item in value.items())
    if isinstance(value, list):
        return any(holds_lone_surrogate(item) for item in value)
    return False


@settings(max_examples=50, deadline=None, database=None)
@given(data=st.data())
def test_invalid_requests_are_refused_as_the_reference_refuses_them(
    listjobs_endpoint_session: SharedEndpoint, connection: http.client.HTTPConnection, data: st.DataObject
) -> None:
    """A request with one member broken is a 400 ``ClientException`` with the pure function's message in
    the service's wording; one that is not broken after all is answered as the pure function answers."""
    endpoint = listjobs_endpoint_session
    endpoint.reset()
    jobs = data.draw(service_jobs(max_size=5))
    endpoint.store.put_many(jobs)
    request = data.draw(invalid_list_service_jobs_requests(jobs))
    status, answer = post(connection, request)
    if not isinstance(request, dict):
        # A body that is not a JSON object is refused by the endpoint before any listing (rule H-2).
        assert (status, answer["__type"]) == (400, "ClientException")
        return
    if holds_lone_surrogate(request):
        # H-2: a body whose strings hold a lone surrogate is refused by the endpoint before any listing,
        # naming where; the pure function, which takes Python strings, may refuse it for another reason.
        assert (status, answer["__type"]) == (400, "ClientException")
        assert "must be valid Unicode: it holds a lone surrogate" in answer["message"]
        return
    try:
        expected = expected_page(endpoint, request)
    except ClientException as error:
        # E-3: the endpoint words a refusal as the service does, around the reference's message.
        assert (status, answer["__type"]) == (400, "ClientException")
        assert answer["message"].startswith(
            f"Error executing request, Exception : {error.message}, RequestId: "
        )
        return
    assert (status, answer) == (200, expected)


@settings(max_examples=25, deadline=None, database=None)
@given(jobs=adversarial_names(max_size=60), size=st.integers(1, 7))
def test_case_variants_of_one_name_page_through_the_endpoint_without_loss(
    listjobs_endpoint_session: SharedEndpoint,
    connection: http.client.HTTPConnection,
    jobs: list[dict[str, Any]],
    size: int,
) -> None:
    """Many case variants of one name, filtered by that name: the pages together list each matching job
    once, as the pure function does."""
    endpoint = listjobs_endpoint_session
    endpoint.reset()
    endpoint.store.put_many(jobs)
    name = jobs[0]["jobName"]
    request: dict[str, Any] = {"filters": [{"name": "JOB_NAME", "values": [name]}], "maxResults": size}
    listed: list[str] = []
    while True:
        status, page = post(connection, request)
        assert (status, page) == (200, expected_page(endpoint, request))
        listed += [summary["jobId"] for summary in page["jobSummaryList"]]
        if "nextToken" not in page:
            break
        request["nextToken"] = page["nextToken"]
    assert len(listed) == len(set(listed))
    everything = list_service_jobs(list(endpoint.store), {**request, "maxResults": 100, "nextToken": None})
    assert listed[:100] == [summary["jobId"] for summary in everything["jobSummaryList"]]
