"""``check(adapter, operation=LIST_JOBS)``: run the ListJobs cases against an adapter, and report by LJ rule.

Theory of operation: the adapter is called as the ListServiceJobs adapter is (``_calls``): on fresh copies
of the jobs and the request, which must come back unchanged (IN-1 and V-12, graded under LJ-1), any
exception a refusal, a programming error on a request the contract answers a crash (one line of the
report). Its answers are read and its traversals judged by ``_list_jobs_judging``, over every designed
case of ``_list_jobs_cases`` and then ``examples`` generated cases (``_list_jobs_generate``), each drawn
from a ``random.Random`` of its own, seeded by the seed and its number.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .._calls import Adapter, json_copy
from .._list_jobs_cases import LIST_JOBS_CASES
from .._list_jobs_generate import generate_list_jobs_case
from .._list_jobs_judging import (
    Call,
    Failing,
    Outcome,
    canonical,
    read_list_jobs_response,
    reference_outcome,
    run_list_jobs_case,
)
from .._report import CaseLog, Report, Tally
from .._rules import LIST_JOBS_NAME, operation_rules

__all__ = ["check_list_jobs"]

_CRASH_TYPES = (TypeError, LookupError, AttributeError, NameError, ArithmeticError, AssertionError)


def _call(adapter: Adapter, jobs: Sequence[Mapping[str, Any]], request: Any, log: CaseLog) -> Outcome:
    """Call the adapter on copies, check what every ListJobs call and answer obey, return the outcome."""
    jobs_text, request_text = canonical(list(jobs)), canonical(request)
    given_jobs, given_request = json_copy(list(jobs)), json_copy(request)
    log.calls += 1
    fail = Failing(log, jobs, request)
    log.check("LJ-1")
    try:
        response = adapter(given_jobs, given_request)
    except Exception as error:  # any exception is a refusal: emulators raise their own types
        shown = f"{type(error).__name__}: {' '.join(str(error).split())[:300]}"
        crash = (
            isinstance(error, _CRASH_TYPES)
            and type(error).__module__ == "builtins"
            and reference_outcome(jobs, request).refusal is None
        )
        if crash:
            log.crash(f"raised {type(error).__name__}", shown, jobs=jobs, request=request)
        return Outcome(refusal=shown, crash=crash, shown=f"rejected: {shown}")
    finally:
        if canonical(given_jobs) != jobs_text:
            fail(
                "LJ-1",
                "(as IN-1) the adapter changed the jobs it was given",
                "unchanged jobs",
                given_jobs,
                decision_part=True,
            )
        if canonical(given_request) != request_text:
            fail(
                "LJ-1",
                "(as V-12) the adapter changed the request it was given",
                request,
                given_request,
                decision_part=True,
            )
    try:
        shown = json.loads(json.dumps(response, allow_nan=False, default=_refuse))
    except (TypeError, ValueError, RecursionError) as error:
        fail("LJ-1", f"(as W-1) the response is not JSON: {error}", "a JSON object", repr(response)[:300])
        return Outcome(shown=repr(response)[:300])
    return read_list_jobs_response(shown, jobs, request, log)


def _adapter_call(adapter: Adapter, jobs: Sequence[Mapping[str, Any]]) -> Call:
    def call(request: Any, log: CaseLog) -> Outcome:
        return _call(adapter, jobs, request, log)

    return call


def _refuse(value: Any) -> Any:
    raise TypeError(f"{type(value).__name__} is not JSON")


def check_list_jobs(
    adapter: Adapter,
    *,
    rules: Iterable[str] | None = None,
    skip: Iterable[str] | None = None,
    strict: bool = False,
    name: str,
    seed: int = 0,
    examples: int = 0,
) -> Report:
    """Check an adapter of ListJobs (``adapter(jobs, request)`` over ``JobSummary`` jobs) against the LJ
    rules: see :func:`listjobs_core.conformance.check`, which this serves for ``operation=LIST_JOBS``."""
    chosen = operation_rules(rules, skip, LIST_JOBS_NAME, ("LJ-",))
    chosen_ids = {each.id for each in chosen}
    tally = Tally(chosen, "adapter", strict=strict, operation=LIST_JOBS_NAME)
    per_call = chosen_ids & {"LJ-1", "LJ-4", "LJ-12"}
    for case in LIST_JOBS_CASES:
        if case.rule in chosen_ids or per_call:
            title = f"{case.rule} {case.name}" + (f" (as {case.shared})" if case.shared else "")
            with tally.case(title, case.rule) as log:
                run_list_jobs_case(_adapter_call(adapter, case.jobs), case, log)
    designed = tally.cases
    generated = 0
    for number in range(examples):
        rng = random.Random(f"listjobs_core.conformance.list_jobs:{seed}:{number}")
        case = generate_list_jobs_case(rng, f"generated case {number} (seed {seed})")
        if case.rule in chosen_ids or per_call:
            generated += 1
            # Without a rule of its own, so that a failing designed case of a rule is the one shown.
            with tally.case(case.name) as log:
                run_list_jobs_case(_adapter_call(adapter, case.jobs), case, log)
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
        operation=LIST_JOBS_NAME,
    )
