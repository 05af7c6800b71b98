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

- **adversarial**: the second page of each request of ``workloads``' adversarial data sets (case variants
  of one name, queue ARNs that differ in region), at 5e3 and 5e4 jobs, on each engine and in memory.

    python -m pytest benchmarks/bench_sql.py -k "not adversarial" --benchmark-json=/tmp/sql.json
    python benchmarks/bench_sql.py /tmp/sql.json        # the SQL table of BENCHMARKS.md
    python -m pytest benchmarks/bench_sql.py -k adversarial --benchmark-json=/tmp/sql-adversarial.json
    python benchmarks/bench_sql.py --adversarial /tmp/sql-adversarial.json   # the adversarial SQL table
    python benchmarks/bench_sql.py --round-trips 100000   # PostgreSQL round trips and times per shape
    python benchmarks/bench_sql.py --round-trips 1000000 --before REV   # and the SQL store of REV's

- **ListJobsByConsumableResource**: ``SqlJobStore(url, operation=LIST_JOBS).list_jobs_by_consumable_resource``
  for the page of 100 in the middle of each shape's traversal (``bench_store.CONSUMABLE_SHAPES``, over
  ``bench_store.consumable_jobs``), on each engine, against the in-memory store's page and the floor.

    LISTJOBS_BENCH_SIZES=100000 python -m pytest benchmarks/bench_sql.py -k "consumable or floor" \
        --benchmark-json=/tmp/sql-consumable.json
    python benchmarks/bench_sql.py --consumable /tmp/sql-consumable.json
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
from bench_store import CONSUMABLE_SHAPES, consumable_jobs, consumable_middle, consumable_store  # noqa: E402
from jobsets import PAGE, QUERY_SHAPES, QUEUE_ARN, QUEUES, START, project, synthetic_jobs  # noqa: E402
from jobsets import SIZES as ALL_SIZES  # noqa: E402
from postgresql_server import PostgresServer, find_binaries  # noqa: E402
from postgresql_server import round_trips as page_round_trips  # noqa: E402

from listjobs_core import LIST_JOBS, ServiceJobStore, list_service_jobs  # noqa: E402
from listjobs_core.sql import SqlJobStore  # noqa: E402
from listjobs_core.workloads import Workload, workloads  # noqa: E402

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


# The database of each store ``sql_store`` made, by engine and size.
URLS: dict[tuple[str, int], str] = {}


@functools.cache
def sql_store(engine: str, size: int) -> tuple[SqlJobStore, float]:
    """A store of ``size`` jobs on ``engine``, and how long its bulk load took (seconds)."""
    if engine == "sqlite":
        url = f"sqlite:///{tempfile.mkdtemp(prefix='listjobs-bench-')}/jobs.db"
    else:
        url = postgres().new_database()
    URLS[engine, size] = url
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


# --- Adversarial data sets ---------------------------------------------------------------------------------

ADVERSARIAL_SIZES = (5_000, 50_000)
ADVERSARIAL_SETS = ("case variants", "queue regions")
ADVERSARIAL: dict[str, Workload] = {
    f"{workload.size} {workload.name}": workload
    for workload in workloads(sizes=ADVERSARIAL_SIZES)
    if workload.data_set in ADVERSARIAL_SETS
}


@functools.cache
def adversarial_store(implementation: str, data_set: str, size: int) -> Any:
    """The in-memory store, or a SQL store on an engine, holding one adversarial data set."""
    jobs = next(w for w in ADVERSARIAL.values() if (w.data_set, w.size) == (data_set, size)).jobs()
    if implementation == "memory":
        return ServiceJobStore(jobs)
    if implementation == "sqlite":
        url = f"sqlite:///{tempfile.mkdtemp(prefix='listjobs-bench-')}/jobs.db"
    else:
        url = postgres().new_database()
    store = SqlJobStore(url)
    store.put_many(jobs)
    return store


