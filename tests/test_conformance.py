"""The conformance kit: it passes correct implementations, whatever their tokens, and names the rule each
broken one breaks.

``Independent`` below is a second, deliberately plain implementation of the rules in docs/SEMANTICS.md with
its own token formats (signed base64 JSON, or random ids held in a dict), so that a pass proves the kit
never relies on the reference's token text. Each mutant breaks exactly one rule, either of
``Independent`` (a flag) or of the reference (a small wrapper).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from listjobs_core import list_service_jobs
from listjobs_core.cli import main
from listjobs_core.conformance import DEFAULT_EXAMPLES, RULES, Report, check, load_vectors
from listjobs_core.conformance._report import Tally
from listjobs_core.conformance._vectors import run_case

ROOT = Path(__file__).resolve().parent.parent
# Enough generated cases for every mutant to meet the cases that catch it; the vectors catch most alone.
EXAMPLES = 60

Job = dict[str, Any]
Request = dict[str, Any]

# --- an independent implementation ---------------------------------------------------------------------

STATUSES = ("SUBMITTED", "PENDING", "RUNNABLE", "SCHEDULED", "STARTING", "RUNNING", "SUCCEEDED", "FAILED")
FILTERS = ("JOB_NAME", "BEFORE_CREATED_AT", "AFTER_CREATED_AT", "SHARE_IDENTIFIER", "QUOTA_SHARE_NAME")
SUMMARY = (
    "jobArn", "jobId", "jobName", "capacityUsage", "createdAt", "latestAttempt", "scheduledAt",
    "serviceJobType", "shareIdentifier", "quotaShareName", "status", "statusReason", "startedAt", "stoppedAt",
    "isTerminated",
)  # fmt: skip
QUEUE_ARN = re.compile(r"arn:[^:]+:batch:[^:]*:[^:]*:job-queue/([^/]+)")
MAX_LONG = 2**63 - 1


class EmulatorError(Exception):
    """What an emulator raises: its own type, not listjobs_core's."""


def queue_name(queue: str) -> str:
    match = QUEUE_ARN.fullmatch(queue)
    return match.group(1) if match else queue


def same_queue(first: str, second: str) -> bool:
    if QUEUE_ARN.fullmatch(first) and QUEUE_ARN.fullmatch(second):
        return first == second
    return queue_name(first) == queue_name(second)


def same_query(bound: Any, binding: Any) -> bool:
    """Whether a token bound to ``bound`` (queue, status, filter) serves ``binding``: the same status and
    filter, and queues that denote the same queue (a name and its ARN agree, two ARNs only when equal)."""
    if bound is None or binding is None:
        return bound is binding
    bound_queue, *bound_rest = bound
    queue, *rest = binding
    if (bound_queue is None) != (queue is None):
        return False
    return bound_rest == rest and (queue is None or same_queue(bound_queue, queue))


