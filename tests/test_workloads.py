"""The public workloads (``listjobs_core.workloads``): every request of every data set answered by the
reference as the naive baseline answers it, and the comparison that tells a wrong listing from a right one."""

from __future__ import annotations

import functools
from typing import Any

import pytest

from listjobs_core import ServiceJobStore, list_service_jobs
from listjobs_core.workloads import PAGE, Workload, compare_to_reference, naive_page, workloads

SMALL = workloads(sizes=(3_000,))


@pytest.mark.parametrize("workload", SMALL, ids=str)
def test_the_reference_page_of_every_workload_is_the_naive_page(workload: Workload) -> None:
    """P-1, O-1, O-2: the timed page (deep ones after paging past start_after jobs) is the baseline's."""
    jobs = workload.jobs()
    request: dict[str, Any] = {**workload.request, "maxResults": PAGE}
    passed = 0
    page = list_service_jobs(jobs, request)
    while passed < workload.start_after and "nextToken" in page:
        passed += len(page["jobSummaryList"])
        page = list_service_jobs(jobs, {**request, "nextToken": page["nextToken"]})
    assert page["jobSummaryList"] == naive_page(jobs, workload.request, passed)


def test_workloads_cover_every_data_set_and_size() -> None:
    """Each size has the ordinary shapes, their deep pages and both adversarial sets."""
    chosen = workloads(sizes=(1_000, 2_000))
    assert {(w.size, w.data_set) for w in chosen} == {
        (size, data_set)
        for size in (1_000, 2_000)
        for data_set in ("ordinary", "deep pagination", "case variants", "queue regions")
    }
    assert all(w.start_after == (1000 if w.data_set == "deep pagination" else 0) for w in chosen)


def test_compare_to_reference_tells_a_wrong_listing_from_a_right_one() -> None:
    """A store answers as the reference does; a listing that reverses the page does not."""
    workload = next(w for w in SMALL if w.name == "deep pagination: status")

    def reversed_listing(jobs: list[dict[str, Any]]) -> Any:
        def answer(request: dict[str, Any]) -> dict[str, Any]:
            page = list_service_jobs(jobs, request)
            return {**page, "jobSummaryList": page["jobSummaryList"][::-1]}

        return answer

    right = compare_to_reference(lambda jobs: ServiceJobStore(jobs).list_service_jobs, workload, repeat=1)
    wrong = compare_to_reference(reversed_listing, workload, repeat=1)
    reference = compare_to_reference(
        lambda jobs: functools.partial(list_service_jobs, jobs), workload, repeat=1
    )
    assert (right.same_answer, wrong.same_answer, reference.same_answer) == (True, False, True)
    assert right.ratio > 0 and right.workload is workload
