"""The conformance kit on ListJobs: the reference passes, and one mutant per LJ rule fails under its rule.

Each mutant wraps :func:`listjobs_core.list_jobs` and breaks one rule the way an emulator plausibly would
(prefix matching where a name matches exactly, a page of 100 without a filter, tokens that forget their
parent, ...).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

from listjobs_core import LIST_JOBS, list_jobs
from listjobs_core.conformance import check
from listjobs_core.conformance._command import add_arguments, run_conformance

Job = dict[str, Any]
Request = Any


def _empty(jobs: list[Job], request: Request) -> dict[str, Any]:
    return {"jobSummaryList": []}


def oldest_first(jobs: list[Job], request: Request) -> dict[str, Any]:
    """LJ-1 (O-1): the page holds the right jobs, oldest first."""
    response = list_jobs(jobs, request)
    response["jobSummaryList"].sort(key=lambda summary: summary.get("createdAt", 0))
    return response


def no_default_status(jobs: list[Job], request: Request) -> dict[str, Any]:
    """LJ-2: SCHEDULED is taken as a status that lists nothing."""
    if isinstance(request, dict) and request.get("jobStatus") == "SCHEDULED":
        return _empty(jobs, request)
    return list_jobs(jobs, request)


def quota_share_name_accepted(jobs: list[Job], request: Request) -> dict[str, Any]:
    """LJ-3: QUOTA_SHARE_NAME filters nothing out instead of being refused."""
    if isinstance(request, dict) and any(
        f.get("name") == "QUOTA_SHARE_NAME" for f in request.get("filters") or []
    ):
        return list_jobs(jobs, {key: value for key, value in request.items() if key != "filters"})
    return list_jobs(jobs, request)


def pages_of_100(jobs: list[Job], request: Request) -> dict[str, Any]:
    """LJ-4: an absent maxResults means 100, as for ListServiceJobs."""
    if isinstance(request, dict) and request.get("maxResults") is None:
        request = {**request, "maxResults": 100}
    return list_jobs(jobs, request)


def no_parent_lists_nothing(jobs: list[Job], request: Request) -> dict[str, Any]:
    """LJ-5: a request without a queue or a parent lists nothing instead of being refused."""
    if isinstance(request, dict) and not any(
        request.get(m) for m in ("jobQueue", "arrayJobId", "multiNodeJobId")
    ):
        return _empty(jobs, request)
    return list_jobs(jobs, request)


def nodes_as_children(jobs: list[Job], request: Request) -> dict[str, Any]:
    """LJ-6: multiNodeJobId lists the array children of that id instead of its nodes."""
    if isinstance(request, dict) and request.get("multiNodeJobId"):
        request = {**request, "arrayJobId": request["multiNodeJobId"]}
        del request["multiNodeJobId"]
    return list_jobs(jobs, request)


def children_in_queues(jobs: list[Job], request: Request) -> dict[str, Any]:
    """LJ-7: a queue listing lists array children beside their parent."""
    if not (isinstance(request, dict) and request.get("jobQueue")):
        return list_jobs(jobs, request)
    renamed = [{**job, "jobId": job["jobId"].replace(":", "~")} for job in jobs]
    response = list_jobs(renamed, request)
    for summary in response["jobSummaryList"]:
        summary["jobId"] = summary["jobId"].replace("~", ":")
    return response


def filters_on_children(jobs: list[Job], request: Request) -> dict[str, Any]:
    """LJ-8: a filter on a children listing is applied (here: matches nothing)."""
    response = list_jobs(jobs, request)
    if isinstance(request, dict) and request.get("filters") and not request.get("jobQueue"):
        return _empty(jobs, request)
    return response


def names_as_prefixes(jobs: list[Job], request: Request) -> dict[str, Any]:
    """LJ-9: a JOB_DEFINITION name matches every definition name it begins."""
    if isinstance(request, dict):
        filters = request.get("filters") or []
        if len(filters) == 1 and filters[0].get("name") == "JOB_DEFINITION":
            value = filters[0]["values"][0]
            if value and not value.startswith("arn:") and not value.endswith("*"):
                request = {**request, "filters": [{"name": "JOB_DEFINITION", "values": [value + "*"]}]}
    return list_jobs(jobs, request)


def star_in_an_arn_accepted(jobs: list[Job], request: Request) -> dict[str, Any]:
    """LJ-10: an ARN holding '*' matches nothing instead of being refused."""
    if isinstance(request, dict):
        filters = request.get("filters") or []
        if filters and filters[0].get("name") == "JOB_DEFINITION":
            value = filters[0]["values"][0]
            if value.startswith("arn:") and "*" in value:
                return _empty(jobs, request)
    return list_jobs(jobs, request)


def star_matches_nothing(jobs: list[Job], request: Request) -> dict[str, Any]:
    """LJ-11: '*' alone matches no job."""
    if isinstance(request, dict) and (request.get("filters") or [{}])[0].get("values") == ["*"]:
        return _empty(jobs, request)
    return list_jobs(jobs, request)


def summaries_keep_the_queue(jobs: list[Job], request: Request) -> dict[str, Any]:
    """LJ-12: summaries keep the job's jobQueue."""
    response = list_jobs(jobs, request)
    queues = {job["jobId"]: job.get("jobQueue") for job in jobs}
    for summary in response["jobSummaryList"]:
        if queues.get(summary["jobId"]) is not None:
            summary["jobQueue"] = queues[summary["jobId"]]
    return response


