"""One page of a listing: selection, order and pagination in one pass (rules P-1 to P-4).

Theory of operation: a page is the ``maxResults`` smallest sort keys among the selected jobs that sort
after the cursor. The engine reads the jobs once, chunk by chunk (``_selection``), and keeps only the
``maxResults + 1`` first past the cursor (``_first_keys``), so a page of k out of n jobs costs O(n log k)
at most, never a sort of everything, and no job off the page is copied. The extra, (k+1)-th entry tells
whether more jobs follow: then, and only then, the page carries a ``nextToken`` (P-2), which is the key of
its last job (P-4: a keyset cursor, not an offset, so inserts and deletes between pages neither repeat nor
skip a job).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ._errors import ServerException
from ._first_keys import first_by_name, first_newest
from ._model import Cursor, JobLike
from ._names import JobNamePattern
from ._operations import LIST_SERVICE_JOBS, Operation
from ._ordering import groups_by_name
from ._query import ListQuery
from ._request import parse_request
from ._selection import CreatedAtWindow, NameWindow, iter_selected
from ._tokens import check_token_key, encode_token
from ._wire import resource_summaries, response, to_summary

__all__ = ["Page", "list_service_jobs", "paginate", "paginate_with", "run_listing", "select_page"]


@dataclass(frozen=True, slots=True)
class Page:
    """The jobs of one page, in order, and the cursor of the next page when more jobs follow."""

    jobs: tuple[JobLike, ...]
    next_cursor: Cursor | None


def select_page(jobs: Iterable[JobLike], query: ListQuery) -> Page:
    """The page of ``query`` over ``jobs``: O(n log k) for n jobs and a page of k, in one pass.

    >>> from listjobs_core import LIST_SERVICE_JOBS
    >>> jobs = [{"jobId": str(i), "jobName": "n", "status": "RUNNING", "createdAt": i} for i in range(5)]
    >>> page = select_page(jobs, ListQuery(LIST_SERVICE_JOBS, max_results=2))
    >>> [job["jobId"] for job in page.jobs], page.next_cursor
    (['4', '3'], Cursor(sort_key=(False, -3, '3')))
    """
    limit = query.page_size
    after = None if query.after is None else query.after.sort_key
    try:
        # One more than the page, to know whether more jobs follow (P-2).
        if groups_by_name(query):
            names = _name_window(query)
            chunks = iter_selected(jobs, query, window=names).chunks
            first = first_by_name(chunks, limit + 1, after, window=names)
        else:
            created = CreatedAtWindow()
            selection = iter_selected(jobs, query, window=created, newest_first=True)
            first = first_newest(
                selection.chunks, limit + 1, after, chunks_reversed=selection.reversed, window=created
            )
    except (TypeError, KeyError, AttributeError, ValueError, RecursionError) as error:
        # E-2: a job that is not a mapping, lacks jobId/jobName, or has a member of the wrong type.
        raise ServerException(f"a job among the jobs is malformed: {type(error).__name__}: {error}") from None
    page_entries = first[:limit]
    next_cursor = Cursor(page_entries[-1][0]) if len(first) > limit else None
    return Page(tuple(job for _, job in page_entries), next_cursor)


def _name_window(query: ListQuery) -> NameWindow | None:
    """A window for a page grouped by name, unless the filter is an exact JOB_NAME: its jobs all share one
    folded name, and a comparison of every job's name would cost more than the length test it spares."""
    parsed = None if query.job_filter is None else query.job_filter.parsed
    if isinstance(parsed, JobNamePattern) and not parsed.is_prefix:
        return None
    return NameWindow()


