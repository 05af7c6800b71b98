"""The in-memory store's bulk load and its folded-name index against plain oracles.

A batch of plain jobs of one shape loads a member at a time (``store/_bulk.py``), every index built from
two grouping passes; the oracle is the same jobs put one by one, each index checked by ``_check`` against
the core's keys, and every page compared. ``FoldedKeys`` keeps grouped keys and answers as pairs
``(folded name, grouped key)``; its oracle is a sorted list of those pairs.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from listjobs_core import ServiceJobStore
from listjobs_core.store._bulk import columns_of
from listjobs_core.store._sorted_keys import FoldedKeys, Key, SortedKeys

STATUSES = ("SUBMITTED", "RUNNABLE", "RUNNING", "FAILED", "SUCCEEDED")
# ASCII names in case variants, so that several names fold to one and one folded name spans name runs.
names = st.text("aAbB-1", min_size=1, max_size=3)


@st.composite
def batches(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Plain jobs that all have the same members: some of queue, share, quota share and version, up to six
    queue values (two of them with one name), ties in createdAt."""
    optional = draw(st.sets(st.sampled_from(("jobQueue", "shareIdentifier", "quotaShareName", "version"))))
    values = ("q", "arn:aws:batch:us-east-1:1:job-queue/q", "r", "s", "t", "u")
    queues = draw(st.lists(st.sampled_from(values), min_size=1, max_size=6, unique=True))
    count = draw(st.integers(1, 40))
    jobs = []
    for number in range(count):
        job: dict[str, Any] = {
            "jobId": f"job-{number}",
            "jobName": draw(names),
            "status": draw(st.sampled_from(STATUSES)),
            "createdAt": draw(st.integers(1, 6)),
        }
        if "jobQueue" in optional:
            job["jobQueue"] = draw(st.sampled_from(queues))
        if "shareIdentifier" in optional:
            job["shareIdentifier"] = draw(st.sampled_from(("s1", "s2", "s3")))
        if "quotaShareName" in optional:
            job["quotaShareName"] = draw(st.sampled_from(("a", "b")))
        if "version" in optional:
            job["version"] = draw(st.integers(0, 2))
        jobs.append(job)
    return jobs


REQUESTS: list[dict[str, Any]] = [
    {},
    {"jobStatus": "FAILED"},
    {"jobQueue": "q"},
    {"jobQueue": "arn:aws:batch:us-east-1:1:job-queue/q", "jobStatus": "RUNNABLE"},
    {"jobQueue": "t"},
    {"filters": [{"name": "JOB_NAME", "values": ["a*"]}]},
    {"filters": [{"name": "JOB_NAME", "values": ["AB"]}], "jobQueue": "q"},
    {"filters": [{"name": "JOB_NAME", "values": ["*"]}], "jobQueue": "r"},
    {"filters": [{"name": "SHARE_IDENTIFIER", "values": ["s2"]}]},
    {"filters": [{"name": "SHARE_IDENTIFIER", "values": ["s1"]}], "jobStatus": "RUNNING", "jobQueue": "q"},
    {"filters": [{"name": "QUOTA_SHARE_NAME", "values": ["a"]}], "jobStatus": "SUCCEEDED"},
    {"filters": [{"name": "AFTER_CREATED_AT", "values": ["3"]}], "jobQueue": "s"},
]


@settings(max_examples=150, deadline=None)
@given(batches())
def test_a_bulk_load_indexes_every_scope_as_puts_one_by_one(jobs: list[dict[str, Any]]) -> None:
    """Every index of every scope of a batch loaded at once holds what puts one by one leave (``_check``
    compares each with the core's keys), and every page is the same."""
    at_once = ServiceJobStore()
    assert columns_of(jobs, at_once._members, at_once._layout) is not None  # the batch takes the bulk path
    at_once.put_many(jobs)
    one_by_one = ServiceJobStore()
    for job in jobs:
        one_by_one.put(job)
    at_once._check()
    assert at_once._jobs == one_by_one._jobs
    for request in REQUESTS:
        assert list(at_once.paginate({**request, "maxResults": 3})) == list(
            one_by_one.paginate({**request, "maxResults": 3})
        )
    changed = jobs[len(jobs) // 2]
    assert at_once.update(changed["jobId"], status="RUNNING") == one_by_one.update(
        changed["jobId"], status="RUNNING"
    )
    at_once._check()


def grouped_key(name: str, number: int) -> Key:
    return (name, number % 2, (True, -number, f"j{number}"))


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(st.booleans(), st.text("sSßkKK", min_size=1, max_size=3), st.integers(0, 30))),
    st.data(),
)
def test_folded_keys_agree_with_a_sorted_list_of_pairs(
    operations: list[tuple[bool, str, int]], data: st.DataObject
) -> None:
    """FoldedKeys, built at once and then changed key by key (chunks splitting and joining), answers as a
    sorted list of ``(name.casefold(), grouped key)`` pairs does."""
    saved, SortedKeys._LOAD = SortedKeys._LOAD, 2
    try:
        start = sorted({(name.casefold(), grouped_key(name, number)) for _, name, number in operations[:10]})
        index, plain = FoldedKeys.from_sorted([grouped for _, grouped in start]), set(start)
        for add, name, number in operations[10:]:
            pair = (name.casefold(), grouped_key(name, number))
            if add and pair not in plain:
                index.add(pair)
                plain.add(pair)
            elif not add and pair in plain:
                index.remove(pair)
                plain.discard(pair)
            index._check()
        expected = sorted(plain)
        assert list(index) == expected and len(index) == len(expected)
        probes = [(name.casefold(),) for _, name, _ in operations[:5]] + expected[:3] + [("s", ("S",))]
        for probe in probes:
            inclusive = data.draw(st.booleans())
            after = [pair for pair in expected if pair >= probe] if inclusive else [
                pair for pair in expected if pair > probe
            ]
            assert list(index.walk(probe, inclusive=inclusive)) == after
            assert index.first_from(probe) == min((pair for pair in expected if pair >= probe), default=None)
    finally:
        SortedKeys._LOAD = saved
