"""The rules a conformance report has one row for: every rule id of ``docs/SEMANTICS.md``.

Theory of operation: the report names rules by the ids of ``docs/SEMANTICS.md`` (a test keeps this table
and that document in step), with a one-line title each. Most rules are checked through the adapter, by
behaviour only. A few cannot be: the kit sees an implementation only as a function from jobs and a
request to a response or an exception, so it cannot see exception types, HTTP status codes, wire bodies or
the inside of a token. Those rows say so (``checkable`` is false) and never count against an
implementation; rules that are only partly observable say which part the kit checks in their ``scope``.
The rules of the reference HTTP endpoint (H-*), of ListJobs (LJ-*) and of the moto plug-in (MS-*) have rows
too, so the report covers the whole document, but they are about serving HTTP, managing jobs or another
operation, not about listing service jobs, and are never checked.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RULES", "Rule", "rule_ids"]


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of ``docs/SEMANTICS.md``: its id, a one-line title, and what of it the kit can check."""

    id: str
    title: str
    checkable: bool = True
    scope: str = ""


_ENDPOINT_RULE = "a rule of the HTTP endpoint, not of listing"
_LIST_JOBS_RULE = "a rule of ListJobs; the kit checks ListServiceJobs adapters"
_SQL_STORE_RULE = "a guarantee of listjobs_core.sql.SqlJobStore, not of listing"
_MOTO_RULE = "a rule of the moto plug-in's service-job operations, not of listing"

