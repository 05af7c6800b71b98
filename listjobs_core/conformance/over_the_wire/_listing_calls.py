"""An endpoint as the implementation under test: ListServiceJobs over the wire, and the wire rules.

Theory of operation: :class:`EndpointImplementation` is what the judging code (``_vectors``,
``_differential``, ``_diagnosis``) calls in place of an adapter. ``call(jobs, request, log)`` sends the
request as raw JSON, and ``jobs`` is what the kit knows of the endpoint's jobs (each as
DescribeServiceJob showed it): the reference's answer over them is the expectation, and a summary is
compared with its job's description (W-2). Besides what every response obeys (``_calls.read_response``),
each call checks the wire:

- H-3: every response, success or error, carries an ``x-amzn-RequestId`` never seen before in the run.
- A refusal the contract expects (the reference refuses the request too) must be a ``ClientException``
  with HTTP status 400 and a message (E-1), sent as the service sends errors (E-3): the
  ``x-amzn-ErrorType`` header, a JSON object body whose ``__type`` names the same type and whose
  ``message`` reads ``Error executing request, Exception : <text>, RequestId: <uuid>`` (the observed
  form), and that request id is the response's own (H-3).
- A 5xx answer is a crash (see ``_report``): a fault of the endpoint, recorded once, and not failed
  under every rule whose case meets it (not under E-1 or a message rule either, when the request was one
  to refuse).

Whether the contract refuses a request is the reference's verdict over the same jobs. The reference
cannot read the endpoint's own tokens, so a request that carries a token the endpoint issued is judged
without it: the token's own rules (T-3, T-4, P-3) are the judging code's to check.

A listing that names a job the kit does not know (submitted by someone else, or just now) cannot be
judged: the ids are kept in ``unknown_ids``, and the caller describes them and judges the case again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ... import ClientException, ServerException, list_service_jobs
from .._calls import Outcome, Rejection, json_copy, read_response
from .._report import CaseLog
from ._rest_client import EndpointClient, HttpAnswer

__all__ = ["SERVICE_MESSAGE", "EndpointImplementation", "check_refusal_form", "check_request_id"]

# E-3, observed: "service messages read `Error executing request, Exception : <text>, RequestId: <uuid>`".
SERVICE_MESSAGE = re.compile(
    r"Error executing request, Exception : (?P<text>.*), RequestId: (?P<request_id>[0-9A-Za-z-]+)", re.DOTALL
)
_CLIENT_EXCEPTION = "ClientException"


class EndpointImplementation:
    """ListServiceJobs at an endpoint, called by the judging code as an adapter would be.

    ``request_ids`` holds the request ids seen so far in the run (H-3), shared with its other calls. With
    ``known_jobs`` false (read-only mode), the kit knows none of the jobs it is shown: a summary is then
    checked for its members only (W-2), and no listed job is unknown.
    """

    def __init__(self, client: EndpointClient, request_ids: set[str], *, known_jobs: bool = True) -> None:
        self.client = client
        self.known_jobs = known_jobs
        self.unknown_ids: set[str] = set()
        self._request_ids = request_ids
        self._issued_tokens: set[str] = set()

    @property
    def chooses_jobs(self) -> bool:
        """The endpoint holds its own jobs."""
        return False

    def call(self, jobs: Sequence[Mapping[str, Any]], request: Any, log: CaseLog) -> Outcome:
        """Send ``request`` to ListServiceJobs and check the answer (see the module documentation)."""
        log.calls += 1
        answer = self.client.call("ListServiceJobs", request)
        check_request_id(answer, self._request_ids, log, request)
        refusal = _expected_refusal(jobs, self._without_issued_token(request))
        if answer.status == 200:
            if isinstance(answer.data, Mapping) and isinstance(answer.data.get("nextToken"), str):
                self._issued_tokens.add(answer.data["nextToken"])
            return self._read(answer, jobs, request, log)
        shown = answer.shown()
        message = answer.error_message() or ""
        if answer.status >= 500:
            log.crash(f"answered HTTP {answer.status}", shown, jobs=(), request=request)
            return Rejection(shown, message, crash=True, error_type=answer.error_type() or "")
        if refusal is not None:
            _check_client_exception(answer, log, request, refusal)
        return Rejection(shown, message, error_type=answer.error_type() or "")

    def _without_issued_token(self, request: Any) -> Any:
        token = request.get("nextToken") if isinstance(request, Mapping) else None
        if isinstance(token, str) and token in self._issued_tokens:
            return {name: value for name, value in request.items() if name != "nextToken"}
        return request

    def _read(
        self, answer: HttpAnswer, jobs: Sequence[Mapping[str, Any]], request: Any, log: CaseLog
    ) -> Outcome:
        body = answer.data if answer.data is not None else answer.body.decode("utf-8", "replace")
        if not self.known_jobs:
            return _read_members_only(body, request, log)
        if isinstance(body, Mapping) and isinstance(body.get("jobSummaryList"), list):
            known = {job["jobId"] for job in jobs}
            for summary in body["jobSummaryList"]:
                job_id = summary.get("jobId") if isinstance(summary, Mapping) else None
                if isinstance(job_id, str) and job_id not in known:
                    self.unknown_ids.add(job_id)
        return read_response(body, jobs, request, log)


def check_request_id(answer: HttpAnswer, seen: set[str], log: CaseLog, request: Any) -> None:
    """H-3: the response carries an ``x-amzn-RequestId`` not seen before in this run."""
    log.check("H-3")
    request_id = answer.request_id
    if not request_id:
        log.fail(
            "H-3",
            f"the HTTP {answer.status} response has no x-amzn-RequestId header",
            jobs=(),
            request=request,
            expected="an x-amzn-RequestId header",
            got=sorted(answer.headers),
        )
    elif request_id in seen:
        log.fail(
            "H-3",
            f"the request id {request_id!r} was already given to an earlier response",
            jobs=(),
            request=request,
            expected="a fresh request id",
            got=request_id,
        )
    else:
        seen.add(request_id)


def _expected_refusal(jobs: Sequence[Mapping[str, Any]], request: Any) -> str | None:
    """The reference's ClientException message for ``request`` over ``jobs``, or None when it answers
    (or cannot judge: a job the endpoint described is malformed)."""
    try:
        list_service_jobs(json_copy(list(jobs)), request)
    except ClientException as error:
        return error.message
    except ServerException:
        return None
    return None


def check_refusal_form(log: CaseLog, rule: str, answer: HttpAnswer, request: Any) -> None:
    """(as E-1) a refusal of another operation's listing is HTTP 400, a ClientException with a message;
    else a failure of ``rule``, the rule that operation's calls are checked under."""
    if answer.status != 400 or answer.error_type() != _CLIENT_EXCEPTION or not answer.error_message():
        log.fail(
            rule,
            f"(as E-1) a refusal is answered HTTP {answer.status}, error type {answer.error_type()!r}: "
            "a ClientException is HTTP 400 with a message",
            jobs=(),
            request=request,
            expected={"status": 400, "errorType": _CLIENT_EXCEPTION},
            got=answer.shown(),
        )