@functools.cache
def second_page(name: str) -> dict[str, Any]:
    """The request of a workload's second page (the first page's token), or of its first when it has one."""
    workload = ADVERSARIAL[name]
    request: dict[str, Any] = {**workload.request, "maxResults": PAGE}
    first = list_service_jobs(workload.jobs(), request)
    return {**request, **({"nextToken": first["nextToken"]} if "nextToken" in first else {})}


@pytest.mark.parametrize("name", list(ADVERSARIAL))
@pytest.mark.parametrize("implementation", ["memory", *ENGINES])
def test_adversarial_page(benchmark: Any, name: str, implementation: str) -> None:
    """The second page of an adversarial request, with how many statements a SQL store runs for it."""
    workload = ADVERSARIAL[name]
    request = second_page(name)
    store = adversarial_store(implementation, workload.data_set, workload.size)
    benchmark.group = f"adversarial {name}"
    if implementation != "memory":
        benchmark.extra_info["statements"] = len(store.explain(request))
    assert benchmark(store.list_service_jobs, request) == list_service_jobs(workload.jobs(), request)


def adversarial_table(results: dict[str, Any]) -> str:
    """The Markdown table of one run of the adversarial benchmarks, from the medians."""
    median: dict[tuple[str, int], dict[str, float]] = defaultdict(dict)
    statements: dict[tuple[str, int], dict[str, int]] = defaultdict(dict)
    for bench in results["benchmarks"]:
        if not bench["group"].startswith("adversarial "):
            continue
        workload = ADVERSARIAL[bench["group"].removeprefix("adversarial ")]
        implementation = bench["params"]["implementation"]
        median[(workload.name, workload.size)][implementation] = bench["stats"]["median"]
        if "statements" in bench["extra_info"]:
            statements[(workload.name, workload.size)][implementation] = bench["extra_info"]["statements"]
    small, large = ADVERSARIAL_SIZES
    header = ["page (second of its traversal)"]
    for implementation in ("memory", *ENGINES):
        header += [f"{implementation} ms {small:.0e}", f"{implementation} ms {large:.0e}"]
    header += [f"{engine} growth" for engine in ENGINES]
    header += [f"{engine} statements {small:.0e} / {large:.0e}" for engine in ENGINES]
    lines = ["| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1)]
    for name in dict.fromkeys(workload.name for workload in ADVERSARIAL.values()):
        cells = [name]
        for implementation in ("memory", *ENGINES):
            for size in (small, large):
                value = median[(name, size)].get(implementation)
                cells.append("-" if value is None else f"{value * 1e3:.2f}")
        for engine in ENGINES:
            first, last = median[(name, small)].get(engine), median[(name, large)].get(engine)
            cells.append(f"{last / first:.2f}x" if first and last else "-")
        for engine in ENGINES:
            counts = [statements[(name, size)].get(engine) for size in (small, large)]
            cells.append(" / ".join("-" if count is None else str(count) for count in counts))
        lines.append("| " + " | ".join(cells) + " |")
    machine = results.get("machine_info", {})
    lines.append("")
    lines.append(
        f"Medians of one run: Python {machine.get('python_version')}, "
        f"{machine.get('cpu', {}).get('brand_raw', '?')}, {results.get('datetime', '')[:10]}."
    )
    return "\n".join(lines)


# --- ListJobsByConsumableResource ---------------------------------------------------------------------------


@functools.cache
def consumable_sql_store(engine: str, size: int) -> SqlJobStore:
    """A store of ListJobs on ``engine`` holding ``bench_store.consumable_jobs(size)``, the Batch jobs of the
    in-memory ListJobsByConsumableResource benchmark, with their requirement rows."""
    if engine == "sqlite":
        url = f"sqlite:///{tempfile.mkdtemp(prefix='listjobs-bench-')}/jobs.db"
    else:
        url = postgres().new_database()
    store = SqlJobStore(url, operation=LIST_JOBS)
    store.put_many(consumable_jobs(size))
    return store


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("shape", list(CONSUMABLE_SHAPES))
@pytest.mark.parametrize("implementation", ["memory", *ENGINES])
def test_consumable_page(benchmark: Any, size: int, shape: str, implementation: str) -> None:
    """One page of 100 ListJobsByConsumableResource summaries from the middle of a traversal (the request
    and token of ``bench_store.consumable_middle``), as dicts, in memory and on each engine."""
    request = consumable_middle(size, shape)
    expected = consumable_store(size).list_jobs_by_consumable_resource(request)
    memory = implementation == "memory"
    store = consumable_store(size) if memory else consumable_sql_store(implementation, size)
    benchmark.group = f"{size} consumable {shape}"
    benchmark.extra_info["listed"] = len(expected["jobs"])
    if not expected["jobs"]:
        pytest.skip(f"{shape} lists no job at {size}")
    assert benchmark(store.list_jobs_by_consumable_resource, request) == expected


def consumable_table(results: dict[str, Any]) -> str:
    """The ListJobsByConsumableResource SQL table of one run of ``-k "consumable or floor"``: per shape, the
    in-memory page and each engine's over it and over the floor, medians (minima in parentheses)."""
    stats: dict[tuple[int, str], dict[str, tuple[float, float]]] = defaultdict(dict)
    for bench in results["benchmarks"]:
        size_text, what = bench["group"].split(" ", 1)
        name = bench["params"].get("implementation", "floor")
        stats[(int(size_text), what)][name] = (bench["stats"]["median"], bench["stats"]["min"])
    lines = []
    for size in sorted({size for size, what in stats if what == "floor"}):
        floor = stats[(size, "floor")]["floor"]
        lines += [
            f"| page of 100, {size:,} jobs | memory µs | "
            + " | ".join(f"{engine} / memory | {engine} / floor" for engine in ENGINES) + " |",
            "|---|---:|" + "---:|---:|" * len(ENGINES),
        ]
        for shape in CONSUMABLE_SHAPES:
            times = stats.get((size, f"consumable {shape}"), {})
            memory = times.get("memory")
            cells = [shape, "-" if memory is None else f"{memory[0] * 1e6:.0f} ({memory[1] * 1e6:.0f})"]
            for engine in ENGINES:
                value = times.get(engine)
                for base in (memory, floor):
                    cells.append(
                        "-" if value is None or base is None
                        else f"{value[0] / base[0]:.1f}x ({value[1] / base[1]:.1f}x)"
                    )
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
        lines.append(f"floor (µs): {floor[0] * 1e6:.0f} ({floor[1] * 1e6:.0f}).")
    machine = results.get("machine_info", {})
    lines.append(
        f"Medians (minima) of one run, wall time: Python {machine.get('python_version')}, "
        f"{machine.get('cpu', {}).get('brand_raw', '?')}, {results.get('datetime', '')[:10]}."
    )
    return "\n".join(lines)


# --- The table of BENCHMARKS.md -----------------------------------------------------------------------------


def table(results: dict[str, Any]) -> str:
    """The Markdown table of one pytest-benchmark JSON run of this module, from the medians."""
    median: dict[tuple[int, str], dict[str, float]] = defaultdict(dict)
    listed: dict[tuple[int, str], int] = {}
    loads: dict[tuple[int, str], float] = {}
    for bench in results["benchmarks"]:
        if bench["group"].startswith("adversarial "):
            continue
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


def store_of_revision(revision: str, url: str) -> Any:
    """A ``SqlJobStore`` of the SQL store's code at a git revision (its ``sql`` package, loaded into this
    process beside the current one as ``listjobs_core.sql_before``, the engines' session settings with
    it), on the database at ``url``: to time the code before a change on the same database, in the same
    run."""
    import importlib
    import importlib.util
    import subprocess

    root = Path(__file__).resolve().parent.parent

    def git(*arguments: str) -> str:
        return subprocess.run(
            ["git", *arguments], cwd=root, capture_output=True, text=True, check=True
        ).stdout

    package = Path(tempfile.mkdtemp(prefix="listjobs-before-")) / "sql_before"
    package.mkdir()
    for path in git("ls-tree", "--name-only", f"{revision}:listjobs_core/sql/").split():
        if path.endswith(".py"):
            text = git("show", f"{revision}:listjobs_core/sql/{path}")
            (package / path).write_text(text, encoding="utf-8")
    name = "listjobs_core.sql_before"
    spec = importlib.util.spec_from_file_location(
        name, package / "__init__.py", submodule_search_locations=[str(package)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return importlib.import_module(f"{name}._sql_store").SqlJobStore(url)


def round_trips(size: int, before: str | None = None) -> str:
    """For each shape's middle page at ``size`` jobs on a throwaway PostgreSQL server: the round trips
    (``page_round_trips``) and the page's wall-clock time against the in-memory page's (medians of 7
    rounds of 20 pages, the listings alternating), as Markdown table rows; with ``before``, a git revision,
    the same for the SQL store of that revision on the same database first. Then the bulk load's time."""
    import statistics

    memory = memory_store(size)
    started = time.perf_counter()
    store, load_seconds = sql_store("postgresql", size)
    stores = {"now": store}
    if before is not None:
        stores = {"before": store_of_revision(before, URLS["postgresql", size]), "now": store}
    lines = []
    for shape in SHAPES:
        request = middle_request(size, shape)
        expected = memory.list_service_jobs(request)
        listings = {"memory": memory.list_service_jobs}
        for name, sql_store_now in stores.items():
            assert sql_store_now.list_service_jobs(request) == expected
            listings[name] = sql_store_now.list_service_jobs
        trips = {name: page_round_trips(sql_store_now, request) for name, sql_store_now in stores.items()}
        times: dict[str, list[float]] = {name: [] for name in listings}
        for _ in range(7):
            for name, listing in listings.items():
                started = time.perf_counter()
                for _ in range(20):
                    listing(request)
                times[name].append((time.perf_counter() - started) / 20)
        held = statistics.median(times["memory"])
        cells = [f"{held * 1e3:.3f}"]
        for name in stores:
            sql = statistics.median(times[name])
            cells += [str(trips[name]), f"{sql * 1e3:.3f}", f"{sql / held:.1f}x"]
        lines.append(f"| {shape} | " + " | ".join(cells) + " |")
    header = "| shape | memory ms | " + " | ".join(
        f"{name}: round trips | {name}: PostgreSQL ms | {name}: PostgreSQL / memory" for name in stores
    )
    lines.insert(0, header + " |")
    lines.insert(1, "|---|" + "---:|" * (1 + 3 * len(stores)))
    lines.append(f"\nput_many of {size} jobs into PostgreSQL: {load_seconds:.1f} s")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="Print the SQL table of BENCHMARKS.md.")
    parser.add_argument("results", help="a pytest-benchmark JSON file from this module")
    parser.add_argument("--adversarial", action="store_true", help="the adversarial SQL table")
    parser.add_argument(
        "--consumable", action="store_true", help="the ListJobsByConsumableResource SQL table"
    )
    parser.add_argument(
        "--round-trips", action="store_true", help="RESULTS is a size: PostgreSQL round trips and times"
    )
    parser.add_argument("--before", help="with --round-trips: the SQL store of this git revision too")
    arguments = parser.parse_args()
    if arguments.round_trips:
        # The server stops at exit (``postgres``).
        print(round_trips(int(arguments.results), arguments.before))
        return
    with open(arguments.results, encoding="utf-8") as handle:
        results = json.load(handle)
    if arguments.consumable:
        print(consumable_table(results))
        return
    print(adversarial_table(results) if arguments.adversarial else table(results))


if __name__ == "__main__":
    main()
