"""``check_endpoint``: check a running endpoint over the wire, black-box, through the public API only.

Theory of operation, in the order a run goes:

1. Safety. Nothing is submitted to an endpoint that is not on this machine unless ``allow_remote``; in
   ``read_only`` mode nothing is submitted, terminated or created at all (``_read_only``).
2. A probe: ListServiceJobs must answer at its ``requestUri``; a 404 there ends the run with a report
   that says ListServiceJobs is not implemented.
3. The queues and jobs (``_queues_and_jobs``): a queue whose name is new for every run (or the one given),
   the jobs of ``_plan`` submitted into it and some terminated, the other operations' rules on the way.
4. The cases (``_cases``), each listing judged against the reference over the jobs as described,
   on snapshots that hold still (``_run``).
5. Clean-up: every job the run submitted is terminated and what it made deleted, even when the run
   stops early; the report's notes say which queue was used.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from .._report import CaseLog, Report, Tally, TargetFault
from .._rules import (
    CONSUMABLE_NAME,
    LIST_JOBS_NAME,
    LIST_SERVICE_JOBS_NAME,
    SNAPSHOT_NAME,
    Rule,
    TargetKind,
    chosen_rules,
    operation_rules,
)
from ._cases import (
    changing_traversals,
    check_the_wire,
    designed_listings,
    generated_listings,
    probe,
    token_cases,
    validation_cases,
)
from ._consumable_making import ConsumableMade, remove_consumable_made
from ._consumable_run import check_consumable_endpoint
from ._list_jobs_making import Made, remove_made
from ._list_jobs_run import check_list_jobs_endpoint
from ._queues_and_jobs import (
    check_client_tokens,
    check_descriptions,
    check_refused_submits,
    clean_up,
    discover,
    set_up_queues,
    submit_planned_jobs,
    terminate_planned_jobs,
)
from ._read_only import read_only_checks
from ._rest_client import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_BODY,
    DEFAULT_TIMEOUT,
    EndpointClient,
    check_url,
    is_loopback,
)
from ._run import EndpointRun
from ._snapshot_run import check_snapshot_endpoint

__all__ = ["DEFAULT_ENDPOINT_EXAMPLES", "RemoteEndpointRefused", "check_endpoint"]

DEFAULT_ENDPOINT_EXAMPLES = 20


class RemoteEndpointRefused(ValueError):
    """The run would submit jobs to an endpoint that is not on this machine without ``allow_remote``."""


def check_endpoint(
    url: str,
    *,
    region: str | None = None,
    profile: str | None = None,
    access_key_id: str | None = None,
    secret_access_key: str | None = None,
    session_token: str | None = None,
    job_queue: str | None = None,
    read_only: bool = False,
    allow_remote: bool = False,
    strict: bool = False,
    rules: Iterable[str] | None = None,
    skip: Iterable[str] | None = None,
    seed: int = 0,
    examples: int = DEFAULT_ENDPOINT_EXAMPLES,
    timeout: float = DEFAULT_TIMEOUT,
    deadline: float = DEFAULT_DEADLINE,
    max_body: int = DEFAULT_MAX_BODY,
    operation: Any = LIST_SERVICE_JOBS_NAME,
    service_role: str | None = None,
) -> Report:
    """Check the AWS Batch endpoint at ``url`` against the contract over the wire, and return the same
    :class:`Report` as :func:`check`, titled with ``url`` as given.

    The run submits its own jobs into a queue whose name is new (or into ``job_queue``, an existing
    SAGEMAKER_TRAINING job queue), judges every listing against the reference over the jobs as described,
    terminates what it submitted, and says in the report's notes which queue it used. ``read_only``
    submits nothing and checks what holds over the jobs already there (validation, messages, pagination).
    Requests are SigV4-signed with the given credentials, or those of ``profile``, or the ambient ones
    (an endpoint on this machine gets dummy ones when there are none); this needs botocore
    (``pip install ".[conformance]"`` from a clone).

    ``strict``, ``rules``, ``skip`` and ``seed`` are as for :func:`check`; ``examples`` is the number of
    generated listings; ``timeout`` the seconds each whole response may take, ``deadline`` the seconds the
    whole run may take (clean-up included), and ``max_body`` the most bytes of a response body read.

    The endpoint's own faults are failed checks, never exceptions: a connection closed or reset instead
    of an answer, a response that does not arrive whole within ``timeout``, a body over ``max_body``, or
    the deadline passing, each end the run with a report whose ``problems`` say what happened, and which
    records the fault, with the request that caused it, under the rule being checked.

    ``operation="GetJobQueueSnapshot"`` checks GetJobQueueSnapshot and the queue operations instead (one
    row per SN and QS rule): the run makes a FIFO, a fair-share and a quota-share queue with quota shares and
    jobs, moves jobs to RUNNABLE through moto's ``/moto-api/config`` where the endpoint offers it, judges
    each queue's snapshot against :func:`listjobs_core.job_queue_snapshot` over its jobs as described, and
    deletes what it made.

    ``operation="ListJobs"`` (or ``listjobs_core.LIST_JOBS``) checks ListJobs instead and reports one row
    per LJ rule. The run makes what ListJobs needs where the endpoint lets it: an UNMANAGED compute
    environment with ``service_role`` (the ARN of an existing IAM role: the kit creates no role) and a job
    queue on it (or it uses ``job_queue``), job definitions, and jobs, array and multi-node jobs among
    them, which it removes at the end (given up to 30 s past the deadline for that). Where the endpoint
    refuses to make them, or with ``read_only``, it checks over the jobs the endpoint lists in
    ``job_queue``; the report's notes say which rules no case reached, and why.

    ``operation="ListJobsByConsumableResource"`` checks that listing (one row per CR rule). As for
    ListJobs, the run makes a compute environment (with ``service_role``) and a queue, and then consumable
    resources (CreateConsumableResource), job definitions that require them and jobs, some overriding the
    requirement, judges the listings against :func:`listjobs_core.list_jobs_by_consumable_resource` over
    the jobs they show and against what each job was made to require, and deletes what it made. Where the
    endpoint refuses to make them, or with ``read_only``, it checks what the listings of the resources
    ListConsumableResources lists show of one another; the notes say which rules went unchecked.

    Raises :class:`RemoteEndpointRefused` for an endpoint not on this machine without ``allow_remote``
    or ``read_only``, ``EndpointUnreachable`` when it cannot be reached, ``MissingDependency`` without
    botocore, and ``ValueError`` for a bad URL, rule id or ``examples``.
    """
    check_url(url)
    operation_name = getattr(operation, "name", operation)
    if operation_name not in (LIST_SERVICE_JOBS_NAME, LIST_JOBS_NAME, SNAPSHOT_NAME, CONSUMABLE_NAME):
        raise ValueError(
            "operation must be ListServiceJobs, ListJobs, GetJobQueueSnapshot or "
            f"ListJobsByConsumableResource, got {operation_name!r}"
        )
    if operation_name == SNAPSHOT_NAME and read_only:
        raise ValueError("GetJobQueueSnapshot is checked over queues and jobs the run makes: not read-only")
    if operation_name == LIST_JOBS_NAME and read_only and not job_queue:
        raise ValueError(
            "ListJobs read-only lists the jobs of a queue: name an existing one (--job-queue NAME_OR_ARN)"
        )
    chosen = _chosen(rules, skip, operation_name)
    if examples < 0:
        raise ValueError(f"examples must not be negative, got {examples}")
    if timeout <= 0 or deadline <= 0 or max_body <= 0:
        raise ValueError("timeout, deadline and max_body must be positive")
    if not read_only and not allow_remote and not is_loopback(url):
        raise RemoteEndpointRefused(
            f"{url} is not on this machine: the kit submits and terminates jobs only on a loopback endpoint "
            "unless remote endpoints are allowed (--allow-remote); --read-only submits nothing"
        )
    client = EndpointClient(
        url,
        region=region,
        profile=profile,
        access_key_id=access_key_id,
        secret_access_key=secret_access_key,
        session_token=session_token,
        timeout=timeout,
        deadline=deadline,
        max_body=max_body,
    )
    kind: TargetKind = "read-only endpoint" if read_only else "endpoint"
    tally = Tally(chosen, kind, strict=strict, operation=operation_name)
    run = EndpointRun(client, tally, seed=seed, job_queue=job_queue, read_only=read_only)
    made = ConsumableMade() if operation_name == CONSUMABLE_NAME else Made()
    started = time.perf_counter()
    try:
        if operation_name == LIST_JOBS_NAME:
            run.designed = check_list_jobs_endpoint(
                client,
                tally,
                made,
                job_queue=job_queue,
                read_only=read_only,
                service_role=service_role,
                problems=run.problems,
                notes=run.notes,
            )
        elif operation_name == CONSUMABLE_NAME:
            assert isinstance(made, ConsumableMade)
            run.designed = check_consumable_endpoint(
                client,
                tally,
                made,
                read_only=read_only,
                service_role=service_role,
                problems=run.problems,
                notes=run.notes,
            )
        elif operation_name == SNAPSHOT_NAME:
            check_snapshot_endpoint(run)
        elif read_only:
            if probe(run):
                read_only_checks(run)
        else:
            _full_run(run, examples)
    except TargetFault as fault:
        _stopped_by(run, fault)
    finally:
        try:
            if isinstance(made, ConsumableMade):
                remove_consumable_made(client, made, run.notes)
            elif operation_name == LIST_JOBS_NAME:
                remove_made(client, made, run.notes)
            elif not read_only:
                clean_up(run)
        finally:
            client.close()
    elapsed = time.perf_counter() - started
    run.notes.append(f"{_count(client.requests, 'HTTP request')} in {elapsed:.1f} s")
    return Report(
        tally.rows(),
        url,
        seed,
        run.designed,
        run.generated,
        strict,
        kind,
        tally.crashes(),
        tuple(run.problems),
        tuple(run.notes),
        tally.calls,
        operation_name,
    )


def _full_run(run: EndpointRun, examples: int) -> None:
    """Steps 2 to 4 of the module documentation."""
    if not probe(run) or not set_up_queues(run) or not submit_planned_jobs(run):
        return
    if not check_descriptions(run):
        return
    terminate_planned_jobs(run)
    check_client_tokens(run)
    check_refused_submits(run)
    discover(run)
    check_the_wire(run)
    validation_cases(run)
    designed_listings(run)
    token_cases(run)
    generated_listings(run, examples)
    changing_traversals(run)


# The rules each operation's run over the wire reports on, by the prefixes of their ids.
_RULE_PREFIXES = {SNAPSHOT_NAME: ("SN-", "QS-"), CONSUMABLE_NAME: ("CR-",), LIST_JOBS_NAME: ("LJ-",)}


def _chosen(rules: Iterable[str] | None, skip: Iterable[str] | None, operation: str) -> tuple[Rule, ...]:
    """The rules a run reports on: for an operation other than ListServiceJobs, its own among those chosen."""
    prefixes = _RULE_PREFIXES.get(operation)
    if prefixes is None:
        return chosen_rules(rules, skip)
    return operation_rules(rules, skip, operation, prefixes)


def _stopped_by(run: EndpointRun, fault: TargetFault) -> None:
    """The run stops at the endpoint's fault: recorded under the rule being checked (outside a case, the
    rule its operation is checked under), and a problem of the report."""
    if not fault.recorded:
        log = CaseLog(f"{fault.operation or 'a request'} outside the cases")
        fault.record(log)
        run.tally.add(log)
    rule_id = fault.rule
    run.problems.append(
        f"the endpoint failed to answer {fault.operation or 'a request'} while {rule_id} was checked: "
        f"{fault.reason}; the run stopped there"
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")
