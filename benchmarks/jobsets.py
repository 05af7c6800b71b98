"""Synthetic jobs and query shapes shared by the benchmarks: deterministic, and built once per size."""

from __future__ import annotations

import functools
import random
from typing import Any

SIZES = (10_000, 100_000, 1_000_000)
PAGE = 100
STATUSES = ("SUBMITTED", "PENDING", "RUNNABLE", "SCHEDULED", "STARTING", "RUNNING", "SUCCEEDED", "FAILED")
START = 1_700_000_000_000

# One query per shape the service answers: by status (the default), by name exactly and by prefix, by
# creation time, and by share identifier combined with a status.
QUERY_SHAPES: dict[str, dict[str, Any]] = {
    "status": {"jobStatus": "RUNNING"},
    "JOB_NAME exact": {"filters": [{"name": "JOB_NAME", "values": ["Training-7"]}]},
    "JOB_NAME prefix": {"filters": [{"name": "JOB_NAME", "values": ["training-1*"]}]},
    "AFTER_CREATED_AT": {"filters": [{"name": "AFTER_CREATED_AT", "values": [str(START + 500_000_000)]}]},
    "SHARE_IDENTIFIER + status": {
        "jobStatus": "RUNNING",
        "filters": [{"name": "SHARE_IDENTIFIER", "values": ["share-3"]}],
    },
}


@functools.cache
def synthetic_jobs(count: int) -> list[dict[str, Any]]:
    """``count`` service jobs in creation order, as an emulator appends them: 1000 names in mixed case,
    eight statuses, ten share identifiers, one queue, some name versions."""
    rng = random.Random(count)
    jobs = []
    created_at = START
    for index in range(count):
        created_at += rng.randrange(0, 2_000_000_000 // count + 1)
        job_id = f"{rng.getrandbits(128):032x}"
        name = f"{'Training' if index % 2 else 'training'}-{rng.randrange(1000)}"
        jobs.append(
            {
                "jobId": job_id,
                "jobArn": f"arn:aws:batch:us-east-1:123456789012:service-job/{job_id}",
                "jobName": name,
                "serviceJobType": "SAGEMAKER_TRAINING",
                "status": rng.choice(STATUSES),
                "createdAt": created_at,
                "shareIdentifier": f"share-{rng.randrange(10)}",
                "jobQueue": "training-queue",
                "version": rng.randrange(3),
            }
        )
    return jobs
