"""The conformance report: one row per rule, graded by the rule's source, and the smallest failing case.

Theory of operation: every check the kit makes belongs to one case (a vector of ``vectors.json``, a
generated traversal, or over the wire a designed listing) and names the rule it checks. A row counts the
cases that checked its rule and the cases in which the rule failed, and keeps one failure to show: the
smallest, by number of jobs and then by the length of the jobs and request as JSON, preferring a case
written for that very rule, so the report shows the easiest case to debug under a name that matches its
row (the earliest found wins a tie, and the run is seeded, so the same implementation always gets the
same report).

Grading follows the rule's source (``_rules``): a failure of an AWS rule fails the report; a difference
from one of the reference's decisions (a ``decision`` rule, or the decision part of an ``AWS + decision``
rule) is an advisory, which fails the report only in strict mode.

Two kinds of trouble are not failures of a rule, and get one line each above the table instead:

- a *crash*: the implementation raised a programming error (``KeyError``, ``TypeError`` ...) on a
  request the contract answers, or an endpoint answered it with a 5xx. One bug of that kind would
  otherwise fail every rule whose cases it happens to meet.
- a *problem*: the run could not be made at all (the endpoint does not implement ListServiceJobs, say).

Over the wire, a listing is judged only against a snapshot of the jobs that is the same before and after
it; a case that never met a stable snapshot is counted as *unstable*, and never as passed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ._rules import DECISION, LIST_SERVICE_JOBS_NAME, Coverage, Rule, TargetKind

__all__ = ["CaseLog", "Crash", "Failure", "Report", "RuleRow", "Tally", "TargetFault"]

# Values longer than this are cut in the printed report (the Failure keeps them whole), and no more jobs
# than this are printed for one case.
_MAX_SHOWN = 1500
_MAX_JOBS_SHOWN = 12


class TargetFault(Exception):
    """The target failed to answer a request at all: it closed or reset the connection, sent no whole
    response in time, sent one larger than the kit reads, or the run's deadline passed.

    It ends the case it happens in, which records it as a failure of the case's rule (or of ``rule``, the
    rule a request of ``operation`` is checked under, outside a case) with the request that caused it; the
    run stops there, and the report says so. ``recorded`` is set once a case has recorded it.
    """

    def __init__(self, reason: str, *, request: Any = None, operation: str = "", rule: str = "W-1") -> None:
        super().__init__(reason)
        self.reason = reason
        self.request = request
        self.operation = operation
        self.rule = rule
        self.recorded = False

    def record(self, log: CaseLog) -> str:
        """Record the fault in ``log`` as a failure of its case's rule (else of ``rule``); that rule's id."""
        rule_id = log.rule or self.rule
        where = f"{self.operation} " if self.operation else ""
        log.fail(
            rule_id,
            f"the target failed to answer: {self.reason}",
            jobs=(),
            request={"operation": self.operation, "body": self.request} if self.operation else self.request,
            expected=f"a whole {where}HTTP response",
            got=self.reason,
            fault=True,
        )
        self.recorded = True
        self.rule = rule_id
        return rule_id


@dataclass(frozen=True, eq=False, slots=True)
class Failure:
    """One failing check: where it comes from, the jobs and request of the failing call, what the
    contract expects and what the implementation did, and why that breaks the rule.

    ``decision_part`` is true when the check is of the part of an ``AWS + decision`` rule that is the
    reference's decision; ``case_rule`` is the rule the case was written for (None for generated cases).
    ``fault`` is true when the target failed to answer at all (:class:`TargetFault`): a failure whatever
    the rule's source.
    """

    rule: str
    case: str
    jobs: list[dict[str, Any]]
    request: Any
    expected: Any
    got: Any
    reason: str
    decision_part: bool = False
    case_rule: str | None = None
    fault: bool = False

    @property
    def size(self) -> tuple[int, int]:
        """How big the case is: its number of jobs, then the length of its jobs and request as JSON."""
        return (len(self.jobs), len(_json([self.jobs, self.request])))

    def __str__(self) -> str:
        lines = [f"    case      {_cut(self.case)}", f"    why       {_cut(self.reason)}"]
        shown, left_out = self.jobs_that_matter()
        if shown:
            marks = _marks(self)
            for number, job in enumerate(shown):
                label = "    jobs      " if number == 0 else "              "
                lines.append(f"{label}{marks.get(str(job.get('jobId')), ' ')} {_job_line(job)}")
            if left_out:
                other = "other job" if left_out == 1 else "other jobs"
                lines.append(f"              (and {left_out} {other} of the case, not named by either)")
        elif self.jobs:
            lines.append(f"    jobs      {len(self.jobs)} jobs, none named by what was expected or got")
        else:
            lines.append("    jobs      (none)")
        lines.append(f"    request   {_shown(self.request)}")
        lines.append(f"    expected  {_shown_outcome(self.expected)}")
        lines.append(f"    got       {_shown_outcome(self.got)}")
        return "\n".join(lines)

    def jobs_that_matter(self) -> tuple[list[dict[str, Any]], int]:
        """The jobs the report shows for this failure, and how many of the case's jobs it leaves out.

        Those are the jobs named by what was expected and what was got (or by the reason). When they are
        many, only those where the two differ, and the ones between them in ``createdAt``, are shown.
        """
        expected, got = _ids_in(self.expected, self.jobs), _ids_in(self.got, self.jobs)
        named = (
            set(expected)
            | set(got)
            | {str(job.get("jobId")) for job in self.jobs if repr(str(job.get("jobId"))) in self.reason}
        )
        chosen = [job for job in self.jobs if str(job.get("jobId")) in named]
        if len(chosen) > _MAX_JOBS_SHOWN:
            marks = _marks(self)
            differing = [job for job in chosen if marks.get(str(job.get("jobId")), " ") != " "]
            times = [job["createdAt"] for job in differing if isinstance(job.get("createdAt"), int)]
            if times:
                low, high = min(times), max(times)
                chosen = [
                    job
                    for job in chosen
                    if job in differing
                    or (isinstance(job.get("createdAt"), int) and low <= job["createdAt"] <= high)
                ]
            chosen = chosen[: 2 * _MAX_JOBS_SHOWN]
        return chosen, len(self.jobs) - len(chosen)

    def as_dict(self) -> dict[str, Any]:
        """The failure as JSON values, for machine-readable reports (values cut as the text cuts them)."""
        shown, left_out = self.jobs_that_matter()
        return {
            "rule": self.rule,
            "case": self.case,
            "reason": _cut(self.reason),
            "jobs": [_bounded(job) for job in shown],
            "jobsLeftOut": left_out,
            "request": _bounded(self.request),
            "expected": _bounded(self.expected),
            "got": _bounded(self.got),
            "decisionPart": self.decision_part,
            "fault": self.fault,
        }


def _ids_in(value: Any, jobs: list[dict[str, Any]]) -> list[str]:
    """The job ids a value names, in order: strings equal to an id of ``jobs``, anywhere inside it."""
    known = {str(job.get("jobId")) for job in jobs}
    found: list[str] = []

    def walk(item: Any, depth: int) -> None:
        if depth > 20 or len(found) > 10_000:
            return
        if isinstance(item, str):
            if item in known:
                found.append(item)
        elif isinstance(item, Mapping):
            for member in item.values():
                walk(member, depth + 1)
        elif isinstance(item, (list, tuple)):
            for member in item:
                walk(member, depth + 1)

    walk(value, 0)
    return found


def _marks(failure: Failure) -> dict[str, str]:
    """Per job id: ``-`` expected but not got, ``+`` got but not expected, ``~`` both at other places,
    absent when both agree."""
    expected, got = _ids_in(failure.expected, failure.jobs), _ids_in(failure.got, failure.jobs)
    marks: dict[str, str] = {}
    for job_id in set(expected) | set(got):
        if job_id not in got:
            marks[job_id] = "-"
        elif job_id not in expected:
            marks[job_id] = "+"
        elif expected.index(job_id) != got.index(job_id):
            marks[job_id] = "~"
    return marks


def _job_line(job: Mapping[str, Any]) -> str:
    """One job as a failure shows it: its id, with createdAt, name and status (and queue) beside it."""
    parts = [_cut(_json(job.get("jobId")))]
    parts.append(f"createdAt {_json(job['createdAt'])}" if "createdAt" in job else "no createdAt")
    parts.append(f"name {_cut(_json(job.get('jobName')))}")
    parts.append(f"status {_json(job.get('status'))}")
    if "jobQueue" in job:
        parts.append(f"queue {_cut(_json(job['jobQueue']))}")
    return "  ".join(parts)


def _bounded(value: Any) -> Any:
    """A JSON value whose text is at most the report's cut, else that text cut."""
    text = _json(value)
    return value if len(text) <= _MAX_SHOWN else _cut(text)


