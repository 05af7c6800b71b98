"""The endpoint under hostile HTTP, over real sockets on loopback: malformed heads, oversized headers, slow
and silent clients, short bodies, too many connections, and a load of slow clients beside normal ones.

Each test starts its own endpoint with short deadlines (``ServerSettings``), so that what a slow client
costs is seconds, not the default minutes. No assertion is about how long anything took: a test shows
that a slow client is cut off or refused, and that other clients are answered.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from wire import (
    SUBMIT,
    TIMEOUT_SECONDS,
    address,
    assert_error,
    client,
    connection_closed,
    raw,
    read_response,
    read_responses,
)

from listjobs_core.endpoint import ServerSettings
from listjobs_core.endpoint._head import MAX_HEAD_BYTES, MAX_HEADER_LINES
from listjobs_core.testing import serving

LIST_BODY = b'{"maxResults": 1}'
LIST_REQUEST = b"POST /v1/listservicejobs HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n" + LIST_BODY
JOBS = [{"jobId": f"j-{n}", "jobName": "n", "status": "RUNNING", "createdAt": n} for n in range(3)]
# Short enough to keep the tests quick, long enough for a loaded machine to send a request in time.
DEADLINE = 1.0


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    """An endpoint whose requests must arrive within DEADLINE seconds."""
    with serving(JOBS, settings=ServerSettings(request_deadline=DEADLINE, idle_timeout=DEADLINE)) as url:
        yield url


def connect(url: str) -> socket.socket:
    return socket.create_connection(address(url), timeout=TIMEOUT_SECONDS)


def exchange(url: str, data: bytes) -> tuple[int, dict[str, str], Any, str, bool]:
    """Send bytes, read one response; also whether the server said it closes the connection, and did."""
    with connect(url) as sock:
        sock.sendall(data)
        status, headers, body, version = read_response(sock)
        closed = headers.get("connection") == "close" and connection_closed(sock)
        return status, headers, body, version, closed


# --- malformed request heads ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_line", "expected_status"),
    [
        (b"POST /v1/listservicejobs HTTP/2.0", 505),
        (b"POST /v1/listservicejobs HTTP/3", 400),
        (b"GET /", 400),
        (b"garbage", 400),
        (b"POST /v1/listservicejobs HTTP/1.1 extra", 400),
        (b"POST  /v1/listservicejobs HTTP/1.1", 400),
        (b"P(ST /v1/listservicejobs HTTP/1.1", 400),
        (b"POST /v1/list\xffjobs HTTP/1.1", 400),
    ],
)
def test_a_malformed_request_line_gets_a_real_http_response(
    endpoint: str, request_line: bytes, expected_status: int
) -> None:
    """A request line that is not METHOD TARGET HTTP/1.x is answered with an HTTP/1.1 status line, headers
    and the service's error body (MalformedHttpRequestException), never a bare body; then closed."""
    status, headers, body, version, closed = exchange(endpoint, request_line + b"\r\nHost: x\r\n\r\n")
    assert version == "HTTP/1.1"
    assert_error(status, headers, body, expected_status, "MalformedHttpRequestException")
    assert closed


@pytest.mark.parametrize(
    "header_line", [b"no colon here", b" folded: continuation", b"bad name: x", b": empty name"]
)
def test_a_malformed_header_line_is_refused(endpoint: str, header_line: bytes) -> None:
    """A header line that is not NAME: VALUE, or an obsolete folded line, is a 400, then the connection
    is closed."""
    data = (
        b"POST /v1/listservicejobs HTTP/1.1\r\nHost: x\r\n" + header_line + b"\r\nContent-Length: 0\r\n\r\n"
    )
    status, headers, body, _, closed = exchange(endpoint, data)
    assert_error(status, headers, body, 400, "MalformedHttpRequestException")
    assert closed


def test_leading_blank_lines_before_the_request_line_are_ignored(endpoint: str) -> None:
    """RFC 9112: a server should ignore an empty line before the request line."""
    status, _, body, _, _ = exchange(endpoint, b"\r\n" + LIST_REQUEST)
    assert status == 200 and len(body["jobSummaryList"]) == 1


