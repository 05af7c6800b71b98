"""The command-line shell: argv and bytes in, calls to the public core, JSON and an exit status out.

Theory of operation: this module holds no listing rule. It reads the jobs (jobs files, or the built-in
demo sets), the optional token key and the request JSON, calls :func:`listjobs_core.list_service_jobs` or
:func:`listjobs_core.list_jobs`, and prints what it returns. A request the core rejects is printed as the
service would answer it (the wire error body, ``{"__type": "ClientException", "message": ...}``), so a
script sees the same error shape as from AWS; request JSON that cannot be read is rendered the same way,
decoded exactly as the endpoint decodes a request body (``endpoint._protocol.decode_json_body``: a byte
order mark ignored, UTF-8, strict JSON, valid Unicode), since the service answers a body it cannot read
with a ClientException too.

Jobs come from two options, one per shape: ``--jobs`` holds service jobs (``ServiceJobSummary``), which
ListServiceJobs lists, ``--batch-jobs`` Batch jobs (``JobSummary``), which ListJobs lists. With neither,
both demo sets are used; with either, the other kind starts empty.

Exit status: 0 answered; 1 the request was rejected (error body on standard output, one line on standard
error); 2 the command line, the jobs file or the token key file is at fault (message on standard error).
Every message on standard error names the program and the subcommand (``listjobs-core serve: error: ...``);
``--version`` prints the package's version.

Adding a subcommand: write one ``add_<name>_command(subparsers)`` function that adds its parser and sets
its ``handler`` (a function from the parsed arguments to an exit status), and list it in ``SUBCOMMANDS``.
Keep the subcommand's work in its own module, imported inside its handler. A subcommand that lives in
another part of the package (``conformance``) owns its ``add_..._command`` and its errors; this module
imports it, never the other way round.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeAlias

from . import (
    LIST_JOBS,
    LIST_SERVICE_JOBS,
    ListingError,
    Operation,
    __version__,
    list_jobs,
    list_jobs_by_consumable_resource,
    list_service_jobs,
)
from .conformance._command import add_conformance_command
from .endpoint._demo import demo_batch_jobs, demo_consumable_resources, demo_jobs
from .endpoint._jobsfile import JobsFileError, load_jobs
from .endpoint._protocol import decode_json_body
from .rest_errors import wire_error
from .service import DEFAULT_ACCOUNT, DEFAULT_REGION, SUBMITTED_STATUS, UNSCHEDULED_STATUSES

__all__ = [
    "EXIT_OK",
    "EXIT_REJECTED",
    "EXIT_USAGE",
    "SUBCOMMANDS",
    "add_jobs_arguments",
    "batch_jobs_from_arguments",
    "build_parser",
    "jobs_from_arguments",
    "main",
]

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_USAGE = 2

SubParsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
Handler: TypeAlias = Callable[[argparse.Namespace], int]


class _CommandError(Exception):
    """The command line or a file it names is at fault; exits with status 2 and this message."""


# --- options shared by every subcommand that lists jobs ---------------------------------------------


def add_jobs_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--jobs FILE``, ``--batch-jobs FILE`` and ``--token-key-file FILE`` to ``parser``."""
    parser.add_argument(
        "--jobs",
        metavar="FILE",
        help="the service jobs, which ListServiceJobs lists: a JSON array or JSON Lines file of "
        "ServiceJobSummary objects, which may also carry jobQueue and version (default: the built-in demo "
        "set, unless --batch-jobs is given)",
    )
    parser.add_argument(
        "--batch-jobs",
        metavar="FILE",
        help="the Batch jobs, which ListJobs lists: a JSON array or JSON Lines file of JobSummary objects "
        "(array children as PARENT:INDEX, multi-node parallel nodes as PARENT#NODE), which may also carry "
        "jobQueue and version (default: the built-in demo set, unless --jobs is given)",
    )
    parser.add_argument(
        "--token-key-file",
        metavar="FILE",
        help="a file holding the secret key that signs nextToken values (trailing newlines are ignored); "
        "tokens are valid only under the key they were made with (default: the built-in key)",
    )


