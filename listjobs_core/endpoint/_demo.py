"""Built-in, deterministic sets of demo jobs: service jobs, and the Batch jobs ListJobs lists.

Theory of operation: the CLI and the examples need jobs to list when the caller brings none. This module
makes about three hundred SageMaker training service jobs in the wire shape of ``ServiceJobSummary``, plus
the two extra members the library understands (``jobQueue`` and ``version``), and (``demo_batch_jobs``) a
smaller set of container jobs in the wire shape of ``JobSummary``, among them array jobs with their
children and multi-node parallel jobs with their nodes, about half of the top-level ones requiring consumable
resources. Every value comes from one ``random.Random`` seeded
with a constant and from constant dates, never from the wall clock, so every call (in any process, on any
machine) returns equal jobs, and each call returns fresh objects the caller may change freely. ARNs are
made in the region and account given (the endpoint's defaults unless said otherwise).

The set is shaped to exercise the listing rules: every status occurs, and ``RUNNING`` is common enough that
the default query fills several pages of three; job names come in case variants (``Test1``/``test1``,
``test10``/``Test10``) for the case-insensitive JOB_NAME filter; some ``createdAt`` values are shared by two
jobs, so the ``jobId`` tie-break shows; queues appear both as names and as ARNs.

>>> jobs = demo_jobs()
>>> len(jobs)
300
>>> jobs == demo_jobs()
True
>>> sum(job["status"] == "RUNNING" for job in jobs) > 3
True
>>> sorted({job["status"] for job in jobs})
['FAILED', 'PENDING', 'RUNNABLE', 'RUNNING', 'SCHEDULED', 'STARTING', 'SUBMITTED', 'SUCCEEDED']
"""

from __future__ import annotations

import random
import uuid
from typing import Any

from .._arns import CONSUMABLE_RESOURCE, JOB, JOB_QUEUE, SERVICE_JOB, batch_arn
from ..service import DEFAULT_ACCOUNT, DEFAULT_REGION

__all__ = [
    "DEMO_BATCH_JOB_COUNT",
    "DEMO_JOB_COUNT",
    "demo_batch_jobs",
    "demo_consumable_resources",
    "demo_jobs",
]

DEMO_JOB_COUNT = 300

_SEED = 2025
# 2025-06-01T00:00:00Z in milliseconds since the epoch; jobs are created over the 30 days that follow.
_WINDOW_START_MS = 1_748_736_000_000
_WINDOW_MS = 30 * 24 * 60 * 60 * 1000
_SECOND_MS = 1000
_MINUTE_MS = 60 * _SECOND_MS
_HOUR_MS = 60 * _MINUTE_MS

_JOB_NAMES = (
    "Test1",
    "test1",
    "test10",
    "Test10",
    "resnet-train",
    "ResNet-train-v2",
    "bert-finetune",
    "BERT-finetune",
    "llama-pretrain",
    "xgboost-hpo",
    "whisper-asr-finetune",
    "vit-imagenet",
    "t5-summarize",
)

# (status, weight): RUNNING and SUCCEEDED dominate, as on a busy training queue.
_STATUS_WEIGHTS = (
    ("SUBMITTED", 6),
    ("PENDING", 5),
    ("RUNNABLE", 10),
    ("SCHEDULED", 6),
    ("STARTING", 8),
    ("RUNNING", 25),
    ("SUCCEEDED", 28),
    ("FAILED", 12),
)
_SCHEDULED_STATUSES = frozenset({"SCHEDULED", "STARTING", "RUNNING", "SUCCEEDED", "FAILED"})
_ATTEMPTED_STATUSES = frozenset({"STARTING", "RUNNING", "SUCCEEDED", "FAILED"})
_STARTED_STATUSES = frozenset({"RUNNING", "SUCCEEDED", "FAILED"})
_STOPPED_STATUSES = frozenset({"SUCCEEDED", "FAILED"})

