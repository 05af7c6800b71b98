"""Judging ListJobs: what every answer obeys, and a designed case traversed against the reference.

Theory of operation: an implementation of ListJobs is seen through a *call*, ``call(request, log)``,
which sends one request and returns an :class:`Outcome`: the listed ids and the token of an answer, or a
refusal (``crash`` when it is the implementation's programming error or server fault, recorded once).
An adapter is called in process (``in_process``), an endpoint over HTTP (``over_the_wire``); both read an
answer with :func:`read_list_jobs_response`. :func:`run_list_jobs_case` traverses a case twice, by the
call and by :func:`listjobs_core.list_jobs` over the case's jobs, page by page with the same page sizes,
each following its own tokens: the pages must hold the same jobs in the same order, and a request the
reference refuses must be refused. A difference fails the rule the case is written for; the rules of the
response's shape and tokens (the ListServiceJobs rules W-1, P-2 and T-1) are graded under LJ-1, the page
limit under LJ-4 and the summaries' members under LJ-12.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .. import list_jobs, list_service_jobs
from ._calls import json_copy
from ._list_jobs_cases import FILTERED_LIMIT, UNFILTERED_LIMIT, ListJobsCase
from ._report import CaseLog

__all__ = [
    "JOB_SUMMARY_MEMBERS",
    "Call",
    "Failing",
    "Outcome",
    "canonical",
    "job_summary_of",
    "list_jobs_page_size",
    "read_list_jobs_response",
    "reference_outcome",
    "run_list_jobs_case",
]

# LJ-12, from the service model's JobSummary, restated rather than imported: the kit checks the reference.
JOB_SUMMARY_MEMBERS = (
    "jobArn",
    "jobId",
    "jobName",
    "capacityUsage",
    "createdAt",
    "scheduledAt",
    "shareIdentifier",
    "status",
    "statusReason",
    "startedAt",
    "stoppedAt",
    "container",
    "arrayProperties",
    "nodeProperties",
    "jobDefinition",
    "isCancelled",
    "isTerminated",
)
# LJ-12: "the last two only when true".
_TRUE_ONLY = frozenset({"isCancelled", "isTerminated"})
_CLIENT_MEMBERS = frozenset({"ResponseMetadata"})
_TOKEN_MAX = 1024
_MAX_PAGES = 50


def job_summary_of(job: Mapping[str, Any]) -> dict[str, Any]:
    """The summary LJ-12 expects of a job: its ``JobSummary`` members, the true-only ones when true."""
    return {
        member: job[member]
        for member in JOB_SUMMARY_MEMBERS
        if job.get(member) is not None and not (member in _TRUE_ONLY and job[member] is not True)
    }


def list_jobs_page_size(request: Any) -> int:
    """LJ-4, LJ-8: the most jobs a page may hold, ``maxResults`` cut to 1000, or to 100 when a filter
    applies (a queue listing with a filter)."""
    limit = UNFILTERED_LIMIT
    if isinstance(request, Mapping) and request.get("filters") and request.get("jobQueue") is not None:
        limit = FILTERED_LIMIT
    size = request.get("maxResults") if isinstance(request, Mapping) else None
    return min(size, limit) if type(size) is int and size >= 1 else limit


class Failing:
    """Records failures of one call (or traversal) in ``log``, with its jobs and request:
    ``fail(rule, reason, expected, got)``; ``request=`` names another request of it, ``decision_part``
    marks a check of the rule's decision part."""

    def __init__(self, log: CaseLog, jobs: Sequence[Mapping[str, Any]], request: Any) -> None:
        self.log, self.jobs, self.request = log, jobs, request

    def __call__(
        self,
        rule_id: str,
        reason: str,
        expected: Any,
        got: Any,
        *,
        decision_part: bool = False,
        request: Any = None,
    ) -> None:
        self.log.fail(
            rule_id,
            reason,
            jobs=self.jobs,
            request=self.request if request is None else request,
            expected=expected,
            got=got,
            decision_part=decision_part,
        )


