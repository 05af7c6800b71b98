"""The service-job rules, in one home: SubmitServiceJob, DescribeServiceJob, TerminateServiceJob(s),
UpdateServiceJob and status moves, over any store with the listing-store interface.

The reference endpoint (``listjobs_core.endpoint``) and the moto plug-in (``listjobs_core.contrib.moto``)
both answer these operations by calling this package, so they cannot drift; each keeps only what is its
own (HTTP; moto's backends, queues and state manager). Nothing here speaks HTTP or imports moto.

The modules, one concern each: ``_requests`` (validating the requests, H-4 to H-12), ``_identity`` (ids,
ARNs, regions and accounts, H-9, H-10), ``_limits`` (the limits on the jobs held, H-16), ``_submitted``
(the record of a submitted job, H-4), ``_status`` (status moves with consistent timestamps, terminate and
update semantics), ``_projection`` (the answers, H-5), ``_job_service`` (``JobService``: the operations
over one store) and ``_store_interface`` (where the store interface is imported from). The queues as
resources: ``_scheduling`` (scheduling policies and job queues, QS-1, QS-2), ``_quota_shares`` (quota
shares, QS-3, QS-4), ``_resource_tokens`` (their listings' tokens, QS-6) and ``_registry``
(``QueueRegistry``: their operations, and the share rules of SubmitServiceJob on a queue it holds, QS-5);
``_queue_snapshot`` (the jobs a queue's snapshot reads from a store, SN-7); ``_resource_registry``
(consumable resources and what a job may require of them, MS-16 to MS-18).

Status moves are public for every user: a test that keeps a store can move a job to RUNNING or SUCCEEDED
and see the timestamps AWS would show.

>>> from listjobs_core import ServiceJobStore
>>> store = ServiceJobStore()
>>> jobs = JobService(store, clock=lambda: 1000, new_job_id=lambda: "j-1")
>>> job = jobs.submit(parse_submit_request({"jobName": "train", "jobQueue": "q",
...     "serviceJobType": "SAGEMAKER_TRAINING", "serviceRequestPayload": "{}"}))
>>> running = move_job(store, "j-1", "RUNNING", now_ms=2000)
>>> running["status"], running["createdAt"], running["scheduledAt"], running["startedAt"]
('RUNNING', 1000, 2000, 2000)
>>> done = move_job(store, "j-1", "SUCCEEDED", now_ms=3000)
>>> done["stoppedAt"], done["latestAttempt"]["serviceResourceId"]["name"]
(3000, 'TrainingJobArn')
"""

from ._identity import (
    DEFAULT_ACCOUNT,
    DEFAULT_REGION,
    find_job,
    job_arn,
    job_id_from,
    loaded_job,
    local_queue,
    queue_arn,
    unknown_job,
)
from ._job_service import JobService, new_job_id, now_in_milliseconds, reused_client_token
from ._limits import (
    DEFAULT_MAX_JOB_BYTES,
    DEFAULT_MAX_JOBS,
    Limits,
    check_job,
    job_problem,
    job_size,
    too_many_jobs,
)
from ._projection import DESCRIBE_MEMBERS, describe_response, submit_response, update_response
from ._quota_shares import QuotaShare, quota_share_arn
from ._registry import QueueRegistry
from ._requests import (
    MAX_JOBS_PER_TERMINATE,
    PRIORITY_RANGE,
    SERVICE_JOB_TYPES,
    SubmitServiceJob,
    TerminateServiceJobs,
    integer,
    object_member,
    parse_describe_request,
    parse_submit_request,
    parse_terminate_many_request,
    parse_terminate_request,
    parse_update_request,
    request_object,
    required_string,
    string,
    tag_map,
)
from ._resource_registry import ConsumableResource, ConsumableResources
from ._scheduling import FAIR_SHARE, FIFO, QUOTA_SHARE, JobQueue, SchedulingPolicy
from ._status import (
    AUTOMATIC_PATH,
    FINISHED_STATUSES,
    STATUSES,
    SUBMITTED_STATUS,
    TIMESTAMP_MEMBERS,
    UNSCHEDULED_STATUSES,
    move_job,
    moved_job,
    next_status,
    terminated_job,
    updated_priority,
    with_attempts,
)
from ._submitted import new_service_job

__all__ = [
    "AUTOMATIC_PATH",
    "ConsumableResource",
    "ConsumableResources",
    "FAIR_SHARE",
    "FIFO",
    "QUOTA_SHARE",
    "JobQueue",
    "QueueRegistry",
    "QuotaShare",
    "SchedulingPolicy",
    "quota_share_arn",
    "DEFAULT_ACCOUNT",
    "DEFAULT_MAX_JOBS",
    "DEFAULT_MAX_JOB_BYTES",
    "DEFAULT_REGION",
    "DESCRIBE_MEMBERS",
    "FINISHED_STATUSES",
    "JobService",
    "Limits",
    "MAX_JOBS_PER_TERMINATE",
    "PRIORITY_RANGE",
    "SERVICE_JOB_TYPES",
    "STATUSES",
    "SUBMITTED_STATUS",
    "UNSCHEDULED_STATUSES",
    "SubmitServiceJob",
    "TIMESTAMP_MEMBERS",
    "TerminateServiceJobs",
    "check_job",
    "describe_response",
    "find_job",
    "integer",
    "job_arn",
    "job_id_from",
    "job_problem",
    "job_size",
    "loaded_job",
    "local_queue",
    "move_job",
    "moved_job",
    "new_job_id",
    "new_service_job",
    "next_status",
    "now_in_milliseconds",
    "object_member",
    "parse_describe_request",
    "parse_submit_request",
    "parse_terminate_many_request",
    "parse_terminate_request",
    "parse_update_request",
    "queue_arn",
    "request_object",
    "required_string",
    "reused_client_token",
    "string",
    "submit_response",
    "tag_map",
    "terminated_job",
    "too_many_jobs",
    "unknown_job",
    "update_response",
    "updated_priority",
    "with_attempts",
]
