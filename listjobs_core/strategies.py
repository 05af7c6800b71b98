"""Hypothesis strategies for testing against AWS Batch's job listings: jobs, requests, adversarial data and
interleaved changes, drawn so that the interesting cases come up.

Install the optional extra first (``pip install ".[hypothesis]"`` from a clone): this module imports
Hypothesis, and ``import listjobs_core`` never imports this module. The project's own property tests draw
from here, so every strategy runs on every test run.

Theory of operation: alphabets and value sets are small on purpose, so that names collide in case,
``createdAt`` values tie, queues appear as names and as ARNs, and every filter kind finds jobs to match.
The strategies, by what they draw:

- jobs: ``service_jobs`` (``ServiceJobSummary`` shape, unique ids), ``batch_jobs`` (``JobSummary`` shape:
  top-level jobs, array children ``P:i`` and multi-node nodes ``P#i``), ``hostile_jobs`` (members of any
  type, lone surrogates, huge integers, NaN, nesting past the limit);
- valid requests: ``list_service_jobs_requests(jobs)``, ``list_jobs_requests(jobs)`` (filter values drawn
  from the jobs, so filters match), and the pairs ``service_jobs_and_requests()``,
  ``batch_jobs_and_requests()``; ``page_sizes`` and ``list_jobs_page_sizes`` for one traversal;
- invalid requests: ``invalid_list_service_jobs_requests(jobs)`` and ``invalid_list_jobs_requests(jobs)``
  (a valid request, or one with exactly one member broken), and ``fuzz_requests`` (anything at all);
- ListJobsByConsumableResource: ``consumable_jobs`` (Batch jobs with ``jobArn``, ``jobQueue``, ``status``,
  ``createdAt`` and, most of them, ``consumableResourceProperties`` naming resources by name and by ARN),
  ``consumable_resource_requests(jobs)`` and the pair ``consumable_jobs_and_requests()``;
- adversarial sets: ``adversarial_names`` (case variants of one name, and names that almost match) and
  ``adversarial_queues`` (one queue name under many region and account ARNs);
- ``interleaved_writes_and_pages``: jobs, a request, and steps that put, remove or move jobs between
  page requests, for checking pagination under change.

A complete example, fuzzing an emulator's listing (here the library's own store) against the reference:

>>> from hypothesis import given, settings
>>> from listjobs_core import ServiceJobStore, list_service_jobs
>>> @settings(max_examples=25, database=None, deadline=None)
... @given(service_jobs_and_requests())
... def test_my_listing(case):
...     jobs, request = case
...     assert ServiceJobStore(jobs).list_service_jobs(request) == list_service_jobs(jobs, request)
>>> test_my_listing()
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

from ._operations import LIST_JOBS, LIST_SERVICE_JOBS

__all__ = [
    "adversarial_names",
    "adversarial_queues",
    "batch_jobs",
    "batch_jobs_and_requests",
    "consumable_jobs",
    "consumable_jobs_and_requests",
    "consumable_resource_requests",
    "fuzz_requests",
    "hostile_jobs",
    "interleaved_writes_and_pages",
    "invalid_list_jobs_requests",
    "invalid_list_service_jobs_requests",
    "list_jobs_page_sizes",
    "list_jobs_requests",
    "list_service_jobs_requests",
    "page_sizes",
    "service_job_bodies",
    "service_jobs",
    "service_jobs_and_filtered_requests",
    "service_jobs_and_requests",
]

STATUSES = tuple(status.value for status in LIST_SERVICE_JOBS.statuses)
FILTER_NAMES = tuple(name.value for name in LIST_SERVICE_JOBS.filter_names)
LIST_JOBS_STATUSES = tuple(status.value for status in LIST_JOBS.statuses)
LIST_JOBS_FILTER_NAMES = tuple(name.value for name in LIST_JOBS.filter_names)

ACCOUNT_ARN = "arn:aws:batch:us-east-1:123456789012:job-queue/"
OTHER_ARN = "arn:aws:batch:us-west-2:210987654321:job-queue/"
QUEUE_NAMES = ("q1", "q2")
QUEUES = (*QUEUE_NAMES, *(ACCOUNT_ARN + name for name in QUEUE_NAMES), OTHER_ARN + "q1")
# Most jobs and requests name q1, as a name or an ARN, so that queue requests find jobs.
queues = st.sampled_from(("q1", "q1", ACCOUNT_ARN + "q1", *QUEUES))
SHARES = ("s1", "s2", "S1")
# Case variants and prefixes of one another (seed example: test1, Test1, test10), a literal '*',
# and names whose casefold differs from their lower() ("Straße" ~ "STRASSE").
NAMES = ("test1", "Test1", "TEST1", "test10", "Test10", "test", "tes", "other", "a*b", "a*", "Straße",
         "STRASSE", "strasse", "Maß", "MASS", "é", "É")
NAME_ALPHABET = "tesT1*ßS"
JOB_ID_ALPHABET = "aAbZ09-é"
BASE_TIME = 1_722_507_600_000
MAX_LONG = 2**63 - 1
# The URL-safe alphabet tokens are made of (T-1).
TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

# RUNNING (the default) and a few others are common, so that status list_service_jobs_requests find jobs.
statuses = st.sampled_from(("RUNNING", "RUNNING", "RUNNING", "SUCCEEDED", "FAILED", *STATUSES))
job_names = st.one_of(st.sampled_from(NAMES), st.text(NAME_ALPHABET, min_size=1, max_size=5))
created_ats = st.one_of(
    st.integers(0, 6).map(lambda step: BASE_TIME + 1000 * step),  # many ties
    st.integers(0, MAX_LONG),
    st.sampled_from((0, 1, MAX_LONG)),
)
epoch_millis = st.integers(0, 2**42)
latest_attempts = st.fixed_dictionaries({
    "serviceResourceId": st.fixed_dictionaries({
        "name": st.just("TrainingJobArn"),
        "value": st.text(max_size=8),
    })
})
capacity_usages = st.lists(
    st.fixed_dictionaries({"capacityUnit": st.sampled_from(("NUM_INSTANCES", "GPU")),
                           "quantity": st.floats(0, 64, allow_nan=False)}),
    max_size=2,
)


@st.composite
def service_job_bodies(draw: st.DrawFn) -> dict[str, Any]:
    """One job without its jobId: every optional member is sometimes absent."""
    job: dict[str, Any] = {"jobName": draw(job_names)}
    optional: dict[str, st.SearchStrategy[Any]] = {
        "createdAt": created_ats,
        "status": statuses,
        "jobQueue": queues,
        "version": st.integers(0, 2),
        "shareIdentifier": st.sampled_from(SHARES),
        "quotaShareName": st.sampled_from(SHARES),
        "statusReason": st.text(max_size=5),
        "serviceJobType": st.just("SAGEMAKER_TRAINING"),
        "startedAt": epoch_millis,
        "stoppedAt": epoch_millis,
        "scheduledAt": epoch_millis,
        "latestAttempt": latest_attempts,
        "capacityUsage": capacity_usages,
        "tags": st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2),
        "isTerminated": st.booleans(),
    }
    # createdAt and status are present most of the time, the rest about half the time.
    for name, values in optional.items():
        chance = 9 if name in ("createdAt", "status") else 1
        if draw(st.integers(0, chance)) != 0:
            job[name] = draw(values)
    return job


@st.composite
def service_jobs(draw: st.DrawFn, max_size: int = 20) -> list[dict[str, Any]]:
    """A list of jobs with unique jobIds (and a jobArn derived from the id when it has one)."""
    count = draw(st.integers(0, max_size))
    ids = draw(st.lists(st.text(JOB_ID_ALPHABET, min_size=1, max_size=4), unique=True,
                        min_size=count, max_size=count))
    jobs = []
    for job_id in ids:
        job = {"jobId": job_id, **draw(service_job_bodies())}
        if draw(st.booleans()):
            job["jobArn"] = "arn:aws:batch:us-east-1:123456789012:service-job/" + job_id
        jobs.append(job)
    return jobs


def random_case(draw: st.DrawFn, text: str) -> str:
    """``text`` with the case of each character flipped at random."""
    return "".join(char.swapcase() if draw(st.booleans()) else char for char in text)


@st.composite
def job_name_values(draw: st.DrawFn, jobs: list[dict[str, Any]]) -> str:
    """A JOB_NAME filter value: a job's name in another case, a prefix with '*', '*' alone, or noise."""
    names = [job["jobName"] for job in jobs] or list(NAMES)
    name = draw(st.sampled_from(names))
    kind = draw(st.sampled_from(("exact", "prefix", "star", "folded", "other")))
    if kind == "exact":
        return random_case(draw, name)
    if kind == "folded":
        # Equal under casefold but not under lower(): "Straße" ~ "STRASSE" ~ "strasse".
        name = draw(st.sampled_from([n for n in names if "ß" in n or "ss" in n.lower()] or ["Straße"]))
        swapped = name.replace("ß", "\0").replace("ss", "ß").replace("SS", "ß").replace("\0", "SS")
        folded: str = draw(st.sampled_from((swapped, name.upper(), name.casefold())))
        return folded[: draw(st.integers(1, len(folded)))] + "*" if draw(st.booleans()) else folded
    if kind == "prefix":
        return random_case(draw, name[: draw(st.integers(0, len(name)))]) + "*"
    if kind == "star":
        return "*"
    return draw(st.text(NAME_ALPHABET, min_size=1, max_size=5))