_PARENTS = ("jobQueue", "arrayJobId", "multiNodeJobId")


class TokensForgetTheirParent:
    """LJ-13: a token continues the listing it came from whatever parent or queue it is sent with."""

    def __init__(self) -> None:
        self._issued: dict[str, tuple[dict[str, Any], str]] = {}
        self._numbers = itertools.count()

    def __call__(self, jobs: list[Job], request: Request) -> dict[str, Any]:
        if isinstance(request, dict) and request.get("nextToken") in self._issued:
            first, token = self._issued[request["nextToken"]]
            request = {key: value for key, value in request.items() if key not in _PARENTS}
            request.update({key: first[key] for key in _PARENTS if key in first}, nextToken=token)
        response = list_jobs(jobs, request)
        if response.get("nextToken"):
            handle = f"h{next(self._numbers)}"
            self._issued[handle] = (dict(request), response["nextToken"])
            response["nextToken"] = handle
        return response


MUTANTS: list[tuple[str, Callable[..., Any], str]] = [
    ("oldest_first", oldest_first, "LJ-1"),
    ("scheduled_accepted", no_default_status, "LJ-2"),
    ("quota_share_name_accepted", quota_share_name_accepted, "LJ-3"),
    ("pages_of_100", pages_of_100, "LJ-4"),
    ("no_parent_lists_nothing", no_parent_lists_nothing, "LJ-5"),
    ("nodes_as_children", nodes_as_children, "LJ-6"),
    ("children_in_queues", children_in_queues, "LJ-7"),
    ("filters_on_children", filters_on_children, "LJ-8"),
    ("names_as_prefixes", names_as_prefixes, "LJ-9"),
    ("star_in_an_arn_accepted", star_in_an_arn_accepted, "LJ-10"),
    ("star_matches_nothing", star_matches_nothing, "LJ-11"),
    ("summaries_keep_the_queue", summaries_keep_the_queue, "LJ-12"),
    ("tokens_forget_their_parent", TokensForgetTheirParent(), "LJ-13"),
]


def test_the_reference_passes_every_list_jobs_rule() -> None:
    report = check(list_jobs, operation=LIST_JOBS)
    assert report.ok, str(report)
    assert [row.id for row in report.rows if row.checkable] == [f"LJ-{n}" for n in range(1, 14)]
    assert all(row.cases > 0 for row in report.rows if row.checkable)
    assert str(report).startswith("ListJobs conformance of ")


