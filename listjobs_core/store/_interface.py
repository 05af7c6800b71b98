"""The one interface of every job store: ``ListingStore``, and what the stores share of it.

Theory of operation: a store holds jobs keyed by ``jobId`` and answers one listing operation (its
``operation``) exactly as the operation's pure function answers over the stored jobs. The in-memory
``JobStore`` and ``ServiceJobStore`` and ``listjobs_core.sql.SqlJobStore`` have the same constructor shape
(``operation=`` by keyword, ``token_key=``, ``completion=``), the same methods and the same return types,
so anything that holds jobs (the reference endpoint, a test, an emulator) takes any of them.

``ListingMethods`` is the part of the interface that follows from ``answer`` and ``operation`` alone, one
home for every store: the operation's own method name (``list_service_jobs`` for ListServiceJobs,
``list_jobs`` for ListJobs), the other name refused with a ``TypeError`` that says what to call instead,
``list_jobs_by_consumable_resource`` refused likewise unless the store answers it (``JobStore`` and
``SqlJobStore`` of ListJobs), and ``paginate``. ``ClientTokenStore`` is what a store adds when it keeps
SubmitServiceJob's client tokens itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Protocol, runtime_checkable

from .._completion import Completion
from .._listing import paginate_with
from .._operations import LIST_JOBS, LIST_SERVICE_JOBS, Operation

__all__ = ["ClientTokenStore", "ListingMethods", "ListingStore", "method_name"]


class ListingStore(Protocol):
    """Jobs keyed by ``jobId``, answering one listing operation.

    ``answer(request)`` returns what the operation's pure function (``list_service_jobs`` or
    ``list_jobs``) returns over the stored jobs, or raises its ``ClientException``, and ``answer_json`` the
    same as ASCII JSON bytes; ``list_service_jobs`` and ``list_jobs`` are ``answer`` under the name of the
    store's operation, the other one raising ``TypeError``; ``list_jobs_by_consumable_resource`` answers
    that operation over a store of ListJobs that indexes consumable resources, else raises ``TypeError``;
    ``paginate`` yields every page of a request.
    ``put`` keeps a copy of a job (replacing the job with its ``jobId``) and refuses a malformed one with
    ``TypeError`` or ``ValueError``; ``put_many`` keeps many at once, all or none, and returns how many jobs
    it was given; ``get`` returns a copy or ``None``; ``update`` changes members of a stored job at once (a
    change to ``None`` removes the member) and returns the job as changed, or raises ``KeyError``;
    ``remove`` forgets a job (nothing happens when there is none). ``in``, ``len`` and iteration see the
    stored jobs. ``operation`` is the listing operation it answers; ``completion``, when set, completes
    every job put into it (rule H-20), and the endpoint sets it on the stores it serves.
    """

    completion: Completion | None

    @property
    def operation(self) -> Operation: ...

    def put(self, job: Mapping[str, Any]) -> None: ...

    def put_many(self, jobs: Iterable[Mapping[str, Any]]) -> int: ...

    def get(self, job_id: str) -> dict[str, Any] | None: ...

    def remove(self, job_id: str) -> None: ...

    def update(self, job_id: str, **changes: Any) -> dict[str, Any]: ...

    def answer(self, request: object) -> dict[str, Any]: ...

    def answer_json(self, request: object) -> bytes: ...

    def list_service_jobs(self, request: object) -> dict[str, Any]: ...

    def list_jobs(self, request: object) -> dict[str, Any]: ...

    def list_jobs_by_consumable_resource(self, request: object) -> dict[str, Any]: ...

    def paginate(self, request: object) -> Iterator[dict[str, Any]]: ...

    def __len__(self) -> int: ...

    def __contains__(self, job_id: object) -> bool: ...

    def __iter__(self) -> Iterator[dict[str, Any]]: ...

    def clear(self) -> None:
        """Forget every job (and any client tokens the store keeps with them): the store is empty and
        answers as a new one would; its operation, token key and ``completion`` stay. A test suite that
        shares one endpoint between tests clears its stores before each test."""
        ...


@runtime_checkable
class ClientTokenStore(Protocol):
    """A store that keeps the client tokens of SubmitServiceJob (H-7) itself, each with its job in one
    transaction (``listjobs_core.sql.SqlJobStore``): tokens then outlive the process and are shared by every
    server on the store. ``put_new`` stores a new job and answers ``False``, storing nothing, when its
    token was recorded before."""

    def put_new(self, job: Mapping[str, Any], *, client_token: str | None = None) -> bool: ...


def method_name(operation: Operation) -> str:
    """The name of the method (and of the pure function) that answers an operation.

    >>> method_name(LIST_SERVICE_JOBS), method_name(LIST_JOBS)
    ('list_service_jobs', 'list_jobs')
    """
    snake = "".join(f"_{letter.lower()}" if letter.isupper() else letter for letter in operation.name)
    return snake.lstrip("_")


class ListingMethods:
    """What a store's interface derives from its ``answer`` and ``operation``: the operation's own method
    name, the other name refused, and ``paginate``.

    >>> from listjobs_core import LIST_JOBS, JobStore
    >>> JobStore(operation=LIST_JOBS).list_service_jobs({})
    Traceback (most recent call last):
    ...
    TypeError: this JobStore answers ListJobs, not ListServiceJobs: call list_jobs (or answer), or hold \
