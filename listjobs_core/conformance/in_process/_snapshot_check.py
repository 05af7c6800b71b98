"""``check(adapter, operation="GetJobQueueSnapshot")``: an implementation of the snapshot, graded by SN rule.

Theory of operation: the adapter is called as :func:`listjobs_core.job_queue_snapshot` is, ``adapter(jobs,
*, now_ms, job_queue, scheduling, quota_shares)``, on fresh copies of the jobs of each designed case
(``_snapshot_cases.SNAPSHOT_CASES``), then of ``examples`` generated ones, each from a ``random.Random``
seeded by the seed and its number. Each answer is judged part by part against the reference's, every
difference under the rule that decides that part; an exception on a snapshot the reference answers is a
crash. SN-7 (which store the endpoint reads) is not the adapter's.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from typing import Any

from .._report import Report, Tally
from .._rules import SNAPSHOT_NAME, operation_rules
from .._snapshot_cases import SNAPSHOT_CASES, generated_snapshot_case, run_snapshot_case

__all__ = ["check_snapshot"]


def check_snapshot(
    adapter: Callable[..., Any],
    *,
    rules: Iterable[str] | None = None,
    skip: Iterable[str] | None = None,
    strict: bool = False,
    name: str,
    seed: int = 0,
    examples: int = 0,
) -> Report:
    """Check an adapter of GetJobQueueSnapshot against the SN rules: see
    :func:`listjobs_core.conformance.check`, which this serves for ``operation="GetJobQueueSnapshot"``."""
    chosen = operation_rules(rules, skip, SNAPSHOT_NAME, ("SN-",))
    tally = Tally(chosen, "adapter", strict=strict, operation=SNAPSHOT_NAME)
    for case in SNAPSHOT_CASES:
        with tally.case(f"{case.rule} {case.name}", case.rule) as log:
            run_snapshot_case(adapter, case, log)
    designed = tally.cases
    for number in range(examples):
        rng = random.Random(f"listjobs_core.conformance.snapshot:{seed}:{number}")
        case = generated_snapshot_case(rng, f"generated case {number} (seed {seed})")
        # Without a rule of its own, so that a failing designed case of a rule is the one shown.
        with tally.case(case.name) as log:
            run_snapshot_case(adapter, case, log)
    return Report(
        tally.rows(),
        name,
        seed,
        designed,
        examples,
        strict,
        "adapter",
        tally.crashes(),
        calls=tally.calls,
        operation=SNAPSHOT_NAME,
    )
