"""Wall time of 200 tests served by one endpoint per test against one endpoint for the session.

Run from a clone: ``python benchmarks/fixture_scopes.py [TESTS]``. It writes two test files of TESTS tests
(200 by default) that do the same thing, put a job and list it through boto3, one with the function-scoped
fixtures (``listjobs_store``, ``listjobs_batch_client``: a server per test) and one with the session's
(``listjobs_endpoint_session``, ``listjobs_batch_client_session``), runs each in a pytest process of its
own three times, and prints the best wall time of each and their ratio.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

PER_TEST = '''
import pytest

@pytest.mark.parametrize("number", range({tests}))
def test_listed(listjobs_store, listjobs_batch_client, number):
    listjobs_store.put({{"jobId": str(number), "jobName": "train", "status": "RUNNING", "createdAt": 1}})
    listed = listjobs_batch_client.list_service_jobs()["jobSummaryList"]
    assert [job["jobId"] for job in listed] == [str(number)]
'''

PER_SESSION = '''
import pytest

@pytest.mark.parametrize("number", range({tests}))
def test_listed(listjobs_endpoint_session, listjobs_batch_client_session, number):
    listjobs_endpoint_session.store.put(
        {{"jobId": str(number), "jobName": "train", "status": "RUNNING", "createdAt": 1}})
    listed = listjobs_batch_client_session.list_service_jobs()["jobSummaryList"]
    assert [job["jobId"] for job in listed] == [str(number)]
'''


def wall_time(path: Path) -> float:
    """The best of three wall times of a pytest run of ``path``, in seconds."""
    times = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", str(path)],
            check=True,
            capture_output=True,
            cwd=path.parent,
        )
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    tests = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with tempfile.TemporaryDirectory() as directory:
        results = {}
        for name, template in (("function-scoped", PER_TEST), ("session-scoped", PER_SESSION)):
            path = Path(directory) / f"test_{name.replace('-', '_')}.py"
            path.write_text(template.format(tests=tests))
            results[name] = wall_time(path)
            print(f"{name:16} {tests} tests: {results[name]:.2f} s")
        ratio = results["function-scoped"] / results["session-scoped"]
        print(f"session-scoped is {ratio:.1f}x faster")


if __name__ == "__main__":
    main()
