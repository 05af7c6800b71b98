"""The conformance kit on ListJobsByConsumableResource in process: ``check(adapter,
operation="ListJobsByConsumableResource")``.

The reference passes strictly; each mutant breaks one CR rule and fails under that rule alone (an advisory
for a decision unless strict).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from listjobs_core import ClientException, list_jobs_by_consumable_resource
from listjobs_core.conformance import check

OPERATION = "ListJobsByConsumableResource"
Adapter = Callable[[list[dict[str, Any]], Any], dict[str, Any]]


def _reference(jobs: list[dict[str, Any]], request: Any) -> dict[str, Any]:
    return list_jobs_by_consumable_resource(jobs, request)


def test_the_reference_passes_every_cr_rule_strictly() -> None:
    report = check(list_jobs_by_consumable_resource, operation=OPERATION, strict=True)
    assert report.ok, str(report)
    assert [row.id for row in report.rows if row.result == "ok"] == [f"CR-{n}" for n in range(1, 10)]


def default_page_of_fifty(jobs: list[dict[str, Any]], request: Any) -> dict[str, Any]:
    """CR-1: 50 jobs a page when maxResults is absent."""
    if isinstance(request, dict) and "maxResults" not in request:
        request = {**request, "maxResults": 50}
    return _reference(jobs, request)


def arn_only_matches_arn(jobs: list[dict[str, Any]], request: Any) -> dict[str, Any]:
    """CR-2: a resource ARN selects only jobs that name it by that ARN."""
    wanted = request.get("consumableResource") if isinstance(request, dict) else None
    if isinstance(wanted, str) and wanted.startswith("arn:"):
        jobs = [
            job
            for job in jobs
            if any(
                entry["consumableResource"] == wanted
                for entry in job.get("consumableResourceProperties", {}).get("consumableResourceList", [])
            )
        ]
    return _reference(jobs, request)


def resource_named_twice_taken(jobs: list[dict[str, Any]], request: Any) -> dict[str, Any]:
    """CR-3: a job naming a resource twice keeps its first entry."""
    for job in jobs:
        if "consumableResourceProperties" not in job:
            continue
        entries = job["consumableResourceProperties"]["consumableResourceList"]
        seen: set[str] = set()
        kept = []
        for entry in entries:
            name = entry["consumableResource"].rsplit("/", 1)[-1]
            if name not in seen:
                seen.add(name)
                kept.append(entry)
        job["consumableResourceProperties"] = {"consumableResourceList": kept}
    return _reference(jobs, request)


def empty_resource_lists_nothing(jobs: list[dict[str, Any]], request: Any) -> dict[str, Any]:
    """CR-4: an empty consumableResource answers no jobs."""
    if isinstance(request, dict) and request.get("consumableResource") == "":
        return {"jobs": []}
    return _reference(jobs, request)


def running_by_default(jobs: list[dict[str, Any]], request: Any) -> dict[str, Any]:
    """CR-5: RUNNING jobs only without JOB_STATUS."""
    answer = _reference(jobs, request)
    filters = request.get("filters") if isinstance(request, dict) else None
    if not any(f.get("name") == "JOB_STATUS" for f in filters or []):
        answer["jobs"] = [job for job in answer["jobs"] if job["jobStatus"] == "RUNNING"]
    return answer


def status_dropped_with_a_name(jobs: list[dict[str, Any]], request: Any) -> dict[str, Any]:
    """CR-6: with JOB_NAME, JOB_STATUS is ignored."""
    filters = request.get("filters") if isinstance(request, dict) else None
    if filters and any(f.get("name") == "JOB_NAME" for f in filters):
        request = {**request, "filters": [f for f in filters if f.get("name") != "JOB_STATUS"]}
    return _reference(jobs, request)


def newest_first_under_job_name(jobs: list[dict[str, Any]], request: Any) -> dict[str, Any]:
    """CR-7: under JOB_NAME, each page newest first, not grouped by name and version as O-2 does."""
    answer = _reference(jobs, request)
    filters = request.get("filters") if isinstance(request, dict) else None
    if filters and any(f.get("name") == "JOB_NAME" for f in filters):
        answer["jobs"].sort(key=lambda job: (-job["createdAt"], job["jobArn"]))
    return answer


def no_queue_arn(jobs: list[dict[str, Any]], request: Any) -> dict[str, Any]:
    """CR-8: summaries without jobQueueArn."""
    answer = _reference(jobs, request)
    for job in answer["jobs"]:
        job.pop("jobQueueArn", None)
    return answer


def tokens_of_any_resource(jobs: list[dict[str, Any]], request: Any) -> dict[str, Any]:
    """CR-9: a token names the offset only, for whatever resource."""
    if not isinstance(request, dict):
        raise ClientException("the request must be an object")
    token = request.get("nextToken")
    _reference(jobs, {k: v for k, v in request.items() if k != "nextToken"})  # its refusals
    start = int(token) if isinstance(token, str) else 0
    size = request.get("maxResults") or 100
    whole = _reference(jobs, {**{k: v for k, v in request.items() if k != "nextToken"}, "maxResults": 100})
    everything = list(whole["jobs"])
    while "nextToken" in whole:
        inner = {k: v for k, v in request.items() if k not in ("nextToken", "maxResults")}
        whole = _reference(jobs, {**inner, "maxResults": 100, "nextToken": whole["nextToken"]})
        everything += whole["jobs"]
    answer: dict[str, Any] = {"jobs": everything[start : start + size]}
    if start + size < len(everything):
        answer["nextToken"] = str(start + size)
    return answer


MUTANTS: list[tuple[Adapter, str]] = [
    (default_page_of_fifty, "CR-1"),
    (arn_only_matches_arn, "CR-2"),
    (resource_named_twice_taken, "CR-3"),
    (empty_resource_lists_nothing, "CR-4"),
    (running_by_default, "CR-5"),
    (status_dropped_with_a_name, "CR-6"),
    (newest_first_under_job_name, "CR-7"),
    (no_queue_arn, "CR-8"),
    (tokens_of_any_resource, "CR-9"),
]


@pytest.mark.parametrize(("mutant", "rule"), MUTANTS, ids=[rule for _, rule in MUTANTS])
def test_each_mutant_fails_under_its_rule_alone(mutant: Adapter, rule: str) -> None:
    report = check(mutant, operation=OPERATION, strict=True)
    failing = [row.id for row in report.rows if row.result == "FAIL"]
    assert failing == [rule], str(report)
    decision = report.row(rule).rule.source == "decision"
    assert check(mutant, operation=OPERATION).ok is decision


def arns_of_one_name_as_one(jobs: list[dict[str, Any]], request: Any) -> dict[str, Any]:
    """CR-2: a resource asked by ARN is taken by its name, so an ARN of another region or account with
    that name is taken for it (the designed cases hold no such ARN: only generated ones show it)."""
    wanted = request.get("consumableResource") if isinstance(request, dict) else None
    if isinstance(wanted, str) and wanted.startswith("arn:"):
        request = {**request, "consumableResource": wanted.rsplit("/", 1)[-1]}
    return _reference(jobs, request)


def test_generated_cases_are_judged_and_reproducible() -> None:
    report = check(list_jobs_by_consumable_resource, operation=OPERATION, strict=True, seed=3, examples=50)
    assert report.ok, str(report)
    assert report.generated_cases == 50 and report.seed == 3
    again = check(list_jobs_by_consumable_resource, operation=OPERATION, seed=3, examples=50)
    assert [row.cases for row in again.rows] == [row.cases for row in report.rows]


def test_only_the_generated_cases_catch_arns_of_one_name_taken_as_one() -> None:
    designed = check(arns_of_one_name_as_one, operation=OPERATION, strict=True, examples=0)
    assert designed.ok, str(designed)
    report = check(arns_of_one_name_as_one, operation=OPERATION, strict=True)
    assert [row.id for row in report.rows if row.result == "FAIL"] == ["CR-2"], str(report)
    assert "generated case" in report.row("CR-2").smallest.case