# --- header size cap ------------------------------------------------------------------------------------


def test_huge_headers_are_refused_431_after_at_most_the_cap(endpoint: str) -> None:
    """95 header lines of 60 KB are refused 431 once the head passes 16 KiB: the server stops reading
    (the client's later writes fail or go unread) and closes the connection."""
    line = b"X-Padding: " + b"a" * 60_000 + b"\r\n"
    with connect(endpoint) as sock:
        sock.sendall(b"POST /v1/listservicejobs HTTP/1.1\r\nHost: x\r\n")
        sent = 0
        try:
            for _ in range(95):
                sock.sendall(line)
                sent += len(line)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server closed the connection while the client was still writing
        status, headers, body, _ = read_response(sock)
    assert_error(status, headers, body, 431, "MalformedHttpRequestException")
    assert str(MAX_HEAD_BYTES) in body["message"]


def test_too_many_header_lines_are_refused_431(endpoint: str) -> None:
    """More than 100 header lines, however short, are a 431."""
    headers = b"".join(b"X-H%d: v\r\n" % n for n in range(MAX_HEADER_LINES + 1))
    status, response_headers, body, _, closed = exchange(
        endpoint, b"POST /x HTTP/1.1\r\n" + headers + b"\r\n"
    )
    assert_error(status, response_headers, body, 431, "MalformedHttpRequestException")
    assert closed


def test_a_head_just_under_the_cap_is_answered(endpoint: str) -> None:
    """A head of almost 16 KiB in 100 header lines is read and answered."""
    padding = b"".join(b"X-H%02d: %s\r\n" % (n, b"v" * 140) for n in range(MAX_HEADER_LINES - 2))
    data = LIST_REQUEST.replace(b"Host: x\r\n", b"Host: x\r\n" + padding)
    assert len(data) < MAX_HEAD_BYTES
    status, _, body, _, _ = exchange(endpoint, data)
    assert status == 200 and body["jobSummaryList"]


# --- deadlines --------------------------------------------------------------------------------------------


def test_a_head_trickled_byte_by_byte_is_cut_off_at_the_deadline(endpoint: str) -> None:
    """A client sending its head one byte at a time, each read well inside any per-read timeout, is answered
    408 RequestTimeoutException once the whole-request deadline passes, and the connection is closed."""
    with connect(endpoint) as sock:
        sock.sendall(b"POST /v1/listservicejobs HTTP/1.1\r\n")
        trickle = b"X-Slow: " + b"s" * 1000
        stop = time.monotonic() + DEADLINE * 10  # a bound for the test itself, never reached
        status = None
        for byte in trickle:
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                break
            sock.settimeout(0.05)
            try:
                status, headers, body, _ = read_response(sock)
                break
            except TimeoutError:
                pass
            finally:
                sock.settimeout(TIMEOUT_SECONDS)
            assert time.monotonic() < stop, "the deadline never cut the request off"
        if status is None:
            status, headers, body, _ = read_response(sock)
        assert_error(status, headers, body, 408, "RequestTimeoutException")
        assert headers["connection"] == "close" and connection_closed(sock)


