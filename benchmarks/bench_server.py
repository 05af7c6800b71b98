"""The reference endpoint through boto3, against a floor server, in one run; and where its CPU time goes.

    python benchmarks/bench_server.py [--sizes 10000 100000] [--clients 1 8] [--seconds 5] [--rounds 2]
    python benchmarks/bench_server.py --profile 100000 [--seconds 10]
    python benchmarks/bench_server.py --moto [--sizes 1000 10000]        # needs moto[server]

Linux only (server CPU time is read from ``/proc/PID/stat``); needs boto3. For each size N, in one run:

- **endpoint**: ``python -m listjobs_core serve --quiet`` in a process of its own, holding N RUNNING service
  jobs (a jobs file); each client calls ``list_service_jobs(maxResults=100)``, follows ``nextToken`` and
  starts over after the last page;
- **floor**: in a process of its own, the standard library's ``ThreadingHTTPServer`` with a handler that
  reads the request body and answers every POST with one fixed body: the endpoint's own first page of 100
  summaries at that size (with its ``nextToken``), so the client parses exactly what it parses from the
  endpoint. It is what any Python HTTP server that sends this page pays, with no listing at all.

Each client is a process of its own with one boto3 client, so the clients do not share a GIL with each
other or with a server. Clients warm up (20 calls), wait at a barrier, then call for ``--seconds``; the
server's CPU time (user + system, from ``/proc``) is read at the barrier and after the last client stops,
and divided by the calls completed. Rates are calls per second of wall time over all clients. Endpoint and
floor are measured alternately ``--rounds`` times and the best round of each is kept, so a burst of
load from elsewhere on the machine costs one round, not the comparison.

``--profile N`` runs, in this process and alternately under one client, the floor's handler, the
endpoint's HTTP shell alone (its listing answering the fixed page), the endpoint holding N jobs (its page
joined by the store from per-job JSON fragments, ``answer_json``), and the endpoint as it was before the
store kept fragments (the page built as summaries, then encoded with ``json``). It prints their server CPU
per call, then each stage of a call timed alone (on a request captured from boto3) as a share of the
endpoint's CPU per call, then ``cProfile``'s top functions (CPU time) for the server, one connection at a
time in the main thread.

``--moto`` measures the earlier comparison of BENCHMARKS.md: the endpoint against moto's Batch server.
Writes no files outside a temporary directory.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import multiprocessing
import os
import platform
import pstats
import queue
import socket
import subprocess
import sys
import tempfile
import threading
import time
import timeit
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.config import Config

# Run as a script from a clone: the package beside this directory, installed or not.
REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

REGION = "us-east-1"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
PAGE = 100
EPOCH_MS = 1_750_000_000_000
WARM_UP_CALLS = 20
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def batch_client(url: str) -> Any:
    config = Config(retries={"total_max_attempts": 1}, max_pool_connections=1)
    return boto3.session.Session().client(
        "batch", region_name=REGION, endpoint_url=url, config=config, **CREDENTIALS
    )


def service_jobs(count: int) -> list[dict[str, Any]]:
    """``count`` RUNNING service jobs in the demo's shape, each with its own createdAt."""
    return [
        {
            "jobArn": f"arn:aws:batch:{REGION}:123456789012:service-job/job-{number:06d}",
            "jobId": f"job-{number:06d}",
            "jobName": f"train-{number % 97}",
            "jobQueue": "bench-queue",
            "serviceJobType": "SAGEMAKER_TRAINING",
            "status": "RUNNING",
            "createdAt": EPOCH_MS + 1000 * number,
            "startedAt": EPOCH_MS + 1000 * number + 500,
            "shareIdentifier": "teamA",
        }
        for number in range(count)
    ]


# --- servers in processes of their own -----------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


