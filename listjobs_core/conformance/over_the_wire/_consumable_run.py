"""ListJobsByConsumableResource over the wire: over jobs the run makes where the endpoint lets it, else
read-only over the consumable resources the endpoint lists.

Theory of operation: unless ``read_only``, the run makes its own resources, definitions and jobs
(``_consumable_making``); where the endpoint refuses (the reference endpoint has no compute environments
nor SubmitJob) it falls back to read-only over the resources ListConsumableResources lists, and says so.
Either way the kit learns the jobs from the listings themselves: *discovery* traverses each resource's
listing without a filter and with each of the seven JOB_STATUS values, and keeps the union, each summary
made back into the job the reference takes (its members are every member a listing reads). Then cases
made from what was found (a resource by name and by ARN, names found, statuses found) are judged as in
process (``_consumable_judging``): the endpoint's pages against
:func:`listjobs_core.list_jobs_by_consumable_resource`'s over the jobs discovered. That is what
self-consistency allows: pages join to the listing, order (CR-7), the JOB_STATUS and JOB_NAME listings are
the right subsets of the whole (CR-1, CR-6), the listing without a filter holds what the JOB_STATUS
listings hold (CR-5), a resource by ARN lists what its name lists of it (CR-2), a summary's quantity is its
job's requirement's (CR-8), tokens bound to the query (CR-9), and the refusals (CR-1, CR-4, CR-6). Over
jobs it made, the run also knows which jobs require which resource, and with what, so it holds the
listings to that: each resource lists exactly the jobs made to require it, by name or by ARN (CR-2, CR-5),
each with the queue, definition, name and requirement it was made with (CR-8); and a SubmitJob whose
requirement names a resource twice must be refused (CR-3).

Jobs may change status while the run looks (an emulator runs them): the run waits, bounded, until two
discoveries agree, then judges the cases in batches between two discoveries, a batch counting only when
both are equal (tried again up to three times, else its rules are counted unstable). A refusal must be an
HTTP 400 ``ClientException`` with a message (as E-1, under CR-1). The report's notes say which rules no
case reached, and why.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .._consumable_judging import ConsumableCase, judge_consumable_case
from .._report import CaseLog, Tally, TargetFault
from ._consumable_making import ConsumableMade, make_consumable_jobs
from ._list_jobs_making import settle
from ._listing_calls import check_refusal_form
from ._rest_client import EndpointClient

__all__ = ["check_consumable_endpoint"]

_OPERATION = "ListJobsByConsumableResource"
_STATUSES = ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED")
_MAX_PAGES = 50
_MAX_RESOURCES = 4
_BATCH = 8
_ATTEMPTS = 3
# The members a summary must hold (the model's "required"), and what each is of the job it shows.
_REQUIRED = ("jobArn", "jobQueueArn", "jobName", "jobStatus", "quantity", "createdAt")
_JOB_MEMBER = {
    "jobArn": "jobArn",
    "jobQueueArn": "jobQueue",
    "jobName": "jobName",
    "jobDefinitionArn": "jobDefinition",
    "shareIdentifier": "shareIdentifier",
    "jobStatus": "status",
    "statusReason": "statusReason",
    "startedAt": "startedAt",
    "createdAt": "createdAt",
    "consumableResourceProperties": "consumableResourceProperties",
}
_READ_ONLY = "read-only: CR-3 is tried at a SubmitJob of the run's, a requirement naming a resource twice"


class _Refused(Exception):
    """The endpoint refused a request (the judging takes any exception as a refusal)."""


Jobs = dict[str, dict[str, Any]]


def check_consumable_endpoint(
    client: EndpointClient,
    tally: Tally,
    made: ConsumableMade,
    *,
    read_only: bool,
    service_role: str | None,
    problems: list[str],
    notes: list[str],
) -> int:
    """Check ListJobsByConsumableResource at ``client`` (see the module documentation); the number of
    designed cases run. What the run makes is recorded in ``made``, which the caller removes whatever
    happens. The endpoint's fault outside a case (making, discovering) is one of CR-1, the rule the
    listing's calls are checked under."""
    try:
        return _check(
            client,
            tally,
            made,
            read_only=read_only,
            service_role=service_role,
            problems=problems,
            notes=notes,
        )
    except TargetFault as fault:
        if not fault.recorded:
            fault.rule = "CR-1"
        raise


