"""Consumable resources and ListJobsByConsumableResource for moto (rules MS-16 to MS-19).

Theory of operation: moto has no consumable resources, and drops the ``consumableResourceProperties`` of
RegisterJobDefinition and the ``consumableResourcePropertiesOverride`` of SubmitJob. The plug-in adds them
through the one home of their rules, ``listjobs_core.service.ConsumableResources``, one per backend (account
and region) kept in the plug-in's ``ServiceState`` so that moto's reset clears it with everything else. The
jobs it counts (MS-17) and the jobs ListJobsByConsumableResource lists are moto's own Batch jobs, each made
into the job dict the core takes (``job_summary``, as ListJobs reads them, LJ-14) plus the
``consumableResourceProperties`` the plug-in recorded for it.

- CreateConsumableResource, DescribeConsumableResource, ListConsumableResources, UpdateConsumableResource,
  DeleteConsumableResource: the registry's (MS-16, MS-17).
- RegisterJobDefinition with ``consumableResourceProperties``: checked (MS-18) before moto registers the
  revision, then recorded by the revision's ARN; DescribeJobDefinitions shows it.
- SubmitJob: the job requires its ``consumableResourcePropertiesOverride`` when given, else its
  definition's; checked (MS-18) before moto makes the job (a resource deleted since the definition was
  registered refuses the job), then recorded by jobId; DescribeJobs shows it.
- ListJobsByConsumableResource: ``list_jobs_by_consumable_resource`` (CR-1 to CR-9) over moto's jobs, for a
  resource that exists (MS-19).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ... import LIST_JOBS_BY_CONSUMABLE_RESOURCE, ClientException, list_jobs_by_consumable_resource
from ..._request import parse_request
from ...service import ConsumableResources
from . import _moto
from ._moto_list_jobs import job_summary
from ._state import ServiceState

__all__ = [
    "described_job_definitions",
    "described_jobs",
    "job_definition_registered",
    "job_submitted",
    "list_jobs_by_consumable_resource_of",
    "registry_operation",
]

_PROPERTIES = "consumableResourceProperties"
_OVERRIDE = "consumableResourcePropertiesOverride"


def batch_jobs(backend: Any, state: ServiceState) -> list[dict[str, Any]]:
    """moto's Batch jobs of the backend as the core's job dicts, with what each requires (MS-19)."""
    with state.lock:
        cancelled, terminated = frozenset(state.cancelled_jobs), frozenset(state.terminated_jobs)
        recorded = dict(state.job_resources)
    jobs = []
    for job in list(backend._jobs.values()):  # moto keeps every Batch job of the backend here
        summary = job_summary(job, cancelled, terminated)
        properties = recorded.get(job.job_id)
        if properties is not None:
            summary[_PROPERTIES] = properties
        jobs.append(summary)
    return jobs


def registry_of(backend: Any, state: ServiceState) -> ConsumableResources:
    """The backend's ``ConsumableResources``, made on first use and kept in the plug-in's state."""
    with state.lock:
        if not isinstance(state.consumable_resources, ConsumableResources):
            state.consumable_resources = ConsumableResources(
                region=backend.region_name,
                account=backend.account_id,
                partition=_moto.partition_of(backend),
                clock=_moto.now_ms,
                jobs=lambda: batch_jobs(backend, state),
            )
        return state.consumable_resources


def registry_operation(name: str) -> Callable[[Any, ServiceState, object], dict[str, Any]]:
    """The plug-in's operation for the registry method ``name`` (``create``, ``describe``, ...)."""

    def run(backend: Any, state: ServiceState, request: object) -> dict[str, Any]:
        answer: dict[str, Any] = getattr(registry_of(backend, state), name)(request)
        return answer

    return run


def list_jobs_by_consumable_resource_of(backend: Any, state: ServiceState, request: object) -> dict[str, Any]:
    """ListJobsByConsumableResource over moto's Batch jobs (MS-19): the request checked as the core checks
    it, then the resource must exist, then the core lists."""
    query = parse_request(LIST_JOBS_BY_CONSUMABLE_RESOURCE, request)
    resource = query.consumable_resource
    assert resource is not None  # required by the operation, so parse_request has refused its absence
    if registry_of(backend, state).find(resource) is None:
        # MS-19, decision: as ListJobs refuses a queue moto lacks, the listing refuses a resource it lacks.
        raise ClientException(f"consumableResource {resource!r} does not identify a consumable resource")
    return list_jobs_by_consumable_resource(batch_jobs(backend, state), request)


def job_definition_registered(
    backend: Any, state: ServiceState, request: dict[str, Any], register: Callable[[], str]
) -> str:
    """RegisterJobDefinition: ``register`` (moto's own method) registers the revision; one with
    ``consumableResourceProperties`` is first checked (MS-18) and then recorded by the revision's ARN."""
    given = request.get(_PROPERTIES)
    checked = None if given is None else registry_of(backend, state).checked_properties(given, _PROPERTIES)
    answer = register()
    if checked is not None:
        with state.lock:
            state.definition_resources[json.loads(answer)["jobDefinitionArn"]] = checked
    return answer


def job_submitted(
    backend: Any, state: ServiceState, request: dict[str, Any], submit: Callable[[], str]
) -> str:
    """SubmitJob: the job's requirements (its override, else its definition's) are checked (MS-18) before
    ``submit`` (moto's own method) makes the job, then recorded by its jobId."""
    properties: dict[str, Any] | None = None
    registry = registry_of(backend, state)
    if request.get(_OVERRIDE) is not None:
        properties = registry.checked_properties(request[_OVERRIDE], _OVERRIDE)
    else:
        identifier = request.get("jobDefinition")
        definition = backend.get_job_definition(identifier) if isinstance(identifier, str) else None
        arn = None if definition is None else definition.arn
        with state.lock:
            recorded = None if arn is None else state.definition_resources.get(arn)
        if recorded is not None:
            properties = registry.checked_properties(recorded, f"jobDefinition {arn}: {_PROPERTIES}")
    answer = submit()
    if properties is not None:
        with state.lock:
            state.job_resources[json.loads(answer)["jobId"]] = properties
    return answer


def described_job_definitions(state: ServiceState, answer: str) -> str:
    """moto's DescribeJobDefinitions answer, each recorded revision with its
    ``consumableResourceProperties``."""
    with state.lock:
        recorded = dict(state.definition_resources)
    return _with_properties(answer, "jobDefinitions", "jobDefinitionArn", recorded)


def described_jobs(state: ServiceState, answer: str) -> str:
    """moto's DescribeJobs answer, each recorded job with its ``consumableResourceProperties``."""
    with state.lock:
        recorded = dict(state.job_resources)
    return _with_properties(answer, "jobs", "jobId", recorded)


def _with_properties(answer: str, member: str, key: str, recorded: dict[str, dict[str, Any]]) -> str:
    if not recorded:
        return answer
    response = json.loads(answer)
    for detail in response.get(member, []):
        properties = recorded.get(detail.get(key))
        if properties is not None:
            detail[_PROPERTIES] = json.loads(json.dumps(properties))
    return json.dumps(response)
