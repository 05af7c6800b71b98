"""The filter registry: one spec per filter name, holding everything a filter is (rules S-3 to S-8, LJ-9).

Theory of operation: a filter of ``KeyValuesPair`` is a name and one string value. Everything the library
knows of a filter name lives in its ``FilterSpec`` in ``FILTERS``, and nowhere else:

- ``parse``: the value as given becomes a typed value, once (a ``JobNamePattern``, a
  ``JobDefinitionPattern``, a ``CreatedAtBound``, a string), or a ``FilterValueError`` saying what is wrong
  with it, which request parsing turns into a ``ClientException`` naming the member;
- ``predicate``: which jobs the filter selects, as a test of one job, built from the typed value;
  ``selector`` turns it into a function from a list of jobs to the list of those it keeps, which is how
  the pure function runs it, one chunk of jobs at a time. A spec may carry ``fast_select``, a faster
  equivalent of that function (a comprehension with the test inlined, or a memo per distinct value of
  the member); the property tests check every one against the tests' oracle;
- ``combines_with_status``: whether ``jobStatus`` still applies beside the filter (rule S-4);
- ``groups_by_name``: whether results are grouped by name and version (rule O-2) instead of newest first;
- ``member``: the job member the filter reads;
- ``index_plan``: how an indexed store finds the selected jobs (see ``IndexPlan``). ``SCAN`` needs nothing
  of a store beyond its status indexes, so a new filter works everywhere as soon as its spec exists.

Which operation accepts which filter names is the operation tables' business (``_operations``). Adding a
filter name means adding a ``FilterName`` member and its spec here, and listing it in an operation table.
No store knows filters by name: the in-memory store follows each spec's ``index_plan`` (``store/_scope``),
and the SQL store derives its columns, indexes and ranges from the same plan (``sql/_schema.PLAN_SQL``;
``FILTER_SQL`` and ``LIST_JOBS_FILTER_SQL`` are derived from it), SQL staying out of the core.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from . import _decisions
from ._definitions import JobDefinitionPattern, job_definition_value_problem
from ._json import show
from ._model import JobLike, JobStatus
from ._names import JobNamePattern

__all__ = [
    "FILTERS",
    "ChunkSelect",
    "CreatedAtBound",
    "FilterName",
    "FilterSpec",
    "FilterValueError",
    "IndexPlan",
    "JobFilter",
    "is_created_at_millis",
]


class FilterName(str, enum.Enum):
    """Filter names of the model's ``KeyValuesPair`` ("Filter names are case sensitive")."""

    JOB_NAME = "JOB_NAME"
    JOB_DEFINITION = "JOB_DEFINITION"
    BEFORE_CREATED_AT = "BEFORE_CREATED_AT"
    AFTER_CREATED_AT = "AFTER_CREATED_AT"
    SHARE_IDENTIFIER = "SHARE_IDENTIFIER"
    QUOTA_SHARE_NAME = "QUOTA_SHARE_NAME"
    JOB_STATUS = "JOB_STATUS"


class IndexPlan(enum.Enum):
    """How an indexed store finds the jobs a filter selects, in the filter's order."""

    # A range of the newest-first status indexes, from the typed value's inclusive createdAt limits.
    CREATED_AT_RANGE = "CREATED_AT_RANGE"
    # An index by the value of ``FilterSpec.member``, then by status: exact equality.
    MEMBER_EQUALS = "MEMBER_EQUALS"
    # The index in grouped order (O-2), read in the ranges of the name's case variants.
    NAME_PATTERN = "NAME_PATTERN"
    # Indexes by job definition name and by revision ARN; a prefix reads every name it covers.
    DEFINITION_PATTERN = "DEFINITION_PATTERN"
    # The status indexes in the query's order, each job tested with the predicate.
    SCAN = "SCAN"


class FilterValueError(ValueError):
    """A filter value its spec cannot parse; the message completes ``filters[0].values[0] ...``."""


