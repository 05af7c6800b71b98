"""nextToken: its shape, determinism, binding to the query, and tamper detection (T-1..T-4, V-11)."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from oracle import expected_selection, sort_key
from strategies import ACCOUNT_ARN, OTHER_ARN, TOKEN_ALPHABET, jobs_and_queries

from listjobs_core import ClientException, _tokens, list_service_jobs

URL_SAFE = re.compile(r"[A-Za-z0-9_-]+")

# Eight jobs that every query below selects (all RUNNING, queue q1 as a name, an ARN or unnamed,
# share s1, quota share s1, names test1..test8 created at distinct times), so each first page of
# two has a token and a name query and its ARN query select the same jobs.
JOBS: list[dict[str, Any]] = [
    {
        "jobId": f"job-{number}",
        "jobName": f"test{number}",
        "status": "RUNNING",
        "createdAt": 1_000_000 + number,
        "shareIdentifier": "s1",
        "quotaShareName": "s1",
        **({"jobQueue": ("q1", ACCOUNT_ARN + "q1")[number % 2]} if number % 3 else {}),
    }
    for number in range(1, 9)
]
QUERY: dict[str, Any] = {"jobQueue": "q1", "jobStatus": "RUNNING"}


def first_token(query: dict[str, Any], token_key: bytes | None = None, size: int = 2) -> str:
    """The token of the first page of ``query`` over JOBS."""
    token = list_service_jobs(JOBS, {**query, "maxResults": size}, token_key=token_key)["nextToken"]
    assert isinstance(token, str)
    return token


def assert_rejected(jobs: Any, request: Any, token_key: bytes | None = None) -> ClientException:
    """The request is refused with a ClientException (HTTP 400) that names nextToken."""
    with pytest.raises(ClientException) as caught:
        list_service_jobs(jobs, request, token_key=token_key)
    error = caught.value
    assert error.status_code == 400
    assert error.error_type == "ClientException"
    assert "nextToken" in error.message
    return error


def test_token_shape() -> None:
    """T-1: a token is non-empty URL-safe ASCII of at most 1024 characters."""
    token = first_token(QUERY)
    assert URL_SAFE.fullmatch(token)
    assert len(token) <= 1024


@given(jobs_and_queries(), st.integers(1, 3))
def test_every_token_is_url_safe_and_short(jobs_query: Any, size: int) -> None:
    """T-1: every token of any traversal is URL-safe ASCII of at most 1024 characters."""
    jobs, query = jobs_query
    request: dict[str, Any] = {**query, "maxResults": size}
    while "nextToken" in (response := list_service_jobs(jobs, request)):
        token = response["nextToken"]
        assert URL_SAFE.fullmatch(token) and len(token) <= 1024
        request["nextToken"] = token


@given(
    st.lists(st.text(min_size=1, max_size=128), min_size=2, max_size=4),
    st.lists(st.text(min_size=1, max_size=64), min_size=4, max_size=4, unique=True),
)
def test_tokens_stay_short_for_long_names_and_ids(names: list[str], ids: list[str]) -> None:
    """T-1: names of up to 128 and ids of up to 64 characters of any script still give tokens <= 1024."""
    jobs = [{"jobId": job_id, "jobName": names[n % len(names)], "createdAt": 5}
            for n, job_id in enumerate(ids)]
    for name in names:
        request: dict[str, Any] = {"filters": [{"name": "JOB_NAME", "values": [name + "*"]}], "maxResults": 1}
        while "nextToken" in (response := list_service_jobs(jobs, request)):
            assert URL_SAFE.fullmatch(response["nextToken"]) and len(response["nextToken"]) <= 1024
            request["nextToken"] = response["nextToken"]


def test_a_long_filter_value_gives_a_short_token() -> None:
    """T-1/T-3: the token binds a 5000-character SHARE_IDENTIFIER value yet stays within 1024 characters."""
    value = "s" * 5000
    jobs = [{"jobId": str(n), "jobName": "n", "createdAt": n, "shareIdentifier": value} for n in range(3)]
    request = {"filters": [{"name": "SHARE_IDENTIFIER", "values": [value]}], "maxResults": 1}
    token = list_service_jobs(jobs, request)["nextToken"]
    assert URL_SAFE.fullmatch(token) and len(token) <= 1024
    assert_rejected(jobs, {"filters": [{"name": "SHARE_IDENTIFIER", "values": [value[:-1] + "t"]}],
                           "nextToken": token})


def test_tokens_are_deterministic() -> None:
    """T-2: the same page gives the same token, call after call, and in reversed input order."""
    token = first_token(QUERY)
    assert first_token(QUERY) == token
    assert list_service_jobs(JOBS[::-1], {**QUERY, "maxResults": 2})["nextToken"] == token


QUERIES_AND_OTHERS = [
    pytest.param(QUERY, {**QUERY, "jobQueue": "q2"}, id="another queue"),
    pytest.param(QUERY, {**QUERY, "jobQueue": ACCOUNT_ARN + "q2"}, id="another queue's ARN"),
    pytest.param(QUERY, {"jobStatus": "RUNNING"}, id="queue dropped"),
    pytest.param({"jobStatus": "RUNNING"}, QUERY, id="queue added"),
    pytest.param({**QUERY, "jobQueue": ACCOUNT_ARN + "q1"}, {**QUERY, "jobQueue": OTHER_ARN + "q1"},
                 id="same name, ARN of another region and account"),
    pytest.param(QUERY, {**QUERY, "jobStatus": "FAILED"}, id="another status"),
    pytest.param({"jobQueue": "q1"}, {"jobQueue": "q1", "jobStatus": "FAILED"}, id="status added"),
    pytest.param({**QUERY, "filters": [{"name": "JOB_NAME", "values": ["test*"]}]},
                 {**QUERY, "jobStatus": "FAILED", "filters": [{"name": "JOB_NAME", "values": ["test*"]}]},
                 id="status changed under JOB_NAME"),
    pytest.param({"filters": [{"name": "JOB_NAME", "values": ["test*"]}]},
                 {"filters": [{"name": "JOB_NAME", "values": ["tes*"]}]}, id="another name value"),
    pytest.param({"filters": [{"name": "JOB_NAME", "values": ["test*"]}]}, {}, id="filter dropped"),
    pytest.param({"jobStatus": "RUNNING"},
                 {"jobStatus": "RUNNING", "filters": [{"name": "SHARE_IDENTIFIER", "values": ["s1"]}]},
                 id="filter added"),
    pytest.param({"filters": [{"name": "SHARE_IDENTIFIER", "values": ["s1"]}]},
                 {"filters": [{"name": "QUOTA_SHARE_NAME", "values": ["s1"]}]}, id="another filter name"),
    pytest.param({"filters": [{"name": "BEFORE_CREATED_AT", "values": ["1000007"]}]},
                 {"filters": [{"name": "BEFORE_CREATED_AT", "values": ["1000008"]}]}, id="another time"),
    pytest.param({"filters": [{"name": "BEFORE_CREATED_AT", "values": ["1000007"]}]},
                 {"filters": [{"name": "AFTER_CREATED_AT", "values": ["1000007"]}]}, id="before to after"),
]


@pytest.mark.parametrize(("query", "other"), QUERIES_AND_OTHERS)
def test_a_token_is_refused_for_another_query(query: dict[str, Any], other: dict[str, Any]) -> None:
    """T-3: a token presented with another jobQueue, jobStatus or filter is a ClientException."""
    assert_rejected(JOBS, {**other, "maxResults": 2, "nextToken": first_token(query)})


SAME_QUERIES = [
    pytest.param(QUERY, {**QUERY, "jobQueue": ACCOUNT_ARN + "q1"}, id="name then ARN"),
    pytest.param({**QUERY, "jobQueue": ACCOUNT_ARN + "q1"}, QUERY, id="ARN then name"),
    pytest.param({**QUERY, "jobQueue": OTHER_ARN + "q1"}, QUERY, id="other region's ARN then name"),
    pytest.param(QUERY, {**QUERY, "unknownMember": 1}, id="unknown member added"),
    pytest.param({"jobQueue": "q1"}, {"jobQueue": "q1", "jobStatus": None}, id="null status"),
    pytest.param({"jobStatus": "RUNNING"}, {"jobStatus": "RUNNING", "jobQueue": None}, id="null queue"),
    pytest.param(QUERY, {**QUERY, "filters": None}, id="null filters"),
]


@pytest.mark.parametrize(("query", "same"), SAME_QUERIES)
@pytest.mark.parametrize("size", [1, 2, 5, 100])
def test_a_token_is_accepted_for_the_same_query(
    query: dict[str, Any], same: dict[str, Any], size: int
) -> None:
    """T-3/IN-4: a queue's name or ARN, nulls, unknown members and any maxResults keep a token valid."""
    first = list_service_jobs(JOBS, {**query, "maxResults": 2})
    response = list_service_jobs(JOBS, {**same, "maxResults": size, "nextToken": first["nextToken"]})
    # The token is a keyset cursor: the page goes on after the last job of the first page.
    last_job = next(job for job in JOBS if job["jobId"] == first["jobSummaryList"][-1]["jobId"])
    after = [job for job in JOBS if sort_key(job, same) > sort_key(last_job, same)]
    assert response["jobSummaryList"] == expected_selection(after, same)[:size]


