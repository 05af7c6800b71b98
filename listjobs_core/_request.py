"""Parsing and validating a listing request (rules IN-4 and V-1 to V-12).

Theory of operation: a request arrives in the wire shape (exactly what a JSON body decodes to) and leaves
as a frozen ``ListQuery``, or as a ``ClientException`` whose message names the member at fault. Nothing is
ever written to the caller's mapping, and nothing but ``ClientException`` escapes: every member is
type-checked before it is used, so no ``KeyError``, ``TypeError``, ``ValueError`` or ``UnicodeError`` can.
The members are checked in a fixed order (jobQueue, for ListJobs arrayJobId and multiNodeJobId, jobStatus,
filters, maxResults, nextToken): the page limit of ListJobs depends on whether a filter is given, and the
token is checked last because it is bound to the rest of the query (rule T-3). ListJobsByConsumableResource
names a consumable resource instead of a queue, and takes one filter of each of its names (rules CR-4, CR-6):
consumableResource, filters, maxResults, nextToken.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from . import _decisions
from ._errors import ClientException
from ._filters import FilterName, FilterValueError, JobFilter
from ._json import json_kind, show
from ._model import JobStatus
from ._operations import Operation
from ._query import ListQuery
from ._tokens import decode_token

__all__ = ["TWO_FILTERS_MESSAGE", "TWO_VALUES_MESSAGE", "parse_request"]

# Observed service messages (the "observed" source of docs/SEMANTICS.md).
TWO_FILTERS_MESSAGE = "Only one filter key-value pair can be specified."
TWO_VALUES_MESSAGE = "Filter cannot take more than one value."


def parse_request(operation: Operation, request: object, *, token_key: bytes | None = None) -> ListQuery:
    """Validate a wire-shaped request and parse it into a ``ListQuery``.

    >>> from listjobs_core import LIST_SERVICE_JOBS
    >>> query = parse_request(LIST_SERVICE_JOBS, {"jobStatus": "FAILED", "maxResults": 5})
    >>> query.job_status, query.max_results
    (<JobStatus.FAILED: 'FAILED'>, 5)
    >>> parse_request(LIST_SERVICE_JOBS, {"maxResults": 0})
    Traceback (most recent call last):
    ...
    listjobs_core._errors.ClientException: maxResults must be an integer from 1 to 100, got 0
    """
    # V-1: "The request is a mapping (a JSON object)."
    if not isinstance(request, Mapping):
        raise ClientException(f"The request must be a JSON object, got {json_kind(request)}")
    if operation.resource_member is not None:
        return _parse_resource_request(operation, request, token_key)
    job_queue = _parse_job_queue(_member(request, "jobQueue"))
    parent_job_member, parent_job_id = _parse_parent_job(operation, request, job_queue)
    job_status = _parse_job_status(operation, _member(request, "jobStatus"))
    job_filter = _parse_filters(operation, _member(request, "filters"))
    if parent_job_id is not None and not _decisions.FILTERS_APPLY_TO_CHILD_JOBS:
        # LJ-8: "The filter doesn't apply to child jobs": validated above, then ignored.
        job_filter = None
    max_results = _parse_max_results(operation, _member(request, "maxResults"), job_filter is not None)
    query = ListQuery(
        operation, job_queue, job_status, max_results, job_filter,
        parent_job_id=parent_job_id, parent_job_member=parent_job_member,
    )
    return _with_token(query, request, token_key)


def _with_token(query: ListQuery, request: Mapping[Any, Any], token_key: bytes | None) -> ListQuery:
    """The query resuming after the cursor of the request's ``nextToken``, if any (V-11, T-3)."""
    next_token = _member(request, "nextToken")
    if next_token is None:
        return query
    if not isinstance(next_token, str):
        raise ClientException(f"nextToken must be a string, got {json_kind(next_token)}")
    return replace(query, after=decode_token(next_token, query, token_key=token_key))


