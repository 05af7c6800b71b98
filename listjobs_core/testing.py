"""Test tooling: the reference endpoint, running in this process for the length of a ``with`` block.

Theory of operation: a test that talks to an emulator over HTTP needs a server that starts on a free port,
is ready before the first request, and stops cleanly whatever the test did. ``serving`` is that, for the
reference endpoint (``python -m listjobs_core serve``, in a thread instead of a process): it yields the
endpoint's URL, which boto3 and the AWS CLI take as ``endpoint_url``.

>>> import json, urllib.request
>>> jobs = [{"jobId": "j-1", "jobName": "train", "status": "RUNNING", "createdAt": 1}]
>>> with serving(jobs) as url:
...     request = urllib.request.Request(url + "/v1/listservicejobs", data=b"{}", method="POST")
...     with urllib.request.urlopen(request) as answer:
...         print(json.load(answer))
{'jobSummaryList': [{'jobId': 'j-1', 'jobName': 'train', 'createdAt': 1, 'status': 'RUNNING'}]}
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from .endpoint._server import make_server
from .endpoint._service import ReferenceService
from .endpoint._service_jobs import DEFAULT_ACCOUNT, DEFAULT_REGION

__all__ = ["serving"]


@contextmanager
def serving(
    jobs: Iterable[Mapping[str, Any]] | None = None,
    *,
    region: str = DEFAULT_REGION,
    account: str = DEFAULT_ACCOUNT,
    token_key: bytes | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
) -> Iterator[str]:
    """Serve ``jobs`` (none when ``None``) on ``host``:``port`` (0: a free port) until the block ends.

    Yields the URL, ``http://HOST:PORT``, once the server accepts connections; stops it and closes its
    socket when the block ends, also on an exception. ``region`` and ``account`` are those of the ARNs the
    endpoint makes; ``token_key`` signs its ``nextToken`` values. The server logs nothing.
    """
    service = ReferenceService(jobs or (), token_key=token_key, region=region, account=account)
    server = make_server(service, host, port, quiet=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
