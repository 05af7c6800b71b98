"""pytest fixtures for the reference endpoint and the moto plug-in.

Theory of operation: installed with the package, this module is a pytest plugin (entry point
``pytest11``), so every test session sees these fixtures without importing anything.

One endpoint per test, for tests that override the region or account, or want a store of their own:

- ``listjobs_store``: a fresh ``ServiceJobStore``; put jobs in it, and the endpoint lists them at once;
- ``listjobs_batch_store``: a fresh ``JobStore(LIST_JOBS)``, the jobs ``ListJobs`` lists;
- ``listjobs_endpoint``: the URL of the reference endpoint (``listjobs_core.testing.serving``) serving the
  two stores for one test;
- ``listjobs_batch_client``: a boto3 Batch client for that endpoint, with dummy credentials and no retries;
- ``listjobs_region`` and ``listjobs_account``: the region and account of the endpoint's ARNs and of the
  client (``us-east-1`` and ``123456789012``); override either fixture to run a test elsewhere.

One endpoint for the whole session, which scales to thousands of tests and to Hypothesis:

- ``listjobs_endpoint_session``: a ``listjobs_core.testing.SharedEndpoint`` (``url``, ``store``,
  ``batch_store``, ``reset()``), started once; its stores are emptied before every test that uses it
  (by ``_listjobs_fresh_shared_endpoint``, an autouse fixture, which Hypothesis' health check does not
  count); a Hypothesis test calls ``reset()`` at the start of each example;
- ``listjobs_batch_client_session``: a boto3 Batch client for it.

And for moto: ``listjobs_moto``, moto's ``mock_aws`` with ``listjobs_core.contrib.moto`` installed for one
test; it yields the plug-in module (``listjobs_moto.set_service_job_status(...)``).

A fixture that needs an optional dependency (boto3 for the clients, moto for ``listjobs_moto``) fails the
test that asks for it with the command that installs it, rather than skipping it: a suite without the
extra must not pass by testing nothing. Clients share one botocore session, which loads the service model
once per test session instead of once per test.

Example, in a test module::

    def test_my_emulator_lists_running_jobs(listjobs_store, listjobs_batch_client):
        listjobs_store.put({"jobId": "a", "jobName": "train", "status": "RUNNING", "createdAt": 1})
        page = listjobs_batch_client.list_service_jobs()
        assert [job["jobId"] for job in page["jobSummaryList"]] == ["a"]
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from . import LIST_JOBS, JobStore, ServiceJobStore
from ._extras import install_hint
from .service import DEFAULT_ACCOUNT, DEFAULT_REGION
from .testing import SharedEndpoint, serving, serving_shared

__all__ = [
    "listjobs_account",
    "listjobs_batch_client",
    "listjobs_batch_client_session",
    "listjobs_batch_store",
    "listjobs_endpoint",
    "listjobs_endpoint_session",
    "listjobs_moto",
    "listjobs_region",
    "listjobs_store",
]

# boto3 refuses to make a client without credentials; the endpoint never checks them.
DUMMY_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
_SHARED_ENDPOINT = "listjobs_endpoint_session"


def required(module: str, fixture: str, extra: str) -> ModuleType:
    """Import ``module`` for ``fixture``, or fail the test with the command that installs ``extra``."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        pytest.fail(
            f"the fixture {fixture} needs {module.partition('.')[0]}, which cannot be imported ({error}); "
            f"install it with: {install_hint(extra)}",
            pytrace=False,
        )


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
    return required("botocore.session", "the boto3 client fixtures", "pytest").get_session()


def _client(botocore_session: Any, url: str, region: str, fixture: str) -> Any:
    boto3 = required("boto3", fixture, "pytest")
    config = required("botocore.config", fixture, "pytest")
    session = boto3.session.Session(botocore_session=botocore_session)
    return session.client(
        "batch",
        region_name=region,
        endpoint_url=url,
        config=config.Config(retries={"total_max_attempts": 1}),
        **DUMMY_CREDENTIALS,
    )


@pytest.fixture
def listjobs_batch_client(
    listjobs_endpoint: str, listjobs_region: str, _listjobs_botocore_session: Any
) -> Any:
    """A boto3 Batch client for ``listjobs_endpoint`` (dummy credentials, one attempt per call)."""
    return _client(_listjobs_botocore_session, listjobs_endpoint, listjobs_region, "listjobs_batch_client")


@pytest.fixture(scope="session")
def listjobs_endpoint_session() -> Iterator[SharedEndpoint]:
    """The reference endpoint for the whole session (``us-east-1``, ``123456789012``), emptied before each
    test that uses it; under Hypothesis, call its ``reset()`` at the start of each example."""
    with serving_shared() as endpoint:
        yield endpoint


@pytest.fixture(autouse=True)
def _listjobs_fresh_shared_endpoint(request: pytest.FixtureRequest) -> None:
    """Empty the session's endpoint before a test that uses it, before the test's own fixtures fill it."""
    if _SHARED_ENDPOINT in request.fixturenames:
        endpoint: SharedEndpoint = request.getfixturevalue(_SHARED_ENDPOINT)
        endpoint.reset()


@pytest.fixture(scope="session")
def listjobs_batch_client_session(
    listjobs_endpoint_session: SharedEndpoint, _listjobs_botocore_session: Any
) -> Any:
    """A boto3 Batch client for ``listjobs_endpoint_session`` (dummy credentials, one attempt per call)."""
    endpoint = listjobs_endpoint_session
    return _client(_listjobs_botocore_session, endpoint.url, endpoint.region, "listjobs_batch_client_session")


@pytest.fixture
def listjobs_moto() -> Iterator[ModuleType]:
    """moto's ``mock_aws`` with the plug-in installed, for one test; the plug-in module
    (``listjobs_core.contrib.moto``: ``set_service_job_status`` and the rest)."""
    moto = required("moto", "listjobs_moto", "moto")
    plugin = importlib.import_module("listjobs_core.contrib.moto")
    with moto.mock_aws(), plugin.installed():
        yield plugin
