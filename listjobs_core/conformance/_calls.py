"""Calling the implementation under test, and the rules every single response is checked against.

Theory of operation: the adapter is untrusted. Each call gets its own copies of the jobs and the request,
so nothing the adapter does to them can leak into the next call or into the kit's expectations; after
the call the copies are compared with the originals (IN-1: "never mutated"; V-12: "The request is never
changed"). Any exception is a rejection, since emulators raise their own error types. A response is
then checked for what the contract says of every response, whatever the query:

- W-1: a mapping with ``jobSummaryList`` (a list of objects), ``nextToken`` only when there is one,
  nothing else (botocore's ``ResponseMetadata`` is tolerated), JSON-serialisable.
- W-2: each summary is exactly the ``ServiceJobSummary`` members of the job with its ``jobId``.
- P-1: at most ``maxResults`` summaries (100 by default). P-2: ``nextToken`` never null, and only on a
  full page. T-1: a token is a string of at most 1024 characters.
- W-3: every mutable value in the response is then changed, and the jobs must not change with it.

What the kit keeps of an answer is a JSON copy taken before that probe. Tokens are kept as the adapter
gave them and never compared by text.

A *crash* is a programming error (``KeyError``, ``TypeError``, ``AttributeError`` ...) raised on a request
the contract answers: an adapter with the wrong signature, or one that reads a member some jobs lack. It is
recorded once per call (``CaseLog.crash``), and the judging code does not also fail a rule for it, so one
bug gives one line of the report instead of a failure of every rule whose cases it meets.

The judging code sees the implementation through :class:`Implementation`: ``AdapterImplementation`` here,
an HTTP endpoint in ``over_the_wire._listing_calls``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeAlias, runtime_checkable

from .. import list_service_jobs
from ._report import CaseLog

__all__ = [
    "SUMMARY_MEMBERS",
    "Adapter",
    "AdapterImplementation",
    "Answer",
    "Implementation",
    "Malformed",
    "Outcome",
    "Rejection",
    "as_implementation",
    "call",
    "read_response",
    "json_copy",
    "page_limit",
    "summary_of",
]

Adapter: TypeAlias = Callable[[list[dict[str, Any]], dict[str, Any]], Any]

# W-2, from the service model's ServiceJobSummary. Restated here on purpose rather than imported from
# the core: the kit checks the reference too, so it must not share the reference's tables.
SUMMARY_MEMBERS = (
    "jobArn",
    "jobId",
    "jobName",
    "capacityUsage",
    "createdAt",
    "latestAttempt",
    "scheduledAt",
    "serviceJobType",
    "shareIdentifier",
    "quotaShareName",
    "status",
    "statusReason",
    "startedAt",
    "stoppedAt",
    "isTerminated",
)
# W-2, model: ServiceJobSummary.isTerminated is "only present when the value is true".
_TRUE_ONLY_MEMBERS = frozenset({"isTerminated"})
_RESPONSE_MEMBERS = frozenset({"jobSummaryList", "nextToken"})
# What botocore adds to every parsed response; not part of the wire body.
_CLIENT_MEMBERS = frozenset({"ResponseMetadata"})
TOKEN_MAX_CHARACTERS = 1024
DEFAULT_PAGE_SIZE = 100
_PROBE = "conformance-probe"
# Exception types that signal a bug in the implementation rather than a refusal, when raised on a request the
# contract answers. ValueError and plain Exception are left out: emulators raise them to refuse requests.
_CRASH_TYPES = (
    TypeError,
    LookupError,
    AttributeError,
    NameError,
    ArithmeticError,
    AssertionError,
    NotImplementedError,
    RecursionError,
)


@dataclass(frozen=True, slots=True)
class Answer:
    """A response the kit could read: the listed job ids, the summaries (JSON copies) and the token."""

    ids: tuple[str, ...]
    summaries: tuple[dict[str, Any], ...]
    token: Any
    shown: Any

    @property
    def more(self) -> bool:
        """Whether the response carries a nextToken."""
        return self.token is not None


@dataclass(frozen=True, slots=True)
class Rejection:
    """The implementation refused: the error, as text for the report and for message checks.

    ``programming_error``: the error is one of Python's own programming errors (``KeyError`` ...), whose
    message is no refusal's. ``crash``: such an error on a request the contract answers (see the module
    documentation), already recorded, which no rule is failed for.
    """

    error: str
    text: str
    crash: bool = False
    programming_error: bool = False
    error_type: str = ""

    @property
    def shown(self) -> str:
        """How the report shows a rejection."""
        return f"rejected: {self.error}"


@dataclass(frozen=True, slots=True)
class Malformed:
    """A response the kit cannot read (W-1 is failed already)."""

    shown: Any


Outcome: TypeAlias = "Answer | Rejection | Malformed"


@runtime_checkable
class Implementation(Protocol):
    """The implementation under test, as the judging code calls it.

    ``call(jobs, request, log)`` answers ``request`` over ``jobs``, checks what every call and every
    response obey (recording failures in ``log``), and returns the outcome. ``chooses_jobs`` is true when
    the kit chooses the jobs of each call (an adapter); false when the implementation holds its own and
    ``jobs`` is only what the kit knows of them (an endpoint), which the kit can then neither reorder nor
    leave out.
    """

    @property
    def chooses_jobs(self) -> bool: ...

    def call(self, jobs: Sequence[Mapping[str, Any]], request: Any, log: CaseLog) -> Outcome: ...


@dataclass(frozen=True, slots=True)
class AdapterImplementation:
    """An adapter function as an :class:`Implementation`."""

    adapter: Adapter

    @property
    def chooses_jobs(self) -> bool:
        """The kit chooses the jobs of every call."""
        return True

    def call(self, jobs: Sequence[Mapping[str, Any]], request: Any, log: CaseLog) -> Outcome:
        """Call the adapter (see :func:`call`)."""
        return call(self.adapter, jobs, request, log)


def as_implementation(implementation: Adapter | Implementation) -> Implementation:
    """An :class:`Implementation`, wrapping a plain adapter function."""
    if isinstance(implementation, Implementation):
        return implementation
    return AdapterImplementation(implementation)


def json_copy(value: Any) -> Any:
    """A deep copy of a JSON value (faster than ``copy.deepcopy`` for plain JSON)."""
    return json.loads(json.dumps(value))


def page_limit(request: Any) -> int:
    """The largest page a valid request allows (P-1): its maxResults, or 100."""
    if isinstance(request, Mapping):
        size = request.get("maxResults")
        if type(size) is int and 1 <= size <= DEFAULT_PAGE_SIZE:
            return size
    return DEFAULT_PAGE_SIZE


def summary_of(job: Mapping[str, Any]) -> dict[str, Any]:
    """The summary the contract expects for a job (W-2): its ServiceJobSummary members, in any order."""
    return {
        member: job[member]
        for member in SUMMARY_MEMBERS
        if job.get(member) is not None and not (member in _TRUE_ONLY_MEMBERS and job[member] is False)
    }


def call(adapter: Adapter, jobs: Sequence[Mapping[str, Any]], request: Any, log: CaseLog) -> Outcome:
    """Call the adapter on copies of ``jobs`` and ``request``, check the rules every call and every
    response obey, and return what it answered."""
    jobs_text = _canonical(jobs)
    request_text = _canonical(request)
    given_jobs: list[dict[str, Any]] = json_copy(list(jobs))
    given_request = json_copy(request)
    log.calls += 1
    try:
        response = adapter(given_jobs, given_request)
    except Exception as error:  # any exception is a rejection: emulators raise their own types
        programming_error = _is_crash(error)
        crash = programming_error and _contract_answers(jobs, request)
        error_type = type(error).__name__
        rejection = Rejection(_describe(error), _searchable_text(error), crash, programming_error, error_type)
        if crash:
            log.crash(f"raised {error_type}", rejection.error, jobs=jobs, request=request)
        outcome: Outcome = rejection
    else:
        outcome = read_response(response, jobs, request, log)
    log.check("IN-1", "V-12")
    inputs: tuple[tuple[str, str, Any, str], ...] = (
        ("IN-1", "jobs", given_jobs, jobs_text),
        ("V-12", "request", given_request, request_text),
    )
    for rule, name, given, text in inputs:
        if _canonical(given) != text:
            log.fail(
                rule,
                f"the adapter changed the {name} it was given",
                jobs=jobs,
                request=request,
                expected=json.loads(text),
                got=_safe_json(given),
            )
    if isinstance(outcome, Answer) and _has_mutable_member(jobs):
        log.check("W-3")
        before_probe = _canonical(given_jobs)
        _probe(response)
        if _canonical(given_jobs) != before_probe:
            log.fail(
                "W-3",
                "changing the response changed the jobs: a summary shares a mutable value with its job",
                jobs=jobs,
                request=request,
                expected=_safe_json(json.loads(before_probe))
                if before_probe.startswith(("[", "{"))
                else None,
                got=_safe_json(given_jobs),
            )
    return outcome


def _is_crash(error: Exception) -> bool:
    """Whether an exception is one of Python's own programming errors (not a subclass an emulator made)."""
    return isinstance(error, _CRASH_TYPES) and type(error).__module__ == "builtins"


