"""The job sets and page requests the project's benchmarks time, public, so an emulator's author can time
their own listing on the same jobs and compare.

Theory of operation: a ``Workload`` is one data set at one size and one ListServiceJobs request, plus how
deep into the traversal the timed page lies. Its jobs are deterministic (the same seed, the same jobs)
and built once per process, in creation order, as an emulator appends them. The data sets:

- **ordinary**: jobs with 1000 names in two cases, eight statuses, ten share identifiers, two queues whose
  ARNs the jobs carry, a few name versions; one request per query shape the service answers (by status,
  by name exactly and by prefix, by creation time either way, by share identifier with and without a
  status), each also for one queue named by its bare name;
- **deep pagination**: the ordinary jobs and shapes, the page after the first 1000 jobs of the selection;
- **case variants**: every job named with a random case variant of one name (as many distinct names as
  jobs, one folded name), and names that almost match it;
- **queue regions**: every job in queue ``q`` under an ARN of its own region, requested by the bare name.

``compare_to_reference`` times a listing against ``list_service_jobs`` on a workload and returns the
ratio; ``naive_page`` is the baseline a careful emulator writes without an index (filter, sort, slice,
project). The standard library is all this module needs.

>>> workload = next(w for w in workloads(sizes=(2_000,)) if w.name == "ordinary: status")
>>> workload.size, workload.request
(2000, {'jobStatus': 'RUNNING'})
>>> from listjobs_core import list_service_jobs
>>> page = list_service_jobs(workload.jobs(), {**workload.request, "maxResults": PAGE})["jobSummaryList"]
>>> page == naive_page(workload.jobs(), workload.request)
True
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ._listing import list_service_jobs
from ._operations import LIST_SERVICE_JOBS

__all__ = [
    "PAGE",
    "QUERY_SHAPES",
    "Comparison",
    "Workload",
    "case_variant_jobs",
    "compare_to_reference",
    "naive_page",
    "ordinary_jobs",
    "queue_region_jobs",
    "workloads",
]

# Every timed page holds this many summaries (the service's default page, P-1).
PAGE = 100
# The sizes the project's tables are made at.
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
START = 1_700_000_000_000
QUEUE_ARN = "arn:aws:batch:us-east-1:123456789012:job-queue/"
QUEUES = ("training", "evaluation")
_STATUSES = tuple(status.value for status in LIST_SERVICE_JOBS.statuses)
_VARIED_NAME = "training-job-name"

_SHAPES: dict[str, dict[str, Any]] = {
    "status": {"jobStatus": "RUNNING"},
    "JOB_NAME exact": {"filters": [{"name": "JOB_NAME", "values": ["Training-7"]}]},
    "JOB_NAME prefix": {"filters": [{"name": "JOB_NAME", "values": ["training-1*"]}]},
    "AFTER_CREATED_AT": {"filters": [{"name": "AFTER_CREATED_AT", "values": [str(START + 500_000_000)]}]},
    "BEFORE_CREATED_AT": {"filters": [{"name": "BEFORE_CREATED_AT", "values": [str(START + 500_000_000)]}]},
    "SHARE_IDENTIFIER + status": {
        "jobStatus": "RUNNING",
        "filters": [{"name": "SHARE_IDENTIFIER", "values": ["share-3"]}],
    },
    "SHARE_IDENTIFIER": {"filters": [{"name": "SHARE_IDENTIFIER", "values": ["share-3"]}]},
}
# One request per query shape of the ordinary jobs, each also for one queue (by name; the jobs carry ARNs).
QUERY_SHAPES: dict[str, dict[str, Any]] = {
    **_SHAPES,
    **{f"{name}, queue": {"jobQueue": QUEUES[0], **shape} for name, shape in _SHAPES.items()},
}
_CASE_VARIANT_REQUESTS: dict[str, dict[str, Any]] = {
    "exact name": {"filters": [{"name": "JOB_NAME", "values": [_VARIED_NAME]}]},
    "exact name in capitals": {"filters": [{"name": "JOB_NAME", "values": [_VARIED_NAME.upper()]}]},
    "prefix": {"filters": [{"name": "JOB_NAME", "values": ["TRAINING-JOB*"]}]},
    "name one short": {"filters": [{"name": "JOB_NAME", "values": [_VARIED_NAME[:-1]]}]},
    "prefix past every name": {"filters": [{"name": "JOB_NAME", "values": [_VARIED_NAME + "z*"]}]},
}
_QUEUE_REGION_REQUESTS: dict[str, dict[str, Any]] = {
    "bare queue name": {"jobQueue": "q"},
    "one queue ARN": {"jobQueue": "arn:aws:batch:region-7:123456789012:job-queue/q"},
}


@functools.cache
def ordinary_jobs(count: int) -> list[dict[str, Any]]:
    """``count`` service jobs in creation order: 1000 names in mixed case, eight statuses, ten share
    identifiers, two queues (by ARN), some name versions. Built once per count; do not change them."""
    rng = random.Random(count)
    jobs = []
    created_at = START
    for index in range(count):
        created_at += rng.randrange(0, 2_000_000_000 // count + 1)
        job_id = f"{rng.getrandbits(128):032x}"
        jobs.append(
            {
                "jobId": job_id,
                "jobArn": f"arn:aws:batch:us-east-1:123456789012:service-job/{job_id}",
                "jobName": f"{'Training' if index % 2 else 'training'}-{rng.randrange(1000)}",
                "serviceJobType": "SAGEMAKER_TRAINING",
                "status": rng.choice(_STATUSES),
                "createdAt": created_at,
                "shareIdentifier": f"share-{rng.randrange(10)}",
                "jobQueue": QUEUE_ARN + rng.choice(QUEUES),
                "version": rng.randrange(3),
            }
        )
    return jobs


@functools.cache
def case_variant_jobs(count: int) -> list[dict[str, Any]]:
    """``count`` running jobs, each named with a random case variant of ``training-job-name``."""
    rng = random.Random(1)
    return [
        {
            "jobId": f"job-{number:07d}",
            "jobName": "".join(char.upper() if rng.random() < 0.5 else char for char in _VARIED_NAME),
            "status": "RUNNING",
            "createdAt": START + number,
        }
        for number in range(count)
    ]


@functools.cache
def queue_region_jobs(count: int) -> list[dict[str, Any]]:
    """``count`` running jobs in queue ``q``, each under an ARN of a region of its own."""
    return [
        {
            "jobId": f"job-{number:07d}",
            "jobName": "train",
            "status": "RUNNING",
            "createdAt": START + number,
            "jobQueue": f"arn:aws:batch:region-{number}:123456789012:job-queue/q",
        }
        for number in range(count)
    ]


@dataclass(frozen=True)
class Workload:
    """One data set at one size, one request, and how many jobs of the selection precede the timed page."""

    data_set: str
    shape: str
    size: int
    request: Mapping[str, Any]
    make_jobs: Callable[[int], list[dict[str, Any]]] = field(repr=False)
    start_after: int = 0

    @property
    def name(self) -> str:
        """``data set: shape``, as the benchmark tables name a row."""
        return f"{self.data_set}: {self.shape}"

    def jobs(self) -> list[dict[str, Any]]:
        """The workload's jobs (the same list on every call; treat it as read-only)."""
        return self.make_jobs(self.size)

    def __str__(self) -> str:
        return f"{self.size} jobs, {self.name}"


