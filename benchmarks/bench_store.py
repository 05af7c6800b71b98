"""ServiceJobStore against the floor, the pure function and a naive listing, at 1e4, 1e5 and 1e6 jobs.

- **floor**: building one page of 100 wire summaries from job dicts with ``to_summary``: what any listing
  must pay for its page, whatever its indexes.
- **store**: ``ServiceJobStore.list_service_jobs``, a page of 100 from the middle of a traversal (its
  ``nextToken``); a status update (``put`` of a stored job with another status); a full traversal of every
  job in pages of 100; the indexes' memory per job, measured with ``tracemalloc`` while the store is built.
- **pure**: ``list_service_jobs(jobs, request)`` with the same token.
- **naive**: filter every job, sort the whole selection, slice a page at an offset, as moto-style
  emulators do (written below, straight from the contract).

The jobs and query shapes are ``jobsets.py``'s, shared with ``bench_pure.py``. Each size's store is built
once, under ``tracemalloc`` (slow: about two minutes at 1e6), and reused by every benchmark of that size.

    python -m pytest benchmarks/bench_store.py --benchmark-json=/tmp/store.json
    python benchmarks/bench_store.py /tmp/store.json      # the ratio table of BENCHMARKS.md
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import tracemalloc
from collections import defaultdict
from typing import Any

import pytest
from jobsets import PAGE, QUERY_SHAPES, STATUSES, synthetic_jobs
from jobsets import SIZES as ALL_SIZES

from listjobs_core import LIST_SERVICE_JOBS, ServiceJobStore, list_service_jobs
from listjobs_core._wire import to_summary

MEMBERS = LIST_SERVICE_JOBS.summary_members
# LISTJOBS_BENCH_SIZES=10000,100000 runs some sizes only (a quick look; the table needs all three).
SIZES = tuple(int(size) for size in os.environ.get("LISTJOBS_BENCH_SIZES", "").split(",") if size)
SIZES = SIZES or ALL_SIZES
# Two queries that select every job: one a merge of a run per status, one a single run over the name index.
TRAVERSALS: dict[str, dict[str, Any]] = {
    "AFTER_CREATED_AT 0 (every job)": {"filters": [{"name": "AFTER_CREATED_AT", "values": ["0"]}]},
    "JOB_NAME * (every job)": {"filters": [{"name": "JOB_NAME", "values": ["*"]}]},
}
# Traversals with the pure function and the naive listing are quadratic; they run at the smallest size only.
SLOW_TRAVERSAL_SIZES = (SIZES[0],)


# --- The naive listing --------------------------------------------------------------------------------------


def naive_page(jobs: list[dict[str, Any]], request: dict[str, Any], offset: int) -> list[dict[str, Any]]:
    """Filter every job, sort the whole selection, slice one page at an offset token."""
    status = request.get("jobStatus")
    filters = request.get("filters") or []
    name, value = (filters[0]["name"], filters[0]["values"][0]) if filters else (None, "")

    def selected(job: dict[str, Any]) -> bool:
        if name is None:
            return bool(job.get("status") == (status or "RUNNING"))
        if name == "JOB_NAME":
            folded = job["jobName"].casefold()
            wanted = value.casefold()
            return folded.startswith(wanted[:-1]) if value.endswith("*") else folded == wanted
        if name in ("BEFORE_CREATED_AT", "AFTER_CREATED_AT"):
            created_at = job.get("createdAt")
            if created_at is None:
                return False
            return created_at < int(value) if name == "BEFORE_CREATED_AT" else created_at > int(value)
        member = "shareIdentifier" if name == "SHARE_IDENTIFIER" else "quotaShareName"
        return job.get(member) == value and (status is None or job.get("status") == status)

    def key(job: dict[str, Any]) -> tuple[Any, ...]:
        created_at = job.get("createdAt")
        newest = (created_at is None, -(created_at or 0), job["jobId"])
        return (job["jobName"], job.get("version", 0), *newest) if name == "JOB_NAME" else newest

    chosen = sorted((job for job in jobs if selected(job)), key=key)
    page = chosen[offset : offset + PAGE]
    return [{member: job[member] for member in MEMBERS if member in job} for job in page]


# --- Set-up, once per size ----------------------------------------------------------------------------------


@functools.cache
def built(size: int) -> tuple[ServiceJobStore, dict[str, float]]:
    """The store of ``size`` jobs, and its memory per job as ``tracemalloc`` sees it while it is built.

    ``index`` is what the store holds beyond the jobs themselves: its traced size less that of a plain
    ``{jobId: job}`` dict holding the same private copies the store keeps.
    """
    jobs = synthetic_jobs(size)
    gc.collect()
    tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    private_copy = ServiceJobStore()._private_copy
    plain = {job["jobId"]: private_copy(job) for job in jobs}
    plain_bytes = tracemalloc.get_traced_memory()[0] - start
    del plain
    gc.collect()
    start = tracemalloc.get_traced_memory()[0]
    store = ServiceJobStore()
    for job in jobs:
        store.put(job)
    store_bytes = tracemalloc.get_traced_memory()[0] - start
    tracemalloc.stop()
    memory = {
        "store": store_bytes / size,
        "jobs": plain_bytes / size,
        "index": (store_bytes - plain_bytes) / size,
    }
    return store, memory


@functools.cache
def nested_jobs(size: int) -> list[dict[str, Any]]:
    """The same jobs, each with a nested member (``latestAttempt``) as SageMaker service jobs carry."""
    return [
        {**job, "latestAttempt": {"serviceResourceId": {"name": "TrainingJobArn", "value": job["jobArn"]}}}
        for job in synthetic_jobs(size)
    ]


@functools.cache
def nested_store(size: int) -> ServiceJobStore:
    """A store of ``nested_jobs(size)``, built without tracemalloc."""
    store = ServiceJobStore()
    for job in nested_jobs(size):
        store.put(job)
    return store


@functools.cache
def middle(size: int, shape: str, nested: bool = False) -> tuple[int, str | None]:
    """The offset of the page in the middle of a shape's traversal, and the token that starts it."""
    store = nested_store(size) if nested else built(size)[0]
    request: dict[str, Any] = {**QUERY_SHAPES[shape], "maxResults": PAGE}
    tokens: list[str] = []
    while True:
        page = store.list_service_jobs(request)
        if "nextToken" not in page:
            break
        tokens.append(page["nextToken"])
        request["nextToken"] = page["nextToken"]
    if not tokens:
        return 0, None
    pages_before = (len(tokens) + 1) // 2
    return pages_before * PAGE, tokens[pages_before - 1]


