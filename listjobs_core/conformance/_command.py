"""``python -m listjobs_core conformance``: the kit from the command line.

Theory of operation: the command checks one target, given as ``--adapter MODULE:FUNCTION`` (a function
in-process: the command imports it the way ASGI servers import an application, ``package.module:attribute``
with dotted attributes allowed after the colon and the current directory importable, and runs
:func:`check`) or as ``--endpoint-url URL`` (a running emulator, in any language: :func:`check_endpoint`),
and prints the report (``--operation ListJobs`` checks ListJobs instead; ``--format json`` prints it as
JSON, ``--junit-xml PATH`` also writes it as JUnit XML). Exit status: 0 when the target conforms, 1 when
it does not (or the run could not be made against it: an endpoint that closes the connection, answers
too slowly or too much, or outruns ``--deadline`` fails), 2 when the command line is wrong, the adapter
cannot be loaded or the endpoint cannot be connected to at all. The CLI (``listjobs_core.cli``) lists
``add_conformance_command`` among its subcommands; this module reports its own usage errors and imports
nothing of the CLI.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Any

from .._extras import install_hint
from ._report import Report
from ._rules import LIST_SERVICE_JOBS_NAME, OPERATION_NAMES, rule_ids
from .in_process import DEFAULT_EXAMPLES, check

__all__ = ["CommandError", "add_arguments", "add_conformance_command", "load_adapter", "run_conformance"]

EXIT_USAGE = 2


class CommandError(Exception):
    """The conformance command line is at fault; the command exits with status 2 and this message."""


_DEFAULT_TIMEOUT = 10.0
# Keep in step with over_the_wire._rest_client, which this module does not import until a run needs it.
_DEFAULT_DEADLINE = 300.0
_DEFAULT_MAX_BODY = 8 * 1024 * 1024
# The options that only mean something for an endpoint.
_ENDPOINT_OPTIONS = (
    "region",
    "profile",
    "job_queue",
    "service_role",
    "read_only",
    "allow_remote",
    "timeout",
    "deadline",
    "max_response_bytes",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the conformance command's options to ``parser``."""
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument(
        "--adapter",
        metavar="MODULE:FUNCTION",
        help="check a function (jobs, request) -> response in this process, e.g. my_tests:adapter",
    )
    target.add_argument(
        "--endpoint-url",
        metavar="URL",
        help="check a running AWS Batch endpoint over HTTP, e.g. http://127.0.0.1:5000 (needs botocore: "
        f"{install_hint('conformance')})",
    )
    parser.add_argument(
        "--operation",
        choices=OPERATION_NAMES,
        default=LIST_SERVICE_JOBS_NAME,
        help="the operation to check: ListServiceJobs (default), ListJobs, GetJobQueueSnapshot (over the "
        "wire, with the quota-share operations) or ListJobsByConsumableResource",
    )
    parser.add_argument("--seed", type=int, default=0, help="the seed of the generated cases (default: 0)")
    parser.add_argument(
        "--examples",
        type=int,
        help=f"how many generated cases to run for an adapter (default: {DEFAULT_EXAMPLES}), or generated "
        f"listings for an endpoint (default: {_default_endpoint_examples()})",
    )
    parser.add_argument(
        "--rule", action="append", dest="rules", metavar="ID", help="report only this rule; may be repeated"
    )
    parser.add_argument(
        "--skip", action="append", dest="skip", metavar="ID", help="leave this rule out; may be repeated"
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="fail on differences from the reference's decisions too (by default they are advisories, and "
        "only the rules AWS states decide the exit status)",
    )
    parser.add_argument(
        "--all-rows", action="store_true", help="also show the rules that cannot be checked for this target"
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="print the report as a table (text, the default) or as one JSON document",
    )
    parser.add_argument(
        "--junit-xml",
        metavar="PATH",
        help="also write the report as JUnit XML to PATH: one test case per rule, failing ones with the "
        "failing case",
    )
    endpoint = parser.add_argument_group("endpoint options")
    endpoint.add_argument(
        "--region", help="the region requests are signed for (default: the ambient AWS region, or us-east-1)"
    )
    endpoint.add_argument("--profile", help="the AWS profile whose credentials sign requests")
    endpoint.add_argument(
        "--job-queue",
        metavar="NAME_OR_ARN",
        help="submit into (or, with --read-only, list) this existing job queue (SAGEMAKER_TRAINING for "
        "ListServiceJobs) instead of "
        "a new queue the run creates",
    )
    endpoint.add_argument(
        "--service-role",
        metavar="ARN",
        help="with --operation ListJobs or ListJobsByConsumableResource: the IAM role of the compute "
        "environment the run creates for its Batch jobs (an existing role: the kit creates none)",
    )
    endpoint.add_argument(
        "--read-only",
        action="store_true",
        help="submit, terminate and create nothing: check validation, messages and pagination over the jobs "
        "already there (safe against real AWS)",
    )
    endpoint.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow submitting jobs to an endpoint that is not on this machine (loopback)",
    )
    endpoint.add_argument(
        "--timeout",
        type=float,
        help=f"seconds each whole HTTP response may take, however slowly it arrives (default: "
        f"{_DEFAULT_TIMEOUT:g})",
    )
    endpoint.add_argument(
        "--deadline",
        type=float,
        metavar="SECONDS",
        help=f"seconds the whole run may take; past it the run stops with a report and exit status 1 "
        f"(default: {_DEFAULT_DEADLINE:g}; a run against the reference takes about a second)",
    )
    endpoint.add_argument(
        "--max-response-bytes",
        type=int,
        metavar="BYTES",
        help=f"the most bytes of a response body read; a larger one fails the check that asked for it "
        f"(default: {_DEFAULT_MAX_BODY})",
    )


