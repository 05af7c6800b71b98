"""Turn the pytest-benchmark JSON of ``bench_pure.py`` into the Markdown table of BENCHMARKS.md.

    python benchmarks/table.py RESULTS.json

One row per benchmark group (size, query shape, page), from the medians of one run: the library's time,
the naive listing's, and the library's time as a multiple of each baseline: the naive listing (the goal's
baseline), the one-pass limit of that size, the inlined naive listing and the old baseline (the oracle).
"""

from __future__ import annotations

import argparse
import json
import re
from collections import defaultdict

COLUMNS = ("naive", "one pass", "inlined", "oracle")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("results")
    arguments = parser.parse_args()
    with open(arguments.results, encoding="utf-8") as handle:
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
    ratio_names = " | ".join(f"library / {name}" for name in COLUMNS)
    print(f"| query | library (ms) | naive (ms) | {ratio_names} |")
    print("|---|---:|---:|" + "---:|" * len(COLUMNS))
    for group, row in sorted(medians.items(), key=lambda item: _order(item[0])):
        library = row["library"]
        baselines = {**row, "one pass": one_pass.get(group.split(" jobs")[0].strip(), 0.0)}
        ratios = [f"{library / baselines[name]:.2f}" if baselines.get(name) else "-" for name in COLUMNS]
        print(f"| {group} | {library * 1e3:.2f} | {row['naive'] * 1e3:.1f} | " + " | ".join(ratios) + " |")
    machine = data.get("machine_info", {})
    print(
        f"\nMedians of one run, thread CPU time: Python {machine.get('python_version')} on "
        f"{machine.get('cpu', {}).get('brand_raw', '?')}, {data.get('datetime', '')[:10]}. "
        "One pass (ms): "
        + ", ".join(f"{size} jobs {seconds * 1e3:.1f}" for size, seconds in one_pass.items())
    )


def _order(group: str) -> tuple[str, int, str]:
    size, rest = group.split(" jobs, ", 1)
    shape, page = rest.rsplit(", ", 1)
    return (page, int(size), shape)


if __name__ == "__main__":
    main()
