"""``python -m listjobs_core conformance --adapter MODULE:FUNCTION``: the kit from the command line.

Theory of operation: the command imports the adapter the way ASGI servers import an application
(``package.module:attribute``, with dotted attributes allowed after the colon, and the current directory
importable), runs :func:`check` and prints the report. Exit status: 0 when every checked rule passes, 1
when some rule fails, 2 when the adapter cannot be loaded or the options are wrong.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Any

from .._cli import CommandError
from ._check import DEFAULT_EXAMPLES, check
from ._rules import rule_ids

__all__ = ["load_adapter", "run_conformance"]


def load_adapter(spec: str) -> Any:
    """The callable named by ``module:function``; :class:`CommandError` when there is none."""
    module_name, colon, attribute_path = spec.partition(":")
    if not colon or not module_name or not attribute_path:
        raise CommandError(f"--adapter must be MODULE:FUNCTION, got {spec!r}")
    if os.getcwd() not in sys.path and "" not in sys.path:
        # As ``python -m`` does, so an adapter module next to the caller's tests imports from the
        # console script too.
        sys.path.insert(0, os.getcwd())
    try:
        target: Any = importlib.import_module(module_name)
    except Exception as error:  # the user's module may fail to import in any way
        raise CommandError(f"cannot import {module_name!r}: {type(error).__name__}: {error}") from None
    for attribute in attribute_path.split("."):
        try:
            target = getattr(target, attribute)
        except AttributeError:
            raise CommandError(f"{module_name!r} has no attribute {attribute_path!r}") from None
    if not callable(target):
        raise CommandError(f"{spec} is not callable")
    return target


def run_conformance(args: argparse.Namespace) -> int:
    """Run the kit on the adapter named by ``args.adapter``, print the report, return the exit status."""
    adapter = load_adapter(args.adapter)
    examples = DEFAULT_EXAMPLES if args.examples is None else args.examples
    if examples < 0:
        raise CommandError(f"--examples must not be negative, got {examples}")
    unknown = sorted(set(args.rules or ()) - set(rule_ids()))
    if unknown:
        raise CommandError(f"unknown rule ids: {', '.join(unknown)} (see docs/SEMANTICS.md)")
    report = check(adapter, seed=args.seed, examples=examples, rules=args.rules)
    print(report)
    return 0 if report.ok else 1
