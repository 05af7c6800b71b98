"""SqlJobStore on SQLite and PostgreSQL against the in-memory store and the floor, at 1e4, 1e5 and 1e6 jobs.

- **floor**: one page of 100 jobs projected onto the summary members by a dict comprehension
  (``jobsets.project``, the floor of ``bench_store.py``): what any listing must pay for its page.
- **memory**: ``ServiceJobStore.list_service_jobs``, the page of 100 in the middle of a traversal (its
  ``nextToken``).
- **sqlite**, **postgresql**: ``SqlJobStore.list_service_jobs`` with the same request and token, on a SQLite
  file (WAL) and on a throwaway PostgreSQL server started from the machine's binaries (``fsync=off``, the
  test suite's server) over its Unix socket.
- **bulk load**: ``SqlJobStore.put_many`` of every job into an empty database, once per engine and size.

The jobs are ``jobsets.py``'s, each also given one of four ``quotaShareName`` values, so that every filter
has jobs to find; the query shapes are ``jobsets.py``'s and those below, so every filter kind runs with and
without ``jobStatus`` or a queue. All implementations return the same page (checked).

    python -m pytest benchmarks/bench_sql.py --benchmark-json=/tmp/sql.json
    python benchmarks/bench_sql.py /tmp/sql.json        # the SQL table of BENCHMARKS.md
"""

from __future__ import annotations

import argparse
import atexit
import functools
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

# The throwaway PostgreSQL server is the test suite's (benchmarks/conftest.py adds the path under pytest).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import pytest  # noqa: E402
from jobsets import PAGE, QUERY_SHAPES, QUEUE_ARN, QUEUES, START, project, synthetic_jobs  # noqa: E402
from jobsets import SIZES as ALL_SIZES  # noqa: E402
from postgresql_server import PostgresServer, find_binaries  # noqa: E402

from listjobs_core import ServiceJobStore  # noqa: E402
from listjobs_core.sql import SqlJobStore  # noqa: E402

SIZES = tuple(int(size) for size in os.environ.get("LISTJOBS_BENCH_SIZES", "").split(",") if size)
SIZES = SIZES or ALL_SIZES
ENGINES = ("sqlite", "postgresql")
SHAPES: dict[str, dict[str, Any]] = {
    **QUERY_SHAPES,
    "BEFORE_CREATED_AT": {"filters": [{"name": "BEFORE_CREATED_AT", "values": [str(START + 1_500_000_000)]}]},
    "SHARE_IDENTIFIER": {"filters": [{"name": "SHARE_IDENTIFIER", "values": ["share-3"]}]},
    "QUOTA_SHARE_NAME + status": {
        "jobStatus": "FAILED",
        "filters": [{"name": "QUOTA_SHARE_NAME", "values": ["quota-1"]}],
    },
    "JOB_NAME *": {"filters": [{"name": "JOB_NAME", "values": ["*"]}]},
    "JOB_NAME prefix, queue ARN": {
        "jobQueue": QUEUE_ARN + QUEUES[0],
        "filters": [{"name": "JOB_NAME", "values": ["TRAINING-2*"]}],
    },
}


@functools.cache
def jobs_of(size: int) -> list[dict[str, Any]]:
    return [{**job, "quotaShareName": f"quota-{index % 4}"} for index, job in enumerate(synthetic_jobs(size))]


@functools.cache
def memory_store(size: int) -> ServiceJobStore:
    store = ServiceJobStore()
    for job in jobs_of(size):
        store.put(job)
    return store


@functools.cache
def postgres() -> PostgresServer:
    binaries = find_binaries()
    if binaries is None:
        pytest.skip("no PostgreSQL binaries")
    server = PostgresServer(binaries)
    atexit.register(server.stop)
    return server


@functools.cache
def sql_store(engine: str, size: int) -> tuple[SqlJobStore, float]:
    """A store of ``size`` jobs on ``engine``, and how long its bulk load took (seconds)."""
    if engine == "sqlite":
        url = f"sqlite:///{tempfile.mkdtemp(prefix='listjobs-bench-')}/jobs.db"
    else:
        url = postgres().new_database()
    store = SqlJobStore(url)
    jobs = jobs_of(size)
    started = time.perf_counter()
    store.put_many(jobs)
    return store, time.perf_counter() - started


