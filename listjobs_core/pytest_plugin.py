"""pytest fixtures for the reference endpoint: a store, the endpoint serving it, and its boto3 client.

Theory of operation: installed with the package, this module is a pytest plugin (entry point
``pytest11``), so every test session sees these fixtures without importing anything:

- ``listjobs_store``: a fresh ``ServiceJobStore``; put jobs in it, and the endpoint lists them at once;
- ``listjobs_batch_store``: a fresh ``JobStore(LIST_JOBS)``, the jobs ``ListJobs`` lists;
- ``listjobs_endpoint``: the URL of the reference endpoint (``listjobs_core.testing.serving``) serving the
  two stores for one test;
- ``listjobs_batch_client``: a boto3 Batch client for that endpoint, with dummy credentials and no retries;
- ``listjobs_region`` and ``listjobs_account``: the region and account of the endpoint's ARNs and of the
  client (``us-east-1`` and ``123456789012``); override either fixture to run a test elsewhere.

boto3 is needed only for ``listjobs_batch_client`` (``pip install ".[pytest]"`` from a clone); without it,
a test asking for that fixture is skipped. Clients share one botocore session, which loads the service
model once per test session instead of once per test.

Example, in a test module::

    def test_my_emulator_lists_running_jobs(listjobs_store, listjobs_batch_client):
        listjobs_store.put({"jobId": "a", "jobName": "train", "status": "RUNNING", "createdAt": 1})
        page = listjobs_batch_client.list_service_jobs()
        assert [job["jobId"] for job in page["jobSummaryList"]] == ["a"]
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from . import LIST_JOBS, JobStore, ServiceJobStore
from .service import DEFAULT_ACCOUNT, DEFAULT_REGION
from .testing import serving

__all__ = [
    "listjobs_account",
    "listjobs_batch_client",
    "listjobs_batch_store",
    "listjobs_endpoint",
    "listjobs_region",
    "listjobs_store",
]

# boto3 refuses to make a client without credentials; the endpoint never checks them.
DUMMY_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@pytest.fixture
def listjobs_region() -> str:
    """The region of the endpoint's ARNs and of its client; override to test another region."""
    return DEFAULT_REGION


@pytest.fixture
def listjobs_account() -> str:
    """The account of the endpoint's ARNs; override to test another account."""
    return DEFAULT_ACCOUNT


@pytest.fixture
def listjobs_store() -> ServiceJobStore:
    """A fresh, empty ``ServiceJobStore``: the service jobs of ``listjobs_endpoint``."""
    return ServiceJobStore()


@pytest.fixture
def listjobs_batch_store() -> JobStore:
    """A fresh, empty ``JobStore(LIST_JOBS)``: the jobs ``listjobs_endpoint`` lists for ListJobs."""
    return JobStore(LIST_JOBS)


@pytest.fixture
def listjobs_endpoint(
    listjobs_store: ServiceJobStore,
    listjobs_batch_store: JobStore,
    listjobs_region: str,
    listjobs_account: str,
) -> Iterator[str]:
    """The URL of a reference endpoint serving ``listjobs_store`` and ``listjobs_batch_store``."""
    with serving(
        store=listjobs_store,
        batch_store=listjobs_batch_store,
        region=listjobs_region,
        account=listjobs_account,
    ) as url:
        yield url


@pytest.fixture(scope="session")
def _listjobs_botocore_session() -> Any:
    botocore_session = pytest.importorskip("botocore.session")
    return botocore_session.get_session()


@pytest.fixture
def listjobs_batch_client(
    listjobs_endpoint: str, listjobs_region: str, _listjobs_botocore_session: Any
) -> Any:
    """A boto3 Batch client for ``listjobs_endpoint`` (dummy credentials, one attempt per call)."""
    boto3 = pytest.importorskip("boto3")
    config = pytest.importorskip("botocore.config")
    session = boto3.session.Session(botocore_session=_listjobs_botocore_session)
    return session.client(
        "batch",
        region_name=listjobs_region,
        endpoint_url=listjobs_endpoint,
        config=config.Config(retries={"total_max_attempts": 1}),
        **DUMMY_CREDENTIALS,
    )
