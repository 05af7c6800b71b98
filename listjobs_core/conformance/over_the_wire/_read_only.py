"""Read-only mode: what the kit judges over the jobs already at an endpoint, submitting nothing.

Theory of operation: without jobs of its own the kit knows no expected listing, but some rules hold
whatever the jobs are, and those it checks, safely even against the real service:

- validation and messages: the refusals of ``vectors.json``, and each refusal on the wire (E-1, E-3,
  H-3); the wire itself (H-1, H-2);
- each listing below, traversed with small pages (a bounded number of them): every response's shape and
  page rules (W-1, W-2 for the members, P-1, P-2, T-1), no job twice (P-3), every job listed one the
  query selects (soundness: the reference lists the summary, taken as a job, for the same query), in an
  order AWS allows (newest createdAt first: O-1; with JOB_NAME, each name's jobs together: O-2, since a
  summary carries no version and within a name the version groups cannot be told apart);
- the first token met: refused with another query (T-3), refused changed or cut short (T-4).
"""

from __future__ import annotations

from typing import Any

from .._calls import Answer, Rejection
from .._diagnosis import filter_name, follows_aws_order, selection_rule
from .._generate import STATUSES
from .._report import CaseLog
from ._cases import check_the_wire, check_token, validation_cases, whole_listing
from ._run import EndpointRun

__all__ = ["read_only_checks"]

_MAX_PAGES = 20
_PAGE_SIZE = 3


def read_only_checks(run: EndpointRun) -> None:
    """Every read-only check of the module documentation."""
    where = f"listings of queue {run.job_queue}" if run.job_queue else "listings without a queue"
    run.notes.append(f"read-only: nothing was submitted, terminated or created; {where}")
    check_the_wire(run)
    validation_cases(run)
    token: str | None = None
    first_request: dict[str, Any] | None = None
    for request in _requests(run):
        found = _traverse(run, request)
        if token is None and found is not None:
            token, first_request = found, request
    if token is not None and first_request is not None:
        run.designed += 1
        with run.tally.case("tokens of the jobs already there", "T-3") as log:
            check_token(run, log, (), first_request, token, second_page=None)


def _requests(run: EndpointRun) -> list[dict[str, Any]]:
    base: dict[str, Any] = {"jobQueue": run.job_queue} if run.job_queue else {}
    requests = [{**base, "jobStatus": status} for status in STATUSES]
    requests += [
        dict(base),
        {**base, "filters": [{"name": "JOB_NAME", "values": ["*"]}]},
        {**base, "filters": [{"name": "AFTER_CREATED_AT", "values": ["0"]}]},
    ]
    return requests


def _traverse(run: EndpointRun, request: dict[str, Any]) -> str | None:
    """Traverse ``request`` for at most ``_MAX_PAGES`` pages and check what holds whatever the jobs;
    the first token met, if any."""
    run.designed += 1
    order_rule = "O-2" if filter_name(request) == "JOB_NAME" else "O-1"
    rule = selection_rule(request)
    log = CaseLog(f"read-only traversal of {request}", rule)
    log.check(rule, order_rule, "P-3")
    summaries: list[dict[str, Any]] = []
    first_token: str | None = None
    token: Any = None
    for number in range(_MAX_PAGES):
        page_request = {
            **request,
            "maxResults": _PAGE_SIZE,
            **({"nextToken": token} if token is not None else {}),
        }
        outcome = run.implementation.call((), page_request, log)
        if not isinstance(outcome, Answer):
            if number > 0 and isinstance(outcome, Rejection) and not outcome.crash:
                reason = f"rejected its own nextToken: {outcome.shown}"
                log.fail(
                    "P-3", reason, jobs=(), request=page_request, expected="the next page", got=outcome.shown
                )
            break
        summaries.extend(outcome.summaries)
        if not outcome.more:
            break
        token = outcome.token
        if first_token is None and isinstance(token, str):
            first_token = token
    _judge(log, request, rule, order_rule, summaries)
    run.tally.add(log)
    return first_token


def _judge(
    log: CaseLog, request: dict[str, Any], rule: str, order_rule: str, summaries: list[dict[str, Any]]
) -> None:
    ids = [summary["jobId"] for summary in summaries]
    twice = sorted({job_id for job_id in ids if ids.count(job_id) > 1})
    if twice:
        log.fail("P-3", f"listed twice: {twice}", jobs=(), request=request, expected="each job once", got=ids)
    unselected = [summary for summary in summaries if not whole_listing([summary], request)]
    if unselected:
        log.fail(
            rule,
            "lists jobs the query does not select",
            jobs=unselected[:5],
            request=request,
            expected="only jobs the query selects",
            got=[summary["jobId"] for summary in unselected[:5]],
        )
    unique = list({summary["jobId"]: summary for summary in summaries}.values())
    if not follows_aws_order(unique, by_name=order_rule == "O-2", versions_known=False):
        log.fail(
            order_rule,
            "the jobs are not newest first (with JOB_NAME: each name's jobs together)",
            jobs=unique,
            request=request,
            expected="newest createdAt first",
            got=ids,
        )
