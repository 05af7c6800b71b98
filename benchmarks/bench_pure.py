"""The pure function against a naive filter + sort + slice, at 1e4, 1e5 and 1e6 jobs.

The naive baseline is the test suite's oracle (``tests/oracle.py``): it filters every job, sorts the whole
selection and slices a page out of it at an offset, which is what emulators do today. Both answer the same
queries over the same jobs; each benchmark id names the size, the query shape and which page.

    python -m pytest benchmarks/bench_pure.py --benchmark-json=/tmp/pure.json
    python benchmarks/table.py /tmp/pure.json
"""

from __future__ import annotations

import functools
from typing import Any

import pytest
from jobsets import PAGE, QUERY_SHAPES, SIZES, synthetic_jobs
from oracle import expected_selection

from listjobs_core import list_service_jobs

# Mid-traversal pages start after this many jobs (a token for the library, an offset for the baseline),
# or after half the selection when it is smaller.
MIDDLE = 1000


@functools.cache
def middle_of(size: int, shape: str) -> int:
    """Where the middle page of a shape's traversal starts."""
    half = len(expected_selection(synthetic_jobs(size), QUERY_SHAPES[shape])) // 2
    return min(MIDDLE, half // PAGE * PAGE)


def naive_page(jobs: list[dict[str, Any]], request: dict[str, Any], offset: int) -> list[dict[str, Any]]:
    """Filter everything, sort everything, slice a page: the moto-style listing."""
    return expected_selection(jobs, request)[offset : offset + PAGE]


def token_after(jobs: list[dict[str, Any]], request: dict[str, Any], skipped: int) -> str:
    """The library's token for the page that starts after ``skipped`` jobs (a multiple of the page)."""
    page_request = {**request, "maxResults": PAGE}
    for _ in range(skipped // PAGE):
        page_request["nextToken"] = list_service_jobs(jobs, page_request)["nextToken"]
    return str(page_request["nextToken"])


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("shape", list(QUERY_SHAPES))
@pytest.mark.parametrize("page", ["first", "middle"])
@pytest.mark.parametrize("implementation", ["library", "naive"])
def test_page(benchmark: Any, size: int, shape: str, page: str, implementation: str) -> None:
    """Time one page of 100 for a query shape, at the start of a traversal or in its middle."""
    jobs = synthetic_jobs(size)
    request = dict(QUERY_SHAPES[shape])
    benchmark.group = f"{size:>7} jobs, {shape}, {page} page"
    rounds = 3 if size >= 1_000_000 else 10
    skipped = middle_of(size, shape) if page == "middle" else 0
    if implementation == "naive":
        result = benchmark.pedantic(naive_page, args=(jobs, request, skipped), rounds=rounds, iterations=1)
    else:
        if skipped:
            request["nextToken"] = token_after(jobs, request, skipped)
        request["maxResults"] = PAGE
        response = benchmark.pedantic(list_service_jobs, args=(jobs, request), rounds=rounds, iterations=1)
        result = response["jobSummaryList"]
    # Both answer the same page.
    assert result == expected_selection(jobs, QUERY_SHAPES[shape])[skipped : skipped + PAGE]
