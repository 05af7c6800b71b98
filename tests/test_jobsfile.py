"""Jobs files: JSON arrays and JSON Lines load, and every malformed file is a JobsFileError naming where."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from listjobs_core import list_jobs
from listjobs_core.endpoint._demo import DEMO_BATCH_JOB_COUNT, DEMO_JOB_COUNT, demo_batch_jobs, demo_jobs
from listjobs_core.endpoint._jobsfile import JobsFileError, load_jobs, parse_jobs, validate_job

JOB_A: dict[str, Any] = {"jobId": "a", "jobName": "train", "status": "RUNNING", "createdAt": 1}
JOB_B: dict[str, Any] = {"jobId": "b", "jobName": "eval", "version": 2, "jobQueue": "q"}


def write(tmp_path: Path, content: str | bytes, name: str = "jobs.json") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def error_of(text: str, source: str = "jobs.json") -> str:
    with pytest.raises(JobsFileError) as caught:
        parse_jobs(text, source)
    return str(caught.value)


def test_json_array_loads_in_file_order(tmp_path: Path) -> None:
    """A JSON array file gives its jobs, unchanged and in order."""
    path = write(tmp_path, json.dumps([JOB_A, JOB_B], indent=2))
    assert load_jobs(path) == [JOB_A, JOB_B]


def test_json_lines_load_and_skip_blank_lines(tmp_path: Path) -> None:
    """A JSON Lines file gives one job per non-blank line, CRLF line ends included."""
    text = "\n" + json.dumps(JOB_A) + "\r\n\n   \n" + json.dumps(JOB_B) + "\n"
    assert load_jobs(write(tmp_path, text, "jobs.jsonl")) == [JOB_A, JOB_B]


def test_leading_whitespace_before_array_still_means_array() -> None:
    """The format is chosen by the first non-whitespace character, so an indented array is an array."""
    assert parse_jobs("\n  \t[" + json.dumps(JOB_A) + "]") == [JOB_A]


def test_empty_files_hold_no_jobs() -> None:
    """An empty file, a blank file and an empty array all hold zero jobs."""
    assert parse_jobs("") == []
    assert parse_jobs(" \n\n") == []
    assert parse_jobs("[]") == []


def test_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    """A UTF-8 byte order mark, as some editors write, does not hide the array."""
    path = write(tmp_path, b"\xef\xbb\xbf" + json.dumps([JOB_A]).encode())
    assert load_jobs(path) == [JOB_A]


def test_unreadable_file_names_the_path(tmp_path: Path) -> None:
    """A missing file is a JobsFileError naming the path, not an OSError."""
    missing = tmp_path / "missing.json"
    with pytest.raises(JobsFileError, match="missing.json: cannot read jobs file"):
        load_jobs(missing)


def test_directory_is_unreadable(tmp_path: Path) -> None:
    """A directory given as the jobs file is a JobsFileError too."""
    with pytest.raises(JobsFileError, match="cannot read jobs file"):
        load_jobs(tmp_path)


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    """Bytes that are not UTF-8 are reported with the line they are on."""
    path = write(tmp_path, json.dumps(JOB_A).encode() + b"\n" + b'{"jobId": "\xff"}')
    with pytest.raises(JobsFileError, match=r"jobs.json: not valid UTF-8 at line 2"):
        load_jobs(path)


def test_invalid_json_in_array_reports_line_and_column() -> None:
    """Broken JSON in an array file is reported with the line and column where parsing stopped."""
    message = error_of('[\n  {"jobId": "a", "jobName": "x"},\n  {"jobId" "b"}\n]')
    assert message.startswith("jobs.json: line 3, column 12: invalid JSON:")


def test_invalid_json_in_lines_reports_the_file_line() -> None:
    """Broken JSON in a JSON Lines file is reported with that line's number in the file."""
    message = error_of(json.dumps(JOB_A) + "\n\n{oops}\n", "jobs.jsonl")
    assert message.startswith("jobs.jsonl: line 3, column 2: invalid JSON:")


def test_non_json_constants_are_rejected() -> None:
    """NaN and Infinity, which Python's json accepts, are not JSON and are rejected."""
    assert "NaN" in error_of('[{"jobId": "a", "jobName": "x", "createdAt": NaN}]')
    assert "line 1" in error_of('{"jobId": "a", "jobName": "x", "createdAt": Infinity}')