def _demo_sets_used(args: argparse.Namespace) -> bool:
    # H-8, H-19: the demo sets stand in for jobs files, and a database (serve --db) holds jobs of its own.
    return args.jobs is None and args.batch_jobs is None and getattr(args, "db", None) is None


def jobs_from_arguments(args: argparse.Namespace) -> list[dict[str, Any]]:
    """The service jobs of ``--jobs``, the demo set when no jobs file is given, else none; raises
    :class:`JobsFileError` for a bad file."""
    if args.jobs is not None:
        return load_jobs(args.jobs)
    return demo_jobs(*_demo_place(args)) if _demo_sets_used(args) else []


def _demo_place(args: argparse.Namespace) -> tuple[str, str]:
    # H-10: the demo jobs' ARNs are in the region and account of every other ARN (serve --region, --account).
    return getattr(args, "region", None) or DEFAULT_REGION, getattr(args, "account", None) or DEFAULT_ACCOUNT


def batch_jobs_from_arguments(args: argparse.Namespace) -> list[dict[str, Any]]:
    """The Batch jobs of ``--batch-jobs``, the demo set when no jobs file is given, else none; raises
    :class:`JobsFileError` for a bad file."""
    if args.batch_jobs is not None:
        return load_jobs(args.batch_jobs)
    return demo_batch_jobs(*_demo_place(args)) if _demo_sets_used(args) else []


def _token_key_from_arguments(args: argparse.Namespace) -> bytes | None:
    """The key in ``--token-key-file``, or None for the built-in key; raises :class:`_CommandError`."""
    path: str | None = args.token_key_file
    if path is None:
        return None
    try:
        with open(path, "rb") as file:
            key = file.read()
    except OSError as error:
        raise _CommandError(f"{path}: cannot read token key file: {error.strerror or error}") from None
    # `echo secret > key` writes a newline that is not part of the secret.
    key = key.rstrip(b"\r\n")
    if not key:
        raise _CommandError(f"{path}: token key file is empty")
    return key


# --- output -------------------------------------------------------------------------------------------


def _write_json(value: object) -> None:
    sys.stdout.write(json.dumps(value, indent=2) + "\n")


def _report_rejection(error: ListingError, program: str) -> int:
    _write_json(wire_error(error).body)
    one_line = " ".join(error.message.split())
    print(f"{program}: {error.error_type}: {one_line}", file=sys.stderr)
    return EXIT_REJECTED


# --- query ------------------------------------------------------------------------------------------


def _read_standard_input() -> bytes:
    stdin = sys.stdin
    if stdin is None:  # no standard input at all (a closed descriptor 0)
        return b""
    buffer = getattr(stdin, "buffer", None)
    if buffer is None:
        return stdin.read().encode("utf-8", "surrogateescape")
    data: bytes = buffer.read()
    return data


# The operations ``query`` answers, each with its pure function and the jobs it lists.
ListFunction: TypeAlias = Callable[..., dict[str, Any]]
JobsReader: TypeAlias = Callable[[argparse.Namespace], list[dict[str, Any]]]
QUERY_OPERATIONS: dict[str, tuple[ListFunction, JobsReader]] = {
    "ListServiceJobs": (list_service_jobs, jobs_from_arguments),
    "ListJobs": (list_jobs, batch_jobs_from_arguments),
    # CR-1: the Batch jobs, as ListJobs'.
    "ListJobsByConsumableResource": (list_jobs_by_consumable_resource, batch_jobs_from_arguments),
}