_QUEUES = ("sagemaker-training-queue", "research-queue")
_SHARE_IDENTIFIERS = ("teamA", "teamB", "ml-research")
_QUOTA_SHARE_NAMES = ("default-share", "priority-share")
_CAPACITY_UNITS = ("ml.m5.xlarge", "ml.m5.xlarge", "ml.g5.2xlarge", "ml.p3.2xlarge")
_FAILED_AFTER_START_REASONS = (
    "AlgorithmError: training script exited with non-zero status 1",
    "AlgorithmError: CUDA out of memory",
    "ClientError: Please ensure the training data in S3 is accessible",
)
_FAILED_BEFORE_START_REASONS = (
    "CapacityError: Unable to provision requested ML compute capacity",
    "ValidationException: The requested instance type is not supported in this region",
)


def _weighted_status(rng: random.Random) -> str:
    # A hand-rolled weighted choice on randrange keeps the sequence identical on every Python version.
    pick = rng.randrange(sum(weight for _, weight in _STATUS_WEIGHTS))
    for status, weight in _STATUS_WEIGHTS:
        if pick < weight:
            return status
        pick -= weight
    raise AssertionError("unreachable: pick is below the total weight")


def _queue_reference(rng: random.Random, region: str, account: str) -> str:
    name = _QUEUES[1] if rng.random() < 0.25 else _QUEUES[0]
    if rng.random() < 0.3:
        return batch_arn(JOB_QUEUE, name, region, account)
    return name


def _demo_job(rng: random.Random, earlier_created: list[int], region: str, account: str) -> dict[str, Any]:
    job_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    job_name = rng.choice(_JOB_NAMES)
    status = _weighted_status(rng)
    if earlier_created and rng.random() < 0.05:
        created_at = rng.choice(earlier_created)  # a tie, so the jobId tie-break is visible
    else:
        created_at = _WINDOW_START_MS + rng.randrange(_WINDOW_MS)
    earlier_created.append(created_at)

    # FAILED jobs either failed while training or never got capacity; only the first kind has started.
    failed_before_start = status == "FAILED" and rng.random() < 0.25
    job: dict[str, Any] = {
        "jobArn": batch_arn(SERVICE_JOB, job_id, region, account),
        "jobId": job_id,
        "jobName": job_name,
        "serviceJobType": "SAGEMAKER_TRAINING",
        "status": status,
        "createdAt": created_at,
    }
    if status == "FAILED":
        reasons = _FAILED_BEFORE_START_REASONS if failed_before_start else _FAILED_AFTER_START_REASONS
        job["statusReason"] = rng.choice(reasons)

    moment = created_at
    if failed_before_start:
        job["stoppedAt"] = moment + rng.randrange(_MINUTE_MS, 2 * _HOUR_MS)
    else:
        if status in _SCHEDULED_STATUSES:
            moment += rng.randrange(5 * _SECOND_MS, 30 * _MINUTE_MS)
            job["scheduledAt"] = moment
        if status in _STARTED_STATUSES:
            moment += rng.randrange(30 * _SECOND_MS, 10 * _MINUTE_MS)
            job["startedAt"] = moment
        if status in _STOPPED_STATUSES:
            moment += rng.randrange(5 * _MINUTE_MS, 12 * _HOUR_MS)
            job["stoppedAt"] = moment

    if rng.random() < 0.4:
        job["shareIdentifier"] = rng.choice(_SHARE_IDENTIFIERS)
    if rng.random() < 0.3:
        job["quotaShareName"] = rng.choice(_QUOTA_SHARE_NAMES)
    if status in _SCHEDULED_STATUSES and not failed_before_start and rng.random() < 0.7:
        quantity = float(rng.choice((1, 1, 1, 2, 4)))
        job["capacityUsage"] = [{"capacityUnit": rng.choice(_CAPACITY_UNITS), "quantity": quantity}]
    if status in _ATTEMPTED_STATUSES and not failed_before_start:
        training_job = f"{job_name}-{job_id[:8]}"
        job["latestAttempt"] = {
            "serviceResourceId": {
                "name": "TrainingJobArn",
                "value": f"arn:aws:sagemaker:{region}:{account}:training-job/{training_job}",
            }
        }

    job["jobQueue"] = _queue_reference(rng, region, account)
    if rng.random() < 0.4:
        job["version"] = rng.randrange(3)
    return job