ListServiceJobs jobs in a store made with operation=LIST_SERVICE_JOBS
    """

    __slots__ = ()

    @property
    def operation(self) -> Operation:
        raise NotImplementedError

    def answer(self, request: object) -> dict[str, Any]:
        raise NotImplementedError

    def list_service_jobs(self, request: object) -> dict[str, Any]:
        """Answer a ListServiceJobs request over the stored jobs, as ``list_service_jobs`` does (a store of
        ListServiceJobs; any other raises ``TypeError``). ``ClientException`` for a bad request."""
        self._require_operation(LIST_SERVICE_JOBS)
        return self.answer(request)

    def list_jobs(self, request: object) -> dict[str, Any]:
        """Answer a ListJobs request over the stored jobs, as ``list_jobs`` does (a store made with
        ``operation=LIST_JOBS``; any other raises ``TypeError``). ``ClientException`` for a bad request."""
        self._require_operation(LIST_JOBS)
        return self.answer(request)

    def list_jobs_by_consumable_resource(self, request: object) -> dict[str, Any]:
        """Answer a ListJobsByConsumableResource request over the stored jobs, as
        ``list_jobs_by_consumable_resource`` does: a store of ListJobs that indexes consumable resources
        does (``JobStore``, ``SqlJobStore``); any other raises ``TypeError`` naming the operation."""
        self._require_operation(LIST_JOBS)
        raise TypeError(
            f"this {type(self).__name__} does not answer ListJobsByConsumableResource: hold the jobs in a "
            f"JobStore(LIST_JOBS) to list them by consumable resource"
        )

    def paginate(self, request: object) -> Iterator[dict[str, Any]]:
        """Every page of ``request`` (from its ``nextToken``, if any), first to last, each fetched with the
        previous page's ``nextToken`` (the store may change between pages; rule P-4 holds across them).

        >>> from listjobs_core import ServiceJobStore
        >>> store = ServiceJobStore()
        >>> store.put_many({"jobId": n, "jobName": "n", "status": "RUNNING", "createdAt": 1} for n in "abcde")
        5
        >>> [len(page["jobSummaryList"]) for page in store.paginate({"maxResults": 2})]
        [2, 2, 1]
        """
        return paginate_with(self.answer, request)

    def _require_operation(self, wanted: Operation) -> None:
        # Project decision: a store holds the jobs of one operation; its listing of another would list
        # jobs of the wrong shape (ListServiceJobs never lists Batch jobs, nor ListJobs service jobs).
        held = self.operation
        if held is not wanted:
            raise TypeError(
                f"this {type(self).__name__} answers {held.name}, not {wanted.name}: call "
                f"{method_name(held)} (or answer), or hold {wanted.name} jobs in a store made with "
                f"operation={method_name(wanted).upper()}"
            )

