"""What a ListJobsByConsumableResource run makes over the wire, and how it removes it.

Theory of operation: the listing lists Batch jobs by the consumable resources they require, so the run
makes both, through the operations the service model gives (names new for every run):

1. CreateComputeEnvironment (UNMANAGED, with the ``serviceRole`` given: the kit never creates IAM roles)
   and CreateJobQueue on it. An endpoint that refuses these (the reference endpoint serves a jobs file and
   has neither) makes the run read-only, before anything else is made.
2. CreateConsumableResource: two resources, ``<base>-lic`` and ``<base>-seat``.
3. RegisterJobDefinition with ``consumableResourceProperties``: one requiring the first resource by name,
   one requiring it by ARN and the second by name (CR-2), one requiring nothing.
4. SubmitJob: names in several letter cases and prefixes of one another, some overriding their
   definition's requirement (``consumableResourcePropertiesOverride``, the whole list), and filler jobs
   so that the first resource's listing is more than a page of 100 (CR-1). Two jobs are terminated at
   once, so that an endpoint that runs jobs shows more than one status.

What each job was made to require is kept (``ConsumableMade.required``, by jobId), so that the listings
can be held to it (CR-2, CR-5, CR-8) and not only to one another. :func:`remove_consumable_made`
terminates the jobs, deregisters the definitions, deletes the queue and environment (``remove_made``
of the ListJobs run) and then the resources, in a bounded time of its own past the run's deadline.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from .._report import TargetFault
from ._list_jobs_making import (
    CLEAN_UP_SECONDS,
    CONTAINER,
    DESIGNED_NAMES,
    TERMINATED_AT_ONCE,
    TERMINATION_REASON,
    Made,
    answered_member,
    make_queue,
    refused,
    remove_made,
)
from ._rest_client import EndpointClient, EndpointUnreachable

__all__ = ["FILLER_JOBS", "ConsumableMade", "make_consumable_jobs", "remove_consumable_made"]

_PREFIX = "ljcr-conformance"
# Jobs beyond the designed ones, so that the first resource's listing is more than a page of 100 (CR-1).
FILLER_JOBS = 100


@dataclass
class ConsumableMade(Made):
    """What the run made (``Made``'s members), and the consumable resources: their names and ARNs, and
    what each submitted job was made to require, by jobId."""

    resources: list[str] = field(default_factory=list)
    resource_arns: dict[str, str] = field(default_factory=dict)
    required: dict[str, dict[str, Any]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    definition_of: dict[str, str] = field(default_factory=dict)


def _needs(*entries: tuple[str, int]) -> dict[str, Any]:
    return {"consumableResourceList": [{"consumableResource": r, "quantity": q} for r, q in entries]}


def make_consumable_jobs(client: EndpointClient, made: ConsumableMade, *, service_role: str | None) -> bool:
    """Make the run's environment, queue, resources, definitions and jobs (see the module documentation);
    False when the endpoint refused a creation (``made.refusal`` says which)."""
    base = f"{_PREFIX}-{secrets.token_hex(4)}"
    if not make_queue(client, made, base, service_role=service_role):
        return False
    for suffix in ("lic", "seat"):
        name = f"{base}-{suffix}"
        answer = client.call(
            "CreateConsumableResource", {"consumableResourceName": name, "totalQuantity": 1000}
        )
        if answer.status != 200:
            refused(made, "CreateConsumableResource", answer)
            return False
        made.resources.append(name)
        made.resource_arns[name] = answered_member(answer, "consumableResourceArn", name)
    first, second = made.resources
    first_arn = made.resource_arns[first]
    requirements = {
        "one": _needs((first, 1)),
        "two": _needs((first_arn, 2), (second, 1)),
        "none": None,
    }
    definitions: dict[str, str] = {}
    for kind, needs in requirements.items():
        register: dict[str, Any] = {
            "jobDefinitionName": f"{base}-{kind}",
            "type": "container",
            "containerProperties": CONTAINER,
        }
        if needs is not None:
            register["consumableResourceProperties"] = needs
        answer = client.call("RegisterJobDefinition", register)
        if answer.status != 200:
            refused(made, "RegisterJobDefinition", answer)
            return False
        definitions[kind] = answered_member(answer, "jobDefinitionArn", f"{base}-{kind}")
        made.definitions.append(definitions[kind])
    # Overrides replace the definition's whole list: by name, by ARN, and the second resource alone.
    overrides = {
        "CONF-TRAIN": _needs((second, 3)),
        "conf-trainx": _needs((first, 4)),
        "zeta": _needs((first_arn, 1)),
    }
    kinds = ("one", "two", "none")
    jobs = [(name, kinds[number % 3]) for number, name in enumerate(DESIGNED_NAMES)]
    jobs += [(f"conf-bulk-{number:03d}", "one") for number in range(FILLER_JOBS)]
    for name, kind in jobs:
        submit: dict[str, Any] = {"jobName": name, "jobQueue": base, "jobDefinition": definitions[kind]}
        if name in overrides:
            submit["consumableResourcePropertiesOverride"] = overrides[name]
        answer = client.call("SubmitJob", submit)
        job_id = answer.data.get("jobId") if isinstance(answer.data, dict) else None
        if answer.status != 200 or not isinstance(job_id, str) or not job_id:
            refused(made, "SubmitJob", answer)
            return False
        made.submitted.append(job_id)
        made.names[job_id] = name
        made.definition_of[job_id] = definitions[kind]
        needs = overrides.get(name, requirements[kind])
        if needs is not None:
            made.required[job_id] = needs
        if name in TERMINATED_AT_ONCE and _terminate(client, job_id):
            made.terminated.add(job_id)
    return True


def _terminate(client: EndpointClient, job_id: str) -> bool:
    return client.call("TerminateJob", {"jobId": job_id, "reason": TERMINATION_REASON}).status == 200


def remove_consumable_made(client: EndpointClient, made: ConsumableMade, notes: list[str]) -> None:
    """Remove what the run made: ``remove_made`` for the jobs, definitions, queue and environment, then
    the consumable resources, within :data:`CLEAN_UP_SECONDS` past the deadline if need be."""
    remove_made(client, made, notes)
    if not made.resources:
        return
    client.grant(CLEAN_UP_SECONDS)
    left = []
    for name in made.resources:
        try:
            deleted = client.call("DeleteConsumableResource", {"consumableResource": name}).status == 200
        except (TargetFault, EndpointUnreachable):
            deleted = False
        if not deleted:
            left.append(name)
    if left:
        notes.append(f"consumable resources left in place: {', '.join(left)}")
    else:
        notes.append(f"the consumable resources the run made ({', '.join(made.resources)}) were deleted")