@dataclass(frozen=True, eq=False, slots=True)
class Crash:
    """Calls on which the implementation crashed the same way: ``what`` (``raised KeyError``, or
    ``answered HTTP 500``), how many calls, and the first of them."""

    what: str
    count: int
    first: Failure

    def line(self, subject: str, calls: int) -> str:
        """The report's one line for it, e.g. ``the adapter raised KeyError on 3 of 90 calls; first: ...``."""
        return f"{subject} {self.what} on {self.count} of {calls} calls; first: {_cut(self.first.reason)}"


@dataclass(frozen=True, eq=False, slots=True)
class RuleRow:
    """One rule's line of the report.

    ``failures`` counts the cases that break the rule as AWS has it, ``advisories`` the cases that only
    differ from the reference's decision; ``crashed`` the cases that met a crash instead (see
    :class:`Crash`), ``unstable`` the listings over the wire that never met a stable snapshot.
    """

    rule: Rule
    cases: int
    failures: int
    smallest: Failure | None
    coverage: Coverage = Coverage()
    advisories: int = 0
    smallest_advisory: Failure | None = None
    crashed: int = 0
    unstable: int = 0
    strict: bool = False

    @property
    def id(self) -> str:
        """The rule id, such as ``S-5``."""
        return self.rule.id

    @property
    def differences(self) -> int:
        """The cases that failed the rule or differ from its decision part: ``failures + advisories``."""
        return self.failures + self.advisories

    @property
    def example(self) -> Failure | None:
        """The failing case the report shows: the smallest failure, else the smallest advisory."""
        return self.smallest if self.failures else self.smallest_advisory

    @property
    def checkable(self) -> bool:
        """Whether the kit can check this rule for the target it ran against."""
        return self.coverage.checked

    @property
    def ok(self) -> bool:
        """Whether no case failed this rule (always true for a rule the kit cannot check); in strict mode,
        a difference from a decision counts as a failure too."""
        return self.failures == 0 and (not self.strict or self.advisories == 0)

    @property
    def result(self) -> str:
        """``ok``, ``FAIL``, ``differs`` (from a decision, not strict), ``crash`` (every case that met
        the rule met a crash), ``unstable`` (never judged), ``-`` (checkable but no case met it), or
        ``n/a`` for a rule the target cannot show."""
        if not self.coverage.checked:
            return "n/a"
        if not self.ok:
            return "FAIL"
        if self.advisories:
            return "differs"
        if self.crashed and self.crashed == self.cases:
            return "crash"
        if self.cases == 0:
            return "unstable" if self.unstable else "-"
        return "ok"