def _check_client_exception(answer: HttpAnswer, log: CaseLog, request: Any, refusal: str) -> None:
    """E-1 and E-3 on a refusal the contract expects; H-3 for the request id its message names."""
    log.check("E-1", "E-3")
    error_type = answer.error_type()
    message = answer.error_message()
    expected = {"status": 400, "x-amzn-ErrorType": _CLIENT_EXCEPTION, "__type": _CLIENT_EXCEPTION}

    def fail(rule: str, reason: str) -> None:
        got = {"status": answer.status, "headers": _error_headers(answer), "body": answer.shown()}
        log.fail(rule, reason, jobs=(), request=request, expected={**expected, "refusal": refusal}, got=got)

    if answer.status != 400 or error_type != _CLIENT_EXCEPTION or not message:
        fail(
            "E-1",
            f"a refused request is answered HTTP {answer.status}, error type {error_type!r}, message "
            f"{message!r}: a ClientException is HTTP 400 with a message",
        )
    body = answer.data
    header = answer.headers.get("x-amzn-errortype")
    if header is None:
        fail("E-3", "the error has no x-amzn-ErrorType header")
    elif not isinstance(body, Mapping) or not isinstance(body.get("__type"), str):
        fail("E-3", "the error body is not a JSON object with __type and message")
    elif header.split(":", 1)[0] != body["__type"].rsplit("#", 1)[-1]:
        fail("E-3", f"x-amzn-ErrorType {header!r} and __type {body['__type']!r} name different errors")
    elif not isinstance(body.get("message"), str):
        fail("E-3", "the error body has no message member")
    else:
        found = SERVICE_MESSAGE.fullmatch(body["message"])
        if found is None:
            fail(
                "E-3",
                "the message does not read as the service's do: "
                "'Error executing request, Exception : <text>, RequestId: <uuid>'",
            )
        elif answer.request_id and found.group("request_id") != answer.request_id:
            log.fail(
                "H-3",
                "the error's message names another request id than its x-amzn-RequestId header",
                jobs=(),
                request=request,
                expected=answer.request_id,
                got=found.group("request_id"),
            )


def _error_headers(answer: HttpAnswer) -> dict[str, str]:
    return {name: value for name, value in answer.headers.items() if name.startswith("x-amzn")}


def _read_members_only(body: Any, request: Any, log: CaseLog) -> Outcome:
    """Read a response over jobs the kit does not know: W-1, P-1, P-2 and T-1 as ever, and W-2 for the
    summaries' members only (each summary is compared with itself as a job, so a member beyond
    ServiceJobSummary, or a null one, fails)."""
    summaries = body.get("jobSummaryList") if isinstance(body, Mapping) else None
    jobs = [
        dict(summary)
        for summary in (summaries if isinstance(summaries, list) else [])
        if isinstance(summary, Mapping) and isinstance(summary.get("jobId"), str)
    ]
    return read_response(body, jobs, request, log)
