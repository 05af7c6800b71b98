"""Run several AWS CLI commands in one process: ``python aws_cli_many.py < commands.json``.

Each command is an argument list as ``aws`` takes it, run by the AWS CLI's own driver
(``awscli.clidriver.create_clidriver().main``, what the ``aws`` entry point runs), a fresh driver per
command. The output is a JSON list with, for each command, its exit status, standard output and standard
error. One process for many commands spares the CLI's start-up (about half a second of CPU) per command.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys


def main() -> None:
    from awscli.clidriver import create_clidriver

    results = []
    driver = create_clidriver()
    for arguments in json.load(sys.stdin):
        stdout, stderr = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            status = driver.main(arguments)
        results.append({"status": status, "stdout": stdout.getvalue(), "stderr": stderr.getvalue()})
    json.dump(results, sys.__stdout__)


if __name__ == "__main__":
    main()
