"""ListJobsByConsumableResource over the wire: ``check_endpoint(url, operation=...)``.

The reference endpoint makes no Batch job, so the run checks it read-only over the resources it lists and
passes strictly; each mutant of it breaks one CR rule and fails under that rule alone. moto with the
plug-in lets the run make its own resources, definitions and jobs: it passes, and a plug-in that shows
what a job requires otherwise than it was made, or takes a requirement naming a resource twice, fails the
rule only those jobs show. moto without the plug-in has no consumable resources: the run cannot check it.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("botocore")

from serving import ReferenceService  # noqa: E402
from test_conformance_list_jobs_endpoint import (  # noqa: E402
    command,
    credentials,  # noqa: F401 (a fixture)
    moto_serving,
    nothing_left,
    service_role,
)
from wire import run_command, serve_process  # noqa: E402

from listjobs_core import list_jobs_by_consumable_resource  # noqa: E402
from listjobs_core.conformance import check_endpoint  # noqa: E402
from listjobs_core.testing import serving_service  # noqa: E402

OPERATION = "ListJobsByConsumableResource"
ARN = "arn:aws:batch:us-east-1:123456789012"
STATUSES = ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED")
CR_RULES = [f"CR-{n}" for n in range(1, 10)]


def batch_jobs() -> list[dict[str, Any]]:
    """140 jobs of every status, names that are prefixes of one another in several cases, requiring
    ``licenses`` (by name or ARN; more than a page of 100) and ``seats``, some requiring nothing."""
    jobs = []
    for number in range(140):
        needs = []
        if number % 5:
            resource = "licenses" if number % 4 else f"{ARN}:consumable-resource/licenses"
            needs.append({"consumableResource": resource, "quantity": 1 + number % 3})
        if number % 3 == 0:
            needs.append({"consumableResource": "seats", "quantity": 2})
        job: dict[str, Any] = {
            "jobId": f"job-{number:03d}",
            "jobName": ("train", "Train-2", "eval", "TRAIN", "train1")[number % 5],
            "status": STATUSES[number % 7],
            "createdAt": 1_700_000_000_000 + 1000 * (number // 2),
            "jobQueue": "gpu",
            "jobDefinition": f"{ARN}:job-definition/train:1",
        }
        if needs:
            job["consumableResourceProperties"] = {"consumableResourceList": needs}
        jobs.append(job)
    return jobs


class Reference(ReferenceService):
    """The reference endpoint serving ``batch_jobs()``, its listing answered as a dict so that a mutant
    can change it."""

    def __init__(self) -> None:
        super().__init__()
        self.load_batch_jobs(batch_jobs())

    def list_jobs_by_consumable_resource(self, request: object) -> Any:
        answer = super().list_jobs_by_consumable_resource(request)
        return json.loads(answer) if isinstance(answer, bytes) else answer


def create_resources(url: str, *names: str) -> None:
    for name in names:
        body = json.dumps({"consumableResourceName": name}).encode()
        urllib.request.urlopen(urllib.request.Request(f"{url}/v1/createconsumableresource", data=body))


@pytest.fixture(autouse=True)
def no_ambient_aws_configuration(credentials: None) -> Iterator[None]:  # noqa: F811
    yield


def run_reference(service: Reference, **options: Any) -> Any:
    with serving_service(service) as url:
        create_resources(url, "licenses", "seats")
        return check_endpoint(url, operation=OPERATION, **options)


def test_the_reference_endpoint_passes_read_only_strictly() -> None:
    report = run_reference(Reference(), strict=True)
    assert report.ok, str(report)
    assert report.operation == OPERATION
    assert [row.id for row in report.rows if row.result == "ok"] == [r for r in CR_RULES if r != "CR-3"]
    assert all(row.cases > 0 for row in report.rows if row.id != "CR-3"), str(report)
    notes = "\n".join(report.notes)
    assert "the endpoint refused to make what the listing needs: CreateComputeEnvironment" in notes
    assert "read-only: ListJobsByConsumableResource checked over the jobs the endpoint lists by the " in notes
    assert "not checked: CR-3 (read-only: CR-3 is tried at a SubmitJob of the run's" in notes


def test_read_only_without_a_resource_listed_says_so() -> None:
    with serving_service(Reference()) as url:
        report = check_endpoint(url, operation=OPERATION, read_only=True)
    assert not report.ok
    assert any("lists no consumable resource to list jobs by" in problem for problem in report.problems)


def _filters(request: Any) -> list[dict[str, Any]]:
    filters = request.get("filters") if isinstance(request, dict) else None
    return [each for each in filters or [] if isinstance(each, dict)]


class DefaultPageOfFifty(Reference):
    """CR-1: 50 jobs a page when maxResults is absent."""

    def list_jobs_by_consumable_resource(self, request: object) -> Any:
        if isinstance(request, dict) and "maxResults" not in request:
            request = {**request, "maxResults": 50}
        return super().list_jobs_by_consumable_resource(request)


class ArnOnlyMatchesArn(Reference):
    """CR-2: a resource asked by ARN lists only the jobs that name it by that ARN."""

    def list_jobs_by_consumable_resource(self, request: object) -> Any:
        answer = super().list_jobs_by_consumable_resource(request)
        wanted = request.get("consumableResource") if isinstance(request, dict) else None
        if isinstance(wanted, str) and wanted.startswith("arn:"):
            answer["jobs"] = [
                job
                for job in answer["jobs"]
                if any(
                    entry["consumableResource"] == wanted
                    for entry in job["consumableResourceProperties"]["consumableResourceList"]
                )
            ]
        return answer


class EmptyResourceListsNothing(Reference):
    """CR-4: an empty consumableResource answers no jobs."""

    def list_jobs_by_consumable_resource(self, request: object) -> Any:
        if isinstance(request, dict) and request.get("consumableResource") == "":
            return {"jobs": []}
        return super().list_jobs_by_consumable_resource(request)


class FailedLeftOutWithoutFilters(Reference):
    """CR-5: a resource asked by name without any filter leaves its FAILED jobs out."""

    def list_jobs_by_consumable_resource(self, request: object) -> Any:
        answer = super().list_jobs_by_consumable_resource(request)
        resource = request.get("consumableResource") if isinstance(request, dict) else None
        if isinstance(resource, str) and not resource.startswith("arn:") and not _filters(request):
            answer["jobs"] = [job for job in answer["jobs"] if job["jobStatus"] != "FAILED"]
        return answer


class StatusDroppedWithAName(Reference):
    """CR-6: with JOB_NAME, JOB_STATUS is ignored."""

    def list_jobs_by_consumable_resource(self, request: object) -> Any:
        filters = _filters(request)
        if isinstance(request, dict) and any(each.get("name") == "JOB_NAME" for each in filters):
            request = {**request, "filters": [each for each in filters if each.get("name") != "JOB_STATUS"]}
        return super().list_jobs_by_consumable_resource(request)


class NewestFirstUnderJobName(Reference):
    """CR-7: under JOB_NAME, each page newest first, not grouped by name."""

    def list_jobs_by_consumable_resource(self, request: object) -> Any:
        answer = super().list_jobs_by_consumable_resource(request)
        if any(each.get("name") == "JOB_NAME" for each in _filters(request)):
            answer["jobs"].sort(key=lambda job: (-job["createdAt"], job["jobArn"]))
        return answer


class QuantityOffByOne(Reference):
    """CR-8: each summary's quantity one more than its job requires."""

    def list_jobs_by_consumable_resource(self, request: object) -> Any:
        answer = super().list_jobs_by_consumable_resource(request)
        for job in answer["jobs"]:
            job["quantity"] += 1
        return answer


