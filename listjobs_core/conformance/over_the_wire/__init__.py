"""Checking over the wire: a running AWS Batch endpoint, reached over HTTP, black-box.

Theory of operation: :func:`check_endpoint` signs REST-JSON requests (``_rest_client``), submits jobs it
designs for the rules (``_plan``, ``_queues_and_jobs``) or, in read-only mode, none, and judges every
listing against the reference over the jobs as DescribeServiceJob shows them, on snapshots that hold
still (``_run``): the wire rules on every call (``_listing_calls``), then validation, designed and
generated listings, tokens and jobs changing between pages (``_cases``, ``_read_only``); ListJobs is
checked over Batch jobs the run makes (``_list_jobs_making``), or read-only over the jobs a queue lists,
in ``_list_jobs_run``; ListJobsByConsumableResource over resources, definitions and jobs the run makes
(``_consumable_making``), or read-only over the resources the endpoint lists, in ``_consumable_run``.
The run itself,
from the safety check to the clean-up, is ``_check_endpoint``. The judging code, the rules and the report
are the ones the in-process check uses, one level up in ``listjobs_core.conformance``, which is where
users import :func:`check_endpoint` from. botocore signs the requests (``pip install ".[conformance]"``
from a clone); it is imported only when a run starts.

Nothing is submitted to an endpoint that is not on this machine unless it is allowed:

>>> try:
...     check_endpoint("http://batch.example.com")
... except RemoteEndpointRefused as refused:
...     print(refused)
http://batch.example.com is not on this machine: the kit submits and terminates jobs only on ...
"""

from ._check_endpoint import DEFAULT_ENDPOINT_EXAMPLES, RemoteEndpointRefused, check_endpoint
from ._rest_client import EndpointUnreachable, MissingDependency

__all__ = [
    "DEFAULT_ENDPOINT_EXAMPLES",
    "EndpointUnreachable",
    "MissingDependency",
    "RemoteEndpointRefused",
    "check_endpoint",
]
