"""listjobs_core: how AWS Batch lists jobs, as dependency-free pure functions.

The public surface is this module's ``__all__``: the listing functions (``list_service_jobs``,
``list_jobs``, ``list_jobs_by_consumable_resource``, ``paginate``), the indexed stores
(``ServiceJobStore``, ``JobStore``), the errors (a status hint, an error type and a message) and the
operation tables. The public packages are ``service`` (the
service-job rules), ``store``, ``sql``, ``endpoint``, ``testing``, ``conformance`` and ``contrib.moto``.
Everything else is private, in modules by concern:

- the core, at the top of the package: ``_request`` (parsing and validation), ``_filters`` (one spec per
  filter name), ``_operations`` (the operation tables), ``_query``, ``_selection``, ``_ordering``,
  ``_first_keys``, ``_listing`` (the one-pass page engine), ``_consumable`` and ``_consumable_listing``
(ListJobsByConsumableResource), ``_tokens`` (the ``nextToken`` codec),
  ``_wire`` (summaries), ``_jobs`` (what a well-formed job is), ``_names``, ``_definitions``,
  ``_children``, ``_queues``, ``_arns``, ``_json``, ``_errors``, and ``_decisions`` (every choice the AWS
  sources leave open). The core imports nothing outside itself and the standard library;
- ``store``: the indexed in-memory stores;
- ``service``: the service-job rules (SubmitServiceJob, DescribeServiceJob, TerminateServiceJob(s),
  UpdateServiceJob, status moves) over any store;
- the shells: ``endpoint`` (the reference HTTP endpoint), ``cli``, ``testing``, ``conformance`` (the
  conformance kit), ``contrib`` (the moto plug-in), and ``rest_errors`` (errors on the wire, shared by
  the HTTP shells).

>>> from listjobs_core import list_service_jobs
>>> list_service_jobs([{"jobId": "j", "jobName": "n", "status": "RUNNING"}], {})
{'jobSummaryList': [{'jobId': 'j', 'jobName': 'n', 'status': 'RUNNING'}]}
"""

from ._consumable_listing import list_jobs_by_consumable_resource
from ._errors import ClientException, ListingError, ServerException
from ._list_jobs import list_jobs
from ._listing import list_service_jobs, paginate
from ._operations import LIST_JOBS, LIST_JOBS_BY_CONSUMABLE_RESOURCE, LIST_SERVICE_JOBS, Operation
from .store import JobStore, ServiceJobStore

__version__ = "0.2.0"

__all__ = [
    "LIST_JOBS",
    "LIST_JOBS_BY_CONSUMABLE_RESOURCE",
    "LIST_SERVICE_JOBS",
    "ClientException",
    "JobStore",
    "ListingError",
    "Operation",
    "ServerException",
    "ServiceJobStore",
    "__version__",
    "list_jobs",
    "list_jobs_by_consumable_resource",
    "list_service_jobs",
    "paginate",
]