class TokensOfAnyQuery(Reference):
    """CR-9: a token is an offset into whatever listing it is sent with."""

    def list_jobs_by_consumable_resource(self, request: object) -> Any:
        if not isinstance(request, dict) or not isinstance(request.get("nextToken", ""), str):
            return super().list_jobs_by_consumable_resource(request)
        query = {key: value for key, value in request.items() if key not in ("nextToken", "maxResults")}
        without_token = {key: value for key, value in request.items() if key != "nextToken"}
        super().list_jobs_by_consumable_resource(without_token)  # its refusals
        everything = list_jobs_by_consumable_resource(list(self.batch_store), {**query, "maxResults": 100})
        every = list(everything["jobs"])
        while "nextToken" in everything:
            more = {**query, "maxResults": 100, "nextToken": everything["nextToken"]}
            everything = list_jobs_by_consumable_resource(list(self.batch_store), more)
            every += everything["jobs"]
        token = request.get("nextToken", "0")
        start = int(token) if token.isdigit() else 0
        size = request.get("maxResults") or 100
        answer: dict[str, Any] = {"jobs": every[start : start + size]}
        if start + size < len(every):
            answer["nextToken"] = str(start + size)
        return answer


MUTANTS = [
    (DefaultPageOfFifty, "CR-1"),
    (ArnOnlyMatchesArn, "CR-2"),
    (EmptyResourceListsNothing, "CR-4"),
    (FailedLeftOutWithoutFilters, "CR-5"),
    (StatusDroppedWithAName, "CR-6"),
    (NewestFirstUnderJobName, "CR-7"),
    (QuantityOffByOne, "CR-8"),
    (TokensOfAnyQuery, "CR-9"),
]


