"""What every job an endpoint serves carries: the members a listing needs that a job may be put without
(rule H-20).

Theory of operation: the pure functions and a plain store list jobs as they are (W-2: a member absent
from the job is absent from the summary). An endpoint answers as AWS does, and the model requires
``serviceJobType`` in every ``ServiceJobSummary``; every job AWS lists has its ``jobArn``. So a store that
an endpoint serves completes each job put into it, whichever way it arrives (``put``, ``put_many``,
``update``, a jobs file, SubmitServiceJob): a job without ``jobArn`` gets the ARN of its ``jobId`` in the
endpoint's region and account, and a service job without ``serviceJobType`` gets the model's only service
job type. Every other member is left as it is, and a job that has both is returned as it is.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ._arns import batch_arn
from ._model import ServiceJob
from ._operations import Operation

__all__ = ["SERVICE_JOB_TYPE", "Completion"]

# Model, ServiceJobType: "SAGEMAKER_TRAINING" is its only value; ServiceJobSummary requires serviceJobType.
SERVICE_JOB_TYPE = "SAGEMAKER_TRAINING"


@dataclass(frozen=True, slots=True)
class Completion:
    """How a served store completes its jobs: ARNs in ``region`` and ``account`` (rule H-20).

    >>> from listjobs_core import LIST_JOBS, LIST_SERVICE_JOBS
    >>> completion = Completion("eu-west-1", "111122223333")
    >>> completion.complete({"jobId": "j-1", "jobName": "n"}, LIST_SERVICE_JOBS)
    {'jobId': 'j-1', 'jobName': 'n', 'jobArn': 'arn:aws:batch:eu-west-1:111122223333:service-job/j-1', \
'serviceJobType': 'SAGEMAKER_TRAINING'}
    >>> completion.complete({"jobId": "j-2", "jobName": "n"}, LIST_JOBS)["jobArn"]
    'arn:aws:batch:eu-west-1:111122223333:job/j-2'
    """

    region: str
    account: str

    def complete(self, job: Any, operation: Operation) -> Any:
        """``job`` with what it lacks of ``jobArn`` and (service jobs) ``serviceJobType``; the very object
        when it lacks neither, or when it is no job at all (the store's checks then refuse it)."""
        if not isinstance(job, (Mapping, ServiceJob)):
            return job
        missing: dict[str, Any] = {}
        job_id = job.get("jobId")
        if job.get("jobArn") is None and isinstance(job_id, str) and job_id:
            missing["jobArn"] = batch_arn(operation.job_resource, job_id, self.region, self.account)
        if "serviceJobType" in operation.summary_members and job.get("serviceJobType") is None:
            missing["serviceJobType"] = SERVICE_JOB_TYPE
        if not missing:
            return job
        if isinstance(job, ServiceJob):
            return dataclasses.replace(job, **missing)
        return {**job, **missing}
