"""The cases of a run over the wire: the wire itself, validation, listings, tokens, jobs changing.

Theory of operation: every listing is judged against the reference over the jobs as the endpoint
describes them (``_run`` keeps those still), with the judging code the adapter check uses:

- ``probe``: ListServiceJobs answers at its requestUri (H-1); a 404 ends the run with a clear problem.
- ``check_the_wire``: another path is a 404 (H-1, decision part); a body that is not JSON is a 400
  ClientException and an empty body the request ``{}`` (H-2).
- ``validation_cases``: the refusals of ``vectors.json`` (V-1 to V-11), sent as raw JSON (null members,
  unknown members, ``filters`` as an object: what an SDK will not send), each refusal checked on the wire
  too (E-1, E-3, H-3; see ``_listing_calls``).
- ``designed_listings`` and ``generated_listings``: the listings of ``_plan``, traversed page by page
  with changing page sizes and compared with the reference's pages; a difference is reported under the
  rule that causes it (``_diagnosis``).
- ``token_cases``: the same token twice gives the same page (T-2); a token is refused with another
  query and accepted with the queue's ARN for its name (T-3); changed or cut, it is refused (T-4).
- ``changing_traversals``: a newer job submitted, and a listed job terminated, between pages: no job
  twice, none skipped that matched throughout (P-4).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ... import list_service_jobs
from .._calls import Answer, Rejection, json_copy
from .._differential import traverse_and_compare
from .._generate import generate_sizes
from .._report import CaseLog
from .._vectors import Case, Step, load_vectors, run_case, tampered, token_change_hint
from ._listing_calls import check_request_id
from ._plan import TERMINATION_REASON, ListingCase, generated_request, listing_cases
from ._queues_and_jobs import PREFIX, check_submit_answer, fail_operation, run_submit_request, short
from ._run import NOT_IMPLEMENTED, EndpointRun, Snapshot, StableCase

__all__ = [
    "changing_traversals",
    "check_the_wire",
    "check_token",
    "designed_listings",
    "generated_listings",
    "probe",
    "token_cases",
    "validation_cases",
    "whole_listing",
]

_REFUSED = frozenset({401, 403})
_CLIENT_EXCEPTION = "ClientException"
_TOKEN_PAGE = 2


def probe(run: EndpointRun) -> bool:
    """H-1 for ListServiceJobs; False (and a problem) when the run cannot be made."""
    request: dict[str, Any] = {"maxResults": 1}
    if run.job_queue:
        request["jobQueue"] = run.job_queue
    with run.tally.case("ListServiceJobs at its requestUri", "H-1") as log:
        log.check("H-1")
        answer = run.operation("ListServiceJobs", request, log)
        if answer.status in NOT_IMPLEMENTED:
            run.problems.append(
                f"ListServiceJobs is not implemented at {run.client.url}: POST /v1/listservicejobs is "
                f"answered HTTP {answer.status} ({short(answer)})"
            )
            fail_operation(log, "ListServiceJobs", request, answer)
            return False
        if answer.status >= 500:
            # moto from 5.2.6 on finds every operation of botocore's model and answers one it has no
            # handler for with a 500 (NotImplementedError): the run cannot be made either way.
            run.problems.append(
                f"ListServiceJobs fails at {run.client.url}: POST /v1/listservicejobs is answered HTTP "
                f"{answer.status} ({short(answer)})"
            )
            fail_operation(log, "ListServiceJobs", request, answer)
            return False
        if answer.status in _REFUSED:
            run.problems.append(
                f"{run.client.url} refused the signed request with HTTP {answer.status} ({short(answer)}): "
                "check the credentials and the region"
            )
            return False
    return True


def check_the_wire(run: EndpointRun) -> None:
    """H-1 (another path is a 404, a decision) and H-2 (the body)."""
    run.designed += 1
    with run.tally.case("the wire: another path, a malformed body, an empty body", "H-2") as log:
        log.check("H-1", "H-2")
        checks: tuple[tuple[str, str, bytes, str, Callable[[Any], bool], str, bool], ...] = (
            (
                "H-1",
                "/v1/nosuchoperation",
                b"{}",
                "a POST to a path that is no operation",
                lambda answer: answer.status == 404,
                "HTTP 404",
                True,
            ),
            (
                "H-2",
                "/v1/listservicejobs",
                b'{"maxResults": ',
                "a body that is not JSON",
                lambda answer: answer.status == 400 and answer.error_type() == _CLIENT_EXCEPTION,
                "a ClientException (HTTP 400)",
                False,
            ),
            (
                "H-2",
                "/v1/listservicejobs",
                b"",
                "an empty body",
                lambda answer: answer.status == 200,
                "the answer to {}",
                False,
            ),
        )
        for rule, path, body, what, holds, expected, decision_part in checks:
            log.calls += 1
            answer = run.client.post(path, body)
            shown = f"POST {path} {body.decode()}"
            if answer.status not in NOT_IMPLEMENTED:
                check_request_id(answer, run.request_ids, log, shown)
            if not holds(answer):
                log.fail(
                    rule,
                    f"{what} is answered HTTP {answer.status}",
                    jobs=(),
                    request=shown,
                    expected=expected,
                    got=answer.shown(),
                    decision_part=decision_part,
                )


def validation_cases(run: EndpointRun) -> None:
    """The refusals of ``vectors.json`` (V-1 to V-11), sent to the run's queue as raw JSON. A refusal does
    not depend on the jobs, so the cases need neither jobs nor a stable snapshot."""
    for vector in load_vectors():
        if not vector.rule.startswith("V-"):
            continue
        steps = tuple(
            Step(_with_queue(run, step.request), None, None, step.expect)
            for step in vector.steps
            if step.token is None and step.changes is None and step.expect is not None and step.expect.reject
        )
        if not steps:
            continue
        case = Case(vector.id, vector.rule, vector.title, (), steps, decision=vector.decision)
        run.designed += 1
        with run.tally.case(f"vectors.json {vector.id} over the wire: {vector.title}", vector.rule) as log:
            run_case(run.implementation, case, log)


def _with_queue(run: EndpointRun, request: Any) -> Any:
    if isinstance(request, dict) and "jobQueue" not in request and run.queues.name:
        return {"jobQueue": run.queues.name, **request}
    return request


def designed_listings(run: EndpointRun) -> None:
    """The listings of ``_plan``, each traversed and compared with the reference's pages."""
    jobs = run.current_jobs()
    times = [
        int(job["createdAt"]) for job in jobs if isinstance(job.get("createdAt"), int) and run.in_queue(job)
    ]
    cases = listing_cases(run.queues, times, shares=run.shares_kept, quotas=run.quotas_kept)
    run.designed += len(cases)
    run.judge([_designed(run, number, case) for number, case in enumerate(cases)])


