"""Hostile data at the endpoint: strings that are not valid Unicode, malformed and oversized jobs, too many
jobs. Every one is refused with a ClientException naming the member (or, in a jobs file, an exit status 2
naming the file and the job), and nothing the endpoint stores can ever fail to encode (rule H-18).
"""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import hostile_jobs, json_like
from wire import SUBMIT, TIMEOUT_SECONDS, address, assert_error, raw, run_command, serve_process

from listjobs_core import ClientException
from listjobs_core.endpoint._protocol import encode_answer
from listjobs_core.endpoint._service import Limits, ReferenceService
from listjobs_core.testing import serving

SUBMIT_BODY = json.dumps(SUBMIT)


@pytest.fixture(scope="module")
def fuzz_endpoint() -> Iterator[str]:
    """One endpoint for the module's fuzzing, whose log must never hold a fault."""
    faults: list[logging.LogRecord] = []
    handler = logging.Handler(logging.ERROR)
    handler.emit = faults.append  # type: ignore[method-assign]
    logger = logging.getLogger("listjobs_core.endpoint")
    logger.addHandler(handler)
    try:
        with serving([{"jobId": "j-1", "jobName": "n", "status": "RUNNING", "createdAt": 1}]) as url:
            yield url
    finally:
        logger.removeHandler(handler)
    assert faults == [], [record.getMessage() for record in faults]


def submit_with(member_json: str) -> bytes:
    """A SubmitServiceJob body with one more member, written as raw JSON text (escapes kept as written)."""
    return (SUBMIT_BODY[:-1] + ", " + member_json + "}").encode("ascii")


# --- lone surrogates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "named"),
    [
        ("/v1/submitservicejob", submit_with('"shareIdentifier": "\\ud800"'), "shareIdentifier"),
        ("/v1/submitservicejob", submit_with('"quotaShareName": "a\\udfff"'), "quotaShareName"),
        ("/v1/submitservicejob", submit_with('"tags": {"team": "\\udc80"}'), "tags.team"),
        ("/v1/submitservicejob", submit_with('"tags": {"\\udc80": "x"}'), "a member name in tags"),
        ("/v1/submitservicejob", submit_with('"clientToken": "\\ud800"'), "clientToken"),
        (
            "/v1/submitservicejob",
            submit_with(
                '"retryStrategy": {"attempts": 1, "evaluateOnExit": [{"onStatusReason": "\\udbff"}]}'
            ),
            "retryStrategy.evaluateOnExit[0].onStatusReason",
        ),
        ("/v1/submitservicejob", SUBMIT_BODY.replace('"{', '"\\udc80{').encode(), "serviceRequestPayload"),
        ("/v1/terminateservicejob", b'{"jobId": "j-1", "reason": "\\ud800"}', "reason"),
        ("/v1/terminateservicejobs", b'{"jobs": ["\\ud800"], "reason": "r"}', "jobs[0]"),
        ("/v1/updateservicejob", b'{"jobId": "\\udc80", "schedulingPriority": 1}', "jobId"),
        ("/v1/describeservicejob", b'{"jobId": "j\\ud800"}', "jobId"),
        ("/v1/listservicejobs", b'{"filters": [{"name": "JOB_NAME", "values": ["\\ud800"]}]}', "values[0]"),
        ("/v1/listjobs", b'{"jobQueue": "\\udc80"}', "jobQueue"),
    ],
)
def test_a_lone_surrogate_anywhere_in_a_request_is_refused_naming_where(
    path: str, body: bytes, named: str
) -> None:
    """H-2: a JSON string escape that is a lone surrogate is a 400 ClientException naming where it is, so
    it is never stored; the listing keeps answering afterwards."""
    jobs = [{"jobId": "j-1", "jobName": "n", "status": "RUNNING", "createdAt": 1}]
    with serving(jobs) as url:
        status, headers, answer = raw(url, "POST", path, body)
        assert_error(status, headers, answer, 400, "ClientException")
        assert f"{named} must be valid Unicode" in answer["message"]
        assert raw(url, "POST", "/v1/listservicejobs", b"{}")[2]["jobSummaryList"][0]["jobId"] == "j-1"
        assert raw(url, "POST", "/v1/describeservicejob", b'{"jobId": "j-1"}')[0] == 200