Predicate = Callable[[JobLike], bool]
# The jobs of a chunk that a condition keeps, as a list in the same order.
ChunkSelect = Callable[[Iterable[JobLike]], list[JobLike]]


@dataclass(frozen=True)
class FilterSpec:
    """Everything one filter name is; see the module's notes."""

    name: FilterName
    parse: Callable[[str], Any]
    predicate: Callable[[Any], Predicate]
    member: str
    index_plan: IndexPlan = IndexPlan.SCAN
    combines_with_status: bool = False
    groups_by_name: bool = False
    fast_select: Callable[[Any], ChunkSelect] | None = None

    def selector(self, parsed: Any) -> ChunkSelect:
        """For the typed value ``parsed``: the function from a list of jobs to those this filter selects,
        in order. Build it once per listing: a ``fast_select`` may remember what it learnt of the jobs.

        >>> keep = FILTERS[FilterName.SHARE_IDENTIFIER].selector("a")
        >>> keep([{"shareIdentifier": "a"}, {"shareIdentifier": "b"}, {}])
        [{'shareIdentifier': 'a'}]
        """
        if self.fast_select is not None:
            return self.fast_select(parsed)
        keep = self.predicate(parsed)
        return lambda jobs: list(filter(keep, jobs))


@dataclass(frozen=True, slots=True)
class JobFilter:
    """One filter: its name, its single value as given, and that value parsed by the name's spec.

    >>> JobFilter(FilterName.JOB_NAME, "Train*").parsed
    JobNamePattern(folded='train', is_prefix=True)
    >>> JobFilter(FilterName.BEFORE_CREATED_AT, "soon")
    Traceback (most recent call last):
    ...
    listjobs_core._filters.FilterValueError: must be milliseconds since the epoch, decimal digits from 0 \
to 9223372036854775807, for BEFORE_CREATED_AT; got 'soon'
    """

    name: FilterName
    value: str
    parsed: Any = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "parsed", FILTERS[self.name].parse(self.value))

    @property
    def spec(self) -> FilterSpec:
        """The spec of this filter's name."""
        return FILTERS[self.name]


# --- JOB_NAME (S-5, S-6, O-2) ----------------------------------------------------------------------------


def _parse_job_name(value: str) -> JobNamePattern:
    # V-9: "A JOB_NAME value is not empty."
    if _decisions.REJECT_EMPTY_JOB_NAME_FILTER and not value:
        raise FilterValueError("must not be empty for JOB_NAME")
    return JobNamePattern.parse(value)


def _job_name_predicate(pattern: JobNamePattern) -> Predicate:
    matches = pattern.matches
    return lambda job: matches(job["jobName"])


# --- JOB_DEFINITION (LJ-9 to LJ-11, ListJobs) --------------------------------------------------------------


def _parse_job_definition(value: str) -> JobDefinitionPattern:
    # LJ-10: the rule of valid values lives in ``_definitions``.
    problem = job_definition_value_problem(value)
    if problem is not None:
        raise FilterValueError(f"is not valid for JOB_DEFINITION: {problem}; got {show(value)}")
    return JobDefinitionPattern.parse(value)


def _job_definition_predicate(pattern: JobDefinitionPattern) -> Predicate:
    # LJ-11: a job without jobDefinition matches no JOB_DEFINITION filter.
    matches = pattern.matches
    return lambda job: (used := job.get("jobDefinition")) is not None and matches(used)


# --- BEFORE_CREATED_AT / AFTER_CREATED_AT (S-7, S-8, V-10) ----------------------------------------------

_CREATED_AT_MAX_DIGITS = len(str(_decisions.CREATED_AT_FILTER_MAX))


def is_created_at_millis(value: str) -> bool:
    """Whether a created-at filter value is ASCII digits denoting at most 2^63-1 (rule V-10).

    The length is checked before ``int`` runs, so a huge value costs nothing and cannot reach the
    interpreter's digit limit.

    >>> is_created_at_millis("1722507600000"), is_created_at_millis("+1"), is_created_at_millis("１")
    (True, False, False)
    >>> is_created_at_millis("9223372036854775808"), is_created_at_millis("0009223372036854775807")
    (False, True)
    """
    if not (value.isascii() and value.isdigit()):
        return False
    significant = value.lstrip("0")
    return (
        len(significant) <= _CREATED_AT_MAX_DIGITS
        and int(significant or "0") <= _decisions.CREATED_AT_FILTER_MAX
    )


