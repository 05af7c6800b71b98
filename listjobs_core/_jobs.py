"""What a well-formed job is: the one home of job member types (rules IN-1, IN-3, E-2, H-8).

Theory of operation: a job is a mapping in the wire shape of the model's job shapes (``ServiceJobSummary``,
``JobSummary``, ``DescribeServiceJobResponse``, and ``JobDetail``'s ``consumableResourceProperties``),
plus ``jobQueue`` and ``version`` (IN-2, IN-3). This
module knows the JSON type of every member those shapes name (``MEMBER_SHAPES``, from the service model in
botocore) and answers one question: what, if anything, is wrong with a job (``find_job_problem``). It
raises nothing itself; each caller turns a problem into its own error: the jobs file loader into a
``JobsFileError`` naming the file and the job, the store into ``TypeError``/``ValueError`` naming the
member, the endpoint into a ``ClientException``. The listing reads ``MEMBER_SHAPES`` too, to refuse a
member of the wrong type where it projects one (E-2).

What a well-formed job is (IN-1): ``jobId`` and ``jobName`` are non-empty strings; every other member the
model names has its model type (``version``: a non-negative integer), and ``status`` is one of the model's
statuses; every value is JSON (objects with
string keys, arrays, strings, numbers, booleans) nested at most ``MAX_NESTING_DEPTH`` deep, every
string is valid Unicode (no lone surrogate, which no UTF-8 response could carry), and every integer fits
the model's ``Long``, 64 bits signed (``LONG_MIN`` to ``LONG_MAX``; a larger one has no wire form an SDK
reads, and beyond 4300 digits Python cannot even write it as JSON). A member whose value is
``None`` counts as absent (IN-1), and members the model does not name may hold any such JSON value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from ._consumable import PROPERTIES, properties_problem
from ._json import json_kind
from ._model import JobStatus

__all__ = [
    "LONG_MAX",
    "LONG_MIN",
    "CREATED_AT_MIN",
    "MAX_NESTING_DEPTH",
    "MEMBER_SHAPES",
    "NON_NEGATIVE_INTEGER",
    "REQUIRED_MEMBERS",
    "STATUS_VALUES",
    "SUMMARY_TRUE_ONLY_MEMBERS",
    "JobProblem",
    "Shape",
    "find_job_problem",
    "fits",
    "is_valid_unicode",
]


class Shape(NamedTuple):
    """A JSON type of the model: how messages name it, and the Python types that hold it."""

    name: str
    types: tuple[type, ...]


STRING = Shape("a string", (str,))
LONG = Shape("an integer", (int,))  # the model's Long and Integer; a boolean is not one
BOOLEAN = Shape("a boolean", (bool,))
STRUCTURE = Shape("an object", (Mapping,))
LIST = Shape("an array", (list, tuple))
NON_NEGATIVE_INTEGER = Shape("a non-negative integer", (int,))

# IN-1, model (ServiceJobStatus, of which JobStatus is a part): a job's status is one of the model's values,
# case-sensitive. A job of another status would match no listing at all.
STATUS_VALUES = frozenset(status.value for status in JobStatus)

# IN-1: "jobId and jobName are non-empty strings"; the model marks both required in every job shape.
REQUIRED_MEMBERS = ("jobId", "jobName")

# The model's type of every job member (botocore ``batch/2016-08-10/service-2.json``: the members of
# ``ServiceJobSummary``, ``JobSummary`` and ``DescribeServiceJobResponse``), plus ``version`` (IN-3).
MEMBER_SHAPES: dict[str, Shape] = {
    "jobArn": STRING,
    "jobId": STRING,
    "jobName": STRING,
    "jobQueue": STRING,
    "jobDefinition": STRING,
    "serviceJobType": STRING,
    "serviceRequestPayload": STRING,
    "shareIdentifier": STRING,
    "quotaShareName": STRING,
    "status": STRING,
    "statusReason": STRING,
    "createdAt": LONG,
    "scheduledAt": LONG,
    "startedAt": LONG,
    "stoppedAt": LONG,
    "schedulingPriority": LONG,
    "isTerminated": BOOLEAN,
    "isCancelled": BOOLEAN,
    "latestAttempt": STRUCTURE,
    "container": STRUCTURE,
    "arrayProperties": STRUCTURE,
    "nodeProperties": STRUCTURE,
    "retryStrategy": STRUCTURE,
    "preemptionConfiguration": STRUCTURE,
    "preemptionSummary": STRUCTURE,
    "timeoutConfig": STRUCTURE,
    "tags": STRUCTURE,
    "capacityUsage": LIST,
    "attempts": LIST,
    # JobDetail.consumableResourceProperties (ListJobsByConsumableResource; its form: CR-3, ``_consumable``).
    PROPERTIES: STRUCTURE,
    "version": NON_NEGATIVE_INTEGER,
}

# W-2, model (ServiceJobSummary.isTerminated, JobSummary.isCancelled and JobSummary.isTerminated): "This
# field is only present when the value is true." A summary leaves these members out when they are false;
# DescribeServiceJobResponse.isTerminated has no such sentence, and a description keeps a false one.
SUMMARY_TRUE_ONLY_MEMBERS = frozenset({"isCancelled", "isTerminated"})

# IN-1: every integer of a job fits the model's Long (a 64-bit signed integer), the widest integer shape
# the model has; the created-at filter values are bounded the same way (V-10).
LONG_MIN, LONG_MAX = -(2**63), 2**63 - 1
# IN-1, decision: a createdAt every store can keep and order. The SQL store keys a job by -createdAt in a
# 64-bit integer and keeps one more value for "no createdAt", so its range is -(2^63-2) to 2^63-1; every
# store refuses what lies outside it, so a job accepted by one store is accepted by all.
CREATED_AT_MIN = -(2**63 - 2)

# IN-1: how deep objects and arrays may nest inside one member: far beyond any shape of the model (the
# deepest, ``attempts``, nests four levels), and far below the interpreter's recursion limit.
MAX_NESTING_DEPTH = 32


def fits(value: object, shape: Shape) -> bool:
    """Whether a (non-``None``) value has a shape's JSON type.

    >>> fits(5, LONG), fits(True, LONG), fits(True, BOOLEAN), fits(-1, NON_NEGATIVE_INTEGER)
    (True, False, True, False)
    >>> fits(2**63 - 1, LONG), fits(2**63, LONG)
    (True, False)
    """
    if type(value) is bool:
        return shape is BOOLEAN
    if not isinstance(value, shape.types):
        return False
    if isinstance(value, int):
        low = 0 if shape is NON_NEGATIVE_INTEGER else LONG_MIN
        return low <= value <= LONG_MAX
    return True


def _show_integer(value: int) -> str:
    """An integer for a message: its digits when it has few, else its size (a huge one has no ``str``)."""
    return str(value) if value.bit_length() <= 128 else f"an integer of {value.bit_length()} bits"


def _integer_problem(member: str, shape: Shape, value: int) -> JobProblem:
    """An integer member out of its shape's range: a value error, not a type error."""
    if shape is NON_NEGATIVE_INTEGER and value < 0:
        wanted = shape.name
    elif shape is NON_NEGATIVE_INTEGER:
        wanted = "an integer up to 2^63-1 (the model's Long)"
    else:
        wanted = "an integer from -2^63 to 2^63-1 (the model's Long)"
    return JobProblem(member, f"must be {wanted}, got {_show_integer(value)}", is_type_error=False)


