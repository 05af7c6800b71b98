"""GetJobQueueSnapshot and the quota-share operations over the wire: ``check_endpoint(url,
operation="GetJobQueueSnapshot")``.

The reference endpoint passes strictly. As plain ``serve`` it has no means of moving a job to RUNNABLE over
the wire, so the rules only a front shows are reported not judged there; ``serve --submitted-status
RUNNABLE`` (H-22) has them judged; an endpoint that dispatches what it is given
(the reference with its jobs moved as they are submitted) has them judged, and each mutant of it breaks
one SN or QS rule and fails under that rule alone. moto with the plug-in, whose jobs the run moves through
``/moto-api/config``, is checked in ``test_conformance_moto.py``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
from serving import ReferenceService, serving
from wire import serve_process

from listjobs_core.conformance import check_endpoint
from listjobs_core.endpoint import ReferenceService as PlainReferenceService

SNAPSHOT = "GetJobQueueSnapshot"
# The status each job of the run is moved to, by its name (the run's plan; the rest stay SUBMITTED).
RUNNING = {"fifo-3", "fair-4", "quota-4"}
WAITING = {"fair-5", "wrong-share"}


@pytest.fixture(autouse=True)
def no_ambient_aws_configuration(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in {
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    yield


def _dict(answer: Any) -> dict[str, Any]:
    return json.loads(answer) if isinstance(answer, bytes) else dict(answer)


class Dispatching(ReferenceService):
    """The reference endpoint, its jobs moved as the run plans as soon as they are submitted."""

    def submit_service_job(self, request: object) -> Any:
        answer = _dict(super().submit_service_job(request))
        name = answer["jobName"]
        if name not in WAITING:
            self.move_service_job(answer["jobId"], "RUNNING" if name in RUNNING else "RUNNABLE")
        return answer


def test_the_reference_passes_with_the_front_rules_not_judged() -> None:
    service = ReferenceService()
    with serving(service) as url:
        report = check_endpoint(url, operation=SNAPSHOT, strict=True)
    assert report.ok, str(report)
    assert [row.id for row in report.rows if row.result == "ok"] == [
        "SN-1",
        "SN-4",
        "SN-5",
        "SN-6",
        "QS-1",
        "QS-2",
        "QS-3",
        "QS-4",
        "QS-5",
        "QS-6",
    ], str(report)
    assert "no RUNNABLE job in the FIFO queue: SN-2 and SN-3 are not judged on it" in report.notes
    assert "what the run made (queues, environment, policy) was deleted" in report.notes
    assert service.queues.describe_job_queues({})["jobQueues"] == []


def test_serve_with_jobs_submitted_runnable_has_the_front_rules_judged() -> None:
    """H-22: ``serve --submitted-status RUNNABLE`` starts every submitted job waiting in its queue's front,
    so the run judges the rules only a front shows (SN-2, SN-3), which plain ``serve`` leaves unjudged."""
    with serve_process("--submitted-status", "RUNNABLE", "--quiet") as (_, url, _):
        report = check_endpoint(url, operation=SNAPSHOT, strict=True)
    assert report.ok, str(report)
    judged = {row.id for row in report.rows if row.result == "ok"}
    assert {"SN-2", "SN-3"} <= judged, str(report)
    assert not [note for note in report.notes if "not judged" in note], report.notes


def test_submitted_status_is_one_before_scheduling() -> None:
    """H-22: a submitted job may start only in a status before anything schedules it."""
    with pytest.raises(ValueError, match="submitted_status must be one of SUBMITTED, PENDING, RUNNABLE"):
        PlainReferenceService(submitted_status="RUNNING")
    service = PlainReferenceService(submitted_status="PENDING")
    request = {
        "jobName": "j",
        "jobQueue": "q",
        "serviceJobType": "SAGEMAKER_TRAINING",
        "serviceRequestPayload": "{}",
    }
    job_id = _dict(service.submit_service_job(request))["jobId"]
    assert service.describe_service_job({"jobId": job_id})["status"] == "PENDING"


def test_an_endpoint_that_dispatches_passes_every_rule_strictly() -> None:
    with serving(Dispatching()) as url:
        report = check_endpoint(url, operation=SNAPSHOT, strict=True)
    assert report.ok, str(report)
    unmet = [row.id for row in report.rows if row.checkable and row.result != "ok"]
    assert unmet == [], str(report)


class FrontShort(Dispatching):
    def get_job_queue_snapshot(self, request: object) -> Any:
        answer = _dict(super().get_job_queue_snapshot(request))
        answer["frontOfQueue"]["jobs"] = answer["frontOfQueue"]["jobs"][:-1]
        return answer


class FrontReversed(Dispatching):
    def get_job_queue_snapshot(self, request: object) -> Any:
        answer = _dict(super().get_job_queue_snapshot(request))
        answer["frontOfQueue"]["jobs"].reverse()
        return answer


class PositionTimeShifted(Dispatching):
    def get_job_queue_snapshot(self, request: object) -> Any:
        answer = _dict(super().get_job_queue_snapshot(request))
        for entry in answer["frontOfQueue"]["jobs"]:
            entry["earliestTimeAtPosition"] += 1
        return answer


class EmptySharesLeftOut(Dispatching):
    def get_job_queue_snapshot(self, request: object) -> Any:
        answer = _dict(super().get_job_queue_snapshot(request))
        fronts = answer.get("frontOfQuotaShares")
        if fronts is not None:
            fronts["quotaShares"] = {name: jobs for name, jobs in fronts["quotaShares"].items() if jobs}
        return answer


class ActiveSharesMiscounted(Dispatching):
    def get_job_queue_snapshot(self, request: object) -> Any:
        answer = _dict(super().get_job_queue_snapshot(request))
        fair = answer["queueUtilization"].get("fairshareUtilization")
        if fair is not None:
            fair["activeShareCount"] += 1
        return answer


class UtilizationEarlier(Dispatching):
    def get_job_queue_snapshot(self, request: object) -> Any:
        answer = _dict(super().get_job_queue_snapshot(request))
        answer["queueUtilization"]["lastUpdatedAt"] -= 1000
        return answer


class BothPolicyKinds(Dispatching):
    def create_scheduling_policy(self, request: object) -> Any:
        if isinstance(request, dict) and "fairsharePolicy" in request and "quotaSharePolicy" in request:
            request = {name: value for name, value in request.items() if name != "quotaSharePolicy"}
        return super().create_scheduling_policy(request)


class QueuesWithoutPolicies(Dispatching):
    def describe_job_queues(self, request: object) -> Any:
        answer = _dict(super().describe_job_queues(request))
        for queue in answer["jobQueues"]:
            queue.pop("schedulingPolicyArn", None)
        return answer


class SharesDescribedUpperCase(Dispatching):
    def describe_quota_share(self, request: object) -> Any:
        answer = _dict(super().describe_quota_share(request))
        answer["quotaShareName"] = answer["quotaShareName"].upper()
        return answer


_OTHER_FORM = ":quota-share-of/"


def _inner(request: object) -> object:
    if isinstance(request, dict) and isinstance(request.get("quotaShareArn"), str):
        return {**request, "quotaShareArn": request["quotaShareArn"].replace(_OTHER_FORM, ":quota-share/")}
    return request


class OtherArnForm(Dispatching):
    def create_quota_share(self, request: object) -> Any:
        answer = _dict(super().create_quota_share(request))
        answer["quotaShareArn"] = answer["quotaShareArn"].replace(":quota-share/", _OTHER_FORM)
        return answer

    def describe_quota_share(self, request: object) -> Any:
        return super().describe_quota_share(_inner(request))

    def update_quota_share(self, request: object) -> Any:
        return super().update_quota_share(_inner(request))

    def delete_quota_share(self, request: object) -> Any:
        return super().delete_quota_share(_inner(request))


class FifoTakesShares(Dispatching):
    def submit_service_job(self, request: object) -> Any:
        if isinstance(request, dict) and str(request.get("jobQueue")).endswith("-fifo"):
            request = {name: value for name, value in request.items() if name != "shareIdentifier"}
        return super().submit_service_job(request)


class OnePageOfShares(Dispatching):
    def list_quota_shares(self, request: object) -> Any:
        answer = _dict(super().list_quota_shares(request))
        answer.pop("nextToken", None)
        return answer


MUTANTS = [
    (FrontShort, "SN-1"),
    (FrontReversed, "SN-2"),
    (PositionTimeShifted, "SN-3"),
    (EmptySharesLeftOut, "SN-4"),
    (ActiveSharesMiscounted, "SN-5"),
    (UtilizationEarlier, "SN-6"),
    (BothPolicyKinds, "QS-1"),
    (QueuesWithoutPolicies, "QS-2"),
    (SharesDescribedUpperCase, "QS-3"),
    (OtherArnForm, "QS-4"),
    (FifoTakesShares, "QS-5"),
    (OnePageOfShares, "QS-6"),
]


@pytest.mark.parametrize(("mutant", "rule"), MUTANTS, ids=[rule for _, rule in MUTANTS])
def test_each_mutant_fails_under_its_rule_alone(mutant: type[Dispatching], rule: str) -> None:
    with serving(mutant()) as url:
        report = check_endpoint(url, operation=SNAPSHOT, strict=True)
    failing = [row.id for row in report.rows if row.result == "FAIL"]
    assert failing == [rule], str(report)
    assert report.ok is False