def _run_query(args: argparse.Namespace) -> int:
    list_function, jobs_of = QUERY_OPERATIONS[args.operation]
    if args.operation != "ListServiceJobs" and args.jobs is not None and args.batch_jobs is None:
        raise _CommandError(f"{args.operation} lists the jobs of --batch-jobs; --jobs holds service jobs")
    if args.operation == "ListServiceJobs" and args.batch_jobs is not None and args.jobs is None:
        raise _CommandError("ListServiceJobs lists the jobs of --jobs; --batch-jobs holds Batch jobs")
    jobs = jobs_of(args)
    token_key = _token_key_from_arguments(args)
    try:
        if args.request is None or args.request == "-":
            request = decode_json_body(_read_standard_input(), "The request (standard input)")
        else:
            # Arguments the locale could not decode hold surrogate escapes; as bytes they are refused as
            # not UTF-8, like any request.
            data = os.fsencode(args.request)
            request = decode_json_body(data, "The request (REQUEST argument)")
        response = list_function(jobs, request, token_key=token_key)
    except ListingError as error:
        return _report_rejection(error, args.program)
    _write_json(response)
    return EXIT_OK


def _add_query_command(subparsers: SubParsers) -> None:
    """``query [--operation OP] [--jobs FILE] [--batch-jobs FILE] [--token-key-file FILE] [REQUEST]``:
    answer one listing request."""
    parser = subparsers.add_parser(
        "query",
        help="answer one ListServiceJobs (ListJobs, ListJobsByConsumableResource) request and print the "
        "response JSON",
        description="Answer one listing request over the jobs and print the response as JSON: a "
        "ListServiceJobsResponse over the service jobs, or with --operation ListJobs or "
        "ListJobsByConsumableResource that operation's response over the Batch jobs. A rejected request "
        "prints the service's error body and exits with status 1.",
    )
    parser.add_argument(
        "--operation",
        choices=sorted(QUERY_OPERATIONS),
        default="ListServiceJobs",
        help="the operation to answer (default: ListServiceJobs)",
    )
    add_jobs_arguments(parser)
    parser.add_argument(
        "request",
        nargs="?",
        metavar="REQUEST",
        help='the request as JSON, e.g. \'{"maxResults": 3}\'; when absent or "-", it is read from standard '
        "input, and empty input means {}",
    )
    parser.set_defaults(handler=_run_query)


# --- serve ------------------------------------------------------------------------------------------


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"not a port number (0 to 65535): {text!r}")
    return int(text)


def _count(text: str) -> int:
    if not text.isdigit() or not text.isascii():
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}")
    return int(text)


