"""The run's queues and jobs over the wire: making them, the operation rules they show, cleaning up.

Theory of operation: unless given a queue, a run makes its own, with a name new for every run, and a
second queue for S-9. AWS, and emulators that follow it (moto with the plug-in), need a SAGEMAKER_TRAINING
job queue backed by a service environment: the run makes both through CreateServiceEnvironment and
CreateJobQueue. An endpoint without CreateServiceEnvironment (a 404) is taken to accept any queue name,
as the reference endpoint does; if it refuses the submits, the report says to pass ``--job-queue``.

Shares follow the model: "Don't specify [shareIdentifier] if the job queue doesn't have a fair-share
scheduling policy. If the job queue has a fair-share scheduling policy, then this parameter must be
specified", and the same of quotaShareName and a quota share policy. So the run gives its queues a
fair-share scheduling policy (CreateSchedulingPolicy) when the endpoint makes one, and then every job
carries a share identifier (``DEFAULT_SHARE`` for the jobs planned without one). A submit refused with
its shares is sent again without the quota share name, then without either; the first form accepted
says which of the share filters (S-4) the run can check. Where the endpoint makes them, the run also
makes a third queue with a quota-share scheduling policy and the quota shares ``QUOTA_SHARES``
(CreateSchedulingPolicy with ``quotaSharePolicy``, CreateJobQueue, CreateQuotaShare) and submits the jobs
of ``quota_share_jobs`` there, each with its quota share name: the QUOTA_SHARE_NAME filter is then
checked on that queue even against an endpoint that refuses the name elsewhere, as the model says it
should.

On the way, the operations other than ListServiceJobs are checked for what the service model says of
them (the AWS parts of H-4 to H-7): a SubmitServiceJob answers the job's name and id and refuses what the
model refuses; a DescribeServiceJob shows the job submitted, with no null member and the members the model
requires; a terminated job becomes FAILED with the reason as its statusReason; a clientToken and payload
sent twice are refused the second time. The decision parts (an unknown jobId is a ClientException;
terminating a finished job succeeds) are advisories.

At the end every job the run submitted is terminated, and what it made is disabled and deleted as far as
the endpoint allows; the notes say what was used and what is left.
"""

from __future__ import annotations

import dataclasses
import secrets
import time
from collections.abc import Mapping
from typing import Any

from .._generate import STATUSES
from .._report import CaseLog, TargetFault
from ._plan import (
    PLANNED_JOBS,
    QUOTA_SHARES,
    TERMINATION_REASON,
    PlannedJob,
    Queues,
    quota_share_jobs,
    submit_request,
)
from ._rest_client import EndpointUnreachable, HttpAnswer
from ._run import NOT_IMPLEMENTED, EndpointRun

__all__ = [
    "DEFAULT_SHARE",
    "PREFIX",
    "check_client_tokens",
    "check_descriptions",
    "check_refused",
    "check_refused_submits",
    "check_submit_answer",
    "clean_up",
    "run_submit_request",
    "discover",
    "fail_operation",
    "set_up_queues",
    "short",
    "submit_planned_jobs",
    "terminate_planned_jobs",
]

PREFIX = "listjobs-conformance"
# The share identifier of the jobs planned without one, when the run's queues have a fair-share policy.
DEFAULT_SHARE = "sC"
# How long a terminated job may take to show FAILED, and how often it is looked at meanwhile.
_SETTLE_SECONDS = 10.0
_SETTLE_PAUSE = 0.05
_MAX_DISCOVERY_PAGES = 50
_CLIENT_EXCEPTION = "ClientException"


def short(answer: HttpAnswer) -> str:
    """An answer's error message (or the start of its body), on one line."""
    text = answer.error_message() or answer.body[:200].decode("utf-8", "replace")
    text = " ".join(text.split())
    return text if len(text) <= 200 else text[:197] + "..."


# --- the queues ------------------------------------------------------------------------------------


