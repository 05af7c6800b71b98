"""``python -m listjobs_core.contrib.moto``: the plug-in's own options first (``--help``, ``--version``),
everything else moto's server's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import listjobs_core
from listjobs_core.contrib.moto import main

REPOSITORY = Path(__file__).resolve().parent.parent
PROGRAM = "python -m listjobs_core.contrib.moto"


def run_module(*argv: str) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join(filter(None, [str(REPOSITORY), os.environ.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "listjobs_core.contrib.moto", *argv],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": path},
        timeout=120,
        check=False,
    )


def test_version_names_the_package_and_moto() -> None:
    """`--version` prints this package's version and the installed moto's, and starts no server."""
    moto_version = pytest.importorskip("moto").__version__
    answer = run_module("--version")
    assert (answer.returncode, answer.stderr) == (0, "")
    assert answer.stdout == f"{PROGRAM} {listjobs_core.__version__} (moto {moto_version})\n"


def test_help_describes_the_plug_in_and_then_moto_s_own_options(capsys: pytest.CaptureFixture[str]) -> None:
    """`--help` says what the plug-in adds (the service-job operations, moving jobs through moto's
    configuration API, the moto versions supported), then shows moto's own options under this program's
    name; it exits 0."""
    pytest.importorskip("moto.server")
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    plug_in = out.index("with listjobs_core's moto plug-in installed")
    moto_options = out.index("moto's own options")
    assert plug_in < moto_options < out.index("--ssl-cert") and out.index("--host") > moto_options
    for text in ("SubmitServiceJob", "service_job_status", "moto>=5.1,<6", "--version"):
        assert out.index(text) < moto_options, text
    assert f"usage: {PROGRAM} [-h] [-H HOST]" in out


def test_moto_s_own_usage_errors_name_this_program() -> None:
    """An option moto refuses is moto's usage error, exit status 2, under this program's name."""
    pytest.importorskip("moto.server")
    answer = run_module("--port", "not-a-port")
    assert answer.returncode == 2
    assert f"{PROGRAM}: error: argument -p/--port" in answer.stderr