@pytest.mark.parametrize(
    ("member", "value", "named"),
    [
        ("shareIdentifier", "\ud800", "shareIdentifier"),
        ("tags", {"k": "\udc80"}, "tags['k']"),
        ("jobQueue", "arn:aws:batch:\ud800:1:job-queue/q", "jobQueue"),
        ("serviceRequestPayload", "\udfff", "serviceRequestPayload"),
    ],
)
def test_the_service_refuses_lone_surrogates_from_python_callers(member: str, value: Any, named: str) -> None:
    """The same rule holds without HTTP: ReferenceService refuses a string that is not valid Unicode with
    a ClientException naming the member, and stores nothing."""
    service = ReferenceService()
    with pytest.raises(ClientException, match="valid Unicode") as raised:
        service.submit_service_job({**SUBMIT, member: value})
    assert named in raised.value.message
    assert len(service) == 0


def test_a_terminate_reason_that_is_not_unicode_changes_nothing() -> None:
    """TerminateServiceJob with a lone surrogate in its reason is refused; the job stays as it was."""
    service = ReferenceService()
    job_id = service.submit_service_job(SUBMIT)["jobId"]
    with pytest.raises(ClientException, match="reason must be valid Unicode"):
        service.terminate_service_job({"jobId": job_id, "reason": "\ud800"})
    assert service.describe_service_job({"jobId": job_id})["status"] == "SUBMITTED"


# --- the encoder never fails on what is stored --------------------------------------------------------


@given(hostile_jobs())
def test_whatever_the_endpoint_stores_encodes(job: dict[str, Any]) -> None:
    """H-18: a job the endpoint accepts (from a jobs file or a Python caller) is described and listed in
    responses that always encode as JSON; any other job is refused with ValueError or TypeError."""
    service = ReferenceService()
    try:
        service.load_service_jobs([job])
    except (ValueError, TypeError):
        assert len(service) == 0
        return
    described = encode_answer(service.describe_service_job({"jobId": job["jobId"]}))
    listed = encode_answer(service.list_service_jobs({"filters": [{"name": "JOB_NAME", "values": ["*"]}]}))
    assert json.loads(described)["jobId"] == job["jobId"]
    assert [summary["jobId"] for summary in json.loads(listed)["jobSummaryList"]] == [job["jobId"]]


# --- the one job validator, in jobs files ------------------------------------------------------------------


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


BAD_JOBS = [
    ('"capacityUsage": "x"', "member 'capacityUsage' must be an array, got a string"),
    ('"latestAttempt": 5', "member 'latestAttempt' must be an object, got an integer"),
    (f'"container": {nested(600)}', "member 'container' must be an object"),
    (f'"custom": {nested(600)}', "member 'custom' must not nest more than 32 levels deep"),
    ('"jobName": "\\udc80"', "member 'jobName' must be valid Unicode"),
    ('"statusReason": "\\ud800"', "member 'statusReason' must be valid Unicode"),
]


