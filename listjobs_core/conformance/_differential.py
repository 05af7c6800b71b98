"""The comparison with the reference: one traversal of unchanged jobs, page by page, and its first token.

Theory of operation: a traversal follows one request with page sizes changing from page to page. The
implementation's pages must equal the reference's, page by page: the same job ids in the same order, and
a ``nextToken`` on the same pages. Each side follows only its own tokens. When they differ, the kit names
the rule at fault (``_diagnosis``): another whole selection is a selection or order rule, the same list
cut into other pages a pagination rule (P-1, P-2, P-3). Then the implementation's first token is checked
by behaviour: with one character changed it is rejected (T-4); with another query it is rejected (T-3);
over the same jobs in another order it gives the same next page (T-2).

Both ways of checking use it: in process over generated jobs (``in_process``), and over the wire over the
jobs the endpoint holds (``over_the_wire``), where T-2 is left out, since an endpoint's jobs cannot be
handed over in another order.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._calls import Answer, Implementation, Rejection, json_copy, page_limit
from ._diagnosis import STATUS_IGNORING_FILTERS, Reference, blame, diagnose, filter_name, selection_rule
from ._generate import other_query
from ._report import CaseLog
from ._vectors import tampered, token_change_hint

__all__ = ["page_request", "traverse_and_compare"]


@dataclass(frozen=True, slots=True)
class _Page:
    ids: tuple[str, ...]
    more: bool


def page_request(
    request: Mapping[str, Any], sizes: Sequence[int | None], number: int, token: Any
) -> dict[str, Any]:
    """Page ``number`` of a traversal of ``request``: its size from ``sizes`` (the last one repeated), and
    ``token`` when given."""
    page_request = dict(request)
    size = sizes[min(number, len(sizes) - 1)]
    if size is not None:
        page_request["maxResults"] = size
    if token is not None:
        page_request["nextToken"] = token
    return page_request


def _shown_request(request: Mapping[str, Any], sizes: Sequence[int | None], pages: int) -> Any:
    used = [sizes[min(number, len(sizes) - 1)] for number in range(max(pages, 1))]
    if len(used) == 1:
        return page_request(request, used, 0, None)
    return {"request": dict(request), "maxResults of each page": used}


def _reference_pages(
    reference: Reference, jobs: list[dict[str, Any]], request: Mapping[str, Any], sizes: Sequence[int | None]
) -> list[_Page]:
    pages: list[_Page] = []
    token = None
    while True:
        response = reference(json_copy(jobs), page_request(request, sizes, len(pages), token))
        token = response.get("nextToken")
        pages.append(
            _Page(tuple(summary["jobId"] for summary in response["jobSummaryList"]), token is not None)
        )
        if token is None:
            return pages


def traverse_and_compare(
    implementation: Implementation,
    reference: Reference,
    jobs: list[dict[str, Any]],
    request: dict[str, Any],
    sizes: list[int | None],
    rng: random.Random,
    log: CaseLog,
    case_rule: str | None = None,
) -> None:
    """Traverse ``request`` with the page sizes ``sizes`` over jobs that do not change, and compare the
    implementation's pages with the reference's; then check its first token by behaviour.

    ``case_rule``: the rule a designed case is written for, which a failure is reported under unless its
    cause is another rule's (as for a vector; see ``_diagnosis.blame``)."""
    expected = _reference_pages(reference, jobs, request, sizes)
    log.check(*_rules_exercised(request, expected))
    answers: list[Answer] = []
    token: Any = None
    rejected: str | None = None
    for number in range(len(expected) + 3):
        outcome = implementation.call(jobs, page_request(request, sizes, number, token), log)
        if isinstance(outcome, Rejection) and outcome.crash:
            return  # recorded as a crash
        if not isinstance(outcome, Answer):
            rejected = outcome.shown
            break
        answers.append(outcome)
        if not outcome.more:
            break
        token = outcome.token
    got = [_Page(answer.ids, answer.more) for answer in answers]
    if rejected is None and got == expected:
        if len(answers) > 1 and answers[0].more:
            _check_token(implementation, jobs, request, sizes, answers, rng, log)
        return
    shown_request = _shown_request(request, sizes, max(len(expected), len(got) + 1))
    shown_expected = [{"jobIds": list(page.ids), "more": page.more} for page in expected]
    shown_got: Any = [{"jobIds": list(page.ids), "more": page.more} for page in got]
    if rejected is not None:
        shown_got = [*shown_got, rejected]
    rule, reason, decision_part = _diagnose(
        implementation, reference, jobs, request, sizes, expected, got, rejected, log, case_rule
    )
    log.fail(
        rule,
        reason,
        jobs=jobs,
        request=shown_request,
        expected=shown_expected,
        got=shown_got,
        decision_part=decision_part,
    )


