"""ServiceJobStore against the projection floor and the baselines of ``jobsets.py``, at 1e4, 1e5 and 1e6 jobs.

- **floor**: the page's 100 jobs projected onto the summary members with a dict comprehension
  (``jobsets.project``): what any listing that returns summaries pays for its page, indexed or not. The
  old floor, 100 ``to_summary`` calls, is an extra column.
- **page**: ``ServiceJobStore.list_service_jobs`` for the page of 100 in the middle of a traversal (its
  ``nextToken``), per query shape; **json**: ``answer_json`` for the same page, against
  ``json.dumps(list_service_jobs(...))`` encoded, which is what a server does without it;
  **naive**: ``jobsets.naive_page`` at the same offset (extra column).
- **update**: a status change of a random job, with ``update(job_id, status=...)`` and with ``put`` of
  the job with another status.
- **load**: ``put_many`` of every job into an empty store, against SQLite (the standard library's
  ``sqlite3``, in memory) inserting the same jobs and then creating the six indexes the store's queries
  need.
- **first JOB_NAME query**: in a fresh process, the first JOB_NAME page after the store is loaded.
- **memory**: ``tracemalloc``'s bytes per job the store holds, and beyond a plain copy of each job.
- **ListJobsByConsumableResource**: ``JobStore(LIST_JOBS).list_jobs_by_consumable_resource`` for the page of
  100 in the middle of a traversal (its ``nextToken``), per query shape (``CONSUMABLE_SHAPES``), over Batch
  jobs of which each requires one of three resources and every other one a fourth, shared one, against the
  same floor.
- **walk**: in a fresh process, every page of ``AFTER_CREATED_AT 0`` (pages of 100) right after
  ``put_many``, with the cyclic collector on, the job list kept alive (as an emulator keeps its jobs) and no
  explicit collection in between; per page, against the floor measured in the same process. Beside it,
  the objects the collector tracks that the load added, per job (``len(gc.get_objects())`` before and
  after), and the time of one full collection right after the walk.

Each size's store is built once and reused. Times are thread CPU time with the command below.

    python -m pytest benchmarks/bench_store.py --benchmark-timer=time.thread_time \
        --benchmark-json=/tmp/store.json
    python benchmarks/bench_store.py /tmp/store.json      # the tables of BENCHMARKS.md
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import random
import sqlite3
import subprocess
import sys
import tracemalloc
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from jobsets import PAGE, QUERY_SHAPES, SIZES, STATUSES, naive_page, project, synthetic_jobs

from listjobs_core import LIST_JOBS, LIST_SERVICE_JOBS, JobStore, ServiceJobStore
from listjobs_core._wire import to_summary

MEMBERS = LIST_SERVICE_JOBS.summary_members
HERE = Path(__file__).resolve().parent


def wire_json(response: dict[str, Any]) -> bytes:
    """A response as a server encodes it."""
    return json.dumps(response, separators=(",", ":"), ensure_ascii=False).encode()


@functools.cache
def built(size: int) -> ServiceJobStore:
    """The store of ``size`` jobs, loaded with put_many."""
    return ServiceJobStore(synthetic_jobs(size))


@functools.cache
def middle(size: int, shape: str) -> tuple[int, str | None]:
    """The offset of the page in the middle of a shape's traversal, and the token that starts it."""
    store = built(size)
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


def page_request(size: int, shape: str) -> tuple[dict[str, Any], int]:
    offset, token = middle(size, shape)
    request: dict[str, Any] = {**QUERY_SHAPES[shape], "maxResults": PAGE}
    if token is not None:
        request["nextToken"] = token
    return request, offset


