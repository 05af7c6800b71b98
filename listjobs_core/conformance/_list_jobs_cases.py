"""The designed cases of ListJobs: for every LJ rule, jobs and requests that a wrong implementation of it
answers differently from the reference.

Theory of operation: a case is written for one rule and holds wire-shaped ``JobSummary`` jobs, a request
and the page sizes of a traversal; what the implementation must answer is what
:func:`listjobs_core.list_jobs` answers, page by page, so the cases state no expectation of their own and
cannot drift from the reference. A case may instead continue its first page with a second request
(``then``): the token of the first answer, sent with another query, must be refused as the reference
refuses it (LJ-13, and T-3 under LJ-1). The rules ListJobs shares with ListServiceJobs (order, JOB_NAME
matching, created-at bounds, pagination, tokens) are graded under LJ-1, which says that ListJobs follows
them; the ``shared`` member names the rule a case exercises that way.

The cases that hold over any jobs of a queue (each status, the requests every implementation must
refuse, the page limits) are one table, :func:`queue_cases`: the in-process check runs it over its own
jobs, the check over the wire over the jobs it found in a queue, and each adds the cases its jobs allow.
The cases are standard library only and hold no callable, so any way of checking can run them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "LIST_JOBS_CASES",
    "LIST_JOBS_STATUSES",
    "ListJobsCase",
    "DEFINITION_ARN",
    "FILTERED_LIMIT",
    "UNFILTERED_LIMIT",
    "queue_cases",
]

# LJ-4, model (ListJobsRequest.maxResults): "When --filters is used, Batch returns up to 100 values. If
# neither parameter is used, then ListJobs returns up to 1000 results".
UNFILTERED_LIMIT = 1000
FILTERED_LIMIT = 100
DEFINITION_ARN = "arn:aws:batch:us-east-1:123456789012:job-definition/"
_QUEUE = "q"


@dataclass(frozen=True, slots=True)
class ListJobsCase:
    """One designed case: its name, the rule it is written for, the jobs, the first request, the
    ``maxResults`` of each page (``None``: as the request has it; the last is repeated), and optionally a
    second request sent with the first answer's token (``then``). ``decision_part``: the case checks the
    decision part of its rule. ``shared``: the ListServiceJobs rule an LJ-1 case exercises.
    ``foreign_token``: the request carries a token ListServiceJobs issued for the same jobs and queue."""

    name: str
    rule: str
    jobs: tuple[dict[str, Any], ...]
    request: Any
    sizes: tuple[int | None, ...] = (None,)
    then: dict[str, Any] | None = None
    decision_part: bool = False
    shared: str = ""
    foreign_token: bool = False


def _job(
    job_id: str, created: int, status: str = "RUNNING", name: str | None = None, **members: Any
) -> dict[str, Any]:
    return {
        "jobArn": f"arn:aws:batch:us-east-1:123456789012:job/{job_id}",
        "jobId": job_id,
        "jobName": job_id if name is None else name,
        "createdAt": created,
        "status": status,
        "jobQueue": _QUEUE,
        **members,
    }


def _filter(name: str, *values: str, **request: Any) -> dict[str, Any]:
    return {"filters": [{"name": name, "values": list(values)}], **request}


# LJ-2, model (JobStatus): the statuses of ListJobs.
LIST_JOBS_STATUSES = ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED")

_ORDERED = (
    _job("a", 3),
    _job("b", 5),
    _job("c", 5),
    _job("d", 1),
    _job("e", 4, "SUCCEEDED"),
    _job("f", 6, jobQueue="other"),
    _job("g", 2),
)
_NAMED = (
    _job("n1", 1, name="Train-b"),
    _job("n2", 2, name="train-a", status="FAILED"),
    _job("n3", 3, name="eval"),
    _job("n4", 4, name="TRAIN-a"),
    _job("n5", 5, name="training", status="SUCCEEDED"),
)
_EVERY_STATUS = tuple(_job(f"s{number}", number, status) for number, status in enumerate(LIST_JOBS_STATUSES))
_SHARED = (
    _job("h1", 1, shareIdentifier="blue"),
    _job("h2", 2, "SUCCEEDED", shareIdentifier="blue"),
    _job("h3", 3, shareIdentifier="green"),
    _job("h4", 4, "SUCCEEDED", shareIdentifier="green"),
)


def _definition(name: str, revision: int) -> str:
    return f"{DEFINITION_ARN}{name}:{revision}"


_DEFINED = (
    _job("da", 1, jobDefinition=_definition("jd1", 1)),
    _job("db", 2, "SUCCEEDED", jobDefinition=_definition("jd1", 2)),
    _job("dc", 3, jobDefinition=_definition("jd1A", 1)),
    _job("dd", 4, jobDefinition=_definition("JD1", 1)),
    _job("de", 5, jobDefinition=_definition("jd", 7)),
    _job("df", 6),
    _job("dg", 7, jobDefinition="jd1:3"),
)
# An array job p (children p:0 .. p:3), a second array job p2, and a multi-node job m (nodes m#0, m#1),
# all in the same queue as their parents.
_FAMILY = (
    _job("p", 10, name="fam", arrayProperties={"size": 4}),
    _job("p:0", 11, name="fam", arrayProperties={"index": 0}),
    _job("p:1", 13, name="fam", arrayProperties={"index": 1}),
    _job("p:2", 12, "SUCCEEDED", name="fam", arrayProperties={"index": 2}),
    _job("p:3", 13, name="fam", arrayProperties={"index": 3}),
    _job("p2", 20, name="fam", arrayProperties={"size": 2}),
    _job("p2:0", 21, name="fam", arrayProperties={"index": 0}),
    _job("p2:1", 22, name="fam", arrayProperties={"index": 1}),
    _job("m", 30, name="fam", nodeProperties={"numNodes": 2}),
    _job("m#0", 31, name="fam"),
    _job("m#1", 32, name="fam"),
    _job("solo", 5, name="fam"),
)
_MANY = tuple(_job(f"j{number:04d}", number) for number in range(UNFILTERED_LIMIT + 5))
_MANY_CHILDREN = (
    _job("big", 1, arrayProperties={"size": 150}),
    *(_job(f"big:{index}", 2 + index, arrayProperties={"index": index}) for index in range(150)),
)
_RICH = (
    _job(
        "r1",
        1,
        jobDefinition=_definition("jd1", 1),
        latestAttempt={"serviceResourceId": {"name": "x", "value": "y"}},
        serviceJobType="SAGEMAKER_TRAINING",
        quotaShareName="share",
        version=3,
        isCancelled=False,
        isTerminated=True,
        container={"exitCode": 0},
        statusReason="because",
        startedAt=2,
        shareIdentifier="blue",
    ),
    _job("r2", 2, arrayProperties={"size": 1, "statusSummary": {"RUNNING": 1}}, isCancelled=True),
    _job("r3", 3, nodeProperties={"numNodes": 1}, capacityUsage=[{"capacityUnit": "NODE", "quantity": 1}]),
)

_Q: dict[str, Any] = {"jobQueue": _QUEUE}


def queue_cases(
    jobs: tuple[dict[str, Any], ...],
    queue: str,
    *,
    many: tuple[dict[str, Any], ...] | None = None,
    status: str = "RUNNING",
) -> list[ListJobsCase]:
    """The cases that hold over any jobs of ``queue``: each status, the requests every implementation
    must refuse, and the page limits (over ``many``, jobs enough to fill a page, else ``jobs``, listed by
    ``status``). The in-process check runs them over its own jobs, the check over the wire over the jobs
    it found in a queue."""
    c = ListJobsCase
    q: dict[str, Any] = {"jobQueue": queue}
    full = jobs if many is None else many
    return [
        # LJ-1: what ListJobs shares with ListServiceJobs, on requests to refuse.
        c(
            "two filters are refused",
            "LJ-1",
            jobs,
            {**q, "filters": [{"name": "JOB_NAME", "values": ["a"]}, {"name": "JOB_NAME", "values": ["b"]}]},
            shared="V-6",
        ),
        c("a status in lower case is refused", "LJ-1", jobs, {**q, "jobStatus": "running"}, shared="V-3"),
        c(
            "a token that was never issued is refused",
            "LJ-1",
            jobs,
            {**q, "maxResults": 1, "nextToken": "not-a-token"},
            shared="V-11",
        ),
        # LJ-2
        c("without a status or a filter, only RUNNING jobs", "LJ-2", jobs, q),
        *(c(f"jobStatus {each}", "LJ-2", jobs, {**q, "jobStatus": each}) for each in LIST_JOBS_STATUSES),
        c("SCHEDULED is not a ListJobs status", "LJ-2", jobs, {**q, "jobStatus": "SCHEDULED"}),
        # LJ-3
        c("QUOTA_SHARE_NAME is not a ListJobs filter", "LJ-3", jobs, _filter("QUOTA_SHARE_NAME", "x", **q)),
        # LJ-4
        c(f"{status} without maxResults: pages of up to 1000", "LJ-4", full, {**q, "jobStatus": status}),
        c(
            "a maxResults above 1000 is cut to 1000, not refused",
            "LJ-4",
            full,
            {**q, "jobStatus": status, "maxResults": 5000},
            decision_part=True,
        ),
        c("with a filter a page holds up to 100 jobs", "LJ-4", full, _filter("AFTER_CREATED_AT", "0", **q)),
        c(
            "with a filter a maxResults above 100 is cut to 100",
            "LJ-4",
            full,
            _filter("AFTER_CREATED_AT", "0", maxResults=500, **q),
            decision_part=True,
        ),
        *(
            c(f"maxResults {value!r} is refused", "LJ-4", jobs, {**q, "maxResults": value})
            for value in (0, -1, True, 1.5, "5")
        ),
        # LJ-5
        c(
            "a request naming no queue and no parent is refused",
            "LJ-5",
            jobs,
            {"jobStatus": "RUNNING"},
            decision_part=True,
        ),
        c("jobQueue and arrayJobId together are refused", "LJ-5", jobs, {**q, "arrayJobId": "x"}),
        c("an empty arrayJobId is refused", "LJ-5", jobs, {"arrayJobId": ""}),
        # LJ-10
        c(
            "an empty JOB_DEFINITION is refused",
            "LJ-10",
            jobs,
            _filter("JOB_DEFINITION", "", **q),
            decision_part=True,
        ),
        c(
            "an ARN with '*' is refused",
            "LJ-10",
            jobs,
            _filter("JOB_DEFINITION", f"{DEFINITION_ARN}jd1*", **q),
        ),
        c(
            "an ARN without a revision is refused",
            "LJ-10",
            jobs,
            _filter("JOB_DEFINITION", f"{DEFINITION_ARN}jd1", **q),
            decision_part=True,
        ),
        c(
            "two JOB_DEFINITION values are refused",
            "LJ-10",
            jobs,
            _filter("JOB_DEFINITION", "jd1", "jd", **q),
        ),
        # LJ-11
        c(
            "'*' alone matches every job with a jobDefinition",
            "LJ-11",
            jobs,
            _filter("JOB_DEFINITION", "*", **q),
        ),
    ]


def _cases() -> tuple[ListJobsCase, ...]:
    c = ListJobsCase
    return (
        *queue_cases(_EVERY_STATUS + _DEFINED, _QUEUE, many=_MANY),
        # LJ-1: the rules ListJobs shares with ListServiceJobs.
        c(
            "newest first, equal createdAt by jobId, in pages of 2",
            "LJ-1",
            _ORDERED,
            {**_Q, "maxResults": 2},
            shared="O-1",
        ),
        c("pages of 1, 3 and 2 concatenate to the listing", "LJ-1", _ORDERED, _Q, (1, 3, 2), shared="P-3"),
        c(
            "a queue listing lists that queue's jobs only",
            "LJ-1",
            _ORDERED,
            {"jobQueue": "other"},
            shared="S-9",
        ),
        c(
            "JOB_NAME: a case-insensitive prefix, by name then newest first, any status",
            "LJ-1",
            _NAMED,
            _filter("JOB_NAME", "TRAIN*", **_Q),
            shared="S-5",
        ),
        c(
            "JOB_NAME without '*' matches the whole name only",
            "LJ-1",
            _NAMED,
            _filter("JOB_NAME", "train", **_Q),
            shared="S-6",
        ),
        c(
            "AFTER_CREATED_AT is a strict bound",
            "LJ-1",
            _ORDERED,
            _filter("AFTER_CREATED_AT", "3", **_Q),
            shared="S-7",
            decision_part=True,
        ),
        c(
            "BEFORE_CREATED_AT is a strict bound",
            "LJ-1",
            _ORDERED,
            _filter("BEFORE_CREATED_AT", "3", **_Q),
            shared="S-7",
            decision_part=True,
        ),
        c(
            "a token continues only its own query: another status",
            "LJ-1",
            _ORDERED,
            {**_Q, "jobStatus": "RUNNING", "maxResults": 1},
            then={**_Q, "jobStatus": "SUCCEEDED", "maxResults": 1},
            shared="T-3",
            decision_part=True,
        ),
        # LJ-3
        c(
            "SHARE_IDENTIFIER combines with jobStatus",
            "LJ-3",
            _SHARED,
            _filter("SHARE_IDENTIFIER", "blue", jobStatus="SUCCEEDED", **_Q),
        ),
        c(
            "SHARE_IDENTIFIER alone lists RUNNING jobs of the share",
            "LJ-3",
            _SHARED,
            _filter("SHARE_IDENTIFIER", "green", **_Q),
        ),
        c(
            "JOB_DEFINITION ignores jobStatus",
            "LJ-3",
            _DEFINED,
            _filter("JOB_DEFINITION", "jd1", jobStatus="FAILED", **_Q),
        ),
        c(
            "a created-at filter ignores jobStatus",
            "LJ-3",
            _ORDERED,
            _filter("AFTER_CREATED_AT", "0", jobStatus="FAILED", **_Q),
        ),
        # LJ-4
        c(
            "with a JOB_NAME filter a page holds up to 100 jobs",
            "LJ-4",
            _MANY,
            _filter("JOB_NAME", "j*", **_Q),
        ),
        c("a maxResults of 150 gives pages of 150", "LJ-4", _MANY, {**_Q, "maxResults": 150}),
        # LJ-5
        c(
            "arrayJobId and multiNodeJobId together are refused",
            "LJ-5",
            _FAMILY,
            {"arrayJobId": "p", "multiNodeJobId": "m"},
        ),
        c(
            "a null jobQueue beside arrayJobId counts as absent",
            "LJ-5",
            _FAMILY,
            {"jobQueue": None, "arrayJobId": "p"},
        ),
        # LJ-6
        c("arrayJobId lists the RUNNING children newest first", "LJ-6", _FAMILY, {"arrayJobId": "p"}),
        c(
            "arrayJobId with a status lists the children of that status",
            "LJ-6",
            _FAMILY,
            {"arrayJobId": "p", "jobStatus": "SUCCEEDED"},
        ),
        c("arrayJobId lists children in pages", "LJ-6", _FAMILY, {"arrayJobId": "p", "maxResults": 1}),
        c("multiNodeJobId lists the nodes", "LJ-6", _FAMILY, {"multiNodeJobId": "m"}),
        c("arrayJobId never lists multi-node nodes", "LJ-6", _FAMILY, {"arrayJobId": "m"}),
        c("multiNodeJobId never lists array children", "LJ-6", _FAMILY, {"multiNodeJobId": "p"}),
        # LJ-7
        c("a queue listing lists the parents, never a child", "LJ-7", _FAMILY, _Q),
        c("a filtered queue listing lists no child", "LJ-7", _FAMILY, _filter("JOB_NAME", "fam", **_Q)),
        # LJ-8
        c(
            "a filter is ignored for array children",
            "LJ-8",
            _FAMILY,
            _filter("JOB_NAME", "no-such-name", arrayJobId="p"),
        ),
        c(
            "a filter is ignored for multi-node nodes",
            "LJ-8",
            _FAMILY,
            _filter("AFTER_CREATED_AT", "100", multiNodeJobId="m"),
        ),
        c(
            "a filter of two values is refused for children too",
            "LJ-8",
            _FAMILY,
            _filter("JOB_NAME", "a", "b", arrayJobId="p"),
            decision_part=True,
        ),
        c(
            "children under a filter are listed in pages of up to 1000",
            "LJ-8",
            _MANY_CHILDREN,
            _filter("JOB_NAME", "x", arrayJobId="big"),
        ),
        # LJ-9
        *(
            c(f"JOB_DEFINITION {value}", "LJ-9", _DEFINED, _filter("JOB_DEFINITION", value, **_Q))
            for value in ("jd1", "jd1*", "JD1", "jd", _definition("jd1", 2), _definition("jd1", 1))
        ),
        c("JOB_DEFINITION in pages", "LJ-9", _DEFINED, _filter("JOB_DEFINITION", "jd*", maxResults=2, **_Q)),
        # LJ-11
        c(
            "'jd1:3' is a name, and no name holds ':'",
            "LJ-11",
            _DEFINED,
            _filter("JOB_DEFINITION", "jd1:3", **_Q),
        ),
        c("only the final '*' is a wildcard", "LJ-11", _DEFINED, _filter("JOB_DEFINITION", "j*1*", **_Q)),
        # LJ-12
        c("summaries hold only JobSummary members", "LJ-12", _RICH, _Q),
        c("children's summaries hold only JobSummary members", "LJ-12", _FAMILY, {"arrayJobId": "p"}),
        # LJ-13
        c(
            "a token of one array job is refused for another",
            "LJ-13",
            _FAMILY,
            {"arrayJobId": "p", "maxResults": 1},
            then={"arrayJobId": "p2", "maxResults": 1},
        ),
        c(
            "a token of multiNodeJobId is refused for arrayJobId",
            "LJ-13",
            _FAMILY,
            {"multiNodeJobId": "m", "maxResults": 1},
            then={"arrayJobId": "m", "maxResults": 1},
        ),
        c(
            "a ListServiceJobs token is refused by ListJobs",
            "LJ-13",
            _ORDERED,
            {**_Q, "maxResults": 1},
            foreign_token=True,
        ),
        c(
            "a token of a queue listing is refused for a parent",
            "LJ-13",
            _FAMILY,
            {**_Q, "maxResults": 1},
            then={"arrayJobId": "p", "maxResults": 1},
        ),
        c(
            "a token of a parent is refused for a queue listing",
            "LJ-13",
            _FAMILY,
            {"arrayJobId": "p", "maxResults": 1},
            then={**_Q, "maxResults": 1},
        ),
    )


LIST_JOBS_CASES: tuple[ListJobsCase, ...] = _cases()
