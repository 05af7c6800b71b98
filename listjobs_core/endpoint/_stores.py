"""The one interface through which the reference endpoint holds its jobs.

Theory of operation: ``ReferenceService`` never knows where its jobs live. It asks a ``ListingStore`` to
put, get, update and list them, and to answer one listing operation the way the core's pure function does
(``answer``). The in-memory ``ServiceJobStore`` and ``JobStore`` of ``listjobs_core.store`` satisfy it as
they are; so does any other store with these methods (a SQL store, say), which then plugs into
``ReferenceService(store=...)`` unchanged.

A store answers with the response as a dict (``answer``), or as the JSON bytes the endpoint sends
(``answer_json``: the same response, ASCII JSON with compact separators, which a store may join from JSON it
keeps per job). A service method may hand back either (an ``Answer``): the HTTP layer sends bytes as they
are.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, runtime_checkable

from .._completion import Completion
from .._operations import Operation

__all__ = ["Answer", "ClientTokenStore", "ListingStore"]

# What a service method returns: the response as a dict, or already encoded as UTF-8 JSON.
Answer: TypeAlias = "dict[str, Any] | bytes"


class ListingStore(Protocol):
    """Jobs keyed by ``jobId``, answering one listing operation.

    ``answer(request)`` returns what the operation's pure function (``list_service_jobs`` or
    ``list_jobs``) returns over the stored jobs, or raises its ``ClientException``, and ``answer_json`` the
    same as ASCII JSON bytes; ``put`` keeps a copy of a job (replacing the job with its ``jobId``) and
    refuses a malformed one with ``TypeError`` or ``ValueError``, and ``put_many`` keeps many at once, all
    or none; ``get`` returns a copy or ``None``; ``update`` changes members of a stored job at once (a
    change to ``None`` removes the member) and returns the job as changed, or raises ``KeyError``.
    ``operation`` is the listing operation it answers; ``completion``, when set, completes every job put
    into it (rule H-20), and the endpoint sets it on the stores it serves.
    """

    completion: Completion | None

    @property
    def operation(self) -> Operation: ...

    def put(self, job: Mapping[str, Any]) -> None: ...

    def put_many(self, jobs: Iterable[Mapping[str, Any]]) -> None: ...

    def get(self, job_id: str) -> dict[str, Any] | None: ...

    def remove(self, job_id: str) -> None: ...

    def update(self, job_id: str, **changes: Any) -> dict[str, Any]: ...

    def answer(self, request: object) -> dict[str, Any]: ...

    def answer_json(self, request: object) -> bytes: ...

    def paginate(self, request: object) -> Iterator[dict[str, Any]]: ...

    def __len__(self) -> int: ...

    def __contains__(self, job_id: object) -> bool: ...

    def __iter__(self) -> Iterator[dict[str, Any]]: ...


@runtime_checkable
class ClientTokenStore(Protocol):
    """A store that keeps the client tokens of SubmitServiceJob (H-7) itself, each with its job in one
    transaction (``listjobs_core.sql.SqlJobStore``): tokens then outlive the process and are shared by every
    server on the store. ``put_new`` stores a new job and answers ``False``, storing nothing, when its
    token was recorded before."""

    def put_new(self, job: Mapping[str, Any], *, client_token: str | None = None) -> bool: ...


if TYPE_CHECKING:  # the in-memory stores satisfy the interface (checked by mypy, never run)
    from ..store import JobStore, ServiceJobStore

    _service_jobs: ListingStore = ServiceJobStore()
    _jobs: ListingStore = JobStore()
