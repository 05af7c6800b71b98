"""Consumable resources as resources: their requests, what they answer, and what a job may require (rules
MS-16 to MS-18).

Theory of operation: a consumable resource is a named quantity jobs require (model,
``CreateConsumableResource``). ``ConsumableResources`` keeps the resources of one account and region, by
name, and answers CreateConsumableResource, DescribeConsumableResource, ListConsumableResources,
UpdateConsumableResource and DeleteConsumableResource. It holds no jobs: how much of a resource is in use
is read, when asked, from the jobs a callable gives (job dicts as the listings take them: ``status``,
``startedAt``, ``consumableResourceProperties``), so whoever keeps the jobs (a store, moto) stays their one
home; or, from a store that answers ListJobsByConsumableResource from its indexes, by ``listed_usage``:
only the jobs that require the resource in a status that counts are read, not every job held. A
resource is named by its name or its ARN, ``arn:<partition>:batch:<region>:<account>:
consumable-resource/<name>``, as ``listjobs_core._consumable`` reads identifiers (CR-2).
``checked_properties`` is the one home of what a job definition's or job's
``consumableResourceProperties`` must be to be accepted: well formed (CR-3) and naming resources that
exist. Nothing here speaks HTTP or imports moto; every violation is a ``ClientException`` naming the
member.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .._arns import CONSUMABLE_RESOURCE, batch_arn
from .._consumable import RequirementMatcher, is_resource_arn, properties_problem, resource_name
from .._errors import ClientException
from .._json import json_kind, show
from ._requests import integer, object_member, request_object, required_string, string, tag_map
from ._resource_tokens import decode_resource_token, encode_resource_token
from ._scheduling import resource_name as new_resource_name

__all__ = [
    "IN_USE_STATUSES",
    "RESOURCE_TYPES",
    "ConsumableResource",
    "ConsumableResources",
    "ListsByResource",
    "listed_usage",
    "resource_usage",
]

# Model, CreateConsumableResourceRequest.resourceType: "Can be one of: REPLENISHABLE (default),
# NON_REPLENISHABLE".
RESOURCE_TYPES = ("REPLENISHABLE", "NON_REPLENISHABLE")
# MS-17, decision: a job holds what it requires while it is dispatched and runs (STARTING, RUNNING).
IN_USE_STATUSES = frozenset({"STARTING", "RUNNING"})
_FINISHED = frozenset({"SUCCEEDED", "FAILED"})
# Model, UpdateConsumableResourceRequest.operation: "Must be one of: SET ... ADD ... REMOVE".
_UPDATE_OPERATIONS = ("SET", "ADD", "REMOVE")
_LONG_MAX = 2**63 - 1
_MAX_RESULTS = 100
_CLIENT_TOKEN_MAX = 64
# Model, ListConsumableResourcesRequest.filters: "name: CONSUMABLE_RESOURCE_NAME".
_NAME_FILTER = "CONSUMABLE_RESOURCE_NAME"
_LIST = "ListConsumableResources"


def resource_usage(jobs: Iterable[Mapping[str, Any]], arn: str) -> tuple[int, int]:
    """How much of the resource of ``arn`` the jobs hold now, and how much finished jobs used up (MS-17).

    In use: the quantities of the jobs in ``STARTING`` or ``RUNNING`` that require it. Used up: the
    quantities of the finished jobs (``SUCCEEDED``, ``FAILED``) that had started (``startedAt``), which a
    ``NON_REPLENISHABLE`` resource does not get back.

    >>> def job(status, quantity, **more):
    ...     return {"status": status, **more, "consumableResourceProperties": {"consumableResourceList": [
    ...         {"consumableResource": "licenses", "quantity": quantity}]}}
    >>> jobs = [job("RUNNING", 2), job("STARTING", 1), job("RUNNABLE", 5), job("SUCCEEDED", 3, startedAt=1),
    ...         job("FAILED", 4)]
    >>> resource_usage(jobs, "arn:aws:batch:us-east-1:123456789012:consumable-resource/licenses")
    (3, 3)
    """
    matcher = RequirementMatcher(arn)
    in_use = used_up = 0
    for job in jobs:
        quantity = matcher.quantity(job)
        if quantity is None:
            continue
        status = job.get("status")
        if status in IN_USE_STATUSES:
            in_use += quantity
        elif status in _FINISHED and job.get("startedAt") is not None:
            used_up += quantity
    return in_use, used_up


# A store's ``list_jobs_by_consumable_resource``: a ListJobsByConsumableResource request to its answer.
ListsByResource = Callable[[dict[str, Any]], Mapping[str, Any]]


def listed_usage(list_page: ListsByResource, arn: str, *, used_up: bool = True) -> tuple[int, int]:
    """``resource_usage`` of every job ``list_page`` lists (MS-17), read from its ListJobsByConsumableResource
    pages of the jobs in each status that counts (CR-1's JOB_STATUS filter), each summary's ``quantity``:
    O(those jobs) rather than O(every job held). ``used_up=False`` skips the finished jobs (the second sum
    is then 0), which only a ``NON_REPLENISHABLE`` resource needs.

    >>> from listjobs_core import list_jobs_by_consumable_resource
    >>> def job(job_id, status, quantity, **more):
    ...     return {"jobArn": f"arn:aws:batch:us-east-1:123456789012:job/{job_id}", "jobId": job_id,
    ...         "jobName": "n", "jobQueue": "q", "createdAt": 1, "status": status, **more,
    ...         "consumableResourceProperties": {"consumableResourceList": [
    ...             {"consumableResource": "licenses", "quantity": quantity}]}}
    >>> jobs = [job("a", "RUNNING", 2), job("b", "STARTING", 1), job("c", "RUNNABLE", 5),
    ...     job("d", "SUCCEEDED", 3, startedAt=1), job("e", "FAILED", 4)]
    >>> listed_usage(lambda request: list_jobs_by_consumable_resource(jobs, request), "licenses")
    (3, 3)
    """
    in_use = finished = 0
    statuses = sorted(IN_USE_STATUSES | (_FINISHED if used_up else frozenset()))
    for status in statuses:
        request: dict[str, Any] = {
            "consumableResource": arn,
            "filters": [{"name": "JOB_STATUS", "values": [status]}],
            "maxResults": _MAX_RESULTS,
        }
        while True:
            answer = list_page(request)
            for summary in answer["jobs"]:
                if status in IN_USE_STATUSES:
                    in_use += summary["quantity"]
                elif summary.get("startedAt") is not None:
                    finished += summary["quantity"]
            token = answer.get("nextToken")
            if token is None:
                break
            request = {**request, "nextToken": token}
    return in_use, finished


@dataclass(frozen=True)
class ConsumableResource:
    """A consumable resource: its name, ARN, total quantity, type, creation time and tags."""

    name: str
    arn: str
    total_quantity: int
    resource_type: str
    created_at: int
    tags: dict[str, str] | None = field(default=None, compare=False)

    def quantities(self, jobs: Iterable[Mapping[str, Any]]) -> tuple[int, int]:
        """``(inUseQuantity, availableQuantity)`` over ``jobs`` (MS-17): available is the total less what
        is in use and, for a ``NON_REPLENISHABLE`` resource, less what finished jobs used up; never below 0.
        """
        return self.available(*resource_usage(jobs, self.arn))

    @property
    def used_up_counts(self) -> bool:
        """Whether what finished jobs used up is gone for good (MS-17: a ``NON_REPLENISHABLE`` resource)."""
        return self.resource_type == "NON_REPLENISHABLE"

    def available(self, in_use: int, used_up: int) -> tuple[int, int]:
        """``(inUseQuantity, availableQuantity)`` from the two sums of ``resource_usage`` (MS-17)."""
        gone = in_use + (used_up if self.used_up_counts else 0)
        return in_use, max(0, self.total_quantity - gone)

    def summary(self, in_use: int) -> dict[str, Any]:
        """The resource as ``ConsumableResourceSummary`` (ListConsumableResources)."""
        return {
            "consumableResourceArn": self.arn,
            "consumableResourceName": self.name,
            "totalQuantity": self.total_quantity,
            "inUseQuantity": in_use,
            "resourceType": self.resource_type,
        }

    def description(self, in_use: int, available: int) -> dict[str, Any]:
        """The resource as ``DescribeConsumableResourceResponse``."""
        described: dict[str, Any] = {
            "consumableResourceName": self.name,
            "consumableResourceArn": self.arn,
            "totalQuantity": self.total_quantity,
            "inUseQuantity": in_use,
            "availableQuantity": available,
            "resourceType": self.resource_type,
            "createdAt": self.created_at,
        }
        if self.tags:
            described["tags"] = dict(self.tags)
        return described


class ConsumableResources:
    """The consumable resources of one account and region, and their operations (MS-16 to MS-18).

    ``jobs`` gives, when called, the jobs whose requirements count (MS-17); or ``lists_by_resource`` gives
    the listing of them by resource (a store's ``list_jobs_by_consumable_resource``), which is read instead
    (``listed_usage``). ``clock`` gives the time in milliseconds (``createdAt``). Thread-safe: every
    operation holds ``lock``.

    >>> resources = ConsumableResources(region="us-east-1", account="123456789012", clock=lambda: 5,
    ...     jobs=lambda: [{"status": "RUNNING", "consumableResourceProperties": {"consumableResourceList": [
    ...         {"consumableResource": "licenses", "quantity": 2}]}}])
    >>> resources.create({"consumableResourceName": "licenses", "totalQuantity": 10})["consumableResourceArn"]
    'arn:aws:batch:us-east-1:123456789012:consumable-resource/licenses'
    >>> described = resources.describe({"consumableResource": "licenses"})
    >>> described["inUseQuantity"], described["availableQuantity"], described["resourceType"]
    (2, 8, 'REPLENISHABLE')
    >>> added = resources.update({"consumableResource": "licenses", "operation": "ADD", "quantity": 5})
    >>> added["totalQuantity"]
    15
    >>> resources.checked_properties({"consumableResourceList": [{"consumableResource": "seats",
    ...     "quantity": 1}]}, "consumableResourceProperties")
    Traceback (most recent call last):
    ...
    listjobs_core._errors.ClientException: consumableResourceProperties.consumableResourceList[0]...
    """

    def __init__(
        self,
        *,
        region: str,
        account: str,
        partition: str = "aws",
        clock: Callable[[], int],
        jobs: Callable[[], Iterable[Mapping[str, Any]]],
        lists_by_resource: Callable[[], ListsByResource | None] = lambda: None,
        token_key: bytes | None = None,
    ) -> None:
        self.region, self.account, self.partition = region, account, partition
        self._clock = clock
        self._jobs = jobs
        self._lists_by_resource = lists_by_resource
        self.token_key = token_key
        self.lock = threading.RLock()
        self._resources: dict[str, ConsumableResource] = {}
        # MS-16: UpdateConsumableResource's clientToken -> (the request's fingerprint, the answer given).
        self._updates: dict[str, tuple[str, dict[str, Any]]] = {}

    def find(self, identifier: str) -> ConsumableResource | None:
        """The resource a name or ARN denotes (CR-2: an ARN must be the resource's own), or ``None``."""
        with self.lock:
            found = self._resources.get(resource_name(identifier))
        if found is None or (is_resource_arn(identifier) and identifier != found.arn):
            return None
        return found

    def _quantities(self, resources: list[ConsumableResource]) -> list[tuple[int, int]]:
        """``(inUseQuantity, availableQuantity)`` of each resource (MS-17): from the listing by resource
        when there is one, else over every job ``jobs`` gives, read once for them all."""
        if not resources:
            return []
        list_page = self._lists_by_resource()
        if list_page is not None:
            return [
                resource.available(*listed_usage(list_page, resource.arn, used_up=resource.used_up_counts))
                for resource in resources
            ]
        jobs = list(self._jobs())
        return [resource.quantities(jobs) for resource in resources]

    def _known(self, request: Mapping[str, Any]) -> ConsumableResource:
        identifier = required_string(request, "consumableResource")
        found = self.find(identifier)
        if found is None:
            raise ClientException(
                f"consumableResource {show(identifier)} does not identify a consumable resource"
            )
        return found

    def create(self, request: object) -> dict[str, Any]:
        """CreateConsumableResource: a resource of a new name (MS-16)."""
        request = request_object(request)
        name = new_resource_name(request, "consumableResourceName")
        total = _quantity(request.get("totalQuantity", None), "totalQuantity", default=0)
        resource_type = request.get("resourceType")
        if resource_type is None:
            resource_type = "REPLENISHABLE"
        elif resource_type not in RESOURCE_TYPES:
            raise ClientException(
                f"resourceType must be one of {', '.join(RESOURCE_TYPES)}; got {show(resource_type)}"
            )
        tags = None if request.get("tags") is None else tag_map(request["tags"])
        arn = batch_arn(CONSUMABLE_RESOURCE, name, self.region, self.account, self.partition)
        with self.lock:
            if name in self._resources:
                raise ClientException(f"Consumable resource {name} already exists")
            self._resources[name] = ConsumableResource(
                name, arn, total, str(resource_type), self._clock(), tags
            )
        return {"consumableResourceName": name, "consumableResourceArn": arn}

    def describe(self, request: object) -> dict[str, Any]:
        """DescribeConsumableResource: the resource with its quantities now (MS-17) and its tags."""
        resource = self._known(request_object(request))
        return resource.description(*self._quantities([resource])[0])

    def update(self, request: object) -> dict[str, Any]:
        """UpdateConsumableResource: ``SET`` (the default), ``ADD`` or ``REMOVE`` ``quantity`` (MS-16); a
        repeated ``clientToken`` with the same request is answered again without a second change."""
        request = request_object(request)
        operation = request.get("operation")
        if operation is None:
            operation = "SET"
        elif operation not in _UPDATE_OPERATIONS:
            raise ClientException(
                f"operation must be one of {', '.join(_UPDATE_OPERATIONS)}; got {show(operation)}"
            )
        if request.get("quantity") is None:
            raise ClientException("quantity is required")
        quantity = _quantity(request["quantity"], "quantity", default=0)
        token = request.get("clientToken")
        if token is not None:
            token = string(token, "clientToken")
            if not 1 <= len(token) <= _CLIENT_TOKEN_MAX:
                raise ClientException(f"clientToken must be 1 to {_CLIENT_TOKEN_MAX} characters")
        with self.lock:
            resource = self._known(request)
            fingerprint = _fingerprint(
                {**request, "consumableResource": resource.arn, "operation": operation}
            )
            if token is not None and token in self._updates:
                earlier, answer = self._updates[token]
                if earlier != fingerprint:
                    raise ClientException(f"clientToken {show(token)} was used with a different request")
                return dict(answer)
            total = {
                "SET": quantity,
                "ADD": resource.total_quantity + quantity,
                "REMOVE": resource.total_quantity - quantity,
            }[str(operation)]
            if not 0 <= total <= _LONG_MAX:
                raise ClientException(
                    f"quantity: {operation} {quantity} would make totalQuantity {total}; it must stay from 0 "
                    f"to {_LONG_MAX}"
                )
            self._resources[resource.name] = replace(resource, total_quantity=total)
            answer = {
                "consumableResourceName": resource.name,
                "consumableResourceArn": resource.arn,
                "totalQuantity": total,
            }
            if token is not None:
                self._updates[token] = (fingerprint, dict(answer))
        return answer

    def delete(self, request: object) -> dict[str, Any]:
        """DeleteConsumableResource: the resource goes; jobs that name it keep their requirements (MS-16)."""
        request = request_object(request)
        with self.lock:
            del self._resources[self._known(request).name]
        return {}

    def list(self, request: object) -> dict[str, Any]:
        """ListConsumableResources: the resources in code-point order of their names, narrowed by a
        ``CONSUMABLE_RESOURCE_NAME`` filter, ``maxResults`` (1 to 100, default 100) at a time, with a
        ``nextToken`` bound to the filter (MS-16)."""
        request = request_object(request)
        patterns = _name_patterns(request.get("filters"))
        value = request.get("maxResults")
        max_results = _MAX_RESULTS if value is None else integer(value, "maxResults", 1, _MAX_RESULTS)
        bound_to = json.dumps(patterns)
        after = None
        if request.get("nextToken") is not None:
            after = decode_resource_token(request["nextToken"], _LIST, bound_to, self.token_key)
        with self.lock:
            chosen = sorted(
                (r for r in self._resources.values() if _matches(r.name, patterns)), key=lambda r: r.name
            )
        if after is not None:
            chosen = [resource for resource in chosen if resource.name > after]
        page = chosen[:max_results]
        answer: dict[str, Any] = {
            "consumableResources": [
                resource.summary(in_use)
                for resource, (in_use, _) in zip(page, self._quantities(page), strict=True)
            ]
        }
        if len(chosen) > max_results:
            answer["nextToken"] = encode_resource_token(_LIST, bound_to, page[-1].name, self.token_key)
        return answer

    def checked_properties(self, value: object, member: str) -> dict[str, Any]:
        """A job definition's or job's ``consumableResourceProperties`` (given as ``member``), checked
        (MS-18): well formed (CR-3), each quantity at least 1, each resource one that exists; returned as
        the model's shape, each entry's ``consumableResource`` as given."""
        problem = properties_problem(value)
        if problem is not None:
            raise ClientException(f"{member} {problem}")
        properties = object_member(value, member)
        entries: list[dict[str, Any]] = []
        for position, entry in enumerate(properties.get("consumableResourceList") or ()):
            where = f"{member}.consumableResourceList[{position}]"
            resource, quantity = entry["consumableResource"], entry["quantity"]
            if quantity < 1:
                raise ClientException(f"{where}.quantity must be at least 1, got {quantity}")
            if self.find(resource) is None:
                raise ClientException(
                    f"{where}.consumableResource {show(resource)} does not identify a consumable resource"
                )
            entries.append({"consumableResource": resource, "quantity": quantity})
        return {"consumableResourceList": entries}


def _quantity(value: object, member: str, *, default: int) -> int:
    """A non-negative Long (model: "Must be non-negative")."""
    if value is None:
        return default
    if type(value) is not int or not 0 <= value <= _LONG_MAX:
        raise ClientException(
            f"{member} must be a non-negative integer (the model's Long), got {show(value)}"
        )
    return value


def _name_patterns(filters: object) -> list[str]:
    """The values of the one ``CONSUMABLE_RESOURCE_NAME`` filter, folded; none without filters."""
    if filters is None:
        return []
    if not isinstance(filters, list):
        raise ClientException(f"filters must be a list, got {json_kind(filters)}")
    if len(filters) > 1:
        # MS-16, decision: the model names one filter; two of it would leave their combination undefined.
        raise ClientException(f"filters must hold at most one filter, got {len(filters)}")
    patterns: list[str] = []
    for filter_ in filters:
        checked = object_member(filter_, "filters[0]")
        name = checked.get("name")
        if name != _NAME_FILTER:
            raise ClientException(f"filters[0].name must be {_NAME_FILTER}; got {show(name)}")
        values = checked.get("values")
        if not isinstance(values, list) or not values:
            raise ClientException("filters[0].values must be a list of at least one name")
        for index, item in enumerate(values):
            text = string(item, f"filters[0].values[{index}]")
            if not text or text == "*":
                raise ClientException(f"filters[0].values[{index}] must name a resource or a prefix of one")
            patterns.append(text.casefold())
    return patterns


def _matches(name: str, patterns: list[str]) -> bool:
    """Model: "case-insensitive matches for the consumable resource name. If a filter value ends with an
    asterisk (*), it matches any consumable resource name that begins with the string before the '*'"."""
    if not patterns:
        return True
    folded = name.casefold()
    return any(
        folded.startswith(pattern[:-1]) if pattern.endswith("*") else folded == pattern
        for pattern in patterns
    )


def _fingerprint(request: Mapping[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(request, sort_keys=True, default=str).encode("utf-8", "surrogatepass")
    ).hexdigest()
