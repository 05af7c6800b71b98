"""The page's search (``_first_keys``) against a full sort by the oracle's keys, over any chunking.

The searches keep a bound (a createdAt or a jobName) and prune their candidates to it; the newest-first one
also narrows a created-at window that the producer of the chunks applies before anything else. Few
distinct createdAt values, names and job ids make ties at the bound, repeated job ids and jobs without
createdAt common, so every pruning path runs.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import sort_key

from listjobs_core._first_keys import first_by_name, first_newest
from listjobs_core._selection import CreatedAtWindow, NameWindow, Window

GROUPED = {"filters": [{"name": "JOB_NAME", "values": ["*"]}]}

tiny_jobs = st.integers(0, 60).flatmap(
    lambda count: st.lists(
        st.tuples(st.one_of(st.none(), st.integers(0, 2)), st.sampled_from("abc"), st.sampled_from("xyz")),
        min_size=count,
        max_size=count,
    )
)


def make_jobs(drawn: list[tuple[int | None, str, str]]) -> list[dict[str, Any]]:
    jobs = []
    for position, (created_at, job_id, name) in enumerate(drawn):
        job: dict[str, Any] = {"jobId": job_id, "jobName": name, "position": position}
        if created_at is not None:
            job["createdAt"] = created_at
        jobs.append(job)
    return jobs


def chunked(jobs: list[dict[str, Any]], size: int, window: Window | None) -> Any:
    """Chunks of ``size`` jobs, each narrowed by the window as it stands when the chunk is produced."""
    for start in range(0, len(jobs), size):
        chunk = jobs[start : start + size]
        chunk = list(chunk if window is None else window.select(chunk))
        if chunk:
            yield chunk


@settings(max_examples=300)
@given(tiny_jobs, st.integers(1, 6), st.integers(1, 4), st.booleans(), st.booleans(), st.data())
def test_first_newest_is_the_start_of_the_sorted_jobs_past_the_cursor(
    drawn: list[Any], wanted: int, size: int, reverse: bool, use_window: bool, data: st.DataObject
) -> None:
    """O-1, O-3, P-4, IN-1: the first jobs past the cursor in newest-first order, equal keys (repeated job
    ids) in input order, whether the chunks come in input order or reversed, with the window or not."""
    jobs = make_jobs(drawn)
    after = data.draw(st.one_of(st.none(), st.sampled_from([sort_key(job, {}) for job in jobs] or [None])))
    ordered = sorted(jobs, key=lambda job: sort_key(job, {}))
    expected = [job for job in ordered if after is None or sort_key(job, {}) > after][:wanted]
    window = CreatedAtWindow() if use_window else None
    stream = jobs[::-1] if reverse else jobs
    found = first_newest(chunked(stream, size, window), wanted, after, chunks_reversed=reverse, window=window)
    assert [job["position"] for _, job in found] == [job["position"] for job in expected]
    assert [key for key, _ in found] == [sort_key(job, {}) for job in expected]


@settings(max_examples=300)
@given(tiny_jobs, st.integers(1, 6), st.integers(1, 4), st.booleans(), st.data())
def test_first_by_name_is_the_start_of_the_sorted_jobs_past_the_cursor(
    drawn: list[Any], wanted: int, size: int, use_window: bool, data: st.DataObject
) -> None:
    """O-2, P-4, IN-1: the first jobs past the cursor in grouped order, equal keys in input order."""
    jobs = make_jobs(drawn)
    keys = [sort_key(job, GROUPED) for job in jobs]
    after = data.draw(st.one_of(st.none(), st.sampled_from(keys or [None])))
    ordered = sorted(jobs, key=lambda job: sort_key(job, GROUPED))
    expected = [job for job in ordered if after is None or sort_key(job, GROUPED) > after][:wanted]
    window = NameWindow() if use_window else None
    found = first_by_name(chunked(jobs, size, window), wanted, after, window=window)
    assert [job["position"] for _, job in found] == [job["position"] for job in expected]


def test_jobs_without_created_at_that_repeat_an_id_keep_their_input_order_when_read_backwards() -> None:
    """IN-1, O-3: pruning the undated group while the jobs come last first keeps the first of the equal
    job ids in input order, not the first one read."""
    jobs = make_jobs([(None, "b", "x")] * 6)
    found = first_newest(chunked(jobs[::-1], 1, None), 2, None, chunks_reversed=True)
    assert [job["position"] for _, job in found] == [0, 1]