def demo_jobs(region: str = DEFAULT_REGION, account: str = DEFAULT_ACCOUNT) -> list[dict[str, Any]]:
    """Return the demo service jobs: ``DEMO_JOB_COUNT`` new job dicts, equal on every call. O(n).

    >>> first = demo_jobs()[0]
    >>> first["jobArn"] == "arn:aws:batch:us-east-1:123456789012:service-job/" + first["jobId"]
    True
    >>> demo_jobs()[0] is first
    False
    >>> demo_jobs("eu-west-1", "111122223333")[0]["jobArn"].split(":")[3:5]
    ['eu-west-1', '111122223333']
    """
    rng = random.Random(_SEED)
    earlier_created: list[int] = []
    return [_demo_job(rng, earlier_created, region, account) for _ in range(DEMO_JOB_COUNT)]


# --- the Batch jobs ListJobs lists ------------------------------------------------------------------------

_BATCH_QUEUES = ("cpu-queue", "gpu-queue")
_JOB_DEFINITION_ARN_TYPE = "job-definition"
_JOB_DEFINITIONS = (("preprocess", 1), ("preprocess", 2), ("train-model", 4), ("evaluate", 1))
_BATCH_JOB_NAMES = ("nightly-etl", "Nightly-ETL", "feature-build", "train-resnet", "eval-suite", "report")
_BATCH_STATUSES = ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED")
# The first plain jobs are parents: array jobs of these sizes, then MNP jobs of these numbers of nodes.
_ARRAY_SIZES = (3, 5, 8)
_NODE_COUNTS = (2, 4)
_PLAIN_BATCH_JOBS = 60
DEMO_BATCH_JOB_COUNT = _PLAIN_BATCH_JOBS + sum(_ARRAY_SIZES) + sum(_NODE_COUNTS)


def demo_batch_jobs(region: str = DEFAULT_REGION, account: str = DEFAULT_ACCOUNT) -> list[dict[str, Any]]:
    """Return the demo Batch jobs (``JobSummary`` shape, with ``jobQueue``): ``DEMO_BATCH_JOB_COUNT`` new
    job dicts, equal on every call. Array children are ``<parent>:<index>``, MNP nodes ``<parent>#<node>``.

    >>> jobs = demo_batch_jobs()
    >>> len(jobs) == DEMO_BATCH_JOB_COUNT, jobs == demo_batch_jobs()
    (True, True)
    >>> parent = next(job for job in jobs if "size" in job.get("arrayProperties", {}))
    >>> [job["jobId"] for job in jobs if job["jobId"].startswith(parent["jobId"] + ":")][:2] == [
    ...     parent["jobId"] + ":0", parent["jobId"] + ":1"]
    True
    """
    rng = random.Random(_SEED + 1)
    jobs: list[dict[str, Any]] = []
    for index in range(_PLAIN_BATCH_JOBS):
        job_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        name, revision = rng.choice(_JOB_DEFINITIONS)
        created_at = _WINDOW_START_MS + rng.randrange(_WINDOW_MS)
        status = rng.choice(_BATCH_STATUSES)
        job: dict[str, Any] = {
            "jobArn": batch_arn(JOB, job_id, region, account),
            "jobId": job_id,
            "jobName": rng.choice(_BATCH_JOB_NAMES),
            "createdAt": created_at,
            "status": status,
            "jobDefinition": batch_arn(_JOB_DEFINITION_ARN_TYPE, f"{name}:{revision}", region, account),
            "jobQueue": rng.choice(_BATCH_QUEUES),
        }
        if status in ("RUNNING", "SUCCEEDED", "FAILED"):
            job["startedAt"] = created_at + rng.randrange(_MINUTE_MS, _HOUR_MS)
        if status in ("SUCCEEDED", "FAILED"):
            job["stoppedAt"] = job["startedAt"] + rng.randrange(_MINUTE_MS, _HOUR_MS)
            job["container"] = {"exitCode": 0 if status == "SUCCEEDED" else 1}
        if rng.random() < 0.3:
            job["shareIdentifier"] = rng.choice(_SHARE_IDENTIFIERS)
        jobs.append(job)
        if index < len(_ARRAY_SIZES):
            jobs += _array_children(job, _ARRAY_SIZES[index], rng, region, account)
        elif index - len(_ARRAY_SIZES) < len(_NODE_COUNTS):
            jobs += _nodes(job, _NODE_COUNTS[index - len(_ARRAY_SIZES)], rng, region, account)
    _require_resources(jobs, region, account)
    return jobs