@pytest.mark.parametrize(("mutant", "rule"), MUTANTS, ids=[rule for _, rule in MUTANTS])
def test_each_mutant_fails_under_its_rule_alone(mutant: type[Reference], rule: str) -> None:
    report = run_reference(mutant(), strict=True)
    failing = [row.id for row in report.rows if row.result == "FAIL"]
    assert failing == [rule], str(report)
    decision = report.row(rule).rule.source == "decision"
    assert run_reference(mutant()).ok is decision


def test_the_command_exits_0_for_the_reference_and_1_for_a_mutant(capsys: pytest.CaptureFixture[str]) -> None:
    for service, status in ((Reference(), 0), (QuantityOffByOne(), 1)):
        with serving_service(service) as url:
            create_resources(url, "licenses", "seats")
            assert command(["--endpoint-url", url, "--operation", OPERATION, "--strict"]) == status
        out = capsys.readouterr().out
        assert f"{OPERATION} conformance of {url}" in out
        assert ("OK: all 9 checked rules pass" in out) is (status == 0), out


def test_serve_with_the_demo_sets_passes_as_it_starts() -> None:
    """H-8: ``serve`` with nothing given holds the demo Batch jobs and the consumable resources they
    require, so the kit grades its listing by resource with nothing made beforehand."""
    with serve_process("--quiet") as (_, url, _):
        finished = run_command(
            "conformance", "--endpoint-url", url, "--operation", OPERATION, "--strict"
        )
    out = finished.stdout.decode()
    assert finished.returncode == 0, out + finished.stderr.decode()
    assert "by the resources gpu-quota, license-seats" in out, out
    assert "OK: all 9 checked rules pass" in out, out


# --- moto, with the plug-in and without ---------------------------------------------------------------


def resources_left(url: str) -> list[Any]:
    import boto3

    batch = boto3.client("batch", endpoint_url=url, region_name="us-east-1")
    return list(batch.list_consumable_resources()["consumableResources"])


def test_moto_with_the_plugin_passes_over_what_the_run_makes(capsys: pytest.CaptureFixture[str]) -> None:
    """The kit makes resources, definitions and jobs in moto, grades every CR rule over them, and removes
    what it made; the command exits 0."""
    with moto_serving(plugin=True) as url:
        role = service_role(url)
        status = command(
            [
                "--endpoint-url",
                url,
                "--operation",
                OPERATION,
                "--service-role",
                role,
                "--strict",
                "--format",
                "json",
            ]
        )
        report = json.loads(capsys.readouterr().out)
        nothing_left(url)
        assert resources_left(url) == []
    assert status == 0 and report["ok"], report
    rows = {row["id"]: row for row in report["rules"]}
    assert all(rows[rule]["cases"] > 0 and rows[rule]["result"] == "ok" for rule in CR_RULES), report
    notes = "\n".join(report["notes"])
    assert "checked over the jobs the run submitted into queue" in notes and "read-only" not in notes
    assert "were deleted" in notes


def moto_run(monkeypatch: pytest.MonkeyPatch, mutate: Any) -> Any:
    with moto_serving(plugin=True) as url:
        role = service_role(url)
        mutate(monkeypatch)
        report = check_endpoint(url, operation=OPERATION, service_role=role, strict=True, deadline=120)
        monkeypatch.undo()
        assert resources_left(url) == []
    return report


