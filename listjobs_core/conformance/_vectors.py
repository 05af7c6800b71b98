"""The hand-written vectors (``vectors.json``): their format, and how the kit runs them.

Theory of operation: each vector is a case written by hand from the contract and tagged with the id of
the rule it pins (``docs/SEMANTICS.md``); the reference passing every vector is a test, not how the
expectations were made. The file is versioned: ``{"format": 1, "cases": [...]}``. A case is one of:

- ``steps``: a sequence of calls. Each step has a ``request``; ``token`` adds the last ``nextToken``
  the case was given (``"previous"``), that token with one character changed (``"tampered"``: one call
  per changed position, each must be rejected) or with its last character removed (``"truncated"``),
  or the token the step before passed, once more (``"again"``, as a client retrying a page does);
  ``changes`` edits the jobs before the call; ``expect`` says what must happen. A case with a single
  call may put ``request`` and ``expect`` at the top level instead.
- ``traversal``: a base ``request`` followed page by page: ``pages`` gives each page's ``maxResults``
  (absent: no maxResults, so the default 100), the ``changes`` made to the jobs before it, and what the
  page must hold; after the last page given, the kit follows ``nextToken`` with the last page size until
  it is absent. ``listed`` is what the whole traversal must list: exactly ``jobIds`` in order, or each
  of ``exactlyOnce`` once and each of ``atMostOnce`` at most once and nothing else (rule P-4).

``expect`` is ``{"reject": true}`` (with ``messageContains``: a text the error must carry, looked for in
its ``str()``, ``repr()``, a ``message`` attribute and a botocore-style ``response["Error"]["Message"]``;
only V-6 and V-8 use it, the two rules whose message the contract fixes, since clients match on those
texts; any other rejection may say anything, in any exception type), or any of
``jobIds`` (in order), ``unorderedJobIds``, ``summaries`` (exact) and ``more`` (whether a nextToken is
given). ``changes`` holds ``delete`` (job ids), ``update`` (job id to members to set), ``insert`` (jobs,
added at the end) and ``reverse`` (reverse the order of the jobs), applied in that order. A job entry
``{"$series": {"prefix": "p-", "count": n, "jobName": ..., "status": ..., "createdAtStart": t}}``
stands for the n jobs ``p-000`` ... created at t, t+1, ...; an id list entry ``{"$series": {"prefix":
"p-", "from": 104, "to": 5}}`` stands for ``p-104`` down to ``p-005``.

A case may say ``"part": "decision"``: it pins the part of an ``AWS + decision`` rule that is the
reference's decision (``docs/SEMANTICS.md``), so a failure of it is an advisory, not a failure.

Tokens are never compared by text: a ``nextToken`` is only passed back to the adapter that issued it.
When a changed token is accepted, the report says whether it still decodes to the same bytes as the
original (base64 padding and unused low bits carry nothing, so only a check of the token's text finds
such a change).
A mismatch is a failure of the case's own rule (of P-2 for ``more``: nextToken exactly when more jobs
follow), unless ``_diagnosis`` finds that the request's whole selection is already wrong: then it is a
failure of that selection or order rule, so one bug is reported under one rule.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from ._calls import Adapter, Answer, Implementation, Malformed, Outcome, Rejection, as_implementation
from ._diagnosis import Reference, blame
from ._report import CaseLog
from ._rules import rule_ids

__all__ = [
    "VECTORS_FORMAT",
    "Case",
    "Changes",
    "Expectation",
    "PageSpec",
    "Step",
    "Traversal",
    "load_vectors",
    "run_case",
    "tampered",
    "token_change_hint",
]

VECTORS_FORMAT = 1
_MAX_EXTRA_PAGES = 200


@dataclass(frozen=True, slots=True)
class Expectation:
    """What a call must do: be rejected, or list these jobs, and give a nextToken or not."""

    reject: bool = False
    message: str | None = None
    job_ids: tuple[str, ...] | None = None
    unordered: bool = False
    summaries: tuple[dict[str, Any], ...] | None = None
    more: bool | None = None

    def as_json(self) -> dict[str, Any]:
        """The expectation as the report shows it."""
        if self.reject:
            return {"reject": True, **({"messageContains": self.message} if self.message else {})}
        shown: dict[str, Any] = {}
        if self.job_ids is not None:
            shown["unorderedJobIds" if self.unordered else "jobIds"] = list(self.job_ids)
        if self.summaries is not None:
            shown["summaries"] = list(self.summaries)
        if self.more is not None:
            shown["more"] = self.more
        return shown


@dataclass(frozen=True, slots=True)
class Changes:
    """Edits to the jobs between two calls."""

    delete: tuple[str, ...] = ()
    update: tuple[tuple[str, dict[str, Any]], ...] = ()
    insert: tuple[dict[str, Any], ...] = ()
    reverse: bool = False

    def apply(self, jobs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """New jobs (the old ones are not touched)."""
        result = [dict(job) for job in jobs if job["jobId"] not in self.delete]
        updates = dict(self.update)
        result = [{**job, **updates.get(job["jobId"], {})} for job in result]
        result.extend(dict(job) for job in self.insert)
        if self.reverse:
            result.reverse()
        return result


@dataclass(frozen=True, slots=True)
class Step:
    """One call of a ``steps`` case."""

    request: Any
    token: str | None = None
    changes: Changes | None = None
    expect: Expectation | None = None


@dataclass(frozen=True, slots=True)
class PageSpec:
    """One page of a traversal: its maxResults (None: absent), the changes before it, its expectation."""

    max_results: int | None = None
    changes: Changes | None = None
    expect: Expectation | None = None


@dataclass(frozen=True, slots=True)
class Traversal:
    """A base request followed page by page, and what the whole traversal must list."""

    request: dict[str, Any]
    pages: tuple[PageSpec, ...]
    listed: tuple[str, ...] | None = None
    exactly_once: tuple[str, ...] = ()
    at_most_once: tuple[str, ...] = ()
    spec: Any = None


@dataclass(frozen=True, slots=True)
class Case:
    """One hand-written vector, tagged with the rule it pins."""

    id: str
    rule: str
    title: str
    jobs: tuple[dict[str, Any], ...]
    steps: tuple[Step, ...] = ()
    traversal: Traversal | None = None
    decision: bool = False

    @property
    def name(self) -> str:
        """How the report names the case."""
        return f"vectors.json {self.id}: {self.title}"


# --- loading ------------------------------------------------------------------------------------------


class VectorFormatError(ValueError):
    """The vector file does not follow its format."""


def load_vectors(text: str | None = None) -> tuple[Case, ...]:
    """The cases of ``vectors.json`` (or of ``text``, a vector file's contents), checked for form."""
    if text is None:
        text = resources.files(__package__).joinpath("vectors.json").read_text(encoding="utf-8")
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("format") != VECTORS_FORMAT:
        raise VectorFormatError(f"not a vector file of format {VECTORS_FORMAT}")
    cases = tuple(_case(item) for item in _list(data, "cases"))
    seen: set[str] = set()
    for case in cases:
        if case.id in seen:
            raise VectorFormatError(f"two cases have the id {case.id!r}")
        seen.add(case.id)
    return cases


def _case(data: Any) -> Case:
    _only(data, {"id", "rule", "title", "part", "jobs", "steps", "request", "expect", "traversal"}, "a case")
    case_id = _string(data, "id")
    rule = _string(data, "rule")
    if rule not in rule_ids():
        raise VectorFormatError(f"case {case_id}: unknown rule {rule!r}")
    part = data.get("part", "AWS")
    if part not in ("AWS", "decision"):
        raise VectorFormatError(f"case {case_id}: part is AWS or decision, not {part!r}")
    decision = part == "decision"
    jobs = tuple(_expand_jobs(_list(data, "jobs")))
    if "traversal" in data:
        traversal = _traversal(data["traversal"])
        return Case(case_id, rule, _string(data, "title"), jobs, traversal=traversal, decision=decision)
    if "steps" in data:
        steps = tuple(_step(item) for item in _list(data, "steps"))
    else:
        steps = (_step({"request": data["request"], "expect": data.get("expect")}),)
    return Case(case_id, rule, _string(data, "title"), jobs, steps=steps, decision=decision)


def _step(data: Any) -> Step:
    _only(data, {"request", "token", "changes", "expect"}, "a step")
    token = data.get("token")
    if token not in (None, "previous", "again", "tampered", "truncated"):
        raise VectorFormatError(f"unknown token kind {token!r}")
    return Step(data["request"], token, _changes(data.get("changes")), _expectation(data.get("expect")))


def _traversal(data: Any) -> Traversal:
    _only(data, {"request", "pages", "listed"}, "a traversal")
    pages = []
    for item in _list(data, "pages"):
        _only(item, {"maxResults", "changes", "expect"}, "a page")
        pages.append(
            PageSpec(item.get("maxResults"), _changes(item.get("changes")), _expectation(item.get("expect")))
        )
    listed = data["listed"]
    _only(listed, {"jobIds", "exactlyOnce", "atMostOnce"}, "listed")
    request = data["request"]
    if not isinstance(request, dict):
        raise VectorFormatError("a traversal's request is an object")
    exact = _ids(listed["jobIds"]) if "jobIds" in listed else None
    return Traversal(
        request,
        tuple(pages),
        exact,
        _ids(listed.get("exactlyOnce", [])),
        _ids(listed.get("atMostOnce", [])),
        spec=data,
    )


def _changes(data: Any) -> Changes | None:
    if data is None:
        return None
    _only(data, {"delete", "update", "insert", "reverse"}, "changes")
    update = data.get("update", {})
    return Changes(
        tuple(data.get("delete", ())),
        tuple((job_id, dict(members)) for job_id, members in update.items()),
        tuple(_expand_jobs(data.get("insert", []))),
        bool(data.get("reverse", False)),
    )


def _expectation(data: Any) -> Expectation | None:
    if data is None:
        return None
    _only(data, {"reject", "messageContains", "jobIds", "unorderedJobIds", "summaries", "more"}, "expect")
    if data.get("reject"):
        return Expectation(reject=True, message=data.get("messageContains"))
    job_ids: tuple[str, ...] | None = None
    unordered = "unorderedJobIds" in data
    if "jobIds" in data or unordered:
        job_ids = _ids(data["unorderedJobIds" if unordered else "jobIds"])
    summaries = tuple(data["summaries"]) if "summaries" in data else None
    if summaries is not None and job_ids is None:
        job_ids = tuple(summary["jobId"] for summary in summaries)
    return Expectation(False, None, job_ids, unordered, summaries, data.get("more"))


def _expand_jobs(items: Sequence[Any]) -> Iterator[dict[str, Any]]:
    for item in items:
        if not isinstance(item, dict):
            raise VectorFormatError(f"a job is an object, not {item!r}")
        if "$series" not in item:
            yield item
            continue
        series = item["$series"]
        _only(series, {"prefix", "count", "jobName", "status", "createdAtStart"}, "$series")
        for number in range(series["count"]):
            yield {
                "jobId": f"{series['prefix']}{number:03d}",
                "jobName": series["jobName"],
                "status": series["status"],
                "createdAt": series["createdAtStart"] + number,
            }


def _ids(items: Any) -> tuple[str, ...]:
    result: list[str] = []
    for item in items:
        if isinstance(item, str):
            result.append(item)
            continue
        series = item["$series"]
        step = -1 if series["from"] > series["to"] else 1
        result.extend(
            f"{series['prefix']}{number:03d}" for number in range(series["from"], series["to"] + step, step)
        )
    return tuple(result)


def _canonical(value: Any) -> str:
    return json.dumps(list(value), sort_keys=True)


def _only(data: Any, allowed: set[str], what: str) -> None:
    if not isinstance(data, dict):
        raise VectorFormatError(f"{what} is an object, not {data!r}")
    unknown = set(data) - allowed
    if unknown:
        raise VectorFormatError(f"{what} has unknown members {sorted(unknown)}")


def _string(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value:
        raise VectorFormatError(f"{name} is a non-empty string in every case")
    return value


def _list(data: Mapping[str, Any], name: str) -> list[Any]:
    value = data.get(name)
    if not isinstance(value, list):
        raise VectorFormatError(f"{name} is a list")
    return value


# --- tokens -------------------------------------------------------------------------------------------

_NEXT_CHARACTER = {
    **{chr(code): chr(code + 1) for code in range(ord("a"), ord("z"))},
    "z": "a",
    **{chr(code): chr(code + 1) for code in range(ord("A"), ord("Z"))},
    "Z": "A",
    **{str(digit): str((digit + 1) % 10) for digit in range(10)},
    "-": "_",
    "_": "-",
}


def tampered(token: str) -> list[str]:
    """The token with one character changed, at its first, middle and next-to-last positions (T-4).

    A character is replaced by a neighbour of the same kind (a letter by a letter, a digit by a digit),
    so the change survives any decoding that would drop foreign characters. The last character is left
    alone: in base64 it may carry only padding bits, which an implementation may fairly ignore.

    >>> tampered("abcdef")
    ['bbcdef', 'abceef', 'abcdff']
    """
    variants: list[str] = []
    positions = sorted({0, len(token) // 2, len(token) - 2} if len(token) > 2 else {0})
    for position in positions:
        index = next(
            (index for index in range(position, len(token)) if token[index] in _NEXT_CHARACTER),
            None,
        )
        if index is None:
            continue
        variant = token[:index] + _NEXT_CHARACTER[token[index]] + token[index + 1 :]
        if variant != token and variant not in variants:
            variants.append(variant)
    return variants or [token + "A"]


def token_change_hint(original: Any, changed: Any) -> str:
    """Why an implementation may accept ``changed`` in place of its token ``original``: "" when nothing
    explains it, else a note for the report.

    >>> print(token_change_hint("eyJhIjoxfQ==", "eyJhIjoxfQ="))
     (the changed token still decodes to the same bytes as the original, as base64: ...)
    >>> token_change_hint("abc.123", "abc.124")
    ''
    """
    if not isinstance(original, str) or not isinstance(changed, str):
        return ""
    first, second = _base64_bytes(original), _base64_bytes(changed)
    if first is not None and first == second:
        return (
            " (the changed token still decodes to the same bytes as the original, as base64: padding and "
            "unused low bits carry nothing, so only a check of the token as text finds the change)"
        )
    if first is not None and second is not None:
        return " (it decodes to other bytes, and nothing in the token detects the change: no checksum or MAC)"
    return ""


def _base64_bytes(token: str) -> bytes | None:
    """The bytes a lenient base64 decoder (either alphabet, padding optional) makes of ``token``."""
    text = token.rstrip("=")
    if not text or len(text) % 4 == 1:
        return None
    altchars = b"-_" if "-" in text or "_" in text else None
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), altchars=altchars, validate=True)
    except (binascii.Error, ValueError):
        return None


# --- running --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Run:
    """What running one case needs: the implementation, the reference (for naming causes only), the log."""

    implementation: Implementation
    reference: Reference | None
    case: Case
    log: CaseLog

    def fail(
        self, rule: str, reason: str, jobs: Sequence[Mapping[str, Any]], request: Any, expected: Any, got: Any
    ) -> None:
        """Fail ``rule``, or the rule that a wrong whole selection of ``request`` points to."""
        found = blame(rule, self.implementation, self.reference, jobs, request, self.log)
        decision_part = found.decision_part or (found.rule == self.case.rule and self.case.decision)
        self.log.fail(
            found.rule,
            reason + found.note,
            jobs=jobs,
            request=request,
            expected=expected,
            got=got,
            decision_part=decision_part,
        )


def run_case(
    implementation: Adapter | Implementation, case: Case, log: CaseLog, reference: Reference | None = None
) -> None:
    """Run one vector against an adapter (or any :class:`Implementation`), recording in ``log`` what it
    checked and failed.

    With a ``reference``, a failure is reported under the rule its cause breaks (see ``_diagnosis``).
    """
    log.check(case.rule)
    if log.rule is None:
        log.rule = case.rule
    run = _Run(as_implementation(implementation), reference, case, log)
    if case.traversal is not None:
        _run_traversal(run, case.traversal)
    else:
        _run_steps(run)


def _run_steps(run: _Run) -> None:
    case, log = run.case, run.log
    jobs = list(case.jobs)
    token: Any = None
    passed_before: Any = None
    for number, step in enumerate(case.steps, 1):
        if step.changes is not None:
            jobs = step.changes.apply(jobs)
        requests = [step.request]
        token_to_pass = passed_before if step.token == "again" else token
        passed_before = None
        if step.token is not None:
            if token_to_pass is None:
                log.fail(
                    case.rule,
                    f"step {number} needs the nextToken of an earlier step, and none was given",
                    jobs=jobs,
                    request=step.request,
                    expected="a nextToken on an earlier page",
                    got="no nextToken",
                )
                return
            if step.token in ("previous", "again"):
                passed = [token_to_pass]
                passed_before = token_to_pass
            elif not isinstance(token_to_pass, str):
                passed = []
            elif step.token == "tampered":
                passed = tampered(token_to_pass)
            else:
                passed = [token_to_pass[:-1]]
            requests = [{**step.request, "nextToken": value} for value in passed]
        for request in requests:
            outcome = run.implementation.call(jobs, request, log)
            hint = ""
            if step.token in ("tampered", "truncated") and isinstance(request, Mapping):
                hint = token_change_hint(token_to_pass, request.get("nextToken"))
            where = f"step {number} of {len(case.steps)}"
            if not _judge(run, where, step.expect, outcome, jobs, request, hint):
                return
            expects_answer = step.expect is None or not step.expect.reject
            if isinstance(outcome, Answer) and outcome.more and expects_answer:
                token = outcome.token


def _run_traversal(run: _Run, traversal: Traversal) -> None:
    case, log = run.case, run.log
    jobs = list(case.jobs)
    pages: list[list[str]] = []
    token: Any = None
    max_results: int | None = None
    limit = len(traversal.pages) + _MAX_EXTRA_PAGES
    for number in range(limit):
        spec = traversal.pages[number] if number < len(traversal.pages) else PageSpec(max_results)
        max_results = spec.max_results
        if spec.changes is not None:
            jobs = spec.changes.apply(jobs)
        request = dict(traversal.request)
        if max_results is not None:
            request["maxResults"] = max_results
        if token is not None:
            request["nextToken"] = token
        outcome = run.implementation.call(jobs, request, log)
        if not _judge(run, f"page {number + 1}", spec.expect, outcome, jobs, request):
            return
        assert isinstance(outcome, Answer)
        pages.append(list(outcome.ids))
        if not outcome.more:
            break
        token = outcome.token
    else:
        log.fail(
            case.rule,
            f"the traversal has not ended after {limit} pages",
            jobs=case.jobs,
            request=traversal.spec,
            expected="a last page without nextToken",
            got={"pages": pages[:10]},
        )
        return
    listed = [job_id for page in pages for job_id in page]
    reason = _listing_error(traversal, listed)
    if reason is not None:
        expected: Any = (
            {"jobIds": list(traversal.listed)}
            if traversal.listed is not None
            else {"exactlyOnce": list(traversal.exactly_once), "atMostOnce": list(traversal.at_most_once)}
        )
        found = blame(case.rule, run.implementation, run.reference, case.jobs, traversal.request, log)
        log.fail(
            found.rule,
            reason + found.note,
            jobs=case.jobs,
            request=traversal.spec,
            expected=expected,
            got={"pages": pages},
            decision_part=found.decision_part or (found.rule == case.rule and case.decision),
        )


def _listing_error(traversal: Traversal, listed: list[str]) -> str | None:
    if traversal.listed is not None:
        if listed != list(traversal.listed):
            return f"the pages concatenate to {listed}, not the whole listing {list(traversal.listed)}"
        return None
    twice = sorted({job_id for job_id in listed if listed.count(job_id) > 1})
    if twice:
        return f"listed twice: {twice}"
    missing = [job_id for job_id in traversal.exactly_once if job_id not in listed]
    if missing:
        return f"skipped {missing}, which matched the query throughout"
    allowed = set(traversal.exactly_once) | set(traversal.at_most_once)
    unexpected = [job_id for job_id in listed if job_id not in allowed]
    if unexpected:
        return f"listed {unexpected}, which the query never selects"
    return None


def _judge(
    run: _Run,
    where: str,
    expect: Expectation | None,
    outcome: Outcome,
    jobs: list[dict[str, Any]],
    request: Any,
    hint: str = "",
) -> bool:
    """Compare an outcome with its expectation; False when the case cannot go on."""
    expected: Any = expect.as_json() if expect is not None else "an answer"
    log = run.log

    def fail(reason: str, rule: str = run.case.rule) -> None:
        run.fail(rule, f"{where}: {reason}", jobs, request, expected, outcome.shown)

    if isinstance(outcome, Rejection) and outcome.crash:
        return False  # recorded as a crash, not as a failure of this rule
    if expect is not None and expect.reject:
        if isinstance(outcome, Answer):
            fail("answered a request the contract rejects" + hint)
            return False
        if isinstance(outcome, Rejection) and expect.message and expect.message not in outcome.text:
            if outcome.programming_error:
                # A programming error refuses for the wrong reason: one crash, not a message failure.
                log.crash(f"raised {outcome.error_type}", outcome.error, jobs=jobs, request=request)
            else:
                fail(f"rejected, but the error does not carry the contract's message {expect.message!r}")
        return isinstance(outcome, Rejection)
    if isinstance(outcome, Rejection):
        fail("rejected a request the contract answers")
        return False
    if isinstance(outcome, Malformed):
        fail("the response cannot be read (see W-1)")
        return False
    if expect is None:
        return True
    ok = True
    if expect.job_ids is not None:
        got = sorted(outcome.ids) if expect.unordered else list(outcome.ids)
        wanted = sorted(expect.job_ids) if expect.unordered else list(expect.job_ids)
        if got != wanted:
            fail(f"listed {list(outcome.ids)}, expected {list(expect.job_ids)}")
            ok = False
    if ok and expect.summaries is not None and _canonical(outcome.summaries) != _canonical(expect.summaries):
        fail("the summaries differ from the expected ones")
        ok = False
    if expect.more is not None:
        log.check("P-2")
        if outcome.more != expect.more:
            fail(
                "a nextToken, but no more jobs follow"
                if outcome.more
                else "no nextToken, but more jobs follow",
                rule="P-2",
            )
            ok = False
    return ok
