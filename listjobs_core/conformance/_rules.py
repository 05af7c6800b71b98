"""The rules a conformance report has one row for: every rule id of ``docs/SEMANTICS.md``, with its source.

Theory of operation: this table is the one source of each rule's id, one-line title and source tag; the
report names and grades rules by it, and the kit's code and vectors name rules by its ids. The document
states each rule in full, where it lives and which tests pin it; ``tests/test_rules.py`` holds the
document's ids (in order) and source tags to this table, so neither can change without the other.

Every rule carries the source tag of that document. ``AWS`` rules come from the service (the API reference
page, the service model, or observed service behaviour): an implementation that breaks one does not
behave like AWS, and fails. ``decision`` rules are this reference's own choices where AWS says nothing: an
implementation that decides otherwise is told so (an advisory), and fails only in strict mode. A rule
tagged ``AWS + decision`` is AWS's in its main part and a decision in the part ``decision`` names (the
tie-break of an order, the message of an edge case); the kit tells which part a failure breaks.

What the kit can see depends on the target. An *adapter* is a function from jobs and a request to a
response or an exception: the kit chooses the jobs and sees the response as Python values, but never
exception types, HTTP status codes or wire bodies. An *endpoint* is an HTTP service: the kit sees every
byte of the wire, but only the jobs it submits, with the names, queues and shares SubmitServiceJob
accepts. In *read-only* mode it submits nothing and judges only what holds over any jobs. Each rule says,
per target, whether the kit checks it, and what part of it when it checks only a part.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "AWS",
    "DECISION",
    "LIST_JOBS_NAME",
    "LIST_SERVICE_JOBS_NAME",
    "SNAPSHOT_NAME",
    "CONSUMABLE_NAME",
    "OPERATION_NAMES",
    "RULES",
    "TARGET_KINDS",
    "Coverage",
    "Rule",
    "TargetKind",
    "chosen_rules",
    "operation_rules",
    "rule",
    "rule_ids",
]

Source = Literal["AWS", "decision"]
AWS: Source = "AWS"
DECISION: Source = "decision"
TargetKind = Literal["adapter", "endpoint", "read-only endpoint"]
# The operations the kit checks, by their names in the service model.
LIST_SERVICE_JOBS_NAME = "ListServiceJobs"
LIST_JOBS_NAME = "ListJobs"
SNAPSHOT_NAME = "GetJobQueueSnapshot"
CONSUMABLE_NAME = "ListJobsByConsumableResource"
OPERATION_NAMES = (LIST_SERVICE_JOBS_NAME, LIST_JOBS_NAME, SNAPSHOT_NAME, CONSUMABLE_NAME)
TARGET_KINDS: tuple[TargetKind, ...] = ("adapter", "endpoint", "read-only endpoint")


@dataclass(frozen=True, slots=True)
class Coverage:
    """What the kit checks of a rule for one kind of target: all of it, a part (``note`` says which),
    or nothing (``note`` says why)."""

    checked: bool = True
    note: str = ""


def _part(note: str) -> Coverage:
    return Coverage(True, note)


def _never(why: str) -> Coverage:
    return Coverage(False, why)


_ALL = Coverage()


_UNDER_LJ_1 = "a rule of ListServiceJobs; ListJobs follows it under LJ-1"
_NOT_A_SNAPSHOT_RULE = "not a rule of GetJobQueueSnapshot"
_NOT_A_CONSUMABLE_RULE = "not a rule of ListJobsByConsumableResource"


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of ``docs/SEMANTICS.md``: its id, a one-line title, its source, and what the kit checks
    of it for an adapter, an endpoint, and an endpoint in read-only mode.

    ``decision`` is, for an ``AWS`` rule, the part of it that is this reference's decision (empty when
    none is); for a ``decision`` rule, the decision in a few words.
    """

    id: str
    title: str
    source: Source
    decision: str = ""
    adapter: Coverage = _ALL
    endpoint: Coverage = _ALL
    read_only: Coverage | None = None
    list_jobs_adapter: Coverage = Coverage(False, _UNDER_LJ_1)
    list_jobs_endpoint: Coverage = Coverage(False, _UNDER_LJ_1)
    snapshot_adapter: Coverage = Coverage(False, _NOT_A_SNAPSHOT_RULE)
    snapshot_endpoint: Coverage = Coverage(False, _NOT_A_SNAPSHOT_RULE)
    consumable_adapter: Coverage = Coverage(False, _NOT_A_CONSUMABLE_RULE)
    consumable_endpoint: Coverage = Coverage(False, _NOT_A_CONSUMABLE_RULE)

    @property
    def tag(self) -> str:
        """The source tag of ``docs/SEMANTICS.md``: ``AWS``, ``decision`` or ``AWS + decision``."""
        if self.source == AWS and self.decision:
            return "AWS + decision"
        return self.source

    def coverage(self, target: TargetKind, operation: str = LIST_SERVICE_JOBS_NAME) -> Coverage:
        """What the kit checks of this rule for ``target`` when it checks ``operation`` (``ListServiceJobs``,
        ``ListJobs``, ``GetJobQueueSnapshot`` or ``ListJobsByConsumableResource``)."""
        if operation == SNAPSHOT_NAME:
            return self.snapshot_adapter if target == "adapter" else self.snapshot_endpoint
        if operation == CONSUMABLE_NAME:
            return self.consumable_adapter if target == "adapter" else self.consumable_endpoint
        if operation == LIST_JOBS_NAME:
            return self.list_jobs_adapter if target == "adapter" else self.list_jobs_endpoint
        if target == "adapter":
            return self.adapter
        if target == "endpoint":
            return self.endpoint
        return self.endpoint if self.read_only is None else self.read_only


