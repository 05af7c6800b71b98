"""Seeded ListJobsByConsumableResource cases: jobs with requirements, a request, a page size (stdlib only).

Theory of operation: as ``_list_jobs_generate`` does for ListJobs, values come from small pools, so that
what the CR rules care about comes up often: a few resources, each required by name, by its ARN, or by an
ARN of the same name in another region or account (CR-2: two ARNs of one name are two resources); names
that differ only in case or are prefixes of one another; ``createdAt`` ties; every status; jobs requiring
several resources or none. A request names a resource by name or ARN, with no filter, ``JOB_STATUS``,
``JOB_NAME`` (a name found in another case, or a prefix with ``*``) or both in either order (CR-6), and a
page size (absent: the default). A case is a :class:`ConsumableCase` traversed as the designed ones are
(``_consumable_judging``), under the rule its request exercises, so that a selection difference is graded
by what the request asks: a request by ARN always carries a JOB_STATUS filter alone and is graded under
CR-2 (which jobs an ARN denotes), one by name under CR-5 without a filter, CR-6 with JOB_STATUS, and with
JOB_NAME alone under CR-7 (a selection difference there falling to CR-5, the status default). Every case
is reproducible from the seed and its number alone.
"""

from __future__ import annotations

import random
from typing import Any

from ._consumable_judging import ConsumableCase

__all__ = ["generate_consumable_case"]

_HOME = "arn:aws:batch:us-east-1:123456789012"
_ELSEWHERE = ("arn:aws:batch:us-west-2:123456789012", "arn:aws:batch:us-east-1:210987654321")
_RESOURCES = ("licenses", "seats", "gpus")
_NAMES = ("train", "Train", "TRAIN", "train1", "Train10", "eval", "EVAL", "zeta")
_NAME_VALUES = ("train", "TRAIN", "train*", "Train1*", "*", "eval", "Eval*", "t*", "zz", "TRAIN1")
_STATUSES = ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED")
_QUEUE = f"{_HOME}:job-queue/gpu"


def _identifier(rng: random.Random, name: str) -> str:
    """A name, its ARN here, or an ARN of the same name elsewhere (another resource, CR-2)."""
    draw = rng.random()
    if draw < 0.45:
        return name
    if draw < 0.8:
        return f"{_HOME}:consumable-resource/{name}"
    return f"{rng.choice(_ELSEWHERE)}:consumable-resource/{name}"


def _job(rng: random.Random, number: int) -> dict[str, Any]:
    job: dict[str, Any] = {
        "jobId": f"j{number:02d}",
        "jobArn": f"{_HOME}:job/j{number:02d}",
        "jobName": rng.choice(_NAMES),
        "jobQueue": _QUEUE,
        "jobDefinition": f"{_HOME}:job-definition/train:{rng.randint(1, 2)}",
        "status": rng.choice(_STATUSES),
        "createdAt": 1000 + rng.randrange(6),
    }
    if rng.random() < 0.85:
        chosen = rng.sample(_RESOURCES, rng.randint(1, 2))
        job["consumableResourceProperties"] = {
            "consumableResourceList": [
                {"consumableResource": _identifier(rng, name), "quantity": rng.randint(1, 5)}
                for name in chosen
            ]
        }
    return job


def generate_consumable_case(rng: random.Random, name: str) -> ConsumableCase:
    """One generated case named ``name``: its jobs, request and page size drawn from ``rng``."""
    jobs = tuple(_job(rng, number) for number in range(rng.choice((0, 1, 3, 5, 8, 12, 16, 24))))
    resource = rng.choice(_RESOURCES)
    statuses = [job["status"] for job in jobs] or list(_STATUSES)
    status = {"name": "JOB_STATUS", "values": [rng.choice(statuses)]}
    if rng.random() < 0.3:
        # By ARN, here or elsewhere, with a JOB_STATUS filter alone: graded under CR-2.
        identifier = _identifier(rng, resource)
        if not identifier.startswith("arn:"):
            identifier = f"{_HOME}:consumable-resource/{resource}"
        request: dict[str, Any] = {"consumableResource": identifier, "filters": [status]}
        rule = "CR-2"
    else:
        request = {"consumableResource": resource}
        value = rng.choice(_NAME_VALUES)
        if jobs and rng.random() < 0.5:
            value = "".join(c.swapcase() if rng.random() < 0.3 else c for c in rng.choice(jobs)["jobName"])
            if rng.random() < 0.4:
                value = value[: rng.randrange(len(value) + 1)] + "*"
        job_name = {"name": "JOB_NAME", "values": [value]}
        kind = rng.choice(("none", "status", "name", "both"))
        if kind == "none":
            rule = "CR-5"
        elif kind == "status":
            request["filters"] = [status]
            rule = "CR-6"
        elif kind == "name":
            request["filters"] = [job_name]
            rule = "CR-7"
        else:
            pair = [status, job_name]
            rng.shuffle(pair)
            request["filters"] = pair
            rule = "CR-6"
    size = rng.choice((None, 1, 2, 3, 5, 7))
    return ConsumableCase(rule, name, request, size=size, jobs=jobs)