def _check(
    client: EndpointClient,
    tally: Tally,
    made: ConsumableMade,
    *,
    read_only: bool,
    service_role: str | None,
    problems: list[str],
    notes: list[str],
) -> int:
    made_here = not read_only and make_consumable_jobs(client, made, service_role=service_role)
    if made_here:
        resources = [(name, made.resource_arns[name]) for name in made.resources]
        notes.append(
            f"ListJobsByConsumableResource checked over the jobs the run submitted into queue {made.queue}, "
            f"requiring the resources {', '.join(made.resources)} it created"
        )
    else:
        if made.refusal is not None:
            notes.append(f"the endpoint refused to make what the listing needs: {made.refusal}")
        listed = _list_resources(client, problems)
        if listed is None:
            return 0
        if not listed:
            problems.append(
                f"ListJobsByConsumableResource cannot be checked at {client.url}: it lists no consumable "
                "resource to list jobs by"
                + ("" if read_only or service_role else ", and the run made none (give --service-role ARN)")
            )
            return 0
        resources = listed
        notes.append(
            "read-only: ListJobsByConsumableResource checked over the jobs the endpoint lists by the "
            f"resources {', '.join(name for name, _ in resources)}"
        )
    if made_here:
        _check_named_twice(client, tally, made)
    names = [name for name, _ in resources]
    found, still = settle(client, lambda: _discover(client, names, []))
    if found is None:
        _discover(client, names, problems)
        return 0
    if not still:
        notes.append("the jobs were still changing when the cases began: some differences may come from that")
    notes.append(f"{len(found)} jobs found requiring the resources")
    cases, unreachable = _cases(found, resources)
    judged: list[tuple[str, str | None, Callable[[Jobs, CaseLog], None]]] = []
    if made_here:
        judged.append(("what each job was made to require", "CR-5", lambda jobs, log: _made(made, jobs, log)))
    judged.append(("the summaries hold the required members", "CR-8", _summaries_required))
    judged += [(f"{case.rule} {case.name}", case.rule, _judging(client, case)) for case in cases]
    _judge(client, tally, names, found, judged)
    unchecked = [row.id for row in tally.rows() if row.checkable and row.cases == 0]
    if unchecked:
        why = [*unreachable, *([] if made_here else [_READ_ONLY])]
        notes.append(f"not checked: {', '.join(unchecked)} ({'; '.join(why)})")
    return len(judged)


def _check_named_twice(client: EndpointClient, tally: Tally, made: ConsumableMade) -> None:
    """CR-3: a SubmitJob whose requirement names a resource twice (by name, then by ARN) is refused; a job
    made all the same is the run's, and terminated at the end."""
    resource = made.resources[0]
    twice = {
        "consumableResourceList": [
            {"consumableResource": resource, "quantity": 1},
            {"consumableResource": made.resource_arns[resource], "quantity": 2},
        ]
    }
    request = {
        "jobName": "conf-twice",
        "jobQueue": made.queue,
        "jobDefinition": made.definitions[-1],
        "consumableResourcePropertiesOverride": twice,
    }
    with tally.case("CR-3 a requirement naming a resource twice is refused", "CR-3") as log:
        log.check("CR-3")
        log.calls += 1
        answer = client.call("SubmitJob", request)
        job_id = answer.data.get("jobId") if isinstance(answer.data, dict) else None
        if answer.status == 200:
            if isinstance(job_id, str):
                made.submitted.append(job_id)
            log.fail(
                "CR-3",
                "a job whose requirement names a resource twice is made",
                jobs=(),
                request=request,
                expected="a refusal",
                got=answer.shown(),
            )


def _list_resources(client: EndpointClient, problems: list[str]) -> list[tuple[str, str]] | None:
    """The resources ListConsumableResources lists (name and ARN), at most ``_MAX_RESOURCES``."""
    found: list[tuple[str, str]] = []
    request: dict[str, Any] = {}
    for _ in range(_MAX_PAGES):
        answer = client.call("ListConsumableResources", request)
        data = answer.data
        if answer.status != 200 or not isinstance(data, dict):
            problems.append(
                f"ListConsumableResources cannot be read at {client.url}: answered {answer.shown()!r:.300}"
            )
            return None
        for item in data.get("consumableResources") or []:
            if isinstance(item, dict) and isinstance(item.get("consumableResourceName"), str):
                name = item["consumableResourceName"]
                arn = item.get("consumableResourceArn")
                found.append((name, arn if isinstance(arn, str) else name))
        token = data.get("nextToken")
        if not isinstance(token, str) or len(found) >= _MAX_RESOURCES:
            break
        request = {"nextToken": token}
    return found[:_MAX_RESOURCES]


