"""``serve --db URL``: jobs and client tokens survive a SIGKILL, servers on one database answer alike, and
the Batch jobs ListJobs lists are kept in the database too.

Each test runs ``python -m listjobs_core serve`` as a real process on a real database (a SQLite file, or a
throwaway PostgreSQL server from the machine's binaries) and talks to it over HTTP.
"""

from __future__ import annotations

import http.client
import json
import signal
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from postgresql_server import PostgresServer
from wire import REPOSITORY, TIMEOUT_SECONDS, as_held, client, full_selection, paginate, serve_process

from listjobs_core import LIST_JOBS, list_jobs, list_jobs_by_consumable_resource, list_service_jobs
from listjobs_core.endpoint._demo import demo_batch_jobs
from listjobs_core.sql import SqlJobStore

QUEUE_ARN = "arn:aws:batch:us-east-1:123456789012:job-queue/training"


def call(base: str, operation: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """POST one operation's JSON body to the server; its status and decoded JSON answer."""
    address = urlsplit(base)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=TIMEOUT_SECONDS)
    try:
        connection.request("POST", f"/v1/{operation}", json.dumps(body), {"Content-Type": "application/json"})
        answer = connection.getresponse()
        return answer.status, json.loads(answer.read() or b"{}")
    finally:
        connection.close()


def submit_body(number: int) -> dict[str, Any]:
    return {
        "jobName": f"{'Train' if number % 2 else 'train'}-{number}",
        "jobQueue": "training" if number % 3 else QUEUE_ARN,
        "serviceJobType": "SAGEMAKER_TRAINING",
        "serviceRequestPayload": json.dumps({"TrainingJobName": f"train-{number}"}),
        "clientToken": f"token-{number}",
        "shareIdentifier": f"share-{number % 2}",
    }


def full_listing(jobs: list[dict[str, Any]], request: dict[str, Any]) -> list[dict[str, Any]]:
    """Every summary the pure function lists for ``request``, following its tokens."""
    summaries: list[dict[str, Any]] = []
    page = list_service_jobs(jobs, request)
    summaries += page["jobSummaryList"]
    while "nextToken" in page:
        page = list_service_jobs(jobs, {**request, "nextToken": page["nextToken"]})
        summaries += page["jobSummaryList"]
    return summaries


def database_url(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if engine == "sqlite":
        return f"sqlite:///{tmp_path / 'jobs.db'}"
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.new_database()


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_every_acknowledged_submit_survives_a_sigkill(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """A client submits jobs one after another; the server is killed with SIGKILL mid-stream and started
    again on the same database. Every job whose submit was answered 200 is there, described exactly as
    submitted, its client token still refused (H-7); every stored job is whole; none was invented."""
    url = database_url(engine, tmp_path, request)
    acknowledged: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    attempted = 0
    with serve_process("--db", url, "--quiet") as (process, base, _):
        stop = threading.Event()

        def client() -> None:
            nonlocal attempted
            number = 0
            while not stop.is_set():
                body = submit_body(number)
                attempted += 1
                try:
                    status, answer = call(base, "submitservicejob", body)
                except OSError:
                    return  # the server is gone
                if status == 200:
                    acknowledged[answer["jobId"]] = (body, answer)
                number += 1

        thread = threading.Thread(target=client)
        thread.start()
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while len(acknowledged) < 80 and time.monotonic() < deadline and thread.is_alive():
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=TIMEOUT_SECONDS)
        stop.set()
        thread.join(timeout=TIMEOUT_SECONDS)
    assert len(acknowledged) >= 80, "the client was not answered before the kill"

    with serve_process("--db", url, "--quiet") as (process, base, _):
        listed: list[dict[str, Any]] = []
        page_request: dict[str, Any] = {"jobStatus": "SUBMITTED", "maxResults": 37}
        while True:
            status, page = call(base, "listservicejobs", page_request)
            assert status == 200, page
            listed += page["jobSummaryList"]
            if "nextToken" not in page:
                break
            page_request["nextToken"] = page["nextToken"]
        listed_ids = {summary["jobId"] for summary in listed}
        assert set(acknowledged) <= listed_ids
        assert len(acknowledged) <= len(listed_ids) <= attempted
        for job_id, (body, answer) in acknowledged.items():
            status, described = call(base, "describeservicejob", {"jobId": job_id})
            assert status == 200
            assert described["jobArn"] == answer["jobArn"] and described["jobName"] == body["jobName"]
            assert described["serviceRequestPayload"] == body["serviceRequestPayload"]
            assert (
                described["status"] == "SUBMITTED" and described["shareIdentifier"] == body["shareIdentifier"]
            )
        for summary in listed:  # none half-written: every stored job is a whole submitted job
            assert {"jobArn", "jobId", "jobName", "createdAt", "status", "shareIdentifier"} <= set(summary)
        reused_body = next(iter(acknowledged.values()))[0]
        status, refusal = call(base, "submitservicejob", reused_body)
        assert status == 400 and "clientToken" in refusal["message"]
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=TIMEOUT_SECONDS) == 0

    with SqlJobStore(url) as store:
        store._check()
        jobs = list(store)
        assert {job["jobId"] for job in jobs} == listed_ids
        assert listed == full_listing(jobs, {"jobStatus": "SUBMITTED"})