@st.composite
def created_at_values(draw: st.DrawFn, jobs: list[dict[str, Any]]) -> str:
    """A created-at filter value near a job's createdAt (for the strict bounds), or anywhere."""
    times = [job["createdAt"] for job in jobs if "createdAt" in job] or [BASE_TIME]
    near = st.builds(lambda t, d: min(max(t + d, 0), MAX_LONG), st.sampled_from(times), st.integers(-1, 1))
    value = draw(st.one_of(near, st.integers(0, MAX_LONG), st.sampled_from((0, MAX_LONG))))
    zeros = draw(st.sampled_from(("", "", "", "0", "000")))  # leading zeros are still digits
    return zeros + str(value)


@st.composite
def filters(
    draw: st.DrawFn,
    jobs: list[dict[str, Any]],
    kinds: tuple[str, ...] = FILTER_NAMES,
    other_values: Mapping[str, st.SearchStrategy[str]] | None = None,
) -> dict[str, Any]:
    """One valid filter of one of ``kinds``, with a value chosen to match some of ``jobs``; ``other_values``
    draws the values of kinds that ListServiceJobs does not have (ListJobs' JOB_DEFINITION)."""
    name = draw(st.sampled_from(kinds))
    if other_values is not None and name in other_values:
        value = draw(other_values[name])
    elif name == "JOB_NAME":
        value = draw(job_name_values(jobs))
    elif name in ("BEFORE_CREATED_AT", "AFTER_CREATED_AT"):
        value = draw(created_at_values(jobs))
    else:
        value = draw(st.sampled_from((*SHARES, "zz")))
    return {"name": name, "values": [value]}