def set_up_queues(run: EndpointRun) -> bool:
    """The run's queue and second queue (see the module documentation); False when they cannot be had."""
    if run.job_queue:
        arn = run.job_queue if ":job-queue/" in run.job_queue else None
        run.queues = Queues(run.job_queue, arn, None)
        run.notes.append(f"queue: {run.job_queue} (given; S-9 needs a second queue and is not checked)")
        return True
    suffix = secrets.token_hex(4)
    name, other = f"{PREFIX}-{suffix}", f"{PREFIX}-{suffix}-other"
    with run.tally.case("creating the run's queues") as log:
        environment = run.operation(
            "CreateServiceEnvironment",
            {
                "serviceEnvironmentName": name,
                "serviceEnvironmentType": "SAGEMAKER_TRAINING",
                "state": "ENABLED",
                "capacityLimits": [{"maxCapacity": 1, "capacityUnit": "NUM_INSTANCES"}],
            },
            log,
        )
        if environment.status in NOT_IMPLEMENTED:
            run.queues = Queues(name, None, other, _make_quota_share_queue(run, name, name, log))
            run.notes.append(
                f"queue: {name} and {other} (new names; the endpoint has no CreateServiceEnvironment)"
            )
            return True
        if environment.status != 200:
            run.problems.append(
                f"CreateServiceEnvironment failed with HTTP {environment.status} ({short(environment)}): "
                "create a SAGEMAKER_TRAINING job queue and pass it as --job-queue"
            )
            return False
        data = environment.data if isinstance(environment.data, dict) else {}
        run.created_environment = str(data.get("serviceEnvironmentArn") or name)
        _make_fair_share_policy(run, name, log)
        arns: dict[str, str | None] = {}
        for queue in (name, other):
            request: dict[str, Any] = {
                "jobQueueName": queue,
                "state": "ENABLED",
                "priority": 1,
                "jobQueueType": "SAGEMAKER_TRAINING",
                "serviceEnvironmentOrder": [{"order": 1, "serviceEnvironment": run.created_environment}],
            }
            if run.created_policy is not None:
                request["schedulingPolicyArn"] = run.created_policy
            answer = run.operation("CreateJobQueue", request, log)
            if answer.status != 200:
                run.problems.append(
                    f"CreateJobQueue failed with HTTP {answer.status} ({short(answer)}): create a "
                    "SAGEMAKER_TRAINING job queue and pass it as --job-queue"
                )
                return False
            queue_data = answer.data if isinstance(answer.data, dict) else {}
            arn = queue_data.get("jobQueueArn")
            arns[queue] = arn if isinstance(arn, str) and arn else None
            run.created_queues.append(arns[queue] or queue)
        quota = _make_quota_share_queue(run, name, run.created_environment, log)
    run.queues = Queues(name, arns[name], other, quota)
    policy = f" and the fair-share scheduling policy {name}" if run.created_policy else ""
    run.notes.append(f"queue: {name} and {other} (created, with the service environment {name}{policy})")
    return True


def _make_fair_share_policy(run: EndpointRun, name: str, log: CaseLog) -> None:
    """A fair-share scheduling policy for the run's queues, so that its jobs may carry share identifiers
    (see the module documentation); without one, the submits show whether the endpoint takes them."""
    answer = run.operation("CreateSchedulingPolicy", {"name": name, "fairsharePolicy": {}}, log)
    data = answer.data if isinstance(answer.data, dict) else {}
    arn = data.get("arn")
    if answer.status == 200 and isinstance(arn, str) and arn:
        run.created_policy = arn
        run.every_job_shared = True
    else:
        run.notes.append(
            f"no fair-share scheduling policy for the run's queues (CreateSchedulingPolicy: HTTP "
            f"{answer.status}, {short(answer)})"
        )