@dataclass
class Independent:
    """ListServiceJobs written plainly from the contract: filter everything, sort everything, slice.

    ``tokens`` is ``"signed"`` (base64 JSON of the last key and the query, with a SHA-256 check),
    ``"registry"`` (a random id per page, its cursor held in a dict) or ``"padded"`` (padded base64 of the
    JSON and its check, decoded leniently, so a token whose cut-off last character was padding still
    works). ``broken`` names one rule to break.
    """

    tokens: str = "signed"
    broken: str | None = None
    registry: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def __call__(self, jobs: list[Job], request: Request) -> dict[str, Any]:
        if not isinstance(request, dict):
            raise EmulatorError("the request must be an object")
        queue = request.get("jobQueue")
        if queue is not None and (not isinstance(queue, str) or not queue):
            raise EmulatorError("bad jobQueue")
        status = request.get("jobStatus")
        if status is not None and (not isinstance(status, str) or status not in STATUSES):
            raise EmulatorError("bad jobStatus")
        size = request.get("maxResults")
        if size is None:
            size = 100
        elif type(size) is not int or not 1 <= size <= 100:
            raise EmulatorError("bad maxResults")
        the_filter = self._filter(request.get("filters"))
        binding = [queue, status, the_filter]

        selected = [job for job in jobs if self._selects(job, queue, status, the_filter)]
        key = self._key(the_filter)
        selected.sort(key=key)
        token = request.get("nextToken")
        offset = 0
        if token is not None:
            after = self._decode(token, binding)
            if self.broken == "offset tokens":
                offset = after
                selected = selected[after:]
            else:
                selected = [job for job in selected if key(job) > tuple(after)]
        page = selected[:size]
        more = len(page) == size if self.broken == "nextToken on a full last page" else len(selected) > size
        if self.broken == "members beyond the summary echoed":
            summaries = [json.loads(json.dumps(job)) for job in page]
        else:
            summaries = [
                json.loads(json.dumps({
                    name: job[name] for name in SUMMARY if name in job and job[name] is not False
                })) for job in page
            ]
        response: dict[str, Any] = {"jobSummaryList": summaries}
        if more and page:
            cursor = offset + len(page) if self.broken == "offset tokens" else list(key(page[-1]))
            response["nextToken"] = self._encode(cursor, binding)
        return response

    def _filter(self, filters: Any) -> tuple[str, str] | None:
        if filters is None:
            return None
        if not isinstance(filters, list):
            raise EmulatorError("filters must be a list")
        if len(filters) > 1 and self.broken != "two filters accepted":
            raise EmulatorError("Only one filter key-value pair can be specified.")
        if not filters:
            return None
        one = filters[0]
        if (
            not isinstance(one, dict)
            or one.get("name") not in FILTERS
            or not isinstance(one.get("name"), str)
        ):
            raise EmulatorError("bad filter name")
        values = one.get("values")
        if not isinstance(values, list):
            raise EmulatorError("values must be a list")
        if len(values) > 1:
            raise EmulatorError("Filter cannot take more than one value.")
        if not values or not isinstance(values[0], str):
            raise EmulatorError("values must hold one string")
        name, value = one["name"], values[0]
        if name == "JOB_NAME" and not value:
            raise EmulatorError("empty JOB_NAME")
        if name.endswith("_CREATED_AT") and not (
            re.fullmatch(r"[0-9]+", value, re.ASCII) and int(value) <= MAX_LONG
        ):
            raise EmulatorError("bad created-at value")
        return name, value

    def _selects(
        self, job: Job, queue: str | None, status: str | None, the_filter: tuple[str, str] | None
    ) -> bool:
        if queue is not None and "jobQueue" in job and not same_queue(job["jobQueue"], queue):
            return False
        if the_filter is None:
            wanted = status or (None if self.broken == "no default RUNNING" else "RUNNING")
            return wanted is None or job.get("status") == wanted
        name, value = the_filter
        if name in ("SHARE_IDENTIFIER", "QUOTA_SHARE_NAME"):
            member = "shareIdentifier" if name == "SHARE_IDENTIFIER" else "quotaShareName"
            if self.broken == "share filters ignore jobStatus":
                status = None
            return job.get(member) == value and (status is None or job.get("status") == status)
        if self.broken == "status not overridden by a filter" and job.get("status") != (status or "RUNNING"):
            return False
        if name == "JOB_NAME":
            fold: Callable[[str], str] = (
                (lambda text: text) if self.broken == "case-sensitive names" else str.casefold
            )
            if self.broken == "every * a wildcard":
                pattern = ".*".join(re.escape(part.casefold()) for part in value.split("*"))
                return re.fullmatch(pattern, job["jobName"].casefold(), re.DOTALL) is not None
            if value.endswith("*"):
                return fold(job["jobName"]).startswith(fold(value[:-1]))
            return fold(job["jobName"]) == fold(value)
        created = job.get("createdAt")
        if created is None:
            return False
        bound = int(value)
        if self.broken == "inclusive created-at bounds":
            return created <= bound if name == "BEFORE_CREATED_AT" else created >= bound
        return created < bound if name == "BEFORE_CREATED_AT" else created > bound

    def _key(self, the_filter: tuple[str, str] | None) -> Callable[[Job], tuple[Any, ...]]:
        sign = 1 if self.broken == "oldest first" else -1

        def by_age(job: Job) -> tuple[Any, ...]:
            created = job.get("createdAt")
            newest_first = 0 if created is None else sign * created
            if self.broken == "shorter jobIds first among equal createdAt":
                return (created is None, newest_first, len(job["jobId"]), job["jobId"])
            return (created is None, newest_first, job["jobId"])

        if the_filter is not None and the_filter[0] == "JOB_NAME":
            return lambda job: (job["jobName"], job.get("version", 0), *by_age(job))
        return by_age

    def _encode(self, cursor: Any, binding: Any) -> str:
        if self.broken == "tokens not bound to the query":
            binding = None
        binding = json.loads(json.dumps(binding))
        if self.tokens == "registry":
            token = secrets.token_hex(12)
            self.registry[token] = (cursor, binding)
            return token
        payload = json.dumps({"after": cursor, "query": binding}).encode()
        check = hashlib.sha256(b"independent" + payload).hexdigest()[:16]
        if self.tokens == "padded":
            return base64.urlsafe_b64encode(payload + b"\n" + check.encode()).decode()
        return base64.urlsafe_b64encode(payload).decode() + "." + check

    def _decode(self, token: Any, binding: Any) -> Any:
        if self.broken == "tokens not bound to the query":
            binding = None
        if not isinstance(token, str):
            raise EmulatorError("nextToken must be a string")
        if self.tokens == "registry":
            if token not in self.registry:
                raise EmulatorError("unknown nextToken")
            after, bound = self.registry[token]
        elif self.tokens == "padded":
            try:
                decoded = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            except ValueError:
                raise EmulatorError("malformed nextToken") from None
            payload, _, check = decoded.rpartition(b"\n")
            if hashlib.sha256(b"independent" + payload).hexdigest()[:16].encode() != check:
                raise EmulatorError("altered nextToken")
            data = json.loads(payload)
            after, bound = data["after"], data["query"]
        else:
            encoded, _, check = token.rpartition(".")
            try:
                payload = base64.urlsafe_b64decode(encoded.encode())
            except ValueError:
                raise EmulatorError("malformed nextToken") from None
            if hashlib.sha256(b"independent" + payload).hexdigest()[:16] != check:
                raise EmulatorError("altered nextToken")
            data = json.loads(payload)
            after, bound = data["after"], data["query"]
        if not same_query(bound, json.loads(json.dumps(binding))):
            raise EmulatorError("nextToken of another query")
        return after


