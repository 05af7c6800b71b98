"""The service behind the reference endpoint: the Batch operations it serves, each a dict to a dict.

Theory of operation: this module holds state and nothing else. It keeps two stores (``ListingStore``,
``_stores``): the service jobs, which ListServiceJobs lists and the service-job operations change, and
the Batch jobs of ``--batch-jobs``, which ListJobs lists (rule H-13). Besides the stores it holds the
client tokens already used (rule H-7), a clock, a job id source, the endpoint's region and account
(H-10) and its limits (H-16). Each operation calls the core: a store's ``answer`` for the listings
(indexed, O(log N + page), answering exactly as the pure functions over the same jobs, tokens included),
the pure ``_service_jobs`` for the job-level rules of the others. It never sees bytes or HTTP; ``_server``
decodes a request body to a dict, calls one of the methods below, and encodes what it returns (or the
``ListingError`` it raises).

The jobs of a jobs file enter a store in one place, ``_load``.

Thread safety: every method may be called from many threads at once. Jobs are never changed in place;
a submit, terminate or update replaces a job's record under one lock, so a listing reads each job either
before or after a change, never half-changed, and a traversal never lists a job twice (rule P-4).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .._arns import JOB, SERVICE_JOB
from .._completion import Completion
from .._errors import ClientException
from .._operations import LIST_JOBS
from ..store import JobStore, ServiceJobStore
from ._service_jobs import (
    DEFAULT_ACCOUNT,
    DEFAULT_MAX_JOB_BYTES,
    DEFAULT_MAX_JOBS,
    DEFAULT_REGION,
    check_job,
    describe_response,
    job_id_from,
    loaded_job,
    local_queue,
    new_service_job,
    parse_describe_request,
    parse_submit_request,
    parse_terminate_many_request,
    parse_terminate_request,
    parse_update_request,
    reused_client_token,
    submit_response,
    termination_changes,
    too_many_jobs,
    unknown_job,
    update_response,
    updated_priority,
)
from ._stores import Answer, ClientTokenStore, ListingStore

__all__ = ["Limits", "ReferenceService", "now_in_milliseconds"]


def now_in_milliseconds() -> int:
    """The wall clock in milliseconds since the epoch, the unit of ``createdAt``."""
    return time.time_ns() // 1_000_000


def _new_job_id() -> str:
    # H-4: "a fresh UUID jobId".
    return str(uuid.uuid4())


@dataclass(frozen=True)
class Limits:
    """What the endpoint holds at most (rule H-16): ``max_jobs`` jobs in all, each smaller than
    ``max_job_bytes`` as compact UTF-8 JSON."""

    max_jobs: int = DEFAULT_MAX_JOBS
    max_job_bytes: int = DEFAULT_MAX_JOB_BYTES

    def __post_init__(self) -> None:
        if self.max_jobs < 0 or self.max_job_bytes < 1:
            raise ValueError("max_jobs must be at least 0 and max_job_bytes at least 1")


class ReferenceService:
    """The jobs of one endpoint and the Batch operations on them.

    ``store`` holds the service jobs, ``batch_store`` the jobs ListJobs lists; each defaults to a new
    in-memory store (``ServiceJobStore``, ``JobStore(LIST_JOBS)``) signing its tokens with ``token_key``.
    A store given is used as it is, with its own token key.

    >>> service = ReferenceService(clock=lambda: 1000, new_job_id=lambda: "j-1")
    >>> service.submit_service_job({"jobName": "train", "jobQueue": "q",
    ...     "serviceJobType": "SAGEMAKER_TRAINING", "serviceRequestPayload": "{}"})["jobId"]
    'j-1'
    >>> import json  # a listing comes back as the JSON body the endpoint sends
    >>> json.loads(service.list_service_jobs({"jobStatus": "SUBMITTED"}))["jobSummaryList"][0]["jobArn"]
    'arn:aws:batch:us-east-1:123456789012:service-job/j-1'
    >>> service.terminate_service_job({"jobId": "j-1", "reason": "not needed"})
    {}
    >>> arn = "arn:aws:batch:us-east-1:123456789012:service-job/j-1"
    >>> service.describe_service_job({"jobId": arn})["status"]
    'FAILED'
    """

    def __init__(
        self,
        store: ListingStore | None = None,
        *,
        batch_store: ListingStore | None = None,
        token_key: bytes | None = None,
        clock: Callable[[], int] = now_in_milliseconds,
        new_job_id: Callable[[], str] = _new_job_id,
        region: str = DEFAULT_REGION,
        account: str = DEFAULT_ACCOUNT,
        limits: Limits = Limits(),
    ) -> None:
        if store is None:
            store = ServiceJobStore(token_key=token_key)
        if batch_store is None:
            batch_store = JobStore(LIST_JOBS, token_key=token_key)
        # H-20: every job served has its jobArn (and a service job its serviceJobType), whichever way it
        # reaches the store: the stores complete what they are given from now on, and the jobs they hold.
        completion = Completion(region, account)
        for served in (store, batch_store):
            _complete_jobs_of(served, completion)
        self._store = store
        self._batch_store = batch_store
        self._clock = clock
        self._new_job_id = new_job_id
        self.region = region
        self.account = account
        self.limits = limits
        self._client_tokens: set[str] = set()
        # Serialises every read-modify-write: submit (client tokens, the job count), terminate, update.
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """How many jobs the service holds, of both kinds."""
        return len(self._store) + len(self._batch_store)

    @property
    def store(self) -> ListingStore:
        """The store of the service jobs."""
        return self._store

    @property
    def batch_store(self) -> ListingStore:
        """The store of the jobs ListJobs lists."""
        return self._batch_store

    # --- loading jobs files ----------------------------------------------------------------------------

    def load_service_jobs(self, jobs: Iterable[Mapping[str, Any]]) -> None:
        """Add the service jobs of a jobs file (ServiceJobSummary or DescribeServiceJobResponse shape)."""
        self._load(self._store, jobs, SERVICE_JOB)

    def load_batch_jobs(self, jobs: Iterable[Mapping[str, Any]]) -> None:
        """Add the jobs ListJobs lists (JobSummary shape, array children and MNP nodes among them)."""
        self._load(self._batch_store, jobs, JOB)

    def _load(self, store: ListingStore, jobs: Iterable[Mapping[str, Any]], resource_type: str) -> None:
        """The one place where jobs files enter a store (rules H-8, H-10, H-16).

        Each job passes the checks of a submitted one (``check_job``: the job validator and the size
        limit), and together they must leave the endpoint holding at most ``max_jobs``; otherwise
        ``ValueError`` naming the job, before any is stored.
        """
        records: list[Any] = [
            loaded_job(job, resource_type, self.region, self.account) if isinstance(job, Mapping) else job
            for job in jobs
        ]
        total = len(self) + len(records)
        if total > self.limits.max_jobs:
            # A job that replaces a held one (the same jobId, as when serve --db restarts with the file
            # it loaded before) or repeats one of the file adds nothing to what the endpoint holds.
            ids = {record.get("jobId") if hasattr(record, "get") else None for record in records}
            total = len(self) + sum(1 for job_id in ids if not (isinstance(job_id, str) and job_id in store))
        if total > self.limits.max_jobs:
            limit = self.limits.max_jobs
            raise ValueError(f"{total} jobs are more than the endpoint holds, at most {limit}")
        for index, record in enumerate(records):
            try:
                check_job(record, self.limits.max_job_bytes)
            except ClientException as error:
                job_id = record.get("jobId") if isinstance(record, Mapping) else None
                raise ValueError(f"job {job_id!r} (number {index + 1}): {error.message}") from None
        store.put_many(records)

    # --- listings ------------------------------------------------------------------------------------

    def list_service_jobs(self, request: object) -> Answer:
        """ListServiceJobs: the listing core over the service jobs held now (rules H-8, H-10)."""
        return self._store.answer_json(local_queue(request, self.region, self.account))

    def list_jobs(self, request: object) -> Answer:
        """ListJobs: the listing core over the jobs of ``--batch-jobs`` (rules H-10, H-13)."""
        return self._batch_store.answer_json(local_queue(request, self.region, self.account))

    # --- the service-job operations --------------------------------------------------------------------

    def submit_service_job(self, request: object) -> Answer:
        """SubmitServiceJob: validate, create a SUBMITTED job (rule H-4), answer its ARN, name and id."""
        submit = parse_submit_request(request)
        with self._lock:
            # H-7: "two submit requests with identical payloads and clientTokens ... the second request is
            # rejected" (model, SubmitServiceJobRequest.clientToken).
            if submit.client_token is not None and submit.client_token in self._client_tokens:
                raise reused_client_token(submit.client_token)
            if len(self) >= self.limits.max_jobs:
                raise too_many_jobs(self.limits.max_jobs)
            job = new_service_job(
                submit,
                job_id=self._new_job_id(),
                now_ms=self._clock(),
                region=self.region,
                account=self.account,
            )
            check_job(job, self.limits.max_job_bytes)
            store = self._store
            if isinstance(store, ClientTokenStore):
                # H-7, H-19: the store records the token with its job, for every server on the store.
                if not store.put_new(job, client_token=submit.client_token):
                    raise reused_client_token(str(submit.client_token))
            else:
                self._store.put(job)
                if submit.client_token is not None:
                    self._client_tokens.add(submit.client_token)
        return submit_response(job)

    def describe_service_job(self, request: object) -> Answer:
        """DescribeServiceJob: the job's describe members (rule H-5), by id or ARN (H-9)."""
        identifier = parse_describe_request(request)
        return describe_response(self._job(identifier))

    def terminate_service_job(self, request: object) -> Answer:
        """TerminateServiceJob: the job becomes FAILED with the reason (rule H-6); the answer is empty."""
        identifier, reason = parse_terminate_request(request)
        with self._lock:
            self._terminate(self._job(identifier), reason)
        return {}

    def terminate_service_jobs(self, request: object) -> Answer:
        """TerminateServiceJobs: TerminateServiceJob for each of up to 50 jobs (rule H-12), each reported
        in ``successful`` or, with a code and a message, in ``errors``."""
        terminate = parse_terminate_many_request(request)
        successful: list[str] = []
        errors: list[dict[str, str]] = []
        with self._lock:
            for identifier in terminate.jobs:
                try:
                    if not identifier:
                        raise ClientException("jobs holds an empty service job ID")
                    job = self._find(identifier, "jobs")
                except ClientException as error:
                    # Model, TerminateServiceJobsErrorDetail.code: "ValidationException - A service job
                    # identifier in the request is malformed or isn't valid."
                    code = "ValidationException"
                    errors.append({"job": identifier, "code": code, "message": error.message})
                    continue
                if job is not None:
                    try:
                        self._terminate(job, terminate.reason)
                    except ClientException as error:
                        errors.append({"job": identifier, "code": error.error_type, "message": error.message})
                        continue
                # Model: "Service jobs that can't be found are treated as successfully processed."
                successful.append(identifier)
        return {"successful": successful, "errors": errors}

    def update_service_job(self, request: object) -> Answer:
        """UpdateServiceJob: the job's scheduling priority changes (rule H-11)."""
        identifier, priority = parse_update_request(request)
        with self._lock:
            job = self._job(identifier)
            changes = updated_priority(job, priority)
            check_job({**job, **changes}, self.limits.max_job_bytes)
            changed = self._store.update(job["jobId"], **changes)
        return update_response(changed)

    # --- internals -------------------------------------------------------------------------------------

    def _job(self, identifier: str) -> dict[str, Any]:
        """The stored job an id or ARN names (rule H-9), or the ``ClientException`` of an unknown job."""
        job = self._find(identifier, "jobId")
        if job is None:
            raise unknown_job(identifier)
        return job

    def _find(self, identifier: str, member: str) -> dict[str, Any] | None:
        """The stored job an identifier names (H-9): the job with that id, else the job whose ARN here it
        is; ``None`` when there is none, and a ``ClientException`` for an ARN of another resource."""
        job = self._store.get(identifier)
        if job is not None:
            return job
        job_id = job_id_from(identifier, member, self.region, self.account)
        return None if job_id is None or job_id == identifier else self._store.get(job_id)

    def _terminate(self, job: Mapping[str, Any], reason: str) -> None:
        """Terminate a stored job (rule H-6), under the lock."""
        changes = termination_changes(job, reason, self._clock())
        if changes:
            check_job({**job, **changes}, self.limits.max_job_bytes)
            self._store.update(job["jobId"], **changes)


def _complete_jobs_of(store: ListingStore, completion: Completion) -> None:
    """Make ``store`` complete the jobs put into it (H-20), unless it already does, and complete the jobs
    it holds; a store that already completes is the caller's choice and is left as it is."""
    if store.completion is not None:
        return
    store.completion = completion
    operation = store.operation
    incomplete = [job for job in store if completion.complete(job, operation) is not job]
    if incomplete:
        store.put_many(incomplete)