@functools.cache
def middle_request(size: int, shape: str) -> dict[str, Any]:
    """The request of the page in the middle of a shape's traversal (tokens from the in-memory store,
    valid in every store)."""
    store = memory_store(size)
    request: dict[str, Any] = {**SHAPES[shape], "maxResults": PAGE}
    tokens: list[str] = []
    while True:
        page = store.list_service_jobs(request)
        if "nextToken" not in page:
            break
        tokens.append(page["nextToken"])
        request["nextToken"] = page["nextToken"]
    middle = {**SHAPES[shape], "maxResults": PAGE}
    if tokens:
        middle["nextToken"] = tokens[(len(tokens) - 1) // 2]
    return middle


@pytest.mark.parametrize("size", SIZES)
def test_floor(benchmark: Any, size: int) -> None:
    """The floor: one page of 100 jobs projected onto the summary members by a dict comprehension."""
    page = jobs_of(size)[size // 2 : size // 2 + PAGE]
    benchmark.group = f"{size} floor"
    benchmark(project, page)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("engine", ENGINES)
def test_bulk_load(benchmark: Any, size: int, engine: str) -> None:
    """put_many of every job into an empty database (timed once, while the store is built)."""
    store, seconds = sql_store(engine, size)
    benchmark.group = f"{size} bulk load"
    benchmark.extra_info["seconds"] = seconds
    benchmark.extra_info["jobs_per_second"] = size / seconds
    benchmark.pedantic(store.__len__, rounds=1, iterations=1)
    assert len(store) == size


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("implementation", ["memory", *ENGINES])
def test_page(benchmark: Any, size: int, shape: str, implementation: str) -> None:
    """One page of 100 from the middle of a traversal, for one query shape."""
    request = middle_request(size, shape)
    expected = memory_store(size).list_service_jobs(request)
    listing = (
        memory_store(size).list_service_jobs
        if implementation == "memory"
        else sql_store(implementation, size)[0].list_service_jobs
    )
    benchmark.group = f"{size} page {shape}"
    benchmark.extra_info["listed"] = len(expected["jobSummaryList"])
    # A shape whose values no job has any more (a renamed queue, say) would time an empty page.
    assert expected["jobSummaryList"], f"{shape} lists no job at {size}: its values are stale"
    assert benchmark(listing, request) == expected


# --- The table of BENCHMARKS.md -----------------------------------------------------------------------------


def table(results: dict[str, Any]) -> str:
    """The Markdown table of one pytest-benchmark JSON run of this module, from the medians."""
    median: dict[tuple[int, str], dict[str, float]] = defaultdict(dict)
    listed: dict[tuple[int, str], int] = {}
    loads: dict[tuple[int, str], float] = {}
    for bench in results["benchmarks"]:
        size_text, what = bench["group"].split(" ", 1)
        size = int(size_text)
        if what == "bulk load":
            loads[(size, bench["params"]["engine"])] = bench["extra_info"]["jobs_per_second"]
            continue
        implementation = bench["params"].get("implementation", "floor")
        median[(size, what)][implementation] = bench["stats"]["median"]
        if "listed" in bench["extra_info"]:
            listed[(size, what)] = bench["extra_info"]["listed"]
    sizes = sorted({size for size, _ in median})
    big = [size for size in sizes if size >= 100_000]
    smallest, largest = sizes[0], sizes[-1]
    floor = {size: median[(size, "floor")]["floor"] for size in sizes}
    header = ["shape"]
    for size in big:
        header += [f"memory µs {size:.0e}", f"sqlite / memory {size:.0e}", f"postgresql / memory {size:.0e}"]
    header += [f"sqlite / floor {largest:.0e}", f"postgresql / floor {largest:.0e}"]
    header += [
        f"sqlite growth {smallest:.0e}→{largest:.0e}",
        f"postgresql growth {smallest:.0e}→{largest:.0e}",
    ]
    lines = ["| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1)]
    for shape in SHAPES:
        cells = [shape]
        for size in big:
            times = median.get((size, f"page {shape}"), {})
            memory = times.get("memory")
            cells.append(f"{memory * 1e6:.0f}" if memory else "-")
            for engine in ENGINES:
                value = times.get(engine)
                cells.append(f"{value / memory:.1f}x" if value and memory else "-")
        for engine in ENGINES:
            value = median.get((largest, f"page {shape}"), {}).get(engine)
            cells.append(f"{value / floor[largest]:.2f}x" if value else "-")
        # Growth compares pages of the same length; a shape whose page at the smallest size is short (a
        # name that a thousandth of the jobs have) is marked with its lengths.
        lengths = (listed.get((smallest, f"page {shape}")), listed.get((largest, f"page {shape}")))
        note = "" if lengths[0] == lengths[1] else f" ({lengths[0]} → {lengths[1]} jobs)"
        for engine in ENGINES:
            first = median.get((smallest, f"page {shape}"), {}).get(engine)
            last = median.get((largest, f"page {shape}"), {}).get(engine)
            cells.append(f"{last / first:.2f}x{note}" if first and last else "-")
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(
        "| bulk load (put_many), jobs per second | " + " | ".join(f"{s:,} jobs" for s in sizes) + " |"
    )
    lines.append("|---|" + "---:|" * len(sizes))
    for engine in ENGINES:
        rates = [loads.get((size, engine)) for size in sizes]
        lines.append(f"| {engine} | " + " | ".join("-" if r is None else f"{r:,.0f}" for r in rates) + " |")
    lines.append("")
    lines.append(
        "floor (µs): " + ", ".join(f"{size:,} jobs {floor[size] * 1e6:.0f}" for size in sizes) + ". "
        f"Medians of one run: Python {results.get('machine_info', {}).get('python_version')}, "
        f"{results.get('machine_info', {}).get('cpu', {}).get('brand_raw', '?')}, "
        f"{results.get('datetime', '')[:10]}."
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="Print the SQL table of BENCHMARKS.md.")
    parser.add_argument("results", help="a pytest-benchmark JSON file from this module")
    with open(parser.parse_args().results, encoding="utf-8") as handle:
        print(table(json.load(handle)))


if __name__ == "__main__":
    main()