def _make_quota_share_queue(run: EndpointRun, name: str, environment: str, log: CaseLog) -> str | None:
    """A queue with a quota-share scheduling policy and the quota shares ``QUOTA_SHARES``, for the jobs
    of ``quota_share_jobs`` (see the module documentation); its name, or None (with a note saying why)
    where the endpoint does not make one."""
    queue = f"{name}-quota"
    policy = run.operation(
        "CreateSchedulingPolicy",
        {"name": queue, "quotaSharePolicy": {"idleResourceAssignmentStrategy": "FIFO"}},
        log,
    )
    policy_data = policy.data if isinstance(policy.data, dict) else {}
    policy_arn = policy_data.get("arn")
    if policy.status != 200 or not isinstance(policy_arn, str) or not policy_arn:
        run.notes.append(
            f"no quota-share scheduling policy (CreateSchedulingPolicy: HTTP {policy.status}, "
            f"{short(policy)}): no quota-share queue"
        )
        return None
    run.created_quota_policy = policy_arn
    request = {
        "jobQueueName": queue,
        "state": "ENABLED",
        "priority": 1,
        "jobQueueType": "SAGEMAKER_TRAINING",
        "serviceEnvironmentOrder": [{"order": 1, "serviceEnvironment": environment}],
        "schedulingPolicyArn": policy_arn,
    }
    answer = run.operation("CreateJobQueue", request, log)
    if answer.status != 200:
        run.notes.append(f"no quota-share queue (CreateJobQueue: HTTP {answer.status}, {short(answer)})")
        return None
    queue_arn = answer.data.get("jobQueueArn") if isinstance(answer.data, dict) else None
    run.created_queues.append(queue_arn if isinstance(queue_arn, str) and queue_arn else queue)
    for share in QUOTA_SHARES:
        share_request = {
            "quotaShareName": share,
            "jobQueue": queue,
            "capacityLimits": [{"maxCapacity": 1, "capacityUnit": "NUM_INSTANCES"}],
            "resourceSharingConfiguration": {"strategy": "RESERVE"},
            "preemptionConfiguration": {"inSharePreemption": "DISABLED"},
            "state": "ENABLED",
        }
        made = run.operation("CreateQuotaShare", share_request, log)
        share_arn = made.data.get("quotaShareArn") if isinstance(made.data, dict) else None
        if made.status != 200 or not isinstance(share_arn, str):
            run.notes.append(
                f"no quota shares in the quota-share queue {queue} (CreateQuotaShare: HTTP {made.status}, "
                f"{short(made)})"
            )
            return None
        run.created_quota_shares.append(share_arn)
    run.notes.append(
        f"quota-share queue: {queue} (created, with the quota-share scheduling policy {queue} and the "
        f"quota shares {', '.join(QUOTA_SHARES)}): the QUOTA_SHARE_NAME filter (S-4) is checked there"
    )
    return queue


# --- submitting ------------------------------------------------------------------------------------


def submit_planned_jobs(run: EndpointRun) -> bool:
    """Submit the jobs of ``_plan``, checking H-4 on each answer; False when the run cannot go on."""
    with run.tally.case("SubmitServiceJob: the run's jobs", "H-4") as log:
        log.check("H-4", "H-1")
        quota_jobs = quota_share_jobs() if run.queues.quota is not None else ()
        for planned in (*PLANNED_JOBS, *quota_jobs):
            if planned.queue == "other" and run.queues.other is None:
                continue
            if not _submit_planned(run, planned, log):
                return False
    return True


def _queue_for(run: EndpointRun, planned: PlannedJob) -> str:
    if planned.queue == "quota" and run.queues.quota is not None:
        return run.queues.quota
    if planned.queue == "other" and run.queues.other is not None:
        return run.queues.other
    if planned.by_arn and run.queues.arn is not None:
        return run.queues.arn
    return run.queues.name


def _shares_for(run: EndpointRun, planned: PlannedJob) -> PlannedJob:
    """The job as the run submits it: the shares the endpoint keeps, and a share identifier for every
    job when the queues have a fair-share policy; a job of the quota-share queue as planned."""
    if planned.queue == "quota":
        return planned
    share = planned.share if run.shares_kept else None
    if run.every_job_shared and share is None:
        share = DEFAULT_SHARE
    quota = planned.quota if run.quotas_kept else None
    return dataclasses.replace(planned, share=share, quota=quota)


def run_submit_request(
    run: EndpointRun, name: str, queue: str, *, client_token: str | None = None
) -> dict[str, Any]:
    """A SubmitServiceJobRequest for a job beyond the plan: a share identifier only when the run's queues
    have a fair-share policy, which then requires one."""
    share = DEFAULT_SHARE if run.every_job_shared else None
    return submit_request(name, queue, share=share, client_token=client_token)


