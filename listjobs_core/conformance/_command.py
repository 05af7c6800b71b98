"""``python -m listjobs_core conformance --adapter MODULE:FUNCTION``: the kit from the command line.

Theory of operation: the command imports the adapter the way ASGI servers import an application
(``package.module:attribute``, with dotted attributes allowed after the colon, and the current directory
importable), runs :func:`check` and prints the report. Exit status: 0 when every checked rule passes, 1
when some rule fails, 2 when the adapter cannot be loaded or the options are wrong. The CLI
(``listjobs_core.cli``) lists ``add_conformance_command`` among its subcommands; this module reports its
own usage errors and imports nothing of the CLI.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Any

from ._check import DEFAULT_EXAMPLES, check
from ._rules import rule_ids

__all__ = ["CommandError", "add_conformance_command", "load_adapter", "run_conformance"]

EXIT_USAGE = 2


class CommandError(Exception):
    """The conformance command line is at fault; the command exits with status 2 and this message."""


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
    try:
        return _run(args)
    except CommandError as error:
        program = getattr(args, "program", "listjobs-core")
        print(f"{program}: error: {error}", file=sys.stderr)
        return EXIT_USAGE


def _run(args: argparse.Namespace) -> int:
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


def add_conformance_command(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``conformance --adapter MODULE:FUNCTION [--seed N] [--examples N] [--rule ID]...``: the kit."""
    parser = subparsers.add_parser(
        "conformance",
        help="check an implementation of ListServiceJobs against the reference, rule by rule",
        description="Run the conformance kit on an adapter, a function (jobs, request) -> response that "
        "raises to reject, and print one row per rule of docs/SEMANTICS.md with the smallest failing case "
        "of each failing rule. Exits with status 0 when every rule passes, 1 when some rule fails.",
    )
    parser.add_argument(
        "--adapter",
        required=True,
        metavar="MODULE:FUNCTION",
        help="the adapter to check, e.g. my_tests:adapter",
    )
    parser.add_argument("--seed", type=int, default=0, help="the seed of the generated cases (default: 0)")
    parser.add_argument(
        "--examples", type=int, help=f"how many generated cases to run (default: {DEFAULT_EXAMPLES})"
    )
    parser.add_argument(
        "--rule", action="append", dest="rules", metavar="ID", help="report only this rule; may be repeated"
    )
    parser.set_defaults(handler=run_conformance)
