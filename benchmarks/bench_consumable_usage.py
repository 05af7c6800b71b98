"""DescribeConsumableResource at the reference endpoint: what is in use, read through the Batch store's
listing by resource (``listed_usage``) against reading every job held (``resource_usage`` over the store).

The endpoint holds N Batch jobs (``bench_store.consumable_jobs``: every job requires one of three
resources, statuses spread evenly, so about a twelfth of the jobs hold ``licenses``); 50 RUNNING jobs also
require ``scarce``. Rows: DescribeConsumableResource of ``licenses`` (many jobs in use: every one is read)
and of ``scarce`` (50 in use), through the listing and through every job (1e4 and 1e5 only: the path that
copies every job held).

    python -m pytest benchmarks/bench_consumable_usage.py --benchmark-timer=time.thread_time
"""

from __future__ import annotations

import functools
from typing import Any

import pytest
from bench_store import RESOURCES, consumable_jobs
from jobsets import SIZES

from listjobs_core.endpoint import ReferenceService

SCARCE = "scarce"
SCARCE_HOLDERS = 50


@functools.cache
def endpoint(size: int) -> ReferenceService:
    jobs = consumable_jobs(size)
    running = [job for job in jobs if job["status"] == "RUNNING"][:SCARCE_HOLDERS]
    for job in running:
        job["consumableResourceProperties"]["consumableResourceList"].append(
            {"consumableResource": SCARCE, "quantity": 1}
        )
    service = ReferenceService()
    service.load_batch_jobs(jobs)
    for name in (RESOURCES[0], SCARCE):
        service.create_consumable_resource({"consumableResourceName": name, "totalQuantity": 10**12})
    return service


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("resource", (RESOURCES[0], SCARCE))
@pytest.mark.parametrize("path", ("listing", "every job"))
def test_describe(benchmark: Any, size: int, resource: str, path: str) -> None:
    if path == "every job" and size > 100_000:
        pytest.skip("reading every job of a million takes seconds a call")
    service = endpoint(size)
    resources = service._resources
    saved = resources._lists_by_resource
    if path == "every job":
        resources._lists_by_resource = lambda: None
    try:
        described = service.describe_consumable_resource({"consumableResource": resource})
        benchmark.extra_info["in_use"] = described["inUseQuantity"]
        benchmark(service.describe_consumable_resource, {"consumableResource": resource})
    finally:
        resources._lists_by_resource = saved