def is_valid_unicode(text: str) -> bool:
    """Whether a string can be encoded as UTF-8: it holds no lone surrogate.

    >>> is_valid_unicode("Straße"), is_valid_unicode("\\ud800")
    (True, False)
    """
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class JobProblem:
    """What is wrong with a job: the member at fault (``None``: the job itself) and why.

    ``is_type_error`` tells a value of the wrong type from a value of the right type that is still wrong
    (an empty ``jobId``, a negative ``version``), for callers that raise ``TypeError`` or ``ValueError``.
    """

    member: str | None
    reason: str
    is_type_error: bool = True

    def __str__(self) -> str:
        return self.reason if self.member is None else f"member {self.member!r} {self.reason}"


def find_job_problem(job: object) -> JobProblem | None:
    """The first thing wrong with a job (see the module's notes), or ``None`` when it is well formed.

    O(size of the job).

    >>> print(find_job_problem({"jobId": "a", "jobName": ""}))
    member 'jobName' must be a non-empty string, got ''
    >>> print(find_job_problem({"jobId": "a", "jobName": "n", "createdAt": "soon"}))
    member 'createdAt' must be an integer, got a string
    >>> find_job_problem({"jobId": "a", "jobName": "n", "status": None, "custom": [1, {"x": True}]}) is None
    True
    """
    if not isinstance(job, Mapping):
        return JobProblem(None, f"a job must be a mapping (a JSON object), got {json_kind(job)}")
    for member in REQUIRED_MEMBERS:
        value = job.get(member)
        if value is None:
            return JobProblem(member, "is missing")
        if not isinstance(value, str) or not value:
            got = "''" if isinstance(value, str) else json_kind(value)
            return JobProblem(member, f"must be a non-empty string, got {got}", not isinstance(value, str))
    for member, value in job.items():
        if value is None:
            continue  # IN-1: a member whose value is None counts as absent
        if not isinstance(member, str):
            return JobProblem(None, f"a job's member names must be strings, got {json_kind(member)}")
        shape = MEMBER_SHAPES.get(member)
        if shape is not None and not fits(value, shape):
            if type(value) is int and int in shape.types:
                return _integer_problem(member, shape, value)
            return JobProblem(member, f"must be {shape.name}, got {json_kind(value)}")
        problem = _json_value_problem(value, member, 0)
        if problem is not None:
            return problem
        if member == PROPERTIES:
            # CR-3: what a job requires of consumable resources is well formed, each resource named once.
            reason = properties_problem(value)
            if reason is not None:
                return JobProblem(member, reason, is_type_error=False)
    created_at = job.get("createdAt")
    if type(created_at) is int and created_at < CREATED_AT_MIN:
        shown = _show_integer(created_at)
        return JobProblem("createdAt", f"must be from -(2^63-2) to 2^63-1, got {shown}", is_type_error=False)
    status = job.get("status")
    if isinstance(status, str) and status not in STATUS_VALUES:
        return JobProblem(
            "status", f"must be one of {', '.join(JobStatus)}, got {status!r}", is_type_error=False
        )
    return None


def _json_value_problem(value: Any, member: str, depth: int) -> JobProblem | None:
    """Why a member's value is not JSON of valid strings nested at most ``MAX_NESTING_DEPTH`` deep."""
    if isinstance(value, str):
        if is_valid_unicode(value):
            return None
        return JobProblem(member, "must be valid Unicode: it holds a lone surrogate", is_type_error=False)
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return None if LONG_MIN <= value <= LONG_MAX else _integer_problem(member, LONG, value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return JobProblem(member, "must be JSON: it holds NaN or an infinity", is_type_error=False)
        return None
    if isinstance(value, (Mapping, list, tuple)):
        if depth >= MAX_NESTING_DEPTH:
            return JobProblem(
                member, f"must not nest more than {MAX_NESTING_DEPTH} levels deep", is_type_error=False
            )
        items = value.items() if isinstance(value, Mapping) else enumerate(value)
        for key, item in items:
            if isinstance(value, Mapping) and not (isinstance(key, str) and is_valid_unicode(key)):
                return JobProblem(member, "must be JSON: it holds an object key that is not a string")
            problem = _json_value_problem(item, member, depth + 1)
            if problem is not None:
                return problem
        return None
    return JobProblem(member, f"must be JSON, but holds a {type(value).__name__}")
