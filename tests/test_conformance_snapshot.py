"""The conformance kit on GetJobQueueSnapshot in process: ``check(adapter, operation="GetJobQueueSnapshot")``.

The reference passes, strictly, over the designed queues and generated ones; each mutant below breaks one
SN rule of the reference and fails under that rule alone (an advisory for a decision, a failure when
strict).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pytest

from listjobs_core._snapshot import job_queue_snapshot
from listjobs_core.conformance import check

SNAPSHOT = "GetJobQueueSnapshot"
Snapshot = Callable[..., dict[str, Any]]


def test_the_reference_passes_every_snapshot_rule_strictly() -> None:
    report = check(job_queue_snapshot, operation=SNAPSHOT, examples=200, strict=True)
    assert report.ok, str(report)
    assert [row.id for row in report.rows] == ["SN-1", "SN-2", "SN-3", "SN-4", "SN-5", "SN-6", "SN-7"]
    assert [row.id for row in report.rows if row.result == "ok"] == [f"SN-{n}" for n in range(1, 7)]
    assert not report.row("SN-7").checkable
    assert str(report).startswith("GetJobQueueSnapshot conformance of ")


def _reference(jobs: Iterable[Mapping[str, Any]], **arguments: Any) -> dict[str, Any]:
    return job_queue_snapshot(jobs, **arguments)


def front_cut_at_99(jobs: Iterable[Mapping[str, Any]], **arguments: Any) -> dict[str, Any]:
    """SN-1: the front holds 99 jobs at most."""
    answer = _reference(jobs, **arguments)
    answer["frontOfQueue"]["jobs"] = answer["frontOfQueue"]["jobs"][:99]
    return answer


def fair_share_ignores_usage(jobs: Iterable[Mapping[str, Any]], **arguments: Any) -> dict[str, Any]:
    """SN-2: a fair-share queue dispatched by priority and submission time only."""
    kept = [dict(job) for job in jobs]
    answer = _reference(kept, **arguments)
    if arguments.get("scheduling") == "FAIR_SHARE":
        stripped = [{k: v for k, v in job.items() if k != "shareIdentifier"} for job in kept]
        answer["frontOfQueue"] = _reference(stripped, **arguments)["frontOfQueue"]
    return answer


def time_at_position_is_now(jobs: Iterable[Mapping[str, Any]], **arguments: Any) -> dict[str, Any]:
    """SN-3: earliestTimeAtPosition is the snapshot's time, not createdAt."""
    answer = _reference(jobs, **arguments)
    for entry in answer["frontOfQueue"]["jobs"]:
        entry["earliestTimeAtPosition"] = arguments["now_ms"]
    return answer


def empty_quota_shares_left_out(jobs: Iterable[Mapping[str, Any]], **arguments: Any) -> dict[str, Any]:
    """SN-4: a quota share without a RUNNABLE job is not listed."""
    answer = _reference(jobs, **arguments)
    fronts = answer.get("frontOfQuotaShares")
    if fronts is not None:
        fronts["quotaShares"] = {name: front for name, front in fronts["quotaShares"].items() if front}
    return answer


def starting_jobs_hold_no_capacity(jobs: Iterable[Mapping[str, Any]], **arguments: Any) -> dict[str, Any]:
    """SN-5 (through SN-1's statuses in use): STARTING jobs are left out of the utilization."""
    kept = [dict(job) for job in jobs]
    answer = _reference(kept, **arguments)
    others = [job for job in kept if job.get("status") != "STARTING"]
    answer["queueUtilization"] = _reference(others, **arguments)["queueUtilization"]
    return answer


def utilization_updated_a_second_ago(jobs: Iterable[Mapping[str, Any]], **arguments: Any) -> dict[str, Any]:
    """SN-6: queueUtilization.lastUpdatedAt is a second before the snapshot."""
    answer = _reference(jobs, **arguments)
    answer["queueUtilization"]["lastUpdatedAt"] = arguments["now_ms"] - 1000
    return answer


MUTANTS: list[tuple[Snapshot, str]] = [
    (front_cut_at_99, "SN-1"),
    (fair_share_ignores_usage, "SN-2"),
    (time_at_position_is_now, "SN-3"),
    (empty_quota_shares_left_out, "SN-4"),
    (starting_jobs_hold_no_capacity, "SN-5"),
    (utilization_updated_a_second_ago, "SN-6"),
]


@pytest.mark.parametrize(("mutant", "rule"), MUTANTS, ids=[rule for _, rule in MUTANTS])
def test_each_mutant_fails_under_its_rule_alone(mutant: Snapshot, rule: str) -> None:
    report = check(mutant, operation=SNAPSHOT, examples=50, strict=True)
    failing = [row.id for row in report.rows if row.result == "FAIL"]
    assert failing == [rule], str(report)
    decision = report.row(rule).rule.source == "decision"
    lenient = check(mutant, operation=SNAPSHOT, examples=0)
    assert lenient.ok is decision, str(lenient)


def test_a_crashing_adapter_is_reported_and_rules_are_chosen_by_id() -> None:
    def crashing(jobs: Iterable[Mapping[str, Any]], **arguments: Any) -> dict[str, Any]:
        raise KeyError("jobArn")

    report = check(crashing, operation=SNAPSHOT)
    assert not report.ok
    assert report.crashes and report.crashes[0].what == "raised KeyError", str(report)
    only = check(job_queue_snapshot, operation=SNAPSHOT, rules=["SN-2"])
    assert [row.id for row in only.rows] == ["SN-2"]
    with pytest.raises(ValueError, match="GetJobQueueSnapshot has the SN rules"):
        check(job_queue_snapshot, operation=SNAPSHOT, rules=["S-1"])