@dataclass(frozen=True, slots=True)
class CreatedAtBound:
    """The createdAt values a created-at filter keeps, as inclusive limits (``None``: unbounded).

    S-7: "BEFORE_CREATED_AT v selects createdAt < v; AFTER_CREATED_AT v selects createdAt > v. Both
    strict." Milliseconds are integers, so a strict bound is the inclusive limit one millisecond in.

    >>> CreatedAtBound.before(100), CreatedAtBound.after(100)
    (CreatedAtBound(earliest=None, latest=99), CreatedAtBound(earliest=101, latest=None))
    """

    earliest: int | None
    latest: int | None

    @classmethod
    def before(cls, bound: int) -> CreatedAtBound:
        return cls(None, bound - _strict_bound_step())

    @classmethod
    def after(cls, bound: int) -> CreatedAtBound:
        return cls(bound + _strict_bound_step(), None)

    def admits(self, created_at: int) -> bool:
        """Whether a job created at ``created_at`` is kept."""
        return (self.earliest is None or created_at >= self.earliest) and (
            self.latest is None or created_at <= self.latest
        )


def _strict_bound_step() -> int:
    # S-7: the decision that the bounds are strict, read from its one home.
    return 1 if _decisions.STRICT_CREATED_AT_BOUNDS else 0


def _created_at_parser(name: FilterName, bound: Callable[[int], CreatedAtBound]) -> Callable[[str], Any]:
    def parse(value: str) -> CreatedAtBound:
        # V-10: "ASCII decimal digits only (no sign, space, fraction or exponent), at most 2^63-1."
        if not is_created_at_millis(value):
            raise FilterValueError(
                f"must be milliseconds since the epoch, decimal digits from 0 to "
                f"{_decisions.CREATED_AT_FILTER_MAX}, for {name.value}; got {show(value)}"
            )
        return bound(int(value.lstrip("0") or "0"))

    return parse


def _created_at_predicate(bound: CreatedAtBound) -> Predicate:
    # S-8: a job without createdAt matches neither created-at filter.
    admits = bound.admits
    return lambda job: (created_at := job.get("createdAt")) is not None and admits(created_at)


def _select_created_at(bound: CreatedAtBound) -> ChunkSelect:
    # ``_created_at_predicate`` with its one limit inlined in a comprehension: it runs once per job.
    earliest, latest = bound.earliest, bound.latest
    if earliest is None and latest is not None:
        return lambda jobs: [
            job for job in jobs if (created := job.get("createdAt")) is not None and created <= latest
        ]
    if latest is None and earliest is not None:
        return lambda jobs: [
            job for job in jobs if (created := job.get("createdAt")) is not None and created >= earliest
        ]
    keep = _created_at_predicate(bound)
    return lambda jobs: list(filter(keep, jobs))


# --- SHARE_IDENTIFIER / QUOTA_SHARE_NAME (S-4) -----------------------------------------------------------


def _as_given(value: str) -> str:
    return value


def _member_equals(member: str) -> Callable[[str], Predicate]:
    # S-4: "exact, case-sensitive equality with the job's shareIdentifier / quotaShareName".
    def predicate(value: str) -> Predicate:
        return lambda job: job.get(member) == value

    return predicate


def _select_member_equals(member: str) -> Callable[[str], ChunkSelect]:
    # ``_member_equals`` inlined in a comprehension: it runs once per job.
    def selector(value: str) -> ChunkSelect:
        return lambda jobs: [job for job in jobs if job.get(member) == value]

    return selector


def _select_job_name(pattern: JobNamePattern) -> ChunkSelect:
    # ``JobNamePattern.matches`` once per distinct name, not once per job.
    return pattern.selector()


