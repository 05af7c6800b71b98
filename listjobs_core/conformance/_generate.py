"""Seeded generators of jobs, requests, page sizes and job changes for the differential run (stdlib only).

Theory of operation: the values are drawn from small pools on purpose, so that the cases the rules care
about come up often: names that differ only in case or are prefixes of one another, a literal ``*`` in
names and filter values, ``createdAt`` ties and created-at filter values on, just before and just after a
job's ``createdAt``, jobs without ``createdAt``, ``version`` groups, queues given as names, as ARNs and as
ARNs of another region, and members the summary must drop. Every generator takes its own
``random.Random``, so a case is reproducible from the seed and its number alone.
"""

from __future__ import annotations

import random
from typing import Any

__all__ = [
    "QUEUE_ARN",
    "STATUSES",
    "changed_jobs",
    "generate_jobs",
    "generate_request",
    "generate_sizes",
    "other_query",
]

STATUSES = ("SUBMITTED", "PENDING", "RUNNABLE", "SCHEDULED", "STARTING", "RUNNING", "SUCCEEDED", "FAILED")
QUEUE_ARN = "arn:aws:batch:us-east-1:123456789012:job-queue/"
OTHER_REGION_QUEUE_ARN = "arn:aws:batch:eu-west-1:123456789012:job-queue/"
_JOB_QUEUES = ("q1", "q2", QUEUE_ARN + "q1", QUEUE_ARN + "q2", OTHER_REGION_QUEUE_ARN + "q1")
_REQUEST_QUEUES = ("q1", QUEUE_ARN + "q1", "q2", OTHER_REGION_QUEUE_ARN + "q1")
_NAMES = (
    "train",
    "Train",
    "TRAIN",
    "train1",
    "Train10",
    "train-x",
    "eval",
    "EVAL",
    "a*b",
    "A*B",
    "axb",
    "a*",
    "zeta",
)
_NAME_VALUES = (
    "train",
    "TRAIN",
    "train*",
    "Train1*",
    "*",
    "eval",
    "Eval*",
    "a*b",
    "a**",
    "a*",
    "zz",
    "t*",
    "TRAIN1",
)
_SHARES = ("s1", "S1", "s2")
_QUOTA_SHARES = ("qa", "QA", "qb")
_ID_ALPHABET = "abAB01-"
_BASE_TIME = 1000
_TIME_SPREAD = 12
# RUNNING, the default, is common so that queries without a status find jobs.
_STATUS_WEIGHTS = tuple(4 if status == "RUNNING" else 1 for status in STATUSES)


def generate_jobs(rng: random.Random, count: int | None = None) -> list[dict[str, Any]]:
    """Jobs with distinct ids; small counts are the most likely, so failures come in small cases."""
    if count is None:
        count = rng.choice((0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 25))
    used: set[str] = set()
    return [generate_job(rng, _new_id(rng, used)) for _ in range(count)]


def generate_job(rng: random.Random, job_id: str) -> dict[str, Any]:
    """One job: every optional member is sometimes absent."""
    job: dict[str, Any] = {
        "jobId": job_id,
        "jobName": rng.choice(_NAMES),
        "status": rng.choices(STATUSES, _STATUS_WEIGHTS)[0],
    }
    if rng.random() < 0.9:
        job["createdAt"] = _BASE_TIME + rng.randrange(_TIME_SPREAD)
    if rng.random() < 0.6:
        job["jobQueue"] = rng.choice(_JOB_QUEUES)
    if rng.random() < 0.3:
        job["version"] = rng.randrange(3)
    if rng.random() < 0.5:
        job["shareIdentifier"] = rng.choice(_SHARES)
    if rng.random() < 0.4:
        job["quotaShareName"] = rng.choice(_QUOTA_SHARES)
    if rng.random() < 0.3:
        job["jobArn"] = f"arn:aws:batch:us-east-1:123456789012:service-job/{job_id}"
    if rng.random() < 0.15:
        job["latestAttempt"] = {"serviceResourceId": {"name": "TrainingJobArn", "value": f"arn:t/{job_id}"}}
    if rng.random() < 0.1:
        job["capacityUsage"] = [{"capacityUnit": "NUM_INSTANCES", "quantity": float(rng.randrange(1, 4))}]
    if rng.random() < 0.2:
        job["serviceJobType"] = "SAGEMAKER_TRAINING"
    if rng.random() < 0.1:
        job["statusReason"] = "Essential container in task exited"
    if rng.random() < 0.1:
        job["startedAt"] = _BASE_TIME + 100
    if rng.random() < 0.1:
        job["scheduledAt"] = _BASE_TIME + 50
    # Members a summary must drop (W-2).
    if rng.random() < 0.15:
        job["tags"] = {"team": "ml"}
    if rng.random() < 0.1:
        job["jobDefinition"] = "def:1"
    return job


def generate_request(rng: random.Random, jobs: list[dict[str, Any]]) -> dict[str, Any]:
    """A valid request without maxResults and nextToken."""
    request: dict[str, Any] = {}
    if rng.random() < 0.25:
        request["jobQueue"] = rng.choice(_REQUEST_QUEUES)
    if rng.random() < 0.5:
        request["jobStatus"] = rng.choices(STATUSES, _STATUS_WEIGHTS)[0]
    draw = rng.random()
    if draw < 0.05:
        request["filters"] = []
    elif draw >= 0.35:
        name, value = _generate_filter(rng, jobs)
        request["filters"] = [{"name": name, "values": [value]}]
    return request


