"""A tiny reference model of ListServiceJobs, written straight from the rules of docs/SEMANTICS.md.

It is deliberately slow and plain: filter every job, sort them all with one key, project each one.
It knows nothing about tokens or pages; the property tests compare the library's traversals with
``expected_selection``. Rule ids (S-5, O-2, ...) refer to docs/SEMANTICS.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

STATUSES = (
    "SUBMITTED", "PENDING", "RUNNABLE", "SCHEDULED", "STARTING", "RUNNING", "SUCCEEDED", "FAILED",
)
FILTER_NAMES = ("JOB_NAME", "BEFORE_CREATED_AT", "AFTER_CREATED_AT", "SHARE_IDENTIFIER", "QUOTA_SHARE_NAME")
SUMMARY_MEMBERS = (
    "jobArn", "jobId", "jobName", "capacityUsage", "createdAt", "latestAttempt", "scheduledAt",
    "serviceJobType", "shareIdentifier", "quotaShareName", "status", "statusReason", "startedAt",
    "stoppedAt", "isTerminated",
)
# W-2, model: isTerminated is "only present when the value is true".
TRUE_ONLY_MEMBERS = ("isTerminated", "isCancelled")
MAX_CREATED_AT = 2**63 - 1
QUEUE_ARN = re.compile(r"arn:[^:]+:batch:[^:]*:[^:]*:job-queue/(.+)", re.DOTALL)

Job = Mapping[str, Any]
Request = Mapping[str, Any]


def member(mapping: Mapping[str, Any], name: str) -> Any:
    """A request member, with an explicit None read as absent (IN-4)."""
    return mapping.get(name)


def the_filter(request: Request) -> tuple[str, str] | None:
    """The (name, value) of the request's only filter, or None (V-5: [] means no filter)."""
    filters = member(request, "filters")
    if not filters:
        return None
    (only,) = filters
    (value,) = only["values"]
    return only["name"], value


# --- Selection ---------------------------------------------------------------------------------


def same_queue(a: str, b: str) -> bool:
    """IN-2: equal strings, or an ARN and its bare name; two different ARNs never agree."""
    if a == b:
        return True
    arn_a, arn_b = QUEUE_ARN.fullmatch(a), QUEUE_ARN.fullmatch(b)
    if arn_a and not arn_b:
        return arn_a.group(1) == b
    if arn_b and not arn_a:
        return arn_b.group(1) == a
    return False


def matches_queue(job: Job, request: Request) -> bool:
    """S-9/IN-2: a job without jobQueue is listed for any queue."""
    queue = member(request, "jobQueue")
    return queue is None or "jobQueue" not in job or same_queue(job["jobQueue"], queue)


def matches_job_name(name: str, pattern: str) -> bool:
    """S-5/S-6: casefold both sides; only a final '*' is a wildcard."""
    if pattern.endswith("*"):
        return name.casefold().startswith(pattern[:-1].casefold())
    return name.casefold() == pattern.casefold()


def matches(job: Job, request: Request) -> bool:
    """Whether a job belongs to the selection of a valid request (S-1..S-9)."""
    if not matches_queue(job, request):
        return False
    status = member(request, "jobStatus")
    chosen = the_filter(request)
    if chosen is None:
        return job.get("status") == (status or "RUNNING")  # S-1, S-2
    name, value = chosen
    if name == "JOB_NAME":
        return matches_job_name(job["jobName"], value)  # S-3: status ignored
    if name == "BEFORE_CREATED_AT":
        return "createdAt" in job and job["createdAt"] < int(value.lstrip("0") or "0")  # S-7, S-8
    if name == "AFTER_CREATED_AT":
        return "createdAt" in job and job["createdAt"] > int(value.lstrip("0") or "0")
    own = job.get("shareIdentifier" if name == "SHARE_IDENTIFIER" else "quotaShareName")
    return own == value and (status is None or job.get("status") == status)  # S-4


# --- Order -------------------------------------------------------------------------------------


def sort_key(job: Job, request: Request) -> tuple[Any, ...]:
    """O-1..O-3: newest createdAt first, jobs without createdAt last, then jobId; JOB_NAME groups first."""
    has_created = "createdAt" in job
    by_age = (not has_created, -job["createdAt"] if has_created else 0, job["jobId"])
    chosen = the_filter(request)
    if chosen is not None and chosen[0] == "JOB_NAME":
        return (job["jobName"], job.get("version", 0), *by_age)
    return by_age


# --- Output ------------------------------------------------------------------------------------


def summary(job: Job) -> dict[str, Any]:
    """W-2: only the ServiceJobSummary members the job has; isTerminated only when true."""
    return {
        name: job[name]
        for name in SUMMARY_MEMBERS
        if name in job and not (name in TRUE_ONLY_MEMBERS and job[name] is False)
    }


def expected_selection(jobs: Iterable[Job], request: Request) -> list[dict[str, Any]]:
    """The whole ordered list of summaries a valid request selects (maxResults and nextToken ignored)."""
    chosen = [job for job in jobs if matches(job, request)]
    chosen.sort(key=lambda job: sort_key(job, request))
    return [summary(job) for job in chosen]


# --- Validation --------------------------------------------------------------------------------


def expected_error(request: Any) -> str | None:
    """The member a ClientException should name, or None for a valid request (V-1..V-11).

    This model issues no tokens, so any nextToken it is shown counts as foreign (V-11).
    """
    if not isinstance(request, Mapping):
        return "request"
    queue = member(request, "jobQueue")
    if queue is not None and not (isinstance(queue, str) and queue):
        return "jobQueue"
    status = member(request, "jobStatus")
    if status is not None and status not in STATUSES:
        return "jobStatus"
    size = member(request, "maxResults")
    if size is not None and not (type(size) is int and 1 <= size <= 100):
        return "maxResults"
    if member(request, "nextToken") is not None:
        return "nextToken"
    filters = member(request, "filters")
    if filters is None:
        return None
    if not isinstance(filters, list) or len(filters) > 1:
        return "filters"
    if not filters:
        return None
    return filter_error(filters[0])


def filter_error(one: Any) -> str | None:
    """V-7..V-10 for the only filter: the offending member's name, or None."""
    if not isinstance(one, Mapping) or member(one, "name") not in FILTER_NAMES:
        return "name"
    values = member(one, "values")
    if not isinstance(values, list) or len(values) != 1 or not isinstance(values[0], str):
        return "values"
    value = values[0]
    if one["name"] == "JOB_NAME":
        return None if value else "values"
    if one["name"] in ("BEFORE_CREATED_AT", "AFTER_CREATED_AT"):
        digits = value.lstrip("0") or "0"
        if not re.fullmatch(r"[0-9]+", value) or len(digits) > 19 or int(digits) > MAX_CREATED_AT:
            return "values"
    return None