def _submit_planned(run: EndpointRun, planned: PlannedJob, log: CaseLog) -> bool:
    queue = _queue_for(run, planned)
    planned = _shares_for(run, planned)
    request = submit_request(planned.name, queue, share=planned.share, quota=planned.quota)
    answer = run.operation("SubmitServiceJob", request, log)
    if answer.status in NOT_IMPLEMENTED:
        run.problems.append(
            f"SubmitServiceJob is not implemented at {run.client.url} (HTTP {answer.status}): run with "
            "--read-only to check the listings of the jobs already there"
        )
        fail_operation(log, "SubmitServiceJob", request, answer)
        return False
    if answer.status != 200 and planned.quota is not None and planned.queue != "quota":
        # The model: quotaShareName only on a queue with a quota share scheduling policy.
        retry_job = dataclasses.replace(planned, quota=None)
        retry_request = submit_request(planned.name, queue, share=retry_job.share)
        retry = run.operation("SubmitServiceJob", retry_request, log)
        if retry.status == 200:
            run.quotas_kept = False
            where = (
                f"is checked on the quota-share queue {run.queues.quota} only"
                if run.queues.quota is not None
                else "is not checked"
            )
            run.notes.append(
                f"the endpoint refused quotaShareName on submit to a queue without a quota-share policy "
                f"({short(answer)}): the QUOTA_SHARE_NAME filter (S-4) {where}"
            )
            planned, request, answer = retry_job, retry_request, retry
    if answer.status != 200 and planned.share is not None and not run.every_job_shared:
        # The model: shareIdentifier only on a queue with a fair-share scheduling policy.
        plain_job = dataclasses.replace(planned, share=None, quota=None)
        plain = submit_request(planned.name, queue)
        retry = run.operation("SubmitServiceJob", plain, log)
        if retry.status == 200:
            run.shares_kept = run.quotas_kept = False
            run.notes.append(
                f"the endpoint refused shareIdentifier on submit ({short(answer)}): "
                "the share filters (S-4) are not checked"
            )
            planned, request, answer = plain_job, plain, retry
    if answer.status != 200:
        run.problems.append(
            f"SubmitServiceJob refused a job of the run with HTTP {answer.status} ({short(answer)}): if the "
            "endpoint needs an existing queue, make a SAGEMAKER_TRAINING job queue and pass it as --job-queue"
        )
        return False
    job_id = check_submit_answer(run, request, answer, log)
    if job_id is None:
        return False
    run.planned.append((job_id, planned))
    if run.queues.arn is None and planned.queue == "main":
        arn = (run.describe(job_id) or {}).get("jobQueue")
        if isinstance(arn, str) and ":job-queue/" in arn:
            run.queues = dataclasses.replace(run.queues, arn=arn)
    return True


def check_refused(
    log: CaseLog, rule: str, request: Any, answer: HttpAnswer, message: str, *, decision_part: bool = False
) -> None:
    """``answer`` must refuse ``request`` as a ClientException (HTTP 400); else ``message`` fails ``rule``."""
    if answer.status != 400 or answer.error_type() != _CLIENT_EXCEPTION:
        log.fail(
            rule,
            message,
            jobs=(),
            request=request,
            expected="a ClientException (HTTP 400)",
            got=answer.shown(),
            decision_part=decision_part,
        )


def fail_operation(log: CaseLog, operation: str, request: Any, answer: HttpAnswer) -> None:
    """H-1: an operation of the model is not answered at its requestUri."""
    log.fail(
        "H-1",
        f"{operation} is answered HTTP {answer.status} at its requestUri",
        jobs=(),
        request=request,
        expected="an answer from the operation",
        got=answer.shown(),
    )


def check_submit_answer(
    run: EndpointRun, request: Mapping[str, Any], answer: HttpAnswer, log: CaseLog
) -> str | None:
    """H-4 on a SubmitServiceJobResponse (the model: jobName and jobId required, jobArn a string); the
    job's id, which the run then owns."""
    data = answer.data if isinstance(answer.data, dict) else {}
    job_id = data.get("jobId")
    if isinstance(job_id, str) and job_id:
        run.own(job_id)
    if (
        not isinstance(job_id, str)
        or not job_id
        or data.get("jobName") != request["jobName"]
        or not isinstance(data.get("jobArn", ""), str)
    ):
        log.fail(
            "H-4",
            "the SubmitServiceJob answer is not a jobId, the jobName submitted and a jobArn",
            jobs=(),
            request=dict(request),
            expected={"jobName": request["jobName"], "jobId": "a string", "jobArn": "a string"},
            got=answer.shown(),
        )
    return job_id if isinstance(job_id, str) and job_id else None


