"""``check(adapter, operation="ListJobsByConsumableResource")``: an implementation graded by CR rule.

Theory of operation: every designed case is written for one CR rule: jobs requiring consumable resources,
a request, and what to do with it (a traversal, a refusal or a token sent with another resource), judged
against :func:`listjobs_core.list_jobs_by_consumable_resource` by ``_consumable_judging``, which the check
over the wire shares. Then ``examples`` generated cases (``_consumable_generate``), seeded, are judged the
same way. The adapter gets fresh copies every call.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable, Iterable
from typing import Any

from .._consumable_generate import generate_consumable_case
from .._consumable_judging import ConsumableCase, judge_consumable_case
from .._report import CaseLog, Report, Tally
from .._rules import CONSUMABLE_NAME, operation_rules

__all__ = ["CONSUMABLE_CASES", "check_consumable", "run_consumable_case"]

_ARN = "arn:aws:batch:us-east-1:123456789012"


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


def _case(rule: str, name: str, request: dict[str, Any], *args: Any, **members: Any) -> ConsumableCase:
    """A designed case over ``_JOBS`` unless it names its own jobs."""
    members.setdefault("jobs", _JOBS)
    return ConsumableCase(rule, name, request, *args, **members)


def _filters(*pairs: tuple[str, str]) -> list[dict[str, Any]]:
    return [{"name": name, "values": [value]} for name, value in pairs]


CONSUMABLE_CASES: tuple[ConsumableCase, ...] = (
    _case("CR-1", "pages of 100 by default", {"consumableResource": "licenses"}),
    _case("CR-1", "pages of the size asked", {"consumableResource": "licenses"}, size=7),
    _case("CR-1", "maxResults 0 is refused", {"consumableResource": "licenses", "maxResults": 0}, "refuse"),
    _case(
        "CR-1",
        "an unknown filter is refused",
        {"consumableResource": "licenses", "filters": _filters(("X", "a"))},
        "refuse",
    ),
    _case(
        "CR-1",
        "SCHEDULED is no JOB_STATUS value",
        {"consumableResource": "licenses", "filters": _filters(("JOB_STATUS", "SCHEDULED"))},
        "refuse",
    ),
    _case(
        "CR-2",
        "a resource by its ARN",
        {
            "consumableResource": f"{_ARN}:consumable-resource/licenses",
            "filters": _filters(("JOB_STATUS", "RUNNING")),
        },
        size=9,
    ),
    _case(
        "CR-2",
        "a resource required by ARN, asked by name",
        {"consumableResource": "seats", "filters": _filters(("JOB_STATUS", "RUNNING"))},
        size=9,
    ),
    _case(
        "CR-3",
        "a job naming a resource twice is malformed",
        {"consumableResource": "licenses"},
        "refuse",
        jobs=(_job(1, "RUNNING", 1, "a", ("licenses", 1), (f"{_ARN}:consumable-resource/licenses", 2)),),
    ),
    _case("CR-4", "consumableResource is required", {}, "refuse"),
    _case("CR-4", "consumableResource is not empty", {"consumableResource": ""}, "refuse"),
    _case("CR-5", "every status without JOB_STATUS", {"consumableResource": "seats"}, size=50),
    _case(
        "CR-6",
        "JOB_STATUS and JOB_NAME together",
        {
            "consumableResource": "licenses",
            "filters": _filters(("JOB_NAME", "train*"), ("JOB_STATUS", "RUNNING")),
        },
        size=3,
    ),
    _case(
        "CR-6",
        "a filter name twice is refused",
        {"consumableResource": "licenses", "filters": _filters(("JOB_NAME", "a"), ("JOB_NAME", "b"))},
        "refuse",
    ),
    _case(
        "CR-7",
        "JOB_NAME groups by name and version, then newest first",
        {"consumableResource": "licenses", "filters": _filters(("JOB_NAME", "t*"))},
        size=11,
    ),
    _case(
        "CR-8",
        "summaries: jobQueueArn and quantity",
        {"consumableResource": "licenses", "filters": _filters(("JOB_STATUS", "RUNNABLE"))},
    ),
    _case("CR-9", "a token is bound to the resource", {"consumableResource": "licenses"}, "token", size=5),
)


def run_consumable_case(adapter: Callable[..., Any], case: ConsumableCase, log: CaseLog) -> None:
    """Run one case against ``adapter`` and the reference, failing its rule where they differ."""

    def call(request: dict[str, Any]) -> Any:
        log.calls += 1
        return adapter([copy.deepcopy(job) for job in case.jobs], copy.deepcopy(request))

    judge_consumable_case(call, case, log)


def check_consumable(
    adapter: Callable[..., Any],
    *,
    rules: Iterable[str] | None = None,
    skip: Iterable[str] | None = None,
    strict: bool = False,
    name: str,
    seed: int = 0,
    examples: int = 0,
) -> Report:
    """Check an adapter of ListJobsByConsumableResource (``adapter(jobs, request)``) against the CR rules,
    through the designed cases and then ``examples`` generated ones of ``seed``: see
    :func:`listjobs_core.conformance.check`, which this serves for that operation."""
    chosen = operation_rules(rules, skip, CONSUMABLE_NAME, ("CR-",))
    chosen_ids = {each.id for each in chosen}
    tally = Tally(chosen, "adapter", strict=strict, operation=CONSUMABLE_NAME)
    for case in CONSUMABLE_CASES:
        if case.rule in chosen_ids:
            with tally.case(f"{case.rule} {case.name}", case.rule) as log:
                run_consumable_case(adapter, case, log)
    designed = tally.cases
    generated = 0
    for number in range(examples):
        rng = random.Random(f"listjobs_core.conformance.consumable:{seed}:{number}")
        case = generate_consumable_case(rng, f"generated case {number} (seed {seed})")
        if case.rule in chosen_ids:
            generated += 1
            # Without a rule of its own, so that a failing designed case of a rule is the one shown.
            with tally.case(case.name) as log:
                run_consumable_case(adapter, case, log)
    return Report(
        tally.rows(),
        name,
        seed,
        designed,
        generated,
        strict,
        "adapter",
        tally.crashes(),
        calls=tally.calls,
        operation=CONSUMABLE_NAME,
    )
