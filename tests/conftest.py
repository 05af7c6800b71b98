"""Hypothesis settings profiles, chosen with HYPOTHESIS_PROFILE (default, ci, thorough), and the session's
throwaway PostgreSQL server (the ``postgres`` fixture), started once from the machine's binaries.

Deadlines are off everywhere: timing on shared machines is too noisy to be a test result.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# The property tests import their shared modules (oracle, strategies) by plain name, whatever
# pytest's import mode.
sys.path.insert(0, str(Path(__file__).parent))

from postgresql_server import PostgresServer, find_binaries  # noqa: E402 - needs the path above

# default: random examples on every run, to find what no run found before. ci: the gate of every change,
# the same examples on every run (derandomize), so that it judges the change and not the luck of the draw.
# thorough: a long hunt (HYPOTHESIS_PROFILE=thorough scripts/test).
settings.register_profile("default", max_examples=100, deadline=None)
settings.register_profile(
    "ci",
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One throwaway PostgreSQL server for the session, from the machine's binaries (skipped where there
    are none, except under CI, where a missing server is a failure)."""
    binaries = find_binaries()
    try:
        import psycopg  # noqa: F401
    except ImportError:
        binaries = None
    if binaries is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL binaries (initdb, pg_ctl) or psycopg are missing")
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) or psycopg are missing")
    server = PostgresServer(binaries)
    try:
        yield server
    finally:
        server.stop()