_ENDPOINT_RULE = "a rule of the HTTP endpoint; an adapter is a function"
_LIST_JOBS_RULE = "a rule of ListJobs: check it with operation ListJobs"
_LIST_JOBS_OVER_THE_WIRE = "over Batch jobs the run submits, or read-only over a queue given"
_NEEDS_JOBS = "needs jobs the kit submits"
_EVERY_JOB_HAS_CREATED_AT = "every job an endpoint holds has a createdAt"
_REFERENCE_ONLY = "a rule of the reference endpoint's own features"
_SQL_STORE_RULE = "a guarantee of listjobs_core.sql.SqlJobStore, not of listing"
_MOTO_RULE = "a rule of the moto plug-in's service-job operations, not of listing"

_MOTO_PLUG_IN = "a rule of the moto plug-in"
_SNAPSHOT_RULE = "a rule of GetJobQueueSnapshot: check it with operation GetJobQueueSnapshot"
# What the GetJobQueueSnapshot check of an adapter (a function like ``job_queue_snapshot``) covers.
_SNAPSHOT_ADAPTER = {
    "SN-1": _part("which jobs are in front and which hold capacity; the request's checks are the endpoint's"),
    "SN-7": _never("a rule of the endpoint's stores; an adapter is handed the queue's jobs"),
}
# What the GetJobQueueSnapshot run over the wire covers of the SN and QS rules.
_SNAPSHOT_ENDPOINT = {
    "SN-1": _part("the fronts of three queues over the run's jobs; a snapshot without jobQueue refused"),
    "SN-2": _part("where the endpoint moves jobs to RUNNABLE (moto's /moto-api/config moves)"),
    "SN-3": _part("where the endpoint moves jobs to RUNNABLE (moto's /moto-api/config moves)"),
    "SN-6": _part("every part of one answer dated alike"),
    "SN-7": _never("a rule of the endpoint's stores, not seen from outside"),
    "QS-1": _part("a policy of both kinds refused; one of each kind made"),
    "QS-2": _part("DescribeJobQueues answers the queues made, each with its policy"),
    "QS-3": _part("shares made, described, refused on a fair-share queue"),
    "QS-5": _part("the share member each kind of queue takes, and refuses"),
    "QS-6": _part("ListQuotaShares pages of one, in code-point order"),
}
_QUEUE_RESOURCE_RULE = (
    "a rule of job queues, scheduling policies and quota shares: check it with operation GetJobQueueSnapshot "
    "over the wire"
)
_CONSUMABLE_RULE = (
    "a rule of ListJobsByConsumableResource: check it with operation ListJobsByConsumableResource"
)
# What the ListJobsByConsumableResource run over the wire covers of the CR rules, where it is not all of
# it (over the jobs the listings show, and over jobs the run makes where the endpoint lets it).
_CONSUMABLE_ENDPOINT = {
    "CR-1": _part("page sizes, JOB_NAME listings, refusals as HTTP 400 ClientException"),
    "CR-2": _part("by ARN as by name; over jobs the run makes, those requiring it by ARN"),
    "CR-3": _part("over jobs the run makes: a requirement naming a resource twice refused at SubmitJob"),
    "CR-5": _part("what the JOB_STATUS listings hold; over jobs the run makes, every job made to require it"),
    "CR-8": _part("required members, quantity; over jobs the run makes, what each was made with"),
    "CR-9": _part("tokens sent with other filters, and with another resource where there are two"),
}
# What the ListJobs check of an adapter covers of each LJ rule, where it is not all of it.
_LIST_JOBS_ADAPTER = {
    "LJ-1": _part("through ListJobs cases of order, filters, pagination and tokens; each call's shape"),
    "LJ-14": _never(_MOTO_PLUG_IN),
}