def test_the_operation_is_accepted_by_name() -> None:
    assert check(list_jobs, operation="ListJobs", rules=["LJ-9"]).ok


@pytest.mark.parametrize(("broken", "adapter", "rule"), MUTANTS, ids=[name for name, _, _ in MUTANTS])
def test_each_mutant_fails_under_its_rule(broken: str, adapter: Callable[..., Any], rule: str) -> None:
    # The designed cases alone: generated cases only add failures, and have a test of their own.
    report = check(adapter, operation=LIST_JOBS, strict=True, examples=0)
    row = report.row(rule)
    assert row.differences > 0, str(report)
    assert rule in report.failed_rules
    assert not report.ok


def test_a_broken_aws_part_fails_and_a_broken_decision_is_an_advisory() -> None:
    """As for ListServiceJobs: LJ-9 is AWS's, so it fails without strict; LJ-7 is a decision."""
    assert "LJ-9" in check(names_as_prefixes, operation=LIST_JOBS).failed_rules
    report = check(children_in_queues, operation=LIST_JOBS)
    assert "LJ-7" not in report.failed_rules and "LJ-7" in report.differing_rules


def test_a_list_service_jobs_rule_is_refused_for_list_jobs() -> None:
    with pytest.raises(ValueError, match="LJ rules"):
        check(list_jobs, operation=LIST_JOBS, rules=["S-5"])


def test_a_crashing_adapter_gets_one_line() -> None:
    def crashing(jobs: list[Job], request: Request) -> dict[str, Any]:
        return {"jobSummaryList": [{"jobId": job["jobId"], "x": job["missing"]} for job in jobs]}

    report = check(crashing, operation=LIST_JOBS)
    assert not report.ok and report.crashes
    assert "raised KeyError" in str(report)


def _command(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return run_conformance(parser.parse_args(argv))


def test_command_checks_list_jobs(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        _command(["--operation", "ListJobs", "--adapter", "listjobs_core:list_jobs", "--examples", "20"]) == 0
    )
    out = capsys.readouterr().out
    assert "ListJobs conformance of listjobs_core:list_jobs" in out and "20 generated" in out
    assert (
        _command(["--operation", "ListJobs", "--adapter", f"{__name__}:names_as_prefixes", "--examples", "0"])
        == 1
    )
    assert "LJ-9" in capsys.readouterr().out


def children_in_one_page_by_status(jobs: list[Job], request: Request) -> dict[str, Any]:
    """LJ-6: a parent's children of a given status come in one page, whatever maxResults says."""
    parent = isinstance(request, dict) and (request.get("arrayJobId") or request.get("multiNodeJobId"))
    if parent and request.get("jobStatus") and request.get("maxResults"):
        response = list_jobs(jobs, {key: value for key, value in request.items() if key != "maxResults"})
        response.pop("nextToken", None)
        return response
    return list_jobs(jobs, request)


def test_generated_cases_find_what_no_designed_case_shows() -> None:
    """No designed case pages a parent's children of one status; the generated cases do, seeded."""
    designed_only = check(children_in_one_page_by_status, operation=LIST_JOBS, examples=0)
    assert designed_only.ok and designed_only.generated_cases == 0, str(designed_only)
    report = check(children_in_one_page_by_status, operation=LIST_JOBS, seed=1)
    assert report.generated_cases == 300
    assert "LJ-6" in report.failed_rules, str(report)
    assert "generated case" in str(report)
    again = check(children_in_one_page_by_status, operation=LIST_JOBS, seed=1)
    assert str(again) == str(report)


def test_the_reference_passes_the_generated_cases_of_any_seed() -> None:
    for seed in range(3):
        report = check(list_jobs, operation=LIST_JOBS, seed=seed, examples=200)
        assert report.ok and report.generated_cases == 200, str(report)