def _designed(run: EndpointRun, number: int, case: ListingCase) -> StableCase:
    def body(jobs: list[dict[str, Any]], log: CaseLog) -> None:
        rng = random.Random(f"listjobs_core.conformance.endpoint:{run.seed}:designed:{number}")
        log.check(case.rule)
        sizes = list(case.sizes)
        if case.whole:  # one page that holds the whole selection exactly: no nextToken (P-2)
            sizes = [min(max(len(whole_listing(jobs, case.request)), 1), 100)]
        traverse_and_compare(
            run.implementation, list_service_jobs, jobs, dict(case.request), sizes, rng, log, case.rule
        )

    return StableCase(case.name, case.rule, (case.rule,), body)


def generated_listings(run: EndpointRun, examples: int) -> None:
    """``examples`` listings drawn from the jobs as observed (``_plan.generated_request``)."""
    run.generated += examples
    run.judge([_generated(run, number) for number in range(examples)])


def _generated(run: EndpointRun, number: int) -> StableCase:
    def body(jobs: list[dict[str, Any]], log: CaseLog) -> None:
        rng = random.Random(f"listjobs_core.conformance.endpoint:{run.seed}:{number}")
        request = generated_request(rng, jobs, run.queues)
        traverse_and_compare(
            run.implementation, list_service_jobs, jobs, request, generate_sizes(rng), rng, log
        )

    return StableCase(f"generated listing {number} (seed {run.seed})", None, (), body)


