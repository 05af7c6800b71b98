"""``JobService``: the service-job operations over one store, for every shell.

Theory of operation: a ``JobService`` keeps the service jobs of one region and account in a store with the
listing-store interface, and answers the operations on one job with the rules of this package: submit
(H-4, H-7, H-16), describe (H-5, H-9), terminate (H-6, H-12), update (H-11) and moving a job to any
status (``move``). It holds what those rules need besides the store: the client tokens already used (unless
the store keeps them with its jobs), a clock, a job id source, the region, account and partition, and the
limits. The reference endpoint (``endpoint.ReferenceService``) and the moto plug-in both call it, so they
cannot drift; each shell keeps only what is its own (HTTP, moto's queues and state manager).

Thread safety: every read-modify-write (submit with its client token and job count, terminate, update,
move) runs under ``lock``, a re-entrant lock a shell may also hold around several calls. Jobs are never
changed in place: a change replaces a job's record, so a listing reads each job before or after a change,
never half-changed (rule P-4).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from .._arns import DEFAULT_PARTITION
from .._errors import ClientException
from .._json import show
from ._identity import DEFAULT_ACCOUNT, DEFAULT_REGION, find_job, unknown_job
from ._limits import Limits, check_job, too_many_jobs
from ._projection import describe_response, update_response
from ._requests import SubmitServiceJob, TerminateServiceJobs
from ._status import moved_job, terminated_job, updated_priority
from ._store_interface import keeps_client_tokens
from ._submitted import new_service_job

if TYPE_CHECKING:
    from ._store_interface import ListingStore

__all__ = ["JobService", "new_job_id", "now_in_milliseconds", "reused_client_token"]


def now_in_milliseconds() -> int:
    """The wall clock in milliseconds since the epoch, the unit of ``createdAt``."""
    return time.time_ns() // 1_000_000


def new_job_id() -> str:
    """A fresh job id: H-4, "a fresh UUID jobId"."""
    return str(uuid.uuid4())


def reused_client_token(client_token: str) -> ClientException:
    """The error for a SubmitServiceJob whose ``clientToken`` an earlier submit already used (rule H-7)."""
    return ClientException(f"clientToken {show(client_token)} was already used by an earlier request")


class JobService:
    """The service jobs of one region and account, in ``store``, and the operations on them.

    ``limits`` (H-16) bounds the jobs held (``held()`` of them, ``len(store)`` unless given) and the size of
    each, and every job kept passes the one record validator; ``None`` is ``Limits()``, the limits every
    shell has unless told otherwise. ``clock`` gives milliseconds since the epoch and ``new_job_id`` the id of
    a submitted job; an operation may pass its own ``now_ms``.

    >>> from listjobs_core import ServiceJobStore
    >>> from listjobs_core.service import parse_submit_request
    >>> jobs = JobService(ServiceJobStore(), clock=lambda: 1000, new_job_id=lambda: "j-1")
    >>> job = jobs.submit(parse_submit_request({"jobName": "train", "jobQueue": "q",
    ...     "serviceJobType": "SAGEMAKER_TRAINING", "serviceRequestPayload": "{}"}))
    >>> job["jobArn"], job["status"]
    ('arn:aws:batch:us-east-1:123456789012:service-job/j-1', 'SUBMITTED')
    >>> jobs.move("j-1", "RUNNING", now_ms=2000)["startedAt"]
    2000
    >>> jobs.terminate("j-1", "not needed", now_ms=3000)
    >>> described = jobs.describe("arn:aws:batch:us-east-1:123456789012:service-job/j-1")
    >>> described["status"], described["statusReason"], described["stoppedAt"], described["isTerminated"]
    ('FAILED', 'not needed', 3000, True)
    """

    def __init__(
        self,
        store: ListingStore,
        *,
        region: str = DEFAULT_REGION,
        account: str = DEFAULT_ACCOUNT,
        partition: str = DEFAULT_PARTITION,
        limits: Limits | None = None,
        held: Callable[[], int] | None = None,
        clock: Callable[[], int] = now_in_milliseconds,
        new_job_id: Callable[[], str] = new_job_id,
    ) -> None:
        self.store = store
        self.region = region
        self.account = account
        self.partition = partition
        # H-16: "one set of limits": the same for every shell, the reference endpoint and the moto plug-in.
        self.limits = limits if limits is not None else Limits()
        self._held = held if held is not None else store.__len__
        self.clock = clock
        self.new_job_id = new_job_id
        self.lock = threading.RLock()
        self._client_tokens: set[str] = set()

    # --- finding jobs ----------------------------------------------------------------------------------

    def find(self, identifier: str, member: str = "jobId") -> dict[str, Any] | None:
        """The job an id or this service's ARN names (H-9), ``None`` when none; another ARN is refused."""
        return find_job(
            self.store,
            identifier,
            member=member,
            region=self.region,
            account=self.account,
            partition=self.partition,
        )

    def job(self, identifier: str) -> dict[str, Any]:
        """The job an id or ARN names (H-9), or the ``ClientException`` of an unknown job."""
        job = self.find(identifier)
        if job is None:
            raise unknown_job(identifier)
        return job

    # --- the operations --------------------------------------------------------------------------------

    def submit(
        self,
        submit: SubmitServiceJob,
        *,
        now_ms: int | None = None,
        members: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """SubmitServiceJob (H-4): store a new ``SUBMITTED`` job and return its record.

        ``members`` replace what the request gives (a ``None`` removes the member): a shell that knows the
        queue's ARN or keeps tags elsewhere says so here. A reused client token (H-7) or a full service
        (H-16) is a ``ClientException``, and nothing is stored.
        """
        token = submit.client_token
        with self.lock:
            # H-7: "two submit requests with identical payloads and clientTokens ... the second request is
            # rejected" (model, SubmitServiceJobRequest.clientToken).
            if token is not None and token in self._client_tokens:
                raise reused_client_token(token)
            if self._held() >= self.limits.max_jobs:
                raise too_many_jobs(self.limits.max_jobs)
            job = new_service_job(
                submit,
                job_id=self.new_job_id(),
                now_ms=self.clock() if now_ms is None else now_ms,
                region=self.region,
                account=self.account,
                partition=self.partition,
            )
            for member, value in (members or {}).items():
                if value is None:
                    job.pop(member, None)
                else:
                    job[member] = value
            self._check(job)
            if keeps_client_tokens(self.store):
                # H-7, H-19: the store records the token with its job, for every server on the store.
                if not self.store.put_new(job, client_token=token):  # type: ignore[attr-defined]
                    raise reused_client_token(str(token))
            else:
                self.store.put(job)
                if token is not None:
                    self._client_tokens.add(token)
        return job

    def describe(self, identifier: str) -> dict[str, Any]:
        """DescribeServiceJob: the job's describe members (H-5), by id or ARN (H-9)."""
        return describe_response(self.job(identifier))

    def terminate(self, identifier: str, reason: str, *, now_ms: int | None = None) -> None:
        """TerminateServiceJob (H-6): an unfinished job becomes ``FAILED`` with the reason."""
        with self.lock:
            self.terminate_job(self.job(identifier), reason, now_ms=now_ms)

    def terminate_job(
        self, job: Mapping[str, Any], reason: str, *, now_ms: int | None = None
    ) -> dict[str, Any] | None:
        """Terminate a stored job (H-6); the job as stored after, or ``None`` when it had finished."""
        with self.lock:
            failed = terminated_job(job, reason, self.clock() if now_ms is None else now_ms)
            if failed is not None:
                self._check(failed)
                failed = self._replace(job, failed)
            return failed

    def terminate_many(self, terminate: TerminateServiceJobs, *, now_ms: int | None = None) -> dict[str, Any]:
        """TerminateServiceJobs (H-12): TerminateServiceJob for each job, each reported in ``successful``
        or, with a code and a message, in ``errors``."""
        successful: list[str] = []
        errors: list[dict[str, str]] = []
        with self.lock:
            for identifier in terminate.jobs:
                try:
                    if not identifier:
                        raise ClientException("jobs holds an empty service job ID")
                    job = self.find(identifier, "jobs")
                except ClientException as error:
                    # Model, TerminateServiceJobsErrorDetail.code: "ValidationException - A service job
                    # identifier in the request is malformed or isn't valid."
                    code = "ValidationException"
                    errors.append({"job": identifier, "code": code, "message": error.message})
                    continue
                if job is not None:
                    try:
                        self.terminate_job(job, terminate.reason, now_ms=now_ms)
                    except ClientException as error:
                        errors.append({"job": identifier, "code": error.error_type, "message": error.message})
                        continue
                # Model: "Service jobs that can't be found are treated as successfully processed."
                successful.append(identifier)
        return {"successful": successful, "errors": errors}

    def update(self, identifier: str, priority: int) -> dict[str, Any]:
        """UpdateServiceJob (H-11): the job's scheduling priority changes; the answer names the job."""
        with self.lock:
            job = self.job(identifier)
            changes = updated_priority(job, priority)
            self._check({**job, **changes})
            changed = self.store.update(job["jobId"], **changes)
        return update_response(changed)

    def move(
        self,
        identifier: str,
        status: str,
        *,
        now_ms: int | None = None,
        status_reason: str | None = None,
        scheduled_at: int | None = None,
        started_at: int | None = None,
        stopped_at: int | None = None,
    ) -> dict[str, Any]:
        """Move the job an id or ARN names to ``status`` (``moved_job``: consistent timestamps, attempts)
        and return it as DescribeServiceJob describes it; anything invalid changes nothing."""
        timestamps = {"scheduledAt": scheduled_at, "startedAt": started_at, "stoppedAt": stopped_at}
        with self.lock:
            job = self.job(identifier)
            now = self.clock() if now_ms is None else now_ms
            moved = moved_job(job, status, now, status_reason=status_reason, timestamps=timestamps)
            self._check(moved)
            moved = self._replace(job, moved)
        return describe_response(moved)

    def _replace(self, old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
        """Store ``new`` in place of ``old`` (the same ``jobId``) through the store's ``update``: the
        members that differ, and ``None`` for those ``new`` lacks; the job as stored after."""
        changes = {member: value for member, value in new.items() if old.get(member) != value}
        changes.update({member: None for member in old if member not in new})
        return self.store.update(old["jobId"], **changes)

    def _check(self, job: Mapping[str, Any]) -> None:
        """H-16: a job the service keeps passes the record validator and the size limit."""
        check_job(job, self.limits.max_job_bytes)
