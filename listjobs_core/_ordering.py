"""The order of a listing, as sort keys (rules O-1, O-2, O-3).

Theory of operation: a listing is the selected jobs in ascending order of a sort key, and the key of the
last job of a page is the cursor the next page resumes after (rule P-4). Two orders exist:

- Every query but JOB_NAME, from the seed: "The results are sorted by the createdAt field, with the most
  recent jobs being first." Key: ``(no_created_at, -createdAt, jobId)``.
- JOB_NAME, from the seed: "When the JOB_NAME filter is used, the results are grouped by the job name and
  version." Key: ``(jobName, version, no_created_at, -createdAt, jobId)``.

``jobId`` breaks ties, so for distinct job ids the order is total and independent of the input order (rule
T-2). ``no_created_at`` is ``False`` for a job with ``createdAt``, so a job without one sorts after those
that have one, within its group (rule O-3, a decision).

Worked example, newest first: jobs created at 30, 20, 20 and never, with ids c, a, b, d, have the keys
``(False, -30, 'c') < (False, -20, 'a') < (False, -20, 'b') < (True, 0, 'd')``.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import repeat
from operator import neg
from typing import Any

from . import _decisions
from ._decisions import MISSING_VERSION
from ._model import JobLike, SortKey
from ._query import ListQuery

__all__ = [
    "groups_by_name",
    "name_and_version_key",
    "newest_first_key",
    "newest_first_keys",
    "sort_key_from_json",
    "sort_key_function",
]


def groups_by_name(query: ListQuery) -> bool:
    """Whether a query's results are grouped by name and version (rule O-2): its filter's spec says so
    (the JOB_NAME filter), in an operation whose name filter groups (CR-7: not
    ListJobsByConsumableResource)."""
    spec = query.filter_spec
    return spec is not None and spec.groups_by_name and query.operation.name_filter_groups


def newest_first_key(job: JobLike) -> SortKey:
    """The key of rule O-1: newest ``createdAt`` first, then ascending ``jobId``.

    >>> newest_first_key({"jobId": "a", "createdAt": 20}) < newest_first_key({"jobId": "b", "createdAt": 10})
    True
    """
    created_at = job.get("createdAt")
    sorts_last = _decisions.MISSING_CREATED_AT_SORTS_LAST
    if created_at is None:
        return (sorts_last, 0, job["jobId"])
    return (not sorts_last, -created_at, job["jobId"])


def newest_first_keys(job_ids: list[str], created_ats: list[int] | None) -> list[SortKey]:
    """``newest_first_key`` of many jobs at once, given their ``jobId`` and their integer ``createdAt``
    (``None``: no job has one), in C-level passes.

    >>> jobs = [{"jobId": "a", "createdAt": 20}, {"jobId": "b", "createdAt": 10}]
    >>> newest_first_keys(["a", "b"], [20, 10]) == [newest_first_key(job) for job in jobs]
    True
    >>> newest_first_keys(["a"], None) == [newest_first_key({"jobId": "a"})]
    True
    """
    sorts_last = _decisions.MISSING_CREATED_AT_SORTS_LAST
    count = len(job_ids)
    if created_ats is None:
        return list(zip(repeat(sorts_last, count), repeat(0, count), job_ids, strict=True))
    return list(zip(repeat(not sorts_last, count), map(neg, created_ats), job_ids, strict=True))


def name_and_version_key(job: JobLike) -> SortKey:
    """The key of rule O-2: ``jobName``, ``version``, then newest ``createdAt`` first, then ``jobId``.

    >>> upper_b, lower_a = {"jobId": "a", "jobName": "B"}, {"jobId": "b", "jobName": "a"}
    >>> name_and_version_key(upper_b) < name_and_version_key(lower_a)
    True
    """
    version = job.get("version")
    if version is None:  # IN-1: None counts as absent; IN-3: absent means 0
        version = MISSING_VERSION
    if type(version) is not int or version < 0:
        raise TypeError(f"job {job['jobId']!r} has a version that is not a non-negative integer")
    return (job["jobName"], version, *newest_first_key(job))


def sort_key_function(query: ListQuery) -> Callable[[JobLike], SortKey]:
    """The sort key of a query's order."""
    return name_and_version_key if groups_by_name(query) else newest_first_key


# The JSON types of each key's elements, for checking a key read back from a token.
_NEWEST_FIRST_TYPES: tuple[type, ...] = (bool, int, str)
_NAME_AND_VERSION_TYPES: tuple[type, ...] = (str, int, *_NEWEST_FIRST_TYPES)


def sort_key_from_json(query: ListQuery, data: Any) -> SortKey | None:
    """A sort key read back from its JSON form, or ``None`` when it is not a key of the query's order."""
    types = _NAME_AND_VERSION_TYPES if groups_by_name(query) else _NEWEST_FIRST_TYPES
    if not isinstance(data, list) or len(data) != len(types):
        return None
    if any(type(element) is not expected for element, expected in zip(data, types, strict=True)):
        return None
    return tuple(data)
