"""The conformance kit over the wire against moto's server with the plug-in's service-job operations.

``listjobs_core.contrib.moto.install()`` gives moto the service-job operations it lacks (service
environments, SAGEMAKER_TRAINING job queues, SubmitServiceJob ... ListServiceJobs) when the plug-in has
them, which it announces with ``SERVICE_JOB_OPERATIONS``; until then this module is skipped. moto needs
the queue to exist, so the run creates a service environment, a fair-share scheduling policy and two job
queues through the API, as it would against AWS, and a queue with a quota-share policy and quota shares.
"""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator

import pytest

from listjobs_core.conformance import check_endpoint
from listjobs_core.contrib import moto as listjobs_moto

pytestmark = pytest.mark.skipif(
    not hasattr(listjobs_moto, "SERVICE_JOB_OPERATIONS"),
    reason="listjobs_core.contrib.moto does not add moto's service-job operations yet "
    "(no SERVICE_JOB_OPERATIONS)",
)


@pytest.fixture
def moto_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """moto's server in this process, with the plug-in installed and moto's Batch kept off Docker."""
    from moto.server import ThreadedMotoServer

    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    listjobs_moto.install()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        url = f"http://127.0.0.1:{server.get_host_and_port()[1]}"
        configuration = json.dumps({"batch": {"use_docker": False}}).encode()
        urllib.request.urlopen(
            urllib.request.Request(f"{url}/moto-api/config", data=configuration), timeout=10
        )
        yield url
    finally:
        server.stop()
        listjobs_moto.uninstall()


def test_moto_with_the_plugin_conforms(moto_url: str) -> None:
    """Every rule AWS states holds for moto with the plug-in, checked over the wire like any emulator."""
    report = check_endpoint(moto_url, examples=5)
    assert report.ok, str(report)
    assert not report.problems
    for rule in ("S-4", "S-5", "S-6", "O-1", "P-3", "E-1", "E-3"):
        assert report.row(rule).result == "ok", str(report)
    assert "created, with the service environment" in str(report)
    # The share filters are checked on queues with a fair-share policy, as AWS requires of shares.
    assert "fair-share scheduling policy" in str(report)
    # QUOTA_SHARE_NAME is checked on a queue with a quota-share policy and quota shares, the queue the
    # model lets take quotaShareName.
    assert "the QUOTA_SHARE_NAME filter (S-4) is checked there" in str(report), str(report)
    assert "what the run made (queues, environment, policy) was deleted" in str(report)


def test_moto_with_the_plugin_passes_the_snapshot_and_quota_share_rules(moto_url: str) -> None:
    """GetJobQueueSnapshot and the quota-share operations: the run moves its jobs to RUNNABLE through
    moto's /moto-api/config, so every SN and QS rule seen from outside is judged, and passes."""
    report = check_endpoint(moto_url, operation="GetJobQueueSnapshot", strict=True)
    assert report.ok, str(report)
    unmet = [row.id for row in report.rows if row.checkable and row.result != "ok"]
    assert unmet == [], str(report)
    assert "snapshot jobs moved to RUNNABLE and RUNNING through /moto-api/config" in report.notes
    assert "what the run made (queues, environment, policy) was deleted" in report.notes
