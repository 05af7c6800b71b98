"""A tiny reference model of ListJobs, written straight from the LJ rules of docs/SEMANTICS.md.

Like ``oracle`` (ListServiceJobs), it is slow and plain: filter every job, sort them all, project each one.
It reuses that oracle for the rules the two operations share (the queue rule IN-2, JOB_NAME matching S-5/S-6,
created-at values V-10) and states the ListJobs rules (LJ-2 to LJ-12) again, independently of the library.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import oracle

STATUSES = ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED")
FILTER_NAMES = ("JOB_NAME", "JOB_DEFINITION", "BEFORE_CREATED_AT", "AFTER_CREATED_AT", "SHARE_IDENTIFIER")
SUMMARY_MEMBERS = (
    "jobArn", "jobId", "jobName", "capacityUsage", "createdAt", "scheduledAt", "shareIdentifier", "status",
    "statusReason", "startedAt", "stoppedAt", "container", "arrayProperties", "nodeProperties",
    "jobDefinition", "isCancelled", "isTerminated",
)
PARENT_MEMBERS = {"arrayJobId": ":", "multiNodeJobId": "#"}
# LJ-6: a parent id, ':' (array child) or '#' (MNP node), an index in ASCII digits.
CHILD_ID = re.compile(r"(.+)([:#])([0-9]+)", re.DOTALL)
DEFINITION_ARN = re.compile(r"arn:[^:*]+:batch:[^:*]*:[^:*]*:job-definition/[^:/*]+:[0-9]+")
UNFILTERED_LIMIT = 1000
FILTERED_LIMIT = 100

Job = Mapping[str, Any]
Request = Mapping[str, Any]


def parent(request: Request) -> tuple[str, str] | None:
    """LJ-5: the (separator, parent id) a request lists the children of, or None for a queue listing."""
    for name, separator in PARENT_MEMBERS.items():
        if request.get(name) is not None:
            return separator, request[name]
    return None


def applied_filter(request: Request) -> tuple[str, str] | None:
    """The filter that applies: none when listing children (LJ-8)."""
    return None if parent(request) is not None else oracle.the_filter(request)


def page_limit(request: Request) -> int:
    """LJ-4: 100 with a filter that applies, 1000 otherwise."""
    return UNFILTERED_LIMIT if applied_filter(request) is None else FILTERED_LIMIT


def page_size(request: Request) -> int:
    """LJ-4: maxResults cut to the limit; the limit when absent."""
    size = request.get("maxResults")
    return page_limit(request) if size is None else min(size, page_limit(request))


def definition_name(job_definition: str) -> str:
    """LJ-11: the name inside an ARN (after the last '/'), or before ':REVISION'."""
    if job_definition.startswith("arn:"):
        job_definition = job_definition.split("/")[-1]
    return job_definition.split(":")[0]


def matches_definition(job: Job, value: str) -> bool:
    """LJ-9, LJ-11: an ARN is that revision exactly; a name is every revision; a final '*' is a prefix."""
    used = job.get("jobDefinition")
    if used is None:
        return False
    if value.startswith("arn:"):
        return used == value
    if value.endswith("*"):
        return definition_name(used).startswith(value[:-1])
    return definition_name(used) == value


def matches(job: Job, request: Request) -> bool:
    """Whether a job belongs to the selection of a valid ListJobs request."""
    status = request.get("jobStatus")
    child = CHILD_ID.fullmatch(job["jobId"])
    named = parent(request)
    if named is not None:
        # LJ-6, LJ-8: the parent's children of its kind, by status (RUNNING by default), filter ignored.
        separator, parent_id = named
        return (child is not None and child.group(1) == parent_id and child.group(2) == separator
                and job.get("status") == (status or "RUNNING"))
    if child is not None:
        return False  # LJ-7
    if not oracle.matches_queue(job, request):
        return False
    chosen = applied_filter(request)
    if chosen is None:
        return job.get("status") == (status or "RUNNING")
    name, value = chosen
    if name == "JOB_DEFINITION":
        return matches_definition(job, value)
    if name == "SHARE_IDENTIFIER":
        return job.get("shareIdentifier") == value and (status is None or job.get("status") == status)
    return oracle.matches(job, {"filters": [{"name": name, "values": [value]}]})


def sort_key(job: Job, request: Request) -> tuple[Any, ...]:
    """O-1..O-3; JOB_NAME groups only where the filter applies (LJ-8)."""
    chosen = applied_filter(request)
    shaped = {} if chosen is None else {"filters": [{"name": chosen[0], "values": [chosen[1]]}]}
    return oracle.sort_key(job, shaped)


def summary(job: Job) -> dict[str, Any]:
    """LJ-12: only the JobSummary members the job has; isCancelled and isTerminated only when true."""
    return {
        name: job[name]
        for name in SUMMARY_MEMBERS
        if name in job and not (name in oracle.TRUE_ONLY_MEMBERS and job[name] is False)
    }


def expected_selection(jobs: Iterable[Job], request: Request) -> list[dict[str, Any]]:
    """The whole ordered list of summaries a valid request selects (maxResults and nextToken ignored)."""
    chosen = sorted((job for job in jobs if matches(job, request)), key=lambda job: sort_key(job, request))
    return [summary(job) for job in chosen]


def expected_error(request: Any) -> str | None:
    """The member a ClientException should name, or None for a valid request; any nextToken is foreign."""
    if not isinstance(request, Mapping):
        return "request"
    given = []
    for name in ("jobQueue", *PARENT_MEMBERS):
        value = request.get(name)
        if value is not None:
            if not (isinstance(value, str) and value):
                return name
            given.append(name)
    if len(given) != 1:
        return "jobQueue"  # LJ-5: the message names all three members
    status = request.get("jobStatus")
    if status is not None and status not in STATUSES:
        return "jobStatus"
    filters = request.get("filters")
    if filters is not None:
        if not isinstance(filters, list) or len(filters) > 1:
            return "filters"
        if filters:
            problem = filter_error(filters[0])
            if problem is not None:
                return problem
    size = request.get("maxResults")
    if size is not None and not (type(size) is int and size >= 1):
        return "maxResults"
    if request.get("nextToken") is not None:
        return "nextToken"
    return None


def filter_error(one: Any) -> str | None:
    """V-7..V-10 and LJ-3, LJ-10 for the only filter: the offending member's name, or None."""
    if not isinstance(one, Mapping) or one.get("name") not in FILTER_NAMES:
        return "name"
    if one["name"] != "JOB_DEFINITION":
        return oracle.filter_error(one)
    values = one.get("values")
    if not isinstance(values, list) or len(values) != 1 or not isinstance(values[0], str):
        return "values"
    value = values[0]
    if not value:
        return "values"
    if value.startswith("arn:") and ("*" in value or not DEFINITION_ARN.fullmatch(value)):
        return "values"
    return None