def _contract_answers(jobs: Sequence[Mapping[str, Any]], request: Any) -> bool:
    """Whether the contract answers ``request`` over ``jobs`` (the reference does not refuse it)."""
    try:
        list_service_jobs(json_copy(list(jobs)), json_copy(request))
    except Exception:  # a refusal: the request is invalid
        return False
    return True


def read_response(response: Any, jobs: Sequence[Mapping[str, Any]], request: Any, log: CaseLog) -> Outcome:
    """Check the rules every response obeys (W-1, W-2, P-1, P-2, T-1) and read it."""
    log.check("W-1")

    def fail(rule: str, reason: str, expected: Any, *, decision_part: bool = False) -> None:
        log.fail(
            rule,
            reason,
            jobs=jobs,
            request=request,
            expected=expected,
            got=_safe_json(response),
            decision_part=decision_part,
        )

    if not isinstance(response, Mapping):
        fail("W-1", f"the response is not a mapping but {type(response).__name__}", "an object")
        return Malformed(_safe_json(response))
    body = {name: value for name, value in response.items() if name not in _CLIENT_MEMBERS}
    summaries = body.get("jobSummaryList")
    if not isinstance(summaries, list) or not all(
        isinstance(summary, Mapping) and isinstance(summary.get("jobId"), str) for summary in summaries
    ):
        fail("W-1", "jobSummaryList is missing, or not a list of objects that have a jobId", "jobSummaryList")
        return Malformed(_safe_json(response))
    try:
        shown = json.loads(json.dumps(body, allow_nan=False))
    except (TypeError, ValueError) as error:
        fail("W-1", f"the response is not JSON-serialisable: {error}", "a JSON object")
        return Malformed(_safe_json(response))
    extra = sorted(str(name) for name in body if name not in _RESPONSE_MEMBERS)
    if extra:
        fail(
            "W-1", f"the response has members beyond jobSummaryList and nextToken: {extra}", "no such members"
        )

    log.check("P-1", "P-2", "W-2")
    token = body.get("nextToken")
    if "nextToken" in body and token is None:
        fail(
            "P-2",
            "nextToken is present but null; it must be absent when no jobs follow",
            "no nextToken",
            decision_part=True,
        )
    limit = page_limit(request)
    if len(summaries) > limit:
        fail("P-1", f"a page of {len(summaries)} jobs, more than maxResults = {limit}", f"at most {limit}")
    if token is not None and len(summaries) < limit:
        fail(
            "P-2",
            f"a nextToken on a page of {len(summaries)} jobs: a page with a nextToken is full ({limit})",
            f"a page of {limit}, or no nextToken",
        )
    if token is not None:
        log.check("T-1")
        if not isinstance(token, str) or not 0 < len(token) <= TOKEN_MAX_CHARACTERS:
            fail(
                "T-1",
                f"nextToken is not a string of 1 to {TOKEN_MAX_CHARACTERS} characters",
                "a string of at most 1024 characters",
            )
    by_id = {job["jobId"]: job for job in jobs}
    copies: list[dict[str, Any]] = shown["jobSummaryList"]
    for summary in copies:
        job = by_id.get(summary["jobId"])
        if job is None:
            fail(
                "W-2",
                f"a summary of job {summary['jobId']!r}, which is not among the jobs",
                "no such summary",
            )
        elif _canonical(summary) != _canonical(summary_of(job)):
            fail(
                "W-2",
                f"the summary of job {summary['jobId']!r} is not exactly the job's ServiceJobSummary members",
                summary_of(job),
            )
    ids = tuple(summary["jobId"] for summary in copies)
    return Answer(ids, tuple(copies), token, shown)