def test_two_servers_on_one_postgresql_database_answer_alike(
    postgres: PostgresServer, tmp_path: Path
) -> None:
    """Scale-out: two servers on one PostgreSQL database with one token key. Jobs submitted or terminated
    through either are listed by both; a traversal that alternates between them, each continuing the
    other's token, gives the pure function's pages; a client token used at one is refused at the other."""
    url = postgres.new_database()
    key_file = tmp_path / "key"
    key_file.write_text("shared secret\n")
    arguments = ("--db", url, "--token-key-file", str(key_file), "--quiet")
    with serve_process(*arguments) as (first, one, _), serve_process(*arguments) as (second, other, _):
        servers = (one, other)
        job_ids = []
        for number in range(45):
            status, answer = call(servers[number % 2], "submitservicejob", submit_body(number))
            assert status == 200, answer
            job_ids.append(answer["jobId"])
        status, refusal = call(other, "submitservicejob", submit_body(0))
        assert status == 400 and "clientToken" in refusal["message"]
        for number, job_id in enumerate(job_ids[::4]):
            status, _ = call(servers[number % 2], "terminateservicejob", {"jobId": job_id, "reason": "stop"})
            assert status == 200
        with SqlJobStore(url) as store:
            jobs = list(store)
        assert len(jobs) == 45
        requests: list[dict[str, Any]] = [
            {"jobStatus": "SUBMITTED"},
            # H-10: the endpoint reads a queue name as its own region's queue ARN, tokens included.
            {"jobStatus": "FAILED", "jobQueue": "arn:aws:batch:us-east-1:123456789012:job-queue/training"},
            {"jobQueue": QUEUE_ARN, "filters": [{"name": "JOB_NAME", "values": ["TRAIN-1*"]}]},
            {"jobStatus": "SUBMITTED", "filters": [{"name": "SHARE_IDENTIFIER", "values": ["share-1"]}]},
            {"filters": [{"name": "AFTER_CREATED_AT", "values": ["0"]}]},
        ]
        for request in requests:
            page_request: dict[str, Any] = {**request, "maxResults": 4}
            turn = 0
            while True:
                status, page = call(servers[turn % 2], "listservicejobs", page_request)
                assert status == 200, page
                expected = list_service_jobs(jobs, page_request, token_key=b"shared secret")
                assert page == expected
                status, again = call(servers[(turn + 1) % 2], "listservicejobs", page_request)
                assert again == page
                if "nextToken" not in page:
                    break
                page_request["nextToken"] = page["nextToken"]
                turn += 1
        for process in (first, second):
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=TIMEOUT_SECONDS) == 0


