"""install() and uninstall() while requests are in flight (MS-1): every request is answered wholly by moto
or wholly by the plug-in, as one of them alone answers it, never by half of each (a raw error from moto's
dispatcher meeting a plug-in half put in or half taken out).

A few threads flip the plug-in in and out while others call, for a few seconds, in decorator mode. moto's
dispatcher is slowed a little where it looks for the method of a request (after finding the route and the
method names, before taking the method), so that a change lands there often rather than once a minute.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

boto3 = pytest.importorskip("boto3")
moto = pytest.importorskip("moto")

from botocore.exceptions import ClientError  # noqa: E402

from listjobs_core.contrib import moto as plugin  # noqa: E402

CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}
SECONDS = 3.0
FLIPPERS = 3
CALLERS = 4

Outcome = tuple[str, ...]


def outcome_of(call: Callable[[Any], dict[str, Any]], batch: Any) -> Outcome:
    """What a call came to, without what differs from one call to the next (ids, times)."""
    try:
        answer = call(batch)
    except ClientError as error:
        return ("client error", str(error.response["Error"].get("Code")))
    except Exception as error:  # the failure this test is about: anything else escaping boto3
        return ("raw", type(error).__name__, str(error))
    return ("answer", *sorted(key for key in answer if key != "ResponseMetadata"))


CALLS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "ListServiceJobs": lambda batch: batch.list_service_jobs(jobQueue="training"),
    "ListJobs": lambda batch: batch.list_jobs(jobQueue="training", jobStatus="RUNNING"),
    "DescribeServiceJob": lambda batch: batch.describe_service_job(jobId="missing"),
    "DescribeJobQueues": lambda batch: batch.describe_job_queues(),
}


def test_a_request_meets_moto_or_the_plug_in_never_half_of_each(monkeypatch: pytest.MonkeyPatch) -> None:
    import moto.core.responses as moto_responses

    method_names = moto_responses.method_names_from_class

    def slowly(cls: Any) -> Any:
        names = method_names(cls)
        time.sleep(0.0005)
        return names

    monkeypatch.setattr(moto_responses, "method_names_from_class", slowly)
    was_installed = plugin.is_installed()
    plugin.uninstall()
    try:
        with moto.mock_aws():
            batch = boto3.client("batch", **CREDENTIALS)
            alone = {name: {outcome_of(call, batch)} for name, call in CALLS.items()}
            plugin.install()
            for name, call in CALLS.items():
                alone[name].add(outcome_of(call, batch))
            stop = threading.Event()
            odd: list[tuple[str, Outcome]] = []
            counts = {"calls": 0, "flips": 0}
            lock = threading.Lock()

            def flip() -> None:
                while not stop.is_set():
                    plugin.uninstall()
                    time.sleep(0.002)
                    plugin.install()
                    time.sleep(0.002)
                    with lock:
                        counts["flips"] += 1

            def call() -> None:
                client = boto3.client("batch", **CREDENTIALS)
                while not stop.is_set():
                    for name, operation in CALLS.items():
                        seen = outcome_of(operation, client)
                        with lock:
                            counts["calls"] += 1
                            if seen not in alone[name]:
                                odd.append((name, seen))

            threads = [threading.Thread(target=flip) for _ in range(FLIPPERS)]
            threads += [threading.Thread(target=call) for _ in range(CALLERS)]
            for thread in threads:
                thread.start()
            time.sleep(SECONDS)
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
            assert not any(thread.is_alive() for thread in threads)
    finally:
        plugin.uninstall()
        if was_installed:
            plugin.install()
    assert counts["flips"] > 20 and counts["calls"] > 10, counts
    assert odd == [], (len(odd), sorted(set(odd))[:5], counts)
