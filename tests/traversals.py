"""Whole traversals of a listing function (``list_service_jobs`` or ``list_jobs``), or of a store's
ListJobsByConsumableResource, for the property tests."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from listjobs_core import LIST_JOBS_BY_CONSUMABLE_RESOURCE, list_jobs_by_consumable_resource

Listing = Callable[..., dict[str, Any]]


def traverse(
    listing: Listing,
    jobs: list[dict[str, Any]],
    query: dict[str, Any],
    sizes: list[int],
    *,
    max_pages: int = 1000,
    token_key: bytes | None = None,
) -> list[dict[str, Any]]:
    """Every response of one traversal by ``listing``, asking for ``sizes`` in turn (the last one repeated).

    Fails the test if there is no last page within ``max_pages`` pages.
    """
    responses: list[dict[str, Any]] = []
    token = None
    for number in range(max_pages):
        request = {**query, "maxResults": sizes[min(number, len(sizes) - 1)]}
        if token is not None:
            request["nextToken"] = token
        response = listing(jobs, request, token_key=token_key)
        responses.append(response)
        token = response.get("nextToken")
        if token is None:
            return responses
    raise AssertionError(f"no last page after {max_pages} pages")


def listed(responses: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The summaries of a traversal, concatenated."""
    return [summary for response in responses for summary in response["jobSummaryList"]]


def resource_listing(
    store: Any, jobs: list[dict[str, Any]], query: dict[str, Any], sizes: list[int]
) -> list[dict[str, Any]]:
    """The jobs one traversal of ``store``'s ListJobsByConsumableResource lists, asking for ``sizes`` in turn;
    each page checked to be what the pure function answers over ``jobs`` (tokens included) and, as JSON,
    the bytes of the store's ``answer_json``."""

    def page(
        jobs: list[dict[str, Any]], request: dict[str, Any], token_key: bytes | None = None
    ) -> dict[str, Any]:
        answer: dict[str, Any] = store.list_jobs_by_consumable_resource(request)
        assert answer == list_jobs_by_consumable_resource(jobs, request)
        routed = store.answer_json(request, operation=LIST_JOBS_BY_CONSUMABLE_RESOURCE)
        assert routed == json.dumps(answer, separators=(",", ":")).encode("ascii")
        return answer

    return [job for answer in traverse(page, jobs, query, sizes, max_pages=200) for job in answer["jobs"]]