# Consumable resources some demo jobs require, for ListJobsByConsumableResource (each named once per job,
# CR-3; some by ARN, CR-2).
_CONSUMABLE_RESOURCES = ("license-seats", "gpu-quota")


def demo_consumable_resources() -> list[dict[str, Any]]:
    """The CreateConsumableResource requests of the resources the demo Batch jobs require (H-8), so that
    an endpoint serving the demo sets describes and lists them as it lists the jobs that require them.

    >>> [request["consumableResourceName"] for request in demo_consumable_resources()]
    ['license-seats', 'gpu-quota']
    """
    kinds = zip(_CONSUMABLE_RESOURCES, (40, 16), ("REPLENISHABLE", "NON_REPLENISHABLE"), strict=True)
    return [
        {"consumableResourceName": name, "totalQuantity": total, "resourceType": kind}
        for name, total, kind in kinds
    ]


def _require_resources(jobs: list[dict[str, Any]], region: str, account: str) -> None:
    """Give about half of the top-level jobs ``consumableResourceProperties``, from a random source of
    their own, so that every other member stays what it was."""
    rng = random.Random(_SEED + 2)
    for job in jobs:
        if ":" in job["jobId"] or "#" in job["jobId"] or rng.random() < 0.5:
            continue
        chosen = rng.sample(_CONSUMABLE_RESOURCES, rng.choice((1, 1, 2)))
        entries = []
        for name in chosen:
            identifier = batch_arn(CONSUMABLE_RESOURCE, name, region, account) if rng.random() < 0.3 else name
            entries.append({"consumableResource": identifier, "quantity": rng.randrange(1, 5)})
        job["consumableResourceProperties"] = {"consumableResourceList": entries}


def _child(
    parent: dict[str, Any], job_id: str, rng: random.Random, region: str, account: str
) -> dict[str, Any]:
    status = rng.choice(_BATCH_STATUSES)
    return {
        "jobArn": batch_arn(JOB, job_id, region, account),
        "jobId": job_id,
        "jobName": parent["jobName"],
        "createdAt": parent["createdAt"] + rng.randrange(_SECOND_MS, _MINUTE_MS),
        "status": status,
        "jobDefinition": parent["jobDefinition"],
    }


def _array_children(
    parent: dict[str, Any], size: int, rng: random.Random, region: str, account: str
) -> list[dict[str, Any]]:
    children = []
    for index in range(size):
        child = _child(parent, f"{parent['jobId']}:{index}", rng, region, account)
        child["arrayProperties"] = {"index": index}
        children.append(child)
    summary: dict[str, int] = {}
    for child in children:
        summary[child["status"]] = summary.get(child["status"], 0) + 1
    parent["arrayProperties"] = {"size": size, "statusSummary": summary}
    return children


def _nodes(
    parent: dict[str, Any], count: int, rng: random.Random, region: str, account: str
) -> list[dict[str, Any]]:
    parent["nodeProperties"] = {"numNodes": count}
    return [_child(parent, f"{parent['jobId']}#{node}", rng, region, account) for node in range(count)]
