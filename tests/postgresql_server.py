"""A throwaway PostgreSQL server from the machine's own binaries, for the tests that need a real one.

``initdb`` refuses to run as root, so under root the server runs as the unprivileged user ``nobody``
(through ``runuser``). The cluster lives in a temporary directory, listens only on a Unix socket in that
directory (named after a free port), trusts local connections, and is removed when it stops.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

__all__ = ["WAITS", "PostgresServer", "find_binaries", "round_trips"]

UNPRIVILEGED_USER = "nobody"


def find_binaries() -> Path | None:
    """The directory holding initdb and pg_ctl: on PATH, or Debian's /usr/lib/postgresql/<version>/bin."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class PostgresServer:
    """A started PostgreSQL cluster; ``url()`` names a database in it, ``stop()`` ends it."""

    def __init__(self, binaries: Path) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="listjobs-postgres-"))
        self.port = _free_port()
        self._binaries = binaries
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.directory, user=UNPRIVILEGED_USER)
            self._as_user = ["runuser", "-u", UNPRIVILEGED_USER, "--"]
        data = self.directory / "data"
        self._run(
            "initdb",
            "-D",
            str(data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses='' -c fsync=off "
            "-c full_page_writes=off -c max_connections=200"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(self.directory / "log"),
            "-w",
            "-t",
            "60",
            "start",
        )
        self._data = data
        self._databases = 0

    def _run(self, program: str, *arguments: str) -> None:
        command = [*self._as_user, str(self._binaries / program), *arguments]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if result.returncode != 0:
            log = self.directory / "log"
            raise RuntimeError(
                f"{program} failed: {result.stderr or result.stdout}"
                + (log.read_text() if log.exists() else "")
            )

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@/{database}?host={self.directory}&port={self.port}"

    def new_database(self) -> str:
        """The URL of a fresh, empty database."""
        import psycopg

        self._databases += 1
        name = f"test_{self._databases}_{int(time.time() * 1000) % 100000}"
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self._data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)


# The protocol messages after which a client waits for the server (libpq trace names).
WAITS = frozenset({"Sync", "Flush", "Query"})


def round_trips(store: Any, request: dict[str, Any], operation: Any = None) -> int:
    """The round trips a PostgreSQL store's page costs (``store.answer``, of ``operation`` when given):
    libpq's trace of the protocol messages on the store's connection, counted as the messages after which
    the client waits for the server's answer. In the steady state: psycopg prepares a statement the fifth
    time a connection runs it, which costs one round trip more that once, so the page is run that many
    times first."""
    from psycopg import pq

    def page() -> Any:
        return store.answer(request) if operation is None else store.answer(request, operation=operation)

    for _ in range(6):
        page()
    with tempfile.TemporaryFile("w+") as trace:
        # A single-threaded store has one connection, which the page takes again from the pool.
        with store._pool.connection() as connection:
            connection.pgconn.trace(trace.fileno())
            connection.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS)
        try:
            page()
        finally:
            with store._pool.connection() as connection:
                connection.pgconn.untrace()
        trace.seek(0)
        messages = [line.split("\t") for line in trace.read().splitlines() if line]
    # The client waits for the server after a Sync (the end of a statement, or of a pipeline), a Flush (a
    # pipeline's results asked for) or a simple Query, and at no other message: a round trip is a run of
    # messages the client sends, between two of the server's, that holds one of them.
    runs = "".join(
        "w" if sender == "F" and kind in WAITS else sender for sender, _, kind, *_ in messages
    ).split("B")
    return sum(1 for run in runs if "w" in run)
