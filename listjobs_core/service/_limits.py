"""The limits on the jobs a service holds (rule H-16): how many, and how large each.

Theory of operation: every job record passes ``check_job`` before a store keeps it (a submitted job, a
loaded one, one changed by a terminate, an update or a move): the one job validator
(``_jobs.find_job_problem``) and then the size limit. What passes encodes as JSON, so no response that
holds it can fail (H-18). ``Limits`` carries the two numbers a service is given.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .._errors import ClientException
from .._jobs import find_job_problem

__all__ = ["DEFAULT_MAX_JOBS", "DEFAULT_MAX_JOB_BYTES", "Limits", "check_job", "job_size", "too_many_jobs"]


# H-16: the endpoint's limits, from the AWS Batch service quotas: "Maximum number of jobs in SUBMITTED
# state: 1000000" (the endpoint's jobs stay SUBMITTED until terminated) and "Maximum size of
# SubmitServiceJob request: 30 KiB". ``--max-jobs`` and ``--max-job-bytes`` change them.
DEFAULT_MAX_JOBS = 1_000_000
DEFAULT_MAX_JOB_BYTES = 30 * 1024


@dataclass(frozen=True)
class Limits:
    """What a service holds at most (rule H-16): ``max_jobs`` jobs in all, each smaller than
    ``max_job_bytes`` as compact UTF-8 JSON.

    >>> Limits().max_job_bytes
    30720
    """

    max_jobs: int = DEFAULT_MAX_JOBS
    max_job_bytes: int = DEFAULT_MAX_JOB_BYTES

    def __post_init__(self) -> None:
        if self.max_jobs < 0 or self.max_job_bytes < 1:
            raise ValueError("max_jobs must be at least 0 and max_job_bytes at least 1")


def job_size(job: Mapping[str, Any]) -> int:
    """The size of a job: its bytes as compact UTF-8 JSON.

    >>> job_size({"jobId": "a", "jobName": "ß"})
    28
    """
    return len(json.dumps(job, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def check_job(job: Mapping[str, Any], max_job_bytes: int) -> None:
    """Refuse a job record before the endpoint stores it (rule H-16): the one job validator
    (``_jobs.find_job_problem``), then the size limit, each a ``ClientException``. What passes encodes as
    JSON, so no response that holds it can fail (H-18).

    >>> check_job({"jobId": "a", "jobName": "n", "tags": {"k": "\\udc80"}}, 1000)
    Traceback (most recent call last):
    ...
    listjobs_core._errors.ClientException: member 'tags' must be valid Unicode: it holds a lone surrogate
    >>> check_job({"jobId": "a", "jobName": "n", "statusReason": "x" * 2000}, 1024)
    Traceback (most recent call last):
    ...
    listjobs_core._errors.ClientException: Job size must be less than 1 KiB, got 2 KiB
    """
    problem = find_job_problem(job)
    if problem is not None:
        raise ClientException(str(problem))
    try:
        size = job_size(job)
    except ValueError:  # an integer of more digits than the interpreter converts to text
        raise ClientException("a member holds an integer too large to write as JSON") from None
    if size >= max_job_bytes:
        # Observed (SubmitJob): "Job size must be less than 30 KiB, got 47 KiB".
        got = -(-size // 1024)
        raise ClientException(f"Job size must be less than {_kibibytes(max_job_bytes)}, got {got} KiB")


def _kibibytes(size: int) -> str:
    return f"{size // 1024} KiB" if size % 1024 == 0 else f"{size} bytes"


def too_many_jobs(max_jobs: int) -> ClientException:
    """The error for a job the endpoint cannot hold: it holds ``max_jobs`` already (rule H-16)."""
    return ClientException(f"Maximum number of jobs reached: this endpoint holds at most {max_jobs} jobs")
