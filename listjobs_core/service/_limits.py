"""The limits on the jobs a service holds (rule H-16): how many, and how large each.

Theory of operation: every job record passes ``check_job`` before a store keeps it (a submitted job, a
loaded one, one changed by a terminate, an update or a move; through the reference endpoint or the moto
plug-in alike): the one record validator (``job_problem``: the core's ``_jobs.find_job_problem`` and the
service's own rules on a record) and then the size limit. The jobs file loader asks ``job_problem`` too,
so a file holds only jobs the service could hold. What passes encodes as JSON, so no response that holds
it can fail (H-18). ``Limits`` carries the two numbers a service is given; every shell uses ``Limits()``
unless told otherwise (``serve --max-jobs``, ``--max-job-bytes``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .._errors import ClientException
from .._jobs import find_job_problem
from .._json import json_kind

__all__ = [
    "DEFAULT_MAX_JOBS",
    "DEFAULT_MAX_JOB_BYTES",
    "Limits",
    "check_job",
    "job_problem",
    "job_size",
    "too_many_jobs",
]


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


# H-16: members a record may not hold a NUL character in. An identifier is text a person reads, types and
# keys on; no job the service makes has a control character in either (a submitted jobName is letters,
# digits, "-" and "_"; a jobId a UUID), and NUL is the one character SQL text cannot hold.
_NO_NUL_MEMBERS = ("jobId", "jobName")


def job_problem(job: object) -> str | None:
    """What is wrong with a job record the service would hold (rule H-16), or ``None``: the core's one job
    validator (``_jobs.find_job_problem``: IN-1, IN-3), then the service's rules on a record: ``tags``
    maps strings to strings (the model's ``TagsMap``), and ``jobId`` and ``jobName`` hold no NUL.

    >>> job_problem({"jobId": "a", "jobName": "n", "tags": {"team": "a"}}) is None
    True
    >>> job_problem({"jobId": "a", "jobName": "n", "tags": {"team": 1}})
    "member 'tags' must map strings to strings, got an integer for 'team'"
    >>> job_problem({"jobId": "a\\x00", "jobName": "n"})
    "member 'jobId' must not hold a NUL character"
    """
    problem = find_job_problem(job)
    if problem is not None:
        return str(problem)
    assert isinstance(job, Mapping)  # find_job_problem refuses anything else
    tags = job.get("tags")
    if tags is not None:
        # Model: TagsMap is a map of TagKey to TagValue, both strings (find_job_problem saw an object).
        for key, value in tags.items():
            if not isinstance(value, str):
                return f"member 'tags' must map strings to strings, got {json_kind(value)} for {key!r}"
    for member in _NO_NUL_MEMBERS:
        if "\x00" in job[member]:
            return f"member {member!r} must not hold a NUL character"
    return None


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
    problem = job_problem(job)
    if problem is not None:
        raise ClientException(problem)
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
