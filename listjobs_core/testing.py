"""Test tooling: the reference endpoint, running in this process for the length of a ``with`` block.

Theory of operation: a test that talks to an emulator over HTTP needs a server that starts on a free port,
is ready before the first request, and stops cleanly whatever the test did. ``serving`` is that, for the
reference endpoint (``python -m listjobs_core serve``, in a thread instead of a process): it yields the
endpoint's URL, which boto3 and the AWS CLI take as ``endpoint_url``. It serves the jobs it is given, or
a store the test keeps and changes directly; the pytest plugin (``listjobs_core.pytest_plugin``) wraps it
in fixtures.

>>> import json, urllib.request
>>> jobs = [{"jobId": "j-1", "jobName": "train", "status": "RUNNING", "createdAt": 1}]
>>> with serving(jobs) as url:
...     request = urllib.request.Request(url + "/v1/listservicejobs", data=b"{}", method="POST")
...     with urllib.request.urlopen(request) as answer:
...         print(json.load(answer))
{'jobSummaryList': [{'jobArn': 'arn:aws:batch:us-east-1:123456789012:service-job/j-1', 'jobId': 'j-1', \
'jobName': 'train', 'createdAt': 1, 'serviceJobType': 'SAGEMAKER_TRAINING', 'status': 'RUNNING'}]}

With a store, jobs put into it while the endpoint runs are listed at once:

>>> from listjobs_core import ServiceJobStore
>>> store = ServiceJobStore()
>>> with serving(store=store) as url:
...     store.put({"jobId": "j-2", "jobName": "eval", "status": "RUNNING", "createdAt": 2})
...     request = urllib.request.Request(url + "/v1/listservicejobs", data=b"{}", method="POST")
...     with urllib.request.urlopen(request) as answer:
...         print([summary["jobId"] for summary in json.load(answer)["jobSummaryList"]])
['j-2']

``serving_shared`` is the endpoint for a whole test session: it keeps running, and ``reset()`` empties its
stores (and forgets the client tokens it has seen) between tests, at a small fraction of the cost of a new
server (the pytest plugin's ``listjobs_endpoint_session`` is one):

>>> with serving_shared() as endpoint:
...     endpoint.store.put({"jobId": "j-3", "jobName": "eval", "status": "RUNNING", "createdAt": 3})
...     before = len(endpoint.store)
...     endpoint.reset()
...     request = urllib.request.Request(endpoint.url + "/v1/listservicejobs", data=b"{}", method="POST")
...     with urllib.request.urlopen(request) as answer:
...         print(before, json.load(answer))
1 {'jobSummaryList': []}
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from . import LIST_JOBS
from .endpoint._server import ReferenceServer, ServerSettings, make_server
from .endpoint._service import Limits, ReferenceService
from .service import DEFAULT_ACCOUNT, DEFAULT_REGION
from .store import JobStore, ListingStore, ServiceJobStore

__all__ = ["SharedEndpoint", "serving", "serving_service", "serving_shared"]


@contextmanager
def serving(
    jobs: Iterable[Mapping[str, Any]] | None = None,
    *,
    batch_jobs: Iterable[Mapping[str, Any]] | None = None,
    store: ListingStore | None = None,
    batch_store: ListingStore | None = None,
    region: str = DEFAULT_REGION,
    account: str = DEFAULT_ACCOUNT,
    token_key: bytes | None = None,
    limits: Limits | None = None,
    settings: ServerSettings | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
) -> Iterator[str]:
    """Serve jobs on ``host``:``port`` (0: a free port) until the block ends; yields ``http://HOST:PORT``.

    ``jobs`` are service jobs (ListServiceJobs and the service-job operations), ``batch_jobs`` the jobs
    ListJobs lists (``JobSummary`` shape); both are loaded as ``serve --jobs`` and ``--batch-jobs`` load
    theirs (a queue name becomes the endpoint's queue ARN, a missing ``jobArn`` is filled in). ``store``
    and ``batch_store`` are the stores to hold them (new in-memory ones when ``None``); a test may keep
    them and change them while the endpoint runs. ``region`` and ``account`` are those of the ARNs the
    endpoint makes; ``token_key`` signs the ``nextToken`` values of the stores it makes; ``limits`` and
    ``settings`` are those of ``serve --max-jobs``, ``--request-deadline`` and the like.

    The URL is yielded once the server accepts connections; the server stops, its socket and every open
    connection closed, when the block ends, also on an exception. Request logs go to the logger
    ``listjobs_core.endpoint`` (pytest shows them with a failing test).
    """
    service = ReferenceService(
        store,
        batch_store=batch_store,
        token_key=token_key,
        region=region,
        account=account,
        limits=limits or Limits(),
    )
    service.load_service_jobs(jobs or ())
    service.load_batch_jobs(batch_jobs or ())
    with serving_service(service, settings=settings, host=host, port=port) as url:
        yield url


@contextmanager
def serving_service(
    service: ReferenceService,
    *,
    settings: ServerSettings | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
) -> Iterator[str]:
    """Serve a ``ReferenceService`` made by the caller (a subclass, one with its own clock or job ids)
    as ``serving`` serves the one it makes; yields ``http://HOST:PORT``.

    >>> import urllib.request
    >>> from listjobs_core.endpoint import ReferenceService
    >>> with serving_service(ReferenceService(clock=lambda: 7)) as url:
    ...     request = urllib.request.Request(url + "/v1/listservicejobs", data=b"{}", method="POST")
    ...     with urllib.request.urlopen(request) as answer:
    ...         print(answer.read())
    b'{"jobSummaryList":[]}'
    """
    with _running(service, settings, host, port) as server:
        yield server.url


@contextmanager
def _running(
    service: ReferenceService, settings: ServerSettings | None, host: str, port: int
) -> Iterator[ReferenceServer]:
    """The endpoint's server for ``service``, serving in a thread until the block ends."""
    server = make_server(service, host, port, settings or ServerSettings())
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


class SharedEndpoint:
    """A running reference endpoint shared by many tests, and the stores it serves (``serving_shared``).

    ``url`` is its address, ``store`` the service jobs, ``batch_store`` the jobs ListJobs lists, ``region``
    and ``account`` those of its ARNs. ``reset()`` makes it as it was when it started: both stores empty,
    and a new ``service`` (a ``ReferenceService`` over the same stores) that has seen no client token. A
    test that keeps the endpoint for several cases (each example of a Hypothesis test, say) calls
    ``reset()`` at the start of each.
    """

    def __init__(
        self,
        server: ReferenceServer,
        make_service: Callable[[], ReferenceService],
        store: ListingStore,
        batch_store: ListingStore,
    ) -> None:
        self._server = server
        self._make_service = make_service
        self.store = store
        self.batch_store = batch_store
        self.url: str = server.url

    @property
    def service(self) -> ReferenceService:
        """The ``ReferenceService`` answering requests now (``move_service_job`` and the operations)."""
        return self._server.service

    @property
    def region(self) -> str:
        """The region of the endpoint's ARNs."""
        return self.service.region

    @property
    def account(self) -> str:
        """The account of the endpoint's ARNs."""
        return self.service.account

    def reset(self) -> None:
        """Empty both stores and start a service that has seen no client token; O(1) for in-memory stores."""
        self.store.clear()
        self.batch_store.clear()
        self._server.service = self._make_service()

    def __repr__(self) -> str:
        return f"<SharedEndpoint {self.url}>"


@contextmanager
def serving_shared(
    *,
    store: ListingStore | None = None,
    batch_store: ListingStore | None = None,
    region: str = DEFAULT_REGION,
    account: str = DEFAULT_ACCOUNT,
    token_key: bytes | None = None,
    limits: Limits | None = None,
    settings: ServerSettings | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
) -> Iterator[SharedEndpoint]:
    """Serve two stores (new in-memory ones when ``None``) until the block ends, as ``serving`` does, and
    yield a ``SharedEndpoint``: the URL, the stores, and ``reset()`` to empty them between tests.

    One server for a whole test session instead of one per test: a test then costs what its requests
    cost, not a server's start and stop (see the README's figures).
    """
    service_store = store if store is not None else ServiceJobStore(token_key=token_key)
    jobs_store = batch_store if batch_store is not None else JobStore(LIST_JOBS, token_key=token_key)

    def make_service() -> ReferenceService:
        return ReferenceService(
            service_store,
            batch_store=jobs_store,
            token_key=token_key,
            region=region,
            account=account,
            limits=limits or Limits(),
        )

    with _running(make_service(), settings, host, port) as server:
        yield SharedEndpoint(server, make_service, service_store, jobs_store)