def _canonical(value: Any) -> str:
    """A text equal for equal JSON values, and different for values of different JSON types."""
    try:
        return json.dumps(value, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return f"not JSON: {id(value)}"


def _safe_json(value: Any) -> Any:
    try:
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError, RecursionError):
        return repr(value)


def _describe(error: BaseException) -> str:
    text = str(error)
    text = " ".join(text.split())
    if len(text) > 300:
        text = text[:297] + "..."
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _searchable_text(error: BaseException) -> str:
    """Every text an exception carries: ``str()``, a ``message`` attribute, and a botocore-style
    ``response['Error']['Message']``, so a message check works whatever the emulator's error type."""
    parts = [str(error), repr(error)]
    message = getattr(error, "message", None)
    if isinstance(message, str):
        parts.append(message)
    response = getattr(error, "response", None)
    if isinstance(response, Mapping):
        details = response.get("Error")
        if isinstance(details, Mapping) and isinstance(details.get("Message"), str):
            parts.append(details["Message"])
    return "\n".join(parts)


def _has_mutable_member(jobs: Sequence[Mapping[str, Any]]) -> bool:
    return any(isinstance(job.get(member), (dict, list)) for job in jobs for member in SUMMARY_MEMBERS)


def _probe(value: Any, depth: int = 0) -> None:
    """Change every dict and list inside the response's summaries (W-3)."""
    if depth > 50:
        return
    if isinstance(value, dict):
        for item in list(value.values()):
            _probe(item, depth + 1)
        if depth > 0:
            value[_PROBE] = True
    elif isinstance(value, list):
        for item in value:
            _probe(item, depth + 1)
        if depth > 1:
            value.append(_PROBE)
