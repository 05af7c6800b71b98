"""``python -m listjobs_core.contrib.moto``: moto's server with the plug-in installed, from the command line.

Theory of operation: the plug-in's own options (``-h``/``--help``, ``--version``) are taken off the command
line first; everything else is moto's (``moto_server``'s ``-H``, ``-p``, ``-s`` ...) and goes to moto's
``main`` unchanged, after ``install()``. ``--help`` describes the plug-in, then prints moto's own options as
moto's parser gives them, so the two never drift. moto's usage lines and errors name this program, as
``sys.argv[0]`` is set to it while moto parses.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import sys
from collections.abc import Iterator, Sequence

from ... import __version__
from ..._extras import install_hint
from . import _moto
from ._install import SUPPORTED_MOTO, TESTED_MOTO, install

__all__ = ["PROGRAM", "build_parser", "main"]

PROGRAM = "python -m listjobs_core.contrib.moto"
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

_DESCRIPTION = f"""\
moto's server (moto_server) with listjobs_core's moto plug-in installed. Against it:

  - ListJobs pages, orders, filters and refuses as AWS Batch does;
  - the service-job operations moto lacks exist: service environments (create, describe, update,
    delete), SAGEMAKER_TRAINING job queues, SubmitServiceJob, DescribeServiceJob, ListServiceJobs,
    TerminateServiceJob(s) and UpdateServiceJob;
  - a test moves a service job to any status with moto's configuration API:
      curl -X POST http://localhost:5000/moto-api/config \\
          -d '{{"batch": {{"service_job_status": [{{"jobId": "<id or ARN>", "status": "RUNNING"}}]}}}}'

Supports {SUPPORTED_MOTO} (tested with moto {" and ".join(TESTED_MOTO)}); install it with
  {install_hint("moto")}
Every option but the plug-in's own is moto's, listed below."""


def build_parser() -> argparse.ArgumentParser:
    """The parser of the plug-in's own options; every other argument is left for moto."""
    parser = argparse.ArgumentParser(
        prog=PROGRAM,
        usage="%(prog)s [-h] [--version] [moto_server options]",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        add_help=False,
        allow_abbrev=False,  # an abbreviation of one of moto's options stays moto's
    )
    options = parser.add_argument_group("the plug-in's options")
    options.add_argument(
        "-h", "--help", action="store_true", help="show this help, then moto's own options, and exit"
    )
    options.add_argument(
        "--version", action="store_true", help="show the versions of listjobs_core and moto, and exit"
    )
    return parser


@contextlib.contextmanager
def _as_program(argv: Sequence[str]) -> Iterator[None]:
    """``sys.argv`` is this program and ``argv`` while moto parses it (moto reads ``sys.argv``)."""
    saved = sys.argv
    sys.argv = [PROGRAM, *argv]
    try:
        yield
    finally:
        sys.argv = saved


def _moto_installed() -> bool:
    try:
        importlib.import_module("moto.server")
    except ImportError:
        return False
    return True


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``moto_server`` with its own command-line options and this plug-in installed; the exit status.

    ``--help`` and ``--version`` answer without starting a server.
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    ours, moto_arguments = build_parser().parse_known_args(arguments)
    if ours.version:
        moto = _moto.moto_version() if _moto_installed() else "not installed"
        print(f"{PROGRAM} {__version__} (moto {moto})")
        return EXIT_OK
    if ours.help:
        print(build_parser().format_help())
        print("moto's own options (moto_server):\n")
        sys.stdout.flush()
        if not _moto_installed():
            print(f"  (moto's server is not installed: {install_hint('moto')})")
            return EXIT_OK
        return _run_moto(["--help"])
    if not _moto_installed():
        print(
            f"{PROGRAM}: error: moto's server is not installed; install it with: {install_hint('moto')}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        install()
    except RuntimeError as error:
        print(f"{PROGRAM}: error: {error}", file=sys.stderr)
        return EXIT_FAILED
    return _run_moto(moto_arguments)


def _run_moto(arguments: list[str]) -> int:
    """moto's server ``main`` over ``arguments``; its exit status (0 once the server stops)."""
    moto_main = importlib.import_module("moto.server").main
    with _as_program(arguments):
        try:
            moto_main(arguments)
        except SystemExit as exit_request:  # moto's --help, or a usage error its parser reported
            code = exit_request.code
            return EXIT_OK if code is None else code if isinstance(code, int) else EXIT_USAGE
    return EXIT_OK