class Outcome:
    """What one call gave: ``ids`` and ``token`` for an answer, ``refusal`` text for a refusal;
    ``crash`` when the refusal is a programming error on a request the contract answers."""

    def __init__(
        self,
        ids: list[str] | None = None,
        token: Any = None,
        refusal: str | None = None,
        crash: bool = False,
        shown: Any = None,
    ) -> None:
        self.ids = ids
        self.token = token
        self.refusal = refusal
        self.crash = crash
        self.shown = shown


def reference_outcome(jobs: Sequence[Mapping[str, Any]], request: Any) -> Outcome:
    """What :func:`listjobs_core.list_jobs` gives for ``request`` over ``jobs``."""
    try:
        response = list_jobs(json_copy(list(jobs)), json_copy(request))
    except Exception as error:  # the reference refuses
        return Outcome(refusal=f"{type(error).__name__}: {error}")
    return Outcome([s["jobId"] for s in response["jobSummaryList"]], response.get("nextToken"))


def canonical(value: Any) -> str:
    """A text equal for equal JSON values (and unlike any JSON text for a value that is not JSON)."""
    try:
        return json.dumps(value, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return f"not JSON: {id(value)}"


def read_list_jobs_response(
    response: Any,
    jobs: Sequence[Mapping[str, Any]],
    request: Any,
    log: CaseLog,
    *,
    members_only: bool = False,
) -> Outcome:
    """Check what every ListJobs answer obeys (the shape and tokens under LJ-1, the page limit LJ-4, the
    summaries' members LJ-12) and read it. ``members_only``: the jobs are not known beyond the summaries
    themselves (over the wire, read-only), so each summary is held to its own ``JobSummary`` members."""
    fail = Failing(log, jobs, request)
    log.check("LJ-1")
    try:
        shown = json.loads(json.dumps(response, allow_nan=False, default=_refuse))
    except (TypeError, ValueError, RecursionError) as error:
        fail("LJ-1", f"(as W-1) the response is not JSON: {error}", "a JSON object", repr(response)[:300])
        return Outcome(refusal=None, ids=None, shown=repr(response)[:300])
    summaries = shown.get("jobSummaryList") if isinstance(shown, dict) else None
    if not isinstance(summaries, list) or not all(
        isinstance(summary, dict) and isinstance(summary.get("jobId"), str) for summary in summaries
    ):
        fail(
            "LJ-1",
            "(as W-1) the response has no jobSummaryList of objects with a jobId",
            "jobSummaryList",
            shown,
        )
        return Outcome(shown=shown)
    body = {name: value for name, value in shown.items() if name not in _CLIENT_MEMBERS}
    extra = sorted(name for name in body if name not in ("jobSummaryList", "nextToken"))
    if extra:
        fail(
            "LJ-1",
            f"(as W-1) the response has members beyond jobSummaryList and nextToken: {extra}",
            "no such members",
            shown,
        )
    token = body.get("nextToken")
    if "nextToken" in body and token is None:
        fail("LJ-1", "(as P-2) nextToken is present but null", "no nextToken", shown, decision_part=True)
    size = list_jobs_page_size(request)
    log.check("LJ-4", "LJ-12")
    if len(summaries) > size:
        fail(
            "LJ-4",
            f"a page of {len(summaries)} jobs; this request's pages hold at most {size}",
            f"at most {size}",
            f"{len(summaries)} jobs",
        )
    if token is not None and len(summaries) < size:
        fail(
            "LJ-1",
            f"(as P-2) a nextToken on a page of {len(summaries)} jobs, not full ({size})",
            f"a page of {size}, or no nextToken",
            shown,
        )
    if token is not None and (not isinstance(token, str) or not 0 < len(token) <= _TOKEN_MAX):
        fail(
            "LJ-1",
            f"(as T-1) nextToken is not a string of 1 to {_TOKEN_MAX} characters",
            "a string of at most 1024 characters",
            token,
            decision_part=True,
        )
    by_id = {job["jobId"]: job for job in jobs}
    if members_only:
        by_id = {summary["jobId"]: summary for summary in summaries}
    for summary in summaries:
        job = by_id.get(summary["jobId"])
        expected = None if job is None else job_summary_of(job)
        if canonical(summary) != canonical(expected):
            fail(
                "LJ-12",
                f"the summary of job {summary['jobId']!r} is not exactly its JobSummary members",
                expected if expected is not None else "no such summary",
                summary,
            )
            break
    return Outcome([summary["jobId"] for summary in summaries], token, shown=shown)


def _refuse(value: Any) -> Any:
    raise TypeError(f"{type(value).__name__} is not JSON")


Call = Callable[[Any, CaseLog], Outcome]


def _page_request(request: Any, sizes: tuple[int | None, ...], number: int, token: Any) -> Any:
    if not isinstance(request, dict):
        return request
    size = sizes[min(number, len(sizes) - 1)]
    page = dict(request)
    if size is not None:
        page["maxResults"] = size
    if token is not None:
        page["nextToken"] = token
    return page


def run_list_jobs_case(call: Call, case: ListJobsCase, log: CaseLog) -> None:
    """Traverse ``case`` by ``call`` and by the reference, and fail the case's rule where they differ."""
    jobs = [dict(job) for job in case.jobs]
    request = case.request
    if case.foreign_token:
        # LJ-13: a token ListServiceJobs issued for the same queue and jobs.
        other = list_service_jobs([_as_service_job(job) for job in jobs], {**request, "nextToken": None})
        request = {**request, "nextToken": other["nextToken"]}
    log.check(case.rule)
    failing = Failing(log, jobs, request)

    def fail(reason: str, req: Any, expected: Any, got: Any) -> None:
        failing(case.rule, reason, expected, got, decision_part=case.decision_part, request=req)

    expected_ids: list[str] = []
    got_ids: list[str] = []
    token: Any = None
    reference_token: Any = None
    for number in range(_MAX_PAGES):
        request_sent = _page_request(request, case.sizes, number, token)
        reference_request = _page_request(request, case.sizes, number, reference_token)
        reference = reference_outcome(jobs, reference_request)
        outcome = call(request_sent, log)
        if outcome.crash:
            return
        if reference.refusal is not None:
            if outcome.refusal is None:
                fail(
                    "answered a request the contract refuses",
                    request_sent,
                    f"a rejection ({reference.refusal})",
                    _ids_or(outcome),
                )
            return
        if outcome.refusal is not None:
            what = "its own nextToken" if number else "a request the contract answers"
            fail(f"refused {what}", request_sent, {"page": number + 1, "jobs": reference.ids}, outcome.shown)
            return
        if outcome.ids is None:
            return  # malformed: failed under LJ-1 already
        assert reference.ids is not None
        expected_ids += reference.ids
        got_ids += outcome.ids
        if outcome.ids != reference.ids or (outcome.token is None) != (reference.token is None):
            more = "and more follow" if reference.token is not None else "and no more follow"
            # The listing so far only when it says more than the page.
            earlier = {"listing so far": expected_ids} if number else {}
            got_earlier = {"listing so far": got_ids} if number else {}
            fail(
                f"page {number + 1} differs from the contract's",
                request_sent,
                {"page": reference.ids, **earlier, "nextToken": more},
                {
                    "page": outcome.ids,
                    **got_earlier,
                    "nextToken": "present" if outcome.token is not None else "absent",
                },
            )
            return
        if case.then is not None:
            _continue_elsewhere(call, case, jobs, outcome.token, reference.token, log, fail)
            return
        if reference.token is None:
            return
        token, reference_token = outcome.token, reference.token


def _continue_elsewhere(
    call: Call,
    case: ListJobsCase,
    jobs: list[dict[str, Any]],
    token: Any,
    reference_token: Any,
    log: CaseLog,
    fail: Any,
) -> None:
    """A case's ``then``: the first answer's token sent with another query."""
    assert case.then is not None
    reference = reference_outcome(jobs, {**case.then, "nextToken": reference_token})
    outcome = call({**case.then, "nextToken": token}, log)
    if outcome.crash:
        return
    if reference.refusal is not None and outcome.refusal is None:
        fail(
            "accepted a token issued for another query",
            {"first": case.request, "then, with the first answer's nextToken": case.then},
            f"a rejection ({reference.refusal})",
            _ids_or(outcome),
        )


def _ids_or(outcome: Outcome) -> Any:
    return {"jobs": outcome.ids, "nextToken": "present" if outcome.token else "absent"}


def _as_service_job(job: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: job[key]
        for key in ("jobArn", "jobId", "jobName", "createdAt", "status", "jobQueue")
        if key in job
    }