def optional_members(draw: st.DrawFn, optional: Mapping[str, st.SearchStrategy[Any]]) -> dict[str, Any]:
    """Each member of ``optional`` absent, None (IN-4) or set to a value drawn from its strategy."""
    members: dict[str, Any] = {}
    for name, values in optional.items():
        how = draw(st.sampled_from(("absent", "none", "set", "set")))
        if how == "none":
            members[name] = None
        elif how == "set":
            members[name] = draw(values)
    return members


@st.composite
def list_service_jobs_requests(draw: st.DrawFn, jobs: list[dict[str, Any]]) -> dict[str, Any]:
    """A valid request without maxResults or nextToken; members are absent, None (IN-4) or set."""
    optional: dict[str, st.SearchStrategy[Any]] = {
        "jobQueue": queues,
        "jobStatus": statuses,
        "filters": st.one_of(st.just([]), filters(jobs).map(lambda one: [one])),
    }
    request = optional_members(draw, optional)
    if draw(st.booleans()):
        request["someUnknownMember"] = {"ignored": [1, None]}
    if draw(st.integers(0, 3)) == 0:
        request["nextToken"] = None  # the usual first call of a client loop (IN-4)
    return request


@st.composite
def service_jobs_and_requests(
    draw: st.DrawFn, max_jobs: int = 20
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Jobs and a valid query whose filter values are drawn from those jobs."""
    jobs = draw(service_jobs(max_size=max_jobs))
    return jobs, draw(list_service_jobs_requests(jobs))


@st.composite
def service_jobs_and_filtered_requests(
    draw: st.DrawFn, kind: str
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Jobs and a valid query that always has a filter of the given kind."""
    jobs = draw(service_jobs(max_size=12))
    query = draw(list_service_jobs_requests(jobs))
    query["filters"] = [draw(filters(jobs, (kind,)))]
    return jobs, query


# Page sizes for the requests of one traversal, used in turn; the last is repeated as needed.
page_sizes = st.lists(st.one_of(st.integers(1, 4), st.integers(1, 100)), min_size=1, max_size=6)


# --- Fuzzing -------------------------------------------------------------------------------------

HUGE_STRING = "x" * 100_000
HUGE_INT = 10**4000
# Values that trip careless code: lone surrogates (not UTF-8 encodable), digit strings longer than
# Python's int() limit, unicode digits, signs, exponents, NUL bytes.
NASTY_STRINGS = (
    "", " ", "\x00", "\ud800", "\udc80*", "null", "None", "true", "0", "-1", "+1", "1e3", "1.0", " 1",
    "1 ", "١٢٣", "１２", "9223372036854775807", "9223372036854775808", "0" * 5000 + "1", "9" * 5000,
    "*", "**", "JOB_NAME", "RUNNING", "running", HUGE_STRING, "A" * 1025, "=" * 8, "AAAA", "%00",
)
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from((0, 1, 100, 101, -1, MAX_LONG, MAX_LONG + 1, HUGE_INT, -HUGE_INT)),
    st.floats(allow_nan=False),
    st.text(max_size=10),
    st.sampled_from(NASTY_STRINGS),
)
json_like = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.text(max_size=6), st.sampled_from(("name", "values"))), inner,
                        max_size=4),
    ),
    max_leaves=12,
)
"""Anything a JSON document can hold (bar NaN, which is never equal to itself), nested a little."""