# --- Benchmarks ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("implementation", ["floor", "to_summary"])
def test_floor(benchmark: Any, size: int, implementation: str) -> None:
    """The floor: one page of 100 jobs projected by a dict comprehension (or, the old floor, to_summary)."""
    page = synthetic_jobs(size)[size // 2 : size // 2 + PAGE]
    benchmark.group = f"{size} floor"
    if implementation == "floor":
        benchmark(project, page)
    else:
        benchmark(lambda: [to_summary(job, MEMBERS) for job in page])


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("shape", list(QUERY_SHAPES))
@pytest.mark.parametrize("implementation", ["store", "json", "dumps", "naive"])
def test_page(benchmark: Any, size: int, shape: str, implementation: str) -> None:
    """One page of 100 from the middle of a traversal, for one query shape."""
    store = built(size)
    request, offset = page_request(size, shape)
    benchmark.group = f"{size} page {shape}"
    expected = naive_page(synthetic_jobs(size), QUERY_SHAPES[shape], offset)
    if implementation == "store":
        assert benchmark(store.list_service_jobs, request)["jobSummaryList"] == expected
    elif implementation == "json":
        body = benchmark(store.answer_json, request)
        assert json.loads(body)["jobSummaryList"] == expected
    elif implementation == "dumps":
        body = benchmark(lambda: wire_json(store.list_service_jobs(request)))
        assert body == store.answer_json(request)
    else:
        if size >= 1_000_000:
            summaries = benchmark.pedantic(
                naive_page, args=(synthetic_jobs(size), QUERY_SHAPES[shape], offset), rounds=3, iterations=1
            )
        else:
            summaries = benchmark(naive_page, synthetic_jobs(size), QUERY_SHAPES[shape], offset)
        assert summaries == expected


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("implementation", ["update", "put"])
def test_status_change(benchmark: Any, size: int, implementation: str) -> None:
    """A status change of a random job (another one each round), by update or by put."""
    jobs = synthetic_jobs(size)
    store = ServiceJobStore(jobs)  # its own store: the changes stay out of the page benchmarks
    rng = random.Random(size)
    benchmark.group = f"{size} status change"
    if implementation == "update":

        def change() -> None:
            store.update(jobs[rng.randrange(size)]["jobId"], status=rng.choice(STATUSES))

    else:

        def change() -> None:
            store.put({**jobs[rng.randrange(size)], "status": rng.choice(STATUSES)})

    benchmark.pedantic(change, rounds=2000, iterations=1, warmup_rounds=100)
    if size <= 10_000:
        store._check()


def sqlite_load(jobs: list[dict[str, Any]]) -> sqlite3.Connection:
    """Load then index, in SQLite: a row per job, its JSON, and an index per query shape of the store."""
    database = sqlite3.connect(":memory:")
    database.execute(
        "create table jobs (job_id text primary key, name text, folded text, version int, status text, "
        "created int, share text, queue text, body text)"
    )
    database.executemany(
        "insert or replace into jobs values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (job["jobId"], job["jobName"], job["jobName"].casefold(), job.get("version", 0),
             job.get("status"), job.get("createdAt"), job.get("shareIdentifier"), job.get("jobQueue"),
             json.dumps(job))
            for job in jobs
        ),
    )
    for number, columns in enumerate((
        "status, created desc, job_id", "created desc, job_id", "share, status, created desc, job_id",
        "queue, status, created desc, job_id", "name, version, created desc, job_id",
        "folded, name, version, created desc, job_id",
    )):
        database.execute(f"create index index_{number} on jobs ({columns})")
    database.commit()
    return database


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("implementation", ["put_many", "sqlite"])
def test_load(benchmark: Any, size: int, implementation: str) -> None:
    """Every job into an empty store with put_many, or into SQLite then indexed."""
    jobs = synthetic_jobs(size)
    benchmark.group = f"{size} load"
    load = ServiceJobStore if implementation == "put_many" else sqlite_load
    rounds = 1 if size >= 1_000_000 else 3
    loaded = benchmark.pedantic(load, args=(jobs,), rounds=rounds, iterations=1)
    assert len(loaded) == size if isinstance(loaded, ServiceJobStore) else True


