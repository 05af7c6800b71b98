"""Two ways a test talks to AWS Batch: boto3, and the AWS CLI run as a subprocess.

A test written against ``BatchClient`` runs unchanged through either, against moto (decorator or server
mode) or, with real credentials, against AWS. Requests and responses are in the wire shape (the model's
member names), so a test reads the same whichever client carries them. A refusal is ``Refused`` with the
service's error code, message and, when the client sees it, the response's request id.

Only moving a job to a status is not an AWS call: nothing in AWS lets a client do that. Each client is
given the way its moto offers: ``set_service_job_status`` in the test's process, or moto's
``POST /moto-api/config`` for a server.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Protocol

Moves = Callable[[list[dict[str, Any]]], None]
Call = tuple[str, dict[str, Any]]


class Refused(Exception):
    """A call the service refused: its error code, its message, and the request id of the response."""

    def __init__(self, code: str, message: str, request_id: str | None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.request_id = request_id


class BatchClient(Protocol):
    def call(self, operation: str, **request: Any) -> dict[str, Any]:
        """One call of an operation by its model name; its response without metadata, or ``Refused``."""

    def attempt_all(self, calls: Iterable[Call]) -> list[dict[str, Any] | Refused]:
        """Independent calls, in any order or at once: each one's response, or its ``Refused``, in order."""

    def listed_all(self, page_size: int, requests: Iterable[dict[str, Any]]) -> list[list[dict[str, Any]]]:
        """For each request, every summary of its ListServiceJobs traversal in pages of ``page_size``, as the
        client paginates."""

    def move(self, moves: list[dict[str, Any]]) -> None:
        """Move jobs to statuses (``{"jobId", "status", ...}`` each), the way this client's moto offers."""

    def summary_members(self) -> frozenset[str]:
        """The ServiceJobSummary members of the model this client parses responses with: a client drops
        every other member, so a member newer than its model never reaches the caller."""


def snake_case(operation: str) -> str:
    """boto3's method name for an operation: ``SubmitServiceJob`` -> ``submit_service_job``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()


class Boto3Batch:
    """``BatchClient`` over a boto3 client; pages come from boto3's paginator."""

    def __init__(self, client: Any, moves: Moves) -> None:
        self.client = client
        self._moves = moves
        self.page_sizes: list[list[int]] = []  # the page sizes of each traversal, for checking page bounds

    def summary_members(self) -> frozenset[str]:
        return frozenset(self.client.meta.service_model.shape_for("ServiceJobSummary").members)

    def call(self, operation: str, **request: Any) -> dict[str, Any]:
        from botocore.exceptions import ClientError

        try:
            response: dict[str, Any] = getattr(self.client, snake_case(operation))(**request)
        except ClientError as error:
            raise Refused(
                error.response["Error"]["Code"],
                error.response["Error"]["Message"],
                error.response["ResponseMetadata"].get("RequestId"),
            ) from None
        response.pop("ResponseMetadata", None)
        return response

    def attempt_all(self, calls: Iterable[Call]) -> list[dict[str, Any] | Refused]:
        return [_attempt(self.call, call) for call in calls]

    def listed_all(self, page_size: int, requests: Iterable[dict[str, Any]]) -> list[list[dict[str, Any]]]:
        return [self._listed(page_size, request) for request in requests]

    def _listed(self, page_size: int, request: dict[str, Any]) -> list[dict[str, Any]]:
        paginator = self.client.get_paginator("list_service_jobs")
        pages = list(paginator.paginate(**request, PaginationConfig={"PageSize": page_size}))
        assert all("nextToken" in page for page in pages[:-1]) and "nextToken" not in pages[-1]
        self.page_sizes.append([len(page["jobSummaryList"]) for page in pages])
        return [summary for page in pages for summary in page["jobSummaryList"]]

    def move(self, moves: list[dict[str, Any]]) -> None:
        self._moves(moves)


def kebab_case(operation: str) -> str:
    """The AWS CLI's command for an operation: ``SubmitServiceJob`` -> ``submit-service-job``."""
    return snake_case(operation).replace("_", "-")


_CLI_ERROR = re.compile(
    r"An error occurred \((?P<code>[^)]+)\) when calling the \w+ operation: (?P<message>.*)", re.S
)


