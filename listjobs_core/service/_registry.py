"""``QueueRegistry``: the scheduling policies, job queues and quota shares of one region and account.

Theory of operation: the registry keeps three kinds of resources, each by its identity: scheduling
policies by ARN, job queues by name (a queue's ARN in this region and account names it too, IN-2), and
quota shares by queue and name. It answers their operations (CreateSchedulingPolicy,
DescribeSchedulingPolicies, DeleteSchedulingPolicy, CreateJobQueue, DescribeJobQueues, DeleteJobQueue,
and the five quota-share operations; rules QS-1 to QS-6), and holds the rule SubmitServiceJob follows on a
queue it knows (QS-5). A queue it does not know is an implicit queue, as every queue was before the
registry: jobs name it and nothing is checked of it.

Nothing here speaks HTTP or stores jobs; the reference endpoint and the moto plug-in call it. Every
operation runs under ``lock``, a re-entrant lock a shell may also hold around a check and a submit.
"""

from __future__ import annotations

import threading
from bisect import bisect_right, insort
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .._arns import DEFAULT_PARTITION, JOB_QUEUE, batch_arn, parse_batch_arn
from .._errors import ClientException
from .._json import json_kind, show
from ._identity import DEFAULT_ACCOUNT, DEFAULT_REGION
from ._quota_shares import (
    QUOTA_SHARE_ARN,
    QuotaShare,
    parse_create_quota_share,
    parse_quota_share_arn,
    parse_update_quota_share,
    quota_share_arn,
    updated_share,
)
from ._requests import SubmitServiceJob, integer, request_object, required_string, string
from ._resource_tokens import decode_resource_token, encode_resource_token
from ._scheduling import (
    FAIR_SHARE,
    FIFO,
    QUOTA_SHARE,
    JobQueue,
    SchedulingPolicy,
    parse_create_job_queue,
    parse_create_scheduling_policy,
)

__all__ = ["MAX_RESULTS", "QueueRegistry"]

# QS-6, model (DescribeJobQueuesRequest.maxResults): "This value can be between 1 and 100. If this
# parameter isn't used, then DescribeJobQueues returns up to 100 results"; ListQuotaShares, decision: the
# same. DescribeSchedulingPoliciesRequest.arns and DescribeJobQueuesRequest.jobQueues: "up to 100".
MAX_RESULTS = 100
_SCHEDULING_POLICY = "scheduling-policy"


@dataclass(frozen=True)
class _HeldQueue:
    sequence: int
    queue: JobQueue


