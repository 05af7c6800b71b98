"""ListJobs over the wire: over jobs the run makes where the endpoint lets it, else read-only over a queue's.

Theory of operation: unless ``read_only``, the run makes its own compute environment, queue, job
definitions and jobs (``_list_jobs_making``) and lets them settle; where the endpoint refuses a creation
(the reference endpoint serves a jobs file and has none of those operations), the run checks read-only
over the jobs of the queue given, and says so. Either way the kit learns the jobs from the endpoint
itself: discovery traverses the queue once per status, then the children of every array and multi-node
parent it found, and keeps each summary as the job (a ``JobSummary`` holds every member a listing reads:
LJ-12). Then designed requests, made from what was found (a name, a definition, a ``createdAt``
observed, a parent), are traversed by the endpoint and by :func:`listjobs_core.list_jobs` over the jobs
found, page by page (``_list_jobs_judging``), and refusals must be 400 ``ClientException`` answers. A job
that changes status during the run makes its listings differ; discovery runs again at the end, and the
report's notes say when the jobs changed, and which rules no case could reach and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._list_jobs_cases import LIST_JOBS_STATUSES, ListJobsCase, queue_cases
from .._list_jobs_judging import Call, Outcome, read_list_jobs_response, run_list_jobs_case
from .._report import CaseLog, Tally
from ._list_jobs_making import Made, make_jobs, settle
from ._listing_calls import check_refusal_form
from ._rest_client import EndpointClient

__all__ = ["check_list_jobs_endpoint"]

_DISCOVERY_PAGES = 50


def check_list_jobs_endpoint(
    client: EndpointClient,
    tally: Tally,
    made: Made,
    *,
    job_queue: str | None,
    read_only: bool,
    service_role: str | None,
    problems: list[str],
    notes: list[str],
) -> int:
    """Check ListJobs at ``client`` (see the module documentation); the number of designed cases run.
    What the run makes is recorded in ``made``, which the caller removes whatever happens."""
    queue = None if read_only else make_jobs(client, made, job_queue=job_queue, service_role=service_role)
    if queue is not None:
        found, still = settle(client, lambda: _discover(client, queue, problems, made.parents))
        where = "the queue given" if job_queue else f"queue {queue}, which the run created"
        notes.append(f"ListJobs checked over the jobs the run submitted into {where}")
        if not still:
            notes.append(
                "the jobs were still changing when the cases began: some differences may come from that"
            )
        if made.multi_node:
            notes.append(f"no multi-node job: {made.multi_node}")
    else:
        if made.refusal is not None:
            notes.append(f"the endpoint refused to make what ListJobs needs: {made.refusal}")
        if job_queue is None:
            role = (
                ""
                if service_role
                else "give the compute environment a service role (--service-role ARN), or "
            )
            problems.append(
                f"ListJobs cannot be checked at {client.url}: {made.refusal}; {role}name an existing queue "
                "(--job-queue NAME_OR_ARN) to check read-only over its jobs"
            )
            return 0
        queue = job_queue
        notes.append(f"read-only: ListJobs checked over the jobs the endpoint lists in queue {queue}")
        found = _discover(client, queue, problems, made.parents)
    if found is None:
        return 0
    jobs = tuple(found.values())
    parents = sum(1 for job in jobs if _parent_member(job, made.parents) is not None)
    notes.append(f"{len(jobs)} jobs found, {parents} of them array or multi-node parents")
    cases, unreachable = _cases(jobs, queue, made.parents)
    for case in cases:
        title = f"{case.rule} {case.name}" + (f" (as {case.shared})" if case.shared else "")
        with tally.case(title, case.rule) as log:
            run_list_jobs_case(_wire_call(client, jobs), case, log)
    unchecked = [row.id for row in tally.rows() if row.checkable and row.cases == 0]
    if unchecked:
        notes.append(
            f"not checked: {', '.join(unchecked)} ({'; '.join(unreachable) or 'no case reached them'})"
        )
    again = _discover(client, queue, [], made.parents)
    if again is not None and {job_id: _key(job) for job_id, job in again.items()} != {
        job_id: _key(job) for job_id, job in found.items()
    }:
        notes.append("the endpoint's jobs changed during the run: some differences may come from that")
    return len(cases)


def _key(job: Mapping[str, Any]) -> tuple[Any, ...]:
    return (job.get("status"), job.get("createdAt"), job.get("jobName"))


def _wire_call(client: EndpointClient, jobs: tuple[dict[str, Any], ...]) -> Call:
    def call(request: Any, log: CaseLog) -> Outcome:
        log.calls += 1
        answer = client.call("ListJobs", request)
        shown = answer.shown()
        if answer.status == 200:
            body = answer.data if answer.data is not None else answer.body[:300].decode("utf-8", "replace")
            return read_list_jobs_response(body, jobs, request, log)
        if answer.status >= 500:
            log.crash(f"answered HTTP {answer.status}", str(shown), jobs=(), request=request)
            return Outcome(refusal=str(shown), crash=True, shown=shown)
        check_refusal_form(log, "LJ-1", answer, request)
        return Outcome(refusal=str(shown), shown=shown)

    return call


def _discover(
    client: EndpointClient, queue: str, problems: list[str], known: Mapping[str, str]
) -> dict[str, dict[str, Any]] | None:
    """Every job the endpoint lists in ``queue`` and under its parents (those ``known``, the parents the
    run submitted, and those the summaries show), by id; None (and a problem) when the queue cannot be
    listed."""
    found: dict[str, dict[str, Any]] = {}
    for status in LIST_JOBS_STATUSES:
        if not _traverse(client, {"jobQueue": queue, "jobStatus": status}, found, queue, problems):
            return None
    for job in list(found.values()):
        member = _parent_member(job, known)
        if member is not None:
            for status in LIST_JOBS_STATUSES:
                _traverse(client, {member: job["jobId"], "jobStatus": status}, found, queue, [])
    return found


def _traverse(
    client: EndpointClient,
    request: dict[str, Any],
    found: dict[str, dict[str, Any]],
    queue: str,
    problems: list[str],
) -> bool:
    token: Any = None
    for _ in range(_DISCOVERY_PAGES):
        answer = client.call(
            "ListJobs", {**request, "maxResults": 100, **({"nextToken": token} if token else {})}
        )
        data = answer.data
        if (
            answer.status != 200
            or not isinstance(data, dict)
            or not isinstance(data.get("jobSummaryList"), list)
        ):
            problems.append(
                f"ListJobs of queue {queue} cannot be read at {client.url}: POST /v1/listjobs "
                f"{request} is answered {answer.shown()!r:.300}"
            )
            return False
        for summary in data["jobSummaryList"]:
            if isinstance(summary, dict) and isinstance(summary.get("jobId"), str):
                found.setdefault(summary["jobId"], {**summary, "jobQueue": queue})
        token = data.get("nextToken")
        if not isinstance(token, str):
            return True
    return True


def _parent_member(job: Mapping[str, Any], known: Mapping[str, str]) -> str | None:
    """``arrayJobId`` for an array parent, ``multiNodeJobId`` for a multi-node parent, else None: as the
    run submitted it (``known``, by jobId), else as its summary shows it."""
    if not _is_top(job):
        return None
    if job.get("jobId") in known:
        return known[str(job["jobId"])]
    array = job.get("arrayProperties")
    if isinstance(array, Mapping) and "size" in array:
        return "arrayJobId"
    if isinstance(job.get("nodeProperties"), Mapping):
        return "multiNodeJobId"
    return None


def _filter(name: str, *values: str, **request: Any) -> dict[str, Any]:
    return {"filters": [{"name": name, "values": list(values)}], **request}


def _cases(
    jobs: tuple[dict[str, Any], ...], queue: str, known: Mapping[str, str]
) -> tuple[list[ListJobsCase], list[str]]:
    """The designed requests, made from the jobs found; and why the cases some rules need were not made."""
    unreachable: list[str] = []
    q: dict[str, Any] = {"jobQueue": queue}
    c = ListJobsCase
    top = [job for job in jobs if _is_top(job)]
    statuses = [job.get("status") for job in top]
    busiest = max(LIST_JOBS_STATUSES, key=statuses.count)
    cases = [
        *queue_cases(jobs, queue, status=busiest),
        c("a queue listing lists no child", "LJ-7", jobs, {**q, "jobStatus": busiest}),
        c(
            f"{busiest} in pages of 1",
            "LJ-1",
            jobs,
            {**q, "jobStatus": busiest, "maxResults": 1},
            shared="O-1",
        ),
        c(
            f"{busiest} in pages of 1, 3, 2",
            "LJ-1",
            jobs,
            {**q, "jobStatus": busiest},
            (1, 3, 2),
            shared="P-3",
        ),
        c(
            "a token continues only its own query",
            "LJ-1",
            jobs,
            {**q, "jobStatus": busiest, "maxResults": 1},
            then={**q, "jobStatus": "SUBMITTED" if busiest != "SUBMITTED" else "FAILED", "maxResults": 1},
            shared="T-3",
            decision_part=True,
        ),
    ]
    names = sorted({job["jobName"] for job in top if isinstance(job.get("jobName"), str) and job["jobName"]})
    if names:
        name = _most_prefixed(names, str.casefold)
        cases += [
            c(f"JOB_NAME {name}", "LJ-1", jobs, _filter("JOB_NAME", name, **q), shared="S-6"),
            c(
                f"JOB_NAME {name[:-1]}",
                "LJ-1",
                jobs,
                _filter("JOB_NAME", name[:-1] or "x", **q),
                shared="S-6",
            ),
            c(
                f"JOB_NAME {name.swapcase()}",
                "LJ-1",
                jobs,
                _filter("JOB_NAME", name.swapcase(), **q),
                shared="S-5",
            ),
            c(
                f"JOB_NAME {name[: max(1, len(name) // 2)]}*",
                "LJ-1",
                jobs,
                _filter("JOB_NAME", name[: max(1, len(name) // 2)] + "*", jobStatus="FAILED", **q),
                shared="S-6",
            ),
        ]
    times = sorted(
        {job["createdAt"] for job in top if type(job.get("createdAt")) is int and job["createdAt"] >= 1}
    )
    if times:
        middle = times[len(times) // 2]
        cases += [
            c(
                f"{bound} {value}",
                "LJ-1",
                jobs,
                _filter(bound, str(value), **q),
                shared="S-7",
                decision_part=True,
            )
            for bound in ("AFTER_CREATED_AT", "BEFORE_CREATED_AT")
            for value in (middle - 1, middle, middle + 1)
        ]
    shares = sorted({job["shareIdentifier"] for job in top if isinstance(job.get("shareIdentifier"), str)})
    if shares:
        cases.append(
            c(
                "SHARE_IDENTIFIER combines with jobStatus",
                "LJ-3",
                jobs,
                _filter("SHARE_IDENTIFIER", shares[0], jobStatus=busiest, **q),
            )
        )
    definitions = sorted({job["jobDefinition"] for job in top if isinstance(job.get("jobDefinition"), str)})
    if not definitions:
        unreachable.append("no job has a jobDefinition: LJ-9 and LJ-11 need one")
    if definitions:
        by_name = {_definition_name(arn): arn for arn in definitions}
        name = _most_prefixed(sorted(by_name), lambda text: text)
        arn = by_name[name]
        # The name, a prefix of it with and without '*' (without, it names no definition), and the name in
        # another case (matching is case-sensitive).
        values = [name, f"{name[: max(1, len(name) - 1)]}*", name[: max(1, len(name) // 2)], name.swapcase()]
        if arn.startswith("arn:"):
            values.append(arn)
        cases += [
            c(f"JOB_DEFINITION {value}", "LJ-9", jobs, _filter("JOB_DEFINITION", value, **q))
            for value in values
        ]
        cases.append(
            c(
                "JOB_DEFINITION ignores jobStatus",
                "LJ-3",
                jobs,
                _filter("JOB_DEFINITION", name, jobStatus="FAILED", **q),
            )
        )
        cases.append(
            c(
                "a name with ':' matches no definition",
                "LJ-11",
                jobs,
                _filter("JOB_DEFINITION", f"{name}:1", **q),
            )
        )
    every_parent: list[tuple[str, str]] = []
    for member in ("arrayJobId", "multiNodeJobId"):
        parents = [job for job in top if _parent_member(job, known) == member]
        every_parent += [(member, job["jobId"]) for job in parents]
        if not parents:
            continue
        parent = max(parents, key=lambda job: sum(1 for child in jobs if _child_of(child, job["jobId"])))
        other = "multiNodeJobId" if member == "arrayJobId" else "arrayJobId"
        cases += [
            c(f"{member} lists the RUNNING children", "LJ-6", jobs, {member: parent["jobId"]}),
            *(
                c(
                    f"{member} with jobStatus {status}",
                    "LJ-6",
                    jobs,
                    {member: parent["jobId"], "jobStatus": status},
                )
                for status in LIST_JOBS_STATUSES
            ),
            c(f"{member} in pages of 1", "LJ-6", jobs, {member: parent["jobId"], "maxResults": 1}),
            c(f"{other} of the parent lists none of its children", "LJ-6", jobs, {other: parent["jobId"]}),
            c(
                "a filter is ignored for children",
                "LJ-8",
                jobs,
                _filter("JOB_NAME", "no-such-name", **{member: parent["jobId"]}),
            ),
            c(
                "a token of a parent is refused for the queue",
                "LJ-13",
                jobs,
                {member: parent["jobId"], "maxResults": 1},
                then={**q, "maxResults": 1},
            ),
            c(
                "a token of the queue is refused for a parent",
                "LJ-13",
                jobs,
                {**q, "maxResults": 1},
                then={member: parent["jobId"], "maxResults": 1},
            ),
        ]
    if not every_parent:
        unreachable.append("no array or multi-node parent among the jobs: LJ-6, LJ-8 and LJ-13 need one")
    if len(every_parent) >= 2:
        (first, first_id), (then, then_id) = every_parent[:2]
        cases.append(
            c(
                "a token of one parent is refused for another",
                "LJ-13",
                jobs,
                {first: first_id, "maxResults": 1},
                then={then: then_id, "maxResults": 1},
            )
        )
    return cases, unreachable


def _definition_name(definition: str) -> str:
    """The name of a job definition given as a revision ARN, ``NAME:REVISION`` or ``NAME``."""
    if definition.startswith("arn:"):
        return definition.rsplit("/", 1)[-1].rsplit(":", 1)[0]
    return definition.split(":", 1)[0]


def _most_prefixed(values: list[str], fold: Any) -> str:
    """The value that (folded) is a proper prefix of the most others, so that a listing by it shows whether
    a whole value is matched as a prefix; the middle one when none is a prefix of another."""
    folded = [fold(value) for value in values]
    counts = [sum(1 for other in folded if other != mine and other.startswith(mine)) for mine in folded]
    best = max(counts)
    return values[counts.index(best)] if best else values[len(values) // 2]


def _is_top(job: Mapping[str, Any]) -> bool:
    job_id = str(job.get("jobId", ""))
    tail = job_id.rsplit("/", 1)[-1]
    return not any(separator in tail and tail.rsplit(separator, 1)[-1].isdigit() for separator in ":#")


def _child_of(job: Mapping[str, Any], parent: str) -> bool:
    job_id = str(job.get("jobId", ""))
    for separator in ":#":
        head, found, index = job_id.rpartition(separator)
        if found and head == parent and index.isdigit():
            return True
    return False
