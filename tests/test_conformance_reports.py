"""Reports for people and for CI: the failing case's jobs that matter, ``--format json``, ``--junit-xml``."""

from __future__ import annotations

import argparse
import json
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

import pytest

from listjobs_core import LIST_JOBS, list_jobs, list_service_jobs
from listjobs_core.conformance import check
from listjobs_core.conformance._command import add_arguments, run_conformance

sys.path.insert(0, str(Path(__file__).parent))


def oldest_first(jobs: list[dict[str, Any]], request: Any) -> dict[str, Any]:
    """Breaks the order (O-1, and LJ-1 for ListJobs): the right jobs, oldest first."""
    response = list_service_jobs(jobs, request)
    response["jobSummaryList"].sort(key=lambda summary: summary.get("createdAt", 0))
    return response


def list_jobs_oldest_first(jobs: list[dict[str, Any]], request: Any) -> dict[str, Any]:
    response = list_jobs(jobs, request)
    response["jobSummaryList"].sort(key=lambda summary: summary.get("createdAt", 0))
    return response


def command(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return run_conformance(parser.parse_args(argv))


@pytest.mark.parametrize(
    ("adapter", "operation"),
    [("oldest_first", "ListServiceJobs"), ("list_jobs_oldest_first", "ListJobs")],
)
def test_junit_has_one_failing_case_per_failing_rule(
    adapter: str, operation: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junit = tmp_path / "conformance.xml"
    argv = ["--adapter", f"{__name__}:{adapter}", "--operation", operation, "--examples", "30"]
    assert command([*argv, "--junit-xml", str(junit), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False and data["operation"] == operation
    suite = ElementTree.parse(junit).getroot()
    assert suite.tag == "testsuite"
    cases = suite.findall("testcase")
    failing = [case for case in cases if case.find("failure") is not None]
    names = [case.get("name", "").split(" ", 1)[0] for case in failing]
    assert names == data["failedRules"] and names
    assert int(suite.get("failures", "-1")) == len(failing)
    assert len(cases) == len(data["rules"])
    for case in failing:
        text = case.findtext("failure") or ""
        assert "createdAt" in text and "status" in text and "expected" in text and "got" in text


def test_a_failing_case_shows_only_the_jobs_that_matter_with_their_order_keys() -> None:
    report = check(oldest_first, rules=["O-1"], examples=0)
    failure = report.row("O-1").example
    assert failure is not None
    shown, left_out = failure.jobs_that_matter()
    assert len(shown) + left_out == len(failure.jobs)
    text = str(failure)
    job_lines = [line for line in text.splitlines() if '"  createdAt ' in line or '"  no createdAt' in line]
    assert len(job_lines) == len(shown)
    # Each id has its createdAt, name and status beside it, and the difference is marked.
    for job in shown:
        assert any(f'"{job["jobId"]}"' in line and "name" in line and "status" in line for line in job_lines)
    assert any(" ~ " in line for line in job_lines)


def test_report_methods_give_the_same_documents() -> None:
    report = check(list_jobs_oldest_first, operation=LIST_JOBS)
    data = report.as_dict()
    assert json.loads(report.to_json()) == json.loads(json.dumps(data, default=repr))
    suite = ElementTree.fromstring(report.to_junit_xml())
    failing = [case.get("name", "").split(" ", 1)[0] for case in suite if case.find("failure") is not None]
    assert failing == list(report.failed_rules)
    passing = check(list_jobs, operation=LIST_JOBS)
    assert ElementTree.fromstring(passing.to_junit_xml()).get("failures") == "0"


def test_a_report_quotes_a_huge_value_cut_short() -> None:
    def huge(jobs: list[dict[str, Any]], request: Any) -> dict[str, Any]:
        return {"jobSummaryList": [], "padding": "x" * 600_000}

    report = check(huge, examples=5)
    assert len(str(report)) < 200_000
    assert len(report.to_json()) < 400_000