@pytest.mark.parametrize(("member_json", "expected"), BAD_JOBS)
@pytest.mark.parametrize("option", ["--jobs", "--batch-jobs"])
def test_a_bad_job_in_a_file_stops_query_and_serve_naming_file_and_line(
    tmp_path: Path, member_json: str, expected: str, option: str
) -> None:
    """The loader applies the job validator to every job of a file: `query` and `serve` exit 2 with the
    file, the line and the member, and no traceback."""
    path = tmp_path / "jobs.jsonl"
    good = '{"jobId": "a", "jobName": "n", "status": "RUNNING"}'
    path.write_text(good + "\n" + '{"jobId": "b", "jobName": "n", ' + member_json + "}\n", encoding="ascii")
    operation = "ListJobs" if option == "--batch-jobs" else "ListServiceJobs"
    for command in (
        ["query", "--operation", operation, option, str(path), "{}"],
        ["serve", option, str(path)],
    ):
        result = run_command(*command)
        stderr = result.stderr.decode()
        assert result.returncode == 2, stderr
        assert f"{path}: line 2: {expected}" in stderr
        assert "Traceback" not in stderr and result.stdout == b""


# --- limits (rule H-16) -------------------------------------------------------------------------------------


def test_a_submit_beyond_max_jobs_is_refused() -> None:
    """With --max-jobs 3 and two jobs loaded, one submit is accepted and the next refused, in the service's
    words; the refused one is not stored."""
    jobs = [{"jobId": f"j-{n}", "jobName": "n"} for n in range(2)]
    service = ReferenceService(limits=Limits(max_jobs=3))
    service.load_service_jobs(jobs)
    service.submit_service_job(SUBMIT)
    with pytest.raises(ClientException) as raised:
        service.submit_service_job(SUBMIT)
    assert raised.value.message == "Maximum number of jobs reached: this endpoint holds at most 3 jobs"
    assert len(service) == 3


def test_loading_more_than_max_jobs_fails_before_serving(tmp_path: Path) -> None:
    """`serve --max-jobs 10` with the 300 demo jobs exits 2 naming the count; ReferenceService refuses
    the load with ValueError and holds nothing."""
    result = run_command("serve", "--port", "0", "--max-jobs", "10")
    assert result.returncode == 2 and b"at most 10" in result.stderr and b"Traceback" not in result.stderr
    service = ReferenceService(limits=Limits(max_jobs=1))
    with pytest.raises(ValueError, match="at most 1"):
        service.load_service_jobs([{"jobId": "a", "jobName": "n"}, {"jobId": "b", "jobName": "n"}])
    assert len(service) == 0


def test_loading_jobs_again_counts_each_job_once() -> None:
    """H-16: jobs already held (serve --db restarting with the file it loaded before) are not put again and
    jobs repeated within a file count once against --max-jobs; a new one beyond it is still refused."""
    jobs = [{"jobId": "a", "jobName": "n"}, {"jobId": "b", "jobName": "n"}]
    service = ReferenceService(limits=Limits(max_jobs=2))
    service.load_service_jobs(jobs)
    service.load_service_jobs([*jobs, jobs[0]])
    assert len(service) == 2
    with pytest.raises(ValueError, match="3 jobs are more than the endpoint holds, at most 2"):
        service.load_service_jobs([*jobs, {"jobId": "c", "jobName": "n"}])
    assert len(service) == 2


def test_a_jobs_file_never_overwrites_a_held_job() -> None:
    """H-19: loading a file again (as serve --db does at every start) puts only the jobs whose jobId is not
    held; a job terminated or updated through the service keeps its change."""
    jobs = [{"jobId": f"a{n}", "jobName": "n", "status": "RUNNING", "createdAt": n} for n in range(3)]
    service = ReferenceService()
    service.load_service_jobs(jobs[:2])
    service.terminate_service_job({"jobId": "a0", "reason": "done"})
    service.update_service_job({"jobId": "a1", "schedulingPriority": 77})
    before = {job_id: service.describe_service_job({"jobId": job_id}) for job_id in ("a0", "a1")}
    service.load_service_jobs(jobs)
    assert {job_id: service.describe_service_job({"jobId": job_id}) for job_id in ("a0", "a1")} == before
    assert before["a0"]["status"] == "FAILED" and before["a1"]["schedulingPriority"] == 77
    assert service.describe_service_job({"jobId": "a2"})["status"] == "RUNNING" and len(service) == 3