def test_serve_refuses_a_database_it_cannot_open(tmp_path: Path) -> None:
    """A --db URL of no supported kind, or a file that cannot be created, stops `serve` before it listens:
    exit status 2 and a message naming --db."""
    import subprocess
    import sys

    for url in ("mysql://localhost/jobs", f"sqlite:///{tmp_path}/missing-directory/jobs.db"):
        result = subprocess.run(
            [sys.executable, "-m", "listjobs_core", "serve", "--port", "0", "--db", url],
            cwd=REPOSITORY,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
        assert result.returncode == 2, result.stderr
        assert "--db" in result.stderr and "listening" not in result.stdout


def test_serve_starts_with_the_database_jobs_and_puts_a_jobs_file_in(tmp_path: Path) -> None:
    """H-19: with --db the server lists the database's jobs, never the demo set; --jobs FILE puts in at start
    the file's jobs whose jobId the database does not hold (a held one stays as it is), and they stay after a
    restart without it."""
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    jobs = [{"jobId": f"j{n}", "jobName": "n", "status": "RUNNING", "createdAt": n} for n in range(5)]
    with SqlJobStore(url) as store:
        store.put({"jobId": "j0", "jobName": "old", "status": "FAILED", "createdAt": 0})
        store.put({"jobId": "kept", "jobName": "kept", "status": "RUNNING", "createdAt": 9})
    jobs_file = tmp_path / "jobs.jsonl"
    jobs_file.write_text("".join(json.dumps(job) + "\n" for job in jobs))
    # H-10, H-20: a job without a jobArn gets its ARN in the endpoint's region and account, and a service job
    # without a serviceJobType the model's only one, whether it comes from a jobs file or the database.
    arn = "arn:aws:batch:us-east-1:123456789012:service-job/"
    complete = {"serviceJobType": "SAGEMAKER_TRAINING"}
    expected = full_listing(
        [
            {"jobId": "j0", "jobName": "old", "status": "FAILED", "createdAt": 0, "jobArn": arn + "j0",
             **complete},
            *({**job, "jobArn": arn + job["jobId"], **complete} for job in jobs[1:]),
            {"jobId": "kept", "jobName": "kept", "status": "RUNNING", "createdAt": 9, "jobArn": arn + "kept",
             **complete},
        ],
        {},
    )
    for arguments in (("--jobs", str(jobs_file)), ()):
        with serve_process("--db", url, "--quiet", *arguments) as (process, base, _):
            status, page = call(base, "listservicejobs", {})
            assert status == 200 and page["jobSummaryList"] == expected
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=TIMEOUT_SECONDS) == 0


def test_a_restart_with_the_same_jobs_file_keeps_what_the_api_changed(tmp_path: Path) -> None:
    """H-19: a jobs file seeds the database and never undoes an acknowledged change. `serve --db F --jobs J`;
    TerminateServiceJob a0 and UpdateServiceJob a1 (both 200); a job submitted; the same command line again
    (after SIGTERM, then after SIGKILL): a0 is still FAILED with its reason, a1 keeps its priority, the
    submitted job is there, and every other job of the file is listed once."""
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    jobs = [{"jobId": f"a{n}", "jobName": "n", "status": "RUNNING", "createdAt": n} for n in range(3)]
    jobs_file = tmp_path / "jobs.jsonl"
    jobs_file.write_text("".join(json.dumps(job) + "\n" for job in jobs))
    with serve_process("--db", url, "--quiet", "--jobs", str(jobs_file)) as (process, base, _):
        assert call(base, "terminateservicejob", {"jobId": "a0", "reason": "not needed"})[0] == 200
        assert call(base, "updateservicejob", {"jobId": "a1", "schedulingPriority": 77})[0] == 200
        status, submitted = call(base, "submitservicejob", submit_body(1))
        assert status == 200
        before = {job_id: call(base, "describeservicejob", {"jobId": job_id})[1]
                  for job_id in ("a0", "a1", "a2", submitted["jobId"])}
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=TIMEOUT_SECONDS) == 0
    assert before["a0"]["status"] == "FAILED" and before["a0"]["statusReason"] == "not needed"
    assert before["a1"]["schedulingPriority"] == 77
    for stop in (signal.SIGTERM, signal.SIGKILL):
        with serve_process("--db", url, "--quiet", "--jobs", str(jobs_file)) as (process, base, _):
            after = {job_id: call(base, "describeservicejob", {"jobId": job_id})[1] for job_id in before}
            assert after == before
            status, page = call(base, "listservicejobs", {"jobStatus": "RUNNING"})
            assert status == 200 and [job["jobId"] for job in page["jobSummaryList"]] == ["a2", "a1"]
            process.send_signal(stop)
            process.wait(timeout=TIMEOUT_SECONDS)


