"""listjobs_core: how AWS Batch lists jobs, as dependency-free pure functions.

The public surface is this module's ``__all__``; the private modules each own one concern:
``_request`` (parsing and validation), ``_names`` (JOB_NAME matching), ``_queues`` (queue names and
ARNs), ``_selection``, ``_ordering``, ``_tokens`` (the ``nextToken`` codec), ``_wire`` (projection to
summaries), ``_listing`` (the one-pass page engine), ``_errors``, and ``_decisions`` (every choice the AWS
sources leave open). ListJobs runs the same engine on another table (``_operations``), with its own rules in
``_definitions`` (JOB_DEFINITION matching) and ``_children`` (array and multi-node parallel children).

>>> from listjobs_core import list_service_jobs
>>> list_service_jobs([{"jobId": "j", "jobName": "n", "status": "RUNNING"}], {})
{'jobSummaryList': [{'jobId': 'j', 'jobName': 'n', 'status': 'RUNNING'}]}
"""

from ._definitions import matches_job_definition
from ._errors import ClientException, ListingError, ServerException, WireError
from ._list_jobs import list_jobs
from ._listing import Page, list_service_jobs, run_listing, select_page
from ._model import Cursor, FilterName, JobFilter, JobLike, JobStatus, ListQuery, ServiceJob, SortKey
from ._names import JobNamePattern, matches_job_name
from ._operations import LIST_JOBS, LIST_SERVICE_JOBS, Operation
from ._ordering import sort_key_function
from ._queues import denote_same_queue, queue_name
from ._request import parse_request
from ._selection import iter_selected, selected_status
from ._store import ServiceJobStore
from ._tokens import decode_token, encode_token, query_fingerprint
from ._wire import to_summary

__all__ = [
    "LIST_JOBS",
    "LIST_SERVICE_JOBS",
    "ClientException",
    "Cursor",
    "FilterName",
    "JobFilter",
    "JobLike",
    "JobNamePattern",
    "JobStatus",
    "ListQuery",
    "ListingError",
    "Operation",
    "Page",
    "ServerException",
    "ServiceJob",
    "ServiceJobStore",
    "SortKey",
    "WireError",
    "decode_token",
    "denote_same_queue",
    "encode_token",
    "iter_selected",
    "list_jobs",
    "list_service_jobs",
    "matches_job_definition",
    "matches_job_name",
    "parse_request",
    "query_fingerprint",
    "queue_name",
    "run_listing",
    "select_page",
    "selected_status",
    "sort_key_function",
    "to_summary",
]
