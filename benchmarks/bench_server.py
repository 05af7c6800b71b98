"""Throughput of the reference endpoint against moto's Batch server, both driven by boto3.

    python benchmarks/bench_server.py [--sizes 1000 10000] [--seconds 3]

Needs boto3 and ``moto[server]`` (moto 5). For each size N, in one run and one process:

- **endpoint**: ``ListServiceJobs`` pages of 100 (``maxResults=100``, following ``nextToken`` and starting
  over after the last page) from ``listjobs_core``'s endpoint holding N RUNNING service jobs;
- **moto, all N**: ``ListJobs`` with ``maxResults=100`` from ``moto.server.ThreadedMotoServer`` holding N
  jobs in one queue. moto 5 does not paginate ListJobs (``BatchBackend.list_jobs``: "Pagination is not yet
  implemented"): it ignores ``maxResults`` and every call returns all N summaries;
- **moto, 100 of N**: the same call with ``jobStatus=FAILED``, which exactly 100 of the N jobs have, so
  moto scans N jobs but returns a page of 100, as the endpoint does;
- **endpoint, empty**: the endpoint holding no jobs, the floor that boto3 and HTTP alone allow.

Both servers run in threads of this process, as the benchmarking client does, so both pay the same GIL
and loopback costs. moto's jobs are submitted through its Batch API (compute environment, queue, job
definition, then SubmitJob per job) with Docker off: ``POST /moto-api/config`` with
``{"batch": {"use_docker": false}}`` selects moto's ``batch_simple`` backend, which marks every job
SUCCEEDED at once (or FAILED while ``MOTO_SIMPLE_BATCH_FAIL_AFTER=0`` is set, which the server reads at
submit time, in this process). Each rate is requests completed over the wall time of at least
``--seconds`` seconds (and at least 5 requests), after a warm-up.

Prints a Markdown table of requests per second and the endpoint's ratio to each moto figure; writes no
files.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

# Run as a script from a clone: the package beside this directory, installed or not.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from listjobs_core.testing import serving  # noqa: E402

REGION = "us-east-1"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
PAGE = 100
FAILED_JOBS = 100  # the jobs moto holds as FAILED, the "100 of N" query's answer
EPOCH_MS = 1_750_000_000_000


def batch_client(url: str) -> Any:
    config = Config(retries={"total_max_attempts": 1})
    return boto3.session.Session().client(
        "batch", region_name=REGION, endpoint_url=url, config=config, **CREDENTIALS
    )


def rate(call: Callable[[], object], seconds: float) -> float:
    """Requests per second of ``call``: at least ``seconds`` of wall time and 5 calls, after 2 warm-ups."""
    for _ in range(2):
        call()
    count = 0
    start = time.perf_counter()
    while True:
        call()
        count += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds and count >= 5:
            return count / elapsed


# --- the endpoint --------------------------------------------------------------------------------------


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


def endpoint_rate(jobs: list[dict[str, Any]], seconds: float) -> float:
    """Pages of 100 of the default (RUNNING) listing, walking the tokens and starting over at the end."""
    with serving(jobs) as url:
        batch = batch_client(url)
        token: list[str | None] = [None]

        def next_page() -> None:
            request: dict[str, Any] = {"maxResults": PAGE}
            if token[0] is not None:
                request["nextToken"] = token[0]
            answer = batch.list_service_jobs(**request)
            token[0] = answer.get("nextToken")
            assert len(answer["jobSummaryList"]) == min(PAGE, len(jobs)) or token[0] is None

        return rate(next_page, seconds)


# --- moto ----------------------------------------------------------------------------------------------


def _post(url: str, body: object | None = None) -> None:
    data = b"" if body is None else json.dumps(body).encode("utf-8")
    with urllib.request.urlopen(urllib.request.Request(url, data=data, method="POST"), timeout=60):
        pass


@contextmanager
def moto_server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def fill_moto(url: str, count: int) -> Any:
    """Reset moto, make a queue and submit ``count`` jobs to it, ``FAILED_JOBS`` of them failing."""
    _post(f"{url}/moto-api/reset")
    _post(f"{url}/moto-api/config", {"batch": {"use_docker": False}})
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
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": environment["computeEnvironmentArn"]}],
    )
    batch.register_job_definition(
        jobDefinitionName="bench-def",
        type="container",
        containerProperties={"image": "busybox", "vcpus": 1, "memory": 128, "command": ["true"]},
    )
    for number in range(count):
        failing = number < FAILED_JOBS
        if failing:
            os.environ["MOTO_SIMPLE_BATCH_FAIL_AFTER"] = "0"
        try:
            batch.submit_job(
                jobName=f"train-{number % 97}", jobQueue="bench-queue", jobDefinition="bench-def"
            )
        finally:
            if failing:
                os.environ.pop("MOTO_SIMPLE_BATCH_FAIL_AFTER", None)
    return batch


def moto_rates(url: str, count: int, seconds: float) -> tuple[float, float, float]:
    """(rate of ListJobs returning all N, rate returning 100 of N, seconds spent submitting the N jobs)."""
    start = time.perf_counter()
    batch = fill_moto(url, count)
    fill_seconds = time.perf_counter() - start
    everything = batch.list_jobs(jobQueue="bench-queue", maxResults=PAGE)
    failed = batch.list_jobs(jobQueue="bench-queue", jobStatus="FAILED", maxResults=PAGE)
    assert len(everything["jobSummaryList"]) == count, "moto now paginates ListJobs: revisit this benchmark"
    assert len(failed["jobSummaryList"]) == FAILED_JOBS

    def all_jobs() -> None:
        batch.list_jobs(jobQueue="bench-queue", maxResults=PAGE)

    def hundred_jobs() -> None:
        batch.list_jobs(jobQueue="bench-queue", jobStatus="FAILED", maxResults=PAGE)

    return rate(all_jobs, seconds), rate(hundred_jobs, seconds), fill_seconds


# --- the run -------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000], metavar="N")
    parser.add_argument("--seconds", type=float, default=3.0, help="minimum measuring time per figure")
    args = parser.parse_args(argv)

    import moto

    print(
        f"Python {platform.python_version()}, boto3 {boto3.__version__}, moto {moto.__version__}, "
        f"{os.cpu_count()} CPUs",
        file=sys.stderr,
    )
    floor = endpoint_rate([], args.seconds)
    rows = []
    with moto_server() as url:
        for size in args.sizes:
            ours = endpoint_rate(service_jobs(size), args.seconds)
            moto_all, moto_hundred, fill_seconds = moto_rates(url, size, args.seconds)
            print(f"N={size}: moto took {fill_seconds:.1f} s to submit the jobs", file=sys.stderr)
            rows.append((size, ours, moto_all, moto_hundred))

    print(
        "| jobs | endpoint, page of 100 (req/s) | moto, all N (req/s) | moto, 100 of N (req/s) "
        "| ratio to moto, all N | ratio to moto, 100 of N |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    for size, ours, moto_all, moto_hundred in rows:
        print(
            f"| {size:,} | {ours:.0f} | {moto_all:.1f} | {moto_hundred:.0f} "
            f"| {ours / moto_all:.1f}x | {ours / moto_hundred:.1f}x |"
        )
    print(f"\nFloor: the endpoint holding no jobs answers {floor:.0f} req/s through boto3.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
