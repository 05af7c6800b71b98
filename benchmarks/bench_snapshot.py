"""GetJobQueueSnapshot from a ServiceJobStore against the projection floor, at 1e4, 1e5 and 1e6 jobs.

The store holds N service jobs in two queues of N/2 each, every job RUNNABLE but, in the queue ``busy``,
200 RUNNING jobs with a ``capacityUsage``; the queue ``calm`` has none in use. Each job names one of 10
shares (``shareIdentifier`` and ``quotaShareName``) and has a ``schedulingPriority`` of 0, 1 or 2, so one
store serves the three kinds of queue (the kind is the registry's, not the jobs').

- **floor**: 100 jobs projected onto the summary members with a dict comprehension (``jobsets.project``),
  as in ``bench_store.py``: what any listing that returns 100 summaries pays.
- **snapshot**: what the endpoint does for a queue of the store's kind: ``queue_snapshot([store], queue,
  kind)`` (the store's ``snapshot_parts``: the usage it keeps of the queue's jobs in use and its first
  RUNNABLE jobs ranked by it, from the RUNNABLE index, then ``ranked_queue_snapshot``); per queue
  (``busy``, ``calm``) and kind (FIFO, FAIR_SHARE, QUOTA_SHARE).
- **naive**: the same through a store without ``snapshot_parts`` (the listing interface only): every
  RUNNABLE and in-use job of the queue listed page by page, each fetched by its id, then
  ``job_queue_snapshot``: the path the endpoint took before the RUNNABLE index. At 1e4 and 1e5 only.
- **sqlite**, **postgresql**: ``queue_snapshot`` over a ``SqlJobStore`` holding the same jobs, which
  answers from its indexes (``snapshot_parts``, ``sql/_front.py``); per queue and kind, at 1e5 only.
  PostgreSQL works in its server process, which thread CPU time does not see: its rows are measured with
  ``--benchmark-timer=time.perf_counter`` (wall time, round trips included), in a run of their own.
- **sqlite listing**: the same SQLite store seen through the listing interface only (``ListingOnly``), the
  path it took before ``snapshot_parts``: every RUNNABLE and in-use job of the queue listed and fetched by
  its id (one round).

- **ListQuotaShares**: ``QueueRegistry.list_quota_shares`` for the page of 100 in the middle of a queue of
  100,000 quota shares (its ``nextToken``), from the registry's sorted names; **sorting**: the same page
  by sorting every share at each call, as the registry did before.

Times are thread CPU time with the command below; each size's store is built once.

    python -m pytest benchmarks/bench_snapshot.py -k "not postgresql" --benchmark-timer=time.thread_time \
        --benchmark-json=/tmp/snapshot.json
    python -m pytest benchmarks/bench_snapshot.py -k "postgresql or floor" \
        --benchmark-timer=time.perf_counter --benchmark-json=/tmp/snapshot-pg.json
    python benchmarks/bench_snapshot.py /tmp/snapshot.json      # the table of BENCHMARKS.md
"""

from __future__ import annotations

import argparse
import functools
import json
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bench_sql import postgres
from jobsets import PAGE, SIZES, project, synthetic_jobs

from listjobs_core import ServiceJobStore
from listjobs_core._snapshot import SCHEDULING_KINDS
from listjobs_core.service._queue_snapshot import queue_snapshot
from listjobs_core.service._registry import QueueRegistry
from listjobs_core.service._resource_tokens import decode_resource_token
from listjobs_core.sql import SqlJobStore

QUEUES = ("busy", "calm")
IN_USE = 200
SHARES = 10
START = 1_700_000_000_000
NAIVE_SIZES = (10_000, 100_000)
SQL_SIZE = 100_000