class CliBatch:
    """``BatchClient`` over the AWS CLI (``aws batch ...``), in subprocesses, against a server.

    Every request goes in as ``--cli-input-json``, so the members are the model's; ListServiceJobs is the
    CLI's own pagination (``--page-size``), which follows every ``nextToken`` and merges the pages. A single
    ``call`` is one ``python -m awscli`` process; the calls of ``attempt_all`` and ``listed_all`` run in one
    process (``aws_cli_many.py``), each by the CLI's own driver, which spares the CLI's start-up per call.
    """

    def __init__(self, endpoint: str, region: str) -> None:
        self.endpoint = endpoint
        self.region = region
        home = Path(os.environ.get("TMPDIR", "/tmp"))
        self.environment = {
            **os.environ,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": region,
            # Nothing from the machine's own AWS configuration may reach the calls.
            "AWS_CONFIG_FILE": str(home / "no-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(home / "no-aws-credentials"),
            "AWS_PAGER": "",
        }
        self.commands = 0
        self.processes = 0

    def summary_members(self) -> frozenset[str]:
        # The AWS CLI (v1) may carry a botocore of its own, whose model may be older than botocore's; asked
        # in a process of its own, as the CLI runs, so that this process' botocore has no say.
        script = (
            "import json, awscli.clidriver as d; s = d.create_clidriver().session; "
            "print(json.dumps(list(s.get_service_model('batch').shape_for('ServiceJobSummary').members)))"
        )
        answer = subprocess.run(
            [sys.executable, "-c", script], env=self.environment, capture_output=True, text=True, check=True
        )
        return frozenset(json.loads(answer.stdout))

    def _arguments(self, *arguments: str) -> list[str]:
        return [*arguments, "--endpoint-url", self.endpoint, "--region", self.region, "--output", "json"]

    def _run(self, commands: list[list[str]]) -> list[dict[str, Any] | Refused]:
        self.commands += len(commands)
        self.processes += 1
        if len(commands) == 1:
            done = subprocess.run(
                [sys.executable, "-m", "awscli", *commands[0]],
                capture_output=True, text=True, env=self.environment, timeout=120,
            )  # fmt: skip
            outcomes = [{"status": done.returncode, "stdout": done.stdout, "stderr": done.stderr}]
        else:
            done = subprocess.run(
                [sys.executable, str(Path(__file__).with_name("aws_cli_many.py"))],
                input=json.dumps(commands), capture_output=True, text=True, env=self.environment, timeout=300,
            )  # fmt: skip
            assert done.returncode == 0, done.stderr
            outcomes = json.loads(done.stdout)
        return [_outcome(command, outcome) for command, outcome in zip(commands, outcomes, strict=True)]

    def call(self, operation: str, **request: Any) -> dict[str, Any]:
        (result,) = self._run([self._command(operation, request)])
        if isinstance(result, Refused):
            raise result
        return result

    def _command(self, operation: str, request: dict[str, Any]) -> list[str]:
        return self._arguments("batch", kebab_case(operation), "--cli-input-json", json.dumps(request))

    def attempt_all(self, calls: Iterable[Call]) -> list[dict[str, Any] | Refused]:
        return self._run([self._command(operation, request) for operation, request in calls])

    def listed_all(self, page_size: int, requests: Iterable[dict[str, Any]]) -> list[list[dict[str, Any]]]:
        commands = [
            self._arguments(
                "batch",
                "list-service-jobs",
                "--page-size",
                str(page_size),
                "--cli-input-json",
                json.dumps(request),
            )
            for request in requests
        ]
        listings = []
        for result in self._run(commands):
            assert not isinstance(result, Refused), result
            listings.append(result["jobSummaryList"])
        return listings

    def move(self, moves: list[dict[str, Any]]) -> None:
        body = json.dumps({"batch": {"service_job_status": moves}}).encode()
        request = urllib.request.Request(self.endpoint + "/moto-api/config", data=body, method="POST")
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert answer.status == 201


def _outcome(command: list[str], outcome: dict[str, Any]) -> dict[str, Any] | Refused:
    """A command's response, or its ``Refused`` read from the CLI's error line."""
    if outcome["status"] != 0:
        match = _CLI_ERROR.search(outcome["stderr"])
        if match is None:
            raise AssertionError(f"aws {' '.join(command)} failed: {outcome['stderr']}")
        message = match.group("message").strip()
        request_id = re.search(r"RequestId: ([0-9a-f-]{36})$", message)
        return Refused(match.group("code"), message, request_id.group(1) if request_id else None)
    result: dict[str, Any] = json.loads(outcome["stdout"]) if outcome["stdout"].strip() else {}
    return result


def _attempt(call: Callable[..., dict[str, Any]], operation_and_request: Call) -> dict[str, Any] | Refused:
    operation, request = operation_and_request
    try:
        return call(operation, **request)
    except Refused as refused:
        return refused


def answers(results: list[dict[str, Any] | Refused]) -> list[dict[str, Any]]:
    """The responses of ``attempt_all``, failing the test on any refusal."""
    refused = [result for result in results if isinstance(result, Refused)]
    assert not refused, refused
    return [result for result in results if not isinstance(result, Refused)]
