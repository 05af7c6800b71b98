"""Traversals while jobs come, go and change status between page requests (P-4)."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from oracle import matches, sort_key, summary
from strategies import JOB_ID_ALPHABET, job_bodies, jobs_and_queries, page_sizes, statuses

from listjobs_core import list_service_jobs

MAX_PAGES = 1000


def mutate(data: st.DataObject, jobs: list[dict[str, Any]], used_ids: set[str]) -> list[dict[str, Any]]:
    """A new snapshot: ``jobs`` after a few random inserts, deletes and status changes.

    Inserted jobs get ids never used before; no job's sort key (createdAt, jobName, version, jobId)
    ever changes, so P-4 promises every job that keeps matching is listed exactly once.
    """
    jobs = list(jobs)
    for _ in range(data.draw(st.integers(0, 3), label="changes")):
        action = data.draw(st.sampled_from(("insert", "delete", "status")), label="action")
        if action == "insert":
            job_id = data.draw(st.text(JOB_ID_ALPHABET, min_size=1, max_size=4), label="new id")
            while job_id in used_ids:
                job_id += "+"
            used_ids.add(job_id)
            jobs.insert(data.draw(st.integers(0, len(jobs))), {"jobId": job_id, **data.draw(job_bodies())})
        elif jobs:
            where = data.draw(st.integers(0, len(jobs) - 1), label="which job")
            if action == "delete":
                del jobs[where]
            else:
                jobs[where] = {**jobs[where], "status": data.draw(statuses, label="new status")}
    return jobs


@given(jobs_and_queries(), page_sizes, st.data())
def test_no_job_is_listed_twice_or_skipped(jobs_query: Any, sizes: list[int], data: st.DataObject) -> None:
    """P-4: no job is listed twice, and every job that matched throughout (sort key unchanged) is listed."""
    jobs, query = jobs_query
    used_ids = {job["jobId"] for job in jobs}
    snapshots: list[list[dict[str, Any]]] = []
    listed: list[dict[str, Any]] = []
    keys: list[tuple[Any, ...]] = []
    token = None
    for number in range(MAX_PAGES):
        request = {**query, "maxResults": sizes[min(number, len(sizes) - 1)]}
        if token is not None:
            request["nextToken"] = token
        response = list_service_jobs(jobs, request)
        snapshots.append(jobs)
        by_id = {job["jobId"]: job for job in jobs}
        for item in response["jobSummaryList"]:
            # Each summary is of a job that is there and matches the query at the time of its page.
            job = by_id[item["jobId"]]
            assert matches(job, query)
            assert item == summary(job)
            keys.append(sort_key(job, query))
        listed.extend(response["jobSummaryList"])
        token = response.get("nextToken")
        if token is None:
            break
        jobs = mutate(data, jobs, used_ids)
    else:
        raise AssertionError(f"no last page after {MAX_PAGES} pages")

    listed_ids = [item["jobId"] for item in listed]
    assert len(listed_ids) == len(set(listed_ids)), "a job was listed twice"
    # Sort keys never change here, so the keyset cursor walks strictly forward.
    assert keys == sorted(keys)
    everywhere = set.intersection(*({job["jobId"] for job in snapshot if matches(job, query)}
                                    for snapshot in snapshots))
    assert everywhere <= set(listed_ids), f"skipped {sorted(everywhere - set(listed_ids))}"