RULES: tuple[Rule, ...] = (
    Rule("IN-1", "the jobs are never mutated", scope="checked on every call"),
    Rule("IN-2", "a job's jobQueue: a queue name and its ARN denote the same queue"),
    Rule("IN-3", "version groups JOB_NAME results; absent means 0"),
    Rule("IN-4", "unknown request members are ignored; null means absent"),
    Rule("V-1", "the request is an object"),
    Rule("V-2", "jobQueue is a non-empty string"),
    Rule("V-3", "jobStatus is a known status (case-sensitive), even when a filter ignores it"),
    Rule("V-4", "maxResults is an integer from 1 to 100"),
    Rule("V-5", "filters is a list; [] means no filter"),
    Rule("V-6", "two filters: 'Only one filter key-value pair can be specified.'"),
    Rule("V-7", "a filter name is JOB_NAME, BEFORE/AFTER_CREATED_AT, SHARE_IDENTIFIER or QUOTA_SHARE_NAME"),
    Rule("V-8", "values is a list of one string; two: 'Filter cannot take more than one value.'"),
    Rule("V-9", "a JOB_NAME value is not empty"),
    Rule("V-10", "a created-at value is ASCII digits, at most 2^63-1"),
    Rule("V-11", "nextToken is a token issued for the same query"),
    Rule(
        "V-12",
        "the request is never changed",
        scope="exception types are the emulator's own, so only 'never changed' is checked",
    ),
    Rule("S-1", "no filter: the jobs whose status equals jobStatus"),
    Rule("S-2", "no filter and no jobStatus: only RUNNING jobs"),
    Rule("S-3", "JOB_NAME and created-at filters ignore jobStatus"),
    Rule("S-4", "SHARE_IDENTIFIER / QUOTA_SHARE_NAME: exact equality, combined with jobStatus"),
    Rule("S-5", "JOB_NAME matching is case-insensitive (casefold)"),
    Rule("S-6", "JOB_NAME: only a final * is a wildcard (prefix match)"),
    Rule("S-7", "BEFORE_CREATED_AT and AFTER_CREATED_AT are strict bounds"),
    Rule("S-8", "a job without createdAt matches neither created-at filter"),
    Rule("S-9", "a request's jobQueue selects that queue's jobs, with any filter"),
    Rule("O-1", "newest createdAt first, then ascending jobId"),
    Rule("O-2", "JOB_NAME: by jobName (code points), version, newest first, jobId"),
    Rule("O-3", "jobs without createdAt sort last within their group"),
    Rule("P-1", "a page holds at most maxResults jobs; 100 by default"),
    Rule("P-2", "nextToken exactly when more jobs follow (then the page is full); absent, never null"),
    Rule("P-3", "pages of unchanged jobs concatenate to the whole listing, whatever the page sizes"),
    Rule("P-4", "jobs changing between pages: no job twice, none that matched throughout skipped"),
    Rule(
        "T-1",
        "tokens are strings of at most 1024 characters",
        scope="only the size and type; the alphabet and inner layout are the implementation's own",
    ),
    Rule(
        "T-2",
        "tokens do not depend on the order of the jobs",
        scope="by behaviour: a token continues over the same jobs in another order",
    ),
    Rule(
        "T-3",
        "a token is bound to jobQueue, jobStatus and filters, not to maxResults",
        scope="with clearly different queries: another queue name, another given status, another filter",
    ),
    Rule(
        "T-4",
        "a changed or truncated token is rejected",
        scope="its first, middle or next-to-last character changed, or its last cut off",
    ),
    Rule("W-1", "the response: jobSummaryList always, nextToken only when there is one; JSON"),
    Rule("W-2", "a summary holds exactly the ServiceJobSummary members the job has"),
    Rule("W-3", "changing a response never changes the jobs"),
    Rule(
        "E-1",
        "ClientException: HTTP 400 and a message",
        checkable=False,
        scope="an adapter rejects by raising any exception",
    ),
    Rule(
        "E-2",
        "ServerException: HTTP 500 for malformed jobs",
        checkable=False,
        scope="the kit never passes malformed jobs",
    ),
    Rule(
        "E-3",
        "errors on the wire: status, x-amzn-ErrorType, JSON body",
        checkable=False,
        scope="an adapter is a function, not an HTTP endpoint",
    ),
    *(
        Rule(rule_id, f"the reference endpoint: {title}", checkable=False, scope=_ENDPOINT_RULE)
        for rule_id, title in (
            ("H-1", "routes"),
            ("H-2", "the request body"),
            ("H-3", "request ids and server faults"),
            ("H-4", "SubmitServiceJob"),
            ("H-5", "DescribeServiceJob"),
            ("H-6", "TerminateServiceJob"),
            ("H-7", "client tokens"),
            ("H-8", "the jobs it lists"),
            ("H-9", "job ARNs as job ids"),
            ("H-10", "region and account"),
            ("H-11", "UpdateServiceJob"),
            ("H-12", "TerminateServiceJobs"),
            ("H-13", "ListJobs"),
            ("H-14", "refusals at the HTTP level"),
            ("H-15", "deadlines and connection caps"),
            ("H-16", "limits on the jobs held"),
            ("H-17", "the request log"),
            ("H-18", "responses that always encode"),
            ("H-19", "jobs and client tokens kept in a database"),
        )
    ),
    *(
        Rule(rule_id, f"the SQL store: {title}", checkable=False, scope=_SQL_STORE_RULE)
        for rule_id, title in (
            ("SQL-1", "the pure function's answers and tokens"),
            ("SQL-2", "casefold in Python, code-point collation"),
            ("SQL-3", "every page an index range, never a sort"),
            ("SQL-4", "transactions, snapshots, atomic updates"),
            ("SQL-5", "what a database cannot keep is refused"),
        )
    ),
    *(
        Rule(rule_id, f"ListJobs: {title}", checkable=False, scope=_LIST_JOBS_RULE)
        for rule_id, title in (
            ("LJ-1", "the ListServiceJobs rules on the JobSummary shape"),
            ("LJ-2", "the seven JobStatus values, no SCHEDULED"),
            ("LJ-3", "its filter names; only SHARE_IDENTIFIER combines with jobStatus"),
            ("LJ-4", "pages of up to 1000, 100 with a filter; more is cut"),
            ("LJ-5", "exactly one of jobQueue, arrayJobId, multiNodeJobId"),
            ("LJ-6", "children known by jobId: P:index and P#node"),
            ("LJ-7", "queue listings list no child"),
            ("LJ-8", "a filter is validated, then ignored, for children"),
            ("LJ-9", "JOB_DEFINITION: names, prefixes and revision ARNs"),
            ("LJ-10", "JOB_DEFINITION values: not empty, no '*' in an ARN"),
            ("LJ-11", "JOB_DEFINITION details: wildcards and non-ARN definitions"),
            ("LJ-12", "summaries hold the JobSummary members"),
            ("LJ-13", "tokens bound to the operation and the parent job"),
            ("LJ-14", "the moto plug-in"),
        )
    ),
    *(
        Rule(rule_id, f"moto's service jobs: {title}", checkable=False, scope=_MOTO_RULE)
        for rule_id, title in (
            ("MS-1", "install, uninstall, per account and region"),
            ("MS-2", "service environments"),
            ("MS-3", "job queues of service environments"),
            ("MS-4", "SubmitServiceJob"),
            ("MS-5", "client tokens"),
            ("MS-6", "TerminateServiceJob"),
            ("MS-7", "UpdateServiceJob"),
            ("MS-8", "status progression"),
            ("MS-9", "moving jobs from a test"),
            ("MS-10", "timestamps follow the status"),
            ("MS-11", "DescribeServiceJob"),
            ("MS-12", "a job ARN wherever a jobId is taken"),
            ("MS-13", "ListServiceJobs"),
            ("MS-14", "errors and request ids"),
        )
    ),
)

_RULE_IDS = tuple(rule.id for rule in RULES)


def rule_ids() -> tuple[str, ...]:
    """Every rule id, in the order of ``docs/SEMANTICS.md``."""
    return _RULE_IDS
