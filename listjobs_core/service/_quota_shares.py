"""Quota shares: validating their requests, their ARNs, and what they answer (rules QS-3 to QS-6).

Theory of operation: a quota share belongs to one job queue whose scheduling policy is a quota-share
policy (model, CreateQuotaShare: "Each quota share operates as a virtual queue with a configured compute
capacity"). Its name is unique in its queue, and its ARN carries both,
``arn:<partition>:batch:<region>:<account>:quota-share/<queue>/<name>`` (QS-4), so an ARN names exactly one
share and a share's queue is read from it. The parsers here check the requests of CreateQuotaShare and
UpdateQuotaShare and return what they set; ``_registry.QueueRegistry`` keeps the shares. Every violation is
a ``ClientException`` naming the member.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .._errors import ClientException
from .._json import json_kind, show
from ._requests import integer, object_member, request_object, required_string, tag_map
from ._scheduling import resource_name

__all__ = [
    "QUOTA_SHARE_ARN",
    "QuotaShare",
    "parse_create_quota_share",
    "parse_quota_share_arn",
    "parse_update_quota_share",
    "quota_share_arn",
    "updated_share",
]

# QS-4, decision: the ARN of a quota share names its queue and itself.
QUOTA_SHARE_ARN = re.compile(
    r"arn:(?P<partition>[^:]+):batch:(?P<region>[^:]*):(?P<account>[^:]*):quota-share/"
    r"(?P<queue>[A-Za-z0-9_-]{1,128})/(?P<name>[A-Za-z0-9_-]{1,128})"
)
# Model enums: QuotaShareState, QuotaShareResourceSharingStrategy, QuotaShareInSharePreemptionState.
_STATES = ("ENABLED", "DISABLED")
_STRATEGIES = ("RESERVE", "LEND", "LEND_AND_BORROW")
_PREEMPTION_STATES = ("ENABLED", "DISABLED")
# Model, borrowLimit: "The default borrowLimit is -1, which indicates unlimited borrowing."
_BORROW_LIMIT_LOW = -1


def quota_share_arn(partition: str, region: str, account: str, queue: str, name: str) -> str:
    """The ARN of quota share ``name`` of job queue ``queue`` (QS-4).

    >>> quota_share_arn("aws", "us-east-1", "123456789012", "training", "team-a")
    'arn:aws:batch:us-east-1:123456789012:quota-share/training/team-a'
    """
    return f"arn:{partition}:batch:{region}:{account}:quota-share/{queue}/{name}"


def parse_quota_share_arn(request: Mapping[str, Any]) -> str:
    """The required ``quotaShareArn`` of a request, which must have the form of QS-4.

    >>> parse_quota_share_arn({"quotaShareArn": "team-a"})
    Traceback (most recent call last):
    ...
    listjobs_core._errors.ClientException: quotaShareArn must be a quota share ARN, ...; got 'team-a'
    """
    arn = required_string(request_object(request), "quotaShareArn")
    if QUOTA_SHARE_ARN.fullmatch(arn) is None:
        raise ClientException(
            "quotaShareArn must be a quota share ARN, "
            f"arn:<partition>:batch:<region>:<account>:quota-share/<queue>/<name>; got {show(arn)}"
        )
    return arn


@dataclass(frozen=True)
class QuotaShare:
    """A quota share: its name, ARN and queue's ARN, and what CreateQuotaShare and UpdateQuotaShare set."""

    name: str
    arn: str
    job_queue_arn: str
    capacity_limits: tuple[dict[str, Any], ...]
    resource_sharing: dict[str, Any]
    preemption: dict[str, Any]
    state: str = "ENABLED"
    tags: dict[str, str] | None = field(default=None, compare=False)
    # The detail's members, made once per share (a share is never changed: an update makes a new one); its
    # nested values are copied by ``detail``, so no answer shares a mutable value with the share.
    _detail: dict[str, Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        detail = {
            "quotaShareName": self.name,
            "quotaShareArn": self.arn,
            "jobQueueArn": self.job_queue_arn,
            "capacityLimits": None,
            "resourceSharingConfiguration": None,
            "preemptionConfiguration": None,
            "state": self.state,
            "status": "VALID",
        }
        object.__setattr__(self, "_detail", detail)

    def detail(self) -> dict[str, Any]:
        """The share as ``QuotaShareDetail`` (ListQuotaShares): status ``VALID``; nothing is provisioned.
        A new dict at each call, nested values included.

        >>> share = QuotaShare("a", "arn-a", "arn-q", ({"maxCapacity": 4, "capacityUnit": "gpu"},),
        ...     {"strategy": "RESERVE"}, {"inSharePreemption": "DISABLED"})
        >>> detail = share.detail()
        >>> detail["capacityLimits"][0]["maxCapacity"] = 0
        >>> share.detail()["capacityLimits"], list(detail)[3]
        ([{'maxCapacity': 4, 'capacityUnit': 'gpu'}], 'capacityLimits')
        """
        detail = self._detail.copy()
        # Members in place, so the detail's order is the model's.
        detail["capacityLimits"] = [limit.copy() for limit in self.capacity_limits]
        detail["resourceSharingConfiguration"] = self.resource_sharing.copy()
        detail["preemptionConfiguration"] = self.preemption.copy()
        return detail

    def description(self) -> dict[str, Any]:
        """The share as ``DescribeQuotaShareResponse``: the detail and the tags."""
        described = self.detail()
        if self.tags:
            described["tags"] = dict(self.tags)
        return described


def parse_create_quota_share(request: object) -> tuple[str, str, dict[str, Any]]:
    """Validate a ``CreateQuotaShareRequest`` (QS-3): the share's name, the job queue as given, and the
    settings (``capacityLimits``, ``resourceSharingConfiguration``, ``preemptionConfiguration``, ``state``,
    ``tags``) as ``QuotaShare`` field values.

    >>> name, queue, settings = parse_create_quota_share({"quotaShareName": "a", "jobQueue": "q",
    ...     "capacityLimits": [{"maxCapacity": 4, "capacityUnit": "ml.m5.large"}],
    ...     "resourceSharingConfiguration": {"strategy": "RESERVE"},
    ...     "preemptionConfiguration": {"inSharePreemption": "DISABLED"}})
    >>> name, queue, settings["state"]
    ('a', 'q', 'ENABLED')
    """
    request = request_object(request)
    name = resource_name(request, "quotaShareName")
    queue = required_string(request, "jobQueue")
    settings: dict[str, Any] = {}
    for member, key, parse in _SETTINGS:
        if request.get(member) is None:
            raise ClientException(f"{member} is required")
        settings[key] = parse(request[member])
    settings["state"] = _state(request.get("state", None) or "ENABLED")
    settings["tags"] = None if request.get("tags") is None else tag_map(request["tags"])
    return name, queue, settings


def parse_update_quota_share(request: object) -> tuple[str, dict[str, Any]]:
    """Validate an ``UpdateQuotaShareRequest`` (QS-3): the share's ARN and the settings it changes.

    >>> parse_update_quota_share({"quotaShareArn": "arn:aws:batch:r:1:quota-share/q/a", "state": "DISABLED"})
    ('arn:aws:batch:r:1:quota-share/q/a', {'state': 'DISABLED'})
    """
    request = request_object(request)
    arn = parse_quota_share_arn(request)
    changes: dict[str, Any] = {}
    for member, key, parse in _SETTINGS:
        if request.get(member) is not None:
            changes[key] = parse(request[member])
    if request.get("state") is not None:
        changes["state"] = _state(request["state"])
    return arn, changes


def _state(value: object) -> str:
    if value not in _STATES:
        raise ClientException(f"state must be one of {', '.join(_STATES)}; got {show(value)}")
    return str(value)


def _capacity_limits(value: object) -> tuple[dict[str, Any], ...]:
    """QS-3: one or more limits, each unit at most once (decision: a second limit for a unit would leave
    its capacity undefined)."""
    if not isinstance(value, list):
        raise ClientException(f"capacityLimits must be a list, got {json_kind(value)}")
    if not value:
        raise ClientException("capacityLimits must hold at least one capacity limit")
    limits: list[dict[str, Any]] = []
    units: set[str] = set()
    for index, item in enumerate(value):
        where = f"capacityLimits[{index}]"
        limit = object_member(item, where)
        if limit.get("maxCapacity") is None:
            raise ClientException(f"{where}.maxCapacity is required")
        capacity = integer(limit["maxCapacity"], f"{where}.maxCapacity", 0)
        unit = required_string(limit, "capacityUnit", named=f"{where}.capacityUnit")
        if unit in units:
            raise ClientException(f"{where}.capacityUnit {show(unit)} is given twice")
        units.add(unit)
        limits.append({"maxCapacity": capacity, "capacityUnit": unit})
    return tuple(limits)


def _resource_sharing(value: object) -> dict[str, Any]:
    member = "resourceSharingConfiguration"
    configuration = object_member(value, member)
    strategy = required_string(configuration, "strategy", named=f"{member}.strategy")
    if strategy not in _STRATEGIES:
        raise ClientException(
            f"{member}.strategy must be one of {', '.join(_STRATEGIES)}; got {show(strategy)}"
        )
    checked: dict[str, Any] = {"strategy": strategy}
    borrow_limit = configuration.get("borrowLimit")
    if borrow_limit is not None:
        if strategy != "LEND_AND_BORROW":
            # Model, borrowLimit: "borrowLimit can only be applied to quota shares with a strategy of
            # LEND_AND_BORROW."
            raise ClientException(
                f"{member}.borrowLimit can only be applied with the strategy LEND_AND_BORROW"
            )
        checked["borrowLimit"] = integer(borrow_limit, f"{member}.borrowLimit", _BORROW_LIMIT_LOW)
    return checked


def _preemption(value: object) -> dict[str, Any]:
    member = "preemptionConfiguration"
    configuration = object_member(value, member)
    state = required_string(configuration, "inSharePreemption", named=f"{member}.inSharePreemption")
    if state not in _PREEMPTION_STATES:
        raise ClientException(
            f"{member}.inSharePreemption must be one of {', '.join(_PREEMPTION_STATES)}; got {show(state)}"
        )
    return {"inSharePreemption": state}


_SETTINGS = (
    ("capacityLimits", "capacity_limits", _capacity_limits),
    ("resourceSharingConfiguration", "resource_sharing", _resource_sharing),
    ("preemptionConfiguration", "preemption", _preemption),
)


def updated_share(share: QuotaShare, changes: Mapping[str, Any]) -> QuotaShare:
    """``share`` with the settings an UpdateQuotaShare changes."""
    return replace(share, **changes)
