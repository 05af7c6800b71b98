"""The command-line shell: argv and bytes in, calls to the public core, JSON and an exit status out.

Theory of operation: this module holds no listing rule. It reads the jobs (a jobs file, or the built-in
demo set), the optional token key and the request JSON, calls :func:`listjobs_core.list_service_jobs`,
and prints what it returns. A request the core rejects is printed as the service would answer it (the
wire error body, ``{"__type": "ClientException", "message": ...}``), so a script sees the same error
shape as from AWS; invalid request JSON is rendered the same way, since the service answers a body it
cannot parse with a ClientException too.

Exit status: 0 answered; 1 the request was rejected (error body on standard output, one line on standard
error); 2 the command line, the jobs file or the token key file is at fault (message on standard error).

Adding a subcommand: write one ``add_<name>_command(subparsers)`` function that adds its parser and sets
its ``handler`` (a function from the parsed arguments to an exit status), and list it in ``SUBCOMMANDS``.
Keep the subcommand's work in its own module, imported inside its handler.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TypeAlias

from . import ClientException, ListingError, list_service_jobs
from ._demo import demo_jobs
from ._jobsfile import JobsFileError, load_jobs

__all__ = [
    "EXIT_OK",
    "EXIT_REJECTED",
    "EXIT_USAGE",
    "SUBCOMMANDS",
    "CommandError",
    "add_conformance_command",
    "add_jobs_arguments",
    "add_query_command",
    "add_serve_command",
    "build_parser",
    "jobs_from_arguments",
    "main",
    "token_key_from_arguments",
]

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_USAGE = 2

SubParsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
Handler: TypeAlias = Callable[[argparse.Namespace], int]


class CommandError(Exception):
    """The command line or a file it names is at fault; exits with status 2 and this message."""


# --- options shared by every subcommand that lists jobs ---------------------------------------------


def add_jobs_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--jobs FILE`` and ``--token-key-file FILE`` to ``parser``."""
    parser.add_argument(
        "--jobs",
        metavar="FILE",
        help="the jobs to list: a JSON array or JSON Lines file of ServiceJobSummary objects, which may also "
        "carry jobQueue and version (default: the built-in demo set)",
    )
    parser.add_argument(
        "--token-key-file",
        metavar="FILE",
        help="a file holding the secret key that signs nextToken values (trailing newlines are ignored); "
        "tokens are valid only under the key they were made with (default: the built-in key)",
    )


def jobs_from_arguments(args: argparse.Namespace) -> list[dict[str, Any]]:
    """The jobs named by ``--jobs``, or the demo set; raises :class:`JobsFileError` for a bad file."""
    if args.jobs is None:
        return demo_jobs()
    return load_jobs(args.jobs)


def token_key_from_arguments(args: argparse.Namespace) -> bytes | None:
    """The key in ``--token-key-file``, or None for the built-in key; raises :class:`CommandError`."""
    path: str | None = args.token_key_file
    if path is None:
        return None
    try:
        with open(path, "rb") as file:
            key = file.read()
    except OSError as error:
        raise CommandError(f"{path}: cannot read token key file: {error.strerror or error}") from None
    # `echo secret > key` writes a newline that is not part of the secret.
    key = key.rstrip(b"\r\n")
    if not key:
        raise CommandError(f"{path}: token key file is empty")
    return key


# --- output -------------------------------------------------------------------------------------------


def _write_json(value: object) -> None:
    sys.stdout.write(json.dumps(value, indent=2) + "\n")


def _report_rejection(error: ListingError) -> int:
    wire = error.to_wire()
    _write_json(wire.body)
    one_line = " ".join(error.message.split())
    print(f"{_program_name()}: {error.error_type}: {one_line}", file=sys.stderr)
    return EXIT_REJECTED


# --- query ------------------------------------------------------------------------------------------


def _reject_constant(name: str) -> NoReturn:
    # Python's json accepts NaN and Infinity; a JSON body cannot hold them.
    raise ValueError(f"{name} is not valid JSON")


def _read_standard_input() -> str:
    stdin = sys.stdin
    if stdin is None:  # no standard input at all (a closed descriptor 0)
        return ""
    buffer = getattr(stdin, "buffer", None)
    if buffer is None:
        return stdin.read()
    data: bytes = buffer.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ClientException(
            f"The request on standard input is not valid UTF-8 (byte offset {error.start}): {error.reason}"
        ) from None