fuzz_filter_values = st.one_of(
    st.lists(st.one_of(st.sampled_from(NASTY_STRINGS), st.text(max_size=6), json_scalars), max_size=3),
    json_like,
)
fuzz_filter_names = st.one_of(st.sampled_from(FILTER_NAMES), st.sampled_from(("job_name", "JOB_NAME ", "")),
                              json_scalars)
fuzz_filters = st.one_of(
    st.lists(
        st.one_of(
            st.fixed_dictionaries({"name": fuzz_filter_names, "values": fuzz_filter_values},
                                  optional={"extra": json_like}),
            st.fixed_dictionaries({}, optional={"name": fuzz_filter_names, "values": fuzz_filter_values}),
            json_like,
        ),
        max_size=3,
    ),
    json_like,
)
"""The filters member: mostly lists of filter-shaped objects with wrong names and values."""

fuzz_requests = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "jobQueue": st.one_of(st.sampled_from(QUEUES), st.sampled_from(NASTY_STRINGS), json_like),
            "jobStatus": st.one_of(st.sampled_from(STATUSES), st.sampled_from(NASTY_STRINGS), json_like),
            "maxResults": st.one_of(st.integers(-2, 102), json_like),
            "nextToken": st.one_of(st.sampled_from(NASTY_STRINGS), st.text(TOKEN_ALPHABET), json_like),
            "filters": fuzz_filters,
            "unknown": json_like,
        },
    ),
    json_like,
)
"""Requests that are anything: mostly objects whose known members hold valid, nasty or wrong values."""


# Wrong values for one member at a time, each breaking one validation rule (V-1..V-11).
BAD_MEMBERS: dict[str, tuple[Any, ...]] = {
    "jobQueue": ("", 5, True, [], {"name": "q1"}, 1.5),
    "jobStatus": ("running", "Running", "", "DONE", " RUNNING", 1, ["RUNNING"], True),
    "maxResults": (0, 101, -1, True, False, 1.0, 5.0, "5", [5], 10**30),
    "nextToken": ("", "null", "AAAA", 5, True, ["x"], {}, "\ud800", "x" * 2000),
}
BAD_FILTERS: tuple[Any, ...] = (
    {}, "JOB_NAME", 5, [None], ["JOB_NAME"], [[]],
    [{"name": "JOB_NAME", "values": ["a"]}, {"name": "JOB_NAME", "values": ["b"]}],
    [{"name": "JOB_NAME", "values": ["a"]}, {"name": "SHARE_IDENTIFIER", "values": ["s1"]}],
    [{"values": ["a"]}], [{"name": "JOB_NAME"}], [{"name": None, "values": ["a"]}],
    [{"name": "job_name", "values": ["a"]}], [{"name": "CREATED_AT", "values": ["1"]}],
    [{"name": "JOB_NAME", "values": []}], [{"name": "JOB_NAME", "values": ["a", "b"]}],
    [{"name": "SHARE_IDENTIFIER", "values": ["s1", "s1"]}], [{"name": "JOB_NAME", "values": "a"}],
    [{"name": "JOB_NAME", "values": [1]}], [{"name": "JOB_NAME", "values": [None]}],
    [{"name": "JOB_NAME", "values": None}], [{"name": "JOB_NAME", "values": [""]}],
    [{"name": "SHARE_IDENTIFIER", "values": [["s1"]]}],
    *([{"name": name, "values": [value]}]
      for name in ("BEFORE_CREATED_AT", "AFTER_CREATED_AT")
      for value in ("", "-1", "+1", " 1", "1 ", "1.0", "1e3", "0x10", "١٢٣", "１２", "abc",
                    "9223372036854775808", "99999999999999999999")),
)


