"""What is in use of a consumable resource (MS-17), read through a store's listing by resource (H-21).

``listed_usage`` sums the quantities of the jobs a store's ListJobsByConsumableResource lists in the
statuses that count; it must give what ``resource_usage`` gives over every job held, whose loop is the
rule's plain statement. The endpoint's DescribeConsumableResource and ListConsumableResources read it.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from listjobs_core import LIST_JOBS, JobStore
from listjobs_core.service import ConsumableResources
from listjobs_core.service._resource_registry import listed_usage, resource_usage
from listjobs_core.sql import SqlJobStore
from listjobs_core.strategies import RESOURCE_ARN, RESOURCE_NAMES, consumable_jobs

FINISHED = ("SUCCEEDED", "FAILED")


@st.composite
def jobs_some_started(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Jobs requiring resources, some finished ones with a ``startedAt`` (used up) and some without."""
    jobs = draw(consumable_jobs(max_size=30))
    for job in jobs:
        if job["status"] in FINISHED and draw(st.booleans()):
            job["startedAt"] = job["createdAt"]
    return jobs


@given(jobs_some_started(), st.sampled_from(RESOURCE_NAMES), st.sampled_from(("memory", "sqlite")))
def test_listed_usage_is_the_usage_over_every_job(jobs: list[dict[str, Any]], name: str, kind: str) -> None:
    """Over any jobs, in memory or in SQL, the listing's sums are the sums over every job."""
    store: Any = (
        JobStore(operation=LIST_JOBS) if kind == "memory" else SqlJobStore("sqlite://", operation=LIST_JOBS)
    )
    store.put_many(jobs)
    arn = RESOURCE_ARN + name
    expected = resource_usage(jobs, arn)
    assert listed_usage(store.list_jobs_by_consumable_resource, arn) == expected
    assert listed_usage(store.list_jobs_by_consumable_resource, arn, used_up=False) == (expected[0], 0)
    if kind == "sqlite":
        store.close()


def test_listed_usage_reads_every_page_of_each_status() -> None:
    """More jobs in use than one page holds (100) are all counted, each status on its own pages."""
    jobs = [
        {
            "jobArn": f"arn:aws:batch:us-east-1:123456789012:job/j{number}",
            "jobId": f"j{number}",
            "jobName": "render",
            "jobQueue": "q",
            "createdAt": number,
            "status": ("RUNNING", "STARTING", "SUCCEEDED")[number % 3],
            "startedAt": number,
            "consumableResourceProperties": {
                "consumableResourceList": [{"consumableResource": "licenses", "quantity": 2}]
            },
        }
        for number in range(450)
    ]
    store = JobStore(jobs, operation=LIST_JOBS)
    assert listed_usage(store.list_jobs_by_consumable_resource, RESOURCE_ARN + "licenses") == (600, 300)


def test_resources_read_the_listing_when_given_one() -> None:
    """``ConsumableResources`` with a listing by resource answers from it, not from ``jobs``."""
    job = {
        "jobArn": "arn:aws:batch:us-east-1:123456789012:job/a",
        "jobId": "a",
        "jobName": "render",
        "jobQueue": "q",
        "createdAt": 1,
        "status": "RUNNING",
        "consumableResourceProperties": {
            "consumableResourceList": [{"consumableResource": "licenses", "quantity": 3}]
        },
    }
    store = JobStore([job], operation=LIST_JOBS)

    def no_iteration() -> list[dict[str, Any]]:
        raise AssertionError("every job was read")

    resources = ConsumableResources(
        region="us-east-1",
        account="123456789012",
        clock=lambda: 1,
        jobs=no_iteration,
        lists_by_resource=lambda: store.list_jobs_by_consumable_resource,
    )
    resources.create({"consumableResourceName": "licenses", "totalQuantity": 5})
    described = resources.describe({"consumableResource": "licenses"})
    assert (described["inUseQuantity"], described["availableQuantity"]) == (3, 2)
    listed = resources.list({})["consumableResources"]
    assert [(summary["consumableResourceName"], summary["inUseQuantity"]) for summary in listed] == [
        ("licenses", 3)
    ]
