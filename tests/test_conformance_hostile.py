"""The kit against servers that misbehave on purpose, on loopback: every run ends in time with a report.

Each server here listens on 127.0.0.1 only, in daemon threads that stop by themselves when the test's
``with`` block ends (the listening socket closes and every handler checks the stop flag between sends).
A target's fault is a failed check (exit status 1) reported under the rule being checked, with the request
that caused it; exit status 2 is kept for a bad command line and an endpoint that cannot be reached at all.
"""

from __future__ import annotations

import argparse
import json
import socket
import struct
import threading
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

pytest.importorskip("botocore")

from listjobs_core.conformance import check_endpoint  # noqa: E402
from listjobs_core.conformance._command import add_arguments, run_conformance  # noqa: E402

Handler = Callable[[socket.socket, bytes, threading.Event], None]
# Every run here must end well within this many seconds of its deadline.
SLACK = 3.0


def _read_request(connection: socket.socket) -> bytes | None:
    """One HTTP request's body, or None when the client went away."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            return None
        body += chunk
    return body


def _answer(body: bytes, status: str = "200 OK", extra: str = "") -> bytes:
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nx-amzn-RequestId: {uuid.uuid4()}\r\n"
        f"Content-Length: {len(body)}\r\n{extra}\r\n"
    ).encode() + body


EMPTY_PAGE = json.dumps({"jobSummaryList": []}).encode()


@contextmanager
def hostile(handler: Handler) -> Iterator[str]:
    """Serve ``handler`` on 127.0.0.1 for the block; yields the URL."""
    stop = threading.Event()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.2)

    def serve_one(connection: socket.socket) -> None:
        connection.settimeout(0.5)
        try:
            while not stop.is_set():
                try:
                    body = _read_request(connection)
                except TimeoutError:
                    continue
                if body is None:
                    return
                handler(connection, body, stop)
        except OSError:
            pass  # the kit hung up, as it should
        finally:
            connection.close()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=serve_one, args=(connection,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        listener.close()
        thread.join(timeout=2)


def drip(connection: socket.socket, body: bytes, stop: threading.Event) -> None:
    """A byte every 0.2 s, for ever: every read gets a byte long before any per-read timeout."""
    for byte in _answer(EMPTY_PAGE * 1000):
        if stop.is_set():
            return
        connection.sendall(bytes([byte]))
        time.sleep(0.2)


def endless_chunked(connection: socket.socket, body: bytes, stop: threading.Event) -> None:
    connection.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"[" * 4096
    while not stop.is_set():
        connection.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))


def slow(connection: socket.socket, body: bytes, stop: threading.Event) -> None:
    """A valid empty page, 0.4 s after each request."""
    stop.wait(0.4)
    connection.sendall(_answer(EMPTY_PAGE))


def huge_undeclared(connection: socket.socket, body: bytes, stop: threading.Event) -> None:
    """A 400 MB body framed by closing the connection (no Content-Length)."""
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
    block = b" " * 65536
    for _ in range(400 * 16):
        if stop.is_set():
            return
        connection.sendall(block)


def huge_declared(connection: socket.socket, body: bytes, stop: threading.Event) -> None:
    connection.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400000000\r\n\r\n"
    )


def closing_on_filters(connection: socket.socket, body: bytes, stop: threading.Event) -> None:
    """An emulator that crashes on any request with filters: it closes the connection."""
    if b"filters" in body:
        raise OSError("crash")
    connection.sendall(_answer(EMPTY_PAGE))


def resetting(connection: socket.socket, body: bytes, stop: threading.Event) -> None:
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    raise OSError("reset")


def not_json(connection: socket.socket, body: bytes, stop: threading.Event) -> None:
    connection.sendall(_answer(b"<html>busy</html>"))


def command(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return run_conformance(parser.parse_args(argv))


def run_against(handler: Handler, *options: str, deadline: float = 4.0) -> tuple[int, str, float]:
    """Run the command read-only against ``handler``; the exit status, the output and the seconds taken."""
    with hostile(handler) as url:
        started = time.monotonic()
        status = command(
            ["--endpoint-url", url, "--read-only", "--timeout", "1", "--deadline", str(deadline), *options]
        )
        return status, "", time.monotonic() - started


@pytest.mark.parametrize(
    "handler", [drip, endless_chunked, slow, huge_declared, huge_undeclared], ids=lambda h: h.__name__
)
def test_a_hostile_server_gets_a_report_within_the_deadline(
    handler: Handler, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, seconds = run_against(handler, "--max-response-bytes", "1000000")
    out, err = capsys.readouterr()
    assert status == 1, err
    assert seconds < 4.0 + SLACK
    assert "PROBLEM: the endpoint failed to answer" in out
    assert len(out) < 60_000


def test_a_slow_server_is_stopped_at_the_deadline(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, seconds = run_against(slow, deadline=2.0)
    out = capsys.readouterr().out
    assert status == 1 and seconds < 2.0 + SLACK
    assert "deadline of 2 s passed" in out and "FAIL" in out


def test_a_drip_is_cut_at_the_response_timeout_not_reset_by_each_byte(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, _, seconds = run_against(drip, deadline=30.0)
    out = capsys.readouterr().out
    assert status == 1 and seconds < 1.0 + SLACK
    assert "no whole response within 1 s" in out


def test_a_huge_body_is_not_read_whole() -> None:
    with hostile(huge_undeclared) as url:
        tracemalloc.start()
        try:
            report = check_endpoint(url, read_only=True, timeout=5, deadline=10, max_body=4_000_000)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert not report.ok
    assert "more than the 4000000 bytes read" in str(report)
    assert peak < 40_000_000


def test_a_connection_closed_on_a_request_fails_the_rule_being_checked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, _, _ = run_against(closing_on_filters)
    out = capsys.readouterr().out
    assert status == 1
    assert "the connection without a whole response" in out
    # The report names the rule the case was checking and shows the request that caused it.
    failing = [line for line in out.splitlines() if " FAIL " in f" {line} "]
    assert failing, out
    assert '"filters"' in out


def test_a_reset_connection_is_a_failed_check(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, _ = run_against(resetting)
    out = capsys.readouterr().out
    assert status == 1
    assert "H-1" in out and "connection" in out


def test_a_body_that_is_not_json_is_a_failed_check(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, _ = run_against(not_json)
    assert status == 1
    assert "W-1" in capsys.readouterr().out


def test_an_endpoint_that_cannot_be_reached_at_all_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    assert command(["--endpoint-url", f"http://127.0.0.1:{port}", "--read-only"]) == 2
    assert "cannot reach" in capsys.readouterr().err


def test_an_endpoint_url_without_a_scheme_is_refused_as_such(capsys: pytest.CaptureFixture[str]) -> None:
    assert command(["--endpoint-url", "127.0.0.1:8771"]) == 2
    err = capsys.readouterr().err
    assert "has no scheme" in err and "http://127.0.0.1:8771" in err
    assert "not on this machine" not in err
