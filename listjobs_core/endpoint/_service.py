"""The service behind the reference endpoint: the Batch operations it serves, each a dict to a dict.

Theory of operation: this module maps each operation to the service and holds the endpoint's state, and
nothing else. It keeps two stores (``listjobs_core.store.ListingStore``): the service jobs, which
ListServiceJobs lists and the service-job operations change through one ``service.JobService``, and the Batch
jobs of ``--batch-jobs``, which ListJobs lists (rule H-13); and one ``service.QueueRegistry``, the scheduling
policies, job queues and quota shares made through the API (QS-1 to QS-6), which SubmitServiceJob consults
(QS-5) and GetJobQueueSnapshot reads with the stores (SN-7). Every rule on one job (validation, ids and ARNs,
client tokens, status moves, the limits) is ``listjobs_core.service``'s; a store's ``answer`` answers the
listings (indexed, O(log N + page), answering exactly as the pure functions over the same jobs, tokens
included). It never sees bytes or HTTP; ``_server`` decodes a request body to a dict, calls one of the methods
below, and encodes what it returns (or the ``ListingError`` it raises).

The jobs of a jobs file enter a store in one place, ``_load``.

Thread safety: every method may be called from many threads at once; the ``JobService`` serialises every
read-modify-write, so a listing reads each job either before or after a change, never half-changed, and a
traversal never lists a job twice (rule P-4).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeAlias

from .._completion import Completion
from .._errors import ClientException
from .._operations import LIST_JOBS, LIST_JOBS_BY_CONSUMABLE_RESOURCE
from .._queues import is_queue_arn
from ..service import (
    DEFAULT_ACCOUNT,
    DEFAULT_REGION,
    SUBMITTED_STATUS,
    UNSCHEDULED_STATUSES,
    ConsumableResources,
    JobService,
    Limits,
    QueueRegistry,
    check_job,
    loaded_job,
    local_queue,
    new_job_id,
    now_in_milliseconds,
    parse_describe_request,
    parse_submit_request,
    parse_terminate_many_request,
    parse_terminate_request,
    parse_update_request,
    queue_arn,
    submit_response,
)
from ..service._queue_snapshot import queue_snapshot
from ..service._resource_registry import ListsByResource
from ..service._scheduling import parse_snapshot_request
from ..store import JobStore, ListingStore, ServiceJobStore

__all__ = ["Limits", "ReferenceService", "ServiceAnswer"]

# What an operation of ``ReferenceService`` returns: the response as a dict, or already encoded as UTF-8
# JSON (a store's ``answer_json``); ``_server`` sends bytes as they are.
ServiceAnswer: TypeAlias = "dict[str, Any] | bytes"

_DEFAULT_LIMITS = Limits()  # H-16


class ReferenceService:
    """The jobs of one endpoint and the Batch operations on them.

    ``store`` holds the service jobs, ``batch_store`` the jobs ListJobs lists; each defaults to a new
    in-memory store (``ServiceJobStore``, ``JobStore(LIST_JOBS)``) signing its tokens with ``token_key``.
    A store given is used as it is, with its own token key. ``submitted_status`` is the status a submitted
    service job starts in (rule H-22): ``SUBMITTED`` (H-4), or ``PENDING`` or ``RUNNABLE``, where it waits
    for capacity no endpoint here ever has, so that GetJobQueueSnapshot has a front to show.

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
    >>> waiting = ReferenceService(submitted_status="RUNNABLE", clock=lambda: 1000, new_job_id=lambda: "j-2")
    >>> waiting.submit_service_job({"jobName": "train", "jobQueue": "q",
    ...     "serviceJobType": "SAGEMAKER_TRAINING", "serviceRequestPayload": "{}"})["jobId"]
    'j-2'
    >>> [job["jobArn"] for job in waiting.get_job_queue_snapshot({"jobQueue": "q"})["frontOfQueue"]["jobs"]]
    ['arn:aws:batch:us-east-1:123456789012:service-job/j-2']
    """

    def __init__(
        self,
        store: ListingStore | None = None,
        *,
        batch_store: ListingStore | None = None,
        token_key: bytes | None = None,
        clock: Callable[[], int] = now_in_milliseconds,
        new_job_id: Callable[[], str] = new_job_id,
        region: str = DEFAULT_REGION,
        account: str = DEFAULT_ACCOUNT,
        limits: Limits = _DEFAULT_LIMITS,
        submitted_status: str = SUBMITTED_STATUS,
    ) -> None:
        if submitted_status not in UNSCHEDULED_STATUSES:
            raise ValueError(
                f"submitted_status must be one of {', '.join(UNSCHEDULED_STATUSES)}, not {submitted_status!r}"
            )
        # H-22: what a submitted job starts as, besides what H-4 makes of the request.
        self._submitted_members = {"status": submitted_status}
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
        self.region = region
        self.account = account
        self.limits = limits
        # H-16: the job count covers the jobs of both kinds.
        self._jobs = JobService(
            store,
            region=region,
            account=account,
            limits=limits,
            held=self.__len__,
            clock=clock,
            new_job_id=new_job_id,
        )
        # QS-1 to QS-6: the scheduling policies, job queues and quota shares the endpoint holds.
        self._queues = QueueRegistry(region=region, account=account, token_key=token_key)
        # H-21: the consumable resources the endpoint holds; what is in use counts the Batch jobs it serves,
        # read through the Batch store's listing by resource when it has one (a store of ListJobs: only the
        # jobs that require the resource in a status that counts), else over every job.
        self._resources = ConsumableResources(
            region=region,
            account=account,
            clock=clock,
            jobs=lambda: self._batch_store,
            lists_by_resource=self._listing_by_resource,
            token_key=token_key,
        )

    def _listing_by_resource(self) -> ListsByResource | None:
        """The Batch store's ListJobsByConsumableResource, when it answers it (JobStore and SqlJobStore of
        ListJobs, from their indexes)."""
        store = self._batch_store
        return store.list_jobs_by_consumable_resource if store.operation is LIST_JOBS else None

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
        self._load(self._store, jobs)

    def load_batch_jobs(self, jobs: Iterable[Mapping[str, Any]]) -> None:
        """Add the jobs ListJobs lists (JobSummary shape, array children and MNP nodes among them)."""
        self._load(self._batch_store, jobs)

    def _load(self, store: ListingStore, jobs: Iterable[Mapping[str, Any]]) -> None:
        """The one place where jobs files enter a store (rules H-8, H-10, H-16, H-19).

        Each job passes the checks of a submitted one (``check_job``: the job validator and the size
        limit), and together they must leave the endpoint holding at most ``max_jobs``; otherwise
        ``ValueError`` naming the job, before any is stored. A file seeds the store: only its jobs whose
        ``jobId`` the store does not hold yet are put (H-19), so a job held already (from an earlier start
        of ``serve --db``, or submitted, terminated or updated through the API since) stays as it is.
        """
        # H-20: each job checked as the store will hold it, completed by the store's own Completion.
        completion, operation = store.completion, store.operation
        records: list[Any] = [
            loaded_job(job, self.region, self.account) if isinstance(job, Mapping) else job for job in jobs
        ]
        if completion is not None:
            records = [completion.complete(record, operation) for record in records]
        for index, record in enumerate(records):
            try:
                check_job(record, self.limits.max_job_bytes)
            except ClientException as error:
                job_id = record.get("jobId") if isinstance(record, Mapping) else None
                raise ValueError(f"job {job_id!r} (number {index + 1}): {error.message}") from None
        # H-19: "a file seeds a database; it never overwrites what a client was told is done". A job the
        # store holds is left as it is, whatever the file says of it; a job the file repeats is put once
        # (the last one, as put_many keeps it).
        new = [record for record in records if record["jobId"] not in store] if len(store) else records
        total = len(self) + len({record["jobId"] for record in new})
        if total > self.limits.max_jobs:
            limit = self.limits.max_jobs
            raise ValueError(f"{total} jobs are more than the endpoint holds, at most {limit}")
        store.put_many(new)

    # --- listings ------------------------------------------------------------------------------------

    def list_service_jobs(self, request: object) -> ServiceAnswer:
        """ListServiceJobs: the listing core over the service jobs held now (rules H-8, H-10)."""
        return self._store.answer_json(local_queue(request, self.region, self.account))

    def list_jobs(self, request: object) -> ServiceAnswer:
        """ListJobs: the listing core over the jobs of ``--batch-jobs`` (rules H-10, H-13)."""
        return self._batch_store.answer_json(local_queue(request, self.region, self.account))

    def list_jobs_by_consumable_resource(self, request: object) -> ServiceAnswer:
        """ListJobsByConsumableResource: the jobs of ``--batch-jobs`` that require a consumable resource
        (rules CR-1 to CR-9), from the indexes of the Batch jobs' store; a store that does not answer it is a
        ``ClientException`` naming the operation."""
        store = self._batch_store
        if isinstance(store, JobStore):
            return store.answer_json(request, operation=LIST_JOBS_BY_CONSUMABLE_RESOURCE)
        try:
            return store.list_jobs_by_consumable_resource(request)
        except TypeError as refused:
            raise ClientException(f"ListJobsByConsumableResource is not served here: {refused}") from None

    # --- the service-job operations --------------------------------------------------------------------

    def submit_service_job(self, request: object) -> ServiceAnswer:
        """SubmitServiceJob: validate, create a job (rule H-4) in the status H-22 says, answer its ARN, name
        and id. A
        queue the endpoint holds (CreateJobQueue) has its share members checked first (QS-5)."""
        submit = parse_submit_request(request)
        with self._queues.lock:
            self._queues.check_submit(submit)
            return submit_response(self._jobs.submit(submit, members=self._submitted_members))

    def describe_service_job(self, request: object) -> ServiceAnswer:
        """DescribeServiceJob: the job's describe members (rule H-5), by id or ARN (H-9)."""
        return self._jobs.describe(parse_describe_request(request))

    def terminate_service_job(self, request: object) -> ServiceAnswer:
        """TerminateServiceJob: the job becomes FAILED with the reason (rule H-6); the answer is empty."""
        identifier, reason = parse_terminate_request(request)
        self._jobs.terminate(identifier, reason)
        return {}

    def terminate_service_jobs(self, request: object) -> ServiceAnswer:
        """TerminateServiceJobs: TerminateServiceJob for each of up to 50 jobs (rule H-12), each reported
        in ``successful`` or, with a code and a message, in ``errors``."""
        return self._jobs.terminate_many(parse_terminate_many_request(request))

    def update_service_job(self, request: object) -> ServiceAnswer:
        """UpdateServiceJob: the job's scheduling priority changes (rule H-11)."""
        return self._jobs.update(*parse_update_request(request))

    def move_service_job(
        self,
        job_id: str,
        status: str,
        *,
        status_reason: str | None = None,
        scheduled_at: int | None = None,
        started_at: int | None = None,
        stopped_at: int | None = None,
    ) -> dict[str, Any]:
        """Move a service job (by id or ARN) to any status, with the timestamps and members AWS shows
        (``service.JobService.move``); the job as DescribeServiceJob describes it. Not an operation of
        the model: for tests that want RUNNING, SUCCEEDED or FAILED jobs.

        >>> service = ReferenceService(clock=lambda: 1000, new_job_id=lambda: "j-1")
        >>> _ = service.submit_service_job({"jobName": "train", "jobQueue": "q",
        ...     "serviceJobType": "SAGEMAKER_TRAINING", "serviceRequestPayload": "{}"})
        >>> service.move_service_job("j-1", "SUCCEEDED")["stoppedAt"]
        1000
        """
        return self._jobs.move(
            job_id,
            status,
            status_reason=status_reason,
            scheduled_at=scheduled_at,
            started_at=started_at,
            stopped_at=stopped_at,
        )

    # --- job queues, scheduling policies and quota shares (QS-1 to QS-6) ------------------------------

    @property
    def queues(self) -> QueueRegistry:
        """The scheduling policies, job queues and quota shares the endpoint holds."""
        return self._queues

    def create_scheduling_policy(self, request: object) -> ServiceAnswer:
        """CreateSchedulingPolicy: a fair-share or quota-share policy (QS-1)."""
        return self._queues.create_scheduling_policy(request)

    def describe_scheduling_policies(self, request: object) -> ServiceAnswer:
        """DescribeSchedulingPolicies: the policies of the ARNs given (QS-1)."""
        return self._queues.describe_scheduling_policies(request)

    def delete_scheduling_policy(self, request: object) -> ServiceAnswer:
        """DeleteSchedulingPolicy: a policy no queue uses (QS-1)."""
        return self._queues.delete_scheduling_policy(request)

    def create_job_queue(self, request: object) -> ServiceAnswer:
        """CreateJobQueue: a queue the endpoint holds, with or without a scheduling policy (QS-2)."""
        return self._queues.create_job_queue(request)

    def describe_job_queues(self, request: object) -> ServiceAnswer:
        """DescribeJobQueues: the queues held, paginated (QS-2, QS-6)."""
        return self._queues.describe_job_queues(request)

    def delete_job_queue(self, request: object) -> ServiceAnswer:
        """DeleteJobQueue: the queue and its quota shares; its jobs stay (QS-2)."""
        return self._queues.delete_job_queue(request)

    def create_quota_share(self, request: object) -> ServiceAnswer:
        """CreateQuotaShare (QS-3, QS-4)."""
        return self._queues.create_quota_share(request)

    def describe_quota_share(self, request: object) -> ServiceAnswer:
        """DescribeQuotaShare (QS-3)."""
        return self._queues.describe_quota_share(request)

    def update_quota_share(self, request: object) -> ServiceAnswer:
        """UpdateQuotaShare (QS-3)."""
        return self._queues.update_quota_share(request)

    def delete_quota_share(self, request: object) -> ServiceAnswer:
        """DeleteQuotaShare (QS-3)."""
        return self._queues.delete_quota_share(request)

    def list_quota_shares(self, request: object) -> ServiceAnswer:
        """ListQuotaShares: the shares of a queue, paginated (QS-6)."""
        return self._queues.list_quota_shares(request)

    # --- consumable resources (H-21) -------------------------------------------------------------------

    @property
    def consumable_resources(self) -> ConsumableResources:
        """The consumable resources the endpoint holds."""
        return self._resources

    def create_consumable_resource(self, request: object) -> ServiceAnswer:
        """CreateConsumableResource (H-21, as MS-16)."""
        return self._resources.create(request)

    def describe_consumable_resource(self, request: object) -> ServiceAnswer:
        """DescribeConsumableResource: with what the served Batch jobs use (H-21, as MS-17)."""
        return self._resources.describe(request)

    def update_consumable_resource(self, request: object) -> ServiceAnswer:
        """UpdateConsumableResource (H-21, as MS-16)."""
        return self._resources.update(request)

    def delete_consumable_resource(self, request: object) -> ServiceAnswer:
        """DeleteConsumableResource (H-21, as MS-16)."""
        return self._resources.delete(request)

    def list_consumable_resources(self, request: object) -> ServiceAnswer:
        """ListConsumableResources, paginated (H-21, as MS-16)."""
        return self._resources.list(request)

    def get_job_queue_snapshot(self, request: object) -> ServiceAnswer:
        """GetJobQueueSnapshot (SN-1 to SN-7): ``job_queue_snapshot`` over the queue's RUNNABLE jobs and the
        jobs using its capacity, in the order of its scheduling policy (FIFO for a queue not held).

        SN-7: a queue of type ``SAGEMAKER_TRAINING`` holds service jobs, a queue of another type Batch
        jobs; a queue of no known type (not held, or created without one) holds both kinds. Its jobs are
        those its queue listings list (no array child or node, LJ-7): the usage of the jobs in use of every
        store it reads first, then each store's front ranked by that usage (``queue_snapshot``), from the
        usage and the RUNNABLE indexes the stores keep where they have them.
        """
        identifier = parse_snapshot_request(request)
        queue = self._queues.queue(identifier)
        if queue is not None:
            arn = queue.arn
        elif is_queue_arn(identifier):
            arn = identifier
        else:
            arn = queue_arn(identifier, self.region, self.account)
        queue_type = None if queue is None else queue.job_queue_type
        stores = [self._store, self._batch_store]
        if queue_type == "SAGEMAKER_TRAINING":
            stores = [self._store]
        elif queue_type is not None:
            stores = [self._batch_store]
        scheduling = self._queues.scheduling_kind(arn)
        shares = self._queues.quota_share_names(arn)
        return queue_snapshot(stores, arn, scheduling, now_ms=self._jobs.clock(), quota_shares=shares)


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
