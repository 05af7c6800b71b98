"""Quota-share scheduling policies, quota shares and GetJobQueueSnapshot for moto (rule MS-15).

Theory of operation: moto keeps job queues and fair-share scheduling policies, and has no quota-share policy,
quota share or snapshot. The plug-in adds them through the one home of their rules,
``listjobs_core.service.QueueRegistry``, seen through moto: ``_moto_queues.MotoQueues`` is a registry whose
queues are moto's (a name or an ARN, as moto looks them up; its type the plug-in's record, MS-3) and whose
policies are moto's, of the kind the plug-in recorded when a policy was made with ``quotaSharePolicy`` (moto
would keep it as a fair-share policy with the defaults). The quota shares live in the registry, one per
backend (account and region), kept in the plug-in's ``ServiceState`` so that moto's reset clears them.

- CreateSchedulingPolicy with ``quotaSharePolicy``: checked as QS-1 says, made by moto, and recorded as a
  quota-share policy; any other request is moto's alone (a fair-share policy made again under the name of
  a quota-share one drops the record). DescribeSchedulingPolicies answers a recorded policy with its
  ``quotaSharePolicy`` in place of moto's ``fairsharePolicy``.
- CreateQuotaShare, DescribeQuotaShare, UpdateQuotaShare, DeleteQuotaShare and ListQuotaShares: the
  registry's (QS-3, QS-4, QS-6); a queue moto deletes takes its quota shares with it.
- SubmitServiceJob: the share members the queue's policy calls for (QS-5's check), so ``quotaShareName`` is
  required on a quota-share queue and must name an enabled share of it.
- GetJobQueueSnapshot: ``queue_snapshot`` over the service jobs of a ``SAGEMAKER_TRAINING`` queue
  (the plug-in's store) or moto's Batch jobs of any other queue, in the order of its policy (SN-1 to SN-6);
  a queue moto does not have is moto's ``Job queue <q> does not exist``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ... import ClientException
from ..._snapshot import job_queue_snapshot
from ...service._queue_snapshot import queue_snapshot
from ...service._scheduling import parse_create_scheduling_policy, parse_snapshot_request
from ._job_operations import Context, catch_up
from ._moto_list_jobs import job_summary
from ._moto_queues import registry_of
from ._state import ServiceState

__all__ = [
    "describe_scheduling_policies",
    "get_job_queue_snapshot",
    "queue_operation",
    "scheduling_policy_created",
]


def queue_operation(name: str) -> Callable[[Any, ServiceState, object], dict[str, Any]]:
    """The plug-in's operation for the registry method ``name`` (``create_quota_share``, ...)."""

    def run(backend: Any, state: ServiceState, request: object) -> dict[str, Any]:
        answer: dict[str, Any] = getattr(registry_of(backend, state), name)(request)
        return answer

    return run


def scheduling_policy_created(
    backend: Any, state: ServiceState, request: object, create: Callable[[], str]
) -> str:
    """CreateSchedulingPolicy: ``create`` (moto's own method) makes the policy; one with
    ``quotaSharePolicy`` is first checked (QS-1) and then recorded as a quota-share policy."""
    quota_share = isinstance(request, dict) and request.get("quotaSharePolicy") is not None
    policy = parse_create_scheduling_policy(request)[2] if quota_share else None
    answer = create()
    arn = json.loads(answer)["arn"]
    with state.lock:
        if policy is None:
            state.quota_policies.pop(arn, None)
        else:
            state.quota_policies[arn] = policy
    return answer


def describe_scheduling_policies(state: ServiceState, answer: str) -> str:
    """moto's DescribeSchedulingPolicies answer, a recorded quota-share policy with its own member."""
    with state.lock:
        recorded = dict(state.quota_policies)
    if not recorded:
        return answer
    response = json.loads(answer)
    for detail in response.get("schedulingPolicies", []):
        policy = recorded.get(detail.get("arn"))
        if policy is not None:
            detail.pop("fairsharePolicy", None)
            detail["quotaSharePolicy"] = dict(policy)
    return json.dumps(response)


def get_job_queue_snapshot(
    backend: Any, state: ServiceState, request: object, context: Context
) -> dict[str, Any]:
    """GetJobQueueSnapshot over a moto queue (SN-1 to SN-6; the jobs as SN-7 reads them)."""
    identifier = parse_snapshot_request(request)
    registry = registry_of(backend, state)
    queue = registry.queue(identifier)
    if queue is None:
        raise ClientException(f"Job queue {identifier} does not exist")
    scheduling = registry.scheduling_kind(queue.arn)
    quota_shares = registry.quota_share_names(queue.arn)
    if queue.job_queue_type == "SAGEMAKER_TRAINING":
        with state.lock:
            catch_up(state, context)  # MS-8: due steps first, as for every operation that reads jobs
            # SN-7: the service jobs' store answers from the usage and the front it keeps.
            return queue_snapshot(
                [state.jobs], queue.arn, scheduling, now_ms=context.now_ms, quota_shares=quota_shares
            )
    moto_queue = backend.get_job_queue(queue.arn)
    with state.lock:
        cancelled, terminated = frozenset(state.cancelled_jobs), frozenset(state.terminated_jobs)
    jobs = [job_summary(job, cancelled, terminated) for job in list(moto_queue.jobs)]
    return job_queue_snapshot(
        jobs, now_ms=context.now_ms, job_queue=queue.arn, scheduling=scheduling, quota_shares=quota_shares
    )