def _select_job_definition(pattern: JobDefinitionPattern) -> ChunkSelect:
    # ``JobDefinitionPattern.matches`` once per distinct jobDefinition, not once per job.
    return pattern.selector()


# --- JOB_STATUS (CR-1, ListJobsByConsumableResource) ------------------------------------------------------

# Model, ListJobsByConsumableResourceRequest.filters, JOB_STATUS: "values: SUBMITTED | PENDING | RUNNABLE |
# STARTING | RUNNING | SUCCEEDED | FAILED" (case-sensitive, as jobStatus is; V-3).
_JOB_STATUS_VALUES = tuple(status for status in JobStatus if status is not JobStatus.SCHEDULED)


def _parse_job_status(value: str) -> JobStatus:
    for status in _JOB_STATUS_VALUES:
        if value == status.value:
            return status
    allowed = ", ".join(status.value for status in _JOB_STATUS_VALUES)
    raise FilterValueError(f"must be one of {allowed} for JOB_STATUS; got {show(value)}")


def _job_status_predicate(status: JobStatus) -> Predicate:
    wanted = status.value
    return lambda job: job.get("status") == wanted


def _select_job_status(status: JobStatus) -> ChunkSelect:
    wanted = status.value
    return lambda jobs: [job for job in jobs if job.get("status") == wanted]


# --- The registry ------------------------------------------------------------------------------------------

FILTERS: dict[FilterName, FilterSpec] = {
    spec.name: spec
    for spec in (
        FilterSpec(
            FilterName.JOB_NAME,
            parse=_parse_job_name,
            predicate=_job_name_predicate,
            member="jobName",
            index_plan=IndexPlan.NAME_PATTERN,
            # Seed: "When the JOB_NAME filter is used, the results are grouped by the job name and version."
            groups_by_name=True,
            fast_select=_select_job_name,
        ),
        FilterSpec(
            FilterName.JOB_DEFINITION,
            parse=_parse_job_definition,
            predicate=_job_definition_predicate,
            member="jobDefinition",
            index_plan=IndexPlan.DEFINITION_PATTERN,
            fast_select=_select_job_definition,
        ),
        FilterSpec(
            FilterName.BEFORE_CREATED_AT,
            parse=_created_at_parser(FilterName.BEFORE_CREATED_AT, CreatedAtBound.before),
            predicate=_created_at_predicate,
            member="createdAt",
            index_plan=IndexPlan.CREATED_AT_RANGE,
            fast_select=_select_created_at,
        ),
        FilterSpec(
            FilterName.AFTER_CREATED_AT,
            parse=_created_at_parser(FilterName.AFTER_CREATED_AT, CreatedAtBound.after),
            predicate=_created_at_predicate,
            member="createdAt",
            index_plan=IndexPlan.CREATED_AT_RANGE,
            fast_select=_select_created_at,
        ),
        FilterSpec(
            FilterName.SHARE_IDENTIFIER,
            parse=_as_given,
            predicate=_member_equals("shareIdentifier"),
            member="shareIdentifier",
            index_plan=IndexPlan.MEMBER_EQUALS,
            fast_select=_select_member_equals("shareIdentifier"),
            # Model: "The exceptions are the SHARE_IDENTIFIER filter and QUOTA_SHARE_NAME filter, which can
            # be used with jobStatus."
            combines_with_status=True,
        ),
        FilterSpec(
            FilterName.QUOTA_SHARE_NAME,
            parse=_as_given,
            predicate=_member_equals("quotaShareName"),
            member="quotaShareName",
            index_plan=IndexPlan.MEMBER_EQUALS,
            fast_select=_select_member_equals("quotaShareName"),
            combines_with_status=True,
        ),
        FilterSpec(
            FilterName.JOB_STATUS,
            parse=_parse_job_status,
            predicate=_job_status_predicate,
            member="status",
            # The stores read a status from their status buckets; a listing that holds this filter as its
            # only one is answered by testing each job.
            fast_select=_select_job_status,
        ),
    )
}
