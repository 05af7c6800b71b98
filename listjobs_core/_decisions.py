"""The project's decisions, where the AWS sources are silent or ambiguous.

Theory of operation: every choice listjobs_core makes that the seed page, the service model and observed
service behaviour do not settle lives here, as one named constant, so that changing a decision is a
one-line change. Each constant quotes the rule of ``docs/SEMANTICS.md`` it implements; the modules that
apply a decision take it from here and never restate it. A yes/no decision is read from this module at
the moment it applies (``_decisions.NAME``), never copied at import, so that ``tests/test_decisions.py``
can turn each one the other way and check the other behaviour too.
"""

from __future__ import annotations

__all__ = [
    "ARRAY_CHILD_SEPARATOR",
    "BUILTIN_TOKEN_KEY",
    "CONSUMABLE_RESOURCE_DEFAULT_STATUS",
    "CONSUMABLE_RESOURCE_FILTERS_NARROW_TOGETHER",
    "CONSUMABLE_RESOURCE_JOB_NAME_GROUPS",
    "CREATED_AT_FILTER_MAX",
    "FILTERS_APPLY_TO_CHILD_JOBS",
    "JOB_DEFINITION_WILDCARD",
    "JOB_NAME_WILDCARD",
    "LIST_JOBS_CLAMPS_MAX_RESULTS",
    "MISSING_CREATED_AT_SORTS_LAST",
    "MISSING_VERSION",
    "MNP_NODE_SEPARATOR",
    "NULL_MEMBER_IS_ABSENT",
    "QUEUE_LISTINGS_INCLUDE_CHILD_JOBS",
    "REJECT_EMPTY_JOB_DEFINITION_FILTER",
    "REJECT_EMPTY_JOB_NAME_FILTER",
    "REJECT_EMPTY_JOB_QUEUE",
    "STRICT_CREATED_AT_BOUNDS",
    "TOKEN_FORMAT_VERSION",
    "TOKEN_MAX_CHARACTERS",
    "TOKEN_QUERY_FINGERPRINT_BYTES",
    "TOKEN_QUEUE_ARN_TAG_BYTES",
    "TOKEN_TAG_BYTES",
]

# IN-4: "A member whose value is JSON null (Python None) is treated as absent."
NULL_MEMBER_IS_ABSENT = True

# V-2: "jobQueue, when present, is a non-empty string." An empty name denotes no queue.
REJECT_EMPTY_JOB_QUEUE = True

# V-9: "A JOB_NAME value is not empty."
REJECT_EMPTY_JOB_NAME_FILTER = True

# V-10: created-at filter values are milliseconds "at most 2^63-1" (the service's Long).
CREATED_AT_FILTER_MAX = 2**63 - 1

# S-6: "only the final * is a wildcard, any other * is literal".
JOB_NAME_WILDCARD = "*"

# S-7: "BEFORE_CREATED_AT v selects createdAt < v; AFTER_CREATED_AT v selects createdAt > v. Both strict."
STRICT_CREATED_AT_BOUNDS = True

# O-3: "A job without createdAt sorts after the jobs that have one, within its group."
MISSING_CREATED_AT_SORTS_LAST = True

# IN-3: "version (a non-negative integer, absent means 0)".
MISSING_VERSION = 0

# T-1: "opaque, URL-safe ASCII ... of at most 1024 characters, versioned".
TOKEN_MAX_CHARACTERS = 1024
TOKEN_FORMAT_VERSION = 1

# T-3: the query a token is bound to travels in the token as a truncated SHA-256 fingerprint.
TOKEN_QUERY_FINGERPRINT_BYTES = 8
# T-3: "two ARNs denote the same queue only when they are equal": a short hash of the queue ARN, when the
# query gave one, tells apart ARNs that share a name.
TOKEN_QUEUE_ARN_TAG_BYTES = 4

# T-4: "every token carries an HMAC-SHA256 tag (16 bytes) under the caller's token_key, or under a
# built-in key when none is given." The built-in key detects corruption, not forgery: it is public.
TOKEN_TAG_BYTES = 16
BUILTIN_TOKEN_KEY = b"listjobs_core built-in token key: integrity, not secrecy"

# --- ListJobs (rules LJ-* of docs/SEMANTICS.md) ----------------------------------------------------------

# LJ-4: "A page holds at most 1000 jobs without a filter and at most 100 with one; an absent maxResults means
# that limit, and a larger one is cut to it, not refused." The model's "returns up to" is a cap on the page.
LIST_JOBS_CLAMPS_MAX_RESULTS = True

# LJ-6: children are known by their jobId, as Batch names them: an array child "<parent>:<index>", a
# multi-node parallel node "<parent>#<node index>".
ARRAY_CHILD_SEPARATOR = ":"
MNP_NODE_SEPARATOR = "#"

# LJ-7: "A jobQueue listing lists no child": children are listed through their parent (LJ-6).
QUEUE_LISTINGS_INCLUDE_CHILD_JOBS = False

# LJ-8: "With arrayJobId or multiNodeJobId, a filter is validated ... and then ignored", from the model's
# "The filter doesn't apply to child jobs in an array or multi-node parallel (MNP) jobs."
FILTERS_APPLY_TO_CHILD_JOBS = False

# LJ-10: "A JOB_DEFINITION value is not empty."
REJECT_EMPTY_JOB_DEFINITION_FILTER = True

# LJ-11: "Only the final * of a JOB_DEFINITION name is a wildcard", as in JOB_NAME (S-6).
JOB_DEFINITION_WILDCARD = "*"

# --- ListJobsByConsumableResource (rules CR-* of docs/SEMANTICS.md) ---------------------------------------
# These sit in the operation's table (``_operations.LIST_JOBS_BY_CONSUMABLE_RESOURCE``), read when it is made.

# CR-5: "Without a JOB_STATUS filter, jobs of every status are listed" (None: no default status).
CONSUMABLE_RESOURCE_DEFAULT_STATUS: str | None = None

# CR-6: "At most one filter of each name ...; JOB_STATUS and JOB_NAME may be given together".
CONSUMABLE_RESOURCE_FILTERS_NARROW_TOGETHER = True

# CR-7: "The jobs are in O-1's order ... with or without JOB_NAME (no grouping by name, unlike O-2)".
CONSUMABLE_RESOURCE_JOB_NAME_GROUPS = False
