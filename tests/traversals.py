"""Whole traversals of a listing function (``list_service_jobs`` or ``list_jobs``), for the property tests."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

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
