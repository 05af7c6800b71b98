"""ListJobsByConsumableResource over the wire: boto3 (the installed, newest botocore) calls the operation and
its paginator against the reference endpoint, which answers from its Batch jobs' store. Answers are held
to the oracle over the jobs as the endpoint holds them (``wire.as_held``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import oracle_consumable as oracle
import pytest
from wire import ACCOUNT, REGION, as_held, client, serve_process

from listjobs_core import LIST_JOBS, ClientException, JobStore
from listjobs_core.endpoint import ReferenceService
from listjobs_core.endpoint._demo import demo_batch_jobs
from listjobs_core.testing import serving

boto3 = pytest.importorskip("boto3")
from botocore.exceptions import ClientError  # noqa: E402 - only once boto3 is known to be installed

RESOURCE_ARN = f"arn:aws:batch:{REGION}:{ACCOUNT}:consumable-resource/"


def consumable_jobs() -> list[dict[str, Any]]:
    """Forty jobs in two queues (by name), most requiring licenses (by name or ARN), some seats too."""
    jobs = []
    for number in range(40):
        entries = []
        if number % 5:
            licenses = "licenses" if number % 2 else RESOURCE_ARN + "licenses"
            entries.append({"consumableResource": licenses, "quantity": number % 4 + 1})
        if number % 3 == 0:
            entries.append({"consumableResource": "seats", "quantity": 1})
        job: dict[str, Any] = {
            "jobId": f"job-{number:02}", "jobName": ("Render", "render-hd", "encode")[number % 3],
            "status": ("RUNNING", "RUNNABLE", "SUCCEEDED", "FAILED")[number % 4],
            "createdAt": 1_700_000_000_000 + 1000 * (number // 2), "jobQueue": ("cpu", "gpu")[number % 2],
        }
        if entries:
            job["consumableResourceProperties"] = {"consumableResourceList": entries}
        jobs.append(job)
    return jobs


JOBS = consumable_jobs()
HELD = as_held(JOBS, kind="job")


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with serving(batch_jobs=JOBS) as url:
        yield url


@pytest.mark.parametrize(
    "request_",
    [
        {"consumableResource": "licenses"},
        {"consumableResource": RESOURCE_ARN + "licenses"},
        {"consumableResource": "seats", "filters": [{"name": "JOB_STATUS", "values": ["RUNNING"]}]},
        {"consumableResource": "licenses", "filters": [
            {"name": "JOB_NAME", "values": ["RENDER*"]}, {"name": "JOB_STATUS", "values": ["RUNNABLE"]}]},
        {"consumableResource": "nothing"},
    ],
)
def test_boto3_pages_agree_with_the_oracle(endpoint: str, request_: dict[str, Any]) -> None:
    """CR-1 to CR-8 through boto3: the paginator, at several page sizes, lists the oracle's summaries over
    the jobs as the endpoint holds them; one call answers the first page of 100."""
    batch = client(endpoint)
    expected = oracle.expected_selection(HELD, request_)
    for page_size in (1, 3, 100):
        pages = batch.get_paginator("list_jobs_by_consumable_resource").paginate(
            **request_, PaginationConfig={"PageSize": page_size}
        )
        assert [summary for page in pages for summary in page["jobs"]] == expected
    answer = batch.list_jobs_by_consumable_resource(**request_)
    assert answer["jobs"] == expected[:100] and "nextToken" not in answer


def test_boto3_tokens_resume_and_bad_requests_are_client_exceptions(endpoint: str) -> None:
    """CR-4, CR-6, CR-9 through boto3: a page's token resumes the query; a request the endpoint refuses is a
    400 ClientException naming the member."""
    batch = client(endpoint)
    first = batch.list_jobs_by_consumable_resource(consumableResource="licenses", maxResults=2)
    second = batch.list_jobs_by_consumable_resource(
        consumableResource=RESOURCE_ARN + "licenses", maxResults=2, nextToken=first["nextToken"]
    )
    expected = oracle.expected_selection(HELD, {"consumableResource": "licenses"})
    assert first["jobs"] + second["jobs"] == expected[:4]
    unchecked = client(endpoint, validate=False)
    for bad, member in (
        ({"consumableResource": ""}, "consumableResource"),
        ({"consumableResource": "seats", "nextToken": first["nextToken"]}, "nextToken"),
        ({"consumableResource": "r", "maxResults": 101}, "maxResults"),
        ({"consumableResource": "r", "filters": [{"name": "JOB_STATUS", "values": ["SCHEDULED"]}]},
         "values"),
    ):
        with pytest.raises(ClientError) as refused:
            unchecked.list_jobs_by_consumable_resource(**bad)
        error = refused.value.response["Error"]
        assert error["Code"] == "ClientException" and member in error["Message"]
        assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_serve_batch_jobs_file_answers_it(tmp_path: Path) -> None:
    """``serve --batch-jobs FILE``: jobs of a jobs file carrying consumableResourceProperties are listed."""
    path = tmp_path / "batch.json"
    path.write_text(json.dumps(JOBS))
    with serve_process("--batch-jobs", str(path)) as (_, url, _):
        listed = client(url).list_jobs_by_consumable_resource(consumableResource="seats")["jobs"]
    assert listed == oracle.expected_selection(HELD, {"consumableResource": "seats"}) != []


def test_the_demo_batch_jobs_require_consumable_resources() -> None:
    """The demo Batch jobs give the operation something to list, for each demo resource."""
    demo = as_held(demo_batch_jobs(), kind="job")
    with serving(batch_jobs=demo_batch_jobs()) as url:
        batch = client(url)
        for resource in ("license-seats", "gpu-quota"):
            pages = batch.get_paginator("list_jobs_by_consumable_resource").paginate(
                consumableResource=resource, PaginationConfig={"PageSize": 4}
            )
            listed = [summary for page in pages for summary in page["jobs"]]
            assert listed == oracle.expected_selection(demo, {"consumableResource": resource}) != []


def test_a_store_that_does_not_answer_it_is_a_client_exception() -> None:
    """The endpoint's Batch jobs' store may not answer the operation (a store of the ListJobs interface
    alone): a ClientException naming it, never a server error; the default store answers."""
    service = ReferenceService(batch_store=JobStore(LIST_JOBS))
    assert json.loads(service.list_jobs_by_consumable_resource({"consumableResource": "r"})) == {"jobs": []}
    refusing = ReferenceService(batch_store=_NotIndexing())  # type: ignore[arg-type]
    with pytest.raises(ClientException, match="ListJobsByConsumableResource is not served here"):
        refusing.list_jobs_by_consumable_resource({"consumableResource": "r"})


class _NotIndexing:
    """What the service reads of a store, of one that answers ListJobs only."""

    completion = None
    operation = LIST_JOBS

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def list_jobs_by_consumable_resource(self, request: object) -> dict[str, Any]:
        raise TypeError("this store does not answer ListJobsByConsumableResource")