RULES: tuple[Rule, ...] = (
    Rule(
        "IN-1",
        "the jobs are never mutated",
        DECISION,
        "listing reads its input",
        adapter=_part("checked on every call"),
        endpoint=_never("the endpoint keeps its own jobs"),
    ),
    Rule(
        "IN-2",
        "a job's jobQueue: a queue name and its ARN denote the same queue",
        DECISION,
        "a name and its ARN are one queue",
        endpoint=_part("jobs submitted by queue name and by ARN, listed by both"),
        read_only=_never(_NEEDS_JOBS),
    ),
    Rule(
        "IN-3",
        "version groups JOB_NAME results; absent means 0",
        DECISION,
        "the grouping version",
        endpoint=_never("SubmitServiceJob has no version member"),
    ),
    Rule(
        "IN-4",
        "unknown request members are ignored; null means absent",
        DECISION,
        "null is absent",
        endpoint=_part("null and unknown members, sent as raw JSON"),
        read_only=_never(_NEEDS_JOBS),
    ),
    Rule("V-1", "the request is an object", DECISION, "a request is an object"),
    Rule("V-2", "jobQueue is a non-empty string", DECISION, "an empty queue name is refused"),
    Rule(
        "V-3",
        "jobStatus is a known status (case-sensitive), even when a filter ignores it",
        AWS,
        "jobStatus is validated even when a filter ignores it",
    ),
    Rule("V-4", "maxResults is an integer from 1 to 100", AWS),
    Rule(
        "V-5",
        "filters is a list; [] means no filter",
        DECISION,
        "[] is no filter",
        endpoint=_part("filters as an object, sent as raw JSON; [] as no filter"),
        read_only=_part("filters that are not a list"),
    ),
    Rule("V-6", "two filters: 'Only one filter key-value pair can be specified.'", AWS),
    Rule(
        "V-7", "a filter name is JOB_NAME, BEFORE/AFTER_CREATED_AT, SHARE_IDENTIFIER or QUOTA_SHARE_NAME", AWS
    ),
    Rule(
        "V-8",
        "values is a list of one string; two: 'Filter cannot take more than one value.'",
        AWS,
        "a filter without a value is refused",
    ),
    Rule("V-9", "a JOB_NAME value is not empty", DECISION, "an empty pattern is refused"),
    Rule(
        "V-10",
        "a created-at value is ASCII digits, at most 2^63-1",
        AWS,
        "the bound 2^63-1; leading zeros are accepted",
        read_only=_part("the refusals"),
    ),
    Rule("V-11", "nextToken is a token issued for the same query", AWS),
    Rule(
        "V-12",
        "the request is never changed",
        DECISION,
        "listing reads its input",
        adapter=_part("exception types are the emulator's own, so only 'never changed' is checked"),
        endpoint=_never("an endpoint receives bytes; how it refuses is judged under E-1"),
    ),
    Rule("S-1", "no filter: the jobs whose status equals jobStatus", AWS, read_only=_part("soundness only")),
    Rule("S-2", "no filter and no jobStatus: only RUNNING jobs", AWS, read_only=_part("soundness only")),
    Rule("S-3", "JOB_NAME and created-at filters ignore jobStatus", AWS, read_only=_never(_NEEDS_JOBS)),
    Rule(
        "S-4",
        "SHARE_IDENTIFIER / QUOTA_SHARE_NAME: exact equality, combined with jobStatus",
        AWS,
        read_only=_part("soundness only"),
    ),
    Rule(
        "S-5",
        "JOB_NAME matching is case-insensitive (casefold)",
        AWS,
        endpoint=_part("casefold-only variants through the filter value: job names are ASCII"),
        read_only=_part("soundness only"),
    ),
    Rule(
        "S-6",
        "JOB_NAME: only a final * is a wildcard (prefix match)",
        AWS,
        endpoint=_part("a literal * only in filter values: job names hold none"),
        read_only=_part("soundness only"),
    ),
    Rule(
        "S-7",
        "BEFORE_CREATED_AT and AFTER_CREATED_AT are strict bounds",
        DECISION,
        "the bounds are strict",
        endpoint=_part("bounds at, just before and just after observed createdAt values"),
        read_only=_part("soundness only"),
    ),
    Rule(
        "S-8",
        "a job without createdAt matches neither created-at filter",
        DECISION,
        "no createdAt, no match",
        endpoint=_never(_EVERY_JOB_HAS_CREATED_AT),
    ),
    Rule(
        "S-9",
        "a request's jobQueue selects that queue's jobs, with any filter",
        DECISION,
        "the queue applies with any filter",
        endpoint=_part("the jobs of a second queue are never listed"),
        read_only=_never(_NEEDS_JOBS),
    ),
    Rule(
        "O-1",
        "newest createdAt first, then ascending jobId",
        AWS,
        "equal createdAt by ascending jobId",
        read_only=_part("createdAt never increases along a traversal"),
    ),
    Rule(
        "O-2",
        "JOB_NAME: by jobName (code points), version, newest first, jobId",
        AWS,
        "the order of the name groups (code points, then version); equal createdAt by jobId",
        endpoint=_part("a job's version is taken as 0: the service model has no version member"),
        read_only=_part("each name's jobs together"),
    ),
    Rule(
        "O-3",
        "jobs without createdAt sort last within their group",
        DECISION,
        "no createdAt sorts last",
        endpoint=_never(_EVERY_JOB_HAS_CREATED_AT),
    ),
    Rule("P-1", "a page holds at most maxResults jobs; 100 by default", AWS),
    Rule(
        "P-2",
        "nextToken exactly when more jobs follow (then the page is full); absent, never null",
        AWS,
        "absent, never null, on the last page",
    ),
    Rule(
        "P-3",
        "pages of unchanged jobs concatenate to the whole listing, whatever the page sizes",
        AWS,
        read_only=_part("no job twice"),
    ),
    Rule(
        "P-4",
        "jobs changing between pages: no job twice, none that matched throughout skipped",
        DECISION,
        "keyset cursors",
        endpoint=_part("jobs submitted and terminated between pages"),
        read_only=_never(_NEEDS_JOBS),
    ),
    Rule(
        "T-1",
        "tokens are strings of at most 1024 characters",
        DECISION,
        "the token size",
        adapter=_part("only the size and type; the alphabet and inner layout are the implementation's own"),
        endpoint=_part("only the size and type; the alphabet and inner layout are the implementation's own"),
    ),
    Rule(
        "T-2",
        "tokens do not depend on the order of the jobs",
        DECISION,
        "deterministic, stateless tokens",
        adapter=_part("by behaviour: a token continues over the same jobs in another order"),
        endpoint=_part("by behaviour: the same token twice gives the same page"),
        read_only=_never("jobs may change between two reads"),
    ),
    Rule(
        "T-3",
        "a token is bound to jobQueue, jobStatus and filters, not to maxResults",
        DECISION,
        "tokens are bound to their query",
        adapter=_part("with clearly different queries: another queue name, another status, another filter"),
        endpoint=_part("with clearly different queries: another queue, another given status, another filter"),
    ),
    Rule(
        "T-4",
        "a changed or truncated token is rejected",
        DECISION,
        "tampering is detected",
        adapter=_part("its first, middle or next-to-last character changed, or its last cut off"),
        endpoint=_part("its first, middle or next-to-last character changed, or its last cut off"),
    ),
    Rule("W-1", "the response: jobSummaryList always, nextToken only when there is one; JSON", AWS),
    Rule(
        "W-2",
        "a summary holds exactly the ServiceJobSummary members the job has",
        AWS,
        endpoint=_part("against the job as DescribeServiceJob shows it"),
        read_only=_part("no member beyond ServiceJobSummary"),
    ),
    Rule(
        "W-3",
        "changing a response never changes the jobs",
        DECISION,
        "responses are copies",
        endpoint=_never("an endpoint sends bytes: nothing is shared"),
    ),
    Rule(
        "E-1",
        "ClientException: HTTP 400 and a message",
        AWS,
        adapter=_never("an adapter rejects by raising any exception"),
    ),
    Rule(
        "E-2",
        "ServerException: HTTP 500 for malformed jobs",
        AWS,
        "malformed jobs are the server's fault",
        adapter=_never("the kit never passes malformed jobs"),
        endpoint=_never("the kit cannot make an endpoint hold a malformed job"),
    ),
    Rule(
        "E-3",
        "errors on the wire: status, x-amzn-ErrorType, JSON body, the service's message form",
        AWS,
        adapter=_never("an adapter is a function, not an HTTP endpoint"),
    ),
    Rule(
        "H-1",
        "the reference endpoint: routes",
        AWS,
        "404 for any other path",
        adapter=_never(_ENDPOINT_RULE),
        endpoint=_part("each operation answers a POST at its requestUri; another path is a 404"),
        read_only=_part("ListServiceJobs answers a POST at its requestUri; another path is a 404"),
    ),
    Rule(
        "H-2",
        "the reference endpoint: the request body",
        DECISION,
        "how a body is framed and decoded",
        adapter=_never(_ENDPOINT_RULE),
        endpoint=_part("malformed JSON is a 400 ClientException; an empty body is {}"),
    ),
    Rule(
        "H-3",
        "the reference endpoint: request ids and server faults",
        AWS,
        "server faults are logged",
        adapter=_never(_ENDPOINT_RULE),
        endpoint=_part("every response has a fresh x-amzn-RequestId, which an error's message names"),
    ),
    Rule(
        "H-4",
        "the reference endpoint: SubmitServiceJob",
        AWS,
        "no queue has to exist; the region, account and status of a new job",
        adapter=_never(_ENDPOINT_RULE),
        endpoint=_part("the answer, the job as described, refused submits"),
        read_only=_never("submits nothing"),
    ),
    Rule(
        "H-5",
        "the reference endpoint: DescribeServiceJob",
        AWS,
        "an unstarted job has no startedAt; an unknown jobId is a ClientException",
        adapter=_never(_ENDPOINT_RULE),
        endpoint=_part("members never null, the required ones present; an unknown jobId is refused"),
        read_only=_never(_NEEDS_JOBS),
    ),
    Rule(
        "H-6",
        "the reference endpoint: TerminateServiceJob",
        AWS,
        "terminating a finished job succeeds and changes nothing",
        adapter=_never(_ENDPOINT_RULE),
        endpoint=_part("a terminated job becomes FAILED with the reason; terminating it again succeeds"),
        read_only=_never("terminates nothing"),
    ),
    Rule(
        "H-7",
        "the reference endpoint: client tokens",
        AWS,
        "any reuse of a clientToken is refused",
        adapter=_never(_ENDPOINT_RULE),
        endpoint=_part("the same clientToken and payload twice: the second is refused"),
        read_only=_never("submits nothing"),
    ),
    Rule(
        "H-8",
        "the reference endpoint: the jobs it lists",
        DECISION,
        "the reference's jobs file and demo set",
        adapter=_never(_ENDPOINT_RULE),
        endpoint=_never("a rule of the reference's own jobs"),
    ),
    *(
        Rule(
            rule_id,
            f"the reference endpoint: {title}",
            source,
            decision,
            adapter=_never(_ENDPOINT_RULE),
            endpoint=_never(_REFERENCE_ONLY),
        )
        for rule_id, title, source, decision in (
            ("H-9", "job ARNs as job ids", DECISION, "this project's choice"),
            ("H-10", "region and account", DECISION, "this project's choice"),
            ("H-11", "UpdateServiceJob", AWS, "the endpoint's or plug-in's own choices"),
            ("H-12", "TerminateServiceJobs", AWS, ""),
            ("H-13", "ListJobs", AWS, "the endpoint's or plug-in's own choices"),
            ("H-14", "refusals at the HTTP level", AWS, "the endpoint's or plug-in's own choices"),
            ("H-15", "deadlines and connection caps", DECISION, "this project's choice"),
            ("H-16", "limits on the jobs held", AWS, "the endpoint's or plug-in's own choices"),
            ("H-17", "the request log", DECISION, "this project's choice"),
            ("H-18", "responses that always encode", DECISION, "this project's choice"),
            ("H-19", "jobs and client tokens kept in a database", DECISION, "this project's choice"),
            ("H-20", "served jobs carry jobArn and serviceJobType", AWS, "complete rather than refuse"),
            ("H-21", "consumable resources", AWS, "the endpoint's or plug-in's own choices"),
            ("H-22", "the status a submitted job starts in", DECISION, "this project's choice"),
        )
    ),
    *(
        Rule(
            rule_id,
            f"the SQL store: {title}",
            DECISION,
            "the SQL store's guarantees",
            adapter=_never(_SQL_STORE_RULE),
            endpoint=_never(_SQL_STORE_RULE),
        )
        for rule_id, title in (
            ("SQL-1", "the pure function's answers and tokens"),
            ("SQL-2", "casefold in Python, code-point collation"),
            ("SQL-3", "every page an index range, never a sort"),
            ("SQL-4", "transactions, snapshots, atomic updates"),
            ("SQL-5", "what a database cannot keep is refused"),
        )
    ),
    *(
        Rule(
            rule_id,
            f"ListJobs: {title}",
            source,
            decision,
            adapter=_never(_LIST_JOBS_RULE),
            endpoint=_never(_LIST_JOBS_RULE),
            list_jobs_adapter=_LIST_JOBS_ADAPTER.get(rule_id, _ALL),
            list_jobs_endpoint=_never(_MOTO_PLUG_IN)
            if rule_id == "LJ-14"
            else _part(_LIST_JOBS_OVER_THE_WIRE),
        )
        for rule_id, title, source, decision in (
            ("LJ-1", "the ListServiceJobs rules on the JobSummary shape", AWS, "one engine for both"),
            ("LJ-2", "the seven JobStatus values, no SCHEDULED", AWS, ""),
            ("LJ-3", "its filter names; only SHARE_IDENTIFIER combines with jobStatus", AWS, ""),
            ("LJ-4", "pages of up to 1000, 100 with a filter; more is cut", AWS, "more is cut"),
            ("LJ-5", "exactly one of jobQueue, arrayJobId, multiNodeJobId", AWS, "the message; none"),
            ("LJ-6", "children known by jobId: P:index and P#node", AWS, "known by their jobId"),
            ("LJ-7", "queue listings list no child", DECISION, "children only through their parent"),
            ("LJ-8", "a filter is validated, then ignored, for children", AWS, "validated, then ignored"),
            ("LJ-9", "JOB_DEFINITION: names, prefixes and revision ARNs", AWS, ""),
            ("LJ-10", "JOB_DEFINITION values: not empty, no '*' in an ARN", AWS, "empty, malformed ARNs"),
            ("LJ-11", "JOB_DEFINITION details: wildcards and non-ARN definitions", DECISION, "as S-6"),
            ("LJ-12", "summaries hold the JobSummary members", AWS, ""),
            ("LJ-13", "tokens bound to the operation and the parent job", DECISION, "bound tokens"),
            ("LJ-14", "the moto plug-in", DECISION, "the plug-in's behaviour"),
        )
    ),
    *(
        Rule(
            rule_id,
            f"ListJobsByConsumableResource: {title}",
            source,
            decision,
            adapter=_never(_CONSUMABLE_RULE),
            endpoint=_never(_CONSUMABLE_RULE),
            consumable_adapter=_ALL,
            consumable_endpoint=_CONSUMABLE_ENDPOINT.get(rule_id, _ALL),
        )
        for rule_id, title, source, decision in (
            ("CR-1", "its request, filters, page sizes and response", AWS, ""),
            ("CR-2", "a resource by name or ARN, as queues", AWS, "names and ARNs as IN-2"),
            ("CR-3", "each resource named once, with its quantity", DECISION, "one entry per resource"),
            ("CR-4", "consumableResource required, not empty", AWS, "the empty string"),
            ("CR-5", "every status without JOB_STATUS", DECISION, "no default status"),
            ("CR-6", "one filter of each name, narrowing together", DECISION, "both filters at once"),
            ("CR-7", "newest first, grouped by name under JOB_NAME", DECISION, "O-1 and O-2, as elsewhere"),
            ("CR-8", "its summaries", AWS, "jobQueueArn and quantity"),
            ("CR-9", "tokens bound to the resource and the filters", DECISION, "bound tokens"),
        )
    ),
    *(
        Rule(
            rule_id,
            f"the moto plug-in: {title}",
            source,
            decision,
            adapter=_never(_MOTO_RULE),
            endpoint=_never(_MOTO_RULE),
        )
        for rule_id, title, source, decision in (
            (
                "MS-1",
                "install, uninstall, per account and region",
                AWS,
                "the endpoint's or plug-in's own choices",
            ),
            ("MS-2", "service environments", AWS, "the endpoint's or plug-in's own choices"),
            ("MS-3", "job queues of service environments", AWS, "the endpoint's or plug-in's own choices"),
            ("MS-4", "SubmitServiceJob", AWS, "the endpoint's or plug-in's own choices"),
            ("MS-5", "client tokens", AWS, "the endpoint's or plug-in's own choices"),
            ("MS-6", "TerminateServiceJob", AWS, "the endpoint's or plug-in's own choices"),
            ("MS-7", "UpdateServiceJob", AWS, "the endpoint's or plug-in's own choices"),
            ("MS-8", "status progression", DECISION, "this project's choice"),
            ("MS-9", "moving jobs to any status", DECISION, "this project's choice"),
            ("MS-10", "timestamps that follow the status", AWS, "the endpoint's or plug-in's own choices"),
            ("MS-11", "DescribeServiceJob", AWS, "the endpoint's or plug-in's own choices"),
            ("MS-12", "job ARNs as job ids", AWS, "the endpoint's or plug-in's own choices"),
            ("MS-13", "ListServiceJobs", DECISION, "this project's choice"),
            ("MS-14", "refusals in the service's words", AWS, "the endpoint's or plug-in's own choices"),
            ("MS-15", "quota shares and GetJobQueueSnapshot", AWS, "the endpoint's or plug-in's own choices"),
            ("MS-16", "consumable resources", AWS, "the endpoint's or plug-in's own choices"),
            ("MS-17", "the quantities in use and available", DECISION, "this project's choice"),
            ("MS-18", "what job definitions and jobs require", DECISION, "this project's choice"),
            ("MS-19", "ListJobsByConsumableResource", AWS, "the endpoint's or plug-in's own choices"),
        )
    ),
    *(
        Rule(
            rule_id,
            f"GetJobQueueSnapshot: {title}",
            source,
            decision,
            adapter=_never(_SNAPSHOT_RULE),
            endpoint=_never(_SNAPSHOT_RULE),
            snapshot_adapter=_SNAPSHOT_ADAPTER.get(rule_id, _ALL),
            snapshot_endpoint=_SNAPSHOT_ENDPOINT.get(rule_id, _ALL),
        )
        for rule_id, title, source, decision in (
            ("SN-1", "the first 100 RUNNABLE jobs; jobs in use hold capacity", AWS, "statuses in use"),
            ("SN-2", "FIFO by submission; shares by priority, usage, submission", AWS, "the tie-breaks"),
            ("SN-3", "earliestTimeAtPosition is createdAt", DECISION, "the time a job reached its place"),
            ("SN-4", "the first RUNNABLE job of each quota share", AWS, "empty shares listed, others absent"),
            ("SN-5", "capacity usage per unit, top 20 shares", AWS, "unit order, exact sums, ties"),
            ("SN-6", "lastUpdatedAt is the snapshot's time", DECISION, "computed when asked"),
            ("SN-7", "the endpoint reads the store of the queue type", DECISION, "the store read"),
        )
    ),
    *(
        Rule(
            rule_id,
            f"queues as resources: {title}",
            source,
            decision,
            adapter=_never(_QUEUE_RESOURCE_RULE),
            endpoint=_never(_QUEUE_RESOURCE_RULE),
            snapshot_endpoint=_SNAPSHOT_ENDPOINT.get(rule_id, _ALL),
        )
        for rule_id, title, source, decision in (
            ("QS-1", "scheduling policies of exactly one kind", AWS, "neither kind is fair-share"),
            ("QS-2", "job queues and their policies", AWS, "VALID at once; no disabling to delete"),
            ("QS-3", "quota shares of quota-share queues", AWS, "a unit once; VALID at once"),
            ("QS-4", "quota share ARNs: quota-share/<queue>/<name>", DECISION, "the ARN form"),
            ("QS-5", "SubmitServiceJob: share members as the queue's policy says", AWS, ""),
            ("QS-6", "ListQuotaShares and DescribeJobQueues pages", AWS, "orders and bound tokens"),
        )
    ),
)