def _discover(client: EndpointClient, resources: Sequence[str], problems: list[str]) -> Jobs | None:
    """The jobs each resource lists, without a filter and with each JOB_STATUS value, by ``jobArn``: each
    summary (``"summary"``), the job made back from it (``"job"``) and the resources that list it
    (``"by"``); None (and a problem) when a listing cannot be read."""
    found: Jobs = {}
    for resource in resources:
        for status in (None, *_STATUSES):
            request: dict[str, Any] = {"consumableResource": resource, "maxResults": 100}
            if status is not None:
                request["filters"] = [{"name": "JOB_STATUS", "values": [status]}]
            if not _traverse(client, request, found, problems):
                return None
    for entry in found.values():
        entry["by"] = sorted(entry["by"])
    return found


def _traverse(client: EndpointClient, request: dict[str, Any], found: Jobs, problems: list[str]) -> bool:
    asked = dict(request)
    for _ in range(_MAX_PAGES):
        answer = client.call(_OPERATION, asked)
        data = answer.data
        if answer.status != 200 or not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
            problems.append(
                f"ListJobsByConsumableResource cannot be read at {client.url}: {request} is answered "
                f"{answer.shown()!r:.300}"
            )
            return False
        for summary in data["jobs"]:
            if isinstance(summary, dict) and isinstance(summary.get("jobArn"), str):
                entry = found.setdefault(
                    summary["jobArn"], {"summary": summary, "job": _job_of(summary), "by": set()}
                )
                entry["by"].add(request["consumableResource"])
        token = data.get("nextToken")
        if not isinstance(token, str):
            return True
        asked = {**request, "nextToken": token}
    return True


def _job_of(summary: dict[str, Any]) -> dict[str, Any]:
    """The job a summary shows, as the reference takes it: its jobId the tail of its ARN."""
    job = {"jobId": str(summary["jobArn"]).rsplit("/", 1)[-1]}
    for member, key in _JOB_MEMBER.items():
        if member in summary:
            job[key] = summary[member]
    return job


def _judge(
    client: EndpointClient,
    tally: Tally,
    resources: Sequence[str],
    found: Jobs,
    judged: Sequence[tuple[str, str | None, Callable[[Jobs, CaseLog], None]]],
) -> None:
    """Judge the cases in batches between two discoveries that agree (see the module documentation)."""
    before: Jobs | None = found
    for start in range(0, len(judged), _BATCH):
        batch = judged[start : start + _BATCH]
        for _ in range(_ATTEMPTS):
            if before is None:
                return
            logs = []
            for name, rule, body in batch:
                log = CaseLog(name, rule)
                try:
                    body(before, log)
                except TargetFault as fault:
                    # The endpoint's fault is judged at once, whatever the discoveries: the run ends with it.
                    fault.record(log)
                    tally.add(log)
                    raise
                logs.append(log)
            after = _discover(client, resources, [])
            if after == before:
                for log in logs:
                    tally.add(log)
                break
            before = after
        else:
            for log in logs:
                tally.add_unstable(sorted(log.checked), log.calls)


def _judging(client: EndpointClient, case: ConsumableCase) -> Callable[[Jobs, CaseLog], None]:
    def body(found: Jobs, log: CaseLog) -> None:
        jobs = tuple(entry["job"] for entry in found.values())
        judge_consumable_case(_wire_call(client, log), _with_jobs(case, jobs), log)

    return body


def _with_jobs(case: ConsumableCase, jobs: tuple[dict[str, Any], ...]) -> ConsumableCase:
    return ConsumableCase(case.rule, case.name, case.request, case.kind, case.size, jobs, case.then)


def _wire_call(client: EndpointClient, log: CaseLog) -> Callable[[dict[str, Any]], Any]:
    def call(request: dict[str, Any]) -> Any:
        log.calls += 1
        answer = client.call(_OPERATION, request)
        if answer.status == 200:
            return answer.data if answer.data is not None else answer.body[:300].decode("utf-8", "replace")
        shown = answer.shown()
        if answer.status >= 500:
            log.crash(f"answered HTTP {answer.status}", str(shown), jobs=(), request=request)
        else:
            check_refusal_form(log, "CR-1", answer, request)
        raise _Refused(str(shown))

    return call