def test_a_body_shorter_than_its_length_is_a_408_when_the_client_waits(
    endpoint: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A body that stops short while the client waits is answered 408 at the deadline, the connection
    closed, and nothing logged but the request's line (no traceback)."""
    with caplog.at_level(logging.INFO, logger="listjobs_core.endpoint"), connect(endpoint) as sock:
        sock.sendall(b'POST /v1/listservicejobs HTTP/1.1\r\nContent-Length: 100\r\n\r\n{"maxResults"')
        status, headers, body, _ = read_response(sock)
        assert_error(status, headers, body, 408, "RequestTimeoutException")
        assert connection_closed(sock)
    (record,) = [r for r in caplog.records if headers["x-amzn-requestid"] in r.getMessage()]
    assert record.exc_info is None and record.levelno == logging.INFO


def test_a_body_cut_short_by_the_client_is_a_400_request_aborted(
    endpoint: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A client that ends its side of the connection inside the body gets a 400 RequestAbortedException
    at once (no waiting for the deadline), with no traceback logged."""
    with caplog.at_level(logging.INFO, logger="listjobs_core.endpoint"), connect(endpoint) as sock:
        sock.sendall(b'POST /v1/listservicejobs HTTP/1.1\r\nContent-Length: 100\r\n\r\n{"maxResults"')
        sock.shutdown(socket.SHUT_WR)
        status, headers, body, _ = read_response(sock)
        assert_error(status, headers, body, 400, "RequestAbortedException")
        assert "13 of 100 bytes" in body["message"]
    assert not any(record.exc_info for record in caplog.records)


def test_a_silent_connection_is_closed_without_an_answer(endpoint: str) -> None:
    """A client that connects and sends nothing is cut off at the deadline, with nothing to answer."""
    with connect(endpoint) as sock:
        assert sock.recv(1) == b""


def test_an_idle_keep_alive_connection_is_closed_after_the_idle_timeout(endpoint: str) -> None:
    """After a response, a keep-alive connection may idle; past the idle timeout the server closes it."""
    with connect(endpoint) as sock:
        sock.sendall(LIST_REQUEST)
        assert read_response(sock)[0] == 200
        assert sock.recv(1) == b""


def test_pipelined_requests_are_answered_in_order(endpoint: str) -> None:
    """Two requests sent at once on one connection get their two responses, in order."""
    with connect(endpoint) as sock:
        sock.sendall(LIST_REQUEST + LIST_REQUEST.replace(LIST_BODY, b'{"maxResults": 2}'))
        responses = read_responses(sock, 2)
    assert [len(body["jobSummaryList"]) for _, _, body in responses] == [1, 2]


def test_expect_100_continue_is_honoured(endpoint: str) -> None:
    """A client that waits for 100 Continue before its body gets it, then the answer."""
    with connect(endpoint) as sock:
        head = LIST_REQUEST.removesuffix(LIST_BODY).replace(b"\r\n\r\n", b"\r\nExpect: 100-continue\r\n\r\n")
        sock.sendall(head)
        assert sock.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(LIST_BODY)
        assert read_response(sock)[0] == 200


# --- messages are the service's --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "absent"),
    [
        (b'{"maxResults": ' + b"9" * 5000 + b"}", "set_int_max_str_digits"),
        (b"\xef\xbb\xbf\xef\xbb\xbf{}", "utf-8-sig"),
        (b'{"maxResults": NaN}', "parse_constant"),
    ],
)
def test_messages_never_carry_python_advice(endpoint: str, body: bytes, absent: str) -> None:
    """A huge integer, a doubled byte order mark or NaN are ClientExceptions in the service's words."""
    status, headers, answer = raw(endpoint, "POST", "/v1/listservicejobs", body)
    assert_error(status, headers, answer, 400, "ClientException")
    assert absent not in answer["message"] and "sys." not in answer["message"]


def test_a_byte_order_mark_is_ignored(endpoint: str) -> None:
    """One leading UTF-8 byte order mark is ignored, as the command line ignores it (H-2)."""
    status, _, answer = raw(endpoint, "POST", "/v1/listservicejobs", b"\xef\xbb\xbf" + LIST_BODY)
    assert status == 200 and len(answer["jobSummaryList"]) == 1


# --- the connection cap ----------------------------------------------------------------------------------


def test_connections_beyond_the_cap_wait_until_one_closes() -> None:
    """At its connection cap, with every connection in the middle of a request, the server accepts no more:
    a third client's request waits in the backlog while two connections are open, and is answered once one
    of them closes."""
    settings = ServerSettings(max_connections=2, request_deadline=60, idle_timeout=60)
    with serving(JOBS, settings=settings) as url:
        holders = [connect(url), connect(url)]
        try:
            for holder in holders:  # each is accepted, then stays open in the middle of a request
                holder.sendall(LIST_REQUEST.removesuffix(LIST_BODY))
            with connect(url) as waiting:
                waiting.sendall(LIST_REQUEST)
                waiting.settimeout(0.5)
                with pytest.raises(TimeoutError):
                    waiting.recv(1)
                holders.pop().close()
                waiting.settimeout(TIMEOUT_SECONDS)
                assert read_response(waiting)[0] == 200
        finally:
            for holder in holders:
                holder.close()


def test_idle_keep_alive_connections_never_keep_a_client_out() -> None:
    """H-15: with the cap's worth of keep-alive connections answered and idle, a new client is answered
    long before the idle timeout: the server closes the connection idle the longest to admit it. Each of
    four probes in a row closes the next oldest; the others stay open and are answered."""
    cap = 16
    settings = ServerSettings(max_connections=cap, request_deadline=60, idle_timeout=60)
    with serving(JOBS, settings=settings) as url:
        holders = [connect(url) for _ in range(cap)]
        probes: list[socket.socket] = []
        try:
            for holder in holders:  # each sends one valid request, then sits idle
                holder.sendall(LIST_REQUEST)
                assert read_response(holder)[0] == 200
                time.sleep(0.1)  # so that the server has it idle before the next: the order is the test's
            for number in range(4):  # each probe stays open, idle, so the cap stays reached
                started = time.monotonic()
                # A third of the idle timeout: without the policy the probe would wait all of it.
                probe = socket.create_connection(address(url), timeout=20)
                probes.append(probe)
                probe.sendall(LIST_REQUEST)
                assert read_response(probe)[0] == 200
                assert time.monotonic() - started < 20
                assert holders[number].recv(1) == b""  # the longest idle was closed, unanswered
            for holder in holders[4:]:
                holder.sendall(LIST_REQUEST)
                assert read_response(holder)[0] == 200
        finally:
            for holder in holders + probes:
                holder.close()


def test_the_cap_stays_below_the_descriptor_limit() -> None:
    """The connection cap is lowered below the process's soft limit on open files."""
    resource = pytest.importorskip("resource")
    from listjobs_core.endpoint._server import connection_limit

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (128, hard))
    try:
        assert connection_limit(10_000) < 128
        assert connection_limit(10) == 10
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


# --- load: slow clients beside normal clients ------------------------------------------------------------


def test_normal_clients_are_answered_while_slow_clients_trickle() -> None:
    """Forty slow clients, each trickling header bytes, and four boto3 clients sending twenty requests each:
    every request of the normal clients is answered, and every slow client is cut off (408 or closed)."""
    pytest.importorskip("boto3")
    settings = ServerSettings(max_connections=64, request_deadline=2.0, idle_timeout=5.0)
    slow_outcomes: list[str] = []
    normal_answers: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    with serving(JOBS, settings=settings) as url:

        def slow() -> None:
            try:
                with connect(url) as sock:
                    sock.sendall(b"POST /v1/listservicejobs HTTP/1.1\r\n")
                    for _ in range(200):  # at most 20 s of trickling; the deadline ends it long before
                        try:
                            sock.sendall(b"X")
                        except OSError:
                            break
                        sock.settimeout(0.1)
                        try:
                            data = sock.recv(65536)
                        except TimeoutError:
                            continue
                        outcome = "408" if data.startswith(b"HTTP/1.1 408") else f"closed {data[:12]!r}"
                        with lock:
                            slow_outcomes.append(outcome)
                        return
                    with lock:
                        slow_outcomes.append("never cut off")
            except BaseException as error:
                with lock:
                    errors.append(error)

        def normal() -> None:
            try:
                batch = client(url)
                for _ in range(20):
                    answered = batch.list_service_jobs(maxResults=2)
                    batch.submit_service_job(**SUBMIT)
                    with lock:
                        normal_answers.append(len(answered["jobSummaryList"]))
            except BaseException as error:
                with lock:
                    errors.append(error)

        threads = [threading.Thread(target=slow) for _ in range(40)]
        threads += [threading.Thread(target=normal) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert normal_answers == [2] * 80
    assert slow_outcomes == ["408"] * 40