def snapshot_jobs(size: int) -> Iterator[dict[str, Any]]:
    """``size`` service jobs: half in each queue; 200 of ``busy``'s RUNNING, the rest RUNNABLE."""
    half = size // 2
    every = max(half // IN_USE, 1)
    for number in range(size):
        queue = QUEUES[number % 2]
        job: dict[str, Any] = {
            "jobId": f"job-{number:07}",
            "jobName": f"training-{number % 50}",
            "jobArn": f"arn:aws:batch:us-east-1:123456789012:service-job/job-{number:07}",
            "serviceJobType": "SAGEMAKER_TRAINING",
            "status": "RUNNABLE",
            "createdAt": START + number,
            "jobQueue": queue,
            "shareIdentifier": f"share-{number % SHARES}",
            "quotaShareName": f"quota-{number % SHARES}",
            "schedulingPriority": number % 3,
        }
        if queue == "busy" and (number // 2) % every == 0 and (number // 2) // every < IN_USE:
            job["status"] = "RUNNING"
            job["capacityUsage"] = [{"capacityUnit": "ml.m5.large", "quantity": 1 + number % 4}]
        yield job


@functools.cache
def built(size: int) -> ServiceJobStore:
    return ServiceJobStore(list(snapshot_jobs(size)))


class ListingOnly:
    """A store seen through the listing interface only, as a store without ``snapshot_jobs`` is."""

    def __init__(self, store: Any) -> None:
        self.operation = store.operation
        self.paginate = store.paginate
        self.get = store.get


def snapshot(store: Any, queue: str, kind: str) -> dict[str, Any]:
    """The endpoint's answer for a queue of kind ``kind`` held by one store."""
    return queue_snapshot([store], queue, kind, now_ms=START)


@pytest.mark.parametrize("size", SIZES)
def test_floor(benchmark: Any, size: int) -> None:
    """The floor: 100 jobs projected by a dict comprehension."""
    page = synthetic_jobs(2 * PAGE)[PAGE // 2 : PAGE // 2 + PAGE]
    benchmark.group = f"{size} floor"
    benchmark(project, page)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("queue", QUEUES)
@pytest.mark.parametrize("kind", SCHEDULING_KINDS)
@pytest.mark.parametrize("implementation", ["store", "naive"])
def test_snapshot(benchmark: Any, size: int, queue: str, kind: str, implementation: str) -> None:
    """GetJobQueueSnapshot of one queue, from the RUNNABLE index or through the listings."""
    if implementation == "naive" and size not in NAIVE_SIZES:
        pytest.skip("the naive path reads every job of the queue")
    store = built(size)
    benchmark.group = f"{size} snapshot {queue} {kind}"
    expected = snapshot(ListingOnly(store), queue, kind) if size <= 10_000 else None
    if implementation == "store":
        answer = benchmark(snapshot, store, queue, kind)
    else:
        answer = benchmark.pedantic(snapshot, (ListingOnly(store), queue, kind), rounds=3, iterations=1)
    assert len(answer["frontOfQueue"]["jobs"]) == PAGE
    if expected is not None:
        assert answer == expected




@functools.cache
def sql_built(engine: str, size: int) -> SqlJobStore:
    if engine == "sqlite":
        store = SqlJobStore(f"sqlite:///{tempfile.mkdtemp(prefix='listjobs-bench-')}/jobs.db")
    else:
        store = SqlJobStore(postgres().new_database())
    store.put_many(list(snapshot_jobs(size)))
    return store


@pytest.mark.parametrize("queue", QUEUES)
@pytest.mark.parametrize("kind", SCHEDULING_KINDS)
@pytest.mark.parametrize("implementation", ["sqlite", "sqlite listing", "postgresql"])
def test_snapshot_sql(benchmark: Any, queue: str, kind: str, implementation: str) -> None:
    """GetJobQueueSnapshot of one queue over a SQL store, from its indexes or through its listings."""
    if SQL_SIZE not in SIZES:
        pytest.skip("the SQL rows are measured at 1e5 only")
    store = sql_built(implementation.split()[0], SQL_SIZE)
    benchmark.group = f"{SQL_SIZE} snapshot {queue} {kind}"
    if implementation == "sqlite listing":
        seen = ListingOnly(store)
        answer = benchmark.pedantic(snapshot, (seen, queue, kind), rounds=1, iterations=1)
    else:
        answer = benchmark(snapshot, store, queue, kind)
    assert answer == snapshot(built(SQL_SIZE), queue, kind)


QUOTA_SHARES = 100_000
SHARE_SETTINGS = {
    "capacityLimits": [{"maxCapacity": 4, "capacityUnit": "ml.m5.large"}],
    "resourceSharingConfiguration": {"strategy": "RESERVE"},
    "preemptionConfiguration": {"inSharePreemption": "DISABLED"},
}


@functools.cache
def quota_registry() -> tuple[QueueRegistry, dict[str, Any]]:
    """A registry with one queue of ``QUOTA_SHARES`` shares, and the request of the middle page."""
    registry = QueueRegistry()
    policy = registry.create_scheduling_policy(
        {"name": "shares", "quotaSharePolicy": {"idleResourceAssignmentStrategy": "FIFO"}}
    )
    registry.create_job_queue({"jobQueueName": "q", "priority": 1, "schedulingPolicyArn": policy["arn"]})
    for number in range(QUOTA_SHARES):
        share = {"quotaShareName": f"team-{number:06}", "jobQueue": "q", **SHARE_SETTINGS}
        registry.create_quota_share(share)
    request: dict[str, Any] = {"jobQueue": "q", "maxResults": PAGE}
    for _ in range(QUOTA_SHARES // PAGE // 2):
        request["nextToken"] = registry.list_quota_shares(request)["nextToken"]
    return registry, request


def sorting_page(registry: QueueRegistry, request: dict[str, Any]) -> list[dict[str, Any]]:
    """The page as the registry made it before its sorted names: every share sorted, then filtered."""
    queue = registry.queue("q")
    assert queue is not None
    after = decode_resource_token(request["nextToken"], "ListQuotaShares", queue.arn, registry.token_key)
    with registry.lock:
        shares = sorted(registry._shares[queue.name].values(), key=lambda share: share.name)  # noqa: SLF001
    shares = [share for share in shares if share.name > after]
    return [share.detail() for share in shares[:PAGE]]


@pytest.mark.parametrize("implementation", ["store", "sorting"])
def test_list_quota_shares(benchmark: Any, implementation: str) -> None:
    """A middle page of ListQuotaShares over a queue of 100,000 shares."""
    registry, request = quota_registry()
    benchmark.group = f"{QUOTA_SHARES} quota shares"
    if implementation == "store":
        page = benchmark(registry.list_quota_shares, request)["quotaShares"]
    else:
        page = benchmark(sorting_page, registry, request)
    assert page == registry.list_quota_shares(request)["quotaShares"] and len(page) == PAGE


def table(results: dict[str, Any]) -> str:
    """The Markdown table of one pytest-benchmark JSON run, from the medians."""
    median: dict[tuple[int, str], dict[str, float]] = defaultdict(dict)
    for bench in results["benchmarks"]:
        size_text, what = bench["group"].split(" ", 1)
        name = bench["params"].get("implementation", "floor")
        median[(int(size_text), what)][name] = bench["stats"]["median"]
    sizes = sorted({size for size, what in median if what == "floor"})
    floor = {size: median[(size, "floor")]["floor"] for size in sizes}
    lines = [
        "| row | " + " | ".join(f"{size:,}" for size in sizes) + " |",
        "|---|" + "---:|" * len(sizes),
        "| floor: 100 jobs projected (µs) | " + " | ".join(f"{floor[s] * 1e6:.0f}" for s in sizes) + " |",
    ]
    for queue in QUEUES:
        for kind in SCHEDULING_KINDS:
            times = [median.get((size, f"snapshot {queue} {kind}"), {}) for size in sizes]
            cells = [
                f"{t['store'] * 1e6:.0f} µs, {t['store'] / floor[s]:.2f}x" if "store" in t else "-"
                for t, s in zip(times, sizes, strict=True)
            ]
            lines.append(f"| {kind}, queue `{queue}`: snapshot, / floor | " + " | ".join(cells) + " |")
            naive = [
                f"{t['naive'] * 1e3:.0f} ms, {t['naive'] / t['store']:,.0f}x" if "naive" in t else "-"
                for t in times
            ]
            lines.append(f"| {kind}, queue `{queue}`: naive, / snapshot | " + " | ".join(naive) + " |")
            for name, label in (
                ("sqlite", "SQLite store"),
                ("postgresql", "PostgreSQL store (wall time)"),
                ("sqlite listing", "SQLite store through its listings"),
            ):
                if any(name in t for t in times):
                    sql = [
                        f"{t[name] * 1e3:,.2f} ms, {t[name] / floor[s]:,.1f}x" if name in t else "-"
                        for t, s in zip(times, sizes, strict=True)
                    ]
                    lines.append(f"| {kind}, queue `{queue}`: {label}, / floor | " + " | ".join(sql) + " |")
    quota = median.get((QUOTA_SHARES, "quota shares"))
    if quota and QUOTA_SHARES in floor:
        cells = [
            f"{quota['store'] * 1e6:.0f} µs, {quota['store'] / floor[QUOTA_SHARES]:.2f}x; sorting: "
            f"{quota['sorting'] * 1e3:.1f} ms" if size == QUOTA_SHARES else "-"
            for size in sizes
        ]
        lines.append(
            f"| ListQuotaShares, middle page of {QUOTA_SHARES:,} shares: / floor; sorting each call | "
            + " | ".join(cells) + " |"
        )
    # A row measured at no size (a run of some rows only) is left out.
    unmeasured = " | " + " | ".join("-" for _ in sizes) + " |"
    return "\n".join(line for line in lines if not line.endswith(unmeasured))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, nargs="+", help="--benchmark-json files of this module")
    runs = [json.loads(path.read_text()) for path in parser.parse_args().results]
    print(table({"benchmarks": [bench for run in runs for bench in run["benchmarks"]]}))


if __name__ == "__main__":
    main()
