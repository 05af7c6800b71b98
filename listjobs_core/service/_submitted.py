"""The record of a submitted service job (rule H-4).

Theory of operation: ``new_service_job`` turns a validated ``SubmitServiceJobRequest`` into the record a
store keeps, in the wire shape of ``DescribeServiceJobResponse``: its ARN in the service's partition,
region and account, its queue's ARN, ``SUBMITTED`` since ``now_ms``, not terminated, and the optional
members as given. It has no attempt yet; a status move (``_status.with_attempts``) gives it its
attempts. The job id and the clock are the caller's.
"""

from __future__ import annotations

import copy
from typing import Any

from .._arns import DEFAULT_PARTITION
from ._identity import DEFAULT_ACCOUNT, DEFAULT_REGION, job_arn, queue_arn
from ._requests import SubmitServiceJob
from ._status import SUBMITTED_STATUS

__all__ = ["new_service_job"]


def new_service_job(
    submit: SubmitServiceJob,
    *,
    job_id: str,
    now_ms: int,
    region: str = DEFAULT_REGION,
    account: str = DEFAULT_ACCOUNT,
    partition: str = DEFAULT_PARTITION,
) -> dict[str, Any]:
    """The record of a newly submitted job (rule H-4), in the wire shape of ``DescribeServiceJobResponse``.

    >>> from listjobs_core.service import parse_submit_request
    >>> submit = parse_submit_request({"jobName": "train", "jobQueue": "q", "shareIdentifier": "teamA",
    ...     "serviceJobType": "SAGEMAKER_TRAINING", "serviceRequestPayload": "{}"})
    >>> job = new_service_job(submit, job_id="j-1", now_ms=1000)
    >>> job["status"], job["createdAt"], job["jobQueue"], job["shareIdentifier"], "startedAt" in job
    ('SUBMITTED', 1000, 'arn:aws:batch:us-east-1:123456789012:job-queue/q', 'teamA', False)
    """
    job: dict[str, Any] = {
        "jobArn": job_arn(job_id, region, account, partition),
        "jobId": job_id,
        "jobName": submit.job_name,
        "jobQueue": queue_arn(submit.job_queue, region, account),
        "serviceJobType": submit.service_job_type,
        "serviceRequestPayload": submit.service_request_payload,
        "status": SUBMITTED_STATUS,
        "createdAt": now_ms,
        "isTerminated": False,
    }
    for member, value in submit.options:
        job[member] = copy.deepcopy(value)
    return job
