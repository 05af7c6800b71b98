"""JOB_DEFINITION matching (rules LJ-9 to LJ-11), a ListJobs filter.

Theory of operation, from the model (``ListJobsRequest.filters``): "The value for the filter is the name or
Amazon Resource Name (ARN) of the job definition. This corresponds to the jobDefinition value. The value is
case sensitive. When the value for the filter is the job definition name, the results include all the jobs
that used any revision of that job definition name. If the value ends with an asterisk (*), the filter
matches any job definition name that begins with the string before the '*'. For example, jd1 matches only
jd1, and jd1* matches both jd1 and jd1A. ... When the JOB_DEFINITION filter is used and the ARN is used
(which is in the form arn:${Partition}:batch:${Region}:${Account}:job-definition/${JobDefinitionName}:
${Revision}), the results include jobs that used the specified revision of the job definition. Asterisk (*)
isn't supported when the ARN is used."

So a value is one of three patterns: a name (every revision of that definition), a name prefix ending in
``*``, or a revision's full ARN (that revision only, by exact string equality). A job carries
``jobDefinition`` as the ARN of the revision it used (model, ``JobSummary.jobDefinition``); a job whose
``jobDefinition`` is not such an ARN is read as ``NAME`` or ``NAME:REVISION`` (rule LJ-11), so emulators
that keep bare names still match by name. Which values are valid is ``job_definition_value_problem``;
the filter's spec (``_filters``) calls it, and request parsing turns a problem into a ``ClientException``.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from . import _decisions
from ._decisions import JOB_DEFINITION_WILDCARD
from ._memo import Memo
from ._model import JobLike

__all__ = [
    "JobDefinitionPattern",
    "job_definition_name",
    "job_definition_value_problem",
    "matches_job_definition",
]

# Model: "arn:${Partition}:batch:${Region}:${Account}:job-definition/${JobDefinitionName}:${Revision}".
_JOB_DEFINITION_ARN = re.compile(
    r"arn:[^:*]+:batch:[^:*]*:[^:*]*:job-definition/(?P<name>[^:/*]+):(?P<revision>[0-9]+)"
)
# "When ... the ARN is used": a value in the ARN scheme. A definition name never holds ':', so no name
# starts with this.
_ARN_SCHEME = "arn:"


class PatternKind(str, enum.Enum):
    """What a JOB_DEFINITION value denotes."""

    NAME = "NAME"  # every revision of the definition with that name
    PREFIX = "PREFIX"  # every revision of every definition whose name begins with the text
    ARN = "ARN"  # exactly the revision the ARN names


def job_definition_name(job_definition: str) -> str:
    """The definition name a job's ``jobDefinition`` denotes: the name inside a revision's ARN, else the
    text before ``:REVISION``, else the text itself.

    >>> job_definition_name("arn:aws:batch:us-east-1:123456789012:job-definition/jd1:3")
    'jd1'
    >>> job_definition_name("jd1:3"), job_definition_name("jd1")
    ('jd1', 'jd1')
    >>> job_definition_name("arn:aws:batch:us-east-1:123456789012:job-definition/jd1")
    'jd1'
    """
    if job_definition.startswith(_ARN_SCHEME):
        job_definition = job_definition.rpartition("/")[2]
    return job_definition.partition(":")[0]


def job_definition_value_problem(value: str) -> str | None:
    """Why ``value`` is not a valid JOB_DEFINITION filter value (rule LJ-10), or ``None`` when it is.

    >>> job_definition_value_problem("jd1*") is None
    True
    >>> job_definition_value_problem("arn:aws:batch:us-east-1:123456789012:job-definition/jd1*")
    "an asterisk (*) isn't supported when the ARN is used"
    """
    if _decisions.REJECT_EMPTY_JOB_DEFINITION_FILTER and not value:
        return "it must not be empty"
    if not value.startswith(_ARN_SCHEME):
        return None
    if JOB_DEFINITION_WILDCARD in value:
        return f"an asterisk ({JOB_DEFINITION_WILDCARD}) isn't supported when the ARN is used"
    if not _JOB_DEFINITION_ARN.fullmatch(value):
        return (
            "an ARN must have the form "
            "arn:<partition>:batch:<region>:<account>:job-definition/<name>:<revision>"
        )
    return None


@dataclass(frozen=True, slots=True)
class JobDefinitionPattern:
    """A valid JOB_DEFINITION filter value: ``text`` is the name, the name prefix, or the ARN to match."""

    text: str
    kind: PatternKind

    @classmethod
    def parse(cls, value: str) -> JobDefinitionPattern:
        """Classify a value that ``job_definition_value_problem`` accepts.

        >>> JobDefinitionPattern.parse("jd1*")
        JobDefinitionPattern(text='jd1', kind=<PatternKind.PREFIX: 'PREFIX'>)
        >>> JobDefinitionPattern.parse("arn:aws:batch:r:1:job-definition/jd1:2").kind.value
        'ARN'
        """
        if value.startswith(_ARN_SCHEME):
            return cls(value, PatternKind.ARN)
        if value.endswith(JOB_DEFINITION_WILDCARD):
            return cls(value[: -len(JOB_DEFINITION_WILDCARD)], PatternKind.PREFIX)
        return cls(value, PatternKind.NAME)

    def matches(self, job_definition: str) -> bool:
        """Whether a job's ``jobDefinition`` matches this pattern; case-sensitive throughout."""
        if self.kind is PatternKind.ARN:
            return job_definition == self.text
        name = job_definition_name(job_definition)
        if self.kind is PatternKind.PREFIX:
            return name.startswith(self.text)
        return name == self.text

    def selector(self) -> Callable[[Iterable[JobLike]], list[JobLike]]:
        """The function from a list of jobs to those whose ``jobDefinition`` matches, in order; a job
        without one matches nothing (LJ-11). ``matches`` runs once per distinct ``jobDefinition``.

        >>> keep = JobDefinitionPattern.parse("jd1").selector()
        >>> keep([{"jobDefinition": "jd1:2"}, {"jobDefinition": "jd10:1"}, {}])
        [{'jobDefinition': 'jd1:2'}]
        """
        memo = Memo(self.matches, {None: False})
        return lambda jobs: [job for job in jobs if memo[job.get("jobDefinition")]]


def matches_job_definition(job_definition: str, value: str) -> bool:
    """Whether a job's ``jobDefinition`` (an ARN) matches the JOB_DEFINITION filter value ``value``.

    >>> arn = "arn:aws:batch:us-east-1:123456789012:job-definition/jd1:3"
    >>> [matches_job_definition(arn, value) for value in ("jd1", "jd*", "*", arn)]
    [True, True, True, True]
    >>> [matches_job_definition(arn, value) for value in ("JD1", "jd", "jd1:3", arn[:-1] + "2")]
    [False, False, False, False]
    """
    return JobDefinitionPattern.parse(value).matches(job_definition)