_RULE_IDS = tuple(rule.id for rule in RULES)
_BY_ID = {rule.id: rule for rule in RULES}


def rule_ids() -> tuple[str, ...]:
    """Every rule id, in the order of ``docs/SEMANTICS.md``."""
    return _RULE_IDS


def rule(rule_id: str) -> Rule:
    """The rule with this id; ``KeyError`` for an unknown id."""
    return _BY_ID[rule_id]


def chosen_rules(rules: Iterable[str] | None, skip: Iterable[str] | None = None) -> tuple[Rule, ...]:
    """The rules a check reports on: ``rules`` (default: all) less ``skip``; ``ValueError`` naming any
    unknown rule id."""
    wanted = {rule.id for rule in RULES} if rules is None else set(_ids(rules))
    skipped = set(_ids(skip or ()))
    unknown = (wanted | skipped) - {rule.id for rule in RULES}
    if unknown:
        raise ValueError(f"unknown rule ids: {', '.join(sorted(unknown))}")
    return tuple(rule for rule in RULES if rule.id in wanted and rule.id not in skipped)


def operation_rules(
    rules: Iterable[str] | None, skip: Iterable[str] | None, operation: str, prefixes: tuple[str, ...]
) -> tuple[Rule, ...]:
    """The rules of ``operation`` (those whose ids start with one of ``prefixes``) among
    ``chosen_rules(rules, skip)``; ``ValueError`` when ``rules`` names none of them."""
    own = tuple(rule for rule in chosen_rules(rules, skip) if rule.id.startswith(prefixes))
    if rules is not None and not own:
        named = ", ".join(sorted(set(_ids(rules))))
        kinds = " and ".join(prefix.rstrip("-") for prefix in prefixes)
        raise ValueError(f"no {operation} rule among {named}: {operation} has the {kinds} rules")
    return own


def _ids(rules: Iterable[str]) -> list[str]:
    return [rules] if isinstance(rules, str) else list(rules)
