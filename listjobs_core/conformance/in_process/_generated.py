"""The generated cases of the in-process check: generated jobs and requests, one traversal each.

Theory of operation: a case draws its jobs, its request and its page sizes from its own ``random.Random``
(``_generate``), so it is reproducible from the seed and its number alone. Most cases traverse unchanged
jobs and are compared with the reference page by page (``_differential``). The others change the jobs
between pages (inserts, deletes, status changes, never a sort key): no job may be listed twice, and no job
skipped that the adapter itself selects in every version of the jobs the traversal saw (P-4). Judging
against the adapter's own selection keeps a selection bug from showing up as a pagination bug too.
"""

from __future__ import annotations

import random
from typing import Any

from .._calls import Answer, Implementation, Rejection
from .._diagnosis import Reference
from .._differential import page_request, traverse_and_compare
from .._generate import changed_jobs, generate_jobs, generate_request, generate_sizes
from .._report import CaseLog

__all__ = ["run_generated"]

# The share of generated cases whose jobs change between pages.
_CHANGING_SHARE = 0.3


def run_generated(
    implementation: Implementation, reference: Reference, rng: random.Random, log: CaseLog
) -> None:
    """Generate one case from ``rng`` and run it against an adapter and the reference."""
    jobs = generate_jobs(rng)
    request = generate_request(rng, jobs)
    if rng.random() < _CHANGING_SHARE:
        _changing_traversal(implementation, jobs, request, generate_sizes(rng, largest=3), rng, log)
    else:
        traverse_and_compare(implementation, reference, jobs, request, generate_sizes(rng), rng, log)


def _changing_traversal(
    implementation: Implementation,
    jobs: list[dict[str, Any]],
    request: dict[str, Any],
    sizes: list[int | None],
    rng: random.Random,
    log: CaseLog,
) -> None:
    log.check("P-4")
    used = {job["jobId"] for job in jobs}
    first_jobs = jobs
    snapshots: list[list[dict[str, Any]]] = []
    changes: list[list[str]] = []
    pages: list[list[str]] = []
    token: Any = None
    limit = 3 * (len(jobs) + 10)
    for number in range(limit):
        if number > 0:
            jobs, changed = changed_jobs(rng, jobs, used)
            changes.append(changed)
        outcome = implementation.call(jobs, page_request(request, sizes, number, token), log)
        if isinstance(outcome, Rejection) and outcome.crash:
            return  # recorded as a crash
        if not isinstance(outcome, Answer):
            if number > 0:
                _fail_changing(
                    log,
                    first_jobs,
                    request,
                    sizes,
                    changes,
                    pages,
                    f"rejected its own nextToken: {outcome.shown}",
                )
            return
        snapshots.append(jobs)
        pages.append(list(outcome.ids))
        if not outcome.more:
            break
        token = outcome.token
    else:
        _fail_changing(
            log,
            first_jobs,
            request,
            sizes,
            changes,
            pages,
            f"the traversal has not ended after {limit} pages",
        )
        return
    listed = [job_id for page in pages for job_id in page]
    twice = sorted({job_id for job_id in listed if listed.count(job_id) > 1})
    if twice:
        _fail_changing(log, first_jobs, request, sizes, changes, pages, f"listed twice: {twice}")
        return
    throughout: set[str] | None = None
    for snapshot in snapshots:
        # What the adapter itself selects from this version of the jobs, on one page.
        outcome = implementation.call(snapshot, {**request, "maxResults": 100}, log)
        if not isinstance(outcome, Answer) or outcome.more:
            return
        selected = set(outcome.ids)
        throughout = selected if throughout is None else throughout & selected
    skipped = sorted((throughout or set()) - set(listed))
    if skipped:
        _fail_changing(
            log,
            first_jobs,
            request,
            sizes,
            changes,
            pages,
            f"skipped {skipped}, which matched the query throughout",
        )


def _fail_changing(
    log: CaseLog,
    jobs: list[dict[str, Any]],
    request: dict[str, Any],
    sizes: list[int | None],
    changes: list[list[str]],
    pages: list[list[str]],
    reason: str,
) -> None:
    shown_request = {
        **({"request": request} if len(pages) > 1 else {"request": page_request(request, sizes, 0, None)}),
        "maxResults of each page": [sizes[min(number, len(sizes) - 1)] for number in range(len(pages) + 1)],
        "changes before each next page": changes,
    }
    log.fail(
        "P-4",
        reason,
        jobs=jobs,
        request=shown_request,
        expected="no job twice; every job that matched throughout listed",
        got={"pages": pages},
    )
