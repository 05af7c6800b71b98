"""A built-in, deterministic set of demo service jobs.

Theory of operation: the CLI and the examples need jobs to list when the caller brings none. This module
makes about three hundred SageMaker training service jobs in the wire shape of ``ServiceJobSummary``, plus
the two extra members the library understands (``jobQueue`` and ``version``). Every value comes from one
``random.Random`` seeded with a constant and from constant dates, never from the wall clock, so every call
(in any process, on any machine) returns equal jobs, and each call returns fresh objects the caller may
change freely.

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

from .._arns import JOB_QUEUE, SERVICE_JOB, batch_arn
from ._service_jobs import DEFAULT_ACCOUNT, DEFAULT_REGION

__all__ = ["DEMO_JOB_COUNT", "demo_jobs"]

DEMO_JOB_COUNT = 300

_SEED = 2025
_REGION = DEFAULT_REGION
_ACCOUNT = DEFAULT_ACCOUNT
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


def _queue_reference(rng: random.Random) -> str:
    name = _QUEUES[1] if rng.random() < 0.25 else _QUEUES[0]
    if rng.random() < 0.3:
        return batch_arn(JOB_QUEUE, name, _REGION, _ACCOUNT)
    return name


def _demo_job(rng: random.Random, earlier_created: list[int]) -> dict[str, Any]:
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
        "jobArn": batch_arn(SERVICE_JOB, job_id, _REGION, _ACCOUNT),
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
                "value": f"arn:aws:sagemaker:{_REGION}:{_ACCOUNT}:training-job/{training_job}",
            }
        }

    job["jobQueue"] = _queue_reference(rng)
    if rng.random() < 0.4:
        job["version"] = rng.randrange(3)
    return job


def demo_jobs() -> list[dict[str, Any]]:
    """Return the demo jobs: ``DEMO_JOB_COUNT`` new job dicts, equal on every call. O(n).

    >>> first = demo_jobs()[0]
    >>> first["jobArn"] == "arn:aws:batch:us-east-1:123456789012:service-job/" + first["jobId"]
    True
    >>> demo_jobs()[0] is first
    False
    """
    rng = random.Random(_SEED)
    earlier_created: list[int] = []
    return [_demo_job(rng, earlier_created) for _ in range(DEMO_JOB_COUNT)]
