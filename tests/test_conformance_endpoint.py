"""The conformance kit over the wire: ``check_endpoint`` and ``conformance --endpoint-url``, on real servers.

The project's own ``serve`` (a subprocess, started once for this module) conforms, strict or not. The
reference endpoint with one rule broken (served in this process; see ``tests/serving.py``) fails exactly
that rule, or, for a decision of the reference, differs from it as an advisory. moto's server without the
plug-in is reported as not implementing ListServiceJobs.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from serving import ReferenceService, jobs_of, serving

from listjobs_core import ClientException, list_service_jobs
from listjobs_core.__main__ import main
from listjobs_core.conformance import RemoteEndpointRefused, check_endpoint
from listjobs_core.rest_errors import WireError, wire_error

ROOT = Path(__file__).resolve().parent.parent
# The designed cases catch every mutant below; generated listings only add time here.
EXAMPLES = 0
# No user configuration, no instance metadata: an endpoint on this machine gets the kit's dummy credentials.
ENVIRONMENT = {
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}
_AWS_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE")

Request = dict[str, Any]
Job = dict[str, Any]


@pytest.fixture(scope="module", autouse=True)
def no_ambient_aws_configuration() -> Iterator[None]:
    """Run every test as on a machine without AWS configuration."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in ENVIRONMENT.items():
            patch.setenv(name, value)
        for name in _AWS_VARIABLES:
            patch.delenv(name, raising=False)
        yield