def _positive(text: str) -> int:
    value = _count(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < 86400:
        raise argparse.ArgumentTypeError(f"not a number of seconds (more than 0, less than a day): {text!r}")
    return value


def _region(text: str) -> str:
    # H-10: a region goes into every ARN, where it is the field between two colons.
    if not re.fullmatch(r"[a-z]{2}(-[a-z0-9]+)+", text):
        raise argparse.ArgumentTypeError(f"not an AWS region name, such as us-east-1: {text!r}")
    return text


def _account(text: str) -> str:
    if not re.fullmatch(r"[0-9]{12}", text):
        raise argparse.ArgumentTypeError(f"not an AWS account ID (12 digits): {text!r}")
    return text


def _run_serve(args: argparse.Namespace) -> int:
    from .endpoint._logs import configure_logging
    from .endpoint._server import ServerSettings, serve
    from .endpoint._service import Limits, ReferenceService

    jobs = jobs_from_arguments(args)
    batch_jobs = batch_jobs_from_arguments(args)
    token_key = _token_key_from_arguments(args)
    stores: list[Any] = []
    try:
        if args.db is not None:
            # H-19: the service jobs and the Batch jobs in one database, each in tables of their own.
            stores.append(_open_database(args.db, token_key, LIST_SERVICE_JOBS))
            stores.append(_open_database(args.db, token_key, LIST_JOBS))
        service = ReferenceService(
            stores[0] if stores else None,
            batch_store=stores[1] if stores else None,
            token_key=token_key,
            region=args.region,
            account=args.account,
            limits=Limits(max_jobs=args.max_jobs, max_job_bytes=args.max_job_bytes),
            submitted_status=args.submitted_status,
        )
        for load, loaded, source in (
            (service.load_service_jobs, jobs, args.jobs),
            (service.load_batch_jobs, batch_jobs, args.batch_jobs),
        ):
            try:
                load(loaded)
            except ValueError as error:
                raise _CommandError(f"{source or 'the demo jobs'}: {error}") from None
        if _demo_sets_used(args):
            # H-8: the demo sets come with the consumable resources their Batch jobs require.
            for request in demo_consumable_resources():
                service.create_consumable_resource(request)
        settings = ServerSettings(
            request_deadline=args.request_deadline,
            idle_timeout=args.idle_timeout,
            max_connections=args.max_connections,
        )
        configure_logging("WARNING" if args.quiet else args.log_level, args.log_format, sys.stderr)
        try:
            return serve(service, host=args.host, port=args.port, settings=settings)
        except OSError as error:
            raise _CommandError(
                f"cannot listen on {args.host}:{args.port}: {error.strerror or error}"
            ) from None
    finally:
        for store in stores:
            store.close()


def _open_database(url: str, token_key: bytes | None, operation: Operation) -> Any:
    """``serve --db URL``: the ``SqlJobStore`` of ``operation``'s jobs on ``url``; :class:`_CommandError`
    naming what is wrong."""
    from .sql import SqlJobStore

    try:
        return SqlJobStore(url, token_key=token_key, operation=operation)
    except Exception as error:  # any driver's error: a bad URL, no server, no permission
        raise _CommandError(f"--db: cannot open the database: {error}") from None


def _add_serve_command(subparsers: SubParsers) -> None:
    """``serve [--host H] [--port P] [--jobs FILE] [--batch-jobs FILE] [--region R] [--account A] ...``:
    the reference endpoint."""
    from .endpoint._server import (
        DEFAULT_IDLE_TIMEOUT_SECONDS,
        DEFAULT_MAX_CONNECTIONS,
        DEFAULT_REQUEST_DEADLINE_SECONDS,
    )
    from .service import DEFAULT_MAX_JOB_BYTES, DEFAULT_MAX_JOBS

    parser = subparsers.add_parser(
        "serve",
        help="serve AWS Batch's service-job operations and every way it lists jobs over HTTP",
        description="Run the reference endpoint: AWS Batch's REST-JSON protocol, which boto3 and the AWS CLI "
        "use unmodified with --endpoint-url. It serves ListServiceJobs, SubmitServiceJob, "
        "DescribeServiceJob, TerminateServiceJob, TerminateServiceJobs and UpdateServiceJob over the service "
        "jobs; ListJobs and ListJobsByConsumableResource over the Batch jobs; GetJobQueueSnapshot over both; "
        "and the job queues, scheduling policies, quota shares and consumable resources these read. Prints "
        "'listening on http://HOST:PORT' once ready, logs one line per request on standard error, and stops "
        "cleanly on SIGINT or SIGTERM.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1)")
    parser.add_argument(
        "--port", type=_port, default=8000, help="the port to listen on; 0 picks a free one (default: 8000)"
    )
    add_jobs_arguments(parser)
    parser.add_argument(
        "--db",
        metavar="URL",
        help="keep the service jobs, their client tokens and the Batch jobs ListJobs lists in a database "
        "(sqlite:///PATH or postgresql://...), so they survive restarts and several servers with one token "
        "key can share them; the server starts with the jobs the database holds, plus those of --jobs FILE "
        "and --batch-jobs FILE it does not hold yet (a file never overwrites a held job; no demo set)",
    )
    parser.add_argument(
        "--region",
        type=_region,
        default=DEFAULT_REGION,
        help=f"the region of every ARN (default: {DEFAULT_REGION})",
    )
    parser.add_argument(
        "--account",
        type=_account,
        default=DEFAULT_ACCOUNT,
        help=f"the account of every ARN (default: {DEFAULT_ACCOUNT})",
    )
    parser.add_argument(
        "--max-jobs",
        type=_count,
        default=DEFAULT_MAX_JOBS,
        metavar="N",
        help=f"the most jobs the endpoint holds, files and submits together (default: {DEFAULT_MAX_JOBS})",
    )
    parser.add_argument(
        "--max-job-bytes",
        type=_positive,
        default=DEFAULT_MAX_JOB_BYTES,
        metavar="BYTES",
        help="every job's size as compact UTF-8 JSON, from a file or a submit, must be less than this "
        f"(default: {DEFAULT_MAX_JOB_BYTES}, 30 KiB)",
    )
    parser.add_argument(
        "--submitted-status",
        choices=UNSCHEDULED_STATUSES,
        default=SUBMITTED_STATUS,
        help="the status a submitted service job starts in and keeps until moved or terminated: RUNNABLE "
        "waits in its queue's front, as on a queue without capacity (default: SUBMITTED)",
    )
    parser.add_argument(
        "--max-connections",
        type=_positive,
        default=DEFAULT_MAX_CONNECTIONS,
        metavar="N",
        help="the most connections open at once; more wait to be accepted "
        f"(default: {DEFAULT_MAX_CONNECTIONS}, and below the open-file limit)",
    )
    parser.add_argument(
        "--request-deadline",
        type=_seconds,
        default=DEFAULT_REQUEST_DEADLINE_SECONDS,
        metavar="SECONDS",
        help="a request's head and body must arrive within this time of its first byte, else it is "
        f"answered 408 and the connection closed (default: {DEFAULT_REQUEST_DEADLINE_SECONDS:g})",
    )
    parser.add_argument(
        "--idle-timeout",
        type=_seconds,
        default=DEFAULT_IDLE_TIMEOUT_SECONDS,
        metavar="SECONDS",
        help="an idle keep-alive connection is closed after this time "
        f"(default: {DEFAULT_IDLE_TIMEOUT_SECONDS:g})",
    )
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument(
        "--log-level",
        type=str.upper,
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        default="INFO",
        help="the least severe log records shown; every request is logged at INFO, an internal error at "
        "ERROR with its traceback (default: INFO)",
    )
    verbosity.add_argument(
        "--quiet", action="store_true", help="no request log, only errors (the same as --log-level WARNING)"
    )
    parser.add_argument(
        "--log-format",
        choices=["text", "json"],
        default="text",
        help="log lines as key=value text or as JSON objects (default: text)",
    )
    parser.set_defaults(handler=_run_serve)


# --- the command ------------------------------------------------------------------------------------

SUBCOMMANDS: list[Callable[[SubParsers], None]] = [
    _add_query_command,
    _add_serve_command,
    add_conformance_command,
]


def _program_name() -> str:
    argv0 = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    return "python -m listjobs_core" if argv0 == "__main__.py" else "listjobs-core"


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    """The argument parser, with one subparser per entry of ``SUBCOMMANDS``."""
    parser = argparse.ArgumentParser(
        prog=prog or _program_name(),
        description="List AWS Batch service jobs the way ListServiceJobs does.",
        epilog="Exit status: 0 answered, 1 request rejected, 2 bad command line or input file.",
    )
    # Every message of a subcommand names the program and the subcommand (``listjobs-core serve: error:
    # ...``), as argparse names a subcommand's usage errors; ``main`` sets it, and a subcommand that
    # reports its own errors (conformance) reads it here.
    parser.set_defaults(program=parser.prog)
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}", help="show the version and exit"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add_command in SUBCOMMANDS:
        add_command(subparsers)
    return parser


def _exit_status(code: object) -> int:
    if code is None:
        return EXIT_OK
    return code if isinstance(code, int) else EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default: ``sys.argv[1:]``) and return its exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_request:  # --help, or a usage error argparse has already reported
        return _exit_status(exit_request.code)
    handler: Handler = args.handler
    args.program = f"{parser.prog} {args.command}"
    try:
        return handler(args)
    except (_CommandError, JobsFileError) as error:
        print(f"{args.program}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
