"""The conformance kit: check that an implementation lists service jobs exactly like the reference.

Theory of operation: an implementation under test is an *adapter*, ``adapter(jobs, request) -> response``
over wire-shaped dicts, that rejects a request by raising any exception. :func:`check` runs it through
the hand-written vectors shipped in ``vectors.json`` (every rule of ``docs/SEMANTICS.md`` that can be seen
from outside, each vector tagged with its rule id) and through a seeded differential run against
:func:`listjobs_core.list_service_jobs`, and returns a :class:`Report`: ``ok``, one row per rule graded by
the rule's source (a rule AWS states fails; a difference from one of the reference's decisions is an
advisory, a failure only with ``strict``), and ``str(report)``, a table followed by the smallest failing
case of every failing rule. Tokens are judged by behaviour only, so an implementation with its own token
format passes. Standard library only.

Modules: ``_rules`` (the rule table, with sources and what each target shows), ``_calls`` (calling the
adapter; what every response obeys), ``_vectors`` (the vector format and runner), ``_generate`` (seeded
generators), ``_differential`` (the comparison with the reference), ``_diagnosis`` (which rule a
difference breaks), ``_report`` (grading, rows and rendering), ``_check`` (``check`` itself) and
``_command`` (``python -m listjobs_core conformance``).

>>> from listjobs_core import list_service_jobs
>>> check(list_service_jobs, examples=5).ok
True
"""

from ._calls import Adapter
from ._check import DEFAULT_EXAMPLES, check
from ._report import Crash, Failure, Report, RuleRow
from ._rules import RULES, Coverage, Rule
from ._vectors import VECTORS_FORMAT, Case, load_vectors

__all__ = [
    "DEFAULT_EXAMPLES",
    "RULES",
    "VECTORS_FORMAT",
    "Adapter",
    "Case",
    "Coverage",
    "Crash",
    "Failure",
    "Report",
    "Rule",
    "RuleRow",
    "check",
    "load_vectors",
]
