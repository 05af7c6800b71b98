"""The in-memory service behind the reference endpoint: four Batch operations, each a dict to a dict.

Theory of operation: this module holds state and nothing else. It keeps the jobs (keyed by ``jobId``),
the client tokens already used (rule H-7), a clock and a job id source, and answers ListServiceJobs,
SubmitServiceJob, DescribeServiceJob and TerminateServiceJob by calling the core: ``ServiceJobStore``
for the first (indexed, O(log N + page), and answering exactly as ``list_service_jobs`` over the same
jobs, tokens included), the pure ``_service_jobs`` for the job-level rules of the others. It never sees
bytes or HTTP; ``_server`` decodes a request body to a dict, calls one of the methods below, and encodes
what it returns (or the ``ListingError`` it raises).

Thread safety: every method may be called from many threads at once. Jobs are never changed in place;
a submit or terminate replaces a job's record under one lock, so a listing reads each job either before
or after a change, never half-changed, and a traversal never lists a job twice (rule P-4).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

from ._service_jobs import (
    DEFAULT_ACCOUNT,
    DEFAULT_REGION,
    describe_response,
    new_service_job,
    parse_describe_request,
    parse_submit_request,
    parse_terminate_request,
    reused_client_token,
    submit_response,
    terminated,
    unknown_job,
)
from ._store import ServiceJobStore

__all__ = ["JobStore", "ReferenceService", "now_in_milliseconds"]


class JobStore(Protocol):
    """What the service needs of the store that holds its jobs: ``ServiceJobStore`` (this process's memory)
    or ``listjobs_core.sql.SqlJobStore`` (a database, kept across restarts and shared between processes).
    A store that also has ``put_new(job, client_token=...)`` keeps the client tokens of H-7 itself, with
    the job in one transaction, so they outlive the process too."""

    def __len__(self) -> int: ...

    def get(self, job_id: str) -> dict[str, Any] | None: ...

    def put(self, job: Mapping[str, Any]) -> None: ...

    def list_service_jobs(self, request: object) -> dict[str, Any]: ...


def now_in_milliseconds() -> int:
    """The wall clock in milliseconds since the epoch, the unit of ``createdAt``."""
    return time.time_ns() // 1_000_000


def _new_job_id() -> str:
    # H-4: "a fresh UUID jobId".
    return str(uuid.uuid4())


class ReferenceService:
    """The jobs of one endpoint and the four operations on them.

    >>> service = ReferenceService([], clock=lambda: 1000, new_job_id=lambda: "j-1")
    >>> service.submit_service_job({"jobName": "train", "jobQueue": "q",
    ...     "serviceJobType": "SAGEMAKER_TRAINING", "serviceRequestPayload": "{}"})["jobId"]
    'j-1'
    >>> service.list_service_jobs({"jobStatus": "SUBMITTED"})["jobSummaryList"][0]["jobArn"]
    'arn:aws:batch:us-east-1:123456789012:service-job/j-1'
    >>> service.terminate_service_job({"jobId": "j-1", "reason": "not needed"})
    {}
    >>> service.describe_service_job({"jobId": "j-1"})["status"]
    'FAILED'
    """

    def __init__(
        self,
        jobs: Iterable[Mapping[str, Any]],
        *,
        store: JobStore | None = None,
        token_key: bytes | None = None,
        clock: Callable[[], int] = now_in_milliseconds,
        new_job_id: Callable[[], str] = _new_job_id,
        region: str = DEFAULT_REGION,
        account: str = DEFAULT_ACCOUNT,
    ) -> None:
        # ``jobs`` are put into ``store`` when one is given (which signs tokens with its own key), else into a
        # new ServiceJobStore.
        self._jobs: JobStore = ServiceJobStore(token_key=token_key) if store is None else store
        self._put_new: Callable[..., bool] | None = getattr(self._jobs, "put_new", None)
        for job in jobs:
            self._jobs.put(job)
        self._clock = clock
        self._new_job_id = new_job_id
        self._region = region
        self._account = account
        self._client_tokens: set[str] = set()
        # Serialises the read-modify-write of submit (client tokens) and terminate.
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """How many jobs the service holds."""
        return len(self._jobs)

    def list_service_jobs(self, request: object) -> dict[str, Any]:
        """ListServiceJobs: the listing core over the jobs held now."""
        return self._jobs.list_service_jobs(request)

    def submit_service_job(self, request: object) -> dict[str, Any]:
        """SubmitServiceJob: validate, create a SUBMITTED job (rule H-4), answer its ARN, name and id."""
        submit = parse_submit_request(request)
        with self._lock:
            # H-7: "two submit requests with identical payloads and clientTokens ... the second request is
            # rejected" (model, SubmitServiceJobRequest.clientToken).
            if submit.client_token is not None and self._put_new is None:
                if submit.client_token in self._client_tokens:
                    raise reused_client_token(submit.client_token)
                self._client_tokens.add(submit.client_token)
            job = new_service_job(
                submit,
                job_id=self._new_job_id(),
                now_ms=self._clock(),
                region=self._region,
                account=self._account,
            )
            if self._put_new is None:
                self._jobs.put(job)
            elif not self._put_new(job, client_token=submit.client_token):
                # H-7 in the store: the token was recorded, with its job, by an earlier submit.
                raise reused_client_token(str(submit.client_token))
        return submit_response(job)

    def describe_service_job(self, request: object) -> dict[str, Any]:
        """DescribeServiceJob: the job's describe members (rule H-5)."""
        job_id = parse_describe_request(request)
        job = self._jobs.get(job_id)
        if job is None:
            raise unknown_job(job_id)
        return describe_response(job)

    def terminate_service_job(self, request: object) -> dict[str, Any]:
        """TerminateServiceJob: the job becomes FAILED with the reason (rule H-6); the answer is empty."""
        job_id, reason = parse_terminate_request(request)
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                raise unknown_job(job_id)
            after = terminated(job, reason, self._clock())
            if after is not job:
                self._jobs.put(after)
        return {}