@contextmanager
def server_process(command: list[str]) -> Iterator[tuple[str, int]]:
    """Start a server that prints ``listening on URL``; yields its URL and PID; stops it at the end."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(process.stdout.readline()), daemon=True).start()  # type: ignore[union-attr]
    try:
        first = lines.get(timeout=600)
        assert first.startswith("listening on "), first
        yield first.removeprefix("listening on ").strip(), process.pid
    finally:
        process.terminate()
        process.wait(timeout=60)


def endpoint_command(jobs_file: Path) -> list[str]:
    return [
        sys.executable, "-m", "listjobs_core", "serve", "--port", "0", "--jobs", str(jobs_file), "--quiet",
    ]  # fmt: skip


def floor_command(body_file: Path) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--floor-body", str(body_file)]


class _FloorHandler(BaseHTTPRequestHandler):
    """Reads the body, answers the fixed page: no routing, no parsing, no listing, no log."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; without TCP_NODELAY the second waits for a delayed ACK.
    disable_nagle_algorithm = True
    body = b""

    def do_POST(self) -> None:  # noqa: N802 - the name http.server dispatches to
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.body)))
        self.send_header("x-amzn-RequestId", "00000000-0000-4000-8000-000000000000")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


def run_floor_server(body_file: Path) -> None:
    _FloorHandler.body = body_file.read_bytes()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FloorHandler)
    server.daemon_threads = True
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


# --- clients in processes of their own -----------------------------------------------------------------


def _client_process(url: str, seconds: float, barrier: Any, results: Any) -> None:
    batch = batch_client(url)
    token: str | None = None

    def call() -> None:
        nonlocal token
        request: dict[str, Any] = {"maxResults": PAGE}
        if token is not None:
            request["nextToken"] = token
        token = batch.list_service_jobs(**request).get("nextToken")

    for _ in range(WARM_UP_CALLS):
        call()
    barrier.wait()
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        call()
        count += 1
    results.put((count, elapsed))


def measure(url: str, pid: int, clients: int, seconds: float) -> tuple[float, float]:
    """(calls per second over all clients, server CPU milliseconds per call)."""
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(clients + 1)
    results = context.Queue()
    processes = [
        context.Process(target=_client_process, args=(url, seconds, barrier, results)) for _ in range(clients)
    ]
    for process in processes:
        process.start()
    barrier.wait()
    cpu_before = cpu_seconds(pid)
    outcomes = [results.get(timeout=seconds * 10 + 120) for _ in processes]
    cpu_after = cpu_seconds(pid)
    for process in processes:
        process.join()
    calls = sum(count for count, _ in outcomes)
    wall = max(elapsed for _, elapsed in outcomes)
    return calls / wall, (cpu_after - cpu_before) * 1000 / calls


