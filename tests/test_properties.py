"""Traversals of unchanging jobs agree with the oracle, page by page and whole (P-1..P-3, T-2, W-1..W-3)."""

from __future__ import annotations

import copy
import json
import random
from types import MappingProxyType
from typing import Any

import oracle_list_jobs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from oracle import FILTER_NAMES, expected_selection
from oracle import matches as oracle_matches
from strategies import (
    QUEUES,
    filters,
    job_definition_values,
    jobs_and_filtered_queries,
    jobs_and_queries,
    list_jobs_jobs,
    page_sizes,
)
from traversals import listed, traverse

from listjobs_core import (
    LIST_JOBS,
    LIST_SERVICE_JOBS,
    Operation,
    _selection,
    list_service_jobs,
)
from listjobs_core._filters import FilterName, JobFilter
from listjobs_core._queues import QueueMatcher, denote_same_queue

three_sizes = st.lists(st.integers(1, 30), min_size=3, max_size=3)


@given(jobs_and_queries(), page_sizes)
def test_pages_concatenate_to_the_selection(jobs_query: Any, sizes: list[int]) -> None:
    """P-3: whatever maxResults each request uses, the pages concatenate to the oracle's selection."""
    jobs, query = jobs_query
    assert listed(traverse(list_service_jobs, jobs, query, sizes)) == expected_selection(jobs, query)


@pytest.mark.parametrize("kind", FILTER_NAMES)
@given(data=st.data())
def test_each_filter_kind_selects_like_the_oracle(kind: str, data: st.DataObject) -> None:
    """S-3..S-8/O-1..O-3: a one-page listing under each filter kind is the oracle's selection."""
    jobs, query = data.draw(jobs_and_filtered_queries(kind))
    assert list_service_jobs(jobs, {**query, "maxResults": 100})["jobSummaryList"] == expected_selection(
        jobs, query
    )[:100]


@pytest.mark.parametrize(
    ("names", "value", "selected"),
    [
        (["Test1", "test1", "test10"], "test1", ["Test1", "test1"]),  # the seed's examples
        (["test1", "Test10", "tes"], "test1*", ["Test10", "test1"]),
        (["Straße", "STRASSE", "Strase"], "strasse", ["STRASSE", "Straße"]),  # casefold, not lower()
        (["Straße", "STRASSE", "Strase"], "STRAß", []),
        (["Straße", "STRASSE", "Strase"], "STRAß*", ["STRASSE", "Straße"]),
        (["Straße", "STRASSE", "Strase"], "strass*", ["STRASSE", "Straße"]),
        (["a*b", "ab", "a*bc", "axb"], "a*b", ["a*b"]),  # only the final * is a wildcard
        (["a*b", "ab", "a*bc", "axb"], "a*b*", ["a*b", "a*bc"]),
        (["a*", "a", "a**"], "a**", ["a*", "a**"]),
        (["x", "", "*"], "*", ["", "*", "x"]),
    ],
)
def test_job_name_examples(names: list[str], value: str, selected: list[str]) -> None:
    """S-5/S-6/O-2: casefold matching, a final * for prefixes, names in code-point order."""
    jobs = [{"jobId": str(number), "jobName": name} for number, name in enumerate(names)]
    response = list_service_jobs(jobs, {"filters": [{"name": "JOB_NAME", "values": [value]}]})
    assert [summary["jobName"] for summary in response["jobSummaryList"]] == selected


@given(jobs_and_queries(), page_sizes)
def test_only_the_last_page_is_short_and_has_no_token(jobs_query: Any, sizes: list[int]) -> None:
    """P-1/P-2: pages before the last are full and carry a token; the last has no nextToken key."""
    jobs, query = jobs_query
    responses = traverse(list_service_jobs, jobs, query, sizes)
    for number, response in enumerate(responses):
        size = sizes[min(number, len(sizes) - 1)]
        assert set(response) <= {"jobSummaryList", "nextToken"}
        assert len(response["jobSummaryList"]) <= size
        if number < len(responses) - 1:
            assert len(response["jobSummaryList"]) == size
            assert isinstance(response["nextToken"], str)
    assert "nextToken" not in responses[-1]
    # A token is issued only when more jobs follow, so no page reached through a token is empty.
    assert all(response["jobSummaryList"] for response in responses[1:])


@given(jobs_and_queries(max_jobs=8))
def test_first_page_without_max_results_holds_up_to_100(jobs_query: Any) -> None:
    """P-1: without maxResults a page holds up to 100 summaries (of up to 200 jobs: 8, 25 copies each)."""
    jobs, query = jobs_query
    many = [{**job, "jobId": f"{job['jobId']}#{copy_number}"} for job in jobs for copy_number in range(25)]
    response = list_service_jobs(many, query)
    selection = expected_selection(many, query)
    assert response["jobSummaryList"] == selection[:100]
    assert ("nextToken" in response) == (len(selection) > 100)