def names_instead_of_arns(monkeypatch: pytest.MonkeyPatch) -> None:
    """CR-8: the plug-in's summaries show every requirement by the resource's name, though the job was
    made to require it by ARN (only what the run knows of its jobs shows it)."""
    from listjobs_core.contrib.moto import _moto_consumable

    real = _moto_consumable.list_jobs_by_consumable_resource

    def listing(jobs: list[dict[str, Any]], request: Any) -> Any:
        for job in jobs:
            for entry in job.get("consumableResourceProperties", {}).get("consumableResourceList", []):
                entry["consumableResource"] = entry["consumableResource"].rsplit("/", 1)[-1]
        return real(jobs, request)

    monkeypatch.setattr(_moto_consumable, "list_jobs_by_consumable_resource", listing)


def twice_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    """CR-3: the plug-in takes a requirement naming a resource twice, keeping its first entry."""
    from listjobs_core.service import ConsumableResources

    real = ConsumableResources.checked_properties

    def checked(self: Any, given: Any, member: str) -> Any:
        entries = given.get("consumableResourceList") if isinstance(given, dict) else None
        if isinstance(entries, list):
            kept, seen = [], set()
            for entry in entries:
                name = str(entry.get("consumableResource")).rsplit("/", 1)[-1]
                if name not in seen:
                    seen.add(name)
                    kept.append(entry)
            given = {**given, "consumableResourceList": kept}
        return real(self, given, member)

    monkeypatch.setattr(ConsumableResources, "checked_properties", checked)


@pytest.mark.parametrize(("mutate", "rule"), [(names_instead_of_arns, "CR-8"), (twice_taken, "CR-3")])
def test_a_plug_in_mutant_fails_the_rule_only_jobs_made_show(
    monkeypatch: pytest.MonkeyPatch, mutate: Any, rule: str
) -> None:
    report = moto_run(monkeypatch, mutate)
    failing = [row.id for row in report.rows if row.result == "FAIL"]
    assert failing == [rule], str(report)


def test_moto_without_the_plugin_cannot_be_checked(capsys: pytest.CaptureFixture[str]) -> None:
    """moto alone has no consumable resources: the run removes the queue it made and exits 1."""
    with moto_serving(plugin=False) as url:
        role = service_role(url)
        status = command(["--endpoint-url", url, "--operation", OPERATION, "--service-role", role])
        import boto3

        batch = boto3.client("batch", endpoint_url=url, region_name="us-east-1")
        assert batch.describe_job_queues()["jobQueues"] == []
        assert batch.describe_compute_environments()["computeEnvironments"] == []
    out = capsys.readouterr().out
    assert status == 1
    assert "CreateConsumableResource was answered HTTP" in out
    assert "ListConsumableResources cannot be read" in out


def test_what_the_run_made_is_removed_when_the_deadline_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The deadline passes once the jobs are made: the report says the run stopped, and the clean-up, in
    its own bounded time, still removes the jobs, definitions, queue, environment and resources."""
    import time

    from listjobs_core.conformance.over_the_wire import _consumable_run

    def deadline_passes(client: Any, look: Any) -> Any:
        client._deadline_at = time.monotonic()
        return look(), True

    monkeypatch.setattr(_consumable_run, "settle", deadline_passes)
    with moto_serving(plugin=True) as url:
        role = service_role(url)
        report = check_endpoint(url, operation=OPERATION, service_role=role, timeout=10, deadline=60)
        nothing_left(url)
        assert resources_left(url) == []
    assert not report.ok and "CR-1" in report.failed_rules
    assert any("deadline of 60 s passed" in problem for problem in report.problems), str(report)
    assert "were deleted" in str(report)


def test_read_only_over_few_jobs_says_which_rules_went_unchecked() -> None:
    """A resource that two jobs require gives no token to send: CR-9 goes unchecked, and the notes say
    why, as they say why CR-3 does."""
    service = ReferenceService()
    service.load_batch_jobs(
        [job for job in batch_jobs() if "seats" in json.dumps(job.get("consumableResourceProperties"))][:2]
    )
    with serving_service(service) as url:
        create_resources(url, "seats")
        report = check_endpoint(url, operation=OPERATION, strict=True)
    assert report.ok, str(report)
    assert [row.id for row in report.rows if row.cases == 0] == ["CR-3", "CR-9"], str(report)
    assert (
        "not checked: CR-3, CR-9 (seats lists 2 jobs: the token cases need more than 5; read-only: CR-3 is "
        "tried at a SubmitJob of the run's, a requirement naming a resource twice)" in report.notes
    ), report.notes
