"""The ``BatchResponse`` methods the plug-in gives moto: thin shells from moto's request to an operation.

Theory of operation: moto calls the ``BatchResponse`` method named after the request's operation: after the
path's action in lower case on moto up to 5.2.5 (``POST /v1/submitservicejob`` calls ``submitservicejob``),
after the service model's operation name in snake case from 5.2.6 on (``submit_service_job``). The tables
here are keyed by the model's operation names; ``_install`` names each method as the installed moto's
dispatcher looks it up. Each method the plug-in adds reads the body
(``_replies.request_of``), finds the account and region's backend and the plug-in's state for it, runs the
operation, and answers with ``_replies``'s success or error response, with a fresh request id. The methods
that extend moto's own operations (``EXTENDING_METHODS``) look at the request first and hand every request
that is not the plug-in's business to moto's own method unchanged.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from ... import ListingError
from . import (
    _environments,
    _job_operations,
    _job_queues,
    _moto,
    _moto_consumable,
    _moto_queues,
    _moto_quota_shares,
)
from ._replies import MotoReply, error_response, request_of, success_response
from ._state import ServiceState, state_of
from ._transitions import parse_transition

__all__ = [
    "ADDED_METHODS",
    "CONSUMABLE_OPERATIONS",
    "EXTENDING_METHODS",
    "QUEUE_OPERATIONS",
    "SERVICE_JOB_OPERATIONS",
    "context_now",
]

Operation = Callable[[Any, ServiceState, object], dict[str, Any]]


def context_now() -> _job_operations.Context:
    """The ``Context`` of an operation starting now."""
    return _job_operations.Context(_moto.now_ms(), parse_transition(_moto.transition_config()))


def _with_context(
    operation: Callable[[Any, ServiceState, object, _job_operations.Context], dict[str, Any]],
) -> Operation:
    def run(backend: Any, state: ServiceState, request: object) -> dict[str, Any]:
        return operation(backend, state, request, context_now())

    return run


# MS-1: the operations the plug-in adds, by their model names, in the model's order of concern.
_OPERATIONS: dict[str, Operation] = {
    "CreateServiceEnvironment": _environments.create_service_environment,
    "DescribeServiceEnvironments": _environments.describe_service_environments,
    "UpdateServiceEnvironment": _environments.update_service_environment,
    "DeleteServiceEnvironment": _environments.delete_service_environment,
    "SubmitServiceJob": _with_context(_job_operations.submit_service_job),
    "DescribeServiceJob": _with_context(_job_operations.describe_service_job),
    "ListServiceJobs": _with_context(_job_operations.list_service_jobs),
    "TerminateServiceJob": _with_context(_job_operations.terminate_service_job),
    "TerminateServiceJobs": _with_context(_job_operations.terminate_service_jobs),
    "UpdateServiceJob": _with_context(_job_operations.update_service_job),
}
SERVICE_JOB_OPERATIONS = tuple(_OPERATIONS)
# MS-15: quota shares and GetJobQueueSnapshot, which moto lacks too.
_QUEUE_OPERATIONS: dict[str, Operation] = {
    "CreateQuotaShare": _moto_quota_shares.queue_operation("create_quota_share"),
    "DescribeQuotaShare": _moto_quota_shares.queue_operation("describe_quota_share"),
    "UpdateQuotaShare": _moto_quota_shares.queue_operation("update_quota_share"),
    "DeleteQuotaShare": _moto_quota_shares.queue_operation("delete_quota_share"),
    "ListQuotaShares": _moto_quota_shares.queue_operation("list_quota_shares"),
    "GetJobQueueSnapshot": _with_context(_moto_quota_shares.get_job_queue_snapshot),
}
QUEUE_OPERATIONS = tuple(_QUEUE_OPERATIONS)
# MS-16 to MS-19: consumable resources and ListJobsByConsumableResource, which moto lacks as well.
_CONSUMABLE_OPERATIONS: dict[str, Operation] = {
    "CreateConsumableResource": _moto_consumable.registry_operation("create"),
    "DescribeConsumableResource": _moto_consumable.registry_operation("describe"),
    "ListConsumableResources": _moto_consumable.registry_operation("list"),
    "UpdateConsumableResource": _moto_consumable.registry_operation("update"),
    "DeleteConsumableResource": _moto_consumable.registry_operation("delete"),
    "ListJobsByConsumableResource": _moto_consumable.list_jobs_by_consumable_resource_of,
}
CONSUMABLE_OPERATIONS = tuple(_CONSUMABLE_OPERATIONS)


def _answer(response: Any, run: Callable[[Any, ServiceState, object], Any]) -> Any:
    """Run ``run(backend, state, request)`` for a ``BatchResponse`` and answer as the service does.

    Request ids come from the standard library, not moto's seeded random source, so the plug-in never
    shifts the ids moto draws for its own resources.
    """
    try:
        backend = _moto.batch_backend_of(response)
        result = run(backend, state_of(backend), request_of(response.body))
    except ListingError as error:
        return error_response(error, str(uuid.uuid4()))
    if isinstance(result, str):  # moto's own answer, handed on as it is
        return result
    return success_response(result, str(uuid.uuid4()))


def _added_method(name: str, operation: Operation) -> Callable[[Any], MotoReply]:
    def method(self: Any) -> MotoReply:
        answer: MotoReply = _answer(self, operation)
        return answer

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"{name}, answered by listjobs_core.contrib.moto."
    return method


# The BatchResponse methods the plug-in adds, by operation name (``_install`` names each as moto's
# dispatcher looks it up).
ADDED_METHODS: dict[str, Callable[[Any], MotoReply]] = {
    name: _added_method(name, operation)
    for name, operation in {**_OPERATIONS, **_QUEUE_OPERATIONS, **_CONSUMABLE_OPERATIONS}.items()
}


def _json_object(body: object) -> dict[str, Any] | None:
    """The body as a JSON object, or ``None`` when it is not one (moto's own method then deals with it)."""
    try:
        request = request_of(body)
    except ListingError:
        return None
    return request if isinstance(request, dict) else None


def _createjobqueue(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def createjobqueue(self: Any) -> Any:
        request = _json_object(self.body)
        if not _job_queues.takes_over_create(request):
            return original(self)
        assert request is not None

        def run(backend: Any, state: ServiceState, _: object) -> Any:
            made = _job_queues.create_job_queue(backend, state, request)
            if made is not None:
                return made
            answer = original(self)
            _job_queues.record_job_queue_type(backend, state, answer, request["jobQueueType"])
            return answer

        return _answer(self, run)

    return createjobqueue


def _updatejobqueue(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def updatejobqueue(self: Any) -> Any:
        def run(backend: Any, state: ServiceState, request: object) -> Any:
            updated = _job_queues.update_job_queue(backend, state, request)
            return original(self) if updated is None else updated

        if _json_object(self.body) is None:
            return original(self)
        return _answer(self, run)

    return updatejobqueue


def _describejobqueues(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def describejobqueues(self: Any) -> Any:
        answer = original(self)
        backend = _moto.batch_backend_of(self)
        return _job_queues.describe_job_queues(backend, state_of(backend), answer)

    return describejobqueues


def _createschedulingpolicy(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def createschedulingpolicy(self: Any) -> Any:
        request = _json_object(self.body)
        if request is None:
            return original(self)

        def run(backend: Any, state: ServiceState, _: object) -> Any:
            return _moto_quota_shares.scheduling_policy_created(
                backend, state, request, lambda: original(self)
            )

        return _answer(self, run)

    return createschedulingpolicy


def _describeschedulingpolicies(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def describeschedulingpolicies(self: Any) -> Any:
        answer = original(self)
        return _moto_quota_shares.describe_scheduling_policies(state_of(_moto.batch_backend_of(self)), answer)

    return describeschedulingpolicies


def _deletejobqueue(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def deletejobqueue(self: Any) -> Any:
        request = _json_object(self.body)
        backend = _moto.batch_backend_of(self)
        identifier = None if request is None else request.get("jobQueue")
        queue = backend.get_job_queue(identifier) if isinstance(identifier, str) else None
        answer = original(self)
        if queue is not None and backend.get_job_queue_by_arn(queue.arn) is not queue:
            # MS-15: a queue moto deleted takes its quota shares with it.
            _moto_queues.registry_of(backend, state_of(backend)).forget_queue(queue.name)
        if queue is not None:
            state = state_of(backend)
            if _job_queues.forget_deleted_queue(backend, state, queue):
                reason = f"The job queue {queue.name} was deleted"
                _job_operations.terminate_queue_jobs(state, queue.arn, reason, _moto.now_ms())
        return answer

    return deletejobqueue


def _submitjob(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def submitjob(self: Any) -> Any:
        request = _json_object(self.body)
        if request is None:
            return original(self)

        def run(backend: Any, state: ServiceState, _: object) -> Any:
            _job_queues.refuse_service_queue_for_submit_job(backend, state, request.get("jobQueue"))
            return _moto_consumable.job_submitted(backend, state, request, lambda: original(self))

        return _answer(self, run)

    return submitjob


def _registerjobdefinition(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def registerjobdefinition(self: Any) -> Any:
        request = _json_object(self.body)
        if request is None:
            return original(self)

        def run(backend: Any, state: ServiceState, _: object) -> Any:
            return _moto_consumable.job_definition_registered(backend, state, request, lambda: original(self))

        return _answer(self, run)

    return registerjobdefinition


def _describing(
    add: Callable[[ServiceState, str], str],
) -> Callable[[Callable[[Any], Any]], Callable[[Any], Any]]:
    """A wrapper of a moto Describe method whose answer ``add`` completes with the plug-in's records."""

    def wrap(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def describe(self: Any) -> Any:
            answer = original(self)
            return add(state_of(_moto.batch_backend_of(self)), answer)

        describe.__name__ = original.__name__
        return describe

    return wrap


# Model, JobStatus: the statuses of a job that has finished; a termination of such a job is not accepted.
_FINISHED_JOB_STATUSES = frozenset({"SUCCEEDED", "FAILED"})


def _accepted_into(records: Callable[[ServiceState], set[str]]) -> Callable[[Callable[[Any], Any]], Any]:
    """A wrapper of moto's CancelJob or TerminateJob that records, in ``records(state)``, a job whose
    request moto accepted: one that had not finished and that moto stopped (LJ-14: ``isCancelled``,
    ``isTerminated``)."""

    def wrap(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def cancel_or_terminate(self: Any) -> Any:
            request = _json_object(self.body)
            job_id = None if request is None else request.get("jobId")
            backend = _moto.batch_backend_of(self)
            job = backend.get_job_by_id(job_id) if isinstance(job_id, str) and job_id else None
            live = job is not None and getattr(job, "stop", None) is False
            live = live and getattr(job, "status", None) not in _FINISHED_JOB_STATUSES
            answer = original(self)
            if job is not None and live and getattr(job, "stop", None) is True:
                state = state_of(backend)
                with state.lock:
                    records(state).add(job.job_id)
            return answer

        return cancel_or_terminate

    return wrap


# The BatchResponse methods the plug-in wraps, by operation name: each factory takes moto's own method and
# returns the wrapper.
EXTENDING_METHODS: dict[str, Callable[[Callable[[Any], Any]], Callable[[Any], Any]]] = {
    "CreateJobQueue": _createjobqueue,
    "UpdateJobQueue": _updatejobqueue,
    "DescribeJobQueues": _describejobqueues,
    "DeleteJobQueue": _deletejobqueue,
    "SubmitJob": _submitjob,
    "CreateSchedulingPolicy": _createschedulingpolicy,
    "DescribeSchedulingPolicies": _describeschedulingpolicies,
    "RegisterJobDefinition": _registerjobdefinition,
    "DescribeJobDefinitions": _describing(_moto_consumable.described_job_definitions),
    "DescribeJobs": _describing(_moto_consumable.described_jobs),
    "CancelJob": _accepted_into(lambda state: state.cancelled_jobs),
    "TerminateJob": _accepted_into(lambda state: state.terminated_jobs),
}
