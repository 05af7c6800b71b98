"""The public test tooling: ``listjobs_core.testing.serving`` and the pytest plugin's fixtures, used as a
user's test suite would use them (the plugin loaded by its entry point, in a pytest run of its own)."""

from __future__ import annotations

import importlib.metadata
import socket
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from wire import CREDENTIALS, REPOSITORY, SUBMIT, address, connection_closed, read_response

from listjobs_core import LIST_JOBS, JobStore, ServiceJobStore
from listjobs_core.sql import SqlJobStore
from listjobs_core.testing import SharedEndpoint, serving, serving_shared

LIST_REQUEST = b"POST /v1/listservicejobs HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"


def test_the_plugin_is_registered_as_a_pytest11_entry_point() -> None:
    """Installing the package registers ``listjobs_core.pytest_plugin`` with pytest."""
    plugins = {entry.value for entry in importlib.metadata.entry_points(group="pytest11")}
    assert "listjobs_core.pytest_plugin" in plugins


def test_serving_stops_and_closes_every_connection() -> None:
    """When the block ends the port no longer accepts, and an open keep-alive connection is closed."""
    with serving() as url:
        sock = socket.create_connection(address(url), timeout=10)
        sock.sendall(LIST_REQUEST)
        assert read_response(sock)[0] == 200
    try:
        assert connection_closed(sock)
    finally:
        sock.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(address(url), timeout=10).close()


def test_the_fixtures_serve_the_test_s_own_stores(
    listjobs_store: ServiceJobStore, listjobs_batch_store: JobStore, listjobs_batch_client: Any
) -> None:
    """Jobs put in the fixtures' stores are listed through the fixture's client; submitted ones land in the
    store."""
    listjobs_store.put({"jobId": "a", "jobName": "train", "status": "RUNNING", "createdAt": 1})
    listjobs_batch_store.put(
        {"jobId": "b", "jobName": "etl", "status": "RUNNING", "createdAt": 2, "jobQueue": "q"}
    )
    assert [job["jobId"] for job in listjobs_batch_client.list_service_jobs()["jobSummaryList"]] == ["a"]
    assert [job["jobId"] for job in listjobs_batch_client.list_jobs(jobQueue="q")["jobSummaryList"]] == ["b"]
    submitted = listjobs_batch_client.submit_service_job(**SUBMIT)
    assert submitted["jobId"] in listjobs_store


def test_each_test_gets_a_fresh_store(listjobs_store: ServiceJobStore) -> None:
    """The store fixture starts empty in every test (the test above filled its own)."""
    assert len(listjobs_store) == 0


USER_SUITE = """
    import pytest

    @pytest.fixture
    def listjobs_region():
        return "ap-southeast-2"

    def test_listed(listjobs_store, listjobs_batch_client):
        listjobs_store.put({"jobId": "a", "jobName": "train", "status": "RUNNING", "createdAt": 1})
        page = listjobs_batch_client.list_service_jobs()
        assert [job["jobId"] for job in page["jobSummaryList"]] == ["a"]

    def test_submitted_in_the_region(listjobs_batch_client):
        arn = listjobs_batch_client.submit_service_job(
            jobName="t", jobQueue="q", serviceJobType="SAGEMAKER_TRAINING", serviceRequestPayload="{}"
        )["jobArn"]
        assert arn.startswith("arn:aws:batch:ap-southeast-2:123456789012:service-job/")

    def test_endpoint_url(listjobs_endpoint):
        assert listjobs_endpoint.startswith("http://127.0.0.1:")
"""


def test_a_user_suite_gets_the_fixtures_without_importing_anything(tmp_path: Path) -> None:
    """A test file that only names the fixtures passes in a pytest run of its own, with a region override."""
    pytest.importorskip("boto3")
    (tmp_path / "test_user.py").write_text(textwrap.dedent(USER_SUITE))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout
    assert str(REPOSITORY)  # the run used the installed package, as a user's would


# --- the session's endpoint --------------------------------------------------------------------------------


@pytest.mark.parametrize("round_", [1, 2])
def test_the_session_endpoint_is_empty_in_every_test(
    listjobs_endpoint_session: SharedEndpoint, listjobs_batch_client_session: Any, round_: int
) -> None:
    """Each test finds the shared endpoint's stores empty and its client tokens unused, whatever the test
    before it left (both rounds submit with the same token and leave a job behind)."""
    endpoint = listjobs_endpoint_session
    assert (len(endpoint.store), len(endpoint.batch_store)) == (0, 0)
    endpoint.batch_store.put({"jobId": "b", "jobName": "etl", "status": "RUNNING", "createdAt": 2})
    submitted = listjobs_batch_client_session.submit_service_job(**SUBMIT, clientToken="the-same-token")
    assert submitted["jobId"] in endpoint.store
    assert submitted["jobArn"].startswith(f"arn:aws:batch:{endpoint.region}:{endpoint.account}:")