def check_refused_submits(run: EndpointRun) -> None:
    """H-4: SubmitServiceJob refuses what the model refuses: a name with spaces, an unknown
    serviceJobType, a missing serviceRequestPayload."""
    queue = run.queues.name
    without_payload = {
        name: value
        for name, value in run_submit_request(run, "conf-no-payload", queue).items()
        if name != "serviceRequestPayload"
    }
    bad_requests = (
        ("a job name with spaces", {**run_submit_request(run, "x", queue), "jobName": "not a valid name"}),
        (
            "an unknown serviceJobType",
            {**run_submit_request(run, "conf-bad-type", queue), "serviceJobType": "NO_SUCH_TYPE"},
        ),
        ("no serviceRequestPayload", without_payload),
    )
    with run.tally.case("SubmitServiceJob refusals", "H-4") as log:
        log.check("H-4")
        for what, request in bad_requests:
            answer = run.operation("SubmitServiceJob", request, log)
            job_id = answer.data.get("jobId") if isinstance(answer.data, dict) else None
            if answer.status == 200 and isinstance(job_id, str):
                run.own(job_id)
            check_refused(
                log,
                "H-4",
                request,
                answer,
                f"SubmitServiceJob with {what} is answered HTTP {answer.status}, not refused",
            )


def check_client_tokens(run: EndpointRun) -> None:
    """H-7: the same clientToken and payload sent twice: the model says "the second request is
    rejected"."""
    with run.tally.case("SubmitServiceJob with a client token used twice", "H-7") as log:
        token = f"{PREFIX}-{secrets.token_hex(8)}"
        request = run_submit_request(run, "conf-token", run.queues.name, client_token=token)
        first = run.operation("SubmitServiceJob", request, log)
        if first.status != 200:
            run.notes.append(f"a submit with a clientToken was refused ({short(first)}): H-7 is not checked")
            return
        log.check("H-7")
        check_submit_answer(run, request, first, log)
        second = run.operation("SubmitServiceJob", request, log)
        if second.status == 200:
            job_id = second.data.get("jobId") if isinstance(second.data, dict) else None
            if isinstance(job_id, str):
                run.own(job_id)
            log.fail(
                "H-7",
                "a second SubmitServiceJob with the same clientToken and payload is accepted",
                jobs=(),
                request=request,
                expected="a refusal (the model: 'the second request is rejected')",
                got=second.shown(),
            )


# --- terminating and describing ----------------------------------------------------------------------


def terminate_planned_jobs(run: EndpointRun) -> None:
    """Terminate the jobs ``_plan`` marks, so that statuses differ; H-6 on the way."""
    job_ids = [job_id for job_id, planned in run.planned if planned.terminate]
    with run.tally.case("TerminateServiceJob", "H-6") as log:
        log.check("H-6", "H-1")
        for job_id in job_ids:
            request = {"jobId": job_id, "reason": TERMINATION_REASON}
            answer = run.operation("TerminateServiceJob", request, log)
            if answer.status in NOT_IMPLEMENTED:
                fail_operation(log, "TerminateServiceJob", request, answer)
                run.notes.append(
                    f"TerminateServiceJob is not implemented (HTTP {answer.status}): no job of the run "
                    "changes status, and none can be terminated after the run"
                )
                return
            if answer.status == 200:
                run.terminated.add(job_id)
            else:
                log.fail(
                    "H-6",
                    f"TerminateServiceJob of a job the run submitted is answered HTTP {answer.status}",
                    jobs=(),
                    request=request,
                    expected="{}",
                    got=answer.shown(),
                )
        settled = _settle(run, [job_id for job_id in job_ids if job_id in run.terminated])
        for job_id, job in settled.items():
            _check_terminated(log, job_id, job)
        if settled:
            request = {"jobId": next(iter(settled)), "reason": "again"}
            again = run.operation("TerminateServiceJob", request, log)
            if again.status != 200:
                log.fail(
                    "H-6",
                    f"terminating a job that has finished is answered HTTP {again.status}",
                    jobs=(),
                    request=request,
                    expected="{}: terminating a finished job changes nothing",
                    got=again.shown(),
                    decision_part=True,
                )
    run.invalidate()


