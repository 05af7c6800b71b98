"""Seeded ListJobs cases: Batch jobs with array children and multi-node nodes, a request, page sizes
(stdlib only).

Theory of operation: as ``_generate`` does for ListServiceJobs, values come from small pools, so that
what the LJ rules care about comes up often: names that differ only in case or are prefixes of one
another, definition names that are prefixes of one another and several revisions of each, statuses
spread over the seven of ListJobs, ``createdAt`` ties, shares, and parents of both kinds with children
of their own statuses. A case is one :class:`ListJobsCase`, traversed as the designed cases are
(``_list_jobs_judging``) and graded under the rule its request exercises: LJ-6 or LJ-8 (a filter) for a
parent's children, LJ-9 for a JOB_DEFINITION filter, LJ-2 for the default status, LJ-3 for a share with
a status, LJ-1 otherwise.

Generated cases keep to what AWS states, so that a difference they find is a failure and never only a
difference from one of the reference's decisions (those have designed cases, marked as such): a queue
listing is made over the parents and single jobs only (which of them a queue listing shows is LJ-7's
decision), every job's queue is a bare name (IN-2), created-at bounds never equal a job's ``createdAt``
(the strict bound of S-7), a ``*`` only ends a value (S-6, LJ-11), every ``jobDefinition`` is a revision
ARN (LJ-11), and a request names exactly one of a queue and a parent (LJ-5). Every case is reproducible
from the seed and its number alone.
"""

from __future__ import annotations

import random
from typing import Any

from ._generate import generate_sizes
from ._list_jobs_cases import DEFINITION_ARN, LIST_JOBS_STATUSES, ListJobsCase

__all__ = ["generate_list_jobs_case"]

_NAMES = ("train", "Train", "TRAIN", "train1", "Train10", "train-x", "eval", "EVAL", "zeta")
_NAME_VALUES = ("train", "TRAIN", "train*", "Train1*", "*", "eval", "Eval*", "t*", "zz", "TRAIN1")
_DEFINITIONS = ("jd1", "jd1A", "JD1", "jd", "train")
_DEFINITION_VALUES = ("jd1", "jd1*", "JD1", "jd", "jd*", "j*", "train", "zz")
_QUEUES = ("q1", "q2")
_SHARES = ("blue", "green")
# createdAt values are even and created-at bounds odd, so no bound equals a job's createdAt.
_BASE_TIME = 1000
_TIME_SPREAD = 10
# RUNNING, the default, is common so that requests without a status find jobs.
_STATUS_WEIGHTS = tuple(4 if status == "RUNNING" else 1 for status in LIST_JOBS_STATUSES)


def generate_list_jobs_case(rng: random.Random, name: str) -> ListJobsCase:
    """One generated case named ``name``: its jobs, request and page sizes drawn from ``rng``."""
    jobs = _generate_jobs(rng)
    parents = [(member, job["jobId"]) for job in jobs for member in _parent_members(job)]
    if parents and rng.random() < 0.4:
        member, parent = rng.choice(parents)
        if rng.random() < 0.15:
            member = "multiNodeJobId" if member == "arrayJobId" else "arrayJobId"
        request: dict[str, Any] = {member: parent}
        # Mostly a status some of its children have, so that a page of them is often not the last.
        statuses = [
            job["status"] for job in jobs if job["jobId"][len(parent) : len(parent) + 1] in (":", "#")
        ]
        _add_status_and_filter(rng, request, jobs, statuses)
        rule = "LJ-8" if request.get("filters") else "LJ-6"
        return ListJobsCase(name, rule, tuple(jobs), request, tuple(generate_sizes(rng, largest=3)))
    top = tuple(job for job in jobs if not _is_child(job))
    request = {"jobQueue": rng.choice(_QUEUES)}
    _add_status_and_filter(rng, request, list(top), [])
    return ListJobsCase(name, _rule_of(request), top, request, tuple(generate_sizes(rng)))


def _rule_of(request: dict[str, Any]) -> str:
    filters = request.get("filters") or []
    filter_name = filters[0]["name"] if filters else None
    if filter_name == "JOB_DEFINITION":
        return "LJ-9"
    if filter_name == "SHARE_IDENTIFIER" and "jobStatus" in request:
        return "LJ-3"
    if filter_name is None and "jobStatus" not in request:
        return "LJ-2"
    return "LJ-1"