@pytest.fixture(scope="module")
def serve_url() -> Iterator[str]:
    """``python -m listjobs_core serve --port 0 --quiet`` (the demo jobs), started once for the module."""
    process = subprocess.Popen(
        [sys.executable, "-m", "listjobs_core", "serve", "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.fullmatch(r"listening on (http://\S+)\n", line)
        assert found, f"serve printed {line!r}"
        yield found.group(1)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)


# --- the project's own endpoint conforms -----------------------------------------------------------------


def test_serve_conforms_and_the_run_cleans_up_after_itself(serve_url: str) -> None:
    """Every rule the kit can check over the wire is met and passes; the report names the URL as given,
    the queue the run used and the jobs it terminated."""
    report = check_endpoint(serve_url + "/")
    assert report.ok, str(report)
    assert report.target == serve_url + "/"
    unmet = [row.id for row in report.rows if row.checkable and row.result != "ok"]
    assert unmet == [], str(report)
    assert report.generated_cases > 0
    text = str(report)
    assert text.startswith(f"ListServiceJobs conformance of {serve_url}/\n")
    queue = re.search(r"^queue: (listjobs-conformance-[0-9a-f]{8}) ", text, flags=re.MULTILINE)
    assert queue, text
    submitted = re.search(r"^jobs: (\d+) submitted, (\d+) terminated by the run$", text, flags=re.MULTILINE)
    assert submitted and submitted.group(1) == submitted.group(2), text


def test_serve_conforms_strictly_from_the_command_line(serve_url: str) -> None:
    """``python -m listjobs_core conformance --endpoint-url URL --strict`` exits 0: the reference differs
    from none of its own decisions."""
    result = subprocess.run(
        [sys.executable, "-m", "listjobs_core", "conformance", "--endpoint-url", serve_url, "--strict"]
        + ["--examples", "5"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK: all 42 checked rules pass" in result.stdout
    assert "H-3   ok" in result.stdout


def test_read_only_submits_nothing_and_checks_the_jobs_already_there() -> None:
    """``read_only`` leaves the endpoint's jobs as they were, and still judges validation, messages and
    pagination over them."""
    jobs = [
        {
            "jobId": f"j-{number:02d}",
            "jobName": f"train-{number % 3}",
            "status": status,
            "createdAt": 1000 + number,
        }
        for number, status in enumerate(["RUNNING", "SUBMITTED", "FAILED"] * 4)
    ]
    service = ReferenceService(jobs)
    with serving(service) as url:
        report = check_endpoint(url, read_only=True)
    assert report.ok, str(report)
    assert len(service) == len(jobs)
    assert report.kind == "read-only endpoint"
    for rule in ("V-6", "E-1", "E-3", "P-3", "T-3", "T-4"):
        assert report.row(rule).result == "ok", str(report)
    assert report.row("H-4").result == "n/a"
    assert "read-only: nothing was submitted" in str(report)


# --- mutants: the reference endpoint with one rule broken -------------------------------------------------


class MutantService(ReferenceService):
    """The reference endpoint, with a listing that sees jobs and a request it may change (``select``,
    ``rewrite``), and tokens bound to the request as it was sent, so a changed request never makes one
    query's token serve another's."""

    _KEY = secrets.token_bytes(16)

    def select(self, jobs: list[Job], request: Request) -> list[Job]:
        return jobs

    def rewrite(self, request: Request) -> Request:
        return request

    def list_service_jobs(self, request: object) -> dict[str, Any]:
        if not isinstance(request, dict):
            return super().list_service_jobs(request)
        token = request.get("nextToken")
        inner = dict(request)
        if isinstance(token, str):
            inner["nextToken"] = self._unwrap(token, request)
        real = {job["jobId"]: job for job in jobs_of(self)}
        response = list_service_jobs(self.select(list(real.values()), inner), self.rewrite(inner))
        for summary in response["jobSummaryList"]:
            job = real[summary["jobId"]]
            summary.update({member: job[member] for member in ("createdAt", "status") if member in job})
        if "nextToken" in response:
            response["nextToken"] = self._wrap(response["nextToken"], request)
        return response

    def _tag(self, token: str, request: Request) -> str:
        queue = str(request.get("jobQueue") or "").rsplit("/", 1)[-1]
        query = json.dumps([queue, request.get("jobStatus"), request.get("filters")], sort_keys=True)
        return hmac.new(self._KEY, (query + token).encode(), hashlib.sha256).hexdigest()[:16]

    def _wrap(self, token: str, request: Request) -> str:
        return f"{token}.{self._tag(token, request)}"

    def _unwrap(self, token: str, request: Request) -> str:
        inner, _, tag = token.rpartition(".")
        if not hmac.compare_digest(tag, self._tag(inner, request)):
            raise ClientException("nextToken is not valid for this request")
        return inner


def _filter(request: Request) -> tuple[str, str] | None:
    """The name and value of a request's one filter, when it has exactly one with one string value."""
    filters = request.get("filters")
    if isinstance(filters, list) and len(filters) == 1 and isinstance(filters[0], dict):
        values = filters[0].get("values")
        if isinstance(values, list) and len(values) == 1 and isinstance(values[0], str):
            return str(filters[0].get("name")), values[0]
    return None


class CaseSensitiveNames(MutantService):
    """S-5: JOB_NAME compares names as they are."""

    def select(self, jobs: list[Job], request: Request) -> list[Job]:
        found = _filter(request)
        if found is None or found[0] != "JOB_NAME":
            return jobs
        value = found[1]
        if value.endswith("*"):
            return [job for job in jobs if job["jobName"].startswith(value[:-1])]
        return [job for job in jobs if job["jobName"] == value]


class EveryStarAWildcard(MutantService):
    """S-6: every ``*`` of a JOB_NAME value is a wildcard."""

    def select(self, jobs: list[Job], request: Request) -> list[Job]:
        found = _filter(request)
        if found is None or found[0] != "JOB_NAME" or "*" not in found[1][:-1]:
            return jobs
        pattern = ".*".join(re.escape(part.casefold()) for part in found[1].split("*"))
        return [job for job in jobs if re.fullmatch(pattern, job["jobName"].casefold(), re.DOTALL)]

    def rewrite(self, request: Request) -> Request:
        found = _filter(request)
        if found is None or found[0] != "JOB_NAME" or "*" not in found[1][:-1]:
            return request
        return {**request, "filters": [{"name": "JOB_NAME", "values": ["*"]}]}


class ShareFiltersIgnoreStatus(MutantService):
    """S-4: SHARE_IDENTIFIER and QUOTA_SHARE_NAME list jobs of every status."""

    def rewrite(self, request: Request) -> Request:
        found = _filter(request)
        if found is not None and found[0] in ("SHARE_IDENTIFIER", "QUOTA_SHARE_NAME"):
            return {name: value for name, value in request.items() if name != "jobStatus"}
        return request


class NoDefaultRunning(MutantService):
    """S-2: without a status or a filter, jobs of every status are listed."""

    def rewrite(self, request: Request) -> Request:
        if request.get("jobStatus") is None and not request.get("filters"):
            return {**request, "filters": [{"name": "AFTER_CREATED_AT", "values": ["0"]}]}
        return request


class StatusNotIgnoredByFilters(MutantService):
    """S-3: JOB_NAME and created-at filters still select by jobStatus (RUNNING when absent)."""

    def select(self, jobs: list[Job], request: Request) -> list[Job]:
        found = _filter(request)
        if found is None or found[0] not in ("JOB_NAME", "BEFORE_CREATED_AT", "AFTER_CREATED_AT"):
            return jobs
        status = request.get("jobStatus") or "RUNNING"
        return [job for job in jobs if job.get("status") == status]


class OldestFirst(MutantService):
    """O-1: the oldest job first (created-at filters aside)."""

    def select(self, jobs: list[Job], request: Request) -> list[Job]:
        found = _filter(request)
        if found is not None and found[0].endswith("_CREATED_AT"):
            return jobs
        return [{**job, "createdAt": 2**62 - job["createdAt"]} for job in jobs]


class TwoFiltersAccepted(MutantService):
    """V-6: a second filter is ignored instead of refused."""

    def rewrite(self, request: Request) -> Request:
        filters = request.get("filters")
        if isinstance(filters, list) and len(filters) > 1:
            return {**request, "filters": filters[:1]}
        return request


class OwnMessageForTwoValues(MutantService):
    """V-8: two filter values are refused, but not with the service's message."""

    def list_service_jobs(self, request: object) -> dict[str, Any]:
        try:
            return super().list_service_jobs(request)
        except ClientException as error:
            if "more than one value" in error.message:
                raise ClientException("each filter takes a single value") from None
            raise


class LargePagesAccepted(MutantService):
    """V-4: a maxResults above 100 is cut to 100 instead of refused."""

    def rewrite(self, request: Request) -> Request:
        size = request.get("maxResults")
        if type(size) is int and size > 100:
            return {**request, "maxResults": 100}
        return request


class PagesOneTooLong(MutantService):
    """P-1: a page holds one job more than maxResults."""

    def rewrite(self, request: Request) -> Request:
        size = request.get("maxResults")
        if type(size) is int and 1 <= size < 100:
            return {**request, "maxResults": size + 1}
        return request


class QueueEchoed(MutantService):
    """W-2: each summary also carries the job's jobQueue."""

    def list_service_jobs(self, request: object) -> dict[str, Any]:
        response = super().list_service_jobs(request)
        real = {job["jobId"]: job for job in jobs_of(self)}
        for summary in response["jobSummaryList"]:
            summary["jobQueue"] = real[summary["jobId"]].get("jobQueue")
        return response


class InclusiveCreatedAtBounds(MutantService):
    """S-7 (a decision): BEFORE_CREATED_AT and AFTER_CREATED_AT include the bound."""

    def rewrite(self, request: Request) -> Request:
        found = _filter(request)
        if found is None or not found[0].endswith("_CREATED_AT") or not re.fullmatch("[0-9]{1,18}", found[1]):
            return request
        bound = int(found[1]) + (1 if found[0] == "BEFORE_CREATED_AT" else -1)
        return {**request, "filters": [{"name": found[0], "values": [str(max(bound, 0))]}]}


class NullMembersRefused(MutantService):
    """IN-4 (a decision): a member whose value is null is refused instead of taken as absent."""

    def list_service_jobs(self, request: object) -> dict[str, Any]:
        if isinstance(request, dict) and any(value is None for value in request.values()):
            raise ClientException("request members must not be null")
        return super().list_service_jobs(request)


class RegistryTokens(ReferenceService):
    """Tokens that are random ids of pages held in a dict: ``unbound`` ones continue whatever query they
    are presented with (T-3), ``offsets`` ones count jobs already listed instead of naming the last (P-4)."""

    def __init__(self, jobs: list[Job], *, broken: str) -> None:
        super().__init__(jobs)
        self.broken = broken
        self.pages: dict[str, tuple[Request, Any]] = {}

    def list_service_jobs(self, request: object) -> dict[str, Any]:
        if not isinstance(request, dict):
            return super().list_service_jobs(request)
        token = request.get("nextToken")
        query = {name: value for name, value in request.items() if name not in ("nextToken", "maxResults")}
        if isinstance(query.get("jobQueue"), str):  # a queue's name and its ARN are one queue (T-3)
            query["jobQueue"] = query["jobQueue"].rsplit("/", 1)[-1]
        cursor: Any = None
        if token is not None:
            if not isinstance(token, str) or token not in self.pages:
                raise ClientException("nextToken is not valid")
            bound, cursor = self.pages[token]
            if self.broken == "unbound":
                query = bound
            elif bound != query:
                raise ClientException("nextToken is not valid for this request")
        size = request.get("maxResults")
        if self.broken == "offsets":
            super().list_service_jobs({**query, **({"maxResults": size} if size is not None else {})})
            whole = super().list_service_jobs({**query, "maxResults": 100})["jobSummaryList"]
            page_size = size if type(size) is int else 100
            start = cursor or 0
            response: dict[str, Any] = {"jobSummaryList": whole[start : start + page_size]}
            next_cursor: Any = start + page_size if start + page_size < len(whole) else None
        else:
            inner = {**query, **({"maxResults": size} if size is not None else {})}
            if cursor is not None:
                inner["nextToken"] = cursor
            response = super().list_service_jobs(inner)
            next_cursor = response.pop("nextToken", None)
        if next_cursor is not None:
            new = secrets.token_hex(12)
            self.pages[new] = (query, next_cursor)
            response["nextToken"] = new
        return response


class _WireError(ClientException):
    """A ClientException the endpoint sends its own way (see the subclasses)."""


class ValidationTyped(_WireError):
    """E-1: refusals typed ValidationException."""

    error_type = "ValidationException"


class BareMessage(_WireError):
    """E-3: the message without the service's 'Error executing request, ...' form."""


@wire_error.register
def _bare_message(error: BareMessage, request_id: str | None = None) -> WireError:
    wire = wire_error.dispatch(ClientException)(error, None)
    if request_id is not None:
        wire.headers["x-amzn-RequestId"] = request_id
    return wire


class OtherRequestIdInMessage(_WireError):
    """H-3: the message names another request id than the response's header."""


@wire_error.register
def _other_request_id(error: OtherRequestIdInMessage, request_id: str | None = None) -> WireError:
    wire = wire_error.dispatch(ClientException)(error, "00000000-0000-4000-8000-000000000000")
    if request_id is not None:
        wire.headers["x-amzn-RequestId"] = request_id
    return wire


def refusing_as(error_class: type[ClientException]) -> type[ReferenceService]:
    """The reference endpoint, refusing listings with ``error_class`` errors."""

    class Refusing(ReferenceService):
        def list_service_jobs(self, request: object) -> dict[str, Any]:
            try:
                return super().list_service_jobs(request)
            except ClientException as error:
                raise error_class(error.message) from None

    return Refusing


class TerminateWithoutReason(ReferenceService):
    """H-6: a terminated job's statusReason is not the reason given."""

    def terminate_service_job(self, request: object) -> dict[str, Any]:
        if isinstance(request, dict):
            request = {**request, "reason": "terminated"}
        return super().terminate_service_job(request)


class SubmitAnswersTheIdOnly(ReferenceService):
    """H-4: SubmitServiceJob answers the jobId alone."""

    def submit_service_job(self, request: object) -> dict[str, Any]:
        return {"jobId": super().submit_service_job(request)["jobId"]}


class ClientTokensIgnored(ReferenceService):
    """H-7: a clientToken used before is ignored."""

    def submit_service_job(self, request: object) -> dict[str, Any]:
        if isinstance(request, dict):
            request = {name: value for name, value in request.items() if name != "clientToken"}
        return super().submit_service_job(request)


class NullsInDescriptions(ReferenceService):
    """H-5: DescribeServiceJob answers a job that has not started with ``startedAt: null``."""

    def describe_service_job(self, request: object) -> dict[str, Any]:
        return {"startedAt": None, **super().describe_service_job(request)}


# Each mutant, the rule it breaks, and whether that rule is a decision of the reference (an advisory that
# fails only in strict mode).
ENDPOINT_MUTANTS: list[tuple[Callable[[], ReferenceService], str, bool]] = [
    (lambda: CaseSensitiveNames([]), "S-5", False),
    (lambda: EveryStarAWildcard([]), "S-6", False),
    (lambda: ShareFiltersIgnoreStatus([]), "S-4", False),
    (lambda: NoDefaultRunning([]), "S-2", False),
    (lambda: StatusNotIgnoredByFilters([]), "S-3", False),
    (lambda: OldestFirst([]), "O-1", False),
    (lambda: TwoFiltersAccepted([]), "V-6", False),
    (lambda: OwnMessageForTwoValues([]), "V-8", False),
    (lambda: LargePagesAccepted([]), "V-4", False),
    (lambda: PagesOneTooLong([]), "P-1", False),
    (lambda: QueueEchoed([]), "W-2", False),
    (lambda: refusing_as(ValidationTyped)([]), "E-1", False),
    (lambda: refusing_as(BareMessage)([]), "E-3", False),
    (lambda: refusing_as(OtherRequestIdInMessage)([]), "H-3", False),
    (lambda: SubmitAnswersTheIdOnly([]), "H-4", False),
    (lambda: NullsInDescriptions([]), "H-5", False),
    (lambda: TerminateWithoutReason([]), "H-6", False),
    (lambda: ClientTokensIgnored([]), "H-7", False),
    (lambda: InclusiveCreatedAtBounds([]), "S-7", True),
    (lambda: NullMembersRefused([]), "IN-4", True),
    (lambda: RegistryTokens([], broken="unbound"), "T-3", True),
    (lambda: RegistryTokens([], broken="offsets"), "P-4", True),
]


@pytest.mark.parametrize(
    ("make", "rule", "decision"),
    ENDPOINT_MUTANTS,
    ids=[f"{rule}-{make().__class__.__name__}" for make, rule, _ in ENDPOINT_MUTANTS],
)
def test_each_endpoint_mutant_fails_exactly_its_rule_over_the_wire(
    make: Callable[[], ReferenceService], rule: str, decision: bool
) -> None:
    """One rule broken at the endpoint is reported under that rule and no other: a failure for a rule
    AWS states, an advisory (a failure only in strict mode) for a decision of the reference."""
    with serving(make()) as url:
        report = check_endpoint(url, examples=EXAMPLES, strict=decision)
    assert report.failed_rules == (rule,), str(report)
    assert not report.crashes and not report.problems, str(report)
    example = report.row(rule).example
    assert example is not None
    if decision:
        assert report.differing_rules == (rule,)


def test_a_decision_broken_at_the_endpoint_passes_unless_strict() -> None:
    """An endpoint whose only difference is a decision (strict created-at bounds) conforms, with an
    advisory that names the decision."""
    with serving(InclusiveCreatedAtBounds([])) as url:
        report = check_endpoint(url, examples=EXAMPLES)
    assert report.ok, str(report)
    assert report.differing_rules == ("S-7",)
    assert "Differs from the reference's decision (the bounds are strict)" in str(report)


class CrashingOnNameFilters(ReferenceService):
    """A bug on one path: every listing with a JOB_NAME filter raises inside the endpoint (a 500)."""

    def list_service_jobs(self, request: object) -> dict[str, Any]:
        filters = request.get("filters") if isinstance(request, dict) else None
        if isinstance(filters, list) and any(
            isinstance(item, dict) and item.get("name") == "JOB_NAME" for item in filters
        ):
            raise KeyError("jobName")
        return super().list_service_jobs(request)


def test_an_endpoint_that_crashes_gets_one_line_not_a_wall_of_rules() -> None:
    """500 answers are one line above the table, with the first request that met one; no rule is failed
    for them, not even the message rules of the refusals that crashed too."""
    with serving(CrashingOnNameFilters([])) as url:
        report = check_endpoint(url, examples=EXAMPLES)
    assert not report.ok
    assert report.failed_rules == (), str(report)
    assert [crash.what for crash in report.crashes] == ["answered HTTP 500"]
    assert re.search(
        r"^CRASH: the endpoint answered HTTP 500 on \d+ of \d+ calls; first: ", str(report), re.M
    )
    assert report.row("S-5").result == "crash"
    assert report.row("S-1").result == "ok"


class StatusesThatNeverSettle(ReferenceService):
    """A scheduler that never rests: a job waiting to run says, each time it is described, which attempt
    to place it is under way."""

    def __init__(self, jobs: list[Job]) -> None:
        super().__init__(jobs)
        self.descriptions = 0

    def describe_service_job(self, request: object) -> dict[str, Any]:
        answer = super().describe_service_job(request)
        self.descriptions += 1
        if answer.get("status") != "FAILED":
            answer["statusReason"] = f"placement attempt {self.descriptions}"
        return answer


def test_listings_over_jobs_that_keep_changing_are_unstable_not_passed() -> None:
    """When the jobs never look the same twice, no listing is judged: the rules are reported as unstable,
    never as passed."""
    with serving(StatusesThatNeverSettle([])) as url:
        report = check_endpoint(url, examples=EXAMPLES, rules=["S-1", "S-5", "V-6"])
    assert report.row("S-1").result == "unstable", str(report)
    assert report.row("S-5").result == "unstable"
    assert report.row("V-6").result == "ok"
    assert "unstable: not judged" in str(report)


# --- moto, safety, the command line ------------------------------------------------------------------


def test_moto_without_the_plugin_is_reported_as_not_implementing_list_service_jobs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """moto's server answers POST /v1/listservicejobs with 404 (to moto 5.2.5) or a 500 that says the action
    is not implemented (5.2.6 on, which finds the operation in botocore's model): one clear line, exit 1."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        status = main(["conformance", "--endpoint-url", f"http://127.0.0.1:{port}"])
    finally:
        server.stop()
    out = capsys.readouterr().out
    assert status == 1, out
    assert re.search(
        r"^PROBLEM: ListServiceJobs (is not implemented|fails) at http://127\.0\.0\.1:\d+: "
        r"POST /v1/listservicejobs is answered HTTP (404|500)",
        out,
        flags=re.MULTILINE,
    ), out
    assert "FAILED: the run could not be made" in out
    # A 500 is judged under H-3 too (it carries no request id), so one rule fewer is left unreached.
    assert re.search(r"\((41|40) rules not reached: the run stopped at the problem above\)", out), out
    assert len(out.splitlines()) < 40


def test_nothing_is_submitted_to_a_remote_endpoint_without_allow_remote(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A non-loopback endpoint is refused before any request unless --allow-remote (or --read-only)."""
    with pytest.raises(RemoteEndpointRefused, match="--allow-remote"):
        check_endpoint("http://192.0.2.10:8000")
    status = main(["conformance", "--endpoint-url", "https://batch.us-east-1.amazonaws.com"])
    assert status == 2
    assert "is not on this machine" in capsys.readouterr().err


def test_an_unreachable_endpoint_is_a_command_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    """Nothing listening at the URL: exit status 2 and a message, no report."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    status = main(["conformance", "--endpoint-url", f"http://127.0.0.1:{port}"])
    assert status == 2
    assert "cannot reach" in capsys.readouterr().err


def test_the_kit_imports_botocore_only_to_check_an_endpoint() -> None:
    """``import listjobs_core.conformance`` stays standard library only; without botocore, checking an
    endpoint says which extra to install."""
    code = (
        "import sys\n"
        "import listjobs_core, listjobs_core.conformance\n"
        "assert 'botocore' not in sys.modules, 'botocore imported'\n"
        "sys.modules['botocore'] = None\n"
        "from listjobs_core.conformance import MissingDependency, check_endpoint\n"
        "try:\n"
        "    check_endpoint('http://127.0.0.1:9')\n"
        "except MissingDependency as error:\n"
        "    print(error)\n"
    )
    command = [sys.executable, "-c", code]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert 'pip install ".[conformance]" from a clone' in result.stdout


@pytest.mark.parametrize(
    "argv",
    [
        ["conformance"],
        [
            "conformance",
            "--adapter",
            "listjobs_core:list_service_jobs",
            "--endpoint-url",
            "http://127.0.0.1:1",
        ],
        ["conformance", "--adapter", "listjobs_core:list_service_jobs", "--read-only"],
        ["conformance", "--endpoint-url", "http://127.0.0.1:1", "--skip", "X-9"],
    ],
)
def test_a_bad_command_line_exits_2(argv: list[str]) -> None:
    """No target, two targets, an endpoint option for an adapter, an unknown rule: exit status 2."""
    assert main(argv) == 2