@st.composite
def invalid_list_service_jobs_requests(draw: st.DrawFn, jobs: list[dict[str, Any]]) -> Any:
    """A valid first-page request, or one with exactly one member made invalid."""
    request = draw(list_service_jobs_requests(jobs))
    if draw(st.booleans()):
        request["maxResults"] = draw(st.one_of(st.none(), st.integers(1, 100)))
    broken = draw(st.sampled_from((None, None, "request", "filters", *BAD_MEMBERS)))
    if broken == "request":
        return draw(st.sampled_from((None, [], "jobQueue=q1", 5, True, [("jobQueue", "q1")])))
    if broken == "filters":
        request["filters"] = draw(st.sampled_from(BAD_FILTERS))
    elif broken is not None:
        request[broken] = draw(st.sampled_from(BAD_MEMBERS[broken]))
    return request


# --- ListJobs -----------------------------------------------------------------------------------------

DEFINITION_ARN = "arn:aws:batch:us-east-1:123456789012:job-definition/"
# Names that are prefixes and case variants of one another (model example: jd1 and jd1A).
DEFINITION_NAMES = ("jd1", "jd1A", "JD1", "jd", "trainer", "trainer-gpu")
PARENTS = ("p1", "p2", "p1:0")
SOURCES = ("jobQueue", "arrayJobId", "multiNodeJobId")

# --- Strategies ----------------------------------------------------------------------------------------

definitions = st.one_of(
    st.builds(lambda name, revision: f"{DEFINITION_ARN}{name}:{revision}",
              st.sampled_from(DEFINITION_NAMES), st.integers(1, 3)),
    st.sampled_from(("jd1", "jd1:2", "trainer:1")),  # an emulator that keeps names (LJ-11)
)
list_jobs_statuses = st.sampled_from(
    ("RUNNING", "RUNNING", "SUCCEEDED", "FAILED", *LIST_JOBS_STATUSES)
)


@st.composite
def batch_jobs(draw: st.DrawFn, max_size: int = 20) -> list[dict[str, Any]]:
    """Jobs with unique ids: top-level jobs, array children ``P:i`` and MNP nodes ``P#i``, most with a
    ``jobDefinition``, some with the JobSummary-only members."""
    jobs: list[dict[str, Any]] = []
    seen: set[str] = set()
    for job in draw(service_jobs(max_size=max_size)):
        kind = draw(st.sampled_from(("top", "top", "array", "node")))
        if kind != "top":
            separator = ":" if kind == "array" else "#"
            job["jobId"] = f"{draw(st.sampled_from(PARENTS))}{separator}{draw(st.integers(0, 3))}"
        if job["jobId"] in seen:
            continue
        seen.add(job["jobId"])
        if draw(st.integers(0, 3)):
            job["jobDefinition"] = draw(definitions)
        if draw(st.booleans()):
            job["container"] = {"exitCode": draw(st.integers(0, 2))}
        if draw(st.integers(0, 3)) == 0:
            job["isCancelled"] = draw(st.booleans())
        if kind == "array" and draw(st.booleans()):
            job["arrayProperties"] = {"index": int(job["jobId"].rsplit(":", 1)[1])}
        jobs.append(job)
    return jobs


@st.composite
def job_definition_values(draw: st.DrawFn, jobs: list[dict[str, Any]]) -> str:
    """A JOB_DEFINITION value: a used definition's name (or its other case), a prefix with '*', a used ARN,
    '*' alone, or another name."""
    used = [job["jobDefinition"] for job in jobs if "jobDefinition" in job] or [DEFINITION_ARN + "jd1:1"]
    one = draw(st.sampled_from(used))
    name = _definition_name(one)
    kind = draw(st.sampled_from(("name", "other case", "prefix", "arn", "star", "other")))
    if kind == "name":
        return name
    if kind == "other case":
        return name.swapcase()
    if kind == "prefix":
        return name[: draw(st.integers(0, len(name)))] + "*"
    if kind == "arn":
        return one if one.startswith("arn:") else DEFINITION_ARN + "jd1:1"
    if kind == "star":
        return "*"
    return draw(st.sampled_from(DEFINITION_NAMES))