def workloads(sizes: Iterable[int] = DEFAULT_SIZES) -> list[Workload]:
    """Every workload at every size: the ordinary shapes, their deep pages, and the adversarial sets."""
    chosen: list[Workload] = []
    for size in sizes:
        for shape, request in QUERY_SHAPES.items():
            chosen.append(Workload("ordinary", shape, size, request, ordinary_jobs))
        for shape, request in QUERY_SHAPES.items():
            chosen.append(Workload("deep pagination", shape, size, request, ordinary_jobs, start_after=1000))
        for shape, request in _CASE_VARIANT_REQUESTS.items():
            chosen.append(Workload("case variants", shape, size, request, case_variant_jobs))
        for shape, request in _QUEUE_REGION_REQUESTS.items():
            chosen.append(Workload("queue regions", shape, size, request, queue_region_jobs))
    return chosen


# --- The baseline -----------------------------------------------------------------------------------------

_SUMMARY_MEMBERS = LIST_SERVICE_JOBS.summary_members


def naive_page(
    jobs: list[dict[str, Any]], request: Mapping[str, Any], offset: int = 0
) -> list[dict[str, Any]]:
    """The page of ``request`` that starts ``offset`` jobs into its selection, as a careful emulator lists
    without an index: one predicate per job (built once from the request), a sort by the order key, a
    slice, and a summary of the page's jobs only. For the requests of ``workloads``."""
    keep = _predicate(request)
    selected = [job for job in jobs if keep(job)]
    filters = request.get("filters") or []
    by_name = bool(filters) and filters[0]["name"] == "JOB_NAME"
    selected.sort(key=_grouped_key if by_name else _newest_first_key)
    return [
        {member: job[member] for member in _SUMMARY_MEMBERS if member in job}
        for job in selected[offset : offset + PAGE]
    ]


