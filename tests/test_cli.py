"""The command line: it prints exactly what list_service_jobs answers, and maps failures to exit statuses."""

from __future__ import annotations

import argparse
import importlib.metadata
import io
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

import listjobs_core
from listjobs_core import cli, list_jobs, list_jobs_by_consumable_resource, list_service_jobs
from listjobs_core.cli import EXIT_OK, EXIT_REJECTED, EXIT_USAGE, main
from listjobs_core.endpoint._demo import demo_batch_jobs, demo_jobs
from listjobs_core.testing import serving

REPOSITORY = Path(__file__).resolve().parent.parent
TWO_FILTERS = {
    "filters": [
        {"name": "JOB_NAME", "values": ["test1"]},
        {"name": "AFTER_CREATED_AT", "values": ["0"]},
    ]
}
JOBS: list[dict[str, Any]] = [
    {"jobId": f"job-{number}", "jobName": f"train-{number}", "status": "RUNNING", "createdAt": number}
    for number in range(1, 6)
]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def feed_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_query_prints_the_library_response_as_indented_json(capsys: pytest.CaptureFixture[str]) -> None:
    """`query REQUEST` prints list_service_jobs' answer over the demo jobs, indented, with a final newline."""
    status, out, err = run(capsys, "query", '{"maxResults": 3}')
    assert (status, err) == (EXIT_OK, "")
    assert json.loads(out) == list_service_jobs(demo_jobs(), {"maxResults": 3})
    assert out.startswith('{\n  "jobSummaryList": [\n')
    assert out.endswith("}\n")


def test_default_demo_query_gives_a_full_page_with_a_token(capsys: pytest.CaptureFixture[str]) -> None:
    """The quick-start query lists three RUNNING demo jobs and says more follow."""
    status, out, _ = run(capsys, "query", '{"maxResults": 3}')
    response = json.loads(out)
    assert status == EXIT_OK
    assert [summary["status"] for summary in response["jobSummaryList"]] == ["RUNNING"] * 3
    assert response["nextToken"]


def test_tokens_printed_by_one_run_continue_in_the_next(capsys: pytest.CaptureFixture[str]) -> None:
    """Feeding each printed nextToken to a new run walks all pages, as the library alone would."""
    listed: list[str] = []
    request: dict[str, Any] = {"maxResults": 40}
    while True:
        status, out, _ = run(capsys, "query", json.dumps(request))
        assert status == EXIT_OK
        response = json.loads(out)
        listed += [summary["jobId"] for summary in response["jobSummaryList"]]
        if "nextToken" not in response:
            break
        request["nextToken"] = response["nextToken"]
    everything = list_service_jobs(demo_jobs(), {})["jobSummaryList"]
    assert listed == [summary["jobId"] for summary in everything]


def test_request_is_read_from_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without REQUEST, the request JSON comes from standard input."""
    feed_stdin(monkeypatch, b'{"maxResults": 2}')
    status, out, _ = run(capsys, "query")
    assert status == EXIT_OK
    assert len(json.loads(out)["jobSummaryList"]) == 2


def test_dash_reads_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """REQUEST "-" also means standard input."""
    feed_stdin(monkeypatch, b'{"jobStatus": "FAILED", "maxResults": 1}')
    status, out, _ = run(capsys, "query", "-")
    assert status == EXIT_OK
    assert [summary["status"] for summary in json.loads(out)["jobSummaryList"]] == ["FAILED"]


@pytest.mark.parametrize("data", [b"", b"  \n"])
def test_empty_standard_input_is_the_empty_request(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: bytes
) -> None:
    """Empty (or blank) standard input is the request {}."""
    feed_stdin(monkeypatch, data)
    status, out, _ = run(capsys, "query")
    assert status == EXIT_OK
    assert json.loads(out) == list_service_jobs(demo_jobs(), {})


def test_missing_standard_input_is_the_empty_request(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process with no standard input at all (sys.stdin is None) queries with {}."""
    monkeypatch.setattr(sys, "stdin", None)
    status, out, _ = run(capsys, "query")
    assert status == EXIT_OK
    assert json.loads(out) == list_service_jobs(demo_jobs(), {})