def _default_endpoint_examples() -> int:
    from .over_the_wire import DEFAULT_ENDPOINT_EXAMPLES

    return DEFAULT_ENDPOINT_EXAMPLES


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


def add_conformance_command(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``conformance (--adapter MODULE:FUNCTION | --endpoint-url URL) [options]``: the kit."""
    parser = subparsers.add_parser(
        "conformance",
        help="check an implementation of ListServiceJobs against the reference, rule by rule",
        description="Run the conformance kit on an adapter (a function (jobs, request) -> response that "
        "raises to reject) or on a running endpoint (over HTTP), and print one row per rule of "
        "docs/SEMANTICS.md with the smallest failing case of each failing rule. Exits with status 0 when "
        "the target conforms, 1 when it does not, 2 for a bad command line.",
    )
    add_arguments(parser)
    parser.set_defaults(handler=run_conformance)


def run_conformance(args: argparse.Namespace) -> int:
    """Run the kit on the adapter or endpoint the arguments name, print the report, return the exit
    status (2, with the message on standard error, for a bad command line)."""
    try:
        return _run(args)
    except CommandError as error:
        program = getattr(args, "program", "listjobs-core")
        print(f"{program}: error: {error}", file=sys.stderr)
        return EXIT_USAGE


def _run(args: argparse.Namespace) -> int:
    if args.examples is not None and args.examples < 0:
        raise CommandError(f"--examples must not be negative, got {args.examples}")
    unknown = sorted((set(args.rules or ()) | set(args.skip or ())) - set(rule_ids()))
    if unknown:
        raise CommandError(f"unknown rule ids: {', '.join(unknown)} (see docs/SEMANTICS.md)")
    if args.endpoint_url is not None:
        return _run_endpoint(args)
    given = [f"--{name.replace('_', '-')}" for name in _ENDPOINT_OPTIONS if _given(args, name)]
    if given:
        raise CommandError(f"{', '.join(given)} only apply with --endpoint-url")
    adapter = load_adapter(args.adapter)
    examples = DEFAULT_EXAMPLES if args.examples is None else args.examples
    try:
        report = check(
            adapter,
            seed=args.seed,
            examples=examples,
            rules=args.rules,
            skip=args.skip,
            strict=args.strict,
            name=args.adapter,
            operation=args.operation,
        )
    except ValueError as error:
        raise CommandError(str(error)) from None
    return _emit(report, args)


def _run_endpoint(args: argparse.Namespace) -> int:
    """``--endpoint-url URL``: run :func:`check_endpoint` and print the report."""
    from .over_the_wire import (
        DEFAULT_ENDPOINT_EXAMPLES,
        EndpointUnreachable,
        MissingDependency,
        check_endpoint,
    )

    examples = DEFAULT_ENDPOINT_EXAMPLES if args.examples is None else args.examples
    try:
        report = check_endpoint(
            args.endpoint_url,
            region=args.region,
            profile=args.profile,
            job_queue=args.job_queue,
            read_only=args.read_only,
            allow_remote=args.allow_remote,
            strict=args.strict,
            rules=args.rules,
            skip=args.skip,
            seed=args.seed,
            examples=examples,
            timeout=_DEFAULT_TIMEOUT if args.timeout is None else args.timeout,
            deadline=_DEFAULT_DEADLINE if args.deadline is None else args.deadline,
            max_body=_DEFAULT_MAX_BODY if args.max_response_bytes is None else args.max_response_bytes,
            operation=args.operation,
            service_role=args.service_role,
        )
    except (ValueError, MissingDependency, EndpointUnreachable) as error:
        raise CommandError(str(error)) from None
    return _emit(report, args)


def _emit(report: Report, args: argparse.Namespace) -> int:
    """Print the report in the chosen format, write the JUnit file if asked, return the exit status."""
    if args.junit_xml is not None:
        try:
            with open(args.junit_xml, "w", encoding="utf-8") as junit:
                junit.write(report.to_junit_xml())
        except OSError as error:
            raise CommandError(f"cannot write --junit-xml {args.junit_xml}: {error}") from None
    print(report.to_json() if args.format == "json" else report.render(all_rows=args.all_rows))
    return 0 if report.ok else 1


def _given(args: argparse.Namespace, name: str) -> bool:
    return getattr(args, name) not in (None, False)