def variants(token: str) -> set[str]:
    """Every single-character substitution, deletion and insertion of ``token``, and its truncations."""
    changed = set()
    for position in range(len(token)):
        changed.add(token[:position])
        changed.add(token[:position] + token[position + 1 :])
        for char in TOKEN_ALPHABET:
            changed.add(token[:position] + char + token[position + 1 :])
            changed.add(token[:position] + char + token[position:])
    changed.update(token + char for char in TOKEN_ALPHABET)
    changed.update((token + token, token + "=", token + "==", " " + token, token + "\n", token.swapcase()))
    changed.discard(token)
    return changed


@pytest.mark.parametrize("token_key", [None, b"secret"])
def test_every_small_change_to_a_token_is_detected(token_key: bytes | None) -> None:
    """T-4: each substitution, deletion, insertion or truncation of a real token is a ClientException."""
    token = first_token(QUERY, token_key=token_key)
    accepted = []
    for changed in sorted(variants(token)):
        try:
            list_service_jobs(JOBS, {**QUERY, "maxResults": 2, "nextToken": changed}, token_key=token_key)
        except ClientException as error:
            assert error.status_code == 400
        else:
            accepted.append(changed)
    assert accepted == [], f"{len(accepted)} altered tokens accepted, e.g. {accepted[:3]} for {token}"


