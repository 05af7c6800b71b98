"""Which rule a difference breaks: the kit names the cause, not every rule whose cases it spoils.

Theory of operation: an implementation that orders jobs oldest first also gets every paginated case
wrong, and one that forgets the default RUNNING gets every unfiltered case wrong. So when a case fails,
the kit asks the adapter for the whole selection of the failing request on one page and compares it with
the reference's:

- other jobs: a selection rule. Some differences have a telling cause (``specific``): a job whose name
  matches the JOB_NAME value only without regard to case (S-5), or only when a ``*`` inside the value is
  taken as a wildcard (S-6), only jobs of the requested or default status although the filter ignores
  jobStatus (S-3), a job without createdAt (S-8), a job whose queue has the requested queue's name
  (IN-2). Otherwise the rule is the one the kind of query exercises. When the selection is just as wrong
  without the requested queue, the queue is not the cause, whatever rule the case was written for.
- the same jobs in another order: an order rule (O-1, O-2; O-3 when a job without createdAt is out of
  place; IN-3 when a version is). When the order still follows what AWS states (newest createdAt first;
  with JOB_NAME, each name's jobs together), the difference is in the reference's decision part of the
  rule: the tie-break by jobId, or the order of the name groups.
- the same list: the request's whole selection is right, so the fault is in pagination or tokens, and
  the case's own rule stands.

:func:`blame` then chooses between the case's rule and the diagnosis: a specific diagnosis wins; a
generic one wins only when the case's rule is of another family (a token case spoiled by an order bug is
an order failure; a selection case that selects wrongly keeps its own rule). The verdict that a case
failed never depends on the reference; only the rule it is reported under does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._calls import Answer, Implementation, json_copy
from ._report import CaseLog

__all__ = [
    "Blame",
    "Diagnosis",
    "Reference",
    "blame",
    "diagnose",
    "filter_name",
    "follows_aws_order",
    "selection_rule",
]

Reference = Callable[[list[dict[str, Any]], dict[str, Any]], Mapping[str, Any]]

_QUEUE_ARN = re.compile(r"arn:[^:]+:batch:[^:]*:[^:]*:job-queue/(?P<name>[^/]+)")
STATUS_IGNORING_FILTERS = ("JOB_NAME", "BEFORE_CREATED_AT", "AFTER_CREATED_AT")
_SELECTION_FAMILY = frozenset({"IN-2", "V-10", "S-1", "S-2", "S-3", "S-4", "S-5", "S-6", "S-7", "S-8", "S-9"})
_ORDER_FAMILY = frozenset({"IN-3", "O-1", "O-2", "O-3"})
# Rules whose cases say "this request means the same as that one" (null is absent, [] is no filter).
_SAME_AS_ABSENT = frozenset({"IN-4", "V-5"})
# The rules of a request's queue, cleared when the selection is as wrong without the queue.
_QUEUE_RULES = frozenset({"IN-2", "S-9"})
_WHOLE_PAGE = 100
_MAX_PAGES = 20


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """The rule a request's whole selection breaks, why, and whether the cause is telling.

    ``decision_part``: the difference is only in the part of the rule that is the reference's decision.
    ``cleared``: rules shown not to be the cause (the queue's, when the selection is as wrong without it).
    """

    rule: str
    reason: str
    specific: bool = False
    decision_part: bool = False
    cleared: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Blame:
    """The rule a failing case is reported under, a note on why (empty when it is the case's own rule),
    and whether the failure is in the rule's decision part."""

    rule: str
    note: str = ""
    decision_part: bool = False


def diagnose(
    implementation: Implementation,
    reference: Reference,
    jobs: Sequence[Mapping[str, Any]],
    request: Any,
    log: CaseLog,
) -> Diagnosis | None:
    """Compare the implementation's whole selection for ``request`` with the reference's; None when they
    agree or cannot be compared (an invalid request, a traversal the implementation cannot finish)."""
    whole_request = _whole(request)
    if whole_request is None:
        return None
    wanted = _reference_listing(reference, jobs, whole_request)
    listed = _listing(implementation, jobs, whole_request, log)
    if wanted is None or listed is None or listed == wanted:
        return None
    by_id = {job["jobId"]: job for job in jobs}
    if sorted(listed) == sorted(wanted):
        return _order_failure(by_id, whole_request, wanted, listed)
    queue = whole_request.get("jobQueue")
    cleared: frozenset[str] = frozenset()
    if queue is not None and not implementation.chooses_jobs:
        found_queue = _queue_form_failure(implementation, reference, jobs, whole_request, wanted, listed, log)
        if found_queue is not None:
            return found_queue
    # An endpoint holds other queues' jobs, which the kit does not know: it is asked with a queue only.
    if queue is not None and implementation.chooses_jobs:
        unqueued = {name: value for name, value in whole_request.items() if name != "jobQueue"}
        wanted_anywhere = _reference_listing(reference, jobs, unqueued)
        listed_anywhere = _listing(implementation, jobs, unqueued, log)
        if wanted_anywhere is not None and listed_anywhere is not None:
            if sorted(wanted_anywhere) == sorted(listed_anywhere):
                return _queue_failure(by_id, str(queue), wanted, listed)
            whole_request, wanted, listed = unqueued, wanted_anywhere, listed_anywhere
            cleared = _QUEUE_RULES

    def confirms_status(job: Mapping[str, Any]) -> bool:
        probe = {**whole_request, "jobStatus": job.get("status")}
        return job["jobId"] in (_listing(implementation, jobs, probe, log) or [])

    found = _selection_failure(by_id, whole_request, wanted, listed, confirms_status)
    return Diagnosis(found.rule, found.reason, found.specific, found.decision_part, cleared)


def blame(
    case_rule: str,
    implementation: Implementation,
    reference: Reference | None,
    jobs: Sequence[Mapping[str, Any]],
    request: Any,
    log: CaseLog,
) -> Blame:
    """The rule a failing case is reported under (see the module documentation)."""
    if reference is None:
        return Blame(case_rule)
    found = diagnose(implementation, reference, jobs, request, log)
    if found is None:
        return Blame(case_rule)
    if case_rule in _SAME_AS_ABSENT and _answers_differ(implementation, jobs, request, log):
        return Blame(case_rule)
    note = f" (the cause: its whole selection {found.reason})"
    if case_rule in found.cleared:
        return Blame(found.rule, note, found.decision_part)
    family = _SELECTION_FAMILY if found.rule in _SELECTION_FAMILY else _ORDER_FAMILY
    if not found.specific and case_rule in family:
        return Blame(case_rule)
    return Blame(found.rule, note, found.decision_part)


def _whole(request: Any) -> dict[str, Any] | None:
    """The request for the whole selection on one page, or None when the request is not an object."""
    if not isinstance(request, Mapping):
        return None
    whole = {name: value for name, value in request.items() if name not in ("nextToken", "maxResults")}
    whole["maxResults"] = _WHOLE_PAGE
    return whole


def _answers_differ(
    implementation: Implementation, jobs: Sequence[Mapping[str, Any]], request: Any, log: CaseLog
) -> bool:
    """Whether the implementation answers ``request`` otherwise than the same request with its null
    members, unknown members and empty filters left out: then the fault is in treating them as absent."""
    whole = _whole(request)
    if whole is None:
        return True
    known = ("jobQueue", "jobStatus", "maxResults", "filters")
    plain = {name: value for name, value in whole.items() if name in known and value not in (None, [])}
    first, second = implementation.call(jobs, whole, log), implementation.call(jobs, plain, log)
    if isinstance(first, Answer) and isinstance(second, Answer):
        return first.ids != second.ids
    return True


def filter_name(request: Mapping[str, Any]) -> str | None:
    """The name of a valid request's filter, or None."""
    filters = request.get("filters")
    return filters[0]["name"] if filters else None


def selection_rule(request: Mapping[str, Any]) -> str:
    """The selection rule the kind of a valid request exercises."""
    name = filter_name(request)
    if name is None:
        return "S-1" if request.get("jobStatus") is not None else "S-2"
    if name == "JOB_NAME":
        return "S-6" if request["filters"][0]["values"][0].endswith("*") else "S-5"
    if name in ("BEFORE_CREATED_AT", "AFTER_CREATED_AT"):
        return "S-7"
    return "S-4"


def _reference_listing(
    reference: Reference, jobs: Sequence[Mapping[str, Any]], request: dict[str, Any]
) -> list[str] | None:
    """The job ids of the reference's whole traversal of ``request``, or None for an invalid request."""
    listed: list[str] = []
    page_request = dict(request)
    for _ in range(_MAX_PAGES):
        try:
            response = reference(json_copy(list(jobs)), page_request)
        except Exception:  # an invalid request: nothing to compare
            return None
        listed.extend(summary["jobId"] for summary in response["jobSummaryList"])
        if "nextToken" not in response:
            return listed
        page_request = {**request, "nextToken": response["nextToken"]}
    return None


def _listing(
    implementation: Implementation, jobs: Sequence[Mapping[str, Any]], request: dict[str, Any], log: CaseLog
) -> list[str] | None:
    """The job ids of the implementation's whole traversal of ``request``, or None when it cannot finish
    one."""
    listed: list[str] = []
    page_request = dict(request)
    for _ in range(_MAX_PAGES):
        outcome = implementation.call(jobs, page_request, log)
        if not isinstance(outcome, Answer):
            return None
        listed.extend(outcome.ids)
        if not outcome.more:
            return listed
        page_request = {**request, "nextToken": outcome.token}
    return None


def _queue_form_failure(
    implementation: Implementation,
    reference: Reference,
    jobs: Sequence[Mapping[str, Any]],
    request: dict[str, Any],
    wanted: list[str],
    listed: list[str],
    log: CaseLog,
) -> Diagnosis | None:
    """For an implementation that holds its own jobs (which cannot be asked without a queue): S-9 when
    the only jobs it lists wrongly belong to another queue; IN-2 when the same request with the queue
    given another way (its bare name, or an ARN a job carries) lists right."""
    by_id = {job["jobId"]: job for job in jobs}
    queue = str(request["jobQueue"])
    name = _queue_name(queue)
    extra = [by_id[job_id] for job_id in listed if job_id not in wanted and job_id in by_id]
    missing = [job_id for job_id in wanted if job_id not in listed]
    if extra and not missing and all(_queue_name(str(job.get("jobQueue", name))) != name for job in extra):
        reason = _difference(wanted, listed) + f": jobs of another queue than {queue!r}"
        return Diagnosis("S-9", reason, specific=True)
    queues = {str(job["jobQueue"]) for job in jobs if "jobQueue" in job}
    forms = {name} | {other for other in queues if _queue_name(other) == name}
    for form in sorted(forms - {queue}):
        other = {**request, "jobQueue": form}
        right = _reference_listing(reference, jobs, other)
        if right is not None and _listing(implementation, jobs, other, log) == right:
            return _queue_failure(by_id, queue, wanted, listed)
    return None


def _queue_failure(
    by_id: Mapping[str, Mapping[str, Any]], queue: str, wanted: list[str], listed: list[str]
) -> Diagnosis:
    """The jobs are right but for the queue: IN-2 when only jobs of the queue's name (as a name or an
    ARN) or without a queue differ, S-9 when jobs of other queues do."""
    differing = [by_id[job_id] for job_id in set(wanted) ^ set(listed) if job_id in by_id]
    reason = _difference(wanted, listed) + f", for queue {queue!r}"
    if all(
        "jobQueue" not in job or _queue_name(str(job["jobQueue"])) == _queue_name(queue) for job in differing
    ):
        return Diagnosis("IN-2", reason, specific=True)
    return Diagnosis("S-9", reason, specific=True)


def _selection_failure(
    by_id: Mapping[str, Mapping[str, Any]],
    request: Mapping[str, Any],
    wanted: list[str],
    listed: list[str],
    confirms_status: Callable[[Mapping[str, Any]], bool] | None = None,
) -> Diagnosis:
    """Which selection rule explains the jobs that differ; specific when only one telling cause does."""
    extra = [by_id[job_id] for job_id in listed if job_id not in wanted and job_id in by_id]
    missing = [by_id[job_id] for job_id in wanted if job_id not in listed and job_id in by_id]
    differing = extra + missing
    reason = _difference(wanted, listed)
    name = filter_name(request)
    value = request["filters"][0]["values"][0] if name is not None else ""
    status = request.get("jobStatus") or "RUNNING"
    causes: list[tuple[str, str]] = []
    if name == "JOB_NAME" and all(_case_matters(job["jobName"], value) for job in differing):
        causes.append(("S-5", "letter case decides"))
    inner_star = name == "JOB_NAME" and "*" in value[:-1]
    if inner_star and all(_star_matters(job["jobName"], value) for job in differing):
        causes.append(("S-6", "a * inside the value is taken as a wildcard; only a final * is one"))
    if name in STATUS_IGNORING_FILTERS and not extra and all(job.get("status") != status for job in missing):
        causes.append(("S-3", f"only {status} jobs, although a {name} filter ignores jobStatus"))
    if name in ("BEFORE_CREATED_AT", "AFTER_CREATED_AT"):
        bound = int(value)
        if all(job.get("createdAt") == bound for job in differing):
            causes.append(("S-7", f"jobs created at the bound {bound} itself"))
        if all("createdAt" not in job for job in differing):
            causes.append(("S-8", "jobs without createdAt"))
    no_status = name is None and request.get("jobStatus") is None
    if no_status and not missing and all(job.get("status") != "RUNNING" for job in extra):
        causes.append(("S-2", "jobs that are not RUNNING, although no status means RUNNING"))
    if len(causes) > 1 and confirms_status is not None and missing:
        # Two telling causes fit (a job of another case and another status, say): ask the adapter for
        # the same query with the missing job's own status; listing it then means the status decided.
        confirmed = confirms_status(missing[0])
        causes = [cause for cause in causes if (cause[0] == "S-3") == confirmed]
    if len(causes) == 1:
        rule, why = causes[0]
        return Diagnosis(rule, f"{reason}: {why}", specific=True)
    return Diagnosis(selection_rule(request), reason)


def _order_failure(
    by_id: Mapping[str, Mapping[str, Any]], request: Mapping[str, Any], wanted: list[str], listed: list[str]
) -> Diagnosis:
    """The rule the first pair of jobs in the wrong order breaks, and whether the order still follows
    what AWS states (then only the reference's decision part of the rule is broken)."""
    first = next(index for index, (want, have) in enumerate(zip(wanted, listed, strict=True)) if want != have)
    want_job, have_job = by_id[wanted[first]], by_id[listed[first]]
    reason = f"is in another order: {listed}, not {wanted}"
    by_name = filter_name(request) == "JOB_NAME"
    same_name = want_job["jobName"] == have_job["jobName"]
    same_version = want_job.get("version", 0) == have_job.get("version", 0)
    as_aws_states = follows_aws_order([by_id[job_id] for job_id in listed], by_name)
    if by_name and not same_name:
        why = ": each name's jobs together" if not as_aws_states else ": the name groups in code-point order"
        return Diagnosis("O-2", reason + why, specific=True, decision_part=as_aws_states)
    if by_name and not same_version:
        return Diagnosis("IN-3", reason + ": versions in ascending order", specific=True)
    if "createdAt" not in want_job or "createdAt" not in have_job:
        return Diagnosis("O-3", reason + ": jobs without createdAt last", specific=True)
    why = ": newest createdAt first" if not as_aws_states else ": equal createdAt by ascending jobId"
    return Diagnosis("O-2" if by_name else "O-1", reason + why, specific=True, decision_part=as_aws_states)


def follows_aws_order(
    listed: Sequence[Mapping[str, Any]], by_name: bool, *, versions_known: bool = True
) -> bool:
    """Whether a listing is in an order AWS allows: "sorted by the createdAt field, with the most recent
    jobs being first" (seed), and with JOB_NAME "grouped by the job name and version" (each group's jobs
    together, newest first within it). Jobs without createdAt are left out (O-3 is a decision).

    Without ``versions_known`` (summaries carry no version), a JOB_NAME listing is only checked for each
    name's jobs coming together: where one version group ends and the next begins cannot be seen."""
    runs: list[list[Mapping[str, Any]]] = [list(listed)]
    if by_name:
        groups: dict[tuple[str, Any], list[Mapping[str, Any]]] = {}
        previous: tuple[str, Any] | None = None
        for job in listed:
            key = (job["jobName"], job.get("version", 0) if versions_known else None)
            if key != previous:
                if key in groups:  # the group is split in two
                    return False
                groups[key] = []
                previous = key
            groups[key].append(job)
        runs = list(groups.values()) if versions_known else []
    for run in runs:
        times = [job["createdAt"] for job in run if isinstance(job.get("createdAt"), int)]
        if any(newer < older for newer, older in zip(times, times[1:], strict=False)):
            return False
    return True


def _difference(wanted: list[str], listed: list[str]) -> str:
    extra = [job_id for job_id in listed if job_id not in wanted]
    missing = [job_id for job_id in wanted if job_id not in listed]
    return f"lists {extra} that it should not and misses {missing}"


def _case_matters(job_name: str, value: str) -> bool:
    """Whether matching ``job_name`` against the JOB_NAME ``value`` casefolded gives another answer than
    matching it as it is, lower-cased or upper-cased."""

    def matches(fold: Callable[[str], str]) -> bool:
        if value.endswith("*"):
            return fold(job_name).startswith(fold(value[:-1]))
        return fold(job_name) == fold(value)

    right = matches(str.casefold)
    return any(matches(fold) != right for fold in (str, str.lower, str.upper))


def _star_matters(job_name: str, value: str) -> bool:
    """Whether taking every ``*`` of the JOB_NAME ``value`` as a wildcard gives another answer for
    ``job_name`` than the contract's reading, where only a final ``*`` is one."""
    prefix, wildcard = (value[:-1], True) if value.endswith("*") else (value, False)
    folded = job_name.casefold()
    literal = folded.startswith(prefix.casefold()) if wildcard else folded == prefix.casefold()
    pattern = ".*".join(re.escape(part.casefold()) for part in value.split("*"))
    return literal != bool(re.fullmatch(pattern, folded, flags=re.DOTALL))


def _queue_name(identifier: str) -> str:
    match = _QUEUE_ARN.fullmatch(identifier)
    return match.group("name") if match else identifier
