"""Each yes/no decision of ``listjobs_core/_decisions.py``, taken both ways.

A decision is one constant so that changing it is a one-line change; these tests make that true, by
turning each one around and checking that the pure functions and the stores follow it together. The
stores read decisions when a job is put, so each store here is made after the decision is set.
``LIST_JOBS_CLAMPS_MAX_RESULTS`` sits in an operation table, and the two tables already take both values
(ListServiceJobs refuses a maxResults above its limit, ListJobs cuts it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from listjobs_core import LIST_JOBS, ClientException, JobStore, ServiceJobStore, list_jobs, list_service_jobs
from listjobs_core import _decisions as decisions

JOBS: list[dict[str, Any]] = [
    {"jobId": "a", "jobName": "train", "status": "RUNNING", "createdAt": 5, "jobQueue": "q"},
    {"jobId": "b", "jobName": "train", "status": "RUNNING", "createdAt": 4},
    {"jobId": "c", "jobName": "train", "status": "RUNNING"},
    {"jobId": "d", "jobName": "eval", "status": "RUNNING", "createdAt": 6, "jobQueue": ""},
]
DEFINITION = "arn:aws:batch:us-east-1:123456789012:job-definition/"
BATCH_JOBS: list[dict[str, Any]] = [
    {"jobId": "p", "jobName": "sweep", "status": "RUNNING", "createdAt": 1, "jobQueue": "q",
     "jobDefinition": DEFINITION + "trainer:1"},
    {"jobId": "p:0", "jobName": "sweep", "status": "RUNNING", "createdAt": 2, "jobQueue": "q"},
    {"jobId": "p:1", "jobName": "other", "status": "RUNNING", "createdAt": 3, "jobQueue": "q"},
]


def listed(request: dict[str, Any]) -> list[str]:
    """The jobIds ListServiceJobs lists over ``JOBS``, the same from the pure function and a new store."""
    store = ServiceJobStore()
    for job in JOBS:
        store.put(job)
    pages = list(store.paginate({**request, "maxResults": 1}))
    from_store = [summary["jobId"] for page in pages for summary in page["jobSummaryList"]]
    from_function = [summary["jobId"] for summary in list_service_jobs(JOBS, request)["jobSummaryList"]]
    assert from_store == from_function
    return from_function


def listed_batch_jobs(request: dict[str, Any]) -> list[str]:
    """The jobIds ListJobs lists over ``BATCH_JOBS``, the same from the pure function and a new store."""
    store = JobStore(LIST_JOBS)
    for job in BATCH_JOBS:
        store.put(job)
    from_store = [summary["jobId"] for summary in store.answer(request)["jobSummaryList"]]
    from_function = [summary["jobId"] for summary in list_jobs(BATCH_JOBS, request)["jobSummaryList"]]
    assert from_store == from_function
    return from_function


def refusal(request: dict[str, Any]) -> str:
    with pytest.raises(ClientException) as refused:
        list_service_jobs(JOBS, request)
    with pytest.raises(ClientException) as refused_by_store:
        ServiceJobStore().list_service_jobs(request)
    assert refused.value.message == refused_by_store.value.message
    return refused.value.message


@pytest.fixture
def turned(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Set a decision for one test: ``turned("NAME", value)``."""

    def turn(name: str, value: object) -> None:
        assert hasattr(decisions, name), name
        monkeypatch.setattr(decisions, name, value)

    yield turn


def test_null_member_is_absent_both_ways(turned: Any) -> None:
    """IN-4: a null member is absent; turned around, it is refused, naming the member."""
    assert listed({"jobQueue": None}) == ["d", "a", "b", "c"]
    turned("NULL_MEMBER_IS_ABSENT", False)
    assert refusal({"jobQueue": None}) == "jobQueue must not be null"
    one_filter = [{"name": "JOB_NAME", "values": ["train"], "unused": None}]
    assert listed({"filters": one_filter}) == ["a", "b", "c"]
    assert refusal({"filters": [{"name": None, "values": ["x"]}]}) == "filters[0].name must not be null"


def test_empty_job_queue_both_ways(turned: Any) -> None:
    """V-2: an empty jobQueue is refused; turned around, it is a queue name like any other."""
    assert refusal({"jobQueue": ""}) == "jobQueue must not be empty"
    turned("REJECT_EMPTY_JOB_QUEUE", False)
    assert listed({"jobQueue": ""}) == ["d", "b", "c"]


def test_empty_job_name_filter_both_ways(turned: Any) -> None:
    """V-9: an empty JOB_NAME value is refused; turned around, it names no job."""
    empty = {"filters": [{"name": "JOB_NAME", "values": [""]}]}
    assert refusal(empty) == "filters[0].values[0] must not be empty for JOB_NAME"
    turned("REJECT_EMPTY_JOB_NAME_FILTER", False)
    assert listed(empty) == []


def test_empty_job_definition_filter_both_ways(turned: Any) -> None:
    """LJ-10: an empty JOB_DEFINITION value is refused; turned around, it names no definition."""
    empty = {"jobQueue": "q", "filters": [{"name": "JOB_DEFINITION", "values": [""]}]}
    with pytest.raises(ClientException, match="must not be empty"):
        list_jobs(BATCH_JOBS, empty)
    turned("REJECT_EMPTY_JOB_DEFINITION_FILTER", False)
    assert listed_batch_jobs(empty) == []


