"""Turn a pytest-benchmark JSON file into the Markdown ratio table of BENCHMARKS.md.

    python benchmarks/table.py RESULTS.json

Rows are benchmark groups; the columns are the mean time of each implementation in the group and the
ratio of each to the baseline named by ``--baseline`` (default ``naive``). Ratios come from one run.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import defaultdict


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("results")
    parser.add_argument("--baseline", default="naive")
    arguments = parser.parse_args()
    with open(arguments.results, encoding="utf-8") as handle:
        data = json.load(handle)
    means: dict[str, dict[str, float]] = defaultdict(dict)
    for bench in data["benchmarks"]:
        implementation = re.search(r"\[(\w+)-", bench["name"])
        assert implementation is not None, bench["name"]
        means[bench["group"]][implementation.group(1)] = bench["stats"]["mean"]
    implementations = sorted({name for group in means.values() for name in group} - {arguments.baseline})
    header = ["query", f"{arguments.baseline} (ms)"]
    for name in implementations:
        header += [f"{name} (ms)", f"{name} / {arguments.baseline}"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for group, row in means.items():
        base = row.get(arguments.baseline)
        cells = [group, f"{base * 1000:.1f}" if base else "-"]
        for name in implementations:
            value = row.get(name)
            cells.append(f"{value * 1000:.2f}" if value else "-")
            cells.append(f"{value / base:.2f}" if value and base else "-")
        print("| " + " | ".join(cells) + " |")
    machine = data.get("machine_info", {})
    print(f"\nPython {machine.get('python_version')} on {machine.get('cpu', {}).get('brand_raw', '?')}, "
          f"{data.get('datetime', '')[:10]}.")


if __name__ == "__main__":
    main()
