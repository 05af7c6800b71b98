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
implementation with its own token format passes. ``check`` is standard library only; ``check_endpoint``
signs its requests with botocore (``pip install ".[conformance]"`` from a clone).

Modules: ``_rules`` (the rule table, with sources and what each target shows), ``_calls`` (calling an
adapter; what every response obeys), ``_vectors`` (the vector format and runner), ``_generate`` (seeded
generators), ``_differential`` (the comparison with the reference), ``_diagnosis`` (which rule a
difference breaks), ``_report`` (grading, rows and rendering), ``_check`` (``check`` itself); over the
wire ``_http`` (signed REST-JSON requests), ``_endpoint_calls`` (ListServiceJobs over the wire, and the
wire rules), ``_plan`` (the jobs and listings a run designs), ``_endpoint_run`` (a run's state and its
stable snapshots), ``_endpoint_jobs`` (queues, jobs and the other operations), ``_endpoint_cases`` and
``_endpoint_read_only`` (what is judged) and ``_endpoint`` (``check_endpoint``); and ``_command``
(``python -m listjobs_core conformance``).

>>> from listjobs_core import list_service_jobs
>>> check(list_service_jobs, examples=5).ok
True
"""

from ._calls import Adapter
from ._check import DEFAULT_EXAMPLES, check
from ._endpoint import DEFAULT_ENDPOINT_EXAMPLES, RemoteEndpointRefused, check_endpoint
from ._http import EndpointUnreachable, MissingDependency
from ._report import Crash, Failure, Report, RuleRow
from ._rules import RULES, Coverage, Rule
from ._vectors import VECTORS_FORMAT, Case, load_vectors

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