# --- ListJobsByConsumableResource (rules CR-4, CR-6) ------------------------------------------------------


def _parse_resource_request(
    operation: Operation, request: Mapping[Any, Any], token_key: bytes | None
) -> ListQuery:
    """A request naming a consumable resource (``operation.resource_member``), with its filters."""
    assert operation.resource_member is not None
    resource = _parse_resource(operation.resource_member, _member(request, operation.resource_member))
    filters = _parse_narrowing_filters(operation, _member(request, "filters"))
    status_filter = filters.pop(FilterName.JOB_STATUS, None)
    job_status = None if status_filter is None else status_filter.parsed
    job_filter = next(iter(filters.values()), None)
    max_results = _parse_max_results(operation, _member(request, "maxResults"), job_filter is not None)
    query = ListQuery(
        operation, job_status=job_status, max_results=max_results, job_filter=job_filter,
        consumable_resource=resource,
    )
    return _with_token(query, request, token_key)


def _parse_resource(member: str, value: object) -> str:
    # CR-4: "consumableResource" is required (model: "required": ["consumableResource"]), a non-empty string.
    if value is None:
        raise ClientException(f"{member} is required")
    if not isinstance(value, str):
        raise ClientException(f"{member} must be a string, got {json_kind(value)}")
    if not value:
        raise ClientException(f"{member} must not be empty")
    return value


def _parse_narrowing_filters(operation: Operation, value: object) -> dict[FilterName, JobFilter]:
    """The filters of an operation whose filters narrow together, by name.

    CR-6, decision: at most one filter of each name (two of one name could only ask for the jobs of two
    statuses or names at once, which one value per filter, V-8, rules out), each holding one value (V-8);
    their order does not matter.
    """
    if value is None:
        return {}
    if not isinstance(value, list):
        raise ClientException(f"filters must be a list, got {json_kind(value)}")
    parsed: dict[FilterName, JobFilter] = {}
    for position, entry in enumerate(value):
        one = _parse_filter(operation, entry, position)
        if one.name in parsed:
            raise ClientException(
                f"filters[{position}].name {one.name.value} is given twice; give at most one filter of "
                f"each name"
            )
        parsed[one.name] = one
    # At most one JOB_NAME remains beside JOB_STATUS: the operation's other name.
    return parsed


def _member(request: Mapping[Any, Any], name: str, where: str = "") -> object:
    """A request member's value; ``None`` when absent.

    IN-4: "A member whose value is JSON null (Python None) is treated as absent." When that decision is
    turned off, a null member is refused instead, naming it (``where`` locates a nested member).
    """
    value = request.get(name)
    if value is None and not _decisions.NULL_MEMBER_IS_ABSENT and name in request:
        raise ClientException(f"{where}{name} must not be null")
    return value


def _parse_job_queue(value: object) -> str | None:
    # V-2: "jobQueue, when present, is a non-empty string."
    if value is None:
        return None
    if not isinstance(value, str):
        raise ClientException(f"jobQueue must be a string, got {json_kind(value)}")
    if _decisions.REJECT_EMPTY_JOB_QUEUE and not value:
        raise ClientException("jobQueue must not be empty")
    return value


# --- ListJobs: the parent job (rule LJ-5) ---------------------------------------------------------------


def _parse_parent_job(
    operation: Operation, request: Mapping[Any, Any], job_queue: str | None
) -> tuple[str | None, str | None]:
    """The member naming the parent job and its id, or ``(None, None)`` for a queue listing.

    LJ-5, model: "You must specify only one of the following items": ``jobQueue``, ``multiNodeJobId``,
    ``arrayJobId``; each, when present, a non-empty string (as V-2).
    """
    if not operation.parent_job_members:
        return None, None
    given: list[tuple[str, str]] = []
    for member in operation.parent_job_members:
        value = _member(request, member)
        if value is None:
            continue
        if not isinstance(value, str):
            raise ClientException(f"{member} must be a string, got {json_kind(value)}")
        if not value:
            raise ClientException(f"{member} must not be empty")
        given.append((member, value))
    named = (["jobQueue"] if job_queue is not None else []) + [member for member, _ in given]
    if len(named) != 1:
        choices = ", ".join(("jobQueue", *operation.parent_job_members))
        got = " and ".join(named) if named else "none"
        raise ClientException(f"Exactly one of {choices} must be specified; got {got}")
    return given[0] if given else (None, None)


