"""Judging ListJobsByConsumableResource answers: a case, a traversal, and the rule a difference breaks.

Theory of operation: a :class:`ConsumableCase` is written for one CR rule: jobs requiring consumable
resources, a request, and what to do with it. A *traversal* pages through the implementation's answers
with its own tokens (the page size given) and compares the pages with
:func:`listjobs_core.list_jobs_by_consumable_resource`'s over the case's jobs; a *refusal* is a request the
reference refuses, which the implementation must refuse too (any exception); a *token* case takes the
implementation's first token and sends it with another request (another resource, other filters), which it
must refuse. A difference is graded under the rule that decides it (``_compare``). Both ways of checking
call :func:`judge_consumable_case`: in process with a ``call`` that hands the adapter copies of the jobs,
over the wire with one that sends the request to the endpoint. Standard library only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from .. import list_jobs_by_consumable_resource
from ._report import CaseLog

__all__ = ["ConsumableCase", "judge_consumable_case", "names_a_job"]

_MAX_PAGES = 60


@dataclass(frozen=True, slots=True)
class ConsumableCase:
    """One case, designed or generated: its rule, what it shows, the request, how it is run, the jobs."""

    rule: str
    name: str
    request: dict[str, Any]
    kind: Literal["traverse", "refuse", "token"] = "traverse"
    size: int | None = None
    jobs: tuple[dict[str, Any], ...] = ()
    # A token case: the request the first page's token is sent with (another resource or other filters).
    then: dict[str, Any] | None = None


def _traverse(call: Callable[[dict[str, Any]], Any], request: dict[str, Any], size: int | None) -> list[Any]:
    pages: list[Any] = []
    asked = dict(request) if size is None else {**request, "maxResults": size}
    for _ in range(_MAX_PAGES):
        answer = call(asked)
        if not isinstance(answer, dict):
            return [*pages, answer]
        pages.append(answer.get("jobs"))
        token = answer.get("nextToken")
        if not isinstance(token, str):
            return pages
        asked = {**asked, "nextToken": token}
    return pages


def judge_consumable_case(call: Callable[[dict[str, Any]], Any], case: ConsumableCase, log: CaseLog) -> None:
    """Run one case through ``call`` (a request to the implementation's answer; any exception a refusal)
    and through the reference over ``case.jobs``, failing its rule where they differ. The check over the
    wire calls this with a ``call`` that sends the request to the endpoint."""
    log.check(case.rule)

    def reference(request: dict[str, Any]) -> Any:
        return list_jobs_by_consumable_resource(case.jobs, request)

    def fail(why: str, expected: Any, got: Any) -> None:
        log.fail(case.rule, why, jobs=case.jobs[:5], request=case.request, expected=expected, got=got)

    try:
        if case.kind == "refuse":
            answer = call(case.request)
            fail("a request the reference refuses is answered", "a refusal", answer)
        elif case.kind == "token":
            first = call({**case.request, "maxResults": case.size})
            token = first.get("nextToken") if isinstance(first, dict) else None
            if not isinstance(token, str):
                fail("no nextToken where more jobs follow", "a nextToken", first)
                return
            then = {"consumableResource": "seats"} if case.then is None else case.then
            answer = call({**then, "maxResults": case.size, "nextToken": token})
            fail("a token of another resource or other filters is taken", "a refusal", answer)
        else:
            _compare(
                case,
                _traverse(call, case.request, case.size),
                _traverse(reference, case.request, case.size),
                log,
            )
    except Exception as error:  # any exception is a refusal
        if case.kind == "traverse":
            fail("a request the reference answers is refused", "the reference's pages", repr(error)[:300])


_SELECTION_RULES = ("CR-2", "CR-5", "CR-6")


def _compare(case: ConsumableCase, got: list[Any], want: list[Any], log: CaseLog) -> None:
    """Grade a traversal's difference under the rule that decides it: which jobs (the case's rule when it
    is about selection, else CR-5 without JOB_STATUS and CR-6 with it), their order (CR-7), their
    summaries (CR-8), the page boundaries (CR-1)."""
    if got == want:
        return
    flat_got = [item for page in got if isinstance(page, list) for item in page]
    flat_want = [item for page in want for item in page]
    arns_got = [item.get("jobArn") if isinstance(item, dict) else item for item in flat_got]
    arns_want = [item["jobArn"] for item in flat_want]
    filters = case.request.get("filters") or []
    if not all(isinstance(page, list) for page in got):
        rule, why = case.rule, "an answer without a list of jobs"
    elif sorted(map(repr, arns_got)) != sorted(map(repr, arns_want)):
        if case.rule in _SELECTION_RULES or (case.rule == "CR-1" and names_a_job(filters)):
            # A JOB_NAME case of CR-1 selects by name as CR-1 says (case-insensitive, a final '*').
            rule = case.rule
        else:
            rule = "CR-6" if any(f.get("name") == "JOB_STATUS" for f in filters) else "CR-5"
        why = "the jobs listed are not the jobs the request selects"
    elif arns_got != arns_want:
        rule, why = "CR-7", "the jobs are not newest first, then by jobId"
    elif flat_got != flat_want:
        rule, why = "CR-8", "the summaries are not the jobs' ListJobsByConsumableResourceSummary"
    else:
        rule, why = "CR-1", "the pages are not of the size asked (100 by default)"
    log.check(rule)
    log.fail(rule, why, jobs=case.jobs[:5], request=case.request, expected=want, got=got)


def names_a_job(filters: Any) -> bool:
    """Whether ``filters`` holds a JOB_NAME filter."""
    return isinstance(filters, list) and any(
        isinstance(each, dict) and each.get("name") == "JOB_NAME" for each in filters
    )
