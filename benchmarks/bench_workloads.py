"""The recipe for timing your own listing on the public workloads, against the reference, with
pytest-benchmark; here the "listing under test" is the in-memory store.

    LISTJOBS_BENCH_SIZES=10000 python -m pytest benchmarks/bench_workloads.py \\
        --benchmark-group-by=group --benchmark-columns=min,mean

pytest-benchmark prints one table per workload, the two listings side by side, each figure followed by
its ratio to the faster one in parentheses.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pytest
from jobsets import SIZES

from listjobs_core import ServiceJobStore, list_service_jobs
from listjobs_core.workloads import PAGE, Workload, workloads

Listing = Callable[[list[dict[str, Any]]], Callable[[dict[str, Any]], Any]]
LISTINGS: dict[str, Listing] = {
    "reference": lambda jobs: functools.partial(list_service_jobs, jobs),
    "under test": lambda jobs: ServiceJobStore(jobs).list_service_jobs,  # put your emulator's listing here
}


@functools.cache
def prepared(name: str, size: int, data_set: str, make: Callable[[int], list[dict[str, Any]]]) -> Any:
    """Each listing is given its jobs once per data set and size, as an emulator holds them."""
    return LISTINGS[name](make(size))


@pytest.mark.parametrize("listing", LISTINGS)
@pytest.mark.parametrize("workload", workloads(SIZES), ids=str)
def test_page(benchmark: Any, workload: Workload, listing: str) -> None:
    answer = prepared(listing, workload.size, workload.data_set, workload.make_jobs)
    request: dict[str, Any] = {**workload.request, "maxResults": PAGE}
    passed = 0
    page = answer(request)
    while passed < workload.start_after and "nextToken" in page:
        passed += len(page["jobSummaryList"])
        request = {**request, "nextToken": page["nextToken"]}
        page = answer(request)
    benchmark.group = str(workload)
    result = benchmark(answer, request)
    assert result["jobSummaryList"] == page["jobSummaryList"]