def _predicate(request: Mapping[str, Any]) -> Callable[[dict[str, Any]], bool]:
    status = request.get("jobStatus")
    queue = request.get("jobQueue")
    # IN-2, resolved once: an ARN denotes that queue only; a bare name, every ARN of that name.
    wanted_arn = queue if queue is not None and queue.startswith("arn:") else None
    filters = request.get("filters") or []
    name, value = (filters[0]["name"], filters[0]["values"][0]) if filters else (None, "")
    folded = value.removesuffix("*").casefold()
    is_prefix = value.endswith("*")
    bound = int(value) if name in ("AFTER_CREATED_AT", "BEFORE_CREATED_AT") else 0

    def keep(job: dict[str, Any]) -> bool:
        job_queue = job.get("jobQueue")
        if queue is not None and job_queue is not None:
            if wanted_arn is not None:
                if job_queue != wanted_arn and job_queue != wanted_arn.rpartition("/")[2]:
                    return False
            elif job_queue != queue and job_queue.rpartition(":job-queue/")[2] != queue:
                return False
        if name is None:
            return bool(job.get("status") == (status or "RUNNING"))
        if name == "JOB_NAME":
            job_name: str = job["jobName"].casefold()
            return job_name.startswith(folded) if is_prefix else job_name == folded
        if name in ("AFTER_CREATED_AT", "BEFORE_CREATED_AT"):
            created = job.get("createdAt")
            return created is not None and (
                created > bound if name == "AFTER_CREATED_AT" else created < bound
            )
        member = "shareIdentifier" if name == "SHARE_IDENTIFIER" else "quotaShareName"
        return bool(job.get(member) == value and (status is None or job.get("status") == status))

    return keep


def _newest_first_key(job: dict[str, Any]) -> tuple[Any, ...]:
    created = job.get("createdAt")
    return (created is None, -(created or 0), job["jobId"])


def _grouped_key(job: dict[str, Any]) -> tuple[Any, ...]:
    created = job.get("createdAt")
    return (job["jobName"], job.get("version", 0), created is None, -(created or 0), job["jobId"])


# --- Timing a listing against the reference ---------------------------------------------------------------

# A listing under test: given the jobs once, a function that answers a ListServiceJobs request.
Prepare = Callable[[list[dict[str, Any]]], Callable[[dict[str, Any]], Mapping[str, Any]]]


@dataclass(frozen=True)
class Comparison:
    """A listing against the reference on one workload: the best time of each per page, their ratio, and
    whether both answered the same summaries."""

    workload: Workload
    seconds: float
    reference_seconds: float
    same_answer: bool

    @property
    def ratio(self) -> float:
        """The listing's time over the reference's (below 1: faster than the reference)."""
        return self.seconds / self.reference_seconds


def compare_to_reference(prepare: Prepare, workload: Workload, *, repeat: int = 5) -> Comparison:
    """Time the page of ``workload`` from a listing (``prepare(jobs)`` gives its request function) and from
    ``list_service_jobs``, the best of ``repeat`` runs each, both starting from the same ``nextToken``'s
    place; each listing reaches that place by paging itself. Quote the ratio, not the times: the machine
    decides those.

    >>> workload = workloads(sizes=(1_000,))[0]
    >>> import functools
    >>> comparison = compare_to_reference(lambda jobs: functools.partial(list_service_jobs, jobs), workload,
    ...                                   repeat=1)
    >>> comparison.same_answer, comparison.ratio > 0
    (True, True)
    """
    jobs = workload.jobs()
    mine = prepare(jobs)
    reference = functools.partial(list_service_jobs, jobs)
    my_request, my_page = _timed_request(mine, workload)
    reference_request, reference_page = _timed_request(reference, workload)
    seconds = _best_time(mine, my_request, repeat)
    reference_seconds = _best_time(reference, reference_request, repeat)
    same = list(my_page.get("jobSummaryList", ())) == list(reference_page["jobSummaryList"])
    return Comparison(workload, seconds, reference_seconds, same)


def _timed_request(
    answer: Callable[[dict[str, Any]], Mapping[str, Any]], workload: Workload
) -> tuple[dict[str, Any], Mapping[str, Any]]:
    """The request of the timed page (its ``nextToken`` found by paging ``start_after`` jobs deep), and
    that page."""
    request = {**workload.request, "maxResults": PAGE}
    passed = 0
    while True:
        page = answer(request)
        if passed >= workload.start_after or "nextToken" not in page:
            return request, page
        passed += len(page["jobSummaryList"])
        request = {**workload.request, "maxResults": PAGE, "nextToken": page["nextToken"]}


def _best_time(
    answer: Callable[[dict[str, Any]], Mapping[str, Any]], request: dict[str, Any], repeat: int
) -> float:
    best = float("inf")
    for _ in range(max(repeat, 1)):
        started = time.perf_counter()
        answer(request)
        best = min(best, time.perf_counter() - started)
    return best