FIRST_QUERY = """
import sys, time
sys.path.insert(0, {here!r})
from jobsets import synthetic_jobs
from listjobs_core import ServiceJobStore
store = ServiceJobStore(synthetic_jobs({size}))
request = {{"filters": [{{"name": "JOB_NAME", "values": [{value!r}]}}]}}
start = time.thread_time()
store.list_service_jobs(request)
first = time.thread_time() - start
start = time.thread_time()
store.list_service_jobs(request)
print(first, time.thread_time() - start)
"""


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("value", ["TRAINING-1*", "training-7"])
def test_first_job_name_query(benchmark: Any, size: int, value: str) -> None:
    """The first JOB_NAME page of a fresh process, after the store is loaded (in extra_info; the timing is
    the subprocess, start to end)."""
    code = FIRST_QUERY.format(here=str(HERE), size=size, value=value)

    def run() -> str:
        return subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout

    benchmark.group = f"{size} first JOB_NAME query"
    first, second = map(float, benchmark.pedantic(run, rounds=1, iterations=1).split())
    benchmark.extra_info.update(first=first, second=second)


WALK = """
import gc, sys, time
sys.path.insert(0, {here!r})
from jobsets import PAGE, project, synthetic_jobs
from listjobs_core import ServiceJobStore
jobs = synthetic_jobs({size})
page = jobs[{size} // 2 : {size} // 2 + PAGE]
def floor():
    start = time.thread_time()
    for _ in range(1000):
        project(page)
    return (time.thread_time() - start) / 1000
before = floor()
tracked = len(gc.get_objects())
store = ServiceJobStore(jobs)
tracked = (len(gc.get_objects()) - tracked) / {size}
request = {{"filters": [{{"name": "AFTER_CREATED_AT", "values": ["0"]}}], "maxResults": PAGE}}
pages = 0
start = time.thread_time()
while True:
    answer = store.list_service_jobs(request)
    pages += 1
    if "nextToken" not in answer:
        break
    request["nextToken"] = answer["nextToken"]
walk = (time.thread_time() - start) / pages
start = time.thread_time()
gc.collect()
collection = time.thread_time() - start
print(walk, min(before, floor()), tracked, collection)
"""


@pytest.mark.parametrize("size", SIZES)
def test_walk_after_load(benchmark: Any, size: int) -> None:
    """Every page of one listing right after the load, GC on, in a fresh process (in extra_info; the
    timing is the subprocess, start to end)."""
    code = WALK.format(here=str(HERE), size=size)

    def run() -> str:
        return subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout

    benchmark.group = f"{size} walk"
    walk, floor, tracked, collection = map(float, benchmark.pedantic(run, rounds=1, iterations=1).split())
    benchmark.extra_info.update(walk=walk, floor=floor, tracked=tracked, collection=collection)


@pytest.mark.parametrize("size", SIZES)
def test_index_memory(benchmark: Any, size: int) -> None:
    """Index bytes per job, from tracemalloc while a store is loaded (in extra_info; the timing is len())."""
    jobs = synthetic_jobs(size)
    gc.collect()
    tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    records = [dict(job) for job in jobs]  # the private copies any store keeps, for comparison
    copies = tracemalloc.get_traced_memory()[0] - start
    del records
    gc.collect()
    start = tracemalloc.get_traced_memory()[0]
    store = ServiceJobStore(jobs)
    held = tracemalloc.get_traced_memory()[0] - start
    tracemalloc.stop()
    benchmark.group = f"{size} memory"
    benchmark.extra_info.update(store=held / size, jobs=copies / size, index=(held - copies) / size)
    benchmark.pedantic(store.__len__, rounds=1, iterations=1)


# --- ListJobsByConsumableResource ------------------------------------------------------------------------

RESOURCES = ("licenses", "gpu-quota", "seats")
SHARED_RESOURCE = "shared-pool"
CONSUMABLE_SHAPES: dict[str, dict[str, Any]] = {
    "resource": {"consumableResource": "licenses"},
    "resource by ARN": {
        "consumableResource": "arn:aws:batch:us-east-1:123456789012:consumable-resource/licenses"
    },
    "resource and JOB_STATUS": {
        "consumableResource": SHARED_RESOURCE, "filters": [{"name": "JOB_STATUS", "values": ["RUNNING"]}]
    },
    "resource and JOB_NAME": {
        "consumableResource": SHARED_RESOURCE, "filters": [{"name": "JOB_NAME", "values": ["TRAINING-7"]}]
    },
}


