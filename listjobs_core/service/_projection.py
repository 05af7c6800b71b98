"""The answers of the service-job operations, projected from a job record (rules H-4, H-5, H-11).

Theory of operation: jobs are records in the wire shape of ``DescribeServiceJobResponse``; the listing
engine reads them as they are (it projects them to ``ServiceJobSummary``, rule W-2), and the other
operations answer with the projections here. A projection shares nothing mutable with the job.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._wire import to_summary

__all__ = ["DESCRIBE_MEMBERS", "describe_response", "submit_response", "update_response"]

# Model, DescribeServiceJobResponse: the members a describe answer may carry (H-5).
DESCRIBE_MEMBERS = (
    "attempts",
    "capacityUsage",
    "createdAt",
    "isTerminated",
    "jobArn",
    "jobId",
    "jobName",
    "jobQueue",
    "latestAttempt",
    "retryStrategy",
    "scheduledAt",
    "schedulingPriority",
    "serviceRequestPayload",
    "serviceJobType",
    "shareIdentifier",
    "quotaShareName",
    "preemptionConfiguration",
    "preemptionSummary",
    "startedAt",
    "status",
    "statusReason",
    "stoppedAt",
    "tags",
    "timeoutConfig",
)


def submit_response(job: Mapping[str, Any]) -> dict[str, Any]:
    """The ``SubmitServiceJobResponse`` for a submitted job: ``jobArn``, ``jobName`` and ``jobId``."""
    return {"jobArn": job["jobArn"], "jobName": job["jobName"], "jobId": job["jobId"]}


def describe_response(job: Mapping[str, Any]) -> dict[str, Any]:
    """The ``DescribeServiceJobResponse`` of a job: its describe members that are present (rule H-5).

    A member the job lacks is absent, never null: a job that has not started has no ``startedAt``, although
    the model marks it required. The answer shares nothing mutable with the job.

    >>> describe_response({"jobId": "j", "jobName": "n", "status": "SUBMITTED", "version": 2})
    {'jobId': 'j', 'jobName': 'n', 'status': 'SUBMITTED'}
    """
    # Model: DescribeServiceJobResponse.isTerminated "Indicates whether the service job has been
    # terminated", false included; only the summaries show it when true alone.
    return to_summary(job, DESCRIBE_MEMBERS, true_only=frozenset())


def update_response(job: Mapping[str, Any]) -> dict[str, Any]:
    """The ``UpdateServiceJobResponse`` of a job: ``jobArn``, ``jobName`` and ``jobId`` (those it has)."""
    return to_summary(job, ("jobArn", "jobName", "jobId"))