def test_serve_keeps_the_batch_jobs_in_the_database(tmp_path: Path) -> None:
    """H-19 for ListJobs: with --db the server keeps the Batch jobs of --batch-jobs in the database (tables
    of their own, beside the service jobs). boto3's list_jobs and its paginator get list_jobs' pages over
    them (queues, JOB_DEFINITION, array children, MNP nodes), and after a restart without --batch-jobs the
    same; no demo job is ever added."""
    pytest.importorskip("boto3")
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    batch_jobs = demo_batch_jobs()
    jobs_file = tmp_path / "batch-jobs.jsonl"
    jobs_file.write_text("".join(json.dumps(job) + "\n" for job in batch_jobs))
    held = as_held(batch_jobs, kind="job")
    queue_arn = "arn:aws:batch:us-east-1:123456789012:job-queue/"
    requests: list[dict[str, Any]] = [
        {"jobQueue": "gpu-queue", "jobStatus": "SUCCEEDED"},
        {"jobQueue": "cpu-queue", "filters": [{"name": "JOB_DEFINITION", "values": ["preprocess"]}]},
        {"jobQueue": "cpu-queue", "filters": [{"name": "JOB_NAME", "values": ["nightly*"]}]},
    ]
    for member, kind in (("arrayJobId", "arrayProperties"), ("multiNodeJobId", "nodeProperties")):
        requests.append(next(
            listing
            for parent in held
            if kind in parent
            for status in ("RUNNING", "SUCCEEDED", "FAILED", "RUNNABLE")
            if list_jobs(held, listing := {member: parent["jobId"], "jobStatus": status})["jobSummaryList"]
        ))
    expected = []
    for request in requests:
        # H-10: the endpoint reads a queue name as its own region's queue ARN.
        queue = {"jobQueue": queue_arn + request["jobQueue"]} if "jobQueue" in request else {}
        expected.append(full_selection(list_jobs, held, {**request, **queue}))
    assert all(expected)
    for arguments in (("--batch-jobs", str(jobs_file)), ()):
        with serve_process("--db", url, "--quiet", *arguments) as (process, base, _):
            batch = client(base)
            for request, selection in zip(requests, expected, strict=True):
                assert paginate(batch, "list_jobs", 2, **request) == selection
                first = batch.list_jobs(**request, maxResults=1)
                assert first["jobSummaryList"] == selection[:1]
            status, page = call(base, "listservicejobs", {})
            assert status == 200 and page == {"jobSummaryList": []}
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=TIMEOUT_SECONDS) == 0
    with SqlJobStore(url, operation=LIST_JOBS) as store:
        store._check()
        assert sorted(store, key=lambda job: job["jobId"]) == sorted(held, key=lambda job: job["jobId"])
    with SqlJobStore(url) as services:
        assert len(services) == 0


