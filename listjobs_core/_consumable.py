"""Consumable resources: which resource an identifier denotes, and what a job requires (rules CR-1 to CR-4).

Theory of operation: the model documents both ``ListJobsByConsumableResourceRequest.consumableResource``
and ``ConsumableResourceRequirement.consumableResource`` as "The name or ARN of the consumable resource".
As for queues (``_queues``), an ARN ``arn:<partition>:batch:<region>:<account>:consumable-resource/<name>``
and the bare ``<name>`` denote the same resource, and two ARNs denote the same resource only when they are
equal; anything that is not such an ARN is a name. A job requires a resource when an entry of its
``consumableResourceProperties.consumableResourceList`` denotes it (CR-1), and a job names each resource
(by name) at most once (CR-3), so at most one entry of a job denotes any requested resource, and its
``quantity`` is the job's quantity of it. ``properties_problem`` is the one home of what a well-formed
``consumableResourceProperties`` is; ``_jobs.find_job_problem`` asks it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._arns import CONSUMABLE_RESOURCE, denote_same, name_denoted, parse_batch_arn
from ._json import json_kind

__all__ = [
    "PROPERTIES",
    "RequirementMatcher",
    "denote_same_resource",
    "is_resource_arn",
    "properties_problem",
    "requirements",
    "resource_name",
]

# The job member, and the members of its value, that name what a job requires (model,
# ConsumableResourceProperties and ConsumableResourceRequirement).
PROPERTIES = "consumableResourceProperties"
_LIST = "consumableResourceList"
_RESOURCE = "consumableResource"
_QUANTITY = "quantity"
_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1


def resource_name(identifier: str) -> str:
    """The resource name an identifier denotes: the name itself, or the name inside a resource ARN.

    >>> resource_name("arn:aws:batch:us-east-1:123456789012:consumable-resource/licenses")
    'licenses'
    >>> resource_name("licenses")
    'licenses'
    """
    return name_denoted(identifier, CONSUMABLE_RESOURCE)


def is_resource_arn(identifier: str) -> bool:
    """Whether an identifier is a consumable resource ARN rather than a name."""
    return parse_batch_arn(identifier, CONSUMABLE_RESOURCE) is not None


def denote_same_resource(first: str, second: str) -> bool:
    """Whether two resource identifiers (names or ARNs) denote the same resource (rule CR-2).

    >>> denote_same_resource("arn:aws:batch:us-east-1:1:consumable-resource/r", "r")
    True
    >>> arn = "arn:aws:batch:{}:1:consumable-resource/r"
    >>> denote_same_resource(arn.format("us-east-1"), arn.format("eu-west-1"))
    False
    """
    return denote_same(first, second, CONSUMABLE_RESOURCE)


def requirements(job: Any) -> list[tuple[str, int]]:
    """The ``(consumableResource, quantity)`` entries of a job's ``consumableResourceProperties``; none
    when it has none. A malformed value raises ``TypeError`` or ``KeyError`` (the listing's E-2).

    >>> job = {"consumableResourceProperties": {"consumableResourceList": [
    ...     {"consumableResource": "licenses", "quantity": 2}]}}
    >>> requirements(job), requirements({})
    ([('licenses', 2)], [])
    """
    properties = job.get(PROPERTIES)
    if properties is None:
        return []
    entries = properties.get(_LIST)
    if entries is None:
        return []
    if not isinstance(entries, (list, tuple)):
        raise TypeError(f"{PROPERTIES}.{_LIST} must be an array, got {json_kind(entries)}")
    found: list[tuple[str, int]] = []
    for entry in entries:
        resource, quantity = entry[_RESOURCE], entry[_QUANTITY]
        if not isinstance(resource, str) or type(quantity) is not int:
            raise TypeError(f"an entry of {PROPERTIES}.{_LIST} is malformed")
        found.append((resource, quantity))
    return found


class RequirementMatcher(dict[str, bool]):
    """A memo of which entry identifiers denote the requested resource: one comparison per distinct
    identifier, not per job. ``quantity(job)`` is the job's quantity of the resource, or ``None`` when the
    job does not require it (CR-1; CR-3 makes the entry that denotes it unique).

    >>> matcher = RequirementMatcher("arn:aws:batch:us-east-1:1:consumable-resource/r")
    >>> job = {"consumableResourceProperties": {"consumableResourceList": [
    ...     {"consumableResource": "s", "quantity": 1}, {"consumableResource": "r", "quantity": 4}]}}
    >>> matcher.quantity(job), matcher.quantity({"jobId": "j"})
    (4, None)
    """

    def __init__(self, requested: str) -> None:
        super().__init__()
        self._requested = requested
        self._name = resource_name(requested)

    def __missing__(self, identifier: str) -> bool:
        # A shortcut that only skips parsing: identifiers that denote the same resource end with its name.
        denotes = identifier.endswith(self._name) and denote_same_resource(self._requested, identifier)
        self[identifier] = denotes
        return denotes

    def quantity(self, job: Any) -> int | None:
        """The quantity of the entry of ``job`` that denotes the resource, or ``None``."""
        if job.get(PROPERTIES) is None:
            return None
        for resource, quantity in requirements(job):
            if self[resource]:
                return quantity
        return None


def properties_problem(value: object) -> str | None:
    """What is wrong with a job's ``consumableResourceProperties`` value (rule CR-3), or ``None``.

    Well formed: an object whose ``consumableResourceList``, when present, is an array of objects, each
    with ``consumableResource`` a non-empty string and ``quantity`` an integer (the model's Long), and no
    two entries naming resources of the same name.

    >>> print(properties_problem({"consumableResourceList": [{"consumableResource": "r"}]}))
    must give the quantity of consumableResourceList[0]
    >>> entries = [{"consumableResource": "r", "quantity": 1},
    ...            {"consumableResource": "arn:aws:batch:r:1:consumable-resource/r", "quantity": 2}]
    >>> print(properties_problem({"consumableResourceList": entries}))
    must name each consumable resource once; consumableResourceList[1] names 'r' again
    """
    if not isinstance(value, Mapping):
        return f"must be an object, got {json_kind(value)}"
    entries = value.get(_LIST)
    if entries is None:
        return None
    if not isinstance(entries, (list, tuple)):
        return f"must hold {_LIST} as an array, got {json_kind(entries)}"
    names: set[str] = set()
    for position, entry in enumerate(entries):
        where = f"{_LIST}[{position}]"
        if not isinstance(entry, Mapping):
            return f"must hold objects in {_LIST}, got {json_kind(entry)} at {position}"
        resource, quantity = entry.get(_RESOURCE), entry.get(_QUANTITY)
        if not isinstance(resource, str) or not resource:
            return f"must name a consumableResource (a non-empty string) in {where}"
        if quantity is None:
            return f"must give the quantity of {where}"
        if type(quantity) is not int or not _LONG_MIN <= quantity <= _LONG_MAX:
            return f"must give the quantity of {where} as an integer (the model's Long)"
        name = resource_name(resource)
        # CR-3, decision: a job names each resource once, so one entry at most denotes a requested one.
        if name in names:
            return f"must name each consumable resource once; {where} names {name!r} again"
        names.add(name)
    return None
