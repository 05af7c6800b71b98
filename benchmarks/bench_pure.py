"""The pure function against the baselines of ``jobsets.py``, at 1e4, 1e5 and 1e6 jobs.

For each query shape, one page of 100, first in a traversal or after 1000 jobs (after half the selection
when it is smaller): ``list_service_jobs`` (a token for the middle page), the naive listing and its inlined
variant (an offset), and the test suite's oracle (``tests/oracle.py``: every job through a general
``matches``, a sort, a summary per selected job, then the slice), the baseline of earlier versions of this
file. The one-pass limit is measured once per size. All four listings return the same page (checked).

    python -m pytest benchmarks/bench_pure.py --benchmark-timer=time.thread_time \
        --benchmark-json=/tmp/pure.json
    python benchmarks/table.py /tmp/pure.json
"""

from __future__ import annotations

import functools
from typing import Any

import pytest
from jobsets import PAGE, QUERY_SHAPES, SIZES, inlined_page, naive_page, one_pass, synthetic_jobs
from oracle import expected_selection

from listjobs_core import list_service_jobs

# Mid-traversal pages start after this many jobs (a token for the library, an offset for the baselines),
# or after half the selection when it is smaller.
MIDDLE = 1000


@functools.cache
def middle_of(size: int, shape: str) -> int:
    """Where the middle page of a shape's traversal starts."""
    half = len(expected_selection(synthetic_jobs(size), QUERY_SHAPES[shape])) // 2
    return min(MIDDLE, half // PAGE * PAGE)


@functools.cache
def token_after(size: int, shape: str, skipped: int) -> str:
    """The library's token for the page that starts after ``skipped`` jobs (a multiple of the page)."""
    jobs = synthetic_jobs(size)
    page_request = {**QUERY_SHAPES[shape], "maxResults": PAGE}
    for _ in range(skipped // PAGE):
        page_request["nextToken"] = list_service_jobs(jobs, page_request)["nextToken"]
    return str(page_request["nextToken"])


def oracle_page(jobs: list[dict[str, Any]], request: dict[str, Any], offset: int) -> list[dict[str, Any]]:
    """The old baseline: the whole selection as summaries, then a slice."""
    return expected_selection(jobs, request)[offset : offset + PAGE]


def rounds(size: int) -> int:
    return 3 if size >= 1_000_000 else 10


@pytest.mark.parametrize("size", SIZES)
def test_one_pass(benchmark: Any, size: int) -> None:
    """The one-pass limit: read every job's status, nothing else."""
    jobs = synthetic_jobs(size)
    benchmark.group = f"{size:>7} jobs, one pass"
    benchmark.pedantic(one_pass, args=(jobs,), rounds=rounds(size), iterations=1)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("shape", list(QUERY_SHAPES))
@pytest.mark.parametrize("page", ["first", "middle"])
@pytest.mark.parametrize("implementation", ["library", "naive", "inlined", "oracle"])
def test_page(benchmark: Any, size: int, shape: str, page: str, implementation: str) -> None:
    """Time one page of 100 for a query shape, at the start of a traversal or in its middle."""
    jobs = synthetic_jobs(size)
    request = dict(QUERY_SHAPES[shape])
    benchmark.group = f"{size:>7} jobs, {shape}, {page} page"
    skipped = middle_of(size, shape) if page == "middle" else 0
    if implementation == "library":
        request["maxResults"] = PAGE
        if skipped:
            request["nextToken"] = token_after(size, shape, skipped)
        response = benchmark.pedantic(
            list_service_jobs, args=(jobs, request), rounds=rounds(size), iterations=1
        )
        result = response["jobSummaryList"]
    else:
        listing = {"naive": naive_page, "inlined": inlined_page, "oracle": oracle_page}[implementation]
        result = benchmark.pedantic(listing, args=(jobs, request, skipped), rounds=rounds(size), iterations=1)
    # Every listing answers the same page.
    assert result == naive_page(jobs, QUERY_SHAPES[shape], skipped)