def _rules_exercised(request: Mapping[str, Any], expected: Sequence[_Page]) -> list[str]:
    rules = [selection_rule(request), "O-2" if filter_name(request) == "JOB_NAME" else "O-1"]
    if filter_name(request) in STATUS_IGNORING_FILTERS:
        rules.append("S-3")
    if request.get("jobQueue") is not None:
        rules.append("S-9")
    if len(expected) > 1:
        rules.append("P-3")
    return rules


def _diagnose(
    implementation: Implementation,
    reference: Reference,
    jobs: list[dict[str, Any]],
    request: dict[str, Any],
    sizes: list[int | None],
    expected: list[_Page],
    got: list[_Page],
    rejected: str | None,
    log: CaseLog,
    case_rule: str | None = None,
) -> tuple[str, str, bool]:
    """The rule a differing traversal breaks, why, and whether only its decision part is broken."""
    if rejected is not None and not got:
        return case_rule or selection_rule(request), f"rejected a valid request: {rejected}", False
    if rejected is not None:
        return "P-3", f"rejected the nextToken it gave on page {len(got)}: {rejected}", False
    found = diagnose(implementation, reference, jobs, request, log)
    if found is not None:
        reason = f"its whole selection {found.reason}"
        if case_rule is not None:
            chosen = blame(case_rule, implementation, reference, jobs, request, log)
            return chosen.rule, reason, chosen.decision_part
        return found.rule, reason, found.decision_part
    for number, (want, have) in enumerate(zip(expected, got, strict=False), 1):
        limit = page_limit(page_request(request, sizes, number - 1, None))
        if len(have.ids) > limit:
            return "P-1", f"page {number} holds {len(have.ids)} jobs, more than maxResults = {limit}", False
        if want != have:
            if want.ids == have.ids:
                token = "has a" if have.more else "has no"
                return "P-2", f"page {number} {token} nextToken, unlike the reference's", False
            if not have.ids and number > 1:
                return "P-2", f"the nextToken of page {number - 1} led to an empty page", False
            return "P-3", f"page {number} lists {list(have.ids)}, not {list(want.ids)}", False
    if len(got) > len(expected):
        return "P-2", f"a nextToken on page {len(expected)}, the last page of the listing", False
    return "P-3", "the traversal ends early", False


def _check_token(
    implementation: Implementation,
    jobs: list[dict[str, Any]],
    request: dict[str, Any],
    sizes: list[int | None],
    answers: list[Answer],
    rng: random.Random,
    log: CaseLog,
) -> None:
    """T-2, T-3, T-4 on the implementation's first token, by behaviour only."""
    token = answers[0].token
    second = page_request(request, sizes, 1, token)
    second_page = _Page(answers[1].ids, answers[1].more)
    shown_second = {"jobIds": list(second_page.ids), "more": second_page.more}

    shuffled = list(jobs)
    rng.shuffle(shuffled)
    # An endpoint's jobs cannot be handed over in another order: T-2 is then checked by the designed cases.
    if implementation.chooses_jobs:
        log.check("T-2")
        outcome = implementation.call(shuffled, second, log)
        crashed = isinstance(outcome, Rejection) and outcome.crash
        same = isinstance(outcome, Answer) and _Page(outcome.ids, outcome.more) == second_page
        if not crashed and not same:
            log.fail(
                "T-2",
                "the nextToken of page 1 gives another page 2 when the same jobs come in another order",
                jobs=shuffled,
                request=second,
                expected=shown_second,
                got=outcome.shown
                if not isinstance(outcome, Answer)
                else {"jobIds": list(outcome.ids), "more": outcome.more},
            )

    if isinstance(token, str):
        log.check("T-4")
        changed = rng.choice(tampered(token))
        outcome = implementation.call(jobs, {**second, "nextToken": changed}, log)
        if isinstance(outcome, Answer):
            log.fail(
                "T-4",
                "a nextToken with one character changed is accepted" + token_change_hint(token, changed),
                jobs=jobs,
                request={**second, "nextToken": changed},
                expected="a rejection",
                got=outcome.shown,
            )

    other = other_query(rng, request)
    if other is not None:
        log.check("T-3")
        foreign = page_request(other, sizes, 1, token)
        outcome = implementation.call(jobs, foreign, log)
        if isinstance(outcome, Answer):
            log.fail(
                "T-3",
                "a nextToken is accepted with another query (jobQueue, jobStatus or filters changed)",
                jobs=jobs,
                request={"first page": page_request(request, sizes, 0, None), "then": foreign},
                expected="a rejection",
                got=outcome.shown,
            )