def test_a_job_over_the_size_limit_is_refused_in_aws_words() -> None:
    """A submit whose job is 30 KiB or more is refused with AWS's message (H-16); below it is accepted."""
    with serving() as url:
        status, headers, body = raw(
            url,
            "POST",
            "/v1/submitservicejob",
            submit_with('"quotaShareName": "q"').replace(
                b'{\\"TrainingJobName\\": \\"train-1\\"}', b"x" * 40_000
            ),
        )
        assert_error(status, headers, body, 400, "ClientException")
        assert "Job size must be less than 30 KiB, got 40 KiB" in body["message"]
        small = raw(
            url,
            "POST",
            "/v1/submitservicejob",
            SUBMIT_BODY.replace("train-1\\", "x" * 20_000 + "\\").encode(),
        )
        assert small[0] == 200


def test_a_terminate_reason_that_would_make_the_job_too_large_is_refused() -> None:
    """The limit holds for every change: a reason that makes the job too large is refused, in
    TerminateServiceJob and per job in TerminateServiceJobs, and the job is left as it was."""
    service = ReferenceService(limits=Limits(max_job_bytes=2048))
    job_id = service.submit_service_job(SUBMIT)["jobId"]
    with pytest.raises(ClientException, match="Job size must be less than 2 KiB, got 3 KiB"):
        service.terminate_service_job({"jobId": job_id, "reason": "r" * 2500})
    answer = service.terminate_service_jobs({"jobs": [job_id], "reason": "r" * 2500})
    assert answer["successful"] == [] and answer["errors"][0]["code"] == "ClientException"
    assert service.describe_service_job({"jobId": job_id})["status"] == "SUBMITTED"


def test_a_file_job_over_the_size_limit_stops_serve(tmp_path: Path) -> None:
    """A job of a jobs file is held to the same limit: `serve --max-job-bytes 1024` exits 2 naming it."""
    path = tmp_path / "jobs.json"
    path.write_text(json.dumps([{"jobId": "big", "jobName": "n", "statusReason": "r" * 2000}]))
    result = run_command("serve", "--port", "0", "--jobs", str(path), "--max-job-bytes", "1024")
    assert result.returncode == 2
    assert f"{path}: job 'big' (number 1): Job size must be less than 1 KiB".encode() in result.stderr


def test_serve_flags_set_the_limits(tmp_path: Path) -> None:
    """`serve --max-jobs 1 --jobs FILE` with one job refuses the first submit over HTTP."""
    path = tmp_path / "jobs.jsonl"
    path.write_text('{"jobId": "a", "jobName": "n"}\n')
    with serve_process("--jobs", str(path), "--max-jobs", "1", "--quiet") as (_, url, _):
        status, headers, body = raw(url, "POST", "/v1/submitservicejob", SUBMIT_BODY.encode())
        assert_error(status, headers, body, 400, "ClientException")
        assert "at most 1 jobs" in body["message"]


def test_a_refused_submit_does_not_use_up_its_client_token() -> None:
    """H-7: a submit refused by a limit creates no job and leaves its clientToken free for the retry."""
    service = ReferenceService(limits=Limits(max_job_bytes=1024))
    too_large = {**SUBMIT, "serviceRequestPayload": "x" * 2000, "clientToken": "once"}
    with pytest.raises(ClientException, match="Job size"):
        service.submit_service_job(too_large)
    assert service.submit_service_job({**SUBMIT, "clientToken": "once"})["jobName"] == "train-1"
    with pytest.raises(ClientException, match="clientToken"):
        service.submit_service_job({**SUBMIT, "clientToken": "once"})


# --- fuzz: any request, any operation ---------------------------------------------------------------------

