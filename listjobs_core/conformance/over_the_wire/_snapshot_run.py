"""GetJobQueueSnapshot and the quota-share operations over the wire: three queues, their jobs, their fronts.

Theory of operation: the run makes what a snapshot needs where the endpoint lets it: a service
environment (an endpoint without CreateServiceEnvironment, such as ``serve``, records the name unlooked),
a fair-share and a quota-share scheduling policy, three SAGEMAKER_TRAINING queues (FIFO: no policy;
fair-share; quota-share), the quota shares ``qA``, ``qB`` and ``qC`` of the last (``qC`` is left without
jobs), and jobs in each, with share members as the queue's policy calls for and scheduling priorities.
On the way it checks the queue operations for what the model says of them (QS-1, QS-3 to QS-6; QS-2 is
seen through the queues working as their policies say).

A snapshot's front is of RUNNABLE jobs, and nothing in the model moves a job there: the run asks the
endpoint's own means, moto's ``POST /moto-api/config`` moves (rule MS-9 of the plug-in); an endpoint
whose jobs are RUNNABLE by themselves needs none. Where no job of a queue is RUNNABLE, the rules only a
front shows (SN-2, SN-3) are not judged on it, and the notes say so.

Each queue's snapshot is judged like the in-process check (``_snapshot_cases.judge_snapshot``), against
:func:`listjobs_core.job_queue_snapshot` over the queue's jobs as DescribeServiceJob shows them just before
and just after (equal, else the case is tried again, up to three times, then counted unstable), at the
time the answer gives (SN-6 over the wire: every part of one answer dated alike). At the end the run
terminates its jobs and deletes the shares, queues, environment and policies (``clean_up``).
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from .._report import CaseLog
from .._snapshot_cases import SNAPSHOT_RULES, SnapshotCase, judge_snapshot
from ._queues_and_jobs import PREFIX, check_refused, check_submit_answer, short
from ._run import NOT_IMPLEMENTED, EndpointRun

__all__ = ["check_snapshot_endpoint"]

_FIFO, _FAIR, _QUOTA = "FIFO", "FAIR_SHARE", "QUOTA_SHARE"
_SHARES = ("qA", "qB", "qC")
_ATTEMPTS = 3
_MOVES_PATH = "/moto-api/config"
# The jobs of each queue: (name, share member, scheduling priority, status to move it to).
_JOBS: dict[str, tuple[tuple[str, str | None, int | None, str], ...]] = {
    _FIFO: (
        ("fifo-1", None, None, "RUNNABLE"),
        ("fifo-2", None, 5, "RUNNABLE"),
        ("fifo-3", None, None, "RUNNING"),
    ),
    _FAIR: (
        ("fair-1", "sA", 1, "RUNNABLE"),
        ("fair-2", "sB", 1, "RUNNABLE"),
        ("fair-3", "sA", 7, "RUNNABLE"),
        ("fair-4", "sA", None, "RUNNING"),
        ("fair-5", "sB", None, "SUBMITTED"),
    ),
    _QUOTA: (
        ("quota-1", "qA", None, "RUNNABLE"),
        ("quota-2", "qA", 3, "RUNNABLE"),
        ("quota-3", "qB", None, "RUNNABLE"),
        ("quota-4", "qB", None, "RUNNING"),
    ),
}
_PAYLOAD = {"TrainingJobName": "t", "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 2}}


def check_snapshot_endpoint(run: EndpointRun) -> None:
    """Make the queues and jobs, check the queue operations, judge each queue's snapshot (see the module
    documentation); what it made is left for ``clean_up``."""
    base = f"{PREFIX}-snap-{secrets.token_hex(4)}"
    queues = _make_queues(run, base)
    if queues is None:
        return
    _check_quota_shares(run, queues)
    jobs = _submit_jobs(run, queues)
    if jobs is None:
        return
    _move_jobs(run, jobs)
    _check_snapshot_request(run)
    for kind, queue in queues.items():
        _judge_queue(run, kind, queue)


def _make_queues(run: EndpointRun, base: str) -> dict[str, str] | None:
    with run.tally.case("the snapshot run's queues", "QS-1") as log:
        environment = run.operation(
            "CreateServiceEnvironment",
            {
                "serviceEnvironmentName": base,
                "serviceEnvironmentType": "SAGEMAKER_TRAINING",
                "state": "ENABLED",
                "capacityLimits": [{"maxCapacity": 4, "capacityUnit": "NUM_INSTANCES"}],
            },
            log,
        )
        if environment.status == 200 and isinstance(environment.data, dict):
            run.created_environment = str(environment.data.get("serviceEnvironmentArn") or base)
        elif environment.status not in NOT_IMPLEMENTED:
            run.problems.append(f"CreateServiceEnvironment failed ({short(environment)}): no snapshot run")
            return None
        log.check("QS-1")
        both = {"name": f"{base}-both", "fairsharePolicy": {}, "quotaSharePolicy": {}}
        answer = run.operation("CreateSchedulingPolicy", both, log)
        if answer.status == 200 and isinstance(answer.data, dict) and isinstance(answer.data.get("arn"), str):
            run.client.call("DeleteSchedulingPolicy", {"arn": answer.data["arn"]})
        check_refused(log, "QS-1", both, answer, "a policy of both kinds is not refused")
        policies: dict[str, str | None] = {_FIFO: None}
        kinds: tuple[tuple[str, dict[str, Any]], ...] = (
            (_FAIR, {"fairsharePolicy": {}}),
            (_QUOTA, {"quotaSharePolicy": {"idleResourceAssignmentStrategy": "FIFO"}}),
        )
        for kind, member in kinds:
            made = run.operation("CreateSchedulingPolicy", {"name": f"{base}-{kind.lower()}", **member}, log)
            arn = made.data.get("arn") if isinstance(made.data, dict) else None
            if made.status != 200 or not isinstance(arn, str):
                run.notes.append(
                    f"CreateSchedulingPolicy refused a {kind} policy ({short(made)}): no snapshot run"
                )
                return None
            policies[kind] = arn
            if kind == _FAIR:
                run.created_policy = arn
            else:
                run.created_quota_policy = arn
        queues: dict[str, str] = {}
        for kind, policy in policies.items():
            name = f"{base}-{kind.lower()}"
            queue_request: dict[str, Any] = {
                "jobQueueName": name,
                "state": "ENABLED",
                "priority": 1,
                "jobQueueType": "SAGEMAKER_TRAINING",
                "serviceEnvironmentOrder": [
                    {"order": 1, "serviceEnvironment": run.created_environment or base}
                ],
            }
            if policy is not None:
                queue_request["schedulingPolicyArn"] = policy
            made = run.operation("CreateJobQueue", queue_request, log)
            if made.status != 200:
                run.problems.append(f"CreateJobQueue refused ({short(made)}): no snapshot run")
                return None
            arn = made.data.get("jobQueueArn") if isinstance(made.data, dict) else None
            run.created_queues.append(arn if isinstance(arn, str) and arn else name)
            queues[kind] = name
        _check_described_queues(run, queues, policies, log)
    return queues


def _check_described_queues(
    run: EndpointRun, queues: dict[str, str], policies: dict[str, str | None], log: CaseLog
) -> None:
    """QS-2: DescribeJobQueues answers the queues made, each with the policy it was made with."""
    log.check("QS-2")
    request = {"jobQueues": list(queues.values())}
    answer = run.operation("DescribeJobQueues", request, log)
    data = answer.data if answer.status == 200 and isinstance(answer.data, dict) else {}
    found = {
        str(item.get("jobQueueName")): item.get("schedulingPolicyArn")
        for item in data.get("jobQueues") or []
        if isinstance(item, dict)
    }
    wanted = {queue: policies[kind] for kind, queue in queues.items()}
    if found != wanted:
        log.fail(
            "QS-2",
            "DescribeJobQueues does not answer the queues made with their policies",
            jobs=(),
            request=request,
            expected=wanted,
            got=found,
        )


def _check_quota_shares(run: EndpointRun, queues: dict[str, str]) -> None:
    """QS-3, QS-4 and QS-6 on the quota shares of the quota-share queue."""
    queue = queues[_QUOTA]
    with run.tally.case("quota shares", "QS-3") as log:
        log.check("QS-3", "QS-4")
        for share in reversed(_SHARES):
            request = {
                "quotaShareName": share,
                "jobQueue": queue,
                "capacityLimits": [{"maxCapacity": 2, "capacityUnit": "NUM_INSTANCES"}],
                "resourceSharingConfiguration": {"strategy": "RESERVE"},
                "preemptionConfiguration": {"inSharePreemption": "DISABLED"},
            }
            made = run.operation("CreateQuotaShare", request, log)
            arn = made.data.get("quotaShareArn") if isinstance(made.data, dict) else None
            if made.status != 200 or not isinstance(arn, str):
                log.fail(
                    "QS-3",
                    "CreateQuotaShare is refused",
                    jobs=(),
                    request=request,
                    expected="a quotaShareArn",
                    got=made.shown(),
                )
                continue
            run.created_quota_shares.append(arn)
            if not arn.endswith(f":quota-share/{queue}/{share}"):
                log.fail(
                    "QS-4",
                    "the quota share's ARN is not quota-share/<queue>/<name>",
                    jobs=(),
                    request=request,
                    expected=f"...:quota-share/{queue}/{share}",
                    got=arn,
                )
            described = run.operation("DescribeQuotaShare", {"quotaShareArn": arn}, log)
            data = described.data if isinstance(described.data, dict) else {}
            if described.status != 200 or data.get("quotaShareName") != share:
                log.fail(
                    "QS-3",
                    "DescribeQuotaShare does not answer the share made",
                    jobs=(),
                    request={"quotaShareArn": arn},
                    expected={"quotaShareName": share},
                    got=described.shown(),
                )
        elsewhere = {**request, "quotaShareName": "qX", "jobQueue": queues[_FAIR]}
        answer = run.operation("CreateQuotaShare", elsewhere, log)
        if answer.status == 200 and isinstance(answer.data, dict):
            run.created_quota_shares.append(str(answer.data.get("quotaShareArn")))
        check_refused(log, "QS-3", elsewhere, answer, "a quota share of a fair-share queue is not refused")
    with run.tally.case("ListQuotaShares pages", "QS-6") as log:
        log.check("QS-6")
        names: list[Any] = []
        listing: dict[str, Any] = {"jobQueue": queue, "maxResults": 1}
        for _ in range(len(_SHARES) + 2):
            page = run.operation("ListQuotaShares", listing, log)
            data = page.data if page.status == 200 and isinstance(page.data, dict) else {}
            shares = data.get("quotaShares")
            names += [item.get("quotaShareName") for item in shares or [] if isinstance(item, dict)]
            token = data.get("nextToken")
            if not isinstance(token, str):
                break
            listing = {**listing, "nextToken": token}
        if names != list(_SHARES):
            log.fail(
                "QS-6",
                "ListQuotaShares pages are not the shares in code-point order",
                jobs=(),
                request={"jobQueue": queue, "maxResults": 1},
                expected=list(_SHARES),
                got=names,
            )


def _submit_jobs(run: EndpointRun, queues: dict[str, str]) -> dict[str, list[tuple[str, str]]] | None:
    """The jobs of each queue (QS-5 on the way: share members as the policy calls for); per queue, each
    job's id and the status it is to be moved to."""
    jobs: dict[str, list[tuple[str, str]]] = {}
    with run.tally.case("SubmitServiceJob to queues of each policy", "QS-5") as log:
        log.check("QS-5", "H-4")
        for kind, queue in queues.items():
            member = {_FAIR: "shareIdentifier", _QUOTA: "quotaShareName"}.get(kind)
            jobs[kind] = []
            for name, share, priority, status in _JOBS[kind]:
                request: dict[str, Any] = {
                    "jobName": name,
                    "jobQueue": queue,
                    "serviceJobType": "SAGEMAKER_TRAINING",
                    "serviceRequestPayload": json.dumps(_PAYLOAD),
                }
                if member is not None and share is not None:
                    request[member] = share
                if priority is not None:
                    request["schedulingPriority"] = priority
                answer = run.operation("SubmitServiceJob", request, log)
                if answer.status != 200:
                    log.fail(
                        "QS-5",
                        f"a job as the {kind} queue calls for is refused",
                        jobs=(),
                        request=request,
                        expected="a job",
                        got=answer.shown(),
                    )
                    return None
                job_id = check_submit_answer(run, request, answer, log)
                if job_id is not None:
                    jobs[kind].append((job_id, status))
            wrong = {
                "jobName": "wrong-share",
                "jobQueue": queue,
                "serviceJobType": "SAGEMAKER_TRAINING",
                "serviceRequestPayload": "{}",
            }
            if kind == _FIFO:
                wrong["shareIdentifier"] = "sA"
            elif kind == _FAIR:
                wrong["quotaShareName"] = "qA"
            else:
                wrong["shareIdentifier"] = "sA"
            answer = run.operation("SubmitServiceJob", wrong, log)
            if (
                answer.status == 200
                and isinstance(answer.data, dict)
                and isinstance(answer.data.get("jobId"), str)
            ):
                run.own(answer.data["jobId"])
            check_refused(
                log, "QS-5", wrong, answer, f"a share member the {kind} queue does not take is accepted"
            )
    return jobs