@st.composite
def list_jobs_requests(draw: st.DrawFn, jobs: list[dict[str, Any]]) -> dict[str, Any]:
    """A valid ListJobs request without maxResults or nextToken: one source, the others absent or null."""
    source = draw(st.sampled_from(("jobQueue", *SOURCES)))
    request: dict[str, Any] = {}
    for member in SOURCES:
        if member == source:
            request[member] = draw(queues if member == "jobQueue" else st.sampled_from(PARENTS))
        elif draw(st.booleans()):
            request[member] = None
    # One valid filter of any ListJobs kind, with a value chosen to match some of ``jobs``.
    one_filter = filters(jobs, LIST_JOBS_FILTER_NAMES, {"JOB_DEFINITION": job_definition_values(jobs)})
    optional: dict[str, st.SearchStrategy[Any]] = {
        "jobStatus": list_jobs_statuses,
        "filters": st.one_of(st.just([]), one_filter.map(lambda one: [one])),
    }
    request.update(optional_members(draw, optional))
    return request


@st.composite
def batch_jobs_and_requests(draw: st.DrawFn) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Jobs and a valid ListJobs query whose filter values are drawn from those jobs."""
    jobs = draw(batch_jobs())
    return jobs, draw(list_jobs_requests(jobs))


# Page sizes for one traversal, used in turn: small ones, and ones past the limits (cut, LJ-4).
list_jobs_page_sizes = st.lists(st.one_of(st.integers(1, 4), st.integers(1, 2000)), min_size=1, max_size=6)


# --- Jobs from hostile sources ------------------------------------------------------------------------


def _nested(depth: int) -> Any:
    value: Any = "deep"
    for level in range(depth):
        value = [value] if level % 2 else {"in": value}
    return value


hostile_values = st.one_of(
    json_like,
    st.sampled_from((float("nan"), float("inf"), (1, 2), b"bytes", {1: "int key"}, {"\udc80": 1})),
    st.integers(20, 40).map(_nested),
)
"""Values a job member may hold when the job comes from an untrusted source: anything JSON-like, lone
surrogates, huge integers, NaN, non-JSON types, non-string keys, nesting past the limit."""


@st.composite
def hostile_jobs(draw: st.DrawFn) -> dict[str, Any]:
    """A job whose members are well formed or hostile: a member the model names or not, set to any
    ``hostile_values``; its jobId and jobName sometimes hostile too."""
    job: dict[str, Any] = {
        "jobId": draw(st.text(JOB_ID_ALPHABET, min_size=1, max_size=4)),
        **draw(service_job_bodies()),
    }
    members = st.one_of(
        st.sampled_from(
            (
                "jobId",
                "jobName",
                "statusReason",
                "tags",
                "latestAttempt",
                "capacityUsage",
                "createdAt",
                "version",
                "shareIdentifier",
                "jobQueue",
                "container",
                "custom",
            )
        ),
        st.text(max_size=4),
    )
    for member, value in draw(st.lists(st.tuples(members, hostile_values), max_size=3)):
        job[member] = value
    return job


def _definition_name(job_definition: str) -> str:
    """The name of a job definition given as an ARN or as ``name[:revision]`` (rule LJ-11)."""
    if job_definition.startswith("arn:"):
        job_definition = job_definition.split("/")[-1]
    return job_definition.split(":")[0]


# --- Invalid ListJobs requests -------------------------------------------------------------------------

# Wrong values for one ListJobs member at a time, each breaking one rule (LJ-2 to LJ-5, V-*).
BAD_LIST_JOBS_MEMBERS: dict[str, tuple[Any, ...]] = {
    "jobQueue": ("", 5, True, []),
    "arrayJobId": (5, True, [], ""),
    "jobStatus": ("SCHEDULED", "running", "", 1),
    "maxResults": (0, -1, True, 1.5, "5", [5]),
    "nextToken": ("", "AAAA", 5, "x" * 2000),
}
BAD_LIST_JOBS_FILTERS: tuple[Any, ...] = (
    {}, [None], [{"name": "QUOTA_SHARE_NAME", "values": ["q"]}], [{"name": "JOB_DEFINITION", "values": []}],
    [{"name": "JOB_DEFINITION", "values": ["a", "b"]}], [{"name": "JOB_DEFINITION", "values": [""]}],
    [{"name": "JOB_NAME", "values": ["a"]}, {"name": "JOB_DEFINITION", "values": ["b"]}],
    [{"name": "AFTER_CREATED_AT", "values": ["-1"]}],
)


@st.composite
def invalid_list_jobs_requests(draw: st.DrawFn, jobs: list[dict[str, Any]]) -> Any:
    """A valid first-page ListJobs request, or one with exactly one member made invalid (two sources at
    once among them)."""
    request = draw(list_jobs_requests(jobs))
    broken = draw(st.sampled_from((None, None, "request", "filters", "two sources", *BAD_LIST_JOBS_MEMBERS)))
    if broken == "request":
        return draw(st.sampled_from((None, [], "jobQueue=q1", 5, True)))
    if broken == "filters":
        request["filters"] = draw(st.sampled_from(BAD_LIST_JOBS_FILTERS))
    elif broken == "two sources":
        request.update({"jobQueue": "q1", "arrayJobId": draw(st.sampled_from(PARENTS))})
    elif broken is not None:
        request[broken] = draw(st.sampled_from(BAD_LIST_JOBS_MEMBERS[broken]))
    return request


# --- Adversarial data sets -----------------------------------------------------------------------------


@st.composite
def adversarial_names(draw: st.DrawFn, min_size: int = 1, max_size: int = 200) -> list[dict[str, Any]]:
    """Running jobs named with case variants of one name (``tRaIn-x``, ``TRAIN-X``, ...) and names that
    almost match it (one character short, one character more): each variant a name of its own, all one
    folded name, which a listing that walks case variants pays for."""
    base = draw(st.sampled_from(("train-x", "Straße-run", "model-7")))
    count = draw(st.integers(min_size, max_size))
    jobs = []
    for number in range(count):
        kind = draw(st.sampled_from(("variant", "variant", "variant", "short", "longer")))
        name = base[:-1] if kind == "short" else base + "z" if kind == "longer" else base
        jobs.append(
            {
                "jobId": f"job-{number:05d}",
                "jobName": "".join(char.swapcase() if draw(st.booleans()) else char for char in name),
                "status": "RUNNING",
                "createdAt": BASE_TIME + draw(st.integers(0, 5)),
            }
        )
    return jobs


@st.composite
def adversarial_queues(draw: st.DrawFn, min_size: int = 1, max_size: int = 200) -> list[dict[str, Any]]:
    """Running jobs whose ``jobQueue`` ARNs all name queue ``q`` but differ in region or account (one per
    job), some by the bare name: a request for ``q`` denotes every one of them (IN-2)."""
    count = draw(st.integers(min_size, max_size))
    jobs = []
    for number in range(count):
        region = draw(st.sampled_from(("us-east-1", "eu-west-1", f"region-{number}")))
        account = draw(st.sampled_from(("123456789012", f"{number:012d}")))
        queue = "q" if draw(st.integers(0, 9)) == 0 else f"arn:aws:batch:{region}:{account}:job-queue/q"
        jobs.append(
            {
                "jobId": f"job-{number:05d}",
                "jobName": "train",
                "status": "RUNNING",
                "createdAt": BASE_TIME + draw(st.integers(0, 5)),
                "jobQueue": queue,
            }
        )
    return jobs


# --- ListJobsByConsumableResource ----------------------------------------------------------------------

RESOURCE_ARN = "arn:aws:batch:us-east-1:123456789012:consumable-resource/"
OTHER_RESOURCE_ARN = "arn:aws:batch:us-west-2:210987654321:consumable-resource/"
# Names that are case variants of one another: a resource name is case-sensitive.
RESOURCE_NAMES = ("licenses", "Licenses", "seats")
RESOURCES = (
    *RESOURCE_NAMES, *(RESOURCE_ARN + name for name in RESOURCE_NAMES), OTHER_RESOURCE_ARN + "licenses"
)
resources = st.sampled_from(RESOURCES)
JOB_ARN = "arn:aws:batch:us-east-1:123456789012:job/"


@st.composite
def consumable_resource_properties(draw: st.DrawFn) -> dict[str, Any]:
    """A job's ``consumableResourceProperties``: up to three entries, each resource named once (by name or
    by ARN), with quantities small or up to the largest Long."""
    chosen = draw(st.lists(st.sampled_from(RESOURCE_NAMES), unique=True, max_size=3))
    entries = []
    for name in chosen:
        identifier = draw(st.sampled_from((name, RESOURCE_ARN + name, OTHER_RESOURCE_ARN + name)))
        quantity = draw(st.one_of(st.integers(0, 4), st.sampled_from((1, MAX_LONG))))
        entries.append({"consumableResource": identifier, "quantity": quantity})
    return {"consumableResourceList": entries}


@st.composite
def consumable_jobs(draw: st.DrawFn, max_size: int = 20) -> list[dict[str, Any]]:
    """Batch jobs as ``batch_jobs`` draws them, each with what a ListJobsByConsumableResourceSummary
    requires (``jobArn``, ``jobQueue`` by name or ARN, ``status``, ``createdAt``), most of them requiring
    consumable resources."""
    jobs = draw(batch_jobs(max_size=max_size))
    for job in jobs:
        job["jobArn"] = JOB_ARN + job["jobId"]
        job.setdefault("jobQueue", draw(queues))
        job.setdefault("status", draw(list_jobs_statuses))
        job.setdefault("createdAt", draw(created_ats))
        if draw(st.integers(0, 3)):
            job["consumableResourceProperties"] = draw(consumable_resource_properties())
    return jobs


@st.composite
def consumable_resource_requests(draw: st.DrawFn, jobs: list[dict[str, Any]]) -> dict[str, Any]:
    """A valid ListJobsByConsumableResource request without maxResults or nextToken: a resource by name or
    ARN, and a JOB_STATUS filter, a JOB_NAME filter (its value drawn from ``jobs``), both in either order,
    or none."""
    request: dict[str, Any] = {"consumableResource": draw(resources)}
    chosen = [
        {"name": "JOB_STATUS", "values": [draw(list_jobs_statuses)]},
        {"name": "JOB_NAME", "values": [draw(job_name_values(jobs))]},
    ]
    kept = draw(st.lists(st.sampled_from(chosen), unique_by=lambda one: one["name"], max_size=2))
    how = draw(st.sampled_from(("absent", "none", "set", "set", "set")))
    if how == "none":
        request["filters"] = None
    elif how == "set":
        request["filters"] = kept
    return request


@st.composite
def consumable_jobs_and_requests(draw: st.DrawFn) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Jobs and a valid ListJobsByConsumableResource request whose values are drawn from those jobs."""
    jobs = draw(consumable_jobs())
    return jobs, draw(consumable_resource_requests(jobs))


