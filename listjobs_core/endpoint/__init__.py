"""The reference endpoint: AWS Batch's service-job operations, ListJobs, job queues with their scheduling
policies and quota shares, and GetJobQueueSnapshot over HTTP, a shell around the core.

Every rule on a service job is ``listjobs_core.service``'s; this package is HTTP and the endpoint's state. It
holds its jobs in stores of ``listjobs_core.store.ListingStore``'s interface. Modules: ``_service``
(``ReferenceService``: the endpoint's state, each operation mapped to the service), ``_protocol`` (routes,
request bodies and the errors of the HTTP level), ``_head`` (reading a request head), ``_server`` (HTTP/1.1
connections, with deadlines and caps), ``_logs`` (the request log), ``_jobsfile`` (reading jobs files) and
``_demo`` (the built-in demo jobs). Run it with ``python -m listjobs_core serve``, in tests with
``listjobs_core.testing.serving`` or the pytest plugin's fixtures, or embed it:

>>> from listjobs_core import ServiceJobStore
>>> service = ReferenceService(ServiceJobStore(), region="eu-west-1", account="111122223333")
>>> server = make_server(service, "127.0.0.1", 0)  # then server.serve_forever() in a thread
>>> server.server_close()
"""

from ..store import ListingStore
from ._server import ReferenceServer, ServerSettings, make_server, serve
from ._service import Limits, ReferenceService, ServiceAnswer

__all__ = [
    "Limits",
    "ListingStore",
    "ReferenceServer",
    "ReferenceService",
    "ServiceAnswer",
    "ServerSettings",
    "make_server",
    "serve",
]