# --- mutants of the reference ---------------------------------------------------------------------------


def reference_echoing_members(jobs: list[Job], request: Request) -> dict[str, Any]:
    """The reference, but each summary is the whole job (jobQueue, version, tags... echoed)."""
    response = list_service_jobs(jobs, request)
    by_id = {job["jobId"]: job for job in jobs}
    return {**response, "jobSummaryList": [dict(by_id[item["jobId"]]) for item in response["jobSummaryList"]]}


def reference_with_null_token(jobs: list[Job], request: Request) -> dict[str, Any]:
    """The reference, but the last page says ``"nextToken": null``."""
    response = list_service_jobs(jobs, request)
    return {"nextToken": None, **response}


def reference_mutating_jobs(jobs: list[Job], request: Request) -> dict[str, Any]:
    """The reference, after sorting the caller's list in place."""
    jobs.sort(key=lambda job: job["jobId"])
    return list_service_jobs(jobs, request)


def reference_mutating_request(jobs: list[Job], request: Request) -> dict[str, Any]:
    """The reference, after filling in the caller's request defaults."""
    if isinstance(request, dict):
        request.setdefault("maxResults", 100)
    return list_service_jobs(jobs, request)


def reference_sharing_values(jobs: list[Job], request: Request) -> dict[str, Any]:
    """The reference, but summaries hold the jobs' own nested values."""
    response = list_service_jobs(jobs, request)
    by_id = {job["jobId"]: job for job in jobs}
    for item in response["jobSummaryList"]:
        for member, value in item.items():
            if isinstance(value, (dict, list)):
                item[member] = by_id[item["jobId"]][member]
    return response


def reference_with_own_messages(jobs: list[Job], request: Request) -> dict[str, Any]:
    """The reference, but every rejection says only 'invalid request'."""
    try:
        return list_service_jobs(jobs, request)
    except Exception:
        raise EmulatorError("invalid request") from None


class BotocoreStyleError(Exception):
    """Like botocore's ClientError: the service's message is in ``response['Error']['Message']``."""

    def __init__(self, message: str) -> None:
        super().__init__("An error occurred (ClientException) when calling the ListServiceJobs operation")
        self.response = {"Error": {"Code": "ClientException", "Message": message}}


def reference_raising_botocore_style(jobs: list[Job], request: Request) -> dict[str, Any]:
    """The reference behind a client: errors come back as botocore-style exceptions, with metadata."""
    try:
        response = list_service_jobs(jobs, request)
    except Exception as error:
        raise BotocoreStyleError(getattr(error, "message", str(error))) from None
    return {**response, "ResponseMetadata": {"HTTPStatusCode": 200}}


