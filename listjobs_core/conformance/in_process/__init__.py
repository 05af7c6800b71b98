"""Checking in process: an implementation given as a Python function, ``adapter(jobs, request)``.

Theory of operation: :func:`check` hands the adapter fresh copies of jobs and a request for every call,
and sees its answers as Python values (never exception types, status codes or wire bodies). It runs the
hand-written vectors (``vectors.json``), then a seeded run of generated cases (``_generated``), each
compared with :func:`listjobs_core.list_service_jobs`, and grades what it saw by rule (``_check``).
Everything it judges with is shared with the check over the wire: the rules, the calls, the vectors, the
diagnosis and the report live one level up, in ``listjobs_core.conformance``, which is where users import
:func:`check` from. Standard library only.

>>> from listjobs_core import list_service_jobs
>>> check(list_service_jobs, examples=3).ok
True
"""

from ._check import DEFAULT_EXAMPLES, check

__all__ = ["DEFAULT_EXAMPLES", "check"]