def test_rejected_request_prints_the_wire_error_body(capsys: pytest.CaptureFixture[str]) -> None:
    """A ClientException prints the service's error body on stdout, one line on stderr, and exits 1."""
    status, out, err = run(capsys, "query", json.dumps(TWO_FILTERS))
    assert status == EXIT_REJECTED
    assert json.loads(out) == {
        "__type": "ClientException",
        "message": "Only one filter key-value pair can be specified.",
    }
    assert err.count("\n") == 1
    assert "ClientException: Only one filter key-value pair can be specified." in err


@pytest.mark.parametrize("request_text", ["{bad", '{"maxResults": 3', "[1,]", '{"maxResults": NaN}'])
def test_invalid_request_json_is_a_client_exception(
    capsys: pytest.CaptureFixture[str], request_text: str
) -> None:
    """Request text that is not JSON is answered like the service: a ClientException naming the request."""
    status, out, err = run(capsys, "query", request_text)
    body = json.loads(out)
    assert status == EXIT_REJECTED
    assert body["__type"] == "ClientException"
    assert body["message"].startswith("The request (REQUEST argument) is not valid JSON")
    assert "ClientException" in err


def test_request_on_stdin_that_is_not_utf8_is_a_client_exception(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bytes on standard input that are not UTF-8 are a ClientException, not a crash."""
    feed_stdin(monkeypatch, b'{"jobQueue": "\xff"}')
    status, out, _ = run(capsys, "query")
    assert status == EXIT_REJECTED
    assert "(standard input) is not valid UTF-8" in json.loads(out)["message"]


def test_request_that_is_not_an_object_is_left_to_the_library(capsys: pytest.CaptureFixture[str]) -> None:
    """Valid JSON that is not an object reaches the library, whose ClientException is printed."""
    status, out, _ = run(capsys, "query", "[]")
    assert status == EXIT_REJECTED
    assert json.loads(out)["__type"] == "ClientException"


def test_jobs_file_replaces_the_demo_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--jobs lists the jobs of the given file instead of the demo set."""
    path = tmp_path / "jobs.jsonl"
    path.write_text("".join(json.dumps(job) + "\n" for job in JOBS), encoding="utf-8")
    status, out, _ = run(capsys, "query", "--jobs", str(path), '{"maxResults": 2}')
    assert status == EXIT_OK
    assert json.loads(out) == list_service_jobs(JOBS, {"maxResults": 2})


def test_bad_jobs_file_exits_2_with_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A malformed jobs file prints where it is malformed on stderr, nothing on stdout, and exits 2."""
    path = tmp_path / "jobs.json"
    path.write_text(json.dumps([JOBS[0], {"jobId": "x"}]), encoding="utf-8")
    status, out, err = run(capsys, "query", "--jobs", str(path), "{}")
    assert (status, out) == (EXIT_USAGE, "")
    assert f"{path}: jobs[1]: member 'jobName' is missing" in err


def test_missing_jobs_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A jobs file that cannot be read exits 2 naming it."""
    status, out, err = run(capsys, "query", "--jobs", str(tmp_path / "nope.json"), "{}")
    assert (status, out) == (EXIT_USAGE, "")
    assert "nope.json: cannot read jobs file" in err


def test_token_key_file_signs_tokens(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A token made under --token-key-file continues under the same key and is rejected without it."""
    key_file = tmp_path / "key"
    key_file.write_bytes(b"s3cret\n")
    status, out, _ = run(capsys, "query", "--token-key-file", str(key_file), '{"maxResults": 1}')
    token = json.loads(out)["nextToken"]
    assert token != json.loads(run(capsys, "query", '{"maxResults": 1}')[1])["nextToken"]
    follow_up = json.dumps({"maxResults": 1, "nextToken": token})
    assert run(capsys, "query", "--token-key-file", str(key_file), follow_up)[0] == EXIT_OK
    status, out, _ = run(capsys, "query", follow_up)
    assert status == EXIT_REJECTED
    assert json.loads(out)["__type"] == "ClientException"


def test_trailing_newline_is_not_part_of_the_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Key files written with and without a final newline hold the same key."""
    with_newline, without = tmp_path / "a", tmp_path / "b"
    with_newline.write_bytes(b"s3cret\r\n")
    without.write_bytes(b"s3cret")
    first = json.loads(run(capsys, "query", "--token-key-file", str(with_newline), '{"maxResults": 1}')[1])
    second = json.loads(run(capsys, "query", "--token-key-file", str(without), '{"maxResults": 1}')[1])
    assert first["nextToken"] == second["nextToken"]


@pytest.mark.parametrize(("content", "expected"), [(None, "cannot read token key file"), (b"\n", "is empty")])
def test_bad_token_key_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, expected: str
) -> None:
    """A missing or empty token key file exits 2 with a message."""
    key_file = tmp_path / "key"
    if content is not None:
        key_file.write_bytes(content)
    status, out, err = run(capsys, "query", "--token-key-file", str(key_file), "{}")
    assert (status, out) == (EXIT_USAGE, "")
    assert expected in err


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """Running without a command prints usage on stderr and returns 2 instead of raising SystemExit."""
    status, out, err = run(capsys)
    assert (status, out) == (EXIT_USAGE, "")
    assert "usage:" in err


def test_help_returns_0(capsys: pytest.CaptureFixture[str]) -> None:
    """`query --help` describes REQUEST and the options and returns 0."""
    status, out, _ = run(capsys, "query", "--help")
    assert status == EXIT_OK
    assert "REQUEST" in out and "--jobs" in out and "--token-key-file" in out


def test_a_subcommand_is_one_function_in_the_registry(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Appending one add-function to SUBCOMMANDS is all it takes to add a subcommand."""

    def add_echo_command(subparsers: cli.SubParsers) -> None:
        parser = subparsers.add_parser("echo")
        cli.add_jobs_arguments(parser)
        parser.set_defaults(handler=lambda args: print(len(cli.jobs_from_arguments(args))) or 0)

    monkeypatch.setattr(cli, "SUBCOMMANDS", [*cli.SUBCOMMANDS, add_echo_command])
    assert run(capsys, "echo") == (EXIT_OK, f"{len(demo_jobs())}\n", "")
    assert isinstance(cli.build_parser(), argparse.ArgumentParser)


def test_python_dash_m_reads_the_request_from_stdin() -> None:
    """`python -m listjobs_core query` in a real process pages the demo set and rejects two filters."""
    command = [sys.executable, "-m", "listjobs_core", "query"]
    # Import the package from this checkout, installed or not.
    path = os.pathsep.join(filter(None, [str(REPOSITORY), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    page = subprocess.run(command, input=b'{"maxResults": 3}', capture_output=True, env=env, timeout=60)
    assert page.returncode == 0, page.stderr
    response = json.loads(page.stdout)
    assert len(response["jobSummaryList"]) == 3
    assert response["nextToken"]

    rejected = subprocess.run(
        command, input=json.dumps(TWO_FILTERS).encode(), capture_output=True, env=env, timeout=60
    )
    assert rejected.returncode == 1
    assert b"ClientException" in rejected.stdout
    assert b"ClientException" in rejected.stderr


# --- ListJobs ---------------------------------------------------------------------------------------------

BATCH_JOBS: list[dict[str, Any]] = [
    {"jobId": "p", "jobName": "sweep", "status": "RUNNING", "createdAt": 1, "jobQueue": "q"},
    {"jobId": "p:0", "jobName": "sweep", "status": "RUNNING", "createdAt": 2},
    {"jobId": "p:1", "jobName": "sweep", "status": "RUNNING", "createdAt": 3},
]


def test_query_operation_list_jobs_lists_the_demo_batch_jobs(capsys: pytest.CaptureFixture[str]) -> None:
    """`query --operation ListJobs` answers list_jobs over the demo Batch jobs."""
    request = {"jobQueue": "cpu-queue", "maxResults": 3}
    status, out, err = run(capsys, "query", "--operation", "ListJobs", json.dumps(request))
    assert (status, err) == (EXIT_OK, "")
    assert json.loads(out) == list_jobs(demo_batch_jobs(), request)


def test_query_operation_list_jobs_by_consumable_resource_lists_the_demo_batch_jobs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`query --operation ListJobsByConsumableResource` answers it over the demo Batch jobs, which
    require consumable resources; `--jobs` alone (service jobs) is refused, as for ListJobs."""
    request = {"consumableResource": "license-seats", "maxResults": 3}
    status, out, err = run(
        capsys, "query", "--operation", "ListJobsByConsumableResource", json.dumps(request)
    )
    assert (status, err) == (EXIT_OK, "")
    answer = json.loads(out)
    assert answer == list_jobs_by_consumable_resource(demo_batch_jobs(), request)
    assert len(answer["jobs"]) == 3
    status, _, err = run(
        capsys, "query", "--operation", "ListJobsByConsumableResource", "--jobs", "x.json", "{}"
    )
    assert status == EXIT_USAGE and "--batch-jobs" in err


def test_query_list_jobs_reads_batch_jobs_and_lists_children(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--batch-jobs FILE` holds the jobs ListJobs lists, array children included."""
    path = tmp_path / "batch.json"
    path.write_text(json.dumps(BATCH_JOBS), encoding="utf-8")
    status, out, _ = run(
        capsys, "query", "--operation", "ListJobs", "--batch-jobs", str(path), '{"arrayJobId": "p"}'
    )
    assert status == EXIT_OK
    assert [summary["jobId"] for summary in json.loads(out)["jobSummaryList"]] == ["p:1", "p:0"]
    status, out, _ = run(
        capsys, "query", "--operation", "ListJobs", "--batch-jobs", str(path), '{"jobQueue": "q"}'
    )
    assert [summary["jobId"] for summary in json.loads(out)["jobSummaryList"]] == ["p"]


def test_query_refuses_the_other_kind_of_jobs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Each operation reads its own option: ListJobs with only --jobs, or ListServiceJobs with only
    --batch-jobs, is a usage error rather than a listing of the demo set or of nothing."""
    path = tmp_path / "jobs.jsonl"
    path.write_text("".join(json.dumps(job) + "\n" for job in JOBS), encoding="utf-8")
    status, out, err = run(capsys, "query", "--operation", "ListJobs", "--jobs", str(path), "{}")
    assert (status, out) == (EXIT_USAGE, "") and "--batch-jobs" in err
    status, out, err = run(capsys, "query", "--batch-jobs", str(path), "{}")
    assert (status, out) == (EXIT_USAGE, "") and "--jobs" in err


def test_a_list_jobs_refusal_prints_the_wire_error(capsys: pytest.CaptureFixture[str]) -> None:
    """A ListJobs request the core refuses prints the ClientException body and exits 1."""
    status, out, _ = run(capsys, "query", "--operation", "ListJobs", "{}")
    assert status == EXIT_REJECTED
    assert "Exactly one of jobQueue, arrayJobId, multiNodeJobId" in json.loads(out)["message"]


# --- request bytes are read as the endpoint reads them ------------------------------------------------


def test_a_byte_order_mark_is_ignored_on_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """One leading byte order mark is ignored, as the endpoint ignores it in a body."""
    feed_stdin(monkeypatch, b'\xef\xbb\xbf{"maxResults": 2}')
    status, out, _ = run(capsys, "query")
    assert status == EXIT_OK and len(json.loads(out)["jobSummaryList"]) == 2


@pytest.mark.parametrize(
    ("data", "absent"),
    [
        (b"\xef\xbb\xbf\xef\xbb\xbf{}", "utf-8-sig"),
        (b'{"maxResults": ' + b"9" * 5000 + b"}", "set_int_max_str_digits"),
    ],
)
def test_refusals_carry_no_python_advice(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: bytes, absent: str
) -> None:
    """A doubled byte order mark or a huge integer is refused in the service's words, as by the endpoint."""
    feed_stdin(monkeypatch, data)
    status, out, _ = run(capsys, "query")
    message = json.loads(out)["message"]
    assert status == EXIT_REJECTED and absent not in message and "sys." not in message


def test_a_lone_surrogate_in_the_request_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """A request holding a lone surrogate escape is refused naming where, as by the endpoint."""
    status, out, _ = run(capsys, "query", '{"jobQueue": "\\ud800"}')
    assert status == EXIT_REJECTED
    assert json.loads(out)["message"] == "jobQueue must be valid Unicode: it holds a lone surrogate"


def test_an_argument_that_is_not_utf8_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """REQUEST bytes the locale could not decode (surrogate escapes in argv) are refused as not UTF-8."""
    status, out, _ = run(capsys, "query", '{"jobQueue": "\udcff"}')
    assert status == EXIT_REJECTED
    assert "(REQUEST argument) is not valid UTF-8" in json.loads(out)["message"]


# --- serve's options ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "arguments",
    [
        ["--region", "EU_WEST"],
        ["--region", "us-east-1:x"],
        ["--account", "12345"],
        ["--max-jobs", "-1"],
        ["--max-job-bytes", "0"],
        ["--request-deadline", "0"],
        ["--max-connections", "0"],
        ["--log-format", "xml"],
        ["--submitted-status", "RUNNING"],
        ["--quiet", "--log-level", "INFO"],
    ],
)
def test_serve_refuses_bad_options(capsys: pytest.CaptureFixture[str], arguments: list[str]) -> None:
    """Bad values of serve's options are usage errors (exit 2) before anything is served."""
    status, out, err = run(capsys, "serve", "--port", "0", *arguments)
    assert (status, out) == (EXIT_USAGE, "")
    assert "error:" in err


def test_serve_gives_the_demo_jobs_the_region_and_account_of_its_flags() -> None:
    """H-10: under serve --region and --account the demo jobs' ARNs are that region's and account's, so a
    queue name lists as many jobs there as in the default region."""
    from listjobs_core.cli import batch_jobs_from_arguments, build_parser, jobs_from_arguments

    def demo_sets(*flags: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        args = build_parser().parse_args(["serve", *flags])
        return jobs_from_arguments(args), batch_jobs_from_arguments(args)

    jobs, batch_jobs = demo_sets("--region", "eu-west-1", "--account", "111122223333")
    here = "arn:aws:batch:eu-west-1:111122223333:"
    arns = [job["jobArn"] for job in jobs + batch_jobs] + [
        job["jobQueue"] for job in jobs + batch_jobs if job.get("jobQueue", "").startswith("arn:")
    ]
    assert arns and all(arn.startswith(here) for arn in arns)
    default_jobs, _ = demo_sets()
    request = {"jobQueue": "research-queue", "jobStatus": "SUCCEEDED"}
    with serving(jobs, region="eu-west-1", account="111122223333") as url:
        there = listed_ids(url, request)
    with serving(default_jobs) as url:
        default = listed_ids(url, request)
    assert there == default and there


def listed_ids(url: str, request: dict[str, Any]) -> list[str]:
    """The job ids of a whole ListServiceJobs traversal, over HTTP."""
    ids: list[str] = []
    while True:
        body = json.dumps(request).encode()
        call = urllib.request.Request(url + "/v1/listservicejobs", data=body, method="POST")
        with urllib.request.urlopen(call) as answer:
            page = json.load(answer)
        ids += [summary["jobId"] for summary in page["jobSummaryList"]]
        if "nextToken" not in page:
            return ids
        request = {**request, "nextToken": page["nextToken"]}


# --- conventions: --version, and messages that name the subcommand -----------------------------------------


@pytest.fixture
def as_script(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run as the `listjobs-core` console script (pytest's own argv[0] may be a `__main__.py`)."""
    monkeypatch.setattr(sys, "argv", ["/usr/local/bin/listjobs-core"])


def test_version_prints_the_package_version(as_script: None, capsys: pytest.CaptureFixture[str]) -> None:
    """`--version` prints the program and the package's version, and exits 0 without a subcommand."""
    status, out, err = run(capsys, "--version")
    assert (status, out, err) == (EXIT_OK, f"listjobs-core {listjobs_core.__version__}\n", "")


def test_version_of_python_dash_m_and_of_the_console_script(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both entry points answer `--version`: `python -m listjobs_core` in a process of its own, and the
    `listjobs-core` console script (its entry point, called as the script calls it)."""
    path = os.pathsep.join(filter(None, [str(REPOSITORY), os.environ.get("PYTHONPATH")]))
    answer = subprocess.run(
        [sys.executable, "-m", "listjobs_core", "--version"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": path},
        timeout=60,
        check=False,
    )
    assert (answer.returncode, answer.stdout) == (0, f"python -m listjobs_core {listjobs_core.__version__}\n")
    scripts = importlib.metadata.entry_points(group="console_scripts")
    [script] = [entry for entry in scripts if entry.name == "listjobs-core"]
    monkeypatch.setattr(sys, "argv", ["/usr/local/bin/listjobs-core", "--version"])
    output = io.StringIO()
    monkeypatch.setattr(sys, "stdout", output)
    assert script.load()() == EXIT_OK
    assert output.getvalue() == f"listjobs-core {listjobs_core.__version__}\n"


def test_a_rejected_query_names_the_subcommand(as_script: None, capsys: pytest.CaptureFixture[str]) -> None:
    """The one line on standard error for a rejected request names the program and `query`."""
    status, _, err = run(capsys, "query", json.dumps(TWO_FILTERS))
    assert status == EXIT_REJECTED
    assert err.startswith("listjobs-core query: ClientException: Only one filter")


def test_errors_of_each_subcommand_name_it(
    as_script: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file or command-line error is reported as `PROGRAM SUBCOMMAND: error: ...`, by the CLI's own
    checks, argparse's, and the conformance command's."""
    missing = str(tmp_path / "nope.json")
    for argv, message in (
        (["query", "--jobs", missing, "{}"], "listjobs-core query: error: "),
        (["serve", "--token-key-file", missing], "listjobs-core serve: error: "),
        (["serve", "--port", "x"], "listjobs-core serve: error: argument --port"),
        (["conformance", "--adapter", "no_such_module:f"], "listjobs-core conformance: error: cannot import"),
    ):
        status, out, err = run(capsys, *argv)
        assert (status, out) == (EXIT_USAGE, ""), argv
        assert message in err, (argv, err)
        assert "listjobs-core: error" not in err


def test_serve_that_cannot_listen_names_serve() -> None:
    """A port already taken is `python -m listjobs_core serve: error: cannot listen on ...` (in a process
    of its own: serve configures the package's logging)."""
    path = os.pathsep.join(filter(None, [str(REPOSITORY), os.environ.get("PYTHONPATH")]))
    with serving() as url:
        port = url.rsplit(":", 1)[1]
        answer = subprocess.run(
            [sys.executable, "-m", "listjobs_core", "serve", "--port", port, "--quiet"],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": path},
            timeout=60,
            check=False,
        )
    assert answer.returncode == EXIT_USAGE
    expected = f"python -m listjobs_core serve: error: cannot listen on 127.0.0.1:{port}"
    assert answer.stderr.startswith(expected)