def _parse_job_status(operation: Operation, value: object) -> JobStatus | None:
    # V-3: "one of SUBMITTED PENDING ... case-sensitive; it is validated even when a filter makes it
    # irrelevant."
    if value is None:
        return None
    for status in operation.statuses:
        if value == status.value and isinstance(value, str):
            return status
    allowed = ", ".join(status.value for status in operation.statuses)
    raise ClientException(f"jobStatus must be one of {allowed}; got {show(value)}")


def _parse_max_results(operation: Operation, value: object, filtered: bool) -> int:
    # V-4: "an integer (not a boolean, float or string) from 1 to 100"; P-1: 100 when absent.
    if value is None:
        return operation.default_page_size(filtered)
    limit = operation.max_results_limit(filtered)
    if type(value) is not int or value < 1 or (value > limit and not operation.clamp_max_results):
        # LJ-4: an operation that cuts maxResults to its limit accepts any integer from 1.
        bounds = "of at least 1" if operation.clamp_max_results else f"from 1 to {limit}"
        raise ClientException(f"maxResults must be an integer {bounds}, got {show(value)}")
    return min(value, limit)


def _parse_filters(operation: Operation, value: object) -> JobFilter | None:
    # V-5: "filters, when present, is a list; [] means no filter."
    if value is None:
        return None
    if not isinstance(value, list):
        raise ClientException(f"filters must be a list, got {json_kind(value)}")
    if not value:
        return None
    # V-6: "More than one filter: Only one filter key-value pair can be specified."
    if len(value) > 1:
        raise ClientException(TWO_FILTERS_MESSAGE)
    return _parse_filter(operation, value[0])


def _parse_filter(operation: Operation, value: object, position: int = 0) -> JobFilter:
    # V-7: "A filter is an object whose name is one of ... (case-sensitive)."
    at = f"filters[{position}]"
    if not isinstance(value, Mapping):
        raise ClientException(f"{at} must be an object with name and values, got {json_kind(value)}")
    name = _member(value, "name", f"{at}.")
    if name is None:
        raise ClientException(f"{at}.name is required")
    filter_name = next(
        (known for known in operation.filter_names if isinstance(name, str) and name == known.value), None
    )
    if filter_name is None:
        allowed = ", ".join(known.value for known in operation.filter_names)
        raise ClientException(f"{at}.name must be one of {allowed}; got {show(name)}")
    # V-8: "A filter's values is a list of exactly one string; two or more: Filter cannot take more than
    # one value."
    values = _member(value, "values", f"{at}.")
    if values is None:
        raise ClientException(f"{at}.values is required for {filter_name.value}")
    if not isinstance(values, list):
        raise ClientException(f"{at}.values must be a list of one string, got {json_kind(values)}")
    if len(values) > 1:
        raise ClientException(TWO_VALUES_MESSAGE)
    if not values:
        raise ClientException(f"{at}.values must hold one value for {filter_name.value}, got none")
    filter_value = values[0]
    if not isinstance(filter_value, str):
        raise ClientException(f"{at}.values[0] must be a string, got {json_kind(filter_value)}")
    # V-9, V-10, LJ-10, CR-1: what a valid value is, is the filter spec's business (``_filters``).
    try:
        return JobFilter(filter_name, filter_value)
    except FilterValueError as problem:
        raise ClientException(f"{at}.values[0] {problem}") from None