def test_a_submit_is_answered_alike_with_and_without_a_database(tmp_path: Path) -> None:
    """SQL-5 over HTTP: a SubmitServiceJob holding a NUL (or U+0001) in ``shareIdentifier`` or
    ``quotaShareName`` gets the same status from ``serve`` and from ``serve --db``, and the job is listed
    alike by those members' filters."""
    bodies = [
        {**submit_body(number), "clientToken": None, member: value}
        for number, (member, value) in enumerate(
            (member, value)
            for member in ("shareIdentifier", "quotaShareName")
            for value in ("share\x00", "\x00", "a\x01\x00b")
        )
    ]
    answers = []
    for arguments in ((), ("--db", f"sqlite:///{tmp_path / 'jobs.db'}")):
        with serve_process("--quiet", *arguments) as (process, base, _):
            statuses, listed = [], []
            for body in bodies:
                submitted = {member: value for member, value in body.items() if value is not None}
                status, _answer = call(base, "submitservicejob", submitted)
                statuses.append(status)
                name = "SHARE_IDENTIFIER" if "\x00" in body.get("shareIdentifier", "") else "QUOTA_SHARE_NAME"
                value = body["shareIdentifier" if name == "SHARE_IDENTIFIER" else "quotaShareName"]
                status, page = call(base, "listservicejobs", {"filters": [{"name": name, "values": [value]}]})
                listed.append((status, [summary["jobName"] for summary in page.get("jobSummaryList", [])]))
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=TIMEOUT_SECONDS) == 0
        answers.append((statuses, listed))
    assert answers[0] == answers[1]
    assert set(answers[0][0]) == {200}, answers
    assert answers[0][1] == [(200, [body["jobName"]]) for body in bodies]


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_serve_with_a_database_answers_list_jobs_by_consumable_resource(
    tmp_path: Path, request: pytest.FixtureRequest, engine: str
) -> None:
    """SQL-1 over HTTP: ``serve --db URL`` answers ListJobsByConsumableResource from the database's Batch
    jobs, boto3's paginator getting the pure function's pages (tokens included), and so after a restart
    without ``--batch-jobs``."""
    pytest.importorskip("boto3")
    url = database_url(engine, tmp_path, request)
    batch_jobs = demo_batch_jobs()
    jobs_file = tmp_path / "batch-jobs.jsonl"
    jobs_file.write_text("".join(json.dumps(job) + "\n" for job in batch_jobs))
    held = as_held(batch_jobs, kind="job")
    requests: list[dict[str, Any]] = [
        {"consumableResource": "license-seats"},
        {"consumableResource": "arn:aws:batch:us-east-1:123456789012:consumable-resource/gpu-quota"},
        {"consumableResource": "gpu-quota", "filters": [{"name": "JOB_STATUS", "values": ["SUCCEEDED"]}]},
    ]
    expected = []
    for listing in requests:
        pages = [list_jobs_by_consumable_resource(held, {**listing, "maxResults": 2})]
        while "nextToken" in pages[-1]:
            pages.append(
                list_jobs_by_consumable_resource(
                    held, {**listing, "maxResults": 2, "nextToken": pages[-1]["nextToken"]}
                )
            )
        expected.append(pages)
    assert all(pages[0]["jobs"] for pages in expected)
    for arguments in (("--batch-jobs", str(jobs_file)), ()):
        with serve_process("--db", url, "--quiet", *arguments) as (process, base, _):
            batch = client(base)
            for listing, pages in zip(requests, expected, strict=True):
                paginator = batch.get_paginator("list_jobs_by_consumable_resource")
                got = paginator.paginate(**listing, PaginationConfig={"PageSize": 2})
                assert [page["jobs"] for page in got] == [page["jobs"] for page in pages]
                status, first = call(base, "listjobsbyconsumableresource", {**listing, "maxResults": 2})
                assert status == 200 and first == pages[0]
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=TIMEOUT_SECONDS) == 0