def run_listing(
    operation: Operation, jobs: Iterable[JobLike], request: object, *, token_key: bytes | None = None
) -> dict[str, Any]:
    """Parse a wire request for ``operation``, select its page, and render the wire response."""
    token_key = check_token_key(token_key)
    query = parse_request(operation, request, token_key=token_key)
    page = select_page(jobs, query)
    if query.consumable_resource is not None:
        # CR-8: summaries of another shape, with what each job requires of the resource.
        summaries = resource_summaries(page.jobs, query.consumable_resource, operation.summary_members)
    else:
        summaries = [to_summary(job, operation.summary_members) for job in page.jobs]
    next_token = None
    if page.next_cursor is not None:
        next_token = encode_token(page.next_cursor.sort_key, query, token_key=token_key)
    return response(summaries, next_token, operation.list_member)


def list_service_jobs(
    jobs: Iterable[JobLike],
    request: object,
    *,
    token_key: bytes | None = None,
) -> dict[str, Any]:
    """Answer a ListServiceJobs request over ``jobs``, exactly as AWS Batch does.

    ``jobs`` is any iterable of jobs in the wire shape of ``ServiceJobSummary`` (optionally carrying
    ``jobQueue`` and ``version``); ``request`` is a ``ListServiceJobsRequest`` as a JSON body decodes to.
    Returns a ``ListServiceJobsResponse`` dict. Raises ``ClientException`` for any bad request, and
    ``ServerException`` for a malformed job. ``token_key`` is an optional secret for HMAC-signed tokens.
    Cost: one pass over the jobs, O(n log k) for n jobs and a page of k.

    >>> jobs = [
    ...     {"jobId": "a", "jobName": "train", "status": "RUNNING", "createdAt": 1},
    ...     {"jobId": "b", "jobName": "Train", "status": "RUNNING", "createdAt": 2},
    ...     {"jobId": "c", "jobName": "eval", "status": "FAILED", "createdAt": 3},
    ... ]
    >>> page = list_service_jobs(jobs, {"maxResults": 1})
    >>> page["jobSummaryList"][0]["jobId"], "nextToken" in page
    ('b', True)
    >>> next_page = list_service_jobs(jobs, {"maxResults": 1, "nextToken": page["nextToken"]})
    >>> next_page["jobSummaryList"][0]["jobId"], "nextToken" in next_page
    ('a', False)
    >>> by_name = {"filters": [{"name": "JOB_NAME", "values": ["TRAIN"]}]}
    >>> [summary["jobId"] for summary in list_service_jobs(jobs, by_name)["jobSummaryList"]]
    ['b', 'a']
    """
    return run_listing(LIST_SERVICE_JOBS, jobs, request, token_key=token_key)


def paginate_with(list_page: Callable[[object], dict[str, Any]], request: object) -> Iterator[dict[str, Any]]:
    """The pages ``list_page`` answers for ``request``, first to last, each request carrying the previous
    page's ``nextToken``. The request is copied, never changed; a bad request raises on the first page."""
    if not isinstance(request, Mapping):
        # V-1 is the listing's to report, with its own message: hand it over unchanged.
        yield list_page(request)
        return
    page_request = dict(request)
    while True:
        page = list_page(page_request)
        yield page
        token = page.get("nextToken")
        if token is None:
            return
        page_request = {**page_request, "nextToken": token}


def paginate(
    jobs: Iterable[JobLike],
    request: object,
    *,
    operation: Operation = LIST_SERVICE_JOBS,
    token_key: bytes | None = None,
) -> Iterator[dict[str, Any]]:
    """Every page of a listing over ``jobs``, first to last, as a client's paginator would fetch them.

    ``jobs`` is read once into a list, so a generator works too; each page is what the listing function of
    ``operation`` answers (``list_service_jobs`` by default, or ``list_jobs`` with ``LIST_JOBS``).

    >>> jobs = [{"jobId": str(i), "jobName": "n", "status": "RUNNING", "createdAt": i} for i in range(5)]
    >>> pages = paginate(jobs, {"maxResults": 2})
    >>> [[summary["jobId"] for summary in page["jobSummaryList"]] for page in pages]
    [['4', '3'], ['2', '1'], ['0']]
    """
    held = list(jobs)
    token_key = check_token_key(token_key)
    return paginate_with(
        lambda page_request: run_listing(operation, held, page_request, token_key=token_key), request
    )
