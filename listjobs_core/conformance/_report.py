"""The conformance report: one row per rule, and the smallest failing case of each failing rule.

Theory of operation: every check the kit makes belongs to one case (a vector of ``vectors.json``, or one
generated traversal) and names the rule it checks. A row counts the cases that checked its rule and the
cases in which the rule failed, and keeps one failure to show: the smallest, by number of jobs and then
by the length of the jobs and request as JSON, so the report shows the easiest case to debug (the earliest
found wins a tie, and the run is seeded, so the same implementation always gets the same report).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ._rules import Rule

__all__ = ["CaseLog", "Failure", "Report", "RuleRow", "Tally"]

# Values longer than this are cut in the printed report (the Failure keeps them whole).
_MAX_SHOWN = 1500


@dataclass(frozen=True, eq=False, slots=True)
class Failure:
    """One failing check: where it comes from, the jobs and request of the failing call, what the
    contract expects and what the implementation did, and why that breaks the rule."""

    rule: str
    case: str
    jobs: list[dict[str, Any]]
    request: Any
    expected: Any
    got: Any
    reason: str

    @property
    def size(self) -> tuple[int, int]:
        """How big the case is: its number of jobs, then the length of its jobs and request as JSON."""
        return (len(self.jobs), len(_json([self.jobs, self.request])))

    def __str__(self) -> str:
        lines = [f"    case      {self.case}", f"    why       {self.reason}"]
        if self.jobs:
            lines.append(f"    jobs      {_shown(self.jobs[0])}")
            lines.extend(f"              {_shown(job)}" for job in self.jobs[1:])
        else:
            lines.append("    jobs      (none)")
        lines.append(f"    request   {_shown(self.request)}")
        lines.append(f"    expected  {_shown_outcome(self.expected)}")
        lines.append(f"    got       {_shown_outcome(self.got)}")
        return "\n".join(lines)


@dataclass(frozen=True, eq=False, slots=True)
class RuleRow:
    """One rule's line of the report."""

    rule: Rule
    cases: int
    failures: int
    smallest: Failure | None

    @property
    def id(self) -> str:
        """The rule id, such as ``S-5``."""
        return self.rule.id

    @property
    def ok(self) -> bool:
        """Whether no case failed this rule (always true for a rule the kit cannot check)."""
        return self.failures == 0

    @property
    def result(self) -> str:
        """``ok``, ``FAIL``, or ``n/a`` for a rule that is not checkable through an adapter."""
        if not self.rule.checkable:
            return "n/a"
        return "ok" if self.ok else "FAIL"


@dataclass(frozen=True, eq=False, slots=True)
class Report:
    """The outcome of :func:`listjobs_core.conformance.check`: ``ok``, one row per rule, ``str()`` a
    table followed by the smallest failing case of every failing rule."""

    rows: tuple[RuleRow, ...]
    adapter: str = "adapter"
    seed: int = 0
    vector_cases: int = 0
    generated_cases: int = 0

    @property
    def ok(self) -> bool:
        """Whether every checked rule passed."""
        return all(row.ok for row in self.rows)

    @property
    def failed_rules(self) -> tuple[str, ...]:
        """The ids of the failing rules, in the order of ``docs/SEMANTICS.md``."""
        return tuple(row.id for row in self.rows if not row.ok)

    def __repr__(self) -> str:
        return f"Report(ok={self.ok}, failed_rules={self.failed_rules!r}, adapter={self.adapter!r})"

    def row(self, rule_id: str) -> RuleRow:
        """The row of one rule; ``KeyError`` for a rule the report does not have."""
        for row in self.rows:
            if row.id == rule_id:
                return row
        raise KeyError(rule_id)

    def __str__(self) -> str:
        checked = [row for row in self.rows if row.rule.checkable]
        failing = [row for row in self.rows if not row.ok]
        verdict = (
            f"FAILED: {len(failing)} of {len(checked)} checked rules fail: "
            + ", ".join(row.id for row in failing)
            if failing
            else f"OK: all {len(checked)} checked rules pass"
        )
        lines = [
            f"ListServiceJobs conformance of {self.adapter}",
            f"{self.vector_cases} vector cases, {self.generated_cases} generated cases (seed {self.seed})",
            "",
            f"{'rule':<6}{'result':<8}{'cases':>6}{'failures':>10}  what",
        ]
        for row in self.rows:
            what = row.rule.title
            if row.rule.checkable:
                cases, failures = str(row.cases), str(row.failures)
                if row.rule.scope:
                    what += f" ({row.rule.scope})"
            else:
                cases = failures = "-"
                what += f" (not checkable: {row.rule.scope})"
            lines.append(f"{row.id:<6}{row.result:<8}{cases:>6}{failures:>10}  {what}")
        lines += ["", verdict]
        for row in failing:
            lines += [
                "",
                f"{row.id}: {row.rule.title}. {row.failures} of {row.cases} cases fail; the smallest:",
            ]
            if row.smallest is not None:
                lines.append(str(row.smallest))
        return "\n".join(lines)


@dataclass
class _Counts:
    cases: int = 0
    failures: int = 0
    smallest: Failure | None = None


@dataclass
class CaseLog:
    """What one case checked and which rules it failed (the first failure of each rule)."""

    case: str
    checked: set[str] = field(default_factory=set)
    failed: dict[str, Failure] = field(default_factory=dict)

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
    ) -> None:
        """Record a failure of ``rule``; only the first failure of a rule in a case is kept."""
        self.checked.add(rule)
        if rule not in self.failed:
            job_list = [dict(job) for job in jobs]
            self.failed[rule] = Failure(rule, self.case, job_list, request, expected, got, reason)

    def failed_any(self) -> bool:
        """Whether some rule failed in this case."""
        return bool(self.failed)


class Tally:
    """Counts over all cases, for the rules a check reports on."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self._rules = tuple(rules)
        self._counts = {rule.id: _Counts() for rule in self._rules}
        self.cases = 0

    @contextmanager
    def case(self, name: str) -> Iterator[CaseLog]:
        """A case: whatever it checked and failed is counted when the block ends."""
        log = CaseLog(name)
        yield log
        self.add(log)

    def add(self, log: CaseLog) -> None:
        """Count one finished case."""
        self.cases += 1
        for rule_id in log.checked:
            counts = self._counts.get(rule_id)
            if counts is None:
                continue
            counts.cases += 1
            failure = log.failed.get(rule_id)
            if failure is None:
                continue
            counts.failures += 1
            if counts.smallest is None or failure.size < counts.smallest.size:
                counts.smallest = failure

    def rows(self) -> tuple[RuleRow, ...]:
        """One row per rule, in the order the rules were given."""
        return tuple(
            RuleRow(
                rule,
                self._counts[rule.id].cases,
                self._counts[rule.id].failures,
                self._counts[rule.id].smallest,
            )
            for rule in self._rules
        )


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
