"""The listing operations, as tables: what differs between ListServiceJobs, ListJobs and
ListJobsByConsumableResource.

Theory of operation: one engine serves every listing operation; an ``Operation`` is the description that
tells it which statuses and filter names the operation accepts, the status listed when none is given, the
page sizes, and which members a summary carries. Only tables live here; the rules that read them live in
``_request``, ``_selection``, ``_ordering`` and ``_wire``, and what each filter name is lives in its spec
(``_filters``). Every page size the library uses comes from these tables.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import _decisions
from ._arns import JOB, SERVICE_JOB
from ._filters import FilterName
from ._model import JobStatus

__all__ = [
    "ARRAY_JOB_ID",
    "CONSUMABLE_RESOURCE",
    "LIST_JOBS",
    "LIST_JOBS_BY_CONSUMABLE_RESOURCE",
    "LIST_SERVICE_JOBS",
    "MULTI_NODE_JOB_ID",
    "Operation",
]

# The ListJobsRequest members that name a parent job whose children are listed (see ``_children``).
ARRAY_JOB_ID = "arrayJobId"
MULTI_NODE_JOB_ID = "multiNodeJobId"
# The ListJobsByConsumableResourceRequest member that names the resource whose jobs are listed.
CONSUMABLE_RESOURCE = "consumableResource"


@dataclass(frozen=True)
class Operation:
    """The description of one listing operation."""

    name: str
    statuses: tuple[JobStatus, ...]
    filter_names: tuple[FilterName, ...]
    # The status listed when none is given; ``None``: every status.
    default_status: JobStatus | None
    summary_members: tuple[str, ...]
    # The resource type of the ARNs of the jobs it lists (``service-job/<jobId>``, ``job/<jobId>``).
    job_resource: str
    # The page size when maxResults is absent, without and with a filter.
    default_page_size_unfiltered: int
    default_page_size_filtered: int
    # The largest page, without and with a filter.
    max_results_limit_unfiltered: int
    max_results_limit_filtered: int
    # Whether a maxResults above the limit is cut to the limit (True) or rejected (False).
    clamp_max_results: bool = False
    # The request members that name a parent job whose children are listed instead of a queue (see
    # ``_children``). An operation that has any takes exactly one of ``jobQueue`` and them.
    parent_job_members: tuple[str, ...] = ()
    # The request member naming the consumable resource whose jobs are listed in the place of a queue
    # (ListJobsByConsumableResource; see ``_consumable``). ``None``: the operation lists a queue.
    resource_member: str | None = None
    # The response member holding the summaries.
    list_member: str = "jobSummaryList"
    # Whether a request may give several filters, one of each name, every one narrowing the selection (and
    # a status filter combining with the others), instead of one filter at most (V-6, S-3).
    filters_narrow_together: bool = False
    # Whether JOB_NAME groups the results by name and version (O-2) rather than leaving them newest first.
    name_filter_groups: bool = True

    def max_results_limit(self, filtered: bool) -> int:
        """The largest page a request may ask for."""
        return self.max_results_limit_filtered if filtered else self.max_results_limit_unfiltered

    def default_page_size(self, filtered: bool) -> int:
        """The page size of a request without ``maxResults``."""
        return self.default_page_size_filtered if filtered else self.default_page_size_unfiltered


LIST_SERVICE_JOBS = Operation(
    name="ListServiceJobs",
    # Model, ServiceJobStatus: "SUBMITTED | PENDING | RUNNABLE | SCHEDULED | STARTING | RUNNING |
    # SUCCEEDED | FAILED".
    statuses=tuple(JobStatus),
    # Seed: JOB_NAME, BEFORE_CREATED_AT, AFTER_CREATED_AT; the model adds SHARE_IDENTIFIER and
    # QUOTA_SHARE_NAME.
    filter_names=(
        FilterName.JOB_NAME,
        FilterName.BEFORE_CREATED_AT,
        FilterName.AFTER_CREATED_AT,
        FilterName.SHARE_IDENTIFIER,
        FilterName.QUOTA_SHARE_NAME,
    ),
    # Model: "If you don't specify a status, only RUNNING jobs are returned."
    default_status=JobStatus.RUNNING,
    # Model, ServiceJobSummary members (rule W-2).
    summary_members=(
        "jobArn",
        "jobId",
        "jobName",
        "capacityUsage",
        "createdAt",
        "latestAttempt",
        "scheduledAt",
        "serviceJobType",
        "shareIdentifier",
        "quotaShareName",
        "status",
        "statusReason",
        "startedAt",
        "stoppedAt",
        "isTerminated",
    ),
    job_resource=SERVICE_JOB,
    # Seed: "This value can be between 1 and 100. If this parameter isn't used, then ListServiceJobs
    # returns up to 100 results" (rules V-4, P-1).
    default_page_size_unfiltered=100,
    default_page_size_filtered=100,
    max_results_limit_unfiltered=100,
    max_results_limit_filtered=100,
)


LIST_JOBS = Operation(
    name="ListJobs",
    # Model, JobStatus (rule LJ-2): "SUBMITTED | PENDING | RUNNABLE | STARTING | RUNNING | SUCCEEDED |
    # FAILED"; no SCHEDULED.
    statuses=tuple(status for status in JobStatus if status is not JobStatus.SCHEDULED),
    # Model, ListJobsRequest.filters: JOB_NAME, JOB_DEFINITION, BEFORE_CREATED_AT, AFTER_CREATED_AT,
    # SHARE_IDENTIFIER (rule LJ-3).
    filter_names=(
        FilterName.JOB_NAME,
        FilterName.JOB_DEFINITION,
        FilterName.BEFORE_CREATED_AT,
        FilterName.AFTER_CREATED_AT,
        FilterName.SHARE_IDENTIFIER,
    ),
    # Model: "If you don't specify a status, only RUNNING jobs are returned."
    default_status=JobStatus.RUNNING,
    # Model, JobSummary members, in model order (rule LJ-12).
    summary_members=(
        "jobArn",
        "jobId",
        "jobName",
        "capacityUsage",
        "createdAt",
        "scheduledAt",
        "shareIdentifier",
        "status",
        "statusReason",
        "startedAt",
        "stoppedAt",
        "container",
        "arrayProperties",
        "nodeProperties",
        "jobDefinition",
        "isCancelled",
        "isTerminated",
    ),
    job_resource=JOB,
    # Model, ListJobsRequest.maxResults: "When --job-status is used, Batch returns up to 1000 values. When
    # --filters is used, Batch returns up to 100 values. If neither parameter is used, then ListJobs returns
    # up to 1000 results" (rule LJ-4).
    default_page_size_unfiltered=1000,
    default_page_size_filtered=100,
    max_results_limit_unfiltered=1000,
    max_results_limit_filtered=100,
    clamp_max_results=_decisions.LIST_JOBS_CLAMPS_MAX_RESULTS,
    # Model, ListJobs: "You must specify only one of the following items" (rule LJ-5).
    parent_job_members=(ARRAY_JOB_ID, MULTI_NODE_JOB_ID),
)


LIST_JOBS_BY_CONSUMABLE_RESOURCE = Operation(
    name="ListJobsByConsumableResource",
    # Model, ListJobsByConsumableResourceRequest.filters, JOB_STATUS values: "SUBMITTED | PENDING | RUNNABLE
    # | STARTING | RUNNING | SUCCEEDED | FAILED" (rule CR-1).
    statuses=tuple(status for status in JobStatus if status is not JobStatus.SCHEDULED),
    # Model: "The filter names and values can be: name: JOB_STATUS ... name: JOB_NAME" (rule CR-1).
    filter_names=(FilterName.JOB_STATUS, FilterName.JOB_NAME),
    # CR-5, decision: the model names no default status; without a JOB_STATUS filter every status is listed.
    default_status=(
        None
        if _decisions.CONSUMABLE_RESOURCE_DEFAULT_STATUS is None
        else JobStatus(_decisions.CONSUMABLE_RESOURCE_DEFAULT_STATUS)
    ),
    # Model, ListJobsByConsumableResourceSummary members, in model order (rule CR-8).
    summary_members=(
        "jobArn",
        "jobQueueArn",
        "jobName",
        "jobDefinitionArn",
        "shareIdentifier",
        "jobStatus",
        "quantity",
        "statusReason",
        "startedAt",
        "createdAt",
        "consumableResourceProperties",
    ),
    job_resource=JOB,
    # Model, maxResults: "This value can be between 1 and 100. If this parameter isn't used, then
    # ListJobsByConsumableResource returns up to 100 results" (rule CR-1).
    default_page_size_unfiltered=100,
    default_page_size_filtered=100,
    max_results_limit_unfiltered=100,
    max_results_limit_filtered=100,
    resource_member=CONSUMABLE_RESOURCE,
    # Model, ListJobsByConsumableResourceResponse: "jobs".
    list_member="jobs",
    # CR-6, decision: one filter of each name, JOB_STATUS and JOB_NAME together narrowing together.
    filters_narrow_together=_decisions.CONSUMABLE_RESOURCE_FILTERS_NARROW_TOGETHER,
    # CR-7, decision: newest first (O-1) with or without JOB_NAME.
    name_filter_groups=_decisions.CONSUMABLE_RESOURCE_JOB_NAME_GROUPS,
)