def _summaries_required(found: Jobs, log: CaseLog) -> None:
    """CR-8: every summary discovered holds the members the model requires."""
    log.check("CR-8")
    for entry in found.values():
        summary = entry["summary"]
        missing = [member for member in (*_REQUIRED, "consumableResourceProperties") if member not in summary]
        if missing:
            log.fail(
                "CR-8",
                f"a summary lacks the required {', '.join(missing)}",
                jobs=(),
                request={},
                expected=list(_REQUIRED),
                got=summary,
            )
            return


def _made(made: ConsumableMade, found: Jobs, log: CaseLog) -> None:
    """Over the jobs the run made: each resource lists exactly the jobs made to require it, of every
    status (CR-5), those requiring it by ARN too (CR-2), each summary with what the job was made with
    (CR-8)."""
    log.check("CR-2", "CR-5", "CR-8")
    listed_by: dict[str, set[str]] = {resource: set() for resource in made.resources}
    summaries: dict[str, dict[str, Any]] = {}
    for arn, entry in found.items():
        job_id = str(arn).rsplit("/", 1)[-1]
        if job_id in made.names:
            summaries[job_id] = entry["summary"]
            for resource in entry["by"]:
                listed_by.setdefault(resource, set()).add(job_id)
    for resource in made.resources:
        arn = made.resource_arns[resource]
        by_name = {
            job_id
            for job_id, needs in made.required.items()
            if any(entry["consumableResource"] == resource for entry in needs["consumableResourceList"])
        }
        by_arn = {
            job_id
            for job_id, needs in made.required.items()
            if any(entry["consumableResource"] == arn for entry in needs["consumableResourceList"])
        }
        listed = listed_by[resource]
        if listed != by_name | by_arn:
            rule = "CR-2" if by_arn - listed and by_name <= listed else "CR-5"
            log.fail(
                rule,
                f"the jobs {resource} lists are not the jobs made to require it"
                + (", by ARN among them" if rule == "CR-2" else ", of every status"),
                jobs=(),
                request={"consumableResource": resource},
                expected=sorted(made.names[job_id] for job_id in by_name | by_arn),
                got=sorted(made.names[job_id] for job_id in listed),
            )
    for job_id, summary in summaries.items():
        shown = {
            "jobName": summary.get("jobName"),
            "jobDefinitionArn": summary.get("jobDefinitionArn"),
            "jobQueueArn": summary.get("jobQueueArn"),
            "consumableResourceProperties": summary.get("consumableResourceProperties"),
        }
        expected = {
            "jobName": made.names[job_id],
            "jobDefinitionArn": made.definition_of[job_id],
            "jobQueueArn": made.queue,
            "consumableResourceProperties": made.required.get(job_id),
        }
        if shown != expected:
            log.fail(
                "CR-8",
                "a summary does not show the job as it was made",
                jobs=(),
                request={},
                expected=expected,
                got=shown,
            )
            return


def _filters(*pairs: tuple[str, str]) -> list[dict[str, Any]]:
    return [{"name": name, "values": [value]} for name, value in pairs]