@given(jobs_and_queries(), st.integers(2, 15), st.booleans(), three_sizes)
def test_the_first_pages_of_long_listings(
    jobs_query: Any, copies: int, spread: bool, sizes: list[int]
) -> None:
    """P-1..P-3: with hundreds of jobs (many tied in createdAt), the first three pages are the oracle's."""
    jobs, query = jobs_query
    many = [
        {**job, "jobId": f"{job['jobId']}#{number}",
         **({"createdAt": job["createdAt"] + number % 3} if spread and "createdAt" in job else {})}
        for job in jobs
        for number in range(copies)
    ]
    selection = expected_selection(many, query)
    request: dict[str, Any] = dict(query)
    start = 0
    for size in sizes:
        response = list_service_jobs(many, {**request, "maxResults": size})
        assert response["jobSummaryList"] == selection[start : start + size]
        start += size
        if "nextToken" not in response:
            assert start >= len(selection)
            return
        request["nextToken"] = response["nextToken"]


@given(jobs_and_queries(), page_sizes, st.randoms(use_true_random=False))
def test_responses_do_not_depend_on_input_order(
    jobs_query: Any, sizes: list[int], rng: random.Random
) -> None:
    """T-2/IN-1: shuffled jobs, or jobs given as a one-pass iterator, give identical pages and tokens."""
    jobs, query = jobs_query
    shuffled = jobs[:]
    rng.shuffle(shuffled)
    responses = traverse(list_service_jobs, jobs, query, sizes)
    assert traverse(list_service_jobs, shuffled, query, sizes) == responses
    for number, response in enumerate(responses):
        request = {**query, "maxResults": sizes[min(number, len(sizes) - 1)]}
        if number:
            request["nextToken"] = responses[number - 1]["nextToken"]
        assert list_service_jobs(iter(shuffled), request) == response


@given(jobs_and_queries(), page_sizes)
def test_jobs_may_be_any_mappings(jobs_query: Any, sizes: list[int]) -> None:
    """IN-1/V-1: read-only mappings as jobs, and a read-only request, give the same pages as dicts."""
    jobs, query = jobs_query
    frozen = [MappingProxyType(job) for job in jobs]
    responses = traverse(list_service_jobs, jobs, query, sizes)
    for number, response in enumerate(responses):
        request = {**query, "maxResults": sizes[min(number, len(sizes) - 1)]}
        if number:
            request["nextToken"] = responses[number - 1]["nextToken"]
        assert list_service_jobs(frozen, MappingProxyType(request)) == response


def scribble(value: Any) -> None:
    """Change every dict and list inside ``value``, in place."""
    if isinstance(value, dict):
        for inner in list(value.values()):
            scribble(inner)
        value.clear()
        value["scribbled"] = True
    elif isinstance(value, list):
        for inner in value:
            scribble(inner)
        value.append("scribbled")


@given(jobs_and_queries(), page_sizes)
def test_jobs_are_never_changed(jobs_query: Any, sizes: list[int]) -> None:
    """IN-1/W-3: listing leaves the jobs as they were, and scribbling over a response does not reach them."""
    jobs, query = jobs_query
    before = copy.deepcopy(jobs)
    responses = traverse(list_service_jobs, jobs, query, sizes)
    assert jobs == before
    for response in responses:
        scribble(response)
    assert jobs == before


@given(jobs_and_queries(), page_sizes)
def test_responses_are_json(jobs_query: Any, sizes: list[int]) -> None:
    """W-1/W-2: every response is plain JSON (dicts, lists, str, int, float) and survives a round trip."""
    jobs, query = jobs_query
    for response in traverse(list_service_jobs, jobs, query, sizes):
        assert type(response) is dict
        assert json.loads(json.dumps(response, allow_nan=False)) == response
        assert all(type(summary) is dict for summary in response["jobSummaryList"])


@given(jobs_and_queries(), page_sizes)
def test_a_token_key_changes_only_the_tokens(jobs_query: Any, sizes: list[int]) -> None:
    """T-4: with token_key the pages are the same, only the tokens (and never their presence) differ."""
    jobs, query = jobs_query
    plain = traverse(list_service_jobs, jobs, query, sizes)
    keyed = traverse(list_service_jobs, jobs, query, sizes, token_key=b"secret")
    assert [response["jobSummaryList"] for response in keyed] == [r["jobSummaryList"] for r in plain]
    assert ["nextToken" in response for response in keyed] == ["nextToken" in r for r in plain]


# --- The fast paths: chunks, reading from the end, the created-at window, memos -------------------------

orders = st.sampled_from(("as drawn", "oldest first", "newest first"))


def ordered(jobs: list[dict[str, Any]], order: str) -> list[dict[str, Any]]:
    """The jobs as drawn, or sorted by createdAt (jobs without one first), as emulators append them."""
    if order == "as drawn":
        return jobs
    by_age = sorted(jobs, key=lambda job: (job.get("createdAt") is not None, job.get("createdAt") or 0))
    return by_age if order == "oldest first" else by_age[::-1]


