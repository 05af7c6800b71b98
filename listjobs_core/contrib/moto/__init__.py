"""moto's AWS Batch with this library's ListJobs and the service-job operations moto lacks (LJ-14, MS-*).

``install()`` changes moto (5.1 up to 6; ``TESTED_MOTO`` names the releases it is tested with), in
decorator mode (``mock_aws``) and in server mode (a ``ThreadedMotoServer`` in this process, or
``python -m listjobs_core.contrib.moto`` in place of ``moto_server``); ``uninstall()`` restores it exactly.
Once installed:

- ListJobs pages, orders, filters and refuses as ``list_jobs`` does (LJ-14);
- the operations of ``SERVICE_JOB_OPERATIONS`` exist: service environments, and service jobs submitted to a
  ``SAGEMAKER_TRAINING`` job queue, described, listed (by ``ServiceJobStore``, so listings and tokens are
  this library's), terminated and updated;
- CreateJobQueue, UpdateJobQueue and DescribeJobQueues know ``jobQueueType`` and ``serviceEnvironmentOrder``;
- the operations of ``QUEUE_OPERATIONS`` exist: quota shares of queues with a quota-share scheduling policy
  (which CreateSchedulingPolicy now makes), and GetJobQueueSnapshot (MS-15);
- the operations of ``CONSUMABLE_OPERATIONS`` exist: consumable resources, which job definitions
  (RegisterJobDefinition) and jobs (SubmitJob) require and DescribeJobDefinitions and DescribeJobs show,
  and ListJobsByConsumableResource over moto's Batch jobs (MS-16 to MS-19).

Nothing in moto runs a SageMaker training job, so a service job stays ``SUBMITTED`` until something moves
it: a transition set in moto's state manager for ``SERVICE_JOB_MODEL`` (``batch::service_job``), or a test,
with ``set_service_job_status`` or moto's ``POST /moto-api/config`` (MS-8, MS-9).

The plug-in is an adapter: every rule on a service job (validation, ids and ARNs, client tokens, status moves
with their timestamps, terminate and update) is ``listjobs_core.service``'s, the same the reference endpoint
follows. The modules, one concern each: ``_install`` (what is replaced in moto, and putting it back),
``_responses`` (the ``BatchResponse`` methods), ``_replies`` (request bodies in, responses and errors out),
``_environments`` (service environments), ``_job_queues`` (what job queues know beyond moto),
``_job_operations`` (the service-job operations over moto's backends), ``_moto_queues`` (the quota-share
registry over moto's queues), ``_moto_quota_shares`` (quota-share policies, quota shares and snapshots),
``_moto_consumable`` (consumable resources and ListJobsByConsumableResource),
``_transitions`` (moto's state manager for service jobs), ``_moves`` (moving jobs from a test), ``_state``
(the records kept per backend), ``_members`` (member checks of the plug-in's own requests),
``_moto_list_jobs`` (ListJobs), ``_moto`` (the moto calls made at run time) and ``_server_command`` (``main``,
the server's command line).
``import listjobs_core.contrib.moto`` imports no moto; moto is imported when a function is called.

>>> "ListServiceJobs" in SERVICE_JOB_OPERATIONS, SERVICE_JOB_MODEL
(True, 'batch::service_job')
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ._install import OLDEST_MOTO, SUPPORTED_MOTO, TESTED_MOTO, install, is_installed, uninstall
from ._moto_list_jobs import job_summary
from ._moves import MOVES_CONFIG_KEY, set_service_job_status
from ._responses import CONSUMABLE_OPERATIONS, QUEUE_OPERATIONS, SERVICE_JOB_OPERATIONS
from ._server_command import main
from ._transitions import SERVICE_JOB_MODEL

__all__ = [
    "CONSUMABLE_OPERATIONS",
    "MOVES_CONFIG_KEY",
    "OLDEST_MOTO",
    "QUEUE_OPERATIONS",
    "SERVICE_JOB_MODEL",
    "SERVICE_JOB_OPERATIONS",
    "SUPPORTED_MOTO",
    "TESTED_MOTO",
    "install",
    "installed",
    "is_installed",
    "job_summary",
    "main",
    "set_service_job_status",
    "uninstall",
]


@contextmanager
def installed() -> Iterator[None]:
    """The plug-in installed for the length of a ``with`` block, or of a function it decorates
    (``@installed()``); uninstalled after it, unless it was installed before the block began.

    Inside moto's ``mock_aws`` (decorator mode), or around a ``ThreadedMotoServer`` (server mode). The
    pytest plugin's ``listjobs_moto`` fixture is ``mock_aws()`` and this, for one test.

    >>> import boto3
    >>> from moto import mock_aws
    >>> with mock_aws(), installed():
    ...     batch = boto3.client("batch", region_name="us-east-1",
    ...                          aws_access_key_id="testing", aws_secret_access_key="testing")
    ...     batch.list_service_jobs()["jobSummaryList"], is_installed()
    ([], True)
    >>> is_installed()
    False
    """
    already = is_installed()
    install()
    try:
        yield
    finally:
        if not already:
            uninstall()