def naive_moto_style(jobs: list[Job], request: Request) -> dict[str, Any]:
    """What a quick emulator does: filter by status or an exact-case name pattern, sort oldest first, no
    pagination, no validation, created-at filters ignored, the stored jobs returned as they are."""
    filters = request.get("filters") or []
    names = [item["values"][0] for item in filters if item.get("name") == "JOB_NAME"]
    if names:
        pattern = names[0]
        selected = [
            job
            for job in jobs
            if (
                job["jobName"].startswith(pattern[:-1])
                if pattern.endswith("*")
                else job["jobName"] == pattern
            )
        ]
    else:
        selected = [job for job in jobs if job.get("status") == request.get("jobStatus", "RUNNING")]
    selected.sort(key=lambda job: job.get("createdAt", 0))
    return {"jobSummaryList": selected}


# --- the kit passes correct implementations -----------------------------------------------------------


@pytest.mark.parametrize("case", load_vectors(), ids=lambda case: case.id)
def test_reference_passes_every_vector(case: Any) -> None:
    """Every hand-written vector holds for the reference."""
    tally = Tally(RULES)
    with tally.case(case.name) as log:
        run_case(list_service_jobs, case, log)
    assert not log.failed, "\n".join(str(failure) for failure in log.failed.values())


def test_reference_conforms_in_well_under_a_minute() -> None:
    """The reference passes the whole default run, vectors and generated cases, quickly."""
    started = time.perf_counter()
    report = check(list_service_jobs)
    elapsed = time.perf_counter() - started
    assert report.ok, str(report)
    assert report.generated_cases == DEFAULT_EXAMPLES
    assert elapsed < 30, f"check took {elapsed:.1f} s"


@pytest.mark.parametrize("tokens", ["signed", "registry"])
def test_independent_implementation_with_its_own_tokens_conforms(tokens: str) -> None:
    """A correct implementation passes whatever its token format: tokens are judged by behaviour only."""
    report = check(Independent(tokens), examples=200, seed=3)
    assert report.ok, str(report)


def test_botocore_style_client_conforms() -> None:
    """Errors of another type with the message inside, and ResponseMetadata, are fine."""
    report = check(reference_raising_botocore_style, examples=20)
    assert report.ok, str(report)


# --- the kit catches each broken rule -------------------------------------------------------------------

# Each mutant, the rule it breaks, and every rule the kit may report it under: one, except that ordering
# oldest first also breaks "newest first" within the JOB_NAME groups of O-2.
MUTANTS: list[tuple[str, str, set[str]]] = [
    ("case-sensitive names", "S-5", {"S-5"}),
    ("inclusive created-at bounds", "S-7", {"S-7"}),
    ("no default RUNNING", "S-2", {"S-2"}),
    ("status not overridden by a filter", "S-3", {"S-3"}),
    ("oldest first", "O-1", {"O-1", "O-2"}),
    ("two filters accepted", "V-6", {"V-6"}),
    ("offset tokens", "P-4", {"P-4"}),
    ("tokens not bound to the query", "T-3", {"T-3"}),
    ("members beyond the summary echoed", "W-2", {"W-2"}),
    ("nextToken on a full last page", "P-2", {"P-2"}),
    ("share filters ignore jobStatus", "S-4", {"S-4"}),
    ("every * a wildcard", "S-6", {"S-6"}),
]


@pytest.mark.parametrize(("broken", "rule", "reported"), MUTANTS, ids=[broken for broken, _, _ in MUTANTS])
@pytest.mark.parametrize("tokens", ["signed", "registry"])
def test_each_mutant_fails_its_rule_and_only_it(
    broken: str, rule: str, reported: set[str], tokens: str
) -> None:
    """An implementation with one rule broken fails that rule (in strict mode, which grades decisions too),
    is not blamed for the rules its bug merely spoils, and the report shows a small case of it."""
    report = check(Independent(tokens, broken), examples=EXAMPLES, strict=True)
    assert not report.ok
    assert rule in report.failed_rules, str(report)
    assert set(report.failed_rules) <= reported, str(report)
    smallest = report.row(rule).example
    assert smallest is not None and len(smallest.jobs) <= 9
    assert f"{rule}: " in str(report)


@pytest.mark.parametrize(
    ("broken", "rule"),
    [("offset tokens", "P-4"), ("oldest first", "O-1"), ("inclusive created-at bounds", "S-7")],
)
def test_generated_cases_catch_mutants_too(broken: str, rule: str) -> None:
    """Beyond the vectors, generated cases fail the mutant, and the kit names the same rule for them."""
    vectors_only = check(Independent("signed", broken), examples=0, rules=[rule]).row(rule).differences
    with_generated = check(Independent("signed", broken), examples=150, rules=[rule]).row(rule).differences
    assert with_generated > vectors_only