@given(jobs_and_queries(max_jobs=20), page_sizes, st.integers(1, 5), orders, st.integers(1, 4))
def test_pages_read_in_small_chunks_are_the_oracles(
    jobs_query: Any, sizes: list[int], chunk_size: int, order: str, copies: int
) -> None:
    """P-3, O-1..O-3: with chunks of a few jobs, so every page spans many chunks, is read from the end of a
    list appended in creation order, prunes its candidates and narrows the created-at window many times,
    the pages still concatenate to the oracle's selection, for lists, tuples and generators alike."""
    jobs, query = jobs_query
    many = ordered([{**job, "jobId": f"{job['jobId']}#{n}"} for job in jobs for n in range(copies)], order)
    selection = expected_selection(many, query)
    saved, _selection.CHUNK_SIZE = _selection.CHUNK_SIZE, chunk_size
    try:
        for given_as in (many, tuple(many)):
            assert listed(traverse(list_service_jobs, given_as, query, sizes)) == selection
        first_page = {**query, "maxResults": sizes[0]}
        assert list_service_jobs(iter(many), first_page) == list_service_jobs(many, first_page)
    finally:
        _selection.CHUNK_SIZE = saved


@given(jobs_and_queries(max_jobs=30), st.integers(1, 5), st.integers(1, 4))
def test_repeated_job_ids_keep_their_input_order_in_any_chunking(
    jobs_query: Any, chunk_size: int, copies: int
) -> None:
    """IN-1: jobs that repeat a jobId with the same sort key are listed in input order, also when the list
    is read from its end in chunks (the page's search then runs in reverse input order)."""
    jobs, query = jobs_query
    repeated = sorted(
        ({**job, "copy": n} for job in jobs for n in range(copies)),
        key=lambda job: (job.get("createdAt") is not None, job.get("createdAt") or 0),
    )
    request = {**query, "maxResults": 100}
    expected = list_service_jobs(repeated, request)
    saved, _selection.CHUNK_SIZE = _selection.CHUNK_SIZE, chunk_size
    try:
        assert list_service_jobs(repeated, request) == expected
    finally:
        _selection.CHUNK_SIZE = saved


@pytest.mark.parametrize("operation", [LIST_SERVICE_JOBS, LIST_JOBS], ids=lambda op: op.name)
@given(data=st.data())
def test_every_filter_selects_what_its_predicate_and_the_oracle_select(
    operation: Operation, data: st.DataObject
) -> None:
    """Each filter's selector (its fast_select, when it has one) keeps exactly the jobs its predicate keeps,
    and those the tests' oracle selects, in order, over any chunking of the jobs."""
    jobs = data.draw(list_jobs_jobs(max_size=30))
    kinds = tuple(name.value for name in operation.filter_names)
    other_values = {"JOB_DEFINITION": job_definition_values(jobs)}
    one = data.draw(filters(jobs, kinds, other_values))
    job_filter = JobFilter(FilterName(one["name"]), one["values"][0])
    spec = job_filter.spec
    select = spec.selector(job_filter.parsed)
    cut = data.draw(st.integers(0, len(jobs)))
    by_chunks = select(iter(jobs[:cut])) + select(jobs[cut:])
    keep = spec.predicate(job_filter.parsed)
    assert by_chunks == [job for job in jobs if keep(job)]
    request = {"filters": [one]}
    if operation is LIST_SERVICE_JOBS:
        assert by_chunks == [job for job in jobs if oracle_matches(job, request)]
    elif one["name"] == "JOB_DEFINITION":
        value = one["values"][0]
        assert by_chunks == [job for job in jobs if oracle_list_jobs.matches_definition(job, value)]


def test_case_folding_never_shortens() -> None:
    """The JOB_NAME selector drops names longer than the folded value unseen: every character of Unicode
    folds to at least one character, and folding is per character (``test_store.py``), so folding never
    makes a name shorter."""
    assert all(chr(code_point).casefold() for code_point in range(0x110000))


queue_identifiers = st.one_of(
    st.sampled_from(QUEUES),
    st.builds(
        lambda region, name: f"arn:aws:batch:{region}:1:job-queue/{name}",
        st.sampled_from(("r1", "r2", "")),
        st.sampled_from(("q1", "q", "xq1", "arn:aws:batch:r1:1:job-queue/q1")),
    ),
    st.text("q1/:arn", max_size=8),
)


@given(queue_identifiers, st.lists(st.one_of(queue_identifiers, st.none(), st.integers()), max_size=6))
def test_the_queue_memo_answers_as_the_queue_rule(requested: str, values: list[Any]) -> None:
    """IN-2: QueueMatcher, with its shortcuts, accepts exactly the jobQueue values denote_same_queue says
    denote the requested queue (and any job without one)."""
    accepts = QueueMatcher(requested)
    for value in values:
        expected = value is None or (isinstance(value, str) and denote_same_queue(requested, value))
        assert accepts[value] == expected
