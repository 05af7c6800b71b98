"""The conformance kit: check that an implementation lists service jobs exactly like the reference.

Theory of operation: an implementation under test is an *adapter*, ``adapter(jobs, request) -> response``
over wire-shaped dicts, that rejects a request by raising any exception, or a running *endpoint* reached
over HTTP. :func:`check` runs an adapter through the hand-written vectors shipped in ``vectors.json``
(every rule of ``docs/SEMANTICS.md`` that can be seen from outside, each vector tagged with its rule id)
and through a seeded differential run against :func:`listjobs_core.list_service_jobs`;
:func:`check_endpoint` submits its own jobs to an endpoint and judges its listings, and the wire itself,
against the reference over the jobs as the endpoint describes them. Both return a :class:`Report`:
``ok``, one row per rule graded by the rule's source (a rule AWS states fails; a difference from one of
the reference's decisions is an advisory, a failure only with ``strict``), and ``str(report)``, a table
followed by the smallest failing case of every failing rule. Tokens are judged by behaviour only, so an
implementation with its own token format passes. ``check(adapter, operation=LIST_JOBS)`` checks an
implementation of ListJobs instead, against :func:`listjobs_core.list_jobs` and the LJ rules, through
designed cases (``_list_jobs_cases``) and seeded generated ones (``_list_jobs_generate``); over the wire,
ListJobs is checked over Batch jobs the run makes itself where the endpoint lets it. ``check`` is
standard library only; ``check_endpoint`` signs its requests with botocore (``pip install
".[conformance]"`` from a clone).

The kit is in rooms. At the top, what both ways of checking share: ``_rules`` (the rule table, with
sources and what each target shows; the one source of the rule ids and source tags of
``docs/SEMANTICS.md``, which a test holds to it), ``_report`` (grading, rows and rendering), ``_calls``
(calling an implementation; what every response obeys), ``_vectors`` (the vector format and runner),
``_list_jobs_cases`` (the designed ListJobs cases, and the table of those that hold over any queue's
jobs), ``_list_jobs_generate`` (seeded ListJobs cases), ``_list_jobs_judging`` (judging ListJobs answers
and traversals), ``_consumable_judging`` and ``_consumable_generate`` (judging
ListJobsByConsumableResource traversals, and seeded cases of it), ``_generate`` (seeded generators),
``_diagnosis`` (which rule a difference breaks), ``_differential`` (a traversal compared with the
reference's) and ``_command`` (``python -m listjobs_core conformance``). Then one sub-package per
way of checking: ``in_process`` (:func:`check`, an adapter called as a function) and
``over_the_wire`` (:func:`check_endpoint`, an endpoint reached over HTTP). Neither imports the other.

>>> from listjobs_core import list_service_jobs
>>> check(list_service_jobs, examples=5).ok
True
"""

from ._calls import Adapter
from ._report import Crash, Failure, Report, RuleRow
from ._rules import RULES, Coverage, Rule
from ._vectors import VECTORS_FORMAT, Case, load_vectors
from .in_process import DEFAULT_EXAMPLES, check
from .over_the_wire import (
    DEFAULT_ENDPOINT_EXAMPLES,
    EndpointUnreachable,
    MissingDependency,
    RemoteEndpointRefused,
    check_endpoint,
)

__all__ = [
    "DEFAULT_ENDPOINT_EXAMPLES",
    "DEFAULT_EXAMPLES",
    "RULES",
    "VECTORS_FORMAT",
    "Adapter",
    "Case",
    "Coverage",
    "Crash",
    "EndpointUnreachable",
    "Failure",
    "MissingDependency",
    "RemoteEndpointRefused",
    "Report",
    "Rule",
    "RuleRow",
    "check",
    "check_endpoint",
    "load_vectors",
]