@pytest.mark.parametrize(
    ("adapter", "rules"),
    [
        (reference_echoing_members, ("W-2", "W-3")),
        (reference_with_null_token, ("P-2",)),
        (reference_mutating_jobs, ("IN-1",)),
        (reference_mutating_request, ("V-12",)),
        (reference_sharing_values, ("W-3",)),
        (reference_with_own_messages, ("V-6", "V-8")),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_wrapped_reference_mutant_fails_its_rule(adapter: Callable[..., Any], rules: tuple[str, ...]) -> None:
    """Breaking one rule of the reference from outside is caught and named: echoing whole jobs also
    shares their nested values (W-3), and the service's messages are fixed for V-6 and V-8 only."""
    report = check(adapter, examples=20, strict=True)
    assert report.failed_rules == rules, str(report)


def test_naive_moto_style_adapter_fails_with_a_readable_report() -> None:
    """The quick emulator fails many rules, and the report says which, with a small case for each."""
    report = check(naive_moto_style, examples=40)
    assert not report.ok
    assert {"S-5", "O-1", "P-1", "W-2", "V-6"} <= set(report.failed_rules)
    assert "S-7" in report.differing_rules
    text = str(report)
    assert text.count("\n") > 50
    assert "FAILED:" in text
    assert "O-1: newest createdAt first, then ascending jobId." in text
    for label in ("case", "why", "jobs", "request", "expected", "got"):
        assert f"    {label:<10}" in text
    assert report.row("S-1").result == "ok"
    assert report.row("E-1").result == "n/a"


def test_each_mutant_is_illustrated_by_a_case_written_for_its_rule() -> None:
    """The case shown for a failing rule is one of its own vectors, not one written for another rule."""
    report = check(Independent("signed", "share filters ignore jobStatus"), examples=EXAMPLES)
    example = report.row("S-4").example
    assert example is not None and example.case.startswith("vectors.json S-4-"), str(report)


# --- grading by source ------------------------------------------------------------------------------------


def test_a_broken_aws_rule_fails_and_a_broken_decision_is_an_advisory() -> None:
    """Breaking a rule AWS states fails the report; deciding otherwise than the reference where AWS is
    silent passes it, with an advisory that strict mode turns into a failure."""
    aws = check(Independent("signed", "case-sensitive names"), examples=EXAMPLES)
    assert not aws.ok
    assert aws.failed_rules == ("S-5",)
    decision = check(Independent("signed", "inclusive created-at bounds"), examples=EXAMPLES)
    assert decision.ok, str(decision)
    assert (decision.failed_rules, decision.differing_rules) == ((), ("S-7",))
    assert decision.row("S-7").result == "differs"
    text = str(decision)
    heading = "S-7: BEFORE_CREATED_AT and AFTER_CREATED_AT are strict bounds. Differs from the reference's "
    assert heading + "decision (the bounds are strict)" in text
    assert "(advisory; fails with strict)" in text
    strict = check(Independent("signed", "inclusive created-at bounds"), examples=EXAMPLES, strict=True)
    assert not strict.ok
    assert strict.failed_rules == ("S-7",)
    assert strict.row("S-7").result == "FAIL"


def reference_differing_only_in_decisions(jobs: list[Job], request: Request) -> dict[str, Any]:
    """The reference, but where AWS is silent it decides otherwise: an empty jobQueue names no queue and is
    answered (V-2), and summaries hold the jobs' own nested values (W-3)."""
    if isinstance(request, dict) and request.get("jobQueue") == "":
        request = {name: value for name, value in request.items() if name != "jobQueue"}
    return reference_sharing_values(jobs, request)


def test_an_implementation_differing_only_in_decisions_passes_unless_strict() -> None:
    """Every AWS rule holds, so the report is ok and names the two decisions it differs from."""
    report = check(reference_differing_only_in_decisions, examples=EXAMPLES)
    assert report.ok, str(report)
    assert report.differing_rules == ("V-2", "W-3")
    strict = check(reference_differing_only_in_decisions, examples=EXAMPLES, strict=True)
    assert not strict.ok
    assert strict.failed_rules == ("V-2", "W-3")


def test_a_tie_break_of_its_own_differs_only_from_the_decision_part_of_an_aws_rule() -> None:
    """O-1 is AWS's (newest first) with a decision (equal createdAt by jobId): another tie-break is an
    advisory of O-1 and O-2, not a failure."""
    report = check(Independent("signed", "shorter jobIds first among equal createdAt"), examples=EXAMPLES)
    assert report.ok, str(report)
    assert "O-1" in report.differing_rules
    assert set(report.differing_rules) <= {"O-1", "O-2"}
    assert "equal createdAt by ascending jobId" in str(report)


# --- crashes ---------------------------------------------------------------------------------------------


def reference_reading_created_at(jobs: list[Job], request: Request) -> dict[str, Any]:
    """The reference, after sorting by ``job["createdAt"]``: a KeyError for any job without one."""
    sorted(jobs, key=lambda job: job["createdAt"])
    return list_service_jobs(jobs, request)


def test_a_crash_is_one_line_above_the_table_not_a_failure_of_every_rule() -> None:
    """KeyError on jobs without createdAt: the report fails, with one line naming the error, how often
    it happened and the first case, and no rule is blamed for it."""
    report = check(reference_reading_created_at, examples=EXAMPLES)
    assert not report.ok
    assert report.failed_rules == ()
    assert [crash.what for crash in report.crashes] == ["raised KeyError"]
    lines = str(report).splitlines()
    crash = r"CRASH: the adapter raised KeyError on \d+ of \d+ calls; first: KeyError: 'createdAt'"
    assert re.fullmatch(crash, lines[2])
    assert lines[3].startswith("    case      vectors.json ")
    assert "FAILED: the implementation crashed (see above)" in lines


def test_an_adapter_with_the_wrong_signature_gets_one_line_not_a_wall_of_rules() -> None:
    """Every call raises TypeError: one line says so, and no rule fails, its message checks included."""

    def one_argument(jobs: list[Job]) -> dict[str, Any]:
        return {"jobSummaryList": []}

    report = check(one_argument, examples=EXAMPLES)  # type: ignore[arg-type]
    text = str(report)
    assert not report.ok
    assert report.failed_rules == ()
    assert "CRASH: the adapter raised TypeError on " in text
    assert "takes 1 positional argument but 2 were given" in text
    assert len(text.splitlines()) < 70
    assert report.row("S-5").result == "crash"


def test_a_changed_token_that_still_decodes_is_reported_as_such() -> None:
    """Padded base64 tokens decoded leniently accept a token whose cut-off last character was padding:
    T-4 fails, and says why."""
    report = check(Independent("padded"), examples=EXAMPLES, strict=True)
    assert report.failed_rules == ("T-4",), str(report)
    example = report.row("T-4").example
    assert example is not None
    assert "still decodes to the same bytes as the original, as base64" in example.reason


# --- the report ------------------------------------------------------------------------------------------


def test_every_checkable_rule_has_a_hand_written_vector() -> None:
    """Each rule the kit can check is pinned by at least one vector of its own."""
    tagged = {case.rule for case in load_vectors()}
    assert {rule.id for rule in RULES if rule.adapter.checked} <= tagged


def test_vector_file_is_versioned_and_shipped_in_the_package() -> None:
    """vectors.json sits inside the package, in format 1."""
    data = json.loads((ROOT / "listjobs_core" / "conformance" / "vectors.json").read_text(encoding="utf-8"))
    assert data["format"] == 1
    assert len(data["cases"]) == len(load_vectors())


def test_unknown_vector_format_is_refused() -> None:
    """A vector file of another format version is not silently misread."""
    with pytest.raises(ValueError, match="format"):
        load_vectors(json.dumps({"format": 2, "cases": []}))


def test_report_is_reproducible_from_its_seed() -> None:
    """The same adapter and seed give the same report, so a failure can be replayed (tokens aside, which
    are the adapter's own: these are deterministic)."""
    first = str(check(Independent("signed", "oldest first"), examples=30, seed=7))
    second = str(check(Independent("signed", "oldest first"), examples=30, seed=7))
    assert first == second
    assert "(seed 7)" in first


def test_rules_limit_the_report() -> None:
    """``rules`` keeps only the named rows; an unknown id is an error."""
    report = check(list_service_jobs, examples=5, rules=["S-5", "P-4"])
    assert [row.id for row in report.rows] == ["S-5", "P-4"]
    assert report.ok
    with pytest.raises(ValueError, match="X-1"):
        check(list_service_jobs, rules=["X-1"])


def test_skip_leaves_rules_out() -> None:
    """``skip`` drops rows, beside ``rules``; an unknown id is an error there too."""
    report = check(list_service_jobs, examples=5, skip=["W-3", "S-7"])
    ids = [row.id for row in report.rows]
    assert "W-3" not in ids and "S-7" not in ids and "S-6" in ids
    both = check(list_service_jobs, examples=0, rules=["S-5", "S-6"], skip=["S-6"])
    assert [row.id for row in both.rows] == ["S-5"]
    with pytest.raises(ValueError, match="X-2"):
        check(list_service_jobs, skip=["X-2"])


def test_the_table_shows_sources_and_only_the_rows_the_target_shows() -> None:
    """Rules an adapter cannot show are left out of the table (and counted), unless all rows are asked
    for; each row says whether the rule is AWS's or a decision."""
    report = check(list_service_jobs, examples=0)
    text, full = str(report), report.render(all_rows=True)
    assert "rule  result   source          cases  failures  what" in text
    assert "\nE-1 " not in text
    assert "(85 rules that cannot be checked for an adapter not shown)" in text
    assert "E-1   n/a      AWS" in full
    assert "S-5   ok       AWS " in text
    assert "S-7   ok       decision " in text
    assert "O-1   ok       AWS + decision " in text


def test_the_title_names_the_adapter_as_given() -> None:
    """``name`` (the command line passes the --adapter spec) is the report's title, word for word."""
    report = check(list_service_jobs, examples=0, name="my_emulator:_make.<locals>.adapter")
    assert str(report).splitlines()[0] == "ListServiceJobs conformance of my_emulator:_make.<locals>.adapter"


def test_the_kit_gives_the_adapter_copies_only() -> None:
    """No object the adapter receives is reused: each call gets fresh jobs and a fresh request."""
    seen: list[int] = []

    def recording(jobs: list[Job], request: Request) -> dict[str, Any]:
        seen.extend(id(job) for job in jobs)
        seen.append(id(jobs))
        return list_service_jobs(jobs, request)

    # Objects are kept alive by ``kept`` so that their ids cannot be reused by later calls.
    kept: list[Any] = []

    def keeping(jobs: list[Job], request: Request) -> dict[str, Any]:
        kept.append((jobs, request))
        return recording(jobs, request)

    check(keeping, examples=5)
    assert len(seen) == len(set(seen))


def test_the_kit_does_not_import_hypothesis() -> None:
    """The kit is standard library only at run time."""
    code = (
        "import sys; from listjobs_core import list_service_jobs; "
        "from listjobs_core.conformance import check; "
        "assert check(list_service_jobs, examples=5).ok; "
        "assert 'hypothesis' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# --- the command line -------------------------------------------------------------------------------------


def test_command_passes_the_reference(capsys: pytest.CaptureFixture[str]) -> None:
    """``conformance`` exits 0 and prints the table for a conforming adapter."""
    status = main(["conformance", "--adapter", "listjobs_core:list_service_jobs", "--examples", "10"])
    out = capsys.readouterr().out
    assert status == 0
    assert "OK: all 39 checked rules pass" in out
    assert "S-5   ok" in out


def test_command_titles_the_report_with_the_adapter_as_given(capsys: pytest.CaptureFixture[str]) -> None:
    """The title repeats the --adapter spec; --all-rows shows the rules an adapter cannot show."""
    command = ["conformance", "--adapter", "listjobs_core:list_service_jobs", "--examples", "0"]
    status = main([*command, "--all-rows"])
    out = capsys.readouterr().out
    assert status == 0
    assert out.splitlines()[0] == "ListServiceJobs conformance of listjobs_core:list_service_jobs"
    assert "E-1   n/a " in out


def test_command_grades_decisions_as_advisories_unless_strict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An adapter that differs from the reference only in a decision exits 0, and 1 with --strict;
    --skip leaves that rule out, and then --strict passes too."""
    (tmp_path / "shares_values.py").write_text(
        "from listjobs_core import list_service_jobs\n"
        "def adapter(jobs, request):\n"
        "    response = list_service_jobs(jobs, request)\n"
        "    by_id = {job['jobId']: job for job in jobs}\n"
        "    for summary in response['jobSummaryList']:\n"
        "        for member, value in summary.items():\n"
        "            if isinstance(value, (dict, list)):\n"
        "                summary[member] = by_id[summary['jobId']][member]\n"
        "    return response\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    command = ["conformance", "--adapter", "shares_values:adapter", "--examples", "20"]
    assert main(command) == 0
    assert "differs from the reference's decisions on W-3" in capsys.readouterr().out
    assert main([*command, "--strict"]) == 1
    assert "W-3   FAIL" in capsys.readouterr().out
    assert main([*command, "--strict", "--skip", "W-3"]) == 0


def test_command_fails_a_broken_adapter_as_a_subprocess(tmp_path: Path) -> None:
    """``python -m listjobs_core conformance`` exits 1 with the table for a failing adapter."""
    (tmp_path / "quick_emulator.py").write_text(
        "def list_jobs(jobs, request):\n"
        "    return {'jobSummaryList': [job for job in jobs if job.get('status') == 'RUNNING']}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "listjobs_core",
            "conformance",
            "--adapter",
            "quick_emulator:list_jobs",
            "--examples",
            "5",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": ""},
        timeout=60,
    )
    assert result.returncode == 1, result.stderr
    assert "FAILED:" in result.stdout
    assert "W-2   FAIL" in result.stdout


@pytest.mark.parametrize(
    "spec",
    ["no_such_module_anywhere:f", "listjobs_core:no_such_function", "listjobs_core", "listjobs_core:__doc__"],
)
def test_command_refuses_an_adapter_it_cannot_load(spec: str, capsys: pytest.CaptureFixture[str]) -> None:
    """An adapter that cannot be imported or called is a usage error (exit 2)."""
    status = main(["conformance", "--adapter", spec])
    assert status == 2
    assert "error:" in capsys.readouterr().err


def test_command_help_states_the_kit_default(capsys: pytest.CaptureFixture[str]) -> None:
    """The --examples default the help text states is the kit's."""
    main(["conformance", "--help"])
    assert f"(default: {DEFAULT_EXAMPLES})" in " ".join(capsys.readouterr().out.split())


def test_report_type_is_exported() -> None:
    """``Report`` is what ``check`` returns."""
    assert isinstance(check(list_service_jobs, examples=0), Report)


# --- the kit's rooms ---------------------------------------------------------------------------------------

KIT = ROOT / "listjobs_core" / "conformance"
ROOMS = ("in_process", "over_the_wire")


def kit_imports(path: Path) -> set[str]:
    """The modules of the kit that the module at ``path`` imports anywhere, as paths relative to the kit
    (``_rules``, ``in_process._check``, ``over_the_wire``)."""
    import ast

    package = path.parent.relative_to(KIT).parts
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = list(package[: len(package) - (node.level - 1)]) if node.level > 1 else list(package)
            if node.level - 1 > len(package):
                continue  # above the kit: the core or the package
            target = [*base, *(node.module.split(".") if node.module else [])]
            if target:
                found.add(".".join(target))
            else:
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            for name in names:
                if name.startswith("listjobs_core.conformance."):
                    found.add(name.removeprefix("listjobs_core.conformance."))
    return found


def test_the_kit_has_one_room_per_way_of_checking() -> None:
    """What both ways of checking share sits at the top of conformance/ and imports neither room; each
    room imports the shared modules and never the other room, so either can change on its own."""
    for path in sorted(KIT.rglob("*.py")):
        relative = path.relative_to(KIT)
        room = relative.parts[0] if len(relative.parts) > 1 else None
        if relative.name in ("__init__.py", "_command.py") and room is None:
            continue  # the facade and the command line dispatch to both rooms
        rooms_imported = {name.split(".")[0] for name in kit_imports(path)} & set(ROOMS)
        allowed = set() if room is None else {room}
        assert rooms_imported <= allowed, f"{relative} imports {sorted(rooms_imported - allowed)}"


def test_no_module_name_of_the_kit_is_used_elsewhere_in_the_package() -> None:
    """A module of the kit is found by its name alone: no other module of the package has it."""
    package = ROOT / "listjobs_core"
    outside = {path.name for path in package.rglob("*.py") if KIT not in path.parents}
    inside = [path.name for path in KIT.rglob("*.py") if path.name != "__init__.py"]
    assert len(inside) == len(set(inside)), sorted(name for name in inside if inside.count(name) > 1)
    assert set(inside) & outside == set()


def test_every_module_of_the_kit_says_what_it_exports() -> None:
    """Each module of the kit has ``__all__``, and every name in it exists."""
    import importlib

    for path in sorted(KIT.rglob("*.py")):
        relative = path.relative_to(KIT).with_suffix("")
        parts = [part for part in relative.parts if part != "__init__"]
        module = importlib.import_module(".".join(["listjobs_core", "conformance", *parts]))
        exported = getattr(module, "__all__", None)
        assert exported is not None, f"{path.relative_to(ROOT)} has no __all__"
        assert [name for name in exported if not hasattr(module, name)] == [], path
