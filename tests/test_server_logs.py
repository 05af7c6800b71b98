"""The request log (rule H-17): one line per request, parsed back as text (key=value) and as JSON lines,
from a real ``serve`` process and from the endpoint in this process; and the log of an internal error.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from wire import SUBMIT, client, raw, serve_process

from listjobs_core import ServiceJobStore
from listjobs_core.endpoint._logs import LOGGER_NAME
from listjobs_core.testing import serving

boto3 = pytest.importorskip("boto3")
from botocore.exceptions import ClientError  # noqa: E402

TEXT_LINE = re.compile(r"(?P<time>\S+) (?P<level>[A-Z]+) (?P<logger>\S+) (?P<fields>.*)")
# name=value, the value a JSON string when it is quoted.
FIELD = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\S*)(?: |$)')


def parse_text_line(line: str) -> dict[str, Any]:
    """A text log line: its time, level and logger, and its key=value fields (JSON-quoted values decoded)."""
    match = TEXT_LINE.fullmatch(line)
    assert match is not None, line
    entry: dict[str, Any] = {"time": match["time"], "level": match["level"], "logger": match["logger"]}
    fields = match["fields"]
    position = 0
    while position < len(fields):
        field = FIELD.match(fields, position)
        assert field is not None, fields[position:]
        name, value = field.groups()
        entry[name] = json.loads(value) if value.startswith('"') else value
        position = field.end()
    return entry


def requests_logged(stderr: str, log_format: str) -> list[dict[str, Any]]:
    """The request entries of a serve process's standard error."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    entries = [json.loads(line) if log_format == "json" else parse_text_line(line) for line in lines]
    return [entry for entry in entries if "request_id" in entry]


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_each_request_gets_one_log_line_with_its_id_status_and_error(log_format: str) -> None:
    """`serve --log-format FORMAT` logs one line per request: its id (as sent in x-amzn-RequestId), the
    operation, the status and the time taken, and for a refused request its error type and message."""
    with serve_process("--log-format", log_format) as (process, url, stderr_path):
        status, headers, _ = raw(url, "POST", "/v1/listservicejobs", b'{"maxResults": 2}')
        refused = raw(url, "POST", "/v1/listservicejobs", b'{"maxResults": 0}')
        unknown = raw(url, "POST", "/v1/nowhere", b"{}")
        process.terminate()
        process.wait(timeout=30)
        entries = {
            entry["request_id"]: entry for entry in requests_logged(stderr_path.read_text(), log_format)
        }
    assert len(entries) == 3
    ok = entries[headers["x-amzn-requestid"]]
    assert (ok["operation"], str(ok["status"]), ok["level"]) == ("ListServiceJobs", "200", "INFO")
    assert float(ok["duration_ms"]) >= 0 and ok["path"] == "/v1/listservicejobs" and "error_type" not in ok
    bad = entries[refused[1]["x-amzn-requestid"]]
    assert (bad["operation"], str(bad["status"]), bad["error_type"]) == (
        "ListServiceJobs",
        "400",
        "ClientException",
    )
    assert bad["message"] == "maxResults must be an integer from 1 to 100, got 0"
    lost = entries[unknown[1]["x-amzn-requestid"]]
    assert (str(lost["status"]), lost["error_type"]) == ("404", "UnknownOperationException")
    assert lost.get("operation") is None


def test_quiet_logs_no_request_and_a_log_level_filters(tmp_path: Path) -> None:
    """--log-level WARNING (or --quiet) leaves requests out of the log; refused ones too (they are INFO)."""
    with serve_process("--log-level", "warning") as (process, url, stderr_path):
        raw(url, "POST", "/v1/listservicejobs", b'{"maxResults": 0}')
        process.terminate()
        process.wait(timeout=30)
        assert stderr_path.read_text() == ""


def test_a_refused_request_is_logged_under_its_id_in_this_process(caplog: pytest.LogCaptureFixture) -> None:
    """The endpoint in a test logs to ``listjobs_core.endpoint``; a boto3 ClientError's RequestId finds
    its log record, with the error type and the message without the service's wrapper."""
    with (
        caplog.at_level(logging.INFO, logger=LOGGER_NAME),
        serving() as url,
        pytest.raises(ClientError) as raised,
    ):
        client(url).submit_service_job(**{**SUBMIT, "jobName": "no spaces"})
    request_id = raised.value.response["ResponseMetadata"]["RequestId"]
    (record,) = [record for record in caplog.records if request_id in record.getMessage()]
    fields = record.request  # type: ignore[attr-defined]
    assert (fields["operation"], fields["status"], fields["error_type"]) == (
        "SubmitServiceJob",
        400,
        "ClientException",
    )
    assert fields["message"].startswith("jobName must be")
    assert parse_text_line(f"t INFO {record.name} {record.getMessage()}")["request_id"] == request_id


class FailingStore(ServiceJobStore):
    """A store whose listing fails: a stand-in for a database that went away under a SQL store."""

    def answer(self, request: object) -> dict[str, Any]:
        raise RuntimeError("the disk is on fire")

    def answer_json(self, request: object) -> bytes:
        raise RuntimeError("the disk is on fire")


def test_an_internal_error_is_logged_with_its_traceback_and_never_reaches_the_client(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An unexpected exception in a store is a 500 ServerException whose message reveals nothing; the log
    has it, with its traceback, under the request's id; the server keeps serving other operations."""
    store = FailingStore()
    with caplog.at_level(logging.INFO, logger=LOGGER_NAME), serving(store=store) as url:
        status, headers, body = raw(url, "POST", "/v1/listservicejobs", b"{}")
        batch = client(url)
        with pytest.raises(ClientError) as raised:
            batch.list_service_jobs()
        submitted = batch.submit_service_job(**SUBMIT)
    assert (status, headers["x-amzn-errortype"], body["__type"]) == (
        500,
        "ServerException",
        "ServerException",
    )
    assert "fire" not in json.dumps(body) and "Traceback" not in json.dumps(body)
    assert raised.value.response["Error"]["Code"] == "ServerException"
    assert submitted["jobId"] in store
    (record,) = [record for record in caplog.records if headers["x-amzn-requestid"] in record.getMessage()]
    assert record.levelno == logging.ERROR and record.exc_info is not None
    assert "the disk is on fire" in caplog.text and "Traceback" in caplog.text


def test_an_internal_error_in_json_logs_carries_the_traceback(tmp_path: Path) -> None:
    """In the JSON log a fault's entry has a ``traceback`` member; other entries have none."""
    from listjobs_core.endpoint._logs import JsonLineFormatter

    record = logging.LogRecord(LOGGER_NAME, logging.ERROR, __file__, 1, "%s", ("x",), None)
    try:
        raise RuntimeError("boom")
    except RuntimeError as error:
        record.exc_info = (RuntimeError, error, error.__traceback__)
    record.request = {"request_id": "r-1", "status": 500}
    entry = json.loads(JsonLineFormatter().format(record))
    assert (entry["request_id"], entry["status"], entry["level"]) == ("r-1", 500, "ERROR")
    assert "RuntimeError: boom" in entry["traceback"]