def _cases(found: Jobs, resources: Sequence[tuple[str, str]]) -> tuple[list[ConsumableCase], list[str]]:
    """The designed requests, made from the resources and the jobs found; and why some rules were not
    reached."""
    unreachable: list[str] = []
    jobs = [entry["job"] for entry in found.values()]
    # The resource most jobs require, by name, is the one most cases list by.
    counts = {name: sum(1 for job in jobs if _requires(job, name, arn)) for name, arn in resources}
    name, arn = max(resources, key=lambda pair: counts[pair[0]])
    others = [other for other, _ in resources if other != name]
    r: dict[str, Any] = {"consumableResource": name}
    mine = [job for job in jobs if _requires(job, name, arn)]
    statuses = [job.get("status") for job in mine]
    busiest = max(_STATUSES, key=statuses.count)
    c = ConsumableCase
    cases = [
        c("CR-1", "pages of 100 by default", r),
        c("CR-1", "pages of 7", r, size=7),
        c("CR-1", "maxResults 0 is refused", {**r, "maxResults": 0}, "refuse"),
        c("CR-1", "maxResults 101 is refused", {**r, "maxResults": 101}, "refuse"),
        c("CR-1", "an unknown filter is refused", {**r, "filters": _filters(("X", "a"))}, "refuse"),
        c(
            "CR-1",
            "SCHEDULED is no JOB_STATUS value",
            {**r, "filters": _filters(("JOB_STATUS", "SCHEDULED"))},
            "refuse",
        ),
        c("CR-2", "the resource by its ARN", {"consumableResource": arn}, size=9),
        c("CR-4", "consumableResource is required", {}, "refuse"),
        c("CR-4", "consumableResource is not empty", {"consumableResource": ""}, "refuse"),
        c("CR-5", "every status without JOB_STATUS", r, size=50),
        c(
            "CR-6",
            "a filter name twice is refused",
            {**r, "filters": _filters(("JOB_STATUS", busiest), ("JOB_STATUS", busiest))},
            "refuse",
        ),
        c("CR-8", f"summaries of the {busiest} jobs", {**r, "filters": _filters(("JOB_STATUS", busiest))}),
    ]
    # A token case needs more jobs than its first page holds: else there is no token to send.
    if len(mine) > 5:
        then = {**r, "filters": _filters(("JOB_STATUS", busiest))}
        cases.append(c("CR-9", "a token is bound to the filters", r, "token", 5, then=then))
        cases += [
            c("CR-9", "a token is bound to the resource", r, "token", 5, then={"consumableResource": other})
            for other in others[:1]
        ]
    else:
        unreachable.append(f"{name} lists {len(mine)} jobs: the token cases need more than 5")
    cases += [
        c("CR-6", f"JOB_STATUS {status}", {**r, "filters": _filters(("JOB_STATUS", status))}, size=30)
        for status in sorted(set(statuses), key=_STATUSES.index)
        if isinstance(status, str)
    ]
    if arn == name:
        cases = [case for case in cases if case.rule != "CR-2"]
        unreachable.append(f"the endpoint gives no ARN of {name}: CR-2 needs one")
    names = sorted({job["jobName"] for job in mine if isinstance(job.get("jobName"), str) and job["jobName"]})
    if names:
        most = _most_prefixed(names)
        half = most[: max(1, len(most) // 2)]
        cases += [
            c(
                "CR-1",
                f"JOB_NAME {most.swapcase()}",
                {**r, "filters": _filters(("JOB_NAME", most.swapcase()))},
            ),
            c("CR-1", f"JOB_NAME {most}*", {**r, "filters": _filters(("JOB_NAME", most + "*"))}, size=3),
            c(
                "CR-7",
                f"JOB_NAME {half}* in name groups",
                {**r, "filters": _filters(("JOB_NAME", half + "*"))},
                size=11,
            ),
            c(
                "CR-6",
                f"JOB_NAME {half}* and JOB_STATUS {busiest} together",
                {**r, "filters": _filters(("JOB_NAME", half + "*"), ("JOB_STATUS", busiest))},
                size=3,
            ),
        ]
        if sum(1 for job in mine if str(job.get("jobName", "")).casefold().startswith(half.casefold())) > 2:
            cases.append(
                c(
                    "CR-9",
                    "a token of a JOB_NAME listing is bound to its name",
                    {**r, "filters": _filters(("JOB_NAME", half + "*"))},
                    "token",
                    2,
                    then={**r, "filters": _filters(("JOB_NAME", most + "*"))},
                )
            )
    else:
        unreachable.append(f"no job requires {name}: the JOB_NAME cases need one")
    return cases, unreachable


def _requires(job: dict[str, Any], name: str, arn: str) -> bool:
    properties = job.get("consumableResourceProperties")
    entries = properties.get("consumableResourceList") if isinstance(properties, dict) else None
    return any(
        isinstance(entry, dict)
        and (
            entry.get("consumableResource") in (name, arn)
            or str(entry.get("consumableResource")).endswith(f":consumable-resource/{name}")
        )
        for entry in entries or []
    )


def _most_prefixed(values: list[str]) -> str:
    """The name that (folded) is a proper prefix of the most others; the middle one when none is."""
    folded = [value.casefold() for value in values]
    counts = [sum(1 for other in folded if other != mine and other.startswith(mine)) for mine in folded]
    best = max(counts)
    return values[counts.index(best)] if best else values[len(values) // 2]