def _check_terminated(log: CaseLog, job_id: str, job: dict[str, Any]) -> None:
    """The model: the reason "is returned by DescribeServiceJob"; the job ends FAILED, terminated."""
    reason = job.get("statusReason")
    wanted = {"status": "FAILED", "statusReason": TERMINATION_REASON, "isTerminated": True}
    shown = {member: job.get(member) for member in wanted}
    if job.get("status") != "FAILED" or not isinstance(reason, str) or TERMINATION_REASON not in reason:
        why = "a terminated job does not become FAILED with the reason as its statusReason"
    elif job.get("isTerminated") is not True:
        why = "a terminated job does not say isTerminated: true"
    else:
        return
    request = {"jobId": job_id, "reason": TERMINATION_REASON}
    log.fail("H-6", why, jobs=(job,), request=request, expected=wanted, got=shown)


def _settle(run: EndpointRun, job_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Each job as described once it shows FAILED, or as it is when the time is up."""
    deadline = time.monotonic() + _SETTLE_SECONDS
    latest: dict[str, dict[str, Any]] = {}
    pending = list(job_ids)
    while pending:
        for job_id in list(pending):
            job = run.describe(job_id)
            if job is not None:
                latest[job_id] = job
                if job.get("status") == "FAILED":
                    pending.remove(job_id)
        if not pending or time.monotonic() > deadline:
            break
        time.sleep(_SETTLE_PAUSE)
    return latest


def check_descriptions(run: EndpointRun) -> bool:
    """H-5 and H-4 on each job the run submitted as DescribeServiceJob shows it, and an unknown jobId;
    False when the endpoint has no DescribeServiceJob, without which no listing can be judged."""
    with run.tally.case("DescribeServiceJob", "H-5") as log:
        log.check("H-5", "H-4", "H-1")
        for job_id, planned in run.planned:
            request = {"jobId": job_id}
            answer = run.operation("DescribeServiceJob", request, log)
            if answer.status in NOT_IMPLEMENTED:
                fail_operation(log, "DescribeServiceJob", request, answer)
                run.problems.append(
                    f"DescribeServiceJob is not implemented at {run.client.url} (HTTP {answer.status}): the "
                    "run cannot see its jobs; run with --read-only to check the listings of the jobs there"
                )
                return False
            job = answer.data if answer.status == 200 and isinstance(answer.data, dict) else None
            if job is None:
                _fail_description(log, job_id, "is not described", answer.shown())
            else:
                _check_description(run, log, job_id, planned, job)
        unknown = {"jobId": f"{PREFIX}-no-such-job-{secrets.token_hex(4)}"}
        answer = run.operation("DescribeServiceJob", unknown, log)
        check_refused(
            log,
            "H-5",
            unknown,
            answer,
            f"DescribeServiceJob of an unknown jobId is answered HTTP {answer.status}",
            decision_part=True,
        )
    return True


# The members DescribeServiceJobResponse requires, but startedAt, which a job that has not started lacks.
_REQUIRED = ("jobId", "jobName", "jobQueue", "serviceJobType", "status", "createdAt")


def _check_description(
    run: EndpointRun, log: CaseLog, job_id: str, planned: PlannedJob, job: dict[str, Any]
) -> None:
    nulls = sorted(member for member, value in job.items() if value is None)
    missing = [member for member in _REQUIRED if member not in job]
    if nulls or missing or job.get("status") not in STATUSES:
        _fail_description(
            log, job_id, f"has null members {nulls}, lacks {missing}, or an unknown status", job
        )
        return
    # ``planned`` is the job as submitted (see ``_shares_for``): its shares are the ones sent.
    expected: dict[str, Any] = {
        "jobName": planned.name,
        "shareIdentifier": planned.share,
        "quotaShareName": planned.quota,
    }
    queue = _queue_for(run, dataclasses.replace(planned, by_arn=False))
    wrong = {member: job.get(member) for member, value in expected.items() if job.get(member) != value}
    if wrong or not run.in_queue(job, queue):
        log.fail(
            "H-4",
            "the job as described is not the job submitted (name, queue, shares)",
            jobs=(job,),
            request={**expected, "jobQueue": queue},
            expected={**expected, "jobQueue": f"{queue} or its ARN"},
            got={**wrong, "jobQueue": job.get("jobQueue")},
        )


def _fail_description(log: CaseLog, job_id: str, what: str, got: Any) -> None:
    log.fail(
        "H-5",
        f"the job {job_id!r} {what}",
        jobs=(),
        request={"jobId": job_id},
        expected="the job's DescribeServiceJobResponse members, never null",
        got=got,
    )


def discover(run: EndpointRun) -> None:
    """Add the jobs already listed in the run's queue (a given queue, or jobs an endpoint lists for any
    queue), so that listings are judged over every job they may show."""
    found: set[str] = set()
    for status in STATUSES:
        request: dict[str, Any] = {"jobQueue": run.queues.name, "jobStatus": status, "maxResults": 100}
        for _ in range(_MAX_DISCOVERY_PAGES):
            answer = run.client.call("ListServiceJobs", request)
            data = answer.data if answer.status == 200 and isinstance(answer.data, dict) else {}
            summaries = data.get("jobSummaryList")
            for item in summaries if isinstance(summaries, list) else []:
                if isinstance(item, dict) and isinstance(item.get("jobId"), str):
                    found.add(item["jobId"])
            token = data.get("nextToken")
            if not isinstance(token, str):
                break
            request = {**request, "nextToken": token}
    new = found - run.known
    if new:
        run.known |= new
        run.notes.append(
            f"{len(new)} jobs already listed in the queue are judged along with the run's own, as "
            "DescribeServiceJob shows them (so with version 0, should the endpoint group JOB_NAME "
            "listings by versions of its own)"
        )
        run.invalidate()


# --- cleaning up ---------------------------------------------------------------------------------


def clean_up(run: EndpointRun) -> None:
    """Terminate every job the run submitted, delete what it made, and note what was done."""
    failed = 0
    try:
        for job_id in [job_id for job_id in run.submitted if job_id not in run.terminated]:
            answer = run.client.call("TerminateServiceJob", {"jobId": job_id, "reason": TERMINATION_REASON})
            if answer.status == 200:
                run.terminated.add(job_id)
            else:
                failed += 1
        left = _delete_created(run)
    except (EndpointUnreachable, TargetFault) as error:
        run.notes.append(f"clean-up stopped: {error}")
        return
    if run.submitted:
        ending = f"; {failed} could not be terminated" if failed else ""
        run.notes.append(
            f"jobs: {len(run.submitted)} submitted, {len(run.terminated)} terminated by the run{ending}"
        )
    if run.created_queues or run.created_quota_policy:
        run.notes.append(
            f"left in place: {', '.join(left)}"
            if left
            else "what the run made (queues, environment, policy) was deleted"
        )


def _delete_created(run: EndpointRun) -> list[str]:
    """Disable and delete the quota shares, queues, environment and policies the run made; what could not
    be deleted."""
    left: list[str] = []
    for share in run.created_quota_shares:
        run.client.call("UpdateQuotaShare", {"quotaShareArn": share, "state": "DISABLED"})
        if run.client.call("DeleteQuotaShare", {"quotaShareArn": share}).status != 200:
            left.append(f"quota share {share}")
    for queue in run.created_queues:
        run.client.call("UpdateJobQueue", {"jobQueue": queue, "state": "DISABLED"})
        if run.client.call("DeleteJobQueue", {"jobQueue": queue}).status != 200:
            left.append(f"job queue {queue}")
    if run.created_environment is not None:
        environment = run.created_environment
        run.client.call("UpdateServiceEnvironment", {"serviceEnvironment": environment, "state": "DISABLED"})
        if run.client.call("DeleteServiceEnvironment", {"serviceEnvironment": environment}).status != 200:
            left.append(f"service environment {environment}")
    for policy in (run.created_policy, run.created_quota_policy):
        if policy is not None and run.client.call("DeleteSchedulingPolicy", {"arn": policy}).status != 200:
            left.append(f"scheduling policy {policy}")
    return left