def test_strict_created_at_bounds_both_ways(turned: Any) -> None:
    """S-7: created-at bounds are strict; turned around, a job created at the bound is kept."""
    before = {"filters": [{"name": "BEFORE_CREATED_AT", "values": ["5"]}]}
    after = {"filters": [{"name": "AFTER_CREATED_AT", "values": ["5"]}]}
    assert (listed(before), listed(after)) == (["b"], ["d"])
    turned("STRICT_CREATED_AT_BOUNDS", False)
    assert (listed(before), listed(after)) == (["a", "b"], ["d", "a"])


def test_missing_created_at_sorts_last_both_ways(turned: Any) -> None:
    """O-3: a job without createdAt sorts after the others; turned around, before them, in every order."""
    by_name = {"filters": [{"name": "JOB_NAME", "values": ["train"]}]}
    assert (listed({}), listed(by_name)) == (["d", "a", "b", "c"], ["a", "b", "c"])
    turned("MISSING_CREATED_AT_SORTS_LAST", False)
    assert (listed({}), listed(by_name)) == (["c", "d", "a", "b"], ["c", "a", "b"])
    after = {"filters": [{"name": "AFTER_CREATED_AT", "values": ["4"]}]}
    assert listed(after) == ["d", "a"]  # S-8 holds either way: no createdAt, no created-at match


def test_filters_apply_to_child_jobs_both_ways(turned: Any) -> None:
    """LJ-8: a filter is ignored when listing children; turned around, it selects among them."""
    request = {"arrayJobId": "p", "filters": [{"name": "JOB_NAME", "values": ["sweep"]}]}
    assert listed_batch_jobs(request) == ["p:1", "p:0"]
    turned("FILTERS_APPLY_TO_CHILD_JOBS", True)
    assert listed_batch_jobs(request) == ["p:0"]


def test_queue_listings_include_child_jobs_both_ways(turned: Any) -> None:
    """LJ-7: a queue listing lists no child; turned around, children are listed beside their parent."""
    assert listed_batch_jobs({"jobQueue": "q"}) == ["p"]
    turned("QUEUE_LISTINGS_INCLUDE_CHILD_JOBS", True)
    assert listed_batch_jobs({"jobQueue": "q"}) == ["p:1", "p:0", "p"]
    assert listed_batch_jobs({"arrayJobId": "p"}) == ["p:1", "p:0"]


def test_consumable_resource_table_decisions_taken_both_ways() -> None:
    """CR-6, CR-7: the ListJobsByConsumableResource table's decisions, read when the table is made, each
    turned around in a copy of the table: JOB_STATUS then gives way to JOB_NAME (S-3), and JOB_NAME groups
    by name (O-2)."""
    import dataclasses

    from listjobs_core import LIST_JOBS_BY_CONSUMABLE_RESOURCE as TABLE
    from listjobs_core._listing import run_listing

    def needs(job_id: str, name: str, status: str, created: int) -> dict[str, Any]:
        return {"jobId": job_id, "jobName": name, "status": status, "createdAt": created, "jobQueue": "q",
                "jobArn": f"arn:aws:batch:us-east-1:1:job/{job_id}", "consumableResourceProperties": {
                    "consumableResourceList": [{"consumableResource": "r", "quantity": 1}]}}

    jobs = [
        needs("a", "beta", "RUNNING", 1), needs("b", "alpha", "FAILED", 2), needs("c", "beta", "FAILED", 3)
    ]

    def ids(table: Any, *filters: tuple[str, str]) -> list[str]:
        request = {"consumableResource": "r", "filters": [{"name": n, "values": [v]} for n, v in filters]}
        return [summary["jobArn"][-1] for summary in run_listing(table, jobs, request)["jobs"]]

    both = (("JOB_NAME", "*"), ("JOB_STATUS", "FAILED"))
    assert decisions.CONSUMABLE_RESOURCE_FILTERS_NARROW_TOGETHER and ids(TABLE, *both) == ["c", "b"]
    assert ids(dataclasses.replace(TABLE, filters_narrow_together=False), *both) == ["c", "b", "a"]
    assert not decisions.CONSUMABLE_RESOURCE_JOB_NAME_GROUPS
    assert ids(TABLE, ("JOB_NAME", "*")) == ["c", "b", "a"]
    assert ids(dataclasses.replace(TABLE, name_filter_groups=True), ("JOB_NAME", "*")) == ["b", "c", "a"]


def test_every_yes_no_decision_is_taken_both_ways_here() -> None:
    """A new yes/no decision needs its test above: this lists the ones that have one."""
    tested = {
        "NULL_MEMBER_IS_ABSENT",
        "REJECT_EMPTY_JOB_QUEUE",
        "REJECT_EMPTY_JOB_NAME_FILTER",
        "REJECT_EMPTY_JOB_DEFINITION_FILTER",
        "STRICT_CREATED_AT_BOUNDS",
        "MISSING_CREATED_AT_SORTS_LAST",
        "FILTERS_APPLY_TO_CHILD_JOBS",
        "QUEUE_LISTINGS_INCLUDE_CHILD_JOBS",
        "LIST_JOBS_CLAMPS_MAX_RESULTS",  # see the module's notes
        "CONSUMABLE_RESOURCE_FILTERS_NARROW_TOGETHER",  # in a copy of its table
        "CONSUMABLE_RESOURCE_JOB_NAME_GROUPS",  # in a copy of its table
    }
    yes_no = {name for name in decisions.__all__ if isinstance(getattr(decisions, name), bool)}
    assert yes_no == tested