# --- Pagination under change ---------------------------------------------------------------------------


@st.composite
def interleaved_writes_and_pages(
    draw: st.DrawFn, max_jobs: int = 12, max_steps: int = 12
) -> tuple[list[dict[str, Any]], dict[str, Any], list[tuple[Any, ...]]]:
    """Jobs, a valid ListServiceJobs request, and the steps of one traversal under change, in order:

    - ``("page", max_results)``: request the next page (the first with no ``nextToken``);
    - ``("put", job)``: add a new job, or replace one (its ``jobId`` already stored);
    - ``("remove", job_id)``: remove a job;
    - ``("status", job_id, status)``: move a job to another status.

    A traversal ends at the first page without ``nextToken``; steps after it are to be ignored. The
    contract (P-5) to check: no job listed twice, and no job that matched throughout is missed.
    """
    jobs = draw(service_jobs(max_size=max_jobs))
    request = draw(list_service_jobs_requests(jobs))
    ids = [job["jobId"] for job in jobs] or ["new-0"]
    steps: list[tuple[Any, ...]] = []
    for number in range(draw(st.integers(1, max_steps))):
        kind = draw(st.sampled_from(("page", "page", "put", "remove", "status")))
        if kind == "page":
            steps.append(("page", draw(st.integers(1, 5))))
        elif kind == "put":
            job_id = draw(st.one_of(st.sampled_from(ids), st.just(f"new-{number}")))
            steps.append(("put", {"jobId": job_id, **draw(service_job_bodies())}))
        elif kind == "remove":
            steps.append(("remove", draw(st.sampled_from(ids))))
        else:
            steps.append(("status", draw(st.sampled_from(ids)), draw(statuses)))
    steps.append(("page", draw(st.integers(1, 5))))
    return jobs, request, steps
