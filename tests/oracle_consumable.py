"""A tiny reference model of ListJobsByConsumableResource, written straight from the CR rules of
docs/SEMANTICS.md.

Like ``oracle`` (ListServiceJobs) and ``oracle_list_jobs``, it is slow and plain: keep every job that
requires the resource and passes the filters, sort them all, build each summary. It reuses ``oracle`` only
for JOB_NAME matching (S-5, S-6); everything else is stated again, independently of the library.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import oracle

STATUSES = ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED")
FILTER_NAMES = ("JOB_STATUS", "JOB_NAME")
PAGE_LIMIT = 100
RESOURCE_ARN = re.compile(r"arn:[^:]+:batch:[^:]*:[^:]*:consumable-resource/([^/]+)")
QUEUE_ARN = re.compile(r"arn:[^:]+:batch:[^:]*:[^:]*:job-queue/[^/]+")
ANY_BATCH_ARN = re.compile(r"arn:([^:]+):batch:([^:]*):([^:]*):[a-z-]+/[^/]+")

Job = Mapping[str, Any]
Request = Mapping[str, Any]


def same_resource(a: str, b: str) -> bool:
    """CR-2: equal strings, or an ARN and its bare name; two different ARNs never agree."""
    if a == b:
        return True
    arn_a, arn_b = RESOURCE_ARN.fullmatch(a), RESOURCE_ARN.fullmatch(b)
    if arn_a and not arn_b:
        return arn_a.group(1) == b
    if arn_b and not arn_a:
        return arn_b.group(1) == a
    return False


def quantity(job: Job, resource: str) -> int | None:
    """CR-2, CR-3: the quantity of the job's entry for the resource, or None when it requires none."""
    properties = job.get("consumableResourceProperties") or {}
    for entry in properties.get("consumableResourceList") or []:
        if same_resource(entry["consumableResource"], resource):
            return int(entry["quantity"])
    return None


def given_filters(request: Request) -> dict[str, str]:
    """CR-6: each filter's single value, by name."""
    return {one["name"]: one["values"][0] for one in request.get("filters") or []}


def matches(job: Job, request: Request) -> bool:
    """CR-2, CR-5, CR-6: requires the resource, and passes every filter given (any status without one)."""
    if quantity(job, request["consumableResource"]) is None:
        return False
    chosen = given_filters(request)
    if "JOB_STATUS" in chosen and job.get("status") != chosen["JOB_STATUS"]:
        return False
    return "JOB_NAME" not in chosen or oracle.matches_job_name(job["jobName"], chosen["JOB_NAME"])


def sort_key(job: Job) -> tuple[Any, ...]:
    """CR-7: newest createdAt first, then jobId, with or without JOB_NAME."""
    return (-job["createdAt"], job["jobId"])


def job_queue_arn(job: Job) -> str:
    """CR-8: the queue ARN as it is, or the name's ARN where the job's ARN is."""
    queue = job["jobQueue"]
    if QUEUE_ARN.fullmatch(queue):
        return str(queue)
    partition, region, account = ANY_BATCH_ARN.fullmatch(job["jobArn"]).groups()  # type: ignore[union-attr]
    return f"arn:{partition}:batch:{region}:{account}:job-queue/{queue}"


def summary(job: Job, resource: str) -> dict[str, Any]:
    """CR-8: the members in model order, each one the job has."""
    made = {
        "jobArn": job["jobArn"],
        "jobQueueArn": job_queue_arn(job),
        "jobName": job["jobName"],
        "jobDefinitionArn": job.get("jobDefinition"),
        "shareIdentifier": job.get("shareIdentifier"),
        "jobStatus": job["status"],
        "quantity": quantity(job, resource),
        "statusReason": job.get("statusReason"),
        "startedAt": job.get("startedAt"),
        "createdAt": job["createdAt"],
        "consumableResourceProperties": job["consumableResourceProperties"],
    }
    return {name: value for name, value in made.items() if value is not None}


def expected_selection(jobs: Iterable[Job], request: Request) -> list[dict[str, Any]]:
    """The whole ordered list of summaries a valid request selects (maxResults and nextToken ignored)."""
    chosen = sorted((job for job in jobs if matches(job, request)), key=sort_key)
    return [summary(job, request["consumableResource"]) for job in chosen]


def expected_error(request: Any) -> str | None:
    """The member a ClientException should name, or None for a valid request; any nextToken is foreign."""
    if not isinstance(request, Mapping):
        return "request"
    resource = request.get("consumableResource")
    if not (isinstance(resource, str) and resource):
        return "consumableResource"
    filters = request.get("filters")
    if filters is not None:
        if not isinstance(filters, list):
            return "filters"
        seen = set()
        for one in filters:
            problem = filter_error(one)
            if problem is not None:
                return problem
            if one["name"] in seen:
                return "filters"
            seen.add(one["name"])
    size = request.get("maxResults")
    if size is not None and not (type(size) is int and 1 <= size <= PAGE_LIMIT):
        return "maxResults"
    if request.get("nextToken") is not None:
        return "nextToken"
    return None


def filter_error(one: Any) -> str | None:
    """CR-1, V-7, V-8, V-9 for one filter: the offending member's name, or None."""
    if not isinstance(one, Mapping) or one.get("name") not in FILTER_NAMES:
        return "name"
    values = one.get("values")
    if not isinstance(values, list) or len(values) != 1 or not isinstance(values[0], str):
        return "values"
    if one["name"] == "JOB_STATUS":
        return None if values[0] in STATUSES else "values"
    return None if values[0] else "values"
