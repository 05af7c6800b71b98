"""The conformance kit over the wire on a queue with a quota-share policy: QUOTA_SHARE_NAME checked there.

The model lets only a queue with a quota-share scheduling policy take ``quotaShareName``. So the run makes
such a queue, with quota shares, where the endpoint lets it, and lists the jobs it submits there by
QUOTA_SHARE_NAME (S-4), even when the endpoint refuses the name on every other queue. An endpoint that
makes no quota-share queue and refuses the name elsewhere leaves the filter unchecked, and says so.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from serving import ReferenceService, jobs_of, serving

from listjobs_core import ClientException, list_service_jobs
from listjobs_core.conformance import check_endpoint

ENVIRONMENT = {
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
}


@pytest.fixture(autouse=True)
def no_ambient_aws_configuration(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    yield


class StrictQuotaNames(ReferenceService):
    """The model's rule on every queue: ``quotaShareName`` only in a queue the endpoint holds with a
    quota-share policy (the reference takes both share members on a queue it does not hold)."""

    def submit_service_job(self, request: object) -> Any:
        if isinstance(request, dict) and request.get("quotaShareName") is not None:
            queue = str(request.get("jobQueue"))
            held = self.queues.describe_job_queues({"jobQueues": [queue]})["jobQueues"]
            if not held or not held[0].get("schedulingPolicyArn"):
                raise ClientException(
                    f"quotaShareName is not allowed: job queue {queue} has no quota-share policy"
                )
        return super().submit_service_job(request)


class QuotaFilterIgnoresStatus(StrictQuotaNames):
    """S-4 broken for QUOTA_SHARE_NAME only: the filter lists jobs of every status."""

    def list_service_jobs(self, request: object) -> dict[str, Any]:
        filters = request.get("filters") if isinstance(request, dict) else None
        if isinstance(request, dict) and filters and filters[0].get("name") == "QUOTA_SHARE_NAME":
            inner = {name: value for name, value in request.items() if name != "jobStatus"}
            return list_service_jobs(jobs_of(self), inner)
        return super().list_service_jobs(request)


class NoQuotaShares(StrictQuotaNames):
    """An endpoint that makes no quota shares."""

    def create_quota_share(self, request: object) -> Any:
        raise ClientException("quota shares are not supported here")


def _notes(report: Any) -> str:
    return "\n".join(report.notes)


def test_the_reference_checks_quota_share_names_on_a_quota_share_queue() -> None:
    """The run makes a quota-share queue with its shares, lists it by QUOTA_SHARE_NAME, passes S-4, and
    deletes what it made."""
    service = ReferenceService()
    with serving(service) as url:
        report = check_endpoint(url, examples=0)
    assert report.ok, str(report)
    assert report.row("S-4").result == "ok", str(report)
    notes = _notes(report)
    assert "quota-share queue: listjobs-conformance-" in notes, notes
    assert "the QUOTA_SHARE_NAME filter (S-4) is checked there" in notes, notes
    assert "was deleted" in notes, notes
    assert service.queues.describe_job_queues({})["jobQueues"] == []
    quota_jobs = [job for job in jobs_of(service) if str(job.get("jobQueue", "")).endswith("-quota")]
    assert {job["quotaShareName"] for job in quota_jobs} == {"qA", "QA", "qB"}
    assert all("shareIdentifier" not in job for job in quota_jobs)


def test_an_endpoint_refusing_quota_names_elsewhere_is_still_checked_on_the_quota_share_queue() -> None:
    """Where quotaShareName is refused on the run's other queues, S-4's QUOTA_SHARE_NAME listings are
    those of the quota-share queue: they pass for the model's endpoint and fail a broken filter."""
    with serving(StrictQuotaNames()) as url:
        report = check_endpoint(url, examples=0)
    assert report.ok, str(report)
    assert "is checked on the quota-share queue listjobs-conformance-" in _notes(report), str(report)
    with serving(QuotaFilterIgnoresStatus()) as url:
        broken = check_endpoint(url, examples=0)
    assert broken.row("S-4").result == "FAIL", str(broken)
    failing = [row.id for row in broken.rows if row.result == "FAIL"]
    assert failing == ["S-4"], str(broken)


def test_without_quota_shares_the_filter_is_reported_unchecked() -> None:
    """No quota shares and no quotaShareName elsewhere: the run goes on without the name and says that
    QUOTA_SHARE_NAME is not checked."""
    service = NoQuotaShares()
    with serving(service) as url:
        report = check_endpoint(url, examples=0)
    assert report.ok, str(report)
    notes = _notes(report)
    assert "no quota shares in the quota-share queue" in notes, notes
    assert "the QUOTA_SHARE_NAME filter (S-4) is not checked" in notes, notes
    assert all("quotaShareName" not in job for job in jobs_of(service))
    assert service.queues.describe_job_queues({})["jobQueues"] == []