def token_cases(run: EndpointRun) -> None:
    """T-2, T-3 and T-4 on a token of a listing of every job of the run's queue."""
    request = {"jobQueue": run.queues.name, "filters": [{"name": "AFTER_CREATED_AT", "values": ["0"]}]}
    run.designed += 1

    def body(jobs: list[dict[str, Any]], log: CaseLog) -> None:
        log.check("T-2", "T-3", "T-4")
        first = run.implementation.call(jobs, {**request, "maxResults": _TOKEN_PAGE}, log)
        if not isinstance(first, Answer) or not isinstance(first.token, str):
            return  # the designed listings judge that
        second_request = {**request, "maxResults": _TOKEN_PAGE, "nextToken": first.token}
        second = run.implementation.call(jobs, second_request, log)
        again = run.implementation.call(jobs, second_request, log)
        if isinstance(second, Answer) and (
            not isinstance(again, Answer) or (again.ids, again.more) != (second.ids, second.more)
        ):
            log.fail(
                "T-2",
                "the same nextToken passed twice gives two different pages",
                jobs=jobs,
                request=second_request,
                expected={"jobIds": list(second.ids), "more": second.more},
                got=again.shown,
            )
        check_token(run, log, jobs, request, first.token, second if isinstance(second, Answer) else None)

    run.judge([StableCase("tokens of a listing of the run's jobs", "T-3", ("T-2", "T-3", "T-4"), body)])


def check_token(
    run: EndpointRun,
    log: CaseLog,
    jobs: Iterable[Mapping[str, Any]],
    request: Mapping[str, Any],
    token: str,
    second_page: Answer | None,
) -> None:
    """T-3: the first page's token is refused with another query, and continues with the queue's ARN for
    its name; T-4: changed or cut short, it is refused."""
    jobs = list(jobs)
    log.check("T-3", "T-4")
    queue = request.get("jobQueue")
    others = [
        {**request, "jobQueue": run.queues.other or f"{PREFIX}-another-queue"},
        {**request, "jobStatus": "FAILED" if request.get("jobStatus") != "FAILED" else "SUBMITTED"},
        {**request, "filters": [{"name": "JOB_NAME", "values": ["conf*"]}]},
    ]
    if request.get("filters") is not None:
        others.append({name: value for name, value in request.items() if name != "filters"})
    for other in others:
        outcome = run.implementation.call(jobs, {**other, "maxResults": _TOKEN_PAGE, "nextToken": token}, log)
        if isinstance(outcome, Answer):
            log.fail(
                "T-3",
                "a nextToken is accepted with another query (jobQueue, jobStatus or filters changed)",
                jobs=jobs,
                request={
                    "first page": {**request, "maxResults": _TOKEN_PAGE},
                    "then": {**other, "nextToken": token},
                },
                expected="a rejection",
                got=outcome.shown,
            )
            break
    if second_page is not None and run.queues.arn is not None and queue == run.queues.name:
        by_arn = {**request, "jobQueue": run.queues.arn, "maxResults": _TOKEN_PAGE, "nextToken": token}
        outcome = run.implementation.call(jobs, by_arn, log)
        if not isinstance(outcome, Answer) or outcome.ids != second_page.ids:
            log.fail(
                "T-3",
                "a nextToken of the queue's name does not continue with the queue's ARN, the same queue",
                jobs=jobs,
                request=by_arn,
                expected={"jobIds": list(second_page.ids)},
                got=outcome.shown,
            )
    for changed in [*tampered(token), token[:-1]]:
        outcome = run.implementation.call(
            jobs, {**request, "maxResults": _TOKEN_PAGE, "nextToken": changed}, log
        )
        if isinstance(outcome, Answer):
            what = "cut short by one character" if changed == token[:-1] else "with one character changed"
            log.fail(
                "T-4",
                f"a nextToken {what} is accepted" + token_change_hint(token, changed),
                jobs=jobs,
                request={**request, "maxResults": _TOKEN_PAGE, "nextToken": changed},
                expected="a rejection",
                got=outcome.shown,
            )
            break


