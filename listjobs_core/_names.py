"""JOB_NAME matching (rules S-5, S-6).

Theory of operation, from the seed: "The value of the filter is a case-insensitive match for the job
name. If the value ends with an asterisk (*), the filter matches any job name that begins with the string
before the '*'. ... For example, test1 matches both Test1 and test1, and test1* matches both test1 and
Test10." Case-insensitive means ``str.casefold`` on both sides; only the final ``*`` is a wildcard.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ._decisions import JOB_NAME_WILDCARD
from ._memo import Memo
from ._model import JobLike

__all__ = ["JobNamePattern", "matches_job_name"]


@dataclass(frozen=True, slots=True)
class JobNamePattern:
    """A JOB_NAME filter value, case-folded once: ``folded`` is the name or the prefix to match."""

    folded: str
    is_prefix: bool

    @classmethod
    def parse(cls, value: str) -> JobNamePattern:
        """Split off the final wildcard, if any, and case-fold the rest.

        >>> JobNamePattern.parse("Test1*")
        JobNamePattern(folded='test1', is_prefix=True)
        >>> JobNamePattern.parse("a*b")
        JobNamePattern(folded='a*b', is_prefix=False)
        """
        if value.endswith(JOB_NAME_WILDCARD):
            return cls(value[: -len(JOB_NAME_WILDCARD)].casefold(), True)
        return cls(value.casefold(), False)

    def matches(self, job_name: str) -> bool:
        """Whether a job name matches this pattern."""
        folded_name = job_name.casefold()
        if self.is_prefix:
            return folded_name.startswith(self.folded)
        return folded_name == self.folded

    def selector(self) -> Callable[[Iterable[JobLike]], list[JobLike]]:
        """The function from a list of jobs to those whose ``jobName`` matches, in order.

        It remembers the answer for each distinct name it meets, so a name is folded once, however many
        jobs share it, and each job costs one dict lookup.

        >>> keep = JobNamePattern.parse("TEST1*").selector()
        >>> [job["jobName"] for job in keep([{"jobName": "Test10"}, {"jobName": "test2"}])]
        ['Test10']
        """
        if self.is_prefix and not self.folded:
            return list  # "*" alone: every name begins with the empty string
        folded = self.folded
        if self.is_prefix:
            # A miss folds the name inline: with few jobs per name, misses are most of the cost.
            known: dict[str, bool] = {}
            get, remember = known.get, known.setdefault
            return lambda jobs: [
                job
                for job in jobs
                if (
                    answer
                    if (answer := get(name := job["jobName"])) is not None
                    else remember(name, name.casefold().startswith(folded))
                )
            ]
        # Case folding maps each character to one or more (``test_case_folding_never_shortens``), so a name
        # longer than the folded value cannot equal it: ``len`` spares most names the memo.
        matches = Memo(lambda name: bool(name.casefold() == folded))
        longest = len(folded)
        return lambda jobs: [
            job for job in jobs if len(name := job["jobName"]) <= longest and matches[name]
        ]


def matches_job_name(job_name: str, value: str) -> bool:
    """Whether ``job_name`` matches the JOB_NAME filter value ``value``.

    >>> matches_job_name("Test1", "test1"), matches_job_name("Test10", "test1*")
    (True, True)
    >>> matches_job_name("Test10", "test1"), matches_job_name("a*b", "a*b"), matches_job_name("ab", "a*b")
    (False, True, False)
    >>> matches_job_name("anything", "*")
    True
    """
    return JobNamePattern.parse(value).matches(job_name)
