"""``check``: run the vectors and the differential run against an adapter, and report by rule.

Theory of operation: the vectors come first, in file order, then ``examples`` generated cases, case
number ``n`` drawn from its own ``random.Random`` seeded with ``seed`` and ``n``, so a case is reproducible
from the report alone and does not depend on what the adapter answered before. The reference is
:func:`listjobs_core.list_service_jobs`; the adapter is only ever compared with it by behaviour.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

from ... import list_service_jobs
from .._calls import Adapter, AdapterImplementation
from .._report import Report, Tally
from .._rules import CONSUMABLE_NAME, LIST_JOBS_NAME, LIST_SERVICE_JOBS_NAME, SNAPSHOT_NAME, chosen_rules
from .._vectors import load_vectors, run_case
from ._consumable_check import check_consumable
from ._generated import run_generated
from ._list_jobs_check import check_list_jobs
from ._snapshot_check import check_snapshot

__all__ = ["DEFAULT_EXAMPLES", "check"]

DEFAULT_EXAMPLES = 300

# The rules the kit checks on every call, whatever the case (see ``_calls``).
# The checks of the operations other than ListServiceJobs, each with this function's parameters.
_OTHER_CHECKS = {
    LIST_JOBS_NAME: check_list_jobs,
    CONSUMABLE_NAME: check_consumable,
    SNAPSHOT_NAME: check_snapshot,
}
_EVERY_CALL_RULES = frozenset({"IN-1", "V-12", "W-1", "W-2", "W-3", "P-1", "P-2", "T-1"})
# The rules generated cases check; the others only have vectors.
_GENERATED_RULES = _EVERY_CALL_RULES | frozenset(
    {"IN-2", "IN-3", "S-1", "S-2", "S-3", "S-4", "S-5", "S-6", "S-7", "S-8", "S-9"}
    | {"O-1", "O-2", "O-3", "P-3", "P-4", "T-2", "T-3", "T-4"}
)


def check(
    adapter: Adapter,
    *,
    seed: int = 0,
    examples: int = DEFAULT_EXAMPLES,
    rules: Iterable[str] | None = None,
    skip: Iterable[str] | None = None,
    strict: bool = False,
    name: str | None = None,
    operation: Any = LIST_SERVICE_JOBS_NAME,
) -> Report:
    """Check an implementation of ListServiceJobs (or, with ``operation``, ListJobs) against the contract
    and the reference.

    ``adapter(jobs, request)`` is the implementation under test: ``jobs`` a list of wire-shaped
    ``ServiceJobSummary`` dicts (which may carry ``jobQueue`` and ``version``), ``request`` a
    ``ListServiceJobsRequest`` as a JSON body decodes to; it returns the response dict, and rejects a
    request by raising any exception. Each call gets fresh copies of the jobs and the request.

    ``seed`` and ``examples`` choose the generated cases (``examples=0`` runs the vectors only);
    ``rules``, a collection of rule ids such as ``["S-5", "P-4"]``, limits the report to those rules, and
    ``skip`` leaves rules out. ``strict`` makes a difference from one of the reference's decisions a
    failure (by default it is an advisory: ``report.ok`` reflects the rules AWS states). ``name`` is how
    the report's title names the adapter (default: its module and qualified name).

    ``operation`` is the operation the adapter implements: ``ListServiceJobs`` (the default) or
    ``ListJobs``, by name or as ``listjobs_core.LIST_JOBS``. For ListJobs the jobs are ``JobSummary`` dicts
    (array children ``P:index``, multi-node nodes ``P#node``), the reference is
    :func:`listjobs_core.list_jobs`, the generated cases are ListJobs cases (parents and their children
    among the jobs), and the report has one row per LJ rule. For ``GetJobQueueSnapshot`` the adapter is
    called as :func:`listjobs_core.job_queue_snapshot` is, ``adapter(jobs, *, now_ms, job_queue,
    scheduling, quota_shares)``, over designed queues and ``examples`` generated ones, and the report has
    one row per SN rule. For ``ListJobsByConsumableResource`` the adapter is called as
    :func:`listjobs_core.list_jobs_by_consumable_resource` is, over designed cases and ``examples``
    generated ones, one row per CR rule.

    >>> from listjobs_core import LIST_JOBS, list_jobs
    >>> check(list_jobs, operation=LIST_JOBS).ok
    True
    >>> from listjobs_core._snapshot import job_queue_snapshot
    >>> check(job_queue_snapshot, operation="GetJobQueueSnapshot", examples=20).ok
    True
    >>> from listjobs_core import list_service_jobs
    >>> report = check(list_service_jobs, examples=10)
    >>> report.ok, report.row("S-5").failures
    (True, 0)
    """
    operation_name = getattr(operation, "name", operation)
    other_check = _OTHER_CHECKS.get(operation_name)
    if other_check is not None:
        return other_check(
            adapter,
            rules=rules,
            skip=skip,
            strict=strict,
            name=name if name is not None else _name(adapter),
            seed=seed,
            examples=examples,
        )
    if operation_name != LIST_SERVICE_JOBS_NAME:
        raise ValueError(
            "operation must be ListServiceJobs, ListJobs, GetJobQueueSnapshot or "
            f"ListJobsByConsumableResource, got {operation_name!r}"
        )
    chosen = chosen_rules(rules, skip)
    chosen_ids = {rule.id for rule in chosen}
    tally = Tally(chosen, "adapter", strict=strict)
    implementation = AdapterImplementation(adapter)
    run_all = bool(chosen_ids & _EVERY_CALL_RULES)
    cases = load_vectors()
    for case in cases:
        if run_all or case.rule in chosen_ids:
            with tally.case(case.name, case.rule) as log:
                run_case(implementation, case, log, list_service_jobs)
    vector_cases = tally.cases
    if not chosen_ids & _GENERATED_RULES:
        examples = 0
    for number in range(examples):
        rng = random.Random(f"listjobs_core.conformance:{seed}:{number}")
        with tally.case(f"generated case {number} (seed {seed})") as log:
            run_generated(implementation, list_service_jobs, rng, log)
    return Report(
        tally.rows(),
        name if name is not None else _name(adapter),
        seed,
        vector_cases,
        examples,
        strict,
        "adapter",
        tally.crashes(),
        calls=tally.calls,
    )


def _name(adapter: Any) -> str:
    """``module:function`` for a function, ``module:Class instance`` for a callable object."""
    module = getattr(adapter, "__module__", None)
    name = getattr(adapter, "__qualname__", None)
    if isinstance(module, str) and isinstance(name, str):
        return f"{module}:{name}"
    kind = type(adapter)
    return f"{kind.__module__}:{kind.__qualname__} instance"
