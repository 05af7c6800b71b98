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
from wire import REPOSITORY, SUBMIT, address, connection_closed, read_response

from listjobs_core import JobStore, ServiceJobStore
from listjobs_core.testing import serving

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