@dataclass(frozen=True, eq=False, slots=True)
class Report:
    """The outcome of :func:`listjobs_core.conformance.check` or :func:`check_endpoint`: ``ok``, one row
    per rule, and ``str()``: a table followed by the smallest failing case of every failing rule.

    ``ok`` is true when the run could be made, nothing crashed and every AWS-sourced rule that was checked
    passes; with ``strict``, every difference from a decision of the reference fails it too. ``target``
    names the adapter or the endpoint's URL as given; ``kind`` says which it was. For an endpoint,
    ``vector_cases`` counts the designed cases and ``generated_cases`` the generated listings; ``notes``
    say which queue the run used and what it left; ``calls`` counts the calls judged.
    """

    rows: tuple[RuleRow, ...]
    target: str = "adapter"
    seed: int = 0
    vector_cases: int = 0
    generated_cases: int = 0
    strict: bool = False
    kind: TargetKind = "adapter"
    crashes: tuple[Crash, ...] = ()
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    calls: int = 0
    operation: str = LIST_SERVICE_JOBS_NAME

    @property
    def ok(self) -> bool:
        """Whether the implementation conforms (see the class documentation)."""
        return not self.problems and not self.crashes and all(row.ok for row in self.rows)

    @property
    def failed_rules(self) -> tuple[str, ...]:
        """The ids of the failing rules, in the order of ``docs/SEMANTICS.md``."""
        return tuple(row.id for row in self.rows if not row.ok)

    @property
    def differing_rules(self) -> tuple[str, ...]:
        """The ids of the rules on which the implementation differs from a decision of the reference
        (advisories; failures only in strict mode)."""
        return tuple(row.id for row in self.rows if row.advisories)

    def __repr__(self) -> str:
        return f"Report(ok={self.ok}, failed_rules={self.failed_rules!r}, target={self.target!r})"

    def row(self, rule_id: str) -> RuleRow:
        """The row of one rule; ``KeyError`` for a rule the report does not have."""
        for row in self.rows:
            if row.id == rule_id:
                return row
        raise KeyError(rule_id)

    def __str__(self) -> str:
        return self.render()

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON values: ``ok``, the target, counts, problems, crashes, notes, and one entry per
        rule the target can show (``id``, ``source``, ``result``, ``cases``, ``failures``,
        ``advisories``, and the failure shown, if any)."""
        return {
            "operation": self.operation,
            "target": self.target,
            "kind": self.kind,
            "ok": self.ok,
            "strict": self.strict,
            "seed": self.seed,
            "designedCases": self.vector_cases,
            "generatedCases": self.generated_cases,
            "calls": self.calls,
            "problems": [_cut(problem) for problem in self.problems],
            "notes": [_cut(note) for note in self.notes],
            "crashes": [
                {"what": crash.what, "count": crash.count, "first": crash.first.as_dict()}
                for crash in self.crashes
            ],
            "failedRules": list(self.failed_rules),
            "differingRules": list(self.differing_rules),
            "rules": [
                {
                    "id": row.id,
                    "title": row.rule.title,
                    "source": row.rule.tag,
                    "result": row.result,
                    "cases": row.cases,
                    "failures": row.failures,
                    "advisories": row.advisories,
                    "failure": None if row.example is None else row.example.as_dict(),
                }
                for row in self.rows
                if row.checkable
            ],
        }

    def to_json(self) -> str:
        """:meth:`as_dict` as JSON text (``--format json``)."""
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False, default=repr)

    def to_junit_xml(self) -> str:
        """The report as a JUnit XML document (``--junit-xml PATH``): one test suite, one test case per
        rule the target can show; a failing rule's case holds a ``failure`` with the rule's details, a rule
        no case reached is ``skipped``, and a problem or crash is a failing case of its own."""
        import xml.etree.ElementTree as ElementTree

        suite = ElementTree.Element("testsuite", name=f"{self.operation} conformance of {_cut(self.target)}")
        failures = skipped = 0
        for row in self.rows:
            if not row.checkable:
                continue
            case = ElementTree.SubElement(
                suite,
                "testcase",
                classname=f"conformance.{self.operation}",
                name=f"{row.id} {row.rule.title}",
            )
            if not row.ok:
                failures += 1
                failure = ElementTree.SubElement(
                    case,
                    "failure",
                    message=f"{row.id}: {row.failures} cases fail and {row.advisories} differ of {row.cases}",
                )
                heading = _details_heading(row, advisory=row.failures == 0)
                failure.text = heading + ("" if row.example is None else "\n" + str(row.example))
            elif row.result in ("-", "unstable", "crash"):
                skipped += 1
                ElementTree.SubElement(case, "skipped", message=f"{row.id}: {row.result}")
            elif row.advisories:
                output = ElementTree.SubElement(case, "system-out")
                example = row.smallest_advisory
                output.text = _details_heading(row, advisory=True) + (
                    "" if example is None else "\n" + str(example)
                )
        for kind, texts in (
            ("problem", self.problems),
            ("crash", [c.line("the target", self.calls) for c in self.crashes]),
        ):
            for number, text in enumerate(texts, 1):
                failures += 1
                case = ElementTree.SubElement(
                    suite, "testcase", classname=f"conformance.{self.operation}", name=f"{kind} {number}"
                )
                ElementTree.SubElement(case, "failure", message=_cut(text)).text = _cut(text)
        suite.set("tests", str(len(suite)))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", str(skipped))
        return ElementTree.tostring(suite, encoding="unicode", xml_declaration=True)

    def render(self, *, all_rows: bool = False) -> str:
        """The report as text; rules the target cannot show are left out unless ``all_rows``."""
        checked = [row for row in self.rows if row.checkable]
        failing = [row for row in self.rows if not row.ok]
        differing = [row for row in self.rows if row.ok and row.advisories]
        lines = [f"{self.operation} conformance of {_cut(self.target)}", self._cases_line()]
        lines += [_cut(note) for note in self.notes]
        subject = "the adapter" if self.kind == "adapter" else "the endpoint"
        lines += [f"PROBLEM: {_cut(problem)}" for problem in self.problems]
        lines += [f"CRASH: {crash.line(subject, self.calls)}" for crash in self.crashes]
        for crash in self.crashes[:1]:
            lines.append(str(crash.first))
        lines += ["", f"{'rule':<6}{'result':<9}{'source':<16}{'cases':>5}{'failures':>10}  what"]
        hidden = unreached = 0
        for row in self.rows:
            if not row.checkable and not all_rows:
                hidden += 1
            elif self.problems and row.result == "-" and not all_rows:
                unreached += 1
            else:
                lines.append(_table_line(row))
        if hidden:
            lines.append(f"({hidden} rules that cannot be checked for {_kind_phrase(self.kind)} not shown)")
        if unreached:
            lines.append(f"({unreached} rules not reached: the run stopped at the problem above)")
        lines += ["", self._verdict(checked, failing, differing)]
        for row in failing:
            lines += ["", _details_heading(row, advisory=row.failures == 0)]
            if row.example is not None:
                lines.append(str(row.example))
        for row in differing:
            lines += ["", _details_heading(row, advisory=True)]
            if row.smallest_advisory is not None:
                lines.append(str(row.smallest_advisory))
        return "\n".join(lines)

    def _cases_line(self) -> str:
        if self.kind == "adapter" and self.operation != LIST_SERVICE_JOBS_NAME:
            generated = f"{self.generated_cases} generated cases (seed {self.seed})"
            return f"{self.vector_cases} designed cases, {generated}"
        if self.kind == "adapter":
            return (
                f"{self.vector_cases} vector cases, {self.generated_cases} generated cases (seed {self.seed})"
            )
        mode = "read-only, " if self.kind == "read-only endpoint" else ""
        return (
            f"over the wire, {mode}{self.vector_cases} designed cases, {self.generated_cases} generated "
            f"listings (seed {self.seed}), {self.calls} {'call' if self.calls == 1 else 'calls'} judged"
        )

    def _verdict(self, checked: list[RuleRow], failing: list[RuleRow], differing: list[RuleRow]) -> str:
        parts: list[str] = []
        if self.problems:
            parts.append("the run could not be made")
        if self.crashes:
            parts.append("the implementation crashed (see above)")
        if failing:
            failed = ", ".join(row.id for row in failing)
            parts.append(f"{len(failing)} of {len(checked)} checked rules fail: {failed}")
        if parts:
            verdict = "FAILED: " + "; ".join(parts)
        else:
            verdict = f"OK: all {len(checked)} checked rules pass"
            if differing:
                verdict += (
                    " as AWS has them; differs from the reference's decisions on "
                    + ", ".join(row.id for row in differing)
                    + " (advisory; fails with strict)"
                )
        unstable = [row.id for row in self.rows if row.unstable]
        if unstable:
            verdict += f"; some listings of {', '.join(unstable)} were unstable: not judged"
        return verdict


def _kind_phrase(kind: TargetKind) -> str:
    return {"adapter": "an adapter", "endpoint": "an endpoint", "read-only endpoint": "a read-only run"}[kind]


def _table_line(row: RuleRow) -> str:
    what = row.rule.title
    if row.checkable:
        cases, failures = str(row.cases), str(row.differences)
        if row.coverage.note:
            what += f" ({row.coverage.note})"
        if row.unstable:
            what += f" [{row.unstable} unstable: not judged]"
        if row.crashed:
            what += f" [{row.crashed} cases met the crash]"
    else:
        cases = failures = "-"
        what += f" (not checkable: {row.coverage.note})"
    return f"{row.id:<6}{row.result:<9}{row.rule.tag:<16}{cases:>5}{failures:>10}  {what}"


def _details_heading(row: RuleRow, *, advisory: bool) -> str:
    if advisory:
        count = row.advisories
        return (
            f"{row.id}: {row.rule.title}. Differs from the reference's decision ({row.rule.decision}) in "
            f"{count} of {row.cases} cases; the smallest:"
        )
    return f"{row.id}: {row.rule.title}. {row.failures} of {row.cases} cases fail; the smallest:"


@dataclass
class _Counts:
    cases: int = 0
    failures: int = 0
    smallest: Failure | None = None
    advisories: int = 0
    smallest_advisory: Failure | None = None
    crashed: int = 0
    unstable: int = 0


@dataclass
class CaseLog:
    """What one case checked and which rules it failed (the first failure of each rule), the calls it
    made and the crashes among them."""

    case: str
    rule: str | None = None
    checked: set[str] = field(default_factory=set)
    failed: dict[str, Failure] = field(default_factory=dict)
    crashes: list[tuple[str, Failure]] = field(default_factory=list)
    calls: int = 0

    def check(self, *rules: str) -> None:
        """Record that this case checks ``rules``."""
        self.checked.update(rules)

    def fail(
        self,
        rule: str,
        reason: str,
        *,
        jobs: Iterable[Mapping[str, Any]],
        request: Any,
        expected: Any,
        got: Any,
        decision_part: bool = False,
        fault: bool = False,
    ) -> None:
        """Record a failure of ``rule``; a case keeps one failure per rule, the first that breaks the
        rule as AWS has it if there is one (a fault of the target replaces any)."""
        self.checked.add(rule)
        known = self.failed.get(rule)
        if known is None or (known.decision_part and not decision_part) or fault:
            job_list = [dict(job) for job in jobs]
            self.failed[rule] = Failure(
                rule, self.case, job_list, request, expected, got, reason, decision_part, self.rule, fault
            )

    def crash(self, what: str, detail: str, *, jobs: Iterable[Mapping[str, Any]], request: Any) -> None:
        """Record a crash (``what``: ``raised KeyError``, ``answered HTTP 500``) of one call."""
        job_list = [dict(job) for job in jobs]
        failure = Failure("", self.case, job_list, request, "an answer", detail, detail, case_rule=self.rule)
        self.crashes.append((what, failure))


class Tally:
    """Counts over all cases, for the rules a check reports on, graded for one kind of target."""

    def __init__(
        self,
        rules: Iterable[Rule],
        kind: TargetKind = "adapter",
        *,
        strict: bool = False,
        operation: str = LIST_SERVICE_JOBS_NAME,
    ) -> None:
        self._rules = tuple(rules)
        self._kind = kind
        self._operation = operation
        self._strict = strict
        self._counts = {rule.id: _Counts() for rule in self._rules}
        self._by_id = {rule.id: rule for rule in self._rules}
        self._crashes: dict[str, tuple[int, Failure]] = {}
        self.cases = 0
        self.calls = 0

    @contextmanager
    def case(self, name: str, rule: str | None = None) -> Iterator[CaseLog]:
        """A case: whatever it checked and failed is counted when the block ends."""
        log = CaseLog(name, rule)
        try:
            yield log
        except TargetFault as fault:
            if not fault.recorded:
                fault.record(log)
            self.add(log)
            raise
        self.add(log)

    def add(self, log: CaseLog) -> None:
        """Count one finished case."""
        self.cases += 1
        self.calls += log.calls
        for what, crash in log.crashes:
            count, first = self._crashes.get(what, (0, crash))
            self._crashes[what] = (count + 1, first)
        for rule_id in log.checked:
            counts = self._counts.get(rule_id)
            if counts is None:
                continue
            counts.cases += 1
            failure = log.failed.get(rule_id)
            if failure is None:
                if log.crashes:
                    counts.crashed += 1
                continue
            if (self._by_id[rule_id].source == DECISION or failure.decision_part) and not failure.fault:
                counts.advisories += 1
                if _smaller(failure, counts.smallest_advisory, rule_id):
                    counts.smallest_advisory = failure
            else:
                counts.failures += 1
                if _smaller(failure, counts.smallest, rule_id):
                    counts.smallest = failure

    def add_unstable(self, rules: Iterable[str], calls: int = 0) -> None:
        """Count a case that never met a stable snapshot: its rules were not judged by it."""
        self.calls += calls
        for rule_id in rules:
            counts = self._counts.get(rule_id)
            if counts is not None:
                counts.unstable += 1

    def crashes(self) -> tuple[Crash, ...]:
        """The crashes met, one per kind, most frequent first."""
        found = [Crash(what, count, first) for what, (count, first) in self._crashes.items()]
        return tuple(sorted(found, key=lambda crash: -crash.count))

    def rows(self) -> tuple[RuleRow, ...]:
        """One row per rule, in the order the rules were given."""
        rows = []
        for rule in self._rules:
            counts = self._counts[rule.id]
            coverage = rule.coverage(self._kind, self._operation)
            rows.append(
                RuleRow(
                    rule,
                    counts.cases,
                    counts.failures,
                    counts.smallest,
                    coverage,
                    counts.advisories,
                    counts.smallest_advisory,
                    counts.crashed,
                    counts.unstable,
                    self._strict,
                )
            )
        return tuple(rows)


def _smaller(failure: Failure, known: Failure | None, rule_id: str) -> bool:
    """Whether ``failure`` shows the rule better than ``known``: the target's fault first, then a case
    written for the rule, then a generated case, then a case of another rule; then the smaller case."""
    if known is None:
        return True
    return _rank(failure, rule_id) < _rank(known, rule_id)


def _rank(failure: Failure, rule_id: str) -> tuple[int, tuple[int, int]]:
    if failure.fault:
        kind = -1  # the target's fault, which ended the run, is what its rule's details show
    elif failure.case_rule == rule_id:
        kind = 0
    elif failure.case_rule is None:
        kind = 1
    else:
        kind = 2
    return (kind, failure.size)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=repr)


def _shown(value: Any) -> str:
    """A JSON value, cut short when it is very long."""
    return _cut(_json(value))


def _shown_outcome(value: Any) -> str:
    """An expectation or an outcome: JSON, or a description in words (such as ``a rejection``)."""
    return _cut(value if isinstance(value, str) else _json(value))


def _cut(text: str) -> str:
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."
