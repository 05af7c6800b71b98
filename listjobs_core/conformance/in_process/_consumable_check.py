"""``check(adapter, operation="ListJobsByConsumableResource")``: an implementation graded by CR rule.

Theory of operation: every designed case is written for one CR rule: jobs requiring consumable resources,
a request, and what to do with it. A *traversal* pages through the adapter's answers with its own tokens
(the page size given) and compares the pages with :func:`listjobs_core.list_jobs_by_consumable_resource`'s
over the same jobs; a *refusal* is a request the reference refuses, which the adapter must refuse too (any
exception); a *token* case takes the adapter's first token and sends it with another resource, which it
must refuse. A difference is graded under the case's rule. The adapter gets fresh copies every call.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from ... import list_jobs_by_consumable_resource
from .._report import CaseLog, Report, Tally
from .._rules import CONSUMABLE_NAME, RULES

__all__ = ["CONSUMABLE_CASES", "check_consumable"]

_ARN = "arn:aws:batch:us-east-1:123456789012"
_MAX_PAGES = 60


def _job(number: int, status: str, created: int, name: str, *needs: tuple[str, int]) -> dict[str, Any]:
    return {
        "jobId": f"j-{number:03d}",
        "jobArn": f"{_ARN}:job/j-{number:03d}",
        "jobName": name,
        "jobQueue": "gpu",
        "jobDefinition": f"{_ARN}:job-definition/train:1",
        "status": status,
        "createdAt": created,
        "consumableResourceProperties": {
            "consumableResourceList": [{"consumableResource": r, "quantity": q} for r, q in needs]
        },
    }


_STATUSES = ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED")
_JOBS = tuple(
    _job(
        n,
        _STATUSES[n % 7],
        1000 + n // 2,
        ("train", "Train-2", "eval", "TRAIN")[n % 4],
        *((("licenses", 1 + n % 3),) if n % 5 else ()),
        *(((f"{_ARN}:consumable-resource/seats", 2),) if n % 3 == 0 else ()),
    )
    for n in range(130)
)


@dataclass(frozen=True, slots=True)
class ConsumableCase:
    """One designed case: its rule, what it shows, the request, and how it is run."""

    rule: str
    name: str
    request: dict[str, Any]
    kind: Literal["traverse", "refuse", "token"] = "traverse"
    size: int | None = None
    jobs: tuple[dict[str, Any], ...] = _JOBS


def _filters(*pairs: tuple[str, str]) -> list[dict[str, Any]]:
    return [{"name": name, "values": [value]} for name, value in pairs]


CONSUMABLE_CASES: tuple[ConsumableCase, ...] = (
    ConsumableCase("CR-1", "pages of 100 by default", {"consumableResource": "licenses"}),
    ConsumableCase("CR-1", "pages of the size asked", {"consumableResource": "licenses"}, size=7),
    ConsumableCase(
        "CR-1", "maxResults 0 is refused", {"consumableResource": "licenses", "maxResults": 0}, "refuse"
    ),
    ConsumableCase(
        "CR-1",
        "an unknown filter is refused",
        {"consumableResource": "licenses", "filters": _filters(("X", "a"))},
        "refuse",
    ),
    ConsumableCase(
        "CR-1",
        "SCHEDULED is no JOB_STATUS value",
        {"consumableResource": "licenses", "filters": _filters(("JOB_STATUS", "SCHEDULED"))},
        "refuse",
    ),
    ConsumableCase(
        "CR-2",
        "a resource by its ARN",
        {
            "consumableResource": f"{_ARN}:consumable-resource/licenses",
            "filters": _filters(("JOB_STATUS", "RUNNING")),
        },
        size=9,
    ),
    ConsumableCase(
        "CR-2",
        "a resource required by ARN, asked by name",
        {"consumableResource": "seats", "filters": _filters(("JOB_STATUS", "RUNNING"))},
        size=9,
    ),
    ConsumableCase(
        "CR-3",
        "a job naming a resource twice is malformed",
        {"consumableResource": "licenses"},
        "refuse",
        jobs=(_job(1, "RUNNING", 1, "a", ("licenses", 1), (f"{_ARN}:consumable-resource/licenses", 2)),),
    ),
    ConsumableCase("CR-4", "consumableResource is required", {}, "refuse"),
    ConsumableCase("CR-4", "consumableResource is not empty", {"consumableResource": ""}, "refuse"),
    ConsumableCase("CR-5", "every status without JOB_STATUS", {"consumableResource": "seats"}, size=50),
    ConsumableCase(
        "CR-6",
        "JOB_STATUS and JOB_NAME together",
        {
            "consumableResource": "licenses",
            "filters": _filters(("JOB_NAME", "train*"), ("JOB_STATUS", "RUNNING")),
        },
        size=3,
    ),
    ConsumableCase(
        "CR-6",
        "a filter name twice is refused",
        {"consumableResource": "licenses", "filters": _filters(("JOB_NAME", "a"), ("JOB_NAME", "b"))},
        "refuse",
    ),
    ConsumableCase(
        "CR-7",
        "JOB_NAME keeps the newest-first order",
        {"consumableResource": "licenses", "filters": _filters(("JOB_NAME", "t*"))},
        size=11,
    ),
    ConsumableCase(
        "CR-8",
        "summaries: jobQueueArn and quantity",
        {"consumableResource": "licenses", "filters": _filters(("JOB_STATUS", "RUNNABLE"))},
    ),
    ConsumableCase(
        "CR-9", "a token is bound to the resource", {"consumableResource": "licenses"}, "token", size=5
    ),
)


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


def run_consumable_case(adapter: Callable[..., Any], case: ConsumableCase, log: CaseLog) -> None:
    """Run one case against ``adapter`` and the reference, failing its rule where they differ."""
    log.check(case.rule)

    def call(request: dict[str, Any]) -> Any:
        log.calls += 1
        return adapter([copy.deepcopy(job) for job in case.jobs], copy.deepcopy(request))

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
            other = {"consumableResource": "seats", "maxResults": case.size, "nextToken": token}
            answer = call(other)
            fail("a token of another resource is taken", "a refusal", answer)
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
        if case.rule in _SELECTION_RULES:
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


def check_consumable(
    adapter: Callable[..., Any],
    *,
    rules: Iterable[str] | None = None,
    skip: Iterable[str] | None = None,
    strict: bool = False,
    name: str,
) -> Report:
    """Check an adapter of ListJobsByConsumableResource (``adapter(jobs, request)``) against the CR rules:
    see :func:`listjobs_core.conformance.check`, which this serves for that operation."""
    wanted = None if rules is None else set([rules] if isinstance(rules, str) else rules)
    skipped = set([skip] if isinstance(skip, str) else skip or ())
    unknown = ((wanted or set()) | skipped) - {each.id for each in RULES}
    if unknown:
        raise ValueError(f"unknown rule ids: {', '.join(sorted(unknown))}")
    chosen = tuple(
        each
        for each in RULES
        if each.id.startswith("CR-") and (wanted is None or each.id in wanted) and each.id not in skipped
    )
    if wanted is not None and not chosen:
        raise ValueError(f"no CR rule among {', '.join(sorted(wanted))}: that operation has the CR rules")
    chosen_ids = {each.id for each in chosen}
    tally = Tally(chosen, "adapter", strict=strict, operation=CONSUMABLE_NAME)
    for case in CONSUMABLE_CASES:
        if case.rule in chosen_ids:
            with tally.case(f"{case.rule} {case.name}", case.rule) as log:
                run_consumable_case(adapter, case, log)
    return Report(
        tally.rows(),
        name,
        0,
        tally.cases,
        0,
        strict,
        "adapter",
        tally.crashes(),
        calls=tally.calls,
        operation=CONSUMABLE_NAME,
    )
