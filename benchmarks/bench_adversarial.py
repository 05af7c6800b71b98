"""Adversarial data sets at 5e4 jobs against an ordinary page, in the store and in the pure function.

Both data sets can be built through SubmitServiceJob by any client of an endpoint:

- **case variants**: 50,000 jobs, each named with a random case variant of ``training-job-name``
  (``tRaInInG-JoB-NaMe``, ...): about as many distinct names as jobs, all one folded name. Pages: the
  name exactly, in capitals, a prefix, and patterns that almost match (a name one character short, a
  prefix that goes one character past every name), which a walk of case variants over the names would
  answer only after visiting every variant;
- **queue regions**: 50,000 jobs whose ``jobQueue`` ARNs differ only in region (one region per job), all
  named queue ``q``. Pages: ``jobQueue: "q"`` (the name denotes every one of them, IN-2) and one ARN.

The **ordinary page** is the status page of 50,000 ordinary jobs (``jobsets.synthetic_jobs``), and the
**pass** a single pass over the adversarial jobs reading each job's status. Every store page is checked
against the pure function.

    python -m pytest benchmarks/bench_adversarial.py --benchmark-timer=time.thread_time \
        --benchmark-json=/tmp/adversarial.json
    python benchmarks/bench_adversarial.py /tmp/adversarial.json
"""

from __future__ import annotations

import argparse
import functools
import json
from collections import defaultdict
from typing import Any

import pytest
from jobsets import PAGE, one_pass, synthetic_jobs

from listjobs_core import ServiceJobStore, list_service_jobs
from listjobs_core.workloads import case_variant_jobs, queue_region_jobs

SIZE = 50_000
NAME = "training-job-name"


DATA_SETS = {
    "case variants": lambda: case_variant_jobs(SIZE),
    "queue regions": lambda: queue_region_jobs(SIZE),
    "ordinary": lambda: synthetic_jobs(SIZE),
}

REQUESTS: dict[str, tuple[str, dict[str, Any]]] = {
    "exact name": ("case variants", {"filters": [{"name": "JOB_NAME", "values": [NAME]}]}),
    "exact name in capitals": (
        "case variants", {"filters": [{"name": "JOB_NAME", "values": [NAME.upper()]}]}
    ),
    "prefix": ("case variants", {"filters": [{"name": "JOB_NAME", "values": ["TRAINING-JOB*"]}]}),
    "name one short": ("case variants", {"filters": [{"name": "JOB_NAME", "values": [NAME[:-1]]}]}),
    "prefix one past": ("case variants", {"filters": [{"name": "JOB_NAME", "values": [NAME + "-*"]}]}),
    "queue by name": ("queue regions", {"jobQueue": "q"}),
    "queue by ARN": ("queue regions", {"jobQueue": "arn:aws:batch:region-7:123456789012:job-queue/q"}),
    "ordinary status page": ("ordinary", {"jobStatus": "RUNNING"}),
}


@functools.cache
def store_of(data_set: str) -> ServiceJobStore:
    return ServiceJobStore(DATA_SETS[data_set]())


@functools.cache
def second_page_request(name: str) -> dict[str, Any]:
    """The request of the second page (with the first page's token), or the first when there is one only."""
    data_set, request = REQUESTS[name]
    first = store_of(data_set).list_service_jobs({**request, "maxResults": PAGE})
    token = first.get("nextToken")
    return {**request, "maxResults": PAGE, **({"nextToken": token} if token else {})}


@pytest.mark.parametrize("name", list(REQUESTS))
@pytest.mark.parametrize("implementation", ["store", "pure"])
def test_page(benchmark: Any, name: str, implementation: str) -> None:
    """The second page of a request over its data set."""
    data_set, _ = REQUESTS[name]
    request = second_page_request(name)
    jobs = DATA_SETS[data_set]()
    benchmark.group = name
    if implementation == "store":
        page = benchmark(store_of(data_set).list_service_jobs, request)
    else:
        page = benchmark.pedantic(list_service_jobs, args=(jobs, request), rounds=5, iterations=1)
    assert page == list_service_jobs(jobs, request)


@pytest.mark.parametrize("data_set", ["case variants", "queue regions"])
def test_pass(benchmark: Any, data_set: str) -> None:
    """A single pass over the adversarial jobs, reading each one's status."""
    benchmark.group = f"pass over {data_set}"
    benchmark.pedantic(one_pass, args=(DATA_SETS[data_set](),), rounds=5, iterations=1)


def table(results: dict[str, Any]) -> str:
    """The Markdown table of one run, from the medians."""
    median: dict[str, dict[str, float]] = defaultdict(dict)
    for bench in results["benchmarks"]:
        median[bench["group"]][bench["params"].get("implementation", "pass")] = bench["stats"]["median"]
    ordinary = median["ordinary status page"]["store"]
    lines = [
        "| page (second of its traversal) | data set | store (µs) | store / ordinary page "
        "| pure function (ms) |",
        "|---|---|---:|---:|---:|",
    ]
    for name, (data_set, _) in REQUESTS.items():
        row = median[name]
        lines.append(
            f"| {name} | {data_set} | {row['store'] * 1e6:.0f} | {row['store'] / ordinary:.2f}x "
            f"| {row['pure'] * 1e3:.1f} |"
        )
    passes = ", ".join(
        f"{group[9:]} {row['pass'] * 1e3:.1f} ms" for group, row in median.items() if group.startswith("pass")
    )
    machine = results.get("machine_info", {})
    lines.append("")
    lines.append(
        f"One pass reading each job's status: {passes}. Medians of one run, thread CPU time: Python "
        f"{machine.get('python_version')}, {machine.get('cpu', {}).get('brand_raw', '?')}, "
        f"{results.get('datetime', '')[:10]}."
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="Print the adversarial-data table of BENCHMARKS.md.")
    parser.add_argument("results", help="a pytest-benchmark JSON file from this module")
    with open(parser.parse_args().results, encoding="utf-8") as handle:
        print(table(json.load(handle)))


if __name__ == "__main__":
    main()