def _generate_filter(rng: random.Random, jobs: list[dict[str, Any]]) -> tuple[str, str]:
    name = rng.choices(
        ("JOB_NAME", "BEFORE_CREATED_AT", "AFTER_CREATED_AT", "SHARE_IDENTIFIER", "QUOTA_SHARE_NAME"),
        (4, 2, 2, 1, 1),
    )[0]
    if name == "JOB_NAME":
        if not jobs or rng.random() < 0.5:
            return name, rng.choice(_NAME_VALUES)
        value = "".join(
            character.swapcase() if rng.random() < 0.3 else character
            for character in rng.choice(jobs)["jobName"]
        )
        if rng.random() < 0.4:
            value = value[: rng.randrange(len(value) + 1)] + "*"
        return name, value
    if name in ("BEFORE_CREATED_AT", "AFTER_CREATED_AT"):
        times = [job["createdAt"] for job in jobs if "createdAt" in job]
        if times and rng.random() < 0.8:
            millis = rng.choice(times) + rng.choice((-1, 0, 0, 1))
        else:
            millis = _BASE_TIME + rng.randrange(-2, _TIME_SPREAD + 2)
        text = str(max(millis, 0))
        return name, ("00" + text if rng.random() < 0.1 else text)
    if name == "SHARE_IDENTIFIER":
        return name, rng.choice((*_SHARES, "s3"))
    return name, rng.choice((*_QUOTA_SHARES, "qc"))


def generate_sizes(rng: random.Random, largest: int = 6) -> list[int | None]:
    """The maxResults of each page in turn (None: absent, the default 100); the last one repeats."""
    draw = rng.random()
    if draw < 0.08:
        return [None]
    sizes: list[int | None] = [rng.randint(1, largest) for _ in range(rng.randint(1, 6))]
    if draw < 0.16:
        sizes.append(None)
    return sizes


def changed_jobs(
    rng: random.Random, jobs: list[dict[str, Any]], used: set[str]
) -> tuple[list[dict[str, Any]], list[str]]:
    """The jobs after a few inserts, deletes and status changes, and what changed (for the report).

    No job's sort key (createdAt, jobName, version, jobId) ever changes: a new job gets an id never used.
    """
    jobs = list(jobs)
    changes: list[str] = []
    for _ in range(rng.randint(0, 3)):
        action = rng.choice(("insert", "delete", "status"))
        if action == "insert":
            job = generate_job(rng, _new_id(rng, used))
            jobs.insert(rng.randrange(len(jobs) + 1), job)
            changes.append(f"insert {job['jobId']}")
        elif jobs and action == "delete":
            job = jobs.pop(rng.randrange(len(jobs)))
            changes.append(f"delete {job['jobId']}")
        elif jobs:
            where = rng.randrange(len(jobs))
            status = rng.choices(STATUSES, _STATUS_WEIGHTS)[0]
            jobs[where] = {**jobs[where], "status": status}
            changes.append(f"{jobs[where]['jobId']} becomes {status}")
    return jobs, changes


def other_query(rng: random.Random, request: dict[str, Any]) -> dict[str, Any] | None:
    """A request that differs from ``request`` in jobQueue, jobStatus or filters: a different query, to
    which a token of ``request`` must not apply (T-3). None when no change is clearly another query.

    Only clear differences are made: another queue name (never the ARN of the same queue), another given
    status, another filter name or value.
    """
    changes: list[tuple[str, Any]] = []
    queue = request.get("jobQueue")
    changes.append(("jobQueue", "q2" if queue is None or not str(queue).endswith("q2") else "q1"))
    status = request.get("jobStatus")
    if status is not None:
        changes.append(("jobStatus", rng.choice([other for other in STATUSES if other != status])))
    filters = request.get("filters") or []
    if not filters:
        changes.append(("filters", [{"name": "JOB_NAME", "values": ["zz*"]}]))
    else:
        name, value = filters[0]["name"], filters[0]["values"][0]
        if name in ("BEFORE_CREATED_AT", "AFTER_CREATED_AT"):
            other_value = str(int(value) + 1)
        else:
            other_value = value + "x" if not value.endswith("*") else value[:-1] + "x*"
        changes.append(("filters", [{"name": name, "values": [other_value]}]))
        other_name = "AFTER_CREATED_AT" if name != "AFTER_CREATED_AT" else "BEFORE_CREATED_AT"
        changes.append(("filters", [{"name": other_name, "values": ["1"]}]))
        changes.append(("filters", None))
    member, new_value = rng.choice(changes)
    other = dict(request)
    if new_value is None:
        other.pop(member, None)
    else:
        other[member] = new_value
    return other


def _new_id(rng: random.Random, used: set[str]) -> str:
    job_id = "".join(rng.choice(_ID_ALPHABET) for _ in range(rng.randint(1, 3)))
    while job_id in used:
        job_id += rng.choice(_ID_ALPHABET)
    used.add(job_id)
    return job_id