def _request_from_text(text: str, origin: str) -> object:
    """Decode the request JSON; an empty text is the empty request ``{}``."""
    text = text.removeprefix("\ufeff")
    if not text.strip():
        return {}
    try:
        request: object = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise ClientException(
            f"The request ({origin}) is not valid JSON: {error.msg} at line {error.lineno}, "
            f"column {error.colno}"
        ) from None
    except RecursionError:
        raise ClientException(f"The request ({origin}) is not valid JSON: nested too deeply") from None
    except ValueError as error:
        raise ClientException(f"The request ({origin}) is not valid JSON: {error}") from None
    return request


def _run_query(args: argparse.Namespace) -> int:
    jobs = jobs_from_arguments(args)
    token_key = token_key_from_arguments(args)
    try:
        if args.request is None or args.request == "-":
            request = _request_from_text(_read_standard_input(), "standard input")
        else:
            request = _request_from_text(args.request, "REQUEST argument")
        response = list_service_jobs(jobs, request, token_key=token_key)
    except ListingError as error:
        return _report_rejection(error)
    _write_json(response)
    return EXIT_OK


def add_query_command(subparsers: SubParsers) -> None:
    """``query [--jobs FILE] [--token-key-file FILE] [REQUEST]``: answer one ListServiceJobs request."""
    parser = subparsers.add_parser(
        "query",
        help="answer one ListServiceJobs request and print the response JSON",
        description="Answer one ListServiceJobs request over the jobs and print the ListServiceJobsResponse "
        "as JSON. A rejected request prints the service's error body and exits with status 1.",
    )
    add_jobs_arguments(parser)
    parser.add_argument(
        "request",
        nargs="?",
        metavar="REQUEST",
        help='the ListServiceJobsRequest as JSON, e.g. \'{"maxResults": 3}\'; when absent or "-", it is read '
        "from standard input, and empty input means {}",
    )
    parser.set_defaults(handler=_run_query)


# --- serve ------------------------------------------------------------------------------------------


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"not a port number (0 to 65535): {text!r}")
    return int(text)


def _run_serve(args: argparse.Namespace) -> int:
    from ._server import serve

    jobs = jobs_from_arguments(args)
    token_key = token_key_from_arguments(args)
    try:
        return serve(jobs, host=args.host, port=args.port, token_key=token_key, quiet=args.quiet)
    except OSError as error:
        raise CommandError(f"cannot listen on {args.host}:{args.port}: {error.strerror or error}") from None


def add_serve_command(subparsers: SubParsers) -> None:
    """``serve [--host H] [--port P] [--jobs FILE] [--token-key-file FILE] [--quiet]``: the endpoint."""
    parser = subparsers.add_parser(
        "serve",
        help="serve ListServiceJobs, SubmitServiceJob, DescribeServiceJob and TerminateServiceJob over HTTP",
        description="Run the reference endpoint: AWS Batch's REST-JSON protocol, which boto3 and the AWS CLI "
        "use unmodified with --endpoint-url. Prints 'listening on http://HOST:PORT' once ready and stops "
        "cleanly on SIGINT or SIGTERM.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1)")
    parser.add_argument(
        "--port", type=_port, default=8000, help="the port to listen on; 0 picks a free one (default: 8000)"
    )
    add_jobs_arguments(parser)
    parser.add_argument("--quiet", action="store_true", help="no access log on standard error")
    parser.set_defaults(handler=_run_serve)


# --- conformance ------------------------------------------------------------------------------------


def _run_conformance(args: argparse.Namespace) -> int:
    from .conformance._command import run_conformance

    return run_conformance(args)


def add_conformance_command(subparsers: SubParsers) -> None:
    """``conformance (--adapter MODULE:FUNCTION | --endpoint-url URL) [options]``: the kit."""
    from .conformance._command import add_arguments

    parser = subparsers.add_parser(
        "conformance",
        help="check an implementation of ListServiceJobs against the reference, rule by rule",
        description="Run the conformance kit on an adapter (a function (jobs, request) -> response that "
        "raises to reject) or on a running endpoint (over HTTP), and print one row per rule of "
        "docs/SEMANTICS.md with the smallest failing case of each failing rule. Exits with status 0 when "
        "the target conforms, 1 when it does not, 2 for a bad command line.",
    )
    add_arguments(parser)
    parser.set_defaults(handler=_run_conformance)


# --- the command ------------------------------------------------------------------------------------

SUBCOMMANDS: list[Callable[[SubParsers], None]] = [
    add_query_command,
    add_serve_command,
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
    try:
        return handler(args)
    except (CommandError, JobsFileError) as error:
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
