"""The reference endpoint served in this process, for the conformance tests over the wire.

The conformance tests build endpoints with single-rule bugs by subclassing the reference service. This is
the one module of theirs that reaches into listjobs_core's private modules (the service and its server);
everything else they import is public.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from listjobs_core.endpoint import ReferenceService as _ReferenceService
from listjobs_core.testing import serving_service

__all__ = ["ReferenceService", "jobs_of", "serving"]


class ReferenceService(_ReferenceService):
    """The reference service holding ``jobs``, answering listings as dicts (not as the JSON bytes the
    store joins), so that a mutant can change what the reference answers."""

    def __init__(self, jobs: Iterable[Mapping[str, Any]] = ()) -> None:
        super().__init__()
        self.load_service_jobs(jobs)

    def list_service_jobs(self, request: object) -> dict[str, Any]:  # type: ignore[override]
        answer = super().list_service_jobs(request)
        return json.loads(answer) if isinstance(answer, bytes) else answer


@contextmanager
def serving(service: _ReferenceService | None = None) -> Iterator[str]:
    """Serve ``service`` (default: a reference service without jobs) on 127.0.0.1, a free port, in a
    thread; yield its URL, and stop it at the end."""
    with serving_service(ReferenceService() if service is None else service) as url:
        yield url


def jobs_of(service: _ReferenceService) -> list[dict[str, Any]]:
    """The jobs a reference service holds now, as wire-shaped dicts."""
    return list(service.store)
