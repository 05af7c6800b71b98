"""Turn the pytest-benchmark JSON of ``bench_pure.py`` into the Markdown table of BENCHMARKS.md.

    python benchmarks/table.py RESULTS.json
    python benchmarks/table.py RESULTS.json --before EARLIER.json   # and the earlier run's library / naive

One row per benchmark group (size, query shape, page), from the medians of one run: the library's time,
the naive listing's, and the library's time as a multiple of each baseline: the naive listing (the goal's
baseline), the one-pass limit of that size, the inlined naive listing and the old baseline (the oracle).
With ``--before``, the same ratio to the naive listing from another run (of earlier code, say) beside it,
and, for both runs, how many rows meet the goals: at most 0.5x the naive listing at 1e5 jobs and more, at
most 1x at 1e4.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import defaultdict
from typing import Any

COLUMNS = ("naive", "one pass", "inlined", "oracle")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("results")
    parser.add_argument("--before", help="another run's JSON: its library / naive beside this run's")
    arguments = parser.parse_args()
    data, medians, one_pass = _read(arguments.results)
    before = _read(arguments.before)[1] if arguments.before else None
    ratio_names = " | ".join(f"library / {name}" for name in COLUMNS)
    before_name = " | before: library / naive" if before is not None else ""
    print(f"| query | library (ms) | naive (ms){before_name} | {ratio_names} |")
    print("|---|---:|---:|" + "---:|" * (len(COLUMNS) + (before is not None)))
    met: dict[str, int] = defaultdict(int)
    for group, row in sorted(medians.items(), key=lambda item: _order(item[0])):
        library = row["library"]
        baselines = {**row, "one pass": one_pass.get(group.split(" jobs")[0].strip(), 0.0)}
        ratios = [f"{library / baselines[name]:.2f}" if baselines.get(name) else "-" for name in COLUMNS]
        goal = 1.0 if int(group.split(" jobs")[0]) < 100_000 else 0.5
        met["now"] += library / row["naive"] <= goal
        earlier = ""
        if before is not None:
            old = before[group]["library"] / before[group]["naive"]
            met["before"] += old <= goal
            earlier = f" | {old:.2f}"
        cells = f"| {group} | {library * 1e3:.2f} | {row['naive'] * 1e3:.1f}{earlier} | "
        print(cells + " | ".join(ratios) + " |")
    machine = data.get("machine_info", {})
    print(
        f"\nMedians of one run, thread CPU time: Python {machine.get('python_version')} on "
        f"{machine.get('cpu', {}).get('brand_raw', '?')}, {data.get('datetime', '')[:10]}. "
        "One pass (ms): "
        + ", ".join(f"{size} jobs {seconds * 1e3:.1f}" for size, seconds in one_pass.items())
    )
    goals = ", ".join(f"{run} {count}" for run, count in met.items())
    print(f"Rows at the goal (<= 0.5x naive at 1e5 and more, <= 1x at 1e4), of {len(medians)}: {goals}")


def _read(path: str) -> tuple[dict[str, Any], dict[str, dict[str, float]], dict[str, float]]:
    """A run's JSON, its medians by group and implementation, and its one-pass medians by size."""
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    medians: dict[str, dict[str, float]] = defaultdict(dict)
    one_pass: dict[str, float] = {}
    for bench in data["benchmarks"]:
        size = bench["group"].split(" jobs")[0].strip()
        if bench["group"].endswith("one pass"):
            one_pass[size] = bench["stats"]["median"]
            continue
        implementation = re.search(r"\[(\w+)-", bench["name"])
        assert implementation is not None, bench["name"]
        medians[bench["group"]][implementation.group(1)] = bench["stats"]["median"]
    return data, medians, one_pass


def _order(group: str) -> tuple[str, int, str]:
    size, rest = group.split(" jobs, ", 1)
    shape, page = rest.rsplit(", ", 1)
    return (page, int(size), shape)


if __name__ == "__main__":
    main()