def test_deep_nesting_is_a_jobs_file_error() -> None:
    """Nesting deep enough to exhaust the recursion limit is reported, not raised as RecursionError."""
    assert "nested too deeply" in error_of("[" * 100_000)


def test_array_element_that_is_not_an_object_names_its_index() -> None:
    """A non-object element of the array is named by its index."""
    expected = "jobs.json: jobs[1]: a job must be a mapping (a JSON object), got an array"
    assert error_of(json.dumps([JOB_A, ["b"]])) == expected


def test_line_that_is_not_an_object_names_its_line() -> None:
    """A JSON Lines line holding something other than an object is named by its line number."""
    expected = "jobs.json: line 1: a job must be a mapping (a JSON object), got a string"
    assert error_of('"just a string"\n') == expected


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"jobId": None}, "member 'jobId' is missing"),
        ({"jobName": ""}, "member 'jobName' must be a non-empty string, got ''"),
        ({"jobName": 7}, "member 'jobName' must be a non-empty string, got an integer"),
        ({"createdAt": "1"}, "member 'createdAt' must be an integer, got a string"),
        ({"startedAt": 1.5}, "member 'startedAt' must be an integer, got a number"),
        ({"stoppedAt": True}, "member 'stoppedAt' must be an integer, got a boolean"),
        ({"status": ["RUNNING"]}, "member 'status' must be a string, got an array"),
        ({"jobArn": 1}, "member 'jobArn' must be a string, got an integer"),
        ({"shareIdentifier": {}}, "member 'shareIdentifier' must be a string, got an object"),
        ({"quotaShareName": 1}, "member 'quotaShareName' must be a string, got an integer"),
        ({"statusReason": False}, "member 'statusReason' must be a string, got a boolean"),
        ({"serviceJobType": 1}, "member 'serviceJobType' must be a string, got an integer"),
        ({"jobQueue": 1}, "member 'jobQueue' must be a string, got an integer"),
        ({"version": -1}, "member 'version' must be a non-negative integer, got -1"),
        ({"version": "1"}, "member 'version' must be a non-negative integer, got a string"),
        ({"version": True}, "member 'version' must be a non-negative integer, got a boolean"),
    ],
)
def test_bad_member_is_named_with_its_index_and_line(change: dict[str, Any], expected: str) -> None:
    """A member of the wrong type is named, with the job's array index or its line number."""
    bad_job = {**JOB_A, **change}
    assert error_of(json.dumps([JOB_B, bad_job])) == f"jobs.json: jobs[1]: {expected}"
    assert error_of(json.dumps(JOB_B) + "\n" + json.dumps(bad_job)) == f"jobs.json: line 2: {expected}"


def test_null_members_count_as_absent() -> None:
    """A member whose value is null is absent (IN-1), as in a request (IN-4): the job loads without it."""
    job = {**JOB_A, "scheduledAt": None, "version": None, "statusReason": None}
    assert [loaded["jobId"] for loaded in parse_jobs(json.dumps([job]), "jobs.json")] == [JOB_A["jobId"]]


@pytest.mark.parametrize("member", ["jobId", "jobName"])
def test_missing_required_member_is_named(member: str) -> None:
    """A job without jobId or jobName is rejected, naming the missing member."""
    job = {key: value for key, value in JOB_A.items() if key != member}
    assert error_of(json.dumps([job])) == f"jobs.json: jobs[0]: member {member!r} is missing"


def test_duplicate_job_id_names_both_places() -> None:
    """A repeated jobId names the repeat and where the jobId was first seen."""
    twin = {**JOB_B, "jobId": "a"}
    assert error_of(json.dumps([JOB_A, JOB_B, twin])) == (
        "jobs.json: jobs[2]: duplicate jobId 'a', first at jobs[0]"
    )
    assert error_of(f"{json.dumps(JOB_A)}\n\n{json.dumps(twin)}") == (
        "jobs.json: line 3: duplicate jobId 'a', first at line 1"
    )


def test_jobs_file_error_is_a_value_error() -> None:
    """JobsFileError is a ValueError, so callers that catch bad input generally still catch it."""
    assert issubclass(JobsFileError, ValueError)


def test_validate_job_accepts_extra_members_and_uses_the_given_place() -> None:
    """validate_job accepts unknown members and prefixes its message with the caller's `where`."""
    validate_job({**JOB_A, "latestAttempt": {"anything": 1}, "custom": [1]}, "unused")
    expected = r"^PUT /jobs: a job must be a mapping \(a JSON object\), got an array$"
    with pytest.raises(JobsFileError, match=expected):
        validate_job([], "PUT /jobs")


