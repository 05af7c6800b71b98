"""Status moves through the public API: ``listjobs_core.service.move_job`` on every kind of store, the
endpoint serving the moved jobs as AWS shows them, and the moto plug-in's ``set_service_job_status``
following the same rules (one implementation: ``service.moved_job``)."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterator
from typing import Any

import pytest

from listjobs_core import ClientException, ServiceJobStore
from listjobs_core.service import STATUSES, JobService, move_job, moved_job, parse_submit_request
from listjobs_core.sql import SqlJobStore
from listjobs_core.store import ListingStore
from listjobs_core.testing import serving

ARN = "arn:aws:batch:us-east-1:123456789012:service-job/j-1"
CREATED = 1_000
# MS-10: which statuses carry which timestamp, restated from the model's documentation of each member.
SCHEDULED = {"SCHEDULED", "STARTING", "RUNNING", "SUCCEEDED"}
STARTED = {"RUNNING", "SUCCEEDED"}
STOPPED = {"SUCCEEDED", "FAILED"}


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest) -> Iterator[ListingStore]:
    """An empty store of service jobs: in memory, or SQL (SQLite in memory)."""
    if request.param == "memory":
        yield ServiceJobStore()
        return
    with SqlJobStore("sqlite://") as sql_store:
        yield sql_store


def submitted(store: ListingStore) -> None:
    store.put(
        {"jobId": "j-1", "jobName": "train", "status": "SUBMITTED", "createdAt": CREATED, "jobArn": ARN}
    )


@pytest.mark.parametrize("status", STATUSES)
def test_a_job_moves_to_every_status_with_the_timestamps_aws_shows(store: ListingStore, status: str) -> None:
    """From SUBMITTED to any status: exactly the timestamps that status has, all at the move's time, an
    attempt once scheduled, and the store lists the job under its new status."""
    submitted(store)
    described = move_job(store, "j-1", status, now_ms=CREATED + 5, status_reason="because")
    expected = {
        member
        for member, statuses in (("scheduledAt", SCHEDULED), ("startedAt", STARTED), ("stoppedAt", STOPPED))
        if status in statuses
    }
    assert {"scheduledAt", "startedAt", "stoppedAt"} & set(described) == expected
    assert all(described[member] == CREATED + 5 for member in expected)
    assert (described["status"], described["statusReason"]) == (status, "because")
    assert bool(described["attempts"]) == (status in SCHEDULED)
    held = store.get("j-1")
    assert held is not None and held["status"] == status
    listed = store.list_service_jobs({"jobStatus": status})["jobSummaryList"]
    assert [(job["jobId"], job.get("stoppedAt")) for job in listed] == [("j-1", described.get("stoppedAt"))]


def test_moves_keep_timestamps_in_order_and_refusals_change_nothing(store: ListingStore) -> None:
    """Given timestamps are kept, missing ones fill in between them, a move back drops what no longer
    applies, and a refused move leaves the stored job as it was."""
    submitted(store)
    running = move_job(store, "j-1", "RUNNING", now_ms=CREATED + 50, started_at=CREATED + 20)
    assert (running["scheduledAt"], running["startedAt"]) == (CREATED + 20, CREATED + 20)
    done = move_job(store, "j-1", "SUCCEEDED", now_ms=CREATED + 90, status_reason="Training complete")
    assert (done["startedAt"], done["stoppedAt"], done["statusReason"]) == (
        CREATED + 20,
        CREATED + 90,
        "Training complete",
    )
    held = store.get("j-1")
    for arguments, message in (
        ({"status": "RUNNING", "started_at": CREATED - 1}, "is before createdAt"),
        ({"status": "SUCCEEDED", "stopped_at": CREATED + 10}, "stoppedAt 1010 is before startedAt 1020"),
        ({"status": "RUNNABLE", "stopped_at": CREATED + 10}, "stoppedAt does not apply"),
        ({"status": "running"}, "status must be one of"),
    ):
        with pytest.raises(ClientException, match=message):
            move_job(store, "j-1", now_ms=CREATED + 100, **arguments)
        assert store.get("j-1") == held
    back = move_job(store, "j-1", "RUNNABLE", now_ms=CREATED + 100)
    assert {"scheduledAt", "startedAt", "stoppedAt", "statusReason", "latestAttempt"} & set(back) == set()
    with pytest.raises(ClientException, match="does not identify"):
        move_job(store, "no-such-job", "RUNNING", now_ms=CREATED)


def test_terminate_sets_is_terminated_and_moves_keep_it(store: ListingStore) -> None:
    """``isTerminated`` is what TerminateServiceJob sets (H-6); the same store and the same rules."""
    submitted(store)
    jobs = JobService(store, clock=lambda: CREATED + 7)
    move_job(store, "j-1", "RUNNING", now_ms=CREATED + 3)
    jobs.terminate("j-1", "not needed")
    described = jobs.describe("j-1")
    assert (described["status"], described["isTerminated"], described["stoppedAt"]) == ("FAILED", True, 1007)
    assert described["statusReason"] == "not needed"
    listed = store.list_service_jobs({"jobStatus": "FAILED"})["jobSummaryList"]
    assert listed[0]["isTerminated"] is True


def test_a_job_moved_in_a_sql_store_the_endpoint_serves_is_described_and_listed_so() -> None:
    """The endpoint over a SQL store: a job submitted through boto3 and moved in the store is described
    and listed with its timestamps."""
    boto3 = pytest.importorskip("boto3")
    with SqlJobStore("sqlite://") as sql_store, serving(store=sql_store) as url:
        batch = boto3.client(
            "batch",
            region_name="us-east-1",
            endpoint_url=url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        job = batch.submit_service_job(
            jobName="train", jobQueue="q", serviceJobType="SAGEMAKER_TRAINING", serviceRequestPayload="{}"
        )
        created = batch.describe_service_job(jobId=job["jobId"])["createdAt"]
        move_job(sql_store, job["jobId"], "SUCCEEDED", now_ms=created + 9, started_at=created + 4)
        described = batch.describe_service_job(jobId=job["jobArn"])
        assert (described["status"], described["startedAt"], described["stoppedAt"]) == (
            "SUCCEEDED",
            created + 4,
            created + 9,
        )
        assert described["scheduledAt"] == created + 4
        listed = batch.list_service_jobs(jobQueue="q", jobStatus="SUCCEEDED")["jobSummaryList"]
        assert [(summary["jobId"], summary["startedAt"], summary["stoppedAt"]) for summary in listed] == [
            (job["jobId"], created + 4, created + 9)
        ]


# --- one implementation: the moto plug-in's moves are the service's ---------------------------------------


def test_every_way_to_move_a_job_calls_the_one_rule() -> None:
    """``move_job``, ``JobService.move`` and the moto plug-in's moves (``set_service_job_status`` and
    moto's configuration API, through ``apply_moves``) all compute the moved job with ``moved_job``."""
    service_status = importlib.import_module("listjobs_core.service._status")
    job_service = importlib.import_module("listjobs_core.service._job_service")
    moves = importlib.import_module("listjobs_core.contrib.moto._moves")
    assert service_status.moved_job is job_service.moved_job is moves.moved_job is moved_job
    assert "moved_job(" in inspect.getsource(move_job)
    assert "moved_job(" in inspect.getsource(job_service.JobService.move)
    assert "apply_moves(" in inspect.getsource(moves.set_service_job_status)
    assert "moved_job(" in inspect.getsource(moves.apply_moves)