class QueueRegistry:
    """The scheduling policies, job queues and quota shares of one region and account.

    >>> registry = QueueRegistry()
    >>> policy = registry.create_scheduling_policy({"name": "shares",
    ...     "quotaSharePolicy": {"idleResourceAssignmentStrategy": "FIFO"}})
    >>> policy["arn"]
    'arn:aws:batch:us-east-1:123456789012:scheduling-policy/shares'
    >>> registry.create_job_queue({"jobQueueName": "q", "priority": 1,
    ...     "schedulingPolicyArn": policy["arn"]})["jobQueueArn"]
    'arn:aws:batch:us-east-1:123456789012:job-queue/q'
    >>> share = registry.create_quota_share({"quotaShareName": "team-a", "jobQueue": "q",
    ...     "capacityLimits": [{"maxCapacity": 4, "capacityUnit": "ml.m5.large"}],
    ...     "resourceSharingConfiguration": {"strategy": "RESERVE"},
    ...     "preemptionConfiguration": {"inSharePreemption": "DISABLED"}})
    >>> share["quotaShareArn"]
    'arn:aws:batch:us-east-1:123456789012:quota-share/q/team-a'
    >>> registry.scheduling_kind("q"), registry.quota_share_names("q")
    ('QUOTA_SHARE', ['team-a'])
    """

    def __init__(
        self,
        *,
        region: str = DEFAULT_REGION,
        account: str = DEFAULT_ACCOUNT,
        partition: str = DEFAULT_PARTITION,
        token_key: bytes | None = None,
    ) -> None:
        self.region = region
        self.account = account
        self.partition = partition
        self.token_key = token_key
        self.lock = threading.RLock()
        self._policies: dict[str, SchedulingPolicy] = {}
        self._queues: dict[str, _HeldQueue] = {}
        self._shares: dict[str, dict[str, QuotaShare]] = {}
        # Queue name -> the names of its shares in code-point order (QS-6), so a page of ListQuotaShares
        # is a binary search and a slice, never a sort of every share.
        self._share_names: dict[str, list[str]] = {}
        self._sequence = 0

    # --- looking resources up ---------------------------------------------------------------------------

    def queue(self, identifier: str) -> JobQueue | None:
        """The queue a name or ARN names here, ``None`` for any other (an implicit queue, QS-2)."""
        arn = parse_batch_arn(identifier, JOB_QUEUE)
        if arn is not None:
            if (arn.partition, arn.region, arn.account) != (self.partition, self.region, self.account):
                return None
            identifier = arn.resource_id
        with self.lock:
            held = self._queues.get(identifier)
        return None if held is None else held.queue

    def _known_queue(self, identifier: str, member: str = "jobQueue") -> JobQueue:
        queue = self.queue(identifier)
        if queue is None:
            raise ClientException(f"{member} {show(identifier)} does not identify a job queue")
        return queue

    def scheduling_kind(self, identifier: str) -> str:
        """How the queue an identifier names orders its RUNNABLE jobs: ``FIFO`` without a scheduling policy
        (and for an implicit queue), else its policy's kind, ``FAIR_SHARE`` or ``QUOTA_SHARE``."""
        queue = self.queue(identifier)
        if queue is None or queue.scheduling_policy_arn is None:
            return FIFO
        return self.policy_kind(queue.scheduling_policy_arn) or FIFO

    def policy_kind(self, arn: str) -> str | None:
        """The kind of the scheduling policy an ARN names, ``None`` when it names none held here."""
        with self.lock:
            policy = self._policies.get(arn)
        return None if policy is None else policy.kind

    def forget_queue(self, name: str) -> None:
        """Drop the quota shares of the queue of this name, which is gone (QS-2)."""
        with self.lock:
            self._shares.pop(name, None)
            self._share_names.pop(name, None)

    def quota_share_names(self, identifier: str) -> list[str]:
        """The names of the quota shares of the queue an identifier names, in code-point order."""
        queue = self.queue(identifier)
        if queue is None:
            return []
        with self.lock:
            return list(self._share_names.get(queue.name, ()))

    # --- scheduling policies (QS-1) ---------------------------------------------------------------------

    def create_scheduling_policy(self, request: object) -> dict[str, Any]:
        """CreateSchedulingPolicy: a new policy of one kind; the answer is its name and ARN."""
        name, kind, policy, tags = parse_create_scheduling_policy(request)
        arn = batch_arn(_SCHEDULING_POLICY, name, self.region, self.account, self.partition)
        with self.lock:
            if arn in self._policies:
                raise ClientException(f"Scheduling policy {name} already exists")
            self._policies[arn] = SchedulingPolicy(name, arn, kind, policy, tags)
        return {"name": name, "arn": arn}

    def describe_scheduling_policies(self, request: object) -> dict[str, Any]:
        """DescribeSchedulingPolicies: the policies of ``arns`` (1 to 100), in request order, each once;
        an ARN that names no policy is left out."""
        arns = _string_list(request_object(request), "arns", required=True) or []
        with self.lock:
            found = [self._policies[arn] for arn in dict.fromkeys(arns) if arn in self._policies]
        return {"schedulingPolicies": [policy.detail() for policy in found]}

    def delete_scheduling_policy(self, request: object) -> dict[str, Any]:
        """DeleteSchedulingPolicy: "You can't delete a scheduling policy that's used in any job queues"."""
        arn = required_string(request_object(request), "arn")
        with self.lock:
            if arn not in self._policies:
                raise ClientException(f"arn {show(arn)} does not identify a scheduling policy")
            users = [
                held.queue.name for held in self._queues.values() if held.queue.scheduling_policy_arn == arn
            ]
            if users:
                raise ClientException(
                    f"Scheduling policy {arn} is used by job queue {users[0]}; "
                    "a scheduling policy that's used in any job queues can't be deleted"
                )
            del self._policies[arn]
        return {}

    # --- job queues (QS-2) --------------------------------------------------------------------------------

    def create_job_queue(self, request: object) -> dict[str, Any]:
        """CreateJobQueue: a new queue; its ``schedulingPolicyArn`` must name a policy held here."""
        queue = parse_create_job_queue(
            request, lambda name: batch_arn(JOB_QUEUE, name, self.region, self.account, self.partition)
        )
        with self.lock:
            if queue.name in self._queues:
                raise ClientException(f"Job queue {queue.name} already exists")
            policy_arn = queue.scheduling_policy_arn
            if policy_arn is not None and policy_arn not in self._policies:
                raise ClientException(
                    f"schedulingPolicyArn {show(policy_arn)} does not identify a scheduling policy"
                )
            self._sequence += 1
            self._queues[queue.name] = _HeldQueue(self._sequence, queue)
        return {"jobQueueName": queue.name, "jobQueueArn": queue.arn}

    def describe_job_queues(self, request: object) -> dict[str, Any]:
        """DescribeJobQueues: the queues of ``jobQueues`` (up to 100 names or ARNs; one that names no queue
        is left out), or every queue, in creation order, ``maxResults`` at a time (QS-6)."""
        request = request_object(request)
        # An empty jobQueues is no selection, as an absent one (botocore sends no empty list anyway).
        names = _string_list(request, "jobQueues", required=False) or None
        max_results = _max_results(request)
        bound_to = "\x00".join(names) if names is not None else "\x01all"
        after = -1
        if request.get("nextToken") is not None:
            after = int(
                decode_resource_token(request["nextToken"], "DescribeJobQueues", bound_to, self.token_key)
            )
        with self.lock:
            if names is None:
                held = list(self._queues.values())
            else:
                chosen = {queue.name: queue for queue in (self.queue(name) for name in names) if queue}
                held = [self._queues[name] for name in chosen]
        held = sorted((item for item in held if item.sequence > after), key=lambda item: item.sequence)
        page = held[:max_results]
        answer: dict[str, Any] = {"jobQueues": [item.queue.detail() for item in page]}
        if len(held) > max_results:
            last = str(page[-1].sequence)
            answer["nextToken"] = encode_resource_token("DescribeJobQueues", bound_to, last, self.token_key)
        return answer

    def delete_job_queue(self, request: object) -> dict[str, Any]:
        """DeleteJobQueue: the queue and its quota shares go; its jobs stay, in a queue now implicit
        (QS-2). The queue need not be disabled first: the endpoint has no UpdateJobQueue."""
        queue = self._known_queue(required_string(request_object(request), "jobQueue"))
        with self.lock:
            self._queues.pop(queue.name, None)
            self.forget_queue(queue.name)
        return {}

    # --- quota shares (QS-3, QS-4, QS-6) -------------------------------------------------------------------

    def create_quota_share(self, request: object) -> dict[str, Any]:
        """CreateQuotaShare: a new share of a queue with a quota-share policy, its name new in the queue."""
        name, queue_identifier, settings = parse_create_quota_share(request)
        with self.lock:
            queue = self._known_queue(queue_identifier)
            if self.scheduling_kind(queue.arn) != QUOTA_SHARE:
                raise ClientException(
                    f"Job queue {queue.name} has no quota-share scheduling policy; quota shares need one"
                )
            shares = self._shares.setdefault(queue.name, {})
            if name in shares:
                raise ClientException(f"Quota share {name} already exists in job queue {queue.name}")
            arn = quota_share_arn(self.partition, self.region, self.account, queue.name, name)
            shares[name] = QuotaShare(name, arn, queue.arn, **settings)
            insort(self._share_names.setdefault(queue.name, []), name)
        return {"quotaShareName": name, "quotaShareArn": arn}

    def _share(self, arn: str) -> QuotaShare:
        match = QUOTA_SHARE_ARN.fullmatch(arn)
        share = None
        if match is not None and (match["partition"], match["region"], match["account"]) == (
            self.partition,
            self.region,
            self.account,
        ):
            share = self._shares.get(match["queue"], {}).get(match["name"])
        if share is None:
            raise ClientException(f"quotaShareArn {show(arn)} does not identify a quota share")
        return share

    def describe_quota_share(self, request: object) -> dict[str, Any]:
        """DescribeQuotaShare: the share an ARN names, with its tags."""
        arn = parse_quota_share_arn(request_object(request))
        with self.lock:
            return self._share(arn).description()

    def update_quota_share(self, request: object) -> dict[str, Any]:
        """UpdateQuotaShare: the settings given replace the share's; the answer is its name and ARN."""
        arn, changes = parse_update_quota_share(request)
        with self.lock:
            share = updated_share(self._share(arn), changes)
            self._shares[share.job_queue_arn.rsplit("/", 1)[1]][share.name] = share
        return {"quotaShareName": share.name, "quotaShareArn": share.arn}

    def delete_quota_share(self, request: object) -> dict[str, Any]:
        """DeleteQuotaShare: the share goes; jobs that name it keep its name."""
        arn = parse_quota_share_arn(request_object(request))
        with self.lock:
            share = self._share(arn)
            queue_name = share.job_queue_arn.rsplit("/", 1)[1]
            del self._shares[queue_name][share.name]
            names = self._share_names[queue_name]
            del names[bisect_right(names, share.name) - 1]
        return {}

    def list_quota_shares(self, request: object) -> dict[str, Any]:
        """ListQuotaShares: the shares of ``jobQueue`` in code-point order of their names, ``maxResults``
        (1 to 100, default 100) at a time, with a ``nextToken`` bound to the queue (QS-6)."""
        request = request_object(request)
        queue_identifier = required_string(request, "jobQueue")
        max_results = _max_results(request)
        queue = self._known_queue(queue_identifier)
        after = None
        if request.get("nextToken") is not None:
            after = decode_resource_token(request["nextToken"], "ListQuotaShares", queue.arn, self.token_key)
        with self.lock:
            # O(log S + page) for S shares: the page starts after the token's name (QS-6).
            names = self._share_names.get(queue.name, [])
            start = 0 if after is None else bisect_right(names, after)
            held = self._shares.get(queue.name, {})
            shares = [held[name] for name in names[start : start + max_results + 1]]
        page = shares[:max_results]
        answer: dict[str, Any] = {"quotaShares": [share.detail() for share in page]}
        if len(shares) > max_results:
            answer["nextToken"] = encode_resource_token(
                "ListQuotaShares", queue.arn, page[-1].name, self.token_key
            )
        return answer

    # --- SubmitServiceJob on a queue held here (QS-5) ------------------------------------------------------

    def check_submit(self, submit: SubmitServiceJob) -> None:
        """QS-5: a submit to a queue held here meets the queue's rules: the queue is ``ENABLED`` and of type
        ``SAGEMAKER_TRAINING`` (or of no known type); ``shareIdentifier`` is given exactly when its policy is
        a fair-share policy, ``quotaShareName`` exactly when it is a quota-share policy, naming an
        ``ENABLED`` quota share of the queue. A queue not held here is implicit: nothing is checked."""
        with self.lock:
            queue = self.queue(submit.job_queue)
            if queue is None:
                return
            if queue.state != "ENABLED":
                # Model, JQState: "new jobs can't be added to the queue".
                raise ClientException(
                    f"Job queue {queue.name} is {queue.state}: new jobs can't be added to it"
                )
            if queue.job_queue_type not in (None, "SAGEMAKER_TRAINING"):
                raise ClientException(
                    f"Job queue {queue.name} is of type {queue.job_queue_type}; service jobs need a job "
                    "queue of type SAGEMAKER_TRAINING"
                )
            self.check_share_members(queue, dict(submit.options))

    def check_share_members(self, queue: JobQueue, options: Mapping[str, Any]) -> None:
        """QS-5: the share members a submit to ``queue`` gives (``options``, wire names) are those its
        scheduling policy calls for; a quota share named must be an ``ENABLED`` share of the queue.
        ``quota_share_elsewhere`` keeps a ``quotaShareName`` given to a queue without a quota-share policy
        as it is (the moto plug-in's queues, MS-15), where QS-5 refuses it."""
        with self.lock:
            kind = self.scheduling_kind(queue.arn)
            # Model, SubmitServiceJobRequest.shareIdentifier: "Don't specify this parameter if the job
            # queue doesn't have a fair-share scheduling policy. If the job queue has a fair-share
            # scheduling policy, then this parameter must be specified." quotaShareName: the same of a
            # quota share scheduling policy.
            for member, policy_kind, policy_name in (
                ("shareIdentifier", FAIR_SHARE, "fair-share"),
                ("quotaShareName", QUOTA_SHARE, "quota-share"),
            ):
                given = options.get(member) is not None
                if kind == policy_kind and not given:
                    raise ClientException(
                        f"{member} is required: job queue {queue.name} has a {policy_name} scheduling policy"
                    )
                if kind != policy_kind and given:
                    raise ClientException(
                        f"{member} must not be given: job queue {queue.name} has no {policy_name} "
                        "scheduling policy"
                    )
            if kind == QUOTA_SHARE:
                name = options["quotaShareName"]
                share = self._shares.get(queue.name, {}).get(name)
                if share is None:
                    raise ClientException(
                        f"quotaShareName {show(name)} does not identify a quota share of job queue "
                        f"{queue.name}"
                    )
                if share.state != "ENABLED":
                    # Model, QuotaShareState: "If the quota share is DISABLED, new jobs won't be accepted".
                    raise ClientException(f"Quota share {name} is DISABLED: new jobs won't be accepted")


def _string_list(request: Mapping[str, Any], member: str, *, required: bool) -> list[str] | None:
    value = request.get(member)
    if value is None:
        if required:
            raise ClientException(f"{member} is required")
        return None
    if not isinstance(value, list):
        raise ClientException(f"{member} must be a list, got {json_kind(value)}")
    if len(value) > MAX_RESULTS:
        raise ClientException(f"{member} must hold at most {MAX_RESULTS} entries, got {len(value)}")
    return [string(item, f"{member}[{index}]") for index, item in enumerate(value)]


def _max_results(request: Mapping[str, Any]) -> int:
    value = request.get("maxResults")
    return MAX_RESULTS if value is None else integer(value, "maxResults", 1, MAX_RESULTS)
