"""listjobs_core: how AWS Batch lists jobs, as dependency-free pure functions.

The public surface is this module's ``__all__``: the listing functions (``list_service_jobs``,
``list_jobs``, ``paginate``), the indexed stores (``ServiceJobStore``, ``JobStore``), the errors, the typed
request layer (``parse_request`` into a ``ListQuery``, ``select_page`` into a ``Page``) and the operation
tables. Everything else is private, in modules by concern:

- the core, at the top of the package: ``_request`` (parsing and validation), ``_filters`` (one spec per
  filter name), ``_operations`` (the operation tables), ``_query``, ``_selection``, ``_ordering``,
  ``_first_keys``, ``_listing`` (the one-pass page engine), ``_tokens`` (the ``nextToken`` codec),
  ``_wire`` (summaries), ``_jobs`` (what a well-formed job is), ``_names``, ``_definitions``,
  ``_children``, ``_queues``, ``_arns``, ``_json``, ``_errors``, and ``_decisions`` (every choice the AWS
  sources leave open). The core imports nothing outside itself and the standard library;
- ``store``: the indexed in-memory stores;
- the shells: ``endpoint`` (the reference HTTP endpoint), ``cli``, ``testing``, ``conformance`` (the
  conformance kit) and ``contrib`` (the moto plug-in).

>>> from listjobs_core import list_service_jobs
>>> list_service_jobs([{"jobId": "j", "jobName": "n", "status": "RUNNING"}], {})
{'jobSummaryList': [{'jobId': 'j', 'jobName': 'n', 'status': 'RUNNING'}]}
"""

from ._definitions import matches_job_definition
from ._errors import ClientException, ListingError, ServerException, WireError
from ._filters import FilterName, JobFilter
from ._list_jobs import list_jobs
from ._listing import Page, list_service_jobs, paginate, select_page
from ._model import Cursor, JobStatus, ServiceJob
from ._names import matches_job_name
from ._operations import LIST_JOBS, LIST_SERVICE_JOBS, Operation
from ._query import ListQuery
from ._queues import denote_same_queue
from ._request import parse_request
from .store import JobStore, ServiceJobStore

__version__ = "0.2.0"

__all__ = [
    "LIST_JOBS",
    "LIST_SERVICE_JOBS",
    "ClientException",
    "Cursor",
    "FilterName",
    "JobFilter",
    "JobStatus",
    "JobStore",
    "ListQuery",
    "ListingError",
    "Operation",
    "Page",
    "ServerException",
    "ServiceJob",
    "ServiceJobStore",
    "WireError",
    "__version__",
    "denote_same_queue",
    "list_jobs",
    "list_service_jobs",
    "matches_job_definition",
    "matches_job_name",
    "paginate",
    "parse_request",
    "select_page",
]