def compare(sizes: list[int], client_counts: list[int], seconds: float, rounds: int) -> None:
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        for size in sizes:
            jobs_file = Path(directory) / f"jobs-{size}.jsonl"
            jobs_file.write_text("".join(json.dumps(job) + "\n" for job in service_jobs(size)))
            body_file = Path(directory) / f"page-{size}.json"
            with server_process(endpoint_command(jobs_file)) as (url, pid):
                body_file.write_bytes(_first_page(url))
                with server_process(floor_command(body_file)) as (floor_url, floor_pid):
                    for clients in client_counts:
                        best: dict[str, tuple[float, float]] = {}
                        for _ in range(rounds):
                            for name, (target, target_pid) in {
                                "endpoint": (url, pid),
                                "floor": (floor_url, floor_pid),
                            }.items():
                                rate, cpu = measure(target, target_pid, clients, seconds)
                                if name not in best or rate > best[name][0]:
                                    best[name] = (rate, cpu)
                        rows.append((size, clients, best["endpoint"], best["floor"]))
                        print(f"N={size} clients={clients}: {best}", file=sys.stderr, flush=True)
    print(
        "| jobs | clients | endpoint (calls/s) | floor (calls/s) | end-to-end time, endpoint / floor "
        "| server CPU per call, endpoint (ms) | floor (ms) | CPU, endpoint / floor |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size, clients, (rate, cpu), (floor_rate, floor_cpu) in rows:
        print(
            f"| {size:,} | {clients} | {rate:.0f} | {floor_rate:.0f} | {floor_rate / rate:.2f}x "
            f"| {cpu:.3f} | {floor_cpu:.3f} | {cpu / floor_cpu:.2f}x |"
        )


def _first_page(url: str) -> bytes:
    import urllib.request

    request = urllib.request.Request(
        url + "/v1/listservicejobs", data=json.dumps({"maxResults": PAGE}).encode(), method="POST"
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        body: bytes = answer.read()
    assert len(json.loads(body)["jobSummaryList"]) == PAGE
    return body


# --- the profile ---------------------------------------------------------------------------------------


def _captured_request(batch: Any) -> tuple[bytes, bytes]:
    """The head and body of a mid-traversal ListServiceJobs call as boto3 sends it."""
    captured: dict[str, Any] = {}

    def capture(request: Any, **_: Any) -> None:
        captured["request"] = request

    batch.meta.events.register("before-send.batch.ListServiceJobs", capture)
    token = batch.list_service_jobs(maxResults=PAGE)["nextToken"]
    batch.list_service_jobs(maxResults=PAGE, nextToken=token)
    batch.meta.events.unregister("before-send.batch.ListServiceJobs", capture)
    request = captured["request"]
    parts = urlsplit(request.url)
    lines = [f"POST {parts.path} HTTP/1.1", f"Host: {parts.netloc}"]
    lines += [
        f"{name}: {value.decode() if isinstance(value, bytes) else value}"
        for name, value in request.headers.items()
    ]
    body = request.body if isinstance(request.body, bytes) else request.body.encode()
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"), body


def _microseconds(call: Callable[[], object], number: int = 2000) -> float:
    """The best of five timings of ``call``, in microseconds per call."""
    return min(timeit.repeat(call, number=number, repeat=5)) / number * 1e6


def profile(size: int, seconds: float, rounds: int) -> None:
    """Where the endpoint's CPU time goes. In this process, alternately under one client: the floor's
    handler, the endpoint's HTTP shell alone (its listing answers fixed bytes), the endpoint, and the
    endpoint encoding summaries with ``json`` as it did before ``answer_json``; then each stage of a call
    timed alone against the endpoint's CPU time per call; then cProfile's view of the server."""
    from listjobs_core import LIST_SERVICE_JOBS
    from listjobs_core._request import parse_request
    from listjobs_core._tokens import encode_token
    from listjobs_core.endpoint import ReferenceService, ServerSettings, make_server
    from listjobs_core.endpoint._head import read_head
    from listjobs_core.endpoint._logs import log_request
    from listjobs_core.endpoint._protocol import decode_body, encode_answer, route
    from listjobs_core.endpoint._server import ReferenceServer, _http_date

    service = ReferenceService()
    service.load_service_jobs(service_jobs(size))
    server = make_server(service, "127.0.0.1", 0, ServerSettings())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    head, body = _captured_request(batch_client(server.url))
    request = decode_body(body)
    fixed_page = service.list_service_jobs(request)
    assert isinstance(fixed_page, bytes)
    page = json.loads(fixed_page)
    store = service.store

    _FloorHandler.body = fixed_page
    floor = ThreadingHTTPServer(("127.0.0.1", 0), _FloorHandler)
    floor.daemon_threads = True
    threading.Thread(target=floor.serve_forever, daemon=True).start()
    floor_url = f"http://127.0.0.1:{floor.server_address[1]}"
    listing = service.list_service_jobs
    variants: dict[str, tuple[str, Callable[[object], Any] | None]] = {
        "floor: http.server answering the fixed page": (floor_url, None),
        "endpoint's HTTP shell, listing answers the fixed page": (server.url, lambda request: fixed_page),
        "endpoint": (server.url, listing),
        "endpoint, page encoded from summaries by json (as before answer_json)": (
            server.url,
            lambda request: encode_answer(store.answer(request)),
        ),
    }
    best: dict[str, float] = {}
    for _ in range(rounds):
        for name, (url, answer) in variants.items():
            if answer is not None:
                service.list_service_jobs = answer  # type: ignore[method-assign]
            _, cpu_ms = measure(url, os.getpid(), 1, seconds)
            best[name] = min(best.get(name, cpu_ms), cpu_ms)
    service.list_service_jobs = listing  # type: ignore[method-assign]
    server.shutdown()
    floor.shutdown()
    floor_ms = best["floor: http.server answering the fixed page"]
    print(
        f"A page of {PAGE} from {size:,} jobs, one boto3 client; server CPU per call (from /proc), "
        f"best of {rounds}:\n"
    )
    print("| server | CPU per call (us) | / floor |")
    print("|---|---:|---:|")
    for name, cpu_ms in best.items():
        print(f"| {name} | {cpu_ms * 1000:.0f} | {cpu_ms / floor_ms:.2f}x |")

    cpu_ms = best["endpoint"]
    query = parse_request(LIST_SERVICE_JOBS, request)
    last_key = (False, -page["jobSummaryList"][-1]["createdAt"], page["jobSummaryList"][-1]["jobId"])
    answer_head = (
        "HTTP/1.1 200 OK\r\nServer: listjobs_core\r\nDate: {}\r\nContent-Type: application/json\r\n"
        "Content-Length: {}\r\nx-amzn-RequestId: {}\r\n\r\n"
    )
    stages: dict[str, Callable[[], object]] = {
        "read the head (split, check, 4 fields)": lambda: read_head(bytearray(head), lambda: False),
        "route and decode the JSON body": lambda: (route("POST", "/v1/listservicejobs"), decode_body(body)),
        "the store's page as JSON, whole (answer_json; two parts below)": lambda: store.answer_json(request),
        "- parse the request and check its token": lambda: parse_request(LIST_SERVICE_JOBS, request),
        "- make the next token": lambda: encode_token(last_key, query),
        "- (not in a call) the page as summaries, then json.dumps": lambda: encode_answer(
            store.answer(request)
        ),
        "request id, response head": lambda: answer_head.format(_http_date(), 25000, uuid.uuid4()).encode(),
        "the request log, when off": lambda: log_request(
            request_id="r", client="c", method="POST", path="/", operation="o", status=200, started=0.0
        ),
    }
    timings = {name: _microseconds(call) for name, call in stages.items()}
    accounted = sum(microseconds for name, microseconds in timings.items() if not name.startswith("- "))
    print(
        "\nEach stage of a call timed alone (timeit, best of 5), against the endpoint's "
        f"{cpu_ms * 1000:.0f} us:\n"
    )
    print("| stage | us | share |")
    print("|---|---:|---:|")
    for name, microseconds in timings.items():
        print(f"| {name} | {microseconds:.1f} | {microseconds / (cpu_ms * 10):.0f}% |")
    rest = cpu_ms * 1000 - accounted
    share = rest / (cpu_ms * 10)
    print(
        f"| the rest: system calls, threads, garbage collection, the interpreter | {rest:.0f} "
        f"| {share:.0f}% |"
    )

    # cProfile's view: one connection at a time, in this thread, under one client.
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(2)
    results = context.Queue()
    profiled = make_server(service, "127.0.0.1", 0, ServerSettings())
    profiled.timeout = 0.5

    def one_connection_at_a_time(connection: Any, client_address: Any) -> None:
        profiled.finish_request(connection, client_address)
        profiled.shutdown_request(connection)

    profiled.process_request = one_connection_at_a_time  # type: ignore[method-assign]
    client = context.Process(target=_client_process, args=(profiled.url, seconds, barrier, results))
    client.start()
    threading.Thread(target=barrier.wait, daemon=True).start()
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    while client.is_alive():
        ReferenceServer.handle_request(profiled)
    profiler.disable()
    results.get(timeout=60)
    client.join()
    profiled.server_close()
    output = io.StringIO()
    pstats.Stats(profiler, stream=output).sort_stats("tottime").print_stats(15)
    print("\ncProfile (CPU time; it slows small functions most), by own time:\n")
    print(output.getvalue())


# --- moto ----------------------------------------------------------------------------------------------


def moto_comparison(sizes: list[int], seconds: float) -> None:
    """The endpoint against moto's Batch server, both in threads of this process (the earlier table)."""
    import logging
    import urllib.request

    import moto
    from moto.server import ThreadedMotoServer

    from listjobs_core.testing import serving

    def post(url: str, body: object | None = None) -> None:
        data = b"" if body is None else json.dumps(body).encode("utf-8")
        with urllib.request.urlopen(urllib.request.Request(url, data=data, method="POST"), timeout=60):
            pass

    def rate(call: Callable[[], object]) -> float:
        for _ in range(2):
            call()
        count, start = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - start) < seconds or count < 5:
            call()
            count += 1
        return count / elapsed

    def endpoint_rate(jobs: list[dict[str, Any]]) -> float:
        with serving(jobs) as url:
            batch = batch_client(url)
            token: list[str | None] = [None]

            def next_page() -> None:
                request: dict[str, Any] = {"maxResults": PAGE}
                if token[0] is not None:
                    request["nextToken"] = token[0]
                token[0] = batch.list_service_jobs(**request).get("nextToken")

            return rate(next_page)

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    rows = []
    try:
        for size in sizes:
            ours = endpoint_rate(service_jobs(size))
            post(f"{url}/moto-api/reset")
            post(f"{url}/moto-api/config", {"batch": {"use_docker": False}})
            batch = batch_client(url)
            iam = boto3.session.Session().client("iam", region_name=REGION, endpoint_url=url, **CREDENTIALS)
            role = iam.create_role(RoleName="bench-batch", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
            environment = batch.create_compute_environment(
                computeEnvironmentName="bench-ce", type="UNMANAGED", state="ENABLED", serviceRole=role
            )
            batch.create_job_queue(
                jobQueueName="bench-queue",
                state="ENABLED",
                priority=1,
                computeEnvironmentOrder=[
                    {"order": 1, "computeEnvironment": environment["computeEnvironmentArn"]}
                ],
            )
            batch.register_job_definition(
                jobDefinitionName="bench-def",
                type="container",
                containerProperties={"image": "busybox", "vcpus": 1, "memory": 128, "command": ["true"]},
            )
            for number in range(size):
                failing = number < PAGE
                if failing:
                    os.environ["MOTO_SIMPLE_BATCH_FAIL_AFTER"] = "0"
                try:
                    batch.submit_job(
                        jobName=f"train-{number % 97}", jobQueue="bench-queue", jobDefinition="bench-def"
                    )
                finally:
                    if failing:
                        os.environ.pop("MOTO_SIMPLE_BATCH_FAIL_AFTER", None)
            moto_all = rate(lambda client=batch: client.list_jobs(jobQueue="bench-queue", maxResults=PAGE))
            moto_hundred = rate(
                lambda client=batch: client.list_jobs(
                    jobQueue="bench-queue", jobStatus="FAILED", maxResults=PAGE
                )
            )
            rows.append((size, ours, moto_all, moto_hundred))
    finally:
        server.stop()
    print(f"moto {moto.__version__}")
    print(
        "| jobs | endpoint, page of 100 | moto, all N | moto, 100 of N | endpoint / moto, all N "
        "| endpoint / moto, 100 of N |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    for size, ours, moto_all, moto_hundred in rows:
        print(
            f"| {size:,} | {ours:.0f} | {moto_all:.1f} | {moto_hundred:.0f} "
            f"| {ours / moto_all:.1f}x | {ours / moto_hundred:.1f}x |"
        )


# --- the run -------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], metavar="N")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8], metavar="C")
    parser.add_argument("--seconds", type=float, default=5.0, help="measuring time per figure")
    parser.add_argument("--rounds", type=int, default=2, help="alternate measurements of each server")
    parser.add_argument("--profile", type=int, metavar="N", help="profile the endpoint holding N jobs")
    parser.add_argument("--moto", action="store_true", help="compare with moto's server instead")
    parser.add_argument("--floor-body", type=Path, help=argparse.SUPPRESS)  # run as the floor server
    args = parser.parse_args(argv)
    if args.floor_body is not None:
        run_floor_server(args.floor_body)
        return 0
    print(
        f"Python {platform.python_version()}, boto3 {boto3.__version__}, {os.cpu_count()} CPUs, "
        f"{socket.gethostname()}",
        file=sys.stderr,
    )
    if args.profile is not None:
        profile(args.profile, args.seconds, args.rounds)
    elif args.moto:
        moto_comparison(args.sizes, args.seconds)
    else:
        compare(args.sizes, args.clients, args.seconds, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
