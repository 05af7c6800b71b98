"""The endpoint's consumable resources (rule H-21), through boto3: the resource operations by the same
rules as the moto plug-in (MS-16, MS-17), counting what the Batch jobs the endpoint serves use, beside
ListJobsByConsumableResource over those jobs."""

from __future__ import annotations

from typing import Any

import pytest

from listjobs_core.testing import serving

boto3 = pytest.importorskip("boto3")
botocore_exceptions = pytest.importorskip("botocore.exceptions")

ARN = "arn:aws:batch:us-east-1:123456789012:consumable-resource/licenses"


def batch_job(n: int, status: str, quantity: int, resource: str = "licenses") -> dict[str, Any]:
    return {
        "jobId": f"job-{n}",
        "jobName": f"job-{n}",
        "jobQueue": "cpu",
        "status": status,
        "createdAt": 1_700_000_000_000 + n,
        "consumableResourceProperties": {
            "consumableResourceList": [{"consumableResource": resource, "quantity": quantity}]
        },
    }


def client(url: str) -> Any:
    return boto3.client(
        "batch",
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def test_the_endpoint_holds_consumable_resources_and_counts_its_batch_jobs() -> None:
    # Two RUNNING jobs and one STARTING use 2 + 3 + 4 licenses (MS-17); a SUCCEEDED and a RUNNABLE job
    # use none; a job requiring another resource (named by its ARN) counts for that one only.
    jobs = [
        batch_job(1, "RUNNING", 2),
        batch_job(2, "RUNNING", 3, resource=ARN),
        batch_job(3, "STARTING", 4),
        batch_job(4, "SUCCEEDED", 50),
        batch_job(5, "RUNNABLE", 60),
        batch_job(6, "RUNNING", 7, resource="seats"),
    ]
    with serving(batch_jobs=jobs) as url:
        batch = client(url)
        created = batch.create_consumable_resource(consumableResourceName="licenses", totalQuantity=20)
        assert created["consumableResourceArn"] == ARN
        batch.create_consumable_resource(consumableResourceName="seats", totalQuantity=10)
        described = batch.describe_consumable_resource(consumableResource="licenses")
        assert (described["totalQuantity"], described["inUseQuantity"]) == (20, 9)
        assert described["availableQuantity"] == 11
        assert batch.describe_consumable_resource(consumableResource="seats")["inUseQuantity"] == 7
        updated = batch.update_consumable_resource(consumableResource=ARN, operation="ADD", quantity=5)
        assert updated["totalQuantity"] == 25
        pages = batch.get_paginator("list_consumable_resources").paginate(PaginationConfig={"PageSize": 1})
        assert [r["consumableResourceName"] for page in pages for r in page["consumableResources"]] == [
            "licenses",
            "seats",
        ]
        listed = batch.list_jobs_by_consumable_resource(
            consumableResource="licenses", filters=[{"name": "JOB_STATUS", "values": ["RUNNING"]}]
        )["jobs"]
        assert [job["jobName"] for job in listed] == ["job-2", "job-1"]
        batch.delete_consumable_resource(consumableResource="seats")
        with pytest.raises(botocore_exceptions.ClientError) as refused:
            batch.describe_consumable_resource(consumableResource="seats")
        assert refused.value.response["Error"]["Code"] == "ClientException"
        assert "consumableResource" in refused.value.response["Error"]["Message"]


def test_a_bad_consumable_resource_request_is_a_client_exception_naming_the_member() -> None:
    with serving() as url:
        batch = client(url)
        for call, member in (
            (
                lambda: batch.create_consumable_resource(consumableResourceName="bad name!"),
                "consumableResourceName",
            ),
            (
                lambda: batch.create_consumable_resource(consumableResourceName="x", totalQuantity=-1),
                "totalQuantity",
            ),
        ):
            with pytest.raises(botocore_exceptions.ClientError) as refused:
                call()
            assert refused.value.response["Error"]["Code"] == "ClientException"
            assert member in refused.value.response["Error"]["Message"]
