"""Service environments: CreateServiceEnvironment, DescribeServiceEnvironments, UpdateServiceEnvironment and
DeleteServiceEnvironment (rule MS-2).

Theory of operation: a service environment is the capacity a ``SAGEMAKER_TRAINING`` job queue draws on. The
plug-in keeps each as a ``ServiceEnvironment`` record in the backend's state, its tags in moto's tagger
(so moto's TagResource, UntagResource and ListTagsForResource work on its ARN), and checks every request
against the service model (``batch/2016-08-10/service-2.json``): names of 1 to 128 letters, digits,
hyphens and underscores, the type ``SAGEMAKER_TRAINING``, the states ``ENABLED`` and ``DISABLED``, capacity
limits as ``CapacityLimit`` objects. An environment is ``VALID`` at once (nothing is provisioned). As the
model says for DeleteServiceEnvironment, an environment is deleted only when it is ``DISABLED`` and no job
queue uses it.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from typing import Any

from ... import ClientException
from ..._json import json_kind, show
from ...service import integer, object_member, request_object, required_string, string, tag_map
from . import _moto
from ._members import one_of
from ._state import ServiceEnvironment, ServiceState

__all__ = [
    "ENVIRONMENT_TYPES",
    "create_service_environment",
    "delete_service_environment",
    "describe_service_environments",
    "environment_named",
    "update_service_environment",
]

# Model, ServiceEnvironmentType and ServiceEnvironmentState; "The default value is ENABLED."
ENVIRONMENT_TYPES = ("SAGEMAKER_TRAINING",)
STATES = ("ENABLED", "DISABLED")
DEFAULT_STATE = "ENABLED"
# Model, CreateServiceEnvironmentRequest.serviceEnvironmentName: "It can be up to 128 characters long and
# can contain letters, numbers, hyphens (-), and underscores (_)."
_NAME = re.compile(r"[A-Za-z0-9_-]{1,128}")
# DescribeServiceEnvironments.maxResults, as the model bounds DescribeJobQueues': 1 to 100, 100 when absent.
_MAX_RESULTS = (1, 100)
_TOKEN_PREFIX = "se1."


def create_service_environment(backend: Any, state: ServiceState, request: object) -> dict[str, Any]:
    """CreateServiceEnvironment: a new ``VALID`` environment, its name new in the account and region."""
    request = request_object(request)
    name = required_string(request, "serviceEnvironmentName")
    if not _NAME.fullmatch(name):
        raise ClientException(
            "serviceEnvironmentName must be 1 to 128 letters, digits, hyphens and underscores; "
            f"got {show(name)}"
        )
    environment_type = one_of(
        request.get("serviceEnvironmentType"), "serviceEnvironmentType", ENVIRONMENT_TYPES
    )
    environment_state = DEFAULT_STATE
    if request.get("state") is not None:
        environment_state = one_of(request["state"], "state", STATES)
    limits = _capacity_limits(request.get("capacityLimits"), required=True)
    environment_tags = tag_map(request["tags"]) if request.get("tags") is not None else None
    arn = _moto.batch_arn(backend, "service-environment", name)
    with state.lock:
        if arn in state.environments:
            raise ClientException(f"Service environment {name} already exists")
        state.environments[arn] = ServiceEnvironment(
            name, arn, environment_type, environment_state, limits or [], state.next_sequence
        )
        state.next_sequence += 1
    if environment_tags:
        backend.tag_resource(arn, environment_tags)
    return {"serviceEnvironmentName": name, "serviceEnvironmentArn": arn}


def describe_service_environments(backend: Any, state: ServiceState, request: object) -> dict[str, Any]:
    """DescribeServiceEnvironments: the environments named (by name or ARN; unknown ones are left out), or
    all of them, in creation order, ``maxResults`` a page."""
    request = request_object(request)
    wanted: set[str] | None = None
    if request.get("serviceEnvironments") is not None:
        identifiers = request["serviceEnvironments"]
        if not isinstance(identifiers, list):
            raise ClientException(f"serviceEnvironments must be a list, got {json_kind(identifiers)}")
        wanted = {string(identifier, "serviceEnvironments[]") for identifier in identifiers}
    max_results = _MAX_RESULTS[1]
    if request.get("maxResults") is not None:
        max_results = integer(request["maxResults"], "maxResults", *_MAX_RESULTS)
    after = -1
    if request.get("nextToken") is not None:
        after = _decode_token(request["nextToken"])
    with state.lock:
        chosen = [
            environment
            for environment in state.environments.values()
            if environment.sequence > after
            and (wanted is None or environment.name in wanted or environment.arn in wanted)
        ]
    page = chosen[:max_results]
    response: dict[str, Any] = {
        "serviceEnvironments": [
            environment.describe(_moto.tags_of(backend, environment.arn)) for environment in page
        ]
    }
    if len(chosen) > max_results:
        response["nextToken"] = _encode_token(page[-1].sequence)
    return response


def update_service_environment(backend: Any, state: ServiceState, request: object) -> dict[str, Any]:
    """UpdateServiceEnvironment: a new ``state`` and/or ``capacityLimits``."""
    request = request_object(request)
    identifier = required_string(request, "serviceEnvironment")
    new_state = None if request.get("state") is None else one_of(request["state"], "state", STATES)
    limits = _capacity_limits(request.get("capacityLimits"), required=False)
    with state.lock:
        environment = environment_named(backend, state, identifier, "serviceEnvironment")
        if new_state is not None:
            environment.state = new_state
        if limits is not None:
            environment.capacity_limits = limits
        return {"serviceEnvironmentName": environment.name, "serviceEnvironmentArn": environment.arn}


def delete_service_environment(backend: Any, state: ServiceState, request: object) -> dict[str, Any]:
    """DeleteServiceEnvironment: only a ``DISABLED`` environment that no job queue uses."""
    request = request_object(request)
    identifier = required_string(request, "serviceEnvironment")
    with state.lock:
        environment = environment_named(backend, state, identifier, "serviceEnvironment")
        if environment.state != "DISABLED":
            raise ClientException(
                f"Service environment {environment.name} must be DISABLED before it is deleted; it is "
                f"{environment.state}"
            )
        users = sorted(
            record.queue.name
            for record in state.queues.values()
            if record.uses(environment.arn) and record.is_live(backend)
        )
        if users:
            raise ClientException(
                f"Service environment {environment.name} is used by the job queues {', '.join(users)}; "
                "disassociate it with UpdateJobQueue first"
            )
        del state.environments[environment.arn]
    return {}


def environment_named(backend: Any, state: ServiceState, identifier: str, member: str) -> ServiceEnvironment:
    """The environment a name or ARN denotes in this account and region; otherwise a ClientException."""
    environment = state.environments.get(identifier)
    if environment is None:
        environment = next((env for env in state.environments.values() if env.name == identifier), None)
    if environment is None:
        raise ClientException(f"{member} {show(identifier)} does not identify a service environment")
    return environment


def _capacity_limits(value: object, *, required: bool) -> list[dict[str, Any]] | None:
    """Model ``CapacityLimits``: a list of ``{maxCapacity: Integer, capacityUnit: String}``, both optional."""
    if value is None:
        if required:
            raise ClientException("capacityLimits is required")
        return None
    if not isinstance(value, list):
        raise ClientException(f"capacityLimits must be a list, got {json_kind(value)}")
    limits: list[dict[str, Any]] = []
    for index, item in enumerate(value):
        where = f"capacityLimits[{index}]"
        limit: Mapping[str, Any] = object_member(item, where)
        checked: dict[str, Any] = {}
        if limit.get("maxCapacity") is not None:
            checked["maxCapacity"] = integer(limit["maxCapacity"], f"{where}.maxCapacity", 0)
        if limit.get("capacityUnit") is not None:
            checked["capacityUnit"] = string(limit["capacityUnit"], f"{where}.capacityUnit")
        limits.append(checked)
    return limits


def _encode_token(sequence: int) -> str:
    return _TOKEN_PREFIX + base64.urlsafe_b64encode(str(sequence).encode("ascii")).decode("ascii")


def _decode_token(token: object) -> int:
    """The creation sequence a DescribeServiceEnvironments token points after; anything else is refused."""
    refused = ClientException("nextToken is not a token DescribeServiceEnvironments issued")
    if not isinstance(token, str) or not token.startswith(_TOKEN_PREFIX) or len(token) > 64:
        raise refused
    try:
        text = base64.urlsafe_b64decode(token[len(_TOKEN_PREFIX) :].encode("ascii")).decode("ascii")
    except (binascii.Error, UnicodeError, ValueError):
        raise refused from None
    if not text.isdigit() or not text.isascii():
        raise refused
    return int(text)