def _move_jobs(run: EndpointRun, jobs: dict[str, list[tuple[str, str]]]) -> None:
    """Move the jobs to their planned statuses through the endpoint's own means, where it has them."""
    moves = [
        {"jobId": job_id, "status": status}
        for each in jobs.values()
        for job_id, status in each
        if status != "SUBMITTED"
    ]
    answer = run.client.post(_MOVES_PATH, json.dumps({"batch": {"service_job_status": moves}}).encode())
    run.invalidate()
    if answer.status in (200, 201):
        run.notes.append(f"snapshot jobs moved to RUNNABLE and RUNNING through {_MOVES_PATH}")
        return
    run.notes.append(
        f"the endpoint moves no job through {_MOVES_PATH} (HTTP {answer.status}): the fronts hold only "
        "the jobs it makes RUNNABLE by itself"
    )


def _check_snapshot_request(run: EndpointRun) -> None:
    with run.tally.case("GetJobQueueSnapshot without a jobQueue", "SN-1") as log:
        log.check("SN-1")
        answer = run.operation("GetJobQueueSnapshot", {}, log)
        check_refused(log, "SN-1", {}, answer, "a snapshot without a jobQueue is not refused")


def _judge_queue(run: EndpointRun, kind: str, queue: str) -> None:
    shares = _SHARES if kind == _QUOTA else ()
    ids = [job_id for job_id in run.submitted]
    for _ in range(_ATTEMPTS):
        before = [
            job
            for job in (run.describe(job_id) for job_id in ids)
            if job is not None and run.in_queue(job, queue)
        ]
        log = CaseLog(f"GetJobQueueSnapshot of the {kind} queue", "SN-2")
        log.calls += 1
        answer = run.operation("GetJobQueueSnapshot", {"jobQueue": queue}, log)
        after = [
            job
            for job in (run.describe(job_id) for job_id in ids)
            if job is not None and run.in_queue(job, queue)
        ]
        if before != after:
            continue
        data = answer.data if answer.status == 200 and isinstance(answer.data, dict) else None
        front = data.get("frontOfQueue") if data is not None else None
        now = front.get("lastUpdatedAt") if isinstance(front, dict) else None
        rules: tuple[str, ...] = SNAPSHOT_RULES
        if not any(job.get("status") == "RUNNABLE" for job in before):
            rules = tuple(rule for rule in rules if rule not in ("SN-2", "SN-3"))
            run.notes.append(f"no RUNNABLE job in the {kind} queue: SN-2 and SN-3 are not judged on it")
        case = SnapshotCase(
            "SN-2", log.case, tuple(before), kind, shares, queue, now if isinstance(now, int) else 0
        )
        if data is None:
            log.check("SN-1")
            log.fail(
                "SN-1",
                f"GetJobQueueSnapshot is answered HTTP {answer.status}",
                jobs=before,
                request={"jobQueue": queue},
                expected="a snapshot",
                got=answer.shown(),
            )
        else:
            judge_snapshot(case, data, log, {"jobQueue": queue}, rules)
        run.tally.add(log)
        return
    run.tally.add_unstable(SNAPSHOT_RULES)