OPERATIONS = [
    "list_service_jobs", "submit_service_job", "describe_service_job", "terminate_service_job",
    "terminate_service_jobs", "update_service_job", "list_jobs",
]  # fmt: skip
MEMBERS = [
    "jobId", "jobs", "reason", "schedulingPriority", "jobName", "jobQueue", "serviceJobType",
    "serviceRequestPayload", "tags", "clientToken", "retryStrategy", "shareIdentifier", "maxResults",
    "nextToken", "filters", "jobStatus", "arrayJobId", "multiNodeJobId",
]  # fmt: skip


@given(
    operation=st.sampled_from(OPERATIONS),
    request=st.one_of(
        json_like,
        st.dictionaries(st.sampled_from(MEMBERS), json_like, max_size=5),
        st.fixed_dictionaries(
            {**{k: st.just(v) for k, v in SUBMIT.items()}},
            optional={member: json_like for member in MEMBERS if member not in SUBMIT},
        ),
    ),
)
def test_any_request_to_any_operation_is_answered_or_refused(operation: str, request: Any) -> None:
    """Every operation answers any request whatever (JSON of any shape, lone surrogates and huge numbers
    included) with a response that encodes, or refuses it with a ClientException; nothing else escapes."""
    service = ReferenceService(clock=lambda: 5, new_job_id=lambda: "new")
    service.load_service_jobs([{"jobId": "j-1", "jobName": "n", "status": "RUNNING", "createdAt": 1}])
    service.load_batch_jobs([{"jobId": "b-1", "jobName": "n", "status": "RUNNING", "createdAt": 1}])
    try:
        answer = getattr(service, operation)(request)
    except ClientException:
        return
    assert isinstance(json.loads(encode_answer(answer)), dict)


@given(
    request_line=st.one_of(
        st.sampled_from([b"POST /v1/listservicejobs HTTP/1.1", b"GET / HTTP/1.0", b"POST / HTTP/2.0", b""]),
        st.binary(max_size=40),
    ),
    headers=st.lists(
        st.one_of(
            st.sampled_from(
                [
                    b"Content-Length: 2",
                    b"Content-Length: x",
                    b"Expect: 100-continue",
                    b"Transfer-Encoding: chunked",
                    b"Connection: close",
                    b" folded",
                ]
            ),
            st.binary(max_size=30),
        ),
        max_size=4,
    ),
    body=st.binary(max_size=20),
)
def test_any_bytes_get_an_http_answer_or_a_close(
    request_line: bytes, headers: list[bytes], body: bytes, fuzz_endpoint: str
) -> None:
    """Whatever bytes a client sends and then ends its side: the answer is an HTTP/1.1 response carrying
    the service's error shape or a listing, or (when nothing of a request came) the connection is closed;
    never a hang, a bare body or a traceback."""
    data = b"\r\n".join([request_line, *headers]) + b"\r\n\r\n" + body
    with socket.create_connection(address(fuzz_endpoint), timeout=TIMEOUT_SECONDS) as sock:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    if not received:
        assert not data.strip(b"\r\n"), data
        return
    # An interim answer to Expect: 100-continue may come first; the request's own answers follow it.
    final = [
        (head, answer) for head, answer in http_responses(received) if not head.startswith(b"HTTP/1.1 1")
    ]
    assert final, received[:80]
    for head, answer in final:
        assert b"\r\nx-amzn-RequestId: " in head, head
        assert json.loads(answer) is not None


def http_responses(received: bytes) -> Iterator[tuple[bytes, bytes]]:
    """The HTTP/1.1 responses in ``received``, each as its head and its body (``Content-Length`` bytes;
    none for a 1xx answer), asserting that nothing else is there."""
    while received:
        assert received.startswith(b"HTTP/1.1 "), received[:80]
        head, separator, rest = received.partition(b"\r\n\r\n")
        assert separator, head
        lengths = [line[15:] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")]
        length = 0 if head.startswith(b"HTTP/1.1 1") else int(lengths[0])
        assert len(rest) >= length, (head, rest)
        yield head, rest[:length]
        received = rest[length:]