def relative(described: dict[str, Any]) -> dict[str, Any]:
    """A described job with its timestamps relative to ``createdAt``, and without what differs between
    two services by construction (ids, ARNs, queues, the request payload)."""
    created = described["createdAt"]
    kept: dict[str, Any] = {}
    for member, value in described.items():
        if member in ("scheduledAt", "startedAt", "stoppedAt"):
            kept[member] = value - created
        elif member in ("status", "statusReason", "isTerminated"):
            kept[member] = value
        elif member == "attempts":
            kept[member] = [
                {
                    key: item - created if key.endswith("At") else item
                    for key, item in attempt.items()
                    if key != "serviceResourceId"
                }
                for attempt in value
            ]
    return kept


MOVES: list[dict[str, Any]] = [
    {"status": "SCHEDULED", "scheduled_at": 3},
    {"status": "RUNNING", "started_at": 5},
    {"status": "FAILED", "status_reason": "OutOfMemory", "stopped_at": 8},
    {"status": "RUNNABLE"},
    {"status": "SUCCEEDED", "scheduled_at": 10, "started_at": 11, "stopped_at": 12, "status_reason": "ok"},
]


def test_the_moto_helper_and_move_job_give_the_same_job() -> None:
    """The same moves, by ``set_service_job_status`` in moto and by ``move_job`` in a store, leave jobs that
    DescribeServiceJob describes alike (timestamps relative to each job's creation)."""
    boto3 = pytest.importorskip("boto3")
    moto = pytest.importorskip("moto")
    from listjobs_core.contrib import moto as plugin

    store = ServiceJobStore()
    submit = {
        "jobName": "train",
        "jobQueue": "q",
        "serviceJobType": "SAGEMAKER_TRAINING",
        "serviceRequestPayload": "{}",
    }
    JobService(store, clock=lambda: CREATED, new_job_id=lambda: "j-1").submit(parse_submit_request(submit))
    with moto.mock_aws(), plugin.installed():
        batch = boto3.client(
            "batch", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
        )
        batch.create_service_environment(
            serviceEnvironmentName="env",
            serviceEnvironmentType="SAGEMAKER_TRAINING",
            capacityLimits=[{"maxCapacity": 1, "capacityUnit": "NUM_INSTANCES"}],
        )
        batch.create_job_queue(
            jobQueueName="q",
            priority=1,
            jobQueueType="SAGEMAKER_TRAINING",
            serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": "env"}],
        )
        job = batch.submit_service_job(**submit)
        created = batch.describe_service_job(jobId=job["jobId"])["createdAt"]
        for move in MOVES:
            status = move["status"]
            options = {
                key: created + value if key.endswith("_at") else value
                for key, value in move.items()
                if key != "status"
            }
            in_moto = plugin.set_service_job_status(job["jobId"], status, **options)
            options = {
                key: CREATED + value if key.endswith("_at") else value
                for key, value in move.items()
                if key != "status"
            }
            in_store = move_job(store, "j-1", status, now_ms=CREATED + 100, **options)
            assert relative(in_moto) == relative(in_store), move