def _generate_jobs(rng: random.Random) -> list[dict[str, Any]]:
    jobs: list[dict[str, Any]] = []
    for number in range(rng.choice((0, 1, 2, 3, 4, 5, 6, 8, 10, 12))):
        job = _job(rng, f"j{number}")
        jobs.append(job)
        kind = rng.random()
        if kind < 0.2:
            size = rng.randint(1, 8)
            job["arrayProperties"] = {"size": size}
            jobs += [
                _child(rng, job, f":{index}", {"arrayProperties": {"index": index}}) for index in range(size)
            ]
        elif kind < 0.3:
            nodes = rng.randint(1, 4)
            job["nodeProperties"] = {"numNodes": nodes}
            jobs += [_child(rng, job, f"#{node}", {}) for node in range(nodes)]
    rng.shuffle(jobs)
    return jobs


def _job(rng: random.Random, job_id: str) -> dict[str, Any]:
    job: dict[str, Any] = {
        "jobArn": f"arn:aws:batch:us-east-1:123456789012:job/{job_id}",
        "jobId": job_id,
        "jobName": rng.choice(_NAMES),
        "status": rng.choices(LIST_JOBS_STATUSES, _STATUS_WEIGHTS)[0],
        "jobQueue": rng.choice(_QUEUES),
    }
    if rng.random() < 0.9:
        job["createdAt"] = _BASE_TIME + 2 * rng.randrange(_TIME_SPREAD)
    if rng.random() < 0.7:
        job["jobDefinition"] = f"{DEFINITION_ARN}{rng.choice(_DEFINITIONS)}:{rng.randint(1, 3)}"
    if rng.random() < 0.3:
        job["shareIdentifier"] = rng.choice(_SHARES)
    return job


def _child(
    rng: random.Random, parent: dict[str, Any], suffix: str, members: dict[str, Any]
) -> dict[str, Any]:
    child = _job(rng, parent["jobId"] + suffix)
    child.update(jobName=parent["jobName"], jobQueue=parent["jobQueue"], **members)
    child.pop("shareIdentifier", None)
    if "jobDefinition" in parent:
        child["jobDefinition"] = parent["jobDefinition"]
    return child


def _add_status_and_filter(
    rng: random.Random, request: dict[str, Any], jobs: list[dict[str, Any]], statuses: list[str]
) -> None:
    if rng.random() < 0.5:
        if statuses and rng.random() < 0.7:
            request["jobStatus"] = rng.choice(statuses)
        else:
            request["jobStatus"] = rng.choices(LIST_JOBS_STATUSES, _STATUS_WEIGHTS)[0]
    if rng.random() < 0.5:
        return
    kind = rng.choices(
        ("JOB_NAME", "JOB_DEFINITION", "BEFORE_CREATED_AT", "AFTER_CREATED_AT", "SHARE_IDENTIFIER"),
        (3, 3, 1, 1, 1),
    )[0]
    if kind == "JOB_NAME":
        value = rng.choice(_NAME_VALUES)
        if jobs and rng.random() < 0.5:
            value = "".join(c.swapcase() if rng.random() < 0.3 else c for c in rng.choice(jobs)["jobName"])
            if rng.random() < 0.4:
                value = value[: rng.randrange(len(value) + 1)] + "*"
    elif kind == "JOB_DEFINITION":
        arns = [job["jobDefinition"] for job in jobs if "jobDefinition" in job]
        value = rng.choice(arns) if arns and rng.random() < 0.3 else rng.choice(_DEFINITION_VALUES)
    elif kind == "SHARE_IDENTIFIER":
        value = rng.choice((*_SHARES, "Blue"))
    else:
        value = str(_BASE_TIME + 2 * rng.randrange(-1, _TIME_SPREAD + 1) + 1)
    request["filters"] = [{"name": kind, "values": [value]}]


def _parent_members(job: dict[str, Any]) -> list[str]:
    if "size" in job.get("arrayProperties", {}):
        return ["arrayJobId"]
    return ["multiNodeJobId"] if "nodeProperties" in job else []


def _is_child(job: dict[str, Any]) -> bool:
    return any(separator in job["jobId"] for separator in ":#")