def test_demo_jobs_are_valid_deterministic_and_json_serialisable(tmp_path: Path) -> None:
    """The demo set is the same on every call, survives a JSON round trip and passes the loader."""
    jobs = demo_jobs()
    assert len(jobs) == DEMO_JOB_COUNT
    assert jobs == demo_jobs()
    text = json.dumps(jobs)
    assert json.loads(text) == jobs
    assert load_jobs(write(tmp_path, text)) == jobs


def test_demo_jobs_cover_every_status_and_fill_a_default_page() -> None:
    """The demo set has all eight statuses and more RUNNING jobs than one page of three."""
    jobs = demo_jobs()
    statuses = {job["status"] for job in jobs}
    assert statuses == {
        "SUBMITTED", "PENDING", "RUNNABLE", "SCHEDULED", "STARTING", "RUNNING", "SUCCEEDED", "FAILED",
    }  # fmt: skip
    assert sum(job["status"] == "RUNNING" for job in jobs) > 3


def test_demo_jobs_are_fresh_objects() -> None:
    """Changing a returned demo job never changes a later call's jobs."""
    jobs = demo_jobs()
    jobs[0]["jobName"] = "changed"
    jobs.clear()
    assert demo_jobs()[0]["jobName"] != "changed"


def test_demo_batch_jobs_are_valid_and_have_array_and_node_children(tmp_path: Path) -> None:
    """The demo Batch jobs pass the loader, are the same on every call, and ListJobs lists children of an
    array parent and of an MNP parent through their parent only (LJ-6, LJ-7)."""
    jobs = demo_batch_jobs()
    assert len(jobs) == DEMO_BATCH_JOB_COUNT and jobs == demo_batch_jobs()
    assert load_jobs(write(tmp_path, json.dumps(jobs))) == jobs
    for member, kind, separator in (
        ("arrayJobId", "arrayProperties", ":"),
        ("multiNodeJobId", "nodeProperties", "#"),
    ):
        parent = next(job for job in jobs if "size" in job.get(kind, {}) or "numNodes" in job.get(kind, {}))
        children = {job["jobId"] for job in jobs if job["jobId"].startswith(parent["jobId"] + separator)}
        listed = set()
        for status in ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED"):
            page = list_jobs(jobs, {member: parent["jobId"], "jobStatus": status})
            listed |= {summary["jobId"] for summary in page["jobSummaryList"]}
        assert listed == children != set()


# H-16: the one record validator, the service's, holds for a jobs file as for every other way in.
RECORD_PROBLEMS = [
    ({"tags": {"team": 1}}, "member 'tags' must map strings to strings, got an integer for 'team'"),
    ({"tags": {"team": None}}, "member 'tags' must map strings to strings, got null for 'team'"),
    ({"jobId": "a\x00b"}, "member 'jobId' must not hold a NUL character"),
    ({"jobName": "train\x00"}, "member 'jobName' must not hold a NUL character"),
    ({"status": "BOGUS"}, "member 'status' must be one of"),
]


@pytest.mark.parametrize(("change", "expected"), RECORD_PROBLEMS)
def test_a_job_the_service_would_not_hold_is_refused_in_a_file(change: dict[str, Any], expected: str) -> None:
    """A jobs file holds only jobs the service could hold: non-string tag values, a NUL in jobId or jobName
    and a status outside the model are refused by the loader (naming the job and the member), and by the
    service's own load (ReferenceService, which serve uses) with ValueError, storing nothing."""
    from listjobs_core.endpoint import ReferenceService

    job = {**JOB_A, **change}
    assert expected in error_of(json.dumps([job]))
    service = ReferenceService()
    with pytest.raises(ValueError, match=expected.replace("(", r"\(")):
        service.load_service_jobs([job])
    assert len(service) == 0


def test_string_tags_are_held() -> None:
    """Tags that map strings to strings pass, empty values and an empty map included."""
    jobs = parse_jobs(json.dumps([{**JOB_A, "tags": {"team": "a", "empty": ""}}, {**JOB_B, "tags": {}}]))
    assert [job["tags"] for job in jobs] == [{"team": "a", "empty": ""}, {}]