def changing_traversals(run: EndpointRun) -> None:
    """P-4: a newer job submitted after the first page; a listed job terminated after the first page."""
    everything = {"jobQueue": run.queues.name, "filters": [{"name": "AFTER_CREATED_AT", "values": ["0"]}]}

    def submit_newer(page: list[str]) -> None:
        log = CaseLog("submitting a job between pages")
        request = run_submit_request(run, "conf-late", run.queues.name)
        answer = run.operation("SubmitServiceJob", request, log)
        if answer.status == 200:
            check_submit_answer(run, request, answer, log)

    def terminate_listed(page: list[str]) -> None:
        # Only a job of the run's own: a given queue may hold other people's jobs.
        own = [job_id for job_id in page if job_id in run.submitted]
        if own:
            answer = run.client.call("TerminateServiceJob", {"jobId": own[0], "reason": TERMINATION_REASON})
            if answer.status == 200:
                run.terminated.add(own[0])

    statuses = [str(job.get("status")) for job in run.current_jobs() if run.in_queue(job)]
    common = max(sorted(set(statuses)), key=statuses.count) if statuses else "SUBMITTED"
    _changing(run, "a newer job submitted between pages", everything, submit_newer)
    _changing(
        run,
        "a listed job terminated between pages",
        {"jobQueue": run.queues.name, "jobStatus": common},
        terminate_listed,
    )


def _changing(
    run: EndpointRun, name: str, request: dict[str, Any], change: Callable[[list[str]], None]
) -> None:
    run.designed += 1
    log = CaseLog(f"changing traversal: {name}", "P-4")
    log.check("P-4")
    snapshots: list[Snapshot] = []
    pages: list[list[str]] = []
    token: Any = None
    for number in range(len(run.known) + 10):
        snapshot = run.take_snapshot()
        page_request = {**request, "maxResults": 2, **({"nextToken": token} if token is not None else {})}
        outcome = run.implementation.call([json_copy(job) for job in snapshot.jobs], page_request, log)
        if isinstance(outcome, Rejection) and outcome.crash:
            break
        if not isinstance(outcome, Answer):
            if number > 0:
                _fail_changing(log, request, pages, f"rejected its own nextToken: {outcome.shown}")
            break
        snapshots.append(snapshot)
        pages.append(list(outcome.ids))
        if not outcome.more:
            break
        if number == 0:
            change(list(outcome.ids))
            run.invalidate()
        token = outcome.token
    run.invalidate()
    listed = [job_id for page in pages for job_id in page]
    twice = sorted({job_id for job_id in listed if listed.count(job_id) > 1})
    throughout: set[str] | None = None
    for snapshot in snapshots:
        selected = {item["jobId"] for item in whole_listing(snapshot.jobs, request)}
        throughout = selected if throughout is None else throughout & selected
    skipped = sorted((throughout or set()) - set(listed))
    if twice:
        _fail_changing(log, request, pages, f"listed twice: {twice}")
    elif skipped:
        _fail_changing(log, request, pages, f"skipped {skipped}, which matched the query throughout")
    run.tally.add(log)


def _fail_changing(log: CaseLog, request: dict[str, Any], pages: list[list[str]], reason: str) -> None:
    log.fail(
        "P-4",
        reason,
        jobs=(),
        request={"request": request, "maxResults of each page": 2},
        expected="no job twice; every job that matched throughout listed",
        got={"pages": pages},
    )


def whole_listing(jobs: Iterable[Mapping[str, Any]], request: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The reference's whole selection of ``request`` over ``jobs`` (every page)."""
    whole = {name: value for name, value in request.items() if name not in ("nextToken", "maxResults")}
    listed: list[dict[str, Any]] = []
    job_list = [json_copy(dict(job)) for job in jobs]
    page_request: dict[str, Any] = {**whole, "maxResults": 100}
    while True:
        response = list_service_jobs(job_list, page_request)
        listed.extend(response["jobSummaryList"])
        if "nextToken" not in response:
            return listed
        page_request = {**whole, "maxResults": 100, "nextToken": response["nextToken"]}