def traverse(listing: Any, request: dict[str, Any]) -> int:
    """Follow ``nextToken`` to the last page; the number of jobs listed."""
    request = {**request, "maxResults": PAGE}
    listed = 0
    while True:
        page = listing(request)
        listed += len(page["jobSummaryList"])
        if "nextToken" not in page:
            return listed
        request["nextToken"] = page["nextToken"]


# --- Benchmarks ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_floor(benchmark: Any, size: int) -> None:
    """The floor: one page of 100 wire summaries built from job dicts with to_summary."""
    jobs = synthetic_jobs(size)
    page = jobs[size // 2 : size // 2 + PAGE]
    benchmark.group = f"{size} floor"
    benchmark(lambda: [to_summary(job, MEMBERS) for job in page])


@pytest.mark.parametrize("size", SIZES)
def test_index_memory(benchmark: Any, size: int) -> None:
    """Index bytes per job, from tracemalloc at build time (in extra_info; the timing is only len())."""
    store, memory = built(size)
    benchmark.group = f"{size} memory"
    benchmark.extra_info.update(memory)
    benchmark.pedantic(store.__len__, rounds=1, iterations=1)
    assert len(store) == size


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("shape", list(QUERY_SHAPES))
@pytest.mark.parametrize("implementation", ["store", "pure", "naive"])
def test_page(benchmark: Any, size: int, shape: str, implementation: str) -> None:
    """One page of 100 from the middle of a traversal, for one query shape."""
    jobs = synthetic_jobs(size)
    store, _ = built(size)
    offset, token = middle(size, shape)
    request: dict[str, Any] = {**QUERY_SHAPES[shape], "maxResults": PAGE}
    if token is not None:
        request["nextToken"] = token
    benchmark.group = f"{size} page {shape}"
    slow = size >= 100_000 and implementation != "store"
    if implementation == "store":
        summaries = benchmark(store.list_service_jobs, request)["jobSummaryList"]
    elif implementation == "pure" and slow:
        response = benchmark.pedantic(list_service_jobs, args=(jobs, request), rounds=3, iterations=1)
        summaries = response["jobSummaryList"]
    elif implementation == "pure":
        summaries = benchmark(list_service_jobs, jobs, request)["jobSummaryList"]
    else:
        kwargs = {"rounds": 3, "iterations": 1} if slow else {"rounds": 10, "iterations": 1}
        summaries = benchmark.pedantic(naive_page, args=(jobs, QUERY_SHAPES[shape], offset), **kwargs)
    # All three list the same page.
    assert summaries == naive_page(jobs, QUERY_SHAPES[shape], offset)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("implementation", ["floor", "store"])
def test_nested_page(benchmark: Any, size: int, implementation: str) -> None:
    """Jobs with a nested member: their floor, and a store page from the middle of a status traversal
    (such jobs are projected by to_summary at listing time, W-3)."""
    jobs = nested_jobs(size)
    benchmark.group = f"{size} nested page status"
    if implementation == "floor":
        page = jobs[size // 2 : size // 2 + PAGE]
        benchmark(lambda: [to_summary(job, MEMBERS) for job in page])
        return
    store = nested_store(size)
    offset, token = middle(size, "status", nested=True)
    request: dict[str, Any] = {**QUERY_SHAPES["status"], "maxResults": PAGE}
    if token is not None:
        request["nextToken"] = token
    summaries = benchmark(store.list_service_jobs, request)["jobSummaryList"]
    assert summaries == list_service_jobs(jobs, request)["jobSummaryList"]


@pytest.mark.parametrize("size", SIZES)
def test_status_update(benchmark: Any, size: int) -> None:
    """A status update: put a stored job again with another status (and back, alternately)."""
    jobs = synthetic_jobs(size)
    store, _ = built(size)
    original = jobs[size // 2]
    versions = [{**original, "status": status} for status in STATUSES]
    turn = iter(range(10**9))
    benchmark.group = f"{size} update"
    benchmark(lambda: store.put(versions[next(turn) % len(versions)]))
    store.put(original)
    assert store.get(original["jobId"]) == original


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("query", list(TRAVERSALS))
@pytest.mark.parametrize("implementation", ["store", "pure", "naive"])
def test_full_traversal(benchmark: Any, size: int, query: str, implementation: str) -> None:
    """A full traversal of every job in pages of 100, following nextToken (an offset for naive)."""
    if implementation != "store" and size not in SLOW_TRAVERSAL_SIZES:
        pytest.skip("quadratic: measured at the smallest size only")
    jobs = synthetic_jobs(size)
    store, _ = built(size)
    request = TRAVERSALS[query]
    benchmark.group = f"{size} traversal {query}"
    if implementation == "store":
        listed = benchmark.pedantic(traverse, args=(store.list_service_jobs, request), rounds=3, iterations=1)
    elif implementation == "pure":
        listing = functools.partial(list_service_jobs, jobs)
        listed = benchmark.pedantic(traverse, args=(listing, request), rounds=1, iterations=1)
    else:

        def naive_traversal() -> int:
            offset = 0
            while page := naive_page(jobs, request, offset):
                offset += len(page)
            return offset

        listed = benchmark.pedantic(naive_traversal, rounds=1, iterations=1)
    assert listed == size


# --- The table of BENCHMARKS.md -----------------------------------------------------------------------------


def table(results: dict[str, Any]) -> str:
    """The Markdown ratio table of one pytest-benchmark JSON run, from the medians."""
    median: dict[tuple[int, str], dict[str, float]] = defaultdict(dict)
    memory: dict[int, dict[str, float]] = {}
    for bench in results["benchmarks"]:
        size_text, what = bench["group"].split(" ", 1)
        implementation = bench["params"].get("implementation", "store")
        median[(int(size_text), what)][implementation] = bench["stats"]["median"]
        if what == "memory":
            memory[int(size_text)] = bench["extra_info"]
    sizes = sorted({size for size, _ in median})
    floor = {size: median[(size, "floor")]["store"] for size in sizes}
    rows: list[tuple[str, str, list[str]]] = [
        ("floor: 100 summaries (µs)", "", [f"{floor[size] * 1e6:.0f}" for size in sizes])
    ]

    def times(size: int, what: str, implementation: str = "store") -> float | None:
        return median.get((size, what), {}).get(implementation)

    def cells(values: list[float | None], fmt: str) -> list[str]:
        return ["-" if value is None else fmt.format(value) for value in values]

    for shape in QUERY_SHAPES:
        store = [times(size, f"page {shape}") or 0.0 for size in sizes]
        to_floor = [mine / floor[size] for mine, size in zip(store, sizes, strict=True)]
        rows.append((f"page, {shape}: store / floor", "≤ 3x", cells(list(to_floor), "{:.2f}x")))
        for implementation, goal in (("naive", "≥ 500x"), ("pure", "")):
            other = [times(size, f"page {shape}", implementation) for size in sizes]
            ratios = [
                None if value is None else value / mine for value, mine in zip(other, store, strict=True)
            ]
            rows.append((f"page, {shape}: {implementation} / store", goal, cells(ratios, "{:,.0f}x")))
    nested = [
        (times(size, "nested page status") or 0.0) / (times(size, "nested page status", "floor") or 1.0)
        for size in sizes
    ]
    rows.append(
        (
            "page, status, jobs with a nested member: store / their floor",
            "≤ 3x",
            cells(list(nested), "{:.2f}x"),
        )
    )
    update = [(times(size, "update") or 0.0) / floor[size] for size in sizes]
    rows.append(("status update / floor", "≤ 1x", cells(list(update), "{:.2f}x")))
    for query in TRAVERSALS:
        for implementation, goal in (("store", "≤ 4x"), ("pure", ""), ("naive", "")):
            values = [times(size, f"traversal {query}", implementation) for size in sizes]
            ratios = [
                None if value is None else value / (size / PAGE * floor[size])
                for value, size in zip(values, sizes, strict=True)
            ]
            rows.append(
                (
                    f"full traversal, {query}: {implementation} / (N/100 x floor)",
                    goal,
                    cells(ratios, "{:.2f}x"),
                )
            )
    rows.append(("index bytes per job", "≤ 250", [f"{memory[size]['index']:.0f}" for size in sizes]))
    rows.append(
        ("the jobs' private copies, bytes per job", "", [f"{memory[size]['jobs']:.0f}" for size in sizes])
    )
    lines = [
        "| measure | goal at 1e6 | " + " | ".join(f"{size:,} jobs" for size in sizes) + " |",
        "|" + "---|" * 2 + "---:|" * len(sizes),
        *(f"| {label} | {goal} | " + " | ".join(values) + " |" for label, goal, values in rows),
    ]
    machine = results.get("machine_info", {})
    lines.append("")
    lines.append(
        f"Medians of one run: Python {machine.get('python_version')}, "
        f"{machine.get('cpu', {}).get('brand_raw', '?')}, {results.get('datetime', '')[:10]}."
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="Print the ServiceJobStore table of BENCHMARKS.md.")
    parser.add_argument("results", help="a pytest-benchmark JSON file from this module")
    with open(parser.parse_args().results, encoding="utf-8") as handle:
        print(table(json.load(handle)))


if __name__ == "__main__":
    main()