@functools.cache
def consumable_jobs(size: int) -> list[dict[str, Any]]:
    """The ordinary jobs as Batch jobs: the members a ListJobsByConsumableResourceSummary reads, each job
    requiring one of ``RESOURCES`` and every other one ``SHARED_RESOURCE`` too."""
    jobs = []
    for number, job in enumerate(synthetic_jobs(size)):
        entries = [{"consumableResource": RESOURCES[number % 3], "quantity": 1 + number % 4}]
        if number % 2:
            entries.append({"consumableResource": SHARED_RESOURCE, "quantity": 1})
        jobs.append({
            "jobId": job["jobId"],
            "jobName": job["jobName"],
            "jobArn": "arn:aws:batch:us-east-1:123456789012:job/" + job["jobId"],
            "jobQueue": job["jobQueue"],
            "status": job["status"],
            "createdAt": job["createdAt"],
            "consumableResourceProperties": {"consumableResourceList": entries},
        })
    return jobs


@functools.cache
def consumable_store(size: int) -> JobStore:
    return JobStore(consumable_jobs(size), operation=LIST_JOBS)


@functools.cache
def consumable_middle(size: int, shape: str) -> dict[str, Any]:
    """The request of the page in the middle of a shape's traversal."""
    store = consumable_store(size)
    request: dict[str, Any] = {**CONSUMABLE_SHAPES[shape], "maxResults": PAGE}
    tokens: list[str] = []
    while True:
        page = store.list_jobs_by_consumable_resource(request)
        if "nextToken" not in page:
            break
        tokens.append(page["nextToken"])
        request["nextToken"] = page["nextToken"]
    request = {**CONSUMABLE_SHAPES[shape], "maxResults": PAGE}
    if tokens:
        request["nextToken"] = tokens[(len(tokens) + 1) // 2 - 1]
    return request


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("shape", list(CONSUMABLE_SHAPES))
def test_consumable_page(benchmark: Any, size: int, shape: str) -> None:
    """One page of 100 ListJobsByConsumableResource summaries from the middle of a traversal."""
    store = consumable_store(size)
    request = consumable_middle(size, shape)
    benchmark.group = f"{size} consumable {shape}"
    page = benchmark(store.list_jobs_by_consumable_resource, request)
    assert len(page["jobs"]) == PAGE or "nextToken" not in page


# --- The tables of BENCHMARKS.md -------------------------------------------------------------------------


def table(results: dict[str, Any]) -> str:
    """The Markdown tables of one pytest-benchmark JSON run, from the medians."""
    median: dict[tuple[int, str], dict[str, float]] = defaultdict(dict)
    extra: dict[tuple[int, str], dict[str, Any]] = defaultdict(dict)
    for bench in results["benchmarks"]:
        size_text, what = bench["group"].split(" ", 1)
        params = bench["params"]
        name = params.get("implementation") or params.get("value") or "store"
        median[(int(size_text), what)][name] = bench["stats"]["median"]
        extra[(int(size_text), what)][name] = bench["extra_info"]
    sizes = sorted({size for size, _ in median})
    floor = {size: median[(size, "floor")]["floor"] for size in sizes}

    def cell(value: float | None, fmt: str) -> str:
        return "-" if value is None else fmt.format(value)

    rows: list[tuple[str, str, list[str]]] = [
        ("floor: 100 jobs projected (µs)", "", [f"{floor[size] * 1e6:.0f}" for size in sizes]),
        ("old floor: 100 to_summary (µs), / floor", "",
         [f"{median[(size, 'floor')]['to_summary'] * 1e6:.0f}, "
          f"{median[(size, 'floor')]['to_summary'] / floor[size]:.2f}x" for size in sizes]),
    ]
    for shape in QUERY_SHAPES:
        times = [median.get((size, f"page {shape}"), {}) for size in sizes]
        ratios = [t.get("store", 0) / floor[s] for t, s in zip(times, sizes, strict=True)]
        rows.append((f"page, {shape}: store / floor", "≤ 1.5x", [cell(ratio, "{:.2f}x") for ratio in ratios]))
        rows.append((f"page, {shape}: answer_json / floor (json.dumps of the page / floor)", "",
                     [f"{t.get('json', 0) / floor[s]:.2f}x ({t.get('dumps', 0) / floor[s]:.2f}x)"
                      for t, s in zip(times, sizes, strict=True)]))
        rows.append((f"page, {shape}: naive / store", "",
                     [cell(t["naive"] / t["store"] if "naive" in t else None, "{:,.0f}x") for t in times]))
    for shape in CONSUMABLE_SHAPES:
        times = [median.get((size, f"consumable {shape}"), {}).get("store") for size in sizes]
        if any(time is not None for time in times):
            rows.append((f"ListJobsByConsumableResource page, {shape}: store / floor", "≤ 1.5x",
                         [cell(None if t is None else t / floor[s], "{:.2f}x")
                          for t, s in zip(times, sizes, strict=True)]))
    for name, label in (("update", "update(status=...)"), ("put", "put with another status")):
        rows.append((f"status change of a random job, {label} / floor", "≤ 0.5x" if name == "update" else "",
                     [f"{median[(size, 'status change')][name] / floor[size]:.2f}x" for size in sizes]))
    rows.append(("load with put_many (s)", "≤ 3 s at 1e6",
                 [f"{median[(size, 'load')]['put_many']:.2f}" for size in sizes]))
    rows.append(("load into SQLite, then index (s)", "",
                 [f"{median[(size, 'load')]['sqlite']:.2f}" for size in sizes]))
    for value in ("TRAINING-1*", "training-7"):
        rows.append((f"first JOB_NAME {value} query of a fresh process (ms), second", "≤ 5 ms",
                     [f"{extra[(size, 'first JOB_NAME query')][value]['first'] * 1e3:.2f}, "
                      f"{extra[(size, 'first JOB_NAME query')][value]['second'] * 1e3:.2f}"
                      for size in sizes]))
    if all((size, "memory") in extra for size in sizes):
        rows.append(("store bytes per job (tracemalloc)", "≤ 400",
                     [f"{extra[(size, 'memory')]['store']['store']:.0f}" for size in sizes]))
        rows.append(("store bytes per job beyond a dict copy of each job", "",
                     [f"{extra[(size, 'memory')]['store']['index']:.0f}" for size in sizes]))
    if all((size, "walk") in extra for size in sizes):
        walks = [extra[(size, "walk")]["store"] for size in sizes]
        rows.append(("every page of AFTER_CREATED_AT 0 right after put_many, GC on, per page / floor of the "
                     "same process", "≤ 2x", [f"{walk['walk'] / walk['floor']:.2f}x" for walk in walks]))
        rows.append(("GC-tracked objects the load added, per job", "≤ 0.05",
                     [f"{walk['tracked']:.3f}" for walk in walks]))
        rows.append(("one full collection after the walk (ms)", "",
                     [f"{walk['collection'] * 1e3:.0f}" for walk in walks]))
    lines = [
        "| measure | goal | " + " | ".join(f"{size:,} jobs" for size in sizes) + " |",
        "|" + "---|" * 2 + "---:|" * len(sizes),
        *(f"| {label} | {goal} | " + " | ".join(values) + " |" for label, goal, values in rows),
    ]
    machine = results.get("machine_info", {})
    lines.append("")
    lines.append(
        f"Medians of one run, thread CPU time: Python {machine.get('python_version')}, "
        f"{machine.get('cpu', {}).get('brand_raw', '?')}, {results.get('datetime', '')[:10]}."
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="Print the ServiceJobStore tables of BENCHMARKS.md.")
    parser.add_argument("results", help="a pytest-benchmark JSON file from this module")
    with open(parser.parse_args().results, encoding="utf-8") as handle:
        print(table(json.load(handle)))


if __name__ == "__main__":
    main()
