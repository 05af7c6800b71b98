"""The strategies the property tests draw from: ``listjobs_core.strategies``, under the names the tests use.

The library's public strategies are the project's own, so every run of the suite exercises them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

from listjobs_core.strategies import (
    ACCOUNT_ARN,
    DEFINITION_ARN,
    JOB_ID_ALPHABET,
    NASTY_STRINGS,
    OTHER_ARN,
    PARENTS,
    QUEUES,
    SOURCES,
    TOKEN_ALPHABET,
    definitions,
    filters,
    fuzz_filters,
    fuzz_requests,
    hostile_jobs,
    job_definition_values,
    json_like,
    list_jobs_page_sizes,
    page_sizes,
    statuses,
)
from listjobs_core.strategies import batch_jobs as list_jobs_jobs
from listjobs_core.strategies import batch_jobs_and_requests as jobs_and_list_jobs_queries
from listjobs_core.strategies import invalid_list_service_jobs_requests as near_valid_requests
from listjobs_core.strategies import list_jobs_requests as list_jobs_queries
from listjobs_core.strategies import list_service_jobs_requests as queries
from listjobs_core.strategies import service_job_bodies as job_bodies
from listjobs_core.strategies import service_jobs as jobs_lists
from listjobs_core.strategies import service_jobs_and_filtered_requests as jobs_and_filtered_queries
from listjobs_core.strategies import service_jobs_and_requests as jobs_and_queries

__all__ = [
    "ACCOUNT_ARN",
    "DEFINITION_ARN",
    "JOB_ID_ALPHABET",
    "NASTY_STRINGS",
    "OTHER_ARN",
    "PARENTS",
    "QUEUES",
    "SOURCES",
    "TOKEN_ALPHABET",
    "definitions",
    "filters",
    "fuzz_filters",
    "fuzz_requests",
    "hostile_jobs",
    "job_bodies",
    "job_definition_values",
    "jobs_and_filtered_queries",
    "jobs_and_list_jobs_queries",
    "jobs_and_queries",
    "jobs_lists",
    "json_like",
    "list_jobs_jobs",
    "list_jobs_page_sizes",
    "list_jobs_queries",
    "near_valid_requests",
    "page_sizes",
    "queries",
    "queue_job",
    "statuses",
]


@st.composite
def queue_job(
    draw: st.DrawFn, job_id: str, statuses: list[str], optional: Mapping[str, st.SearchStrategy[Any]]
) -> dict[str, Any]:
    """A job of a queue, for the snapshot tests: ``jobId`` ``job_id`` with a name and an ARN made from it,
    a status of ``statuses``, and each member of ``optional`` absent or drawn from its strategy."""
    job: dict[str, Any] = {
        "jobId": job_id,
        "jobName": f"n{job_id}",
        "jobArn": f"arn-{job_id}",
        "status": draw(st.sampled_from(statuses)),
    }
    for member, values in optional.items():
        if draw(st.booleans()):
            job[member] = draw(values)
    return job