@given(jobs_and_queries(), st.integers(1, 3), st.data())
def test_a_changed_character_is_detected_in_any_token(
    jobs_query: Any, size: int, data: st.DataObject
) -> None:
    """T-4: substituting one character anywhere in any token makes it a ClientException."""
    jobs, query = jobs_query
    token = list_service_jobs(jobs, {**query, "maxResults": size}).get("nextToken")
    if token is None:
        return
    position = data.draw(st.integers(0, len(token) - 1))
    char = data.draw(st.sampled_from(TOKEN_ALPHABET.replace(token[position], "")))
    assert_rejected(jobs, {**query, "maxResults": size,
                           "nextToken": token[:position] + char + token[position + 1 :]})


@pytest.mark.parametrize(
    ("made_with", "presented_with"),
    [(b"a", b"b"), (b"a", None), (None, b"a"), (b"a" * 64, b"a" * 65)],
)
def test_a_token_made_under_another_key_is_refused(
    made_with: bytes | None, presented_with: bytes | None
) -> None:
    """T-4: a token only works under the token_key that made it (the built-in key when none is given)."""
    token = first_token(QUERY, token_key=made_with)
    assert_rejected(JOBS, {**QUERY, "nextToken": token}, token_key=presented_with)
    list_service_jobs(JOBS, {**QUERY, "nextToken": token}, token_key=made_with)


GARBAGE = [
    "", "null", "None", "0", "=", "A", "AAAA", "A" * 1024, "A" * 1025, "x" * 10_000, "\x00", "\ud800",
    "é", "🙂" * 10, "a b", "a+b/c==", "%41", "v1.abc", "{}", '{"cursor": 1}',
]


@pytest.mark.parametrize("token", GARBAGE, ids=range(len(GARBAGE)))
def test_garbage_tokens_are_refused(token: str) -> None:
    """V-11: strings this library never issued are a ClientException."""
    assert_rejected(JOBS, {**QUERY, "nextToken": token})


@given(st.one_of(
    st.text(),
    st.text(TOKEN_ALPHABET, max_size=300),
    st.binary(max_size=300).map(lambda raw: base64.urlsafe_b64encode(raw).decode().rstrip("=")),
    st.binary(max_size=300).map(lambda raw: base64.b64encode(raw).decode()),
))
def test_random_tokens_are_refused(token: str) -> None:
    """V-11: random text, and base64 of random bytes, are never taken for a token."""
    assert_rejected(JOBS, {**QUERY, "nextToken": token})


def test_a_token_from_another_traversal_point_of_the_same_query_still_works() -> None:
    """T-2: tokens are stateless: an old token, replayed later, gives the same page again."""
    first = first_token(QUERY, size=1)
    later = list_service_jobs(JOBS, {**QUERY, "maxResults": 3, "nextToken": first})
    assert list_service_jobs(JOBS, {**QUERY, "maxResults": 3, "nextToken": first}) == later


@given(jobs_and_queries(), st.sampled_from((None, b"k", b"other")), st.sampled_from((None, b"k")))
def test_remembered_tokens_decode_as_fresh_ones(jobs_query: Any, issued_under: Any, read_under: Any) -> None:
    """T-3, T-4: a token this process issued is read from memory, and answers exactly as a fresh process
    reading it would: the same page under its own key, a ClientException under another key or query."""
    jobs, query = jobs_query
    first = list_service_jobs(jobs, {**query, "maxResults": 1}, token_key=issued_under)
    if "nextToken" not in first:
        return
    for request in ({**query, "maxResults": 1, "nextToken": first["nextToken"]},
                    {**query, "jobStatus": "FAILED", "maxResults": 1, "nextToken": first["nextToken"]}):
        outcomes = []
        for forget in (False, True):
            if forget:
                _tokens._tokens_seen.clear()
                _tokens._fingerprints.clear()
                _tokens._arn_tags.clear()
            try:
                outcomes.append(list_service_jobs(jobs, request, token_key=read_under))
            except ClientException as error:
                outcomes.append(error.message)
        assert outcomes[0] == outcomes[1]