def test_reset_empties_the_stores_and_forgets_client_tokens() -> None:
    """``SharedEndpoint.reset()``: the same URL and stores, empty, and a service that has seen no token."""
    boto3 = pytest.importorskip("boto3")
    with serving_shared(region="eu-west-1") as endpoint:
        batch = boto3.client("batch", region_name="eu-west-1", endpoint_url=endpoint.url, **CREDENTIALS)
        batch.submit_service_job(**SUBMIT, clientToken="once")
        with pytest.raises(batch.exceptions.ClientException, match="clientToken"):
            batch.submit_service_job(**SUBMIT, clientToken="once")
        store = endpoint.store
        endpoint.reset()
        assert endpoint.store is store and len(store) == 0
        job = batch.submit_service_job(**SUBMIT, clientToken="once")
        assert list(store.get(job["jobId"]) or {}) and endpoint.region == "eu-west-1"
        assert endpoint.service.move_service_job(job["jobId"], "RUNNING")["status"] == "RUNNING"


def test_reset_clears_sql_stores_too(tmp_path: Path) -> None:
    """A shared endpoint over SQL stores is emptied the same way (``SqlJobStore.clear``)."""
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    with (
        SqlJobStore(url) as store,
        SqlJobStore(url, operation=LIST_JOBS) as batch_store,
        serving_shared(store=store, batch_store=batch_store) as endpoint,
    ):
        store.put({"jobId": "a", "jobName": "train", "status": "RUNNING", "createdAt": 1})
        batch_store.put({"jobId": "b", "jobName": "etl", "status": "RUNNING", "createdAt": 2})
        endpoint.reset()
        assert (len(store), len(batch_store)) == (0, 0)
        assert store.list_service_jobs({}) == {"jobSummaryList": []}


SESSION_SUITE = """
    from hypothesis import given, settings, strategies as st

    from listjobs_core.service import move_job

    @settings(max_examples=20, deadline=None, database=None)
    @given(names=st.lists(st.sampled_from(["a", "b", "c"]), max_size=4))
    def test_under_given(listjobs_endpoint_session, listjobs_batch_client_session, names):
        listjobs_endpoint_session.reset()
        for number, name in enumerate(names):
            listjobs_endpoint_session.store.put(
                {"jobId": str(number), "jobName": name, "status": "RUNNING", "createdAt": number})
        listed = listjobs_batch_client_session.list_service_jobs()["jobSummaryList"]
        assert sorted(job["jobName"] for job in listed) == sorted(names)

    def test_moves_through_the_shared_endpoint(listjobs_endpoint_session, listjobs_batch_client_session):
        job = listjobs_batch_client_session.submit_service_job(
            jobName="t", jobQueue="q", serviceJobType="SAGEMAKER_TRAINING", serviceRequestPayload="{}")
        created = listjobs_endpoint_session.store.get(job["jobId"])["createdAt"]
        move_job(listjobs_endpoint_session.store, job["jobId"], "SUCCEEDED", now_ms=created + 5)
        described = listjobs_batch_client_session.describe_service_job(jobId=job["jobId"])
        assert described["stoppedAt"] == described["startedAt"] == created + 5

    def test_moto(listjobs_moto):
        import boto3
        batch = boto3.client("batch", region_name="us-east-1")
        assert batch.list_service_jobs()["jobSummaryList"] == []
        assert listjobs_moto.is_installed()

    def test_moto_is_uninstalled_after(listjobs_endpoint_session):
        from listjobs_core.contrib import moto
        assert not moto.is_installed()
"""


def run_user_suite(tmp_path: Path, suite: str, conftest: str = "") -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_user.py").write_text(textwrap.dedent(suite))
    if conftest:
        (tmp_path / "conftest.py").write_text(textwrap.dedent(conftest))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_session_fixtures_work_under_given_without_suppressing_health_checks(tmp_path: Path) -> None:
    """A user's suite with Hypothesis' default health checks: the session endpoint and client under
    ``@given``, status moves through it, and the moto fixture installing the plug-in for one test only."""
    pytest.importorskip("boto3")
    pytest.importorskip("hypothesis")
    pytest.importorskip("moto")
    result = run_user_suite(tmp_path, SESSION_SUITE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout
    assert "HealthCheck" not in result.stdout


MISSING_BOTO3 = """
    import sys

    for module in ("boto3", "botocore", "botocore.session", "botocore.config", "moto"):
        sys.modules[module] = None  # as if the extras were not installed
"""

NEEDS_BOTO3 = """
    def test_client(listjobs_batch_client):
        pass

    def test_session_client(listjobs_batch_client_session):
        pass

    def test_moto(listjobs_moto):
        pass

    def test_endpoint_alone(listjobs_endpoint):
        assert listjobs_endpoint.startswith("http://")
"""


def test_a_fixture_whose_extra_is_missing_errors_with_the_command_to_install_it(tmp_path: Path) -> None:
    """Without boto3 (or moto), a test asking for a client (or ``listjobs_moto``) is an error that names
    the extra to install, never a skip; fixtures that need nothing still work."""
    result = run_user_suite(tmp_path, NEEDS_BOTO3, MISSING_BOTO3)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 passed, 3 errors" in result.stdout, result.stdout
    assert "skipped" not in result.stdout
    assert 'pip install ".[pytest]"' in result.stdout and 'pip install ".[moto]"' in result.stdout
