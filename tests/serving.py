"""The reference endpoint served in this process, for the conformance tests over the wire.

The conformance tests build endpoints with single-rule bugs by subclassing the reference service. This is
the one module of theirs that reaches into listjobs_core's private modules (the service, the server, and
the jobs a service holds); everything else they import is public.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from listjobs_core._server import make_server
from listjobs_core._service import ReferenceService

__all__ = ["ReferenceService", "jobs_of", "serving"]


@contextmanager
def serving(service: ReferenceService | None = None) -> Iterator[str]:
    """Serve ``service`` (default: a reference service without jobs) on 127.0.0.1, a free port, in a
    thread; yield its URL, and stop it at the end."""
    server = make_server(ReferenceService([]) if service is None else service, "127.0.0.1", 0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def jobs_of(service: ReferenceService) -> list[dict[str, Any]]:
    """The jobs a reference service holds now, as wire-shaped dicts."""
    return [dict(job) for job in service._jobs]
